//! What a step's signature says: its context, the events it accepts and those it returns.

use proc_macro2::Span;
use quote::format_ident;
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ReceiverKind, ReturnType, Signature, Type, Visibility};

use crate::attr::StepArgs;
use crate::errors::Errors;
use crate::types::{
    first_arg_mut, foreign, is_unit, is_wrapper, key, last_ident, type_args, written,
};
use crate::union::{self, Place, Union};

/// Where a step is defined.
#[derive(Clone, Copy)]
pub(crate) enum Kind<'a> {
    /// A method of the `#[workflow]` impl of the named type.
    Method(&'a Ident),
    /// A free function.
    Free,
}

#[derive(Clone)]
pub(crate) struct Step {
    pub(crate) ident: Ident,
    pub(crate) name: String,
    pub(crate) name_span: Span,
    pub(crate) args: StepArgs,
    /// The parameters after the receiver, in order.
    pub(crate) params: Vec<Param>,
    pub(crate) input: Input,
    pub(crate) output: Output,
    /// The signature has errors: the step still counts for finding the start and stop events,
    /// so that they are not reported missing as a consequence.
    pub(crate) broken: bool,
    /// A step of the base of a workflow declared `extends(..)`, kept by the workflow.
    pub(crate) inherited: Option<Inherited>,
}

/// Where an inherited step comes from.
#[derive(Clone)]
pub(crate) struct Inherited {
    /// The step's position among the base's steps, which is that of its `Inherit` impl.
    pub(crate) index: usize,
    /// The base as written in `extends(..)`: the graph problems of inherited steps are
    /// reported there, in the code that chose the steps, rather than in the base.
    pub(crate) span: Span,
    pub(crate) base: String,
}

#[derive(Clone)]
pub(crate) enum Param {
    Context {
        by_ref: bool,
        ty: Box<Type>,
    },
    /// The n-th event parameter.
    Event(usize),
}

/// How a step takes its events.
#[derive(Clone)]
pub(crate) enum Input {
    /// One event, of a type or of a `OneOf!` set.
    One(Set),
    /// One event of each type: `a: A, b: B`.
    EachOf(Vec<Type>),
    /// The collections of a fan-out, one per element type: `a: Vec<A>, ..`.
    Collections(Vec<Type>),
}

impl Input {
    /// Every event type the step takes.
    pub(crate) fn members(&self) -> Vec<&Type> {
        match self {
            Self::One(set) => set.members(),
            Self::EachOf(types) | Self::Collections(types) => types.iter().collect(),
        }
    }
}

/// One event type, or the enum generated for a `OneOf!`.
#[derive(Clone)]
pub(crate) enum Set {
    One(Box<Type>),
    Union {
        ident: Ident,
        /// The event type of each member (`A` for a fan-out arm `Vec<A>`).
        members: Vec<Type>,
        /// Whether each member is a fan-out arm.
        many: Vec<bool>,
    },
}

impl Set {
    pub(crate) fn members(&self) -> Vec<&Type> {
        match self {
            Self::One(ty) => vec![ty],
            Self::Union { members, .. } => members.iter().collect(),
        }
    }
}

/// The shape of a step's return type: `Result<Option<Set>, E>` or `Result<Vec<Set>, E>`, with
/// each layer optional.
#[derive(Clone)]
pub(crate) struct Output {
    pub(crate) result: Option<ResultShape>,
    pub(crate) option: bool,
    /// A fan-out: `Vec<Set>`.
    pub(crate) many: bool,
    /// `None` for a step that returns `()`.
    pub(crate) set: Option<Set>,
}

#[derive(Clone)]
pub(crate) struct ResultShape {
    /// `None` for an alias such as `anyhow::Result<T>`.
    pub(crate) error: Option<Type>,
    pub(crate) span: Span,
}

impl Step {
    /// Every event type the step returns.
    pub(crate) fn emits(&self) -> Vec<&Type> {
        self.output
            .set
            .as_ref()
            .map(Set::members)
            .unwrap_or_default()
    }

    /// The event types the step returns as fan-outs: all of them for `-> Vec<..>`, the
    /// `Vec<..>` arms of `-> OneOf![Vec<A> | B]`.
    pub(crate) fn fans_out(&self) -> Vec<&Type> {
        match &self.output.set {
            Some(set) if self.output.many => set.members(),
            Some(Set::Union { members, many, .. }) => members
                .iter()
                .zip(many)
                .filter_map(|(m, &many)| many.then_some(m))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The step's context parameter, if it has one.
    pub(crate) fn context(&self) -> Option<&Type> {
        self.params.iter().find_map(|p| match p {
            Param::Context { ty, .. } => Some(&**ty),
            Param::Event(_) => None,
        })
    }
}

/// Reads a step's signature, rewriting its `OneOf!` sets into enums added to `unions` (even if
/// the signature has errors, so that it still names existing types).
pub(crate) fn analyze(
    sig: &mut Signature,
    vis: &Visibility,
    args: StepArgs,
    kind: Kind<'_>,
    unions: &mut Vec<Union>,
    errors: &Errors,
) -> Option<Step> {
    let ident = sig.ident.clone();
    let (name, name_span) = match &args.name {
        Some(lit) => (lit.value(), lit.span()),
        None => (
            ident.to_string().trim_start_matches("r#").to_owned(),
            ident.span(),
        ),
    };
    let before = errors.count();

    if sig.asyncness.is_none() {
        errors.spanned(
            sig.fn_token,
            format_args!("step `{name}` must be an `async fn`"),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.spanned(
            &sig.generics,
            format_args!(
                "step `{name}` cannot be generic: the event graph is read from concrete types"
            ),
        );
    }
    check_receiver(sig, &name, kind, errors);
    for ty in args.sends.iter().chain(&args.stream_only) {
        check_foreign(ty, errors);
    }

    let prefix = match kind {
        Kind::Method(workflow) => workflow.to_string().trim_start_matches("r#").to_owned(),
        Kind::Free => String::new(),
    };
    let camel = union::camel(&ident);
    let owner = match kind {
        Kind::Method(workflow) => format!("step `{name}` of `{workflow}`"),
        Kind::Free => format!("step `{name}`"),
    };
    let mut sets = Sets {
        step: &name,
        owner: &owner,
        vis,
        unions,
        errors,
    };

    let mut params = Vec::new();
    let mut events: Vec<&mut Type> = Vec::new();
    for arg in &mut sig.inputs {
        let FnArg::Typed(arg) = arg else {
            continue;
        };
        if let Some(by_ref) = context_param(&arg.ty) {
            if params.iter().any(|p| matches!(p, Param::Context { .. })) {
                errors.spanned(
                    &arg.ty,
                    format_args!("step `{name}` takes two contexts; one is enough"),
                );
            }
            params.push(Param::Context {
                by_ref,
                ty: arg.ty.clone(),
            });
            continue;
        }
        params.push(Param::Event(events.len()));
        events.push(&mut arg.ty);
    }
    if events.is_empty() {
        errors.spanned(
            &sig.ident,
            format_args!("step `{name}` has no event parameter; take the event that triggers it, e.g. `ev: StartEvent<String>`"),
        );
        return None;
    }
    let input_ident = args
        .input
        .clone()
        .unwrap_or_else(|| format_ident!("{prefix}{camel}Input"));
    let input = sets.input(events, &input_ident);
    if let Some(named) = &args.input
        && !matches!(input, Input::One(Set::Union { .. }))
    {
        errors.spanned(
            named,
            format_args!("`input = {named}` names the enum generated for a `OneOf![..]` parameter, but step `{name}` takes no `OneOf!`"),
        );
    }
    if let Some(take) = &args.take
        && !matches!(input, Input::Collections(_))
    {
        errors.spanned(
            take,
            format_args!("`take` applies to a step that joins a fan-out; step `{name}` takes no collection (`Vec<..>`)"),
        );
    }

    let output_ident = args
        .output
        .clone()
        .unwrap_or_else(|| format_ident!("{prefix}{camel}Output"));
    let output = sets.output(&mut sig.output, output_ident);
    if let Some(named) = &args.output
        && !matches!(output.set, Some(Set::Union { .. }))
    {
        errors.spanned(
            named,
            format_args!("`output = {named}` names the enum generated for a `OneOf![..]` return type, but step `{name}` returns no `OneOf!`"),
        );
    }
    let broken = errors.count() != before;
    Some(Step {
        ident,
        name,
        name_span,
        args,
        params,
        input,
        output,
        broken,
        inherited: None,
    })
}

fn check_receiver(sig: &Signature, name: &str, kind: Kind<'_>, errors: &Errors) {
    match (kind, sig.receiver()) {
        (Kind::Method(_), None) => errors.spanned(
            &sig.ident,
            format_args!("step `{name}` must take `&self`: steps are methods of the workflow"),
        ),
        (Kind::Method(_), Some(receiver)) => match &receiver.kind {
            ReceiverKind::Reference(_, _, None) => {}
            ReceiverKind::Reference(_, _, Some(_)) => errors.spanned(
                receiver,
                format_args!(
                    "step `{name}` must take `&self`, not `&mut self`: concurrent runs share the workflow, so keep per-run data in its state"
                ),
            ),
            _ => errors.spanned(receiver, format_args!("step `{name}` must take `&self`")),
        },
        // `#[step]` on a free function rejects receivers before analysing the signature.
        (Kind::Free, _) => {}
    }
}

/// `Some(by_ref)` if the type is `Context<..>` or `&Context<..>`.
fn context_param(ty: &Type) -> Option<bool> {
    let (ty, by_ref) = match ty {
        Type::Reference(r) if r.mutability.is_none() => (&*r.elem, true),
        ty => (ty, false),
    };
    (last_ident(ty)? == "Context").then_some(by_ref)
}

/// Reads the event sets of one signature.
struct Sets<'a> {
    step: &'a str,
    owner: &'a str,
    vis: &'a Visibility,
    unions: &'a mut Vec<Union>,
    errors: &'a Errors,
}

impl Sets<'_> {
    /// Reads the event parameters: one event, one of each type, or collections.
    fn input(&mut self, mut events: Vec<&mut Type>, ident: &Ident) -> Input {
        let step = self.step;
        if let [only] = events.as_mut_slice()
            && !is_wrapper(only, "Vec")
        {
            return Input::One(self.event_set(only, ident.clone(), Place::Input));
        }
        let collections = events.iter().filter(|ty| is_wrapper(ty, "Vec")).count();
        if collections != 0 && collections != events.len() {
            let odd = events
                .iter()
                .find(|ty| is_wrapper(ty, "Vec") == (collections * 2 < events.len()))
                .map_or_else(Span::call_site, Spanned::span);
            self.errors.at(
                odd,
                format!("step `{step}` takes both single events and collections; a step takes one event of each type (`a: A, b: B`) or the collections of a fan-out (`a: Vec<A>, b: Vec<B>`), not both"),
            );
        }
        let mut types: Vec<Type> = Vec::new();
        for (i, ty) in events.into_iter().enumerate() {
            let ty = if is_wrapper(ty, "Vec") {
                first_arg_mut(ty)
            } else {
                ty
            };
            let span = ty.span();
            let set = self.event_set(ty, format_ident!("{ident}{i}"), Place::Input);
            let ty = match set {
                Set::One(ty) => *ty,
                Set::Union { .. } => {
                    self.errors.at(
                        span,
                        format!("step `{step}` takes several events, so each parameter names one event type; `OneOf!` is for a step that takes one event of any of several types"),
                    );
                    continue;
                }
            };
            if let Some(first) = types.iter().find(|t| key(t) == key(&ty)) {
                self.errors.spanned(
                    &ty,
                    format_args!(
                        "step `{step}` takes `{}` twice; take it once{}",
                        key(first),
                        if collections == 0 {
                            ""
                        } else {
                            ", as one collection"
                        }
                    ),
                );
                continue;
            }
            types.push(ty);
        }
        if collections == 0 {
            Input::EachOf(types)
        } else {
            Input::Collections(types)
        }
    }

    fn event_set(&mut self, ty: &mut Type, ident: Ident, place: Place) -> Set {
        let step = self.step;
        if union::is_one_of(ty) {
            let role = match place {
                Place::Input => "accepted by",
                Place::Output | Place::Element => "returned by",
            };
            let about = format!("{role} {}", self.owner);
            let union = union::rewrite(ty, ident.clone(), place, self.vis, about, self.errors);
            let members = union.members.clone();
            let many = union.many.clone();
            self.unions.push(union);
            return Set::Union {
                ident,
                members,
                many,
            };
        }
        match ty {
            Type::Reference(_) => self.errors.spanned(
                &*ty,
                format_args!("step `{step}` must take its event by value"),
            ),
            Type::ImplTrait(_) => self.errors.spanned(
                &*ty,
                format_args!(
                    "step `{step}` cannot be generic: the event graph is read from concrete types"
                ),
            ),
            Type::Path(_) if last_ident(ty).is_some_and(|i| i == "OneOf") => {
                let members: Vec<String> = type_args(ty).into_iter().map(written).collect();
                self.errors.spanned(
                    &*ty,
                    format_args!(
                        "`OneOf` is a macro: write `OneOf![{}]`, with `!` and square brackets",
                        members.join(" | ")
                    ),
                );
            }
            _ => check_foreign(ty, self.errors),
        }
        Set::One(Box::new(ty.clone()))
    }

    fn output(&mut self, ret: &mut ReturnType, ident: Ident) -> Output {
        let ReturnType::Type(_, ty) = ret else {
            return Output {
                result: None,
                option: false,
                many: false,
                set: None,
            };
        };
        let mut ty: &mut Type = ty;
        let mut result = None;
        if is_wrapper(ty, "Result") {
            let error = type_args(ty).get(1).map(|e| (*e).clone());
            result = Some(ResultShape {
                error,
                span: ty.span(),
            });
            ty = first_arg_mut(ty);
        }
        let mut option = false;
        if is_wrapper(ty, "Option") {
            option = true;
            ty = first_arg_mut(ty);
            if is_wrapper(ty, "Result") {
                self.errors.spanned(
                    &*ty,
                    "put `Result` outside `Option`: `Result<Option<Event>, Error>`",
                );
            }
            if is_wrapper(ty, "Vec") {
                self.errors.spanned(
                    &*ty,
                    format_args!("step `{}` returns `Option<Vec<..>>`; return `Vec<..>`, where an empty `Vec` is a fan-out of nothing, whose joins run at once with nothing", self.step),
                );
                // Read on as the fan-out it is meant to be, so as to say nothing more about it.
                ty = first_arg_mut(ty);
            }
        }
        let many = !option && is_wrapper(ty, "Vec");
        if many {
            ty = first_arg_mut(ty);
            if is_wrapper(ty, "Vec") || is_wrapper(ty, "Option") || is_unit(ty) {
                self.errors.spanned(
                    &*ty,
                    format_args!("step `{}` fans out, so each element must be an event: `Vec<Event>` or `Vec<OneOf![..]>`", self.step),
                );
            }
        }
        let set = if is_unit(ty) {
            if option {
                self.errors.spanned(
                    &*ty,
                    format_args!("step `{}` returns `Option<()>`; return `()` for a step that emits no event", self.step),
                );
            }
            None
        } else {
            let place = if many { Place::Element } else { Place::Output };
            Some(self.event_set(ty, ident, place))
        };
        Output {
            result,
            option,
            many,
            set,
        }
    }
}

/// Reports a type that the user cannot make an event, such as `String`, and says to wrap it;
/// once, at its first site.
pub(crate) fn check_foreign(ty: &Type, errors: &Errors) {
    if let Some(fields) = foreign(ty)
        && errors.first(written(ty))
    {
        errors.spanned(
            ty,
            format_args!(
                "`{}` cannot be an event: events are types of your crate that derive `Event`; wrap it in one: `#[derive(Clone, Serialize, Deserialize, Event)] struct MyEvent({fields});`",
                written(ty)
            ),
        );
    }
}
