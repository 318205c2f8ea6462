//! The routing table of a workflow: which steps take which event type.

use std::any::TypeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::event::EventType;
use crate::step::spec::StepSpec;

/// The sender of events from outside the run: the caller.
pub(crate) const OUTSIDE: u32 = u32::MAX;
/// The receiver of events nobody takes.
pub(crate) const STREAM: u32 = u32::MAX - 1;
/// The receiver of the stop event.
pub(crate) const END: u32 = u32::MAX - 2;

/// Step descriptions and routes, built once per [`Runner`](crate::Runner) and shared by its runs.
#[derive(Debug)]
pub(crate) struct StepTable {
    pub(crate) specs: Box<[&'static StepSpec]>,
    routes: HashMap<TypeId, Box<[u32]>, BuildHasherDefault<TypeIdHasher>>,
    pub(crate) stop: TypeId,
    /// The workflow accepts events from outside the run.
    pub(crate) external: bool,
    /// The event types the workflow declares it takes from outside (`external(..)`): those
    /// its steps wait for inside their execution.
    external_types: Box<[TypeId]>,
    /// The workflow takes events from other workflows of a host.
    pub(crate) subscribes: bool,
    /// The event types the workflow hands to other workflows of a host.
    publishes: Box<[TypeId]>,
    /// For each step, the error-recovery step that handles its failures.
    recoverers: Box<[Option<u32>]>,
    /// For each step that fans out, the steps that join its fan-outs.
    joins: Box<[Box<[u32]>]>,
}

impl StepTable {
    pub(crate) fn new(
        specs: Box<[&'static StepSpec]>,
        stop: TypeId,
        external: &[EventType],
        host: (&[EventType], &[EventType]),
    ) -> Self {
        let (publishes, subscribes) = host;
        let mut routes: HashMap<TypeId, Vec<u32>> = HashMap::new();
        for (i, spec) in specs.iter().enumerate() {
            let step = u32::try_from(i).unwrap_or(u32::MAX);
            for accepted in spec.accepts {
                let targets = routes.entry(accepted.type_id()).or_default();
                if !targets.contains(&step) {
                    targets.push(step);
                }
            }
        }
        let routes = routes
            .into_iter()
            .map(|(k, v)| (k, v.into_boxed_slice()))
            .collect();
        let recoverers = recoverers(&specs);
        let joins = crate::graph::fan_out_joins(&specs);
        Self {
            specs,
            routes,
            stop,
            external: !external.is_empty(),
            external_types: external.iter().map(EventType::type_id).collect(),
            subscribes: !subscribes.is_empty(),
            publishes: publishes.iter().map(EventType::type_id).collect(),
            recoverers,
            joins,
        }
    }

    /// The error-recovery step for failures of `step`, if any.
    pub(crate) fn recoverer(&self, step: u32) -> Option<u32> {
        self.recoverers.get(step as usize).copied().flatten()
    }

    /// Whether the workflow hands events of type `ty` to other workflows of a host.
    #[inline]
    pub(crate) fn publishes(&self, ty: TypeId) -> bool {
        !self.publishes.is_empty() && self.publishes.contains(&ty)
    }

    /// The steps that join the fan-outs of `step`.
    pub(crate) fn joins(&self, step: u32) -> &[u32] {
        self.joins.get(step as usize).map_or(&[], |joins| joins)
    }

    /// The steps that accept events of type `ty`, in declaration order.
    pub(crate) fn route(&self, ty: TypeId) -> &[u32] {
        self.routes.get(&ty).map_or(&[], |steps| steps)
    }

    /// Whether the workflow declares that it takes events of type `ty` from outside.
    #[inline]
    pub(crate) fn is_external(&self, ty: TypeId) -> bool {
        !self.external_types.is_empty() && self.external_types.contains(&ty)
    }

    pub(crate) fn find(&self, name: &str) -> Option<u32> {
        let i = self.specs.iter().position(|s| s.name == name)?;
        u32::try_from(i).ok()
    }

    pub(crate) fn spec(&self, step: u32) -> &'static StepSpec {
        self.specs[step as usize]
    }

    pub(crate) fn accepts(&self, step: u32, ty: TypeId) -> bool {
        self.route(ty).contains(&step)
    }
}

/// A step is recovered by the handler that names it, or else by the handler that names none;
/// handlers are never recovered by handlers. The builder and the macro reject ambiguous sets.
fn recoverers(specs: &[&'static StepSpec]) -> Box<[Option<u32>]> {
    let index = |i: usize| u32::try_from(i).ok();
    let wildcard = specs
        .iter()
        .position(|s| s.catches.is_some_and(|c| c.steps.is_empty()))
        .and_then(index);
    specs
        .iter()
        .map(|spec| {
            if spec.catches.is_some() {
                return None;
            }
            let named = specs
                .iter()
                .position(|h| h.catches.is_some_and(|c| c.steps.contains(&spec.name)));
            named.and_then(index).or(wildcard)
        })
        .collect()
}

/// `TypeId`s are already hashes; hashing them again would only cost time.
#[derive(Default)]
pub(crate) struct TypeIdHasher(u64);

impl Hasher for TypeIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}
