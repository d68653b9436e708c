//! accueil-core: everything a kiosk and a hub share, with no Slint, axum
//! or tokio of its own — the UI (`accueil-kiosk`), the HTTP server
//! (`accueil-hub`) and the command line (`accueil`) are crates above it,
//! and the compiler refuses an arrow pointing down into them.
//!
//! Inside, layers in one direction: [`domain`] (types and rules, no I/O)
//! and [`protocol`] (the sync protocol's versions, no I/O) ←
//! `store` (the only rusqlite user, private to this crate) / [`badge`] /
//! [`print`] / [`import`] / [`export`] / [`sync`] / [`pretix`] ← [`app`]
//! (lookup → decide → record → badge → print; the hub's half of the sync
//! protocol; kiosks' credentials; the background [`app::Worker`] that the
//! window and the hub both run). The crates above reach the store only
//! through [`app`], whose re-exports name the store's types they see;
//! tests and benches too ([`app::Inspection`] to look into a copy).
//! [`camera`] (frames, QR decoding) is used by the kiosk alone. [`config`]
//! and [`demo`] sit under [`app`]: every layer above reads the validated
//! `Config`. ARCHITECTURE.md says where a new platform, printer protocol,
//! door or verb goes.

pub mod app;
pub mod badge;
pub mod camera;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod logging;
pub mod pretix;
pub mod print;
pub mod protocol;
pub(crate) mod store;
pub mod sync;

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

#[cfg(test)]
mod names {
    //! The names an enum is stored under (SQLite rows, records) and the
    //! names it has in JSON (`--json`, the hub's page, the wire) are the
    //! same words: derived twice (strum, serde), checked here once, for
    //! every variant.
    #![allow(clippy::unwrap_used)]
    use strum::IntoEnumIterator;

    fn same_words<T>()
    where
        T: IntoEnumIterator
            + Into<&'static str>
            + std::str::FromStr
            + serde::Serialize
            + PartialEq
            + std::fmt::Debug
            + Copy,
    {
        for v in T::iter() {
            let stored: &'static str = v.into();
            assert_eq!(serde_json::to_value(v).unwrap(), stored, "{v:?}");
            assert!(stored.parse::<T>().ok() == Some(v), "{stored} reads back");
        }
        assert!("".parse::<T>().is_err() && "Valid".parse::<T>().is_err());
    }

    #[test]
    fn each_enum_is_stored_under_its_json_name() {
        same_words::<crate::domain::Status>();
        same_words::<crate::domain::Origin>();
        same_words::<crate::domain::RecordKind>();
        same_words::<crate::domain::Outcome>();
        same_words::<crate::domain::programme::DoorOutcome>();
        same_words::<crate::pretix::Answer>();
        same_words::<crate::app::PrintState>();
        assert_eq!(
            crate::domain::RecordKind::iter().collect::<Vec<_>>(),
            crate::domain::RecordKind::ALL
        );
    }
}
