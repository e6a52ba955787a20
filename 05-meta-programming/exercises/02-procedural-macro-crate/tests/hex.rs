//! `hex!` used as an expression: values, element type and length are fixed at compile time.

use meta_programming_macros::hex;

#[test]
fn hex_decodes_bytes_in_order() {
    let bytes: [u8; 4] = hex!("de ad be ef");
    assert_eq!(bytes, [0xde, 0xad, 0xbe, 0xef]);
}

#[test]
fn hex_puts_the_first_digit_in_the_high_nibble() {
    assert_eq!(hex!("1f"), [0x1f]);
}

#[test]
fn hex_elements_are_u8_without_annotations() {
    // No type annotation: the macro alone must make the elements `u8`.
    let bytes = hex!("ff 00");
    assert_eq!(std::mem::size_of_val(&bytes), 2);
    assert_eq!(bytes.len(), 2);
}

#[test]
fn hex_of_an_empty_string_is_an_empty_byte_array() {
    let bytes = hex!("");
    assert_eq!(std::mem::size_of_val(&bytes), 0);
    assert!(bytes.is_empty());
}
