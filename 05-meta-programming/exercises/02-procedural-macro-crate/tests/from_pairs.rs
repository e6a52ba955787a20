//! `#[derive(FromPairs)]` used as a user would: required, optional and renamed fields, and every
//! kind of bad input reported as an `Err` that names the key.

use meta_programming_macros::FromPairs;

#[derive(Debug, PartialEq, FromPairs)]
struct Listener {
    host: String,
    port: u16,
    #[pairs(key = "max-conn")]
    max_connections: Option<u32>,
    verbose: Option<bool>,
    r#type: String,
}

fn listener(pairs: &[(&str, &str)]) -> Result<Listener, String> {
    Listener::from_pairs(pairs)
}

const FULL: [(&str, &str); 5] = [
    ("host", "127.0.0.1"),
    ("port", "8080"),
    ("max-conn", "64"),
    ("verbose", "true"),
    ("type", "tcp"),
];

#[test]
fn from_pairs_fills_every_field() {
    assert_eq!(
        listener(&FULL),
        Ok(Listener {
            host: "127.0.0.1".to_string(),
            port: 8080,
            max_connections: Some(64),
            verbose: Some(true),
            r#type: "tcp".to_string(),
        })
    );
}

#[test]
fn from_pairs_accepts_pairs_in_any_order() {
    let mut reversed = FULL;
    reversed.reverse();
    assert_eq!(listener(&reversed), listener(&FULL));
}

#[test]
fn from_pairs_leaves_missing_optional_fields_none() {
    let parsed = listener(&[("type", "udp"), ("port", "53"), ("host", "::1")]);
    let parsed = parsed.expect("every required key is present");
    assert_eq!(parsed.max_connections, None);
    assert_eq!(parsed.verbose, None);
    assert_eq!(parsed.port, 53);
}

#[test]
fn from_pairs_reports_a_missing_required_key() {
    assert_eq!(
        listener(&[("host", "a"), ("type", "tcp")]),
        Err(r#"missing key "port""#.to_string())
    );
}

#[test]
fn from_pairs_reports_an_unknown_key() {
    let mut pairs = FULL.to_vec();
    pairs.push(("colour", "blue"));
    assert_eq!(listener(&pairs), Err(r#"unknown key "colour""#.to_string()));
}

#[test]
fn from_pairs_reports_a_repeated_key() {
    let mut pairs = FULL.to_vec();
    pairs.push(("port", "9090"));
    assert_eq!(listener(&pairs), Err(r#"duplicate key "port""#.to_string()));
}

#[test]
fn from_pairs_reports_a_value_that_does_not_parse() {
    let mut pairs = FULL.to_vec();
    pairs[1] = ("port", "eighty");
    assert_eq!(
        listener(&pairs),
        Err(r#"key "port": cannot parse "eighty""#.to_string())
    );
}

#[test]
fn from_pairs_uses_the_renamed_key_and_not_the_field_name() {
    let mut pairs = FULL.to_vec();
    pairs[2] = ("max_connections", "64");
    assert_eq!(
        listener(&pairs),
        Err(r#"unknown key "max_connections""#.to_string())
    );
}
