//! The `webserver` command line, declared with clap's derive API.
//!
//! clap parses both `--flag value` and `--flag=value`, prints `--help`, and reports a bad
//! argument with the usage line and exit status 2. What is ours is the vocabulary (five flags)
//! and the two checks clap cannot know: an address must be a socket address, and a thread count
//! must be positive.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// The parsed command line.
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(
    name = "webserver",
    about = "Serves the files under a directory over HTTP/1.0."
)]
pub struct Cli {
    /// directory to serve (default: the current directory)
    #[arg(
        long,
        value_name = "DIR",
        default_value = ".",
        hide_default_value = true
    )]
    pub root: PathBuf,
    /// address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878", value_parser = parse_addr)]
    pub addr: SocketAddr,
    /// worker threads (default: 8 per core, between 8 and 128)
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// list directories that have no index.html (default: 403)
    #[arg(long)]
    pub list_dirs: bool,
    /// do not print the access log
    #[arg(long)]
    pub quiet: bool,
}

/// `--addr`: `SocketAddr`'s own parser, with a message that shows the expected form.
fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not an address like 127.0.0.1:7878"))
}

/// `--threads`: a pool of zero threads could never answer, so zero is refused here, where the
/// user can be told, rather than by the pool at start-up.
fn parse_threads(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(threads) if threads > 0 => Ok(threads),
        _ => Err(format!("{text:?} is not a positive number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("webserver").chain(args.iter().copied()))
    }

    fn check_error(args: &[&str], kind: ErrorKind, expected: &str) {
        let error = parse(args).expect_err("a usage error");
        let message = error.to_string();
        assert_eq!(error.kind(), kind, "{args:?}: {message}");
        assert!(
            message.contains(expected),
            "{args:?}: {message:?} lacks {expected:?}"
        );
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn cli_defaults_serve_the_current_directory_on_port_7878() {
        let cli = parse(&[]).expect("no arguments are fine");
        assert_eq!(cli.root, PathBuf::from("."));
        assert_eq!(cli.addr, SocketAddr::from(([127, 0, 0, 1], 7878)));
        assert_eq!(cli.threads, None);
        assert!(!cli.list_dirs && !cli.quiet);
    }

    #[test]
    fn cli_parses_every_flag_in_both_spellings() {
        let cli = parse(&[
            "--root",
            "/srv",
            "--addr=0.0.0.0:80",
            "--threads",
            "8",
            "--list-dirs",
            "--quiet",
        ])
        .expect("valid arguments");
        assert_eq!(
            cli,
            Cli {
                root: PathBuf::from("/srv"),
                addr: SocketAddr::from(([0, 0, 0, 0], 80)),
                threads: Some(8),
                list_dirs: true,
                quiet: true,
            }
        );
    }

    #[test]
    fn cli_rejects_bad_arguments_with_a_reason() {
        check_error(&["--root"], ErrorKind::InvalidValue, "--root <DIR>");
        check_error(
            &["--addr", "localhost"],
            ErrorKind::ValueValidation,
            "is not an address like 127.0.0.1:7878",
        );
        check_error(
            &["--threads", "0"],
            ErrorKind::ValueValidation,
            "not a positive number",
        );
        check_error(
            &["--threads=many"],
            ErrorKind::ValueValidation,
            "not a positive number",
        );
        check_error(&["--quiet=yes"], ErrorKind::TooManyValues, "--quiet");
        check_error(&["--port", "80"], ErrorKind::UnknownArgument, "'--port'");
    }

    #[test]
    fn cli_help_lists_every_flag() {
        let help = Cli::command().render_help().to_string();
        for flag in [
            "--root <DIR>",
            "--addr <ADDR>",
            "--threads <N>",
            "--list-dirs",
            "--quiet",
            "-h, --help",
        ] {
            assert!(help.contains(flag), "{flag} missing from {help}");
        }
    }
}
