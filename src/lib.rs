//! accueil: event check-in and badge kiosk — the command line, and the one
//! name tests, benches and scripts use for the workspace's crates.
//!
//! The crates, one direction (the compiler keeps it: each lists only those
//! below it in its `Cargo.toml`):
//!
//! ```text
//! accueil-core   domain, protocol ← store (private), badge, print, import,
//!                export, sync, pretix ← app      (no Slint, axum or tokio)
//!      ↑                    ↑
//! accueil-hub (axum)   accueil-kiosk (Slint, feature `gui`)
//!      ↑                    ↑
//! accueil: cli — the binary, and this facade
//! ```
//!
//! The modules below are the crates' own, re-exported under the names they
//! have always had (`accueil::app`, `accueil::hub`, `accueil::ui`…), so
//! that a test or a bench reads the same paths whichever crate an item
//! lives in. ARCHITECTURE.md says where new code goes.

pub use accueil_core::{
    app, badge, camera, config, demo, domain, export, folder_of, http_client, import, logging,
    pretix, print, protocol, sync,
};
pub use accueil_hub as hub;
#[cfg(feature = "gui")]
pub use accueil_kiosk as ui;
#[cfg(feature = "gui")]
pub use accueil_kiosk::sound;

pub mod cli;
