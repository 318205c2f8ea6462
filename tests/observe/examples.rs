//! The examples, run as a user runs them: each prints what its documentation says.
//!
//! `cargo test` builds the examples before running this; each runs with `--fast` (no sleeps)
//! and a seed that picks one branch or the other.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use eventflow::Topology;
use eventflow::testing::assert_topology_snapshot;
use eventflow::topology::HostTopology;
use eventflow::trace::{RunTrace, TraceOutcome};
use eventflow_testkit::{ScratchDir, example};

/// Runs `target/<profile>/examples/<name>` and returns its standard output, line by line.
fn run_example(name: &str, args: &[&str]) -> Vec<String> {
    run_example_with_input(name, args, "")
}

/// [`run_example`], with `input` as the example's standard input.
fn run_example_with_input(name: &str, args: &[&str], input: &str) -> Vec<String> {
    run_example_in(name, args, input, &[])
}

/// [`run_example`], with `input` as standard input and `env` added to the environment.
fn run_example_in(name: &str, args: &[&str], input: &str, env: &[(&str, &Path)]) -> Vec<String> {
    let binary = example(name);
    let mut child = Command::new(&binary)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: writing its input: {e}"));
    }
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    assert!(
        output.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn quickstart_runs_verbosely_and_prints_its_result() {
    assert_eq!(
        run_example("quickstart", &[]),
        [
            "Running step start with StartEvent",
            "Step start produced event SecondStepEvent",
            "Running step second_step with SecondStepEvent",
            "Step second_step produced event StopEvent",
            "hello world",
        ]
    );
}

#[test]
fn feedback_monitor_loops_once_through_the_good_branch() {
    assert_eq!(
        run_example("feedback_monitor", &["--seed", "1", "--fast"]),
        [
            "We now return to the begin step",
            "Will get the latest feedback for Apple",
            "We now buy some sku with feedback Good.",
            "Will place an order for Apple",
            "We now return to the begin step",
            "We're done for the day.",
        ]
    );
}

#[test]
fn feedback_monitor_loops_once_through_the_bad_branch() {
    assert_eq!(
        run_example("feedback_monitor", &["--seed", "2", "--fast"]),
        [
            "We now return to the begin step",
            "Will get the latest feedback for Apple",
            "We now sell some sku with feedback Bad",
            "Will clear out Apple",
            "We now return to the begin step",
            "We're done for the day.",
        ]
    );
}

#[test]
fn feedback_monitor_v2_streams_timestamped_progress() {
    let lines = run_example("feedback_monitor_v2", &["--seed", "1", "--fast"]);
    // Streamed lines start with `HH:MM:SS `; the inventory manager prints on its own.
    let streamed: Vec<&str> = lines
        .iter()
        .filter_map(|line| {
            let (time, message) = line.split_at_checked(9)?;
            let is_time = time.len() == 9
                && time.bytes().enumerate().all(|(i, b)| match i {
                    2 | 5 => b == b':',
                    8 => b == b' ',
                    _ => b.is_ascii_digit(),
                });
            is_time.then_some(message)
        })
        .collect();
    assert_eq!(
        streamed,
        [
            "We now return to the begin step",
            "Will get the latest feedback for Apple",
            "We now buy some sku with feedback Good.",
            "We now return to the begin step",
        ]
    );
    assert!(
        lines.iter().any(|l| l == "Will place an order for Apple"),
        "{lines:?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Final result:  We're done for the day.")
    );
}

fn count(lines: &[String], line: &str) -> usize {
    lines.iter().filter(|l| *l == line).count()
}

#[test]
fn complex_feedback_monitor_votes_over_three_concurrent_sources() {
    for (seed, vote, action) in [
        (
            "3",
            "{'Good': 2, 'Bad': 1}",
            "Will place an order for Apple",
        ),
        ("1", "{'Bad': 2, 'Good': 1}", "Will clear out Apple"),
    ] {
        let lines = run_example("complex_feedback_monitor", &["--seed", seed, "--fast"]);
        // The three sources all start before any of them answers.
        let started: Vec<usize> = ["online_feedback", "offline_feedback", "trending_predict"]
            .iter()
            .filter_map(|step| {
                lines
                    .iter()
                    .position(|l| *l == format!("Running step {step} with {}", source_event(step)))
            })
            .collect();
        let first_answer = lines
            .iter()
            .position(|l| l.contains("produced event") && !l.contains("TradeEvent"));
        assert_eq!(started.len(), 3, "{lines:?}");
        assert!(started.iter().all(|&s| Some(s) < first_answer), "{lines:?}");
        // The decision runs once per answer and decides once, on the last.
        assert_eq!(
            count(
                &lines,
                "Running step trading_decision with OnlineFeedbackEvent"
            ),
            1
        );
        assert_eq!(count(&lines, "Step trading_decision produced no event"), 2);
        assert_eq!(
            count(&lines, "Step trading_decision produced event TradeEvent"),
            1
        );
        assert_eq!(count(&lines, vote), 1, "{lines:?}");
        assert_eq!(count(&lines, action), 1, "{lines:?}");
        assert_eq!(
            lines.last().map(String::as_str),
            Some("We are done for the day.")
        );
    }
}

#[test]
fn complex_feedback_monitor_v2_places_the_trade_through_its_child() {
    for (seed, vote, action) in [
        (
            "3",
            "{'Good': 2, 'Bad': 1}",
            "Will place an order for Apple",
        ),
        ("1", "{'Bad': 2, 'Good': 1}", "Will clear out Apple"),
    ] {
        let lines = run_example("complex_feedback_monitor_v2", &["--seed", seed, "--fast"]);
        // Only the child is verbose; it runs inside the monitor's trade step, before the
        // monitor's own result.
        assert_eq!(
            lines,
            [
                vote,
                "Running step trade with TradeEventV2",
                "We are now in a new workflow named OrderStation",
                action,
                "Step trade produced event StopEvent",
                "We are done for the day.",
            ]
        );
    }
}

#[test]
fn complex_feedback_monitor_v3_hands_the_trade_to_the_order_station_in_its_host() {
    for (seed, vote, action) in [
        (
            "3",
            "{'Good': 2, 'Bad': 1}",
            "Will place an order for Apple",
        ),
        ("1", "{'Bad': 2, 'Good': 1}", "Will clear out Apple"),
    ] {
        let mut lines = run_example("complex_feedback_monitor_v3", &["--seed", seed, "--fast"]);
        // The monitor is done once it has sent the trade; the order station's run, started
        // by it, may print before or after that, but in its own order.
        let done = lines.iter().position(|l| l == "We are done for the day.");
        assert!(done.is_some(), "{lines:?}");
        if let Some(done) = done {
            lines.remove(done);
        }
        assert_eq!(
            lines,
            [
                vote,
                "Running step trade with TradeEventV2",
                "We are now in a new workflow named OrderStation",
                action,
                "Step trade produced event StopEvent",
            ]
        );
    }
}

#[test]
fn the_application_answers_each_request_from_its_own_conversation() {
    let lines = run_example("application", &[]);
    assert_eq!(lines.len(), 6, "{lines:?}");
    // Orders are numbered in the order the station took them, which the requests race for.
    let numbered: Vec<(&str, &str)> = lines[..3]
        .iter()
        .map(|l| {
            l.split_once(": order #")
                .map_or((l.as_str(), ""), |(sku, n)| (sku, n))
        })
        .collect();
    assert_eq!(numbered[0].0, "Apple", "{lines:?}");
    assert_eq!(lines[1], "Durian: stock cleared out");
    assert_eq!(numbered[2].0, "Fig", "{lines:?}");
    let mut numbers = [numbered[0].1, numbered[2].1];
    numbers.sort_unstable();
    assert_eq!(numbers, ["1 placed", "2 placed"]);
    // The notifier, another team's workflow, took every trade too.
    assert_eq!(
        lines[3..],
        [
            "notified: Bad feedback on Durian",
            "notified: Good feedback on Apple",
            "notified: Good feedback on Fig",
        ]
    );
}

#[test]
fn an_approval_waits_across_two_processes() {
    let dir = ScratchDir::new("approval");
    let db = dir.join("runs.db").to_string_lossy().into_owned();
    let started = run_example("approval", &["start", "Rust 2027", "--db", &db]);
    assert_eq!(
        started[0],
        "Approval requested for: Rust 2027: what is new, and why it matters"
    );
    let id = started[1]
        .strip_prefix("Suspended as run ")
        .unwrap_or_else(|| panic!("{started:?}"))
        .to_owned();
    // The first process has exited: the run waits in the file only.
    assert_eq!(
        run_example("approval", &["list", "--db", &db]),
        [format!("{id} Publisher waiting")]
    );
    assert_eq!(
        run_example("approval", &["approve", &id, "--by", "Ada", "--db", &db]),
        ["Published \"Rust 2027: what is new, and why it matters\", approved by Ada"]
    );
    assert_eq!(
        run_example("approval", &["list", "--db", &db]),
        [format!("{id} Publisher completed")]
    );
}

#[test]
fn a_resumable_agent_killed_mid_step_resumes_and_repeats_no_side_effect() {
    let dir = ScratchDir::new("agent");
    let db = dir.join("agent.db").to_string_lossy().into_owned();
    // The first process dies in the middle of the second search.
    let binary = example("resumable_agent");
    let crashed = Command::new(&binary)
        .args(["--db", &db, "--crash"])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    assert!(!crashed.status.success());
    let printed = String::from_utf8_lossy(&crashed.stdout);
    assert_eq!(
        printed.lines().collect::<Vec<_>>(),
        [
            "plan: three searches about \"Rust\"",
            "search: searched for \"Rust history\"",
            "search: searched for \"Rust design\"",
            "the process dies",
        ]
    );
    let lines = run_example("resumable_agent", &["--db", &db]);
    assert_eq!(
        lines[0].split(' ').take(2).collect::<Vec<_>>(),
        ["resuming", "run"]
    );
    assert_eq!(
        lines[1..],
        [
            // Only the step that was running runs again, and finds its search done.
            "search: ran again, its search for \"Rust design\" was already done",
            "search: searched for \"Rust adoption\"",
            "write: 3 notes",
            "Answer: notes on Rust history; notes on Rust design; notes on Rust adoption",
        ]
    );
}

#[test]
fn flaky_llm_answers_once_a_retry_succeeds() {
    assert_eq!(
        run_example("flaky_llm", &["--failures", "2", "--fast"]),
        [
            "Asking the model: What is the capital of France?",
            "attempt 1",
            "attempt 2",
            "attempt 3",
            "Answer: Paris (after 3 attempts)",
        ]
    );
}

#[test]
fn flaky_llm_falls_back_to_the_cache_when_retries_run_out() {
    assert_eq!(
        run_example("flaky_llm", &["--failures", "9", "--fast"]),
        [
            "Asking the model: What is the capital of France?",
            "attempt 1",
            "attempt 2",
            "attempt 3",
            "attempt 4",
            "The model gave up after 4 attempts (the model is overloaded (429)); answering from the cache",
            "Answer: (cached) I cannot answer right now, please try again later",
        ]
    );
}

#[test]
fn human_review_revises_until_approved() {
    let base = "Rust is a language empowering everyone.";
    assert_eq!(
        run_example_with_input("human_review", &[], "mention safety\ny\n"),
        [
            format!("Draft 1: {base}"),
            "Approve? [y, or feedback]".to_owned(),
            format!("Draft 2: {base} (mention safety)"),
            "Approve? [y, or feedback]".to_owned(),
            format!("Published: {base} (mention safety)"),
        ]
    );
}

#[test]
fn human_review_approves_when_input_ends() {
    let lines = run_example_with_input("human_review", &[], "");
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Published: Rust is a language empowering everyone.")
    );
}

#[test]
fn parallel_tools_joins_every_result_in_plan_order() {
    let lines = run_example("parallel_tools", &["--fast"]);
    assert_eq!(
        lines.first().map(String::as_str),
        Some("Planning tools for: What should I know for a day in Paris?")
    );
    let mut finished: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("finished "))
        .collect();
    finished.sort_unstable();
    assert_eq!(
        finished,
        [
            "calculator(18 * 1.8 + 32)",
            "search(Eiffel Tower height)",
            "search(Paris museums open on Monday)",
            "weather(Paris)",
        ]
    );
    // The search that found nothing left the join; the others are in the order planned.
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Answer: weather: 18°C and sunny in Paris; calculator: 64.4; search: 330 m")
    );
}

fn source_event(step: &str) -> &'static str {
    match step {
        "online_feedback" => "OnlineEvent",
        "offline_feedback" => "OfflineEvent",
        _ => "TrendingPredictionEvent",
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The examples' workflow graphs are snapshots: a change shows in review like code
/// (`EVENTFLOW_BLESS=1 cargo test --test observe examples::` accepts one).
#[test]
fn the_examples_topologies_match_their_snapshots() {
    // (example, workflow file it exports, snapshot): two examples have an `OrderStation`.
    let examples = [
        ("quickstart", "simple_workflow", "simple_workflow"),
        (
            "feedback_monitor",
            "feedback_monitor_workflow",
            "feedback_monitor_workflow",
        ),
        (
            "feedback_monitor_v2",
            "feedback_monitor_workflow_v2",
            "feedback_monitor_workflow_v2",
        ),
        (
            "complex_feedback_monitor",
            "complex_feedback_monitor",
            "complex_feedback_monitor",
        ),
        (
            "complex_feedback_monitor_v2",
            "complex_feedback_monitor_v2",
            "complex_feedback_monitor_v2",
        ),
        (
            "complex_feedback_monitor_v3",
            "complex_feedback_monitor_v3",
            "complex_feedback_monitor_v3",
        ),
        (
            "complex_feedback_monitor_v3",
            "order_station",
            "order_station",
        ),
        ("application", "application", "application"),
        ("application", "order_station", "application_order_station"),
        ("application", "notifier", "application_notifier"),
        ("flaky_llm", "assistant", "assistant"),
        ("human_review", "writer", "writer"),
        ("parallel_tools", "agent", "agent"),
        ("approval", "publisher", "publisher"),
        ("crash_worker", "ledger", "ledger"),
        ("resumable_agent", "agent", "agent_resumable"),
    ];
    // One database and one directory of worker files for all the examples, as a user's.
    let shared = ScratchDir::new("examples");
    let db = shared.join("runs.db");
    let db = db.to_string_lossy();
    let files = shared.join("worker-files");
    std::fs::create_dir_all(&files).unwrap_or_else(|e| panic!("{e}"));
    let scratch_dir = files.to_string_lossy().into_owned();
    for (example, workflow, snapshot) in examples {
        let dir = ScratchDir::new(&format!("examples-{example}-{workflow}"));
        let args: &[&str] = match example {
            "approval" => &["start", "a topic", "--db", &db],
            "crash_worker" => &["--db", &db, "--dir", &scratch_dir, "--runs", "1"],
            "resumable_agent" => &["--db", &db],
            _ => &["--fast"],
        };
        // The example stops at its first run, once its runners have written their graphs.
        run_example_in(example, args, "", &[("EVENTFLOW_EXPORT_TOPOLOGY", &dir)]);
        let topology: Topology = read_json(&dir.join(format!("{workflow}.topology.json")));
        let snapshot = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/snapshots")
            .join(format!("{snapshot}.topology"));
        assert_topology_snapshot(&topology, snapshot);
    }
}

#[test]
fn a_host_exports_the_events_crossing_between_its_workflows() {
    let dir = ScratchDir::new("host");
    run_example_in(
        "complex_feedback_monitor_v3",
        &["--fast"],
        "",
        &[("EVENTFLOW_EXPORT_TOPOLOGY", &dir)],
    );
    let host: HostTopology = read_json(&dir.join("host.topology.json"));
    let names: Vec<&str> = host.workflows.iter().map(|w| w.workflow.as_str()).collect();
    assert_eq!(names, ["ComplexFeedbackMonitorV3", "OrderStation"]);
    let crossings: Vec<(usize, &str, usize, bool)> = host
        .crossings
        .iter()
        .map(|c| (c.from, c.event.as_str(), c.to, c.starts))
        .collect();
    assert_eq!(crossings, [(0, "TradeEventV2", 1, true)]);
}

#[test]
fn exported_runs_carry_their_traces() {
    let dir = ScratchDir::new("runs");
    run_example_in(
        "parallel_tools",
        &["--fast"],
        "",
        &[("EVENTFLOW_EXPORT_RUNS", &dir)],
    );
    let traces: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(".trace.json"))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(traces.len(), 1, "one run, one trace: {traces:?}");
    let trace: RunTrace = read_json(&traces[0]);
    assert_eq!(trace.outcome, TraceOutcome::Completed);
    assert_eq!(trace.step("call_tool").map(|s| s.started), Some(4));
    let topology: Topology = read_json(&dir.join("agent.topology.json"));
    assert_eq!(topology.workflow, trace.workflow);
}

#[test]
fn complex_feedback_monitor_draws_its_flows_and_its_run() {
    let dir = ScratchDir::new("draw");
    let draw = dir.to_string_lossy().into_owned();
    run_example(
        "complex_feedback_monitor",
        &["--seed", "1", "--fast", "--draw", &draw],
    );
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let mermaid = read("complex_feedback_monitor.mmd");
    assert!(
        mermaid.contains("step_start -.->|\"sends\"| event_onlineevent"),
        "{mermaid}"
    );
    let dot = read("complex_feedback_monitor.dot");
    assert!(
        dot.contains("\"step-trade\" -> \"event-stopevent\""),
        "{dot}"
    );
    let html = read("complex_feedback_monitor.html");
    for step in [
        "start",
        "online_feedback",
        "offline_feedback",
        "trending_predict",
        "trading_decision",
        "trade",
    ] {
        assert!(html.contains(&format!("id=\"step-{step}\"")), "{step}");
    }
    // The run: the decision ran once per answer, the trade once.
    let run = read("complex_feedback_monitor-run.mmd");
    assert!(run.contains("trading_decision<br/>#5 · ran 3×"), "{run}");
    assert!(run.contains("completed"), "{run}");
    assert!(read("complex_feedback_monitor-run.html").contains("id=\"step-trade\""));
    assert!(read("complex_feedback_monitor-run.dot").starts_with("digraph"));
}
