//! `#[workflow]` and `#[step]`: parse, check, expand.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit::Visit;
use syn::{Attribute, ImplItem, ItemFn, ItemImpl, Meta};

use crate::ast::{self, Kind, Step};
use crate::attr::{StepArgs, WorkflowArgs};
use crate::errors::Errors;
use crate::expand::{self, WorkflowParts};
use crate::expand_free;
use crate::extend;
use crate::graph;
use crate::recover;
use crate::types::{is_unit, last_ident, type_args, written};
use crate::union::Union;

pub(crate) fn workflow(args: &TokenStream, item: TokenStream) -> TokenStream {
    let errors = Errors::new();
    let parsed = WorkflowArgs::parse(args.clone(), &errors);
    if let Some(extends) = &parsed.extends {
        // The base's macro hands its steps back to `extend_workflow`, which parses the
        // arguments again and reports their errors then.
        errors.discard();
        let krate = krate(parsed.krate.as_ref());
        return extend::call_base(extends, args, &item, &krate);
    }
    expand_workflow(args, &parsed, errors, item, None)
}

/// `#[workflow]`, and the second step of `#[workflow(extends(..))]`, which also has the base.
pub(crate) fn expand_workflow(
    raw_args: &TokenStream,
    args: &WorkflowArgs,
    errors: Errors,
    item: TokenStream,
    base: Option<&extend::Base>,
) -> TokenStream {
    let krate = krate(args.krate.as_ref());
    let mut item: ItemImpl = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(error) => {
            // Repaired, the item is read as usual; if not, the one parse error is reported
            // with a stand-in for the workflow (not the item: rustc would report it again, and
            // each `#[step]` in it would say it is outside a `#[workflow]`).
            let repaired = recover::repair(item.clone(), &errors);
            match repaired.map(syn::parse2) {
                Some(Ok(item)) => item,
                result => {
                    // After a repair, the next error is the one not reported yet.
                    errors.push(result.and_then(Result::err).unwrap_or(error));
                    let stand_in =
                        recover::header(item).map(|header| stand_in(&header, args, &krate));
                    return with_errors(stand_in.unwrap_or_default(), errors);
                }
            }
        }
    };
    let declared = [&args.external, &args.publishes, &args.subscribes];
    for ty in declared
        .into_iter()
        .flatten()
        .chain(&args.start)
        .chain(&args.stop)
    {
        ast::check_foreign(ty, &errors);
    }
    if let Some((path, _)) = &item.trait_ {
        errors.spanned(
            path,
            "`#[workflow]` goes on an inherent impl (`impl MyWorkflow { .. }`), not on a trait impl",
        );
    }
    let Some(self_ident) = last_ident(&item.self_ty).cloned() else {
        errors.spanned(
            &item.self_ty,
            "`#[workflow]` goes on the impl of a named type: `impl MyWorkflow { .. }`",
        );
        return with_errors(item.into_token_stream(), errors);
    };
    extend::check_args(args, &item, &errors);

    let mut steps = Vec::new();
    let mut unions = Vec::new();
    let mut step_paths = Vec::new();
    // What an extendable workflow hands to those that extend it: each step's attribute and
    // signature as written (before `OneOf!` is replaced).
    let mut replay = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            if let Some(attrs) = impl_item_attrs(impl_item) {
                for attr in take_step_attrs(attrs) {
                    errors.spanned(
                        attr,
                        "`#[step]` goes on the async methods of a `#[workflow]` impl",
                    );
                }
            }
            continue;
        };
        let mut attrs = take_step_attrs(&mut method.attrs).into_iter();
        let Some(attr) = attrs.next() else {
            continue;
        };
        for duplicate in attrs {
            errors.spanned(duplicate, "duplicate `#[step]` attribute");
        }
        step_paths.push(attr.path().clone());
        method.attrs.push(allow_unused_async());
        let attr_tokens = attr_args(&attr, &errors);
        let written_sig = method.sig.clone();
        let step_args = StepArgs::parse(attr_tokens.clone(), false, &errors);
        let kind = Kind::Method(&self_ident);
        if let Some(step) = ast::analyze(
            &mut method.sig,
            &method.vis,
            step_args,
            kind,
            &mut unions,
            &errors,
        ) {
            steps.push(step);
            replay.push(quote!(#[step(#attr_tokens)] #written_sig {}));
        }
    }
    check_generic_unions(&item, &unions, &errors);
    let base_state = base.and_then(|b| b.args.state.as_ref());
    check_contexts(&steps, args.state.as_ref().or(base_state), &errors);
    if base.is_none() {
        extend::check_no_replaces(&steps, &errors);
    }
    let steps = match base {
        Some(base) => base.merge(steps, &errors),
        None => steps,
    };

    let open = args.open.is_some();
    let explicit_start = args
        .start
        .as_ref()
        .or(base.and_then(|b| b.args.start.as_ref()));
    let explicit_stop = args
        .stop
        .as_ref()
        .or(base.and_then(|b| b.args.stop.as_ref()));
    let start = graph::start(explicit_start, &steps, open, &item.self_ty, &errors);
    let stop = graph::stop(explicit_stop, &steps, open, &item.self_ty, &errors);
    // With a broken signature the graph is incomplete and would only show follow-on problems.
    let mut deferred = None;
    if let (Some(start), Some(stop), None, true) = (&start, &stop, args.open, errors.is_empty()) {
        let inherited = |list: fn(&WorkflowArgs) -> &Vec<syn::Type>| {
            base.map(|b| list(&b.args).clone()).unwrap_or_default()
        };
        let published: Vec<syn::Type> = args
            .publishes
            .iter()
            .cloned()
            .chain(inherited(|a| &a.publishes))
            .collect();
        let external = inherited(|a| &a.external);
        let subscribes = inherited(|a| &a.subscribes);
        let edges = graph::Edges {
            external: (args.external.iter().chain(&args.subscribes))
                .chain(&external)
                .chain(&subscribes)
                .collect(),
            published: &published,
        };
        deferred = graph::check(&steps, start, stop, &edges, &errors);
        // Constants outside the impl cannot name its type parameters, nor the types of a base
        // in another module.
        if (!item.generics.params.is_empty() || base.is_some())
            && let Some(graph::Deferred { problems, .. }) = deferred.take()
        {
            for (span, message) in problems {
                errors.at(span, message);
            }
        }
    }

    let name = args.name.as_ref().map_or_else(
        || self_ident.to_string().trim_start_matches("r#").to_owned(),
        syn::LitStr::value,
    );
    let (start_ty, stop_ty, state_ty, extra) = match base {
        Some(base) => {
            let start_ty = start
                .as_ref()
                .map(|b| base.boundary(b, args.start.as_ref(), &steps, extend::Role::Start));
            let stop_ty = stop
                .as_ref()
                .map(|b| base.boundary(b, args.stop.as_ref(), &steps, extend::Role::Stop));
            let state_ty = base.state();
            (
                start_ty,
                stop_ty,
                Some(state_ty),
                base.extra(&item, args.state.as_ref()),
            )
        }
        None => (
            start.as_ref().map(|b| b.ty.clone()),
            stop.as_ref().map(|b| b.ty.clone()),
            args.state.clone(),
            TokenStream::new(),
        ),
    };
    let lengths = base.map(|b| {
        let a = &b.args;
        [a.external.len(), a.publishes.len(), a.subscribes.len()]
    });
    let parts = WorkflowParts {
        item: &item,
        step_paths: &step_paths,
        name,
        start: start_ty.as_ref(),
        stop: stop_ty.as_ref(),
        state: state_ty.as_ref(),
        external: &args.external,
        publishes: &args.publishes,
        subscribes: &args.subscribes,
        checked: args.open.is_none(),
        deferred: deferred.as_ref(),
        krate: &krate,
        base: base.zip(lengths).map(|(b, l)| (&b.path, l)),
        extra,
    };
    // On error the impl, its enums and a stand-in `Workflow` impl are still emitted, so the
    // errors above are the only ones.
    let valid = errors.is_empty();
    let mut expanded = expand::workflow(&parts, if valid { &steps } else { &[] }, &unions);
    if valid && args.extendable.is_some() {
        expanded.extend(extend::base_items(
            &item,
            &self_ident,
            &steps,
            &replay,
            raw_args,
            &krate,
        ));
    }
    match errors.finish() {
        Ok(()) => expanded,
        Err(error) => {
            let error = error.into_compile_error();
            quote!(#expanded #error)
        }
    }
}

/// The impl and `Workflow` impl of a workflow whose item did not parse, with no steps, so that
/// code using the workflow still type-checks.
fn stand_in(header: &ItemImpl, args: &WorkflowArgs, krate: &TokenStream) -> TokenStream {
    let name = last_ident(&header.self_ty).map_or_else(String::new, ToString::to_string);
    let parts = WorkflowParts {
        item: header,
        step_paths: &[],
        name,
        start: args.start.as_ref(),
        stop: args.stop.as_ref(),
        state: args.state.as_ref(),
        external: &args.external,
        publishes: &args.publishes,
        subscribes: &args.subscribes,
        checked: args.open.is_none(),
        deferred: None,
        krate,
        base: None,
        extra: TokenStream::new(),
    };
    expand::workflow(&parts, &[], &[])
}

/// `#[step]` on a free function.
pub(crate) fn free_step(args: TokenStream, item: TokenStream) -> TokenStream {
    if is_used_marker(&args) {
        return TokenStream::new();
    }
    let errors = Errors::new();
    let args = StepArgs::parse(args, true, &errors);
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(error) => match recover::repair(item.clone(), &errors).map(syn::parse2) {
            Some(Ok(func)) => func,
            result => {
                errors.push(result.and_then(Result::err).unwrap_or(error));
                return with_errors(item, errors);
            }
        },
    };
    let krate = krate(args.krate.as_ref());
    let mut unions = Vec::new();
    if let Some(receiver) = func.sig.receiver() {
        errors.spanned(
            receiver,
            "`#[step]` on a method must be inside a `#[workflow]` impl; on its own, `#[step]` makes a free function a step",
        );
        return with_errors(func.into_token_stream(), errors);
    }
    func.attrs.push(allow_unused_async());
    let step = ast::analyze(
        &mut func.sig,
        &func.vis,
        args,
        Kind::Free,
        &mut unions,
        &errors,
    );
    let step: Option<&Step> = step.as_ref().filter(|s| !s.broken);
    let expanded = expand_free::free_step(&func, step, &unions, &krate);
    match errors.finish() {
        Ok(()) => expanded,
        Err(error) => {
            let error = error.into_compile_error();
            quote!(#expanded #error)
        }
    }
}

/// A step must be `async` even if it awaits nothing, which `clippy::unused_async` (pedantic)
/// would otherwise ask to remove.
fn allow_unused_async() -> Attribute {
    syn::parse_quote!(#[allow(clippy::unused_async)])
}

/// `#[step(__eventflow_used)]`: left by `#[workflow]` where it removed a `#[step]`, so that the
/// attribute's path is still resolved (an import of it is used); expands to nothing.
fn is_used_marker(args: &TokenStream) -> bool {
    let mut tokens = args.clone().into_iter();
    matches!((tokens.next(), tokens.next()), (Some(proc_macro2::TokenTree::Ident(i)), None) if i == "__eventflow_used")
}

fn with_errors(item: TokenStream, errors: Errors) -> TokenStream {
    match errors.finish() {
        Ok(()) => item,
        Err(error) => {
            let error = error.into_compile_error();
            quote!(#item #error)
        }
    }
}

pub(crate) fn krate(path: Option<&syn::Path>) -> TokenStream {
    path.map_or_else(|| quote!(::eventflow), ToTokens::to_token_stream)
}

/// Removes the `#[step]` attributes (however the path is written) and returns them.
fn take_step_attrs(attrs: &mut Vec<Attribute>) -> Vec<Attribute> {
    let (steps, others) = std::mem::take(attrs).into_iter().partition(|attr| {
        attr.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "step")
    });
    *attrs = others;
    steps
}

fn impl_item_attrs(item: &mut ImplItem) -> Option<&mut Vec<Attribute>> {
    match item {
        ImplItem::Const(c) => Some(&mut c.attrs),
        ImplItem::Type(t) => Some(&mut t.attrs),
        ImplItem::Macro(m) => Some(&mut m.attrs),
        ImplItem::Fn(f) => Some(&mut f.attrs),
        _ => None,
    }
}

/// The tokens inside `#[step(..)]`.
pub(crate) fn attr_args(attr: &Attribute, errors: &Errors) -> TokenStream {
    match &attr.meta {
        Meta::Path(_) => TokenStream::new(),
        Meta::List(list) => list.tokens.clone(),
        Meta::NameValue(meta) => {
            errors.spanned(meta, "write `#[step]` or `#[step(..)]`");
            TokenStream::new()
        }
    }
}

/// `&Context` alone is the context of a workflow without state: in a workflow with
/// `state = S`, say to write `&Context<S>` rather than leave rustc to report a mismatch.
fn check_contexts(steps: &[Step], state: Option<&syn::Type>, errors: &Errors) {
    let Some(state) = state.filter(|s| !is_unit(s)) else {
        return;
    };
    for step in steps {
        let Some(ty) = step.context() else {
            continue;
        };
        let (amp, inner) = match ty {
            syn::Type::Reference(r) => ("&", &*r.elem),
            ty => ("", ty),
        };
        if type_args(inner).is_empty() {
            let state = written(state);
            errors.spanned(
                ty,
                format_args!(
                    "step `{}` takes `{amp}Context`, the context of a workflow without state; this workflow's state is `{state}`: write `{amp}Context<{state}>`",
                    step.name
                ),
            );
        }
    }
}

/// The generated enums are not generic, so their members cannot name the impl's parameters.
fn check_generic_unions(item: &ItemImpl, unions: &[Union], errors: &Errors) {
    let params: Vec<&syn::Ident> = item.generics.type_params().map(|p| &p.ident).collect();
    if params.is_empty() {
        return;
    }
    struct Finder<'a> {
        params: &'a [&'a syn::Ident],
        found: Option<&'a syn::Ident>,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if let Some(first) = path.segments.first()
                && let Some(param) = self.params.iter().find(|p| first.ident == ***p)
            {
                self.found = Some(param);
            }
            syn::visit::visit_path(self, path);
        }
    }
    for (union, member) in unions
        .iter()
        .flat_map(|u| u.members.iter().map(move |m| (u, m)))
    {
        let mut finder = Finder {
            params: &params,
            found: None,
        };
        finder.visit_type(member);
        if let Some(param) = finder.found {
            errors.spanned(
                member,
                format_args!("`OneOf!` members cannot use the workflow's type parameter `{param}`: the enum generated for them, `{}`, is not generic", union.ident),
            );
        }
    }
}
