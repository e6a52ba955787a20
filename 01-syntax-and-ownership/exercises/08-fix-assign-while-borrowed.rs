//! # Fix E0506: assigning to a place that is borrowed
//!
//! - **Goal:** replace a sensor's reading and report the change; the old reading is still borrowed when the assignment overwrites (and drops) it.
//! - **Concepts:** assignment drops the old value, so it conflicts with any live borrow of it; `std::mem::replace` hands the old value back instead; E0506 "cannot assign to `sensor.reading` because it is borrowed".
//! - **Read first:** `notes/04-move-semantics.md` (section "`mem::take`, `mem::replace` and `mem::swap`").
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-fix-assign-while-borrowed`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-fix-assign-while-borrowed`
//! - **Done when:** it compiles and the tests pass; one test reads this file and fails if the code (comments aside) above the tests calls `.clone()` or `.to_owned()`, so the old reading must be handed over, not copied.

/// A sensor with its latest reading as text.
#[derive(Debug)]
struct Sensor {
    /// The latest reading, for example `"21.5 °C"`.
    reading: String,
}

/// Stores `new_reading` and returns `"<old> -> <new>"`.
fn update(sensor: &mut Sensor, new_reading: String) -> String {
    // course:solution
    let previous = std::mem::replace(&mut sensor.reading, new_reading);
    // course:stub
    // let previous = &sensor.reading;
    // sensor.reading = new_reading;
    // course:end
    format!("{previous} -> {}", sensor.reading)
}

fn main() {
    let mut sensor = Sensor {
        reading: String::from("21.5 °C"),
    };
    println!("{}", update(&mut sensor, String::from("22.0 °C")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_reports_old_and_new_reading() {
        let mut sensor = Sensor {
            reading: "1".into(),
        };
        assert_eq!(update(&mut sensor, "2".into()), "1 -> 2");
        assert_eq!(sensor.reading, "2");
    }

    #[test]
    fn update_from_an_empty_reading() {
        let mut sensor = Sensor {
            reading: String::new(),
        };
        assert_eq!(update(&mut sensor, "on".into()), " -> on");
    }

    #[test]
    fn update_stores_the_new_reading_itself() {
        let mut sensor = Sensor {
            reading: "1".into(),
        };
        let new_reading = String::from("2");
        let buffer = new_reading.as_ptr();
        update(&mut sensor, new_reading);
        assert_eq!(
            sensor.reading.as_ptr(),
            buffer,
            "the new reading was copied"
        );
    }

    #[test]
    fn update_hands_the_old_reading_over_instead_of_copying_it() {
        // A copy of the old reading cannot be seen from outside `update`, so the test reads the code.
        let source = include_str!("08-fix-assign-while-borrowed.rs");
        let above_tests = source.split("#[cfg(test)]").next().unwrap_or(source);
        let code: Vec<&str> = above_tests
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect();
        let code = code.join("\n");
        for copy in [".clone()", ".to_owned()"] {
            assert!(
                !code.contains(copy),
                "the code calls `{copy}`: take the old reading out with `std::mem::replace`"
            );
        }
    }
}
