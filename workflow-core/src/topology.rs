//! [`Topology`]: a workflow's event graph as data, for drawings, snapshots and tools.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::step::takes::Takes;

mod build;

/// How many executions of one step may run at once in one run, unless the step says otherwise.
pub const DEFAULT_NUM_WORKERS: usize = 4;

/// A workflow's event graph: its steps, the event types between them, and how they connect.
///
/// `#[workflow]` writes everything it holds at compile time, as the `const` step descriptions of
/// [`Workflow::STEPS`](crate::Workflow::STEPS); this assembles them into a graph. It serializes with serde (a drawing
/// tool can read it from a file), and prints as a stable text listing, which is what topology
/// snapshots compare.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Topology;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Draft(String);
///
/// struct Writer;
///
/// #[workflow]
/// impl Writer {
///     #[step]
///     async fn write(&self, ev: StartEvent<String>) -> Draft {
///         Draft(ev.input)
///     }
///
///     #[step(num_workers = 2)]
///     async fn review(&self, ev: Draft) -> StopEvent<String> {
///         StopEvent::new(ev.0)
///     }
/// }
///
/// let topology = Topology::of::<Writer>();
/// assert_eq!(topology.steps.len(), 2);
/// assert_eq!(
///     topology.to_string(),
///     "workflow Writer
///   start StartEvent
///   stop StopEvent
/// step write
///   accepts StartEvent
///   emits Draft
/// step review (2 workers)
///   accepts Draft
///   emits StopEvent
/// "
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Topology {
    /// The workflow's name.
    pub workflow: String,
    /// The steps, in declaration order.
    pub steps: Vec<StepNode>,
    /// The event types, each once (the failure event once per error-recovery step).
    pub events: Vec<EventNode>,
    /// How steps and events connect.
    pub edges: Vec<Edge>,
    /// The workflows steps run as children (`#[step(runs(..))]`), in step order.
    pub children: Vec<ChildTopology>,
}

/// A workflow a step of a [`Topology`] runs as its child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChildTopology {
    /// The step that runs it, an index into [`Topology::steps`].
    pub step: usize,
    /// The child's name.
    pub workflow: String,
    /// The child's own topology; `None` where the child is the workflow itself or one of its
    /// ancestors (a recursive workflow), which would otherwise never end.
    pub topology: Option<Topology>,
}

/// A step of a [`Topology`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StepNode {
    /// The step's name.
    pub name: String,
    /// How many executions may run at once in one run.
    pub num_workers: usize,
    /// How the step takes its events.
    pub takes: Takes,
    /// The step may return a collection that fans out (which of its emitted events do is on
    /// the edges, as [`EdgeKind::FansOut`]).
    pub fans_out: bool,
    /// The step has a retry policy.
    pub retries: bool,
    /// For an error-recovery step, the steps it recovers (empty: every step no other recovery
    /// step names).
    pub recovers: Option<Vec<String>>,
}

/// An event type of a [`Topology`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventNode {
    /// The event's [`Event::NAME`](crate::Event::NAME).
    pub name: String,
    /// What the event is to the workflow.
    pub role: EventRole,
}

/// What an event type is to a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventRole {
    /// The event a run starts with.
    Start,
    /// The event that ends a run.
    Stop,
    /// Sent into runs from outside, such as a human's answer.
    External,
    /// Only written to the caller's stream.
    Stream,
    /// A step's failure, handed to an error-recovery step.
    Failure,
    /// Handed to the other workflows of a host (`#[workflow(publishes(..))]`).
    Published,
    /// Taken from the other workflows of a host (`#[workflow(subscribes(..))]`).
    Subscribed,
    /// Between steps.
    Internal,
}

/// A connection of a [`Topology`]: always between a step and an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Edge {
    /// The step, an index into [`Topology::steps`].
    pub step: usize,
    /// The event, an index into [`Topology::events`].
    pub event: usize,
    /// What the connection is.
    pub kind: EdgeKind,
}

/// What an [`Edge`] is. [`EdgeKind::Accepts`], [`EdgeKind::Joins`] and [`EdgeKind::Recovers`]
/// go from the event to the step; the others from the step to the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EdgeKind {
    /// The step takes the event.
    Accepts,
    /// The step joins a fan-out of the event (`Vec<E>` parameter).
    Joins,
    /// The error-recovery step takes the failure.
    Recovers,
    /// The step returns the event.
    Emits,
    /// The step returns a collection of the event: a fan-out.
    FansOut,
    /// The step sends the event through its context.
    Sends,
    /// The step writes the event to the caller's stream.
    Streams,
    /// The step's failure goes to an error-recovery step.
    Fails,
}

impl EdgeKind {
    /// Whether the edge goes from the event to the step.
    pub fn into_step(self) -> bool {
        matches!(self, Self::Accepts | Self::Joins | Self::Recovers)
    }
}

impl Topology {
    /// The edges of step `step`, in order.
    pub fn edges_of(&self, step: usize) -> impl Iterator<Item = &Edge> {
        self.edges.iter().filter(move |e| e.step == step)
    }

    /// The workflow's name in snake case, for file names: `ComplexFeedbackMonitor` gives
    /// `complex_feedback_monitor`.
    pub fn slug(&self) -> String {
        slug(&self.workflow)
    }

    /// A hash of the graph: steps, their settings and connections, and the workflow's
    /// boundary events. Two topologies with the same listing (`Display`) have the same
    /// fingerprint, in every build and on every machine, so a stored run can tell whether it
    /// was made by the same graph.
    ///
    /// ```
    /// use eventflow::prelude::*;
    /// use eventflow::Topology;
    ///
    /// struct Echo;
    ///
    /// #[workflow]
    /// impl Echo {
    ///     #[step]
    ///     async fn echo(&self, ev: StartEvent<String>) -> StopEvent<String> {
    ///         StopEvent::new(ev.input)
    ///     }
    /// }
    ///
    /// let topology = Topology::of::<Echo>();
    /// assert_eq!(topology.fingerprint(), topology.clone().fingerprint());
    /// ```
    pub fn fingerprint(&self) -> u64 {
        // FNV-1a: stable across builds and platforms, unlike `DefaultHasher`.
        self.to_string()
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            })
    }

    /// What changed from `before` to this topology, a sentence each, in listing order:
    /// `step `trade`: `emits TradeEvent` added`, `step `audit` removed`, and so on. Empty
    /// when the graphs are the same.
    ///
    /// ```
    /// use eventflow::prelude::*;
    /// use eventflow::Topology;
    ///
    /// #[derive(Clone, Serialize, Deserialize, Event)]
    /// struct Draft(String);
    ///
    /// struct V1;
    ///
    /// #[workflow(name = "Writer")]
    /// impl V1 {
    ///     #[step]
    ///     async fn write(&self, ev: StartEvent<String>) -> StopEvent<String> {
    ///         StopEvent::new(ev.input)
    ///     }
    /// }
    ///
    /// struct V2;
    ///
    /// #[workflow(name = "Writer")]
    /// impl V2 {
    ///     #[step]
    ///     async fn write(&self, ev: StartEvent<String>) -> Draft {
    ///         Draft(ev.input)
    ///     }
    ///
    ///     #[step]
    ///     async fn polish(&self, ev: Draft) -> StopEvent<String> {
    ///         StopEvent::new(ev.0)
    ///     }
    /// }
    ///
    /// let changes = Topology::of::<V2>().changes_since(&Topology::of::<V1>());
    /// assert_eq!(
    ///     changes,
    ///     [
    ///         "step `write`: `emits StopEvent` removed",
    ///         "step `write`: `emits Draft` added",
    ///         "step `polish` added",
    ///     ]
    /// );
    /// ```
    pub fn changes_since(&self, before: &Topology) -> Vec<String> {
        changes_between(&before.to_string(), &self.to_string())
    }

    /// The index of the step named `name`.
    pub fn step(&self, name: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.name == name)
    }

    fn names(&self, step: usize, kind: EdgeKind) -> Vec<&str> {
        self.edges_of(step)
            .filter(|e| e.kind == kind)
            .map(|e| self.events[e.event].name.as_str())
            .collect()
    }
}

/// What changed from the listing `before` to the listing `after`; see
/// [`Topology::changes_since`].
pub(crate) fn changes_between(before: &str, after: &str) -> Vec<String> {
    let (old, new) = (blocks(before), blocks(after));
    let mut changes = Vec::new();
    for (key, _) in &old {
        if !new.iter().any(|(k, _)| k == key) {
            changes.push(format!("{} removed", block_name(key)));
        }
    }
    for (key, lines) in &new {
        let Some((_, before)) = old.iter().find(|(k, _)| k == key) else {
            changes.push(format!("{} added", block_name(key)));
            continue;
        };
        let name = block_name(key);
        for line in before.iter().filter(|l| !lines.contains(l)) {
            changes.push(format!("{name}: `{line}` removed"));
        }
        for line in lines.iter().filter(|l| !before.contains(l)) {
            changes.push(format!("{name}: `{line}` added"));
        }
    }
    changes
}

/// The listing cut into blocks: the workflow's and each step's, keyed by `workflow` or
/// `step <name>`, with the header's settings and the indented lines as the block's lines.
fn blocks(listing: &str) -> Vec<(&str, Vec<&str>)> {
    let mut blocks: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in listing.lines() {
        if let Some(indented) = line.strip_prefix("  ") {
            if let Some((_, lines)) = blocks.last_mut() {
                lines.push(indented);
            }
            continue;
        }
        // `step name (4 workers, retries)`: the settings are a line of the block.
        let (key, settings) = match line.split_once(" (") {
            Some((key, settings)) => (key, Some(settings.trim_end_matches(')'))),
            None => (line, None),
        };
        // The workflow's own block is one, whatever the workflow is called.
        let key = if key.starts_with("workflow ") {
            "workflow"
        } else {
            key
        };
        blocks.push((key, settings.into_iter().collect()));
    }
    blocks
}

fn block_name(key: &str) -> String {
    match key.split_once(' ') {
        Some((kind, name)) => format!("{kind} `{name}`"),
        None => format!("the {key}"),
    }
}

/// The text listing: the workflow's boundary events, then each step with its connections.
impl fmt::Display for Topology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "workflow {}", self.workflow)?;
        let roles = [
            EventRole::Start,
            EventRole::Stop,
            EventRole::External,
            EventRole::Published,
            EventRole::Subscribed,
        ];
        for role in roles {
            let label = match role {
                EventRole::Start => "start",
                EventRole::Stop => "stop",
                EventRole::Published => "publishes",
                EventRole::Subscribed => "subscribes",
                _ => "external",
            };
            for event in self.events.iter().filter(|e| e.role == role) {
                writeln!(f, "  {label} {}", event.name)?;
            }
        }
        for (i, step) in self.steps.iter().enumerate() {
            write!(f, "step {}", step.name)?;
            let mut notes = Vec::new();
            if step.num_workers != DEFAULT_NUM_WORKERS {
                notes.push(format!("{} workers", step.num_workers));
            }
            if step.retries {
                notes.push("retries".to_owned());
            }
            if let Takes::Collections { take: Some(n) } = step.takes {
                notes.push(format!("takes {n}"));
            }
            if !notes.is_empty() {
                write!(f, " ({})", notes.join(", "))?;
            }
            writeln!(f)?;
            let lines = [
                ("accepts", EdgeKind::Accepts),
                ("joins", EdgeKind::Joins),
                ("emits", EdgeKind::Emits),
                ("fans out", EdgeKind::FansOut),
                ("sends", EdgeKind::Sends),
                ("streams", EdgeKind::Streams),
            ];
            for (label, kind) in lines {
                let names = self.names(i, kind);
                if names.is_empty() {
                    continue;
                }
                let joiner = if step.takes == Takes::EachOf && kind == EdgeKind::Accepts {
                    " + "
                } else {
                    ", "
                };
                writeln!(f, "  {label} {}", names.join(joiner))?;
            }
            for child in self.children.iter().filter(|c| c.step == i) {
                writeln!(f, "  runs {}", child.workflow)?;
            }
            if let Some(targets) = &step.recovers {
                if targets.is_empty() {
                    writeln!(f, "  recovers every other step")?;
                } else {
                    writeln!(f, "  recovers steps {}", targets.join(", "))?;
                }
            }
        }
        Ok(())
    }
}

/// The form of a workflow's name that file names use: `ComplexFeedbackMonitor` →
/// `complex_feedback_monitor`, as in [`Topology::slug`].
///
/// ```
/// assert_eq!(eventflow_core::topology::slug("ComplexFeedbackMonitor"), "complex_feedback_monitor");
/// ```
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = true;
        } else {
            out.push('_');
            previous_lower = false;
        }
    }
    if out.is_empty() {
        out.push_str("workflow");
    }
    out
}

/// A host's workflows and the events that cross between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HostTopology {
    /// Each workflow's own topology, in the order they were added.
    pub workflows: Vec<Topology>,
    /// The events one workflow publishes and another takes.
    pub crossings: Vec<Crossing>,
}

/// An event type one workflow of a host publishes and another takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Crossing {
    /// The publisher, an index into [`HostTopology::workflows`].
    pub from: usize,
    /// The event's name.
    pub event: String,
    /// The receiver, an index into [`HostTopology::workflows`].
    pub to: usize,
    /// The event is the receiver's start event: it starts runs (otherwise the receiver
    /// subscribes to it).
    pub starts: bool,
}
