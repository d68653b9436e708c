fn main() -> std::process::ExitCode {
    accueil::cli::main()
}
