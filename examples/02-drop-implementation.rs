//! # Example 02: `Drop`, RAII and drop order
//!
//! - **Shows:** an RAII guard that rolls back unless committed; the exact order in which
//!   locals, fields and temporaries are dropped, including the two edition-2024 changes
//!   (tail-expression temporaries and `if let` scrutinees); drop flags after a conditional
//!   move; `mem::forget` and `ManuallyDrop`; why leaks are memory-safe; and panics in `drop`.
//! - **Read after:** module 01 (`notes/01-ownership-model.md`, `notes/04-move-semantics.md`).
//! - **Run:** `cargo run -p examples --bin example-drop-implementation`
//! - **Test:** `cargo test -p examples --bin example-drop-implementation`
//!
//! Every value here records its name in a shared log when it is dropped, so the tests can
//! assert the order instead of asking you to trust a comment.
//!
//! Sources: the Reference's "Destructors" page
//! (<https://doc.rust-lang.org/reference/destructors.html>), the Edition Guide pages
//! "Tail expression temporary scope" and "`if let` temporary scope"
//! (<https://doc.rust-lang.org/edition-guide/rust-2024/temporary-tail-expr-scope.html>,
//! <https://doc.rust-lang.org/edition-guide/rust-2024/temporary-if-let-scope.html>), and the
//! Nomicon's "Leaking" (<https://doc.rust-lang.org/nomicon/leaking.html>).

use std::any::Any;
use std::cell::RefCell;
use std::mem::{self, ManuallyDrop};
use std::panic::{self, AssertUnwindSafe};
use std::rc::{Rc, Weak};
use std::thread;

/// The names of dropped values, in the order their destructors ran.
type DropLog = Rc<RefCell<Vec<String>>>;

fn new_log() -> DropLog {
    Rc::new(RefCell::new(Vec::new()))
}

/// A value that writes its name into the log when dropped.
#[derive(Debug)]
struct Tracked {
    name: &'static str,
    log: DropLog,
}

impl Tracked {
    fn new(log: &DropLog, name: &'static str) -> Self {
        Tracked {
            name,
            log: Rc::clone(log),
        }
    }

    /// Returns something that does not borrow `self`, so the `Tracked` can be a temporary.
    fn name_len(&self) -> usize {
        self.name.len()
    }

    /// Returns `found` (as a `Some`) or `None`, to drive `if let` examples.
    fn lookup(&self, found: bool) -> Option<usize> {
        found.then_some(self.name.len())
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.log.borrow_mut().push(self.name.to_owned());
    }
}

/// Writes a line that is not a drop, to mark a point in time in the log.
fn mark(log: &DropLog, what: &str) {
    log.borrow_mut().push(format!("<{what}>"));
}

// ---------------------------------------------------------------------------------------------
// 1. An RAII guard: undo unless committed
// ---------------------------------------------------------------------------------------------

/// A bank account with a balance in cents.
#[derive(Debug)]
struct Account {
    balance: i64,
}

/// Returned when a withdrawal would make the balance negative.
#[derive(Debug, PartialEq)]
struct Overdrawn {
    needed: i64,
    available: i64,
}

/// Changes to an account that are undone when the guard is dropped without `commit`.
///
/// The guard holds `&mut Account`, so nobody else can see the half-applied state; its `Drop`
/// restores the saved balance on every exit path: `?`, early `return`, or a panic unwinding.
struct Transaction<'a> {
    account: &'a mut Account,
    saved_balance: i64,
    committed: bool,
}

impl<'a> Transaction<'a> {
    fn begin(account: &'a mut Account) -> Self {
        let saved_balance = account.balance;
        Transaction {
            account,
            saved_balance,
            committed: false,
        }
    }

    fn withdraw(&mut self, amount: i64) -> Result<(), Overdrawn> {
        if amount > self.account.balance {
            return Err(Overdrawn {
                needed: amount,
                available: self.account.balance,
            });
        }
        self.account.balance -= amount;
        Ok(())
    }

    /// Keeps the changes. Takes `self` by value: after committing, the guard is gone.
    fn commit(mut self) {
        self.committed = true;
        // `self` is dropped here; `drop` sees `committed == true` and leaves the balance alone.
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.committed {
            self.account.balance = self.saved_balance;
        }
    }
}

/// Pays every bill, or none of them.
fn pay_all(account: &mut Account, bills: &[i64]) -> Result<(), Overdrawn> {
    let mut transaction = Transaction::begin(account);
    for &bill in bills {
        transaction.withdraw(bill)?; // an early return drops `transaction`: rollback
    }
    transaction.commit();
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. Drop order of locals, fields and temporaries
// ---------------------------------------------------------------------------------------------

/// Locals are dropped in reverse order of declaration: later values may borrow earlier ones.
fn locals_drop_in_reverse(log: &DropLog) {
    let _first = Tracked::new(log, "first local");
    let _second = Tracked::new(log, "second local");
    let _third = Tracked::new(log, "third local");
}

/// A struct with its own `Drop` and two fields.
struct Parent {
    log: DropLog,
    _older: Tracked,
    _younger: Tracked,
}

impl Drop for Parent {
    fn drop(&mut self) {
        // Runs first, while every field is still intact and usable.
        self.log.borrow_mut().push("parent's own drop".to_owned());
    }
}

/// The container's `drop` runs first; then its fields are dropped in declaration order
/// (not reverse), and likewise tuple, array and `Vec` elements from first to last.
fn fields_drop_in_declaration_order(log: &DropLog) {
    let _parent = Parent {
        log: Rc::clone(log),
        _older: Tracked::new(log, "field declared first"),
        _younger: Tracked::new(log, "field declared second"),
    };
    let _pair = (Tracked::new(log, "tuple .0"), Tracked::new(log, "tuple .1"));
}

/// A temporary lives until the end of its enclosing statement, unless `let x = &temp` extends
/// it to the end of the block.
fn temporaries_die_at_the_semicolon(log: &DropLog) {
    let length = Tracked::new(log, "statement temporary").name_len();
    mark(log, "next statement");
    let extended = &Tracked::new(log, "extended temporary");
    mark(
        log,
        &format!("lengths {length} and {}", extended.name_len()),
    );
}

/// Edition 2024: temporaries in a block's tail expression are dropped *before* the block's
/// locals. In edition 2021 they outlived the locals (and this order was reversed).
fn tail_expression_temporary_drops_before_locals(log: &DropLog) -> usize {
    let _local = Tracked::new(log, "local");
    Tracked::new(log, "tail temporary").name_len()
}

/// The practical payoff of the tail-expression change: this compiles in edition 2024. In
/// edition 2021 it was error E0597, because the `Ref` temporary outlived `cache`.
fn length_of_local_cache() -> usize {
    let cache = RefCell::new(vec![1, 2, 3]);
    cache.borrow().len()
}

/// Edition 2024: the temporaries of an `if let` scrutinee are dropped before the `else`
/// block runs. (The `then` block still sees them alive: its bindings may borrow from them.)
fn if_let_scrutinee_drop_order(log: &DropLog, found: bool) {
    if let Some(length) = Tracked::new(log, "scrutinee temporary").lookup(found) {
        mark(log, &format!("then branch, length {length}"));
    } else {
        mark(log, "else branch");
    }
}

/// The practical payoff of the `if let` change: the `Ref` from `borrow()` is gone before the
/// `else` block calls `borrow_mut()`. In edition 2021 this panicked with "already borrowed".
fn first_or_insert(cache: &RefCell<Vec<u32>>, default: u32) -> u32 {
    if let Some(&first) = cache.borrow().first() {
        first
    } else {
        cache.borrow_mut().push(default);
        default
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Drop flags: a conditional move
// ---------------------------------------------------------------------------------------------

/// Takes ownership and drops the parcel at the end of this function.
fn deliver(parcel: Tracked) {
    mark(&parcel.log, "delivering");
}

/// Whether `parcel` still needs dropping at the end depends on a run-time value, so the
/// compiler keeps a hidden boolean *drop flag* for it and checks it at scope end.
fn conditional_move(log: &DropLog, hand_over: bool) {
    let parcel = Tracked::new(log, "parcel");
    let _receipt = Tracked::new(log, "receipt");
    if hand_over {
        deliver(parcel);
    }
    mark(log, "end of body");
}

// ---------------------------------------------------------------------------------------------
// 4. Not running a destructor: forget, ManuallyDrop, leaks
// ---------------------------------------------------------------------------------------------

/// `mem::forget` is a safe function: skipping a destructor can leak, but cannot cause
/// undefined behaviour, so unsafe code must never rely on a destructor running.
fn forget_skips_drop(log: &DropLog) {
    let forgotten = Tracked::new(log, "forgotten");
    mem::forget(forgotten);
}

/// `ManuallyDrop<T>` never drops its contents on its own; `into_inner` hands the value back,
/// and from then on it is an ordinary value again.
fn manually_drop_defers_drop(log: &DropLog, take_back: bool) {
    let wrapper = ManuallyDrop::new(Tracked::new(log, "manually dropped"));
    if take_back {
        let value = ManuallyDrop::into_inner(wrapper);
        drop(value);
    }
    // If we did not take it back, the wrapper goes out of scope here and nothing is dropped.
}

/// A node in a graph of shared owners.
struct Node {
    _tag: Tracked,
    strong_next: RefCell<Option<Rc<Node>>>,
    weak_next: RefCell<Weak<Node>>,
}

impl Node {
    fn new(log: &DropLog, name: &'static str) -> Rc<Node> {
        Rc::new(Node {
            _tag: Tracked::new(log, name),
            strong_next: RefCell::new(None),
            weak_next: RefCell::new(Weak::new()),
        })
    }
}

/// Builds two nodes that own each other through `Rc`, drops our handles, and returns a weak
/// handle that shows the pair is still alive. This is a leak, written in 100% safe code.
fn strong_cycle_leaks(log: &DropLog) -> Weak<Node> {
    let a = Node::new(log, "cycle node a");
    let b = Node::new(log, "cycle node b");
    *a.strong_next.borrow_mut() = Some(Rc::clone(&b));
    *b.strong_next.borrow_mut() = Some(Rc::clone(&a));
    Rc::downgrade(&a)
    // `a` and `b` drop here, but each count only falls from 2 to 1: nothing is freed.
}

/// The same shape with one `Weak` edge: weak handles do not keep a value alive.
fn weak_edge_breaks_the_cycle(log: &DropLog) -> Weak<Node> {
    let a = Node::new(log, "weak-linked node a");
    let b = Node::new(log, "weak-linked node b");
    *a.strong_next.borrow_mut() = Some(Rc::clone(&b));
    *b.weak_next.borrow_mut() = Rc::downgrade(&a);
    Rc::downgrade(&a)
}

// ---------------------------------------------------------------------------------------------
// 5. Panics during drop
// ---------------------------------------------------------------------------------------------

/// A guard that insists on being committed, and panics in `drop` otherwise.
///
/// A panic that starts while the thread is already unwinding aborts the whole process. So a
/// destructor that may panic must first ask `thread::panicking()`, and stay quiet if so.
struct MustCommit {
    log: DropLog,
    committed: bool,
}

impl Drop for MustCommit {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if thread::panicking() {
            self.log
                .borrow_mut()
                .push("uncommitted guard dropped during unwinding".to_owned());
        } else {
            panic!("MustCommit dropped without commit");
        }
    }
}

/// Turns a caught panic payload into its message.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "<non-string panic payload>".to_owned()
    }
}

/// Runs `body`, catching a panic and returning its message.
///
/// `AssertUnwindSafe` is needed because the closures capture an `Rc<RefCell<_>>`, which is
/// not `UnwindSafe`; that is fine here because we inspect the log, which stays consistent.
fn catch_panic(body: impl FnOnce()) -> Option<String> {
    panic::catch_unwind(AssertUnwindSafe(body))
        .err()
        .map(|payload| panic_message(payload.as_ref()))
}

fn show(title: &str, log: &DropLog) {
    println!("{title}:");
    for line in log.borrow_mut().drain(..) {
        println!("    {line}");
    }
}

fn main() {
    println!("== RAII guard ==");
    let mut account = Account { balance: 100 };
    let refused = pay_all(&mut account, &[30, 50, 40]);
    println!(
        "paying 30+50+40 from 100: {refused:?}; balance is still {}",
        account.balance
    );
    pay_all(&mut account, &[30, 50]).expect("80 fits in a balance of 100");
    println!("paying 30+50: ok; balance is now {}", account.balance);

    println!("\n== Drop order ==");
    let log = new_log();
    locals_drop_in_reverse(&log);
    show("locals", &log);
    fields_drop_in_declaration_order(&log);
    show("fields and tuple elements", &log);
    temporaries_die_at_the_semicolon(&log);
    show("temporaries", &log);
    tail_expression_temporary_drops_before_locals(&log);
    show("tail expression (edition 2024)", &log);
    if_let_scrutinee_drop_order(&log, false);
    show("if let ... else (edition 2024)", &log);
    println!("length_of_local_cache() = {}", length_of_local_cache());
    let cache = RefCell::new(Vec::new());
    println!(
        "first_or_insert on an empty cache = {}",
        first_or_insert(&cache, 7)
    );

    println!("\n== Drop flags ==");
    conditional_move(&log, true);
    show("hand_over = true", &log);
    conditional_move(&log, false);
    show("hand_over = false", &log);

    println!("\n== Skipping destructors ==");
    forget_skips_drop(&log);
    manually_drop_defers_drop(&log, false);
    show(
        "forget and an untouched ManuallyDrop (nothing dropped)",
        &log,
    );
    let leaked = strong_cycle_leaks(&log);
    println!(
        "Rc cycle still alive after dropping both handles: {}",
        leaked.upgrade().is_some()
    );
    let freed = weak_edge_breaks_the_cycle(&log);
    println!(
        "Weak-linked pair still alive: {}",
        freed.upgrade().is_some()
    );
    show("drops from the two graphs", &log);

    println!("\n== Panics during drop ==");
    // The default panic hook prints a message (and maybe a backtrace) for every panic, even
    // one we catch on purpose. This hook prints one short line instead. Tests keep the default.
    std::panic::set_hook(Box::new(|info| {
        let message = info.payload_as_str().unwrap_or("<non-string payload>");
        eprintln!("    (a planned panic happened here: {message})");
    }));
    let message = catch_panic(|| {
        let _guard = MustCommit {
            log: Rc::clone(&log),
            committed: false,
        };
        panic!("request failed");
    });
    println!("caught: {message:?} (the guard did not panic a second time)");
    show("log", &log);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Copies the log out, so a test never holds a `RefCell` borrow while more drops happen.
    fn entries(log: &DropLog) -> Vec<String> {
        log.borrow().clone()
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn transaction_rolls_back_on_early_return() {
        let mut account = Account { balance: 100 };
        let result = pay_all(&mut account, &[30, 50, 40]);
        assert_eq!(
            result,
            Err(Overdrawn {
                needed: 40,
                available: 20
            })
        );
        assert_eq!(account.balance, 100);
    }

    #[test]
    fn transaction_keeps_changes_after_commit() {
        let mut account = Account { balance: 100 };
        assert_eq!(pay_all(&mut account, &[30, 50]), Ok(()));
        assert_eq!(account.balance, 20);
    }

    #[test]
    fn transaction_rolls_back_when_a_panic_unwinds() {
        let mut account = Account { balance: 100 };
        let message = catch_panic(|| {
            let mut transaction = Transaction::begin(&mut account);
            transaction.withdraw(60).expect("60 fits in 100");
            panic!("crash before commit");
        });
        assert_eq!(message.as_deref(), Some("crash before commit"));
        assert_eq!(account.balance, 100);
    }

    #[test]
    fn locals_are_dropped_in_reverse_declaration_order() {
        let log = new_log();
        locals_drop_in_reverse(&log);
        assert_eq!(
            entries(&log),
            strings(&["third local", "second local", "first local"])
        );
    }

    #[test]
    fn struct_drop_runs_before_fields_which_drop_in_declaration_order() {
        let log = new_log();
        fields_drop_in_declaration_order(&log);
        assert_eq!(
            entries(&log),
            strings(&[
                // `_pair` was declared last, so it is dropped first; its elements go in order.
                "tuple .0",
                "tuple .1",
                "parent's own drop",
                "field declared first",
                "field declared second",
            ])
        );
    }

    #[test]
    fn temporary_is_dropped_at_end_of_statement_unless_extended() {
        let log = new_log();
        temporaries_die_at_the_semicolon(&log);
        assert_eq!(
            entries(&log),
            strings(&[
                "statement temporary",
                "<next statement>",
                "<lengths 19 and 18>",
                "extended temporary",
            ])
        );
    }

    #[test]
    fn tail_expression_temporary_is_dropped_before_locals_in_edition_2024() {
        let log = new_log();
        assert_eq!(tail_expression_temporary_drops_before_locals(&log), 14);
        assert_eq!(entries(&log), strings(&["tail temporary", "local"]));
    }

    #[test]
    fn tail_expression_may_borrow_a_local_refcell() {
        assert_eq!(length_of_local_cache(), 3);
    }

    #[test]
    fn if_let_scrutinee_is_dropped_before_else_in_edition_2024() {
        let log = new_log();
        if_let_scrutinee_drop_order(&log, false);
        assert_eq!(
            entries(&log),
            strings(&["scrutinee temporary", "<else branch>"])
        );
    }

    #[test]
    fn if_let_scrutinee_lives_through_then_branch() {
        let log = new_log();
        if_let_scrutinee_drop_order(&log, true);
        assert_eq!(
            entries(&log),
            strings(&["<then branch, length 19>", "scrutinee temporary"])
        );
    }

    #[test]
    fn first_or_insert_borrows_mutably_in_else_without_panicking() {
        let cache = RefCell::new(Vec::new());
        assert_eq!(first_or_insert(&cache, 7), 7);
        assert_eq!(first_or_insert(&cache, 9), 7);
        assert_eq!(*cache.borrow(), vec![7]);
    }

    #[test]
    fn moved_value_is_dropped_by_its_new_owner() {
        let log = new_log();
        conditional_move(&log, true);
        assert_eq!(
            entries(&log),
            strings(&["<delivering>", "parcel", "<end of body>", "receipt"])
        );
    }

    #[test]
    fn unmoved_value_is_dropped_at_scope_end_by_drop_flag() {
        let log = new_log();
        conditional_move(&log, false);
        assert_eq!(
            entries(&log),
            strings(&["<end of body>", "receipt", "parcel"])
        );
    }

    #[test]
    fn forget_never_runs_the_destructor() {
        let log = new_log();
        forget_skips_drop(&log);
        assert!(entries(&log).is_empty());
    }

    #[test]
    fn manually_drop_runs_destructor_only_after_into_inner() {
        let log = new_log();
        manually_drop_defers_drop(&log, false);
        assert!(entries(&log).is_empty());
        manually_drop_defers_drop(&log, true);
        assert_eq!(entries(&log), strings(&["manually dropped"]));
    }

    #[test]
    fn rc_cycle_leaks_in_safe_code() {
        let log = new_log();
        let survivor = strong_cycle_leaks(&log);
        assert!(survivor.upgrade().is_some(), "the cycle keeps itself alive");
        assert_eq!(
            survivor.strong_count(),
            1,
            "only the other node owns it now"
        );
        assert!(entries(&log).is_empty(), "no destructor ran");
    }

    #[test]
    fn weak_edge_lets_both_nodes_drop() {
        let log = new_log();
        let gone = weak_edge_breaks_the_cycle(&log);
        assert!(gone.upgrade().is_none());
        assert_eq!(
            entries(&log),
            strings(&["weak-linked node a", "weak-linked node b"])
        );
    }

    #[test]
    fn box_leak_gives_a_static_mutable_reference() {
        let settings: &'static mut Vec<u8> = Box::leak(Box::new(vec![1, 2]));
        settings.push(3);
        assert_eq!(settings, &[1, 2, 3]);
    }

    #[test]
    fn must_commit_panics_when_dropped_uncommitted() {
        let log = new_log();
        let message = catch_panic(|| {
            let _guard = MustCommit {
                log: Rc::clone(&log),
                committed: false,
            };
        });
        assert_eq!(
            message.as_deref(),
            Some("MustCommit dropped without commit")
        );
    }

    #[test]
    fn must_commit_is_quiet_once_committed() {
        let log = new_log();
        let message = catch_panic(|| {
            let mut guard = MustCommit {
                log: Rc::clone(&log),
                committed: false,
            };
            guard.committed = true;
        });
        assert_eq!(message, None);
    }

    #[test]
    fn must_commit_does_not_panic_again_while_unwinding() {
        let log = new_log();
        let message = catch_panic(|| {
            let _guard = MustCommit {
                log: Rc::clone(&log),
                committed: false,
            };
            panic!("request failed");
        });
        // Reaching this line at all proves there was no abort (a double panic aborts).
        assert_eq!(message.as_deref(), Some("request failed"));
        assert_eq!(
            entries(&log),
            strings(&["uncommitted guard dropped during unwinding"])
        );
    }

    #[test]
    fn panic_in_drop_still_drops_the_remaining_locals() {
        let log = new_log();
        let message = catch_panic(|| {
            let _earlier = Tracked::new(&log, "earlier local");
            let _guard = MustCommit {
                log: Rc::clone(&log),
                committed: false,
            };
            // `_guard` is dropped first and panics; unwinding then drops `_earlier`.
        });
        assert_eq!(
            message.as_deref(),
            Some("MustCommit dropped without commit")
        );
        assert_eq!(entries(&log), strings(&["earlier local"]));
    }
}
