//! `#[derive(Event)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, LitStr, Path};

use crate::attr::path_text;
use crate::errors::Errors;
use crate::workflow::krate;

pub(crate) fn derive(item: TokenStream) -> TokenStream {
    let errors = Errors::new();
    let input: DeriveInput = match syn::parse2(item) {
        Ok(input) => input,
        Err(error) => return error.into_compile_error(),
    };
    let mut name: Option<LitStr> = None;
    let mut krate_path: Option<Path> = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("event")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("crate") {
                let value = meta.value()?;
                krate_path = Some(if value.peek(LitStr) {
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
        });
        if let Err(error) = parsed {
            errors.push(error);
        }
    }
    let krate = krate(krate_path.as_ref());
    let ident = &input.ident;
    let name = name.map_or_else(
        || ident.to_string().trim_start_matches("r#").to_owned(),
        |n| n.value(),
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
    let expanded = quote! {
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
    };
    match errors.finish() {
        Ok(()) => expanded,
        Err(error) => {
            let error = error.into_compile_error();
            quote!(#expanded #error)
        }
    }
}
