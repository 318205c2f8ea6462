//! The hub of a host: which runs are live in which conversation, and where published events
//! go.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use crate::engine::envelope::{Envelope, Lineage};
use crate::engine::link::Link;
use crate::engine::seams::{Inbox, Outbox};
use crate::event::AnyEvent;
use crate::host::check::Interface;
use crate::id::RunId;
use crate::record::recorder::OUTSIDE;
use crate::topology::Topology;

/// A run's way into the hub: what a run of a host knows of it.
#[derive(Debug, Clone)]
pub(crate) struct HostLink {
    pub(crate) hub: Weak<Hub>,
    pub(crate) member: usize,
    pub(crate) conversation: RunId,
}

impl Outbox for HostLink {
    /// Hands `event` to the other workflows of the conversation.
    fn publish(&self, event: &AnyEvent, link: &Link) {
        if let Some(hub) = self.hub.upgrade() {
            Hub::publish(&hub, self.member, self.conversation, event, link);
        }
    }

    /// The run `run` ended.
    fn ended(&self, run: RunId) {
        if let Some(hub) = self.hub.upgrade() {
            hub.ended(self.conversation, run);
        }
    }

    /// Whether other runs of the conversation are live, which may still publish to this one.
    fn others_live(&self, run: RunId) -> bool {
        self.hub.upgrade().is_some_and(|hub| {
            hub.conversations()
                .get(&self.conversation)
                .is_some_and(|live| live.iter().any(|l| l.run != run))
        })
    }

    fn opened_by(&self) -> RunId {
        self.conversation
    }
}

/// Starts a run of a member from its start event, in a conversation.
pub(crate) type Starter = Box<dyn Fn(&Arc<Hub>, AnyEvent, RunId, &Link) + Send + Sync>;

/// A workflow of the host.
pub(crate) struct Member {
    pub(crate) interface: Interface,
    pub(crate) workflow: TypeId,
    /// The `Runner<W>`, for typed runs.
    pub(crate) runner: Box<dyn Any + Send + Sync>,
    pub(crate) starter: Starter,
    pub(crate) topology: Topology,
}

/// A live run of a conversation.
struct Live {
    member: usize,
    run: RunId,
    inbox: Arc<dyn Inbox>,
}

/// How a published event reaches a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// It is the member's start event: it starts a run.
    Starts,
    /// The member subscribes to it: it goes to the member's live runs.
    Subscribed,
}

/// The shared part of a host.
pub(crate) struct Hub {
    pub(crate) members: Vec<Member>,
    routes: HashMap<TypeId, Vec<(usize, Entry)>>,
    conversations: Mutex<HashMap<RunId, Vec<Live>>>,
    live: AtomicUsize,
    pub(crate) idle: tokio::sync::Notify,
}

impl Hub {
    pub(crate) fn new(members: Vec<Member>) -> Self {
        let mut routes: HashMap<TypeId, Vec<(usize, Entry)>> = HashMap::new();
        for (i, member) in members.iter().enumerate() {
            routes
                .entry(member.interface.start.type_id())
                .or_default()
                .push((i, Entry::Starts));
            for event in member.interface.subscribes {
                routes
                    .entry(event.type_id())
                    .or_default()
                    .push((i, Entry::Subscribed));
            }
        }
        Self {
            members,
            routes,
            conversations: Mutex::default(),
            live: AtomicUsize::new(0),
            idle: tokio::sync::Notify::new(),
        }
    }

    fn conversations(&self) -> MutexGuard<'_, HashMap<RunId, Vec<Live>>> {
        // Plain bookkeeping, no user code under the lock.
        self.conversations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// How many runs are live.
    pub(crate) fn live(&self) -> usize {
        self.live.load(Ordering::Acquire)
    }

    /// A run of `member` is about to start in `conversation`.
    pub(crate) fn register(
        &self,
        member: usize,
        conversation: RunId,
        run: RunId,
        inbox: Arc<dyn Inbox>,
    ) {
        self.live.fetch_add(1, Ordering::AcqRel);
        self.conversations()
            .entry(conversation)
            .or_default()
            .push(Live { member, run, inbox });
    }

    fn ended(&self, conversation: RunId, run: RunId) {
        let (removed, others) = {
            let mut conversations = self.conversations();
            let Some(live) = conversations.get_mut(&conversation) else {
                return;
            };
            let before = live.len();
            live.retain(|l| l.run != run);
            let removed = before != live.len();
            let others: Vec<Arc<dyn Inbox>> = live.iter().map(|l| Arc::clone(&l.inbox)).collect();
            if live.is_empty() {
                conversations.remove(&conversation);
            }
            (removed, others)
        };
        // Outside the lock: a woken run may look at the conversation at once.
        for inbox in others {
            inbox.nudge();
        }
        if removed && self.live.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle.notify_waiters();
        }
    }

    /// Delivers `event`, published by a run of `from`, within `conversation`: it starts a run
    /// of each other member whose start event it is, and goes to the live runs of each other
    /// member that subscribes to it.
    fn publish(hub: &Arc<Self>, from: usize, conversation: RunId, event: &AnyEvent, link: &Link) {
        let name = event.name();
        let Some(routes) = hub.routes.get(&event.event_type_id()) else {
            return;
        };
        let mut delivered = false;
        for &(member, entry) in routes.iter().filter(|(m, _)| *m != from) {
            match entry {
                Entry::Starts => {
                    (hub.members[member].starter)(hub, event.clone(), conversation, link);
                    delivered = true;
                }
                Entry::Subscribed => {
                    let inboxes: Vec<Arc<dyn Inbox>> = hub
                        .conversations()
                        .get(&conversation)
                        .map(|live| {
                            live.iter()
                                .filter(|l| l.member == member)
                                .map(|l| Arc::clone(&l.inbox))
                                .collect()
                        })
                        .unwrap_or_default();
                    for inbox in inboxes {
                        delivered |= inbox.deliver(Envelope {
                            event: event.clone(),
                            target: None,
                            lineage: Lineage::default(),
                            origin: OUTSIDE,
                            execution: 0,
                            link: link.clone(),
                        });
                    }
                }
            }
        }
        if !delivered {
            tracing::warn!(
                target: "eventflow::host",
                event = name,
                from = hub.members[from].interface.name,
                conversation = %conversation,
                "published event reached no run: no run of its subscribers is live in the conversation"
            );
        }
    }
}
