//! [`Diagram`]: what every drawing is made from, whatever its format.
//!
//! A workflow's topology and a run's trace both become a diagram: boxes for steps, pills for
//! event types, and arrows between them. The Mermaid, DOT and HTML writers only read diagrams,
//! so all three show the same thing.

/// A graph to draw: nodes and the links between them, with a title.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagram {
    /// The heading of the drawing, usually the workflow's name.
    pub title: String,
    /// A line under the heading, such as a run's outcome.
    pub subtitle: Option<String>,
    /// The nodes, in a stable order (steps first, in declaration order, then events).
    pub nodes: Vec<Node>,
    /// The links between nodes.
    pub links: Vec<Link>,
    /// Lines listed under the drawing, such as a run's timeline; empty for a topology.
    pub notes: Vec<String>,
}

/// A box in a [`Diagram`].
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// An identifier unique in the diagram, made of `[a-z0-9_-]` only: usable as a Mermaid or
    /// DOT node name and as an HTML id.
    pub id: String,
    /// The text in the box.
    pub label: String,
    /// What the node is, which decides its shape and colour.
    pub kind: NodeKind,
    /// Short facts shown with the label, such as `8 workers` or `ran 3×`.
    pub badges: Vec<String>,
    /// How the node stands out.
    pub emphasis: Emphasis,
}

/// What a [`Node`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A step.
    Step,
    /// An error-recovery step.
    RecoveryStep,
    /// An event type passed between steps.
    Internal,
    /// The event a run starts with.
    Start,
    /// The event that ends a run.
    Stop,
    /// An event sent into runs from outside, such as a human's answer.
    External,
    /// An event only written to the caller's stream.
    Stream,
    /// A step's failure, on its way to an error-recovery step.
    Failure,
}

impl NodeKind {
    /// Whether the node is a step (a box) rather than an event (a pill).
    pub fn is_step(self) -> bool {
        matches!(self, Self::Step | Self::RecoveryStep)
    }
}

/// How a [`Node`] stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Emphasis {
    /// Drawn normally.
    #[default]
    Normal,
    /// Drawn faintly: a step that never ran, an event that never flowed.
    Faint,
    /// Drawn as a problem: a step that failed.
    Error,
}

/// An arrow in a [`Diagram`].
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The index of the node the arrow leaves.
    pub from: usize,
    /// The index of the node the arrow points at.
    pub to: usize,
    /// What the arrow is, which decides its line.
    pub kind: LinkKind,
    /// Text on the arrow, such as `take 2` or `×40`.
    pub label: Option<String>,
}

/// What a [`Link`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// An event to a step that takes it, or a step to an event it returns.
    Flow,
    /// A step to an event it sends through its context.
    Sends,
    /// A step to an event it fans out (returns a collection of).
    FanOut,
    /// An event to a step that joins its fan-out.
    Join,
    /// A step to an event it only writes to the caller's stream.
    Stream,
    /// A step to the failure event an error-recovery step takes.
    Failure,
}
