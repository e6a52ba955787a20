//! # Explore: predict which method runs, and how big a trait object is
//!
//! - **Goal:** for each call below, predict which implementation runs (inherent or trait method, default or override, through a generic, a `dyn`, or a `Box`), then predict the sizes of some pointers to trait objects; the tests run the calls and compare.
//! - **Concepts:** method lookup tries inherent methods first; provided (default) methods call the implementor's overrides; static and dynamic dispatch run the same code; auto-deref through `Box`; `clone` on a `&T` whose `T` is not `Clone`; fat pointers and their niche.
//! - **Read first:** `notes/01-trait-fundamentals.md` (sections "Calling trait methods" and "Static dispatch and dynamic dispatch").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-predict-dispatch` runs your copy (made by `cargo course start 02.12`).
//! - **Test:** `cargo course verify 02.12` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-predict-dispatch`.)
//! - **Done when:** every prediction matches. The sizes assume a 64-bit target, where a pointer is 8 bytes.

use std::mem::size_of;

/// Something that can introduce itself.
trait Greet {
    /// The name; required.
    fn name(&self) -> &'static str;

    /// Provided: built from `name`, which an implementor may override.
    fn greet(&self) -> String {
        format!("hello from {}", self.name())
    }

    /// Provided and never overridden below.
    fn kind(&self) -> &'static str {
        "trait default"
    }
}

/// Overrides nothing but `name`.
struct Plain;

/// Overrides `greet` too, and has an inherent `kind`.
struct Fancy;

impl Greet for Plain {
    fn name(&self) -> &'static str {
        "plain"
    }
}

impl Greet for Fancy {
    fn name(&self) -> &'static str {
        "fancy"
    }

    fn greet(&self) -> String {
        format!("*bows* {}", self.name())
    }
}

impl Fancy {
    /// An inherent method with the same name as a trait method.
    fn kind(&self) -> &'static str {
        "inherent"
    }
}

/// Static dispatch: one copy per `T`.
fn greet_generic<T: Greet>(value: &T) -> String {
    value.greet()
}

/// Dynamic dispatch: one copy, a vtable call.
fn greet_dyn(value: &dyn Greet) -> String {
    value.greet()
}

/// Neither `Clone` nor `Copy`.
struct Unique;

/// What the calls really return, in order:
/// 1. `Plain.greet()`
/// 2. `Fancy.greet()`
/// 3. `greet_generic(&Fancy)`
/// 4. `greet_dyn(&Plain)`
/// 5. `Fancy.kind()`
/// 6. `Greet::kind(&Fancy)`
/// 7. `fancy_box.kind()` where `fancy_box: Box<Fancy>`
/// 8. `boxed.kind()` where `boxed: Box<dyn Greet>` holds a `Fancy`
fn observe_calls() -> [String; 8] {
    let fancy_box: Box<Fancy> = Box::new(Fancy);
    let boxed: Box<dyn Greet> = Box::new(Fancy);
    [
        Plain.greet(),
        Fancy.greet(),
        greet_generic(&Fancy),
        greet_dyn(&Plain),
        Fancy.kind().to_string(),
        Greet::kind(&Fancy).to_string(),
        fancy_box.kind().to_string(),
        boxed.kind().to_string(),
    ]
}

/// The type name of `reference.clone()` where `reference: &Unique` (`Unique` is not `Clone`).
fn observe_clone_of_reference() -> &'static str {
    let unique = Unique;
    let reference = &unique;
    #[expect(
        noop_method_call,
        reason = "this is the surprise the exercise is about"
    )]
    let copy = reference.clone();
    type_name_of(&copy)
}

fn type_name_of<T>(_: &T) -> &'static str {
    std::any::type_name::<T>()
}

/// Sizes of: `&Plain`, `&dyn Greet`, `Box<dyn Greet>`, `Option<Box<dyn Greet>>`, `&[Box<dyn Greet>]`, `Plain`.
fn observe_sizes() -> [usize; 6] {
    [
        size_of::<&Plain>(),
        size_of::<&dyn Greet>(),
        size_of::<Box<dyn Greet>>(),
        size_of::<Option<Box<dyn Greet>>>(),
        size_of::<&[Box<dyn Greet>]>(),
        size_of::<Plain>(),
    ]
}

/// Your predictions for `observe_calls`, in the same order.
fn predict_calls() -> [&'static str; 8] {
    // course:solution Write what each of the eight calls returns.
    [
        "hello from plain",
        "*bows* fancy",
        "*bows* fancy",
        "hello from plain",
        "inherent",
        "trait default",
        "inherent",
        "trait default",
    ]
    // course:end
}

/// Your prediction for `observe_clone_of_reference`: the full type name as `type_name` prints it.
fn predict_clone_of_reference() -> &'static str {
    // course:solution The binary is named `m02_predict_dispatch`; `type_name` prints paths in full.
    "&m02_predict_dispatch::Unique"
    // course:end
}

/// Your predictions for `observe_sizes`, in the same order.
fn predict_sizes() -> [usize; 6] {
    // course:solution Six sizes in bytes.
    [8, 16, 16, 16, 16, 0]
    // course:end
}

fn main() {
    let labels = [
        "Plain.greet()",
        "Fancy.greet()",
        "greet_generic(&Fancy)",
        "greet_dyn(&Plain)",
        "Fancy.kind()",
        "Greet::kind(&Fancy)",
        "Box<Fancy>::kind()",
        "Box<dyn Greet>::kind()",
    ];
    for (label, result) in labels.iter().zip(observe_calls()) {
        println!("{label:>24} -> {result}");
    }
    println!(
        "(&Unique).clone() has type {}",
        observe_clone_of_reference()
    );
    println!("sizes: {:?}", observe_sizes());
    let calls_right = predict_calls()
        .iter()
        .zip(observe_calls())
        .filter(|(predicted, observed)| **predicted == observed.as_str())
        .count();
    let clone_right = predict_clone_of_reference() == observe_clone_of_reference();
    let sizes_right = predict_sizes() == observe_sizes();
    println!(
        "your predictions: {calls_right} of 8 calls right; clone {clone_right}; sizes {sizes_right}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicted_overrides_and_defaults() {
        let observed = observe_calls();
        let predicted = predict_calls();
        for index in [0, 1, 2, 3] {
            assert!(
                predicted[index] == observed[index],
                "prediction {} is wrong: a provided method calls the implementor's methods, and a generic or dyn call runs the same impl (note 01, \"Defining and implementing\")",
                index + 1
            );
        }
    }

    #[test]
    fn predicted_method_lookup_order() {
        let observed = observe_calls();
        let predicted = predict_calls();
        for index in [4, 5, 6, 7] {
            assert!(
                predicted[index] == observed[index],
                "prediction {} is wrong: reread how method lookup orders inherent and trait methods, and what a `dyn Greet` still knows about `Fancy` (note 01, \"Calling trait methods\")",
                index + 1
            );
        }
    }

    #[test]
    fn predicted_clone_of_a_reference() {
        assert!(
            predict_clone_of_reference() == observe_clone_of_reference(),
            "wrong: if `Unique` is not `Clone`, which type's `clone` can `reference.clone()` call? (`&T` is `Copy` for every `T`)"
        );
    }

    #[test]
    fn predicted_pointer_sizes() {
        assert!(
            predict_sizes() == observe_sizes(),
            "at least one size is wrong: reread \"What a `&dyn Trait` is\" in note 01 (thin and fat pointers, the null niche, zero-sized types)"
        );
    }
}
