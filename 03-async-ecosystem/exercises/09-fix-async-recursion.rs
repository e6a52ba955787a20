//! # Fix E0733: recursion in an `async fn`
//!
//! - **Goal:** `total_size` walks a directory tree and awaits on every file (as a real one would await a `stat`). It calls itself for subdirectories, and the compiler rejects it: make the recursion go through a pointer, and keep the walk complete.
//! - **Concepts:** the future of an `async fn` contains the futures it awaits, so a recursive one would contain itself and have infinite size; `Box::pin` puts the recursive call's future on the heap; since Rust 1.77 that is all the fix needs; E0733 "recursion in an async fn requires boxing".
//! - **Read first:** `notes/04-state-machines.md` (section "Recursion needs a box").
//! - **Run:** `cargo run --bin m03-fix-async-recursion` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-fix-async-recursion`)
//! - **Test:** `cargo course verify 03.9` (reference solution: `cargo test -p async-ecosystem --bin m03-fix-async-recursion`)
//! - **Done when:** it compiles and every test passes.

use std::cell::Cell;

/// A node of a directory tree.
#[derive(Debug)]
enum Node {
    /// A file of this many bytes.
    File(u64),
    /// A directory and its entries.
    Dir(Vec<Node>),
}

/// Pretends to ask the file system for a file's size: counts the call and yields once.
async fn stat(size: u64, stats: &Cell<u32>) -> u64 {
    stats.set(stats.get() + 1);
    tokio::task::yield_now().await;
    size
}

/// The total size of every file under `node`, visiting each file once (`stats` counts visits).
async fn total_size(node: &Node, stats: &Cell<u32>) -> u64 {
    match node {
        Node::File(size) => stat(*size, stats).await,
        Node::Dir(entries) => {
            let mut total = 0;
            for entry in entries {
                // course:solution
                total += Box::pin(total_size(entry, stats)).await;
                // course:stub
                // total += total_size(entry, stats).await;
                // course:decoy files-only Counts the files directly inside the directory and skips subdirectories.
                // if let Node::File(size) = entry {
                //     total += stat(*size, stats).await;
                // }
                // course:decoy one-level-deeper Unrolls one level of recursion by hand instead of recursing.
                // total += match entry {
                //     Node::File(size) => stat(*size, stats).await,
                //     Node::Dir(inner) => {
                //         let mut sum = 0;
                //         for file in inner {
                //             if let Node::File(size) = file {
                //                 sum += stat(*size, stats).await;
                //             }
                //         }
                //         sum
                //     }
                // };
                // course:end
            }
            total
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let tree = Node::Dir(vec![
        Node::File(100),
        Node::Dir(vec![Node::File(20), Node::Dir(vec![Node::File(3)])]),
    ]);
    let stats = Cell::new(0);
    let total = total_size(&tree, &stats).await;
    println!("{total} bytes in {} files", stats.get());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of `depth` nested directories with one file of 1 byte at each level.
    fn chain(depth: u32) -> Node {
        (0..depth).fold(Node::Dir(Vec::new()), |inner, _| {
            Node::Dir(vec![Node::File(1), inner])
        })
    }

    #[tokio::test]
    async fn a_single_file_is_its_own_size() {
        let stats = Cell::new(0);
        assert_eq!(total_size(&Node::File(42), &stats).await, 42);
    }

    #[tokio::test]
    async fn files_in_nested_directories_are_counted() {
        let tree = Node::Dir(vec![
            Node::File(100),
            Node::Dir(vec![Node::File(20), Node::Dir(vec![Node::File(3)])]),
            Node::Dir(Vec::new()),
        ]);
        let stats = Cell::new(0);
        assert_eq!(total_size(&tree, &stats).await, 123);
        assert_eq!(stats.get(), 3, "each file is visited exactly once");
    }

    #[tokio::test]
    async fn a_deep_chain_is_walked_to_the_bottom() {
        let stats = Cell::new(0);
        assert_eq!(total_size(&chain(50), &stats).await, 50);
        assert_eq!(stats.get(), 50);
    }
}
