//! accueil: event check-in and badge kiosk.
//!
//! Layers, one direction: [`domain`] (types and rules, no I/O) ←
//! [`store`] (the only rusqlite user) / [`import`] / [`export`] ← [`app`]
//! (lookup → decide → record) ← [`cli`].

pub mod app;
pub mod badge;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod print;
pub mod store;
#[cfg(feature = "gui")]
pub mod ui;
