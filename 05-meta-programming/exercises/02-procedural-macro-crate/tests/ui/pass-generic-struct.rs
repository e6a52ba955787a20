//! The derive on a generic struct: the impl must carry `<T>` and a `T: FromStr` bound.

use meta_programming_macros::FromPairs;

#[derive(Debug, PartialEq, FromPairs)]
struct Wrapper<T> {
    inner: T,
    note: Option<String>,
}

#[derive(Debug, PartialEq, FromPairs)]
struct Limits<T: Copy, const N: usize>
where
    T: Default,
{
    low: T,
    high: Option<T>,
}

fn main() {
    let wrapped: Wrapper<u64> = Wrapper::from_pairs(&[("inner", "42")]).unwrap();
    assert_eq!(wrapped, Wrapper { inner: 42, note: None });
    let wrapped: Wrapper<char> = Wrapper::from_pairs(&[("inner", "x"), ("note", "hi")]).unwrap();
    assert_eq!(wrapped.inner, 'x');
    let limits: Limits<i8, 4> = Limits::from_pairs(&[("low", "-3")]).unwrap();
    assert_eq!((limits.low, limits.high), (-3, None));
}
