//! `cargo run --release -p eventflow-bench [-- --scale smoke]`: measures every shape on
//! eventflow and on hand-written tokio code in this process, runs the Python library's version
//! if its venv exists (`scripts/setup-python-bench.sh`), and prints the ratios and targets.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::{Parser, ValueEnum};
use eventflow_bench::measure::Flavor;
use eventflow_bench::{Memory, Results, Scale, compile, python, report, shapes};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScaleArg {
    /// Tiny sizes that check every shape in seconds (CI runs this).
    Smoke,
    /// The sizes the targets are stated for.
    Full,
}

#[derive(Debug, Parser)]
#[command(about = "eventflow side by side with hand-written tokio and the Python library")]
struct Args {
    #[arg(long, value_enum, default_value = "full")]
    scale: ScaleArg,
    /// The Python interpreter with llama-index-workflows installed (default: .venv-bench).
    #[arg(long)]
    python: Option<PathBuf>,
    /// Skip the Python library.
    #[arg(long)]
    no_python: bool,
    /// Skip the compile-cost shape, which builds two generated crates.
    #[arg(long)]
    skip_compile: bool,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Run one runtime shape over and over on the multi-thread runtime, for a profiler:
    /// `pingpong`, `fanout`, `typed_fanout`, `runs` or `stream`.
    #[arg(long)]
    profile: Option<String>,
    /// Run one shape once at size `--n` on the current-thread runtime and exit, for
    /// instruction counts (`scripts/instructions.py`): `pingpong`, `runs`, `fanin`,
    /// `typed_fanout` or `durable`.
    #[arg(long)]
    count: Option<String>,
    /// The size for `--count`.
    #[arg(long, default_value_t = 1000)]
    n: u64,
    /// Internal: measure suspended runs in a fresh process and print the bytes.
    #[arg(long, hide = true)]
    suspended_child: Option<String>,
    #[arg(long, hide = true, default_value_t = 0)]
    runs: usize,
}

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ALLOCATOR: &str = if cfg!(feature = "mimalloc") {
    "mimalloc"
} else {
    "system"
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Measures in a fresh process, so that memory freed by other shapes cannot hide the cost.
fn suspended(runs: usize) -> Result<Memory, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let measure = |which: &str| -> Result<u64, String> {
        let output = Command::new(&exe)
            .args(["--suspended-child", which, "--runs", &runs.to_string()])
            .output()
            .map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned());
        }
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .map_err(|e| format!("{e}"))
    };
    Ok(Memory {
        runs,
        eventflow_bytes: measure("eventflow")?,
        tokio_bytes: measure("tokio")?,
    })
}

fn profile(shape: &str) -> Result<(), String> {
    use eventflow::Runner;
    let rt = Flavor::MultiThread.runtime();
    let start = std::time::Instant::now();
    while start.elapsed().as_secs() < 10 {
        match shape {
            "pingpong" => rt.block_on(shapes::pingpong_eventflow(
                &Runner::new(shapes::PingPong),
                100_000,
            )),
            "fanout" => rt.block_on(shapes::fanout_eventflow(
                &Runner::new(shapes::FanOut),
                100_000,
            )),
            "typed_fanout" => rt.block_on(shapes::typed_fanout_eventflow(
                &Runner::new(shapes::TypedFanOut),
                100_000,
            )),
            "runs" => rt.block_on(shapes::runs_eventflow(&Runner::new(shapes::Small), 100_000)),
            "stream" => rt.block_on(shapes::stream_eventflow(
                &Runner::new(shapes::Streamer),
                1_000_000,
            )),
            other => return Err(format!("unknown shape {other:?}")),
        }
    }
    Ok(())
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let profile = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    format!(
        "{cores} cores, {} {}, {profile}, {ALLOCATOR} allocator",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    if let Some(which) = &args.suspended_child {
        let rt = Flavor::MultiThread.runtime();
        let bytes = match which.as_str() {
            "eventflow" => rt.block_on(shapes::suspended_eventflow(args.runs)),
            _ => rt.block_on(shapes::suspended_tokio(args.runs)),
        };
        println!("{bytes}");
        return Ok(());
    }

    if let Some(shape) = &args.count {
        return eventflow_bench::count::run(shape, args.n);
    }
    if let Some(shape) = &args.profile {
        return profile(shape);
    }
    let scale = match args.scale {
        ScaleArg::Smoke => Scale::smoke(),
        ScaleArg::Full => Scale::full(),
    };
    eprintln!("measuring at scale {} ({})…", scale.name, machine());

    let shapes = eventflow_bench::runtime_shapes(&scale);
    let suspended = suspended(scale.suspended)?;
    let checkpoints = eventflow_bench::checkpoints(&scale, &repo().join("target"))?;
    let checkpointed_fanout = eventflow_bench::checkpointed_fanout(&scale);

    let compile = if args.skip_compile {
        None
    } else {
        eprintln!(
            "building two generated {}-step crates…",
            scale.compile_steps
        );
        let dir = repo().join("target").join("bench-compile");
        Some(compile::measure(
            &dir,
            &repo(),
            scale.compile_steps,
            scale.repeats.min(3),
        )?)
    };

    let venv = repo().join(".venv-bench/bin/python");
    let python_bin = args
        .python
        .clone()
        .or_else(|| venv.exists().then_some(venv));
    let python = match (args.no_python, python_bin) {
        (false, Some(bin)) => {
            eprintln!("running the Python library with {}…", bin.display());
            let script = repo().join("bench/python/bench.py");
            let py_scale = if matches!(args.scale, ScaleArg::Smoke) {
                "smoke"
            } else {
                "small"
            };
            Some(python::run(&bin, &script, py_scale)?)
        }
        _ => None,
    };
    let sizes: Vec<u64> = python
        .iter()
        .flat_map(|p| p.fanout.iter().map(|f| f.n))
        .collect();
    let fanout_at_python_sizes = eventflow_bench::fanout_at(&sizes, scale.repeats);

    let results = Results {
        scale,
        allocator: ALLOCATOR,
        pingpong: shapes.pingpong,
        fanout: shapes.fanout,
        typed_fanout: shapes.typed_fanout,
        runs: shapes.runs,
        stream: shapes.stream,
        stream_tokio_boxed: shapes.stream_tokio_boxed,
        fanout_at_python_sizes,
        suspended: Some(suspended),
        checkpoints,
        checkpointed_fanout,
        compile,
        python,
    };
    print!("{}", report::render(&results, &machine()));
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}
