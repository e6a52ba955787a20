//! # A generic stack, and where lifetimes show up in it
//!
//! - **Goal:** implement an owning `Stack<T>` whose `peek`, `iter` and `drain` hand out borrows and moves that the compiler can check.
//! - **Concepts:** a container that owns its items needs no lifetime annotations; lifetimes appear when it lends: `peek(&self) -> Option<&T>`, an iterator `Iter<'a, T>` that borrows the stack, a `Drain<'a, T>` that holds `&'a mut Stack<T>` and moves items out; `impl IntoIterator for &Stack<T>`; `Drop` on a guard type.
//! - **Read first:** `notes/03-lifetimes-explained.md` (section "Structs that hold references") and `notes/04-move-semantics.md`.
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-generic-stack`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-generic-stack`
//! - **Done when:** every test passes; then try to `push` inside a `for item in &stack` loop and read the error.

/// A last-in, first-out stack that owns its items.
///
/// No lifetime parameter: the stack owns everything it holds, so nothing it contains can dangle.
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
        // course:end
    }

    /// Removes the top item and gives ownership of it to the caller.
    fn pop(&mut self) -> Option<T> {
        // course:solution
        self.items.pop()
        // course:end
    }

    /// Borrows the top item without removing it.
    /// Elided signature: `fn peek<'s>(&'s self) -> Option<&'s T>`.
    fn peek(&self) -> Option<&T> {
        // course:solution
        self.items.last()
        // course:end
    }

    /// Borrows the top item exclusively, so the caller can change it in place.
    fn peek_mut(&mut self) -> Option<&mut T> {
        // course:solution
        self.items.last_mut()
        // course:end
    }

    /// How many items are on the stack.
    fn len(&self) -> usize {
        // course:solution
        self.items.len()
        // course:end
    }

    /// Whether the stack holds no items.
    fn is_empty(&self) -> bool {
        // course:solution
        self.items.is_empty()
        // course:end
    }

    /// Iterates from the top to the bottom, borrowing the stack for as long as the iterator lives.
    fn iter(&self) -> Iter<'_, T> {
        // course:solution Start an `Iter` over the whole `items` slice.
        Iter {
            remaining: &self.items,
        }
        // course:end
    }

    /// Moves the items out from the top to the bottom.
    /// The stack is empty afterwards, even if the `Drain` is dropped before it is used up.
    fn drain(&mut self) -> Drain<'_, T> {
        // course:solution A `Drain` only needs the exclusive borrow of the stack.
        Drain { stack: self }
        // course:end
    }
}

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
        // course:solution Look at `slice::split_last`; shrink `remaining` to the rest.
        let (top, rest) = self.remaining.split_last()?;
        self.remaining = rest;
        Some(top)
        // course:end
    }
}

impl<'a, T> IntoIterator for &'a Stack<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    /// Lets `for item in &stack` work.
    fn into_iter(self) -> Iter<'a, T> {
        // course:solution
        self.iter()
        // course:end
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
        // course:solution Each step moves one item out of the stack.
        self.stack.pop()
        // course:end
    }
}

impl<T> Drop for Drain<'_, T> {
    /// Empties the stack if the caller stopped draining early.
    fn drop(&mut self) {
        // course:solution
        self.stack.items.clear();
        // course:stub
        // // TODO: drop whatever the caller did not take, so the stack ends up empty.
        // course:end
    }
}

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
        let stack = stack_of(&[1, 2, 3]);
        let seen: Vec<u32> = stack.iter().map(|ticket| ticket.0).collect();
        assert_eq!(seen, [3, 2, 1]);
        let again: Vec<&Ticket> = (&stack).into_iter().collect();
        assert_eq!(again, [&Ticket(3), &Ticket(2), &Ticket(1)]);
        assert_eq!(stack.len(), 3);
    }

    #[test]
    fn iter_of_empty_stack_yields_nothing() {
        let stack: Stack<Ticket> = Stack::new();
        assert_eq!(stack.iter().count(), 0);
    }

    #[test]
    fn drain_moves_everything_out_top_first() {
        let mut stack = stack_of(&[1, 2, 3]);
        let drained: Vec<Ticket> = stack.drain().collect();
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
