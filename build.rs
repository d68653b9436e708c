//! Compiles the Slint UI (ui/*.slint) when the `gui` feature is on, with
//! debug info so that tests find elements by their accessible labels.

fn main() {
    #[cfg(feature = "gui")]
    {
        let config = slint_build::CompilerConfiguration::new()
            .with_style("fluent-light".into())
            .with_debug_info(true);
        if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
            eprintln!("ui/app.slint: {e}");
            std::process::exit(1);
        }
    }
}
