//! # Explore: predict how big values are, on the stack and on the heap
//!
//! - **Goal:** predict `size_of` for scalars, tuples, arrays, owning handles (`String`, `Vec`, `Box`), references, and `Option`s of them, then how many heap bytes some values use; the tests measure and compare.
//! - **Concepts:** the stack part of a value versus the heap buffer it owns; fat pointers (`&str`, `&[T]`, `Box<[T]>`) carry a length; alignment padding; the niche that makes `Option<Box<T>>` as small as `Box<T>`; `Copy` says nothing about size.
//! - **Read first:** `notes/00-fundamentals.md` (section "Stack and heap") and `notes/01-ownership-model.md` (section "What a `String` really is").
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-predict-type-sizes` (prints the real sizes: predict first)
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-predict-type-sizes`
//! - **Done when:** every prediction matches. The answers assume a 64-bit target such as x86-64 or AArch64, where a pointer is 8 bytes.

use std::mem::{size_of, size_of_val};

/// Sizes of: `bool`, `char`, `i32`, `f64`, `usize`, `()`.
fn observe_scalars() -> [usize; 6] {
    [
        size_of::<bool>(),
        size_of::<char>(),
        size_of::<i32>(),
        size_of::<f64>(),
        size_of::<usize>(),
        size_of::<()>(),
    ]
}

/// Sizes of: `(u8, u32)`, `(u8, u8, u16)`, `[u16; 5]`, `[u8; 4096]` (which is `Copy`).
fn observe_compounds() -> [usize; 4] {
    [
        size_of::<(u8, u32)>(),
        size_of::<(u8, u8, u16)>(),
        size_of::<[u16; 5]>(),
        size_of::<[u8; 4096]>(),
    ]
}

/// Sizes of the stack part of: `String`, `Vec<u64>`, `Box<u64>`, `&String`, `&str`, `&[u8]`, `Box<[u8]>`.
fn observe_handles() -> [usize; 7] {
    [
        size_of::<String>(),
        size_of::<Vec<u64>>(),
        size_of::<Box<u64>>(),
        size_of::<&String>(),
        size_of::<&str>(),
        size_of::<&[u8]>(),
        size_of::<Box<[u8]>>(),
    ]
}

/// Sizes of: `Option<u8>`, `Option<u64>`, `Option<Box<u64>>`, `Option<&str>`, `Option<String>`.
fn observe_options() -> [usize; 5] {
    [
        size_of::<Option<u8>>(),
        size_of::<Option<u64>>(),
        size_of::<Option<Box<u64>>>(),
        size_of::<Option<&str>>(),
        size_of::<Option<String>>(),
    ]
}

/// Heap bytes: the capacity of `String::with_capacity(100)`; the bytes a `Box<[u32]>` of ten
/// elements points to; the UTF-8 bytes of `"héllo"`.
fn observe_heap_bytes() -> [usize; 3] {
    let reserved = String::with_capacity(100);
    let boxed: Box<[u32]> = vec![7; 10].into_boxed_slice();
    let text: &str = "héllo";
    [reserved.capacity(), size_of_val(&*boxed), size_of_val(text)]
}

// Your predictions, in the same order as the `observe_` functions above.
// Only the tests call them (`main` shows the real numbers), hence the `expect` attributes.

/// Prediction for [`observe_scalars`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_scalars() -> [usize; 6] {
    // course:solution Six numbers, in bytes.
    [1, 4, 4, 8, 8, 0]
    // course:end
}

/// Prediction for [`observe_compounds`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_compounds() -> [usize; 4] {
    // course:solution Think about alignment: a `u32` must start at a multiple of 4.
    [8, 4, 10, 4096]
    // course:end
}

/// Prediction for [`observe_handles`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_handles() -> [usize; 7] {
    // course:solution Count pointers, lengths and capacities, not the heap contents.
    [24, 24, 8, 8, 16, 16, 16]
    // course:end
}

/// Prediction for [`observe_options`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_options() -> [usize; 5] {
    // course:solution Which of these types has a bit pattern that can never occur, to stand for `None`?
    [2, 16, 8, 16, 24]
    // course:end
}

/// Prediction for [`observe_heap_bytes`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_heap_bytes() -> [usize; 3] {
    // course:solution `é` is not one byte in UTF-8.
    [100, 40, 6]
    // course:end
}

fn main() {
    println!(
        "scalars   bool char i32 f64 usize ():         {:?}",
        observe_scalars()
    );
    println!(
        "compounds (u8,u32) (u8,u8,u16) [u16;5] [u8;4096]: {:?}",
        observe_compounds()
    );
    println!(
        "handles   String Vec Box &String &str &[u8] Box<[u8]>: {:?}",
        observe_handles()
    );
    println!(
        "options   Option of u8 u64 Box &str String:  {:?}",
        observe_options()
    );
    println!(
        "heap      capacity, Box<[u32]> of 10, \"héllo\": {:?}",
        observe_heap_bytes()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_sizes_match_prediction() {
        assert_eq!(predict_scalars(), observe_scalars());
    }

    #[test]
    fn compound_sizes_match_prediction() {
        assert_eq!(predict_compounds(), observe_compounds());
    }

    #[test]
    fn handle_sizes_match_prediction() {
        assert_eq!(predict_handles(), observe_handles());
    }

    #[test]
    fn option_sizes_match_prediction() {
        assert_eq!(predict_options(), observe_options());
    }

    #[test]
    fn heap_byte_counts_match_prediction() {
        assert_eq!(predict_heap_bytes(), observe_heap_bytes());
    }
}
