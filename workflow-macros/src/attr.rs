//! Arguments of `#[workflow(...)]` and `#[step(...)]`.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitInt, LitStr, Path, Token, Type};

use crate::errors::Errors;

const WORKFLOW_ARGS: &str = "`start`, `stop`, `state`, `external`, `publishes`, `subscribes`, `open`, `name`, `crate`, `extendable`, `extends`";
const STEP_ARGS: &str = "`name`, `input`, `output`, `num_workers`, `sends`, `stream_only`, `allow`, `retry`, `catch_errors`, `max_recoveries`, `take`, `runs`, `timeout`, `blocking`, `replaces`";
const FREE_STEP_ARGS: &str = "`name`, `input`, `output`, `num_workers`, `sends`, `stream_only`, `allow`, `retry`, `catch_errors`, `max_recoveries`, `take`, `runs`, `timeout`, `blocking`, `crate`";
const CHECKS: &str = "`dead_end`, `unreachable`";

/// `#[workflow(...)]`.
#[derive(Default)]
pub(crate) struct WorkflowArgs {
    pub(crate) name: Option<LitStr>,
    pub(crate) start: Option<Type>,
    pub(crate) stop: Option<Type>,
    pub(crate) state: Option<Type>,
    /// Events that arrive from outside a run (`external(A, B)`).
    pub(crate) external: Vec<Type>,
    /// Events handed to other workflows of a host (`publishes(A)`).
    pub(crate) publishes: Vec<Type>,
    /// Events taken from other workflows of a host (`subscribes(A)`).
    pub(crate) subscribes: Vec<Type>,
    pub(crate) open: Option<Span>,
    pub(crate) krate: Option<Path>,
    /// `extendable`: other workflows may extend this one.
    pub(crate) extendable: Option<Span>,
    /// `extends(Base, without(a), via = field)`.
    pub(crate) extends: Option<Extends>,
}

/// `extends(Base, without(a, b), via = field)`: the workflow is `Base`'s steps, less those
/// named in `without`, plus its own.
pub(crate) struct Extends {
    pub(crate) base: Path,
    pub(crate) without: Vec<Ident>,
    /// The field that holds the base; without it, the workflow's `AsRef<Base>`.
    pub(crate) via: Option<syn::Member>,
}

/// `#[step(...)]`.
#[derive(Clone, Default)]
pub(crate) struct StepArgs {
    pub(crate) name: Option<LitStr>,
    /// `input = Name`: the name of the enum generated for a `OneOf!` parameter.
    pub(crate) input: Option<Ident>,
    /// `output = Name`: the name of the enum generated for a `OneOf!` return type.
    pub(crate) output: Option<Ident>,
    pub(crate) num_workers: Option<LitInt>,
    pub(crate) sends: Vec<Type>,
    pub(crate) stream_only: Vec<Type>,
    pub(crate) allow_dead_end: bool,
    pub(crate) allow_unreachable: bool,
    /// `retry = <expression building a RetryPolicy>`.
    pub(crate) retry: Option<Expr>,
    /// `timeout = <constant Duration>`: an execution that runs longer fails.
    pub(crate) timeout: Option<Expr>,
    /// `blocking`: executions run on tokio's blocking pool.
    pub(crate) blocking: bool,
    /// `catch_errors` (every other step) or `catch_errors(a, b)`.
    pub(crate) catch_errors: Option<CatchErrors>,
    pub(crate) max_recoveries: Option<LitInt>,
    /// `take = n`: a join runs once `n` events of its fan-out have arrived.
    pub(crate) take: Option<LitInt>,
    /// `runs(A, B)`: workflows the step runs as children.
    pub(crate) runs: Vec<Type>,
    pub(crate) krate: Option<Path>,
    /// `replaces`: the step replaces the base's step of the same name.
    pub(crate) replaces: Option<Span>,
}

/// The steps an error-recovery step recovers; none named means every other step.
#[derive(Clone)]
pub(crate) struct CatchErrors {
    pub(crate) span: Span,
    pub(crate) steps: Vec<Ident>,
}

impl WorkflowArgs {
    pub(crate) fn parse(tokens: TokenStream, errors: &Errors) -> Self {
        let mut args = Self::default();
        parse_list(tokens, errors, |meta| {
            if meta.path.is_ident("name") {
                set_once(&mut args.name, meta.value()?.parse()?, &meta, errors);
            } else if meta.path.is_ident("start") {
                set_once(&mut args.start, meta.value()?.parse()?, &meta, errors);
            } else if meta.path.is_ident("stop") {
                set_once(&mut args.stop, meta.value()?.parse()?, &meta, errors);
            } else if meta.path.is_ident("state") {
                set_once(&mut args.state, meta.value()?.parse()?, &meta, errors);
            } else if meta.path.is_ident("external") {
                args.external.extend(parse_types(&meta)?);
            } else if meta.path.is_ident("publishes") {
                args.publishes.extend(parse_types(&meta)?);
            } else if meta.path.is_ident("subscribes") {
                args.subscribes.extend(parse_types(&meta)?);
            } else if meta.path.is_ident("open") {
                set_once(&mut args.open, meta.path.span(), &meta, errors);
            } else if meta.path.is_ident("crate") {
                set_once(&mut args.krate, parse_crate(&meta)?, &meta, errors);
            } else if meta.path.is_ident("extendable") {
                set_once(&mut args.extendable, meta.path.span(), &meta, errors);
            } else if meta.path.is_ident("extends") {
                set_once(
                    &mut args.extends,
                    parse_extends(&meta, errors)?,
                    &meta,
                    errors,
                );
            } else {
                unknown(&meta, "#[workflow]", WORKFLOW_ARGS, errors)?;
            }
            Ok(())
        });
        args
    }
}

impl StepArgs {
    /// Parses the arguments of a `#[step]` inside a `#[workflow]` impl, or on a free function.
    pub(crate) fn parse(tokens: TokenStream, free: bool, errors: &Errors) -> Self {
        let mut args = Self::default();
        parse_list(tokens, errors, |meta| {
            if meta.path.is_ident("name") {
                set_once(&mut args.name, meta.value()?.parse()?, &meta, errors);
            } else if meta.path.is_ident("input") {
                set_once(&mut args.input, meta.value()?.parse()?, &meta, errors);
            } else if meta.path.is_ident("output") {
                set_once(&mut args.output, meta.value()?.parse()?, &meta, errors);
            } else if meta.path.is_ident("num_workers") {
                let value: LitInt = meta.value()?.parse()?;
                if value.base10_parse::<usize>().map_or(true, |n| n == 0) {
                    errors.spanned(&value, "`num_workers` must be a whole number of at least 1");
                }
                set_once(&mut args.num_workers, value, &meta, errors);
            } else if meta.path.is_ident("sends") {
                args.sends.extend(parse_types(&meta)?);
            } else if meta.path.is_ident("stream_only") {
                args.stream_only.extend(parse_types(&meta)?);
            } else if meta.path.is_ident("runs") {
                args.runs.extend(parse_types(&meta)?);
            } else if meta.path.is_ident("retry") {
                set_once(&mut args.retry, meta.value()?.parse()?, &meta, errors);
            } else if meta.path.is_ident("timeout") {
                set_once(&mut args.timeout, meta.value()?.parse()?, &meta, errors);
            } else if meta.path.is_ident("blocking") {
                if args.blocking {
                    errors.spanned(&meta.path, "`blocking` is given twice");
                }
                args.blocking = true;
            } else if meta.path.is_ident("catch_errors") {
                let mut steps = Vec::new();
                if meta.input.peek(syn::token::Paren) {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    steps.extend(Punctuated::<Ident, Token![,]>::parse_terminated(&content)?);
                }
                let catch = CatchErrors {
                    span: meta.path.span(),
                    steps,
                };
                set_once(&mut args.catch_errors, catch, &meta, errors);
            } else if meta.path.is_ident("max_recoveries") {
                let value: LitInt = meta.value()?.parse()?;
                if value.base10_parse::<u32>().map_or(true, |n| n == 0) {
                    errors.spanned(
                        &value,
                        "`max_recoveries` must be a whole number of at least 1",
                    );
                }
                set_once(&mut args.max_recoveries, value, &meta, errors);
            } else if meta.path.is_ident("take") {
                let value: LitInt = meta.value()?.parse()?;
                if value.base10_parse::<usize>().map_or(true, |n| n == 0) {
                    errors.spanned(&value, "`take` must be a whole number of at least 1");
                }
                set_once(&mut args.take, value, &meta, errors);
            } else if meta.path.is_ident("allow") {
                meta.parse_nested_meta(|check| {
                    if check.path.is_ident("dead_end") {
                        args.allow_dead_end = true;
                    } else if check.path.is_ident("unreachable") {
                        args.allow_unreachable = true;
                    } else {
                        errors.spanned(
                            &check.path,
                            format_args!(
                                "unknown check `{}` in `allow(..)`; expected one of: {CHECKS}",
                                path_text(&check.path)
                            ),
                        );
                    }
                    Ok(())
                })?;
            } else if !free && meta.path.is_ident("replaces") {
                set_once(&mut args.replaces, meta.path.span(), &meta, errors);
            } else if free && meta.path.is_ident("crate") {
                set_once(&mut args.krate, parse_crate(&meta)?, &meta, errors);
            } else if meta.path.is_ident("crate") {
                skip_value(&meta)?;
                errors.spanned(&meta.path, "set `crate = ..` on the `#[workflow]` attribute, which applies to all its steps");
            } else {
                let valid = if free { FREE_STEP_ARGS } else { STEP_ARGS };
                unknown(&meta, "#[step]", valid, errors)?;
            }
            Ok(())
        });
        if let (Some(n), None) = (&args.max_recoveries, &args.catch_errors) {
            errors.spanned(
                n,
                "`max_recoveries` applies to an error-recovery step: add `catch_errors`",
            );
        }
        args
    }
}

/// Parses a comma-separated argument list, reporting each bad argument and going on.
fn parse_list(
    tokens: TokenStream,
    errors: &Errors,
    each: impl FnMut(ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    let parser = syn::meta::parser(each);
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T, meta: &ParseNestedMeta<'_>, errors: &Errors) {
    if slot.is_some() {
        errors.spanned(
            &meta.path,
            format_args!("duplicate argument `{}`", path_text(&meta.path)),
        );
    } else {
        *slot = Some(value);
    }
}

fn unknown(
    meta: &ParseNestedMeta<'_>,
    attr: &str,
    valid: &str,
    errors: &Errors,
) -> syn::Result<()> {
    skip_value(meta)?;
    errors.spanned(
        &meta.path,
        format_args!(
            "unknown `{attr}` argument `{}`; expected one of: {valid}",
            path_text(&meta.path)
        ),
    );
    Ok(())
}

/// Consumes `= value` or `(..)` after an argument we will not interpret, so that parsing can
/// go on to the next one.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
    }
    Ok(())
}

/// `sends(A, B<C>)`.
fn parse_types(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<Type>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let types = Punctuated::<Type, Token![,]>::parse_terminated(&content)?;
    Ok(types.into_iter().collect())
}

/// `extends(Base, without(a, b), via = field)`, the options in any order after the base.
fn parse_extends(meta: &ParseNestedMeta<'_>, errors: &Errors) -> syn::Result<Extends> {
    let content;
    syn::parenthesized!(content in meta.input);
    let base = Path::parse_mod_style(&content)?;
    let mut extends = Extends {
        base,
        without: Vec::new(),
        via: None,
    };
    while !content.is_empty() {
        content.parse::<Token![,]>()?;
        if content.is_empty() {
            break;
        }
        let key: Ident = content.parse()?;
        if key == "without" {
            let names;
            syn::parenthesized!(names in content);
            extends
                .without
                .extend(Punctuated::<Ident, Token![,]>::parse_terminated(&names)?);
        } else if key == "via" {
            content.parse::<Token![=]>()?;
            let field: syn::Member = content.parse()?;
            if extends.via.is_some() {
                errors.spanned(&key, "duplicate argument `via`");
            }
            extends.via = Some(field);
        } else {
            return Err(syn::Error::new(
                key.span(),
                format_args!(
                    "unknown `extends` argument `{key}`; expected `without(step, ..)` or `via = field`, after the base workflow"
                ),
            ));
        }
    }
    Ok(extends)
}

/// `crate = path` or `crate = "path"`.
fn parse_crate(meta: &ParseNestedMeta<'_>) -> syn::Result<Path> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        let lit: LitStr = value.parse()?;
        lit.parse_with(Path::parse_mod_style)
    } else {
        Path::parse_mod_style(value)
    }
}

pub(crate) fn path_text(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}
