//! # Fix E0597: a borrowed value does not live long enough
//!
//! - **Goal:** pick the longest entry after normalising the entries; the result borrows a vector that is dropped at the end of an inner block, while the result is used after it.
//! - **Concepts:** a reference must not outlive its referent; scopes and drop points; returning owned data instead of a borrow of a local; E0597 "`normalized` does not live long enough".
//! - **Read first:** `notes/03-lifetimes-explained.md` (section "What a lifetime is").
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-fix-dangling-reference`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-fix-dangling-reference`
//! - **Done when:** it compiles and the tests pass.

/// Returns the longest string in `items` (the first on a tie), or `""` if there is none.
fn longest(items: &[String]) -> &str {
    let mut best = "";
    for item in items {
        if item.len() > best.len() {
            best = item;
        }
    }
    best
}

/// Trims and lower-cases every entry, then returns the longest one.
fn pick_winner(entries: &[&str]) -> String {
    // course:solution
    let normalized: Vec<String> = entries
        .iter()
        .map(|entry| entry.trim().to_lowercase())
        .collect();
    longest(&normalized).to_string()
    // course:stub
    // let winner: &str;
    // {
    //     let normalized: Vec<String> =
    //         entries.iter().map(|entry| entry.trim().to_lowercase()).collect();
    //     winner = longest(&normalized);
    // }
    // winner.to_string()
    // course:end
}

fn main() {
    println!("{}", pick_winner(&["  Ferris ", "CRAB", "Rustacean"]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_winner_normalises_then_picks_the_longest() {
        assert_eq!(pick_winner(&["  Ab  ", "CDE", "fg"]), "cde");
    }

    #[test]
    fn pick_winner_of_nothing_is_empty() {
        assert_eq!(pick_winner(&[]), "");
    }
}
