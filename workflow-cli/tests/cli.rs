//! The `eventflow draw` command, run as a user runs it, on this package's `triage` example.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn eventflow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventflow"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("the eventflow command: {e}"))
}

/// The `triage` example, which `cargo test` builds next to this test.
fn triage() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let example = target.join("examples").join("triage");
    assert!(
        example.exists(),
        "{} is missing: build the examples first",
        example.display()
    );
    example
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eventflow-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[test]
fn draw_writes_every_flow_of_a_program_in_three_formats() {
    let out = scratch("flows");
    let exe = triage();
    let output = eventflow(&[
        "draw",
        "--exe",
        &exe.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(files(&out), ["triage.dot", "triage.html", "triage.mmd"]);
    // The program stopped at its first run: it never printed its result.
    assert!(!String::from_utf8_lossy(&output.stdout).contains("triaged"));
    let mermaid = read(out.join("triage.mmd"));
    assert!(
        mermaid.contains("step_intake ==>|\"fan-out\"| event_ticket"),
        "{mermaid}"
    );
    let html = read(out.join("triage.html"));
    for id in ["step-intake", "step-triage", "step-review", "event-batch"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn draw_runs_draws_every_finished_run() {
    let out = scratch("runs");
    let exe = triage();
    let output = eventflow(&[
        "draw",
        "--exe",
        &exe.to_string_lossy(),
        "--runs",
        "--format",
        "mermaid",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let names = files(&out);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("triage-run-") && names[0].ends_with(".mmd"));
    let mermaid = read(out.join(&names[0]));
    // Seven tickets, then two, then none open: three rounds.
    assert!(mermaid.contains("ran 3×"), "{mermaid}");
    assert!(mermaid.contains("completed"), "{mermaid}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn draw_reads_exported_files() {
    let exported = scratch("exported");
    let status = Command::new(triage())
        .env("EVENTFLOW_EXPORT_RUNS", &exported)
        .output()
        .map(|o| o.status.success());
    assert_eq!(status.ok(), Some(true));
    let trace = files(&exported)
        .into_iter()
        .find(|f| f.ends_with(".trace.json"))
        .expect("a trace");
    let out = scratch("from-files");
    let output = eventflow(&[
        "draw",
        "--topology",
        &exported.join("triage.topology.json").to_string_lossy(),
        "--trace",
        &exported.join(&trace).to_string_lossy(),
        "--format",
        "html",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let names = files(&out);
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[1], "triage.html");
    assert!(names[0].starts_with("triage-run-"));
    let _ = std::fs::remove_dir_all(&exported);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn draw_without_a_source_explains_what_to_name() {
    let output = eventflow(&["draw"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--example NAME, --bin NAME, --exe PATH or --topology FILE"),
        "{stderr}"
    );
}
