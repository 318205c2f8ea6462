//! Drawings of eventflow workflows, of their runs and of hosts: Mermaid (which GitHub renders),
//! Graphviz DOT, and a self-contained HTML page that works offline.
//!
//! Use it through `eventflow::draw`.

mod diagram;
mod dot;
mod files;
mod host;
mod html;
mod layout;
mod mermaid;
mod run;
mod style;
mod topology;

pub use diagram::{Diagram, Emphasis, Group, Link, LinkKind, Node, NodeKind};
pub use dot::dot;
pub use files::{
    Drawings, all_possible_flows, execution, host_flows, most_recent_execution, write_drawings,
};
pub use host::host_diagram;
pub use html::html;
pub use mermaid::mermaid;
pub use run::run_diagram;
pub use topology::diagram;
