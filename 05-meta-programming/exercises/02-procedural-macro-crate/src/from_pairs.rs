//! `#[derive(FromPairs)]`: a constructor that fills a struct's named fields from `(key, value)`
//! string pairs.
//!
//! The expansion is planned in three steps, each a function you write:
//!
//! 1. `named_fields` accepts only a struct with named fields; an enum, a union, a tuple struct or
//!    a unit struct is a `syn::Error` at a span that shows the user what is wrong.
//! 2. `plan_field` reads one field: its key (`#[pairs(key = "...")]` or the field's name), whether
//!    it is optional (`Option<T>`), and rejects borrowed field types (`&str`), which `FromStr`
//!    cannot produce.
//! 3. `expand` emits the `impl` block: generic parameters and `where` clause copied with
//!    `split_for_impl`, one `FromStr` bound per parsed type (spanned at that field's type, so an
//!    unparsable type is reported there), every path absolute, and the macro's own local variables
//!    created with `Span::mixed_site()` so that they cannot collide with the user's field names.
//!
//! For this input
//!
//! ```text
//! #[derive(FromPairs)]
//! struct Listener<T> { host: String, #[pairs(key = "max-conn")] limit: Option<u32>, extra: T }
//! ```
//!
//! the generated code has this shape (paths shortened here; yours must be absolute):
//!
//! ```text
//! impl<T> Listener<T> where String: FromStr, u32: FromStr, T: FromStr {
//!     pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self, String> {
//!         let mut host: Option<String> = None;     // one slot per field, named like the field
//!         let mut limit: Option<u32> = None;
//!         let mut extra: Option<T> = None;
//!         for &(key, value) in pairs {
//!             match key {
//!                 "host" => { /* duplicate? parse value into the `host` slot */ }
//!                 "max-conn" => { /* ... */ }
//!                 "extra" => { /* ... */ }
//!                 _ => return Err(format!("unknown key {key:?}")),
//!             }
//!         }
//!         Ok(Self {
//!             host: match host { Some(v) => v, None => return Err(format!("missing key {:?}", "host")) },
//!             limit,                               // optional: the slot is the field
//!             extra: /* like host */,
//!         })
//!     }
//! }
//! ```
//!
//! The error messages the tests expect: `unknown key "k"`, `duplicate key "k"`,
//! `missing key "k"` and `key "k": cannot parse "v"` (keys and values printed with `{:?}`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, FieldsNamed, Ident, Type};

/// One field of the struct, as the generated code needs it.
struct PlannedField<'a> {
    /// The field's name, used both for the struct field and for its slot variable.
    ident: &'a Ident,
    /// The key that fills it.
    key: String,
    /// The type `FromStr` must produce: the field's type, or `T` for an `Option<T>` field.
    parsed: &'a Type,
    /// Whether the field may be missing (it is an `Option<T>`).
    optional: bool,
}

/// The names of the generated method's own variables.
struct Locals {
    /// The method's parameter.
    pairs: Ident,
    /// The key of the pair being looked at.
    key: Ident,
    /// Its value.
    value: Ident,
}

/// Returns the struct's named fields, or an error for any other kind of item.
fn named_fields(input: &DeriveInput) -> syn::Result<&FieldsNamed> {
    // course:solution Accept `struct S { .. }`; give a `syn::Error` at a telling span for everything else.
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => Ok(named),
            Fields::Unnamed(_) | Fields::Unit => Err(syn::Error::new_spanned(
                &input.ident,
                "`FromPairs` needs named fields: the field names are the keys",
            )),
        },
        Data::Enum(data) => Err(syn::Error::new(
            data.enum_token.span,
            "`FromPairs` cannot be derived for an enum: it fills the named fields of a struct",
        )),
        Data::Union(data) => Err(syn::Error::new(
            data.union_token.span,
            "`FromPairs` cannot be derived for a union",
        )),
    }
    // course:decoy panics-on-error Reports a wrong input with `panic!`, so rustc prints "proc-macro derive panicked" at the derive instead of a message at the offending token.
    // match &input.data {
    //     Data::Struct(data) => match &data.fields {
    //         Fields::Named(named) => Ok(named),
    //         Fields::Unnamed(_) | Fields::Unit => {
    //             panic!("`FromPairs` needs named fields: the field names are the keys")
    //         }
    //     },
    //     Data::Enum(_) => panic!(
    //         "`FromPairs` cannot be derived for an enum: it fills the named fields of a struct"
    //     ),
    //     Data::Union(_) => panic!("`FromPairs` cannot be derived for a union"),
    // }
    // course:end
}

/// Reads one field: its key, whether it is optional, and the type to parse.
fn plan_field(field: &syn::Field) -> syn::Result<PlannedField<'_>> {
    // course:solution Read `#[pairs(key = "...")]` with `parse_nested_meta`, reject `&T` fields, detect `Option<T>`.
    let ident = field
        .ident
        .as_ref()
        .expect("named_fields passes only named fields, and each has an ident");
    // `syn::ext::IdentExt::unraw` turns the field `r#type` into the key `type`.
    let mut key = syn::ext::IdentExt::unraw(ident).to_string();
    for attr in &field.attrs {
        if attr.path().is_ident("pairs") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("key") {
                    let literal: syn::LitStr = meta.value()?.parse()?;
                    key = literal.value();
                    Ok(())
                } else {
                    Err(meta.error("unknown `pairs` option: the only option is `key = \"...\"`"))
                }
            })?;
        }
    }
    if let Type::Reference(reference) = &field.ty {
        return Err(syn::Error::new_spanned(
            reference,
            format!(
                "field `{ident}` borrows its value: `FromPairs` fields must own their data \
                 (for example `String` instead of `&str`)"
            ),
        ));
    }
    let (parsed, optional) = match option_inner(&field.ty) {
        Some(inner) => (inner, true),
        None => (&field.ty, false),
    };
    Ok(PlannedField {
        ident,
        key,
        parsed,
        optional,
    })
    // course:decoy ignores-key-attribute Uses the field's name as its key even when `#[pairs(key = "...")]` renames it.
    // let ident = field
    //     .ident
    //     .as_ref()
    //     .expect("named_fields passes only named fields, and each has an ident");
    // let key = syn::ext::IdentExt::unraw(ident).to_string();
    // if let Type::Reference(reference) = &field.ty {
    //     return Err(syn::Error::new_spanned(
    //         reference,
    //         format!(
    //             "field `{ident}` borrows its value: `FromPairs` fields must own their data \
    //              (for example `String` instead of `&str`)"
    //         ),
    //     ));
    // }
    // let (parsed, optional) = match option_inner(&field.ty) {
    //     Some(inner) => (inner, true),
    //     None => (&field.ty, false),
    // };
    // Ok(PlannedField {
    //     ident,
    //     key,
    //     parsed,
    //     optional,
    // })
    // course:end
}

// course:solution
/// `Some(T)` when `ty` is written `Option<T>` (or `std::option::Option<T>`, ...).
///
/// A macro sees only tokens, so this is a guess from the spelling: a type alias for `Option`
/// is not recognised, and a user type named `Option` would be.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match (arguments.args.len(), arguments.args.first()) {
        (1, Some(syn::GenericArgument::Type(inner))) => Some(inner),
        _ => None,
    }
}
// course:stub
// /// `Some(T)` when `ty` is written `Option<T>` (or `std::option::Option<T>`, ...).
// fn option_inner(ty: &Type) -> Option<&Type> {
//     todo!("look at the last path segment and its angle-bracketed argument: {ty:?}")
// }
// course:end

/// The identifiers of the generated method's own variables.
fn locals() -> Locals {
    // course:solution Make `pairs`, `key` and `value` with a span that user field names cannot collide with.
    // `mixed_site` gives local variables `macro_rules!`-like hygiene: a user field called `pairs`
    // becomes a slot variable `pairs` that is a different variable from the parameter `pairs`.
    let site = Span::mixed_site();
    Locals {
        pairs: Ident::new("pairs", site),
        key: Ident::new("key", site),
        value: Ident::new("value", site),
    }
    // course:decoy call-site-locals Uses `Span::call_site()`, so a field named `pairs`, `key` or `value` shadows the macro's own variable.
    // let site = Span::call_site();
    // Locals {
    //     pairs: Ident::new("pairs", site),
    //     key: Ident::new("key", site),
    //     value: Ident::new("value", site),
    // }
    // course:end
}

/// Expands `#[derive(FromPairs)]` on `input`.
pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    // course:solution Plan every field (reporting all bad fields at once), then emit the impl block.
    let mut fields = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for field in &named_fields(input)?.named {
        match plan_field(field) {
            Ok(planned) => fields.push(planned),
            Err(error) => match &mut errors {
                Some(all) => all.combine(error),
                None => errors = Some(error),
            },
        }
    }
    if let Some(all) = errors {
        return Err(all);
    }

    let mut generics = input.generics.clone();
    let where_clause = generics.make_where_clause();
    for field in &fields {
        let parsed = field.parsed;
        // Spanned at the field's type: if the type has no `FromStr`, rustc points there.
        where_clause
            .predicates
            .push(syn::parse_quote_spanned!(parsed.span()=> #parsed: ::core::str::FromStr));
    }
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    let name = &input.ident;
    let locals = locals();
    let body = constructor_body(&fields, &locals);
    let pairs = &locals.pairs;
    Ok(quote! {
        impl #impl_generics #name #type_generics #where_clause {
            /// Builds the value from `(key, value)` pairs (generated by `#[derive(FromPairs)]`).
            pub fn from_pairs(
                #pairs: &[(&str, &str)],
            ) -> ::core::result::Result<Self, ::std::string::String> {
                #body
            }
        }
    })
    // course:decoy ignores-generics Writes `impl Name` without the struct's generic parameters, so `struct Wrapper<T>` does not compile.
    // let mut fields = Vec::new();
    // for field in &named_fields(input)?.named {
    //     fields.push(plan_field(field)?);
    // }
    // let bounds = fields.iter().map(|field| {
    //     let parsed = field.parsed;
    //     quote_spanned!(parsed.span()=> #parsed: ::core::str::FromStr)
    // });
    // let name = &input.ident;
    // let locals = locals();
    // let body = constructor_body(&fields, &locals);
    // let pairs = &locals.pairs;
    // Ok(quote! {
    //     impl #name where #(#bounds),* {
    //         /// Builds the value from `(key, value)` pairs (generated by `#[derive(FromPairs)]`).
    //         pub fn from_pairs(
    //             #pairs: &[(&str, &str)],
    //         ) -> ::core::result::Result<Self, ::std::string::String> {
    //             #body
    //         }
    //     }
    // })
    // course:end
}

/// The body of the generated `from_pairs`.
fn constructor_body(fields: &[PlannedField<'_>], locals: &Locals) -> TokenStream {
    // course:solution Declare one slot per field, fill the slots in one pass over the pairs, then build `Self`.
    let Locals { pairs, key, value } = locals;
    let slots = fields.iter().map(|field| {
        let (slot, parsed) = (field.ident, field.parsed);
        quote_spanned! {parsed.span()=>
            let mut #slot: ::core::option::Option<#parsed> = ::core::option::Option::None;
        }
    });
    let arms = fields.iter().map(|field| {
        let (slot, parsed, key_text) = (field.ident, field.parsed, &field.key);
        quote! {
            #key_text => {
                if #slot.is_some() {
                    return ::core::result::Result::Err(
                        ::std::format!("duplicate key {:?}", #key),
                    );
                }
                // No `let` binding here: a user field called `parsed` would be shadowed by it.
                #slot = ::core::option::Option::Some(
                    <#parsed as ::core::str::FromStr>::from_str(#value).map_err(|_| {
                        ::std::format!("key {:?}: cannot parse {:?}", #key, #value)
                    })?,
                );
            }
        }
    });
    let inits = fields.iter().map(|field| {
        let (slot, key_text) = (field.ident, &field.key);
        if field.optional {
            quote!(#slot: #slot)
        } else {
            quote! {
                #slot: match #slot {
                    ::core::option::Option::Some(found) => found,
                    ::core::option::Option::None => {
                        return ::core::result::Result::Err(
                            ::std::format!("missing key {:?}", #key_text),
                        );
                    }
                }
            }
        }
    });
    quote! {
        #(#slots)*
        for &(#key, #value) in #pairs {
            match #key {
                #(#arms)*
                _ => {
                    return ::core::result::Result::Err(
                        ::std::format!("unknown key {:?}", #key),
                    );
                }
            }
        }
        ::core::result::Result::Ok(Self { #(#inits),* })
    }
    // course:decoy relative-paths Writes `Option`, `Some`, `Err`, `format!` and `FromStr` as the user's scope would resolve them, so a crate that shadows them breaks.
    // let Locals { pairs, key, value } = locals;
    // let slots = fields.iter().map(|field| {
    //     let (slot, parsed) = (field.ident, field.parsed);
    //     quote!(let mut #slot: Option<#parsed> = None;)
    // });
    // let arms = fields.iter().map(|field| {
    //     let (slot, parsed, key_text) = (field.ident, field.parsed, &field.key);
    //     quote! {
    //         #key_text => {
    //             if #slot.is_some() {
    //                 return Err(format!("duplicate key {:?}", #key));
    //             }
    //             #slot = Some(
    //                 <#parsed as std::str::FromStr>::from_str(#value)
    //                     .map_err(|_| format!("key {:?}: cannot parse {:?}", #key, #value))?,
    //             );
    //         }
    //     }
    // });
    // let inits = fields.iter().map(|field| {
    //     let (slot, key_text) = (field.ident, &field.key);
    //     if field.optional {
    //         quote!(#slot: #slot)
    //     } else {
    //         quote! {
    //             #slot: match #slot {
    //                 Some(found) => found,
    //                 None => return Err(format!("missing key {:?}", #key_text)),
    //             }
    //         }
    //     }
    // });
    // quote! {
    //     #(#slots)*
    //     for &(#key, #value) in #pairs {
    //         match #key {
    //             #(#arms)*
    //             _ => return Err(format!("unknown key {:?}", #key)),
    //         }
    //     }
    //     Ok(Self { #(#inits),* })
    // }
    // course:decoy last-duplicate-wins Lets a repeated key overwrite the earlier value instead of reporting it.
    // let Locals { pairs, key, value } = locals;
    // let slots = fields.iter().map(|field| {
    //     let (slot, parsed) = (field.ident, field.parsed);
    //     quote! {
    //         let mut #slot: ::core::option::Option<#parsed> = ::core::option::Option::None;
    //     }
    // });
    // let arms = fields.iter().map(|field| {
    //     let (slot, parsed, key_text) = (field.ident, field.parsed, &field.key);
    //     quote! {
    //         #key_text => {
    //             #slot = ::core::option::Option::Some(
    //                 <#parsed as ::core::str::FromStr>::from_str(#value).map_err(|_| {
    //                     ::std::format!("key {:?}: cannot parse {:?}", #key, #value)
    //                 })?,
    //             );
    //         }
    //     }
    // });
    // let inits = fields.iter().map(|field| {
    //     let (slot, key_text) = (field.ident, &field.key);
    //     if field.optional {
    //         quote!(#slot: #slot)
    //     } else {
    //         quote! {
    //             #slot: match #slot {
    //                 ::core::option::Option::Some(found) => found,
    //                 ::core::option::Option::None => {
    //                     return ::core::result::Result::Err(
    //                         ::std::format!("missing key {:?}", #key_text),
    //                     );
    //                 }
    //             }
    //         }
    //     }
    // });
    // quote! {
    //     #(#slots)*
    //     for &(#key, #value) in #pairs {
    //         match #key {
    //             #(#arms)*
    //             _ => {
    //                 return ::core::result::Result::Err(
    //                     ::std::format!("unknown key {:?}", #key),
    //                 );
    //             }
    //         }
    //     }
    //     ::core::result::Result::Ok(Self { #(#inits),* })
    // }
    // course:end
}
