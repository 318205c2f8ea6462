//! Journaled calls: what the calls a step made through `Context::journal` returned, kept per
//! attempt of an execution until that attempt ends, so that an attempt run again after a
//! resume gets the same results without making the calls again.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Which call: the attempt of the execution that made it, and the name the step gave it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CallKey {
    pub(crate) execution: u64,
    pub(crate) attempt: u32,
    pub(crate) name: Box<str>,
}

/// A journaled call's result as a checkpoint holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedCall {
    pub(crate) execution: u64,
    pub(crate) attempt: u32,
    pub(crate) name: String,
    pub(crate) value: serde_json::Value,
}

impl SavedCall {
    fn new(key: &CallKey, value: &serde_json::Value) -> Self {
        Self {
            execution: key.execution,
            attempt: key.attempt,
            name: key.name.to_string(),
            value: value.clone(),
        }
    }
}

/// The results of the calls of the attempts running, and which of them were not committed
/// yet.
#[derive(Debug, Default)]
pub(crate) struct Calls {
    recorded: HashMap<CallKey, serde_json::Value>,
    fresh: Vec<CallKey>,
}

impl Calls {
    /// Calls as a checkpoint left them.
    pub(crate) fn restore(saved: Vec<SavedCall>) -> Self {
        let recorded = saved
            .into_iter()
            .map(|call| {
                let key = CallKey {
                    execution: call.execution,
                    attempt: call.attempt,
                    name: call.name.into(),
                };
                (key, call.value)
            })
            .collect();
        Self {
            recorded,
            fresh: Vec::new(),
        }
    }

    /// What `key` returned, if it was recorded.
    pub(crate) fn get(&self, key: &CallKey) -> Option<&serde_json::Value> {
        self.recorded.get(key)
    }

    /// Records what `key` returned. The first result stays: two calls of one name in one
    /// attempt are one call.
    pub(crate) fn record(&mut self, key: CallKey, value: serde_json::Value) {
        if self.recorded.contains_key(&key) {
            return;
        }
        self.fresh.push(key.clone());
        self.recorded.insert(key, value);
    }

    /// An attempt ended: its calls will not be asked for again.
    pub(crate) fn ended(&mut self, execution: u64, attempt: u32) {
        if self.recorded.is_empty() {
            return;
        }
        let gone = |key: &CallKey| key.execution == execution && key.attempt == attempt;
        self.recorded.retain(|key, _| !gone(key));
        self.fresh.retain(|key| !gone(key));
    }

    /// Every result kept, for a full checkpoint, in a stable order.
    pub(crate) fn save(&self) -> Vec<SavedCall> {
        let mut saved: Vec<SavedCall> = self
            .recorded
            .iter()
            .map(|(key, value)| SavedCall::new(key, value))
            .collect();
        saved.sort_by(|a, b| {
            (a.execution, a.attempt, &a.name).cmp(&(b.execution, b.attempt, &b.name))
        });
        saved
    }

    /// The results recorded since the last commit, in the order they came.
    pub(crate) fn fresh(&self) -> Vec<SavedCall> {
        self.fresh
            .iter()
            .filter_map(|key| Some(SavedCall::new(key, self.recorded.get(key)?)))
            .collect()
    }

    /// Whether results wait to be committed.
    pub(crate) fn has_fresh(&self) -> bool {
        !self.fresh.is_empty()
    }

    /// A commit holds everything recorded so far.
    pub(crate) fn written(&mut self) {
        self.fresh.clear();
    }
}

/// Keeps, of `calls`, those of the attempts in `live` (execution and attempt).
pub(crate) fn retain_live(calls: &mut Vec<SavedCall>, live: &[(u64, u32)]) {
    calls.retain(|call| live.contains(&(call.execution, call.attempt)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(execution: u64, attempt: u32, name: &str) -> CallKey {
        CallKey {
            execution,
            attempt,
            name: name.into(),
        }
    }

    #[test]
    fn a_result_is_kept_per_attempt_until_it_ends() {
        let mut calls = Calls::default();
        calls.record(key(1, 1, "model"), serde_json::json!("a"));
        calls.record(key(1, 1, "model"), serde_json::json!("b"));
        calls.record(key(1, 2, "model"), serde_json::json!("c"));
        assert_eq!(
            calls.get(&key(1, 1, "model")),
            Some(&serde_json::json!("a"))
        );
        assert_eq!(calls.fresh().len(), 2);
        calls.written();
        assert!(!calls.has_fresh());
        calls.ended(1, 1);
        assert_eq!(calls.get(&key(1, 1, "model")), None);
        assert_eq!(calls.save().len(), 1);
        let restored = Calls::restore(calls.save());
        assert_eq!(
            restored.get(&key(1, 2, "model")),
            Some(&serde_json::json!("c"))
        );
    }

    #[test]
    fn only_live_attempts_keep_their_calls() {
        let mut saved = Calls::default();
        saved.record(key(1, 1, "a"), serde_json::json!(1));
        saved.record(key(2, 1, "a"), serde_json::json!(2));
        let mut saved = saved.save();
        retain_live(&mut saved, &[(2, 1)]);
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].execution, 2);
    }
}
