//! # Fix E0133: an unsafe call outside an `unsafe` block
//!
//! - **Goal:** `parse_name` turns the bytes of a sensor's name, read from the wire, into a `&str`. It calls `std::str::from_utf8_unchecked`, an `unsafe fn`, and the compiler refuses the call. Wrapping it in `unsafe { }` would compile, but ask first what the function's `# Safety` section demands, and whether bytes from the wire can promise it.
//! - **Concepts:** E0133 "call to unsafe function requires unsafe block"; an `unsafe` block discharges a precondition, it does not remove it; library UB (a `str` that is not UTF-8); the checked alternative `std::str::from_utf8`.
//! - **Read first:** `notes/01-unsafe-guarantees.md` ("`unsafe fn`: a function with a contract", "Soundness: the real rule").
//! - **Run:** `cargo run --bin m04-fix-unchecked-utf8` in `learn/`.
//! - **Test:** `cargo course verify 04.4`.
//! - **Done when:** it compiles, the tests pass, and `parse_name` is sound: no bytes a caller passes can make it produce an invalid `&str`.

use std::str::Utf8Error;

/// Reads a sensor name from the wire: the bytes must be UTF-8.
fn parse_name(bytes: &[u8]) -> Result<&str, Utf8Error> {
    // course:solution
    std::str::from_utf8(bytes)
    // course:stub
    // Ok(std::str::from_utf8_unchecked(bytes))
    // course:decoy unsafe-block Silences E0133 with an unsafe block, so invalid bytes become an invalid &str.
    // // SAFETY: (wrong) nothing here proves the bytes are UTF-8.
    // #[expect(unsafe_code, reason = "the decoy silences E0133")]
    // Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
    // course:decoy lossy-copy Converts lossily and leaks the copy, so bad bytes are accepted and the result does not borrow the input.
    // Ok(String::leak(String::from_utf8_lossy(bytes).into_owned()))
    // course:end
}

fn main() {
    println!("{:?}", parse_name(b"boiler room"));
    println!("{:?}", parse_name(&[0x66, 0x6f, 0xff]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_are_borrowed_not_copied() {
        let bytes = "caf\u{e9} \u{2603}".as_bytes();
        let name = parse_name(bytes).expect("valid UTF-8");
        assert_eq!(name, "café ☃");
        assert_eq!(name.as_ptr(), bytes.as_ptr());
    }

    #[test]
    fn invalid_bytes_are_an_error_with_their_position() {
        let error = parse_name(&[b'o', b'k', 0xff, b'!']).expect_err("0xff is never UTF-8");
        assert_eq!(error.valid_up_to(), 2);
        assert!(parse_name(&[0xe2, 0x98]).is_err(), "a truncated sequence");
    }
}
