//! accueil: event check-in and badge kiosk.
//!
//! Layers, one direction: [`domain`] (types and rules, no I/O) and
//! [`protocol`] (the sync protocol's versions, no I/O) ←
//! `store` (the only rusqlite user, private to the crate) / [`badge`] / [`print`] / [`import`] /
//! [`export`] / [`sync`] / [`pretix`] ← [`app`] (lookup → decide → record → badge →
//! print; the hub's half of the sync protocol; kiosks' credentials; the
//! background [`app::Worker`] that the window and the hub both run) ←
//! [`ui`] (the only slint user), [`hub`] (the HTTP server: statuses, the
//! page, the connections) and [`cli`]. The three at the top reach the store
//! only through [`app`], whose re-exports name the store's types they see;
//! tests and benches too ([`app::Inspection`] to look into a copy).
//! [`sound`] (the door's tones) and [`camera`] (frames, QR decoding) stand
//! beside them, used by [`ui`] alone. [`config`] and [`demo`] sit under [`app`]: every layer
//! above reads the validated `Config`.

pub mod app;
pub mod badge;
pub mod camera;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod hub;
pub mod import;
pub mod logging;
pub mod pretix;
pub mod print;
pub mod protocol;
pub mod sound;
pub(crate) mod store;
pub mod sync;
#[cfg(feature = "gui")]
pub mod ui;

/// jemalloc for every binary built on this library — the kiosk, the tests,
/// the benches: with its unprefixed symbols it is SQLite's malloc too. A
/// million-row import spent a fifth of its time in glibc's malloc and free;
/// with jemalloc it takes a fifth less (BENCHMARKS.md, « One million
/// registrants »).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The folder `path` is in: `.` for a bare file name (whose `parent()` is
/// empty), so that it can be listed, joined and checked like any other.
pub fn folder_of(path: &std::path::Path) -> &std::path::Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."))
}

/// An HTTP client builder with HTTPS ready: reqwest is built with rustls
/// but no crypto provider of its own; this installs ring (once per process)
/// before any client is made.
pub fn http_client() -> reqwest::blocking::ClientBuilder {
    // Installing twice is harmless: the first provider stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder().user_agent(concat!("accueil/", env!("CARGO_PKG_VERSION")))
}
