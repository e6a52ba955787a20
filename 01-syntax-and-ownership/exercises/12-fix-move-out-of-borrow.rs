//! # Fix E0507: moving out of borrowed content
//!
//! - **Goal:** read an order's customer and take its items for packing, given only references to the order.
//! - **Concepts:** a `&T` or `&mut T` lets you use a value but not take it; return a borrow instead of a value; `std::mem::take` to move out of a `&mut`; E0507 "cannot move out of `order.customer` which is behind a shared reference".
//! - **Read first:** `notes/04-move-semantics.md` (sections "Moving out of a borrow" and "`mem::take`, `mem::replace` and `mem::swap`").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-move-out-of-borrow` runs your copy (made by `cargo course start 01.12`).
//! - **Test:** `cargo course verify 01.12` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-move-out-of-borrow`.)
//! - **Done when:** it compiles and the tests pass; the tests compare buffer addresses, so the customer's name must be borrowed and the items handed over, never copied.

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
// course:decoy clone-name Returns a copy of the name instead of a borrow.
// /// Returns who placed the order.
// fn customer(order: &Order) -> String {
//     order.customer.clone()
// }
//
// /// Takes the items out of the order for packing; the order is left with none.
// fn take_items(order: &mut Order) -> Vec<String> {
//     std::mem::take(&mut order.items)
// }
// course:decoy leak-name Returns a leaked copy of the name, which is `&'static str`.
// /// Returns who placed the order.
// fn customer(order: &Order) -> &str {
//     Box::leak(order.customer.clone().into_boxed_str())
// }
//
// /// Takes the items out of the order for packing; the order is left with none.
// fn take_items(order: &mut Order) -> Vec<String> {
//     std::mem::take(&mut order.items)
// }
// course:decoy copy-items Copies the items, then clears the order's list.
// /// Returns who placed the order.
// fn customer(order: &Order) -> &str {
//     &order.customer
// }
//
// /// Takes the items out of the order for packing; the order is left with none.
// fn take_items(order: &mut Order) -> Vec<String> {
//     let items = order.items.clone();
//     order.items.clear();
//     items
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
        assert_eq!(
            customer(&order).as_ptr(),
            order.customer.as_ptr(),
            "the name was copied: return a borrow of it"
        );
    }

    #[test]
    fn take_items_empties_the_order() {
        let mut order = Order {
            customer: "Ada".into(),
            items: vec!["a".into(), "b".into()],
        };
        let buffer = order.items.as_ptr();
        let items = take_items(&mut order);
        assert_eq!(items, ["a", "b"]);
        assert_eq!(items.as_ptr(), buffer, "the items were copied, not moved");
        assert!(order.items.is_empty());
        assert!(take_items(&mut order).is_empty());
    }
}
