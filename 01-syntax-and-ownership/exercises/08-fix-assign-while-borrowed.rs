//! # Fix E0506: assigning to a place that is borrowed
//!
//! - **Goal:** replace a sensor's reading and hand back the old one; the old reading is still borrowed when the assignment writes the place it lives in.
//! - **Concepts:** an assignment writes a place, so no borrow of that place may still be in use (for any type, with or without a destructor); `std::mem::replace` swaps the new value in and gives you the old one by value, so you stop holding a borrow; E0506 "cannot assign to `sensor.reading` because it is borrowed".
//! - **Read first:** `notes/04-move-semantics.md` (section "`mem::take`, `mem::replace` and `mem::swap`").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-assign-while-borrowed` runs your copy (made by `cargo course start 01.8`).
//! - **Test:** `cargo course verify 01.8` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-assign-while-borrowed`.)
//! - **Done when:** it compiles and the tests pass; the tests compare buffer addresses, so the old reading must be handed over, not copied (by any method).

/// A sensor with its latest reading as text.
#[derive(Debug)]
struct Sensor {
    /// The latest reading, for example `"21.5 °C"`.
    reading: String,
}

/// Stores `new_reading` and hands back the reading it replaces (the very `String`, not a copy).
fn update(sensor: &mut Sensor, new_reading: String) -> String {
    // course:solution
    std::mem::replace(&mut sensor.reading, new_reading)
    // course:stub
    // let previous = &sensor.reading;
    // sensor.reading = new_reading;
    // previous.to_string()
    // course:decoy copy-then-assign Copies the old reading with `to_string` before assigning.
    // let previous = sensor.reading.to_string();
    // sensor.reading = new_reading;
    // previous
    // course:decoy store-a-copy Hands back the old reading but stores a copy of the new one.
    // std::mem::replace(&mut sensor.reading, new_reading.as_str().into())
    // course:decoy give-back-the-new Swaps in the new reading and returns a copy of it.
    // sensor.reading = new_reading;
    // sensor.reading.clone()
    // course:end
}

fn main() {
    let mut sensor = Sensor {
        reading: String::from("21.5 °C"),
    };
    let previous = update(&mut sensor, String::from("22.0 °C"));
    println!("{previous} -> {}", sensor.reading);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_returns_the_old_reading_and_stores_the_new() {
        let mut sensor = Sensor {
            reading: "1".into(),
        };
        assert_eq!(update(&mut sensor, "2".into()), "1");
        assert_eq!(sensor.reading, "2");
    }

    #[test]
    fn update_from_an_empty_reading() {
        let mut sensor = Sensor {
            reading: String::new(),
        };
        assert_eq!(update(&mut sensor, "on".into()), "");
        assert_eq!(sensor.reading, "on");
    }

    #[test]
    fn update_moves_both_readings_instead_of_copying() {
        let mut sensor = Sensor {
            reading: "21.5 °C".into(),
        };
        let old_buffer = sensor.reading.as_ptr();
        let new_reading = String::from("22.0 °C");
        let new_buffer = new_reading.as_ptr();
        let previous = update(&mut sensor, new_reading);
        assert_eq!(
            previous.as_ptr(),
            old_buffer,
            "the old reading was copied: hand over the `String` itself"
        );
        assert_eq!(
            sensor.reading.as_ptr(),
            new_buffer,
            "the new reading was copied"
        );
    }
}
