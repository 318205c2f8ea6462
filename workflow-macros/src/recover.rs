//! Items that do not parse. The mistakes that are easy to make in a step signature, which
//! rustc reports as it parses the item, are repaired, so that the macro runs on and reports
//! nothing more; anything else is reported once, with a stand-in for what the item would have
//! defined.

use proc_macro2::{Delimiter, Group, Punct, Spacing, TokenStream, TokenTree};
use quote::quote;
use syn::Token;
use syn::parse::Parser;
use syn::punctuated::Punctuated;

use crate::errors::Errors;
use crate::types;

/// Repairs `OneOf<A | B>` (written for `OneOf![A | B]`) and a receiver that is not the first
/// parameter; `None` if there was nothing to repair.
///
/// rustc has already reported both, since it parses an item before handing it to the
/// attribute: the receiver with a clear message, so the repair adds none, and `OneOf<..>`
/// with advice about const generics, so the repair says what to write.
pub(crate) fn repair(tokens: TokenStream, errors: &Errors) -> Option<TokenStream> {
    let mut changed = false;
    let tokens = repair_in(tokens, errors, &mut changed);
    changed.then_some(tokens)
}

fn repair_in(tokens: TokenStream, errors: &Errors, changed: &mut bool) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        if let Some((replaced, next)) = angle_one_of(&trees, i, errors) {
            *changed = true;
            out.extend(replaced);
            i = next;
            continue;
        }
        let tree = match &trees[i] {
            TokenTree::Group(group) => {
                let mut stream = repair_in(group.stream(), errors, changed);
                if group.delimiter() == Delimiter::Parenthesis && follows_fn_name(&trees, i) {
                    stream = receiver_first(stream, changed);
                }
                let mut repaired = Group::new(group.delimiter(), stream);
                repaired.set_span(group.span());
                TokenTree::Group(repaired)
            }
            tree => tree.clone(),
        };
        out.push(tree);
        i += 1;
    }
    out.into_iter().collect()
}

/// `OneOf < A | B >` at `i`: the `OneOf![A | B]` it stands for and the index after the `>`.
fn angle_one_of(trees: &[TokenTree], i: usize, errors: &Errors) -> Option<(TokenStream, usize)> {
    let TokenTree::Ident(ident) = &trees[i] else {
        return None;
    };
    if ident != "OneOf" || !is_punct(trees.get(i + 1)?, '<') {
        return None;
    }
    let mut depth = 0_usize;
    let end = (i + 1..trees.len()).find(|&j| {
        match &trees[j] {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' => depth -= 1,
            _ => {}
        }
        depth == 0
    })?;
    let members: TokenStream = trees[i + 2..end].iter().cloned().collect();
    let written: TokenStream = trees[i..=end].iter().cloned().collect();
    let parser = Punctuated::<syn::Type, Token![|]>::parse_separated_nonempty;
    let listed = match parser.parse2(members.clone()) {
        Ok(types) => types
            .iter()
            .map(types::written)
            .collect::<Vec<_>>()
            .join(" | "),
        Err(_) => types::written(&members),
    };
    errors.push(syn::Error::new_spanned(
        &written,
        format_args!("`OneOf` is a macro: write `OneOf![{listed}]`, with `!` and square brackets"),
    ));
    let mut body = Group::new(Delimiter::Bracket, members);
    body.set_span(ident.span());
    let mut bang = Punct::new('!', Spacing::Alone);
    bang.set_span(ident.span());
    Some((quote!(#ident #bang #body), end + 1))
}

fn is_punct(tree: &TokenTree, c: char) -> bool {
    matches!(tree, TokenTree::Punct(p) if p.as_char() == c)
}

/// Whether the parenthesized group at `i` is the parameter list of a `fn`: `fn name (..)` or
/// `fn name<..> (..)`.
fn follows_fn_name(trees: &[TokenTree], i: usize) -> bool {
    let mut j = i;
    // Skip generic parameters back to the name.
    if j > 0 && is_punct(&trees[j - 1], '>') {
        let mut depth = 0_usize;
        while j > 0 {
            j -= 1;
            match &trees[j] {
                TokenTree::Punct(p) if p.as_char() == '>' => depth += 1,
                TokenTree::Punct(p) if p.as_char() == '<' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    j >= 2
        && matches!(&trees[j - 1], TokenTree::Ident(_))
        && matches!(&trees[j - 2], TokenTree::Ident(f) if f == "fn")
}

/// Moves a receiver written after other parameters to the front.
fn receiver_first(params: TokenStream, changed: &mut bool) -> TokenStream {
    let mut list: Vec<Vec<TokenTree>> = vec![Vec::new()];
    let mut depth = 0_usize;
    for tree in params {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' && depth > 0 => depth -= 1,
            TokenTree::Punct(p) if p.as_char() == ',' && depth == 0 => {
                list.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = list.last_mut() {
            last.push(tree);
        }
    }
    list.retain(|param| !param.is_empty());
    if let Some(at) = list.iter().position(|param| is_receiver(param))
        && at > 0
    {
        let receiver = list.remove(at);
        list.insert(0, receiver);
        *changed = true;
    }
    rejoin(list)
}

/// `self`, `&self`, `&mut self`, `&'a self`, `mut self`, `self: Type`.
fn is_receiver(param: &[TokenTree]) -> bool {
    let mut rest = param;
    if let [TokenTree::Punct(p), tail @ ..] = rest
        && p.as_char() == '&'
    {
        rest = tail;
    }
    if let [TokenTree::Punct(p), TokenTree::Ident(_), tail @ ..] = rest
        && p.as_char() == '\''
    {
        rest = tail;
    }
    if let [TokenTree::Ident(m), tail @ ..] = rest
        && m == "mut"
    {
        rest = tail;
    }
    matches!(rest.first(), Some(TokenTree::Ident(i)) if i == "self")
}

fn rejoin(list: Vec<Vec<TokenTree>>) -> TokenStream {
    let mut out = TokenStream::new();
    for (n, param) in list.into_iter().enumerate() {
        if n > 0 {
            out.extend([TokenTree::Punct(Punct::new(',', Spacing::Alone))]);
        }
        out.extend(param);
    }
    out
}

/// The header of an impl that does not parse (`impl<T> Name<T> where ..`) with an empty
/// body, for the stand-in `Workflow` impl.
pub(crate) fn header(tokens: TokenStream) -> Option<syn::ItemImpl> {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    let body = trees
        .iter()
        .rposition(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))?;
    trees.truncate(body);
    let mut header: TokenStream = trees.into_iter().collect();
    header.extend([TokenTree::Group(Group::new(
        Delimiter::Brace,
        TokenStream::new(),
    ))]);
    syn::parse2(header).ok()
}
