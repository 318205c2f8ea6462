//! What the feedback-monitor examples share: the inventory manager, and options to reproduce a
//! run.
//!
//! Every example accepts `--seed N` (random choices repeat exactly) and `--fast` (the examples'
//! `sleep`s are skipped, which the tests use).

#![allow(dead_code, reason = "each example uses a part of this module")]

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

static FAST: AtomicBool = AtomicBool::new(false);

/// Command-line options of the examples.
pub(crate) struct Options {
    pub(crate) seed: Option<u64>,
    /// `--draw DIR`: where to write drawings of the workflow and of its run.
    pub(crate) draw: Option<std::path::PathBuf>,
}

impl Options {
    /// Reads `--seed N` and `--fast`.
    pub(crate) fn from_args() -> Self {
        let mut seed = None;
        let mut draw = None;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--fast" => FAST.store(true, Ordering::Relaxed),
                "--seed" => seed = args.next().and_then(|s| s.parse().ok()),
                "--draw" => draw = args.next().map(std::path::PathBuf::from),
                other => {
                    eprintln!(
                        "ignoring unknown argument {other:?} (expected --seed N, --fast, --draw DIR)"
                    );
                }
            }
        }
        Self { seed, draw }
    }
}

/// `asyncio.sleep`; with `--fast`, only a yield, so that concurrent steps still interleave.
pub(crate) async fn sleep(seconds: f64) {
    if FAST.load(Ordering::Relaxed) {
        tokio::task::yield_now().await;
    } else {
        tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    }
}

/// A random source shared by the steps of a workflow; seeded for reproducible runs.
pub(crate) struct Dice(Mutex<StdRng>);

impl Dice {
    pub(crate) fn new(seed: Option<u64>) -> Self {
        let rng = seed.map_or_else(rand::make_rng, StdRng::seed_from_u64);
        Self(Mutex::new(rng))
    }

    /// `random.random()`: uniform in `[0, 1)`.
    pub(crate) fn random(&self) -> f64 {
        self.0.lock().map_or(0.5, |mut rng| rng.random())
    }

    /// `random.randint(low, high)`: inclusive.
    pub(crate) fn randint(&self, low: u64, high: u64) -> u64 {
        self.0
            .lock()
            .map_or(low, |mut rng| rng.random_range(low..=high))
    }
}

/// Places and clears out orders, slowly.
#[derive(Default)]
pub(crate) struct InventoryManager;

impl InventoryManager {
    pub(crate) async fn place_order(&self, sku: &str) {
        sleep(0.5).await;
        println!("Will place an order for {sku}");
    }

    pub(crate) async fn clear_out(&self, sku: &str) {
        sleep(0.5).await;
        println!("Will clear out {sku}");
    }
}

/// The time of day as `HH:MM:SS` (UTC), for the streaming log.
pub(crate) fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

pub(crate) mod complex;

/// The events of the feedback monitor, which all carry a `payload`.
pub(crate) mod feedback {
    use eventflow::prelude::*;

    #[derive(Debug, Clone, Serialize, Deserialize, Event)]
    pub(crate) struct LoopEvent {
        pub(crate) payload: String,
    }

    #[derive(Debug, Clone, Serialize, Deserialize, Event)]
    pub(crate) struct GetFeedbackEvent {
        pub(crate) payload: String,
    }

    #[derive(Debug, Clone, Serialize, Deserialize, Event)]
    pub(crate) struct OrderEvent {
        pub(crate) payload: String,
    }

    #[derive(Debug, Clone, Serialize, Deserialize, Event)]
    pub(crate) struct ClearEvent {
        pub(crate) payload: String,
    }

    #[derive(Debug, Clone, Serialize, Deserialize, Event)]
    pub(crate) struct ProgressEvent {
        pub(crate) payload: String,
    }

    /// What the monitor keeps between steps. On `self`, concurrent runs of one workflow would
    /// share it; as state, each run has its own.
    #[derive(Debug, Clone, Default, Serialize, Deserialize)]
    pub(crate) struct Monitor {
        pub(crate) sku: String,
        pub(crate) counter: u32,
    }
}
