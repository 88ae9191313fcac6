//! Compile-time behaviour of `#[metered]`: what must compile (`tests/ui/pass`) and the exact
//! diagnostics for misuse (`tests/ui/fail`, one file per error, with its expected `.stderr`).
//!
//! Regenerate expectations after an intended change with `TRYBUILD=overwrite cargo test --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
