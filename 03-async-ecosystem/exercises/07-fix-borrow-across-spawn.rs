//! # Fix E0373: an async block that borrows a local, handed to `spawn`
//!
//! - **Goal:** count the words of each document in its own task. The spawned `async` block borrows the document, but a spawned task may outlive the function that spawned it: move each document into its task instead, so that the task owns what it uses.
//! - **Concepts:** `tokio::spawn` requires `'static`: a spawned future may not borrow locals; `async move` moves captures into the future; copying or leaking only silences the error; E0373 "async block may outlive the current function".
//! - **Read first:** `notes/04-state-machines.md` (section "Borrowing across `spawn`").
//! - **Run:** `cargo run --bin m03-fix-borrow-across-spawn` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-fix-borrow-across-spawn`)
//! - **Test:** `cargo course verify 03.7` (reference solution: `cargo test -p async-ecosystem --bin m03-fix-borrow-across-spawn`)
//! - **Done when:** it compiles and every test passes: no text is copied, and every document is dropped exactly once (none is leaked).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the drops of the document that holds it, so that the tests can see leaks.
#[derive(Debug)]
struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A document to count the words of.
#[derive(Debug)]
struct Document {
    /// The text.
    text: String,
    /// Counts this document's drop.
    _drops: DropCounter,
}

/// Counts the words of every document, one task per document, and returns the counts in the
/// order of `documents`. The documents are not needed afterwards.
async fn word_counts(documents: Vec<Document>) -> Vec<usize> {
    let mut handles = Vec::new();
    for document in documents {
        // course:solution
        handles.push(tokio::spawn(async move {
            document.text.split_whitespace().count()
        }));
        // course:stub
        // handles.push(tokio::spawn(async { document.text.split_whitespace().count() }));
        // course:decoy copy-into-task Gives the task a copy of the text instead of the document itself.
        // let text = document.text.clone();
        // handles.push(tokio::spawn(async move { text.split_whitespace().count() }));
        // course:decoy leak-for-static Leaks each document with `Box::leak` to get a `'static` borrow.
        // let document: &'static Document = Box::leak(Box::new(document));
        // handles.push(tokio::spawn(async move { document.text.split_whitespace().count() }));
        // course:end
    }
    let mut counts = Vec::new();
    for handle in handles {
        counts.push(handle.await.expect("a counting task panicked"));
    }
    counts
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let drops = Arc::new(AtomicUsize::new(0));
    let documents = ["the quick brown fox", "jumps over", "the lazy dog"]
        .map(|text| Document {
            text: text.to_string(),
            _drops: DropCounter(Arc::clone(&drops)),
        })
        .into();
    println!("word counts: {:?}", word_counts(documents).await);
    println!("{} documents dropped", drops.load(Ordering::SeqCst));
}

#[expect(
    unsafe_code,
    reason = "a counting global allocator, to see copies of the texts"
)]
#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        /// Bytes allocated by this thread (a `#[tokio::test]` runs its tasks on the test thread).
        static ALLOCATED: Cell<usize> = const { Cell::new(0) };
    }

    struct CountingAllocator;

    // SAFETY: every call is forwarded unchanged to `System`; the counter is a thread-local `Cell`
    // with a const initialiser, which neither allocates nor can be re-entered.
    unsafe impl GlobalAlloc for CountingAllocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = ALLOCATED.try_with(|bytes| bytes.set(bytes.get() + layout.size()));
            // SAFETY: the caller's contract for `alloc` is passed on unchanged.
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: the caller's contract for `dealloc` is passed on unchanged.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static COUNTING: CountingAllocator = CountingAllocator;

    #[tokio::test]
    async fn texts_are_not_copied() {
        let drops = Arc::new(AtomicUsize::new(0));
        let big = "word ".repeat(200_000);
        let sent = documents(&[&big, &big], &drops);
        let before = ALLOCATED.with(Cell::get);
        let counts = word_counts(sent).await;
        let allocated = ALLOCATED.with(Cell::get) - before;
        assert_eq!(counts, [200_000, 200_000]);
        assert!(
            allocated < big.len(),
            "counting allocated {allocated} bytes: the texts were copied"
        );
    }

    fn documents(texts: &[&str], drops: &Arc<AtomicUsize>) -> Vec<Document> {
        texts
            .iter()
            .map(|text| Document {
                text: text.to_string(),
                _drops: DropCounter(Arc::clone(drops)),
            })
            .collect()
    }

    #[tokio::test]
    async fn counts_words_in_order() {
        let drops = Arc::new(AtomicUsize::new(0));
        let counts = word_counts(documents(&["one two", "", "a b c"], &drops)).await;
        assert_eq!(counts, [2, 0, 3]);
    }

    #[tokio::test]
    async fn every_document_is_dropped_exactly_once() {
        let drops = Arc::new(AtomicUsize::new(0));
        word_counts(documents(&["a", "b", "c"], &drops)).await;
        assert_eq!(
            drops.load(Ordering::SeqCst),
            3,
            "documents were leaked or dropped twice"
        );
    }
}
