//! Executing runs.

pub(crate) mod envelope;
pub(crate) mod fan;
pub(crate) mod journal;
pub(crate) mod link;
pub(crate) mod recorder;
pub(crate) mod shared;
pub(crate) mod steps;
pub(crate) mod stream;
pub(crate) mod table;
pub(crate) mod task;
pub(crate) mod waiters;
