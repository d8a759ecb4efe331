//! Chidao's pure core: the domain (units, directives, tasks, items, access rules), the sync
//! rules and wire shapes, the directive reader, the API's request and answer types, and
//! every word a person reads. No Leptos, no browser, no database: the compiler keeps it
//! so, because none of them is a dependency.

pub mod api;
pub mod domain;
pub mod i18n;
pub mod import;
pub mod sync;
pub mod worklist;

#[cfg(feature = "openapi")]
mod openapi;
