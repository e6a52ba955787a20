//! The derive's output must not depend on the user's scope: this crate shadows the prelude's
//! `Option`, `Some`, `None`, `Result`, `Ok`, `Err`, `String`, `FromStr` and `format!`.

#![allow(dead_code)]

use meta_programming_macros::FromPairs;

mod shadows {
    pub enum Option<T> {
        Nothing(T),
    }
    pub enum Result<T> {
        Neither(T),
    }
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct String;
    pub trait FromStr {}
}
use shadows::*;

macro_rules! format {
    ($($anything:tt)*) => {
        compile_error!("the derive used the caller's `format!`")
    };
}

#[derive(FromPairs)]
struct Account {
    name: ::std::string::String,
    limit: ::std::option::Option<u32>,
}

fn main() {
    let account = Account::from_pairs(&[("name", "ada"), ("limit", "5")]);
    let account = account.unwrap_or_else(|message| panic!("{message}"));
    assert_eq!(account.name, "ada");
    assert_eq!(account.limit, ::std::option::Option::Some(5));
}
