//! The `eventflow draw` command, run as a user runs it, on this package's `triage` and `shop`
//! examples and on files exported by hosts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use eventflow_testkit::{ScratchDir, example};

fn eventflow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventflow"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("the eventflow command: {e}"))
}

/// Runs the command, which must succeed; its output.
fn succeed(args: &[&str]) -> Output {
    let output = eventflow(args);
    assert!(
        output.status.success(),
        "eventflow {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The `triage` example, which `cargo test` builds next to this test.
fn triage() -> PathBuf {
    example("triage")
}

/// The `shop` example, a host of three workflows, one of which runs a child.
fn shop() -> PathBuf {
    example("shop")
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
    let out = ScratchDir::new("cli-flows");
    let exe = triage();
    let output = succeed(&[
        "draw",
        "--exe",
        &exe.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
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
}

#[test]
fn draw_runs_draws_every_finished_run() {
    let out = ScratchDir::new("cli-runs");
    let exe = triage();
    succeed(&[
        "draw",
        "--exe",
        &exe.to_string_lossy(),
        "--runs",
        "--format",
        "mermaid",
        "--out",
        &out.to_string_lossy(),
    ]);
    let names = files(&out);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("triage-run-") && names[0].ends_with(".mmd"));
    let mermaid = read(out.join(&names[0]));
    // Seven tickets, then two, then none open: three rounds.
    assert!(mermaid.contains("ran 3×"), "{mermaid}");
    assert!(mermaid.contains("completed"), "{mermaid}");
}

#[test]
fn draw_reads_exported_files() {
    let exported = ScratchDir::new("cli-exported");
    let status = Command::new(triage())
        .env("EVENTFLOW_EXPORT_RUNS", exported.path())
        .output()
        .map(|o| o.status.success());
    assert_eq!(status.ok(), Some(true));
    let trace = files(&exported)
        .into_iter()
        .find(|f| f.ends_with(".trace.json"))
        .expect("a trace");
    let out = ScratchDir::new("cli-from-files");
    succeed(&[
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
    let names = files(&out);
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[1], "triage.html");
    assert!(names[0].starts_with("triage-run-"));
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

#[test]
fn draw_draws_the_host_a_program_builds_with_its_workflows() {
    let out = ScratchDir::new("cli-host-flows");
    let exe = shop();
    succeed(&[
        "draw",
        "--exe",
        &exe.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    let names = files(&out);
    for workflow in ["host", "storefront", "warehouse", "mailer", "packing"] {
        for extension in ["dot", "html", "mmd"] {
            let file = format!("{workflow}.{extension}");
            assert!(names.contains(&file), "{file} missing from {names:?}");
        }
    }
    let mermaid = read(out.join("host.mmd"));
    for line in [
        "    subgraph group_storefront[\"Storefront\"]\n",
        "    storefront_event_order ==>|\"starts\"| warehouse_event_order\n",
        "    storefront_event_order ==>|\"starts\"| mailer_event_order\n",
        "    warehouse_event_receipt -.->|\"delivers\"| storefront_event_receipt\n",
        "    warehouse_step_ship -->|\"runs\"| warehouse_child_packing\n",
    ] {
        assert!(mermaid.contains(line), "{line:?} missing from {mermaid}");
    }
    let dot = read(out.join("host.dot"));
    assert!(dot.contains("subgraph \"cluster_warehouse\" {"), "{dot}");
    assert!(
        dot.contains("\"storefront-event-order\" -> \"warehouse-event-order\" [style=bold"),
        "{dot}"
    );
    let html = read(out.join("host.html"));
    for id in [
        "group-storefront",
        "group-warehouse",
        "group-mailer",
        "storefront-step-checkout",
        "warehouse-step-ship",
        "warehouse-child-packing",
        "mailer-step-mail",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(html.contains(
        r#"class="link starts" data-from="storefront-event-order" data-to="warehouse-event-order""#
    ));
    // The warehouse's own drawing shows the child it runs, collapsed.
    let warehouse = read(out.join("warehouse.mmd"));
    assert!(
        warehouse.contains("    child_packing[[\"Packing<br/>1 step\"]]:::child\n"),
        "{warehouse}"
    );
}

// A host built here, its topology written as a program exports it.

use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Question(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(String);

struct Asker;

#[workflow(publishes(Question), subscribes(Answer))]
impl Asker {
    #[step(sends(Question))]
    async fn ask(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, WaitError> {
        ctx.send_event(Question(ev.input));
        Ok(StopEvent::new(ctx.wait_for_event::<Answer>().await?.0))
    }
}

struct Oracle;

#[workflow(start = Question, publishes(Answer))]
impl Oracle {
    #[step(sends(Answer))]
    async fn answer(&self, ctx: &Context, ev: Question) -> StopEvent {
        ctx.send_event(Answer(ev.0));
        StopEvent::new(())
    }
}

#[test]
fn draw_reads_an_exported_host_topology() {
    let host = eventflow::host![Asker => Runner::new(Asker), Oracle => Runner::new(Oracle)]
        .unwrap_or_else(|e| panic!("the host is valid: {e}"));
    let exported = ScratchDir::new("cli-host-file");
    let file = exported.join("host.topology.json");
    let json = serde_json::to_string_pretty(&host.topology()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&file, json).unwrap_or_else(|e| panic!("{e}"));
    let out = ScratchDir::new("cli-host-file-out");
    succeed(&[
        "draw",
        "--topology",
        &file.to_string_lossy(),
        "--format",
        "mermaid",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(files(&out), ["host.mmd"]);
    let mermaid = read(out.join("host.mmd"));
    for line in [
        "    subgraph group_asker[\"Asker\"]\n",
        "    subgraph group_oracle[\"Oracle\"]\n",
        "        asker_event_question[/\"Question\"/]:::published\n",
        "        asker_event_answer[\\\"Answer\"\\]:::subscribed\n",
        "    asker_event_question ==>|\"starts\"| oracle_event_question\n",
        "    oracle_event_answer -.->|\"delivers\"| asker_event_answer\n",
    ] {
        assert!(mermaid.contains(line), "{line:?} missing from {mermaid}");
    }
}

#[test]
fn draw_draws_runs_of_a_host_s_workflows_from_its_topology() {
    let exported = ScratchDir::new("cli-host-runs");
    let status = Command::new(shop())
        .env("EVENTFLOW_EXPORT_RUNS", exported.path())
        .output()
        .map(|o| o.status.success());
    assert_eq!(status.ok(), Some(true));
    let trace = files(&exported)
        .into_iter()
        .find(|f| f.starts_with("storefront-") && f.ends_with(".trace.json"))
        .expect("a trace of the storefront");
    let out = ScratchDir::new("cli-host-runs-out");
    succeed(&[
        "draw",
        "--topology",
        &exported.join("host.topology.json").to_string_lossy(),
        "--trace",
        &exported.join(&trace).to_string_lossy(),
        "--format",
        "html",
        "--out",
        &out.to_string_lossy(),
    ]);
    let names = files(&out);
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "host.html");
    assert!(names[1].starts_with("storefront-run-"), "{names:?}");
}

#[test]
fn a_broken_topology_file_is_named_in_the_error() {
    let dir = ScratchDir::new("cli-broken");
    let file = dir.join("host.topology.json");
    std::fs::write(&file, r#"{"workflows": [], "crossings": 3}"#).unwrap_or_else(|e| panic!("{e}"));
    let output = eventflow(&["draw", "--topology", &file.to_string_lossy()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("host.topology.json: invalid type"),
        "{stderr}"
    );
}
