//! The `cargo course` binary: hands the command line to the library and turns the outcome into
//! an exit code. Every error is printed as one line; nothing here panics on bad input.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match course::cli::run(&args) {
        Ok(code) => code,
        Err(error) => {
            let error = anyhow::Error::from(error);
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
