//! # Fix E0433: a macro whose path only works where it was written
//!
//! - **Goal:** make `percent_of!` work from any module, by writing the path to the function it
//!   calls so that it resolves from the macro's crate, whatever the caller's scope.
//! - **Concepts:** a path in a `macro_rules!` body is resolved at the call site (items are not
//!   hygienic); `$crate` names the crate that defined the macro; shadowing; E0433.
//! - **Read first:** `notes/01-macro-rules-fundamentals.md` (section "`$crate` and paths in
//!   expansions").
//! - **Run:** `cargo course run 05.7`
//! - **Test:** `cargo course verify 05.7` (reference solution:
//!   `cargo test -p meta-programming --bin m05-fix-crate-path`)
//! - **Done when:** it compiles and the tests pass, including the one that calls the macro from a
//!   module that has its own, different `units`.

mod units {
    /// `part` as a percentage of `whole`, rounded half up; 0 when `whole` is 0.
    pub(crate) fn percent(part: u64, whole: u64) -> u64 {
        if whole == 0 {
            return 0;
        }
        (part * 200 + whole) / (whole * 2)
    }

    // course:solution
    /// `percent_of!(part, whole)` calls `units::percent` from anywhere in the crate.
    macro_rules! percent_of {
        ($part:expr, $whole:expr) => {
            $crate::units::percent($part, $whole)
        };
    }
    // course:stub
    // /// `percent_of!(part, whole)` calls `units::percent` from anywhere in the crate.
    // macro_rules! percent_of {
    //     ($part:expr, $whole:expr) => {
    //         units::percent($part, $whole)
    //     };
    // }
    // course:decoy relative-path Keeps the relative path `units::percent`, which means whatever `units` is where the macro is called.
    // /// `percent_of!(part, whole)` calls `units::percent` from anywhere in the crate.
    // macro_rules! percent_of {
    //     ($part:expr, $whole:expr) => {
    //         units::percent($part, $whole)
    //     };
    // }
    // course:end

    // Makes the macro nameable by path (`crate::units::percent_of!`), like any other item.
    pub(crate) use percent_of;
}

mod report {
    // course:solution
    use crate::units::percent_of;
    // course:stub
    // use crate::units::percent_of;
    // course:decoy relative-path Imports `units` into this module so that the relative path resolves here.
    // use crate::units::{self, percent_of};
    // course:end

    /// `"<done>/<total> (<percent>%)"`.
    pub(crate) fn progress(done: u64, total: u64) -> String {
        format!("{done}/{total} ({}%)", percent_of!(done, total))
    }
}

fn main() {
    println!("{}", report::progress(1, 3));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with the same name and a different meaning: percent_of! must not use it.
    mod units {
        pub(crate) fn percent(_part: u64, _whole: u64) -> u64 {
            999
        }
    }

    #[test]
    fn progress_rounds_half_up() {
        assert_eq!(report::progress(1, 3), "1/3 (33%)");
        assert_eq!(report::progress(1, 8), "1/8 (13%)");
        assert_eq!(report::progress(0, 0), "0/0 (0%)");
    }

    #[test]
    fn macro_resolves_from_its_own_crate_not_the_callers_scope() {
        assert_eq!(
            units::percent(1, 2),
            999,
            "the local `units` is a different module"
        );
        assert_eq!(crate::units::percent_of!(1, 2), 50);
    }
}
