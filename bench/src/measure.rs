//! Timing and memory readings.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

/// Which tokio scheduler a measurement ran on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Flavor {
    /// The multi-thread runtime with one worker per core, as applications use it.
    MultiThread,
    /// One thread.
    CurrentThread,
}

impl Flavor {
    pub const ALL: [Self; 2] = [Self::MultiThread, Self::CurrentThread];

    pub fn runtime(self) -> Runtime {
        let mut builder = match self {
            Self::MultiThread => tokio::runtime::Builder::new_multi_thread(),
            Self::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        };
        match builder.enable_all().build() {
            Ok(runtime) => runtime,
            Err(error) => panic!("cannot build a tokio runtime: {error}"),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::MultiThread => "multi-thread",
            Self::CurrentThread => "current-thread",
        }
    }
}

/// Runs `work` `repeats` times on `runtime` and returns the median duration. `work` checks its
/// own result: a benchmark that computes the wrong thing is a failure, not a number.
pub fn median<F, Fut>(runtime: &Runtime, repeats: usize, mut work: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut times: Vec<Duration> = (0..repeats.max(1))
        .map(|_| {
            let start = Instant::now();
            runtime.block_on(work());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// The process's resident memory, in bytes (Linux).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

fn page_size() -> u64 {
    // Every Linux target this runs on uses 4 KiB pages unless configured otherwise; statm
    // counts in those pages.
    std::fs::read_to_string("/proc/self/smaps")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("KernelPageSize:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(4096, |kb| kb * 1024)
}
