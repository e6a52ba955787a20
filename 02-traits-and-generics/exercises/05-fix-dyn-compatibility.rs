//! # Fix E0038: a `Clone` supertrait makes `Shape` not dyn compatible
//!
//! - **Goal:** a canvas holds shapes of different types as `Box<dyn Shape>` and must be cloned deeply (a clone is an independent snapshot). The starting code gets there by making `Clone` a supertrait of `Shape`, which the compiler refuses.
//! - **Concepts:** dyn compatibility; `Clone: Sized`, so `trait Shape: Clone` has no vtable; moving the cloning into the vtable (`fn clone_box(&self) -> Box<dyn Shape>`); a blanket impl of a helper trait so that no shape has to write `clone_box` by hand; a snapshot must not share state with the original.
//! - **Read first:** `notes/01-trait-fundamentals.md` (section "Dyn compatibility").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-fix-dyn-compatibility` runs your copy (made by `cargo course start 02.5`).
//! - **Test:** `cargo course verify 02.5` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-fix-dyn-compatibility`.)
//! - **Done when:** it compiles, every test passes, and you can say why `Clone::clone` cannot be called through a vtable.

use std::fmt::Debug;

// course:solution
/// Object-safe cloning: returns a boxed copy, so the caller never needs the concrete type.
trait CloneShape {
    /// A deep copy of this shape, behind a new box.
    fn clone_box(&self) -> Box<dyn Shape>;
}

/// Every `Clone` shape gets `clone_box` for free.
impl<T: Shape + Clone + 'static> CloneShape for T {
    fn clone_box(&self) -> Box<dyn Shape> {
        Box::new(self.clone())
    }
}

/// A figure on the canvas.
trait Shape: CloneShape + Debug {
    /// The area.
    fn area(&self) -> f64;
    /// Multiplies every length by `factor`.
    fn scale(&mut self, factor: f64);
}

/// Shapes of any type, in drawing order.
#[derive(Debug, Default)]
struct Canvas {
    /// Each shape, boxed because they differ in type and size.
    shapes: Vec<Box<dyn Shape>>,
}

impl Clone for Canvas {
    fn clone(&self) -> Self {
        Canvas {
            shapes: self.shapes.iter().map(|shape| shape.clone_box()).collect(),
        }
    }
}

impl Canvas {
    /// Adds a shape at the top.
    fn add<S: Shape + 'static>(&mut self, shape: S) {
        self.shapes.push(Box::new(shape));
    }

    /// Scales every shape.
    fn scale_all(&mut self, factor: f64) {
        for shape in &mut self.shapes {
            shape.scale(factor);
        }
    }

    /// The sum of the areas.
    fn total_area(&self) -> f64 {
        self.shapes.iter().map(|shape| shape.area()).sum()
    }

    /// How many shapes there are.
    fn len(&self) -> usize {
        self.shapes.len()
    }
}
// course:stub
// /// A figure on the canvas.
// trait Shape: Clone + Debug {
//     /// The area.
//     fn area(&self) -> f64;
//     /// Multiplies every length by `factor`.
//     fn scale(&mut self, factor: f64);
//     /// A deep copy of this shape, behind a new box.
//     fn clone_box(&self) -> Box<dyn Shape> {
//         Box::new(self.clone())
//     }
// }
//
// /// Shapes of any type, in drawing order.
// #[derive(Debug, Default)]
// struct Canvas {
//     /// Each shape, boxed because they differ in type and size.
//     shapes: Vec<Box<dyn Shape>>,
// }
//
// impl Clone for Canvas {
//     fn clone(&self) -> Self {
//         Canvas {
//             shapes: self.shapes.iter().map(|shape| shape.clone_box()).collect(),
//         }
//     }
// }
//
// impl Canvas {
//     /// Adds a shape at the top.
//     fn add<S: Shape + 'static>(&mut self, shape: S) {
//         self.shapes.push(Box::new(shape));
//     }
//
//     /// Scales every shape.
//     fn scale_all(&mut self, factor: f64) {
//         for shape in &mut self.shapes {
//             shape.scale(factor);
//         }
//     }
//
//     /// The sum of the areas.
//     fn total_area(&self) -> f64 {
//         self.shapes.iter().map(|shape| shape.area()).sum()
//     }
//
//     /// How many shapes there are.
//     fn len(&self) -> usize {
//         self.shapes.len()
//     }
// }
// course:decoy shared-rc Drops `Clone` and stores `Rc<RefCell<dyn Shape>>`, so a "clone" shares the shapes with the original.
// trait Shape: Debug {
//     fn area(&self) -> f64;
//     fn scale(&mut self, factor: f64);
// }
// #[derive(Debug, Default, Clone)]
// struct Canvas {
//     shapes: Vec<std::rc::Rc<std::cell::RefCell<dyn Shape>>>,
// }
// impl Canvas {
//     fn add<S: Shape + 'static>(&mut self, shape: S) {
//         self.shapes.push(std::rc::Rc::new(std::cell::RefCell::new(shape)));
//     }
//     fn scale_all(&mut self, factor: f64) {
//         for shape in &self.shapes {
//             shape.borrow_mut().scale(factor);
//         }
//     }
//     fn total_area(&self) -> f64 {
//         self.shapes.iter().map(|shape| shape.borrow().area()).sum()
//     }
//     fn len(&self) -> usize {
//         self.shapes.len()
//     }
// }
// course:decoy empty-snapshot Drops `Clone` from the trait and gives up on copying: a cloned canvas starts empty.
// trait Shape: Debug {
//     fn area(&self) -> f64;
//     fn scale(&mut self, factor: f64);
// }
// #[derive(Debug, Default)]
// struct Canvas {
//     shapes: Vec<Box<dyn Shape>>,
// }
// impl Clone for Canvas {
//     fn clone(&self) -> Self {
//         Canvas::default()
//     }
// }
// impl Canvas {
//     fn add<S: Shape + 'static>(&mut self, shape: S) {
//         self.shapes.push(Box::new(shape));
//     }
//     fn scale_all(&mut self, factor: f64) {
//         for shape in &mut self.shapes {
//             shape.scale(factor);
//         }
//     }
//     fn total_area(&self) -> f64 {
//         self.shapes.iter().map(|shape| shape.area()).sum()
//     }
//     fn len(&self) -> usize {
//         self.shapes.len()
//     }
// }
// course:end

/// A circle.
#[derive(Debug, Clone, PartialEq)]
struct Circle {
    /// Radius.
    radius: f64,
}

/// An axis-aligned square.
#[derive(Debug, Clone, PartialEq)]
struct Square {
    /// Length of a side.
    side: f64,
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        std::f64::consts::PI * self.radius * self.radius
    }
    fn scale(&mut self, factor: f64) {
        self.radius *= factor;
    }
}

impl Shape for Square {
    fn area(&self) -> f64 {
        self.side * self.side
    }
    fn scale(&mut self, factor: f64) {
        self.side *= factor;
    }
}

fn main() {
    let mut canvas = Canvas::default();
    canvas.add(Circle { radius: 1.0 });
    canvas.add(Square { side: 2.0 });
    let snapshot = canvas.clone();
    canvas.scale_all(3.0);
    println!(
        "{} shapes; area now {:.2}, in the snapshot {:.2}",
        canvas.len(),
        canvas.total_area(),
        snapshot.total_area()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas() -> Canvas {
        let mut canvas = Canvas::default();
        canvas.add(Square { side: 1.0 });
        canvas.add(Square { side: 2.0 });
        canvas
    }

    #[test]
    fn canvas_holds_shapes_of_different_types() {
        let mut canvas = canvas();
        canvas.add(Circle { radius: 2.0 });
        assert_eq!(canvas.len(), 3);
        let expected = 5.0 + 4.0 * std::f64::consts::PI;
        assert!((canvas.total_area() - expected).abs() < 1e-9);
    }

    #[test]
    fn scaling_scales_every_shape() {
        let mut canvas = canvas();
        canvas.scale_all(2.0);
        assert_eq!(canvas.total_area(), 20.0);
    }

    #[test]
    fn a_clone_is_an_independent_snapshot() {
        let mut original = canvas();
        let snapshot = original.clone();
        assert_eq!(snapshot.len(), 2);
        assert_eq!(snapshot.total_area(), 5.0);
        original.scale_all(10.0);
        assert_eq!(original.total_area(), 500.0);
        assert_eq!(snapshot.total_area(), 5.0, "the snapshot must not change");
    }

    #[test]
    fn a_clone_can_be_changed_without_touching_the_original() {
        let original = canvas();
        let mut copy = original.clone();
        copy.add(Circle { radius: 2.0 });
        copy.scale_all(0.5);
        // Sides 0.5 and 1, and a circle of radius 1.
        assert!((copy.total_area() - (1.25 + std::f64::consts::PI)).abs() < 1e-9);
        assert_eq!(original.len(), 2);
        assert_eq!(original.total_area(), 5.0);
    }
}
