//! # A doubly-linked list with `Rc`, `RefCell` and `Weak`, and why it is hard
//!
//! - **Goal:** implement a safe doubly-linked list: strong `Rc` links forward, `Weak` links back, so the list frees every node and never leaks a cycle.
//! - **Concepts:** shared ownership (`Rc`), interior mutability (`RefCell`: borrow rules checked at run time), `Weak` to break cycles, `Rc::try_unwrap`, iterative `Drop` to avoid deep recursion; why a node owned from two sides does not fit single ownership. Module 04 rebuilds this list with raw pointers.
//! - **Read first:** `notes/01-ownership-model.md` (sections "When one owner is not enough" and "Leaks are safe").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-doubly-linked-list` runs your copy (made by `cargo course start 01.14`).
//! - **Test:** `cargo course verify 01.14` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-doubly-linked-list`.)
//! - **Done when:** every test passes, including the drop-count tests and the 100 000-node list that must drop without overflowing the stack.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// A strong, owning link to a node (or no node).
type Link<T> = Option<Rc<RefCell<Node<T>>>>;

/// One element of the list.
#[derive(Debug)]
struct Node<T> {
    /// The element.
    value: T,
    /// The next node; this link owns it.
    next: Link<T>,
    /// The previous node; a `Weak` link that does not keep it alive, so there is no cycle.
    prev: Option<Weak<RefCell<Node<T>>>>,
}

/// A doubly-linked list.
///
/// Ownership runs one way: `head` → `next` → … → last node. `tail` is a second strong handle on
/// the last node, and every `prev` is weak. A node therefore has at most two strong owners (its
/// predecessor, or `head`; and `tail` if it is last), and no strong cycle exists.
#[derive(Debug)]
struct DoublyLinkedList<T> {
    /// The first node.
    head: Link<T>,
    /// The last node.
    tail: Link<T>,
    /// The number of nodes.
    len: usize,
}

/// Takes the value out of a node that no one else owns any more.
fn into_value<T>(node: Rc<RefCell<Node<T>>>) -> T {
    match Rc::try_unwrap(node) {
        Ok(cell) => cell.into_inner().value,
        Err(_) => unreachable!("a detached node has exactly one strong owner: the caller"),
    }
}

impl<T> DoublyLinkedList<T> {
    /// Creates an empty list.
    fn new() -> Self {
        DoublyLinkedList {
            head: None,
            tail: None,
            len: 0,
        }
    }

    /// The number of elements.
    fn len(&self) -> usize {
        self.len
    }

    /// Whether the list is empty.
    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `value` at the back.
    fn push_back(&mut self, value: T) {
        // course:solution New node: `prev` is a `Weak` to the old tail; the old tail's `next` owns the new node.
        let node = Rc::new(RefCell::new(Node {
            value,
            next: None,
            prev: None,
        }));
        match self.tail.take() {
            Some(old_tail) => {
                node.borrow_mut().prev = Some(Rc::downgrade(&old_tail));
                old_tail.borrow_mut().next = Some(Rc::clone(&node));
            }
            None => self.head = Some(Rc::clone(&node)),
        }
        self.tail = Some(node);
        self.len += 1;
        // course:decoy no-back-links Never sets `prev`; the other methods get by without it.
        // let node = Rc::new(RefCell::new(Node {
        //     value,
        //     next: None,
        //     prev: None,
        // }));
        // match self.tail.take() {
        //     Some(old_tail) => old_tail.borrow_mut().next = Some(Rc::clone(&node)),
        //     None => self.head = Some(Rc::clone(&node)),
        // }
        // self.tail = Some(node);
        // self.len += 1;
        // course:end
    }

    /// Adds `value` at the front.
    fn push_front(&mut self, value: T) {
        // course:solution The new node owns the old head through `next`; the old head points back weakly.
        let node = Rc::new(RefCell::new(Node {
            value,
            next: None,
            prev: None,
        }));
        match self.head.take() {
            Some(old_head) => {
                old_head.borrow_mut().prev = Some(Rc::downgrade(&node));
                node.borrow_mut().next = Some(old_head);
            }
            None => self.tail = Some(Rc::clone(&node)),
        }
        self.head = Some(node);
        self.len += 1;
        // course:decoy no-back-links
        // let node = Rc::new(RefCell::new(Node {
        //     value,
        //     next: self.head.take(),
        //     prev: None,
        // }));
        // if self.tail.is_none() {
        //     self.tail = Some(Rc::clone(&node));
        // }
        // self.head = Some(node);
        // self.len += 1;
        // course:end
    }

    /// Removes and returns the front element.
    fn pop_front(&mut self) -> Option<T> {
        // course:solution Detach the head: its `next` becomes the head (with no `prev`); drop every other strong handle before unwrapping.
        let old_head = self.head.take()?;
        match old_head.borrow_mut().next.take() {
            Some(new_head) => {
                new_head.borrow_mut().prev = None;
                self.head = Some(new_head);
            }
            None => self.tail = None,
        }
        self.len -= 1;
        Some(into_value(old_head))
        // course:decoy stale-back-link Leaves the new head's `prev` pointing at the popped node.
        // let old_head = self.head.take()?;
        // match old_head.borrow_mut().next.take() {
        //     Some(new_head) => self.head = Some(new_head),
        //     None => self.tail = None,
        // }
        // self.len -= 1;
        // Some(into_value(old_head))
        // course:end
    }

    /// Removes and returns the back element.
    fn pop_back(&mut self) -> Option<T> {
        // course:solution Detach the tail: upgrade its `prev` to find the new tail, and cut that node's `next`.
        let old_tail = self.tail.take()?;
        let previous = old_tail
            .borrow_mut()
            .prev
            .take()
            .and_then(|weak| weak.upgrade());
        match previous {
            Some(new_tail) => {
                new_tail.borrow_mut().next = None;
                self.tail = Some(new_tail);
            }
            None => self.head = None,
        }
        self.len -= 1;
        Some(into_value(old_tail))
        // course:decoy no-back-links
        // let old_tail = self.tail.take()?;
        // self.len -= 1;
        // if self.len == 0 {
        //     self.head = None;
        //     return Some(into_value(old_tail));
        // }
        // // Walk from the head to the node before the tail.
        // let mut cursor = self.head.clone();
        // while let Some(node) = cursor {
        //     let next = node.borrow().next.clone();
        //     if next.as_ref().is_some_and(|next| Rc::ptr_eq(next, &old_tail)) {
        //         node.borrow_mut().next = None;
        //         old_tail.borrow_mut().prev = None;
        //         self.tail = Some(node);
        //         break;
        //     }
        //     cursor = next;
        // }
        // Some(into_value(old_tail))
        // course:decoy walk-from-head Finds the new tail by walking from the head instead of following `prev`.
        // let old_tail = self.tail.take()?;
        // self.len -= 1;
        // if self.len == 0 {
        //     self.head = None;
        //     return Some(into_value(old_tail));
        // }
        // // Walk from the head to the node before the tail.
        // let mut cursor = self.head.clone();
        // while let Some(node) = cursor {
        //     let next = node.borrow().next.clone();
        //     if next.as_ref().is_some_and(|next| Rc::ptr_eq(next, &old_tail)) {
        //         node.borrow_mut().next = None;
        //         old_tail.borrow_mut().prev = None;
        //         self.tail = Some(node);
        //         break;
        //     }
        //     cursor = next;
        // }
        // Some(into_value(old_tail))
        // course:end
    }

    /// Copies the elements out, front to back, following the strong `next` links.
    fn to_vec(&self) -> Vec<T>
    where
        T: Clone,
    {
        // course:solution Walk from `head`, cloning each `Rc` to step to the next node.
        let mut values = Vec::with_capacity(self.len);
        let mut cursor = self.head.clone();
        while let Some(node) = cursor {
            values.push(node.borrow().value.clone());
            cursor = node.borrow().next.clone();
        }
        values
        // course:decoy forward-walk-skips-the-last Stops at the node whose `next` is empty, before copying it.
        // let mut values = Vec::with_capacity(self.len);
        // let mut cursor = self.head.clone();
        // while let Some(node) = cursor {
        //     let next = node.borrow().next.clone();
        //     if next.is_some() {
        //         values.push(node.borrow().value.clone());
        //     }
        //     cursor = next;
        // }
        // values
        // course:end
    }

    /// Copies the elements out, back to front, following the weak `prev` links.
    fn to_vec_reversed(&self) -> Vec<T>
    where
        T: Clone,
    {
        // course:solution Walk from `tail`; each step upgrades a `Weak` (it succeeds, because the list still owns every node).
        let mut values = Vec::with_capacity(self.len);
        let mut cursor = self.tail.clone();
        while let Some(node) = cursor {
            values.push(node.borrow().value.clone());
            cursor = node.borrow().prev.as_ref().and_then(Weak::upgrade);
        }
        values
        // course:decoy no-back-links
        // let mut values = self.to_vec();
        // values.reverse();
        // values
        // course:decoy reverse-the-forward-walk Walks forward and reverses, never following a `prev` link.
        // let mut values = self.to_vec();
        // values.reverse();
        // values
        // course:end
    }
}

impl<T> Drop for DoublyLinkedList<T> {
    /// Frees the nodes one by one: the default drop would recurse once per node.
    fn drop(&mut self) {
        // course:solution
        while self.pop_front().is_some() {}
        // course:stub
        // // TODO: the default drop recurses through `next` once per node; free the nodes in a loop.
        // course:decoy drop-head-only Drops the head and lets the nodes free each other, recursively.
        // self.tail = None;
        // self.head = None;
        // course:end
    }
}

fn main() {
    let mut list = DoublyLinkedList::new();
    for word in ["borrow", "check"] {
        list.push_back(word.to_string());
    }
    list.push_front("please".to_string());
    println!("forward:  {:?}", list.to_vec());
    println!("backward: {:?}", list.to_vec_reversed());
    println!(
        "pop back: {:?}, pop front: {:?}",
        list.pop_back(),
        list.pop_front()
    );
    println!("left: {:?} ({} element)", list.to_vec(), list.len());
    list.pop_front();
    println!("empty now: {}", list.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Counts its own drops in a shared counter.
    #[derive(Debug)]
    struct Tracked {
        drops: Rc<Cell<usize>>,
    }

    impl Drop for Tracked {
        fn drop(&mut self) {
            self.drops.set(self.drops.get() + 1);
        }
    }

    fn list_of(values: &[i32]) -> DoublyLinkedList<i32> {
        let mut list = DoublyLinkedList::new();
        for &value in values {
            list.push_back(value);
        }
        list
    }

    #[test]
    fn push_back_and_push_front_keep_order_both_ways() {
        let mut list = list_of(&[2, 3]);
        list.push_front(1);
        assert_eq!(list.len(), 3);
        assert!(!list.is_empty());
        assert_eq!(list.to_vec(), [1, 2, 3]);
        assert_eq!(list.to_vec_reversed(), [3, 2, 1]);
    }

    #[test]
    fn pops_from_both_ends() {
        let mut list = list_of(&[1, 2, 3, 4]);
        assert_eq!(list.pop_front(), Some(1));
        assert_eq!(list.pop_back(), Some(4));
        assert_eq!(list.to_vec(), [2, 3]);
        assert_eq!(list.to_vec_reversed(), [3, 2]);
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn popping_cuts_every_link_to_the_popped_nodes() {
        let mut list = list_of(&[1, 2, 3, 4]);
        list.pop_front();
        list.pop_back();
        let head = list.head.as_ref().expect("two nodes are left");
        // A stale `Weak` would keep the popped node's allocation alive (though not its value).
        assert!(
            head.borrow().prev.is_none(),
            "the new head still points back at the popped node"
        );
        let tail = list.tail.as_ref().expect("two nodes are left");
        assert!(
            tail.borrow().next.is_none(),
            "the new tail still owns the popped node"
        );
    }

    /// Every node, front to back, found by following the strong `next` links.
    fn nodes(list: &DoublyLinkedList<i32>) -> Vec<Rc<RefCell<Node<i32>>>> {
        let mut nodes = Vec::new();
        let mut cursor = list.head.clone();
        while let Some(node) = cursor {
            cursor = node.borrow().next.clone();
            nodes.push(node);
        }
        nodes
    }

    #[test]
    fn every_back_link_leads_to_the_previous_node() {
        let mut list = list_of(&[2, 3, 4]);
        list.push_front(1);
        let nodes = nodes(&list);
        assert_eq!(nodes.len(), 4);
        assert!(nodes[0].borrow().prev.is_none(), "the head has no `prev`");
        for pair in nodes.windows(2) {
            let back = pair[1].borrow().prev.as_ref().and_then(Weak::upgrade);
            assert!(
                back.is_some_and(|back| Rc::ptr_eq(&back, &pair[0])),
                "the `prev` of node {} does not lead back to node {}",
                pair[1].borrow().value,
                pair[0].borrow().value
            );
        }
        assert!(Rc::ptr_eq(
            list.tail.as_ref().expect("four nodes"),
            &nodes[3]
        ));
    }

    #[test]
    fn to_vec_reversed_follows_the_back_links() {
        let list = list_of(&[1, 2, 3]);
        // Cut the back link of the middle node: a backward walk must now stop there.
        nodes(&list)[1].borrow_mut().prev = None;
        assert_eq!(list.to_vec_reversed(), [3, 2]);
        assert_eq!(list.to_vec(), [1, 2, 3]);
    }

    #[test]
    fn pop_back_does_not_walk_from_the_head() {
        let mut list = list_of(&[1, 2, 3]);
        let head = Rc::clone(list.head.as_ref().expect("three nodes"));
        // While the head is borrowed exclusively, touching it would panic: `pop_back` of a
        // three-node list needs only the last two nodes.
        let guard = head.borrow_mut();
        let popped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| list.pop_back()));
        drop(guard);
        let Ok(popped) = popped else {
            // The list is half-updated after the panic; do not run its `Drop` on top of it.
            std::mem::forget(list);
            panic!("`pop_back` walked from the head: follow the tail's `prev` link instead");
        };
        assert_eq!(popped, Some(3));
        assert_eq!(list.to_vec(), [1, 2]);
    }

    #[test]
    fn popping_an_empty_list_gives_none() {
        let mut list: DoublyLinkedList<i32> = DoublyLinkedList::new();
        assert_eq!(list.pop_front(), None);
        assert_eq!(list.pop_back(), None);
        assert!(list.is_empty());
    }

    #[test]
    fn single_element_can_be_popped_from_either_end() {
        let mut list = list_of(&[7]);
        assert_eq!(list.pop_back(), Some(7));
        assert!(
            list.head.is_none() && list.tail.is_none(),
            "both ends must be cleared"
        );
        list.push_front(8);
        assert_eq!(list.pop_front(), Some(8));
        assert!(
            list.head.is_none() && list.tail.is_none(),
            "both ends must be cleared"
        );
        assert!(list.is_empty());
    }

    #[test]
    fn back_links_are_weak_so_there_is_no_strong_cycle() {
        let list = list_of(&[1, 2, 3]);
        let head = list.head.as_ref().expect("the list has three nodes");
        // Only `list.head` owns the first node; the second node's `prev` is weak.
        assert_eq!(Rc::strong_count(head), 1);
        assert_eq!(Rc::weak_count(head), 1);
        let tail = list.tail.as_ref().expect("the list has three nodes");
        // The last node is owned by its predecessor's `next` and by `list.tail`.
        assert_eq!(Rc::strong_count(tail), 2);
        assert_eq!(Rc::weak_count(tail), 0);
    }

    #[test]
    fn dropping_the_list_drops_every_element_once() {
        let drops = Rc::new(Cell::new(0));
        let mut list = DoublyLinkedList::new();
        for _ in 0..5 {
            list.push_back(Tracked {
                drops: Rc::clone(&drops),
            });
        }
        list.push_front(Tracked {
            drops: Rc::clone(&drops),
        });
        assert_eq!(drops.get(), 0);
        drop(list);
        assert_eq!(
            drops.get(),
            6,
            "every node must be freed: a strong cycle would leak them"
        );
    }

    #[test]
    fn popped_elements_are_moved_out_not_dropped() {
        let drops = Rc::new(Cell::new(0));
        let mut list = DoublyLinkedList::new();
        list.push_back(Tracked {
            drops: Rc::clone(&drops),
        });
        list.push_back(Tracked {
            drops: Rc::clone(&drops),
        });
        let back = list.pop_back();
        assert_eq!(
            drops.get(),
            0,
            "popping hands the element over; it must not drop it"
        );
        drop(back);
        assert_eq!(drops.get(), 1);
        drop(list);
        assert_eq!(drops.get(), 2);
    }

    #[test]
    fn a_long_list_drops_without_overflowing_the_stack() {
        let mut list = DoublyLinkedList::new();
        for value in 0..100_000 {
            list.push_back(value);
        }
        assert_eq!(list.len(), 100_000);
        drop(list);
    }
}
