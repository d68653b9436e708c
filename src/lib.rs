//! accueil: event check-in and badge kiosk.
//!
//! Layers, one direction: [`domain`] (types and rules, no I/O) ←
//! [`store`] (the only rusqlite user) / [`import`] / [`export`] ← [`app`]
//! (lookup → decide → record) ← [`cli`].

pub mod config;
pub mod domain;
pub mod import;
pub mod store;
