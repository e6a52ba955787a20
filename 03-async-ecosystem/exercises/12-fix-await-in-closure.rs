//! # Fix E0728: `.await` inside a closure
//!
//! - **Goal:** value a portfolio by looking up each holding's price. The stub awaits inside the closure passed to `map`, which is not an async context. Rewrite the loop so that every lookup is really awaited.
//! - **Concepts:** `.await` suspends the innermost enclosing `async fn` or block, and a closure is a function of its own; a `for` loop inside the `async fn` awaits in its body; polling a future once and giving up, or blocking on it inside a runtime, only silences the compiler; E0728 "`await` is only allowed inside `async` functions and blocks".
//! - **Read first:** `notes/01-future-trait.md` (section "`.await`").
//! - **Run:** `cargo run --bin m03-fix-await-in-closure` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-fix-await-in-closure`)
//! - **Test:** `cargo course verify 03.12` (reference solution: `cargo test -p async-ecosystem --bin m03-fix-await-in-closure`)
//! - **Done when:** it compiles and every test passes.

use std::collections::HashMap;

/// A price service; every lookup awaits (it yields once, as a network call would).
struct Quotes {
    /// Price of each symbol, in cents.
    prices: HashMap<&'static str, u64>,
}

impl Quotes {
    /// The price of `symbol`, or `None` if it is unknown.
    async fn price(&self, symbol: &str) -> Option<u64> {
        tokio::task::yield_now().await;
        self.prices.get(symbol).copied()
    }
}

/// The value of `holdings` (symbol, quantity) in cents, or `None` if any symbol is unknown.
async fn portfolio_value(quotes: &Quotes, holdings: &[(&str, u64)]) -> Option<u64> {
    // course:solution
    let mut total = 0;
    for &(symbol, quantity) in holdings {
        total += quotes.price(symbol).await? * quantity;
    }
    Some(total)
    // course:stub
    // holdings
    //     .iter()
    //     .map(|&(symbol, quantity)| Some(quotes.price(symbol).await? * quantity))
    //     .sum()
    // course:decoy poll-once Polls each lookup once with a no-op waker and treats a pending lookup as unknown.
    // holdings
    //     .iter()
    //     .map(|&(symbol, quantity)| {
    //         let lookup = std::pin::pin!(quotes.price(symbol));
    //         let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    //         match std::future::Future::poll(lookup, &mut cx) {
    //             std::task::Poll::Ready(price) => Some(price? * quantity),
    //             std::task::Poll::Pending => None,
    //         }
    //     })
    //     .sum()
    // course:decoy block-on-inside Blocks on each lookup with the runtime handle, from inside the runtime.
    // holdings
    //     .iter()
    //     .map(|&(symbol, quantity)| {
    //         let price = tokio::runtime::Handle::current().block_on(quotes.price(symbol));
    //         Some(price? * quantity)
    //     })
    //     .sum()
    // course:end
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let quotes = Quotes {
        prices: HashMap::from([("ACME", 1250), ("INIT", 310)]),
    };
    let value = portfolio_value(&quotes, &[("ACME", 4), ("INIT", 10)]).await;
    println!("{value:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes() -> Quotes {
        Quotes {
            prices: HashMap::from([("ACME", 1250), ("INIT", 310), ("ZERO", 0)]),
        }
    }

    #[tokio::test]
    async fn values_every_holding() {
        let value = portfolio_value(&quotes(), &[("ACME", 4), ("INIT", 10), ("ZERO", 7)]).await;
        assert_eq!(value, Some(8100));
    }

    #[tokio::test]
    async fn an_unknown_symbol_makes_the_value_unknown() {
        assert_eq!(
            portfolio_value(&quotes(), &[("ACME", 1), ("NOPE", 1)]).await,
            None
        );
    }

    #[tokio::test]
    async fn an_empty_portfolio_is_worth_nothing() {
        assert_eq!(portfolio_value(&quotes(), &[]).await, Some(0));
    }
}
