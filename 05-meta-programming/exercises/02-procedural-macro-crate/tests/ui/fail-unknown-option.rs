use meta_programming_macros::FromPairs;

#[derive(FromPairs)]
struct Server {
    #[pairs(rename = "listen")]
    address: String,
}

fn main() {}
