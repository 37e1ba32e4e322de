//! The `docket` binary; everything lives in the library.

fn main() -> std::process::ExitCode {
    docket::cli::run()
}
