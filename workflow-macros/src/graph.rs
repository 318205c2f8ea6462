//! The compile-time check of a workflow's event graph.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Ident, Type};

use crate::ast::{Input, Step};
use crate::errors::Errors;
use crate::types::{key, last_ident};
use eventflow_rules::{self as rules, Graph, Node, Problem, Site};

/// A start or stop event type of a workflow.
pub(crate) struct Boundary {
    pub(crate) ty: Type,
    pub(crate) key: String,
}

/// A candidate start or stop event: the step, what it does with the event, the type.
type Candidate<'a> = (&'a str, &'static str, &'a Type);

/// Finds the start event: the `start = ..` argument, or the one `StartEvent<..>` that steps
/// accept.
pub(crate) fn start(
    explicit: Option<&Type>,
    steps: &[Step],
    open: bool,
    self_ty: &Type,
    errors: &Errors,
) -> Option<Boundary> {
    let candidates = steps.iter().flat_map(|s| {
        s.input
            .members()
            .into_iter()
            .map(|ty| (s.name.as_str(), "takes", ty))
    });
    let missing = if open {
        "no step of this open workflow accepts a start event; name it, since steps added later cannot be seen here: `#[workflow(open, start = StartEvent<T>)]`"
    } else {
        "no step accepts a start event: take `StartEvent<T>` in the first step, or name the workflow's own start event with `#[workflow(start = MyStart)]`"
    };
    let role = Role {
        name: "StartEvent",
        what: "start event",
        rule: "a workflow starts from one event type",
        missing,
    };
    boundary(explicit, candidates, &role, self_ty, errors)
}

/// Finds the stop event: the `stop = ..` argument, or the one `StopEvent<..>` that steps emit.
pub(crate) fn stop(
    explicit: Option<&Type>,
    steps: &[Step],
    open: bool,
    self_ty: &Type,
    errors: &Errors,
) -> Option<Boundary> {
    let candidates = steps.iter().flat_map(|s| {
        let name = s.name.as_str();
        let emits = s.emits().into_iter().map(move |ty| (name, "returns", ty));
        emits.chain(s.args.sends.iter().map(move |ty| (name, "sends", ty)))
    });
    let missing = if open {
        "no step of this open workflow emits a stop event; name it, since steps added later cannot be seen here: `#[workflow(open, stop = StopEvent<T>)]`"
    } else {
        "no step emits a stop event: return `StopEvent<T>` from the last step, or name the workflow's own stop event with `#[workflow(stop = MyStop)]`"
    };
    let role = Role {
        name: "StopEvent",
        what: "stop event",
        rule: "a workflow ends with one event type",
        missing,
    };
    boundary(explicit, candidates, &role, self_ty, errors)
}

/// What is said about a start or stop event.
struct Role {
    /// The type that steps use for it: `StartEvent` or `StopEvent`.
    name: &'static str,
    what: &'static str,
    rule: &'static str,
    missing: &'static str,
}

fn boundary<'a>(
    explicit: Option<&Type>,
    candidates: impl Iterator<Item = Candidate<'a>>,
    role: &Role,
    self_ty: &Type,
    errors: &Errors,
) -> Option<Boundary> {
    if let Some(ty) = explicit {
        return Some(Boundary {
            ty: ty.clone(),
            key: key(ty),
        });
    }
    let mut found: Option<(Candidate<'a>, String)> = None;
    for candidate in candidates.filter(|(_, _, ty)| last_ident(ty).is_some_and(|i| i == role.name))
    {
        let (step, verb, ty) = candidate;
        let ty_key = key(ty);
        match &found {
            None => found = Some((candidate, ty_key)),
            Some(((first_step, first_verb, first_ty), first_key)) if *first_key != ty_key => {
                // Both sites are shown: the second carries the rule, the first says it is
                // the other half of the pair.
                let Role { what, rule, .. } = role;
                errors.spanned(
                    ty,
                    format_args!(
                        "the workflow has two {what}s: step `{step}` {verb} `{ty_key}`, and step `{first_step}` {first_verb} `{first_key}`; {rule}, so make them the same"
                    ),
                );
                errors.spanned(
                    first_ty,
                    format_args!(
                        "step `{first_step}` {first_verb} `{first_key}`, the other of the workflow's two {what}s (see the error on `{ty_key}` in step `{step}`)"
                    ),
                );
                return None;
            }
            Some(_) => {}
        }
    }
    // With other errors pending, the event may be missing only because of them.
    if found.is_none() && errors.is_empty() {
        errors.spanned(self_ty, role.missing);
    }
    found.map(|((_, _, ty), key)| Boundary {
        ty: ty.clone(),
        key,
    })
}

/// What a workflow exchanges with the world beyond its steps.
pub(crate) struct Edges<'a> {
    /// From the caller, or from other workflows of a host.
    pub(crate) external: Vec<&'a Type>,
    /// To other workflows of a host.
    pub(crate) published: &'a [Type],
}

/// Checks the graph of `steps` and reports every problem at the token it is about.
pub(crate) fn check(
    steps: &[Step],
    start: &Boundary,
    stop: &Boundary,
    edges: &Edges<'_>,
    errors: &Errors,
) -> Option<Deferred> {
    let mut events: Vec<String> = Vec::new();
    let mut id = |key: String| -> usize {
        if let Some(i) = events.iter().position(|e| *e == key) {
            return i;
        }
        events.push(key);
        events.len() - 1
    };
    let start_id = id(start.key.clone());
    let stop_id = id(stop.key.clone());
    let nodes: Vec<Node> = steps
        .iter()
        .map(|step| Node {
            name: step.name.clone(),
            accepts: step
                .input
                .members()
                .into_iter()
                .map(|t| id(key(t)))
                .collect(),
            emits: step.emits().into_iter().map(|t| id(key(t))).collect(),
            sends: step.args.sends.iter().map(|t| id(key(t))).collect(),
            stream_only: step.args.stream_only.iter().map(|t| id(key(t))).collect(),
            allow_dead_end: step.args.allow_dead_end,
            allow_unreachable: step.args.allow_unreachable,
            catches: step.args.catch_errors.as_ref().map(|c| {
                c.steps
                    .iter()
                    .map(|s| s.to_string().trim_start_matches("r#").to_owned())
                    .collect()
            }),
            fans_out: step.fans_out().into_iter().map(|t| id(key(t))).collect(),
            collects: matches!(step.input, Input::Collections(_)),
        })
        .collect();
    let external = edges.external.iter().map(|t| id(key(t))).collect();
    let published = edges.published.iter().map(|t| id(key(t))).collect();
    let step_failed = Some(id("StepFailed".to_owned()));
    let graph = Graph {
        steps: nodes,
        events,
        start: Some(start_id),
        stop: Some(stop_id),
        external,
        published,
        step_failed,
    };
    let mut found = Vec::new();
    let mut unmatched: Vec<&Type> = Vec::new();
    for problem in rules::check(&graph) {
        let span = match problem {
            Problem::PublishedNeverProduced { at, .. } => edges.published[at].span(),
            _ => span_of(&problem, steps, start, stop),
        };
        if let (
            Problem::NeverProduced { .. } | Problem::NeverConsumed { .. },
            Some(step),
            Some(site),
        ) = (&problem, problem.step().map(|i| &steps[i]), problem.site())
        {
            unmatched.push(site_type(step, site));
        }
        let mut message = rules::describe(&graph, &problem);
        let mut span = span;
        // The base compiled, so a problem of a step it defines comes from what the extending
        // workflow removed, replaced or added: it is reported where the base is named.
        if let Some(step) = problem.step().map(|i| &steps[i])
            && let Some(inherited) = &step.inherited
        {
            span = inherited.span;
            message = format!(
                "{message} (step `{}` is inherited from `{}`)",
                step.name, inherited.base
            );
        }
        found.push((span, message));
    }
    // An event that nothing matches, named like one that exists, may be a misspelt type:
    // rustc's "cannot find type", with its suggestion, is then the error to show, and it is
    // shown only if the macro reports no error of its own. The problems are left to the
    // evaluation of constants that name the unmatched types: that happens only once they
    // resolve.
    let own = |name: &String| {
        !["StartEvent", "StopEvent", "StepFailed"]
            .iter()
            .any(|b| name.starts_with(b))
    };
    let misspelt = unmatched.iter().map(|ty| key(ty)).filter(own).any(|name| {
        (graph.events.iter())
            .filter(|other| own(other))
            .any(|other| *other != name && similar(other, &name))
    });
    if misspelt {
        return Some(Deferred {
            problems: found,
            types: unmatched.into_iter().cloned().collect(),
        });
    }
    for (span, message) in found {
        errors.at(span, message);
    }
    None
}

/// Graph problems left to constant evaluation, which reports them only if `types` resolve.
pub(crate) struct Deferred {
    pub(crate) problems: Vec<(Span, String)>,
    pub(crate) types: Vec<Type>,
}

fn site_type(step: &Step, site: Site) -> &Type {
    match site {
        Site::Accepts(i) => step.input.members()[i],
        Site::Emits(i) => step.emits()[i],
        Site::Sends(i) => &step.args.sends[i],
    }
}

/// Whether two names are close enough for one to be a typo of the other, by the measure
/// rustc uses for its suggestions: an edit distance of at most a third of the length (so
/// names of one or two letters are never close).
fn similar(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()] <= a.len().max(b.len()) / 3
}

fn span_of(problem: &Problem, steps: &[Step], start: &Boundary, stop: &Boundary) -> Span {
    match (problem, problem.step().map(|i| &steps[i]), problem.site()) {
        (Problem::NoStartConsumer, ..) => start.ty.span(),
        (Problem::NoStopProducer, ..) => stop.ty.span(),
        (Problem::DuplicateName { .. }, Some(step), _) => step.name_span,
        (
            Problem::RecoversUnknownStep { target, .. }
            | Problem::RecoversRecoverer { target, .. }
            | Problem::RecoveredTwice { target, .. },
            Some(step),
            _,
        ) => step
            .args
            .catch_errors
            .as_ref()
            .and_then(|c| c.steps.get(*target))
            .map_or_else(|| step.ident.span(), Ident::span),
        (Problem::TwoCatchAlls { .. }, Some(step), _) => step
            .args
            .catch_errors
            .as_ref()
            .map_or_else(|| step.ident.span(), |c| c.span),
        (_, Some(step), Some(site)) => site_type(step, site).span(),
        (_, Some(step), None) => step.ident.span(),
        (_, None, _) => Span::call_site(),
    }
}
