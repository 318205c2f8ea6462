//! Runtimes built by hand, where `#[tokio::test]` does not reach: inside proptest cases, or
//! where one test needs a runtime per simulated process.

use tokio::runtime::{Builder, Runtime};

/// A current-thread runtime whose clock starts paused: a sleep or a timeout ends as soon as
/// nothing else can run, so a test of delays takes no real time and sees exact durations.
///
/// Only the time driver is enabled: nothing run on it does I/O, and a test that counts
/// allocations (or tasks) sees no driver of its own.
///
/// ```
/// use std::time::Duration;
///
/// let runtime = eventflow_testkit::runtime::paused().expect("a runtime");
/// let waited = runtime.block_on(async {
///     let start = tokio::time::Instant::now();
///     tokio::time::sleep(Duration::from_secs(3600)).await;
///     start.elapsed()
/// });
/// assert_eq!(waited, Duration::from_secs(3600));
/// ```
///
/// # Errors
///
/// If tokio cannot build the runtime.
pub fn paused() -> std::io::Result<Runtime> {
    Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
}

/// A multi-thread runtime of two workers with a real clock: tasks really race across threads,
/// and delays of a few milliseconds interleave them differently each time.
///
/// ```
/// let runtime = eventflow_testkit::runtime::threaded().expect("a runtime");
/// let sum = runtime.block_on(async {
///     let tasks: Vec<_> = (1..=4_u32).map(|n| tokio::spawn(async move { n * n })).collect();
///     let mut sum = 0;
///     for task in tasks {
///         sum += task.await.expect("the task finishes");
///     }
///     sum
/// });
/// assert_eq!(sum, 30);
/// ```
///
/// # Errors
///
/// If tokio cannot build the runtime.
pub fn threaded() -> std::io::Result<Runtime> {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
}
