//! `OneOf![A | B]`: a step that accepts or returns one of several event types.
//!
//! In a step signature, `#[workflow]` (or `#[step]` on a free function) replaces the macro with
//! a generated enum, with one variant per member named after the member type's last path
//! segment, and `From` conversions from each member. The enum of step `begin` of workflow
//! `Monitor` is `MonitorBeginInput` (parameter) or `MonitorBeginOutput` (return type); a free
//! function `begin` gives `BeginInput` / `BeginOutput`.
//!
//! A returned set may have fan-out arms, `OneOf![Vec<ToolCall> | StopEvent<String>]`: the
//! variant of `Vec<ToolCall>` is `ToolCall(Vec<ToolCall>)`, returning it fans out, and
//! returning another arm emits one event.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, Token, Type, Visibility};

use crate::errors::Errors;
use crate::types::{first_arg_mut, is_unit, is_wrapper, key};

/// A `OneOf!` set after rewriting.
pub(crate) struct Union {
    pub(crate) ident: Ident,
    /// The event type of each member: `A` for both `A` and `Vec<A>`.
    pub(crate) members: Vec<Type>,
    /// Whether each member is a fan-out arm, `Vec<A>`.
    pub(crate) many: Vec<bool>,
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

/// Where a `OneOf!` set is written, which decides whether it may have fan-out arms.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A step's event parameter.
    Input,
    /// A step's return type: `Vec<A>` members fan out.
    Output,
    /// The element of a returned collection, `Vec<OneOf![..]>`.
    Element,
}

impl Union {
    /// Whether some member is a fan-out arm.
    pub(crate) fn fans_out(&self) -> bool {
        self.many.contains(&true)
    }
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
    place: Place,
    vis: &Visibility,
    about: String,
    errors: &Errors,
) -> Union {
    let mut union = Union {
        ident,
        members: Vec::new(),
        many: Vec::new(),
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
        let Some((member, many)) = fan_out_arm(member, place, errors) else {
            continue;
        };
        let Some(variant) = variant_name(&member) else {
            errors.spanned(&member, "a `OneOf!` member must be a named event type, such as `MyEvent` or `StartEvent<String>`");
            continue;
        };
        crate::ast::check_foreign(&member, errors);
        let member_key = key(&member);
        if let Some(first) = keys.iter().position(|k| *k == member_key) {
            let written = |ty: &Type| ty.to_token_stream().to_string().replace(' ', "");
            if union.many[first] != many {
                errors.spanned(
                    &member,
                    format_args!("`{member_key}` is both a fan-out arm (`Vec<{member_key}>`) and a single event in this `OneOf!`; keep the `Vec` arm and return a one-element `Vec` for one event"),
                );
            } else if written(&union.members[first]) == written(&member) {
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
        union.many.push(many);
        union.variants.push(variant);
    }
    union.written = keys
        .iter()
        .zip(&union.many)
        .map(|(key, &many)| {
            if many {
                format!("Vec<{key}>")
            } else {
                key.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" | ");
    let ident = &union.ident;
    *ty = Type::Verbatim(quote_spanned!(span=> #ident));
    union
}

/// A member as `(event type, is a fan-out arm)`, or `None` for a `Vec<..>` member where the set
/// cannot fan out (reported).
fn fan_out_arm(mut member: Type, place: Place, errors: &Errors) -> Option<(Type, bool)> {
    if !is_wrapper(&member, "Vec") {
        return Some((member, false));
    }
    match place {
        Place::Output => {}
        Place::Input => {
            errors.spanned(
                &member,
                "a `OneOf!` parameter takes one event; a `Vec<..>` member is a fan-out arm of a returned set (`-> OneOf![Vec<A> | B]`), and a step joins a fan-out by taking `a: Vec<A>`",
            );
            return None;
        }
        Place::Element => {
            errors.spanned(
                &member,
                "the elements of a fan-out are single events; to return either a fan-out or one event, write `-> OneOf![Vec<A> | B]` instead of `Vec<OneOf![..]>`",
            );
            return None;
        }
    }
    let element = first_arg_mut(&mut member).clone();
    if is_wrapper(&element, "Vec") || is_wrapper(&element, "Option") || is_unit(&element) {
        errors.spanned(
            &element,
            "each element of a fan-out arm is one event: `OneOf![Vec<Event> | ..]`",
        );
        return None;
    }
    Some((element, true))
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
        many,
        variants,
        span,
        path,
        vis,
        about,
        written,
    } = union;
    let doc = format!(" One of the events {about}: `OneOf![{written}]`.");
    let doc_variants = members.iter().zip(many).map(|(m, &many)| {
        if many {
            format!(" A fan-out of `{}` events.", key(m))
        } else {
            format!(" A `{}`.", key(m))
        }
    });
    // What each variant carries: the event, or the collection of a fan-out arm.
    let fields: Vec<TokenStream> = members
        .iter()
        .zip(many)
        .map(|(m, &many)| {
            if many {
                quote_spanned!(m.span()=> #krate::__private::Vec<#m>)
            } else {
                m.to_token_stream()
            }
        })
        .collect();
    let debug = variants.iter().map(|v| format!("{v}(..)"));
    let conversions = if union.fans_out() {
        emit_conversion(union)
    } else {
        event_conversions(union)
    };
    quote_spanned! {*span=>
        #[doc = #doc]
        #[derive(#krate::__private::Clone)]
        #vis enum #ident {
            #(
                #[doc = #doc_variants]
                #variants(#fields),
            )*
        }

        const _: () = {
            use #krate::__private as __ef;

            #(
                #[automatically_derived]
                impl __ef::From<#fields> for #ident {
                    fn from(event: #fields) -> Self {
                        Self::#variants(event)
                    }
                }
            )*

            #conversions

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

/// A set of single events converts to and from one type-erased event.
fn event_conversions(union: &Union) -> TokenStream {
    let Union {
        ident,
        members,
        variants,
        ..
    } = union;
    let wrap = members
        .iter()
        .map(|m| quote_spanned!(m.span()=> __ef::AnyEvent::new::<#m>));
    let unwrap = members
        .iter()
        .map(|m| quote_spanned!(m.span()=> __ef_event.downcast::<#m>()));
    quote! {
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
    }
}

/// A set with fan-out arms is what a step returns: one event, or a fan-out.
fn emit_conversion(union: &Union) -> TokenStream {
    let Union {
        ident,
        members,
        many,
        variants,
        ..
    } = union;
    let emit = members.iter().zip(many).map(|(m, &many)| {
        if many {
            quote_spanned!(m.span()=> __ef::emit_many::<#m>)
        } else {
            quote_spanned!(m.span()=> __ef::emit::<#m>)
        }
    });
    quote! {
        #[automatically_derived]
        impl __ef::From<#ident> for __ef::Emit {
            fn from(event: #ident) -> Self {
                match event {
                    #( #ident::#variants(__ef_event) => #emit(__ef_event), )*
                }
            }
        }
    }
}
