//! Topologies and run traces written to files for tools, when the environment asks for it.
//!
//! `EVENTFLOW_EXPORT_TOPOLOGY=<dir>`: every runner the program builds writes its topology to
//! `<dir>/<workflow>.topology.json`, and the program exits (status 0) when it first starts a
//! run. A drawing tool runs any program this way to draw its workflows without running them.
//!
//! `EVENTFLOW_EXPORT_RUNS=<dir>`: every run is recorded, and when it finishes its trace goes to
//! `<dir>/<workflow>-<run id>.trace.json`, next to the workflow's topology.
//!
//! In both, a host the program builds writes its topology to `<dir>/host.topology.json`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;

use crate::host::HostTopology;
use crate::topology::Topology;
use crate::trace::RunTrace;

struct Export {
    topology: Option<PathBuf>,
    runs: Option<PathBuf>,
}

/// Read once: runs start far too often to look at the environment each time.
fn settings() -> &'static Export {
    static SETTINGS: OnceLock<Export> = OnceLock::new();
    SETTINGS.get_or_init(|| Export {
        topology: std::env::var_os("EVENTFLOW_EXPORT_TOPOLOGY").map(PathBuf::from),
        runs: std::env::var_os("EVENTFLOW_EXPORT_RUNS").map(PathBuf::from),
    })
}

/// A runner was built: writes its topology if asked to.
pub(crate) fn runner_built(topology: impl FnOnce() -> Topology) {
    let settings = settings();
    if settings.topology.is_none() && settings.runs.is_none() {
        return;
    }
    let topology = topology();
    let name = format!("{}.topology.json", topology.slug());
    for dir in [&settings.topology, &settings.runs].into_iter().flatten() {
        write(dir, &name, &topology);
    }
}

/// A host was built: writes its topology if asked to, as `host.topology.json`.
pub(crate) fn host_built(topology: impl FnOnce() -> HostTopology) {
    let settings = settings();
    if settings.topology.is_none() && settings.runs.is_none() {
        return;
    }
    let topology = topology();
    for dir in [&settings.topology, &settings.runs].into_iter().flatten() {
        write(dir, "host.topology.json", &topology);
    }
}

/// A run is about to start: in topology export, the program has shown its workflows.
pub(crate) fn run_starting() {
    if settings().topology.is_some() {
        // The tool that asked only wants the topologies, which are written.
        std::process::exit(0);
    }
}

/// Whether every run is recorded for export.
pub(crate) fn records_runs() -> bool {
    settings().runs.is_some()
}

/// A recorded run finished: writes its trace if asked to.
pub(crate) fn run_finished(slug: &str, trace: &RunTrace) {
    if let Some(dir) = &settings().runs {
        write(dir, &format!("{slug}-{}.trace.json", trace.run_id), trace);
    }
}

fn write(dir: &Path, name: &str, value: &impl Serialize) {
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        let json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
        std::fs::write(dir.join(name), json)
    });
    if let Err(error) = written {
        tracing::warn!(target: "eventflow::export", dir = %dir.display(), name, %error, "could not export");
    }
}
