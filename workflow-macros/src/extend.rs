//! Workflows built from other workflows: `#[workflow(extendable)]` and
//! `#[workflow(extends(Base, without(..), via = field))]`.
//!
//! A proc macro sees only the item it is on, so the base hands its steps over itself:
//! `#[workflow(extendable)]` also emits a `macro_rules!` that holds the base's step attributes
//! and signatures as written, re-exported under the base's own name (in the macro namespace,
//! so that wherever `Base` the type is in scope, `Base!` is too). `#[workflow(extends(Base))]`
//! expands to `Base! { (args) impl Derived { .. } }`; the base's macro passes its steps and the
//! derived impl to `__private::extend_workflow!`, which merges the two sets of steps and
//! checks and expands the result like any workflow.
//!
//! Only the names of the base's types are read from those tokens (to check the graph): they
//! are not resolved where the derived workflow is, where they may not be in scope. The code of
//! an inherited step is generated once, with the base, as `impl<H> Inherit<H, I> for Base`, and
//! the derived workflow names it by the base's path and the step's index.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Ident, ImplItem, ItemImpl, Member, Path, Type};

use crate::ast::{self, Inherited, Kind, Step};
use crate::attr::{Extends, StepArgs, WorkflowArgs};
use crate::errors::Errors;
use crate::expand::{self, Holder};
use crate::graph::Boundary;
use crate::types::{key, last_ident};
use crate::workflow::{attr_args, expand_workflow};

/// The first expansion of `#[workflow(extends(Base, ..))]`: a call of the base's macro, which
/// comes back with the base's steps; and a check that says plainly when `Base` is not
/// extendable (rustc only says it cannot find the macro `Base`).
pub(crate) fn call_base(
    extends: &Extends,
    args: &TokenStream,
    item: &TokenStream,
    krate: &TokenStream,
) -> TokenStream {
    let base = &extends.base;
    let check =
        quote_spanned!(base.span()=> const _: () = #krate::__private::extendable::<#base>(););
    quote! {
        #base! { (#args) #item }
        #check
    }
}

/// The second expansion: `(base args) impl Base { steps } (derived args) derived impl`.
pub(crate) fn extend_workflow(input: TokenStream) -> TokenStream {
    let parser = |input: ParseStream<'_>| {
        let base_args;
        syn::parenthesized!(base_args in input);
        let base_args: TokenStream = base_args.parse()?;
        let base: ItemImpl = input.parse()?;
        let args;
        syn::parenthesized!(args in input);
        let args: TokenStream = args.parse()?;
        let item: TokenStream = input.parse()?;
        Ok((base_args, base, args, item))
    };
    let (base_args, base_impl, raw_args, item) = match parser.parse2(input) {
        Ok(parsed) => parsed,
        // Written by `#[workflow]` itself; a mismatch means mixed versions of the macros.
        Err(error) => return error.into_compile_error(),
    };
    let errors = Errors::new();
    let args = WorkflowArgs::parse(raw_args.clone(), &errors);
    let Some(extends) = &args.extends else {
        errors.discard();
        return quote!(::core::compile_error!(
            "`extend_workflow!` is called by `#[workflow(extends(..))]`"
        ));
    };
    let base = Base::read(base_args, &base_impl, extends);
    let expanded = expand_workflow(&raw_args, &args, errors, item, Some(&base));
    one_context_for_locals(expanded)
}

/// Gives every generated local (`__ef_event`, `__ef_ctx`, ..) the hygiene of this expansion,
/// keeping its location.
///
/// Called from the base's `macro_rules!`, this macro's call site has that macro's hygiene,
/// under which local variables do not resolve to those of the derived impl's tokens; but some
/// generated locals are spanned on the user's tokens so that errors point there. Under one
/// context, each use finds its binding.
fn one_context_for_locals(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) if ident.to_string().starts_with("__ef_") => {
                let span = Span::call_site().located_at(ident.span());
                TokenTree::Ident(Ident::new(&ident.to_string(), span))
            }
            TokenTree::Group(group) => {
                let mut relabelled =
                    Group::new(group.delimiter(), one_context_for_locals(group.stream()));
                relabelled.set_span(group.span());
                TokenTree::Group(relabelled)
            }
            other => other,
        })
        .collect()
}

/// Arguments that do not go together with `extendable` or `extends`.
pub(crate) fn check_args(args: &WorkflowArgs, item: &ItemImpl, errors: &Errors) {
    if let Some(span) = args.extendable {
        if args.extends.is_some() {
            errors.at(
                span,
                "a workflow that extends another cannot itself be `extendable`: extend the base directly",
            );
        }
        if args.open.is_some() {
            errors.at(
                span,
                "an `open` workflow cannot be `extendable`: its graph is only complete once its free-function steps are added",
            );
        }
        if !item.generics.params.is_empty() {
            errors.spanned(
                &item.generics,
                "an `extendable` workflow cannot be generic: a workflow that extends it names it without its parameters",
            );
        }
    }
    if let (Some(extends), Some(open)) = (&args.extends, args.open) {
        errors.at(
            open,
            format_args!(
                "a workflow that extends `{}` cannot be `open`: its graph, inherited steps included, is checked at compile time",
                path_text(&extends.base)
            ),
        );
    }
}

/// `#[step(replaces)]` in a workflow that extends nothing.
pub(crate) fn check_no_replaces(steps: &[Step], errors: &Errors) {
    for step in steps {
        if let Some(span) = step.args.replaces {
            errors.at(
                span,
                format_args!(
                    "step `{}` replaces nothing: `replaces` is for a step of a workflow declared `#[workflow(extends(Base))]`, to replace the base's step of the same name",
                    step.name
                ),
            );
        }
    }
}

/// The base of a workflow declared `extends(..)`, as its macro handed it over.
pub(crate) struct Base {
    /// The base's name, for messages.
    name: String,
    /// The base as written in `extends(..)`, resolved where the derived workflow is.
    pub(crate) path: Path,
    pub(crate) args: WorkflowArgs,
    /// The base's steps in declaration order, each marked inherited.
    steps: Vec<Step>,
    without: Vec<Ident>,
    via: Option<Member>,
}

/// Which boundary event [`Base::boundary`] is about.
#[derive(Clone, Copy)]
pub(crate) enum Role {
    Start,
    Stop,
}

impl Base {
    fn read(base_args: TokenStream, base: &ItemImpl, extends: &Extends) -> Self {
        // The base compiled with these steps; reading them again reports nothing new.
        let scratch = Errors::new();
        let args = WorkflowArgs::parse(base_args, &scratch);
        let ident = last_ident(&base.self_ty).map_or_else(|| format_ident!("Base"), Clone::clone);
        let span = extends.base.span();
        let mut steps = Vec::new();
        let mut unions = Vec::new();
        for item in &base.items {
            let ImplItem::Fn(method) = item else {
                continue;
            };
            let mut method = method.clone();
            let Some(attr) = method.attrs.first() else {
                continue;
            };
            let step_args = StepArgs::parse(attr_args(attr, &scratch), false, &scratch);
            let kind = Kind::Method(&ident);
            let analyzed = ast::analyze(
                &mut method.sig,
                &method.vis,
                step_args,
                kind,
                &mut unions,
                &scratch,
            );
            if let Some(mut step) = analyzed {
                step.inherited = Some(Inherited {
                    index: steps.len(),
                    span,
                    base: ident.to_string(),
                });
                steps.push(step);
            }
        }
        scratch.discard();
        Self {
            name: ident.to_string(),
            path: extends.base.clone(),
            args,
            steps,
            without: extends.without.clone(),
            via: extends.via.clone(),
        }
    }

    /// The base's steps less those removed, each replaced in place by the derived step marked
    /// `replaces` with its name, then the derived workflow's new steps in their order.
    pub(crate) fn merge(&self, own: Vec<Step>, errors: &Errors) -> Vec<Step> {
        let names: Vec<&str> = self.steps.iter().map(|s| s.name.as_str()).collect();
        let listed = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let base = &self.name;
        for removed in &self.without {
            let name = removed.to_string();
            if !names.contains(&name.trim_start_matches("r#")) {
                errors.spanned(
                    removed,
                    format_args!("`{base}` has no step `{name}` to remove; its steps are {listed}"),
                );
            }
        }
        let removed = |name: &str| {
            self.without
                .iter()
                .any(|w| w.to_string().trim_start_matches("r#") == name)
        };
        let mut own: Vec<Option<Step>> = own.into_iter().map(Some).collect();
        for step in own.iter().flatten() {
            let inherited = names.contains(&step.name.as_str());
            match (step.args.replaces, inherited, removed(&step.name)) {
                (Some(_), false, _) => errors.at(
                    step.name_span,
                    format_args!(
                        "step `{}` is marked `replaces`, but `{base}` has no step `{}`; its steps are {listed}",
                        step.name, step.name
                    ),
                ),
                (Some(span), true, true) => errors.at(
                    span,
                    format_args!(
                        "step `{}` replaces the base's, which `without({})` removes: do one or the other",
                        step.name, step.name
                    ),
                ),
                (None, true, false) => errors.at(
                    step.name_span,
                    format_args!(
                        "`{base}` has a step `{}` too: mark this one `#[step(replaces)]` to replace it, or remove the base's with `extends({base}, without({}))`",
                        step.name, step.name
                    ),
                ),
                _ => {}
            }
        }
        let mut merged = Vec::new();
        for inherited in &self.steps {
            if removed(&inherited.name) {
                continue;
            }
            let replacement = own.iter_mut().find(|s| {
                s.as_ref()
                    .is_some_and(|s| s.args.replaces.is_some() && s.name == inherited.name)
            });
            match replacement.and_then(Option::take) {
                Some(step) => merged.push(step),
                None => merged.push(inherited.clone()),
            }
        }
        merged.extend(own.into_iter().flatten());
        merged
    }

    /// The type of the derived workflow's start or stop event: its own tokens if they name it,
    /// else the base's, through its `Workflow` impl (its tokens may not resolve here).
    pub(crate) fn boundary(
        &self,
        found: &Boundary,
        own_explicit: Option<&Type>,
        steps: &[Step],
        role: Role,
    ) -> Type {
        if let Some(ty) = own_explicit {
            return ty.clone();
        }
        let own = steps.iter().filter(|s| s.inherited.is_none());
        let mut candidates = own.flat_map(|s| match role {
            Role::Start => s.input.members(),
            Role::Stop => s.emits().into_iter().chain(&s.args.sends).collect(),
        });
        if let Some(ty) = candidates.find(|ty| key(ty) == found.key) {
            return ty.clone();
        }
        let path = &self.path;
        match role {
            Role::Start => syn::parse_quote!(<#path as __ef::Workflow>::Start),
            Role::Stop => syn::parse_quote!(<#path as __ef::Workflow>::Stop),
        }
    }

    /// The derived workflow's state: always the base's, named through its `Workflow` impl; a
    /// `state = ..` of the derived workflow is checked to be the same type.
    pub(crate) fn state(&self) -> Type {
        let path = &self.path;
        syn::parse_quote!(<#path as __ef::Workflow>::State)
    }

    /// What the derived workflow adds to its `Workflow` impl's block: how it reaches its base,
    /// and the check of its declared state.
    pub(crate) fn extra(&self, item: &ItemImpl, own_state: Option<&Type>) -> TokenStream {
        let path = &self.path;
        let self_ty = &item.self_ty;
        let (impl_generics, _, where_clause) = item.generics.split_for_impl();
        let reach = match &self.via {
            Some(field) => quote!(&self.#field),
            // Spanned on the base, so that a workflow with no way to reach it is told there.
            None => {
                let reach =
                    quote_spanned!(path.span()=> <Self as __ef::ReachBase<#path>>::reach_base);
                // `self` keeps this expansion's hygiene: spanned on the user's path, it would
                // not be the method's `self`.
                quote!(#reach(self))
            }
        };
        let state = own_state.map(|ty| {
            quote_spanned! {ty.span()=>
                const _: () = __ef::same_state::<#ty, <#path as __ef::Workflow>::State>();
            }
        });
        quote! {
            #[automatically_derived]
            impl #impl_generics __ef::Inherits<#path> for #self_ty #where_clause {
                fn base(&self) -> &#path {
                    #reach
                }
            }

            #state
        }
    }
}

/// What `#[workflow(extendable)]` adds: the `Extendable` and `Inherit` impls, and the macro
/// that hands the base's steps to a workflow that extends it.
pub(crate) fn base_items(
    item: &ItemImpl,
    ident: &Ident,
    steps: &[Step],
    replay: &[TokenStream],
    raw_args: &TokenStream,
    krate: &TokenStream,
) -> TokenStream {
    let self_ty = &item.self_ty;
    let inherit = steps.iter().enumerate().map(|(index, step)| {
        let def = expand::step_def(step, Holder::Extending);
        quote! {
            #[automatically_derived]
            impl<__EfH> __ef::Inherit<__EfH, #index> for #self_ty
            where
                __EfH: __ef::Workflow<State = <#self_ty as __ef::Workflow>::State>
                    + __ef::Inherits<#self_ty>,
            {
                const STEP: __ef::StepDef<__EfH> = #def;
            }
        }
    });
    let name = ident.to_string();
    let name = name.trim_start_matches("r#");
    let mac = format_ident!("__eventflow_extend_{name}");
    let doc = format!(
        " Hands the steps of `{name}` to a workflow declared `#[workflow(extends({name}))]`. Generated by `#[workflow(extendable)]`."
    );
    quote! {
        const _: () = {
            use #krate::__private as __ef;

            #[automatically_derived]
            impl __ef::Extendable for #self_ty {}

            #(#inherit)*
        };

        #[doc = #doc]
        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! #mac {
            ($($__ef_derived:tt)*) => {
                #krate::__private::extend_workflow! {
                    (#raw_args)
                    impl #ident { #(#replay)* }
                    $($__ef_derived)*
                }
            };
        }

        #[doc(hidden)]
        #[allow(unused_imports)]
        pub(crate) use #mac as #ident;
    }
}

fn path_text(path: &Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}
