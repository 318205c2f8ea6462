//! `OneOf![A | B]`: a step that accepts or returns one of several event types.
//!
//! In a step signature, `#[workflow]` (or `#[step]` on a free function) replaces the macro with
//! a generated enum, with one variant per member named after the member type's last path
//! segment, and `From` conversions from each member. The enum of step `begin` of workflow
//! `Monitor` is `MonitorBeginInput` (parameter) or `MonitorBeginOutput` (return type); a free
//! function `begin` gives `BeginInput` / `BeginOutput`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, Token, Type, Visibility};

use crate::errors::Errors;
use crate::types::key;

/// A `OneOf!` set after rewriting.
pub(crate) struct Union {
    pub(crate) ident: Ident,
    pub(crate) members: Vec<Type>,
    pub(crate) variants: Vec<Ident>,
    pub(crate) span: Span,
    /// The macro's path as written (`OneOf`, `eventflow::OneOf`).
    pub(crate) path: syn::Path,
    pub(crate) vis: Visibility,
    /// "accepted by step `x` of `W`", for the enum's documentation.
    pub(crate) about: String,
    /// What the user wrote, for the enum's documentation.
    pub(crate) written: String,
}

/// Whether `ty` is a `OneOf!` invocation.
pub(crate) fn is_one_of(ty: &Type) -> bool {
    matches!(ty, Type::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "OneOf"))
}

/// Replaces the `OneOf!` in `ty` (see [`is_one_of`]) by a reference to a new enum named
/// `ident`. A malformed set is reported and gives an enum with the members that could be read.
pub(crate) fn rewrite(
    ty: &mut Type,
    ident: Ident,
    vis: &Visibility,
    about: String,
    errors: &Errors,
) -> Union {
    let mut union = Union {
        ident,
        members: Vec::new(),
        variants: Vec::new(),
        span: ty.span(),
        path: syn::parse_quote!(OneOf),
        vis: vis.clone(),
        about,
        written: String::new(),
    };
    let Type::Macro(mac) = &*ty else {
        return union;
    };
    union.path = mac.mac.path.clone();
    let span = mac.span();
    let parsed = mac
        .mac
        .parse_body_with(Punctuated::<Type, Token![|]>::parse_separated_nonempty);
    let members: Vec<Type> = match parsed {
        Ok(members) => members.into_iter().collect(),
        Err(error) => {
            errors.push(syn::Error::new(
                error.span(),
                format_args!("{error}; write `OneOf![EventA | EventB]`"),
            ));
            Vec::new()
        }
    };
    let mut keys = Vec::new();
    for member in members {
        let Some(variant) = variant_name(&member) else {
            errors.spanned(&member, "a `OneOf!` member must be a named event type, such as `MyEvent` or `StartEvent<String>`");
            continue;
        };
        crate::ast::check_foreign(&member, errors);
        let member_key = key(&member);
        if let Some(first) = keys.iter().position(|k| *k == member_key) {
            let written = |ty: &Type| ty.to_token_stream().to_string().replace(' ', "");
            if written(&union.members[first]) == written(&member) {
                errors.spanned(
                    &member,
                    format_args!(
                        "`{member_key}` appears twice in this `OneOf!` (enum `{}`)",
                        union.ident
                    ),
                );
            } else {
                errors.spanned(
                    &member,
                    format_args!(
                        "`{}` and `{}` are both named `{member_key}`; the event graph and the variants of the generated enum `{}` know a type by its name, so give them different names",
                        written(&union.members[first]),
                        written(&member),
                        union.ident,
                    ),
                );
            }
            continue;
        }
        if union.variants.contains(&variant) {
            errors.spanned(
                &member,
                format_args!("two `OneOf!` members are named `{variant}`; the variants of the generated enum `{}` are named after the last path segment of each type, so they must differ", union.ident),
            );
            continue;
        }
        keys.push(member_key);
        union.members.push(member);
        union.variants.push(variant);
    }
    union.written = keys.join(" | ");
    let ident = &union.ident;
    *ty = Type::Verbatim(quote_spanned!(span=> #ident));
    union
}

fn variant_name(ty: &Type) -> Option<Ident> {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let ident = &path.path.segments.last()?.ident;
            // `r#type` names the variant `type`, which is not an identifier; keep the raw form.
            Some(format_ident!("{}", ident, span = ident.span()))
        }
        Type::Group(group) => variant_name(&group.elem),
        _ => None,
    }
}

/// `begin` → `Begin`, `trading_decision` → `TradingDecision`.
pub(crate) fn camel(ident: &Ident) -> String {
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    name.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// The enum and its conversions.
pub(crate) fn expand(union: &Union, krate: &TokenStream) -> TokenStream {
    let Union {
        ident,
        members,
        variants,
        span,
        path,
        vis,
        about,
        written,
    } = union;
    let doc = format!(" One of the events {about}: `OneOf![{written}]`.");
    let doc_variants = members.iter().map(|m| format!(" A `{}`.", key(m)));
    let wrap = members
        .iter()
        .map(|m| quote_spanned!(m.span()=> __ef::AnyEvent::new::<#m>));
    let debug = variants.iter().map(|v| format!("{v}(..)"));
    let unwrap = members
        .iter()
        .map(|m| quote_spanned!(m.span()=> __ef_event.downcast::<#m>()));
    quote_spanned! {*span=>
        #[doc = #doc]
        #[derive(#krate::__private::Clone)]
        #vis enum #ident {
            #(
                #[doc = #doc_variants]
                #variants(#members),
            )*
        }

        const _: () = {
            use #krate::__private as __ef;

            #(
                #[automatically_derived]
                impl __ef::From<#members> for #ident {
                    fn from(event: #members) -> Self {
                        Self::#variants(event)
                    }
                }
            )*

            #[automatically_derived]
            impl __ef::From<#ident> for __ef::AnyEvent {
                fn from(event: #ident) -> Self {
                    match event {
                        #( #ident::#variants(__ef_event) => #wrap(__ef_event), )*
                    }
                }
            }

            #[automatically_derived]
            impl __ef::TryFrom<__ef::AnyEvent> for #ident {
                type Error = __ef::AnyEvent;

                fn try_from(__ef_event: __ef::AnyEvent) -> __ef::Result<Self, __ef::AnyEvent> {
                    #(
                        let __ef_event = match #unwrap {
                            __ef::Ok(__ef_event) => return __ef::Ok(Self::#variants(__ef_event)),
                            __ef::Err(__ef_event) => __ef_event,
                        };
                    )*
                    __ef::Err(__ef_event)
                }
            }

            #[automatically_derived]
            impl __ef::fmt::Debug for #ident {
                fn fmt(&self, f: &mut __ef::fmt::Formatter<'_>) -> __ef::fmt::Result {
                    match self {
                        #( Self::#variants(_) => f.write_str(#debug), )*
                    }
                }
            }

            // The `OneOf!` that was written is replaced, but it must still name the macro (an
            // import of it is used, and editors resolve it). After the items, as is usual.
            let _: #path![@__eventflow_used] = ();
        };
    }
}
