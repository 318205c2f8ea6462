//! Compile cost: a 50-step workflow written with `#[workflow]`, against the same dispatch
//! written by hand, each generated as a crate and built.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Build times of the two variants.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct CompileCost {
    pub steps: usize,
    pub macro_build: Duration,
    pub hand_build: Duration,
}

/// Events `E0`..`E{steps-1}`, each step `s{i}` turning `E{i-1}` (or the start event) into `E{i}`
/// (or the stop event).
fn events(steps: usize) -> String {
    let mut out = String::new();
    for i in 0..steps.saturating_sub(1) {
        let _ = writeln!(
            out,
            "#[derive(Clone, Serialize, Deserialize, Event)]\npub struct E{i}(pub u64);"
        );
    }
    out
}

fn input(i: usize) -> String {
    if i == 0 {
        "StartEvent<u64>".into()
    } else {
        format!("E{}", i - 1)
    }
}

fn output(i: usize, steps: usize) -> String {
    if i + 1 == steps {
        "StopEvent<u64>".into()
    } else {
        format!("E{i}")
    }
}

fn field(i: usize) -> &'static str {
    if i == 0 { "input" } else { "0" }
}

fn construct(i: usize, steps: usize, value: &str) -> String {
    if i + 1 == steps {
        format!("StopEvent::new({value})")
    } else {
        format!("E{i}({value})")
    }
}

/// The workflow written with the macro.
pub fn macro_source(steps: usize) -> String {
    let mut out = String::from("use eventflow::prelude::*;\n\n");
    out += &events(steps);
    out += "\npub struct Chain;\n\n#[workflow]\nimpl Chain {\n";
    for i in 0..steps {
        let _ = writeln!(
            out,
            "    #[step]\n    async fn s{i}(&self, ev: {}) -> {} {{\n        {}\n    }}\n",
            input(i),
            output(i, steps),
            construct(i, steps, &format!("ev.{} + 1", field(i)))
        );
    }
    out += "}\n\npub fn runner() -> Runner<Chain> {\n    Runner::new(Chain)\n}\n";
    out
}

/// The same steps and dispatch without the macro: a hand-written `Workflow` impl.
pub fn hand_source(steps: usize) -> String {
    let mut out = String::from(
        "use std::sync::Arc;\n\nuse eventflow::prelude::*;\nuse eventflow::Workflow;\nuse eventflow::event::EventType;\nuse eventflow::step::{Emit, StepDef, StepSpec};\n\n",
    );
    out += &events(steps);
    out += "\npub struct Chain;\n\nimpl Chain {\n";
    for i in 0..steps {
        let _ = writeln!(
            out,
            "    async fn s{i}(&self, ev: {}) -> {} {{\n        {}\n    }}\n",
            input(i),
            output(i, steps),
            construct(i, steps, &format!("ev.{} + 1", field(i)))
        );
    }
    out += "}\n\nimpl Workflow for Chain {\n    type Start = StartEvent<u64>;\n    type Stop = StopEvent<u64>;\n    type State = ();\n    const NAME: &'static str = \"Chain\";\n    const STEPS: &'static [StepDef<Self>] = &[\n";
    for i in 0..steps {
        let _ = writeln!(
            out,
            "        StepDef::new(\n            StepSpec {{\n                accepts: &[EventType::of::<{input}>()],\n                emits: &[EventType::of::<{output}>()],\n                ..StepSpec::new(\"s{i}\")\n            }},\n            |this, input, _ctx| {{\n                let this = Arc::clone(this);\n                Box::pin(async move {{\n                    let event = input.into_event().ok_or(\"one event\")?;\n                    let ev = event.downcast::<{input}>().map_err(|e| e.name())?;\n                    Ok(Emit::One(AnyEvent::new(this.s{i}(ev).await)))\n                }})\n            }},\n        ),",
            input = input(i),
            output = output(i, steps),
        );
    }
    out += "    ];\n}\n\npub fn runner() -> Runner<Chain> {\n    Runner::builder(Chain).build().expect(\"a valid chain\")\n}\n";
    out
}

fn manifest(name: &str, repo: &Path) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\neventflow = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
         # Its own workspace, not a member of the repository's.\n[workspace]\n",
        repo.display().to_string()
    )
}

/// Writes both crates under `dir`.
pub fn generate(dir: &Path, repo: &Path, steps: usize) -> std::io::Result<[PathBuf; 2]> {
    let mut crates = Vec::new();
    for (name, source) in [
        ("chain_macro", macro_source(steps)),
        ("chain_hand", hand_source(steps)),
    ] {
        let root = dir.join(name);
        std::fs::create_dir_all(root.join("src"))?;
        std::fs::write(root.join("Cargo.toml"), manifest(name, repo))?;
        std::fs::write(root.join("src/lib.rs"), source)?;
        crates.push(root);
    }
    Ok([crates.remove(0), crates.remove(0)])
}

fn cargo_build(root: &Path, target_dir: &Path) -> Result<Duration, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let output = Command::new(cargo)
        .arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        return Err(format!(
            "building {} failed:\n{}",
            root.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(elapsed)
}

/// Rebuilds the crate alone after a change to its source.
fn rebuild(root: &Path, target_dir: &Path, round: usize) -> Result<Duration, String> {
    let lib = root.join("src/lib.rs");
    let mut source = std::fs::read_to_string(&lib).map_err(|e| e.to_string())?;
    // A changed comment is enough for cargo to rebuild this crate and nothing else.
    if let Some(pos) = source.find("\n// build ") {
        source.truncate(pos);
    }
    let _ = write!(source, "\n// build {round}\n");
    std::fs::write(&lib, source).map_err(|e| e.to_string())?;
    cargo_build(root, target_dir)
}

/// Builds both variants once (dependencies included), then times rebuilding each.
pub fn measure(
    dir: &Path,
    repo: &Path,
    steps: usize,
    repeats: usize,
) -> Result<CompileCost, String> {
    let [macro_crate, hand_crate] = generate(dir, repo, steps).map_err(|e| e.to_string())?;
    let target_dir = dir.join("target");
    cargo_build(&macro_crate, &target_dir)?;
    cargo_build(&hand_crate, &target_dir)?;
    let mut macro_times = Vec::new();
    let mut hand_times = Vec::new();
    // Alternate the two so that a busy moment of the machine falls on both.
    for round in 0..repeats.max(1) {
        macro_times.push(rebuild(&macro_crate, &target_dir, round)?);
        hand_times.push(rebuild(&hand_crate, &target_dir, round)?);
    }
    macro_times.sort();
    hand_times.sort();
    Ok(CompileCost {
        steps,
        macro_build: macro_times[macro_times.len() / 2],
        hand_build: hand_times[hand_times.len() / 2],
    })
}
