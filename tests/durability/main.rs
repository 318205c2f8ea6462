//! Runs that outlive their process: suspension and resumption, checkpoints of fan-outs, sets,
//! collections and child runs, damaged checkpoints, and processes killed at random moments.
//!
//! One test binary for the area rather than one per file: each binary links the whole runtime,
//! so fewer of them build and link faster.

mod corpus;
mod crash;
mod durable;
mod durable_children;
mod durable_fan;
mod fault_props;
mod faults;
mod journal;
mod reliability;
