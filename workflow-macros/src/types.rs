//! Reading types the way the event graph compares them.
//!
//! A proc macro sees tokens, not resolved types, so events are compared by spelling: a type is
//! known by its last path segment and the keys of its generic arguments (`events::Order` and
//! `Order` are the same event, `StartEvent<std::string::String>` is `StartEvent<String>`).
//! Routing at run time compares `TypeId`s and is never fooled by this.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Ident, Type};

/// The name under which the graph knows `ty`.
pub(crate) fn key(ty: &Type) -> String {
    let mut ty = ty.clone();
    LastSegments.visit_type_mut(&mut ty);
    let text = ty.to_token_stream().to_string();
    tidy(&text)
}

/// `ty` as written, spaced as rustfmt would: `std::collections::HashMap<String, u32>`.
pub(crate) fn written(ty: &impl ToTokens) -> String {
    tidy(&ty.to_token_stream().to_string())
}

struct LastSegments;

impl VisitMut for LastSegments {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Group(group) = ty {
            *ty = (*group.elem).clone();
        }
        visit_mut::visit_type_mut(self, ty);
    }

    fn visit_type_path_mut(&mut self, path: &mut syn::TypePath) {
        if path.qself.is_none() && path.path.segments.len() > 1 {
            if let Some(last) = path.path.segments.pop() {
                path.path.segments.clear();
                path.path.segments.push(last);
            }
            path.path.leading_colon = None;
        }
        visit_mut::visit_type_path_mut(self, path);
    }
}

/// `StartEvent < String >` → `StartEvent<String>`.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = chars[..i].last().copied().unwrap_or(' ');
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            let word = |c: char| c.is_alphanumeric() || c == '_';
            // Keep the spaces that separate words (`dyn Trait`, `&'a mut T`).
            if word(prev) && (word(next) || next == '\'') || prev == ',' {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// The last path segment's identifier of a plain path type.
pub(crate) fn last_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last().map(|s| &s.ident),
        Type::Group(group) => last_ident(&group.elem),
        Type::Paren(paren) => last_ident(&paren.elem),
        _ => None,
    }
}

/// The generic type arguments of the last segment of a path type.
pub(crate) fn type_args(ty: &Type) -> Vec<&Type> {
    let path = match ty {
        Type::Path(path) => path,
        Type::Group(group) => return type_args(&group.elem),
        _ => return Vec::new(),
    };
    let Some(last) = path.path.segments.last() else {
        return Vec::new();
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .collect()
}

/// For a type that no crate but the standard library can make an event (a primitive,
/// `String`, a collection, a tuple, an array), the fields of a newtype that would wrap it.
pub(crate) fn foreign(ty: &Type) -> Option<String> {
    const STD: &[&str] = &[
        "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
        "i64", "i128", "isize", "f32", "f64", "String", "Vec", "VecDeque", "HashMap", "HashSet",
        "BTreeMap", "BTreeSet", "Box", "Rc", "Arc",
    ];
    match ty {
        Type::Group(group) => foreign(&group.elem),
        Type::Paren(paren) => foreign(&paren.elem),
        Type::Tuple(tuple) if !tuple.elems.is_empty() => {
            let fields: Vec<String> = tuple.elems.iter().map(written).collect();
            Some(fields.join(", "))
        }
        Type::Array(_) | Type::Slice(_) => Some(written(ty)),
        Type::Path(_) => last_ident(ty)
            .is_some_and(|i| STD.iter().any(|s| i == s))
            .then(|| written(ty)),
        _ => None,
    }
}

/// Whether `ty` is `()`.
pub(crate) fn is_unit(ty: &Type) -> bool {
    match ty {
        Type::Tuple(tuple) => tuple.elems.is_empty(),
        Type::Group(group) => is_unit(&group.elem),
        Type::Paren(paren) => is_unit(&paren.elem),
        _ => false,
    }
}

/// Whether `ty` is `Name<T, ..>` with at least one type argument.
pub(crate) fn is_wrapper(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(_))
        && last_ident(ty).is_some_and(|i| i == name)
        && !type_args(ty).is_empty()
}

/// The first type argument of a type that [`is_wrapper`] accepted.
pub(crate) fn first_arg_mut(ty: &mut Type) -> &mut Type {
    let arg = match ty {
        Type::Path(path) => {
            path.path
                .segments
                .last_mut()
                .and_then(|last| match &mut last.arguments {
                    syn::PathArguments::AngleBracketed(args) => {
                        args.args.iter_mut().find_map(|arg| match arg {
                            syn::GenericArgument::Type(ty) => Some(ty),
                            _ => None,
                        })
                    }
                    _ => None,
                })
        }
        _ => None,
    };
    match arg {
        Some(arg) => arg,
        None => unreachable!("`is_wrapper` checked that the type has a type argument"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn keys_ignore_module_paths_and_spacing() {
        let a: Type = parse_quote!(StartEvent<std::string::String>);
        let b: Type = parse_quote!(::eventflow::StartEvent<String>);
        assert_eq!(key(&a), "StartEvent<String>");
        assert_eq!(key(&a), key(&b));
        let c: Type = parse_quote!(events::Pair<u8, Vec<events::Item>>);
        assert_eq!(key(&c), "Pair<u8, Vec<Item>>");
        let d: Type = parse_quote!(StopEvent<()>);
        assert_eq!(key(&d), "StopEvent<()>");
    }
}
