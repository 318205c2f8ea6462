//! The one-call API: drawings written to files.

use std::io;
use std::path::{Path, PathBuf};

use eventflow_core::topology::HostTopology;
use eventflow_core::trace::RunTrace;
use eventflow_core::{Runner, Topology, Workflow};

use crate::diagram::Diagram;
use crate::dot::dot;
use crate::host::host_diagram;
use crate::html::html;
use crate::mermaid::mermaid;
use crate::run::run_diagram;
use crate::topology::diagram;

/// The files a drawing call wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawings {
    /// The Mermaid flowchart (`.mmd`).
    pub mermaid: PathBuf,
    /// The Graphviz graph (`.dot`).
    pub dot: PathBuf,
    /// The self-contained page (`.html`).
    pub html: PathBuf,
}

/// Draws every flow a workflow allows, as `<name>.mmd`, `<name>.dot` and `<name>.html` in
/// `dir` (created if missing), named after the workflow.
///
/// Pass a runner (its free-function steps included) or a [`Topology`].
///
/// ```
/// use eventflow::prelude::*;
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
/// # let drawings = std::env::temp_dir().join(format!("eventflow-doc-flows-{}", std::process::id()));
/// let files = eventflow::draw::all_possible_flows(&Runner::new(Echo), &drawings)?;
/// assert!(files.html.ends_with("echo.html"));
/// assert!(std::fs::read_to_string(&files.mermaid)?.contains("step_echo"));
/// # std::fs::remove_dir_all(&drawings)?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// If `dir` cannot be created or a file cannot be written.
pub fn all_possible_flows(
    source: impl Into<Topology>,
    dir: impl AsRef<Path>,
) -> io::Result<Drawings> {
    let topology = source.into();
    write_drawings(&diagram(&topology), dir, &topology.slug())
}

/// Draws every workflow of a host and the events crossing between them, as `host.mmd`,
/// `host.dot` and `host.html` in `dir` (created if missing); see [`host_diagram`]. Each
/// workflow is a framed group; the child workflows its steps run are collapsed boxes.
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Trade(String);
///
/// struct Monitor;
///
/// #[workflow(publishes(Trade))]
/// impl Monitor {
///     #[step(sends(Trade))]
///     async fn watch(&self, ctx: &Context, ev: StartEvent<String>) -> StopEvent<String> {
///         ctx.send_event(Trade(ev.input));
///         StopEvent::new("watched".into())
///     }
/// }
///
/// struct Orders;
///
/// #[workflow(start = Trade)]
/// impl Orders {
///     #[step]
///     async fn order(&self, ev: Trade) -> StopEvent<String> {
///         StopEvent::new(ev.0)
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let host = eventflow::host![Monitor => Runner::new(Monitor), Orders => Runner::new(Orders)]?;
/// # let drawings = std::env::temp_dir().join(format!("eventflow-doc-host-{}", std::process::id()));
/// let files = eventflow::draw::host_flows(&host.topology(), &drawings)?;
/// assert!(files.html.ends_with("host.html"));
/// let mermaid = std::fs::read_to_string(&files.mermaid)?;
/// assert!(mermaid.contains("monitor_event_trade ==>|\"starts\"| orders_event_trade"));
/// # std::fs::remove_dir_all(&drawings)?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// If `dir` cannot be created or a file cannot be written.
pub fn host_flows(host: &HostTopology, dir: impl AsRef<Path>) -> io::Result<Drawings> {
    write_drawings(&host_diagram(host), dir, "host")
}

/// Draws the most recent recorded run of `runner` to finish, as `<name>-run.mmd`,
/// `<name>-run.dot` and `<name>-run.html` in `dir`. The runner must record runs
/// ([`Runner::record_runs`]).
///
/// ```
/// use eventflow::prelude::*;
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
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let runner = Runner::new(Echo).record_runs(true);
/// runner.run("hi".into()).await?;
/// # let drawings = std::env::temp_dir().join(format!("eventflow-doc-run-{}", std::process::id()));
/// let files = eventflow::draw::most_recent_execution(&runner, &drawings)?;
/// assert!(files.html.ends_with("echo-run.html"));
/// # std::fs::remove_dir_all(&drawings)?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`io::ErrorKind::NotFound`] if no recorded run has finished; otherwise if `dir` cannot be
/// created or a file cannot be written.
pub fn most_recent_execution<W: Workflow>(
    runner: &Runner<W>,
    dir: impl AsRef<Path>,
) -> io::Result<Drawings> {
    let Some(trace) = runner.last_run() else {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "no recorded run has finished: call `Runner::record_runs(true)` before running",
        ));
    };
    execution(&runner.topology(), &trace, dir)
}

/// Draws one recorded run, as [`most_recent_execution`] does, from its topology and trace
/// (for example, read back from JSON files).
///
/// # Errors
///
/// If `dir` cannot be created or a file cannot be written.
pub fn execution(
    topology: &Topology,
    trace: &RunTrace,
    dir: impl AsRef<Path>,
) -> io::Result<Drawings> {
    let name = format!("{}-run", topology.slug());
    write_drawings(&run_diagram(topology, trace), dir, &name)
}

/// Writes `diagram` in the three formats, as `<name>.mmd`, `<name>.dot` and `<name>.html` in
/// `dir` (created if missing).
///
/// # Errors
///
/// If `dir` cannot be created or a file cannot be written.
pub fn write_drawings(
    diagram: &Diagram,
    dir: impl AsRef<Path>,
    name: &str,
) -> io::Result<Drawings> {
    let dir = dir.as_ref();
    std::fs::create_dir_all(dir)?;
    let files = Drawings {
        mermaid: dir.join(format!("{name}.mmd")),
        dot: dir.join(format!("{name}.dot")),
        html: dir.join(format!("{name}.html")),
    };
    std::fs::write(&files.mermaid, mermaid(diagram))?;
    std::fs::write(&files.dot, dot(diagram))?;
    std::fs::write(&files.html, html(diagram))?;
    Ok(files)
}
