//! Drawings of eventflow workflows and of their runs: Mermaid (which GitHub renders), Graphviz
//! DOT, and a self-contained HTML page that works offline.
//!
//! Use it through `eventflow::draw`.

mod diagram;
mod dot;
mod mermaid;
mod style;
mod topology;

pub use diagram::{Diagram, Emphasis, Link, LinkKind, Node, NodeKind};
pub use dot::dot;
pub use mermaid::mermaid;
pub use topology::diagram;
