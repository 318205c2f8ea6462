//! How events move through a run: routing to steps, fan-out and fan-in, free-function steps,
//! per-run state and the caller's stream.
//!
//! One test binary for the area rather than one per file: each binary links the whole runtime,
//! so fewer of them build and link faster.

mod agent;
mod extend;
mod fan_in;
mod fan_out;
mod fan_out_props;
mod free_steps;
mod routing;
mod state;
mod stream;
mod stream_from;
