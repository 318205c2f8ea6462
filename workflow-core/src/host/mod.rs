//! [`Host`]: several workflows on one runtime, talking by events.

pub(crate) mod check;
pub(crate) mod hub;

use std::any::TypeId;
use std::fmt;
use std::sync::Arc;

use crate::engine::seams::Inbox;
use crate::error::ValidationError;
use crate::event::AnyEvent;
use crate::event::Start;
use crate::handler::WorkflowHandler;
use crate::observe::Tool;
use crate::record::verbose::VerbosePrinter;
use crate::runner::Runner;
use crate::topology::{Crossing, HostTopology, Topology};
use crate::workflow::Workflow;
use check::Interface;
use hub::{Hub, Member};
use tracing::instrument::WithSubscriber;

pub use check::{HostCheck, Interface as HostInterface, check_host};

/// Several workflows on one runtime, which talk by events without knowing each other.
///
/// A workflow declares what it hands to others, `#[workflow(publishes(E))]`, and what it takes
/// from them, `#[workflow(subscribes(F))]`, by type, as its steps declare what they accept and
/// emit. The host delivers:
///
/// - a published event that is another workflow's **start event** starts a run of that
///   workflow;
/// - a published event another workflow **subscribes** to goes to that workflow's live runs,
///   where its steps (or a step waiting with `wait_for_event`) take it as an external event.
///
/// Runs are correlated by **conversation**. A run the caller starts ([`Host::run`]) opens a
/// conversation; runs started by its published events join it, and so on. A published event
/// only reaches runs of its own conversation, so concurrent conversations never mix. It is
/// not delivered back to the workflow that published it. An event published when no run of
/// its subscribers is live in the conversation is dropped, with a warning.
///
/// Each run still ends with its own stop event: a workflow that answers sends its reply and
/// returns its stop event. A run started by a published event begins with the default state,
/// and nobody awaits it, so the host logs how it ended if it failed (target
/// `eventflow::host`); [`Runner::record_runs`] keeps its trace. Such a run is independent of
/// the run whose event started it: it keeps going if that run ends or is cancelled, within its
/// own runner's timeout.
///
/// `eventflow::host!` builds a host from named workflow types and rejects an event
/// that crosses workflows with no receiver, or a subscription with no publisher, at compile
/// time; [`Host::builder`] checks the same rules when the host is built.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Host;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Order(String);
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Shipped(String);
///
/// /// Takes orders and hands them on.
/// struct Shop;
///
/// #[workflow(publishes(Order), subscribes(Shipped))]
/// impl Shop {
///     #[step(sends(Order))]
///     async fn order(&self, ctx: &Context, ev: StartEvent<String>) -> Result<StopEvent<String>, WaitError> {
///         ctx.send_event(Order(ev.input));
///         let shipped = ctx.wait_for_event::<Shipped>().await?;
///         Ok(StopEvent::new(format!("shipped {}", shipped.0)))
///     }
/// }
///
/// /// Ships what it is handed, in a run of its own.
/// struct Warehouse;
///
/// #[workflow(start = Order, publishes(Shipped))]
/// impl Warehouse {
///     // The reply goes out first; then the warehouse's own run ends.
///     #[step(sends(Shipped))]
///     async fn ship(&self, ctx: &Context, ev: Order) -> StopEvent {
///         ctx.send_event(Shipped(ev.0));
///         StopEvent::new(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let host = eventflow::host![Shop => Runner::new(Shop), Warehouse => Runner::new(Warehouse)]?;
/// let reply = host.run::<Shop>("tea".into())?.await?;
/// assert_eq!(reply, "shipped tea");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Host {
    hub: Arc<Hub>,
}

/// The workflow asked of a [`Host`] is not one of its workflows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("workflow `{workflow}` is not in the host")]
pub struct NotInHost {
    /// The workflow asked for.
    pub workflow: &'static str,
}

impl Host {
    /// Starts assembling a host.
    pub fn builder() -> HostBuilder {
        HostBuilder {
            members: Vec::new(),
            tool: None,
        }
    }

    /// Starts a run of `W` on `input`, in a conversation of its own.
    ///
    /// # Errors
    ///
    /// [`NotInHost`] if `W` is not one of the host's workflows.
    ///
    /// # Panics
    ///
    /// If called outside a tokio runtime.
    pub fn run<W: Workflow>(
        &self,
        input: <W::Start as Start>::Input,
    ) -> Result<WorkflowHandler<W>, NotInHost> {
        let (member, runner) = self.member::<W>()?;
        Ok(start(
            &self.hub,
            member,
            runner,
            W::Start::from_input(input),
            None,
            None,
        ))
    }

    /// The runner of `W` in this host, if it has one.
    pub fn runner<W: Workflow>(&self) -> Option<&Runner<W>> {
        self.member::<W>().ok().map(|(_, runner)| runner)
    }

    fn member<W: Workflow>(&self) -> Result<(usize, &Runner<W>), NotInHost> {
        self.hub
            .members
            .iter()
            .enumerate()
            .find(|(_, m)| m.workflow == TypeId::of::<W>())
            .and_then(|(i, m)| m.runner.downcast_ref::<Runner<W>>().map(|r| (i, r)))
            .ok_or(NotInHost { workflow: W::NAME })
    }

    /// How many runs of the host are live, those its events started included.
    pub fn live_runs(&self) -> usize {
        self.hub.live()
    }

    /// Waits until no run of the host is live: every conversation has ended.
    pub async fn idle(&self) {
        loop {
            let notified = self.hub.idle.notified();
            if self.hub.live() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// The host's workflows and the events between them, for drawings and tools.
    pub fn topology(&self) -> HostTopology {
        let workflows: Vec<Topology> = self
            .hub
            .members
            .iter()
            .map(|m| m.topology.clone())
            .collect();
        let interfaces: Vec<Interface> = self.hub.members.iter().map(|m| m.interface).collect();
        let mut crossings = Vec::new();
        for (from, sender) in interfaces.iter().enumerate() {
            for event in sender.publishes {
                for (to, receiver) in interfaces.iter().enumerate().filter(|(to, _)| *to != from) {
                    let starts = receiver.start == *event;
                    if starts || receiver.subscribes.contains(event) {
                        crossings.push(Crossing {
                            from,
                            event: event.name().to_owned(),
                            to,
                            starts,
                        });
                    }
                }
            }
        }
        HostTopology {
            workflows,
            crossings,
        }
    }
}

impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.hub.members.iter().map(|m| m.interface.name).collect();
        f.debug_struct("Host")
            .field("workflows", &names)
            .field("live_runs", &self.hub.live())
            .finish()
    }
}

/// Starts a run of `member` from `start`, registered with the hub before it can publish.
fn start<W: Workflow>(
    hub: &Arc<Hub>,
    member: usize,
    runner: &Runner<W>,
    start: W::Start,
    conversation: Option<crate::RunId>,
    link: Option<&crate::engine::link::Link>,
) -> WorkflowHandler<W> {
    let (task, handler) = runner.prepare(
        start,
        W::State::default(),
        Some((Arc::downgrade(hub), member, conversation)),
    );
    if let Some(id) = link.and_then(crate::engine::link::Link::id) {
        // The run follows from the event that started it, in the publishing run's trace.
        task.span().follows_from(id);
    }
    let shared = handler.shared();
    let conversation = shared.host.as_ref().map_or(shared.id, |h| h.opened_by());
    let inbox: Arc<dyn Inbox> = Arc::clone(shared) as Arc<dyn Inbox>;
    hub.register(member, conversation, shared.id, inbox);
    if runner.is_verbose() {
        tokio::spawn(task.with_subscriber(VerbosePrinter::new()));
    } else {
        tokio::spawn(task);
    }
    handler
}

/// Assembles a [`Host`]; see [`Host::builder`].
pub struct HostBuilder {
    members: Vec<Member>,
    /// The program-wide tool of the workflows added, told when the host is built.
    tool: Option<&'static dyn Tool>,
}

impl HostBuilder {
    /// Adds workflow `W`, run by `runner`.
    #[must_use]
    pub fn workflow<W: Workflow>(mut self, runner: Runner<W>) -> Self {
        let member = self.members.len();
        self.tool = self.tool.or_else(W::tool);
        let starter_runner = runner.clone();
        let starter: hub::Starter = Box::new(move |hub, event: AnyEvent, conversation, link| {
            let Ok(first) = event.downcast::<W::Start>() else {
                return;
            };
            // The caller of this run is the host: its handler is not kept, and its result is
            // reported by its run loop if it fails.
            drop(start(
                hub,
                member,
                &starter_runner,
                first,
                Some(conversation),
                Some(link),
            ));
        });
        self.members.push(Member {
            interface: Interface::of::<W>(),
            workflow: TypeId::of::<W>(),
            topology: runner.topology(),
            runner: Box::new(runner),
            starter,
        });
        self
    }

    /// Checks that every event that crosses workflows has a sender and a receiver, and builds
    /// the host.
    ///
    /// # Errors
    ///
    /// Every broken rule: a published event no other workflow starts from or subscribes to, a
    /// subscription no other workflow publishes, a workflow added twice.
    pub fn build(self) -> Result<Host, ValidationError> {
        let interfaces: Vec<Interface> = self.members.iter().map(|m| m.interface).collect();
        let problems = check::problems(&interfaces);
        if !problems.is_empty() {
            return Err(ValidationError::new("host", problems));
        }
        let tool = self.tool;
        let host = Host {
            hub: Arc::new(Hub::new(self.members)),
        };
        if let Some(tool) = tool {
            tool.host_built(&|| host.topology());
        }
        Ok(host)
    }
}

impl fmt::Debug for HostBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.members.iter().map(|m| m.interface.name).collect();
        f.debug_struct("HostBuilder")
            .field("workflows", &names)
            .finish()
    }
}
