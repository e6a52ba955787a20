//! # Fix E0793: a reference to a field of a packed struct
//!
//! - **Goal:** read fields of a `#[repr(C, packed)]` wire header without ever creating a reference to them, and keep the packed layout that the C side of the protocol expects.
//! - **Concepts:** `#[repr(packed)]` removes padding and lowers alignment to 1; a reference must always be aligned, so `&header.length` is refused (E0793); copying the field out (`{ header.length }` or a `let`) is always fine; `format!` and `max()` take references behind your back; `offset_of!` pins a layout.
//! - **Read first:** `notes/02-memory-layout-optimization.md` (section "`repr(packed)`: no padding, no references").
//! - **Run:** `cargo run --bin m06-fix-packed-field-reference` in `learn/`, after `cargo course start 06.3`
//! - **Test:** `cargo course verify 06.3`
//! - **Done when:** it compiles, the tests pass, and the header is still 7 bytes with the C offsets.

/// A frame header exactly as it travels on the wire (little-endian), matching this C
/// declaration compiled with `__attribute__((packed))`:
///
/// ```c
/// struct frame_header { uint8_t kind; uint32_t length; uint16_t sequence; };
/// ```
// course:solution
#[repr(C, packed)]
#[derive(Debug, Clone, Copy)]
struct FrameHeader {
    kind: u8,
    length: u32,
    sequence: u16,
}
// course:stub
// #[repr(C, packed)]
// #[derive(Debug, Clone, Copy)]
// struct FrameHeader {
//     kind: u8,
//     length: u32,
//     sequence: u16,
// }
// course:decoy unpack Removes `packed` so that references are allowed: 12 bytes, and C reads the length from the wrong offset.
// #[repr(C)]
// #[derive(Debug, Clone, Copy)]
// struct FrameHeader {
//     kind: u8,
//     length: u32,
//     sequence: u16,
// }
// course:end

/// The size of a header on the wire.
const HEADER_SIZE: usize = 7;

/// Decodes a header from its 7 wire bytes.
fn parse_header(bytes: [u8; HEADER_SIZE]) -> FrameHeader {
    FrameHeader {
        kind: bytes[0],
        length: u32::from_le_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]),
        sequence: u16::from_le_bytes([bytes[5], bytes[6]]),
    }
}

/// A one-line description for the log: `kind 2, seq 7, 1500 bytes`.
fn describe(header: &FrameHeader) -> String {
    // course:solution
    let (kind, sequence, length) = (header.kind, header.sequence, header.length);
    format!("kind {kind}, seq {sequence}, {length} bytes")
    // course:stub
    // format!(
    //     "kind {}, seq {}, {} bytes",
    //     header.kind, header.sequence, header.length
    // )
    // course:decoy fields-swapped Copies the fields out, but prints the sequence where the length belongs.
    // let (kind, sequence, length) = (header.kind, header.sequence, header.length);
    // format!("kind {kind}, seq {length}, {sequence} bytes")
    // course:end
}

/// The largest payload length among `headers`, or `None` for no headers.
fn largest_length(headers: &[FrameHeader]) -> Option<u32> {
    // course:solution
    headers.iter().map(|header| header.length).max()
    // course:stub
    // headers.iter().map(|header| &header.length).max().copied()
    // course:decoy first-only Returns the first header's length instead of the largest.
    // headers.first().map(|header| header.length)
    // course:end
}

fn main() {
    let headers = [
        parse_header([1, 0xDC, 0x05, 0, 0, 7, 0]),
        parse_header([2, 0x40, 0, 0, 0, 8, 0]),
    ];
    for header in &headers {
        println!("{}", describe(header));
    }
    println!("largest: {:?}", largest_length(&headers));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    #[test]
    fn frame_header_keeps_the_packed_c_layout() {
        assert_eq!(size_of::<FrameHeader>(), HEADER_SIZE);
        assert_eq!(align_of::<FrameHeader>(), 1);
        assert_eq!(offset_of!(FrameHeader, kind), 0);
        assert_eq!(offset_of!(FrameHeader, length), 1);
        assert_eq!(offset_of!(FrameHeader, sequence), 5);
    }

    #[test]
    fn describe_prints_every_field() {
        let header = parse_header([2, 0xDC, 0x05, 0, 0, 7, 0]);
        assert_eq!(describe(&header), "kind 2, seq 7, 1500 bytes");
    }

    #[test]
    fn largest_length_finds_the_maximum() {
        let headers = [
            parse_header([1, 10, 0, 0, 0, 1, 0]),
            parse_header([1, 0, 1, 0, 0, 2, 0]),
            parse_header([1, 99, 0, 0, 0, 3, 0]),
        ];
        assert_eq!(largest_length(&headers), Some(256));
        assert_eq!(largest_length(&[]), None);
    }
}
