//! # Fix E0502: mutating while a shared borrow is still in use
//!
//! - **Goal:** return the previous log entry after appending a new one; the shared borrow of the old entry is still alive when `push` needs the log exclusively.
//! - **Concepts:** a reference into a `Vec` is invalidated by `push` (it may reallocate); non-lexical lifetimes (a borrow lasts until its last use); E0502 "cannot borrow as mutable because it is also borrowed as immutable".
//! - **Read first:** `notes/02-borrowing-deep-dive.md` (sections "Non-lexical lifetimes" and "Why a push invalidates references").
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-fix-mutate-while-shared`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-fix-mutate-while-shared`
//! - **Done when:** it compiles and the tests pass; find the fix that copies as little as possible.

/// Appends `entry` to the log and describes what came before it.
fn record(log: &mut Vec<String>, entry: &str) -> String {
    // course:solution
    let previous = match log.last() {
        Some(last) => format!("after {last:?}"),
        None => String::from("first entry"),
    };
    log.push(entry.to_string());
    previous
    // course:stub
    // let last = log.last();
    // log.push(entry.to_string());
    // match last {
    //     Some(last) => format!("after {last:?}"),
    //     None => String::from("first entry"),
    // }
    // course:end
}

fn main() {
    let mut log = Vec::new();
    println!("{}", record(&mut log, "boot"));
    println!("{}", record(&mut log, "login"));
    println!("{log:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_on_an_empty_log_says_first_entry() {
        let mut log = Vec::new();
        assert_eq!(record(&mut log, "boot"), "first entry");
        assert_eq!(log, ["boot"]);
    }

    #[test]
    fn record_names_the_previous_entry() {
        let mut log = vec![String::from("boot")];
        assert_eq!(record(&mut log, "login"), "after \"boot\"");
        assert_eq!(log, ["boot", "login"]);
    }
}
