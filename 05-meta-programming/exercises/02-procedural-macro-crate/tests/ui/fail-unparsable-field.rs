use meta_programming_macros::FromPairs;

#[derive(FromPairs)]
struct Upload {
    name: String,
    chunks: Vec<u8>,
}

fn main() {}
