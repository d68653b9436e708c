//! accueil: event check-in and badge kiosk.
//!
//! Layers, one direction: [`domain`] (types and rules, no I/O) ←
//! [`store`] (the only rusqlite user) / [`badge`] / [`print`] / [`import`] /
//! [`export`] / [`sync`] ← [`app`] (lookup → decide → record → badge →
//! print) ← [`ui`] (the only slint user), [`hub`] (the HTTP server) and
//! [`cli`].

pub mod app;
pub mod badge;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod hub;
pub mod import;
pub mod pretix;
pub mod print;
pub mod store;
pub mod sync;
#[cfg(feature = "gui")]
pub mod ui;
