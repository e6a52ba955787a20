//! # Fix E0597: a `'static` annotation that variance cannot undo
//!
//! - **Goal:** greet every guest of a list together with the default users. The starting code declares the registry as `Registry<'static>` (its defaults are string literals) and then adds names borrowed from a local `String`.
//! - **Concepts:** subtyping through lifetimes; `Registry<'a>` is covariant in `'a`, so a `Registry<'static>` *value* can become a `Registry<'short>`; but a method taking `&mut self` sees `&mut Registry<'static>`, which is invariant, so the lifetime can no longer shrink; E0597; leaking is not a fix.
//! - **Read first:** `notes/05-variance-and-type-safety.md` (sections "Covariance" and "Invariance: why `&mut T` cannot shrink").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-fix-invariant-registry` runs your copy (made by `cargo course start 02.10`).
//! - **Test:** `cargo course verify 02.10` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-fix-invariant-registry`.)
//! - **Done when:** it compiles, every test passes, and you can say at which line the compiler could still have shortened `'static`, and why it could not afterwards.

/// Names that borrow from somewhere that lives at least `'a`.
#[derive(Debug, Default)]
struct Registry<'a> {
    /// In the order they were added.
    names: Vec<&'a str>,
}

impl<'a> Registry<'a> {
    /// The built-in users, borrowed from string literals (so this could be a `Registry<'static>`).
    fn with_defaults() -> Self {
        Registry {
            names: vec!["root", "admin"],
        }
    }

    /// Adds each whitespace-separated name in `text`, borrowing from it.
    fn add_names(&mut self, text: &'a str) {
        self.names.extend(text.split_whitespace());
    }

    /// One greeting per name.
    fn greetings(&self) -> Vec<String> {
        self.names
            .iter()
            .map(|name| format!("hello {name}"))
            .collect()
    }
}

/// Greets the default users and every guest in `guest_list`, lower-cased.
fn welcome_all(guest_list: &str) -> Vec<String> {
    // course:solution
    // No `'static` here: the registry's lifetime is inferred, and covariance lets the literals
    // of `with_defaults` live in a registry that also borrows `normalised`.
    let mut registry = Registry::with_defaults();
    let normalised = guest_list.to_lowercase();
    registry.add_names(&normalised);
    registry.greetings()
    // course:stub
    // let mut registry: Registry<'static> = Registry::with_defaults();
    // let normalised = guest_list.to_lowercase();
    // registry.add_names(&normalised);
    // registry.greetings()
    // course:decoy leak Keeps `'static` and leaks the lower-cased text so that it lives forever.
    // let mut registry: Registry<'static> = Registry::with_defaults();
    // let normalised: &'static str = guest_list.to_lowercase().leak();
    // registry.add_names(normalised);
    // registry.greetings()
    // course:decoy skip-normalising Keeps `'static` by adding only the defaults and greeting the guests from the original text.
    // let registry: Registry<'static> = Registry::with_defaults();
    // let mut greetings = registry.greetings();
    // greetings.extend(guest_list.split_whitespace().map(|name| format!("hello {name}")));
    // greetings
    // course:end
}

fn main() {
    for greeting in welcome_all("Ada GRACE") {
        println!("{greeting}");
    }
}

#[cfg(test)]
mod tests {
    #![expect(
        unsafe_code,
        reason = "a counting global allocator is the only way to observe a leak"
    )]

    use super::*;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        /// Bytes allocated minus bytes freed on this thread (tests run on several threads).
        static NET_BYTES: Cell<isize> = const { Cell::new(0) };
    }

    /// The system allocator, keeping a per-thread balance so a test can detect a leak.
    struct Counting;

    // SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
    // bookkeeping touches only a const-initialised thread-local `Cell`, which never allocates.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = NET_BYTES.try_with(|net| net.set(net.get() + layout.size() as isize));
            // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            let _ = NET_BYTES.try_with(|net| net.set(net.get() - layout.size() as isize));
            // SAFETY: forwarded unchanged; `ptr` came from `alloc` with this `layout`.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    fn net_bytes() -> isize {
        NET_BYTES.with(Cell::get)
    }

    #[test]
    fn defaults_and_guests_are_greeted() {
        assert_eq!(
            welcome_all("Ada GRACE"),
            ["hello root", "hello admin", "hello ada", "hello grace"]
        );
    }

    #[test]
    fn an_empty_guest_list_greets_the_defaults() {
        assert_eq!(welcome_all("   "), ["hello root", "hello admin"]);
    }

    #[test]
    fn welcoming_leaks_nothing() {
        let before = net_bytes();
        let greetings = welcome_all("Linus KEN Dennis");
        assert_eq!(greetings.len(), 5);
        drop(greetings);
        assert_eq!(net_bytes(), before, "memory was allocated and never freed");
    }
}
