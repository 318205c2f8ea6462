//! Executing runs.

pub(crate) mod shared;
pub(crate) mod stream;
pub(crate) mod table;
pub(crate) mod task;
