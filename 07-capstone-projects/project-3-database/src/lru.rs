//! A hand-written least-recently-used map with a byte budget.
//!
//! Layout: a `HashMap` from key to slot index, and a doubly linked list threaded through a
//! `Vec` of slots by index (no pointers, so no `unsafe`). The head is the most recently used
//! entry, the tail the least. Freed slots are kept on a free list and reused.
//! This module knows nothing about pages or files; the pager decides what to store.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

const NIL: usize = usize::MAX;

#[derive(Debug)]
struct Slot<K, V> {
    key: K,
    value: Option<V>,
    charge: usize,
    prev: usize,
    next: usize,
}

/// An LRU map whose capacity is a number of bytes; each entry carries a byte charge.
/// `S` chooses the hash function of the index (the pager uses a cheap one for page numbers).
#[derive(Debug)]
pub struct Lru<K, V, S = std::hash::RandomState> {
    map: HashMap<K, usize, S>,
    slots: Vec<Slot<K, V>>,
    free: Vec<usize>,
    head: usize,
    tail: usize,
    used: usize,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Lru<K, V> {
    #[cfg(test)]
    /// An empty cache holding at most `capacity` bytes of charges.
    pub fn new(capacity: usize) -> Self {
        Self::with_hasher(capacity, std::hash::RandomState::new())
    }
}

impl<K: Hash + Eq + Clone, V, S: BuildHasher> Lru<K, V, S> {
    /// An empty cache with a custom hash function for its index.
    pub fn with_hasher(capacity: usize, hasher: S) -> Self {
        Lru {
            map: HashMap::with_hasher(hasher),
            slots: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            used: 0,
            capacity,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    #[cfg(test)]
    /// Sum of the charges of all entries.
    pub fn used_bytes(&self) -> usize {
        self.used
    }

    /// Changes the byte budget and evicts until it holds; returns what was evicted.
    pub fn set_capacity(&mut self, capacity: usize) -> Vec<(K, V)> {
        self.capacity = capacity;
        self.evict_to_fit()
    }

    fn unlink(&mut self, index: usize) {
        // course:solution p3.4 Take slot `index` out of the doubly linked list (fix its neighbours, or `head`/`tail` at the ends).
        let (prev, next) = (self.slots[index].prev, self.slots[index].next);
        if prev == NIL {
            self.head = next;
        } else {
            self.slots[prev].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.slots[next].prev = prev;
        }
        // course:stub
        // // TODO: p3.4 (this starting version keeps no list, so nothing is ever evicted)
        // let _ = index;
        // course:end
    }

    fn push_front(&mut self, index: usize) {
        // course:solution p3.4 Link slot `index` in as the most recently used entry (the head).
        self.slots[index].prev = NIL;
        self.slots[index].next = self.head;
        if self.head != NIL {
            self.slots[self.head].prev = index;
        }
        self.head = index;
        if self.tail == NIL {
            self.tail = index;
        }
        // course:stub
        // // TODO: p3.4
        // let _ = index;
        // course:end
    }

    /// Looks up `key` and marks it most recently used. (The pool marks hits with a flag
    /// instead, see `insert_sparing`; the classic operation stays for the tests of the order.)
    #[cfg(test)]
    pub fn get(&mut self, key: &K) -> Option<&V> {
        let index = *self.map.get(key)?;
        if self.head != index {
            self.unlink(index);
            self.push_front(index);
        }
        self.slots[index].value.as_ref()
    }

    /// Looks up `key` without changing the order.
    pub fn peek(&self, key: &K) -> Option<&V> {
        let index = *self.map.get(key)?;
        self.slots[index].value.as_ref()
    }

    #[cfg(test)]
    /// Inserts or replaces `key` as most recently used, then evicts least recently used
    /// entries until the budget holds again (the new entry itself is never evicted).
    /// Returns the evicted entries.
    pub fn insert(&mut self, key: K, value: V, charge: usize) -> Vec<(K, V)> {
        let mut evicted = self.insert_no_evict(key, value, charge);
        evicted.extend(self.evict_to_fit());
        evicted
    }

    fn insert_no_evict(&mut self, key: K, value: V, charge: usize) -> Vec<(K, V)> {
        if let Some(old) = self.remove(&key) {
            drop(old);
        }
        let slot = Slot {
            key: key.clone(),
            value: Some(value),
            charge,
            prev: NIL,
            next: NIL,
        };
        let index = match self.free.pop() {
            Some(index) => {
                self.slots[index] = slot;
                index
            }
            None => {
                self.slots.push(slot);
                self.slots.len() - 1
            }
        };
        self.map.insert(key, index);
        self.push_front(index);
        self.used += charge;
        Vec::new()
    }

    fn evict_to_fit(&mut self) -> Vec<(K, V)> {
        self.evict_to_fit_sparing(|_| false)
    }

    /// Evicts from the tail until the budget holds, but first asks `spare` about each tail
    /// entry: if it says yes, the entry moves to the front instead (a "second chance"), at
    /// most once per entry per call.
    fn evict_to_fit_sparing(&mut self, mut spare: impl FnMut(&V) -> bool) -> Vec<(K, V)> {
        // course:solution p3.4 While the charges exceed the capacity (and more than one entry is left), look at the tail: if `spare` says it was used since it last reached the front, move it to the front instead (at most once per entry per call); otherwise evict it. Return what was evicted.
        let mut evicted = Vec::new();
        let mut second_chances = self.map.len();
        // Keep at least the most recent entry even when it alone exceeds the budget.
        while self.used > self.capacity && self.map.len() > 1 {
            let tail = self.tail;
            if second_chances > 0 && self.slots[tail].value.as_ref().is_some_and(&mut spare) {
                second_chances -= 1;
                self.unlink(tail);
                self.push_front(tail);
                continue;
            }
            match self.pop_lru() {
                Some(entry) => evicted.push(entry),
                None => break,
            }
        }
        evicted
        // course:stub
        // // TODO: p3.4 evict from the tail until the budget holds (this starting version never evicts).
        // let _ = &mut spare;
        // Vec::new()
        // course:end
    }

    /// Like [`Lru::insert`], but an entry about to be evicted for which `spare` returns true
    /// is moved to the front instead. This lets a concurrent cache record hits with a flag
    /// (no list update, so no exclusive lock, on the read path) and apply them lazily here:
    /// the classic "second chance" refinement of LRU.
    pub fn insert_sparing(
        &mut self,
        key: K,
        value: V,
        charge: usize,
        spare: impl FnMut(&V) -> bool,
    ) -> Vec<(K, V)> {
        let mut evicted = self.insert_no_evict(key, value, charge);
        evicted.extend(self.evict_to_fit_sparing(spare));
        evicted
    }

    /// Removes and returns the least recently used entry.
    pub fn pop_lru(&mut self) -> Option<(K, V)> {
        if self.tail == NIL {
            return None;
        }
        let key = self.slots[self.tail].key.clone();
        self.remove(&key).map(|value| (key, value))
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let index = self.map.remove(key)?;
        self.unlink(index);
        self.used -= self.slots[index].charge;
        self.slots[index].charge = 0;
        self.free.push(index);
        self.slots[index].value.take()
    }

    #[cfg(test)]
    /// Keys from most to least recently used (for tests and debugging).
    pub fn keys_mru_first(&self) -> Vec<K> {
        let mut keys = Vec::with_capacity(self.len());
        let mut index = self.head;
        while index != NIL {
            keys.push(self.slots[index].key.clone());
            index = self.slots[index].next;
        }
        keys
    }

    /// Checks the structure: list and map agree, links are symmetric, charges add up,
    /// and the budget holds (unless a single oversized entry is all there is).
    ///
    /// # Errors
    /// A description of the first broken rule.
    pub fn check_invariants(&self) -> Result<(), String> {
        // course:solution p3.4 Walk the list from the head: links symmetric, every linked slot in the map and holding a value, list and map of equal length, charges adding up to `used`, the budget held (unless one oversized entry is all there is), no slot leaked.
        let mut count = 0;
        let mut charges = 0;
        let mut prev = NIL;
        let mut index = self.head;
        while index != NIL {
            let slot = &self.slots[index];
            if slot.prev != prev {
                return Err(format!(
                    "slot {index} has prev {} expected {prev}",
                    slot.prev
                ));
            }
            if self.map.get(&slot.key) != Some(&index) {
                return Err(format!("slot {index} is in the list but not the map"));
            }
            if slot.value.is_none() {
                return Err(format!("slot {index} is linked but empty"));
            }
            count += 1;
            charges += slot.charge;
            if count > self.slots.len() {
                return Err("the list has a cycle".into());
            }
            prev = index;
            index = slot.next;
        }
        if prev != self.tail {
            return Err("tail does not end the list".into());
        }
        if count != self.map.len() {
            return Err(format!("list has {count} entries, map {}", self.map.len()));
        }
        if charges != self.used {
            return Err(format!("charges add to {charges}, used says {}", self.used));
        }
        if self.used > self.capacity && self.map.len() > 1 {
            return Err(format!("over budget: {} > {}", self.used, self.capacity));
        }
        if self.map.len() + self.free.len() != self.slots.len() {
            return Err("slots leaked".into());
        }
        Ok(())
        // course:stub
        // // TODO: p3.4 check the list as well.
        // if self.map.len() + self.free.len() != self.slots.len() {
        //     return Err("slots leaked".into());
        // }
        // Ok(())
        // course:end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Runs `ops` (`+k` insert with charge 1, `?k` get) on a cache of `capacity` bytes and
    /// checks the order from most to least recently used.
    fn check(capacity: usize, ops: &[&str], expected_mru_first: &[u32]) {
        let mut lru = Lru::new(capacity);
        for op in ops {
            let key: u32 = op[1..].parse().unwrap();
            match &op[..1] {
                "+" => {
                    lru.insert(key, key * 10, 1);
                }
                "?" => {
                    lru.get(&key);
                }
                "-" => {
                    lru.remove(&key);
                }
                other => panic!("unknown op {other}"),
            }
            lru.check_invariants().unwrap();
        }
        assert_eq!(lru.keys_mru_first(), expected_mru_first, "ops {ops:?}");
    }

    #[test]
    fn lru_eviction_order_table() {
        check(3, &["+1", "+2", "+3"], &[3, 2, 1]);
        check(3, &["+1", "+2", "+3", "+4"], &[4, 3, 2]);
        check(3, &["+1", "+2", "+3", "?1", "+4"], &[4, 1, 3]);
        check(3, &["+1", "+2", "+1"], &[1, 2]);
        check(3, &["+1", "+2", "-1", "+3", "+4"], &[4, 3, 2]);
        check(1, &["+1", "+2", "?1"], &[2]);
    }

    #[test]
    fn lru_counts_bytes_not_entries() {
        let mut lru = Lru::new(100);
        lru.insert("a", (), 60);
        lru.insert("b", (), 30);
        assert_eq!(lru.used_bytes(), 90);
        let evicted = lru.insert("c", (), 20);
        assert_eq!(evicted, vec![("a", ())]);
        assert_eq!(lru.used_bytes(), 50);
        lru.check_invariants().unwrap();
    }

    #[test]
    fn lru_second_chance_spares_flagged_entries() {
        let mut lru = Lru::new(3);
        for key in 1..=3 {
            lru.insert(key, key == 1, 1);
        }
        // Key 1 is least recently used but flagged, so key 2 goes instead.
        let evicted = lru.insert_sparing(4, false, 1, |flagged| *flagged);
        assert_eq!(evicted, vec![(2, false)]);
        assert_eq!(lru.keys_mru_first(), vec![1, 4, 3]);
        lru.check_invariants().unwrap();
    }

    #[test]
    fn lru_keeps_single_oversized_entry() {
        let mut lru = Lru::new(10);
        lru.insert(1, (), 50);
        assert_eq!(lru.len(), 1);
        lru.check_invariants().unwrap();
    }

    proptest! {
        #[test]
        fn lru_invariants_hold_under_random_ops(ops in proptest::collection::vec((0u8..3, 0u16..20, 1usize..5), 0..300)) {
            let mut lru = Lru::new(16);
            for (op, key, charge) in ops {
                match op {
                    0 => { lru.insert(key, key, charge); }
                    1 => { if let Some(v) = lru.get(&key) { prop_assert_eq!(*v, key); } }
                    _ => { lru.remove(&key); }
                }
                prop_assert!(lru.check_invariants().is_ok(), "{:?}", lru.check_invariants());
            }
        }
    }
}
