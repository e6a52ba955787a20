//! # Fix E0499: two exclusive borrows of the same slice
//!
//! - **Goal:** award points to two players of one slice; the compiler refuses two `&mut` into it at once, because it cannot prove the two indices differ.
//! - **Concepts:** `&mut` is exclusive; indexing borrows the whole slice; `get_disjoint_mut` (or `split_at_mut`) proves disjointness at run time; E0499 "cannot borrow as mutable more than once at a time".
//! - **Read first:** `notes/02-borrowing-deep-dive.md` (sections "The aliasing rule" and "Splitting borrows").
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-fix-two-mutable-borrows`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-fix-two-mutable-borrows`
//! - **Done when:** it compiles, the tests pass, and you can explain what would go wrong if `winner == runner_up` were allowed.

/// A player on the score board.
#[derive(Debug, Clone, PartialEq)]
struct Player {
    /// Display name.
    name: String,
    /// Points so far.
    score: u32,
}

/// Why an award was refused.
#[derive(Debug, Clone, PartialEq)]
enum AwardError {
    /// The winner and the runner-up are the same player.
    SamePlayer,
    /// An index does not name a player.
    NoSuchPlayer,
}

/// Gives the winner 3 points and the runner-up 1 point.
fn award(players: &mut [Player], winner: usize, runner_up: usize) -> Result<(), AwardError> {
    // course:solution
    let [first, second] =
        players
            .get_disjoint_mut([winner, runner_up])
            .map_err(|error| match error {
                std::slice::GetDisjointMutError::OverlappingIndices => AwardError::SamePlayer,
                _ => AwardError::NoSuchPlayer,
            })?;
    // course:stub
    // if winner == runner_up {
    //     return Err(AwardError::SamePlayer);
    // }
    // if winner >= players.len() || runner_up >= players.len() {
    //     return Err(AwardError::NoSuchPlayer);
    // }
    // let first = &mut players[winner];
    // let second = &mut players[runner_up];
    // course:end
    first.score += 3;
    second.score += 1;
    Ok(())
}

fn main() {
    let mut board = vec![
        Player {
            name: "Ada".into(),
            score: 0,
        },
        Player {
            name: "Grace".into(),
            score: 0,
        },
    ];
    println!("{:?}", award(&mut board, 1, 0));
    println!("{:?}", award(&mut board, 1, 1));
    println!("{board:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board() -> Vec<Player> {
        vec![
            Player {
                name: "Ada".into(),
                score: 10,
            },
            Player {
                name: "Grace".into(),
                score: 20,
            },
        ]
    }

    #[test]
    fn award_gives_three_and_one_points() {
        let mut players = board();
        assert_eq!(award(&mut players, 0, 1), Ok(()));
        assert_eq!((players[0].score, players[1].score), (13, 21));
    }

    #[test]
    fn award_to_the_same_player_twice_is_refused() {
        let mut players = board();
        assert_eq!(award(&mut players, 1, 1), Err(AwardError::SamePlayer));
        assert_eq!(players, board());
    }

    #[test]
    fn award_to_a_missing_player_is_refused() {
        let mut players = board();
        assert_eq!(award(&mut players, 0, 7), Err(AwardError::NoSuchPlayer));
        assert_eq!(players, board());
    }
}
