//! # Strict provenance: a pointer with a tag in its low bits
//!
//! - **Goal:** a `u32` is 4-aligned, so the two lowest bits of its address are always 0. `TaggedPtr` stores a 2-bit tag there, as lock-free data structures and interpreters do. Write it with the strict provenance APIs (`addr`, `map_addr`), so that the pointer you get back keeps the provenance of the one you were given and may be dereferenced (Miri checks this in CI).
//! - **Concepts:** alignment guarantees zero low bits; `addr()` vs `as usize`; `map_addr` keeps provenance; `NonNull` stays non-null when a tag is added; rejecting a tag that does not fit, and a pointer that is not aligned enough.
//! - **Read first:** `notes/02-raw-pointers.md` ("Provenance: a pointer is more than an address").
//! - **Run:** `cargo run --bin m04-tagged-pointer` in `learn/`.
//! - **Test:** `cargo course verify 04.11`; CI also runs these tests under Miri.
//! - **Done when:** the tests pass natively and under Miri, with no integer-to-pointer cast.

#![expect(
    unsafe_code,
    reason = "main and the tests dereference the untagged pointer"
)]

use std::ptr::NonNull;

/// The bits of the address that hold the tag.
const TAG_BITS: usize = 0b11;

/// A `NonNull<u32>` with a tag from 0 to 3 stored in the two low bits of its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TaggedPtr {
    /// The pointer with the tag or-ed into its address. Not to be dereferenced as it is.
    tagged: NonNull<u32>,
}

impl TaggedPtr {
    /// Tags `pointer`; `None` if the tag does not fit in two bits, or if the address of
    /// `pointer` already uses them (it is not 4-aligned).
    fn new(pointer: NonNull<u32>, tag: usize) -> Option<TaggedPtr> {
        // course:solution Check both conditions, then or the tag into the address with map_addr.
        if tag > TAG_BITS || pointer.addr().get() & TAG_BITS != 0 {
            return None;
        }
        Some(TaggedPtr {
            tagged: pointer.map_addr(|address| address | tag),
        })
        // course:decoy accepts-misaligned Does not check that the low bits are free, so a misaligned pointer loses its real address.
        // if tag > TAG_BITS {
        //     return None;
        // }
        // Some(TaggedPtr {
        //     tagged: pointer.map_addr(|address| address | tag),
        // })
        // course:decoy tag-too-wide Lets a tag of 4 through, which spills into the address bits.
        // if tag > TAG_BITS + 1 || pointer.addr().get() & TAG_BITS != 0 {
        //     return None;
        // }
        // Some(TaggedPtr {
        //     tagged: pointer.map_addr(|address| address | tag),
        // })
        // course:end
    }

    /// The tag.
    fn tag(self) -> usize {
        // course:solution Only the low bits.
        self.tagged.addr().get() & TAG_BITS
        // course:decoy one-bit Masks with 1 instead of 0b11, so tags 2 and 3 read back wrong.
        // self.tagged.addr().get() & 1
        // course:end
    }

    /// The original pointer, with the tag cleared and its provenance intact.
    fn pointer(self) -> NonNull<u32> {
        // course:solution Clear the tag bits without leaving pointer-land.
        self.tagged.map_addr(|address| {
            std::num::NonZero::new(address.get() & !TAG_BITS)
                .expect("the untagged address is non-null: it was non-null before the tag")
        })
        // course:decoy tag-left-in Returns the tagged pointer as it is.
        // self.tagged
        // course:end
    }

    /// The same pointer with another tag; `None` if the tag does not fit.
    fn with_tag(self, tag: usize) -> Option<TaggedPtr> {
        // course:solution Reuse `pointer` and `new`.
        TaggedPtr::new(self.pointer(), tag)
        // course:decoy ors-old-tag Ors the new tag onto the old one instead of replacing it.
        // if tag > TAG_BITS {
        //     return None;
        // }
        // Some(TaggedPtr {
        //     tagged: self.tagged.map_addr(|address| address | tag),
        // })
        // course:end
    }
}

fn main() {
    let mut reading = 41_u32;
    let tagged = TaggedPtr::new(NonNull::from(&mut reading), 2).expect("a u32 is 4-aligned");
    println!("tag {}", tagged.tag());
    let tagged = tagged.with_tag(3).expect("3 fits in two bits");
    println!("retagged {}", tagged.tag());
    // SAFETY: `pointer()` gives back the pointer to `reading` with its provenance, and no
    // reference to `reading` is in use.
    unsafe { *tagged.pointer().as_ptr() += 1 };
    println!("reading {reading}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_round_trips_and_the_pointer_still_works() {
        let mut readings = [10_u32, 20];
        let second = NonNull::from(&mut readings[1]);
        for tag in 0..=3 {
            let tagged = TaggedPtr::new(second, tag).expect("aligned pointer, small tag");
            assert_eq!(tagged.tag(), tag);
            assert_eq!(tagged.pointer(), second);
            // SAFETY: `pointer()` returns `second` with its provenance; `readings` is alive
            // and not borrowed elsewhere.
            unsafe { *tagged.pointer().as_ptr() += 1 };
        }
        assert_eq!(readings, [10, 24]);
    }

    #[test]
    fn tags_that_do_not_fit_are_refused() {
        let mut reading = 0_u32;
        let pointer = NonNull::from(&mut reading);
        assert_eq!(TaggedPtr::new(pointer, 4), None);
        assert_eq!(TaggedPtr::new(pointer, usize::MAX), None);
    }

    #[test]
    fn misaligned_pointers_are_refused() {
        let mut readings = [0_u32; 2];
        let aligned = NonNull::from(&mut readings[0]);
        let misaligned = aligned.map_addr(|address| address.checked_add(1).expect("no overflow"));
        assert!(TaggedPtr::new(aligned, 1).is_some());
        assert_eq!(TaggedPtr::new(misaligned, 0), None);
    }

    #[test]
    fn with_tag_replaces_the_tag() {
        let mut reading = 5_u32;
        let pointer = NonNull::from(&mut reading);
        let tagged = TaggedPtr::new(pointer, 1).expect("fits");
        let retagged = tagged.with_tag(2).expect("fits");
        assert_eq!((retagged.tag(), retagged.pointer()), (2, pointer));
        assert_eq!(tagged.with_tag(4), None);
        // SAFETY: the untagged pointer is `pointer`, to the live local `reading`.
        assert_eq!(unsafe { *retagged.pointer().as_ptr() }, 5);
    }
}
