//! eventflow measured side by side with hand-written tokio programs doing the same work, in the
//! same process and run, and with the Python library it re-imagines.
//!
//! `cargo run --release -p eventflow-bench` prints every ratio; see `BENCHMARKS.md`.

#![allow(
    missing_docs,
    reason = "an internal measuring tool, documented in BENCHMARKS.md"
)]

pub mod compile;
pub mod count;
pub mod measure;
pub mod python;
pub mod report;
pub mod shapes;

use std::time::Duration;

use eventflow::Runner;
use serde::Serialize;

use measure::{Flavor, median};
use shapes::{FanOut, PingPong, Small, Streamer, TypedFanOut};

/// How much work each shape does.
#[derive(Debug, Clone, Serialize)]
pub struct Scale {
    pub name: &'static str,
    /// Start value of ping-pong: `2n + 1` events.
    pub pingpong: u64,
    /// Start value of the checkpointed ping-pong: a commit per event.
    pub checkpointed: u64,
    /// Sizes of the checkpointed typed fan-out: the cost per branch should not grow.
    pub checkpointed_fanout: Vec<u64>,
    pub fanout: Vec<u64>,
    pub runs: Vec<u64>,
    pub stream: u64,
    pub suspended: usize,
    pub compile_steps: usize,
    pub repeats: usize,
}

impl Scale {
    /// Tiny: every shape runs and checks its result in well under a second (debug build).
    pub fn smoke() -> Self {
        Self {
            name: "smoke",
            pingpong: 100,
            checkpointed: 20,
            checkpointed_fanout: vec![50, 400],
            fanout: vec![100, 1_000],
            runs: vec![10, 100],
            stream: 1_000,
            suspended: 1_000,
            compile_steps: 5,
            repeats: 1,
        }
    }

    /// The sizes the targets are stated for.
    pub fn full() -> Self {
        Self {
            name: "full",
            pingpong: 100_000,
            checkpointed: 5_000,
            checkpointed_fanout: vec![1_000, 8_000],
            fanout: vec![1_000, 100_000, 1_000_000],
            runs: vec![500, 100_000],
            stream: 2_000_000,
            suspended: 100_000,
            compile_steps: 50,
            repeats: 5,
        }
    }
}

/// One shape at one size on one runtime: eventflow's and tokio's times for the same work.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub flavor: Flavor,
    /// Units of work (events, runs, items).
    pub units: u64,
    pub eventflow: Duration,
    pub tokio: Duration,
    /// Units tokio's version handled, when it differs from eventflow's.
    pub tokio_units: u64,
}

impl Pair {
    pub fn ratio(&self) -> f64 {
        self.eventflow_per_unit() / self.tokio_per_unit()
    }

    pub fn eventflow_per_unit(&self) -> f64 {
        self.eventflow.as_secs_f64() / self.units as f64
    }

    pub fn tokio_per_unit(&self) -> f64 {
        self.tokio.as_secs_f64() / self.tokio_units as f64
    }
}

/// Resident memory added by suspended runs.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Memory {
    pub runs: usize,
    pub eventflow_bytes: u64,
    pub tokio_bytes: u64,
}

/// Everything one harness run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub scale: Scale,
    /// The global allocator the harness ran with.
    pub allocator: &'static str,
    pub pingpong: Vec<Pair>,
    pub fanout: Vec<Pair>,
    /// The fan-out shape with `-> Vec<Job>` and a `Vec<Done>` join.
    pub typed_fanout: Vec<Pair>,
    pub runs: Vec<Pair>,
    pub stream: Vec<Pair>,
    pub stream_tokio_boxed: Vec<(Flavor, Duration)>,
    /// eventflow's fan-in at the sizes the Python library ran, multi-thread.
    pub fanout_at_python_sizes: Vec<(u64, Duration)>,
    pub suspended: Option<Memory>,
    /// Ping-pong with a checkpoint after every step, against none.
    pub checkpoints: Vec<Checkpoints>,
    /// The typed fan-out with a checkpoint after every step, at growing sizes.
    pub checkpointed_fanout: Vec<Checkpoints>,
    pub compile: Option<compile::CompileCost>,
    pub python: Option<python::PythonResults>,
}

/// What the runtime shapes measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuntimeShapes {
    pub pingpong: Vec<Pair>,
    pub fanout: Vec<Pair>,
    pub typed_fanout: Vec<Pair>,
    pub runs: Vec<Pair>,
    pub stream: Vec<Pair>,
    /// The streaming baseline sending boxed items instead, for context.
    pub stream_tokio_boxed: Vec<(Flavor, Duration)>,
}

/// Runs the runtime shapes (ping-pong, fan-out, runs, streaming) on both runtimes.
pub fn runtime_shapes(scale: &Scale) -> RuntimeShapes {
    let mut out = RuntimeShapes::default();
    let RuntimeShapes {
        pingpong,
        fanout,
        typed_fanout,
        runs,
        stream,
        stream_tokio_boxed,
    } = &mut out;
    for flavor in Flavor::ALL {
        let rt = flavor.runtime();
        let repeats = scale.repeats;
        let pp = Runner::new(PingPong);
        let n = scale.pingpong;
        // Warm both once: the first run pays for allocator and thread start-up.
        rt.block_on(shapes::pingpong_eventflow(&pp, n.min(1_000)));
        rt.block_on(shapes::pingpong_tokio(n.min(1_000)));
        pingpong.push(Pair {
            flavor,
            units: shapes::pingpong_hops(n),
            eventflow: median(&rt, repeats, || shapes::pingpong_eventflow(&pp, n)),
            tokio: median(&rt, repeats, || shapes::pingpong_tokio(n)),
            tokio_units: shapes::pingpong_tokio_messages(n),
        });

        let fan = Runner::new(FanOut);
        for &n in &scale.fanout {
            let repeats = if n >= 1_000_000 {
                repeats.min(3)
            } else {
                repeats
            };
            fanout.push(Pair {
                flavor,
                units: n,
                eventflow: median(&rt, repeats, || shapes::fanout_eventflow(&fan, n)),
                tokio: median(&rt, repeats, || shapes::fanout_tokio(n)),
                tokio_units: n,
            });
        }

        let typed = Runner::new(TypedFanOut);
        for &n in &scale.fanout {
            let repeats = if n >= 1_000_000 {
                repeats.min(3)
            } else {
                repeats
            };
            typed_fanout.push(Pair {
                flavor,
                units: n,
                eventflow: median(&rt, repeats, || shapes::typed_fanout_eventflow(&typed, n)),
                tokio: median(&rt, repeats, || shapes::fanout_tokio(n)),
                tokio_units: n,
            });
        }

        let small = Runner::new(Small);
        for &r in &scale.runs {
            runs.push(Pair {
                flavor,
                units: r,
                eventflow: median(&rt, repeats, || shapes::runs_eventflow(&small, r)),
                tokio: median(&rt, repeats, || shapes::runs_tokio(r)),
                tokio_units: r,
            });
        }

        let streamer = Runner::new(Streamer);
        let n = scale.stream;
        stream.push(Pair {
            flavor,
            units: n,
            eventflow: median(&rt, repeats, || shapes::stream_eventflow(&streamer, n)),
            tokio: median(&rt, repeats, || shapes::stream_tokio(n)),
            tokio_units: n,
        });
        stream_tokio_boxed.push((
            flavor,
            median(&rt, repeats, || shapes::stream_tokio_boxed(n)),
        ));
    }
    out
}

/// The cost of a checkpoint after every step, in one store.
#[derive(Debug, Clone, Serialize)]
pub struct Checkpoints {
    pub store: &'static str,
    /// Events routed (each one a step's completion, each one a commit).
    pub steps: u64,
    /// Ping-pong with the checkpoints.
    pub with: Duration,
    /// The same ping-pong without.
    pub without: Duration,
}

impl Checkpoints {
    /// The time a checkpoint adds to a step.
    pub fn per_step(&self) -> f64 {
        (self.with.as_secs_f64() - self.without.as_secs_f64()).max(0.0) / self.steps as f64
    }

    pub fn ratio(&self) -> f64 {
        self.with.as_secs_f64() / self.without.as_secs_f64()
    }
}

/// Ping-pong with a checkpoint after every step, in memory and in an SQLite file under `dir`,
/// each against the same ping-pong without checkpoints, side by side, multi-thread.
pub fn checkpoints(scale: &Scale, dir: &std::path::Path) -> Result<Vec<Checkpoints>, String> {
    use eventflow::store::{MemoryStore, SqliteStore};
    use std::sync::Arc;
    let rt = Flavor::MultiThread.runtime();
    let n = scale.checkpointed;
    let plain = Runner::new(PingPong);
    let db = dir.join("bench-checkpoints.db");
    let _ = std::fs::remove_file(&db);
    let sqlite = SqliteStore::open(&db).map_err(|e| format!("{}: {e}", db.display()))?;
    let stores: [(&'static str, Arc<dyn eventflow::store::CheckpointStore>); 2] = [
        ("memory", Arc::new(MemoryStore::new())),
        ("sqlite (WAL)", Arc::new(sqlite)),
    ];
    let mut out = Vec::new();
    for (name, store) in stores {
        let checkpointed = Runner::new(PingPong)
            .store(store)
            .checkpoint_every_step(true);
        rt.block_on(shapes::pingpong_eventflow(&checkpointed, n.min(10)));
        out.push(Checkpoints {
            store: name,
            steps: shapes::pingpong_hops(n),
            with: median(&rt, scale.repeats, || {
                shapes::pingpong_eventflow(&checkpointed, n)
            }),
            without: median(&rt, scale.repeats, || shapes::pingpong_eventflow(&plain, n)),
        });
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.clone().into_os_string();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
    Ok(out)
}

/// The typed fan-out with a checkpoint after every step (in memory) at each size, against
/// the same fan-out without, side by side: what a commit adds per branch should stay flat as
/// the fan-out grows, since a commit writes what changed, not the whole run.
pub fn checkpointed_fanout(scale: &Scale) -> Vec<Checkpoints> {
    use eventflow::store::MemoryStore;
    use std::sync::Arc;
    let rt = Flavor::MultiThread.runtime();
    let plain = Runner::new(TypedFanOut);
    scale
        .checkpointed_fanout
        .iter()
        .map(|&n| {
            // A fresh store per size: the journal of one size does not weigh on the next.
            let checkpointed = Runner::new(TypedFanOut)
                .store(Arc::new(MemoryStore::new()))
                .checkpoint_every_step(true);
            Checkpoints {
                store: "memory",
                // A commit per branch, and for the split and the join.
                steps: n + 2,
                with: median(&rt, scale.repeats, || {
                    shapes::typed_fanout_eventflow(&checkpointed, n)
                }),
                without: median(&rt, scale.repeats, || {
                    shapes::typed_fanout_eventflow(&plain, n)
                }),
            }
        })
        .collect()
}

/// eventflow's fan-in time at each size, on the multi-thread runtime.
pub fn fanout_at(sizes: &[u64], repeats: usize) -> Vec<(u64, Duration)> {
    let rt = Flavor::MultiThread.runtime();
    let fan = Runner::new(FanOut);
    sizes
        .iter()
        .map(|&n| {
            (
                n,
                median(&rt, repeats, || shapes::fanout_eventflow(&fan, n)),
            )
        })
        .collect()
}
