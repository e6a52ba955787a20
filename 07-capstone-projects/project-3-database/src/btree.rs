//! The B+tree: lookup, range cursor, insert with splits, delete, overflow chains, and
//! `check_invariants`.
//!
//! The tree never touches a file: it reads pages through [`Pager::read`], modifies them with
//! [`Pager::take`] / [`Pager::put_dirty`], and gets page numbers from the [`Allocator`].
//! Changes are copy-on-write between checkpoints: a page that belongs to the durable tree is
//! copied to a fresh page number before it is changed (see `writable`), and the parent is
//! updated to point at the copy, which in turn makes the parent fresh, up to the root.
//!
//! Separators: child `i` of an internal node holds the keys `k` with
//! `keys[i-1] <= k < keys[i]`, so the child for a key is the number of separators `<= key`.
//! Deletion removes empty nodes and merges an underfull node (less than half full) with a
//! neighbour when the two fit in one page, so deleting keys gives pages back.

use std::collections::HashSet;
use std::ops::Bound;
use std::sync::Arc;

use crate::alloc::Allocator;
use crate::error::BTreeError;
use crate::page::{
    self, BODY_CAPACITY, MAX_INLINE_VALUE, MAX_KEY_LEN, MAX_VALUE_LEN, Node, OVERFLOW_CAPACITY,
    PageId, Value,
};
use crate::pager::Pager;

/// Deeper than any real tree (a 4 KiB page holds at least 7 separators, so 40 levels is
/// beyond 7^40 keys); exceeding it means the pages form a cycle.
const MAX_DEPTH: usize = 40;

fn corrupt(page: u64, reason: impl Into<String>) -> BTreeError {
    BTreeError::CorruptTree {
        page,
        reason: reason.into(),
    }
}

/// Index of the child that may hold `key`: the number of separators `<= key`.
fn child_index(keys: &[Vec<u8>], key: &[u8]) -> usize {
    keys.partition_point(|separator| separator.as_slice() <= key)
}

/// Checks the size limits of a key and a value.
///
/// # Errors
/// [`BTreeError::KeyTooLong`] or [`BTreeError::ValueTooLong`].
pub fn check_sizes(key: &[u8], value_len: usize) -> Result<(), BTreeError> {
    if key.len() > MAX_KEY_LEN {
        return Err(BTreeError::KeyTooLong {
            len: key.len(),
            max: MAX_KEY_LEN,
        });
    }
    if value_len > MAX_VALUE_LEN {
        return Err(BTreeError::ValueTooLong {
            len: value_len,
            max: MAX_VALUE_LEN,
        });
    }
    Ok(())
}

/// Reads a value's bytes, following its overflow chain if it has one.
///
/// # Errors
/// I/O or corruption (a chain that is too short, too long, or points at the wrong kind).
pub fn load_value(pager: &Pager, value: &Value) -> Result<Vec<u8>, BTreeError> {
    match value {
        Value::Inline(bytes) => Ok(bytes.clone()),
        Value::Overflow { len, first } => {
            let len = usize::try_from(*len).map_err(|_| corrupt(first.get(), "value length"))?;
            let mut out = Vec::with_capacity(len);
            let mut next = Some(*first);
            while out.len() < len {
                let Some(page) = next else {
                    return Err(corrupt(first.get(), "overflow chain ends early"));
                };
                let node = pager.read(page)?;
                let Node::Overflow { next: after, data } = &*node else {
                    return Err(corrupt(page.get(), "expected an overflow page"));
                };
                out.extend_from_slice(data);
                next = *after;
            }
            if out.len() != len || next.is_some() {
                return Err(corrupt(first.get(), "overflow chain longer than its value"));
            }
            Ok(out)
        }
    }
}

/// Stores `bytes` as a value: inline when short (the vector itself, not a copy), else in
/// freshly allocated overflow pages.
pub fn store_value(pager: &Pager, alloc: &mut Allocator, bytes: Vec<u8>) -> Value {
    if bytes.len() <= MAX_INLINE_VALUE {
        return Value::Inline(bytes);
    }
    let chunks: Vec<&[u8]> = bytes.chunks(OVERFLOW_CAPACITY).collect();
    let ids: Vec<PageId> = chunks.iter().map(|_| alloc.allocate()).collect();
    for (index, chunk) in chunks.iter().enumerate() {
        let next = ids.get(index + 1).copied();
        pager.put_dirty(
            ids[index],
            Node::Overflow {
                next,
                data: chunk.to_vec(),
            },
        );
    }
    Value::Overflow {
        len: bytes.len() as u64,
        first: ids[0],
    }
}

/// Releases the overflow pages of a value that is being replaced or deleted.
///
/// # Errors
/// I/O or corruption while walking the chain.
pub fn release_value(
    pager: &Pager,
    alloc: &mut Allocator,
    value: &Value,
) -> Result<(), BTreeError> {
    if let Value::Overflow { first, .. } = value {
        let mut next = Some(*first);
        let mut steps = 0usize;
        while let Some(page) = next {
            let node = pager.read(page)?;
            let Node::Overflow { next: after, .. } = &*node else {
                return Err(corrupt(page.get(), "expected an overflow page"));
            };
            release(pager, alloc, page);
            next = *after;
            steps += 1;
            if steps > MAX_VALUE_LEN / OVERFLOW_CAPACITY + 1 {
                return Err(corrupt(first.get(), "overflow chain has a cycle"));
            }
        }
    }
    Ok(())
}

/// Looks `key` up in the tree at `root` (`None`: the tree is empty).
///
/// # Errors
/// I/O or corruption.
pub fn get(pager: &Pager, root: Option<PageId>, key: &[u8]) -> Result<Option<Vec<u8>>, BTreeError> {
    match find(pager, root, key)? {
        // `find` already copied an inline value out of the page; hand that copy over.
        Some(Value::Inline(bytes)) => Ok(Some(bytes)),
        Some(value) => Ok(Some(load_value(pager, &value)?)),
        None => Ok(None),
    }
}

/// Finds the stored [`Value`] for `key` without loading overflow pages.
fn find(pager: &Pager, root: Option<PageId>, key: &[u8]) -> Result<Option<Value>, BTreeError> {
    find_map(pager, root, key, Value::clone)
}

/// True when `key` is in the tree at `root`. Copies nothing out of the leaf, so a delete's
/// existence check costs one descent and no allocation.
///
/// # Errors
/// I/O or corruption.
pub fn contains(pager: &Pager, root: Option<PageId>, key: &[u8]) -> Result<bool, BTreeError> {
    Ok(find_map(pager, root, key, |_| ())?.is_some())
}

/// Descends to the leaf that holds `key` and applies `project` to its stored value.
fn find_map<R>(
    pager: &Pager,
    root: Option<PageId>,
    key: &[u8],
    project: impl Fn(&Value) -> R,
) -> Result<Option<R>, BTreeError> {
    // course:solution p3.3 Descend from the root: in an internal node follow the child for `key` (`page::count_at_most`), in the leaf binary-search (`page::search_keys`) and apply `project` to the value found. Use `pager.with_page` so a lookup copies nothing but what `project` returns; bound the descent by `MAX_DEPTH`.
    let Some(root) = root else {
        return Ok(None);
    };
    /// One step of the descent: go to a child, or stop at a leaf with the answer.
    enum Step<R> {
        Child(PageId),
        Found(Option<R>),
        NotATreePage,
    }
    let mut id = root;
    for _ in 0..MAX_DEPTH {
        let step = pager.with_page(id, |node, heads| match node {
            Node::Internal { keys, children } => {
                Step::Child(children[page::count_at_most(keys, heads, key)])
            }
            Node::Leaf { keys, values } => Step::Found(
                page::search_keys(keys, heads, key)
                    .ok()
                    .map(|index| project(&values[index])),
            ),
            _ => Step::NotATreePage,
        })?;
        match step {
            Step::Child(child) => id = child,
            Step::Found(value) => return Ok(value),
            Step::NotATreePage => return Err(corrupt(id.get(), "expected a tree page")),
        }
    }
    Err(corrupt(root.get(), "tree deeper than possible"))
    // course:end
}

/// A position in the tree that walks keys in order up to an end bound.
///
/// The cursor holds `Arc`s of the pages on its path, so it needs no borrow of the pool;
/// the caller must keep the tree from changing meanwhile (the store holds a read lock).
#[derive(Debug)]
pub struct Cursor {
    /// Internal nodes on the path, each with the index of the next child to visit.
    stack: Vec<(Arc<Node>, usize)>,
    /// The current leaf and the index of the next entry in it.
    leaf: Option<(Arc<Node>, usize)>,
    end: Bound<Vec<u8>>,
}

impl Cursor {
    /// Positions a cursor at the first key inside `start`, stopping at `end`.
    ///
    /// # Errors
    /// I/O or corruption.
    pub fn seek(
        pager: &Pager,
        root: Option<PageId>,
        start: Bound<&[u8]>,
        end: Bound<Vec<u8>>,
    ) -> Result<Self, BTreeError> {
        // course:solution p3.3 Walk down to the leaf that holds the first key inside `start`, remembering each internal node and the next child to visit on `stack`.
        let mut cursor = Cursor {
            stack: Vec::new(),
            leaf: None,
            end,
        };
        let Some(root) = root else {
            return Ok(cursor);
        };
        let mut id = root;
        for _ in 0..MAX_DEPTH {
            // Where `start` falls in this page, found with the cached key heads as a point
            // lookup does (`partition_point` over the keys followed one pointer per probe,
            // each a cache miss on a page not recently used).
            let position = match start {
                Bound::Unbounded => None,
                Bound::Included(key) | Bound::Excluded(key) => {
                    Some(pager.with_page(id, |node, heads| match node {
                        Node::Leaf { keys, .. } | Node::Internal { keys, .. } => {
                            page::search_keys(keys, heads, key)
                        }
                        // Reported as not a tree page just below.
                        _ => Err(0),
                    })?)
                }
            };
            let node = pager.read(id)?;
            match &*node {
                Node::Internal { children, .. } => {
                    // The child whose range holds `start`: the number of separators <= it.
                    let index = match position {
                        None => 0,
                        Some(Ok(found)) => found + 1,
                        Some(Err(insert)) => insert,
                    };
                    id = children[index];
                    cursor.stack.push((Arc::clone(&node), index + 1));
                }
                Node::Leaf { .. } => {
                    // The first key >= `start` (included) or > `start` (excluded).
                    let index = match (position, start) {
                        (Some(Ok(found)), Bound::Excluded(_)) => found + 1,
                        (Some(Ok(found) | Err(found)), _) => found,
                        (None, _) => 0,
                    };
                    cursor.leaf = Some((Arc::clone(&node), index));
                    return Ok(cursor);
                }
                _ => return Err(corrupt(id.get(), "expected a tree page")),
            }
        }
        Err(corrupt(root.get(), "tree deeper than possible"))
        // course:end
    }

    /// Moves to the leftmost leaf of the next subtree; returns false at the end of the tree.
    fn advance_leaf(&mut self, pager: &Pager) -> Result<bool, BTreeError> {
        // course:solution p3.3 Pop finished internal nodes off the stack until one has a child left, then descend to that subtree's leftmost leaf.
        // Pop finished internal nodes until one has a child left to visit.
        let mut id = loop {
            let Some((node, next)) = self.stack.last_mut() else {
                return Ok(false);
            };
            let Node::Internal { children, .. } = &**node else {
                return Err(corrupt(0, "cursor stack holds a non-internal page"));
            };
            if *next < children.len() {
                let id = children[*next];
                *next += 1;
                break id;
            }
            self.stack.pop();
        };
        for _ in 0..MAX_DEPTH {
            let node = pager.read(id)?;
            match &*node {
                Node::Internal { children, .. } => {
                    let first = children[0];
                    self.stack.push((Arc::clone(&node), 1));
                    id = first;
                }
                Node::Leaf { .. } => {
                    self.leaf = Some((node, 0));
                    return Ok(true);
                }
                _ => return Err(corrupt(id.get(), "expected a tree page")),
            }
        }
        Err(corrupt(id.get(), "tree deeper than possible"))
        // course:end
    }

    /// The next key and value, or `None` past the end bound.
    ///
    /// # Errors
    /// I/O or corruption.
    pub fn next(&mut self, pager: &Pager) -> Result<Option<Pair>, BTreeError> {
        // course:solution p3.3 Return the next pair of the current leaf while it is inside the end bound; at the end of a leaf, `advance_leaf`.
        loop {
            let Some((leaf, index)) = &mut self.leaf else {
                return Ok(None);
            };
            let Node::Leaf { keys, values } = &**leaf else {
                return Err(corrupt(0, "cursor leaf is not a leaf"));
            };
            if *index < keys.len() {
                let key = &keys[*index];
                let in_range = match &self.end {
                    Bound::Unbounded => true,
                    Bound::Included(end) => key <= end,
                    Bound::Excluded(end) => key < end,
                };
                if !in_range {
                    self.leaf = None;
                    self.stack.clear();
                    return Ok(None);
                }
                let value = load_value(pager, &values[*index])?;
                let key = key.clone();
                *index += 1;
                return Ok(Some((key, value)));
            }
            if !self.advance_leaf(pager)? {
                self.leaf = None;
                return Ok(None);
            }
        }
        // course:end
    }
}

/// Makes page `id` changeable: a page the current transaction allocated is taken as is; any
/// other page is copied to a new number and the old number released. The old page stays in
/// the pool untouched, because a snapshot of an earlier version may still read it.
fn writable(
    pager: &Pager,
    alloc: &mut Allocator,
    id: PageId,
) -> Result<(PageId, Node), BTreeError> {
    if alloc.is_fresh(id) {
        return Ok((id, pager.take(id)?));
    }
    // A clean page can be moved out of the pool (snapshots re-read it from the file); only a
    // dirty one, which exists nowhere else, must be copied. A decoded page is dozens of small
    // allocations, so the copy, and later freeing the old one, is most of a write's CPU.
    let node = match pager.take_unless_dirty(id)? {
        Some(node) => node,
        None => (*pager.read(id)?).clone(),
    };
    alloc.release(id);
    Ok((alloc.allocate(), node))
}

/// The content of page `id` to build a new page from: taken out of the pool when the
/// current transaction owns it, otherwise copied (snapshots may still read it).
fn take_or_copy(pager: &Pager, alloc: &Allocator, id: PageId) -> Result<Node, BTreeError> {
    if alloc.is_fresh(id) {
        pager.take(id)
    } else {
        Ok((*pager.read(id)?).clone())
    }
}

/// Releases page `id`. A page the current transaction allocated leaves the pool at once;
/// any other stays there until the allocator reclaims it (the store then drops it).
fn release(pager: &Pager, alloc: &mut Allocator, id: PageId) {
    if alloc.is_fresh(id) {
        pager.forget(id);
    }
    alloc.release(id);
}

/// How full a sequential split leaves the left page, in percent of the page body.
const FILL_PERCENT: usize = 90;

/// Where a split happens: index `i` such that entries `..i` go left.
fn split_index(sizes: &[usize], appended_last: bool) -> usize {
    let len = sizes.len();
    if appended_last {
        // Sequential inserts: fill the left page to `FILL_PERCENT` and move the rest right,
        // so loading keys in order leaves pages nearly full instead of half empty, with a
        // little room for later random inserts before a page must split (the idea of
        // PostgreSQL's fillfactor).
        let target = BODY_CAPACITY * FILL_PERCENT / 100;
        let mut prefix = 0;
        for (index, size) in sizes.iter().enumerate() {
            if prefix + size > target {
                return index.clamp(1, len - 1);
            }
            prefix += size;
        }
        return len - 1;
    }
    let total: usize = sizes.iter().sum();
    let mut prefix = 0;
    for (index, size) in sizes.iter().enumerate() {
        prefix += size;
        if prefix * 2 >= total {
            return (index + 1).clamp(1, len - 1);
        }
    }
    len - 1
}

type Split = Option<(Vec<u8>, PageId)>;

/// A key and its value, as scans return them.
pub type Pair = (Vec<u8>, Vec<u8>);

/// Inserts or replaces `key`; returns the new root and the value it replaced (the caller
/// releases the old value's overflow pages).
///
/// # Errors
/// I/O or corruption.
pub fn insert(
    pager: &Pager,
    alloc: &mut Allocator,
    root: Option<PageId>,
    key: &[u8],
    value: Value,
) -> Result<(PageId, Option<Value>), BTreeError> {
    // course:solution p3.3 Insert into an empty tree (one leaf), or insert below the root; when the root splits, grow the tree by one level: a new internal root over the two halves.
    let Some(root) = root else {
        let id = alloc.allocate();
        pager.put_dirty(
            id,
            Node::Leaf {
                keys: vec![key.to_vec()],
                values: vec![value],
            },
        );
        return Ok((id, None));
    };
    let (new_root, split, old) = insert_into(pager, alloc, root, key, value, 0)?;
    let Some((separator, right)) = split else {
        return Ok((new_root, old));
    };
    let id = alloc.allocate();
    pager.put_dirty(
        id,
        Node::Internal {
            keys: vec![separator],
            children: vec![new_root, right],
        },
    );
    Ok((id, old))
    // course:end
}

fn insert_into(
    pager: &Pager,
    alloc: &mut Allocator,
    id: PageId,
    key: &[u8],
    value: Value,
    depth: usize,
) -> Result<(PageId, Split, Option<Value>), BTreeError> {
    // course:solution p3.3 Make the page writable (copy-on-write), insert into the leaf or recurse into the right child, and if the node no longer fits a page, split it and hand the separator and the new right page to the parent.
    if depth > MAX_DEPTH {
        return Err(corrupt(id.get(), "tree deeper than possible"));
    }
    /// What happened below this page before it is taken for writing.
    enum Below {
        /// Nothing yet: this page is a leaf, or one this transaction does not own yet (it is
        /// copied whatever happens below, so it is copied first, as before); `value` is
        /// still to insert.
        NotYet(Value),
        /// The child at `index` was replaced by `child` (moved or split).
        Child {
            index: usize,
            child: PageId,
            split: Split,
            old: Option<Value>,
        },
    }
    /// Points the internal page at its changed child; returns whether a split appended the
    /// new right sibling as the last child.
    fn attach(
        keys: &mut Vec<Vec<u8>>,
        children: &mut Vec<PageId>,
        index: usize,
        child: PageId,
        split: Split,
    ) -> bool {
        children[index] = child;
        let Some((separator, right)) = split else {
            return false;
        };
        keys.insert(index, separator);
        children.insert(index + 1, right);
        index + 1 == keys.len()
    }
    // An internal page this transaction already owns changes only when its child moves to a
    // new page or splits, so descend first and take the page for writing only then. In a
    // large transaction the whole path is the transaction's own and stays in place: taking
    // each internal page out of the pool and putting it back on every insert was work for
    // nothing.
    let step = if alloc.is_fresh(id) {
        match &*pager.read(id)? {
            Node::Internal { keys, children } => {
                let index = child_index(keys, key);
                Some((index, children[index]))
            }
            _ => None,
        }
    } else {
        None
    };
    let below = match step {
        Some((index, before)) => {
            let (child, split, old) = insert_into(pager, alloc, before, key, value, depth + 1)?;
            if split.is_none() && child == before {
                return Ok((id, None, old));
            }
            Below::Child {
                index,
                child,
                split,
                old,
            }
        }
        None => Below::NotYet(value),
    };
    let (id, mut node) = writable(pager, alloc, id)?;
    let (old, appended_last) = match (&mut node, below) {
        (Node::Leaf { keys, values }, Below::NotYet(value)) => {
            match keys.binary_search_by(|probe| probe.as_slice().cmp(key)) {
                Ok(index) => {
                    let old = std::mem::replace(&mut values[index], value);
                    (Some(old), false)
                }
                Err(index) => {
                    keys.insert(index, key.to_vec());
                    values.insert(index, value);
                    (None, index + 1 == keys.len())
                }
            }
        }
        (Node::Internal { keys, children }, Below::NotYet(value)) => {
            let index = child_index(keys, key);
            let (child, split, old) =
                insert_into(pager, alloc, children[index], key, value, depth + 1)?;
            (old, attach(keys, children, index, child, split))
        }
        (
            Node::Internal { keys, children },
            Below::Child {
                index,
                child,
                split,
                old,
            },
        ) => (old, attach(keys, children, index, child, split)),
        _ => {
            // Put the page back untouched so the pool stays consistent, then report.
            pager.put_dirty(id, node);
            return Err(corrupt(id.get(), "expected a tree page"));
        }
    };
    if node.fits() {
        pager.put_dirty(id, node);
        return Ok((id, None, old));
    }
    let (left, separator, right) = split_node(node, appended_last);
    let right_id = alloc.allocate();
    pager.put_dirty(id, left);
    pager.put_dirty(right_id, right);
    Ok((id, Some((separator, right_id)), old))
    // course:end
}

/// Splits an overfull node into two that fit, returning (left, separator, right).
fn split_node(node: Node, appended_last: bool) -> (Node, Vec<u8>, Node) {
    // course:solution p3.3 Split an overfull node at `split_index`: a leaf copies its first right key up as the separator; an internal node moves its middle key up (it stays in neither half).
    match node {
        Node::Leaf {
            mut keys,
            mut values,
        } => {
            let sizes: Vec<usize> = keys
                .iter()
                .zip(&values)
                .map(|(key, value)| page::leaf_entry_len(key, value))
                .collect();
            let at = split_index(&sizes, appended_last);
            let right_keys = keys.split_off(at);
            let right_values = values.split_off(at);
            let separator = right_keys[0].clone();
            let left = Node::Leaf { keys, values };
            let right = Node::Leaf {
                keys: right_keys,
                values: right_values,
            };
            debug_assert!(
                left.fits() && right.fits(),
                "leaf split produced an overfull half"
            );
            (left, separator, right)
        }
        Node::Internal {
            mut keys,
            mut children,
        } => {
            let sizes: Vec<usize> = keys
                .iter()
                .map(|key| page::internal_entry_len(key))
                .collect();
            // Separator `at` moves up; keys `..at` stay left, keys `at+1..` go right.
            let at = split_index(&sizes, appended_last);
            let mut right_keys = keys.split_off(at);
            let separator = right_keys.remove(0);
            let right_children = children.split_off(at + 1);
            let left = Node::Internal { keys, children };
            let right = Node::Internal {
                keys: right_keys,
                children: right_children,
            };
            debug_assert!(
                left.fits() && right.fits(),
                "internal split produced an overfull half"
            );
            (left, separator, right)
        }
        other => (other, Vec::new(), Node::empty_leaf()),
    }
    // course:decoy split-loses-median Drops the entry at the split point from the right half of a leaf, so one key vanishes at every leaf split.
    // match node {
    //     Node::Leaf {
    //         mut keys,
    //         mut values,
    //     } => {
    //         let sizes: Vec<usize> = keys
    //             .iter()
    //             .zip(&values)
    //             .map(|(key, value)| page::leaf_entry_len(key, value))
    //             .collect();
    //         let at = split_index(&sizes, appended_last);
    //         let mut right_keys = keys.split_off(at);
    //         let mut right_values = values.split_off(at);
    //         if right_keys.len() > 1 {
    //             right_keys.remove(0);
    //             right_values.remove(0);
    //         }
    //         let separator = right_keys[0].clone();
    //         let left = Node::Leaf { keys, values };
    //         let right = Node::Leaf {
    //             keys: right_keys,
    //             values: right_values,
    //         };
    //         debug_assert!(
    //             left.fits() && right.fits(),
    //             "leaf split produced an overfull half"
    //         );
    //         (left, separator, right)
    //     }
    //     Node::Internal {
    //         mut keys,
    //         mut children,
    //     } => {
    //         let sizes: Vec<usize> = keys
    //             .iter()
    //             .map(|key| page::internal_entry_len(key))
    //             .collect();
    //         // Separator `at` moves up; keys `..at` stay left, keys `at+1..` go right.
    //         let at = split_index(&sizes, appended_last);
    //         let mut right_keys = keys.split_off(at);
    //         let separator = right_keys.remove(0);
    //         let right_children = children.split_off(at + 1);
    //         let left = Node::Internal { keys, children };
    //         let right = Node::Internal {
    //             keys: right_keys,
    //             children: right_children,
    //         };
    //         debug_assert!(
    //             left.fits() && right.fits(),
    //             "internal split produced an overfull half"
    //         );
    //         (left, separator, right)
    //     }
    //     other => (other, Vec::new(), Node::empty_leaf()),
    // }
    // course:end
}

/// Deletes `key`; returns the new root (`None` when the tree became empty) and the removed
/// value.
///
/// # Errors
/// I/O or corruption.
pub fn delete(
    pager: &Pager,
    alloc: &mut Allocator,
    root: Option<PageId>,
    key: &[u8],
) -> Result<(Option<PageId>, Option<Value>), BTreeError> {
    // course:solution p3.3 Delete below the root (`delete_from` looks before it copies, so a missing key copies no pages); then collapse a root left with a single child.
    let Some(old_root) = root else {
        return Ok((None, None));
    };
    // `delete_from` looks before it copies, so deleting a missing key copies no pages.
    let (new_root, old) = delete_from(pager, alloc, old_root, key, 0)?;
    let mut root = new_root;
    // Collapse a root that has a single child.
    while let Some(current) = root {
        let node = pager.read(current)?;
        let Node::Internal { keys, children } = &*node else {
            break;
        };
        if !keys.is_empty() {
            break;
        }
        let only_child = children[0];
        release(pager, alloc, current);
        root = Some(only_child);
    }
    Ok((root, old))
    // course:end
}

/// Returns `None` as the page when the node became empty and was released.
fn delete_from(
    pager: &Pager,
    alloc: &mut Allocator,
    id: PageId,
    key: &[u8],
    depth: usize,
) -> Result<(Option<PageId>, Option<Value>), BTreeError> {
    // course:solution p3.3 Make the page writable, remove the key from the leaf or recurse; an emptied child leaves its parent (with one separator), a shrunken one may be merged with a neighbour (`merge_if_underfull`); report an emptied node as `None`.
    if depth > MAX_DEPTH {
        return Err(corrupt(id.get(), "tree deeper than possible"));
    }
    /// What the page says before anything is copied.
    enum Look {
        Absent,
        Present,
        Child(usize, PageId),
        NotATreePage,
    }
    // Look at the shared page first and descend before copying: a key that is not in the
    // tree then copies no page, and a present one is found by this single descent (no
    // separate lookup walks the path first).
    // (`read`, not `with_page`: a page this transaction just changed has no key heads yet,
    // and computing them for one search costs more than the search.)
    let look = match &*pager.read(id)? {
        Node::Leaf { keys, .. }
            if keys
                .binary_search_by(|probe| probe.as_slice().cmp(key))
                .is_ok() =>
        {
            Look::Present
        }
        Node::Leaf { .. } => Look::Absent,
        Node::Internal { keys, children } => {
            let index = child_index(keys, key);
            Look::Child(index, children[index])
        }
        _ => Look::NotATreePage,
    };
    let below = match look {
        Look::Absent => return Ok((Some(id), None)),
        Look::NotATreePage => return Err(corrupt(id.get(), "expected a tree page")),
        Look::Present => None,
        Look::Child(index, before) => {
            let (child, old) = delete_from(pager, alloc, before, key, depth + 1)?;
            if old.is_none() && child == Some(before) {
                // Nothing below changed, so this page does not change either.
                return Ok((Some(id), None));
            }
            Some((index, child, old))
        }
    };
    let (id, mut node) = writable(pager, alloc, id)?;
    let (old, empty) = match (&mut node, below) {
        (Node::Leaf { keys, values }, None) => {
            match keys.binary_search_by(|probe| probe.as_slice().cmp(key)) {
                Ok(index) => {
                    keys.remove(index);
                    (Some(values.remove(index)), keys.is_empty())
                }
                Err(_) => (None, false),
            }
        }
        (Node::Internal { keys, children }, Some((index, child, old))) => {
            match child {
                Some(child) => {
                    children[index] = child;
                    merge_if_underfull(pager, alloc, keys, children, index)?;
                }
                None => {
                    children.remove(index);
                    if !keys.is_empty() {
                        keys.remove(index.saturating_sub(1));
                    }
                }
            }
            (old, children.is_empty())
        }
        _ => {
            pager.put_dirty(id, node);
            return Err(corrupt(id.get(), "expected a tree page"));
        }
    };
    if empty {
        alloc.release(id);
        return Ok((None, old));
    }
    pager.put_dirty(id, node);
    Ok((Some(id), old))
    // course:end
}

/// A node whose body uses less than this many bytes is *underfull*: after a delete leaves a
/// child underfull, the parent tries to merge it with a neighbour.
pub const UNDERFULL: usize = BODY_CAPACITY / 2;

/// Bytes the node made of `left`, the separator `separator` and `right` would need.
fn merged_len(left: &Node, separator: &[u8], right: &Node) -> Option<usize> {
    match (left, right) {
        (Node::Leaf { .. }, Node::Leaf { .. }) => Some(left.body_len() + right.body_len()),
        // Both bodies count the 8-byte first child; the merged node has one, plus the
        // separator that comes down from the parent.
        (Node::Internal { .. }, Node::Internal { .. }) => {
            Some(left.body_len() + right.body_len() - 8 + page::internal_entry_len(separator))
        }
        _ => None,
    }
}

/// After a delete below `children[index]` (a page changed in this transaction, so it is
/// fresh and may be rewritten in place), merges that child with its left or right
/// neighbour when it is underfull and the two fit in one page. The merged node keeps the
/// child's page number; the neighbour's number is released (free at once if it was fresh,
/// after the next checkpoint if it belongs to the durable tree, so the durable tree is never
/// touched), and the parent loses one separator and one child.
///
/// Without this, deleting half the keys at random leaves every leaf about half empty, and
/// the file needs twice the pages for the same data.
fn merge_if_underfull(
    pager: &Pager,
    alloc: &mut Allocator,
    keys: &mut Vec<Vec<u8>>,
    children: &mut Vec<PageId>,
    index: usize,
) -> Result<(), BTreeError> {
    // course:solution p3.3 When `children[index]` is underfull, merge it with its left or right neighbour if the two (plus the separator, for internal nodes) fit one page: the merged node keeps the child's page number, the neighbour's is released, the parent loses a key and a child.
    let child = children[index];
    if children.len() < 2 || pager.read(child)?.body_len() >= UNDERFULL {
        return Ok(());
    }
    let left_neighbour = index.checked_sub(1);
    let right_neighbour = (index + 1 < children.len()).then_some(index + 1);
    for neighbour in [left_neighbour, right_neighbour].into_iter().flatten() {
        let left_index = neighbour.min(index);
        let (left_id, right_id) = (children[left_index], children[left_index + 1]);
        let fits = {
            let left = pager.read(left_id)?;
            let right = pager.read(right_id)?;
            let Some(len) = merged_len(&left, &keys[left_index], &right) else {
                return Err(corrupt(
                    child.get(),
                    "neighbouring pages of different kinds",
                ));
            };
            len <= BODY_CAPACITY && left.item_count() + right.item_count() < usize::from(u16::MAX)
        };
        if !fits {
            continue;
        }
        let separator = keys.remove(left_index);
        let left = take_or_copy(pager, alloc, left_id)?;
        let right = take_or_copy(pager, alloc, right_id)?;
        let merged = match (left, right) {
            (
                Node::Leaf {
                    keys: mut left_keys,
                    values: mut left_values,
                },
                Node::Leaf {
                    keys: right_keys,
                    values: right_values,
                },
            ) => {
                left_keys.extend(right_keys);
                left_values.extend(right_values);
                Node::Leaf {
                    keys: left_keys,
                    values: left_values,
                }
            }
            (
                Node::Internal {
                    keys: mut left_keys,
                    children: mut left_children,
                },
                Node::Internal {
                    keys: right_keys,
                    children: right_children,
                },
            ) => {
                left_keys.push(separator);
                left_keys.extend(right_keys);
                left_children.extend(right_children);
                Node::Internal {
                    keys: left_keys,
                    children: left_children,
                }
            }
            // `merged_len` returned `Some`, so both pages are of the same tree kind.
            _ => {
                return Err(corrupt(
                    child.get(),
                    "neighbouring pages of different kinds",
                ));
            }
        };
        debug_assert!(merged.fits(), "merge produced an overfull node");
        let other = if left_id == child { right_id } else { left_id };
        release(pager, alloc, other);
        pager.put_dirty(child, merged);
        children.remove(left_index + 1);
        children[left_index] = child;
        return Ok(());
    }
    Ok(())
    // course:decoy no-merge Never merges: deletes leave half-empty and nearly empty pages behind, so a store that deleted most of its keys keeps all of its pages.
    // let _ = (pager, alloc, keys, children, index);
    // Ok(())
    // course:end
}

/// True when the overflow chain starting at `first` uses a page at or past `limit`.
fn chain_reaches(pager: &Pager, first: PageId, limit: PageId) -> Result<bool, BTreeError> {
    let mut next = Some(first);
    let mut steps = 0usize;
    while let Some(page) = next {
        if page >= limit {
            return Ok(true);
        }
        let node = pager.read(page)?;
        let Node::Overflow { next: after, .. } = &*node else {
            return Err(corrupt(page.get(), "expected an overflow page"));
        };
        next = *after;
        steps += 1;
        if steps > MAX_VALUE_LEN / OVERFLOW_CAPACITY + 1 {
            return Err(corrupt(first.get(), "overflow chain has a cycle"));
        }
    }
    Ok(false)
}

/// Moves every page of the tree under `id` that sits at or past page `limit` to a fresh
/// page number (the allocator hands out the lowest free numbers first), copying the
/// ancestors of every moved page as usual (copy-on-write); returns the subtree's new page.
/// The content of the tree does not change, only where its pages live. Used by the
/// compaction that follows a checkpoint, so the end of the data file empties and the next
/// checkpoint can cut it off.
///
/// Dirty pages are written back whenever they take more than half the pool (safe: they
/// are fresh), so moving a large tree does not hold all of it in memory.
///
/// # Errors
/// I/O or corruption.
pub fn relocate(
    pager: &Pager,
    alloc: &mut Allocator,
    id: PageId,
    limit: PageId,
    depth: usize,
) -> Result<PageId, BTreeError> {
    if depth > MAX_DEPTH {
        return Err(corrupt(id.get(), "tree deeper than possible"));
    }
    let node = pager.read(id)?;
    match &*node {
        Node::Internal { children, .. } => {
            let mut moved = Vec::with_capacity(children.len());
            for child in children {
                moved.push(relocate(pager, alloc, *child, limit, depth + 1)?);
                if pager.dirty_pages() * page::PAGE_SIZE > pager.budget() / 2 {
                    pager.write_back()?;
                }
            }
            if id < limit && moved == *children {
                return Ok(id);
            }
            drop(node);
            let (new_id, mut copy) = writable(pager, alloc, id)?;
            if let Node::Internal { children, .. } = &mut copy {
                *children = moved;
            }
            pager.put_dirty(new_id, copy);
            Ok(new_id)
        }
        Node::Leaf { values, .. } => {
            let mut chains = Vec::new();
            for (index, value) in values.iter().enumerate() {
                if let Value::Overflow { first, .. } = value
                    && chain_reaches(pager, *first, limit)?
                {
                    chains.push(index);
                }
            }
            if id < limit && chains.is_empty() {
                return Ok(id);
            }
            drop(node);
            let (new_id, mut copy) = writable(pager, alloc, id)?;
            if let Node::Leaf { values, .. } = &mut copy {
                for index in chains {
                    let bytes = load_value(pager, &values[index])?;
                    release_value(pager, alloc, &values[index])?;
                    values[index] = store_value(pager, alloc, bytes);
                }
            }
            pager.put_dirty(new_id, copy);
            Ok(new_id)
        }
        _ => Err(corrupt(id.get(), "expected a tree page")),
    }
}

/// What [`check_invariants`] found in a healthy tree.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TreeReport {
    /// Number of keys.
    pub keys: u64,
    /// Depth of every leaf (all equal).
    pub depth: usize,
    /// Every page the tree uses, overflow pages included.
    pub pages: HashSet<PageId>,
}

/// Walks the whole tree from `root` and checks every structural rule: each page decodes,
/// keys are strictly increasing and inside their parent's separator bounds, every node fits
/// a page, non-root nodes are not empty, all leaves are at the same depth, overflow chains
/// have the declared length, and no page is used twice.
///
/// With `uncached` the pages are read from the file (so `verify` checks every checksum).
///
/// # Errors
/// [`BTreeError::CorruptTree`] or [`BTreeError::CorruptPage`] for the first violation.
pub fn check_invariants(
    pager: &Pager,
    root: Option<PageId>,
    uncached: bool,
) -> Result<TreeReport, BTreeError> {
    let mut report = TreeReport::default();
    let Some(root) = root else {
        return Ok(report);
    };
    let mut leaf_depth = None;
    check_node(
        pager,
        root,
        None,
        None,
        0,
        true,
        uncached,
        &mut leaf_depth,
        &mut report,
    )?;
    report.depth = leaf_depth.unwrap_or(0);
    Ok(report)
}

#[expect(
    clippy::too_many_arguments,
    reason = "a recursive walk that carries its bounds"
)]
fn check_node(
    pager: &Pager,
    id: PageId,
    low: Option<&[u8]>,
    high: Option<&[u8]>,
    depth: usize,
    is_root: bool,
    uncached: bool,
    leaf_depth: &mut Option<usize>,
    report: &mut TreeReport,
) -> Result<(), BTreeError> {
    if depth > MAX_DEPTH {
        return Err(corrupt(id.get(), "tree deeper than possible"));
    }
    if !report.pages.insert(id) {
        return Err(corrupt(id.get(), "page is used twice"));
    }
    let node = if uncached {
        Arc::new(pager.read_uncached(id)?)
    } else {
        pager.read(id)?
    };
    if node.body_len() > BODY_CAPACITY {
        return Err(corrupt(id.get(), "node does not fit its page"));
    }
    let keys = match &*node {
        Node::Leaf { keys, .. } | Node::Internal { keys, .. } => keys,
        _ => return Err(corrupt(id.get(), "expected a tree page")),
    };
    if keys.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(corrupt(id.get(), "keys out of order"));
    }
    if let (Some(first), Some(low)) = (keys.first(), low)
        && first.as_slice() < low
    {
        return Err(corrupt(id.get(), "key below the parent's separator"));
    }
    if let (Some(last), Some(high)) = (keys.last(), high)
        && last.as_slice() >= high
    {
        return Err(corrupt(id.get(), "key at or above the parent's separator"));
    }
    match &*node {
        Node::Leaf { keys, values } => {
            if keys.is_empty() && !is_root {
                return Err(corrupt(id.get(), "empty leaf below the root"));
            }
            match leaf_depth {
                Some(expected) if *expected != depth => {
                    return Err(corrupt(id.get(), "leaves at different depths"));
                }
                _ => *leaf_depth = Some(depth),
            }
            report.keys += keys.len() as u64;
            for value in values {
                if let Value::Overflow { len, first } = value {
                    let mut next = Some(*first);
                    let mut total = 0u64;
                    while let Some(page_id) = next {
                        if !report.pages.insert(page_id) {
                            return Err(corrupt(page_id.get(), "overflow page is used twice"));
                        }
                        let page = if uncached {
                            pager.read_uncached(page_id)?
                        } else {
                            (*pager.read(page_id)?).clone()
                        };
                        let Node::Overflow { next: after, data } = page else {
                            return Err(corrupt(page_id.get(), "expected an overflow page"));
                        };
                        total += data.len() as u64;
                        next = after;
                    }
                    if total != *len {
                        return Err(corrupt(first.get(), "overflow chain length mismatch"));
                    }
                }
            }
        }
        Node::Internal { keys, children } => {
            if children.len() != keys.len() + 1 {
                return Err(corrupt(id.get(), "children do not match separators"));
            }
            for (index, child) in children.iter().enumerate() {
                let child_low = if index == 0 {
                    low
                } else {
                    Some(keys[index - 1].as_slice())
                };
                let child_high = keys.get(index).map(Vec::as_slice).or(high);
                check_node(
                    pager,
                    *child,
                    child_low,
                    child_high,
                    depth + 1,
                    false,
                    uncached,
                    leaf_depth,
                    report,
                )?;
            }
        }
        _ => return Err(corrupt(id.get(), "expected a tree page")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::MemBackend;
    use crate::page::{FIRST_DATA_PAGE, PAGE_SIZE};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn new_tree() -> (Pager, Allocator) {
        let pager = Pager::new(Box::new(MemBackend::new()), 1 << 20);
        let alloc = Allocator::new(FIRST_DATA_PAGE);
        (pager, alloc)
    }

    fn put(
        pager: &Pager,
        alloc: &mut Allocator,
        root: &mut Option<PageId>,
        key: &[u8],
        value: &[u8],
    ) {
        let stored = store_value(pager, alloc, value.to_vec());
        let (new_root, old) = insert(pager, alloc, *root, key, stored).unwrap();
        if let Some(old) = old {
            release_value(pager, alloc, &old).unwrap();
        }
        *root = Some(new_root);
    }

    fn scan(
        pager: &Pager,
        root: Option<PageId>,
        start: Bound<&[u8]>,
        end: Bound<Vec<u8>>,
    ) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut cursor = Cursor::seek(pager, root, start, end).unwrap();
        let mut out = Vec::new();
        while let Some(pair) = cursor.next(pager).unwrap() {
            out.push(pair);
        }
        out
    }

    #[test]
    fn btree_sequential_inserts_fill_pages() {
        let (pager, mut alloc) = new_tree();
        let mut root = None;
        for index in 0u32..5000 {
            put(
                &pager,
                &mut alloc,
                &mut root,
                format!("key{index:08}").as_bytes(),
                &[7; 150],
            );
        }
        let report = check_invariants(&pager, root, false).unwrap();
        assert_eq!(report.keys, 5000);
        // Entry = 2 + 11 + 1 + 2 + 150 = 166 bytes; 24 fit a page body; in-order loading
        // should leave leaves nearly full, so well under 5000/20 leaves are needed.
        assert!(
            report.pages.len() < 5000 / 20,
            "{} pages",
            report.pages.len()
        );
    }

    #[test]
    fn btree_large_values_use_overflow_pages() {
        let (pager, mut alloc) = new_tree();
        let mut root = None;
        let big: Vec<u8> = (0..20_000u32).map(|i| i as u8).collect();
        put(&pager, &mut alloc, &mut root, b"big", &big);
        assert_eq!(get(&pager, root, b"big").unwrap(), Some(big.clone()));
        let report = check_invariants(&pager, root, false).unwrap();
        assert_eq!(
            report.pages.len(),
            1 + big.len().div_ceil(OVERFLOW_CAPACITY)
        );
        // Replacing it releases the chain: the fresh pages go straight back to the free set.
        put(&pager, &mut alloc, &mut root, b"big", b"small");
        assert_eq!(
            alloc.free_count(),
            big.len().div_ceil(OVERFLOW_CAPACITY) as u64
        );
    }

    #[test]
    fn btree_range_bounds_table() {
        let (pager, mut alloc) = new_tree();
        let mut root = None;
        for key in [b"a", b"c", b"e", b"g"] {
            put(&pager, &mut alloc, &mut root, key, key);
        }
        let keys = |start: Bound<&[u8]>, end: Bound<Vec<u8>>| -> Vec<u8> {
            scan(&pager, root, start, end)
                .into_iter()
                .map(|(k, _)| k[0])
                .collect()
        };
        assert_eq!(keys(Bound::Unbounded, Bound::Unbounded), b"aceg");
        assert_eq!(
            keys(Bound::Included(b"c"), Bound::Excluded(b"g".to_vec())),
            b"ce"
        );
        assert_eq!(
            keys(Bound::Excluded(b"c"), Bound::Included(b"g".to_vec())),
            b"eg"
        );
        assert_eq!(
            keys(Bound::Included(b"b"), Bound::Excluded(b"b".to_vec())),
            b""
        );
        assert_eq!(keys(Bound::Included(b"h"), Bound::Unbounded), b"");
    }

    #[test]
    fn btree_delete_everything_empties_tree() {
        let (pager, mut alloc) = new_tree();
        let mut root = None;
        for index in 0u32..2000 {
            put(
                &pager,
                &mut alloc,
                &mut root,
                &index.to_be_bytes(),
                &[1; 100],
            );
        }
        for index in 0u32..2000 {
            let (new_root, old) = delete(&pager, &mut alloc, root, &index.to_be_bytes()).unwrap();
            assert!(old.is_some());
            root = new_root;
            if index % 97 == 0 {
                check_invariants(&pager, root, false).unwrap();
            }
        }
        assert_eq!(root, None);
        // Every page was fresh, so every one is free again.
        assert_eq!(alloc.free_count(), alloc.page_count() - FIRST_DATA_PAGE);
    }

    #[test]
    fn btree_copy_on_write_keeps_durable_pages_intact() {
        let (pager, mut alloc) = new_tree();
        let mut root = None;
        for index in 0u32..500 {
            put(
                &pager,
                &mut alloc,
                &mut root,
                &index.to_be_bytes(),
                &[1; 50],
            );
        }
        // Pretend a checkpoint made everything durable.
        pager.write_back().unwrap();
        alloc.pretend_checkpoint();
        let durable: HashSet<PageId> = check_invariants(&pager, root, false).unwrap().pages;
        put(
            &pager,
            &mut alloc,
            &mut root,
            &7u32.to_be_bytes(),
            b"changed",
        );
        let after = check_invariants(&pager, root, false).unwrap().pages;
        // The changed path lives at new page numbers; the old ones await the next checkpoint.
        let replaced: HashSet<PageId> = alloc.pending_free().iter().copied().collect();
        assert!(!replaced.is_empty());
        assert!(replaced.is_subset(&durable));
        assert!(replaced.is_disjoint(&after));
        assert!(
            after
                .iter()
                .all(|page| durable.contains(page) || alloc.is_fresh(*page))
        );
        assert_eq!(PAGE_SIZE, 4096);
    }

    /// What a checkpoint does to the allocator once its meta is durable: every page
    /// written so far is on disk, replaced durable pages become free, nothing is fresh.
    fn pretend_checkpoint(pager: &Pager, alloc: &mut Allocator) {
        pager.write_back().unwrap();
        alloc.pretend_checkpoint();
    }

    fn remove(pager: &Pager, alloc: &mut Allocator, root: &mut Option<PageId>, key: &[u8]) -> bool {
        let (new_root, old) = delete(pager, alloc, *root, key).unwrap();
        *root = new_root;
        if let Some(old) = &old {
            release_value(pager, alloc, old).unwrap();
        }
        old.is_some()
    }

    /// Checks the tree and that no page it uses is also free.
    fn check_all(pager: &Pager, alloc: &Allocator, root: Option<PageId>) -> TreeReport {
        let report = check_invariants(pager, root, false).unwrap();
        assert!(report.pages.iter().all(|page| !alloc.is_free(*page)));
        report
    }

    #[test]
    fn btree_random_deletes_merge_underfull_pages() {
        let (pager, mut alloc) = new_tree();
        let mut root = None;
        let mut keys: Vec<u64> = (0..5000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        for key in &keys {
            put(&pager, &mut alloc, &mut root, &key.to_be_bytes(), &[3; 100]);
        }
        pretend_checkpoint(&pager, &mut alloc);
        // Delete 80% of the keys in a scrambled order.
        keys.sort_unstable_by_key(|key| key.rotate_left(17));
        for (index, key) in keys.iter().take(4000).enumerate() {
            assert!(remove(&pager, &mut alloc, &mut root, &key.to_be_bytes()));
            if index % 250 == 0 {
                check_all(&pager, &alloc, root);
            }
        }
        let report = check_all(&pager, &alloc, root);
        assert_eq!(report.keys, 1000);
        // 1000 entries of 2 + 8 + 3 + 100 bytes fill 28 pages; without merging the
        // deletes would leave the roughly 180 leaves of the full tree in place.
        let full_pages = (1000 * 113usize).div_ceil(BODY_CAPACITY);
        assert!(
            report.pages.len() <= 2 * full_pages + 4,
            "{} pages for {full_pages} pages of entries",
            report.pages.len()
        );
    }

    #[test]
    fn btree_relocate_moves_pages_below_the_limit_without_changing_content() {
        let (pager, mut alloc) = new_tree();
        let mut root = None;
        for index in 0u32..2000 {
            let value = vec![index as u8; if index % 100 == 0 { 5000 } else { 60 }];
            put(&pager, &mut alloc, &mut root, &index.to_be_bytes(), &value);
        }
        pretend_checkpoint(&pager, &mut alloc);
        // Touch every leaf so the whole tree is copied to the end of the file.
        for index in (0u32..2000).step_by(3) {
            remove(&pager, &mut alloc, &mut root, &index.to_be_bytes());
        }
        pretend_checkpoint(&pager, &mut alloc);
        let before = scan(&pager, root, Bound::Unbounded, Bound::Unbounded);
        let durable = check_all(&pager, &alloc, root).pages;
        let limit = PageId::new(FIRST_DATA_PAGE + durable.len() as u64 * 3 / 2);
        assert!(durable.iter().any(|page| *page >= limit), "nothing to move");
        root = Some(relocate(&pager, &mut alloc, root.unwrap(), limit, 0).unwrap());
        let after = check_all(&pager, &alloc, root).pages;
        assert!(
            after.iter().all(|page| *page < limit),
            "a page stayed past the limit"
        );
        assert_eq!(
            scan(&pager, root, Bound::Unbounded, Bound::Unbounded),
            before
        );
        // Copy-on-write: every durable page that was moved waits for the next checkpoint.
        for page in durable.difference(&after) {
            assert!(
                alloc.pending_free().contains(page),
                "page {page} was freed early"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn btree_matches_btreemap_model(ops in proptest::collection::vec(
            (any::<bool>(), proptest::collection::vec(0u8..8, 1..6), 0usize..600), 1..400)) {
            let (pager, mut alloc) = new_tree();
            let mut root = None;
            let mut model = BTreeMap::new();
            for (is_put, key, value_len) in ops {
                if is_put {
                    let value = vec![key[0]; value_len];
                    put(&pager, &mut alloc, &mut root, &key, &value);
                    model.insert(key, value);
                } else {
                    let (new_root, old) = delete(&pager, &mut alloc, root, &key).unwrap();
                    if let Some(old) = &old {
                        release_value(&pager, &mut alloc, old).unwrap();
                    }
                    root = new_root;
                    prop_assert_eq!(old.is_some(), model.remove(&key).is_some());
                }
            }
            let report = check_invariants(&pager, root, false).unwrap();
            prop_assert_eq!(report.keys, model.len() as u64);
            let all = scan(&pager, root, Bound::Unbounded, Bound::Unbounded);
            let expected: Vec<_> = model.clone().into_iter().collect();
            prop_assert_eq!(all, expected);
            for (key, value) in &model {
                prop_assert_eq!(get(&pager, root, key).unwrap(), Some(value.clone()));
            }
            pager.check_invariants().unwrap();
        }

        #[test]
        fn btree_merges_keep_invariants_under_mass_deletes(
            entries in proptest::collection::btree_map(
                proptest::collection::vec(any::<u8>(), 1..=MAX_KEY_LEN), 0usize..600, 1..500),
            delete_mask in proptest::collection::vec(0u8..10, 500),
            checkpoint_every in 1usize..50,
        ) {
            // Long keys make internal nodes hold few separators, so the tree is deep and
            // internal nodes merge too; pretend checkpoints between deletes make some
            // neighbours durable, so merges also release pages that must wait.
            let (pager, mut alloc) = new_tree();
            let mut root = None;
            let mut model = BTreeMap::new();
            for (key, value_len) in &entries {
                let value = vec![key[0]; *value_len];
                put(&pager, &mut alloc, &mut root, key, &value);
                model.insert(key.clone(), value);
            }
            pretend_checkpoint(&pager, &mut alloc);
            for (index, key) in entries.keys().enumerate() {
                if delete_mask[index] < 8 {
                    prop_assert!(remove(&pager, &mut alloc, &mut root, key));
                    model.remove(key);
                    let report = check_all(&pager, &alloc, root);
                    prop_assert_eq!(report.keys, model.len() as u64);
                }
                if index % checkpoint_every == 0 {
                    pretend_checkpoint(&pager, &mut alloc);
                }
            }
            let all = scan(&pager, root, Bound::Unbounded, Bound::Unbounded);
            let expected: Vec<_> = model.into_iter().collect();
            prop_assert_eq!(all, expected);
            pager.check_invariants().unwrap();
        }
    }
}
