//! # Fix E0507: moving out of borrowed content
//!
//! - **Goal:** read an order's customer and take its items for packing, given only references to the order.
//! - **Concepts:** a `&T` or `&mut T` lets you use a value but not take it; return a borrow instead of a value; `std::mem::take` to move out of a `&mut`; E0507 "cannot move out of `order.customer` which is behind a shared reference".
//! - **Read first:** `notes/04-move-semantics.md` (sections "Moving out of a borrow" and "`mem::take`, `mem::replace` and `mem::swap`").
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-fix-move-out-of-borrow`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-fix-move-out-of-borrow`
//! - **Done when:** it compiles and the tests pass without any `.clone()`.

/// A customer order.
#[derive(Debug, Default)]
struct Order {
    /// Who placed the order.
    customer: String,
    /// What to pack.
    items: Vec<String>,
}

// course:solution
/// Returns who placed the order.
fn customer(order: &Order) -> &str {
    &order.customer
}

/// Takes the items out of the order for packing; the order is left with none.
fn take_items(order: &mut Order) -> Vec<String> {
    std::mem::take(&mut order.items)
}
// course:stub
// /// Returns who placed the order.
// fn customer(order: &Order) -> String {
//     order.customer
// }
//
// /// Takes the items out of the order for packing; the order is left with none.
// fn take_items(order: &mut Order) -> Vec<String> {
//     order.items
// }
// course:end

fn main() {
    let mut order = Order {
        customer: "Ada".into(),
        items: vec!["gears".into(), "cards".into()],
    };
    let items = take_items(&mut order);
    println!("packing {items:?} for {}", customer(&order));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_reads_the_name() {
        let order = Order {
            customer: "Grace".into(),
            ..Order::default()
        };
        assert_eq!(customer(&order), "Grace");
    }

    #[test]
    fn take_items_empties_the_order() {
        let mut order = Order {
            customer: "Ada".into(),
            items: vec!["a".into(), "b".into()],
        };
        assert_eq!(take_items(&mut order), ["a", "b"]);
        assert!(order.items.is_empty());
        assert!(take_items(&mut order).is_empty());
    }
}
