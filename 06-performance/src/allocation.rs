//! Allocation patterns for `benches/allocation-patterns.rs` and note 02.
//!
//! Each pair does the same work two ways: growing a `Vec` blind or with `with_capacity`;
//! formatting into a fresh `String` per record or into one reused buffer; a tree of `Box`ed
//! nodes or the same tree in one `Vec` (an arena) linked by indices.

use std::fmt::Write as _;

/// Pushes `0..count` into a `Vec` that starts empty and grows as needed.
///
/// The `Vec` reallocates each time it is full (capacities 4, 8, 16, … on the current std),
/// copying everything so far: about log2(count) allocations and 2·count element copies.
#[inline(never)]
pub fn push_growing(count: u64) -> Vec<u64> {
    let mut values = Vec::new();
    for value in 0..count {
        values.push(value);
    }
    values
}

/// Pushes `0..count` into a `Vec` created with room for all of them: one allocation.
#[inline(never)]
pub fn push_with_capacity(count: u64) -> Vec<u64> {
    let mut values = Vec::with_capacity(count as usize);
    for value in 0..count {
        values.push(value);
    }
    values
}

/// One log record, formatted into a line by the two functions below.
#[derive(Debug, Clone)]
pub struct Record {
    /// Milliseconds since the start of the log.
    pub millis: u64,
    /// Severity, such as `"INFO"`.
    pub level: &'static str,
    /// The message.
    pub message: String,
}

/// Sample records for benchmarks and tests.
pub fn sample_records(count: usize) -> Vec<Record> {
    (0..count)
        .map(|i| Record {
            millis: i as u64 * 17,
            level: ["INFO", "WARN", "DEBUG"][i % 3],
            message: format!("request {i} served from cache"),
        })
        .collect()
}

/// Formats every record into a new `String` and returns the total length: one allocation
/// (or more, as the string grows) per record.
#[inline(never)]
pub fn format_fresh(records: &[Record]) -> usize {
    let mut total = 0;
    for record in records {
        let line = format!(
            "{:>8} {:<5} {}",
            record.millis, record.level, record.message
        );
        total += line.len();
    }
    total
}

/// Formats every record into `buffer`, cleared and reused: after the first few records the
/// buffer is big enough and the loop stops allocating.
#[inline(never)]
pub fn format_reused(records: &[Record], buffer: &mut String) -> usize {
    let mut total = 0;
    for record in records {
        buffer.clear();
        // Writing to a `String` cannot fail: its `fmt::Write` impl always returns `Ok`.
        let _ = write!(
            buffer,
            "{:>8} {:<5} {}",
            record.millis, record.level, record.message
        );
        total += buffer.len();
    }
    total
}

/// A binary tree node that owns its children through `Box`: one allocation per node.
#[derive(Debug)]
pub enum BoxTree {
    /// A leaf holding a value.
    Leaf(u64),
    /// An inner node with two owned children.
    Branch(Box<BoxTree>, Box<BoxTree>),
}

impl BoxTree {
    /// Builds a balanced tree over `low..high` (at least one value).
    pub fn build(low: u64, high: u64) -> BoxTree {
        if high - low <= 1 {
            return BoxTree::Leaf(low);
        }
        let middle = low + (high - low) / 2;
        BoxTree::Branch(
            Box::new(BoxTree::build(low, middle)),
            Box::new(BoxTree::build(middle, high)),
        )
    }

    /// Sums the leaves.
    pub fn sum(&self) -> u64 {
        match self {
            BoxTree::Leaf(value) => *value,
            BoxTree::Branch(left, right) => left.sum() + right.sum(),
        }
    }
}

/// A node of [`ArenaTree`]: children are indices into the arena, not pointers.
#[derive(Debug, Clone, Copy)]
pub enum ArenaNode {
    /// A leaf holding a value.
    Leaf(u64),
    /// An inner node; its children live at these indices.
    Branch(u32, u32),
}

/// The same tree as [`BoxTree`], every node in one `Vec`: one growing allocation in all, and
/// the whole tree freed at once when the `Vec` is dropped.
#[derive(Debug, Default)]
pub struct ArenaTree {
    nodes: Vec<ArenaNode>,
}

impl ArenaTree {
    /// Builds a balanced tree over `low..high` (at least one value); returns the tree.
    pub fn build(low: u64, high: u64) -> ArenaTree {
        let leaves = (high - low) as usize;
        let mut tree = ArenaTree {
            nodes: Vec::with_capacity(2 * leaves),
        };
        tree.push_subtree(low, high);
        tree
    }

    fn push_subtree(&mut self, low: u64, high: u64) -> u32 {
        let node = if high - low <= 1 {
            ArenaNode::Leaf(low)
        } else {
            let middle = low + (high - low) / 2;
            let left = self.push_subtree(low, middle);
            let right = self.push_subtree(middle, high);
            ArenaNode::Branch(left, right)
        };
        self.nodes.push(node);
        // A tree over a u64 range built in memory has far fewer than 2^32 nodes.
        (self.nodes.len() - 1) as u32
    }

    /// Sums the leaves (the root is the last node pushed).
    pub fn sum(&self) -> u64 {
        match self.nodes.len() {
            0 => 0,
            len => self.sum_from(len as u32 - 1),
        }
    }

    fn sum_from(&self, index: u32) -> u64 {
        match self.nodes[index as usize] {
            ArenaNode::Leaf(value) => value,
            ArenaNode::Branch(left, right) => self.sum_from(left) + self.sum_from(right),
        }
    }

    /// How many nodes the arena holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the arena is empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_pushes_give_the_same_vector() {
        assert_eq!(push_growing(100), push_with_capacity(100));
        assert_eq!(push_with_capacity(100).capacity(), 100);
    }

    #[test]
    fn fresh_and_reused_formatting_agree() {
        let records = sample_records(50);
        let mut buffer = String::new();
        assert_eq!(format_fresh(&records), format_reused(&records, &mut buffer));
    }

    #[test]
    fn sample_records_have_the_promised_content() {
        let records = sample_records(4);
        assert_eq!(records.len(), 4);
        assert_eq!(records[3].millis, 51);
        assert_eq!(records[3].level, "INFO");
        assert_eq!(records[2].message, "request 2 served from cache");
    }

    #[test]
    fn arena_is_allocated_once_with_room_for_every_node() {
        let arena = ArenaTree::build(10, 1010);
        // `2 * leaves` reserved up front: the 1,999 nodes never made the vector grow.
        assert_eq!(arena.nodes.capacity(), 2 * 1000);
        assert!(!arena.is_empty());
        assert!(ArenaTree::default().is_empty());
    }

    #[test]
    fn box_tree_and_arena_tree_sum_the_same() {
        let expected: u64 = (10..1010).sum();
        assert_eq!(BoxTree::build(10, 1010).sum(), expected);
        let arena = ArenaTree::build(10, 1010);
        assert_eq!(arena.sum(), expected);
        assert_eq!(arena.len(), 2 * 1000 - 1);
    }
}
