//! `#[derive(Event)]` and `#[event]`.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{DeriveInput, LitStr, Path, Token};

use crate::attr::path_text;
use crate::errors::Errors;
use crate::workflow::krate;

/// The arguments of `#[event(..)]`, as a derive helper or as the attribute.
#[derive(Default)]
struct EventArgs {
    name: Option<LitStr>,
    krate: Option<Path>,
}

impl EventArgs {
    fn parse(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if meta.path.is_ident("name") {
            self.name = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("crate") {
            let value = meta.value()?;
            self.krate = Some(if value.peek(LitStr) {
                value.parse::<LitStr>()?.parse_with(Path::parse_mod_style)?
            } else {
                Path::parse_mod_style(value)?
            });
        } else {
            return Err(meta.error(format_args!(
                "unknown `#[event]` argument `{}`; expected one of: `name`, `crate`",
                path_text(&meta.path)
            )));
        }
        Ok(())
    }
}

pub(crate) fn derive(item: TokenStream) -> TokenStream {
    let errors = Errors::new();
    let input: DeriveInput = match syn::parse2(item) {
        Ok(input) => input,
        Err(error) => return error.into_compile_error(),
    };
    let mut args = EventArgs::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("event")) {
        if let Err(error) = attr.parse_nested_meta(|meta| args.parse(&meta)) {
            errors.push(error);
        }
    }
    with_errors(impls(&input, &args), errors)
}

/// `#[event]`: the derives an event needs (`Clone`, serde's `Serialize` and `Deserialize`, and
/// `Event`), with serde reached through eventflow, so that the user's crate needs no serde
/// dependency of its own.
pub(crate) fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let errors = Errors::new();
    let mut parsed = EventArgs::default();
    let parser = syn::meta::parser(|meta| parsed.parse(&meta));
    if let Err(error) = syn::parse::Parser::parse2(parser, args) {
        errors.push(error);
    }
    let mut input: DeriveInput = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(_) => {
            errors.spanned(
                &item,
                "`#[event]` goes on a struct or an enum: the event's data type",
            );
            return with_errors(item, errors);
        }
    };
    drop_own_derives(&mut input, &errors);
    let krate = krate(parsed.krate.as_ref());
    // serde's derives name their crate by a path in a string.
    let serde = format!("{}::__private::serde", krate.to_string().replace(' ', ""));
    let impls = impls(&input, &parsed);
    let item = input.to_token_stream();
    with_errors(
        quote! {
            #[derive(#krate::__private::Clone, #krate::__private::Serialize, #krate::__private::Deserialize)]
            #[serde(crate = #serde)]
            #item
            #impls
        },
        errors,
    )
}

/// Reports (and removes, so that no conflicting impl follows) the derives of the item that
/// `#[event]` derives itself.
fn drop_own_derives(input: &mut DeriveInput, errors: &Errors) {
    const OWN: [&str; 4] = ["Clone", "Serialize", "Deserialize", "Event"];
    for attr in &mut input.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let (own, kept): (Vec<Path>, Vec<Path>) = paths.into_iter().partition(|path| {
            path.segments
                .last()
                .is_some_and(|s| OWN.iter().any(|own| s.ident == own))
        });
        if own.is_empty() {
            continue;
        }
        for path in &own {
            errors.spanned(
                path,
                format_args!(
                    "`#[event]` derives `{}` already; remove it from this `#[derive]`",
                    path_text(path)
                ),
            );
        }
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

fn with_errors(expanded: TokenStream, errors: Errors) -> TokenStream {
    match errors.finish() {
        Ok(()) => expanded,
        Err(error) => {
            let error = error.into_compile_error();
            quote!(#expanded #error)
        }
    }
}

/// The `Event`, `Start` and `Stop` impls of `input`.
fn impls(input: &DeriveInput, args: &EventArgs) -> TokenStream {
    let krate = krate(args.krate.as_ref());
    let ident = &input.ident;
    let name = args.name.as_ref().map_or_else(
        || ident.to_string().trim_start_matches("r#").to_owned(),
        LitStr::value,
    );
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    // Generic events are events for the instantiations that meet `Event`'s requirements.
    let bounds = if input.generics.params.is_empty() {
        quote!()
    } else {
        let bound = quote! {
            Self: __ef::Clone + __ef::Send + __ef::Sync + __ef::Serialize + __ef::DeserializeOwned + 'static
        };
        match where_clause {
            Some(_) => quote!(, #bound),
            None => quote!(where #bound),
        }
    };
    quote! {
        const _: () = {
            use #krate::__private as __ef;

            #[automatically_derived]
            impl #impl_generics __ef::Event for #ident #ty_generics #where_clause #bounds {
                const NAME: &'static str = #name;
            }

            #[automatically_derived]
            impl #impl_generics __ef::Start for #ident #ty_generics #where_clause #bounds {
                type Input = Self;
                fn from_input(input: Self) -> Self {
                    input
                }
            }

            #[automatically_derived]
            impl #impl_generics __ef::Stop for #ident #ty_generics #where_clause #bounds {
                type Output = Self;
                fn into_output(self) -> Self {
                    self
                }
            }
        };
    }
}
