//! # Fix E0200: `Send` must be implemented with `unsafe impl`
//!
//! - **Goal:** `SampleBuffer<T>` owns a heap array through a raw pointer, like `Vec` does, so the compiler does not make it `Send` on its own, and `main` needs to move one into a worker thread. The code says `impl Send for SampleBuffer<T> {}`, and the compiler refuses: `Send` is an unsafe trait. Write the `unsafe impl` with the bound that makes it true, and the `// SAFETY:` argument.
//! - **Concepts:** E0200; unsafe traits; auto traits and raw pointers; the bound on an `unsafe impl` is part of the promise (`T: Send`).
//! - **Read first:** `notes/01-unsafe-guarantees.md` ("Unsafe traits: `Send`, `Sync` and friends").
//! - **Run:** `cargo run --bin m04-fix-unsafe-impl` in `learn/`.
//! - **Test:** `cargo course verify 04.7`.
//! - **Done when:** it compiles, the tests pass, and `SampleBuffer<T>` is `Send` exactly when `T` is.

#![expect(
    unsafe_code,
    reason = "the buffer owns its elements through a raw pointer and promises Send"
)]

use std::ptr::NonNull;

/// A fixed-size buffer of samples on the heap, owned through a raw pointer.
struct SampleBuffer<T> {
    /// The first of `len` initialised elements, from `Box::<[T]>::into_raw`.
    start: NonNull<T>,
    /// How many elements there are.
    len: usize,
}

impl<T> SampleBuffer<T> {
    /// Moves the samples into a new buffer.
    fn new(samples: Vec<T>) -> Self {
        let len = samples.len();
        let raw: *mut [T] = Box::into_raw(samples.into_boxed_slice());
        SampleBuffer {
            start: NonNull::new(raw.cast::<T>()).expect("Box::into_raw never returns null"),
            len,
        }
    }

    /// The samples.
    fn as_slice(&self) -> &[T] {
        // SAFETY: `start` points at `len` initialised elements that this buffer owns until drop.
        unsafe { std::slice::from_raw_parts(self.start.as_ptr(), self.len) }
    }
}

impl<T> Drop for SampleBuffer<T> {
    fn drop(&mut self) {
        let slice = std::ptr::slice_from_raw_parts_mut(self.start.as_ptr(), self.len);
        // SAFETY: `slice` is exactly the pointer `Box::into_raw` returned in `new`, rebuilt
        // once, here; the elements are dropped with it.
        drop(unsafe { Box::from_raw(slice) });
    }
}

// course:solution
// SAFETY: the buffer owns its elements uniquely (no other pointer to them exists), so sending
// it to another thread sends the `T`s and nothing else: sound exactly when `T: Send`.
unsafe impl<T: Send> Send for SampleBuffer<T> {}
// course:stub
// impl<T> Send for SampleBuffer<T> {}
// course:decoy no-bound Adds `unsafe` but promises Send for every T, so a buffer of Rc could cross threads.
// // SAFETY: the buffer owns its elements.
// unsafe impl<T> Send for SampleBuffer<T> {}
// course:end

fn main() {
    let buffer = SampleBuffer::new(vec![1.5_f64, 2.5, 4.0]);
    let worker = std::thread::spawn(move || buffer.as_slice().iter().sum::<f64>());
    println!("sum computed on a worker: {:?}", worker.join());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::marker::PhantomData;
    use std::rc::Rc;

    /// `Probe::<T>(PhantomData).is_send()` is true exactly when `T: Send`.
    struct Probe<T>(PhantomData<T>);
    trait NotSend {
        fn is_send(&self) -> bool {
            false
        }
    }
    impl<T> NotSend for Probe<T> {}
    impl<T: Send> Probe<T> {
        fn is_send(&self) -> bool {
            true
        }
    }

    #[test]
    fn buffer_moves_to_a_worker_thread() {
        let buffer = SampleBuffer::new(vec![String::from("a"), String::from("bc")]);
        let worker = std::thread::spawn(move || buffer.as_slice().concat());
        assert_eq!(worker.join().expect("worker panicked"), "abc");
    }

    #[test]
    fn buffer_is_send_only_when_its_samples_are() {
        assert!(Probe::<SampleBuffer<u32>>(PhantomData).is_send());
        assert!(!Probe::<SampleBuffer<Rc<u32>>>(PhantomData).is_send());
    }
}
