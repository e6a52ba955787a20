//! # Fix E0117: implementing a foreign trait for a foreign type
//!
//! - **Goal:** print a report of sensor readings with `{}`, one line per reading, honouring a precision such as `{:.2}`. The starting code implements `Display` for `Vec<Reading>`, which the orphan rule forbids.
//! - **Concepts:** coherence; the orphan rule (a local trait or a local type); `Vec<Local>` is not local; the newtype pattern and its zero cost; `From` for the newtype; `fmt::Formatter` flags (`precision`).
//! - **Read first:** `notes/01-trait-fundamentals.md` (section "Coherence and the orphan rule").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-fix-orphan-rule` runs your copy (made by `cargo course start 02.8`).
//! - **Test:** `cargo course verify 02.8` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-fix-orphan-rule`.)
//! - **Done when:** it compiles, every test passes, and you can say which two crates could conflict if the original impl were allowed.

use std::fmt;

/// One temperature reading.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Reading {
    /// Which sensor took it.
    sensor: &'static str,
    /// The temperature.
    celsius: f64,
}

// course:solution
/// A report: the readings, wrapped in a local type so that this crate may implement
/// `Display` for it.
#[derive(Debug, Clone, PartialEq)]
struct Report(Vec<Reading>);

impl From<Vec<Reading>> for Report {
    fn from(readings: Vec<Reading>) -> Self {
        Report(readings)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for reading in &self.0 {
            match f.precision() {
                Some(digits) => {
                    writeln!(f, "{}: {:.*} °C", reading.sensor, digits, reading.celsius)?
                }
                None => writeln!(f, "{}: {} °C", reading.sensor, reading.celsius)?,
            }
        }
        Ok(())
    }
}
// course:stub
// /// A report: the readings.
// type Report = Vec<Reading>;
//
// impl fmt::Display for Report {
//     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
//         for reading in self {
//             match f.precision() {
//                 Some(digits) => writeln!(f, "{}: {:.*} °C", reading.sensor, digits, reading.celsius)?,
//                 None => writeln!(f, "{}: {} °C", reading.sensor, reading.celsius)?,
//             }
//         }
//         Ok(())
//     }
// }
// course:decoy ignores-precision Wraps the vector correctly but always prints the full value, so `{:.1}` has no effect.
// #[derive(Debug, Clone, PartialEq)]
// struct Report(Vec<Reading>);
// impl From<Vec<Reading>> for Report {
//     fn from(readings: Vec<Reading>) -> Self {
//         Report(readings)
//     }
// }
// impl fmt::Display for Report {
//     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
//         for reading in &self.0 {
//             writeln!(f, "{}: {} °C", reading.sensor, reading.celsius)?;
//         }
//         Ok(())
//     }
// }
// course:decoy debug-instead Gives up on `Display` and forwards to the vector's `Debug` output.
// #[derive(Debug, Clone, PartialEq)]
// struct Report(Vec<Reading>);
// impl From<Vec<Reading>> for Report {
//     fn from(readings: Vec<Reading>) -> Self {
//         Report(readings)
//     }
// }
// impl fmt::Display for Report {
//     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
//         write!(f, "{:?}", self.0)
//     }
// }
// course:end

fn main() {
    let report = Report::from(vec![
        Reading {
            sensor: "attic",
            celsius: 27.25,
        },
        Reading {
            sensor: "cellar",
            celsius: 11.0,
        },
    ]);
    print!("{report:.1}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report::from(vec![
            Reading {
                sensor: "north",
                celsius: 20.125,
            },
            Reading {
                sensor: "south",
                celsius: -3.5,
            },
        ])
    }

    #[test]
    fn report_prints_one_line_per_reading() {
        assert_eq!(report().to_string(), "north: 20.125 °C\nsouth: -3.5 °C\n");
    }

    #[test]
    fn report_honours_the_precision() {
        assert_eq!(
            format!("{:.1}", report()),
            "north: 20.1 °C\nsouth: -3.5 °C\n"
        );
        assert_eq!(format!("{:.0}", report()), "north: 20 °C\nsouth: -4 °C\n");
    }

    #[test]
    fn an_empty_report_prints_nothing() {
        assert_eq!(Report::from(Vec::new()).to_string(), "");
    }

    #[test]
    fn the_wrapper_costs_nothing() {
        assert_eq!(
            std::mem::size_of::<Report>(),
            std::mem::size_of::<Vec<Reading>>()
        );
    }
}
