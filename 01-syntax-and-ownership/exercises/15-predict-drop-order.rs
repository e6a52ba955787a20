//! # Explore: predict the drop order
//!
//! - **Goal:** for each of fourteen short programs, predict the order in which values are dropped; the tests run the programs and compare, without telling you the answer.
//! - **Concepts:** locals drop in reverse order of declaration; struct fields in declaration order, after the struct's own `Drop`; moved-out values drop where their new owner ends; shadowing does not drop; assignment drops the old value; `let _ =` drops at once; temporaries drop at the end of their statement; edition 2024 tail-expression and `if let` scrutinee temporaries; `match` scrutinee temporaries; partial moves; drop flags (a value moved on one path only).
//! - **Read first:** `notes/04-move-semantics.md` (sections "Drop order" and "Temporaries and where they die").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-predict-drop-order`: the reveal, which prints each prediction next to what really happens. Run it only after you have predicted everything.
//! - **Test:** `cargo course verify 01.15` (a failing test names the scenario and the section to reread, never the right order).
//! - **Done when:** every prediction matches, and for each one you can name the rule that decides it.

use std::cell::RefCell;
use std::rc::Rc;

/// The shared list that every `Noisy` value writes its name to when it is dropped.
type Log = Rc<RefCell<Vec<&'static str>>>;

/// A value that records its own drop.
struct Noisy {
    /// What it writes to the log.
    name: &'static str,
    /// Where it writes.
    log: Log,
}

impl Noisy {
    /// Creates a value that will write `name` to `log` when dropped.
    fn new(name: &'static str, log: &Log) -> Self {
        Noisy {
            name,
            log: Rc::clone(log),
        }
    }

    /// Returns `None`; used as an `if let` scrutinee that does not match.
    fn find(&self, _what: &str) -> Option<&'static str> {
        None
    }
}

impl Drop for Noisy {
    fn drop(&mut self) {
        self.log.borrow_mut().push(self.name);
    }
}

/// Two `Noisy` fields inside a struct that has its own `Drop`.
struct Pair {
    /// Declared first.
    left: Noisy,
    /// Declared second.
    right: Noisy,
    /// Where `Pair` itself logs.
    log: Log,
}

impl Drop for Pair {
    fn drop(&mut self) {
        self.log.borrow_mut().push("pair");
    }
}

/// Runs `scenario` with a fresh log and returns what was logged, in order.
fn observe(scenario: Scenario) -> Vec<&'static str> {
    let log: Log = Rc::new(RefCell::new(Vec::new()));
    scenario(&log);
    log.take()
}

/// Three locals in one scope.
fn locals(log: &Log) {
    let _a = Noisy::new("a", log);
    let _b = Noisy::new("b", log);
    let _c = Noisy::new("c", log);
}

/// A struct with its own `Drop` and two fields.
fn struct_fields(log: &Log) {
    let pair = Pair {
        left: Noisy::new("left", log),
        right: Noisy::new("right", log),
        log: Rc::clone(log),
    };
    let _ = (pair.left.name, pair.right.name);
    log.borrow_mut().push("end of scope");
}

/// A value moved into a function.
fn moved_into_function(log: &Log) {
    let first = Noisy::new("first", log);
    let _second = Noisy::new("second", log);
    drop(first); // `drop` is an ordinary function that takes ownership
    log.borrow_mut().push("after consume");
}

/// Shadowing a name.
fn shadowing(log: &Log) {
    let value = Noisy::new("original", log);
    let value = Noisy::new(if value.name.is_empty() { "?" } else { "shadow" }, log);
    log.borrow_mut().push(value.name);
}

/// Assigning over a live value.
fn assignment(log: &Log) {
    let mut value = Noisy::new("old", log);
    let _ = value.name;
    log.borrow_mut().push("before assignment");
    value = Noisy::new("new", log);
    log.borrow_mut().push("after assignment");
    let _ = value.name;
}

/// `let _ =` against `let _name =`.
fn underscore_bindings(log: &Log) {
    let _ = Noisy::new("underscore", log);
    let _named = Noisy::new("named", log);
    log.borrow_mut().push("end of scope");
}

/// `let _ =` with a place (an existing variable) on the right.
fn underscore_place(log: &Log) {
    let kept = Noisy::new("kept", log);
    let _ = kept;
    log.borrow_mut().push("after let _");
}

/// A temporary used inside one statement.
fn statement_temporary(log: &Log) {
    let length = Noisy::new("temporary", log).name.len();
    log.borrow_mut().push("next statement");
    assert_eq!(length, "temporary".len());
}

/// A temporary in the tail expression of a block (edition 2024 rules).
fn tail_expression(log: &Log) {
    let length = {
        let _local = Noisy::new("local", log);
        Noisy::new("tail temporary", log).name.len()
    };
    let _ = length;
}

/// A temporary in an `if let` scrutinee that does not match (edition 2024 rules).
fn if_let_scrutinee(log: &Log) {
    if let Some(found) = Noisy::new("scrutinee", log).find("key") {
        log.borrow_mut().push(found);
    } else {
        log.borrow_mut().push("else branch");
    }
}

/// A temporary in a `match` scrutinee (the same rule makes a `MutexGuard` created there live
/// through every arm).
fn match_scrutinee(log: &Log) {
    match Noisy::new("scrutinee", log).find("key") {
        Some(found) => log.borrow_mut().push(found),
        None => log.borrow_mut().push("in the arm"),
    }
    log.borrow_mut().push("after the match");
}

/// Two fields in a struct that has no `Drop` of its own, so a field may be moved out.
struct Bundle {
    /// Declared first.
    first: Noisy,
    /// Declared second.
    second: Noisy,
}

/// Moving one field out of a struct (a partial move).
fn partial_move(log: &Log) {
    let bundle = Bundle {
        first: Noisy::new("first", log),
        second: Noisy::new("second", log),
    };
    let taken = bundle.first;
    log.borrow_mut().push("moved first out");
    drop(taken);
    log.borrow_mut().push("end of scope");
    let _ = bundle.second.name;
}

/// Moves `value` away only when `really` is true; whether it is still there at the end of the
/// scope is decided at run time (a drop flag).
fn maybe_consume(log: &Log, really: bool) {
    let kept = Noisy::new("kept", log);
    let maybe = Noisy::new("maybe", log);
    if really {
        drop(maybe);
    }
    log.borrow_mut().push(if kept.name.is_empty() {
        "?"
    } else {
        "end of scope"
    });
}

/// The value is moved on the path taken.
fn drop_flag_moved(log: &Log) {
    maybe_consume(log, std::hint::black_box(true));
}

/// The value is not moved on the path taken.
fn drop_flag_kept(log: &Log) {
    maybe_consume(log, std::hint::black_box(false));
}

/// Declares a prediction: the names you expect in the log, in order, as string literals.
/// The macro accepts nothing but literals, so a prediction cannot run the scenario it predicts.
macro_rules! prediction {
    ($name:ident = [$($step:literal),* $(,)?]) => {
        const $name: &[&str] = &[$($step),*];
    };
}

// Your predictions: one per scenario above, the log you expect it to produce.
// Write each before you run anything; `main` then shows them next to what really happens.

prediction!(
    LOCALS = [
        // course:solution
        "c", "b",
        "a",
        // course:stub
        // // TODO: the names, in the order you expect them to be dropped.
        // course:end
    ]
);

prediction!(
    STRUCT_FIELDS = [
        // course:solution
        "end of scope",
        "pair",
        "left",
        "right",
        // course:stub
        // // TODO: include "end of scope" and "pair" where you expect them.
        // course:end
    ]
);

prediction!(
    MOVED_INTO_FUNCTION = [
        // course:solution
        "first",
        "after consume",
        "second",
        // course:stub
        // // TODO
        // course:end
    ]
);

prediction!(
    SHADOWING = [
        // course:solution
        "shadow", "shadow",
        "original",
        // course:stub
        // // TODO: the scenario logs `value.name` itself, too.
        // course:end
    ]
);

prediction!(
    ASSIGNMENT = [
        // course:solution
        "before assignment",
        "old",
        "after assignment",
        "new",
        // course:stub
        // // TODO
        // course:end
    ]
);

prediction!(
    UNDERSCORE_BINDINGS = [
        // course:solution
        "underscore",
        "end of scope",
        "named",
        // course:stub
        // // TODO
        // course:end
    ]
);

prediction!(
    UNDERSCORE_PLACE = [
        // course:solution
        "after let _",
        "kept",
        // course:stub
        // // TODO: compare with `underscore_bindings`: here the right-hand side is a variable.
        // course:end
    ]
);

prediction!(
    STATEMENT_TEMPORARY = [
        // course:solution
        "temporary",
        "next statement",
        // course:stub
        // // TODO
        // course:end
    ]
);

prediction!(
    TAIL_EXPRESSION = [
        // course:solution
        "tail temporary",
        "local",
        // course:stub
        // // TODO: edition 2024 changed this one.
        // course:end
    ]
);

prediction!(
    IF_LET_SCRUTINEE = [
        // course:solution
        "scrutinee",
        "else branch",
        // course:stub
        // // TODO: edition 2024 changed this one too.
        // course:end
    ]
);

prediction!(
    MATCH_SCRUTINEE = [
        // course:solution
        "in the arm",
        "scrutinee",
        "after the match",
        // course:stub
        // // TODO: edition 2024 did not change this one.
        // course:end
    ]
);

prediction!(
    PARTIAL_MOVE = [
        // course:solution
        "moved first out",
        "first",
        "end of scope",
        "second",
        // course:stub
        // // TODO
        // course:end
    ]
);

prediction!(
    DROP_FLAG_MOVED = [
        // course:solution
        "maybe",
        "end of scope",
        "kept",
        // course:stub
        // // TODO
        // course:end
    ]
);

prediction!(
    DROP_FLAG_KEPT = [
        // course:solution
        "end of scope",
        "maybe",
        "kept",
        // course:stub
        // // TODO
        // course:end
    ]
);

/// A scenario: a short program that logs drops.
type Scenario = fn(&Log);

/// Every scenario with its name and your prediction for it.
const SCENARIOS: [(&str, Scenario, &[&str]); 14] = [
    ("locals", locals, LOCALS),
    ("struct_fields", struct_fields, STRUCT_FIELDS),
    (
        "moved_into_function",
        moved_into_function,
        MOVED_INTO_FUNCTION,
    ),
    ("shadowing", shadowing, SHADOWING),
    ("assignment", assignment, ASSIGNMENT),
    (
        "underscore_bindings",
        underscore_bindings,
        UNDERSCORE_BINDINGS,
    ),
    ("underscore_place", underscore_place, UNDERSCORE_PLACE),
    (
        "statement_temporary",
        statement_temporary,
        STATEMENT_TEMPORARY,
    ),
    ("tail_expression", tail_expression, TAIL_EXPRESSION),
    ("if_let_scrutinee", if_let_scrutinee, IF_LET_SCRUTINEE),
    ("match_scrutinee", match_scrutinee, MATCH_SCRUTINEE),
    ("partial_move", partial_move, PARTIAL_MOVE),
    ("drop_flag_moved", drop_flag_moved, DROP_FLAG_MOVED),
    ("drop_flag_kept", drop_flag_kept, DROP_FLAG_KEPT),
];

/// The reveal: run it after you have written every prediction.
fn main() {
    for (name, scenario, predicted) in SCENARIOS {
        let observed = observe(scenario);
        let verdict = if observed == predicted {
            "right"
        } else {
            "WRONG"
        };
        println!(
            "{name:>20}: {verdict}\n{:>20}  predicted {predicted:?}\n{:>20}  observed  {observed:?}",
            "", ""
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compares one prediction with what happens, without printing what happens: the point is
    /// to reason it out, not to copy it from a failure message.
    fn check(scenario: Scenario, predicted: &[&str], name: &str, section: &str) {
        assert!(
            observe(scenario) == predicted,
            "your prediction for `{name}` is wrong: reread \"{section}\" in notes/04-move-semantics.md"
        );
    }

    #[test]
    fn locals_drop_order_matches_prediction() {
        check(locals, LOCALS, "locals", "Drop order");
    }

    #[test]
    fn struct_fields_drop_order_matches_prediction() {
        check(struct_fields, STRUCT_FIELDS, "struct_fields", "Drop order");
    }

    #[test]
    fn moved_value_drop_order_matches_prediction() {
        check(
            moved_into_function,
            MOVED_INTO_FUNCTION,
            "moved_into_function",
            "Drop order",
        );
    }

    #[test]
    fn shadowing_drop_order_matches_prediction() {
        check(shadowing, SHADOWING, "shadowing", "Drop order");
    }

    #[test]
    fn assignment_drop_order_matches_prediction() {
        check(assignment, ASSIGNMENT, "assignment", "Drop order");
    }

    #[test]
    fn underscore_binding_drop_order_matches_prediction() {
        check(
            underscore_bindings,
            UNDERSCORE_BINDINGS,
            "underscore_bindings",
            "Temporaries and where they die",
        );
    }

    #[test]
    fn underscore_place_drop_order_matches_prediction() {
        check(
            underscore_place,
            UNDERSCORE_PLACE,
            "underscore_place",
            "Scrutinee temporaries: `match` and `while let`",
        );
    }

    #[test]
    fn statement_temporary_drop_order_matches_prediction() {
        check(
            statement_temporary,
            STATEMENT_TEMPORARY,
            "statement_temporary",
            "Temporaries and where they die",
        );
    }

    #[test]
    fn tail_expression_drop_order_matches_prediction() {
        check(
            tail_expression,
            TAIL_EXPRESSION,
            "tail_expression",
            "Edition 2024: tail-expression temporaries",
        );
    }

    #[test]
    fn if_let_scrutinee_drop_order_matches_prediction() {
        check(
            if_let_scrutinee,
            IF_LET_SCRUTINEE,
            "if_let_scrutinee",
            "Edition 2024: `if let` scrutinee temporaries",
        );
    }

    #[test]
    fn match_scrutinee_drop_order_matches_prediction() {
        check(
            match_scrutinee,
            MATCH_SCRUTINEE,
            "match_scrutinee",
            "Scrutinee temporaries: `match` and `while let`",
        );
    }

    #[test]
    fn partial_move_drop_order_matches_prediction() {
        check(partial_move, PARTIAL_MOVE, "partial_move", "Partial moves");
    }

    #[test]
    fn drop_flag_drop_orders_match_predictions() {
        check(
            drop_flag_moved,
            DROP_FLAG_MOVED,
            "drop_flag_moved",
            "Drop flags",
        );
        check(
            drop_flag_kept,
            DROP_FLAG_KEPT,
            "drop_flag_kept",
            "Drop flags",
        );
    }
}
