//! `eventflow`: draws the workflows of a program, and its runs.
//!
//! ```text
//! eventflow draw --example complex_feedback_monitor          # every flow, three formats
//! eventflow draw --bin my-service --runs -- --port 0          # every run it finishes
//! eventflow draw --topology agent.topology.json --trace run.trace.json
//! eventflow draw --topology host.topology.json                # a host's workflows
//! ```
//!
//! A program is drawn by running it with `EVENTFLOW_EXPORT_TOPOLOGY` set, which makes every
//! runner it builds write its graph and stops the program at its first run; `--runs` sets
//! `EVENTFLOW_EXPORT_RUNS` instead, which lets it run and writes the trace of every run. A
//! program that builds a host also writes the host's topology, drawn as `host`: every workflow
//! in a frame of its own and the events crossing between them.

mod draw;

use std::process::ExitCode;

use clap::Parser;

/// Draws eventflow workflows and their runs, as Mermaid, Graphviz DOT and self-contained HTML.
#[derive(Debug, Parser)]
#[command(name = "eventflow", version, about)]
enum Command {
    /// Draws the workflows of a program (an example, a binary, an executable) or of exported
    /// files.
    Draw(draw::Args),
}

fn main() -> ExitCode {
    let result = match Command::parse() {
        Command::Draw(args) => draw::run(&args),
    };
    match result {
        Ok(files) => {
            for file in files {
                println!("{}", file.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
