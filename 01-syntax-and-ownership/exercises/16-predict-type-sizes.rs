//! # Explore: predict how big values are, on the stack and on the heap
//!
//! - **Goal:** predict `size_of` for scalars, tuples, arrays, owning handles (`String`, `Vec`, `Box`), references, and `Option`s of them, then how many heap bytes some values point to; the tests measure and compare.
//! - **Concepts:** the stack part of a value versus the heap buffer it owns; fat pointers (`&str`, `&[T]`, `Box<[T]>`) carry a length; alignment padding; the niche that makes `Option<Box<T>>` as small as `Box<T>`; `Copy` says nothing about size.
//! - **Read first:** `notes/00-fundamentals.md` (section "Stack and heap") and `notes/01-ownership-model.md` (section "What a `String` really is").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-predict-type-sizes`: the reveal, which prints each prediction next to the real numbers. Run it only after you have predicted everything.
//! - **Test:** `cargo course verify 01.16` (a failing test names the group and the section to reread, never the right numbers).
//! - **Done when:** every prediction matches. The answers assume a 64-bit target such as x86-64 or AArch64, where a pointer is 8 bytes. Some sizes are promised by Rust (`Option<Box<T>>`, `Option<&T>` and `Option<NonZeroU32>` are as big as what they wrap); others (`Option<u8>`, `Option<u64>`, the order of tuple fields) are what rustc 1.95 does, not a promise.

use std::mem::{size_of, size_of_val};
use std::num::NonZeroU32;

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

/// Sizes of: `Option<u8>`, `Option<u64>`, `Option<Box<u64>>`, `Option<&str>`, `Option<NonZeroU32>`.
fn observe_options() -> [usize; 5] {
    [
        size_of::<Option<u8>>(),
        size_of::<Option<u64>>(),
        size_of::<Option<Box<u64>>>(),
        size_of::<Option<&str>>(),
        size_of::<Option<NonZeroU32>>(),
    ]
}

/// Heap bytes: those a `Box<[u32]>` of ten elements points to; the UTF-8 bytes of `"héllo"`;
/// the bytes the elements of `vec![0_u16; 3]` occupy.
fn observe_heap_bytes() -> [usize; 3] {
    let boxed: Box<[u32]> = vec![7; 10].into_boxed_slice();
    let text: &str = "héllo";
    let shorts = vec![0_u16; 3];
    [
        size_of_val(&*boxed),
        size_of_val(text),
        size_of_val(shorts.as_slice()),
    ]
}

/// Declares a prediction: a list of sizes in bytes, written as integer literals. The macro
/// accepts nothing but literals, so a prediction cannot call `size_of` itself.
macro_rules! prediction {
    ($name:ident = [$($size:literal),* $(,)?]) => {
        const $name: &[usize] = &[$($size),*];
    };
}

// Your predictions, in the same order as the `observe_` functions above. Write them all before
// you run anything: `main` then shows them next to the real numbers.

prediction!(
    SCALARS = [
        // course:solution
        1, 4, 4, 8, 8,
        0,
        // course:stub
        // // TODO: six numbers, in bytes.
        // course:end
    ]
);

prediction!(
    COMPOUNDS = [
        // course:solution
        8, 4, 10,
        4096,
        // course:stub
        // // TODO: think about alignment: a `u32` must start at a multiple of 4.
        // course:end
    ]
);

prediction!(
    HANDLES = [
        // course:solution
        24, 24, 8, 8, 16, 16,
        16,
        // course:stub
        // // TODO: count pointers, lengths and capacities, not the heap contents.
        // course:end
    ]
);

prediction!(
    OPTIONS = [
        // course:solution
        2, 16, 8, 16,
        4,
        // course:stub
        // // TODO: which of these types has a bit pattern that can never occur, to stand for `None`?
        // course:end
    ]
);

prediction!(
    HEAP_BYTES = [
        // course:solution
        40, 6,
        6,
        // course:stub
        // // TODO: `é` is not one byte in UTF-8.
        // course:end
    ]
);

/// A group of sizes: its name, how to measure it, and your prediction.
type Group = (&'static str, fn() -> Vec<usize>, &'static [usize]);

/// Every group of sizes.
const GROUPS: [Group; 5] = [
    (
        "scalars: bool char i32 f64 usize ()",
        || observe_scalars().to_vec(),
        SCALARS,
    ),
    (
        "compounds: (u8,u32) (u8,u8,u16) [u16;5] [u8;4096]",
        || observe_compounds().to_vec(),
        COMPOUNDS,
    ),
    (
        "handles: String Vec Box &String &str &[u8] Box<[u8]>",
        || observe_handles().to_vec(),
        HANDLES,
    ),
    (
        "options of: u8 u64 Box<u64> &str NonZeroU32",
        || observe_options().to_vec(),
        OPTIONS,
    ),
    (
        "heap: Box<[u32]> of 10, \"héllo\", vec![0_u16; 3]",
        || observe_heap_bytes().to_vec(),
        HEAP_BYTES,
    ),
];

/// The reveal: run it after you have written every prediction.
fn main() {
    for (name, observe, predicted) in GROUPS {
        let observed = observe();
        let verdict = if observed == predicted {
            "right"
        } else {
            "WRONG"
        };
        println!("{name}: {verdict}\n    predicted {predicted:?}\n    observed  {observed:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compares a prediction with the measurement without printing the measurement.
    fn check(observed: &[usize], predicted: &[usize], group: &str, section: &str) {
        assert!(
            observed == predicted,
            "your prediction for the {group} is wrong: reread \"{section}\" in notes/00-fundamentals.md"
        );
    }

    #[test]
    fn scalar_sizes_match_prediction() {
        check(
            &observe_scalars(),
            SCALARS,
            "scalars",
            "How big is the inline part?",
        );
    }

    #[test]
    fn compound_sizes_match_prediction() {
        check(
            &observe_compounds(),
            COMPOUNDS,
            "tuples and arrays",
            "How big is the inline part?",
        );
    }

    #[test]
    fn handle_sizes_match_prediction() {
        check(
            &observe_handles(),
            HANDLES,
            "owning handles and references",
            "Stack and heap",
        );
    }

    #[test]
    fn option_sizes_match_prediction() {
        check(
            &observe_options(),
            OPTIONS,
            "`Option`s",
            "How big is the inline part?",
        );
    }

    #[test]
    fn heap_byte_counts_match_prediction() {
        check(
            &observe_heap_bytes(),
            HEAP_BYTES,
            "heap bytes",
            "Stack and heap",
        );
    }
}
