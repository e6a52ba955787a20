use meta_programming_macros::FromPairs;

#[derive(FromPairs)]
struct Request<'a> {
    path: &'a str,
    method: String,
    body: &'a [u8],
}

fn main() {}
