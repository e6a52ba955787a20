//! # Fix E0207: an unconstrained type parameter
//!
//! - **Goal:** a `Column` decodes the text of a CSV cell into a value of the column's type. The starting code tries `impl<T: FromStr> Decode for Column`, which would give one `Column` infinitely many output types.
//! - **Concepts:** associated types are outputs determined by the implementing type; E0207 "the type parameter `T` is not constrained"; moving `T` into the self type with `PhantomData`; `PhantomData<fn() -> T>` versus `PhantomData<T>` and what each says about `Send`, `Sync` and variance.
//! - **Read first:** `notes/03-associated-types.md` (section "Unconstrained type parameters: E0207") and `notes/05-variance-and-type-safety.md` (section "`PhantomData`: choosing what a type pretends to hold").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-fix-unconstrained-type-parameter` runs your copy (made by `cargo course start 02.9`).
//! - **Test:** `cargo course verify 02.9` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-fix-unconstrained-type-parameter`.)
//! - **Done when:** it compiles, every test passes, and you can explain why `PhantomData<fn() -> T>` is the right marker for a column that never holds a `T`.

use std::marker::PhantomData;
use std::str::FromStr;

/// Why a cell could not be decoded.
#[derive(Debug, Clone, PartialEq)]
struct DecodeError {
    /// The column's name.
    column: &'static str,
    /// The text that did not parse.
    text: String,
}

/// Turns the text of a cell into a typed value.
trait Decode {
    /// What a cell of this column becomes.
    type Output;
    /// Decodes one cell; surrounding spaces are ignored.
    fn decode(&self, cell: &str) -> Result<Self::Output, DecodeError>;
}

// course:solution
/// A named column whose cells are `T`s. It never stores a `T`: the marker only records the type.
struct Column<T> {
    /// The column's name, for error messages.
    name: &'static str,
    /// `fn() -> T`: the column *produces* `T`s but owns none, so it is `Send` and `Sync`
    /// whatever `T` is, and covariant in `T`.
    output: PhantomData<fn() -> T>,
}

impl<T> Column<T> {
    /// A column called `name`.
    fn new(name: &'static str) -> Self {
        Column {
            name,
            output: PhantomData,
        }
    }
}

impl<T: FromStr> Decode for Column<T> {
    type Output = T;

    fn decode(&self, cell: &str) -> Result<T, DecodeError> {
        cell.trim().parse().map_err(|_| DecodeError {
            column: self.name,
            text: cell.to_string(),
        })
    }
}
// course:stub
// /// A named column.
// struct Column {
//     /// The column's name, for error messages.
//     name: &'static str,
// }
//
// impl Column {
//     /// A column called `name`.
//     fn new(name: &'static str) -> Self {
//         Column { name }
//     }
// }
//
// impl<T: FromStr> Decode for Column {
//     type Output = T;
//
//     fn decode(&self, cell: &str) -> Result<T, DecodeError> {
//         cell.trim().parse().map_err(|_| DecodeError {
//             column: self.name,
//             text: cell.to_string(),
//         })
//     }
// }
// course:decoy phantom-owns-t Marks the column with `PhantomData<T>`, which claims it owns a `T` and so inherits `T`'s `Send` and `Sync`.
// struct Column<T> {
//     name: &'static str,
//     output: PhantomData<T>,
// }
// impl<T> Column<T> {
//     fn new(name: &'static str) -> Self {
//         Column { name, output: PhantomData }
//     }
// }
// impl<T: FromStr> Decode for Column<T> {
//     type Output = T;
//     fn decode(&self, cell: &str) -> Result<T, DecodeError> {
//         cell.trim().parse().map_err(|_| DecodeError { column: self.name, text: cell.to_string() })
//     }
// }
// course:decoy default-on-error Turns a bad cell into `T::default()` instead of an error.
// struct Column<T> {
//     name: &'static str,
//     output: PhantomData<fn() -> T>,
// }
// impl<T> Column<T> {
//     fn new(name: &'static str) -> Self {
//         Column { name, output: PhantomData }
//     }
// }
// impl<T: FromStr + Default> Decode for Column<T> {
//     type Output = T;
//     fn decode(&self, cell: &str) -> Result<T, DecodeError> {
//         let _ = self.name;
//         Ok(cell.trim().parse().unwrap_or_default())
//     }
// }
// course:end

/// Decodes one row of two columns.
fn decode_row<A: Decode, B: Decode>(
    first: &A,
    second: &B,
    row: &str,
) -> Result<(A::Output, B::Output), DecodeError> {
    let (left, right) = row.split_once(',').unwrap_or((row, ""));
    Ok((first.decode(left)?, second.decode(right)?))
}

fn main() {
    let name = Column::new("name");
    let age = Column::new("age");
    for row in ["ada, 36", "grace,45", "alan, unknown"] {
        let decoded: Result<(String, u8), _> = decode_row(&name, &age, row);
        println!("{row:>14} -> {decoded:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// True when the *type of* `$value` implements the bound, decided at compile time.
    macro_rules! value_implements {
        ($value:expr => $($bound:tt)+) => {{
            // Exactly one of the two traits is used, depending on the answer.
            #[allow(dead_code)]
            struct Probe<T: ?Sized>(PhantomData<T>);
            #[allow(dead_code)]
            trait Yes {
                fn answer(&self) -> bool {
                    true
                }
            }
            impl<T: ?Sized + $($bound)+> Yes for Probe<T> {}
            #[allow(dead_code)]
            trait No {
                fn answer(&self) -> bool {
                    false
                }
            }
            impl<T: ?Sized> No for &Probe<T> {}
            fn probe_of<T: ?Sized>(_: &T) -> Probe<T> {
                Probe(PhantomData)
            }
            (&probe_of(&$value)).answer()
        }};
    }

    /// A cell type that may not be shared between threads.
    #[derive(Debug, Default)]
    struct Flag(Cell<bool>);

    impl FromStr for Flag {
        type Err = ();
        fn from_str(text: &str) -> Result<Self, ()> {
            match text {
                "yes" => Ok(Flag(Cell::new(true))),
                "no" => Ok(Flag(Cell::new(false))),
                _ => Err(()),
            }
        }
    }

    /// A cell type that may not even be sent between threads.
    #[derive(Debug, Default)]
    struct Label(Rc<str>);

    impl FromStr for Label {
        type Err = ();
        fn from_str(text: &str) -> Result<Self, ()> {
            Ok(Label(Rc::from(text)))
        }
    }

    #[test]
    fn one_column_type_per_output_type() {
        let age = Column::new("age");
        let years: u32 = age.decode(" 42 ").expect("a number");
        assert_eq!(years, 42);
        let temperature = Column::new("temperature");
        let celsius: f64 = temperature.decode("-3.5").expect("a float");
        assert_eq!(celsius, -3.5);
    }

    #[test]
    fn bad_cells_are_errors_that_name_the_column() {
        let age = Column::new("age");
        let result: Result<u32, _> = age.decode("forty");
        assert_eq!(
            result,
            Err(DecodeError {
                column: "age",
                text: String::from("forty")
            })
        );
    }

    #[test]
    fn rows_decode_into_typed_tuples() {
        let name = Column::new("name");
        let score = Column::new("score");
        let row: (String, i64) = decode_row(&name, &score, "ferris, -7").expect("both cells parse");
        assert_eq!(row, (String::from("ferris"), -7));
        let broken: Result<(String, i64), _> = decode_row(&name, &score, "ferris,");
        assert!(broken.is_err());
    }

    #[test]
    fn a_column_can_be_shared_across_threads_whatever_it_decodes() {
        let flags = Column::new("flag");
        let flag: Flag = flags.decode("yes").expect("a flag");
        assert!(flag.0.get());
        assert!(
            value_implements!(flags => Sync),
            "a Column<Flag> holds no Flag; it must be Sync"
        );
        let labels = Column::new("label");
        let label: Label = labels.decode("x").expect("any text");
        assert_eq!(&*label.0, "x");
        assert!(
            value_implements!(labels => Send + Sync),
            "a Column<Label> holds no Label"
        );
    }
}
