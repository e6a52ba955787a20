//! # Meta-programming 05.4: a state-machine DSL
//!
//! - **Goal:** write `state_machine!`, a small domain-specific language that turns a transition
//!   table into a module with a `State` enum, an `Event` enum, the table itself as data, a checked
//!   `State::next` and a `run` function that replays events from the initial state.
//! - **Concepts:** designing a macro's input syntax; literal tokens and keywords in matchers;
//!   nested repetitions; internal rules (`@count`); generating items (`mod`, `enum`, `impl`,
//!   `fn`); passing attributes and visibility through (`$(#[$attr:meta])*`, `$vis:vis`).
//! - **Read first:** `notes/02-declarative-macro-patterns.md` (sections "Internal rules" and
//!   "Designing a DSL").
//! - **Run:** `cargo course run 05.4`
//! - **Test:** `cargo course verify 05.4` (reference solution:
//!   `cargo test -p meta-programming --bin m05-state-machine-dsl`)
//! - **Done when:** every test passes and `cargo clippy` is quiet.
//!
//! The input syntax, which the tests use and you must accept exactly:
//!
//! ```text
//! state_machine! {
//!     /// Attributes and doc comments go on the generated module.
//!     pub mod door {
//!         states { Closed, Open, Locked }
//!         events { Push, Pull, Lock, Unlock }
//!         initial Closed;
//!         transitions {
//!             Closed + Pull => Open,
//!             Open + Push => Closed,
//!         }
//!     }
//! }
//! ```
//!
//! and what it must generate inside `pub mod door` (every item `pub`):
//!
//! - `enum State { Closed, Open, Locked }` and `enum Event { .. }`, both deriving `Debug`,
//!   `Clone`, `Copy`, `PartialEq`, `Eq` and `Hash`;
//! - `fn initial() -> State`, the state named after `initial` (not necessarily the first listed);
//! - `fn states() -> [State; N]`, every state in the order listed (`N` counted by the macro);
//! - `fn transitions() -> &'static [(State, Event, State)]`, the table in the order written;
//! - `impl State { fn next(self, event: Event) -> Option<State> }`: `None` for any pair the table
//!   does not list (the state does **not** stay where it is);
//! - `fn run(events: &[Event]) -> Result<State, (State, Event)>`: starts at `initial()`, applies
//!   the events in order, and stops at the first event the current state does not accept,
//!   returning that state and event.
//!
//! Commas after the last state, event or transition are allowed.

// course:solution
/// Generates a state machine module from a transition table (see the exercise description).
macro_rules! state_machine {
    (@count) => { 0usize };
    (@count $head:ident $($tail:ident)*) => { 1usize + state_machine!(@count $($tail)*) };
    (
        $(#[$attr:meta])*
        $vis:vis mod $name:ident {
            states { $($state:ident),+ $(,)? }
            events { $($event:ident),+ $(,)? }
            initial $initial:ident;
            transitions { $($from:ident + $on:ident => $to:ident),* $(,)? }
        }
    ) => {
        $(#[$attr])*
        $vis mod $name {
            /// The machine's states.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum State {
                $(
                    #[doc = ::core::stringify!($state)]
                    $state,
                )+
            }

            /// The events that move it between states.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum Event {
                $(
                    #[doc = ::core::stringify!($event)]
                    $event,
                )+
            }

            /// Where every run starts.
            pub fn initial() -> State {
                State::$initial
            }

            /// Every state, in the order listed.
            pub fn states() -> [State; state_machine!(@count $($state)+)] {
                [$(State::$state),+]
            }

            /// The transition table: `(from, event, to)`, in the order written.
            pub fn transitions() -> &'static [(State, Event, State)] {
                &[$((State::$from, Event::$on, State::$to)),*]
            }

            impl State {
                /// The state `event` leads to from `self`, or `None` if the table has no such row.
                pub fn next(self, event: Event) -> ::core::option::Option<State> {
                    #[allow(unreachable_patterns, reason = "a complete table leaves no pair for `_`")]
                    match (self, event) {
                        $((State::$from, Event::$on) => ::core::option::Option::Some(State::$to),)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            /// Replays `events` from `initial()`; stops at the first one the current state rejects.
            pub fn run(events: &[Event]) -> ::core::result::Result<State, (State, Event)> {
                let mut current = initial();
                for &event in events {
                    current = match current.next(event) {
                        ::core::option::Option::Some(next) => next,
                        ::core::option::Option::None => {
                            return ::core::result::Result::Err((current, event));
                        }
                    };
                }
                ::core::result::Result::Ok(current)
            }
        }
    };
}
// course:stub
// /// Generates a state machine module from a transition table (see the exercise description).
// macro_rules! state_machine {
//     (
//         $(#[$attr:meta])*
//         $vis:vis mod $name:ident {
//             states { $($state:ident),+ $(,)? }
//             events { $($event:ident),+ $(,)? }
//             initial $initial:ident;
//             transitions { $($from:ident + $on:ident => $to:ident),* $(,)? }
//         }
//     ) => {
//         $(#[$attr])*
//         $vis mod $name {
//             /// The machine's states.
//             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
//             pub enum State {
//                 $($state,)+
//             }
//
//             /// The events that move it between states.
//             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
//             pub enum Event {
//                 $($event,)+
//             }
//
//             // TODO: every body below. `states()` may return an array `[State; N]` instead, with `N`
//             // counted by an internal rule of the macro: no allocation.
//
//             /// Where every run starts.
//             pub fn initial() -> State {
//                 todo!()
//             }
//
//             /// Every state, in the order listed.
//             pub fn states() -> ::std::vec::Vec<State> {
//                 todo!()
//             }
//
//             /// The transition table: `(from, event, to)`, in the order written.
//             pub fn transitions() -> &'static [(State, Event, State)] {
//                 todo!()
//             }
//
//             impl State {
//                 /// The state `event` leads to from `self`, or `None` if the table has no such row.
//                 pub fn next(self, event: Event) -> ::core::option::Option<State> {
//                     todo!("{self:?} {event:?}")
//                 }
//             }
//
//             /// Replays `events` from `initial()`; stops at the first one the current state rejects.
//             pub fn run(events: &[Event]) -> ::core::result::Result<State, (State, Event)> {
//                 todo!("{events:?}")
//             }
//         }
//     };
// }
// course:decoy stays-put Makes `next` return `Some(self)` for a pair the table does not list, so a rejected event looks like a self-loop.
// /// Generates a state machine module from a transition table (see the exercise description).
// macro_rules! state_machine {
//     (@count) => { 0usize };
//     (@count $head:ident $($tail:ident)*) => { 1usize + state_machine!(@count $($tail)*) };
//     (
//         $(#[$attr:meta])*
//         $vis:vis mod $name:ident {
//             states { $($state:ident),+ $(,)? }
//             events { $($event:ident),+ $(,)? }
//             initial $initial:ident;
//             transitions { $($from:ident + $on:ident => $to:ident),* $(,)? }
//         }
//     ) => {
//         $(#[$attr])*
//         $vis mod $name {
//             /// The machine's states.
//             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
//             pub enum State { $($state,)+ }
//             /// The events that move it between states.
//             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
//             pub enum Event { $($event,)+ }
//             /// Where every run starts.
//             pub fn initial() -> State {
//                 State::$initial
//             }
//             /// Every state, in the order listed.
//             pub fn states() -> [State; state_machine!(@count $($state)+)] {
//                 [$(State::$state),+]
//             }
//             /// The transition table.
//             pub fn transitions() -> &'static [(State, Event, State)] {
//                 &[$((State::$from, Event::$on, State::$to)),*]
//             }
//             impl State {
//                 /// The state `event` leads to from `self`.
//                 pub fn next(self, event: Event) -> ::core::option::Option<State> {
//                     #[allow(unreachable_patterns, reason = "a complete table leaves no pair for `_`")]
//                     match (self, event) {
//                         $((State::$from, Event::$on) => ::core::option::Option::Some(State::$to),)*
//                         _ => ::core::option::Option::Some(self),
//                     }
//                 }
//             }
//             /// Replays `events` from `initial()`.
//             pub fn run(events: &[Event]) -> ::core::result::Result<State, (State, Event)> {
//                 let mut current = initial();
//                 for &event in events {
//                     current = match current.next(event) {
//                         ::core::option::Option::Some(next) => next,
//                         ::core::option::Option::None => {
//                             return ::core::result::Result::Err((current, event));
//                         }
//                     };
//                 }
//                 ::core::result::Result::Ok(current)
//             }
//         }
//     };
// }
// course:decoy first-state-initial Ignores `initial` and starts every run in the first state listed.
// /// Generates a state machine module from a transition table (see the exercise description).
// macro_rules! state_machine {
//     (@count) => { 0usize };
//     (@count $head:ident $($tail:ident)*) => { 1usize + state_machine!(@count $($tail)*) };
//     (
//         $(#[$attr:meta])*
//         $vis:vis mod $name:ident {
//             states { $first:ident $(, $state:ident)* $(,)? }
//             events { $($event:ident),+ $(,)? }
//             initial $initial:ident;
//             transitions { $($from:ident + $on:ident => $to:ident),* $(,)? }
//         }
//     ) => {
//         $(#[$attr])*
//         $vis mod $name {
//             /// The machine's states.
//             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
//             pub enum State { $first, $($state,)* }
//             /// The events that move it between states.
//             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
//             pub enum Event { $($event,)+ }
//             /// Where every run starts.
//             pub fn initial() -> State {
//                 State::$first
//             }
//             /// Every state, in the order listed.
//             pub fn states() -> [State; state_machine!(@count $first $($state)*)] {
//                 [State::$first, $(State::$state),*]
//             }
//             /// The transition table.
//             pub fn transitions() -> &'static [(State, Event, State)] {
//                 &[$((State::$from, Event::$on, State::$to)),*]
//             }
//             impl State {
//                 /// The state `event` leads to from `self`.
//                 pub fn next(self, event: Event) -> ::core::option::Option<State> {
//                     #[allow(unreachable_patterns, reason = "a complete table leaves no pair for `_`")]
//                     match (self, event) {
//                         $((State::$from, Event::$on) => ::core::option::Option::Some(State::$to),)*
//                         _ => ::core::option::Option::None,
//                     }
//                 }
//             }
//             /// Replays `events` from `initial()`.
//             pub fn run(events: &[Event]) -> ::core::result::Result<State, (State, Event)> {
//                 let mut current = initial();
//                 for &event in events {
//                     current = match current.next(event) {
//                         ::core::option::Option::Some(next) => next,
//                         ::core::option::Option::None => {
//                             return ::core::result::Result::Err((current, event));
//                         }
//                     };
//                 }
//                 ::core::result::Result::Ok(current)
//             }
//         }
//     };
// }
// course:decoy skips-rejected-events Ignores an event the state rejects and carries on, instead of stopping there.
// /// Generates a state machine module from a transition table (see the exercise description).
// macro_rules! state_machine {
//     (@count) => { 0usize };
//     (@count $head:ident $($tail:ident)*) => { 1usize + state_machine!(@count $($tail)*) };
//     (
//         $(#[$attr:meta])*
//         $vis:vis mod $name:ident {
//             states { $($state:ident),+ $(,)? }
//             events { $($event:ident),+ $(,)? }
//             initial $initial:ident;
//             transitions { $($from:ident + $on:ident => $to:ident),* $(,)? }
//         }
//     ) => {
//         $(#[$attr])*
//         $vis mod $name {
//             /// The machine's states.
//             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
//             pub enum State { $($state,)+ }
//             /// The events that move it between states.
//             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
//             pub enum Event { $($event,)+ }
//             /// Where every run starts.
//             pub fn initial() -> State {
//                 State::$initial
//             }
//             /// Every state, in the order listed.
//             pub fn states() -> [State; state_machine!(@count $($state)+)] {
//                 [$(State::$state),+]
//             }
//             /// The transition table.
//             pub fn transitions() -> &'static [(State, Event, State)] {
//                 &[$((State::$from, Event::$on, State::$to)),*]
//             }
//             impl State {
//                 /// The state `event` leads to from `self`.
//                 pub fn next(self, event: Event) -> ::core::option::Option<State> {
//                     #[allow(unreachable_patterns, reason = "a complete table leaves no pair for `_`")]
//                     match (self, event) {
//                         $((State::$from, Event::$on) => ::core::option::Option::Some(State::$to),)*
//                         _ => ::core::option::Option::None,
//                     }
//                 }
//             }
//             /// Replays `events` from `initial()`.
//             pub fn run(events: &[Event]) -> ::core::result::Result<State, (State, Event)> {
//                 let mut current = initial();
//                 for &event in events {
//                     if let ::core::option::Option::Some(next) = current.next(event) {
//                         current = next;
//                     }
//                 }
//                 ::core::result::Result::Ok(current)
//             }
//         }
//     };
// }
// course:end

state_machine! {
    /// A door that can be locked only while closed.
    pub mod door {
        states { Closed, Open, Locked }
        events { Push, Pull, Lock, Unlock }
        initial Closed;
        transitions {
            Closed + Pull => Open,
            Open + Push => Closed,
            Closed + Lock => Locked,
            Locked + Unlock => Closed,
        }
    }
}

fn main() {
    use door::Event::{Lock, Pull, Push, Unlock};
    println!("door states: {:?}", door::states());
    for (from, event, to) in door::transitions() {
        println!("  {from:?} --{event:?}--> {to:?}");
    }
    println!("pull, push, lock: {:?}", door::run(&[Pull, Push, Lock]));
    println!("lock, pull: {:?}", door::run(&[Lock, Pull]));
    println!("lock, unlock, pull: {:?}", door::run(&[Lock, Unlock, Pull]));
}

#[cfg(test)]
mod tests {
    use super::door::{self, Event, State};

    state_machine! {
        /// A TCP-like connection whose initial state is not the first one listed.
        mod connection {
            states { Closed, Listen, SynReceived, Established, }
            events { Open, Syn, Ack, Close, }
            initial Listen;
            transitions {
                Closed + Open => Listen,
                Listen + Syn => SynReceived,
                SynReceived + Ack => Established,
                Established + Close => Closed
            }
        }
    }

    #[test]
    fn next_follows_the_table() {
        assert_eq!(State::Closed.next(Event::Pull), Some(State::Open));
        assert_eq!(State::Open.next(Event::Push), Some(State::Closed));
        assert_eq!(State::Closed.next(Event::Lock), Some(State::Locked));
        assert_eq!(State::Locked.next(Event::Unlock), Some(State::Closed));
    }

    #[test]
    fn next_rejects_pairs_the_table_does_not_list() {
        assert_eq!(State::Locked.next(Event::Pull), None);
        assert_eq!(State::Open.next(Event::Lock), None);
        assert_eq!(State::Closed.next(Event::Push), None);
    }

    #[test]
    fn states_are_listed_in_order() {
        assert_eq!(door::states(), [State::Closed, State::Open, State::Locked]);
        assert_eq!(connection::states().len(), 4);
        assert_eq!(connection::states()[3], connection::State::Established);
    }

    #[test]
    fn transitions_are_the_table_as_data() {
        assert_eq!(door::transitions().len(), 4);
        assert_eq!(connection::transitions().len(), 4);
        assert_eq!(
            door::transitions()[2],
            (State::Closed, Event::Lock, State::Locked)
        );
        for &(from, event, to) in door::transitions() {
            assert_eq!(from.next(event), Some(to));
        }
    }

    #[test]
    fn initial_is_the_named_state_not_the_first_listed() {
        assert_eq!(door::initial(), State::Closed);
        assert_eq!(connection::initial(), connection::State::Listen);
    }

    #[test]
    fn run_replays_events_from_the_initial_state() {
        use connection::{Event as E, State as S};
        assert_eq!(connection::run(&[]), Ok(S::Listen));
        assert_eq!(connection::run(&[E::Syn, E::Ack]), Ok(S::Established));
        assert_eq!(
            connection::run(&[E::Syn, E::Ack, E::Close, E::Open]),
            Ok(S::Listen)
        );
    }

    #[test]
    fn run_stops_at_the_first_rejected_event() {
        use Event::{Lock, Pull, Push};
        assert_eq!(door::run(&[Lock, Pull, Push]), Err((State::Locked, Pull)));
        assert_eq!(
            door::run(&[Pull, Lock]),
            Err((State::Open, Lock)),
            "an open door cannot be locked"
        );
    }
}
