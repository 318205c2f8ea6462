//! Helpers for testing workflows.

use std::path::Path;

use crate::topology::Topology;

/// Fails unless `topology` matches the snapshot at `path`, so that a change to a workflow's
/// graph shows up in review like a change to code.
///
/// The snapshot is the topology's text listing. When the file is missing, or when the
/// environment variable `EVENTFLOW_BLESS` is set, the listing is written there instead; a
/// missing snapshot still fails the test (review it, then commit it), except while blessing.
/// Under continuous integration (`CI` set), nothing is ever written.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Topology;
/// use eventflow::testing::assert_topology_snapshot;
///
/// struct Echo;
///
/// #[workflow]
/// impl Echo {
///     #[step]
///     async fn echo(&self, ev: StartEvent<String>) -> StopEvent<String> {
///         StopEvent::new(ev.input)
///     }
/// }
///
/// # let dir = std::env::temp_dir().join(format!("eventflow-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("echo.topology");
/// # std::fs::write(&path, Topology::of::<Echo>().to_string()).unwrap();
/// assert_topology_snapshot(&Topology::of::<Echo>(), &path);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// # Panics
///
/// If the topology differs from the snapshot, or the snapshot is missing and not being
/// blessed; the message shows the difference and how to accept it.
#[track_caller]
pub fn assert_topology_snapshot(topology: &Topology, path: impl AsRef<Path>) {
    let path = path.as_ref();
    let actual = topology.to_string();
    let bless = std::env::var_os("EVENTFLOW_BLESS").is_some();
    let ci = std::env::var_os("CI").is_some();
    let expected = std::fs::read_to_string(path).ok();
    if expected.as_deref() == Some(actual.as_str()) {
        return;
    }
    if (bless || expected.is_none()) && !ci {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let written = std::fs::write(path, &actual);
        if bless {
            if let Err(error) = written {
                panic!(
                    "could not write the topology snapshot {}: {error}",
                    path.display()
                );
            }
            return;
        }
        panic!(
            "no topology snapshot at {}; one was written: review it and commit it\n{actual}",
            path.display()
        );
    }
    let expected = expected.unwrap_or_default();
    panic!(
        "the topology of `{}` changed from its snapshot {}\n{}\nif the change is intended, rerun with EVENTFLOW_BLESS=1 and commit the snapshot",
        topology.workflow,
        path.display(),
        diff(&expected, &actual)
    );
}

/// A line diff: `-` for lines only in `old`, `+` for lines only in `new`, in order.
fn diff(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    // Longest common subsequence, by dynamic programming: listings are short.
    let mut lcs = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            out.push_str(&format!("  {}\n", old[i]));
            i += 1;
            j += 1;
        } else if j < new.len() && (i == old.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", new[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", old[i]));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn the_diff_marks_removed_and_added_lines() {
        assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
        assert_eq!(diff("", "a\n"), "+ a\n");
    }
}
