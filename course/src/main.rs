//! The `cargo course` binary: parses the command line, hands it to the library, and turns the
//! outcome into an exit code. Every error is printed as one line; nothing here panics on bad
//! input.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match course::cli::parse(&args) {
        Ok(course::cli::Parsed::Print(text)) => {
            let _ = write!(std::io::stdout(), "{text}");
            return ExitCode::SUCCESS;
        }
        Ok(course::cli::Parsed::Run(cli)) => course::commands::run(cli),
        Err(error) => Err(error),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            // The runner's messages already name the cause: print the message alone, not the
            // chain of sources (which would repeat an I/O error's text).
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
