//! # Generic constraints: one binary search for slices, comparators and any sorted source
//!
//! - **Goal:** write a generic binary search whose bounds ask for exactly what it needs, test it against `slice::binary_search`, and reuse it on a source that is not a slice at all (a virtual sequence of squares, searched to compute integer square roots).
//! - **Concepts:** trait bounds and `where` clauses; `Ord` (a total order) versus `PartialOrd`; `FnMut` comparator bounds; a trait with an associated type for "any sorted random-access source"; implementing `Ord` for a float wrapper with `total_cmp`; overflow-free midpoints.
//! - **Read first:** `notes/02-generics-and-monomorphization.md` (sections "Bounds say what the body needs" and "`Ord`, `PartialOrd` and a total order").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-generic-constraints` runs your copy (made by `cargo course start 02.2`).
//! - **Test:** `cargo course verify 02.2` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-generic-constraints`.)
//! - **Done when:** every test passes, including the property tests that compare your search with the standard library's on random input. The starting signatures of the three searches have no bounds: writing them is part of the exercise.

use std::cmp::Ordering;

/// A sorted sequence that can be read at any index, without being a slice.
trait RandomAccess {
    /// What an index yields.
    type Item;

    /// How many items there are.
    fn len(&self) -> usize;

    /// The item at `index`; callers only ask for `index < self.len()`.
    fn get(&self, index: usize) -> Self::Item;
}

/// A slice is a random-access source whose items are references into it.
impl<'a, T> RandomAccess for &'a [T] {
    type Item = &'a T;

    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    fn get(&self, index: usize) -> &'a T {
        &self[index]
    }
}

/// The squares `0, 1, 4, 9, …` of the first `count` numbers, computed on demand.
#[derive(Debug, Clone, Copy)]
struct Squares {
    /// How many squares; the largest is `(count - 1)²`.
    count: usize,
}

/// The numbers `0..len` themselves: the largest sorted source there can be.
/// It counts how often it is read, so that a test can tell a search from a scan.
#[derive(Debug, Default)]
struct Naturals {
    /// One past the largest number.
    len: usize,
    /// How many times `get` has been called.
    reads: std::cell::Cell<usize>,
}

impl RandomAccess for Naturals {
    type Item = usize;

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, index: usize) -> usize {
        let reads = self.reads.get() + 1;
        // A binary search of even `usize::MAX` items needs at most 64 reads; stop a scan long before it ends.
        assert!(
            reads <= 256,
            "{reads} reads: this is a scan, not a binary search"
        );
        self.reads.set(reads);
        index
    }
}

// course:solution The items are the squares of the indices, computed on demand.
impl RandomAccess for Squares {
    type Item = u64;

    fn len(&self) -> usize {
        self.count
    }

    fn get(&self, index: usize) -> u64 {
        let index = index as u64;
        index * index
    }
}
// course:stub
// impl RandomAccess for Squares {
//     type Item = u64;
//
//     fn len(&self) -> usize {
//         todo!()
//     }
//
//     fn get(&self, index: usize) -> u64 {
//         todo!()
//     }
// }
// course:decoy squares-off-by-one Squares the next number, so the sequence starts at 1.
// impl RandomAccess for Squares {
//     type Item = u64;
//     fn len(&self) -> usize {
//         self.count
//     }
//     fn get(&self, index: usize) -> u64 {
//         let next = index as u64 + 1;
//         next * next
//     }
// }
// course:end

/// The search itself, over any sorted source: `compare(item)` says where `item` stands
/// relative to what is sought. Same contract as `slice::binary_search_by`: `Ok(index)` of a
/// match (any one, if several), or `Err(index)` where a match could be inserted in order.
// course:solution Add the bounds (a source `S`, a comparator on `S::Item`) and write the loop; compute the midpoint without overflow.
fn search_source_by<S, F>(source: &S, mut compare: F) -> Result<usize, usize>
where
    S: RandomAccess,
    F: FnMut(S::Item) -> Ordering,
{
    // Invariant: everything before `low` is Less, everything from `high` on is Greater.
    let (mut low, mut high) = (0, source.len());
    while low < high {
        let middle = low + (high - low) / 2;
        match compare(source.get(middle)) {
            Ordering::Less => low = middle + 1,
            Ordering::Greater => high = middle,
            Ordering::Equal => return Ok(middle),
        }
    }
    Err(low)
}
// course:stub
// fn search_source_by<S, F>(source: &S, compare: F) -> Result<usize, usize> {
//     todo!()
// }
// course:decoy naive-midpoint Computes the midpoint as `(low + high) / 2`, which overflows on a source longer than `usize::MAX / 2`.
// fn search_source_by<S, F>(source: &S, mut compare: F) -> Result<usize, usize>
// where
//     S: RandomAccess,
//     F: FnMut(S::Item) -> Ordering,
// {
//     let (mut low, mut high) = (0, source.len());
//     while low < high {
//         let middle = (low + high) / 2;
//         match compare(source.get(middle)) {
//             Ordering::Less => low = middle + 1,
//             Ordering::Greater => high = middle,
//             Ordering::Equal => return Ok(middle),
//         }
//     }
//     Err(low)
// }
// course:decoy err-at-middle Reports the last probe as the insertion point instead of `low`.
// fn search_source_by<S, F>(source: &S, mut compare: F) -> Result<usize, usize>
// where
//     S: RandomAccess,
//     F: FnMut(S::Item) -> Ordering,
// {
//     let (mut low, mut high) = (0, source.len());
//     let mut middle = 0;
//     while low < high {
//         middle = low + (high - low) / 2;
//         match compare(source.get(middle)) {
//             Ordering::Less => low = middle + 1,
//             Ordering::Greater => high = middle,
//             Ordering::Equal => return Ok(middle),
//         }
//     }
//     Err(middle)
// }
// course:end

/// Like `slice::binary_search_by`.
// course:solution Add the bound on `F`: a comparator that is called on `&T`.
fn binary_search_by<T, F>(items: &[T], compare: F) -> Result<usize, usize>
where
    F: FnMut(&T) -> Ordering,
{
    search_source_by(&items, compare)
}
// course:stub
// fn binary_search_by<T, F>(items: &[T], compare: F) -> Result<usize, usize> {
//     todo!()
// }
// course:decoy linear-scan Walks the slice from the front: right answers, but n comparisons instead of log n.
// fn binary_search_by<T, F>(items: &[T], mut compare: F) -> Result<usize, usize>
// where
//     F: FnMut(&T) -> Ordering,
// {
//     for (index, item) in items.iter().enumerate() {
//         match compare(item) {
//             Ordering::Less => continue,
//             Ordering::Equal => return Ok(index),
//             Ordering::Greater => return Err(index),
//         }
//     }
//     Err(items.len())
// }
// course:decoy reversed-comparator Calls the comparator the other way round, as if it compared the target with the item.
// fn binary_search_by<T, F>(items: &[T], mut compare: F) -> Result<usize, usize>
// where
//     F: FnMut(&T) -> Ordering,
// {
//     search_source_by(&items, |item| compare(item).reverse())
// }
// course:end

/// Like `slice::binary_search`: `items` is sorted by `T`'s total order.
// course:solution Add the one bound the search needs (and no more).
fn binary_search<T>(items: &[T], target: &T) -> Result<usize, usize>
where
    T: Ord,
{
    binary_search_by(items, |item| item.cmp(target))
}
// course:stub
// fn binary_search<T>(items: &[T], target: &T) -> Result<usize, usize> {
//     todo!()
// }
// course:decoy clone-target Asks for `T: Ord + Clone` and compares against a clone of the target.
// fn binary_search<T>(items: &[T], target: &T) -> Result<usize, usize>
// where
//     T: Ord + Clone,
// {
//     let target = target.clone();
//     binary_search_by(items, |item| item.cmp(&target))
// }
// course:end

/// The largest `r` with `r * r <= n`, found by searching `Squares` (no floating point).
fn integer_sqrt(n: u64) -> u64 {
    // course:solution Search the squares of every `u32`; an exact hit is the root, otherwise the root is one before the insertion point.
    let squares = Squares {
        count: 1 << 32, // (2^32 - 1)^2 is the largest square that fits in a u64
    };
    match search_source_by(&squares, |square| square.cmp(&n)) {
        Ok(root) => root as u64,
        Err(insertion) => insertion as u64 - 1,
    }
    // course:decoy via-f64 Uses `f64::sqrt`, which rounds when `n` has more than 53 significant bits.
    // (n as f64).sqrt() as u64
    // course:end
}

/// An `f64` ordered totally: `-NaN < -inf < … < -0.0 < +0.0 < … < +inf < NaN`, so it can be
/// sorted, searched and used as a `BTreeMap` key.
#[derive(Debug, Clone, Copy)]
struct TotalF64(f64);

// course:solution The four comparison impls must all agree with `f64::total_cmp`.
impl PartialEq for TotalF64 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for TotalF64 {}

impl PartialOrd for TotalF64 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TotalF64 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}
// course:stub
// impl PartialEq for TotalF64 {
//     fn eq(&self, other: &Self) -> bool {
//         todo!()
//     }
// }
//
// impl Eq for TotalF64 {}
//
// impl PartialOrd for TotalF64 {
//     fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
//         todo!()
//     }
// }
//
// impl Ord for TotalF64 {
//     fn cmp(&self, other: &Self) -> Ordering {
//         todo!()
//     }
// }
// course:decoy partial-cmp-unwrap Builds `Ord` on `f64`'s partial order, calling every NaN comparison `Equal`.
// impl PartialEq for TotalF64 {
//     fn eq(&self, other: &Self) -> bool {
//         self.cmp(other) == Ordering::Equal
//     }
// }
// impl Eq for TotalF64 {}
// impl PartialOrd for TotalF64 {
//     fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
//         Some(self.cmp(other))
//     }
// }
// impl Ord for TotalF64 {
//     fn cmp(&self, other: &Self) -> Ordering {
//         self.0.partial_cmp(&other.0).unwrap_or(Ordering::Equal)
//     }
// }
// course:decoy derived-eq Compares with `f64`'s `==` in `PartialEq`, so `NaN != NaN` and `-0.0 == 0.0` disagree with `Ord`.
// impl PartialEq for TotalF64 {
//     fn eq(&self, other: &Self) -> bool {
//         self.0 == other.0
//     }
// }
// impl Eq for TotalF64 {}
// impl PartialOrd for TotalF64 {
//     fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
//         Some(self.cmp(other))
//     }
// }
// impl Ord for TotalF64 {
//     fn cmp(&self, other: &Self) -> Ordering {
//         self.0.total_cmp(&other.0)
//     }
// }
// course:end

fn main() {
    let primes = [2, 3, 5, 7, 11, 13];
    println!("7 is at {:?}", binary_search(&primes, &7));
    println!("8 would go at {:?}", binary_search(&primes, &8));
    let words = ["apple", "Banana", "cherry"];
    let by_lowercase = binary_search_by(&words, |word: &&str| {
        word.to_lowercase().cmp(&"banana".into())
    });
    println!("banana, ignoring case: {by_lowercase:?}");
    println!("integer square root of 2^63: {}", integer_sqrt(1 << 63));
    let huge = Naturals {
        len: usize::MAX,
        ..Naturals::default()
    };
    println!(
        "searching 0..usize::MAX for 12345: {:?}",
        search_source_by(&huge, |n: usize| n.cmp(&12345))
    );
    let mut readings = [3.5, f64::NAN, -0.0, 0.0, f64::NEG_INFINITY].map(TotalF64);
    readings.sort();
    println!("sorted with total_cmp: {readings:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cell::Cell;

    thread_local! {
        static COMPARISONS: Cell<usize> = const { Cell::new(0) };
    }

    /// An `Ord` type that counts its comparisons and must never be cloned.
    #[derive(Debug, PartialEq, Eq)]
    struct Counted(u32);

    impl PartialOrd for Counted {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }

    impl Ord for Counted {
        fn cmp(&self, other: &Self) -> Ordering {
            COMPARISONS.with(|count| count.set(count.get() + 1));
            self.0.cmp(&other.0)
        }
    }

    impl Clone for Counted {
        fn clone(&self) -> Self {
            panic!("the search cloned a value; its bounds should not even allow that");
        }
    }

    /// `Ok` must point at an equal item; `Err` must equal the standard library's insertion point.
    fn agrees_with_std<T: Ord + std::fmt::Debug>(
        items: &[T],
        target: &T,
        ours: Result<usize, usize>,
    ) {
        match (ours, items.binary_search(target)) {
            (Ok(index), Ok(_)) => assert_eq!(&items[index], target),
            (theirs_or_ours, std) => {
                assert_eq!(theirs_or_ours, std, "searching {items:?} for {target:?}")
            }
        }
    }

    #[test]
    fn finds_present_items_and_insertion_points() {
        let items = [1, 3, 5, 7];
        assert_eq!(binary_search(&items, &1), Ok(0));
        assert_eq!(binary_search(&items, &7), Ok(3));
        assert_eq!(binary_search(&items, &0), Err(0));
        assert_eq!(binary_search(&items, &4), Err(2));
        assert_eq!(binary_search(&items, &9), Err(4));
        assert_eq!(binary_search::<i32>(&[], &1), Err(0));
    }

    #[test]
    fn search_uses_logarithmically_many_comparisons() {
        let items: Vec<Counted> = (0..1024).map(|n| Counted(2 * n)).collect();
        for target in [0, 1, 1000, 2046, 5000] {
            COMPARISONS.with(|count| count.set(0));
            let found = binary_search(&items, &Counted(target));
            let used = COMPARISONS.with(Cell::get);
            assert!(
                used <= 11,
                "{used} comparisons for 1024 items; a binary search needs at most 11"
            );
            assert_eq!(found.is_ok(), target % 2 == 0 && target < 2048);
        }
    }

    #[test]
    fn comparator_variant_searches_by_a_key() {
        let people = [("ada", 36), ("grace", 45), ("alan", 41)];
        let mut by_age = people;
        by_age.sort_by_key(|person| person.1);
        assert_eq!(
            binary_search_by(&by_age, |person: &(&str, i32)| person.1.cmp(&41)),
            Ok(1)
        );
        assert_eq!(
            binary_search_by(&by_age, |person: &(&str, i32)| person.1.cmp(&40)),
            Err(1)
        );
        // Searching a descending slice: the comparator carries the order.
        let descending = [9, 7, 5, 3];
        assert_eq!(
            binary_search_by(&descending, |item: &i32| 5.cmp(item)),
            Ok(2)
        );
        assert_eq!(
            binary_search_by(&descending, |item: &i32| 8.cmp(item)),
            Err(1)
        );
    }

    #[test]
    fn sources_longer_than_half_of_usize_do_not_overflow() {
        let naturals = Naturals {
            len: usize::MAX,
            ..Naturals::default()
        };
        let target = usize::MAX - 3;
        assert_eq!(
            search_source_by(&naturals, |n: usize| n.cmp(&target)),
            Ok(target)
        );
        let reads = naturals.reads.get();
        assert!(
            (1..=64).contains(&reads),
            "{reads} reads of usize::MAX items; a binary search needs at most 64"
        );
        assert_eq!(
            search_source_by(&naturals, |n: usize| n.cmp(&usize::MAX)),
            Err(usize::MAX)
        );
    }

    #[test]
    fn squares_are_a_sorted_source() {
        let squares = Squares { count: 10 };
        assert_eq!(squares.len(), 10);
        assert_eq!(squares.get(0), 0);
        assert_eq!(squares.get(9), 81);
        assert_eq!(
            search_source_by(&squares, |square: u64| square.cmp(&49)),
            Ok(7)
        );
        assert_eq!(
            search_source_by(&squares, |square: u64| square.cmp(&50)),
            Err(8)
        );
    }

    #[test]
    fn integer_sqrt_is_exact_at_the_edges() {
        assert_eq!(integer_sqrt(0), 0);
        assert_eq!(integer_sqrt(1), 1);
        assert_eq!(integer_sqrt(15), 3);
        assert_eq!(integer_sqrt(16), 4);
        assert_eq!(integer_sqrt(u64::MAX), u64::from(u32::MAX));
        let big = u64::from(u32::MAX - 1);
        assert_eq!(integer_sqrt(big * big + 2 * big), big);
    }

    #[test]
    fn total_f64_sorts_nan_and_signed_zeros_into_place() {
        let mut values = [
            f64::NAN,
            1.0,
            -0.0,
            f64::INFINITY,
            0.0,
            -f64::NAN,
            f64::NEG_INFINITY,
        ]
        .map(TotalF64);
        values.sort();
        let bits: Vec<u64> = values.iter().map(|v| v.0.to_bits()).collect();
        let mut expected = [
            f64::NAN,
            1.0,
            -0.0,
            f64::INFINITY,
            0.0,
            -f64::NAN,
            f64::NEG_INFINITY,
        ];
        expected.sort_by(f64::total_cmp);
        assert_eq!(bits, expected.map(f64::to_bits));
        for value in values {
            assert_eq!(
                values.binary_search(&value).map(|i| values[i].0.to_bits()),
                Ok(value.0.to_bits())
            );
            assert_eq!(
                binary_search(&values, &value).map(|i| values[i].0.to_bits()),
                Ok(value.0.to_bits())
            );
        }
    }

    #[test]
    fn total_f64_equality_agrees_with_its_order() {
        assert_eq!(TotalF64(f64::NAN), TotalF64(f64::NAN));
        assert_ne!(TotalF64(-0.0), TotalF64(0.0));
        assert!(TotalF64(-0.0) < TotalF64(0.0));
        assert!(TotalF64(f64::INFINITY) < TotalF64(f64::NAN));
    }

    proptest! {
        // Failures are reported, not saved to a file next to the exercise.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn agrees_with_slice_binary_search(mut items in prop::collection::vec(-50i32..50, 0..64), target in -60i32..60) {
            items.sort();
            agrees_with_std(&items, &target, binary_search(&items, &target));
        }

        #[test]
        fn comparator_agrees_with_slice_binary_search_by(mut items in prop::collection::vec(any::<(u8, u8)>(), 0..64), key in any::<u8>()) {
            items.sort_by_key(|pair| pair.1);
            let ours = binary_search_by(&items, |pair: &(u8, u8)| pair.1.cmp(&key));
            match (ours, items.binary_search_by(|pair| pair.1.cmp(&key))) {
                (Ok(index), Ok(_)) => prop_assert_eq!(items[index].1, key),
                (ours, std) => prop_assert_eq!(ours, std),
            }
        }

        #[test]
        fn total_f64_search_agrees_with_std(mut items in prop::collection::vec(any::<f64>(), 0..32), target in any::<f64>()) {
            let mut wrapped: Vec<TotalF64> = items.drain(..).map(TotalF64).collect();
            wrapped.sort();
            agrees_with_std(&wrapped, &TotalF64(target), binary_search(&wrapped, &TotalF64(target)));
        }
    }
}
