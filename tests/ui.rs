//! Compile-time behaviour of `#[metered]`: what must compile (`tests/ui/pass`,
//! `tests/ui/axum/pass`) and the exact diagnostics for misuse (`tests/ui/fail`,
//! `tests/ui/axum/fail`, one file per error, with its expected `.stderr`). The argument and
//! signature checks are the framework-neutral pipeline's and are pinned once, through the actix
//! attribute; what the axum attribute adds or words differently is under `axum/`.
//!
//! Regenerate expectations after an intended change with `TRYBUILD=overwrite cargo test --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.pass("tests/ui/axum/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
    t.compile_fail("tests/ui/axum/fail/*.rs");
}
