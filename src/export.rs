//! Topologies and run traces written to files for the `eventflow` command, when the
//! environment asks for it. Installed into every `#[workflow]` through
//! [`Workflow::tool`](eventflow_core::Workflow::tool), so that any program built on eventflow
//! can be drawn without changing it.
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

use eventflow_core::observe::Tool;
use eventflow_core::topology::{self, HostTopology, Topology};
use eventflow_core::trace::RunTrace;
use serde::Serialize;

/// Where to export, read once from the environment.
#[derive(Debug)]
struct Export {
    topology: Option<PathBuf>,
    runs: Option<PathBuf>,
}

/// The exporter, if the environment asks for one: runs start far too often to look at the
/// environment each time.
pub(crate) fn tool() -> Option<&'static dyn Tool> {
    static EXPORT: OnceLock<Option<Export>> = OnceLock::new();
    EXPORT
        .get_or_init(|| {
            let export = Export {
                topology: std::env::var_os("EVENTFLOW_EXPORT_TOPOLOGY").map(PathBuf::from),
                runs: std::env::var_os("EVENTFLOW_EXPORT_RUNS").map(PathBuf::from),
            };
            (export.topology.is_some() || export.runs.is_some()).then_some(export)
        })
        .as_ref()
        .map(|export| export as &'static dyn Tool)
}

impl Export {
    fn dirs(&self) -> impl Iterator<Item = &PathBuf> {
        [&self.topology, &self.runs].into_iter().flatten()
    }
}

impl Tool for Export {
    fn runner_built(&self, topology: &dyn Fn() -> Topology) {
        let topology = topology();
        let name = format!("{}.topology.json", topology.slug());
        for dir in self.dirs() {
            write(dir, &name, &topology);
        }
    }

    fn host_built(&self, topology: &dyn Fn() -> HostTopology) {
        let topology = topology();
        for dir in self.dirs() {
            write(dir, "host.topology.json", &topology);
        }
    }

    fn run_starting(&self, _workflow: &'static str) {
        if self.topology.is_some() {
            // The tool that asked only wants the topologies, which are written.
            std::process::exit(0);
        }
    }

    fn records_runs(&self) -> bool {
        self.runs.is_some()
    }

    fn run_finished(&self, trace: &RunTrace) {
        if let Some(dir) = &self.runs {
            let slug = topology::slug(&trace.workflow);
            write(dir, &format!("{slug}-{}.trace.json", trace.run_id), trace);
        }
    }
}

fn write(dir: &Path, name: &str, value: &impl Serialize) {
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        let json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
        std::fs::write(dir.join(name), json)
    });
    if let Err(error) = written {
        eprintln!(
            "eventflow: could not export {name} to {}: {error}",
            dir.display()
        );
    }
}
