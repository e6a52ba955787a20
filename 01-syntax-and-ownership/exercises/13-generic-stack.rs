//! # A generic stack, and where lifetimes show up in it
//!
//! - **Goal:** implement an owning `Stack<T>` whose `peek`, `iter` and `drain` hand out borrows and moves that the compiler can check.
//! - **Concepts:** a container that owns its items needs no lifetime annotations; lifetimes appear when it lends: `peek(&self) -> Option<&T>`, an iterator `Iter<'a, T>` that borrows the stack, a `Drain<'a, T>` that holds `&'a mut Stack<T>` and moves items out; `impl IntoIterator for &Stack<T>`; `Drop` on a guard type.
//! - **Read first:** `notes/03-lifetimes-explained.md` (section "Structs that hold references") and `notes/04-move-semantics.md`.
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-generic-stack` runs your copy (made by `cargo course start 01.13`).
//! - **Test:** `cargo course verify 01.13` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-generic-stack`.)
//! - **Done when:** it compiles and every test passes. The starting file does not compile (E0261): `Iter`, `Drain` and their `impl` headers use a lifetime `'a` that nobody has declared yet, and declaring it in the right places is the first half of the exercise. Then try to `push` inside a `for item in &stack` loop and read the error.

/// A last-in, first-out stack that owns its items.
///
/// No lifetime parameter: the stack owns its items and adds no borrow of its own. (A
/// `Stack<&'a str>` does hold borrows, but `'a` travels inside `T` and is checked through `T`.)
#[derive(Debug)]
struct Stack<T> {
    /// The items, bottom first; the top of the stack is the end of the vector.
    items: Vec<T>,
}

impl<T> Stack<T> {
    /// Creates an empty stack.
    fn new() -> Self {
        Stack { items: Vec::new() }
    }

    /// Puts `item` on top; the stack takes ownership of it.
    fn push(&mut self, item: T) {
        // course:solution The top of the stack is the end of `items`.
        self.items.push(item);
        // course:decoy push-to-bottom Inserts at the front of the vector, so the newest item is at the bottom.
        // self.items.insert(0, item);
        // course:end
    }

    /// Removes the top item and gives ownership of it to the caller.
    fn pop(&mut self) -> Option<T> {
        // course:solution
        self.items.pop()
        // course:decoy pop-bottom Removes the oldest item instead of the newest.
        // if self.items.is_empty() { None } else { Some(self.items.remove(0)) }
        // course:end
    }

    /// Borrows the top item without removing it.
    /// Elided signature: `fn peek<'s>(&'s self) -> Option<&'s T>`.
    fn peek(&self) -> Option<&T> {
        // course:solution
        self.items.last()
        // course:decoy peek-bottom Looks at the bottom of the stack.
        // self.items.first()
        // course:end
    }

    /// Borrows the top item exclusively, so the caller can change it in place.
    fn peek_mut(&mut self) -> Option<&mut T> {
        // course:solution
        self.items.last_mut()
        // course:decoy peek-mut-bottom Lends the bottom of the stack.
        // self.items.first_mut()
        // course:end
    }

    /// How many items are on the stack.
    fn len(&self) -> usize {
        // course:solution
        self.items.len()
        // course:decoy capacity Reports the capacity, which may be larger than the length.
        // self.items.capacity()
        // course:end
    }

    /// Whether the stack holds no items.
    fn is_empty(&self) -> bool {
        // course:solution
        self.items.is_empty()
        // course:decoy always-empty Always says the stack is empty.
        // true
        // course:end
    }

    // course:solution
    /// Iterates from the top to the bottom, borrowing the stack for as long as the iterator lives.
    fn iter(&self) -> Iter<'_, T> {
        Iter {
            remaining: &self.items,
        }
    }

    /// Moves the items out from the top to the bottom.
    /// The stack is empty afterwards, even if the `Drain` is dropped before it is used up.
    fn drain(&mut self) -> Drain<'_, T> {
        Drain { stack: self }
    }
    // course:stub
    // /// Iterates from the top to the bottom, borrowing the stack for as long as the iterator lives.
    // /// TODO: once `Iter` has its lifetime parameter, say in this signature what it borrows.
    // fn iter(&self) -> Iter<T> {
    //     todo!()
    // }
    //
    // /// Moves the items out from the top to the bottom.
    // /// The stack is empty afterwards, even if the `Drain` is dropped before it is used up.
    // /// TODO: as for `iter`.
    // fn drain(&mut self) -> Drain<T> {
    //     todo!()
    // }
    // course:end
}

// course:solution
/// A borrowing iterator over a stack, top first.
/// `'a` ties every `&'a T` it yields to the borrow of the stack it came from.
#[derive(Debug)]
struct Iter<'a, T> {
    /// The items not yet visited; the next one is the *last* element of this slice.
    remaining: &'a [T],
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        let (top, rest) = self.remaining.split_last()?;
        self.remaining = rest;
        Some(top)
    }
}

impl<'a, T> IntoIterator for &'a Stack<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    /// Lets `for item in &stack` work.
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// Moves items out of a stack, top first; holds the stack exclusively while it lives.
#[derive(Debug)]
struct Drain<'a, T> {
    /// The stack being emptied.
    stack: &'a mut Stack<T>,
}

impl<T> Iterator for Drain<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.stack.pop()
    }
}

impl<T> Drop for Drain<'_, T> {
    /// Empties the stack if the caller stopped draining early.
    fn drop(&mut self) {
        self.stack.items.clear();
    }
}
// course:stub
// /// A borrowing iterator over a stack, top first.
// /// TODO: every `&'a T` it yields borrows the stack it came from: declare `'a` on the struct and
// /// on each `impl` below, and decide where else it belongs.
// #[derive(Debug)]
// struct Iter<T> {
//     /// The items not yet visited; the next one is the *last* element of this slice.
//     remaining: &'a [T],
// }
//
// impl<T> Iterator for Iter<T> {
//     type Item = &'a T;
//
//     /// TODO: look at `slice::split_last`; shrink `remaining` to the rest.
//     fn next(&mut self) -> Option<&'a T> {
//         todo!()
//     }
// }
//
// impl<T> IntoIterator for &'a Stack<T> {
//     type Item = &'a T;
//     type IntoIter = Iter<T>;
//
//     /// Lets `for item in &stack` work.
//     fn into_iter(self) -> Iter<T> {
//         todo!()
//     }
// }
//
// /// Moves items out of a stack, top first; holds the stack exclusively while it lives.
// /// TODO: declare the lifetime of the exclusive borrow it holds.
// #[derive(Debug)]
// struct Drain<T> {
//     /// The stack being emptied.
//     stack: &'a mut Stack<T>,
// }
//
// impl<T> Iterator for Drain<T> {
//     type Item = T;
//
//     /// TODO: each step moves one item out of the stack.
//     fn next(&mut self) -> Option<T> {
//         todo!()
//     }
// }
//
// impl<T> Drop for Drain<T> {
//     /// Empties the stack if the caller stopped draining early.
//     fn drop(&mut self) {
//         // TODO: drop whatever the caller did not take, so the stack ends up empty.
//     }
// }
// course:decoy iter-bottom-first Walks the slice from the front, so the iterator yields the bottom first.
// /// A borrowing iterator over a stack, top first.
// /// `'a` ties every `&'a T` it yields to the borrow of the stack it came from.
// #[derive(Debug)]
// struct Iter<'a, T> {
//     /// The items not yet visited; the next one is the *last* element of this slice.
//     remaining: &'a [T],
// }
//
// impl<'a, T> Iterator for Iter<'a, T> {
//     type Item = &'a T;
//
//     fn next(&mut self) -> Option<&'a T> {
//         let (top, rest) = self.remaining.split_first()?;
//         self.remaining = rest;
//         Some(top)
//     }
// }
//
// impl<'a, T> IntoIterator for &'a Stack<T> {
//     type Item = &'a T;
//     type IntoIter = Iter<'a, T>;
//
//     /// Lets `for item in &stack` work.
//     fn into_iter(self) -> Iter<'a, T> {
//         self.iter()
//     }
// }
//
// /// Moves items out of a stack, top first; holds the stack exclusively while it lives.
// #[derive(Debug)]
// struct Drain<'a, T> {
//     /// The stack being emptied.
//     stack: &'a mut Stack<T>,
// }
//
// impl<T> Iterator for Drain<'_, T> {
//     type Item = T;
//
//     fn next(&mut self) -> Option<T> {
//         self.stack.pop()
//     }
// }
//
// impl<T> Drop for Drain<'_, T> {
//     /// Empties the stack if the caller stopped draining early.
//     fn drop(&mut self) {
//         self.stack.items.clear();
//     }
// }
// course:decoy iter-skips Drops one element too many from `remaining` at each step.
// /// A borrowing iterator over a stack, top first.
// /// `'a` ties every `&'a T` it yields to the borrow of the stack it came from.
// #[derive(Debug)]
// struct Iter<'a, T> {
//     /// The items not yet visited; the next one is the *last* element of this slice.
//     remaining: &'a [T],
// }
//
// impl<'a, T> Iterator for Iter<'a, T> {
//     type Item = &'a T;
//
//     fn next(&mut self) -> Option<&'a T> {
//         let (top, rest) = self.remaining.split_last()?;
//         self.remaining = &rest[rest.len().min(1)..];
//         Some(top)
//     }
// }
//
// impl<'a, T> IntoIterator for &'a Stack<T> {
//     type Item = &'a T;
//     type IntoIter = Iter<'a, T>;
//
//     /// Lets `for item in &stack` work.
//     fn into_iter(self) -> Iter<'a, T> {
//         self.iter()
//     }
// }
//
// /// Moves items out of a stack, top first; holds the stack exclusively while it lives.
// #[derive(Debug)]
// struct Drain<'a, T> {
//     /// The stack being emptied.
//     stack: &'a mut Stack<T>,
// }
//
// impl<T> Iterator for Drain<'_, T> {
//     type Item = T;
//
//     fn next(&mut self) -> Option<T> {
//         self.stack.pop()
//     }
// }
//
// impl<T> Drop for Drain<'_, T> {
//     /// Empties the stack if the caller stopped draining early.
//     fn drop(&mut self) {
//         self.stack.items.clear();
//     }
// }
// course:decoy drain-bottom-first Drains from the bottom of the stack.
// /// A borrowing iterator over a stack, top first.
// /// `'a` ties every `&'a T` it yields to the borrow of the stack it came from.
// #[derive(Debug)]
// struct Iter<'a, T> {
//     /// The items not yet visited; the next one is the *last* element of this slice.
//     remaining: &'a [T],
// }
//
// impl<'a, T> Iterator for Iter<'a, T> {
//     type Item = &'a T;
//
//     fn next(&mut self) -> Option<&'a T> {
//         let (top, rest) = self.remaining.split_last()?;
//         self.remaining = rest;
//         Some(top)
//     }
// }
//
// impl<'a, T> IntoIterator for &'a Stack<T> {
//     type Item = &'a T;
//     type IntoIter = Iter<'a, T>;
//
//     /// Lets `for item in &stack` work.
//     fn into_iter(self) -> Iter<'a, T> {
//         self.iter()
//     }
// }
//
// /// Moves items out of a stack, top first; holds the stack exclusively while it lives.
// #[derive(Debug)]
// struct Drain<'a, T> {
//     /// The stack being emptied.
//     stack: &'a mut Stack<T>,
// }
//
// impl<T> Iterator for Drain<'_, T> {
//     type Item = T;
//
//     fn next(&mut self) -> Option<T> {
//         if self.stack.items.is_empty() {
//             None
//         } else {
//             Some(self.stack.items.remove(0))
//         }
//     }
// }
//
// impl<T> Drop for Drain<'_, T> {
//     /// Empties the stack if the caller stopped draining early.
//     fn drop(&mut self) {
//         self.stack.items.clear();
//     }
// }
// course:decoy lazy-drop `Drain::drop` does nothing, so a half-used drain leaves items behind.
// /// A borrowing iterator over a stack, top first.
// /// `'a` ties every `&'a T` it yields to the borrow of the stack it came from.
// #[derive(Debug)]
// struct Iter<'a, T> {
//     /// The items not yet visited; the next one is the *last* element of this slice.
//     remaining: &'a [T],
// }
//
// impl<'a, T> Iterator for Iter<'a, T> {
//     type Item = &'a T;
//
//     fn next(&mut self) -> Option<&'a T> {
//         let (top, rest) = self.remaining.split_last()?;
//         self.remaining = rest;
//         Some(top)
//     }
// }
//
// impl<'a, T> IntoIterator for &'a Stack<T> {
//     type Item = &'a T;
//     type IntoIter = Iter<'a, T>;
//
//     /// Lets `for item in &stack` work.
//     fn into_iter(self) -> Iter<'a, T> {
//         self.iter()
//     }
// }
//
// /// Moves items out of a stack, top first; holds the stack exclusively while it lives.
// #[derive(Debug)]
// struct Drain<'a, T> {
//     /// The stack being emptied.
//     stack: &'a mut Stack<T>,
// }
//
// impl<T> Iterator for Drain<'_, T> {
//     type Item = T;
//
//     fn next(&mut self) -> Option<T> {
//         self.stack.pop()
//     }
// }
//
// impl<T> Drop for Drain<'_, T> {
//     /// Empties the stack if the caller stopped draining early.
//     fn drop(&mut self) {}
// }
// course:end

fn main() {
    let mut plates: Stack<String> = Stack::new();
    for colour in ["red", "green", "blue"] {
        plates.push(format!("{colour} plate"));
    }
    println!("top: {:?}, size {}", plates.peek(), plates.len());
    if let Some(top) = plates.peek_mut() {
        top.push_str(" (chipped)");
    }
    for plate in &plates {
        println!("  {plate}");
    }
    let washed: Vec<String> = plates.drain().collect();
    println!("washed {washed:?}; stack empty: {}", plates.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;

    // Iterators are cut off with `take(10)`, so one that never ends fails instead of filling
    // the memory.

    /// A type that is neither `Copy` nor `Clone`, to prove the stack only ever moves items.
    #[derive(Debug, PartialEq)]
    struct Ticket(u32);

    fn stack_of(numbers: &[u32]) -> Stack<Ticket> {
        let mut stack = Stack::new();
        for &number in numbers {
            stack.push(Ticket(number));
        }
        stack
    }

    #[test]
    fn new_stack_is_empty() {
        let mut stack: Stack<Ticket> = Stack::new();
        assert!(stack.is_empty());
        assert_eq!(stack.len(), 0);
        assert_eq!(stack.peek(), None);
        assert_eq!(stack.pop(), None);
    }

    #[test]
    fn pop_returns_items_last_in_first_out() {
        let mut stack = stack_of(&[1, 2, 3]);
        assert_eq!(stack.len(), 3);
        assert!(!stack.is_empty());
        assert_eq!(stack.pop(), Some(Ticket(3)));
        assert_eq!(stack.pop(), Some(Ticket(2)));
        assert_eq!(stack.pop(), Some(Ticket(1)));
        assert_eq!(stack.pop(), None);
        assert!(stack.is_empty());
    }

    #[test]
    fn peek_borrows_the_top_without_removing_it() {
        let stack = stack_of(&[1, 2]);
        assert_eq!(stack.peek(), Some(&Ticket(2)));
        assert_eq!(stack.peek(), Some(&Ticket(2)));
        assert_eq!(stack.len(), 2);
    }

    #[test]
    fn peek_mut_changes_the_top_in_place() {
        let mut stack = stack_of(&[1, 2]);
        if let Some(top) = stack.peek_mut() {
            top.0 = 20;
        }
        assert_eq!(stack.pop(), Some(Ticket(20)));
        assert_eq!(stack.pop(), Some(Ticket(1)));
    }

    #[test]
    fn peek_mut_on_empty_stack_is_none() {
        let mut stack: Stack<Ticket> = Stack::new();
        assert!(stack.peek_mut().is_none());
    }

    #[test]
    fn iter_goes_top_to_bottom_and_leaves_the_stack_alone() {
        let stack = stack_of(&[1, 2, 3, 4]);
        let mut count = 0;
        for ticket in &stack {
            assert_eq!(ticket.0, 4 - count);
            count += 1;
        }
        assert_eq!(count, 4);
        let stack = stack_of(&[1, 2, 3]);
        let seen: Vec<u32> = stack.iter().take(10).map(|ticket| ticket.0).collect();
        assert_eq!(seen, [3, 2, 1]);
        let again: Vec<&Ticket> = (&stack).into_iter().take(10).collect();
        assert_eq!(again, [&Ticket(3), &Ticket(2), &Ticket(1)]);
        assert_eq!(stack.len(), 3);
    }

    #[test]
    fn iter_of_empty_stack_yields_nothing() {
        let stack: Stack<Ticket> = Stack::new();
        assert_eq!(stack.iter().take(10).count(), 0);
    }

    #[test]
    fn iterated_items_are_borrows_into_the_stack() {
        let stack = stack_of(&[1, 2]);
        let top: &Ticket = stack.iter().next().expect("two items");
        assert!(
            std::ptr::eq(top, stack.peek().expect("two items")),
            "`iter` must lend the items themselves"
        );
        // The borrow the iterator hands out outlives the iterator itself.
        let bottom = {
            let mut iter = stack.iter();
            iter.next();
            iter.next()
        };
        assert_eq!(bottom, Some(&Ticket(1)));
    }

    #[test]
    fn drain_moves_everything_out_top_first() {
        let mut stack = stack_of(&[1, 2, 3]);
        let drained: Vec<Ticket> = stack.drain().take(10).collect();
        assert_eq!(drained, [Ticket(3), Ticket(2), Ticket(1)]);
        assert!(stack.is_empty());
    }

    #[test]
    fn drain_dropped_early_still_empties_the_stack() {
        let mut stack = stack_of(&[1, 2, 3]);
        let first = stack.drain().next();
        assert_eq!(first, Some(Ticket(3)));
        assert!(
            stack.is_empty(),
            "the Drain must empty the stack when it is dropped"
        );
        stack.push(Ticket(9));
        assert_eq!(stack.peek(), Some(&Ticket(9)));
    }
}
