//! # Example 04: Error handling, from hand-written enums to `anyhow`
//!
//! - **Shows:** a hand-written error enum with `Display`, `Error` and a `source` chain; how `?`
//!   converts errors through `From`; the same enum derived with `thiserror`; a library-level
//!   `ConfigError` that adds context (file path, line number); `anyhow` at the application
//!   edge with `.context(..)`; `Box<dyn Error + Send + Sync>` for quick code; and where a panic
//!   is the right answer.
//! - **Read after:** module 02 (traits: `Display`, `Error`, `From`), and before the capstones,
//!   whose library crates define their errors with `thiserror` in this style.
//! - **Run:** `cargo run -p examples --bin example-error-handling-deep-dive` (a demo with
//!   built-in inputs), or pass a config file to load:
//!   `cargo run -p examples --bin example-error-handling-deep-dive -- server.conf`.
//!   A bad file prints the error with its causes and exits with status 1.
//! - **Test:** `cargo test -p examples --bin example-error-handling-deep-dive`
//!
//! The config format is one `key = value` per line, `#` starts a comment, and the keys are
//! `port` (1-65535) and `workers` (at least 1).
//!
//! Three rules this file follows (from the Rust API Guidelines, C-GOOD-ERR:
//! <https://rust-lang.github.io/api-guidelines/interoperability.html#c-good-err>):
//! error messages are lowercase without a trailing period; an error's `Display` describes
//! *this* layer only and exposes the lower error through `source()` instead of repeating its
//! text; and library errors are concrete types while `anyhow` stays in the binary.

use std::error::Error;
use std::fmt;
use std::fs;
use std::io;
use std::num::ParseIntError;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

/// The settings a small server needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ServerConfig {
    port: u16,
    workers: u16,
}

/// One understood line of the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setting {
    Port(u16),
    Workers(u16),
}

// ---------------------------------------------------------------------------------------------
// 1. A hand-written error enum
// ---------------------------------------------------------------------------------------------

/// Why one line of the config file could not be understood. Written by hand, to show every
/// piece `thiserror` will later generate.
#[derive(Debug)]
enum LineError {
    /// The line has no `=`.
    MissingEquals,
    /// The key is not one we know.
    UnknownKey(String),
    /// The value is not a number in range. Keeps the lower-level error as its source.
    BadNumber(ParseIntError),
    /// `workers = 0` parses, but a server with no workers cannot serve.
    ZeroWorkers,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::MissingEquals => write!(f, "expected `key = value`"),
            LineError::UnknownKey(key) => write!(f, "unknown key `{key}`"),
            // Not "...: {source}": the cause is reported through `source()`, once.
            LineError::BadNumber(_) => write!(f, "value is not a valid number"),
            LineError::ZeroWorkers => write!(f, "`workers` must be at least 1"),
        }
    }
}

impl Error for LineError {
    /// The error that caused this one, if any. Reporters walk this chain.
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            LineError::BadNumber(cause) => Some(cause),
            LineError::MissingEquals | LineError::UnknownKey(_) | LineError::ZeroWorkers => None,
        }
    }
}

/// This impl is what lets `?` turn a `ParseIntError` into a `LineError`: on `Err(e)`, `?`
/// returns `Err(From::from(e))` from the enclosing function.
impl From<ParseIntError> for LineError {
    fn from(cause: ParseIntError) -> Self {
        LineError::BadNumber(cause)
    }
}

/// Parses one non-empty, non-comment line.
fn parse_line(line: &str) -> Result<Setting, LineError> {
    let (key, value) = line.split_once('=').ok_or(LineError::MissingEquals)?;
    let (key, value) = (key.trim(), value.trim());
    match key {
        // `?` here converts `ParseIntError` into `LineError::BadNumber` via the `From` impl.
        "port" => Ok(Setting::Port(value.parse()?)),
        "workers" => match value.parse()? {
            0 => Err(LineError::ZeroWorkers),
            workers => Ok(Setting::Workers(workers)),
        },
        other => Err(LineError::UnknownKey(other.to_owned())),
    }
}

// ---------------------------------------------------------------------------------------------
// 2. The same enum with thiserror
// ---------------------------------------------------------------------------------------------

/// `LineError` again, derived. `#[error(..)]` writes `Display`; `#[from]` writes the `From`
/// impl *and* marks the field as the `source()`. The tests check both versions behave alike.
mod derived {
    use std::num::ParseIntError;

    /// Why one line of the config file could not be understood (derived version).
    #[derive(Debug, thiserror::Error)]
    pub enum LineError {
        /// The line has no `=`.
        #[error("expected `key = value`")]
        MissingEquals,
        /// The key is not one we know.
        #[error("unknown key `{0}`")]
        UnknownKey(String),
        /// The value is not a number in range.
        #[error("value is not a valid number")]
        BadNumber(#[from] ParseIntError),
        /// `workers = 0`.
        #[error("`workers` must be at least 1")]
        ZeroWorkers,
    }
}

/// Every `LineError` variant next to its derived twin, for the demo and the tests.
fn line_error_pairs() -> [(LineError, derived::LineError); 4] {
    let parse_failure = "x1".parse::<u16>().expect_err("`x1` is not a number");
    [
        (LineError::MissingEquals, derived::LineError::MissingEquals),
        (
            LineError::UnknownKey("host".into()),
            derived::LineError::UnknownKey("host".into()),
        ),
        (
            LineError::from(parse_failure.clone()),
            derived::LineError::from(parse_failure),
        ),
        (LineError::ZeroWorkers, derived::LineError::ZeroWorkers),
    ]
}

// ---------------------------------------------------------------------------------------------
// 3. A library-level error that adds context
// ---------------------------------------------------------------------------------------------

/// Why a config file could not be loaded. This is the error a library would expose: a
/// concrete enum (callers can `match` on it), `#[non_exhaustive]` (we may add variants), and
/// `Send + Sync + 'static` (it can cross threads and be boxed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
enum ConfigError {
    /// The file could not be read. `#[source]` (not `#[from]`): a bare `io::Error` does not
    /// know the path, so we build this variant by hand with `map_err`.
    #[error("cannot read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A line could not be understood; `number` is 1-based.
    #[error("line {number} is invalid")]
    Line {
        number: usize,
        #[source]
        source: LineError,
    },
    /// A required key never appeared.
    #[error("missing required key `{key}`")]
    Missing { key: &'static str },
}

/// Parses a whole config text.
fn parse_config(text: &str) -> Result<ServerConfig, ConfigError> {
    let (mut port, mut workers) = (None, None);
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let setting = parse_line(line).map_err(|source| ConfigError::Line {
            number: index + 1,
            source,
        })?;
        match setting {
            Setting::Port(value) => port = Some(value),
            Setting::Workers(value) => workers = Some(value),
        }
    }
    Ok(ServerConfig {
        port: port.ok_or(ConfigError::Missing { key: "port" })?,
        workers: workers.ok_or(ConfigError::Missing { key: "workers" })?,
    })
}

/// Reads and parses a config file.
fn load_config(path: &Path) -> Result<ServerConfig, ConfigError> {
    let text = fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_config(&text)
}

/// Every message in an error's `source` chain, outermost first.
fn chain_messages(error: &(dyn Error + 'static)) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = Some(error);
    while let Some(layer) = current {
        messages.push(layer.to_string());
        current = layer.source();
    }
    messages
}

// ---------------------------------------------------------------------------------------------
// 4. Box<dyn Error + Send + Sync>: any error, no enum
// ---------------------------------------------------------------------------------------------

/// Reads a `port=NNNN` string, for a quick script where nobody will `match` on the error.
///
/// `?` works on any error type because std has `impl<E: Error + Send + Sync> From<E>` for the
/// box, and `&str`/`String` convert too. The cost: callers can only display the error or guess
/// its type with `downcast_ref`. `Send + Sync` lets the box cross threads (plain
/// `Box<dyn Error>` cannot).
fn quick_port(text: &str) -> Result<u16, Box<dyn Error + Send + Sync>> {
    let (_, value) = text.split_once('=').ok_or("expected `port=NUMBER`")?;
    let port: u16 = value.trim().parse()?;
    if port == 0 {
        return Err(format!("port {port} cannot be bound explicitly").into());
    }
    Ok(port)
}

// ---------------------------------------------------------------------------------------------
// 5. anyhow at the application edge
// ---------------------------------------------------------------------------------------------

/// The application's top level: any error, plus a sentence of context per layer.
///
/// `anyhow::Error` keeps the whole `source` chain of the `ConfigError` underneath, and
/// `with_context` pushes one more layer on top. The closure form builds the message only on
/// the error path.
fn start_server(path: &Path) -> anyhow::Result<ServerConfig> {
    let config = load_config(path)
        .with_context(|| format!("failed to load the server config from {}", path.display()))?;
    if config.port < 1024 && config.workers > 1 {
        // `bail!` returns early with an ad-hoc error: fine in an application, where the only
        // consumer is a human reading the message.
        bail!(
            "port {} is privileged; run a single worker on it or pick a port above 1023",
            config.port
        );
    }
    Ok(config)
}

// ---------------------------------------------------------------------------------------------
// 6. When a panic is right
// ---------------------------------------------------------------------------------------------

impl ServerConfig {
    /// The name of worker `index`, as it appears in logs.
    ///
    /// # Panics
    ///
    /// If `index >= self.workers`. Asking for a worker that does not exist is a bug in the
    /// caller, not a condition a caller could handle, so this is an `assert!` and not a
    /// `Result` (the same choice as slice indexing). Errors are for what the *input* can get
    /// wrong; panics are for what the *program* got wrong.
    fn worker_name(&self, index: u16) -> String {
        assert!(
            index < self.workers,
            "worker index {index} out of range for {} workers",
            self.workers
        );
        format!("worker-{index}@{}", self.port)
    }
}

/// Prints an `anyhow::Error` the way command-line tools usually do.
fn report(error: &anyhow::Error) {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

fn demo() {
    println!("== hand-written vs derived (Display, then the source chain) ==");
    for (by_hand, derived) in line_error_pairs() {
        println!("by hand: {:?}", chain_messages(&by_hand));
        println!("derived: {:?}", chain_messages(&derived));
    }

    println!("\n== parse_config ==");
    let good = "# demo\nport = 8080\nworkers = 4\n";
    println!("good text: {:?}", parse_config(good));
    let bad = "port = 8080\nworkers = four\n";
    match parse_config(bad) {
        Ok(config) => println!("unexpectedly parsed {config:?}"),
        Err(error) => println!("bad text: {}", chain_messages(&error).join(": ")),
    }

    println!("\n== Box<dyn Error + Send + Sync> ==");
    for input in ["port=8080", "port=eighty", "8080", "port=0"] {
        match quick_port(input) {
            Ok(port) => println!("{input:>12} -> {port}"),
            Err(error) => println!("{input:>12} -> error: {error}"),
        }
    }

    println!("\n== anyhow with context ==");
    let missing = Path::new("/nonexistent-directory/server.conf");
    match start_server(missing) {
        Ok(config) => println!("unexpectedly loaded {config:?}"),
        Err(error) => println!("{error:#}"), // `{:#}` joins the chain with ": "
    }

    println!("\n== a panic for a caller bug ==");
    let config = ServerConfig {
        port: 8080,
        workers: 2,
    };
    println!("{} and {}", config.worker_name(0), config.worker_name(1));
    println!("(config.worker_name(2) would panic: it is a bug, not bad input)");
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(path) = args.next() else {
        demo();
        return ExitCode::SUCCESS;
    };
    if args.next().is_some() {
        eprintln!("usage: example-error-handling-deep-dive [CONFIG_FILE]");
        return ExitCode::from(2);
    }
    match start_server(Path::new(&path)) {
        Ok(config) => {
            println!("loaded: port {}, {} worker(s)", config.port, config.workers);
            ExitCode::SUCCESS
        }
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Table-driven check of `parse_line`: the expected outcome is written as the setting or
    /// the error's `Display` text.
    fn check(line: &str, expected: Result<Setting, &str>) {
        let actual = parse_line(line).map_err(|error| error.to_string());
        assert_eq!(actual, expected.map_err(str::to_owned), "input: {line:?}");
    }

    #[test]
    fn parse_line_accepts_and_rejects_as_documented() {
        check("port = 8080", Ok(Setting::Port(8080)));
        check("workers=3", Ok(Setting::Workers(3)));
        check("port 8080", Err("expected `key = value`"));
        check("colour = blue", Err("unknown key `colour`"));
        check("port = 70000", Err("value is not a valid number"));
        check("port = -1", Err("value is not a valid number"));
        check("workers = 0", Err("`workers` must be at least 1"));
    }

    #[test]
    fn question_mark_converts_parse_int_error_through_from() {
        let error = parse_line("port = abc").expect_err("`abc` is not a number");
        assert!(matches!(error, LineError::BadNumber(_)));
        let cause = error.source().expect("BadNumber keeps its cause");
        assert!(cause.downcast_ref::<ParseIntError>().is_some());
    }

    #[test]
    fn derived_line_error_matches_the_hand_written_one() {
        for (by_hand, derived) in line_error_pairs() {
            assert_eq!(by_hand.to_string(), derived.to_string());
            assert_eq!(chain_messages(&by_hand), chain_messages(&derived));
        }
    }

    #[test]
    fn parse_config_reads_values_and_skips_comments() {
        let text = "\n# a comment\nworkers = 2 # trailing comment\nport = 9000\n";
        let config = parse_config(text).expect("the text is a valid config");
        assert_eq!(
            config,
            ServerConfig {
                port: 9000,
                workers: 2
            }
        );
    }

    #[test]
    fn parse_config_error_chain_names_line_then_cause() {
        let error = parse_config("port = 80\n\nworkers = many").expect_err("`many` is bad");
        assert_eq!(
            chain_messages(&error),
            vec![
                "line 3 is invalid".to_owned(),
                "value is not a valid number".to_owned(),
                "invalid digit found in string".to_owned(),
            ]
        );
    }

    #[test]
    fn parse_config_reports_missing_key() {
        let error = parse_config("port = 80").expect_err("workers is required");
        assert!(matches!(error, ConfigError::Missing { key: "workers" }));
        assert_eq!(error.to_string(), "missing required key `workers`");
    }

    #[test]
    fn load_config_error_names_the_path_and_keeps_the_io_error() {
        let path = Path::new("/nonexistent-directory/server.conf");
        let error = load_config(path).expect_err("the directory does not exist");
        assert_eq!(
            error.to_string(),
            "cannot read `/nonexistent-directory/server.conf`"
        );
        let io_error = error
            .source()
            .and_then(|cause| cause.downcast_ref::<io::Error>())
            .expect("Read keeps the io::Error as its source");
        assert_eq!(io_error.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn config_error_is_send_sync_and_static() {
        fn assert_thread_safe<E: Error + Send + Sync + 'static>() {}
        assert_thread_safe::<ConfigError>();
        assert_thread_safe::<LineError>();
    }

    #[test]
    fn boxed_error_accepts_strings_and_library_errors() {
        assert_eq!(quick_port("port=8080").ok(), Some(8080));
        let missing = quick_port("8080").expect_err("no `=`");
        assert_eq!(missing.to_string(), "expected `port=NUMBER`");
        let not_number = quick_port("port=eighty").expect_err("not a number");
        assert!(not_number.downcast_ref::<ParseIntError>().is_some());
        let zero = quick_port("port=0").expect_err("port 0 is refused");
        assert_eq!(zero.to_string(), "port 0 cannot be bound explicitly");
    }

    #[test]
    fn boxed_send_sync_error_crosses_threads() {
        let handle = std::thread::spawn(|| quick_port("port=x"));
        let result = handle.join().expect("the parsing thread does not panic");
        assert!(result.is_err());
    }

    #[test]
    fn anyhow_context_sits_on_top_of_the_library_chain() {
        let path = Path::new("/nonexistent-directory/server.conf");
        let error = start_server(path).expect_err("the file does not exist");
        let messages: Vec<String> = error.chain().map(ToString::to_string).collect();
        assert_eq!(
            messages.len(),
            3,
            "context, ConfigError, io::Error: {messages:?}"
        );
        assert_eq!(
            messages[0],
            "failed to load the server config from /nonexistent-directory/server.conf"
        );
        assert_eq!(
            messages[1],
            "cannot read `/nonexistent-directory/server.conf`"
        );
        assert!(
            error.downcast_ref::<ConfigError>().is_some(),
            "the typed error is still reachable under the context"
        );
    }

    #[test]
    fn anyhow_bail_rejects_privileged_port_with_many_workers() {
        let dir = std::env::temp_dir().join(format!("example-04-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("the temp directory is writable");
        let path = dir.join("privileged.conf");
        fs::write(&path, "port = 80\nworkers = 4\n").expect("the temp directory is writable");
        let outcome = start_server(&path);
        fs::remove_dir_all(&dir).expect("we created this directory");
        let error = outcome.expect_err("port 80 with 4 workers is refused");
        assert!(error.to_string().starts_with("port 80 is privileged"));
    }

    #[test]
    fn worker_name_formats_valid_indices() {
        let config = ServerConfig {
            port: 8080,
            workers: 2,
        };
        assert_eq!(config.worker_name(1), "worker-1@8080");
    }

    #[test]
    #[should_panic(expected = "worker index 2 out of range for 2 workers")]
    fn worker_name_panics_on_a_caller_bug() {
        let config = ServerConfig {
            port: 8080,
            workers: 2,
        };
        config.worker_name(2);
    }
}
