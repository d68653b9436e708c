//! The kiosk window driven headlessly (Slint's testing backend with the
//! software renderer): `support` sends key events as a keyboard or a
//! scanner does and finds elements by their accessible labels.

mod kiosk_ui;
mod self_service;
mod setup;
pub(crate) mod support;
