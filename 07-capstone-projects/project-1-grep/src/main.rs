//! The `minigrep` binary: parse arguments, look at the surroundings (terminal, `/dev/null`,
//! memory-map policy), call [`minigrep::run`], turn the result into an exit status. All the
//! logic lives in the library.

#![expect(
    unsafe_code,
    reason = "choosing the memory-map policy is an unsafe promise about the searched files"
)]

use std::io::{self, IsTerminal, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;

use minigrep::cli::{self, Command};
use minigrep::searcher::MmapPolicy;
use minigrep::{Error, PROGRAM, RunConfig, Surroundings};

fn main() -> ExitCode {
    let program = program_name();
    let command = cli::parse(std::env::args_os().skip(1), &mut io::stdin().lock());
    let config = match command {
        Ok(Command::Search(config)) => *config,
        Ok(Command::Help) => return print_and_exit(cli::HELP),
        Ok(Command::Version) => {
            let version = format!("{PROGRAM} {}\n", env!("CARGO_PKG_VERSION"));
            return print_and_exit(&version);
        }
        Err(error) => return fail(program, &error),
    };
    let surroundings = Surroundings {
        // GNU grep colors only on a terminal that is not "dumb".
        color_terminal: std::env::var_os("TERM").is_some_and(|term| term != "dumb")
            && io::stdout().is_terminal(),
        output_discarded: stdout_is_dev_null(),
        output_identity: minigrep::file_identity(&io::stdout().as_fd()),
        mmap: mmap_policy(),
        program: Some(program),
        color_variables: (leaked_var("GREP_COLORS"), leaked_var("GREP_COLOR")),
    };
    let config = RunConfig::new(config, surroundings);
    match minigrep::run(&config, io::stdout().lock(), &mut io::stderr().lock()) {
        Ok(status) => ExitCode::from(status.code()),
        // A reader that went away (`minigrep x big | head -1`) is not worth a message.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => fail(program, &error),
    }
}

/// The value of the environment variable `name`, if it is set and valid UTF-8; leaked, like the
/// program name, because it lives as long as the program.
fn leaked_var(name: &str) -> Option<&'static str> {
    let value = std::env::var(name).ok()?;
    Some(Box::leak(value.into_boxed_str()))
}

/// The last part of `argv[0]` (GNU grep names itself the same way), or [`PROGRAM`].
fn program_name() -> &'static str {
    let name = std::env::args_os()
        .next()
        .and_then(|arg0| {
            let path = std::path::PathBuf::from(arg0);
            Some(path.file_name()?.to_str()?.to_owned())
        })
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| PROGRAM.to_owned());
    // Leaked once per process: the name lives as long as the program anyway.
    Box::leak(name.into_boxed_str())
}

/// The memory-map policy: windows of [`MmapPolicy::STANDARD_WINDOW`] bytes for regular files
/// of [`MmapPolicy::STANDARD_MIN_LEN`] bytes or more, unless `MINIGREP_MMAP_WINDOW` says
/// otherwise (a knob for tests and experiments, not an option: `0` turns mapping off, any other
/// number of bytes maps every non-empty regular file in windows of that size).
fn mmap_policy() -> MmapPolicy {
    let (window, min_len) = match std::env::var_os("MINIGREP_MMAP_WINDOW")
        .and_then(|value| value.to_str()?.trim().parse::<usize>().ok())
    {
        Some(window) => (window, 1),
        None => (MmapPolicy::STANDARD_WINDOW, MmapPolicy::STANDARD_MIN_LEN),
    };
    // SAFETY: `MmapPolicy::windows` asks that no other process truncate or rewrite a file while
    // we search it mapped. A command-line search tool cannot guarantee that for files it does
    // not own; like ripgrep, we accept the risk on the user's behalf for the speed. What can
    // happen is bounded: a truncation kills the process with SIGBUS, and a concurrent write can
    // change bytes while they are searched (undefined behaviour by Rust's rules, wrong lines
    // for that file in practice); no file is ever written, since the mapping is private. The
    // README states this risk, and `MINIGREP_MMAP_WINDOW=0` avoids it.
    unsafe { MmapPolicy::windows(window, min_len) }
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
fn fail(program: &str, error: &Error) -> ExitCode {
    // course:solution p1.1 Print `PROGRAM: MESSAGE` (no line for an empty message), the usage lines after a usage error, and exit with status 2.
    let mut stderr = io::stderr().lock();
    let message = error.to_string();
    if !message.is_empty() {
        let _ = writeln!(stderr, "{program}: {message}");
    }
    if matches!(error, Error::Usage(_)) {
        let _ = write!(stderr, "{}", cli::USAGE);
    }
    ExitCode::from(2)
    // course:end
}

fn print_and_exit(text: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => fail(PROGRAM, &Error::Write(error)),
    }
}
