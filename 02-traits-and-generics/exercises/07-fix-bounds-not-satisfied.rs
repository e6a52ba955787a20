//! # Fix E0599: the method exists, but its trait bounds were not satisfied
//!
//! - **Goal:** list a catalogue of parts in order. `Catalogue::sorted` exists only for item types that are `Ord`, and `Part` is not. The catalogue's order is by part number, then by name.
//! - **Concepts:** methods in a bounded `impl<T: Ord>` block; E0599 "its trait bounds were not satisfied"; `#[derive(PartialOrd, Ord)]` compares fields in declaration order; a hand-written `Ord` with `Ordering::then_with`; `PartialOrd` must agree with `Ord` (sorting calls `PartialOrd::lt`).
//! - **Read first:** `notes/02-generics-and-monomorphization.md` (sections "Bounds say what the body needs" and "`Ord`, `PartialOrd` and a total order").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-fix-bounds-not-satisfied` runs your copy (made by `cargo course start 02.7`).
//! - **Test:** `cargo course verify 02.7` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-fix-bounds-not-satisfied`.)
//! - **Done when:** it compiles, every test passes, and you can say why deriving `Ord` gives the wrong order here.

use std::cmp::Ordering;

/// A part in the catalogue, ordered by `number`, then by `name`.
// course:solution
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    /// What the part is called.
    name: String,
    /// The catalogue number; the main sort key.
    number: u32,
}

impl Ord for Part {
    fn cmp(&self, other: &Self) -> Ordering {
        self.number
            .cmp(&other.number)
            .then_with(|| self.name.cmp(&other.name))
    }
}

/// Delegates to `Ord`, so that the two can never disagree.
impl PartialOrd for Part {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
// course:stub
// #[derive(Debug, Clone, PartialEq, Eq)]
// struct Part {
//     /// What the part is called.
//     name: String,
//     /// The catalogue number; the main sort key.
//     number: u32,
// }
// course:decoy derive-ord Derives the order, which compares `name` first because it is declared first.
// #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
// struct Part {
//     name: String,
//     number: u32,
// }
// course:decoy partial-ord-disagrees Writes `Ord` by hand but derives `PartialOrd`, so the two orders disagree.
// #[derive(Debug, Clone, PartialEq, Eq, PartialOrd)]
// struct Part {
//     name: String,
//     number: u32,
// }
// impl Ord for Part {
//     fn cmp(&self, other: &Self) -> Ordering {
//         self.number
//             .cmp(&other.number)
//             .then_with(|| self.name.cmp(&other.name))
//     }
// }
// course:decoy number-only Compares numbers only, so two different parts with one number are "equal" and their order is arbitrary.
// #[derive(Debug, Clone, PartialEq, Eq)]
// struct Part {
//     name: String,
//     number: u32,
// }
// impl Ord for Part {
//     fn cmp(&self, other: &Self) -> Ordering {
//         self.number.cmp(&other.number)
//     }
// }
// impl PartialOrd for Part {
//     fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
//         Some(self.cmp(other))
//     }
// }
// course:end

/// Items of any type; some operations need an order.
struct Catalogue<T> {
    /// In insertion order.
    items: Vec<T>,
}

impl<T> Catalogue<T> {
    /// A catalogue of `items`.
    fn new(items: Vec<T>) -> Self {
        Catalogue { items }
    }
}

impl<T: Ord> Catalogue<T> {
    /// The items in their order, smallest first.
    fn sorted(&self) -> Vec<&T> {
        let mut items: Vec<&T> = self.items.iter().collect();
        items.sort();
        items
    }

    /// The smallest item.
    fn first(&self) -> Option<&T> {
        self.items.iter().min()
    }
}

fn part(name: &str, number: u32) -> Part {
    Part {
        name: name.to_string(),
        number,
    }
}

fn main() {
    let catalogue = Catalogue::new(vec![part("washer", 7), part("bolt", 12), part("nut", 7)]);
    for item in catalogue.sorted() {
        println!("{:>3} {}", item.number, item.name);
    }
    if let Some(first) = catalogue.first() {
        println!("first: {}", first.name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(items: &[&Part]) -> Vec<String> {
        items.iter().map(|p| p.name.clone()).collect()
    }

    #[test]
    fn parts_are_sorted_by_number_first() {
        let catalogue = Catalogue::new(vec![
            part("axle", 30),
            part("wheel", 10),
            part("bearing", 20),
        ]);
        assert_eq!(names(&catalogue.sorted()), ["wheel", "bearing", "axle"]);
    }

    #[test]
    fn equal_numbers_are_sorted_by_name() {
        let catalogue = Catalogue::new(vec![
            part("washer", 7),
            part("bolt", 12),
            part("nut", 7),
            part("gasket", 7),
        ]);
        assert_eq!(
            names(&catalogue.sorted()),
            ["gasket", "nut", "washer", "bolt"]
        );
    }

    #[test]
    fn the_first_part_has_the_smallest_number() {
        let catalogue = Catalogue::new(vec![part("b", 2), part("a", 3), part("c", 1)]);
        assert_eq!(catalogue.first().map(|p| p.name.as_str()), Some("c"));
        assert!(Catalogue::<Part>::new(Vec::new()).first().is_none());
    }

    #[test]
    fn partial_order_agrees_with_the_total_order() {
        let pairs = [
            (part("z", 1), part("a", 2)),
            (part("a", 5), part("b", 5)),
            (part("q", 9), part("q", 9)),
        ];
        for (left, right) in pairs {
            assert_eq!(left.partial_cmp(&right), Some(left.cmp(&right)));
            assert_eq!(left.lt(&right), left.cmp(&right) == Ordering::Less);
        }
        assert!(part("z", 1).lt(&part("a", 2)));
        assert_ne!(part("x", 4).cmp(&part("y", 4)), Ordering::Equal);
    }
}
