//! The rules of a valid host: every event that crosses workflows has a sender and a receiver.
//!
//! The same rules run twice: as a `const fn` when the `host!` macro names the workflows, which
//! makes a broken host a compile error, and when a host is built at run time.

use std::collections::HashSet;

use crate::event::EventType;

/// What a workflow exchanges with the other workflows of a host.
#[derive(Debug, Clone, Copy)]
pub struct Interface {
    /// The workflow's name.
    pub name: &'static str,
    /// Its start event: a published event of that type starts a run of it.
    pub start: EventType,
    /// The events it hands to the others.
    pub publishes: &'static [EventType],
    /// The events it takes from the others.
    pub subscribes: &'static [EventType],
}

/// The first rule the host made of `workflows` breaks, as a sentence naming the workflow and
/// the event. Events are compared by name, as the macros compare them; the `host!` macro
/// panics with the sentence in a `const`, which makes it a compile error.
pub const fn check_host(workflows: &[Interface]) -> HostCheck {
    let mut i = 0;
    while i < workflows.len() {
        let w = &workflows[i];
        let mut j = 0;
        while j < i {
            if str_eq(workflows[j].name, w.name) {
                return HostCheck::failed(
                    Message::new()
                        .push("workflow `")
                        .push(w.name)
                        .push("` is in the host twice"),
                );
            }
            j += 1;
        }
        let mut p = 0;
        while p < w.publishes.len() {
            let event = w.publishes[p].name();
            if !taken_by_another(workflows, i, event) {
                return HostCheck::failed(
                    Message::new()
                        .push("workflow `")
                        .push(w.name)
                        .push("` publishes `")
                        .push(event)
                        .push("`, but no other workflow of the host starts from it or subscribes to it"),
                );
            }
            p += 1;
        }
        let mut s = 0;
        while s < w.subscribes.len() {
            let event = w.subscribes[s].name();
            if !published_by_another(workflows, i, event) {
                return HostCheck::failed(
                    Message::new()
                        .push("workflow `")
                        .push(w.name)
                        .push("` subscribes to `")
                        .push(event)
                        .push("`, but no other workflow of the host publishes it"),
                );
            }
            s += 1;
        }
        i += 1;
    }
    HostCheck::passed()
}

const fn taken_by_another(workflows: &[Interface], from: usize, event: &str) -> bool {
    let mut k = 0;
    while k < workflows.len() {
        if k != from {
            let other = &workflows[k];
            if str_eq(other.start.name(), event) {
                return true;
            }
            let mut s = 0;
            while s < other.subscribes.len() {
                if str_eq(other.subscribes[s].name(), event) {
                    return true;
                }
                s += 1;
            }
        }
        k += 1;
    }
    false
}

const fn published_by_another(workflows: &[Interface], to: usize, event: &str) -> bool {
    let mut k = 0;
    while k < workflows.len() {
        if k != to {
            let other = &workflows[k];
            let mut p = 0;
            while p < other.publishes.len() {
                if str_eq(other.publishes[p].name(), event) {
                    return true;
                }
                p += 1;
            }
        }
        k += 1;
    }
    false
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A message built in a `const fn`, where strings cannot be formatted.
#[derive(Debug)]
struct Message {
    buf: [u8; 512],
    len: usize,
}

impl Message {
    const fn new() -> Self {
        Self {
            buf: [0; 512],
            len: 0,
        }
    }

    const fn push(mut self, text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() && self.len < self.buf.len() {
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }
}

/// What [`check_host`] found.
#[derive(Debug)]
pub struct HostCheck {
    message: Option<Message>,
}

impl HostCheck {
    const fn passed() -> Self {
        Self { message: None }
    }

    const fn failed(message: Message) -> Self {
        Self {
            message: Some(message),
        }
    }

    /// The broken rule, if any.
    pub const fn error(&self) -> Option<&str> {
        let Some(message) = &self.message else {
            return None;
        };
        let (text, _) = message.buf.split_at(message.len);
        match std::str::from_utf8(text) {
            Ok(text) => Some(text),
            // Only if a long name was cut inside a character.
            Err(_) => Some("the host is not valid"),
        }
    }
}

/// The same rules at run time, where types compare by identity: every problem, each a sentence.
pub(crate) fn problems(workflows: &[Interface]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for w in workflows {
        if !seen.insert(w.name) {
            problems.push(format!("workflow `{}` is in the host twice", w.name));
        }
    }
    for (i, w) in workflows.iter().enumerate() {
        let others = || {
            workflows
                .iter()
                .enumerate()
                .filter(move |(k, _)| *k != i)
                .map(|(_, o)| o)
        };
        for event in w.publishes {
            let taken = others().any(|o| o.start == *event || o.subscribes.contains(event));
            if !taken {
                problems.push(format!(
                    "workflow `{}` publishes `{}`, but no other workflow of the host starts from it or subscribes to it",
                    w.name,
                    event.name()
                ));
            }
        }
        for event in w.subscribes {
            if !others().any(|o| o.publishes.contains(event)) {
                problems.push(format!(
                    "workflow `{}` subscribes to `{}`, but no other workflow of the host publishes it",
                    w.name,
                    event.name()
                ));
            }
        }
    }
    problems
}
