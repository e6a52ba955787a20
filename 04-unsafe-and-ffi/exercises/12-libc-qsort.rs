//! # Calling libc: `strlen`, and `qsort` with a Rust comparator
//!
//! - **Goal:** call the platform's C library through the `libc` crate. `c_len` measures the C string at the start of a byte buffer with `strlen`, soundly: `strlen` reads until it finds a NUL, so the wrapper must first make sure there is one inside the buffer. `qsort_slice` sorts any slice of `T: Ord` with C's `qsort`, which takes a comparator function pointer with no context argument: write one generic `extern "C" fn` that `qsort` can call for any `T`.
//! - **Concepts:** `libc` declarations; `&CStr` and `as_ptr`; `*mut c_void` and element sizes; a generic `extern "C" fn` instantiated per type; `qsort` moves elements bitwise (fine for every Rust type); why the comparator must not panic.
//! - **Read first:** `notes/04-ffi-basics.md` ("Calling libc", "Callbacks and the context pointer").
//! - **Run:** `cargo run --bin m04-libc-qsort` in `learn/`.
//! - **Test:** `cargo course verify 04.12`. The tests call C, so they are skipped under Miri.
//! - **Done when:** every test passes and each `unsafe` block has its `// SAFETY:` argument.

#![expect(unsafe_code, reason = "the exercise calls libc functions")]

use std::cmp::Ordering;
use std::ffi::{c_char, c_int, c_void};

/// This process's id, from `getpid` (an example of a libc call with no preconditions).
fn process_id() -> u32 {
    // SAFETY: `getpid` has no preconditions and cannot fail.
    let pid = unsafe { libc::getpid() };
    u32::try_from(pid).expect("process ids are positive")
}

/// The length of the C string at the start of `buffer` (the bytes before the first NUL),
/// measured by C's `strlen`; `None` if `buffer` holds no NUL, because then `strlen` would read
/// past its end.
fn c_len(buffer: &[u8]) -> Option<usize> {
    // course:solution Make sure there is a NUL inside the buffer before strlen goes looking for it.
    if !buffer.contains(&0) {
        return None;
    }
    // SAFETY: `buffer` is valid for reads of its whole length and contains a NUL byte (checked
    // above), so `strlen` stops at or before it and never reads past the end of the slice.
    Some(unsafe { libc::strlen(buffer.as_ptr().cast::<c_char>()) })
    // course:decoy no-nul-check Trusts the buffer to hold a NUL, so strlen runs past the end of one that does not.
    // // SAFETY: (wrong) nothing guarantees a NUL inside the buffer.
    // Some(unsafe { libc::strlen(buffer.as_ptr().cast::<c_char>()) })
    // course:decoy counts-the-nul Counts the terminating NUL too.
    // buffer.iter().position(|&byte| byte == 0).map(|nul| nul + 1)
    // course:end
}

/// Sorts `items` in place with C's `qsort`.
fn qsort_slice<T: Ord>(items: &mut [T]) {
    // course:solution A generic comparator, and the element size of T.
    extern "C" fn compare<T: Ord>(left: *const c_void, right: *const c_void) -> c_int {
        // SAFETY: `qsort` passes pointers to two elements of the slice given to it below,
        // which are valid, aligned `T`s for the duration of this call.
        let (left, right) = unsafe { (&*left.cast::<T>(), &*right.cast::<T>()) };
        match left.cmp(right) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }
    }
    // SAFETY: `items` is valid for `len` elements of `size_of::<T>()` bytes each, exclusively
    // borrowed for the call; `compare::<T>` reads them as `T` and never panics unless `T::cmp`
    // does (a panic there would abort the process, since `compare` is `extern "C"`). qsort
    // moves elements with memcpy, which is a valid move for any Rust type.
    unsafe {
        libc::qsort(
            items.as_mut_ptr().cast::<c_void>(),
            items.len(),
            size_of::<T>(),
            Some(compare::<T>),
        );
    }
    // course:decoy reversed Maps Less to 1 and Greater to -1, which sorts in descending order.
    // extern "C" fn compare<T: Ord>(left: *const c_void, right: *const c_void) -> c_int {
    //     // SAFETY: qsort passes two elements of the slice.
    //     let (left, right) = unsafe { (&*left.cast::<T>(), &*right.cast::<T>()) };
    //     match left.cmp(right) {
    //         Ordering::Less => 1,
    //         Ordering::Equal => 0,
    //         Ordering::Greater => -1,
    //     }
    // }
    // // SAFETY: as in the solution.
    // unsafe {
    //     libc::qsort(items.as_mut_ptr().cast::<c_void>(), items.len(), size_of::<T>(), Some(compare::<T>));
    // }
    // course:decoy elements-as-bytes Confuses bytes and elements when counting (divides the length by the element size), so only a prefix is sorted.
    // extern "C" fn compare<T: Ord>(left: *const c_void, right: *const c_void) -> c_int {
    //     // SAFETY: qsort passes two elements of the slice.
    //     let (left, right) = unsafe { (&*left.cast::<T>(), &*right.cast::<T>()) };
    //     left.cmp(right) as c_int
    // }
    // let count = items.len() / size_of::<T>().max(1);
    // // SAFETY: `count <= items.len()`.
    // unsafe {
    //     libc::qsort(items.as_mut_ptr().cast::<c_void>(), count, size_of::<T>(), Some(compare::<T>));
    // }
    // course:end
}

fn main() {
    println!("pid {} (std says {})", process_id(), std::process::id());
    println!("strlen: {:?}", c_len(b"boiler room\0"));
    let mut stations = vec!["north", "harbour", "airport", "east"];
    qsort_slice(&mut stations);
    println!("{stations:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn c_len_stops_at_the_first_nul() {
        assert_eq!(c_len(b"sensor\0"), Some(6));
        assert_eq!(c_len(b"\0"), Some(0));
        assert_eq!(c_len(b"ab\0cd\0"), Some(2));
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn c_len_refuses_a_buffer_without_nul() {
        // The bytes after `text` in memory are zero here, so an unchecked strlen would
        // find a NUL just past the end and return 4.
        let memory = *b"textxxxx\0\0\0\0";
        let text = &memory[..4];
        assert_eq!(c_len(text), None);
        assert_eq!(c_len(b""), None);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn qsort_sorts_integers_ascending() {
        let mut readings = [42_u64, 7, 19, 7, 0, u64::MAX, 3];
        qsort_slice(&mut readings);
        assert_eq!(readings, [0, 3, 7, 7, 19, 42, u64::MAX]);
        let mut bytes = [3_u8, 1, 2];
        qsort_slice(&mut bytes);
        assert_eq!(bytes, [1, 2, 3]);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn qsort_moves_owned_values_without_losing_them() {
        let mut names: Vec<String> = ["kiln", "attic", "cellar", "boiler"]
            .into_iter()
            .map(String::from)
            .collect();
        qsort_slice(&mut names);
        assert_eq!(names, ["attic", "boiler", "cellar", "kiln"]);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn qsort_handles_empty_and_single_slices() {
        let mut none: [i32; 0] = [];
        qsort_slice(&mut none);
        let mut one = [5_i16];
        qsort_slice(&mut one);
        assert_eq!(one, [5]);
        assert_eq!(process_id(), std::process::id());
    }
}
