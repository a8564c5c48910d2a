//! Trust: what makes a publication verifiable. One file per concern; the files sit at
//! different layers (the approval gate below the model, the chain and manifest above
//! it), so this folder is a namespace only (see docs/architecture.md).
//!
//! The history chain's format is documented once, in [`layout`].

pub mod chain;
pub mod diff;
pub mod layout;
pub mod manifest;
pub mod pages;
pub mod publication;
pub mod publish;
pub mod signing;
pub mod verify;
