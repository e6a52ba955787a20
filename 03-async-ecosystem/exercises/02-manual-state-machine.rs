//! # Desugar an `async fn` into a hand-written state machine
//!
//! - **Goal:** `read_record` below is an `async fn` that reads one length-prefixed record from a byte source. Write `ReadRecord`, an enum and its `Future` impl, that does exactly what the compiler's future for `read_record` does; the same tests run against both.
//! - **Concepts:** one variant per suspension point, plus "not started" and "finished"; each waiting state holds the in-flight sub-future and every local live across that await; the output is returned once, not stored; futures are lazy; polling a finished future panics; a loop around an `.await` becomes a state that goes back to itself.
//! - **Read first:** `notes/04-state-machines.md` (sections "Desugaring by hand" and "The three extra states").
//! - **Run:** `cargo run --bin m03-manual-state-machine` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-manual-state-machine`)
//! - **Test:** `cargo course verify 03.2` (reference solution: `cargo test -p async-ecosystem --bin m03-manual-state-machine`)
//! - **Done when:** every test passes for both the `async fn` and your `ReadRecord`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// A byte stream that the test feeds by hand, like a socket whose data arrives in pieces.
#[derive(Debug, Default)]
struct Source {
    /// Bytes that have arrived and not been read yet.
    bytes: RefCell<VecDeque<u8>>,
    /// The waker of the reader waiting for the next byte, if one is waiting.
    reader: RefCell<Option<Waker>>,
    /// How many `NextByte` futures have been created: one per `.await` of `next_byte()`.
    requests: Cell<usize>,
}

impl Source {
    /// An empty source.
    fn new() -> Rc<Self> {
        Rc::new(Source::default())
    }

    /// Appends `bytes` and wakes the waiting reader, if any.
    fn feed(&self, bytes: &[u8]) {
        self.bytes.borrow_mut().extend(bytes);
        let waiting = self.reader.borrow_mut().take();
        if let Some(waker) = waiting {
            waker.wake();
        }
    }

    /// How many bytes have arrived and not been read.
    fn unread(&self) -> usize {
        self.bytes.borrow().len()
    }

    /// A future for the next byte.
    fn next_byte(self: &Rc<Self>) -> NextByte {
        self.requests.set(self.requests.get() + 1);
        NextByte {
            source: Rc::clone(self),
        }
    }
}

/// The future of one byte from a `Source`: the leaf future that really waits.
#[derive(Debug)]
struct NextByte {
    /// Where the byte comes from.
    source: Rc<Source>,
}

impl Future for NextByte {
    type Output = u8;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u8> {
        let next = self.source.bytes.borrow_mut().pop_front();
        match next {
            Some(byte) => Poll::Ready(byte),
            None => {
                // Arrange the wake-up before returning Pending: `feed` wakes this waker.
                *self.source.reader.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Reads one record: a length byte `n`, then `n` payload bytes, which it returns.
/// This is the function to desugar; do not change it.
async fn read_record(source: Rc<Source>) -> Vec<u8> {
    let len = source.next_byte().await;
    let mut payload = Vec::with_capacity(usize::from(len));
    while payload.len() < usize::from(len) {
        payload.push(source.next_byte().await);
    }
    payload
}

// course:solution Declare one variant per state of `read_record`: before the first poll, waiting for the length, waiting for a payload byte, and finished. Each variant holds what is live in that state.
/// The hand-written future of `read_record`.
#[derive(Debug)]
enum ReadRecord {
    /// Created but never polled: holds the argument.
    Unresumed { source: Rc<Source> },
    /// Suspended at the first `.await`: holds the in-flight sub-future and what is live after it.
    AwaitingLength { source: Rc<Source>, next: NextByte },
    /// Suspended at the `.await` inside the loop.
    AwaitingPayload {
        source: Rc<Source>,
        len: u8,
        payload: Vec<u8>,
        next: NextByte,
    },
    /// Returned its output: holds nothing.
    Returned,
}
// course:stub
// /// The hand-written future of `read_record`.
// #[derive(Debug)]
// enum ReadRecord {
//     // TODO: one variant per state, each holding what is live in that state.
//     Unresumed { source: Rc<Source> },
// }
// course:end

impl ReadRecord {
    /// The future of `read_record(source)`; like the compiler's, it does nothing until polled.
    fn new(source: Rc<Source>) -> Self {
        // course:solution Create the future in its initial state.
        ReadRecord::Unresumed { source }
        // course:decoy eager-start Starts reading at construction time, so creating the future already consumes a byte.
        // let next = source.next_byte();
        // let _ = source.bytes.borrow_mut().pop_front();
        // ReadRecord::AwaitingLength { source, next }
        // course:end
    }
}

impl Future for ReadRecord {
    type Output = Vec<u8>;

    /// Runs the body of `read_record` from the current state to the next suspension point (or
    /// to the end). Panics if polled after it returned, as the compiler's future does.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<u8>> {
        // Every field is `Unpin` (an `Rc`, a `u8`, a `Vec` and a `NextByte` holding an `Rc`), so
        // the enum is `Unpin` and can be handled through `&mut`.
        let this = self.get_mut();
        // course:solution Loop: take the state out, advance it, put the next state back; return at each Pending or at the end.
        loop {
            match std::mem::replace(this, ReadRecord::Returned) {
                ReadRecord::Unresumed { source } => {
                    let next = source.next_byte();
                    *this = ReadRecord::AwaitingLength { source, next };
                }
                ReadRecord::AwaitingLength { source, mut next } => {
                    match Pin::new(&mut next).poll(cx) {
                        Poll::Pending => {
                            *this = ReadRecord::AwaitingLength { source, next };
                            return Poll::Pending;
                        }
                        Poll::Ready(len) => {
                            let payload = Vec::with_capacity(usize::from(len));
                            if payload.len() < usize::from(len) {
                                let next = source.next_byte();
                                *this = ReadRecord::AwaitingPayload {
                                    source,
                                    len,
                                    payload,
                                    next,
                                };
                            } else {
                                return Poll::Ready(payload);
                            }
                        }
                    }
                }
                ReadRecord::AwaitingPayload {
                    source,
                    len,
                    mut payload,
                    mut next,
                } => match Pin::new(&mut next).poll(cx) {
                    Poll::Pending => {
                        *this = ReadRecord::AwaitingPayload {
                            source,
                            len,
                            payload,
                            next,
                        };
                        return Poll::Pending;
                    }
                    Poll::Ready(byte) => {
                        payload.push(byte);
                        if payload.len() < usize::from(len) {
                            let next = source.next_byte();
                            *this = ReadRecord::AwaitingPayload {
                                source,
                                len,
                                payload,
                                next,
                            };
                        } else {
                            return Poll::Ready(payload);
                        }
                    }
                },
                ReadRecord::Returned => panic!("`ReadRecord` polled after completion"),
            }
        }
        // course:decoy pending-without-polling Moves to the next state and returns Pending without polling the new sub-future, so no wake-up is arranged.
        // match std::mem::replace(this, ReadRecord::Returned) {
        //     ReadRecord::Unresumed { source } => {
        //         let next = source.next_byte();
        //         *this = ReadRecord::AwaitingLength { source, next };
        //         Poll::Pending
        //     }
        //     ReadRecord::AwaitingLength { source, mut next } => match Pin::new(&mut next).poll(cx) {
        //         Poll::Pending => {
        //             *this = ReadRecord::AwaitingLength { source, next };
        //             Poll::Pending
        //         }
        //         Poll::Ready(0) => Poll::Ready(Vec::new()),
        //         Poll::Ready(len) => {
        //             let next = source.next_byte();
        //             let payload = Vec::new();
        //             *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //             Poll::Pending
        //         }
        //     },
        //     ReadRecord::AwaitingPayload { source, len, mut payload, mut next } => {
        //         match Pin::new(&mut next).poll(cx) {
        //             Poll::Pending => {
        //                 *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //                 Poll::Pending
        //             }
        //             Poll::Ready(byte) => {
        //                 payload.push(byte);
        //                 if payload.len() == usize::from(len) {
        //                     return Poll::Ready(payload);
        //                 }
        //                 let next = source.next_byte();
        //                 *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //                 Poll::Pending
        //             }
        //         }
        //     }
        //     ReadRecord::Returned => panic!("`ReadRecord` polled after completion"),
        // }
        // course:decoy new-sub-future-each-poll Creates a fresh `NextByte` on every poll instead of keeping the in-flight one in the state.
        // loop {
        //     match std::mem::replace(this, ReadRecord::Returned) {
        //         ReadRecord::Unresumed { source } => {
        //             let next = source.next_byte();
        //             *this = ReadRecord::AwaitingLength { source, next };
        //         }
        //         ReadRecord::AwaitingLength { source, next: _ } => {
        //             let mut next = source.next_byte();
        //             match Pin::new(&mut next).poll(cx) {
        //                 Poll::Pending => {
        //                     *this = ReadRecord::AwaitingLength { source, next };
        //                     return Poll::Pending;
        //                 }
        //                 Poll::Ready(0) => return Poll::Ready(Vec::new()),
        //                 Poll::Ready(len) => {
        //                     let next = source.next_byte();
        //                     let payload = Vec::new();
        //                     *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //                 }
        //             }
        //         }
        //         ReadRecord::AwaitingPayload { source, len, mut payload, next: _ } => {
        //             let mut next = source.next_byte();
        //             match Pin::new(&mut next).poll(cx) {
        //                 Poll::Pending => {
        //                     *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //                     return Poll::Pending;
        //                 }
        //                 Poll::Ready(byte) => {
        //                     payload.push(byte);
        //                     if payload.len() == usize::from(len) {
        //                         return Poll::Ready(payload);
        //                     }
        //                     let next = source.next_byte();
        //                     *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //                 }
        //             }
        //         }
        //         ReadRecord::Returned => panic!("`ReadRecord` polled after completion"),
        //     }
        // }
        // course:decoy ready-again Answers a poll after completion with an empty record instead of panicking.
        // loop {
        //     match std::mem::replace(this, ReadRecord::Returned) {
        //         ReadRecord::Unresumed { source } => {
        //             let next = source.next_byte();
        //             *this = ReadRecord::AwaitingLength { source, next };
        //         }
        //         ReadRecord::AwaitingLength { source, mut next } => match Pin::new(&mut next).poll(cx) {
        //             Poll::Pending => {
        //                 *this = ReadRecord::AwaitingLength { source, next };
        //                 return Poll::Pending;
        //             }
        //             Poll::Ready(0) => return Poll::Ready(Vec::new()),
        //             Poll::Ready(len) => {
        //                 let next = source.next_byte();
        //                 let payload = Vec::new();
        //                 *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //             }
        //         },
        //         ReadRecord::AwaitingPayload { source, len, mut payload, mut next } => {
        //             match Pin::new(&mut next).poll(cx) {
        //                 Poll::Pending => {
        //                     *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //                     return Poll::Pending;
        //                 }
        //                 Poll::Ready(byte) => {
        //                     payload.push(byte);
        //                     if payload.len() == usize::from(len) {
        //                         return Poll::Ready(payload);
        //                     }
        //                     let next = source.next_byte();
        //                     *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //                 }
        //             }
        //         }
        //         ReadRecord::Returned => return Poll::Ready(Vec::new()),
        //     }
        // }
        // course:decoy always-one-payload-byte Reads the first payload byte even for a zero-length record.
        // loop {
        //     match std::mem::replace(this, ReadRecord::Returned) {
        //         ReadRecord::Unresumed { source } => {
        //             let next = source.next_byte();
        //             *this = ReadRecord::AwaitingLength { source, next };
        //         }
        //         ReadRecord::AwaitingLength { source, mut next } => match Pin::new(&mut next).poll(cx) {
        //             Poll::Pending => {
        //                 *this = ReadRecord::AwaitingLength { source, next };
        //                 return Poll::Pending;
        //             }
        //             Poll::Ready(len) => {
        //                 let next = source.next_byte();
        //                 let payload = Vec::new();
        //                 *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //             }
        //         },
        //         ReadRecord::AwaitingPayload { source, len, mut payload, mut next } => {
        //             match Pin::new(&mut next).poll(cx) {
        //                 Poll::Pending => {
        //                     *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //                     return Poll::Pending;
        //                 }
        //                 Poll::Ready(byte) => {
        //                     payload.push(byte);
        //                     if payload.len() >= usize::from(len) {
        //                         payload.truncate(usize::from(len));
        //                         return Poll::Ready(payload);
        //                     }
        //                     let next = source.next_byte();
        //                     *this = ReadRecord::AwaitingPayload { source, len, payload, next };
        //                 }
        //             }
        //         }
        //         ReadRecord::Returned => panic!("`ReadRecord` polled after completion"),
        //     }
        // }
        // course:end
    }
}

fn main() {
    let source = Source::new();
    let mut record = std::pin::pin!(ReadRecord::new(Rc::clone(&source)));
    let mut cx = Context::from_waker(Waker::noop());
    for chunk in [&[3u8][..], b"a", &[b'b', b'c', 2]] {
        let state = record.as_mut().poll(&mut cx);
        println!("poll before feeding {chunk:?}: {state:?}");
        source.feed(chunk);
    }
    println!("final poll: {:?}", record.as_mut().poll(&mut cx));
    println!("{} byte(s) left for the next record", source.unread());
    // The compiler's version reads the rest the same way.
    let mut compiled = std::pin::pin!(read_record(Rc::clone(&source)));
    source.feed(b"xy");
    println!("the async fn: {:?}", compiled.as_mut().poll(&mut cx));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    type Maker = fn(Rc<Source>) -> Pin<Box<dyn Future<Output = Vec<u8>>>>;

    /// The compiler's future and yours, so that every test checks both.
    const BOTH: [(&str, Maker); 2] = [
        ("async fn read_record", |source| {
            Box::pin(read_record(source))
        }),
        ("ReadRecord", |source| Box::pin(ReadRecord::new(source))),
    ];

    #[derive(Default)]
    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting_waker() -> (Arc<CountingWaker>, Waker) {
        let counter = Arc::new(CountingWaker::default());
        (Arc::clone(&counter), Waker::from(counter))
    }

    fn poll(future: &mut Pin<Box<dyn Future<Output = Vec<u8>>>>, waker: &Waker) -> Poll<Vec<u8>> {
        future.as_mut().poll(&mut Context::from_waker(waker))
    }

    #[test]
    fn creating_the_future_reads_nothing() {
        for (name, make) in BOTH {
            let source = Source::new();
            source.feed(&[2, 7, 8]);
            let _future = make(Rc::clone(&source));
            assert_eq!(
                source.unread(),
                3,
                "{name}: a future must do nothing before its first poll"
            );
        }
    }

    #[test]
    fn a_record_that_has_fully_arrived_is_read_in_one_poll() {
        for (name, make) in BOTH {
            let source = Source::new();
            source.feed(&[3, 10, 20, 30]);
            let mut future = make(Rc::clone(&source));
            let (_counter, waker) = counting_waker();
            assert_eq!(
                poll(&mut future, &waker),
                Poll::Ready(vec![10, 20, 30]),
                "{name}"
            );
        }
    }

    #[test]
    fn pending_until_the_bytes_arrive_and_woken_each_time_they_do() {
        for (name, make) in BOTH {
            let source = Source::new();
            let mut future = make(Rc::clone(&source));
            let (counter, waker) = counting_waker();
            assert!(poll(&mut future, &waker).is_pending(), "{name}");
            source.feed(&[2]);
            assert_eq!(
                counter.0.load(Ordering::SeqCst),
                1,
                "{name}: the length byte did not wake the task"
            );
            assert!(poll(&mut future, &waker).is_pending(), "{name}");
            source.feed(&[5]);
            assert_eq!(
                counter.0.load(Ordering::SeqCst),
                2,
                "{name}: the payload byte did not wake the task"
            );
            assert!(poll(&mut future, &waker).is_pending(), "{name}");
            source.feed(&[6]);
            assert_eq!(poll(&mut future, &waker), Poll::Ready(vec![5, 6]), "{name}");
        }
    }

    #[test]
    fn one_sub_future_per_await_however_often_it_is_polled() {
        for (name, make) in BOTH {
            let source = Source::new();
            let mut future = make(Rc::clone(&source));
            let (_counter, waker) = counting_waker();
            for _ in 0..3 {
                assert!(poll(&mut future, &waker).is_pending(), "{name}");
            }
            source.feed(&[1]);
            for _ in 0..3 {
                assert!(poll(&mut future, &waker).is_pending(), "{name}");
            }
            source.feed(&[42]);
            assert_eq!(poll(&mut future, &waker), Poll::Ready(vec![42]), "{name}");
            assert_eq!(
                source.requests.get(),
                2,
                "{name}: each `.await` creates its sub-future once and keeps it across polls"
            );
        }
    }

    #[test]
    fn a_zero_length_record_reads_only_its_length_byte() {
        for (name, make) in BOTH {
            let source = Source::new();
            source.feed(&[0, 99]);
            let mut future = make(Rc::clone(&source));
            let (_counter, waker) = counting_waker();
            assert_eq!(poll(&mut future, &waker), Poll::Ready(vec![]), "{name}");
            assert_eq!(
                source.unread(),
                1,
                "{name}: read past the end of the record"
            );
        }
    }

    #[test]
    fn reading_stops_at_the_end_of_the_record() {
        for (name, make) in BOTH {
            let source = Source::new();
            source.feed(&[1, 4, 2, 8, 9]);
            let mut first = make(Rc::clone(&source));
            let (_counter, waker) = counting_waker();
            assert_eq!(poll(&mut first, &waker), Poll::Ready(vec![4]), "{name}");
            let mut second = make(Rc::clone(&source));
            assert_eq!(poll(&mut second, &waker), Poll::Ready(vec![8, 9]), "{name}");
        }
    }

    #[test]
    fn polling_after_completion_panics() {
        for (name, make) in BOTH {
            let source = Source::new();
            source.feed(&[0]);
            let mut future = make(Rc::clone(&source));
            let (_counter, waker) = counting_waker();
            assert!(poll(&mut future, &waker).is_ready(), "{name}");
            let again = catch_unwind(AssertUnwindSafe(|| poll(&mut future, &waker)));
            assert!(
                again.is_err(),
                "{name}: a finished future was polled again and did not panic"
            );
        }
    }
}
