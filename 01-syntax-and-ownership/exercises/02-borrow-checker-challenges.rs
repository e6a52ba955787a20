//! # Borrow checker challenges: correct programs the checker must be able to prove
//!
//! - **Goal:** write five functions whose first, obvious version is rejected by the borrow checker, in a form it accepts.
//! - **Concepts:** the get-or-insert pattern ("NLL problem case #3") and the entry API; disjoint `&mut` into one slice (`get_disjoint_mut`); borrowing struct fields separately; not mutating a `Vec` while iterating it; two-phase borrows.
//! - **Read first:** `notes/02-borrowing-deep-dive.md`.
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-borrow-checker-challenges` runs your copy (made by `cargo course start 01.2`).
//! - **Test:** `cargo course verify 01.2` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-borrow-checker-challenges`.)
//! - **Done when:** every test passes, and you can say for each function which obvious version fails and with which error code. `transfer` hands back both accounts at once and `restock` hands back names borrowed from the stock together with the log, so neither can dodge the checker by updating one thing at a time.

use std::collections::HashMap;

/// Returns the counter for `word`, creating it at zero first if the map has none.
///
/// The obvious version (`if let Some(c) = counts.get_mut(word) { return c; }` followed by an
/// insert) is correct but rejected with E0499: see "NLL problem case #3" in the note.
fn counter_for<'m>(counts: &'m mut HashMap<String, u32>, word: &str) -> &'m mut u32 {
    // course:solution Ask the map once, in a way that covers both "present" and "absent".
    counts.entry(word.to_string()).or_insert(0)
    // course:decoy insert-resets Inserts a fresh zero every time, losing the existing count.
    // counts.insert(word.to_string(), 0);
    // counts.entry(word.to_string()).or_default()
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

/// Moves `amount` cents from `accounts[from]` to `accounts[to]` and hands back both accounts,
/// source first, so the caller can go on changing the two together (add a memo to each, say).
/// Nothing changes when the transfer is refused.
fn transfer(
    accounts: &mut [Account],
    from: usize,
    to: usize,
    amount: u64,
) -> Result<(&mut Account, &mut Account), TransferError> {
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
    Ok((source, destination))
    // course:decoy one-error-for-all Reports every refusal of `get_disjoint_mut` as a missing account.
    // let [source, destination] = accounts
    //     .get_disjoint_mut([from, to])
    //     .map_err(|_| TransferError::NoSuchAccount)?;
    // if source.balance < amount {
    //     return Err(TransferError::InsufficientFunds);
    // }
    // source.balance -= amount;
    // destination.balance += amount;
    // Ok((source, destination))
    // course:decoy credit-before-check Credits the destination before checking the balance.
    // let [source, destination] = accounts
    //     .get_disjoint_mut([from, to])
    //     .map_err(|error| match error {
    //         std::slice::GetDisjointMutError::OverlappingIndices => TransferError::SameAccount,
    //         _ => TransferError::NoSuchAccount,
    //     })?;
    // destination.balance += amount;
    // if source.balance < amount {
    //     return Err(TransferError::InsufficientFunds);
    // }
    // source.balance -= amount;
    // Ok((source, destination))
    // course:decoy split-in-wrong-order Splits the slice but hands back the two halves in index order, not source first.
    // if from == to {
    //     return Err(TransferError::SameAccount);
    // }
    // if from.max(to) >= accounts.len() {
    //     return Err(TransferError::NoSuchAccount);
    // }
    // let (low, high) = accounts.split_at_mut(from.max(to));
    // let (first, second) = (&mut low[from.min(to)], &mut high[0]);
    // let (source_balance, destination_balance) = if from < to {
    //     (&mut first.balance, &mut second.balance)
    // } else {
    //     (&mut second.balance, &mut first.balance)
    // };
    // if *source_balance < amount {
    //     return Err(TransferError::InsufficientFunds);
    // }
    // *source_balance -= amount;
    // *destination_balance += amount;
    // Ok((first, second))
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
    /// Returns the names of the items it topped up, borrowed from the stock (not copied),
    /// together with the log, so the caller can add its own line while it still holds the names.
    fn restock(&mut self, minimum: u32) -> (Vec<&str>, &mut Vec<String>) {
        // course:solution Borrow the two fields separately instead of calling `self.note` inside the loop.
        let mut reordered = Vec::new();
        let log = &mut self.log;
        for (name, count) in &mut self.stock {
            if *count < minimum {
                log.push(format!("reorder {name}: {}", minimum - *count));
                *count = minimum;
                reordered.push(name.as_str());
            }
        }
        (reordered, log)
        // course:decoy leaked-names Leaks a copy of each name to get a `&str` that borrows nothing.
        // let mut reordered: Vec<&str> = Vec::new();
        // for (name, count) in &mut self.stock {
        //     if *count < minimum {
        //         self.log.push(format!("reorder {name}: {}", minimum - *count));
        //         *count = minimum;
        //         reordered.push(Box::leak(name.clone().into_boxed_str()));
        //     }
        // }
        // (reordered, &mut self.log)
        // course:decoy logs-the-minimum Logs the new level instead of how many were ordered.
        // let mut reordered = Vec::new();
        // let log = &mut self.log;
        // for (name, count) in &mut self.stock {
        //     if *count < minimum {
        //         log.push(format!("reorder {name}: {minimum}"));
        //         *count = minimum;
        //         reordered.push(name.as_str());
        //     }
        // }
        // (reordered, log)
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
    // course:decoy rebuild Builds the doubles in a new Vec and replaces the old one with it.
    // *numbers = numbers.iter().map(|number| number * 2).collect();
    // course:decoy doubles-twice Appends a copy of the whole Vec instead of the doubles.
    // let copy = numbers.clone();
    // numbers.extend(copy);
    // course:end
}

/// Removes every word shorter than `min_len` characters, keeping the others in order.
fn drop_short_words(words: &mut Vec<String>, min_len: usize) {
    // course:solution Removing inside `for word in words.iter()` is E0502; let the Vec do the walk.
    words.retain(|word| word.chars().count() >= min_len);
    // course:decoy counts-bytes Compares the byte length, so "né" (3 bytes) survives.
    // words.retain(|word| word.len() >= min_len);
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
    if let Ok((source, destination)) = transfer(&mut ledger, 0, 1, 2_500) {
        source.owner.push_str(" (sent 25.00)");
        destination.owner.push_str(" (received 25.00)");
    }
    println!("refused:  {:?}", transfer(&mut ledger, 1, 1, 1).err());
    println!("ledger:   {ledger:?}");

    let mut warehouse = Warehouse {
        stock: vec![("bolts".into(), 3), ("nuts".into(), 50)],
        ..Warehouse::default()
    };
    let (reordered, log) = warehouse.restock(10);
    log.push(format!("{} items reordered", reordered.len()));
    println!("reordered: {reordered:?}");
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

    /// The address of every account, to check which accounts a result borrows.
    fn addresses(accounts: &[Account]) -> Vec<*const Account> {
        accounts.iter().map(std::ptr::from_ref).collect()
    }

    #[test]
    fn transfer_moves_money_and_hands_back_both_accounts() {
        let mut accounts = ledger();
        let before = addresses(&accounts);
        let (source, destination) = transfer(&mut accounts, 0, 1, 30).expect("Ada has 100");
        assert_eq!(
            (
                std::ptr::from_ref(&*source),
                std::ptr::from_ref(&*destination)
            ),
            (before[0], before[1]),
            "hand back the source, then the destination, as borrows into the slice"
        );
        // Both exclusive borrows are alive at once here.
        source.owner.push_str(" (sent)");
        destination.owner.push_str(" (received)");
        assert_eq!(accounts[0].balance, 70);
        assert_eq!(accounts[1].balance, 80);
        assert_eq!(accounts[0].owner, "Ada (sent)");
        assert_eq!(accounts[1].owner, "Grace (received)");
    }

    #[test]
    fn transfer_backwards_hands_back_the_source_first() {
        let mut accounts = ledger();
        let before = addresses(&accounts);
        let (source, destination) = transfer(&mut accounts, 1, 0, 50).expect("Grace has 50");
        assert_eq!(
            (
                std::ptr::from_ref(&*source),
                std::ptr::from_ref(&*destination)
            ),
            (before[1], before[0]),
            "the first account handed back must be the source"
        );
        assert_eq!((source.balance, destination.balance), (0, 150));
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
            assert_eq!(
                transfer(&mut accounts, from, to, amount).err(),
                Some(expected)
            );
            assert_eq!(accounts, ledger(), "a refused transfer changed the ledger");
        }
    }

    #[test]
    fn restock_tops_up_and_logs_only_low_items() {
        let mut warehouse = Warehouse {
            stock: vec![
                ("bolts".into(), 3),
                ("nuts".into(), 50),
                ("pins".into(), 0),
                ("rivets".into(), 10),
            ],
            ..Warehouse::default()
        };
        let (bolts, pins) = (warehouse.stock[0].0.as_ptr(), warehouse.stock[2].0.as_ptr());
        let (reordered, log) = warehouse.restock(10);
        // The names and the log are borrowed at the same time here.
        log.push(format!("{} reordered", reordered.len()));
        assert_eq!(reordered, ["bolts", "pins"]);
        let addresses: Vec<*const u8> = reordered.iter().map(|name| name.as_ptr()).collect();
        assert_eq!(
            addresses,
            [bolts, pins],
            "the names must be borrowed from the stock, not copied"
        );
        assert_eq!(
            warehouse.stock,
            [
                ("bolts".into(), 10),
                ("nuts".into(), 50),
                ("pins".into(), 10),
                ("rivets".into(), 10)
            ]
        );
        assert_eq!(
            warehouse.log,
            ["reorder bolts: 7", "reorder pins: 10", "2 reordered"]
        );
    }

    #[test]
    fn restock_of_an_empty_warehouse_logs_nothing() {
        let mut warehouse = Warehouse::default();
        assert!(warehouse.restock(5).0.is_empty());
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
