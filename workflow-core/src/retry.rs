//! Retry policies for failing steps: `#[step(retry = ..)]`.
//!
//! A policy is a [`Wait`] (how long to wait before the next attempt), a [`Stop`] (when to give
//! up) and an optional predicate on the error (which failures are worth retrying). Waits add
//! up with `+`; stop conditions combine with `|` (either) and `&` (both).

use std::error::Error as StdError;
use std::fmt;
use std::ops::{Add, BitAnd, BitOr};
use std::sync::Arc;
use std::time::Duration;

/// How a failing step is retried.
///
/// ```
/// use std::time::Duration;
/// use eventflow_core::retry::{Jitter, RetryPolicy, Stop, Wait};
///
/// // Up to 5 executions in all, 100 ms apart.
/// let fixed = RetryPolicy::fixed(Duration::from_millis(100)).max_attempts(5);
///
/// // Exponential backoff with full jitter, capped at 10 s a wait and 1 min in all, and only
/// // for errors that say they are transient.
/// let backoff = RetryPolicy::new(
///     Wait::exponential(Duration::from_millis(50))
///         .max(Duration::from_secs(10))
///         .jitter(Jitter::Full),
/// )
/// .stop(Stop::attempts(8) | Stop::elapsed(Duration::from_secs(60)))
/// .retry_if(|error| error.to_string().contains("try again"))
/// .seed(7);
/// # let _ = (fixed, backoff);
/// ```
///
/// Limits combine whatever the order they are given in: [`max_attempts`](Self::max_attempts),
/// [`max_elapsed`](Self::max_elapsed) and [`stop`](Self::stop) each set a limit of their own,
/// and the policy gives up as soon as any of them holds.
///
/// ```
/// use std::time::Duration;
/// use eventflow_core::retry::{Failure, RetryPolicy};
///
/// let one_second = RetryPolicy::fixed(Duration::from_millis(400))
///     .max_elapsed(Duration::from_secs(1))
///     .max_attempts(10);
/// let error = std::fmt::Error;
/// let after = |attempts, elapsed| Failure { attempts, elapsed, error: &error, key: 0 };
/// assert!(one_second.next_delay(&after(2, Duration::from_millis(400))).is_some());
/// // The next attempt would start at 1.2 s, past the budget.
/// assert!(one_second.next_delay(&after(3, Duration::from_millis(800))).is_none());
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    wait: Wait,
    /// At most this many executions in all.
    attempts: Option<u32>,
    /// `attempts` is the default, which [`stop`](Self::stop) replaces.
    default_attempts: bool,
    /// The next attempt starts within this time of the first.
    elapsed: Option<Duration>,
    stop: Option<Stop>,
    retry_if: Option<ErrorPredicate>,
    decide: Option<Decide>,
    seed: Option<u64>,
}

/// Decides from an error whether a failure is worth retrying.
type ErrorPredicate = Arc<dyn Fn(&(dyn StdError + 'static)) -> bool + Send + Sync>;

/// Picks the next delay, or none, from a failure and the delay the policy planned.
type Decide = Arc<dyn Fn(&Failure<'_>, Duration) -> Option<Duration> + Send + Sync>;

/// What the policy knows about a failure.
#[derive(Debug, Clone, Copy)]
pub struct Failure<'a> {
    /// Executions of the step on this event so far, the failed one included (the first is 1).
    pub attempts: u32,
    /// Time since the first execution started.
    pub elapsed: Duration,
    /// The step's error.
    pub error: &'a (dyn StdError + 'static),
    /// A number that differs between runs, steps and events, for jitter when no seed is set.
    pub key: u64,
}

impl RetryPolicy {
    /// Retries with `wait` between attempts, up to 3 executions in all unless
    /// [`stop`](Self::stop) or [`max_attempts`](Self::max_attempts) says otherwise.
    pub fn new(wait: Wait) -> Self {
        Self {
            wait,
            attempts: Some(3),
            default_attempts: true,
            elapsed: None,
            stop: None,
            retry_if: None,
            decide: None,
            seed: None,
        }
    }

    /// Retries at once.
    pub fn immediate() -> Self {
        Self::new(Wait::none())
    }

    /// Retries after `delay` each time.
    pub fn fixed(delay: Duration) -> Self {
        Self::new(Wait::fixed(delay))
    }

    /// Retries after `initial`, then twice as long each time.
    pub fn exponential(initial: Duration) -> Self {
        Self::new(Wait::exponential(initial))
    }

    /// Gives up when `stop` holds, besides any limit set with
    /// [`max_attempts`](Self::max_attempts) or [`max_elapsed`](Self::max_elapsed). It
    /// replaces an earlier `stop` and the default of 3 attempts.
    #[must_use]
    pub fn stop(mut self, stop: Stop) -> Self {
        self.stop = Some(stop);
        if self.default_attempts {
            self.attempts = None;
        }
        self
    }

    /// Gives up after `attempts` executions in all, the first one included. It replaces an
    /// earlier `max_attempts` only.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.attempts = Some(attempts);
        self.default_attempts = false;
        self
    }

    /// Gives up rather than start an attempt `budget` or more after the first one started:
    /// the coming wait counts. It replaces an earlier `max_elapsed` only.
    #[must_use]
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.elapsed = Some(budget);
        self
    }

    /// Lets `decide` pick each delay: it gets the failure and the delay the policy's
    /// [`Wait`] planned, and returns the delay to wait or `None` to give up. The policy's
    /// limits still apply to the delay it picks.
    ///
    /// ```
    /// use std::time::Duration;
    /// use eventflow_core::retry::{Failure, RetryPolicy};
    ///
    /// // Rate-limited errors wait a minute; others retry as planned.
    /// let policy = RetryPolicy::fixed(Duration::from_millis(100))
    ///     .max_attempts(5)
    ///     .decide(|failure, planned| {
    ///         if failure.error.to_string().contains("429") {
    ///             Some(Duration::from_secs(60))
    ///         } else {
    ///             Some(planned)
    ///         }
    ///     });
    /// let error = std::io::Error::other("HTTP 429");
    /// let failure = Failure { attempts: 1, elapsed: Duration::ZERO, error: &error, key: 0 };
    /// assert_eq!(policy.next_delay(&failure), Some(Duration::from_secs(60)));
    /// ```
    #[must_use]
    pub fn decide(
        mut self,
        decide: impl Fn(&Failure<'_>, Duration) -> Option<Duration> + Send + Sync + 'static,
    ) -> Self {
        self.decide = Some(Arc::new(decide));
        self
    }

    /// Retries only errors for which `predicate` holds; others fail at once.
    #[must_use]
    pub fn retry_if(
        mut self,
        predicate: impl Fn(&(dyn StdError + 'static)) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.retry_if = Some(Arc::new(predicate));
        self
    }

    /// Retries only errors of type `E` (looking through `source()` chains); others fail at once.
    #[must_use]
    pub fn retry_on<E: StdError + 'static>(self) -> Self {
        self.retry_if(|error| {
            let mut next = Some(error);
            while let Some(error) = next {
                if error.is::<E>() {
                    return true;
                }
                next = error.source();
            }
            false
        })
    }

    /// Makes jitter reproducible: the same seed gives the same delays.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// How long to wait before retrying after `failure`, or `None` to give up.
    ///
    /// ```
    /// use std::time::Duration;
    /// use eventflow_core::retry::{Failure, RetryPolicy};
    ///
    /// let policy = RetryPolicy::fixed(Duration::from_secs(1)).max_attempts(2);
    /// let error = std::fmt::Error;
    /// let failure = |attempts| Failure { attempts, elapsed: Duration::ZERO, error: &error, key: 0 };
    /// assert_eq!(policy.next_delay(&failure(1)), Some(Duration::from_secs(1)));
    /// assert_eq!(policy.next_delay(&failure(2)), None);
    /// ```
    pub fn next_delay(&self, failure: &Failure<'_>) -> Option<Duration> {
        if let Some(retry_if) = &self.retry_if
            && !retry_if(failure.error)
        {
            return None;
        }
        let mut rng = Rng::new(
            self.seed.unwrap_or(failure.key)
                ^ u64::from(failure.attempts).wrapping_mul(0x9e37_79b9),
        );
        let planned = self.wait.delay(failure.attempts, &mut rng);
        let delay = match &self.decide {
            Some(decide) => decide(failure, planned)?,
            None => planned,
        };
        let next_start = failure.elapsed.saturating_add(delay);
        let spent = self.attempts.is_some_and(|n| failure.attempts >= n)
            || self.elapsed.is_some_and(|budget| next_start >= budget)
            || self
                .stop
                .as_ref()
                .is_some_and(|stop| stop.holds(failure.attempts, next_start));
        (!spent).then_some(delay)
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("wait", &self.wait)
            .field("attempts", &self.attempts)
            .field("elapsed", &self.elapsed)
            .field("stop", &self.stop)
            .field("retry_if", &self.retry_if.as_ref().map(|_| ".."))
            .field("decide", &self.decide.as_ref().map(|_| ".."))
            .field("seed", &self.seed)
            .finish()
    }
}

/// How long to wait before the next attempt.
///
/// ```
/// use std::time::Duration;
/// use eventflow_core::retry::Wait;
///
/// // 1 s, then 2 s, 4 s, … never more than 30 s, plus a fixed 100 ms.
/// let wait = Wait::exponential(Duration::from_secs(1)).max(Duration::from_secs(30))
///     + Wait::fixed(Duration::from_millis(100));
/// # let _ = wait;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    parts: Vec<WaitPart>,
}

#[derive(Debug, Clone, PartialEq)]
struct WaitPart {
    initial: Duration,
    multiplier: f64,
    min: Duration,
    max: Duration,
    jitter: Jitter,
}

/// Randomness added to a wait, so that many failing runs do not retry in lockstep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Jitter {
    /// The exact delay.
    #[default]
    None,
    /// Anywhere between zero and the delay.
    Full,
    /// Half the delay, plus anywhere up to the other half.
    Equal,
}

impl Wait {
    /// No wait.
    pub fn none() -> Self {
        Self::fixed(Duration::ZERO)
    }

    /// The same `delay` every time.
    pub fn fixed(delay: Duration) -> Self {
        Self::part(delay, 1.0)
    }

    /// `initial`, then twice as long each time (see [`multiplier`](Self::multiplier)).
    pub fn exponential(initial: Duration) -> Self {
        Self::part(initial, 2.0)
    }

    fn part(initial: Duration, multiplier: f64) -> Self {
        Self {
            parts: vec![WaitPart {
                initial,
                multiplier,
                min: Duration::ZERO,
                max: Duration::MAX,
                jitter: Jitter::None,
            }],
        }
    }

    /// Each wait is the previous one times `factor`.
    #[must_use]
    pub fn multiplier(self, factor: f64) -> Self {
        self.each(|p| p.multiplier = factor)
    }

    /// Never waits less than `min` (after jitter).
    #[must_use]
    pub fn min(self, min: Duration) -> Self {
        self.each(|p| p.min = min)
    }

    /// Never waits more than `max` (before jitter).
    #[must_use]
    pub fn max(self, max: Duration) -> Self {
        self.each(|p| p.max = max)
    }

    /// Adds randomness to each wait.
    #[must_use]
    pub fn jitter(self, jitter: Jitter) -> Self {
        self.each(|p| p.jitter = jitter)
    }

    fn each(mut self, change: impl Fn(&mut WaitPart)) -> Self {
        self.parts.iter_mut().for_each(change);
        self
    }

    fn delay(&self, attempts: u32, rng: &mut Rng) -> Duration {
        self.parts
            .iter()
            .map(|part| part.delay(attempts, rng))
            .sum()
    }
}

impl WaitPart {
    fn delay(&self, attempts: u32, rng: &mut Rng) -> Duration {
        let exponent = i32::try_from(attempts.saturating_sub(1)).unwrap_or(i32::MAX);
        let secs = self.initial.as_secs_f64() * self.multiplier.powi(exponent);
        let capped = if secs.is_finite() {
            Duration::try_from_secs_f64(secs)
                .unwrap_or(Duration::MAX)
                .min(self.max)
        } else {
            self.max
        };
        let jittered = match self.jitter {
            Jitter::None => capped,
            Jitter::Full => capped.mul_f64(rng.unit()),
            Jitter::Equal => capped / 2 + (capped / 2).mul_f64(rng.unit()),
        };
        jittered.max(self.min)
    }
}

impl Add for Wait {
    type Output = Self;

    /// Both waits, one after the other.
    fn add(mut self, other: Self) -> Self {
        self.parts.extend(other.parts);
        self
    }
}

/// When to stop retrying.
///
/// ```
/// use std::time::Duration;
/// use eventflow_core::retry::Stop;
///
/// // Whichever comes first: 5 executions, or 30 s since the first one.
/// let stop = Stop::attempts(5) | Stop::elapsed(Duration::from_secs(30));
/// # let _ = stop;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Stop(StopKind);

#[derive(Debug, Clone, PartialEq)]
enum StopKind {
    Never,
    Attempts(u32),
    Elapsed(Duration),
    Any(Box<StopKind>, Box<StopKind>),
    All(Box<StopKind>, Box<StopKind>),
}

impl Stop {
    /// After `n` executions in all, the first one included: `attempts(1)` never retries.
    pub fn attempts(n: u32) -> Self {
        Self(StopKind::Attempts(n))
    }

    /// Once the next attempt would start `budget` or more after the first.
    pub fn elapsed(budget: Duration) -> Self {
        Self(StopKind::Elapsed(budget))
    }

    /// Never: retry until the step succeeds (or the run times out).
    pub fn never() -> Self {
        Self(StopKind::Never)
    }

    fn holds(&self, attempts: u32, next_start: Duration) -> bool {
        self.0.holds(attempts, next_start)
    }
}

impl StopKind {
    fn holds(&self, attempts: u32, next_start: Duration) -> bool {
        match self {
            Self::Never => false,
            Self::Attempts(n) => attempts >= *n,
            Self::Elapsed(budget) => next_start >= *budget,
            Self::Any(a, b) => a.holds(attempts, next_start) || b.holds(attempts, next_start),
            Self::All(a, b) => a.holds(attempts, next_start) && b.holds(attempts, next_start),
        }
    }
}

impl BitOr for Stop {
    type Output = Self;

    /// Stops when either holds.
    fn bitor(self, other: Self) -> Self {
        Self(StopKind::Any(Box::new(self.0), Box::new(other.0)))
    }
}

impl BitAnd for Stop {
    type Output = Self;

    /// Stops when both hold.
    fn bitand(self, other: Self) -> Self {
        Self(StopKind::All(Box::new(self.0), Box::new(other.0)))
    }
}

/// splitmix64: small, seedable, and good enough to spread retries.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        // The top 53 bits fill a double's mantissa exactly.
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure<'a>(
        attempts: u32,
        elapsed: Duration,
        error: &'a (dyn StdError + 'static),
    ) -> Failure<'a> {
        Failure {
            attempts,
            elapsed,
            error,
            key: 1,
        }
    }

    #[derive(Debug, thiserror::Error)]
    #[error("transient")]
    struct Transient;

    #[test]
    fn attempts_count_every_execution() {
        let policy = RetryPolicy::immediate().max_attempts(3);
        let e = Transient;
        assert_eq!(
            policy.next_delay(&failure(1, Duration::ZERO, &e)),
            Some(Duration::ZERO)
        );
        assert_eq!(
            policy.next_delay(&failure(2, Duration::ZERO, &e)),
            Some(Duration::ZERO)
        );
        assert_eq!(policy.next_delay(&failure(3, Duration::ZERO, &e)), None);
        assert_eq!(
            RetryPolicy::immediate()
                .max_attempts(1)
                .next_delay(&failure(1, Duration::ZERO, &e)),
            None
        );
    }

    #[test]
    fn exponential_waits_grow_and_are_capped() {
        let wait = Wait::exponential(Duration::from_millis(100)).max(Duration::from_millis(350));
        let mut rng = Rng::new(0);
        let delays: Vec<u128> = (1..=4)
            .map(|a| wait.delay(a, &mut rng).as_millis())
            .collect();
        assert_eq!(delays, [100, 200, 350, 350]);
    }

    #[test]
    fn jitter_stays_in_range_and_a_seed_repeats_it() {
        let policy =
            RetryPolicy::new(Wait::fixed(Duration::from_millis(1000)).jitter(Jitter::Equal))
                .stop(Stop::never())
                .seed(42);
        let e = Transient;
        let delays: Vec<Duration> = (1..50)
            .filter_map(|a| policy.next_delay(&failure(a, Duration::ZERO, &e)))
            .collect();
        assert!(
            delays
                .iter()
                .all(|d| *d >= Duration::from_millis(500) && *d <= Duration::from_millis(1000))
        );
        assert!(delays.windows(2).any(|w| w[0] != w[1]), "jitter varies");
        let again: Vec<Duration> = (1..50)
            .filter_map(|a| policy.next_delay(&failure(a, Duration::ZERO, &e)))
            .collect();
        assert_eq!(delays, again);
    }

    #[test]
    fn a_time_budget_stops_before_the_attempt_that_would_exceed_it() {
        let policy =
            RetryPolicy::fixed(Duration::from_secs(2)).stop(Stop::elapsed(Duration::from_secs(5)));
        let e = Transient;
        assert!(
            policy
                .next_delay(&failure(1, Duration::from_secs(2), &e))
                .is_some()
        );
        assert!(
            policy
                .next_delay(&failure(2, Duration::from_secs(4), &e))
                .is_none()
        );
    }

    #[test]
    fn limits_combine_whatever_the_order() {
        let e = Transient;
        let fixed = || RetryPolicy::fixed(Duration::from_millis(200));
        let orders = [
            fixed()
                .max_elapsed(Duration::from_millis(600))
                .max_attempts(10),
            fixed()
                .max_attempts(10)
                .max_elapsed(Duration::from_millis(600)),
        ];
        for policy in orders {
            // A step that fails at once: attempts start at 0, 200 and 400 ms; the fourth would
            // start at 600 ms, which the budget does not allow.
            let attempts = (1..=10)
                .take_while(|&a| {
                    let elapsed = Duration::from_millis(200 * u64::from(a - 1));
                    policy.next_delay(&failure(a, elapsed, &e)).is_some()
                })
                .count()
                + 1;
            assert_eq!(attempts, 3, "{policy:?}");
        }
        let capped = RetryPolicy::immediate().max_attempts(2).stop(Stop::never());
        assert!(capped.next_delay(&failure(2, Duration::ZERO, &e)).is_none());
        let unbounded = RetryPolicy::immediate().stop(Stop::never());
        assert!(
            unbounded
                .next_delay(&failure(50, Duration::ZERO, &e))
                .is_some()
        );
    }

    #[test]
    fn a_custom_decision_sees_the_plan_and_the_limits_still_hold() {
        let e = Transient;
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let policy = RetryPolicy::exponential(Duration::from_millis(10))
            .max_attempts(3)
            .decide(move |failure, planned| {
                log.lock()
                    .map(|mut l| l.push((failure.attempts, planned)))
                    .ok();
                (failure.attempts < 2).then_some(planned * 3)
            });
        assert_eq!(
            policy.next_delay(&failure(1, Duration::ZERO, &e)),
            Some(Duration::from_millis(30))
        );
        assert_eq!(policy.next_delay(&failure(2, Duration::ZERO, &e)), None);
        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(
            seen,
            [
                (1, Duration::from_millis(10)),
                (2, Duration::from_millis(20))
            ]
        );
        let budget = RetryPolicy::immediate()
            .max_elapsed(Duration::from_secs(1))
            .decide(|_, _| Some(Duration::from_secs(5)));
        assert_eq!(budget.next_delay(&failure(1, Duration::ZERO, &e)), None);
    }

    #[test]
    fn stops_and_waits_compose() {
        let both = Stop::attempts(2) & Stop::elapsed(Duration::from_secs(10));
        assert!(!both.holds(5, Duration::from_secs(1)));
        assert!(both.holds(5, Duration::from_secs(11)));
        let sum = Wait::fixed(Duration::from_secs(1)) + Wait::fixed(Duration::from_millis(500));
        assert_eq!(sum.delay(1, &mut Rng::new(0)), Duration::from_millis(1500));
    }

    #[test]
    fn predicates_select_the_errors_worth_retrying() {
        #[derive(Debug, thiserror::Error)]
        #[error("wrapped")]
        struct Wrapped(#[source] Transient);

        let policy = RetryPolicy::immediate().retry_on::<Transient>();
        let fatal = std::fmt::Error;
        assert!(
            policy
                .next_delay(&failure(1, Duration::ZERO, &Transient))
                .is_some()
        );
        assert!(
            policy
                .next_delay(&failure(1, Duration::ZERO, &Wrapped(Transient)))
                .is_some()
        );
        assert!(
            policy
                .next_delay(&failure(1, Duration::ZERO, &fatal))
                .is_none()
        );
    }
}
