//! # A doubly-linked list on raw pointers, shared between threads
//!
//! - **Goal:** rebuild module 01's doubly-linked list with `NonNull` pointers instead of `Rc`/`RefCell`/`Weak`: no reference counts, no run-time borrow flags, O(1) at both ends, and an iterator that walks either way. Then make it thread-safe: justify `Send` and `Sync` in `// SAFETY:` comments so that `SharedList` (a `Mutex` around it) can be shared by threads. The starting `push_back` is the classic first attempt (box the node, keep a raw pointer into it, forget the box); Miri rejects it, and the note explains why.
//! - **Concepts:** `NonNull<T>`; `Box::into_raw`/`Box::from_raw` as the ownership hand-off; one provenance for every pointer to a node; Stacked Borrows (why `&mut *node` while raw pointers to it are in use is UB); `PhantomData` for ownership; `unsafe impl Send/Sync` with the right bounds; Miri's leak check.
//! - **Read first:** `notes/02-raw-pointers.md` (all of it, especially "Stacked Borrows in one picture" and "A list on raw pointers"), and `notes/01-unsafe-guarantees.md` ("Unsafe traits").
//! - **Run:** `cargo run --bin m04-raw-pointer-manipulation` in `learn/`.
//! - **Test:** `cargo course verify 04.2` (it also runs the tests under Miri); yourself, `cargo +nightly miri test --bin m04-raw-pointer-manipulation` in `learn/`.
//! - **Done when:** the tests pass natively and under Miri (no UB, no leak), and every `unsafe` block and `unsafe impl` has a `// SAFETY:` comment that is true.

#![expect(
    unsafe_code,
    reason = "the exercise builds a linked list on raw pointers and argues its Send and Sync impls"
)]

use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::Mutex;

/// A link to a node, or nothing.
type Link<T> = Option<NonNull<Node<T>>>;

/// One heap-allocated node. Nodes are created by `Box::into_raw` (through `NonNull::from(Box::leak(..))`)
/// and freed by `Box::from_raw`, exactly once each.
struct Node<T> {
    /// The element.
    value: T,
    /// The node before this one, or `None` at the front.
    prev: Link<T>,
    /// The node after this one, or `None` at the back.
    next: Link<T>,
}

/// A doubly-linked list that owns its nodes through raw pointers.
///
/// Invariants: `head` is `None` exactly when `tail` is `None` exactly when `len == 0`; following
/// `next` from `head` visits `len` nodes and ends at `tail`; following `prev` from `tail`
/// visits the same nodes in reverse; every node is owned by exactly one list.
struct List<T> {
    /// The first node.
    head: Link<T>,
    /// The last node.
    tail: Link<T>,
    /// The number of nodes.
    len: usize,
    /// Tells the compiler (drop check, variance, auto traits) that a `List<T>` owns `T`s.
    _owns: PhantomData<Box<Node<T>>>,
}

/// Allocates a node on the heap and returns the only pointer to it.
fn new_node<T>(value: T, prev: Link<T>, next: Link<T>) -> NonNull<Node<T>> {
    NonNull::from(Box::leak(Box::new(Node { value, prev, next })))
}

impl<T> List<T> {
    /// An empty list.
    fn new() -> Self {
        List {
            head: None,
            tail: None,
            len: 0,
            _owns: PhantomData,
        }
    }

    /// How many elements the list holds.
    fn len(&self) -> usize {
        self.len
    }

    /// Adds `value` at the front.
    fn push_front(&mut self, value: T) {
        // course:solution Link a new node before the head; mind the empty list.
        let node = new_node(value, None, self.head);
        match self.head {
            // SAFETY: `old_head` is a live node of this list (invariant), and `&mut self`
            // means no other pointer to it is in use; we write one field through the raw
            // pointer without creating a reference to the whole node.
            Some(old_head) => unsafe { (*old_head.as_ptr()).prev = Some(node) },
            None => self.tail = Some(node),
        }
        self.head = Some(node);
        self.len += 1;
        // course:decoy forgets-tail Links the node in but leaves `tail` empty when the list was empty.
        // let node = new_node(value, None, self.head);
        // if let Some(old_head) = self.head {
        //     // SAFETY: `old_head` is a live node of this list.
        //     unsafe { (*old_head.as_ptr()).prev = Some(node) };
        // }
        // self.head = Some(node);
        // self.len += 1;
        // course:end
    }

    /// Adds `value` at the back.
    fn push_back(&mut self, value: T) {
        // course:solution Allocate the node once, keep only raw pointers to it, link it after the tail.
        let node = new_node(value, self.tail, None);
        match self.tail {
            // SAFETY: `old_tail` is a live node of this list and `&mut self` excludes any other
            // use of it; only its `next` field is written, through the raw pointer.
            Some(old_tail) => unsafe { (*old_tail.as_ptr()).next = Some(node) },
            None => self.head = Some(node),
        }
        self.tail = Some(node);
        self.len += 1;
        // course:stub
        // // A first attempt: keep the node in a Box and remember a raw pointer into it.
        // let mut boxed = Box::new(Node {
        //     value,
        //     prev: self.tail,
        //     next: None,
        // });
        // let node = NonNull::from(&mut *boxed);
        // match self.tail {
        //     // SAFETY: `old_tail` is a live node of this list.
        //     Some(old_tail) => unsafe { (*old_tail.as_ptr()).next = Some(node) },
        //     None => self.head = Some(node),
        // }
        // self.tail = Some(node);
        // self.len += 1;
        // // The list owns the node now, so the Box must not free it.
        // std::mem::forget(boxed);
        // course:decoy mut-ref-while-raw Writes the old tail through a `&mut Node` while the raw `prev` pointer of the new node into it is used as well.
        // let node = new_node(value, self.tail, None);
        // match self.tail {
        //     Some(old_tail) => {
        //         // SAFETY: `old_tail` is a live node of this list.
        //         let old: &mut Node<T> = unsafe { &mut *old_tail.as_ptr() };
        //         // SAFETY: `node` is the node just allocated; its `prev` is `old_tail`.
        //         let prev = unsafe { (*node.as_ptr()).prev.expect("prev was set to the old tail") };
        //         // SAFETY: `prev` points at the old tail, a live node.
        //         unsafe { (*prev.as_ptr()).next = Some(node) };
        //         old.next = Some(node);
        //     }
        //     None => self.head = Some(node),
        // }
        // self.tail = Some(node);
        // self.len += 1;
        // course:end
    }

    /// Removes and returns the front element.
    fn pop_front(&mut self) -> Option<T> {
        // course:solution Unlink the head, fix the new head's `prev` (or the tail), free the node.
        let old_head = self.head?;
        // SAFETY: `old_head` is a live node of this list, created by `new_node`. We unlink it
        // first and then take back ownership with `Box::from_raw` exactly once; no pointer to
        // it remains in the list afterwards.
        let node = unsafe { Box::from_raw(old_head.as_ptr()) };
        self.head = node.next;
        match self.head {
            // SAFETY: `new_head` is a live node of this list (the old head's successor).
            Some(new_head) => unsafe { (*new_head.as_ptr()).prev = None },
            None => self.tail = None,
        }
        self.len -= 1;
        Some(node.value)
        // course:decoy stale-prev Frees the head but leaves the new head's `prev` pointing at the freed node.
        // let old_head = self.head?;
        // // SAFETY: `old_head` is a live node of this list.
        // let node = unsafe { Box::from_raw(old_head.as_ptr()) };
        // self.head = node.next;
        // if self.head.is_none() {
        //     self.tail = None;
        // }
        // self.len -= 1;
        // Some(node.value)
        // course:end
    }

    /// Removes and returns the back element.
    fn pop_back(&mut self) -> Option<T> {
        // course:solution Mirror `pop_front`: unlink the tail, fix the new tail's `next` (or the head).
        let old_tail = self.tail?;
        // SAFETY: as in `pop_front`: a live node, unlinked and freed exactly once.
        let node = unsafe { Box::from_raw(old_tail.as_ptr()) };
        self.tail = node.prev;
        match self.tail {
            // SAFETY: `new_tail` is a live node of this list (the old tail's predecessor).
            Some(new_tail) => unsafe { (*new_tail.as_ptr()).next = None },
            None => self.head = None,
        }
        self.len -= 1;
        Some(node.value)
        // course:decoy leaves-head Empties the list from the back but leaves `head` pointing at the freed last node.
        // let old_tail = self.tail?;
        // // SAFETY: a live node, unlinked and freed once.
        // let node = unsafe { Box::from_raw(old_tail.as_ptr()) };
        // self.tail = node.prev;
        // if let Some(new_tail) = self.tail {
        //     // SAFETY: `new_tail` is a live node of this list.
        //     unsafe { (*new_tail.as_ptr()).next = None };
        // }
        // self.len -= 1;
        // Some(node.value)
        // course:end
    }

    /// Iterates from front to back; `.rev()` walks the `prev` links from back to front.
    fn iter(&self) -> Iter<'_, T> {
        Iter {
            front: self.head,
            back: self.tail,
            remaining: self.len,
            _list: PhantomData,
        }
    }
}

/// A borrowing iterator over a [`List`], usable from both ends.
struct Iter<'a, T> {
    /// The next node to yield from the front.
    front: Link<T>,
    /// The next node to yield from the back.
    back: Link<T>,
    /// How many nodes are left between `front` and `back` (inclusive).
    remaining: usize,
    /// Borrows the list, so it cannot change while the iterator lives.
    _list: PhantomData<&'a Node<T>>,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        // course:solution Yield the front node's value and follow its `next`; stop after `remaining` nodes.
        if self.remaining == 0 {
            return None;
        }
        let node = self.front?;
        // SAFETY: `node` is a live node of the list that `Iter` borrows shared for 'a, so no
        // one can free or mutate it while the returned `&'a T` lives.
        let node = unsafe { &*node.as_ptr() };
        self.front = node.next;
        self.remaining -= 1;
        Some(&node.value)
        // course:decoy ignores-remaining Follows `next` until it runs out, so a front and back walk that meet yield elements twice.
        // let node = self.front?;
        // // SAFETY: a live node of the borrowed list.
        // let node = unsafe { &*node.as_ptr() };
        // self.front = node.next;
        // Some(&node.value)
        // course:end
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        // course:solution Yield the back node's value and follow its `prev`.
        if self.remaining == 0 {
            return None;
        }
        let node = self.back?;
        // SAFETY: as in `next`: a live node of the list borrowed for 'a.
        let node = unsafe { &*node.as_ptr() };
        self.back = node.prev;
        self.remaining -= 1;
        Some(&node.value)
        // course:decoy forward-twice Walks `next` from the back as well, so it yields only the last element.
        // if self.remaining == 0 {
        //     return None;
        // }
        // let node = self.back?;
        // // SAFETY: a live node of the borrowed list.
        // let node = unsafe { &*node.as_ptr() };
        // self.back = node.next;
        // self.remaining -= 1;
        // Some(&node.value)
        // course:end
    }
}

impl<T> Drop for List<T> {
    fn drop(&mut self) {
        // course:solution Free every node (and drop every value) exactly once, without recursion.
        while self.pop_front().is_some() {}
        // course:stub
        // // Nothing yet: every node leaks.
        // course:decoy frees-head-only Frees the first node only, so the rest leak (Miri's leak check reports them).
        // self.pop_front();
        // course:end
    }
}

// course:solution Decide when a List<T> may move to another thread, and when &List<T> may be shared.
// SAFETY: a `List<T>` owns its nodes uniquely (no other list or handle points into them), so
// sending the list sends the `T`s it owns and nothing else: sound exactly when `T: Send`.
unsafe impl<T: Send> Send for List<T> {}
// SAFETY: through `&List<T>` one can only read: `len` and `iter` hand out `&T`. Sharing the
// list between threads therefore shares `&T`s, which is sound exactly when `T: Sync`.
unsafe impl<T: Sync> Sync for List<T> {}
// course:stub
// // SAFETY: TODO: say when this is true, and add the bound that makes it true.
// unsafe impl<T> Send for List<T> {}
// // SAFETY: TODO: say when this is true, and add the bound that makes it true.
// unsafe impl<T> Sync for List<T> {}
// course:decoy unbounded-send Promises Send for every T, so a List<Rc<_>> could cross threads.
// // SAFETY: the list owns its nodes.
// unsafe impl<T> Send for List<T> {}
// // SAFETY: shared access only reads.
// unsafe impl<T: Sync> Sync for List<T> {}
// course:decoy sync-from-send Bounds Sync on T: Send, so a list of Cells could be shared.
// // SAFETY: the list owns its nodes.
// unsafe impl<T: Send> Send for List<T> {}
// // SAFETY: shared access only reads.
// unsafe impl<T: Send> Sync for List<T> {}
// course:end

/// A list that many threads may push to and pop from: one lock around one [`List`].
///
/// `Mutex<L>` is `Sync` when `L: Send`, so this compiles only once `List<T>: Send`.
struct SharedList<T> {
    /// The list; every access holds the lock.
    inner: Mutex<List<T>>,
}

impl<T> SharedList<T> {
    /// An empty shared list.
    fn new() -> Self {
        SharedList {
            inner: Mutex::new(List::new()),
        }
    }

    /// Appends `value`.
    fn push_back(&self, value: T) {
        self.lock().push_back(value);
    }

    /// Removes the front element.
    fn pop_front(&self) -> Option<T> {
        self.lock().pop_front()
    }

    /// Locks the list; a poisoned lock (a thread panicked while holding it) is still usable,
    /// because every `List` method leaves the invariants intact before it can panic.
    fn lock(&self) -> std::sync::MutexGuard<'_, List<T>> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn main() {
    let mut list = List::new();
    list.push_back(2);
    list.push_back(3);
    list.push_front(1);
    println!("forward {:?}", list.iter().collect::<Vec<_>>());
    println!("backward {:?}", list.iter().rev().collect::<Vec<_>>());
    println!(
        "popped {:?} from the back; {} left",
        list.pop_back(),
        list.len()
    );

    let shared = SharedList::new();
    std::thread::scope(|scope| {
        for worker in 0..3 {
            let shared = &shared;
            scope.spawn(move || shared.push_back(worker));
        }
    });
    let mut drained = Vec::new();
    while let Some(value) = shared.pop_front() {
        drained.push(value);
    }
    drained.sort_unstable();
    println!("drained {drained:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use std::sync::Arc;

    /// `Probe::<T>::new().is_send()` is true exactly when `T: Send` (the inherent method wins
    /// when its bound holds; otherwise method lookup falls back to the trait's default).
    struct Probe<T>(PhantomData<T>);
    trait Fallback {
        fn is_send(&self) -> bool {
            false
        }
        fn is_sync(&self) -> bool {
            false
        }
    }
    impl<T> Fallback for Probe<T> {}
    impl<T: Send> Probe<T> {
        fn is_send(&self) -> bool {
            true
        }
    }
    struct SyncProbe<T>(PhantomData<T>);
    impl<T> Fallback for SyncProbe<T> {}
    impl<T: Sync> SyncProbe<T> {
        fn is_sync(&self) -> bool {
            true
        }
    }

    fn collect<T: Clone>(list: &List<T>) -> (Vec<T>, Vec<T>) {
        let forward = list.iter().cloned().collect();
        let backward = list.iter().rev().cloned().collect();
        (forward, backward)
    }

    #[test]
    fn push_back_keeps_order_both_ways() {
        let mut list = List::new();
        for value in 1..=4 {
            list.push_back(value);
        }
        assert_eq!(list.len(), 4);
        assert_eq!(collect(&list), (vec![1, 2, 3, 4], vec![4, 3, 2, 1]));
    }

    #[test]
    fn push_front_then_pop_back_is_a_queue() {
        let mut list = List::new();
        list.push_front(1);
        assert_eq!(collect(&list), (vec![1], vec![1]));
        list.push_front(2);
        list.push_front(3);
        assert_eq!(collect(&list), (vec![3, 2, 1], vec![1, 2, 3]));
        assert_eq!(list.pop_back(), Some(1));
        assert_eq!(list.pop_back(), Some(2));
        assert_eq!(list.pop_back(), Some(3));
        assert_eq!(list.pop_back(), None);
        assert_eq!(list.len(), 0);
        list.push_front(4);
        assert_eq!(collect(&list), (vec![4], vec![4]));
    }

    #[test]
    fn pop_front_relinks_the_new_head() {
        let mut list = List::new();
        for value in ["a", "b", "c"] {
            list.push_back(value.to_string());
        }
        assert_eq!(list.pop_front().as_deref(), Some("a"));
        assert_eq!(
            collect(&list),
            (vec!["b".into(), "c".into()], vec!["c".into(), "b".into()])
        );
        assert_eq!(list.pop_front().as_deref(), Some("b"));
        assert_eq!(list.pop_front().as_deref(), Some("c"));
        assert_eq!(list.pop_front(), None);
        list.push_back("d".to_string());
        assert_eq!(collect(&list), (vec!["d".into()], vec!["d".into()]));
    }

    #[test]
    fn both_ends_interleave() {
        let mut list = List::new();
        list.push_back(2);
        list.push_front(1);
        list.push_back(3);
        assert_eq!(list.pop_back(), Some(3));
        assert_eq!(list.pop_front(), Some(1));
        assert_eq!(collect(&list), (vec![2], vec![2]));
        assert_eq!(list.pop_back(), Some(2));
        assert_eq!(list.len(), 0);
    }

    #[test]
    fn iterator_ends_meet_in_the_middle() {
        let mut list = List::new();
        for value in 1..=5 {
            list.push_back(value);
        }
        let mut iter = list.iter();
        assert_eq!(iter.next(), Some(&1));
        assert_eq!(iter.next_back(), Some(&5));
        assert_eq!(iter.next(), Some(&2));
        assert_eq!(iter.next_back(), Some(&4));
        assert_eq!(iter.next(), Some(&3));
        assert_eq!(iter.next_back(), None);
        assert_eq!(iter.next(), None);
    }

    #[test]
    fn drop_frees_every_value_once() {
        let tracker = Rc::new(());
        let mut list = List::new();
        for _ in 0..5 {
            list.push_back(Rc::clone(&tracker));
        }
        list.push_front(Rc::clone(&tracker));
        assert_eq!(Rc::strong_count(&tracker), 7);
        drop(list.pop_back());
        assert_eq!(Rc::strong_count(&tracker), 6);
        drop(list);
        assert_eq!(Rc::strong_count(&tracker), 1);
    }

    #[test]
    fn list_is_send_and_sync_exactly_when_its_elements_are() {
        assert!(Probe::<List<u32>>(PhantomData).is_send());
        assert!(Probe::<List<Cell<u32>>>(PhantomData).is_send());
        assert!(!Probe::<List<Rc<u32>>>(PhantomData).is_send());
        assert!(SyncProbe::<List<u32>>(PhantomData).is_sync());
        assert!(!SyncProbe::<List<Cell<u32>>>(PhantomData).is_sync());
        assert!(!SyncProbe::<List<Rc<u32>>>(PhantomData).is_sync());
    }

    #[test]
    fn shared_list_accepts_pushes_from_many_threads() {
        let per_thread = if cfg!(miri) { 5 } else { 200 };
        let shared = Arc::new(SharedList::new());
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    for index in 0..per_thread {
                        shared.push_back(worker * 1_000 + index);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("a pushing thread panicked");
        }
        let mut seen = Vec::new();
        while let Some(value) = shared.pop_front() {
            seen.push(value);
        }
        seen.sort_unstable();
        let expected: Vec<_> = (0..4)
            .flat_map(|worker| (0..per_thread).map(move |index| worker * 1_000 + index))
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_long_list_drops_without_recursion() {
        let length = if cfg!(miri) { 200 } else { 100_000 };
        let mut list = List::new();
        for value in 0..length {
            list.push_back(value);
        }
        assert_eq!(list.len(), length);
        drop(list);
    }
}
