use meta_programming_macros::FromPairs;

#[derive(FromPairs)]
enum Mode {
    Fast,
    Safe,
}

fn main() {}
