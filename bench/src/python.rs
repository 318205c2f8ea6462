//! The same shapes on the Python library, through `bench/python/bench.py`.

use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PythonResults {
    pub library: String,
    pub version: String,
    pub python: String,
    pub pingpong: Timed<Hops>,
    pub fanout: Vec<FanIn>,
    pub runs: Runs,
    pub stream: Stream,
    pub suspended: Suspended,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hops {
    pub hops: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timed<T> {
    #[serde(flatten)]
    pub count: T,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FanIn {
    pub n: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Runs {
    pub runs: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stream {
    pub events: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suspended {
    pub runs: u64,
    pub rss_bytes: u64,
}

/// Runs the script with `python` at `scale` (`smoke` or `small`).
pub fn run(python: &Path, script: &Path, scale: &str) -> Result<PythonResults, String> {
    let output = Command::new(python)
        .arg(script)
        .arg("--scale")
        .arg(scale)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed:\n{}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or_default();
    serde_json::from_str(line)
        .map_err(|e| format!("unreadable output of {}: {e}\n{stdout}", script.display()))
}
