//! Expansion snapshots: what `cargo expand` shows for the cases in `tests/expand/`, rendered
//! with prettyplease and checked in. `EVENTFLOW_BLESS=1 cargo test -p eventflow-macros` rewrites
//! them after a deliberate change; review the diff like code.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Attribute, Item, Meta};

fn take_attr(attrs: &mut Vec<Attribute>, name: &str) -> Option<TokenStream> {
    let i = attrs.iter().position(|a| a.path().is_ident(name))?;
    Some(match attrs.remove(i).meta {
        Meta::List(list) => list.tokens,
        _ => TokenStream::new(),
    })
}

/// Expands the eventflow macros in one file, as the compiler would.
fn expand_file(source: &str) -> String {
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("case does not parse: {e}"));
    let mut out = TokenStream::new();
    for item in file.items {
        match item {
            Item::Impl(mut item) => match take_attr(&mut item.attrs, "workflow") {
                Some(args) => {
                    out.extend(crate::workflow::workflow(&args, item.into_token_stream()));
                }
                None => item.to_tokens(&mut out),
            },
            Item::Fn(mut item) => match take_attr(&mut item.attrs, "step") {
                Some(args) => {
                    out.extend(crate::workflow::free_step(args, item.into_token_stream()));
                }
                None => item.to_tokens(&mut out),
            },
            Item::Struct(item) => {
                let derives_event = item.attrs.iter().any(|a| {
                    a.path().is_ident("derive") && a.to_token_stream().to_string().contains("Event")
                });
                item.to_tokens(&mut out);
                if derives_event {
                    out.extend(crate::event::derive(item.into_token_stream()));
                }
            }
            other => other.to_tokens(&mut out),
        }
    }
    let expanded: syn::File =
        syn::parse2(out).unwrap_or_else(|e| panic!("expansion does not parse: {e}"));
    prettyplease::unparse(&expand_extensions(expanded))
}

/// Plays the part of an extendable base's `macro_rules!`: each `Base! { .. }` that
/// `#[workflow(extends(Base))]` left becomes what `extend_workflow!` makes of the base's steps
/// and the derived impl.
fn expand_extensions(file: syn::File) -> syn::File {
    use proc_macro2::TokenTree;
    // `macro_rules! __eventflow_extend_Base { ($(..)*) => { path! { steps $($d)* } }; }`:
    // the steps, by base name.
    let mut bases: Vec<(String, TokenStream)> = Vec::new();
    for item in &file.items {
        let Item::Macro(item) = item else { continue };
        let Some(name) = item.ident.as_ref().map(ToString::to_string) else {
            continue;
        };
        let Some(base) = name.strip_prefix("__eventflow_extend_") else {
            continue;
        };
        let rule: Vec<TokenTree> = item.mac.tokens.clone().into_iter().collect();
        let Some(TokenTree::Group(body)) = rule.get(3) else {
            panic!("unexpected rule in {name}");
        };
        let Some(TokenTree::Group(call)) = body.stream().into_iter().last() else {
            panic!("unexpected body in {name}");
        };
        let inner: Vec<TokenTree> = call.stream().into_iter().collect();
        // Less the `$($__ef_derived)*` at the end.
        let steps: TokenStream = inner[..inner.len() - 3].iter().cloned().collect();
        bases.push((base.to_owned(), steps));
    }
    let mut out = TokenStream::new();
    for item in file.items {
        match item {
            Item::Macro(item)
                if item.ident.is_none()
                    && let Some(steps) = bases.iter().find_map(|(base, steps)| {
                        item.mac
                            .path
                            .segments
                            .last()
                            .is_some_and(|s| s.ident == base)
                            .then_some(steps)
                    }) =>
            {
                let derived = &item.mac.tokens;
                out.extend(crate::extend::extend_workflow(
                    quote::quote!(#steps #derived),
                ));
            }
            other => other.to_tokens(&mut out),
        }
    }
    syn::parse2(out).unwrap_or_else(|e| panic!("expansion does not parse: {e}"))
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                && !p.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn expansions_match_their_snapshots() {
    let bless = std::env::var_os("EVENTFLOW_BLESS").is_some();
    let mut stale = Vec::new();
    let cases = cases();
    assert!(!cases.is_empty(), "no expansion cases found");
    for case in cases {
        let source =
            std::fs::read_to_string(&case).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        let expanded = expand_file(&source);
        let snapshot = case.with_extension("expanded.rs");
        let current = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if current != expanded {
            if bless {
                std::fs::write(&snapshot, &expanded)
                    .unwrap_or_else(|e| panic!("{}: {e}", snapshot.display()));
            } else {
                stale.push(snapshot.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "expansions changed: {stale:?}\nreview the change, then run `EVENTFLOW_BLESS=1 cargo test -p eventflow-macros` to update the snapshots"
    );
}
