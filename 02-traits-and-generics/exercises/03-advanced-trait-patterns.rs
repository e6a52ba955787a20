//! # Advanced trait patterns: a type-safe units system and a higher-ranked pipeline
//!
//! - **Goal:** (1) make lengths, times, speeds and accelerations distinct types, so that adding metres to seconds does not compile while dividing metres by seconds gives metres per second, with the unit arithmetic written as traits with associated types; (2) build a pipeline of string-narrowing steps whose bound is higher-ranked, so that it can run on a string it creates itself.
//! - **Concepts:** marker types and `PhantomData`; a generic impl of an operator trait (`Add`, `Div`, `Mul`) with an associated `Output` computed by another trait's associated type; type-level tables (`impl Per<Second> for Metre { type Output = MetrePerSecond; }`); `for<'a> Fn(&'a str) -> &'a str`; `Box<dyn for<'a> Fn(..)>`; results that borrow from the input.
//! - **Read first:** `notes/03-associated-types.md` and `notes/04-higher-ranked-trait-bounds.md`.
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-advanced-trait-patterns` runs your copy (made by `cargo course start 02.3`).
//! - **Test:** `cargo course verify 02.3` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-advanced-trait-patterns`.)
//! - **Done when:** every test passes. The starting operator impls are too general (they accept any two units); narrowing their bounds and computing their `Output` is the exercise.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Add, Div, Mul};

/// A unit of measurement, known only at compile time.
trait Unit {
    /// How the unit is printed.
    const SYMBOL: &'static str;
}

/// Length. An empty enum: a unit is a type, never a value.
#[derive(Debug)]
enum Metre {}
/// Time.
#[derive(Debug)]
enum Second {}
/// Speed.
#[derive(Debug)]
enum MetrePerSecond {}
/// Acceleration.
#[derive(Debug)]
enum MetrePerSecondSquared {}

impl Unit for Metre {
    const SYMBOL: &'static str = "m";
}
impl Unit for Second {
    const SYMBOL: &'static str = "s";
}
impl Unit for MetrePerSecond {
    const SYMBOL: &'static str = "m/s";
}
impl Unit for MetrePerSecondSquared {
    const SYMBOL: &'static str = "m/s²";
}

/// The unit of `Self / Denominator`: a table entry, written as an impl.
trait Per<Denominator> {
    /// The unit of the quotient.
    type Output;
}

/// The unit of `Self * Factor`.
trait Times<Factor> {
    /// The unit of the product.
    type Output;
}

impl Per<Second> for Metre {
    type Output = MetrePerSecond;
}
impl Per<Second> for MetrePerSecond {
    type Output = MetrePerSecondSquared;
}
impl Times<Second> for MetrePerSecond {
    type Output = Metre;
}
impl Times<Second> for MetrePerSecondSquared {
    type Output = MetrePerSecond;
}

/// A number of `U`s. The unit costs nothing at run time: `PhantomData` is zero-sized.
struct Quantity<U> {
    /// The magnitude, in units of `U`.
    value: f64,
    /// Records the unit in the type; `fn() -> U` keeps `Quantity` `Send` and `Sync` whatever `U` is.
    unit: PhantomData<fn() -> U>,
}

impl<U> Quantity<U> {
    /// `value` units of `U`.
    fn new(value: f64) -> Self {
        Quantity {
            value,
            unit: PhantomData,
        }
    }
}

// Written by hand because `#[derive]` would demand `U: Clone` and `U: Copy`, and units are
// empty enums that implement nothing.
impl<U> Clone for Quantity<U> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<U> Copy for Quantity<U> {}
impl<U: Unit> fmt::Display for Quantity<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Forward the caller's precision (`{:.1}`) to the number.
        fmt::Display::fmt(&self.value, f)?;
        write!(f, " {}", U::SYMBOL)
    }
}

// course:solution Restrict `Add` to two quantities of the same unit.
impl<U> Add for Quantity<U> {
    type Output = Quantity<U>;

    fn add(self, rhs: Quantity<U>) -> Quantity<U> {
        Quantity::new(self.value + rhs.value)
    }
}
// course:stub
// /// Too general: this adds any two units.
// impl<U, V> Add<Quantity<V>> for Quantity<U> {
//     type Output = Quantity<U>;
//
//     fn add(self, rhs: Quantity<V>) -> Quantity<U> {
//         todo!()
//     }
// }
// course:decoy add-any-units Adds any two units and keeps the left one, so metres plus seconds compiles.
// impl<U, V> Add<Quantity<V>> for Quantity<U> {
//     type Output = Quantity<U>;
//     fn add(self, rhs: Quantity<V>) -> Quantity<U> {
//         Quantity::new(self.value + rhs.value)
//     }
// }
// course:end

// course:solution `Div` and `Mul` exist only for units with a `Per` (or `Times`) entry, and the output unit is that entry's associated type.
impl<U, V> Div<Quantity<V>> for Quantity<U>
where
    U: Per<V>,
{
    type Output = Quantity<<U as Per<V>>::Output>;

    fn div(self, rhs: Quantity<V>) -> Self::Output {
        Quantity::new(self.value / rhs.value)
    }
}

impl<U, V> Mul<Quantity<V>> for Quantity<U>
where
    U: Times<V>,
{
    type Output = Quantity<<U as Times<V>>::Output>;

    fn mul(self, rhs: Quantity<V>) -> Self::Output {
        Quantity::new(self.value * rhs.value)
    }
}
// course:stub
// /// Too general: any unit divided by any unit, and the unit of the result is wrong.
// impl<U, V> Div<Quantity<V>> for Quantity<U> {
//     type Output = Quantity<U>;
//
//     fn div(self, rhs: Quantity<V>) -> Self::Output {
//         todo!()
//     }
// }
//
// /// Too general, in the same way.
// impl<U, V> Mul<Quantity<V>> for Quantity<U> {
//     type Output = Quantity<U>;
//
//     fn mul(self, rhs: Quantity<V>) -> Self::Output {
//         todo!()
//     }
// }
// course:decoy divide-backwards Divides the right-hand side by the left.
// impl<U, V> Div<Quantity<V>> for Quantity<U>
// where
//     U: Per<V>,
// {
//     type Output = Quantity<<U as Per<V>>::Output>;
//     fn div(self, rhs: Quantity<V>) -> Self::Output {
//         Quantity::new(rhs.value / self.value)
//     }
// }
// impl<U, V> Mul<Quantity<V>> for Quantity<U>
// where
//     U: Times<V>,
// {
//     type Output = Quantity<<U as Times<V>>::Output>;
//     fn mul(self, rhs: Quantity<V>) -> Self::Output {
//         Quantity::new(self.value * rhs.value)
//     }
// }
// course:decoy multiply-adds Adds the magnitudes in `Mul`, a slip that unit types cannot catch.
// impl<U, V> Div<Quantity<V>> for Quantity<U>
// where
//     U: Per<V>,
// {
//     type Output = Quantity<<U as Per<V>>::Output>;
//     fn div(self, rhs: Quantity<V>) -> Self::Output {
//         Quantity::new(self.value / rhs.value)
//     }
// }
// impl<U, V> Mul<Quantity<V>> for Quantity<U>
// where
//     U: Times<V>,
// {
//     type Output = Quantity<<U as Times<V>>::Output>;
//     fn mul(self, rhs: Quantity<V>) -> Self::Output {
//         Quantity::new(self.value + rhs.value)
//     }
// }
// course:end

/// A step narrows a string slice and returns part of what it was given.
type Step = Box<dyn for<'a> Fn(&'a str) -> &'a str>;

/// String-narrowing steps applied in order.
#[derive(Default)]
struct Pipeline {
    /// The steps, first to last.
    steps: Vec<Step>,
}

impl Pipeline {
    /// Adds `step` at the end. It must work for a string of *any* lifetime and hand back a
    /// part of that same string, and it may own captured state (`'static`) to live in the box.
    // course:solution Write the signature: the bound on `F` is the lesson.
    fn then<F>(mut self, step: F) -> Self
    where
        F: for<'a> Fn(&'a str) -> &'a str + 'static,
    {
        self.steps.push(Box::new(step));
        self
    }
    // course:stub
    // fn then<F>(self, step: F) -> Self {
    //     todo!()
    // }
    // course:decoy then-prepends Inserts each new step at the front, so steps run last-added first.
    // fn then<F>(mut self, step: F) -> Self
    // where
    //     F: for<'a> Fn(&'a str) -> &'a str + 'static,
    // {
    //     self.steps.insert(0, Box::new(step));
    //     self
    // }
    // course:end

    /// Runs every step on `input`; the result is a slice of `input`.
    fn run<'t>(&self, input: &'t str) -> &'t str {
        // course:solution Fold over the steps.
        self.steps.iter().fold(input, |text, step| step(text))
        // course:decoy leak-result Copies the result and leaks it to get a long enough lifetime.
        // let result = self.steps.iter().fold(input, |text, step| step(text));
        // Box::leak(result.to_owned().into_boxed_str())
        // course:decoy run-backwards Applies the steps last to first.
        // self.steps.iter().rev().fold(input, |text, step| step(text))
        // course:end
    }

    /// Lower-cases `input` first, then runs the steps on that new string.
    fn run_lowercased(&self, input: &str) -> String {
        // course:solution The lowered string is a local: only a higher-ranked step can take a borrow of it.
        let lowered = input.to_lowercase();
        self.run(&lowered).to_owned()
        // course:decoy lowercase-last Runs the steps on the original text and lower-cases the result.
        // self.run(input).to_lowercase()
        // course:end
    }
}

/// The text after the first `:`, or all of it.
fn after_colon(text: &str) -> &str {
    text.split_once(':').map_or(text, |(_, rest)| rest)
}

/// The text before a `#` comment, or all of it.
fn before_hash(text: &str) -> &str {
    text.split_once('#').map_or(text, |(kept, _)| kept)
}

fn main() {
    let distance = Quantity::<Metre>::new(100.0);
    let time = Quantity::<Second>::new(9.58);
    let speed = distance / time;
    println!("Bolt's average speed: {speed:.2}");
    let acceleration = speed / Quantity::<Second>::new(2.0);
    println!("if reached in two seconds: {acceleration:.2}");
    println!(
        "distance in 3 s at that speed: {:.1}",
        speed * Quantity::<Second>::new(3.0)
    );
    println!("a relay: {}", distance + distance);

    let pipeline = Pipeline::default()
        .then(before_hash)
        .then(after_colon)
        .then(str::trim);
    println!("{:?}", pipeline.run("Port: 8080   # the default"));
    println!("{:?}", pipeline.run_lowercased("HOST: Example.COM"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True when `$ty` implements the bound, decided at compile time and reported at run time,
    /// so that a test can check that an impl does *not* exist.
    macro_rules! implements {
        ($ty:ty: $($bound:tt)+) => {{
            // Exactly one of the two traits is used, depending on the answer.
            #[allow(dead_code)]
            struct Probe<T: ?Sized>(PhantomData<T>);
            #[allow(dead_code)]
            trait Yes {
                fn answer(&self) -> bool {
                    true
                }
            }
            impl<T: ?Sized + $($bound)+> Yes for Probe<T> {}
            #[allow(dead_code)]
            trait No {
                fn answer(&self) -> bool {
                    false
                }
            }
            impl<T: ?Sized> No for &Probe<T> {}
            (&Probe::<$ty>(PhantomData)).answer()
        }};
    }

    /// Forces a closure to be higher-ranked, as a `for<'a>` bound on a function would.
    fn higher_ranked<F: for<'a> Fn(&'a str) -> &'a str>(step: F) -> F {
        step
    }

    fn metres(value: f64) -> Quantity<Metre> {
        Quantity::new(value)
    }

    fn seconds(value: f64) -> Quantity<Second> {
        Quantity::new(value)
    }

    #[test]
    fn same_units_add() {
        let total = metres(1.5) + metres(2.0);
        assert_eq!(total.value, 3.5);
        assert_eq!(total.to_string(), "3.5 m");
    }

    #[test]
    fn different_units_do_not_add() {
        assert!(implements!(Quantity<Metre>: Add<Quantity<Metre>, Output = Quantity<Metre>>));
        assert!(!implements!(Quantity<Metre>: Add<Quantity<Second>>));
        assert!(!implements!(Quantity<Second>: Add<Quantity<MetrePerSecond>>));
    }

    #[test]
    fn metres_per_second_is_a_speed() {
        let speed = metres(100.0) / seconds(8.0);
        assert_eq!(speed.value, 12.5);
        assert_eq!(format!("{speed}"), "12.5 m/s");
        let acceleration = speed / seconds(5.0);
        assert_eq!(format!("{acceleration:.1}"), "2.5 m/s²");
    }

    #[test]
    fn speed_times_time_is_a_distance() {
        let speed = metres(10.0) / seconds(4.0);
        let distance = speed * seconds(3.0);
        assert_eq!(distance.value, 7.5);
        assert_eq!(distance.to_string(), "7.5 m");
        let gained = (speed / seconds(5.0)) * seconds(2.0);
        assert_eq!(gained.value, 1.0);
    }

    #[test]
    fn division_has_a_table_of_meaningful_units() {
        assert!(
            implements!(Quantity<Metre>: Div<Quantity<Second>, Output = Quantity<MetrePerSecond>>)
        );
        assert!(!implements!(Quantity<Second>: Div<Quantity<Metre>>));
        assert!(!implements!(Quantity<Metre>: Mul<Quantity<Metre>>));
    }

    #[test]
    fn pipeline_runs_steps_in_order() {
        let pipeline = Pipeline::default()
            .then(before_hash)
            .then(after_colon)
            .then(str::trim);
        assert_eq!(pipeline.run("name: ferris # the crab"), "ferris");
        assert_eq!(pipeline.run("plain"), "plain");
        // Order matters: trimming first, then cutting at the colon, leaves the space in.
        let reordered = Pipeline::default().then(str::trim).then(after_colon);
        assert_eq!(reordered.run(" a: b "), " b");
    }

    #[test]
    fn pipeline_result_points_into_the_input() {
        let pipeline = Pipeline::default().then(after_colon).then(str::trim);
        let input = String::from("key:   value  ");
        let result = pipeline.run(&input);
        assert_eq!(result, "value");
        let range = input.as_bytes().as_ptr_range();
        assert!(
            range.contains(&result.as_ptr()),
            "the result must borrow the input, not a copy"
        );
    }

    #[test]
    fn steps_may_own_captured_state() {
        let prefix = String::from("user=");
        let strip = higher_ranked(move |text| text.strip_prefix(prefix.as_str()).unwrap_or(text));
        let pipeline = Pipeline::default().then(strip).then(str::trim);
        assert_eq!(pipeline.run("user= ada "), "ada");
        assert_eq!(pipeline.run("group=admin"), "group=admin");
    }

    #[test]
    fn run_lowercased_runs_the_steps_on_the_lowered_text() {
        let only_after_key = higher_ranked(|text| text.strip_prefix("key:").unwrap_or(""));
        let pipeline = Pipeline::default().then(only_after_key).then(str::trim);
        assert_eq!(pipeline.run_lowercased("KEY: Value"), "value");
        assert_eq!(pipeline.run_lowercased("key: x"), "x");
        assert_eq!(pipeline.run_lowercased("other"), "");
    }
}
