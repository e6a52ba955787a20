//! # Meta-programming 05.1: declarative macros
//!
//! - **Goal:** write four `macro_rules!` macros: `count!` (how many token trees, as a `usize`),
//!   `my_vec!` (a `vec!` with exact capacity, trailing commas, and a repeat form that evaluates
//!   its element once per element), `hashmap!` (`key => value` pairs) and the recursive `max!`.
//! - **Concepts:** matchers and transcribers; fragment specifiers (`expr`, `tt`); repetitions
//!   `$(...),*` and the optional trailing `$(,)?`; recursion with a base case; internal rules;
//!   evaluating each argument exactly once; absolute paths in expansions.
//! - **Read first:** `notes/01-macro-rules-fundamentals.md`, `notes/02-declarative-macro-patterns.md`.
//! - **Run:** `cargo course run 05.1`
//! - **Test:** `cargo course verify 05.1` (reference solution:
//!   `cargo test -p meta-programming --bin m05-declarative-macros`)
//! - **Done when:** every test passes and `cargo clippy` is quiet.
//!
//! The rules each macro must follow are in its doc comment. The tests call every macro the way a
//! user would and count how many times each argument is evaluated, so a macro that pastes an
//! argument twice (or once where it should be pasted `n` times) fails.

use std::collections::HashMap;

// course:solution
/// `count!(a b c)` is `3usize`: the number of token trees it is given, computed at compile time.
///
/// Each token tree is replaced by `()` inside a slice literal whose length is taken; a slice of
/// `()` costs nothing and, unlike `1 + 1 + ...`, does not nest one level per token.
macro_rules! count {
    (@unit $ignored:tt) => {
        ()
    };
    ($($token:tt)*) => {
        <[()]>::len(&[$(count!(@unit $token)),*])
    };
}
// course:stub
// /// `count!(a b c)` is `3usize`: the number of token trees it is given.
// macro_rules! count {
//     ($($token:tt)*) => {
//         todo!("count the token trees")
//     };
// }
// course:decoy recursion-off-by-one Recurses with a base case of one token that yields 0, so every count is one short.
// /// `count!(a b c)` is `3usize`: the number of token trees it is given.
// macro_rules! count {
//     () => {
//         0usize
//     };
//     ($only:tt) => {
//         0usize
//     };
//     ($head:tt $($tail:tt)*) => {
//         1usize + count!($($tail)*)
//     };
// }
// course:end

// course:solution
/// A `vec!` of our own.
///
/// - `my_vec![]` is an empty vector;
/// - `my_vec![a, b, c]` (a trailing comma is allowed) evaluates each element once, in order, into
///   a vector whose capacity is exactly its length (reserve `count!` elements up front);
/// - `my_vec![element; n]` evaluates `n` once and `element` **`n` times**, like
///   `std::iter::repeat_with`: `my_vec![next_id(); 3]` holds three different ids.
///   (The standard `vec![element; n]` instead evaluates `element` once and clones it.)
macro_rules! my_vec {
    () => {
        ::std::vec::Vec::new()
    };
    ($element:expr; $n:expr) => {{
        let count: usize = $n;
        let mut elements = ::std::vec::Vec::with_capacity(count);
        for _ in 0..count {
            elements.push($element);
        }
        elements
    }};
    ($($element:expr),+ $(,)?) => {{
        let mut elements = ::std::vec::Vec::with_capacity(count!($($element)+));
        $(elements.push($element);)+
        elements
    }};
}
// course:stub
// /// A `vec!` of our own: see the exercise description for the three forms.
// macro_rules! my_vec {
//     ($($anything:tt)*) => {
//         todo!("write the empty, list and repeat forms")
//     };
// }
// course:decoy clone-once Evaluates the repeat form's element once and clones it, like `vec!`, so `my_vec![next_id(); 3]` repeats one id.
// /// A `vec!` of our own: see the exercise description for the three forms.
// macro_rules! my_vec {
//     () => {
//         ::std::vec::Vec::new()
//     };
//     ($element:expr; $n:expr) => {{
//         let element = $element;
//         let count: usize = $n;
//         let mut elements = ::std::vec::Vec::with_capacity(count);
//         for _ in 0..count {
//             elements.push(::std::clone::Clone::clone(&element));
//         }
//         elements
//     }};
//     ($($element:expr),+ $(,)?) => {{
//         let mut elements = ::std::vec::Vec::with_capacity(count!($($element)+));
//         $(elements.push($element);)+
//         elements
//     }};
// }
// course:decoy no-capacity Pushes into `Vec::new()`, so the list form's capacity is whatever growth left behind.
// /// A `vec!` of our own: see the exercise description for the three forms.
// macro_rules! my_vec {
//     () => {
//         ::std::vec::Vec::new()
//     };
//     ($element:expr; $n:expr) => {{
//         let count: usize = $n;
//         let mut elements = ::std::vec::Vec::with_capacity(count);
//         for _ in 0..count {
//             elements.push($element);
//         }
//         elements
//     }};
//     ($($element:expr),+ $(,)?) => {{
//         let mut elements = ::std::vec::Vec::new();
//         $(elements.push($element);)+
//         elements
//     }};
// }
// course:decoy n-evaluated-per-loop Evaluates `n` in the loop header and again for the capacity, so a side-effecting count runs twice.
// /// A `vec!` of our own: see the exercise description for the three forms.
// macro_rules! my_vec {
//     () => {
//         ::std::vec::Vec::new()
//     };
//     ($element:expr; $n:expr) => {{
//         let mut elements = ::std::vec::Vec::with_capacity($n);
//         for _ in 0..$n {
//             elements.push($element);
//         }
//         elements
//     }};
//     ($($element:expr),+ $(,)?) => {{
//         let mut elements = ::std::vec::Vec::with_capacity(count!($($element)+));
//         $(elements.push($element);)+
//         elements
//     }};
// }
// course:end

// course:solution
/// `hashmap!{ k1 => v1, k2 => v2 }` (a trailing comma is allowed; `hashmap!{}` is empty) builds a
/// `HashMap` with room for every pair, inserting in order, so a repeated key keeps its **last**
/// value, as repeated `insert` calls would.
macro_rules! hashmap {
    () => {
        ::std::collections::HashMap::new()
    };
    ($($key:expr => $value:expr),+ $(,)?) => {{
        let mut map = ::std::collections::HashMap::with_capacity(count!($($key)+));
        $(map.insert($key, $value);)+
        map
    }};
}
// course:stub
// /// `hashmap!{ k1 => v1, k2 => v2 }`: see the exercise description.
// macro_rules! hashmap {
//     ($($anything:tt)*) => {
//         todo!("match `key => value` pairs separated by commas")
//     };
// }
// course:decoy first-value-wins Uses `entry(..).or_insert(..)`, so a repeated key keeps its first value.
// /// `hashmap!{ k1 => v1, k2 => v2 }`: see the exercise description.
// macro_rules! hashmap {
//     () => {
//         ::std::collections::HashMap::new()
//     };
//     ($($key:expr => $value:expr),+ $(,)?) => {{
//         let mut map = ::std::collections::HashMap::with_capacity(count!($($key)+));
//         $(map.entry($key).or_insert($value);)+
//         map
//     }};
// }
// course:end

// course:solution
/// `max!(a)` is `a`; `max!(a, b, ...)` is the greatest of its arguments, found by recursion on
/// the tail. Each argument is evaluated exactly once, left to right; on a tie the first wins.
macro_rules! max {
    ($only:expr $(,)?) => {
        $only
    };
    ($first:expr, $($rest:expr),+ $(,)?) => {{
        let first = $first;
        let rest = max!($($rest),+);
        if rest > first { rest } else { first }
    }};
}
// course:stub
// /// `max!(a, b, ...)`: the greatest argument, each evaluated once.
// macro_rules! max {
//     ($($anything:tt)*) => {
//         todo!("a base case for one argument, and a recursive case")
//     };
// }
// course:decoy pastes-twice Pastes the winning argument's expression again instead of binding it, so it is evaluated twice.
// /// `max!(a, b, ...)`: the greatest argument, each evaluated once.
// macro_rules! max {
//     ($only:expr $(,)?) => {
//         $only
//     };
//     ($first:expr, $($rest:expr),+ $(,)?) => {
//         if $first >= max!($($rest),+) { $first } else { max!($($rest),+) }
//     };
// }
// course:decoy last-wins-tie Compares with `>=`, so on a tie the later argument wins.
// /// `max!(a, b, ...)`: the greatest argument, each evaluated once.
// macro_rules! max {
//     ($only:expr $(,)?) => {
//         $only
//     };
//     ($first:expr, $($rest:expr),+ $(,)?) => {{
//         let first = $first;
//         let rest = max!($($rest),+);
//         if rest >= first { rest } else { first }
//     }};
// }
// course:end

/// A latency sample: ordered by milliseconds only, so two samples can tie while being different.
#[derive(Debug, Clone, Copy)]
struct Sample {
    millis: u32,
    host: &'static str,
}

impl PartialEq for Sample {
    fn eq(&self, other: &Self) -> bool {
        self.millis == other.millis
    }
}

impl PartialOrd for Sample {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.millis.partial_cmp(&other.millis)
    }
}

fn main() {
    let ports: Vec<u16> = my_vec![80, 443, 8080];
    let tokens: usize = count!(
        fn main() {}
    );
    let services: HashMap<&str, u16> = hashmap! { "http" => 80, "https" => 443 };
    let slowest: Sample = max!(
        Sample {
            millis: 12,
            host: "a"
        },
        Sample {
            millis: 40,
            host: "b"
        },
        Sample {
            millis: 40,
            host: "c"
        },
    );
    println!("ports {ports:?} (capacity {})", ports.capacity());
    println!("`fn main() {{}}` is {tokens} token trees");
    println!("https is port {}", services["https"]);
    println!("slowest host: {}", slowest.host);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Returns 1, 2, 3, ... on successive calls, counting them in `calls`.
    fn next_id(calls: &Cell<u32>) -> u32 {
        calls.set(calls.get() + 1);
        calls.get()
    }

    #[test]
    fn count_counts_token_trees() {
        let none: usize = count!();
        let one: usize = count!(x);
        let five: usize = count!(a + (b c) [d] e);
        assert_eq!((none, one, five), (0, 1, 5));
    }

    #[test]
    fn count_handles_long_inputs() {
        let many: usize = count!(
            0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9
        );
        assert_eq!(many, 40);
    }

    #[test]
    fn my_vec_lists_elements_in_order() {
        let empty: Vec<String> = my_vec![];
        let words: Vec<&str> = my_vec!["a", "b", "c"];
        assert!(empty.is_empty());
        assert_eq!(words, ["a", "b", "c"]);
    }

    #[test]
    fn my_vec_accepts_a_trailing_comma() {
        let numbers: Vec<i32> = my_vec![1, 2, 3,];
        assert_eq!(numbers, [1, 2, 3]);
    }

    #[test]
    fn my_vec_reserves_exactly_the_elements_it_holds() {
        // `Vec::with_capacity(n)` is documented to give exactly `n` for non-zero-sized types.
        let numbers: Vec<u64> = my_vec![1, 2, 3, 4, 5];
        assert_eq!(numbers.capacity(), 5);
        let one: Vec<u64> = my_vec![7];
        assert_eq!(one.capacity(), 1);
    }

    #[test]
    fn my_vec_evaluates_each_listed_element_once_in_order() {
        let calls = Cell::new(0);
        let ids: Vec<u32> = my_vec![next_id(&calls), next_id(&calls), next_id(&calls)];
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn my_vec_repeat_form_evaluates_the_element_n_times() {
        let calls = Cell::new(0);
        let ids: Vec<u32> = my_vec![next_id(&calls); 4];
        assert_eq!(ids, [1, 2, 3, 4], "each element is a fresh evaluation");
        assert_eq!(calls.get(), 4);
    }

    #[test]
    fn my_vec_repeat_form_evaluates_the_count_once() {
        let count_calls = Cell::new(0);
        let zeros: Vec<u8> = my_vec![0; {
            count_calls.set(count_calls.get() + 1);
            3
        }];
        assert_eq!(zeros, [0, 0, 0]);
        assert_eq!(count_calls.get(), 1);
    }

    #[test]
    fn my_vec_repeat_form_with_zero_is_empty() {
        let calls = Cell::new(0);
        let none: Vec<u32> = my_vec![next_id(&calls); 0];
        assert!(none.is_empty());
        assert_eq!(calls.get(), 0);
    }

    #[test]
    fn my_vec_does_not_capture_the_callers_variables() {
        // The expansion's own locals must not shadow these.
        let elements = 5;
        let count = 2;
        let repeated: Vec<i32> = my_vec![elements; count];
        assert_eq!(repeated, [5, 5]);
        let listed: Vec<usize> = my_vec![count, count * 10];
        assert_eq!(listed, [2, 20]);
    }

    #[test]
    fn hashmap_builds_every_pair() {
        let empty: HashMap<u8, u8> = hashmap! {};
        let ports: HashMap<&str, u16> = hashmap! { "http" => 80, "ssh" => 22, };
        assert!(empty.is_empty());
        assert_eq!(ports.len(), 2);
        assert_eq!((ports["http"], ports["ssh"]), (80, 22));
    }

    #[test]
    fn hashmap_keeps_the_last_value_of_a_repeated_key() {
        let map: HashMap<&str, i32> = hashmap! { "a" => 1, "b" => 2, "a" => 3 };
        assert_eq!(map.len(), 2);
        assert_eq!(map["a"], 3);
    }

    #[test]
    fn hashmap_reserves_room_for_every_pair() {
        let map: HashMap<u32, u32> =
            hashmap! { 1 => 1, 2 => 2, 3 => 3, 4 => 4, 5 => 5, 6 => 6, 7 => 7 };
        assert!(map.capacity() >= 7);
        assert_eq!(map.len(), 7);
    }

    #[test]
    fn max_of_one_is_that_value() {
        let only: i32 = max!(-4);
        assert_eq!(only, -4);
    }

    #[test]
    fn max_finds_the_greatest_anywhere() {
        let values: [i32; 3] = [max!(9, 1, 2), max!(1, 9, 2), max!(1, 2, 9,)];
        assert_eq!(values, [9, 9, 9]);
    }

    #[test]
    fn max_evaluates_each_argument_once() {
        let calls = Cell::new(0);
        let greatest: u32 = max!(next_id(&calls), next_id(&calls), next_id(&calls));
        assert_eq!(greatest, 3);
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn max_compares_samples_by_milliseconds() {
        let fast = Sample {
            millis: 10,
            host: "fast",
        };
        let slow = Sample {
            millis: 40,
            host: "slow",
        };
        let slowest: Sample = max!(fast, slow);
        assert_eq!(slowest.host, "slow");
        assert!(
            fast == Sample {
                millis: 10,
                host: "other"
            },
            "samples tie on milliseconds alone"
        );
        assert!(fast != slow);
    }

    #[test]
    fn max_keeps_the_first_of_equal_values() {
        let slowest: Sample = max!(
            Sample {
                millis: 40,
                host: "first"
            },
            Sample {
                millis: 10,
                host: "fast"
            },
            Sample {
                millis: 40,
                host: "second"
            },
        );
        assert_eq!(slowest.host, "first");
    }
}
