//! # Fix E0793: a reference to a field of a packed struct
//!
//! - **Goal:** `WireHeader` mirrors a 7-byte header exactly, so it is `#[repr(C, packed)]`: no padding, and therefore fields at odd offsets. `describe` takes a reference to the `u32` field, and a reference must be aligned, so the compiler refuses. Read the field without making a reference.
//! - **Concepts:** `repr(packed)` removes padding and lowers the struct's alignment to 1; references must be aligned, so `&packed.field` is E0793; copying the field out (`{ header.length }`) or `&raw const` plus `read_unaligned`; why removing `packed` is not a fix.
//! - **Read first:** `notes/05-memory-layout.md` ("`repr(packed)`").
//! - **Run:** `cargo run --bin m04-fix-packed-reference` in `learn/`.
//! - **Test:** `cargo course verify 04.6`.
//! - **Done when:** it compiles, the tests pass, and the header is still exactly 7 bytes.

/// A header as it is laid out on the wire: kind (1 byte), length (4 bytes), port (2 bytes).
// course:solution
#[repr(C, packed)]
// course:stub
// #[repr(C, packed)]
// course:decoy drop-packed Removes `packed`, which makes the reference legal but adds padding, so the header no longer matches the wire.
// #[repr(C)]
// course:end
#[derive(Clone, Copy)]
struct WireHeader {
    /// The message kind.
    kind: u8,
    /// The payload length, at byte offset 1.
    length: u32,
    /// The destination port, at byte offset 5.
    port: u16,
}

/// A human-readable summary of the header.
fn describe(header: &WireHeader) -> String {
    let kind = header.kind;
    // course:solution
    let length = header.length;
    let port = header.port;
    // course:stub
    // let length: &u32 = &header.length;
    // let port = header.port;
    // course:decoy swapped-fields Copies the fields out, but the port and length into each other's names.
    // let length = u32::from(header.port);
    // let port = u16::try_from(header.length).unwrap_or(u16::MAX);
    // course:end
    format!("kind {kind}, {length} bytes, port {port}")
}

fn main() {
    let header = WireHeader {
        kind: 2,
        length: 512,
        port: 8080,
    };
    println!("{} ({} bytes)", describe(&header), size_of::<WireHeader>());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_reads_every_field() {
        let header = WireHeader {
            kind: 7,
            length: 70_000,
            port: 443,
        };
        assert_eq!(describe(&header), "kind 7, 70000 bytes, port 443");
    }

    #[test]
    fn header_matches_the_wire_layout() {
        assert_eq!(size_of::<WireHeader>(), 7);
        assert_eq!(align_of::<WireHeader>(), 1);
        assert_eq!(std::mem::offset_of!(WireHeader, length), 1);
        assert_eq!(std::mem::offset_of!(WireHeader, port), 5);
    }
}
