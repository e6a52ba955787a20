//! # Fix E0512: `transmute` between types of different sizes
//!
//! - **Goal:** `frame_length` reads the 4-byte length field of a network frame header. The code reaches for `std::mem::transmute` and picks the wrong target type, and the compiler refuses: `transmute` requires both types to have the same size. The fix is not to find a type of the right size: the length is **big-endian** (network byte order), which a transmute cannot express.
//! - **Concepts:** E0512; `transmute` reinterprets bits and knows nothing about byte order; `u32::from_be_bytes`/`from_le_bytes`; safe code first.
//! - **Read first:** `notes/05-memory-layout.md` ("Transmute and its safe replacements").
//! - **Run:** `cargo run --bin m04-fix-transmute-size` in `learn/`.
//! - **Test:** `cargo course verify 04.5`.
//! - **Done when:** it compiles and the tests pass on any machine, little- or big-endian.

/// A frame header as it arrives: a 4-byte big-endian length, then 2 bytes of flags.
const HEADER: usize = 6;

/// The frame's payload length, from the first four bytes of `header`, in network byte order.
fn frame_length(header: [u8; HEADER]) -> u32 {
    let [b0, b1, b2, b3, _, _] = header;
    // course:solution
    u32::from_be_bytes([b0, b1, b2, b3])
    // course:stub
    // #[expect(unsafe_code, reason = "a first attempt at reading the length")]
    // // SAFETY: any 4 bytes are a valid u32.
    // unsafe { std::mem::transmute::<[u8; 4], u64>([b0, b1, b2, b3]) as u32 }
    // course:decoy same-size-transmute Transmutes to a u32 of the right size, which reads the bytes in the machine's order (little-endian on x86-64 and AArch64).
    // #[expect(unsafe_code, reason = "a decoy")]
    // // SAFETY: any 4 bytes are a valid u32.
    // unsafe { std::mem::transmute::<[u8; 4], u32>([b0, b1, b2, b3]) }
    // course:decoy little-endian Reads the length as little-endian.
    // u32::from_le_bytes([b0, b1, b2, b3])
    // course:end
}

fn main() {
    println!("{}", frame_length([0, 0, 1, 0, 0xAA, 0xBB]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_read_in_network_byte_order() {
        assert_eq!(frame_length([0, 0, 1, 0, 0, 0]), 256);
        assert_eq!(
            frame_length([0x12, 0x34, 0x56, 0x78, 0xFF, 0xFF]),
            0x1234_5678
        );
    }

    #[test]
    fn flags_do_not_leak_into_the_length() {
        assert_eq!(frame_length([0, 0, 0, 7, 0xFF, 0xFF]), 7);
    }
}
