//! # Fix E0308: adding metres to seconds
//!
//! - **Goal:** compute the average speed of a journey made of legs (a distance and a time each). The starting code adds a distance to a time, and the unit types refuse it.
//! - **Concepts:** unit types with `PhantomData`; `Add` only between equal units, `Div` through a table of units (`Per`); E0308 from an operator; the average of speeds is not the average speed.
//! - **Read first:** `notes/03-associated-types.md` (section "Operator traits and a units system").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-fix-adding-metres-to-seconds` runs your copy (made by `cargo course start 02.6`).
//! - **Test:** `cargo course verify 02.6` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-fix-adding-metres-to-seconds`.)
//! - **Done when:** it compiles, every test passes, and you can say what the type checker caught and what it could not have caught.

use std::marker::PhantomData;
use std::ops::{Add, Div};

/// Length.
enum Metre {}
/// Time.
enum Second {}
/// Speed.
enum MetrePerSecond {}

/// The unit of `Self / V`.
trait Per<V> {
    /// The quotient's unit.
    type Output;
}

impl Per<Second> for Metre {
    type Output = MetrePerSecond;
}

/// A number of `U`s; the unit exists only in the type.
struct Quantity<U> {
    /// The magnitude.
    value: f64,
    /// The unit, at no run-time cost.
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

    /// Zero units of `U`.
    fn zero() -> Self {
        Quantity::new(0.0)
    }
}

impl<U> Clone for Quantity<U> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<U> Copy for Quantity<U> {}

impl<U> Add for Quantity<U> {
    type Output = Quantity<U>;
    fn add(self, rhs: Self) -> Self {
        Quantity::new(self.value + rhs.value)
    }
}

impl<U: Per<V>, V> Div<Quantity<V>> for Quantity<U> {
    type Output = Quantity<<U as Per<V>>::Output>;
    fn div(self, rhs: Quantity<V>) -> Self::Output {
        Quantity::new(self.value / rhs.value)
    }
}

/// One stretch of a journey.
#[derive(Clone, Copy)]
struct Leg {
    /// How far.
    distance: Quantity<Metre>,
    /// How long it took.
    time: Quantity<Second>,
}

/// Total distance over total time; `None` when no time has passed.
fn average_speed(legs: &[Leg]) -> Option<Quantity<MetrePerSecond>> {
    // course:solution
    let mut distance = Quantity::<Metre>::zero();
    let mut time = Quantity::<Second>::zero();
    for leg in legs {
        distance = distance + leg.distance;
        time = time + leg.time;
    }
    if time.value == 0.0 {
        return None;
    }
    Some(distance / time)
    // course:stub
    // let mut total = Quantity::<Metre>::zero();
    // for leg in legs {
    //     total = total + leg.distance + leg.time;
    // }
    // Some(total)
    // course:decoy mean-of-speeds Averages the speed of each leg, which weighs a short fast leg like a long slow one.
    // if legs.is_empty() {
    //     return None;
    // }
    // let mut sum = 0.0;
    // for leg in legs {
    //     sum += (leg.distance / leg.time).value;
    // }
    // Some(Quantity::new(sum / legs.len() as f64))
    // course:decoy no-zero-check Divides even when no time has passed, returning infinity or NaN.
    // let mut distance = Quantity::<Metre>::zero();
    // let mut time = Quantity::<Second>::zero();
    // for leg in legs {
    //     distance = distance + leg.distance;
    //     time = time + leg.time;
    // }
    // Some(distance / time)
    // course:end
}

fn main() {
    let commute = [
        Leg {
            distance: Quantity::new(1200.0),
            time: Quantity::new(600.0),
        },
        Leg {
            distance: Quantity::new(8000.0),
            time: Quantity::new(400.0),
        },
    ];
    match average_speed(&commute) {
        Some(speed) => println!("average speed: {:.2} m/s", speed.value),
        None => println!("no time has passed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leg(metres: f64, seconds: f64) -> Leg {
        Leg {
            distance: Quantity::new(metres),
            time: Quantity::new(seconds),
        }
    }

    #[test]
    fn quantities_of_one_unit_add() {
        let total = Quantity::<Metre>::new(1.5) + Quantity::new(2.0);
        assert_eq!(total.value, 3.5);
    }

    #[test]
    fn one_leg_is_distance_over_time() {
        let speed = average_speed(&[leg(100.0, 20.0)]).expect("time has passed");
        assert_eq!(speed.value, 5.0);
    }

    #[test]
    fn legs_are_weighted_by_their_time() {
        // 1 km walked in 1000 s, then 9 km driven in 500 s: 10 km in 1500 s.
        let speed =
            average_speed(&[leg(1000.0, 1000.0), leg(9000.0, 500.0)]).expect("time has passed");
        assert!(
            (speed.value - 10_000.0 / 1500.0).abs() < 1e-9,
            "got {}",
            speed.value
        );
    }

    #[test]
    fn no_time_means_no_speed() {
        assert!(average_speed(&[]).is_none());
        assert!(average_speed(&[leg(0.0, 0.0)]).is_none());
    }

    #[test]
    fn the_result_is_a_speed() {
        let speed: Option<Quantity<MetrePerSecond>> = average_speed(&[leg(3.0, 1.0)]);
        assert_eq!(speed.map(|s| s.value), Some(3.0));
    }
}
