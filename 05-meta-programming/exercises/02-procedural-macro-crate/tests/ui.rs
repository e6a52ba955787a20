//! UI tests (trybuild): each `ui/fail-*.rs` must fail to compile with exactly the diagnostics in
//! its `.stderr` file, and each `ui/pass-*.rs` must compile and run. Together they check what
//! ordinary tests cannot: where the derive's errors point, and that its output compiles in any
//! user's scope (generic structs, a crate that shadows `Option`, fields named like the macro's
//! own variables).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass-*.rs");
    cases.compile_fail("tests/ui/fail-*.rs");
}
