//! # Borrow checker challenges: correct programs the checker must be able to prove
//!
//! - **Goal:** write five functions whose first, obvious version is rejected by the borrow checker, in a form it accepts.
//! - **Concepts:** the get-or-insert pattern ("NLL problem case #3") and the entry API; disjoint `&mut` into one slice (`get_disjoint_mut`); borrowing struct fields separately; not mutating a `Vec` while iterating it; two-phase borrows.
//! - **Read first:** `notes/02-borrowing-deep-dive.md`.
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-borrow-checker-challenges`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-borrow-checker-challenges`
//! - **Done when:** every test passes, and you can say for each function which obvious version fails and with which error code.

use std::collections::HashMap;

/// Returns the counter for `word`, creating it at zero first if the map has none.
///
/// The obvious version (`if let Some(c) = counts.get_mut(word) { return c; }` followed by an
/// insert) is correct but rejected with E0499: see "NLL problem case #3" in the note.
fn counter_for<'m>(counts: &'m mut HashMap<String, u32>, word: &str) -> &'m mut u32 {
    // course:solution Ask the map once, in a way that covers both "present" and "absent".
    counts.entry(word.to_string()).or_insert(0)
    // course:end
}

/// Counts how often each whitespace-separated word occurs in `text`.
fn word_counts(text: &str) -> HashMap<String, u32> {
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {
        *counter_for(&mut counts, word) += 1;
    }
    counts
}

/// A bank account in a ledger.
#[derive(Debug, Clone, PartialEq)]
struct Account {
    /// The owner's name.
    owner: String,
    /// The balance in cents.
    balance: u64,
}

/// Why a transfer was refused.
#[derive(Debug, Clone, PartialEq)]
enum TransferError {
    /// An index does not name an account in the ledger.
    NoSuchAccount,
    /// The source and destination are the same account.
    SameAccount,
    /// The source does not hold enough money.
    InsufficientFunds,
}

/// Moves `amount` cents from `accounts[from]` to `accounts[to]`.
/// Nothing changes when the transfer is refused.
fn transfer(
    accounts: &mut [Account],
    from: usize,
    to: usize,
    amount: u64,
) -> Result<(), TransferError> {
    // course:solution Get two `&mut Account` into the same slice at once; the obvious `&mut accounts[from]` + `&mut accounts[to]` is E0499.
    let [source, destination] =
        accounts
            .get_disjoint_mut([from, to])
            .map_err(|error| match error {
                std::slice::GetDisjointMutError::OverlappingIndices => TransferError::SameAccount,
                _ => TransferError::NoSuchAccount,
            })?;
    if source.balance < amount {
        return Err(TransferError::InsufficientFunds);
    }
    source.balance -= amount;
    destination.balance += amount;
    Ok(())
    // course:end
}

/// A warehouse: stock levels plus a log of what was reordered.
#[derive(Debug, Default)]
struct Warehouse {
    /// Item name and how many are in stock.
    stock: Vec<(String, u32)>,
    /// One line per reorder, in the order they happened.
    log: Vec<String>,
}

impl Warehouse {
    /// Records a reorder in the log.
    /// Calling this inside a loop over `&mut self.stock` is E0499 (E0502 if the loop only reads),
    /// because the call borrows *all* of `self`, including `stock`.
    fn note(&mut self, line: String) {
        self.log.push(line);
    }

    /// Tops every item below `minimum` up to `minimum`, logging `"reorder <name>: <n>"` for each.
    fn restock(&mut self, minimum: u32) {
        // course:solution Borrow the two fields separately instead of calling `self.note` inside the loop.
        let log = &mut self.log;
        for (name, count) in &mut self.stock {
            if *count < minimum {
                log.push(format!("reorder {name}: {}", minimum - *count));
                *count = minimum;
            }
        }
        // course:end
    }
}

/// Appends to `numbers`, in order, the double of every number it held on entry.
fn append_doubles(numbers: &mut Vec<i64>) {
    // course:solution You cannot push while an iterator over the same Vec is alive; loop over indices (or reserve, then extend from a copy).
    let original_len = numbers.len();
    numbers.reserve(original_len);
    for index in 0..original_len {
        numbers.push(numbers[index] * 2);
    }
    // course:end
}

/// Removes every word shorter than `min_len` characters, keeping the others in order.
fn drop_short_words(words: &mut Vec<String>, min_len: usize) {
    // course:solution Removing inside `for word in words.iter()` is E0502; let the Vec do the walk.
    words.retain(|word| word.chars().count() >= min_len);
    // course:end
}

fn main() {
    let counts = word_counts("the cat saw the other cat");
    println!("\"the\" occurs {} times", counts["the"]);

    let mut ledger = vec![
        Account {
            owner: "Ada".into(),
            balance: 10_000,
        },
        Account {
            owner: "Grace".into(),
            balance: 500,
        },
    ];
    println!("transfer: {:?}", transfer(&mut ledger, 0, 1, 2_500));
    println!("refused:  {:?}", transfer(&mut ledger, 1, 1, 1));
    println!("ledger:   {ledger:?}");

    let mut warehouse = Warehouse {
        stock: vec![("bolts".into(), 3), ("nuts".into(), 50)],
        ..Warehouse::default()
    };
    warehouse.restock(10);
    warehouse.note(String::from("stock check done"));
    println!("log: {:?}", warehouse.log);

    let mut numbers = vec![1, 2, 3];
    append_doubles(&mut numbers);
    println!("doubled: {numbers:?}");

    let mut words = vec!["a".to_string(), "borrow".to_string(), "is".to_string()];
    drop_short_words(&mut words, 3);
    println!("long words: {words:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger() -> Vec<Account> {
        vec![
            Account {
                owner: "Ada".into(),
                balance: 100,
            },
            Account {
                owner: "Grace".into(),
                balance: 50,
            },
        ]
    }

    #[test]
    fn counter_for_creates_a_missing_counter_at_zero() {
        let mut counts = HashMap::new();
        assert_eq!(*counter_for(&mut counts, "new"), 0);
        assert_eq!(counts.get("new"), Some(&0));
    }

    #[test]
    fn counter_for_returns_the_existing_counter() {
        let mut counts = HashMap::from([("seen".to_string(), 4)]);
        *counter_for(&mut counts, "seen") += 1;
        assert_eq!(counts["seen"], 5);
        assert_eq!(counts.len(), 1);
    }

    #[test]
    fn word_counts_counts_repeated_words() {
        let counts = word_counts("to be or not to be");
        assert_eq!(counts["to"], 2);
        assert_eq!(counts["or"], 1);
        assert_eq!(counts.len(), 4);
    }

    #[test]
    fn transfer_moves_money_between_accounts() {
        let mut accounts = ledger();
        assert_eq!(transfer(&mut accounts, 0, 1, 30), Ok(()));
        assert_eq!(accounts[0].balance, 70);
        assert_eq!(accounts[1].balance, 80);
    }

    #[test]
    fn transfer_of_the_whole_balance_is_allowed() {
        let mut accounts = ledger();
        assert_eq!(transfer(&mut accounts, 1, 0, 50), Ok(()));
        assert_eq!((accounts[0].balance, accounts[1].balance), (150, 0));
    }

    #[test]
    fn transfer_refuses_and_changes_nothing() {
        let cases = [
            (0, 0, 1, TransferError::SameAccount),
            (0, 2, 1, TransferError::NoSuchAccount),
            (5, 0, 1, TransferError::NoSuchAccount),
            (1, 0, 51, TransferError::InsufficientFunds),
        ];
        for (from, to, amount, expected) in cases {
            let mut accounts = ledger();
            assert_eq!(transfer(&mut accounts, from, to, amount), Err(expected));
            assert_eq!(accounts, ledger(), "a refused transfer changed the ledger");
        }
    }

    #[test]
    fn restock_tops_up_and_logs_only_low_items() {
        let mut warehouse = Warehouse {
            stock: vec![("bolts".into(), 3), ("nuts".into(), 50), ("pins".into(), 0)],
            ..Warehouse::default()
        };
        warehouse.restock(10);
        assert_eq!(
            warehouse.stock,
            [
                ("bolts".into(), 10),
                ("nuts".into(), 50),
                ("pins".into(), 10)
            ]
        );
        assert_eq!(warehouse.log, ["reorder bolts: 7", "reorder pins: 10"]);
    }

    #[test]
    fn restock_of_an_empty_warehouse_logs_nothing() {
        let mut warehouse = Warehouse::default();
        warehouse.restock(5);
        assert!(warehouse.log.is_empty());
        warehouse.note("checked".into());
        assert_eq!(warehouse.log, ["checked"]);
    }

    #[test]
    fn append_doubles_doubles_only_the_original_numbers() {
        let mut numbers = vec![1, -2, 3];
        append_doubles(&mut numbers);
        assert_eq!(numbers, [1, -2, 3, 2, -4, 6]);
    }

    #[test]
    fn append_doubles_of_empty_stays_empty() {
        let mut numbers = Vec::new();
        append_doubles(&mut numbers);
        assert!(numbers.is_empty());
    }

    #[test]
    fn drop_short_words_counts_characters_not_bytes() {
        // "né" has 2 characters but 3 bytes: it is short, and must go.
        let mut words = ["über", "né", "ox", "cat"].map(String::from).to_vec();
        drop_short_words(&mut words, 3);
        assert_eq!(words, ["über", "cat"]);
    }
}
