//! [`Diagram`]: what every drawing is made from, whatever its format.
//!
//! A workflow's topology, a run's trace and a host's workflows all become a diagram: boxes for
//! steps, pills for event types, arrows between them, and for a host one group of nodes per
//! workflow. The Mermaid, DOT and HTML writers only read diagrams, so all three show the same
//! thing.

/// A graph to draw: nodes and the links between them, with a title.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagram {
    /// The heading of the drawing, usually the workflow's name.
    pub title: String,
    /// A line under the heading, such as a run's outcome.
    pub subtitle: Option<String>,
    /// The nodes, in a stable order (steps first, in declaration order, then events, then
    /// child workflows; a host's workflow after workflow).
    pub nodes: Vec<Node>,
    /// The links between nodes.
    pub links: Vec<Link>,
    /// Lines listed under the drawing, such as a run's timeline; empty for a topology.
    pub notes: Vec<String>,
    /// Sets of nodes drawn together in a frame under a heading, such as the workflows of a
    /// host; empty for one workflow. A node belongs to the first group that lists it.
    pub groups: Vec<Group>,
}

impl Diagram {
    /// The group of each node, if any: the first group that lists it.
    pub(crate) fn membership(&self) -> Vec<Option<usize>> {
        let mut of = vec![None; self.nodes.len()];
        for (g, group) in self.groups.iter().enumerate() {
            for &v in &group.nodes {
                if let Some(slot @ None) = of.get_mut(v) {
                    *slot = Some(g);
                }
            }
        }
        of
    }
}

/// Nodes of a [`Diagram`] drawn together in a frame under a heading: a Mermaid `subgraph`, a
/// DOT cluster, a framed area of the HTML page. [`host_diagram`](crate::host_diagram) makes one
/// per workflow.
///
/// ```
/// use eventflow::draw::{Diagram, Emphasis, Group, Node, NodeKind, mermaid};
///
/// let d = Diagram {
///     title: "Grouped".into(),
///     nodes: vec![Node {
///         id: "a-step-go".into(),
///         label: "go".into(),
///         kind: NodeKind::Step,
///         badges: Vec::new(),
///         emphasis: Emphasis::Normal,
///     }],
///     groups: vec![Group {
///         id: "a".into(),
///         label: "A".into(),
///         nodes: vec![0],
///     }],
///     ..Diagram::default()
/// };
/// let text = mermaid(&d);
/// assert!(text.contains("    subgraph group_a[\"A\"]\n        direction TB\n        a_step_go"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// An identifier unique in the diagram among groups and nodes, made of `[a-z0-9_-]` only.
    pub id: String,
    /// The heading of the frame, usually a workflow's name.
    pub label: String,
    /// The indices of the nodes in the group, into [`Diagram::nodes`].
    pub nodes: Vec<usize>,
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
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Topology;
/// use eventflow::draw::{NodeKind, diagram};
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Order(String);
///
/// struct Pack;
///
/// #[workflow]
/// impl Pack {
///     #[step]
///     async fn pack(&self, ev: StartEvent<String>) -> StopEvent<String> {
///         StopEvent::new(ev.input)
///     }
/// }
///
/// struct Shop {
///     pack: Runner<Pack>,
/// }
///
/// #[workflow(publishes(Order))]
/// impl Shop {
///     #[step(sends(Order), runs(Pack))]
///     async fn sell(
///         &self,
///         ctx: &Context,
///         ev: StartEvent<String>,
///     ) -> Result<StopEvent<String>, WorkflowError> {
///         let packed = ctx.child(&self.pack).run(ev.input).await?;
///         ctx.send_event(Order(packed.clone()));
///         Ok(StopEvent::new(packed))
///     }
/// }
///
/// let d = diagram(&Topology::of::<Shop>());
/// let kind = |id: &str| d.nodes.iter().find(|n| n.id == id).map(|n| n.kind);
/// assert_eq!(kind("event-order"), Some(NodeKind::Published));
/// assert_eq!(kind("child-pack"), Some(NodeKind::ChildWorkflow));
/// ```
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
    /// An event handed to the other workflows of a host (`#[workflow(publishes(..))]`).
    Published,
    /// An event taken from the other workflows of a host (`#[workflow(subscribes(..))]`).
    Subscribed,
    /// A workflow a step runs as its child (`#[step(runs(..))]`), drawn collapsed: one box
    /// named after the child, whose own steps are in the child's drawing.
    ChildWorkflow,
}

impl NodeKind {
    /// Whether the node is a step (a box) rather than an event (a pill) or a child workflow.
    ///
    /// ```
    /// use eventflow::draw::NodeKind;
    ///
    /// assert!(NodeKind::RecoveryStep.is_step());
    /// assert!(!NodeKind::Published.is_step());
    /// assert!(!NodeKind::ChildWorkflow.is_step());
    /// ```
    pub fn is_step(self) -> bool {
        matches!(self, Self::Step | Self::RecoveryStep)
    }

    /// Whether the node is drawn as a box, as steps and child workflows are, rather than as a
    /// pill.
    pub(crate) fn is_box(self) -> bool {
        self.is_step() || self == Self::ChildWorkflow
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
///
/// A workflow's own diagram has the kinds up to [`LinkKind::Runs`]; a host's
/// ([`host_diagram`](crate::host_diagram)) adds [`LinkKind::Starts`] and [`LinkKind::Crosses`]
/// between its workflows.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Topology;
/// use eventflow::draw::{LinkKind, diagram};
///
/// struct Pack;
///
/// #[workflow]
/// impl Pack {
///     #[step]
///     async fn pack(&self, ev: StartEvent<String>) -> StopEvent<String> {
///         StopEvent::new(ev.input)
///     }
/// }
///
/// struct Shop {
///     pack: Runner<Pack>,
/// }
///
/// #[workflow]
/// impl Shop {
///     #[step(runs(Pack))]
///     async fn sell(
///         &self,
///         ctx: &Context,
///         ev: StartEvent<String>,
///     ) -> Result<StopEvent<String>, WorkflowError> {
///         Ok(StopEvent::new(ctx.child(&self.pack).run(ev.input).await?))
///     }
/// }
///
/// let d = diagram(&Topology::of::<Shop>());
/// let runs = d.links.iter().find(|l| l.kind == LinkKind::Runs).expect("a child");
/// assert_eq!(d.nodes[runs.from].label, "sell");
/// assert_eq!(d.nodes[runs.to].label, "Pack");
/// ```
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
    /// A step to the child workflow it runs.
    Runs,
    /// In a host, an event one workflow publishes to the start event of another: each one
    /// starts a run of the other.
    Starts,
    /// In a host, an event one workflow publishes to the same event another subscribes to: it
    /// reaches the other's live runs of the same conversation.
    Crosses,
}
