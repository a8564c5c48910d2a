//! Every integration test of congkhai, linked as one test binary (as ripgrep and mdBook
//! do): one link of the library and its dependencies instead of one per file, which was
//! most of the tests' build time in CI. Each module is one area; run one with
//! `cargo test --test it <module>::` (for example `cargo test --test it merger::`).
//!
//! The tests run the real `congkhai` binary on fixture sites (`common::Site`) and read its
//! output as parsed HTML, JSON or CSV.

// Test code states its expectations with unwrap/expect: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod adversarial;
mod answers;
mod architecture;
mod catalog;
mod cli;
mod commune;
mod core;
mod dataset;
mod history;
mod hostile_data;
mod hostile_gate;
mod hostile_html;
mod hostile_output;
mod hostile_privacy;
mod incremental;
mod languages;
mod memory;
mod merger;
mod opendata;
mod print;
mod search;
mod seeds;
mod serve;
mod services;
mod smoke;
mod staff_proof;
mod staff_tables;
mod support;
mod theme_docs;
mod trust;
mod workspace;
mod zola_content;
mod zola_templates;
