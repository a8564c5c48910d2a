//! congkhai: a static-site generator for the public transparency portal of a
//! Vietnamese ward or commune.
//!
//! Data flows one way: load ([`config`], [`content`], [`data`]) → validate
//! ([`publication`], each kind in [`kinds`]) → model ([`site`]) → render
//! ([`templates`], [`markdown`]) → write ([`output`]).

// A `Diagnostic` is large (location, message, hint) but only travels on the error path,
// where clarity for staff matters more than a few bytes of stack.
#![allow(clippy::result_large_err)]

/// docs/adding-a-kind.md, included so that `cargo test --doc` compiles and runs the guide's
/// example kind (compiled for doctests only; not part of the API).
#[cfg(doctest)]
#[doc = include_str!("../docs/adding-a-kind.md")]
pub struct AddingAKindGuide;

pub mod assets;
pub mod cache;
pub mod config;
pub mod content;
pub mod data;
pub mod deadline;
pub mod diagnostics;
pub mod digest;
pub mod format;
pub mod geo_map;
pub mod holidays;
pub mod i18n;
pub mod ical;
pub mod init;
pub mod kinds;
pub mod links;
pub mod markdown;
pub mod media;
pub mod model;
pub mod opendata;
pub mod output;
pub mod pipeline;
pub mod privacy;
pub mod qr;
pub mod render;
pub mod residential;
pub mod search;
pub mod serve;
pub mod shortcodes;
pub mod svg;
pub mod svg_chart;
pub mod templates;
pub mod text;
pub mod timing;
pub mod trust;
pub mod workspace;
