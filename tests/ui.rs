//! Compile-time diagnostics, one case per mistake (`tests/ui/fail`), and code that must compile
//! and run (`tests/ui/pass`). After a deliberate change, `TRYBUILD=overwrite cargo test --test ui`
//! rewrites the `.stderr` files; review them like code.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
