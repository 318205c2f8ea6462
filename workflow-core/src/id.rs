//! Run identifiers.

use std::cell::Cell;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The identifier of one run, unique within the process and random-looking across processes.
///
/// It prints as 16 hexadecimal digits and parses back:
///
/// ```
/// use eventflow_core::RunId;
///
/// let id = RunId::new();
/// let text = id.to_string();
/// assert_eq!(text.len(), 16);
/// assert_eq!(text.parse::<RunId>(), Ok(id));
/// assert_ne!(RunId::new(), id);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(u64);

impl RunId {
    /// A fresh identifier.
    pub fn new() -> Self {
        static SEED: OnceLock<u64> = OnceLock::new();
        // std's RandomState is seeded from the OS, which is all the randomness an id needs.
        let seed = *SEED.get_or_init(|| RandomState::new().hash_one(0x5eed_u64));
        // splitmix64 is a bijection, so distinct counters give distinct ids.
        Self(splitmix64(seed ^ next_counter()))
    }

    /// The identifier as a number.
    pub const fn as_u64(self) -> u64 {
        self.0
    }

    /// The identifier with the given number, for runs identified elsewhere (a store, a request).
    pub const fn from_u64(id: u64) -> Self {
        Self(id)
    }
}

impl Default for RunId {
    fn default() -> Self {
        Self::new()
    }
}

/// A process-wide unique number. Threads take blocks of numbers from one counter, so that
/// starting runs on many threads does not contend on it.
fn next_counter() -> u64 {
    const BLOCK: u64 = 1024;
    static NEXT_BLOCK: AtomicU64 = AtomicU64::new(0);
    thread_local! {
        static RANGE: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    }
    RANGE.with(|range| {
        let (mut next, mut end) = range.get();
        if next == end {
            next = NEXT_BLOCK.fetch_add(BLOCK, Ordering::Relaxed);
            end = next + BLOCK;
        }
        range.set((next + 1, end));
        next
    })
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl fmt::Debug for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RunId({self})")
    }
}

/// The text was not 16 hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a run id is 16 hexadecimal digits")]
pub struct ParseRunIdError;

impl FromStr for RunId {
    type Err = ParseRunIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ParseRunIdError);
        }
        u64::from_str_radix(s, 16)
            .map(Self)
            .map_err(|_| ParseRunIdError)
    }
}
