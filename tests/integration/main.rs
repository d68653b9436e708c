//! accueil's integration tests, in one binary (ripgrep's shape): each
//! module meets the product as its users do — the real `accueil` binary on
//! SQLite files in temporary folders, a real hub on 127.0.0.1, CUPS, pretix,
//! poppler, Chromium — and `common` holds what they share. The window's
//! tests (`gui`, Slint's testing backend) are compiled only with the `gui`
//! feature: `cargo test --no-default-features` links no Slint.
//!
//! Tests that need outside servers are `#[ignore]`d here and run by `.ci/run`
//! with `--include-ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod badges;
mod camera;
mod check_in;
mod common;
mod contrast;
mod crash;
#[cfg(feature = "gui")]
mod gui;
mod hub;
mod pretix;
mod printing;
mod translations;
