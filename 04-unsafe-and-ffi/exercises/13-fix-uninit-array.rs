//! # Fix E0381: an array used before it is initialised
//!
//! - **Goal:** `labels` fills an array of `N` strings, one element at a time, and the compiler refuses: the array is declared without a value, and Rust never lets you read (or return) memory that might be uninitialised. The tempting escapes, `MaybeUninit::uninit().assume_init()` or `mem::zeroed()`, compile; this exercise's tests run under Miri, which reports both. Build the array so that every element is a valid `String` from the start.
//! - **Concepts:** E0381; why uninitialised memory is not "some bytes" (a `String` contains a non-null pointer); assignment drops the old value, so `out[i] = ..` on garbage frees garbage; `std::array::from_fn`; `MaybeUninit` for the cases that really need it.
//! - **Read first:** `notes/03-undefined-behavior.md` ("Uninitialised memory").
//! - **Run:** `cargo run --bin m04-fix-uninit-array` in `learn/`.
//! - **Test:** `cargo course verify 04.13` (the tests also run under Miri).
//! - **Done when:** it compiles and the tests pass natively and under Miri.

// course:solution
// course:stub
// course:decoy assume-init-uninit
// #![expect(unsafe_code, reason = "the decoy conjures an array out of uninitialised memory")]
// course:decoy zeroed
// #![expect(unsafe_code, reason = "the decoy conjures an array out of zeroed memory")]
// course:end

/// The first `N` names, upper-cased; missing names become empty strings.
fn labels<const N: usize>(names: &[&str]) -> [String; N] {
    // course:solution
    std::array::from_fn(|index| {
        names
            .get(index)
            .map_or_else(String::new, |name| name.to_uppercase())
    })
    // course:stub
    // let mut out: [String; N];
    // for index in 0..N {
    //     out[index] = names
    //         .get(index)
    //         .map_or_else(String::new, |name| name.to_uppercase());
    // }
    // out
    // course:decoy assume-init-uninit Declares the array as initialised when it is not; each assignment then drops a String made of garbage.
    // // SAFETY: (wrong) every element is assigned below, but the assignment first drops the old, uninitialised one.
    // let mut out: [String; N] = unsafe { std::mem::MaybeUninit::uninit().assume_init() };
    // for (index, slot) in out.iter_mut().enumerate() {
    //     *slot = names
    //         .get(index)
    //         .map_or_else(String::new, |name| name.to_uppercase());
    // }
    // out
    // course:decoy zeroed Starts from all-zero bytes, but a String's pointer may never be null.
    // // SAFETY: (wrong) zero is not a valid String.
    // let mut out: [String; N] = unsafe { std::mem::zeroed() };
    // for (index, slot) in out.iter_mut().enumerate() {
    //     *slot = names
    //         .get(index)
    //         .map_or_else(String::new, |name| name.to_uppercase());
    // }
    // out
    // course:decoy not-upper-cased Fills the array safely but forgets to upper-case.
    // std::array::from_fn(|index| names.get(index).map_or_else(String::new, |name| name.to_string()))
    // course:end
}

fn main() {
    let names = ["north", "harbour"];
    println!("{:?}", labels::<3>(&names));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_upper_cased_in_order() {
        assert_eq!(labels::<2>(&["north", "east"]), ["NORTH", "EAST"]);
    }

    #[test]
    fn missing_names_become_empty_and_extra_names_are_ignored() {
        assert_eq!(labels::<3>(&["kiln"]), ["KILN", "", ""]);
        assert_eq!(labels::<1>(&["a", "b", "c"]), ["A"]);
        assert_eq!(labels::<0>(&["a"]), [] as [String; 0]);
    }
}
