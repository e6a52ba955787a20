//! Fields named like the generated method's own variables (`pairs`, `key`, `value`) must not
//! collide with them.

use meta_programming_macros::FromPairs;

#[derive(Debug, PartialEq, FromPairs)]
struct Entry {
    pairs: u8,
    key: String,
    value: Option<i64>,
    parsed: bool,
}

fn main() {
    let entry = Entry::from_pairs(&[("key", "k"), ("pairs", "2"), ("value", "-1"), ("parsed", "true")]);
    assert_eq!(
        entry,
        Ok(Entry { pairs: 2, key: "k".to_string(), value: Some(-1), parsed: true })
    );
}
