//! # FFI bindings: a safe Rust API over a real C library
//!
//! - **Goal:** `libsensor` (`sensor-sys/csrc/sensor.h`, compiled by `cc` in `sensor-sys/build.rs`) is linked into this program. Declare its functions in an `unsafe extern "C"` block, give its struct a C layout, and wrap every function in a safe Rust function: slices instead of pointer-and-length, `&str` and `Result` instead of NUL-terminated strings and NULL, an owning `Label` type whose `Drop` hands the string back to the library that allocated it, and closures instead of C callbacks, with panics caught before they reach C.
//! - **Concepts:** `unsafe extern "C"` and `safe fn` items (edition 2024); `#[repr(C)]`; `core::ffi` types (`c_char`, `c_void`); `CString` and `CStr`; who frees what across the boundary; callbacks with a context pointer (the trampoline pattern); `catch_unwind` and why a panic must not cross `extern "C"`.
//! - **Read first:** `notes/04-ffi-basics.md` (all of it), and `notes/05-memory-layout.md` ("`repr(C)`").
//! - **Run:** `cargo run --bin m04-ffi-bindings` in `learn/`.
//! - **Test:** `cargo course verify 04.3`. These tests call C, which Miri cannot run, so they are skipped under Miri.
//! - **Done when:** every test passes, and every `unsafe` block says in a `// SAFETY:` comment which rule of `sensor.h` it relies on.

#![expect(
    unsafe_code,
    reason = "the exercise declares and calls foreign functions"
)]

use std::any::Any;
use std::ffi::{CStr, CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::ptr::NonNull;

// Links libsensor into this binary (the crate's build script compiled it with `cc`).
use sensor_sys as _;

// Given: one declaration, as an example. A foreign function with no arguments and no
// preconditions can be declared `safe fn` and called without `unsafe`.
unsafe extern "C" {
    /// `size_t sensor_labels_live(void)`.
    safe fn sensor_labels_live() -> usize;
}

// course:solution Declare the C functions of sensor.h that the wrappers below need.
unsafe extern "C" {
    /// `uint32_t sensor_checksum(const uint8_t *data, size_t len)`.
    fn sensor_checksum(data: *const u8, len: usize) -> u32;
    /// `uint64_t sensor_encode(const struct sensor_reading *reading)`.
    fn sensor_encode(reading: *const Reading) -> u64;
    /// `char *sensor_label_new(uint8_t id, const char *name)`.
    fn sensor_label_new(id: u8, name: *const c_char) -> *mut c_char;
    /// `void sensor_label_free(char *label)`.
    fn sensor_label_free(label: *mut c_char);
    /// `size_t sensor_for_each_above(const uint32_t *, size_t, uint32_t, sensor_visit_fn, void *)`.
    fn sensor_for_each_above(
        values: *const u32,
        len: usize,
        threshold: u32,
        visit: extern "C" fn(context: *mut c_void, value: u32),
        context: *mut c_void,
    ) -> usize;
}
// course:stub
// unsafe extern "C" {}
// course:decoy struct-by-value Declares `sensor_encode` as taking the struct by value, while C expects a pointer to it.
// unsafe extern "C" {
//     fn sensor_checksum(data: *const u8, len: usize) -> u32;
//     fn sensor_encode(reading: Reading) -> u64;
//     fn sensor_label_new(id: u8, name: *const c_char) -> *mut c_char;
//     fn sensor_label_free(label: *mut c_char);
//     fn sensor_for_each_above(
//         values: *const u32,
//         len: usize,
//         threshold: u32,
//         visit: extern "C" fn(context: *mut c_void, value: u32),
//         context: *mut c_void,
//     ) -> usize;
// }
// course:end

/// One reading, passed to C by pointer; it must have exactly `struct sensor_reading`'s layout.
// course:solution Give the struct the layout C expects.
#[repr(C)]
// course:stub
// course:decoy repr-rust Leaves the default layout, which Rust may reorder (it does: `value` moves to offset 0).
// course:end
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reading {
    /// Which sensor (0 to 255).
    sensor: u8,
    /// The measured value.
    value: u32,
    /// Status bits.
    flags: u8,
}

/// The checksum of `data`, computed by `sensor_checksum`.
fn checksum(data: &[u8]) -> u32 {
    // course:solution Pass the slice as pointer and length.
    // SAFETY: `data.as_ptr()` is valid for reads of `data.len()` bytes (an empty slice gives a
    // dangling but non-null pointer, which C never reads because `len` is 0), and C only reads.
    unsafe { sensor_checksum(data.as_ptr(), data.len()) }
    // course:decoy strlen-length Measures the data with strlen, as if it were a C string, so it stops at the first zero byte.
    // let Ok(text) = CString::new(data.iter().copied().take_while(|&byte| byte != 0).collect::<Vec<u8>>()) else {
    //     return 0;
    // };
    // // SAFETY: `text` is a valid NUL-terminated string.
    // let len = unsafe { libc::strlen(text.as_ptr()) };
    // // SAFETY: `data` is valid for `len <= data.len()` bytes.
    // unsafe { sensor_checksum(data.as_ptr(), len) }
    // course:end
}

/// Packs a reading into one code with `sensor_encode`.
fn encode(reading: &Reading) -> u64 {
    // course:solution Pass a pointer to the reading.
    // SAFETY: `reading` is a valid, aligned `Reading`, which is `repr(C)` and so has the layout
    // of `struct sensor_reading`; C only reads it during the call.
    unsafe { sensor_encode(reading) }
    // course:decoy struct-by-value
    // // SAFETY: (wrong) the declaration does not match sensor.h.
    // unsafe { sensor_encode(*reading) }
    // course:decoy copies-fields-wrong Builds a fresh reading with the fields swapped by mistake.
    // let swapped = Reading {
    //     sensor: reading.flags,
    //     value: reading.value,
    //     flags: reading.sensor,
    // };
    // // SAFETY: `swapped` is a valid `repr(C)` reading that lives during the call.
    // unsafe { sensor_encode(&swapped) }
    // course:end
}

/// Why a label could not be made.
#[derive(Debug, PartialEq, Eq)]
enum LabelError {
    /// The name contains a NUL byte, which a C string cannot hold.
    InteriorNul,
    /// `sensor_label_new` returned NULL.
    OutOfMemory,
}

/// A label allocated by libsensor; dropping it gives the memory back to libsensor.
#[derive(Debug)]
struct Label {
    /// The string `sensor_label_new` returned; never NULL, freed only in `drop`.
    text: NonNull<c_char>,
}

impl Label {
    /// Asks libsensor for the label `"sensor <id>: <name>"`.
    fn new(id: u8, name: &str) -> Result<Label, LabelError> {
        // course:solution Make a C string, call the library, and turn NULL into an error.
        let name = CString::new(name).map_err(|_| LabelError::InteriorNul)?;
        // SAFETY: `name` is a valid NUL-terminated string that lives until the end of this
        // statement; C copies what it needs and does not keep the pointer.
        let text = unsafe { sensor_label_new(id, name.as_ptr()) };
        NonNull::new(text)
            .map(|text| Label { text })
            .ok_or(LabelError::OutOfMemory)
        // course:decoy truncates-at-nul Cuts the name at its first NUL instead of refusing it.
        // let before_nul = name.split('\0').next().unwrap_or_default();
        // let name = CString::new(before_nul).map_err(|_| LabelError::InteriorNul)?;
        // // SAFETY: `name` is a valid C string for the duration of the call.
        // let text = unsafe { sensor_label_new(id, name.as_ptr()) };
        // NonNull::new(text).map(|text| Label { text }).ok_or(LabelError::OutOfMemory)
        // course:end
    }

    /// The label's text.
    fn as_str(&self) -> &str {
        // course:solution Borrow the C string without copying it or taking ownership.
        // SAFETY: `text` is a NUL-terminated string from `sensor_label_new` that stays alive
        // and unchanged until `drop`, and the returned `&str` borrows `self`, so it cannot
        // outlive the label.
        let text = unsafe { CStr::from_ptr(self.text.as_ptr()) };
        // The library formats "sensor <id>: <name>" from a Rust `&str`, so it is UTF-8.
        text.to_str()
            .expect("libsensor labels are UTF-8: ASCII plus a UTF-8 name")
        // course:decoy leaks-a-copy Copies the text into a leaked String, so every call leaks and the result does not point into the label.
        // // SAFETY: `text` is a valid C string until `drop`.
        // let text = unsafe { CStr::from_ptr(self.text.as_ptr()) };
        // String::leak(text.to_string_lossy().into_owned())
        // course:end
    }
}

impl Drop for Label {
    fn drop(&mut self) {
        // course:solution Give the string back to the allocator that made it.
        // SAFETY: `text` came from `sensor_label_new` and is freed exactly once, here.
        unsafe { sensor_label_free(self.text.as_ptr()) }
        // course:decoy rust-frees-c-string Frees the C string as if Rust had allocated it (CString::from_raw); libsensor never learns it is gone.
        // // SAFETY: (wrong) `CString::from_raw` may only take back a pointer from `CString::into_raw`.
        // drop(unsafe { CString::from_raw(self.text.as_ptr()) });
        // course:end
    }
}

/// What the trampoline needs: the caller's closure, and the first panic it raised, if any.
struct Visit<F> {
    /// The caller's closure.
    visit: F,
    /// Set when the closure panicked; later values are then ignored.
    panic: Option<Box<dyn Any + Send>>,
}

/// Calls `visit` with every value above `threshold`, in order, and returns how many it visited.
/// A panic in `visit` stops the visits and is resumed once the C function has returned.
fn for_each_above<F: FnMut(u32)>(values: &[u32], threshold: u32, visit: F) -> usize {
    // course:solution Pass a pointer to the closure as the context, and a trampoline that casts it back and catches panics.
    extern "C" fn trampoline<F: FnMut(u32)>(context: *mut c_void, value: u32) {
        // SAFETY: `context` is the `&mut Visit<F>` that `for_each_above::<F>` passed to C
        // below; C hands it back unchanged during the call, while that borrow is alive, and
        // nothing else uses the `Visit` meanwhile.
        let state = unsafe { &mut *context.cast::<Visit<F>>() };
        if state.panic.is_some() {
            return;
        }
        // A panic must not unwind out of an `extern "C"` fn (it would abort the process), so
        // it is caught here and resumed on the Rust side of the call.
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| (state.visit)(value))) {
            state.panic = Some(payload);
        }
    }
    let mut state = Visit { visit, panic: None };
    // SAFETY: `values` is valid for `values.len()` reads; `trampoline::<F>` matches
    // `sensor_visit_fn` and expects exactly the context we pass, a `*mut Visit<F>` that
    // stays valid and exclusively ours until the call returns.
    let visited = unsafe {
        sensor_for_each_above(
            values.as_ptr(),
            values.len(),
            threshold,
            trampoline::<F>,
            (&raw mut state).cast::<c_void>(),
        )
    };
    if let Some(payload) = state.panic {
        resume_unwind(payload);
    }
    visited
    // course:decoy no-catch-unwind Lets the closure's panic unwind into C: since Rust 1.81 that aborts the whole process.
    // extern "C" fn trampoline<F: FnMut(u32)>(context: *mut c_void, value: u32) {
    //     // SAFETY: `context` is the `&mut F` passed below.
    //     let visit = unsafe { &mut *context.cast::<F>() };
    //     visit(value);
    // }
    // let mut visit = visit;
    // // SAFETY: the context is `&mut visit`, which lives during the call.
    // unsafe {
    //     sensor_for_each_above(
    //         values.as_ptr(),
    //         values.len(),
    //         threshold,
    //         trampoline::<F>,
    //         (&raw mut visit).cast::<c_void>(),
    //     )
    // }
    // course:decoy keeps-visiting-after-panic Catches the panic but keeps calling the closure for the later values.
    // extern "C" fn trampoline<F: FnMut(u32)>(context: *mut c_void, value: u32) {
    //     // SAFETY: `context` is the `&mut Visit<F>` passed below.
    //     let state = unsafe { &mut *context.cast::<Visit<F>>() };
    //     if let Err(payload) = catch_unwind(AssertUnwindSafe(|| (state.visit)(value))) {
    //         state.panic.get_or_insert(payload);
    //     }
    // }
    // let mut state = Visit { visit, panic: None };
    // // SAFETY: as in the solution.
    // let visited = unsafe {
    //     sensor_for_each_above(
    //         values.as_ptr(),
    //         values.len(),
    //         threshold,
    //         trampoline::<F>,
    //         (&raw mut state).cast::<c_void>(),
    //     )
    // };
    // if let Some(payload) = state.panic {
    //     resume_unwind(payload);
    // }
    // visited
    // course:end
}

fn main() {
    println!("checksum: {:#010x}", checksum(b"hello, sensors"));
    let reading = Reading {
        sensor: 3,
        value: 1234,
        flags: 1,
    };
    println!("encoded: {:#x}", encode(&reading));
    match Label::new(3, "boiler room") {
        Ok(label) => println!("label: {}", label.as_str()),
        Err(error) => println!("no label: {error:?}"),
    }
    let mut seen = Vec::new();
    let visited = for_each_above(&[5, 50, 7, 70], 10, |value| seen.push(value));
    println!("visited {visited}: {seen:?}");
    println!("labels still allocated in C: {}", sensor_labels_live());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Mutex, MutexGuard, PoisonError};

    /// Tests that create labels hold this lock, so the live-label count is theirs alone.
    static LABELS: Mutex<()> = Mutex::new(());

    fn labels_lock() -> MutexGuard<'static, ()> {
        LABELS.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The checksum as sensor.h defines it, in Rust, to compare with.
    fn reference_checksum(data: &[u8]) -> u32 {
        let (mut low, mut high) = (0_u32, 0_u32);
        for &byte in data {
            low = (low + u32::from(byte)) % 65_521;
            high = (high + low) % 65_521;
        }
        (high << 16) | low
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn checksum_covers_every_byte_including_zeros() {
        let data = [1_u8, 0, 2, 0, 0, 255, 9];
        assert_eq!(checksum(&data), reference_checksum(&data));
        assert_eq!(checksum(b"hello"), reference_checksum(b"hello"));
        assert_eq!(checksum(&[]), 0);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn encode_sees_every_field_where_c_expects_it() {
        let reading = Reading {
            sensor: 0xAB,
            value: 0x0102_0304,
            flags: 0x7F,
        };
        assert_eq!(encode(&reading), 0xAB01_0203_047F);
        assert_eq!(std::mem::offset_of!(Reading, value), 4);
        assert_eq!(std::mem::offset_of!(Reading, flags), 8);
        assert_eq!(size_of::<Reading>(), 12);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn label_text_comes_from_c_and_borrows_the_label() {
        let _guard = labels_lock();
        let label = Label::new(7, "cold store").expect("plenty of memory");
        let text: &str = label.as_str();
        assert_eq!(text, "sensor 7: cold store");
        let start = label.text.as_ptr().cast::<u8>().cast_const();
        assert_eq!(
            text.as_ptr(),
            start,
            "as_str must borrow the C string, not copy it"
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn dropping_a_label_returns_it_to_libsensor() {
        let _guard = labels_lock();
        let before = sensor_labels_live();
        let first = Label::new(1, "a").expect("plenty of memory");
        let second = Label::new(2, "b").expect("plenty of memory");
        assert_eq!(sensor_labels_live(), before + 2);
        drop(first);
        assert_eq!(sensor_labels_live(), before + 1);
        drop(second);
        assert_eq!(sensor_labels_live(), before);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn label_with_a_nul_byte_is_refused() {
        let _guard = labels_lock();
        let before = sensor_labels_live();
        assert_eq!(
            Label::new(1, "bad\0name").map(|_| ()),
            Err(LabelError::InteriorNul)
        );
        assert_eq!(sensor_labels_live(), before);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn for_each_above_passes_the_closure_through_c() {
        let mut seen = Vec::new();
        let visited = for_each_above(&[3, 30, 4, 40, 10], 10, |value| seen.push(value));
        assert_eq!(visited, 2);
        assert_eq!(seen, [30, 40]);
        let mut total = 0;
        assert_eq!(for_each_above(&[], 0, |value| total += value), 0);
        assert_eq!(total, 0);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls C, which Miri cannot run")]
    fn a_panicking_visitor_panics_in_rust_not_in_c() {
        let mut seen = Vec::new();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            for_each_above(&[11, 12, 13, 14], 10, |value| {
                seen.push(value);
                assert_ne!(value, 12, "sensor value 12 is out of range");
            })
        }));
        let payload = outcome.expect_err("the visitor's panic must reach the caller");
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        assert!(message.contains("out of range"), "got {message:?}");
        assert_eq!(seen, [11, 12], "no visit after the panic");
    }
}
