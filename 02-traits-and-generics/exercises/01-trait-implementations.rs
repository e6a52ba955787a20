//! # Trait implementations: a double-ended, exact-size iterator and the three `IntoIterator`s
//!
//! - **Goal:** implement `Iterator`, `DoubleEndedIterator` and `ExactSizeIterator` for an arithmetic progression, honouring every clause of their contracts, and make a collection usable in `for` loops by value, by shared reference and by exclusive reference.
//! - **Concepts:** associated types (`type Item`, `type IntoIter`); `size_hint` as a promise; `next` and `next_back` sharing one pool of items; `impl IntoIterator for T`, `&T` and `&mut T`; no bound that the code does not need.
//! - **Read first:** `notes/01-trait-fundamentals.md` and `notes/03-associated-types.md` (section "Iterator, the associated-type trait you use most").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-trait-implementations` runs your copy (made by `cargo course start 02.1`).
//! - **Test:** `cargo course verify 02.1` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-trait-implementations`.)
//! - **Done when:** every test passes. The starting file does not compile (E0277: `&Shelf<T>` is not an iterator) because writing the two borrowing `IntoIterator` impls, associated types included, is part of the exercise.

/// The numbers `start, start + step, start + 2*step, …` that are below `end`.
///
/// You choose the fields. Whatever you store, the front (`next`) and the back (`next_back`)
/// draw from one shared pool: once they meet, both return `None`.
// course:solution Choose the fields: a position for the front, and enough to find the back.
#[derive(Debug, Clone)]
struct Stride {
    /// The next value `next` will return.
    front: u64,
    /// How many values are left between the front and the back, inclusive.
    remaining: u64,
    /// The distance between neighbours (never zero).
    step: u64,
}
// course:stub
// #[derive(Debug, Clone)]
// struct Stride {}
// course:decoy separate-cursors Keeps independent front and back cursors that never learn about each other.
// #[derive(Debug, Clone)]
// struct Stride {
//     front: u64,
//     back: Option<u64>,
//     start: u64,
//     end: u64,
//     step: u64,
// }
// course:end

impl Stride {
    /// The progression from `start` (inclusive) to `end` (exclusive), or `None` if `step` is 0.
    fn new(start: u64, end: u64, step: u64) -> Option<Stride> {
        // course:solution Reject a zero step; count the values with a ceiling division.
        if step == 0 {
            return None;
        }
        let remaining = if end > start {
            (end - start).div_ceil(step)
        } else {
            0
        };
        Some(Stride {
            front: start,
            remaining,
            step,
        })
        // course:decoy separate-cursors The back cursor starts at the last value; each end checks only its own bound.
        // if step == 0 {
        //     return None;
        // }
        // let count = if end > start { (end - start).div_ceil(step) } else { 0 };
        // let back = if count == 0 { None } else { Some(start + (count - 1) * step) };
        // Some(Stride { front: start, back, start, end, step })
        // course:decoy floor-count Counts with a floor division, so a last value that is not a full step from `end` is lost.
        // if step == 0 {
        //     return None;
        // }
        // let remaining = end.saturating_sub(start) / step;
        // Some(Stride { front: start, remaining, step })
        // course:end
    }
}

// course:solution Write `next`, and a `size_hint` that is exact.
impl Iterator for Stride {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        if self.remaining == 0 {
            return None;
        }
        let value = self.front;
        self.remaining -= 1;
        // Only step past the front while values remain, so the last value never overflows.
        if self.remaining > 0 {
            self.front += self.step;
        }
        Some(value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // A count that does not fit in `usize` (32-bit targets) can only promise a lower bound.
        match usize::try_from(self.remaining) {
            Ok(count) => (count, Some(count)),
            Err(_) => (usize::MAX, None),
        }
    }
}
// course:stub
// impl Iterator for Stride {
//     type Item = u64;
//
//     fn next(&mut self) -> Option<u64> {
//         todo!()
//     }
//
//     fn size_hint(&self) -> (usize, Option<usize>) {
//         todo!()
//     }
// }
// course:decoy separate-cursors The front stops only at `end`, so it runs into values the back already returned.
// impl Iterator for Stride {
//     type Item = u64;
//     fn next(&mut self) -> Option<u64> {
//         if self.front >= self.end {
//             return None;
//         }
//         let value = self.front;
//         self.front = self.front.saturating_add(self.step);
//         Some(value)
//     }
//     fn size_hint(&self) -> (usize, Option<usize>) {
//         let count = if self.end > self.front { (self.end - self.front).div_ceil(self.step) } else { 0 };
//         (count as usize, Some(count as usize))
//     }
// }
// course:decoy default-size-hint Leaves `size_hint` to the default `(0, None)`, which breaks the `ExactSizeIterator` promise.
// impl Iterator for Stride {
//     type Item = u64;
//     fn next(&mut self) -> Option<u64> {
//         if self.remaining == 0 {
//             return None;
//         }
//         let value = self.front;
//         self.remaining -= 1;
//         if self.remaining > 0 {
//             self.front += self.step;
//         }
//         Some(value)
//     }
// }
// course:decoy stale-size-hint Reports one more than is left (the count before the last `next`).
// impl Iterator for Stride {
//     type Item = u64;
//     fn next(&mut self) -> Option<u64> {
//         if self.remaining == 0 {
//             return None;
//         }
//         let value = self.front;
//         self.remaining -= 1;
//         if self.remaining > 0 {
//             self.front += self.step;
//         }
//         Some(value)
//     }
//     fn size_hint(&self) -> (usize, Option<usize>) {
//         let count = self.remaining as usize + 1;
//         (count, Some(count))
//     }
// }
// course:decoy overflowing-step Steps past the last value unconditionally, which overflows near `u64::MAX`.
// impl Iterator for Stride {
//     type Item = u64;
//     fn next(&mut self) -> Option<u64> {
//         if self.remaining == 0 {
//             return None;
//         }
//         let value = self.front;
//         self.remaining -= 1;
//         self.front += self.step;
//         Some(value)
//     }
//     fn size_hint(&self) -> (usize, Option<usize>) {
//         let count = self.remaining as usize;
//         (count, Some(count))
//     }
// }
// course:end

// course:solution Write `next_back`: it takes from the same pool as `next`.
impl DoubleEndedIterator for Stride {
    fn next_back(&mut self) -> Option<u64> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        Some(self.front + self.remaining * self.step)
    }
}

/// `len` comes from `size_hint`, which is exact.
impl ExactSizeIterator for Stride {}
// course:stub
// impl DoubleEndedIterator for Stride {
//     fn next_back(&mut self) -> Option<u64> {
//         todo!()
//     }
// }
//
// /// `len` comes from `size_hint`.
// impl ExactSizeIterator for Stride {}
// course:decoy separate-cursors The back stops only at `start`, so front and back can hand out the same value twice.
// impl DoubleEndedIterator for Stride {
//     fn next_back(&mut self) -> Option<u64> {
//         let value = self.back?;
//         self.back = value.checked_sub(self.step).filter(|back| *back >= self.start);
//         Some(value)
//     }
// }
// impl ExactSizeIterator for Stride {}
// course:decoy back-one-past Computes the back value before shrinking the count, so it returns one step past the last value.
// impl DoubleEndedIterator for Stride {
//     fn next_back(&mut self) -> Option<u64> {
//         if self.remaining == 0 {
//             return None;
//         }
//         let value = self.front + self.remaining * self.step;
//         self.remaining -= 1;
//         Some(value)
//     }
// }
// impl ExactSizeIterator for Stride {}
// course:end

/// A shelf of items in the order they were put on it.
#[derive(Debug, Default)]
struct Shelf<T> {
    /// Front of the shelf first.
    items: Vec<T>,
}

impl<T> Shelf<T> {
    /// An empty shelf.
    fn new() -> Self {
        Shelf { items: Vec::new() }
    }

    /// Puts `item` at the back of the shelf.
    fn push(&mut self, item: T) {
        self.items.push(item);
    }
}

// course:solution Write the three impls: `IntoIterator for Shelf<T>` (items by value), `for &'a Shelf<T>` (`&'a T`) and `for &'a mut Shelf<T>` (`&'a mut T`). No bound on `T` is needed.
impl<T> IntoIterator for Shelf<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Shelf<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Shelf<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}
// course:stub
// impl<T> IntoIterator for Shelf<T> {
//     type Item = T;
//     type IntoIter = std::vec::IntoIter<T>;
//
//     fn into_iter(self) -> Self::IntoIter {
//         todo!()
//     }
// }
//
// // TODO: two more impls, for `&'a Shelf<T>` and `&'a mut Shelf<T>`.
// course:decoy clone-bound Asks for `T: Clone` and clones the items out of the owned shelf instead of moving them.
// impl<T: Clone> IntoIterator for Shelf<T> {
//     type Item = T;
//     type IntoIter = std::vec::IntoIter<T>;
//     fn into_iter(self) -> Self::IntoIter {
//         self.items.to_vec().into_iter()
//     }
// }
// impl<'a, T> IntoIterator for &'a Shelf<T> {
//     type Item = &'a T;
//     type IntoIter = std::slice::Iter<'a, T>;
//     fn into_iter(self) -> Self::IntoIter {
//         self.items.iter()
//     }
// }
// impl<'a, T> IntoIterator for &'a mut Shelf<T> {
//     type Item = &'a mut T;
//     type IntoIter = std::slice::IterMut<'a, T>;
//     fn into_iter(self) -> Self::IntoIter {
//         self.items.iter_mut()
//     }
// }
// course:decoy debug-bound Adds a needless `T: Debug` to the borrowing impls "to be able to print".
// impl<T> IntoIterator for Shelf<T> {
//     type Item = T;
//     type IntoIter = std::vec::IntoIter<T>;
//     fn into_iter(self) -> Self::IntoIter {
//         self.items.into_iter()
//     }
// }
// impl<'a, T: std::fmt::Debug> IntoIterator for &'a Shelf<T> {
//     type Item = &'a T;
//     type IntoIter = std::slice::Iter<'a, T>;
//     fn into_iter(self) -> Self::IntoIter {
//         self.items.iter()
//     }
// }
// impl<'a, T: std::fmt::Debug> IntoIterator for &'a mut Shelf<T> {
//     type Item = &'a mut T;
//     type IntoIter = std::slice::IterMut<'a, T>;
//     fn into_iter(self) -> Self::IntoIter {
//         self.items.iter_mut()
//     }
// }
// course:decoy top-first Hands out the borrowed items last-in first, like a stack.
// impl<T> IntoIterator for Shelf<T> {
//     type Item = T;
//     type IntoIter = std::vec::IntoIter<T>;
//     fn into_iter(self) -> Self::IntoIter {
//         self.items.into_iter()
//     }
// }
// impl<'a, T> IntoIterator for &'a Shelf<T> {
//     type Item = &'a T;
//     type IntoIter = std::iter::Rev<std::slice::Iter<'a, T>>;
//     fn into_iter(self) -> Self::IntoIter {
//         self.items.iter().rev()
//     }
// }
// impl<'a, T> IntoIterator for &'a mut Shelf<T> {
//     type Item = &'a mut T;
//     type IntoIter = std::iter::Rev<std::slice::IterMut<'a, T>>;
//     fn into_iter(self) -> Self::IntoIter {
//         self.items.iter_mut().rev()
//     }
// }
// course:end

fn main() {
    let Some(odds) = Stride::new(1, 10, 2) else {
        unreachable!("the step is not zero");
    };
    println!(
        "odd numbers below 10: {:?}",
        odds.clone().collect::<Vec<_>>()
    );
    println!("backwards: {:?}", odds.clone().rev().collect::<Vec<_>>());
    println!("how many: {}", odds.len());

    let mut shelf = Shelf::new();
    shelf.push(String::from("Rust for Rustaceans"));
    shelf.push(String::from("The Rustonomicon"));
    for title in &mut shelf {
        title.push_str(" (read)");
    }
    for title in &shelf {
        println!("on the shelf: {title}");
    }
    let owned: Vec<String> = shelf.into_iter().collect();
    println!("taken down: {owned:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True when `$ty` implements the bound, decided at compile time and reported at run time,
    /// so that a test can check that an impl exists without asking for more than the contract.
    macro_rules! implements {
        ($ty:ty: $($bound:tt)+) => {{
            // Exactly one of the two traits is used, depending on the answer.
            #[allow(dead_code)]
            struct Probe<T: ?Sized>(std::marker::PhantomData<T>);
            #[allow(dead_code)]
            trait Yes {
                fn answer(&self) -> bool {
                    true
                }
            }
            impl<T: ?Sized + $($bound)+> Yes for Probe<T> {}
            #[allow(dead_code)]
            trait No {
                fn answer(&self) -> bool {
                    false
                }
            }
            impl<T: ?Sized> No for &Probe<T> {}
            (&Probe::<$ty>(std::marker::PhantomData)).answer()
        }};
    }

    /// Neither `Clone` nor `Debug`: the shelf must work for it all the same.
    struct Plain;

    fn stride(start: u64, end: u64, step: u64) -> Stride {
        Stride::new(start, end, step).expect("the tests never use a zero step")
    }

    /// At most 100 items: an iterator that never ends fails the test instead of hanging it.
    fn bounded(iter: impl Iterator<Item = u64>) -> Vec<u64> {
        iter.take(100).collect()
    }

    #[test]
    fn stride_yields_the_progression_below_end() {
        assert_eq!(bounded(stride(0, 10, 3)), [0, 3, 6, 9]);
        assert_eq!(bounded(stride(1, 10, 2)), [1, 3, 5, 7, 9]);
        assert_eq!(bounded(stride(5, 6, 100)), [5]);
        assert_eq!(bounded(stride(7, 7, 1)).len(), 0);
        assert_eq!(bounded(stride(9, 2, 1)).len(), 0);
    }

    #[test]
    fn a_zero_step_is_refused() {
        assert!(Stride::new(0, 10, 0).is_none());
    }

    #[test]
    fn stride_reversed_is_the_progression_backwards() {
        assert_eq!(bounded(stride(0, 10, 3).rev()), [9, 6, 3, 0]);
        assert_eq!(bounded(stride(2, 11, 4).rev()), [10, 6, 2]);
        assert_eq!(bounded(stride(0, 1, 1).rev()), [0]);
    }

    #[test]
    fn front_and_back_share_one_pool_of_values() {
        for (start, end, step) in [(0, 10, 1), (0, 10, 3), (3, 20, 4), (0, 1, 1), (0, 2, 5)] {
            let expected = bounded(stride(start, end, step));
            // Alternate ends until both are exhausted; every value exactly once.
            let mut iter = stride(start, end, step);
            let (mut front, mut back) = (Vec::new(), Vec::new());
            while let Some(value) = iter.next() {
                assert!(front.len() < 100, "the iterator never ends");
                front.push(value);
                match iter.next_back() {
                    Some(value) => back.push(value),
                    None => break,
                }
            }
            assert_eq!(iter.next(), None, "after meeting, `next` must stay `None`");
            assert_eq!(
                iter.next_back(),
                None,
                "after meeting, `next_back` must stay `None`"
            );
            back.reverse();
            front.extend(back);
            assert_eq!(front, expected, "stride({start}, {end}, {step})");
        }
    }

    #[test]
    fn size_hint_is_exact_at_every_step() {
        let mut iter = stride(0, 10, 3);
        for left in (0..=4).rev() {
            assert_eq!(iter.size_hint(), (left, Some(left)));
            assert_eq!(iter.len(), left);
            if left % 2 == 0 {
                iter.next();
            } else {
                iter.next_back();
            }
        }
        assert_eq!(iter.size_hint(), (0, Some(0)));
    }

    #[test]
    fn stride_reaches_the_top_of_u64_without_overflow() {
        let top = stride(u64::MAX - 4, u64::MAX, 3);
        assert_eq!(bounded(top), [u64::MAX - 4, u64::MAX - 1]);
        let mut last = stride(u64::MAX - 1, u64::MAX, 7);
        assert_eq!(last.next(), Some(u64::MAX - 1));
        assert_eq!(last.next(), None);
    }

    #[test]
    fn shelf_by_value_moves_the_items_out() {
        let mut shelf = Shelf::new();
        let title = String::from("moved, not copied");
        let heap = title.as_ptr();
        shelf.push(title);
        let mut items = shelf.into_iter();
        let taken: String = items.next().expect("one item");
        assert_eq!(
            taken.as_ptr(),
            heap,
            "the String's buffer must be the same one"
        );
        assert!(items.next().is_none());
    }

    #[test]
    fn shelf_by_reference_lends_in_order() {
        let mut shelf = Shelf::new();
        for word in ["front", "middle", "back"] {
            shelf.push(String::from(word));
        }
        let mut seen: Vec<&String> = Vec::new();
        for title in &shelf {
            seen.push(title);
        }
        assert_eq!(seen, ["front", "middle", "back"]);
        // The references point into the shelf itself.
        assert!(std::ptr::eq(seen[0], &shelf.items[0]));
        assert_eq!(shelf.items.len(), 3, "the shelf is still usable");
    }

    #[test]
    fn shelf_by_mutable_reference_edits_in_place() {
        let mut shelf = Shelf::new();
        shelf.push(1_u32);
        shelf.push(2);
        for item in &mut shelf {
            *item = *item * 10 + 1;
        }
        let mut values = Vec::new();
        for item in &shelf {
            values.push(*item);
        }
        assert_eq!(values, [11, 21]);
    }

    #[test]
    fn shelf_asks_nothing_of_its_item_type() {
        assert!(implements!(Shelf<Plain>: IntoIterator<Item = Plain>));
        assert!(implements!(&'static Shelf<Plain>: IntoIterator<Item = &'static Plain>));
        assert!(implements!(&'static mut Shelf<Plain>: IntoIterator<Item = &'static mut Plain>));
    }
}
