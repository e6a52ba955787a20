//! # Fix E0599: `#[derive(Clone)]` on a generic type asks too much
//!
//! - **Goal:** make a `Shared<Connection>` cloneable without making `Connection` cloneable: cloning
//!   a handle must copy the pointer, never the connection. The starting file spells out the
//!   `Clone` impl that `#[derive(Clone)]` generates for `Shared<T>`, so you can see the bound it
//!   adds; decide which bound the impl really needs.
//! - **Concepts:** what a built-in derive generates for a generic type (`impl<T: Clone> Clone for
//!   Shared<T>`: a bound on every type parameter, whether or not a field needs it); writing the
//!   impl by hand with the bounds it really needs; E0599 "method exists but its trait bounds
//!   were not satisfied".
//! - **Read first:** `notes/05-derive-macros.md` (section "Which bounds a derive adds").
//! - **Run:** `cargo course run 05.8`
//! - **Test:** `cargo course verify 05.8` (reference solution:
//!   `cargo test -p meta-programming --bin m05-fix-derive-bounds`)
//! - **Done when:** it compiles and the tests pass; `Connection` stays not `Clone`.

use std::rc::Rc;

/// An open connection: it owns a socket, so it must not be duplicated.
#[derive(Debug)]
struct Connection {
    peer: String,
}

// course:solution
/// A reference-counted handle to a `T`.
#[derive(Debug)]
struct Shared<T> {
    inner: Rc<T>,
}

// Cloning the handle clones the `Rc`, which needs nothing from `T`.
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared {
            inner: Rc::clone(&self.inner),
        }
    }
}
// course:stub
// /// A reference-counted handle to a `T`.
// #[derive(Debug)]
// struct Shared<T> {
//     inner: Rc<T>,
// }
//
// // The `Clone` impl exactly as `#[derive(Clone)]` on `Shared<T>` generates it (`cargo expand`
// // shows it): one `Clone` bound per type parameter, needed or not.
// impl<T: Clone> Clone for Shared<T> {
//     fn clone(&self) -> Self {
//         Shared {
//             inner: Clone::clone(&self.inner),
//         }
//     }
// }
// course:decoy clone-the-connection Keeps the derive and makes the payload `Clone` as well, which lets anyone duplicate the socket.
// /// A reference-counted handle to a `T`.
// #[derive(Debug, Clone)]
// struct Shared<T> {
//     inner: Rc<T>,
// }
//
// impl Clone for Connection {
//     fn clone(&self) -> Self {
//         Connection {
//             peer: self.peer.clone(),
//         }
//     }
// }
// course:end

/// Two handles to one connection, for a reader and a writer.
fn split(connection: Connection) -> (Shared<Connection>, Shared<Connection>) {
    let reader = Shared {
        inner: Rc::new(connection),
    };
    let writer = reader.clone();
    (reader, writer)
}

fn main() {
    let (reader, writer) = split(Connection {
        peer: "10.0.0.7:5432".to_string(),
    });
    println!(
        "reader and writer share {} ({} handles)",
        writer.inner.peer,
        Rc::strong_count(&reader.inner)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::marker::PhantomData;

    /// Tells at compile time whether `T: Clone`: the inherent method wins when its bound holds,
    /// the trait method is the fallback.
    struct CloneProbe<T>(PhantomData<T>);

    trait NotClone {
        fn is_clone(&self) -> bool {
            false
        }
    }

    impl<T> NotClone for CloneProbe<T> {}

    impl<T: Clone> CloneProbe<T> {
        fn is_clone(&self) -> bool {
            true
        }
    }

    #[test]
    fn split_shares_one_connection() {
        let (reader, writer) = split(Connection {
            peer: "db".to_string(),
        });
        assert!(Rc::ptr_eq(&reader.inner, &writer.inner));
        assert_eq!(Rc::strong_count(&reader.inner), 2);
    }

    #[test]
    fn dropping_a_handle_releases_only_that_handle() {
        let (reader, writer) = split(Connection {
            peer: "cache".to_string(),
        });
        drop(reader);
        assert_eq!(Rc::strong_count(&writer.inner), 1);
        assert_eq!(writer.inner.peer, "cache");
    }

    #[test]
    fn connection_cannot_be_cloned() {
        assert!(
            !CloneProbe::<Connection>(PhantomData).is_clone(),
            "a Connection owns a socket: do not make it Clone, fix the bound on Shared's Clone impl"
        );
        assert!(CloneProbe::<Shared<Connection>>(PhantomData).is_clone());
    }
}
