//! # Meta-programming 05.11: predict what a macro expands to
//!
//! - **Goal:** for six small macros, predict the value each scenario returns *before* running
//!   it, then let the tests compare. Each scenario isolates one rule of `macro_rules!`.
//! - **Concepts:** mixed-site hygiene (locals hygienic, items not); identifiers passed in by the
//!   caller; `expr` fragments keep their grouping while `tt` sequences do not; an argument pasted
//!   twice is evaluated twice; rules are tried in order and the first match wins.
//! - **Read first:** `notes/01-macro-rules-fundamentals.md` (sections "Hygiene", "Fragments are
//!   parsed, then opaque" and "How a rule is chosen") and `notes/02-declarative-macro-patterns.md`
//!   (section "Evaluate each argument once").
//! - **Run:** `cargo course run 05.11` (it prints what really happens: run it *after* predicting).
//! - **Test:** `cargo course verify 05.11` (reference solution:
//!   `cargo test -p meta-programming --bin m05-predict-hygiene`)
//! - **Done when:** every prediction is right. A wrong prediction names the section to reread;
//!   it does not print the answer.

use std::cell::Cell;

/// Declares a local `total` of its own.
macro_rules! reset_total {
    () => {
        let total = 0;
        let _ = total;
    };
}

/// Defines an item.
macro_rules! define_limit {
    () => {
        fn limit() -> i32 {
            64
        }
    };
}

/// Declares a local whose name the caller passes in.
macro_rules! set_named {
    ($name:ident, $value:expr) => {
        let $name = $value;
    };
}

/// Doubles an expression fragment.
macro_rules! double_expr {
    ($value:expr) => {
        $value * 2
    };
}

/// Doubles a sequence of token trees.
macro_rules! double_tokens {
    ($($token:tt)*) => {
        $($token)* * 2
    };
}

/// Squares its argument by pasting it twice.
macro_rules! square {
    ($value:expr) => {
        $value * $value
    };
}

/// Says which rule matched.
macro_rules! which_rule {
    ($value:expr) => {
        "expr"
    };
    ($name:ident) => {
        "ident"
    };
}

/// Scenario 1: the caller's `total` is 5, then the macro declares its own `total`.
fn scenario_local() -> i32 {
    let total = 5;
    reset_total!();
    total
}

/// Scenario 2: the macro defines `fn limit` and the caller calls it.
fn scenario_item() -> i32 {
    define_limit!();
    limit()
}

/// Scenario 3: the caller passes its own identifier `total` (and the value 3) to the macro.
#[expect(
    unused_variables,
    reason = "the first `total` is shadowed: that is the scenario"
)]
fn scenario_named() -> i32 {
    let total = 5;
    set_named!(total, 3);
    total
}

/// Scenario 4: `double_expr!(1 + 2)` and `double_tokens!(1 + 2)`, as a pair.
fn scenario_grouping() -> (i32, i32) {
    (double_expr!(1 + 2), double_tokens!(1 + 2))
}

/// Scenario 5: how many times `square!` calls `next()`, and the value it returns.
fn scenario_evaluations() -> (u32, u32) {
    let calls = Cell::new(0);
    let next = || {
        calls.set(calls.get() + 1);
        calls.get()
    };
    let squared = square!(next());
    (calls.get(), squared)
}

/// Scenario 6: which rule `which_rule!(port)` picks.
fn scenario_rule_order() -> &'static str {
    which_rule!(port)
}

/// Your prediction for scenario 1.
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_local() -> i32 {
    // course:solution What does `scenario_local` return?
    5
    // course:decoy textual-substitution Predicts as if a macro were text pasted into the caller, like a C preprocessor macro.
    // 0
    // course:end
}

/// Your prediction for scenario 2: the value it returns (it does compile).
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_item() -> i32 {
    // course:solution What does `scenario_item` return?
    64
    // course:decoy textual-substitution Predicts as if a macro were text pasted into the caller, like a C preprocessor macro.
    // 64
    // course:end
}

/// Your prediction for scenario 3.
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_named() -> i32 {
    // course:solution What does `scenario_named` return?
    3
    // course:decoy textual-substitution Predicts as if a macro were text pasted into the caller, like a C preprocessor macro.
    // 3
    // course:end
}

/// Your prediction for scenario 4.
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_grouping() -> (i32, i32) {
    // course:solution What pair does `scenario_grouping` return?
    (6, 5)
    // course:decoy textual-substitution Predicts as if a macro were text pasted into the caller, like a C preprocessor macro.
    // (5, 5)
    // course:end
}

/// Your prediction for scenario 5: (calls, value).
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_evaluations() -> (u32, u32) {
    // course:solution How many calls, and which value?
    (2, 2)
    // course:decoy textual-substitution Predicts as if a macro were text pasted into the caller, like a C preprocessor macro.
    // (2, 2)
    // course:end
}

/// Your prediction for scenario 6: `"expr"` or `"ident"`.
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_rule_order() -> &'static str {
    // course:solution Which rule matches `which_rule!(port)`?
    "expr"
    // course:decoy textual-substitution Predicts as if a macro were text pasted into the caller, like a C preprocessor macro.
    // "ident"
    // course:end
}

fn main() {
    println!("1. local:       {}", scenario_local());
    println!("2. item:        {}", scenario_item());
    println!("3. named:       {}", scenario_named());
    println!("4. grouping:    {:?}", scenario_grouping());
    println!("5. evaluations: {:?}", scenario_evaluations());
    println!("6. rule order:  {}", scenario_rule_order());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails with `hint` (never with the real value) when the prediction is wrong.
    fn check<T: PartialEq>(predicted: T, actual: T, hint: &str) {
        assert!(predicted == actual, "{hint}");
    }

    #[test]
    fn prediction_for_a_local_declared_by_a_macro() {
        check(
            predict_local(),
            scenario_local(),
            "scenario 1 is wrong: reread \"Hygiene\" (which syntax context does the macro's `let` belong to?)",
        );
    }

    #[test]
    fn prediction_for_an_item_defined_by_a_macro() {
        check(
            predict_item(),
            scenario_item(),
            "scenario 2 is wrong: reread \"Hygiene\" (items versus locals)",
        );
    }

    #[test]
    fn prediction_for_an_identifier_passed_in() {
        check(
            predict_named(),
            scenario_named(),
            "scenario 3 is wrong: reread \"Hygiene\" (whose context does an identifier passed in carry?)",
        );
    }

    #[test]
    fn prediction_for_expr_versus_tt_grouping() {
        check(
            predict_grouping(),
            scenario_grouping(),
            "scenario 4 is wrong: reread \"Fragments are parsed, then opaque\"",
        );
    }

    #[test]
    fn prediction_for_an_argument_pasted_twice() {
        check(
            predict_evaluations(),
            scenario_evaluations(),
            "scenario 5 is wrong: reread \"Evaluate each argument once\" in note 02",
        );
    }

    #[test]
    fn prediction_for_rule_order() {
        check(
            predict_rule_order(),
            scenario_rule_order(),
            "scenario 6 is wrong: reread \"How a rule is chosen\"",
        );
    }
}
