//! # A lazy iterator pipeline that allocates nothing
//!
//! - **Goal:** rewrite an eager text-processing function, which builds a new `Vec` or `String` at every stage, as one lazy iterator chain that borrows from its input and makes no heap allocation at all.
//! - **Concepts:** iterator adapters are lazy and fuse into one loop; `impl Iterator<Item = &str>` in return position borrows the input (edition 2024 captures the lifetime); `str::split`, `trim_matches`, `chars().count()`; measuring allocations instead of guessing.
//! - **Read first:** `notes/01-zero-cost-abstractions.md` (sections "Iterators compile to loops" and "What zero-cost does not promise").
//! - **Run:** `cargo run --bin m06-iterator-pipeline` in `learn/`, after `cargo course start 06.2`
//! - **Test:** `cargo course verify 06.2`
//! - **Done when:** `long_words` returns the same words as `long_words_eager`, every word points into the input text, and consuming the iterator allocates nothing (a counting allocator in the tests checks).

/// The eager version: correct, and it allocates a `Vec` of pieces, one `String` per piece, and
/// a `Vec` of results.
fn long_words_eager(text: &str, min_chars: usize) -> Vec<String> {
    let pieces: Vec<&str> = text.split(|c: char| c.is_whitespace()).collect();
    let trimmed: Vec<String> = pieces
        .iter()
        .map(|piece| {
            piece
                .trim_matches(|c: char| c.is_ascii_punctuation())
                .to_string()
        })
        .collect();
    trimmed
        .into_iter()
        .filter(|word| word.chars().count() >= min_chars)
        .collect()
}

/// Yields, in order, the whitespace-separated words of `text` with leading and trailing ASCII
/// punctuation trimmed, keeping those of at least `min_chars` characters (not bytes).
fn long_words(text: &str, min_chars: usize) -> impl Iterator<Item = &str> {
    // course:solution Split, trim, filter: three adapters, no `collect`, no `String`.
    text.split(char::is_whitespace)
        .map(|piece| piece.trim_matches(|c: char| c.is_ascii_punctuation()))
        .filter(move |word| word.chars().count() >= min_chars)
    // course:stub
    // text.split(char::is_whitespace).filter(|_| todo!())
    // course:decoy collect-first Collects the pieces into a `Vec` first: same words, one allocation per call.
    // let pieces: Vec<&str> = text
    //     .split(char::is_whitespace)
    //     .map(|piece| piece.trim_matches(|c: char| c.is_ascii_punctuation()))
    //     .collect();
    // pieces
    //     .into_iter()
    //     .filter(move |word| word.chars().count() >= min_chars)
    // course:decoy byte-length Compares `len()`, which counts UTF-8 bytes, with a number of characters.
    // text.split(char::is_whitespace)
    //     .map(|piece| piece.trim_matches(|c: char| c.is_ascii_punctuation()))
    //     .filter(move |word| word.len() >= min_chars)
    // course:decoy filter-before-trim Measures each word before trimming its punctuation.
    // text.split(char::is_whitespace)
    //     .filter(move |piece| piece.chars().count() >= min_chars)
    //     .map(|piece| piece.trim_matches(|c: char| c.is_ascii_punctuation()))
    // course:end
}

fn main() {
    let text = "Zero-cost abstractions: what you don't use, you don't pay for... (Stroustrup)";
    println!("eager: {:?}", long_words_eager(text, 5));
    println!("lazy:  {:?}", long_words(text, 5).collect::<Vec<_>>());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    }

    /// Counts this thread's calls to `alloc` and `realloc`, so parallel tests do not interfere.
    struct CountingAllocator;

    // SAFETY: every method forwards to `System` unchanged; counting touches only a
    // thread-local `Cell` with a const initialiser and no destructor, which never allocates.
    #[expect(
        unsafe_code,
        reason = "a global allocator is an unsafe trait implementation"
    )]
    unsafe impl GlobalAlloc for CountingAllocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
            // SAFETY: the caller's layout is passed on unchanged.
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` was allocated by `System` through `alloc` or `realloc` above.
            unsafe { System.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
            // SAFETY: as for `dealloc`, and the caller's `new_size` is passed on unchanged.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static GLOBAL: CountingAllocator = CountingAllocator;

    fn allocations() -> usize {
        ALLOCATIONS.with(|count| count.get())
    }

    const SAMPLE: &str = "Hello, world! Ça va? Naïve café-owners... (shh) hi!!! a";

    #[test]
    fn long_words_match_the_eager_version() {
        for min_chars in [0, 1, 3, 4, 5, 6] {
            let lazy: Vec<&str> = long_words(SAMPLE, min_chars).collect();
            assert_eq!(
                lazy,
                long_words_eager(SAMPLE, min_chars),
                "min_chars = {min_chars}"
            );
        }
    }

    #[test]
    fn long_words_counts_characters_not_bytes() {
        // "Ça" is 2 characters and 3 bytes; "café" is 4 characters and 5 bytes.
        let words: Vec<&str> = long_words("Ça café tea", 3).collect();
        assert_eq!(words, ["café", "tea"]);
    }

    #[test]
    fn long_words_measures_after_trimming() {
        let words: Vec<&str> = long_words("hi!!! (ok) yes.", 3).collect();
        assert_eq!(words, ["yes"]);
    }

    #[test]
    fn long_words_borrow_from_the_input() {
        let text = String::from("borrowed words only");
        let range = text.as_bytes().as_ptr_range();
        let words: Vec<&str> = long_words(&text, 1).collect();
        assert_eq!(words.len(), 3);
        for word in words {
            assert!(
                range.contains(&word.as_ptr()),
                "{word:?} is not a slice of the input"
            );
        }
    }

    #[test]
    fn consuming_long_words_allocates_nothing() {
        let text = SAMPLE.repeat(50);
        let before = allocations();
        let (count, total_len) =
            long_words(&text, 4).fold((0, 0), |(n, len), w| (n + 1, len + w.len()));
        let after = allocations();
        assert!(count > 0 && total_len > 0);
        assert_eq!(after - before, 0, "long_words allocated on the heap");
    }
}
