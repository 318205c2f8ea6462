use std::path::{Path, PathBuf};

/// The example program `name` of the package under test, as `cargo test` built it:
/// `<target>/<profile>/examples/<name>`, beside the `deps` directory of the test binary that
/// calls this.
///
/// For tests that run an example as a user runs it, or as one of several processes.
///
/// # Panics
///
/// If the example is not there, saying how to build it.
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // A test binary is `<target>/<profile>/deps/<test>-<hash>`.
    let path = exe
        .parent()
        .and_then(Path::parent)
        .map(|profile| profile.join("examples").join(name))
        .unwrap_or_default();
    assert!(
        path.exists(),
        "{} is missing: run `cargo test` (which builds the examples) or `cargo build --examples` first",
        path.display()
    );
    path
}
