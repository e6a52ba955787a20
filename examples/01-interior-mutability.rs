//! # Example 01: Interior mutability
//!
//! - **Shows:** how to change data you only reach through a shared reference `&T`:
//!   `Cell`, `RefCell` (with its run-time borrow check and `try_borrow_mut`), `Rc<RefCell<T>>`,
//!   `Mutex` and `RwLock` shared across threads with `std::thread::scope` and with `Arc`,
//!   lock poisoning, `OnceLock`/`LazyLock`, and atomics.
//! - **Read after:** module 01 (`notes/02-borrowing-deep-dive.md`); the thread parts again
//!   after module 03. `docs/mental-models.md` has the "Interior mutability" model.
//! - **Run:** `cargo run -p examples --bin example-interior-mutability`
//! - **Test:** `cargo test -p examples --bin example-interior-mutability`
//!
//! `&T` is a *shared* reference, not an "immutable" one.
//! The compiler lets you mutate through `&T` exactly when the bytes live inside an
//! [`UnsafeCell`](std::cell::UnsafeCell): every type below wraps one.
//! Each type picks a different way to keep "aliasing XOR mutation" true at run time.
//!
//! | Type | Threads | How it stays sound | Cost | Right when |
//! |---|---|---|---|---|
//! | `Cell<T>` | one (`!Sync`) | never hands out a reference to the inside; you copy or swap whole values | none beyond the copy | small `Copy` state: counters, flags |
//! | `RefCell<T>` | one (`!Sync`) | counts borrows at run time; a conflict panics (or `try_*` returns `Err`) | a borrow counter and a check | shared graphs, caches, observers in one thread |
//! | `Rc<RefCell<T>>` | one | `Rc` gives several owners, `RefCell` gives mutation | two counters | several owners must all mutate one value |
//! | `Mutex<T>` | many (`Sync` if `T: Send`) | one holder at a time; the others block | a lock word, maybe a syscall | general shared state |
//! | `RwLock<T>` | many | many readers or one writer | like `Mutex`, plus reader bookkeeping | long reads, rare writes (measure first) |
//! | `OnceLock<T>` / `LazyLock<T>` | many | written once, then only read | one check per access | global config, tables built on first use |
//! | `AtomicU64`, `AtomicBool`, ... | many | single hardware instructions | no lock; contention still costs | counters, flags, claims |

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError, RwLock};
use std::thread;

// ---------------------------------------------------------------------------------------------
// Cell: replace whole values, never borrow the inside
// ---------------------------------------------------------------------------------------------

/// A page-view counter that can be bumped through `&self`.
///
/// `Cell<u32>` works because `u32` is `Copy`: `get` copies the value out and `set` writes a new
/// one in, so no reference to the inside ever exists and nothing can alias it.
#[derive(Debug, Default)]
struct PageViews {
    views: Cell<u32>,
}

impl PageViews {
    /// Records one view. Takes `&self`: many parts of the program may hold this counter.
    fn record(&self) {
        self.views.set(self.views.get() + 1);
    }

    fn total(&self) -> u32 {
        self.views.get()
    }
}

// ---------------------------------------------------------------------------------------------
// RefCell: the borrow rules, checked at run time
// ---------------------------------------------------------------------------------------------

/// An append-only event log shared by reference inside one thread.
#[derive(Debug, Default)]
struct EventLog {
    lines: RefCell<Vec<String>>,
}

impl EventLog {
    /// Appends a line, or reports that someone is still reading the log.
    ///
    /// `try_borrow_mut` is the non-panicking form of `borrow_mut`: it returns `Err` while any
    /// `Ref` or `RefMut` from this cell is alive.
    fn try_append(&self, line: &str) -> Result<(), std::cell::BorrowMutError> {
        self.lines.try_borrow_mut()?.push(line.to_owned());
        Ok(())
    }

    /// Appends a line, panicking if the log is currently borrowed. That panic is the run-time
    /// version of compile error E0502: it means the program broke aliasing XOR mutation.
    fn append(&self, line: &str) {
        self.lines.borrow_mut().push(line.to_owned());
    }

    fn len(&self) -> usize {
        self.lines.borrow().len()
    }
}

// ---------------------------------------------------------------------------------------------
// Rc<RefCell<T>>: several owners, one mutable value, one thread
// ---------------------------------------------------------------------------------------------

/// A shopping list that two family members both own and both edit.
type SharedList = Rc<RefCell<Vec<String>>>;

/// A person holding their own handle to the shared list.
#[derive(Debug)]
struct Shopper {
    name: &'static str,
    list: SharedList,
}

impl Shopper {
    /// A new owner of `list`: `Rc::clone` adds one to the count, it does not copy the list.
    fn joining(name: &'static str, list: &SharedList) -> Shopper {
        Shopper {
            name,
            list: Rc::clone(list),
        }
    }

    fn add(&self, item: &str) {
        self.list
            .borrow_mut()
            .push(format!("{item} (from {})", self.name));
    }
}

// ---------------------------------------------------------------------------------------------
// Mutex and RwLock across threads
// ---------------------------------------------------------------------------------------------

/// Counts words over several chunks of text, one scoped thread per chunk, into one shared map.
///
/// `thread::scope` guarantees every thread has finished before it returns, so the threads may
/// borrow `totals` (a local) directly: no `Arc` is needed. The `Mutex` is still needed, because
/// several threads write the same map.
fn count_words_in_parallel(chunks: &[&str]) -> HashMap<String, usize> {
    let totals = Mutex::new(HashMap::new());
    thread::scope(|scope| {
        for chunk in chunks {
            // Each closure captures `&totals` and `chunk` by reference; both outlive the scope.
            let totals = &totals;
            scope.spawn(move || {
                // Count locally first so the lock is held briefly, once per chunk.
                let mut local: HashMap<String, usize> = HashMap::new();
                for word in chunk.split_whitespace() {
                    *local.entry(word.to_lowercase()).or_default() += 1;
                }
                // A poisoned lock means another counting thread panicked mid-merge. The map
                // is still a valid HashMap (insertions are whole), so we keep counting.
                let mut shared = totals.lock().unwrap_or_else(PoisonError::into_inner);
                for (word, count) in local {
                    *shared.entry(word).or_default() += count;
                }
            });
        }
    });
    totals.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// Spawns `'static` threads that append to a shared list.
///
/// `thread::spawn` requires `'static` closures: the thread may outlive this function, so it
/// cannot borrow a local. `Arc` gives each thread its own owning handle to the same `Mutex`.
fn collect_from_spawned_threads(workers: u32) -> Vec<u32> {
    let results = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (0..workers)
        .map(|id| {
            let results = Arc::clone(&results);
            thread::spawn(move || {
                results
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(id * id);
            })
        })
        .collect();
    for handle in handles {
        // A worker only pushes one number; if it panicked we still report the others.
        let _ = handle.join();
    }
    let mut values = results
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    values.sort_unstable();
    values
}

/// Settings read by many request threads and replaced rarely.
#[derive(Debug, Clone, PartialEq)]
struct Settings {
    greeting: String,
    max_connections: u32,
}

/// Reads the settings from several threads at once, then updates them once.
///
/// `RwLock` allows many simultaneous `read()` guards or one `write()` guard. Whether a
/// waiting writer blocks new readers depends on the OS, so never take a second `read()` on a
/// thread that already holds one: it can deadlock.
fn read_then_update(settings: &RwLock<Settings>, readers: usize) -> Vec<u32> {
    let seen = thread::scope(|scope| {
        let handles: Vec<_> = (0..readers)
            .map(|_| {
                scope.spawn(|| {
                    settings
                        .read()
                        .unwrap_or_else(PoisonError::into_inner)
                        .max_connections
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect()
    });
    let mut writer = settings.write().unwrap_or_else(PoisonError::into_inner);
    writer.max_connections *= 2;
    seen
}

// ---------------------------------------------------------------------------------------------
// Poisoning
// ---------------------------------------------------------------------------------------------

/// Makes a thread panic while it holds `account`'s lock, half-way through an update.
///
/// The guard is dropped during unwinding, which unlocks the mutex and marks it *poisoned*:
/// the data may now break an invariant (here: the two halves of a transfer).
fn panic_while_holding(account: &Mutex<(i64, i64)>) {
    thread::scope(|scope| {
        let result = scope
            .spawn(|| {
                let mut balances = account.lock().unwrap_or_else(PoisonError::into_inner);
                balances.0 -= 50; // first half of a transfer
                panic!("transfer interrupted between debit and credit");
            })
            .join();
        assert!(result.is_err(), "the worker thread was written to panic");
    });
}

// ---------------------------------------------------------------------------------------------
// OnceLock and LazyLock: initialise once, read forever
// ---------------------------------------------------------------------------------------------

/// The service name, set once at start-up (for example from the command line).
static SERVICE_NAME: OnceLock<String> = OnceLock::new();

/// A table built the first time anyone touches it. `LazyLock` runs the closure once, even if
/// several threads race for the first access; the losers wait for the winner's value.
static WELL_KNOWN_PORTS: LazyLock<HashMap<&'static str, u16>> =
    LazyLock::new(|| HashMap::from([("http", 80), ("https", 443), ("ssh", 22)]));

/// Returns the service name, initialising it with a default if nobody set it.
fn service_name() -> &'static str {
    SERVICE_NAME.get_or_init(|| "demo-service".to_owned())
}

// ---------------------------------------------------------------------------------------------
// Atomics: lock-free counters and one-time claims
// ---------------------------------------------------------------------------------------------

/// Counts bytes processed by several threads with one atomic counter.
///
/// `Relaxed` is enough: we only need every increment to land, not to order other memory
/// operations. The threads' completion is published to us by `thread::scope` joining them.
fn count_bytes_atomically(chunks: &[&[u8]]) -> u64 {
    let total = AtomicU64::new(0);
    thread::scope(|scope| {
        for chunk in chunks {
            let total = &total;
            scope.spawn(move || {
                total.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            });
        }
    });
    total.into_inner()
}

/// Lets `contenders` threads race to claim a one-time job; returns how many won.
///
/// `compare_exchange(false, true, ..)` succeeds for exactly one thread: the check and the
/// write are one indivisible step, which two separate `load` and `store` calls would not be.
fn race_for_claim(contenders: usize) -> usize {
    let claimed = AtomicBool::new(false);
    let winners = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..contenders {
            scope.spawn(|| {
                if claimed
                    .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
                {
                    winners.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    // The count is at most `contenders`, which is a `usize`, so the conversion cannot fail.
    usize::try_from(winners.into_inner()).expect("winner count is at most `contenders`")
}

fn main() {
    println!("== Cell ==");
    let views = PageViews::default();
    let (header, footer) = (&views, &views); // two shared references to one counter
    header.record();
    footer.record();
    println!(
        "views recorded through two shared references: {}",
        views.total()
    );

    println!("\n== RefCell ==");
    let log = EventLog::default();
    log.append("started");
    {
        let reader = log.lines.borrow(); // a live shared borrow...
        let refused = log.try_append("while reading"); // ...so a mutable borrow is refused
        println!(
            "reader sees {} line(s); try_append while reading: {refused:?}",
            reader.len()
        );
    }
    log.try_append("after the reader is gone")
        .expect("no borrow of the log is alive in this statement");
    println!("log now has {} lines", log.len());

    println!("\n== Rc<RefCell<T>> ==");
    let list: SharedList = Rc::new(RefCell::new(Vec::new()));
    let ana = Shopper::joining("Ana", &list);
    let ben = Shopper::joining("Ben", &list);
    ana.add("bread");
    ben.add("coffee");
    println!(
        "owners: {}, items: {:?}",
        Rc::strong_count(&list),
        list.borrow()
    );

    println!("\n== Mutex with thread::scope and with Arc ==");
    let counts = count_words_in_parallel(&["the cat", "The dog", "a cat"]);
    println!(
        "'the' = {:?}, 'cat' = {:?}",
        counts.get("the"),
        counts.get("cat")
    );
    println!(
        "squares from spawned threads: {:?}",
        collect_from_spawned_threads(4)
    );

    println!("\n== RwLock ==");
    let settings = RwLock::new(Settings {
        greeting: "hello".into(),
        max_connections: 8,
    });
    let seen = read_then_update(&settings, 3);
    let after = settings
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    println!("readers saw {seen:?}; after the write: {after:?}");

    println!("\n== Poisoning ==");
    // The default panic hook prints a message (and maybe a backtrace) for every panic, even
    // one we catch on purpose. This hook prints one short line instead. Tests keep the default.
    std::panic::set_hook(Box::new(|info| {
        let message = info.payload_as_str().unwrap_or("<non-string payload>");
        eprintln!("    (a planned panic happened here: {message})");
    }));
    let account = Mutex::new((100_i64, 0_i64));
    panic_while_holding(&account);
    println!("poisoned: {}", account.is_poisoned());
    match account.lock() {
        Ok(_) => println!("lock() succeeded (unexpected)"),
        Err(poisoned) => {
            let mut balances = poisoned.into_inner();
            println!("lock() returned PoisonError; the half-done data is {balances:?}");
            *balances = (100, 0); // repair the invariant: undo the half transfer
        }
    }
    account.clear_poison();
    println!(
        "after repair and clear_poison: poisoned = {}",
        account.is_poisoned()
    );

    println!("\n== OnceLock / LazyLock ==");
    let first_set = SERVICE_NAME.set("billing".to_owned());
    let second_set = SERVICE_NAME.set("ignored".to_owned());
    println!(
        "first set ok: {}, second set ok: {}, name: {}",
        first_set.is_ok(),
        second_set.is_ok(),
        service_name()
    );
    println!("https port: {:?}", WELL_KNOWN_PORTS.get("https"));

    println!("\n== Atomics ==");
    let chunks: [&[u8]; 3] = [b"abc", b"defg", b"h"];
    println!(
        "bytes counted by 3 threads: {}",
        count_bytes_atomically(&chunks)
    );
    println!("threads that won the claim out of 8: {}", race_for_claim(8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_counter_updates_through_shared_references() {
        let views = PageViews::default();
        let first = &views;
        let second = &views;
        first.record();
        second.record();
        second.record();
        assert_eq!(views.total(), 3);
    }

    #[test]
    fn cell_replace_and_take_swap_whole_values() {
        let slot = Cell::new(7_u32);
        assert_eq!(slot.replace(9), 7);
        assert_eq!(slot.take(), 9); // `take` leaves `Default::default()` behind
        assert_eq!(slot.get(), 0);
    }

    #[test]
    fn refcell_try_borrow_mut_fails_while_a_reader_is_alive() {
        let log = EventLog::default();
        let reader = log.lines.borrow();
        assert!(log.try_append("refused").is_err());
        drop(reader);
        assert!(log.try_append("accepted").is_ok());
        assert_eq!(log.len(), 1);
    }

    #[test]
    fn refcell_allows_many_readers_at_once() {
        let log = EventLog::default();
        log.append("one");
        let first = log.lines.borrow();
        let second = log.lines.try_borrow();
        assert!(second.is_ok(), "two shared borrows may coexist");
        assert_eq!(first.len(), 1);
    }

    #[test]
    #[should_panic(expected = "already borrowed")]
    fn refcell_borrow_mut_panics_on_conflict() {
        let log = EventLog::default();
        let _reader = log.lines.borrow();
        log.append("this breaks aliasing XOR mutation");
    }

    #[test]
    fn rc_refcell_edits_are_visible_to_every_owner() {
        let list: SharedList = Rc::new(RefCell::new(Vec::new()));
        let ana = Shopper::joining("Ana", &list);
        let ben = Shopper::joining("Ben", &list);
        ana.add("milk");
        ben.add("eggs");
        assert_eq!(Rc::strong_count(&list), 3);
        assert_eq!(
            *ana.list.borrow(),
            vec!["milk (from Ana)".to_owned(), "eggs (from Ben)".to_owned()]
        );
        drop(ben);
        assert_eq!(Rc::strong_count(&list), 2);
    }

    #[test]
    fn scoped_threads_merge_word_counts_through_a_mutex() {
        let counts = count_words_in_parallel(&["a b a", "B c", "a"]);
        assert_eq!(counts.get("a"), Some(&3));
        assert_eq!(counts.get("b"), Some(&2));
        assert_eq!(counts.get("c"), Some(&1));
        assert_eq!(counts.len(), 3);
    }

    #[test]
    fn arc_mutex_collects_from_every_spawned_thread() {
        assert_eq!(collect_from_spawned_threads(5), vec![0, 1, 4, 9, 16]);
    }

    #[test]
    fn rwlock_readers_see_old_value_then_writer_updates() {
        let settings = RwLock::new(Settings {
            greeting: "hi".into(),
            max_connections: 4,
        });
        let seen = read_then_update(&settings, 4);
        assert_eq!(seen, vec![4, 4, 4, 4]);
        let now = settings
            .read()
            .expect("no thread panicked while holding the lock");
        assert_eq!(now.max_connections, 8);
        assert_eq!(now.greeting, "hi");
    }

    #[test]
    fn mutex_is_poisoned_after_a_panic_and_keeps_the_partial_update() {
        let account = Mutex::new((100_i64, 0_i64));
        panic_while_holding(&account);
        assert!(account.is_poisoned());
        let error = account.lock().expect_err("the lock must report poisoning");
        assert_eq!(
            *error.into_inner(),
            (50, 0),
            "the debit happened, the credit did not"
        );
    }

    #[test]
    fn clear_poison_makes_lock_succeed_again() {
        let account = Mutex::new((100_i64, 0_i64));
        panic_while_holding(&account);
        *account.lock().unwrap_or_else(PoisonError::into_inner) = (100, 0);
        account.clear_poison();
        assert!(!account.is_poisoned());
        assert_eq!(*account.lock().expect("poison was cleared"), (100, 0));
    }

    #[test]
    fn oncelock_accepts_only_the_first_value() {
        let cell: OnceLock<u32> = OnceLock::new();
        assert_eq!(cell.get(), None);
        assert_eq!(cell.set(1), Ok(()));
        assert_eq!(cell.set(2), Err(2), "the rejected value is handed back");
        assert_eq!(cell.get_or_init(|| 3), &1);
    }

    #[test]
    fn lazylock_table_is_built_on_first_use() {
        assert_eq!(WELL_KNOWN_PORTS.get("ssh"), Some(&22));
        assert_eq!(WELL_KNOWN_PORTS.get("gopher"), None);
    }

    #[test]
    fn service_name_is_the_same_on_every_call() {
        // Whichever value won the race to initialise the static, every later call sees it.
        let first = service_name();
        assert!(!first.is_empty());
        assert_eq!(service_name(), first);
    }

    #[test]
    fn atomic_counter_counts_every_thread() {
        let chunks: [&[u8]; 4] = [b"12", b"345", b"", b"6789"];
        assert_eq!(count_bytes_atomically(&chunks), 9);
    }

    #[test]
    fn compare_exchange_lets_exactly_one_thread_claim() {
        for _ in 0..20 {
            assert_eq!(race_for_claim(6), 1);
        }
    }
}
