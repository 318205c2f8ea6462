//! `eventflow draw`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use eventflow_core::Topology;
use eventflow_core::topology::HostTopology;
use eventflow_core::trace::RunTrace;
use eventflow_draw::{Diagram, diagram, dot, host_diagram, html, mermaid, run_diagram};

/// What to draw, and where.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// An example of the current package, built and run with cargo.
    #[arg(long, group = "source")]
    example: Option<String>,
    /// A binary of the current package, built and run with cargo.
    #[arg(long, group = "source")]
    bin: Option<String>,
    /// An executable, run as it is.
    #[arg(long, group = "source")]
    exe: Option<PathBuf>,
    /// An exported topology: a workflow's (`<workflow>.topology.json`) or a host's
    /// (`host.topology.json`, drawn as `host`: every workflow and the events between them).
    #[arg(long, group = "source")]
    topology: Option<PathBuf>,
    /// With `--topology`: an exported run (`<workflow>-<run>.trace.json`) to draw; with a
    /// host's topology, a run of any of its workflows.
    #[arg(long, requires = "topology")]
    trace: Vec<PathBuf>,
    /// Runs the program to its end and draws every run it finishes, instead of every flow.
    #[arg(long, conflicts_with = "topology")]
    runs: bool,
    /// The package of the example or binary (cargo's `-p`).
    #[arg(short, long)]
    package: Option<String>,
    /// The `Cargo.toml` of the example or binary.
    #[arg(long)]
    manifest_path: Option<PathBuf>,
    /// Builds the example or binary in release mode.
    #[arg(long)]
    release: bool,
    /// Where the drawings go.
    #[arg(long, default_value = "drawings")]
    out: PathBuf,
    /// Which formats to write.
    #[arg(long, value_enum, default_value = "all")]
    format: Format,
    /// Arguments for the program.
    #[arg(last = true)]
    args: Vec<String>,
}

/// Drawing formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Mermaid,
    Dot,
    Html,
    All,
}

/// Why a drawing failed.
#[derive(Debug)]
pub(crate) enum Error {
    /// Nothing to draw was named.
    NoSource,
    /// The program could not be started or failed.
    Program(String),
    /// The program built no runner, or finished no run.
    NothingExported(&'static str),
    /// A file could not be read, parsed or written.
    File(PathBuf, String),
    /// A trace names a workflow that no exported topology has.
    NoTopologyFor(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSource => f.write_str(
                "name what to draw: --example NAME, --bin NAME, --exe PATH or --topology FILE",
            ),
            Self::Program(why) => write!(f, "the program failed: {why}"),
            Self::NothingExported(what) => write!(f, "the program {what}"),
            Self::File(path, why) => write!(f, "{}: {why}", path.display()),
            Self::NoTopologyFor(workflow) => {
                write!(f, "no exported topology for workflow `{workflow}`")
            }
        }
    }
}

/// What an exported topology file holds.
enum Exported {
    Workflow(Topology),
    Host(HostTopology),
}

/// Draws what `args` names; returns the files written.
pub(crate) fn run(args: &Args) -> Result<Vec<PathBuf>, Error> {
    if let Some(path) = &args.topology {
        // A workflow's own file draws its traces whatever they call it; a host's finds the
        // workflow each trace names.
        let (mut written, topologies, by_name) = match read_topology(path)? {
            Exported::Workflow(topology) => {
                let written = write(&diagram(&topology), args, &topology.slug())?;
                (written, vec![topology], false)
            }
            Exported::Host(host) => (
                write(&host_diagram(&host), args, HOST)?,
                host.workflows,
                true,
            ),
        };
        for trace in &args.trace {
            let trace: RunTrace = read(trace)?;
            let found = if by_name {
                topologies.iter().find(|t| t.workflow == trace.workflow)
            } else {
                topologies.first()
            };
            let topology = found.ok_or_else(|| Error::NoTopologyFor(trace.workflow.clone()))?;
            let name = format!("{}-run-{}", topology.slug(), trace.run_id);
            written.extend(write(&run_diagram(topology, &trace), args, &name)?);
        }
        return Ok(written);
    }
    let exported = scratch_dir();
    let result = export(args, &exported).and_then(|()| draw_exported(args, &exported));
    let _ = std::fs::remove_dir_all(&exported);
    result
}

/// The name of a host's drawings, as `host_flows` writes them.
const HOST: &str = "host";

/// Runs the program with export turned on, into `dir`.
fn export(args: &Args, dir: &Path) -> Result<(), Error> {
    let variable = if args.runs {
        "EVENTFLOW_EXPORT_RUNS"
    } else {
        "EVENTFLOW_EXPORT_TOPOLOGY"
    };
    let mut command = match (&args.example, &args.bin, &args.exe) {
        (_, _, Some(exe)) => Command::new(exe),
        (Some(_), _, _) | (_, Some(_), _) => {
            let mut cargo =
                Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
            cargo.args(["run", "--quiet"]);
            if args.release {
                cargo.arg("--release");
            }
            if let Some(package) = &args.package {
                cargo.args(["--package", package]);
            }
            if let Some(manifest) = &args.manifest_path {
                cargo.arg("--manifest-path").arg(manifest);
            }
            match (&args.example, &args.bin) {
                (Some(example), _) => cargo.args(["--example", example]),
                (_, Some(bin)) => cargo.args(["--bin", bin]),
                _ => &mut cargo,
            };
            cargo.arg("--");
            cargo
        }
        _ => return Err(Error::NoSource),
    };
    command.args(&args.args).env(variable, dir);
    // The program's own output is the user's; it goes where ours does.
    let status = command
        .status()
        .map_err(|e| Error::Program(e.to_string()))?;
    if !status.success() {
        return Err(Error::Program(status.to_string()));
    }
    Ok(())
}

/// Draws what the program exported into `dir`.
fn draw_exported(args: &Args, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut topologies: Vec<Topology> = Vec::new();
    let mut hosts: Vec<HostTopology> = Vec::new();
    let mut traces: Vec<RunTrace> = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        let name = path.to_string_lossy();
        if name.ends_with(".topology.json") {
            match read_topology(&path)? {
                Exported::Workflow(topology) => topologies.push(topology),
                Exported::Host(host) => hosts.push(host),
            }
        } else if name.ends_with(".trace.json") {
            traces.push(read(&path)?);
        }
    }
    let mut written = Vec::new();
    if args.runs {
        if traces.is_empty() {
            return Err(Error::NothingExported("finished no run"));
        }
        for trace in &traces {
            // Every runner exports its own topology; a host's file has them too.
            let topology = topologies
                .iter()
                .chain(hosts.iter().flat_map(|h| &h.workflows))
                .find(|t| t.workflow == trace.workflow)
                .ok_or_else(|| Error::NoTopologyFor(trace.workflow.clone()))?;
            let name = format!("{}-run-{}", topology.slug(), trace.run_id);
            written.extend(write(&run_diagram(topology, trace), args, &name)?);
        }
    } else {
        if topologies.is_empty() && hosts.is_empty() {
            return Err(Error::NothingExported(
                "built no runner before its first run",
            ));
        }
        for topology in &topologies {
            written.extend(write(&diagram(topology), args, &topology.slug())?);
        }
        // The program exports one file per host, overwritten by each next host it builds.
        for host in &hosts {
            written.extend(write(&host_diagram(host), args, HOST)?);
        }
    }
    Ok(written)
}

/// Writes a diagram in one format.
type Render = fn(&Diagram) -> String;

/// Writes `d` in the chosen formats as `<out>/<name>.<ext>`.
fn write(d: &Diagram, args: &Args, name: &str) -> Result<Vec<PathBuf>, Error> {
    let out = &args.out;
    std::fs::create_dir_all(out).map_err(|e| Error::File(out.clone(), e.to_string()))?;
    let formats: [(Format, &str, Render); 3] = [
        (Format::Mermaid, "mmd", mermaid),
        (Format::Dot, "dot", dot),
        (Format::Html, "html", html),
    ];
    let mut written = Vec::new();
    for (format, extension, render) in formats {
        if args.format != Format::All && args.format != format {
            continue;
        }
        let path = out.join(format!("{name}.{extension}"));
        std::fs::write(&path, render(d)).map_err(|e| Error::File(path.clone(), e.to_string()))?;
        written.push(path);
    }
    Ok(written)
}

/// Reads an exported topology, a workflow's or a host's, told apart by their fields: a host's
/// lists `workflows`, a workflow's names its `workflow`.
fn read_topology(path: &Path) -> Result<Exported, Error> {
    let value: serde_json::Value = read(path)?;
    let parsed = if value.get("workflows").is_some() {
        serde_json::from_value(value).map(Exported::Host)
    } else {
        serde_json::from_value(value).map(Exported::Workflow)
    };
    parsed.map_err(|e| Error::File(path.to_owned(), e.to_string()))
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::File(path.to_owned(), e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| Error::File(path.to_owned(), e.to_string()))
}

/// A directory of our own for what the program exports.
fn scratch_dir() -> PathBuf {
    std::env::temp_dir().join(format!(
        "eventflow-draw-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ))
}
