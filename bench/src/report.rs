//! The printed table and the targets.

use std::fmt::Write as _;
use std::time::Duration;

use crate::measure::Flavor;
use crate::{Checkpoints, Pair, Results};

/// A duration per unit in the unit that reads best.
pub fn per_unit(seconds: f64) -> String {
    let ns = seconds * 1e9;
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

fn rate(units: f64, seconds: f64) -> String {
    let per_second = units / seconds;
    if per_second >= 1e6 {
        format!("{:.2} M/s", per_second / 1e6)
    } else if per_second >= 1e3 {
        format!("{:.1} k/s", per_second / 1e3)
    } else {
        format!("{per_second:.0} /s")
    }
}

fn bytes(b: f64) -> String {
    if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / 1024.0 / 1024.0)
    } else if b >= 1024.0 {
        format!("{:.2} KiB", b / 1024.0)
    } else {
        format!("{b:.0} B")
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// A target: what it asks, what was measured, and whether it holds.
#[derive(Debug)]
pub struct Target {
    pub goal: &'static str,
    pub measured: String,
    pub met: Option<bool>,
}

fn pair(pairs: &[Pair], flavor: Flavor, units: u64) -> Option<&Pair> {
    pairs
        .iter()
        .find(|p| p.flavor == flavor && p.units == units)
}

/// The whole report as text.
pub fn render(results: &Results, machine: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "eventflow benchmarks — scale {}, {machine}\n",
        results.scale.name
    );
    let _ = writeln!(
        out,
        "{:<34} {:<15} {:>12} {:>12} {:>9}",
        "shape", "runtime", "eventflow", "tokio", "ef/tokio"
    );
    let mut row = |label: String, p: &Pair, show: &dyn Fn(&Pair, bool) -> String| {
        let _ = writeln!(
            out,
            "{label:<34} {:<15} {:>12} {:>12} {:>8.2}×",
            p.flavor.label(),
            show(p, true),
            show(p, false),
            p.ratio()
        );
    };
    let time_per_unit = |p: &Pair, ef: bool| {
        per_unit(if ef {
            p.eventflow_per_unit()
        } else {
            p.tokio_per_unit()
        })
    };
    for p in &results.pingpong {
        row("ping-pong, per event".into(), p, &time_per_unit);
    }
    for p in &results.fanout {
        row(
            format!("fan-out/fan-in N={}, per item", p.units),
            p,
            &time_per_unit,
        );
    }
    for p in &results.typed_fanout {
        row(
            format!("typed fan-out/join N={}, per item", p.units),
            p,
            &time_per_unit,
        );
    }
    let runs_rate = |p: &Pair, ef: bool| {
        rate(
            p.units as f64,
            if ef { p.eventflow } else { p.tokio }.as_secs_f64(),
        )
    };
    for p in &results.runs {
        row(format!("{} concurrent 3-step runs", p.units), p, &runs_rate);
    }
    for p in &results.stream {
        row(format!("streaming {} events", p.units), p, &runs_rate);
    }
    for (flavor, time) in &results.stream_tokio_boxed {
        if let Some(p) = results.stream.iter().find(|p| p.flavor == *flavor) {
            let _ = writeln!(
                out,
                "{:<34} {:<15} {:>12} {:>12}",
                "  (tokio sending boxed items)",
                flavor.label(),
                "",
                rate(p.units as f64, time.as_secs_f64())
            );
        }
    }
    if let Some(m) = &results.suspended {
        let per = |b: u64| b as f64 / m.runs as f64;
        let _ = writeln!(
            out,
            "{:<34} {:<15} {:>12} {:>12} {:>8.2}×",
            format!("{} suspended runs, RSS per run", m.runs),
            "multi-thread",
            bytes(per(m.eventflow_bytes)),
            bytes(per(m.tokio_bytes)),
            per(m.eventflow_bytes) / per(m.tokio_bytes).max(1.0)
        );
    }
    if let Some(c) = &results.compile {
        let _ = writeln!(
            out,
            "{:<34} {:<15} {:>12} {:>12} {:>8.2}×",
            format!("build of a {}-step workflow", c.steps),
            "cargo build",
            secs(c.macro_build),
            secs(c.hand_build),
            c.macro_build.as_secs_f64() / c.hand_build.as_secs_f64()
        );
    }
    if !results.checkpoints.is_empty() {
        checkpoint_table(
            &mut out,
            "ping-pong, multi-thread), against no persistence",
            "store",
            &results.checkpoints,
            |c| format!("{} ({} steps)", c.store, c.steps),
        );
    }
    if let [first, .., last] = results.checkpointed_fanout.as_slice() {
        // A commit per branch, and one each for the split and the join.
        let branches = |c: &Checkpoints| c.steps - 2;
        checkpoint_table(
            &mut out,
            "typed fan-out, memory, multi-thread), per branch",
            "branches",
            &results.checkpointed_fanout,
            |c| branches(c).to_string(),
        );
        let _ = writeln!(
            out,
            "added per branch at {} / at {}: {:.2} (flat is linear)",
            branches(last),
            branches(first),
            last.per_step() / first.per_step().max(f64::MIN_POSITIVE)
        );
    }
    if let Some(py) = &results.python {
        let _ = writeln!(
            out,
            "\nagainst {} {} (Python {}), multi-thread runtime for eventflow:\n",
            py.library, py.version, py.python
        );
        let _ = writeln!(
            out,
            "{:<34} {:>12} {:>12} {:>12}",
            "shape", "eventflow", "python", "python/ef"
        );
        let mut line = |label: String, ef: f64, py: f64, show: &dyn Fn(f64) -> String| {
            let _ = writeln!(
                out,
                "{label:<34} {:>12} {:>12} {:>11.0}×",
                show(ef),
                show(py),
                py / ef
            );
        };
        if let Some(p) = results
            .pingpong
            .iter()
            .find(|p| p.flavor == Flavor::MultiThread)
        {
            line(
                "ping-pong, per event".into(),
                p.eventflow_per_unit(),
                py.pingpong.seconds / py.pingpong.count.hops as f64,
                &per_unit,
            );
        }
        for fan in &py.fanout {
            if let Some((_, ef)) = results
                .fanout_at_python_sizes
                .iter()
                .find(|(n, _)| *n == fan.n)
            {
                line(
                    format!("fan-out/fan-in N={}, per item", fan.n),
                    ef.as_secs_f64() / fan.n as f64,
                    fan.seconds / fan.n as f64,
                    &per_unit,
                );
            }
        }
        if let Some(p) = results
            .runs
            .iter()
            .find(|p| p.flavor == Flavor::MultiThread && p.units == py.runs.runs)
            .or_else(|| {
                results
                    .runs
                    .iter()
                    .find(|p| p.flavor == Flavor::MultiThread)
            })
        {
            line(
                "concurrent 3-step runs, per run".to_string(),
                p.eventflow_per_unit(),
                py.runs.seconds / py.runs.runs as f64,
                &per_unit,
            );
        }
        if let Some(p) = results
            .stream
            .iter()
            .find(|p| p.flavor == Flavor::MultiThread)
        {
            line(
                "streaming, per event".into(),
                p.eventflow_per_unit(),
                py.stream.seconds / py.stream.events as f64,
                &per_unit,
            );
        }
        if let Some(m) = &results.suspended {
            line(
                "suspended run, RSS per run".into(),
                m.eventflow_bytes as f64 / m.runs as f64,
                py.suspended.rss_bytes as f64 / py.suspended.runs as f64,
                &bytes,
            );
        }
    }
    if results.scale.name != "full" || cfg!(debug_assertions) {
        let _ = writeln!(
            out,
            "\ntargets are judged at full scale in a release build: cargo run --release -p eventflow-bench"
        );
        return out;
    }
    let _ = writeln!(out, "\ntargets:");
    for target in targets(results) {
        let mark = match target.met {
            Some(true) => "met ",
            Some(false) => "MISS",
            None => " -- ",
        };
        let _ = writeln!(out, "  [{mark}] {:<58} {}", target.goal, target.measured);
    }
    out
}

/// The speed targets, checked against what was measured.
pub fn targets(r: &Results) -> Vec<Target> {
    let mut out = Vec::new();
    let mt = Flavor::MultiThread;
    if let Some(p) = r.pingpong.iter().find(|p| p.flavor == mt) {
        out.push(Target {
            goal: "dispatch (ping-pong) ≤ 1.5× hand-written tokio",
            measured: format!("{:.2}×", p.ratio()),
            met: Some(p.ratio() <= 1.5),
        });
    }
    if let (Some(big), Some(mid)) = (pair(&r.fanout, mt, 1_000_000), pair(&r.fanout, mt, 100_000)) {
        let scaling = big.eventflow.as_secs_f64() / mid.eventflow.as_secs_f64();
        out.push(Target {
            goal: "fan-in linear: time(1M) / time(100k) ≤ 12",
            measured: format!("{scaling:.1}"),
            met: Some(scaling <= 12.0),
        });
    }
    if let (Some(big), Some(mid)) = (
        pair(&r.typed_fanout, mt, 1_000_000),
        pair(&r.typed_fanout, mt, 100_000),
    ) {
        let scaling = big.eventflow.as_secs_f64() / mid.eventflow.as_secs_f64();
        out.push(Target {
            goal: "typed fan-out/join linear: time(1M) / time(100k) ≤ 12",
            measured: format!("{scaling:.1}"),
            met: Some(scaling <= 12.0),
        });
    }
    if let Some(p) = r
        .runs
        .iter()
        .filter(|p| p.flavor == mt)
        .max_by_key(|p| p.units)
    {
        let per_second = p.units as f64 / p.eventflow.as_secs_f64();
        out.push(Target {
            goal: "≥ 200k runs/s of the 3-step workflow",
            measured: format!(
                "{} ({} runs)",
                rate(p.units as f64, p.eventflow.as_secs_f64()),
                p.units
            ),
            met: Some(per_second >= 200_000.0),
        });
    }
    if let Some(p) = r.stream.iter().find(|p| p.flavor == mt) {
        let per_second = p.units as f64 / p.eventflow.as_secs_f64();
        out.push(Target {
            goal: "≥ 5M streamed events/s",
            measured: rate(p.units as f64, p.eventflow.as_secs_f64()),
            met: Some(per_second >= 5e6),
        });
    }
    if let Some(m) = &r.suspended {
        let per_run = m.eventflow_bytes as f64 / m.runs as f64;
        out.push(Target {
            goal: "≤ 5 KiB resident memory per suspended run",
            measured: bytes(per_run),
            met: Some(per_run <= 5.0 * 1024.0),
        });
    }
    if let Some(c) = &r.compile {
        let extra = c.macro_build.as_secs_f64() - c.hand_build.as_secs_f64();
        out.push(Target {
            goal: "≤ 1 s extra build time for 50 steps over hand-written",
            measured: format!("{extra:+.2} s ({} steps)", c.steps),
            met: Some(extra <= 1.0),
        });
    }
    if let Some(py) = &r.python {
        let mut slowest = f64::INFINITY;
        if let Some(p) = r.pingpong.iter().find(|p| p.flavor == mt) {
            slowest = slowest
                .min(py.pingpong.seconds / py.pingpong.count.hops as f64 / p.eventflow_per_unit());
        }
        if let Some(p) = r.runs.iter().find(|p| p.flavor == mt) {
            slowest = slowest.min(py.runs.seconds / py.runs.runs as f64 / p.eventflow_per_unit());
        }
        if let Some(p) = r.stream.iter().find(|p| p.flavor == mt) {
            slowest =
                slowest.min(py.stream.seconds / py.stream.events as f64 / p.eventflow_per_unit());
        }
        for fan in &py.fanout {
            if let Some((_, ef)) = r.fanout_at_python_sizes.iter().find(|(n, _)| *n == fan.n) {
                slowest = slowest.min(fan.seconds / ef.as_secs_f64());
            }
        }
        out.push(Target {
            goal: "every shape ≥ 100× faster than the Python library",
            measured: format!("slowest shape {slowest:.0}×"),
            met: Some(slowest >= 100.0),
        });
        if let (Some(fan), Some((_, ef))) = (
            py.fanout.iter().find(|f| f.n == 2_000),
            r.fanout_at_python_sizes.iter().find(|(n, _)| *n == 2_000),
        ) {
            let speedup = fan.seconds / ef.as_secs_f64();
            out.push(Target {
                goal: "fan-in at N = 2000 ≥ 10,000× faster than Python",
                measured: format!("{speedup:.0}×"),
                met: Some(speedup >= 10_000.0),
            });
        }
    } else {
        out.push(Target {
            goal: "comparisons with the Python library",
            measured: "not run (scripts/setup-python-bench.sh installs it)".into(),
            met: None,
        });
    }
    out
}

/// A table of checkpoint costs: per row, the time per step with checkpoints, what they add,
/// and the ratio to the same shape without.
fn checkpoint_table(
    out: &mut String,
    what: &str,
    first_column: &str,
    rows: &[Checkpoints],
    label: impl Fn(&Checkpoints) -> String,
) {
    let _ = writeln!(out, "\ncheckpoint after every step ({what}:\n");
    let _ = writeln!(
        out,
        "{:<34} {:>14} {:>14} {:>9}",
        first_column, "with, per step", "added", "with/none"
    );
    for c in rows {
        let _ = writeln!(
            out,
            "{:<34} {:>14} {:>14} {:>8.1}×",
            label(c),
            per_unit(c.with.as_secs_f64() / c.steps as f64),
            per_unit(c.per_step()),
            c.ratio()
        );
    }
}
