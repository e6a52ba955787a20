//! `hex!("..")`: a function-like macro that turns a string literal of hex digits into a byte
//! array at compile time.
//!
//! A function-like macro receives the tokens between its delimiters (here, one string literal)
//! and returns an expression. Checking the digits at expansion time turns a typo into a compile
//! error that points at the literal, instead of a panic at run time.

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

/// Decodes the digits of `text` into bytes, or says what is wrong with it.
fn decode(text: &str) -> Result<Vec<u8>, String> {
    // course:solution Skip whitespace, map each digit to its value, pair high and low nibbles, reject an odd count.
    let mut digits = Vec::new();
    for character in text.chars().filter(|c| !c.is_ascii_whitespace()) {
        let digit = character
            .to_digit(16)
            .ok_or_else(|| format!("`{character}` is not a hex digit"))?;
        digits.push(u8::try_from(digit).expect("a hex digit is below 16"));
    }
    if digits.len() % 2 != 0 {
        return Err(format!(
            "odd number of hex digits ({}): each byte needs two",
            digits.len()
        ));
    }
    Ok(digits
        .chunks_exact(2)
        .map(|pair| (pair[0] << 4) + pair[1])
        .collect())
    // course:decoy swapped-nibbles Puts the first digit of each pair in the low nibble, so "1f" becomes 0xf1.
    // let mut digits = Vec::new();
    // for character in text.chars().filter(|c| !c.is_ascii_whitespace()) {
    //     let digit = character
    //         .to_digit(16)
    //         .ok_or_else(|| format!("`{character}` is not a hex digit"))?;
    //     digits.push(u8::try_from(digit).expect("a hex digit is below 16"));
    // }
    // if digits.len() % 2 != 0 {
    //     return Err(format!(
    //         "odd number of hex digits ({}): each byte needs two",
    //         digits.len()
    //     ));
    // }
    // Ok(digits
    //     .chunks_exact(2)
    //     .map(|pair| (pair[1] << 4) + pair[0])
    //     .collect())
    // course:decoy drops-odd-digit Silently ignores a last unpaired digit instead of reporting it.
    // let mut digits = Vec::new();
    // for character in text.chars().filter(|c| !c.is_ascii_whitespace()) {
    //     let digit = character
    //         .to_digit(16)
    //         .ok_or_else(|| format!("`{character}` is not a hex digit"))?;
    //     digits.push(u8::try_from(digit).expect("a hex digit is below 16"));
    // }
    // Ok(digits
    //     .chunks_exact(2)
    //     .map(|pair| (pair[0] << 4) + pair[1])
    //     .collect())
    // course:end
}

/// Expands `hex!(input)`.
pub(crate) fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    // course:solution Parse one `LitStr`, decode it, report a decoding error at the literal, emit `[b0, b1, ..]`.
    let literal: LitStr = syn::parse2(input)?;
    let bytes = decode(&literal.value()).map_err(|why| syn::Error::new(literal.span(), why))?;
    // `u8` values interpolate as suffixed literals (`222u8`), so the array is `[u8; N]` whatever
    // the user's context would infer. An empty array has no element to carry the suffix.
    if bytes.is_empty() {
        return Ok(quote!([0u8; 0]));
    }
    Ok(quote!([#(#bytes),*]))
    // course:decoy untyped-literals Emits unsuffixed literals, so without a type annotation `hex!("ff")` is an `[i32; 1]`.
    // let literal: LitStr = syn::parse2(input)?;
    // let bytes = decode(&literal.value()).map_err(|why| syn::Error::new(literal.span(), why))?;
    // if bytes.is_empty() {
    //     return Ok(quote!([0u8; 0]));
    // }
    // let bytes = bytes.iter().map(|byte| proc_macro2::Literal::u8_unsuffixed(*byte));
    // Ok(quote!([#(#bytes),*]))
    // course:end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_pairs_high_then_low_nibble() {
        assert_eq!(decode("1f a0"), Ok(vec![0x1f, 0xa0]));
    }

    #[test]
    fn decode_accepts_both_cases() {
        assert_eq!(decode("DEADbeef"), Ok(vec![0xde, 0xad, 0xbe, 0xef]));
    }

    #[test]
    fn decode_rejects_an_odd_number_of_digits() {
        assert_eq!(
            decode("abc"),
            Err("odd number of hex digits (3): each byte needs two".to_string())
        );
    }

    #[test]
    fn decode_names_the_bad_character() {
        assert_eq!(decode("0g"), Err("`g` is not a hex digit".to_string()));
    }

    #[test]
    fn expand_reports_bad_digits_as_an_error() {
        let error = expand(quote!("12 3")).expect_err("three digits cannot make whole bytes");
        assert_eq!(
            error.to_string(),
            "odd number of hex digits (3): each byte needs two"
        );
    }

    #[test]
    fn expand_rejects_input_that_is_not_a_string_literal() {
        let error = expand(quote!(0x12)).expect_err("an integer is not a string literal");
        assert_eq!(error.to_string(), "expected string literal");
    }
}
