//! Shapes run once, at a given size, on the current-thread runtime: what
//! `scripts/instructions.py` runs under cachegrind to count instructions per item. One thread
//! and no timers make the count repeatable to the instruction, whatever else the machine does.

use std::sync::Arc;

use eventflow::Runner;
use eventflow::store::MemoryStore;

use crate::measure::Flavor;
use crate::shapes;

/// The shapes that can be counted, with what one item of each is.
pub const SHAPES: [(&str, &str); 5] = [
    ("pingpong", "one event routed from one step to the next"),
    ("runs", "one run of the 3-step workflow, start to result"),
    ("fanin", "one item of a `collect_many` fan-in"),
    ("typed_fanout", "one branch of a typed fan-out and its join"),
    (
        "durable",
        "one run of the 3-step workflow checkpointed in memory after every step",
    ),
];

/// Runs `shape` once with `n` items.
///
/// # Errors
///
/// An unknown shape.
pub fn run(shape: &str, n: u64) -> Result<(), String> {
    let rt = Flavor::CurrentThread.runtime();
    match shape {
        "pingpong" => rt.block_on(shapes::pingpong_eventflow(
            &Runner::new(shapes::PingPong),
            n.div_ceil(2),
        )),
        "runs" => rt.block_on(shapes::runs_eventflow(&Runner::new(shapes::Small), n)),
        "fanin" => rt.block_on(shapes::fanout_eventflow(&Runner::new(shapes::FanOut), n)),
        "typed_fanout" => rt.block_on(shapes::typed_fanout_eventflow(
            &Runner::new(shapes::TypedFanOut),
            n,
        )),
        "durable" => {
            // Four commits per run: its start, two steps, and how it ended.
            let runner = Runner::new(shapes::Small)
                .store(Arc::new(MemoryStore::new()))
                .checkpoint_every_step(true);
            rt.block_on(shapes::runs_eventflow(&runner, n));
        }
        other => {
            let known: Vec<&str> = SHAPES.iter().map(|(name, _)| *name).collect();
            return Err(format!(
                "unknown shape {other:?}; expected one of: {}",
                known.join(", ")
            ));
        }
    }
    Ok(())
}
