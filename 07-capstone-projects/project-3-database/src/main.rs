//! The `kv` binary: collects arguments, calls [`kv::cli::run`], and maps the result to an
//! exit code. All logic lives in the library.

use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdin = io::stdin();
    let stdout = io::stdout();
    let result = kv::cli::run(&args, &mut stdin.lock(), &mut stdout.lock());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let _ = writeln!(io::stderr(), "kv: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
