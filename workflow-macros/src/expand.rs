//! Generated code: the `Workflow` impl (the `FreeStep` impl is in `expand_free`).
//!
//! Everything generated names runtime items through `<crate>::__private` (imported as `__ef`)
//! and prefixes its locals with `__ef_`, so user code can shadow or rename anything.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, ItemImpl, Type};

use crate::ast::{Input, Output, Param, Set, Step};
use crate::graph;
use crate::union::{self, Union};

/// What `#[workflow]` generates for a valid impl, besides the impl itself.
pub(crate) struct WorkflowParts<'a> {
    pub(crate) item: &'a ItemImpl,
    /// The `#[step]` attribute paths as written, one per step.
    pub(crate) step_paths: &'a [syn::Path],
    pub(crate) name: String,
    pub(crate) start: Option<&'a Type>,
    pub(crate) stop: Option<&'a Type>,
    pub(crate) state: Option<&'a Type>,
    pub(crate) external: &'a [Type],
    pub(crate) publishes: &'a [Type],
    pub(crate) subscribes: &'a [Type],
    pub(crate) checked: bool,
    /// Graph problems reported by constant evaluation (see [`graph::Deferred`]).
    pub(crate) deferred: Option<&'a graph::Deferred>,
    pub(crate) krate: &'a TokenStream,
    /// For a workflow declared `extends(..)`: the base as written and the lengths of its
    /// `external`, `publishes` and `subscribes` lists, which this workflow's lists begin with.
    pub(crate) base: Option<(&'a syn::Path, [usize; 3])>,
    /// More items for the block of the `Workflow` impl (where `__ef` is in scope).
    pub(crate) extra: TokenStream,
}

/// The `Workflow` impl of `steps`, or (with no steps) the stand-in emitted next to errors so
/// that code using the workflow still type-checks.
pub(crate) fn workflow(parts: &WorkflowParts<'_>, steps: &[Step], unions: &[Union]) -> TokenStream {
    let WorkflowParts {
        item, name, krate, ..
    } = parts;
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let self_ty = &item.self_ty;
    let start = parts
        .start
        .map_or_else(|| quote!(__ef::StartEvent), ToTokens::to_token_stream);
    let stop = parts
        .stop
        .map_or_else(|| quote!(__ef::StopEvent), ToTokens::to_token_stream);
    let state = parts
        .state
        .map_or_else(|| quote!(()), ToTokens::to_token_stream);
    let list = |name: &str, types: &[Type], inherited: usize| {
        let name = Ident::new(name, Span::call_site());
        let own = event_types(types.iter().collect());
        match parts.base {
            // The base's list is named through its `Workflow` impl: its types may not be in
            // scope here.
            Some((base, _)) if inherited != 0 => {
                let base = quote!(<#base as __ef::Workflow>::#name);
                Some(if types.is_empty() {
                    quote!(const #name: &'static [__ef::EventType] = #base;)
                } else {
                    let n = inherited + types.len();
                    quote!(const #name: &'static [__ef::EventType] = &__ef::concat_event_types::<#n>(#base, #own);)
                })
            }
            _ => {
                (!types.is_empty()).then(|| quote!(const #name: &'static [__ef::EventType] = #own;))
            }
        }
    };
    let [base_external, base_publishes, base_subscribes] =
        parts.base.map_or([0; 3], |(_, lengths)| lengths);
    let external = list("EXTERNAL", parts.external, base_external);
    let publishes = list("PUBLISHES", parts.publishes, base_publishes);
    let subscribes = list("SUBSCRIBES", parts.subscribes, base_subscribes);
    let base = parts.base.map(|(base, _)| base);
    let steps = steps.iter().map(|step| match (&step.inherited, base) {
        // The base's code for the step, generated once, where the base is.
        (Some(inherited), Some(base)) => {
            let index = inherited.index;
            quote!(<#base as __ef::Inherit<Self, #index>>::STEP)
        }
        _ => step_def(step, Holder::Own),
    });
    let extra = &parts.extra;
    let unions = unions.iter().map(|u| union::expand(u, krate));
    // A generic workflow is a workflow for the instantiations that can be shared across runs.
    let bounds = if item.generics.params.is_empty() {
        quote!()
    } else if where_clause.is_some() {
        quote!(, #self_ty: __ef::Send + __ef::Sync + 'static)
    } else {
        quote!(where #self_ty: __ef::Send + __ef::Sync + 'static)
    };
    // The removed `#[step]` attributes must still resolve (an import of `step` is used).
    let mut markers: Vec<&syn::Path> = Vec::new();
    for path in parts.step_paths {
        if !markers
            .iter()
            .any(|m| m.to_token_stream().to_string() == path.to_token_stream().to_string())
        {
            markers.push(path);
        }
    }
    let checked = if parts.checked {
        quote!(__ef::CheckedWorkflow)
    } else {
        quote!(__ef::OpenWorkflow)
    };
    let deferred = parts.deferred.map(deferred);
    quote! {
        #item

        #(#unions)*

        #deferred

        const _: () = {
            use #krate::__private as __ef;

            #[automatically_derived]
            impl #impl_generics __ef::Workflow for #self_ty #where_clause #bounds {
                type Start = #start;
                type Stop = #stop;
                type State = #state;
                const NAME: &'static str = #name;
                const STEPS: &'static [__ef::StepDef<Self>] = &[#(#steps),*];
                #external
                #publishes
                #subscribes

                fn tool() -> __ef::Option<&'static dyn __ef::Tool> {
                    __ef::tool()
                }
            }

            #[automatically_derived]
            impl #impl_generics #checked for #self_ty #where_clause #bounds {}

            #( #[#markers(__eventflow_used)] const _: () = (); )*

            #extra
        };
    }
}

/// One constant per problem, which panics once the types it names resolve: outside the
/// `const _` block, so that rustc calls it "evaluation of `_`".
fn deferred(deferred: &graph::Deferred) -> TokenStream {
    let types = &deferred.types;
    let problems = deferred.problems.iter().map(|(span, message)| {
        let message = message.replace('{', "{{").replace('}', "}}");
        let panic = quote_spanned!(*span=> ::core::panic!(#message));
        quote! {
            const _: () = {
                let _ = (#(::core::marker::PhantomData::<#types>,)*);
                #panic
            };
        }
    });
    quote!(#(#problems)*)
}

/// Which workflow a step definition runs on.
#[derive(Clone, Copy)]
pub(crate) enum Holder {
    /// The workflow whose impl defines the step (`Self`).
    Own,
    /// `__EfH`, a workflow that extends `Self` and reaches it through `Inherits<Self>`.
    Extending,
}

pub(crate) fn step_def(step: &Step, holder: Holder) -> TokenStream {
    let spec = spec(step);
    let ident = &step.ident;
    let args = call_args(step);
    let this = match holder {
        Holder::Own => quote!(__ef_this),
        Holder::Extending => quote!(<__EfH as __ef::Inherits<Self>>::base(&*__ef_this)),
    };
    let call = quote!(#this.#ident(#(#args),*).await);
    let body = body(step, &call);
    let retry = match &step.args.retry {
        Some(policy) => {
            // The expression may read the workflow through `self`: it runs with the instance
            // when the runner is built.
            let policy = replace_self(policy.to_token_stream());
            let policy = match holder {
                Holder::Own => quote_spanned!(policy.span()=>
                    |__ef_self: &Self| -> __ef::RetryPolicy { #policy }
                ),
                Holder::Extending => quote_spanned!(policy.span()=>
                    |__ef_holder: &__EfH| -> __ef::RetryPolicy {
                        let __ef_self: &Self = <__EfH as __ef::Inherits<Self>>::base(__ef_holder);
                        #policy
                    }
                ),
            };
            quote!(__ef::Some(#policy))
        }
        None => quote!(__ef::None),
    };
    quote! {
        __ef::StepDef {
            spec: #spec,
            call: |__ef_this, __ef_event, __ef_ctx| {
                let __ef_this = __ef::Clone::clone(__ef_this);
                #body
            },
            retry: #retry,
        }
    }
}

/// `self` → `__ef_self`, at any depth, keeping spans.
fn replace_self(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) if ident == "self" => {
                proc_macro2::TokenTree::Ident(Ident::new("__ef_self", ident.span()))
            }
            proc_macro2::TokenTree::Group(group) => {
                let mut replaced =
                    proc_macro2::Group::new(group.delimiter(), replace_self(group.stream()));
                replaced.set_span(group.span());
                proc_macro2::TokenTree::Group(replaced)
            }
            other => other,
        })
        .collect()
}

/// `&[EventType::of::<A>(), ..]`, each entry spanned on its type.
fn event_types(list: Vec<&Type>) -> TokenStream {
    let entries = list
        .into_iter()
        .map(|ty| quote_spanned!(ty.span()=> __ef::EventType::of::<#ty>()));
    quote!(&[#(#entries),*])
}

/// The step's future: converts the event, calls the step, converts what it returned.
pub(crate) fn body(step: &Step, call: &TokenStream) -> TokenStream {
    let name = &step.name;
    let input = match &step.input {
        Input::One(Set::One(ty)) => {
            quote_spanned!(ty.span()=> let __ef_input_0 = __ef::input::<#ty>(__ef_event, #name);)
        }
        Input::One(Set::Union { ident, .. }) => {
            quote!(let __ef_input_0 = __ef::input_union::<#ident>(__ef_event, #name);)
        }
        Input::EachOf(types) | Input::Collections(types) => {
            let (open, take) = match &step.input {
                Input::EachOf(_) => (quote!(input_set), quote!(one)),
                _ => (quote!(input_collections), quote!(all)),
            };
            let params = types.iter().enumerate().map(|(i, ty)| {
                let var = format_ident!("__ef_input_{i}");
                quote_spanned!(ty.span()=> let #var = __ef_inputs.#take::<#ty>();)
            });
            quote! {
                let mut __ef_inputs = __ef::#open(__ef_event, #name);
                #(#params)*
            }
        }
    };
    let output = output(&step.output);
    // Spanned on the step, so that a step whose future is not `Send` is reported there.
    quote_spanned! {step.ident.span()=>
        __ef::step_future(async move {
            #input
            let __ef_output = #call;
            #output
        })
    }
}

pub(crate) fn call_args(step: &Step) -> Vec<TokenStream> {
    step.params
        .iter()
        .map(|param| match param {
            Param::Context { by_ref, ty } => {
                // The first and last tokens carry the type's first and last spans, so a type
                // mismatch underlines the whole `&Context<..>`.
                let (first, last) = span_range(ty);
                let ctx = Ident::new("__ef_ctx", last);
                if *by_ref {
                    let amp = quote_spanned!(first=> &);
                    quote!(#amp #ctx)
                } else {
                    quote!(#ctx)
                }
            }
            Param::Event(i) => format_ident!("__ef_input_{i}").into_token_stream(),
        })
        .collect()
}

/// The spans of the first and last tokens of `tokens`.
fn span_range(tokens: &impl ToTokens) -> (Span, Span) {
    let mut iter = tokens.to_token_stream().into_iter();
    let first = iter.next().map_or_else(Span::call_site, |t| t.span());
    let last = iter.last().map_or(first, |t| t.span());
    (first, last)
}

/// Converts `__ef_output` into the runtime's `Result<Emit, BoxError>`.
fn output(output: &Output) -> TokenStream {
    let emit = |value: TokenStream| -> TokenStream {
        let one = |value: TokenStream| match (&output.set, output.many) {
            (None, _) => quote!({
                let () = #value;
                __ef::Emit::None
            }),
            (Some(Set::One(ty)), false) => quote_spanned!(ty.span()=> __ef::emit::<#ty>(#value)),
            (Some(Set::Union { ident, many, .. }), false) => {
                if many.contains(&true) {
                    quote!(__ef::emit_arms::<#ident>(#value))
                } else {
                    quote!(__ef::emit_union::<#ident>(#value))
                }
            }
            (Some(Set::One(ty)), true) => {
                quote_spanned!(ty.span()=> __ef::emit_many::<#ty>(#value))
            }
            (Some(Set::Union { ident, .. }), true) => {
                quote!(__ef::emit_many_union::<#ident>(#value))
            }
        };
        if output.option {
            let some = one(quote!(__ef_event));
            quote! {
                match #value {
                    __ef::Some(__ef_event) => #some,
                    __ef::None => __ef::Emit::None,
                }
            }
        } else {
            one(value)
        }
    };
    match &output.result {
        None => {
            let ok = emit(quote!(__ef_output));
            quote!(__ef::Ok(#ok))
        }
        Some(result) => {
            let ok = emit(quote!(__ef_ok));
            let error = match &result.error {
                Some(ty) => quote_spanned!(ty.span()=> __ef::error::<#ty>(__ef_error)),
                None => quote_spanned!(result.span=> __ef::error(__ef_error)),
            };
            quote! {
                match __ef_output {
                    __ef::Ok(__ef_ok) => __ef::Ok(#ok),
                    __ef::Err(__ef_error) => __ef::Err(#error),
                }
            }
        }
    }
}

/// `StepSpec { .. }`, listing only what differs from `StepSpec::new`.
pub(crate) fn spec(step: &Step) -> TokenStream {
    let name = &step.name;
    let types = event_types;
    let mut fields = vec![];
    let accepts = types(step.input.members());
    fields.push(quote!(accepts: #accepts));
    let emits = step.emits();
    if !emits.is_empty() {
        let emits = types(emits);
        fields.push(quote!(emits: #emits));
    }
    if !step.args.sends.is_empty() {
        let sends = types(step.args.sends.iter().collect());
        fields.push(quote!(sends: #sends));
    }
    if !step.args.stream_only.is_empty() {
        let stream_only = types(step.args.stream_only.iter().collect());
        fields.push(quote!(stream_only: #stream_only));
    }
    if let Some(n) = &step.args.num_workers {
        fields.push(quote!(num_workers: #n));
    }
    let fans_out = step.fans_out();
    if !fans_out.is_empty() {
        let fans_out = types(fans_out);
        fields.push(quote!(fans_out: #fans_out));
    }
    if let Some(limit) = &step.args.timeout {
        // Typed on its own, so a wrong type is reported on the expression.
        let limit =
            quote_spanned!(limit.span()=> { let __ef_limit: __ef::Duration = #limit; __ef_limit });
        fields.push(quote!(timeout: __ef::Some(#limit)));
    }
    if step.args.blocking {
        fields.push(quote!(blocking: true));
    }
    if !step.args.runs.is_empty() {
        let children = step
            .args
            .runs
            .iter()
            .map(|ty| quote_spanned!(ty.span()=> __ef::ChildWorkflow::of::<#ty>()));
        fields.push(quote!(children: &[#(#children),*]));
    }
    match &step.input {
        Input::One(_) => {}
        Input::EachOf(_) => fields.push(quote!(takes: __ef::Takes::EachOf)),
        Input::Collections(_) => {
            let take = step
                .args
                .take
                .as_ref()
                .map_or_else(|| quote!(__ef::None), |n| quote!(__ef::Some(#n)));
            fields.push(quote!(takes: __ef::Takes::Collections { take: #take }));
        }
    }
    if step.args.allow_dead_end {
        fields.push(quote!(allow_dead_end: true));
    }
    if step.args.allow_unreachable {
        fields.push(quote!(allow_unreachable: true));
    }
    if let Some(catch) = &step.args.catch_errors {
        let steps = catch
            .steps
            .iter()
            .map(|s| s.to_string().trim_start_matches("r#").to_owned());
        let max = step
            .args
            .max_recoveries
            .as_ref()
            .map_or_else(|| quote!(1), ToTokens::to_token_stream);
        fields.push(quote!(catches: __ef::Some(__ef::Catches { steps: &[#(#steps),*], max_recoveries: #max })));
    }
    quote! {
        __ef::StepSpec {
            #(#fields,)*
            ..__ef::StepSpec::new(#name)
        }
    }
}
