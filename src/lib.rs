//! congkhai: a static-site generator for the public transparency portal of a
//! Vietnamese ward or commune.
//!
//! Data flows one way: load ([`config`], [`content`], [`data`]) → validate
//! ([`publication`], each kind in [`kinds`]) → model ([`site`]) → render
//! ([`templates`], [`markdown`]) → write ([`output`]).

pub mod config;
pub mod content;
pub mod data;
pub mod diagnostics;
pub mod format;
pub mod init;
pub mod kinds;
pub mod markdown;
pub mod output;
pub mod publication;
pub mod serve;
pub mod site;
pub mod templates;
pub mod text;
