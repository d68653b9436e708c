//! Compiles the Slint UI (ui/*.slint): with the English translation
//! bundled — accueil's one catalogue,
//! ../accueil-core/i18n/en/LC_MESSAGES/accueil-kiosk.po, which Rust
//! messages and the organisers' page read too, named after this crate as
//! Slint looks it up; the French of the @tr() sources is the default — and
//! with debug info so that tests find elements by their accessible labels.

fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-light".into())
        .with_bundled_translations("../accueil-core/i18n")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_debug_info(true);
    if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
        eprintln!("ui/app.slint: {e}");
        std::process::exit(1);
    }
}
