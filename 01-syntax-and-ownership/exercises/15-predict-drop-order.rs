//! # Explore: predict the drop order
//!
//! - **Goal:** for each of nine short programs, predict the order in which values are dropped; the tests run the programs and compare.
//! - **Concepts:** locals drop in reverse order of declaration; struct fields in declaration order, after the struct's own `Drop`; moved-out values drop where their new owner ends; shadowing does not drop; assignment drops the old value; `let _ =` drops at once; temporaries drop at the end of their statement; edition 2024 tail-expression and `if let` scrutinee temporaries.
//! - **Read first:** `notes/04-move-semantics.md` (sections "Drop order" and "Temporaries and where they die").
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-predict-drop-order` (prints what really happens: try predicting before you run it)
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-predict-drop-order`
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

/// Takes ownership of a value and lets it go at the end of the function.
fn consume(value: Noisy) {
    let _ = value.name;
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
    consume(first);
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

/// A temporary used inside one statement.
fn statement_temporary(log: &Log) {
    let length = Noisy::new("temporary", log).name.len();
    log.borrow_mut()
        .push(if length > 0 { "next statement" } else { "?" });
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

// Your predictions. Each returns the log you expect the scenario above to produce.
// Only the tests call them (`main` shows what really happens), hence the `expect` attributes.

/// Prediction for [`locals`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_locals() -> Vec<&'static str> {
    // course:solution List the names in the order you expect them to be dropped.
    vec!["c", "b", "a"]
    // course:end
}

/// Prediction for [`struct_fields`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_struct_fields() -> Vec<&'static str> {
    // course:solution Include "end of scope" and "pair" where you expect them.
    vec!["end of scope", "pair", "left", "right"]
    // course:end
}

/// Prediction for [`moved_into_function`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_moved_into_function() -> Vec<&'static str> {
    // course:solution
    vec!["first", "after consume", "second"]
    // course:end
}

/// Prediction for [`shadowing`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_shadowing() -> Vec<&'static str> {
    // course:solution
    vec!["shadow", "shadow", "original"]
    // course:end
}

/// Prediction for [`assignment`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_assignment() -> Vec<&'static str> {
    // course:solution
    vec!["before assignment", "old", "after assignment", "new"]
    // course:end
}

/// Prediction for [`underscore_bindings`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_underscore_bindings() -> Vec<&'static str> {
    // course:solution
    vec!["underscore", "end of scope", "named"]
    // course:end
}

/// Prediction for [`statement_temporary`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_statement_temporary() -> Vec<&'static str> {
    // course:solution
    vec!["temporary", "next statement"]
    // course:end
}

/// Prediction for [`tail_expression`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_tail_expression() -> Vec<&'static str> {
    // course:solution Edition 2024 changed this one.
    vec!["tail temporary", "local"]
    // course:end
}

/// Prediction for [`if_let_scrutinee`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_if_let_scrutinee() -> Vec<&'static str> {
    // course:solution Edition 2024 changed this one too.
    vec!["scrutinee", "else branch"]
    // course:end
}

/// A scenario: a short program that logs drops.
type Scenario = fn(&Log);

/// Every scenario with its name, so `main` can print what really happens.
const SCENARIOS: [(&str, Scenario); 9] = [
    ("locals", locals),
    ("struct_fields", struct_fields),
    ("moved_into_function", moved_into_function),
    ("shadowing", shadowing),
    ("assignment", assignment),
    ("underscore_bindings", underscore_bindings),
    ("statement_temporary", statement_temporary),
    ("tail_expression", tail_expression),
    ("if_let_scrutinee", if_let_scrutinee),
];

fn main() {
    for (name, scenario) in SCENARIOS {
        println!("{name:>20}: {:?}", observe(scenario));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locals_drop_order_matches_prediction() {
        assert_eq!(predict_locals(), observe(locals));
    }

    #[test]
    fn struct_fields_drop_order_matches_prediction() {
        assert_eq!(predict_struct_fields(), observe(struct_fields));
    }

    #[test]
    fn moved_value_drop_order_matches_prediction() {
        assert_eq!(predict_moved_into_function(), observe(moved_into_function));
    }

    #[test]
    fn shadowing_drop_order_matches_prediction() {
        assert_eq!(predict_shadowing(), observe(shadowing));
    }

    #[test]
    fn assignment_drop_order_matches_prediction() {
        assert_eq!(predict_assignment(), observe(assignment));
    }

    #[test]
    fn underscore_binding_drop_order_matches_prediction() {
        assert_eq!(predict_underscore_bindings(), observe(underscore_bindings));
    }

    #[test]
    fn statement_temporary_drop_order_matches_prediction() {
        assert_eq!(predict_statement_temporary(), observe(statement_temporary));
    }

    #[test]
    fn tail_expression_drop_order_matches_prediction() {
        assert_eq!(predict_tail_expression(), observe(tail_expression));
    }

    #[test]
    fn if_let_scrutinee_drop_order_matches_prediction() {
        assert_eq!(predict_if_let_scrutinee(), observe(if_let_scrutinee));
    }
}
