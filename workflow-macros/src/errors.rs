//! Collects every error of one macro invocation, to report them all in one compile.

use std::cell::RefCell;
use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

pub(crate) struct Errors {
    list: RefCell<Option<Vec<syn::Error>>>,
    /// What was reported once for all its sites (see [`Errors::first`]).
    once: RefCell<Vec<String>>,
}

impl Errors {
    pub(crate) fn new() -> Self {
        Self {
            list: RefCell::new(Some(Vec::new())),
            once: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn push(&self, error: syn::Error) {
        if let Some(list) = self.list.borrow_mut().as_mut() {
            list.push(error);
        }
    }

    /// An error spanning `tokens`.
    pub(crate) fn spanned(&self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// An error at `span`.
    pub(crate) fn at(&self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Whether `key` is seen for the first time: a mistake repeated at several sites, whose one
    /// fix covers them all, is reported at the first.
    pub(crate) fn first(&self, key: String) -> bool {
        let mut once = self.once.borrow_mut();
        let first = !once.contains(&key);
        if first {
            once.push(key);
        }
        first
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.count() == 0
    }

    pub(crate) fn count(&self) -> usize {
        self.list.borrow().as_ref().map_or(0, Vec::len)
    }

    /// Drops what was collected, which is reported by another expansion.
    pub(crate) fn discard(self) {
        self.list.borrow_mut().take();
    }

    /// All errors combined into one, or `Ok` if there were none.
    pub(crate) fn finish(self) -> syn::Result<()> {
        let list = self.list.borrow_mut().take().unwrap_or_default();
        let mut list = list.into_iter();
        let Some(mut combined) = list.next() else {
            return Ok(());
        };
        for error in list {
            combined.combine(error);
        }
        Err(combined)
    }
}

impl Drop for Errors {
    fn drop(&mut self) {
        // Every path must report what it collected; dropping errors would hide mistakes.
        if !std::thread::panicking() && self.list.borrow().as_ref().is_some_and(|l| !l.is_empty()) {
            panic!("eventflow-macros: errors were collected but never reported");
        }
    }
}
