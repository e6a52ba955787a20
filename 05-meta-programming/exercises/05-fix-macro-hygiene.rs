//! # Fix E0425: a variable a macro declares is invisible to its caller
//!
//! - **Goal:** make `copy_chunks` compile and return how many bytes it copied, by letting the
//!   caller of `measure!` name the variable that receives the measurement.
//! - **Concepts:** mixed-site hygiene of `macro_rules!` (a `let` written in the macro's body
//!   lives in the macro's syntax context, not the caller's); passing an identifier in with
//!   `$name:ident`; E0425 "cannot find value".
//! - **Read first:** `notes/01-macro-rules-fundamentals.md` (section "Hygiene").
//! - **Run:** `cargo course run 05.5`
//! - **Test:** `cargo course verify 05.5` (reference solution:
//!   `cargo test -p meta-programming --bin m05-fix-macro-hygiene`)
//! - **Done when:** it compiles and the tests pass.

use std::cell::Cell;

/// A running byte counter, like the statistics of a socket: it only ever grows.
struct Meter {
    bytes: Cell<u64>,
}

impl Meter {
    fn starting_at(bytes: u64) -> Self {
        Meter {
            bytes: Cell::new(bytes),
        }
    }

    fn add(&self, count: usize) {
        let count = u64::try_from(count).expect("a chunk length fits in u64");
        self.bytes.set(self.bytes.get() + count);
    }

    fn total(&self) -> u64 {
        self.bytes.get()
    }
}

// course:solution
/// `measure!(meter, name, { body })` runs `body` and then binds `name` to the number of bytes
/// the meter counted while it ran.
macro_rules! measure {
    ($meter:expr, $delta:ident, $body:block) => {
        let before = $meter.total();
        $body
        let $delta = $meter.total() - before;
    };
}
// course:stub
// /// `measure!(meter, { body })` runs `body` and then binds `delta` to the number of bytes the
// /// meter counted while it ran.
// macro_rules! measure {
//     ($meter:expr, $body:block) => {
//         let before = $meter.total();
//         $body
//         let delta = $meter.total() - before;
//     };
// }
// course:end

/// Feeds every chunk through the meter and returns how many bytes this call copied.
fn copy_chunks(meter: &Meter, chunks: &[&[u8]]) -> u64 {
    // course:solution
    measure!(meter, delta, {
        for chunk in chunks {
            meter.add(chunk.len());
        }
    });
    delta
    // course:stub
    // measure!(meter, {
    //     for chunk in chunks {
    //         meter.add(chunk.len());
    //     }
    // });
    // delta
    // course:decoy running-total Reads the meter's running total instead of the bytes this call added.
    // for chunk in chunks {
    //     meter.add(chunk.len());
    // }
    // meter.total()
    // course:end
}

fn main() {
    let meter = Meter::starting_at(1_000);
    let copied = copy_chunks(&meter, &[b"GET / HTTP/1.0\r\n", b"\r\n"]);
    println!("copied {copied} bytes; the meter shows {}", meter.total());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_chunks_returns_the_bytes_it_copied() {
        let meter = Meter::starting_at(0);
        assert_eq!(copy_chunks(&meter, &[b"abc", b"de"]), 5);
    }

    #[test]
    fn copy_chunks_ignores_bytes_counted_before_it() {
        let meter = Meter::starting_at(4096);
        assert_eq!(copy_chunks(&meter, &[b"xyz"]), 3);
        assert_eq!(meter.total(), 4099);
    }

    #[test]
    fn copy_chunks_of_nothing_is_zero() {
        let meter = Meter::starting_at(7);
        assert_eq!(copy_chunks(&meter, &[]), 0);
    }
}
