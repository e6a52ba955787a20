//! The `minigrep` binary: parse arguments, call [`minigrep::run`], turn the result into an exit
//! status. All the logic lives in the library.

use std::io::{self, IsTerminal, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;

use minigrep::cli::{self, ColorChoice, Command};
use minigrep::searcher::MmapPolicy;
use minigrep::{Error, PROGRAM};

fn main() -> ExitCode {
    let command = cli::parse(std::env::args_os().skip(1), &mut io::stdin().lock());
    let mut config = match command {
        Ok(Command::Search(config)) => config,
        Ok(Command::Help) => return print_and_exit(cli::HELP),
        Ok(Command::Version) => {
            let version = format!("{PROGRAM} {}\n", env!("CARGO_PKG_VERSION"));
            return print_and_exit(&version);
        }
        Err(error) => return fail(&error),
    };
    if config.color == ColorChoice::Auto {
        // GNU grep colors only on a terminal that is not "dumb".
        let term_ok = std::env::var_os("TERM").is_some_and(|term| term != "dumb");
        config.color = if term_ok && io::stdout().is_terminal() {
            ColorChoice::Always
        } else {
            ColorChoice::Never
        };
    }
    config.output_discarded = stdout_is_dev_null();
    config.output_identity = minigrep::file_identity(&io::stdout().as_fd());
    // A knob for tests and experiments, not an option: the memory-map window size in bytes.
    if let Some(policy) = std::env::var_os("MINIGREP_MMAP_WINDOW")
        .as_deref()
        .and_then(MmapPolicy::from_env_value)
    {
        config.mmap = policy;
    }
    match minigrep::run(&config, io::stdout().lock(), &mut io::stderr().lock()) {
        Ok(status) => ExitCode::from(status.code()),
        // A reader that went away (`minigrep x big | head -1`) is not worth a message.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

/// True when standard output is `/dev/null` (same device and inode), as GNU grep checks.
fn stdout_is_dev_null() -> bool {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Ok(descriptor) = io::stdout().as_fd().try_clone_to_owned() else {
        return false;
    };
    let (Ok(output), Ok(null)) = (
        std::fs::File::from(descriptor).metadata(),
        std::fs::metadata("/dev/null"),
    ) else {
        return false;
    };
    output.file_type().is_char_device() && output.dev() == null.dev() && output.ino() == null.ino()
}

/// Prints an error as `minigrep: MESSAGE` (plus the usage lines for usage errors); exit 2.
fn fail(error: &Error) -> ExitCode {
    let mut stderr = io::stderr().lock();
    let message = error.to_string();
    if !message.is_empty() {
        let _ = writeln!(stderr, "{PROGRAM}: {message}");
    }
    if matches!(error, Error::Usage(_)) {
        let _ = write!(stderr, "{}", cli::USAGE);
    }
    ExitCode::from(2)
}

fn print_and_exit(text: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => fail(&Error::Write(error)),
    }
}
