//! # Fix E0499: two exclusive borrows of the same slice
//!
//! - **Goal:** lend out two players of one slice at the same time, as two `&mut`; the compiler refuses two `&mut` into one slice, because it cannot prove the two indices differ.
//! - **Concepts:** `&mut` is exclusive; indexing borrows the whole slice; `get_disjoint_mut` (or `split_at_mut`) proves disjointness at run time; E0499 "cannot borrow as mutable more than once at a time".
//! - **Read first:** `notes/02-borrowing-deep-dive.md` (sections "The aliasing rule" and "Splitting borrows").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-two-mutable-borrows` runs your copy (made by `cargo course start 01.5`).
//! - **Test:** `cargo course verify 01.5` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-two-mutable-borrows`.)
//! - **Done when:** it compiles, the tests pass (one holds both borrows `podium` returns and changes both players), and you can explain what would go wrong if `winner == runner_up` were allowed.

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

/// Borrows the winner and the runner-up exclusively, at the same time, so the caller can change
/// both (award points, and whatever else a podium ceremony needs).
fn podium(
    players: &mut [Player],
    winner: usize,
    runner_up: usize,
) -> Result<(&mut Player, &mut Player), AwardError> {
    // course:solution
    let [first, second] =
        players
            .get_disjoint_mut([winner, runner_up])
            .map_err(|error| match error {
                std::slice::GetDisjointMutError::OverlappingIndices => AwardError::SamePlayer,
                _ => AwardError::NoSuchPlayer,
            })?;
    Ok((first, second))
    // course:stub
    // if winner == runner_up {
    //     return Err(AwardError::SamePlayer);
    // }
    // if winner >= players.len() || runner_up >= players.len() {
    //     return Err(AwardError::NoSuchPlayer);
    // }
    // let first = &mut players[winner];
    // let second = &mut players[runner_up];
    // Ok((first, second))
    // course:decoy one-error-for-all Maps every refusal to `NoSuchPlayer`.
    // let [first, second] = players
    //     .get_disjoint_mut([winner, runner_up])
    //     .map_err(|_| AwardError::NoSuchPlayer)?;
    // Ok((first, second))
    // course:decoy split-in-index-order Splits the slice but returns the two halves in index order, not winner first.
    // if winner == runner_up {
    //     return Err(AwardError::SamePlayer);
    // }
    // if winner.max(runner_up) >= players.len() {
    //     return Err(AwardError::NoSuchPlayer);
    // }
    // let (low, high) = players.split_at_mut(winner.max(runner_up));
    // Ok((&mut low[winner.min(runner_up)], &mut high[0]))
    // course:decoy split-off-by-one Splits one element too late, so neighbours are reported as missing.
    // if winner == runner_up {
    //     return Err(AwardError::SamePlayer);
    // }
    // let (low, high) = players.split_at_mut(winner.max(runner_up));
    // let high = high.get_mut(1).ok_or(AwardError::NoSuchPlayer)?;
    // let low = low.get_mut(winner.min(runner_up)).ok_or(AwardError::NoSuchPlayer)?;
    // if winner < runner_up {
    //     Ok((low, high))
    // } else {
    //     Ok((high, low))
    // }
    // course:end
}

/// Gives the winner 3 points and the runner-up 1 point.
fn award(players: &mut [Player], winner: usize, runner_up: usize) -> Result<(), AwardError> {
    let (first, second) = podium(players, winner, runner_up)?;
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
    fn award_in_reverse_index_order() {
        let mut players = board();
        assert_eq!(award(&mut players, 1, 0), Ok(()));
        assert_eq!((players[0].score, players[1].score), (11, 23));
    }

    #[test]
    fn podium_lends_both_players_at_once() {
        let mut players = board();
        players.push(Player {
            name: "Linus".into(),
            score: 0,
        });
        let addresses: Vec<*const Player> = players.iter().map(std::ptr::from_ref).collect();
        let (winner, runner_up) = podium(&mut players, 2, 1).expect("two different players");
        assert_eq!(
            (
                std::ptr::from_ref(&*winner),
                std::ptr::from_ref(&*runner_up)
            ),
            (addresses[2], addresses[1]),
            "hand back the winner first, then the runner-up, as borrows into the slice"
        );
        // Both exclusive borrows are in use at the same time.
        winner.name.push_str(" (gold)");
        runner_up.name.push_str(" (silver)");
        assert_eq!(players[2].name, "Linus (gold)");
        assert_eq!(players[1].name, "Grace (silver)");
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
        assert_eq!(award(&mut players, 2, 0), Err(AwardError::NoSuchPlayer));
        assert_eq!(players, board());
    }
}
