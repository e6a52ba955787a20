//! Parses the `webserver` command line into a [`Cli`].
//!
//! Hand-written on purpose: five flags do not need a parsing crate, and the loop below shows
//! what one does for you. Both `--flag value` and `--flag=value` are accepted.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::Error;

/// The usage text printed by `--help` and after a usage error.
pub const USAGE: &str = "\
Usage: webserver [OPTIONS]

Serves the files under a directory over HTTP/1.0.

Options:
  --root DIR       directory to serve (default: the current directory)
  --addr ADDR      address to listen on (default: 127.0.0.1:7878)
  --threads N      worker threads (default: 8 per core, between 8 and 128)
  --list-dirs      list directories that have no index.html (default: 403)
  --quiet          do not print the access log
  -h, --help       print this help
";

/// The parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cli {
    /// `--root`.
    pub root: PathBuf,
    /// `--addr`.
    pub addr: SocketAddr,
    /// `--threads`, if given.
    pub threads: Option<usize>,
    /// `--list-dirs`.
    pub list_dirs: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// `--help`.
    pub help: bool,
}

impl Default for Cli {
    fn default() -> Cli {
        Cli {
            root: PathBuf::from("."),
            addr: SocketAddr::from(([127, 0, 0, 1], 7878)),
            threads: None,
            list_dirs: false,
            quiet: false,
            help: false,
        }
    }
}

/// Parses the arguments after the program name.
///
/// # Errors
///
/// [`Error::Usage`] naming the offending argument.
pub fn parse_args<I>(args: I) -> Result<Cli, Error>
where
    I: IntoIterator<Item = String>,
{
    let mut cli = Cli::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline_value
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| Error::Usage(format!("{name} needs a value")))
        };
        match flag.as_str() {
            "--root" => cli.root = PathBuf::from(value("--root")?),
            "--addr" => {
                let text = value("--addr")?;
                cli.addr = text.parse().map_err(|_| {
                    Error::Usage(format!(
                        "--addr {text:?} is not an address like 127.0.0.1:7878"
                    ))
                })?;
            }
            "--threads" => {
                let text = value("--threads")?;
                match text.parse::<usize>() {
                    Ok(threads) if threads > 0 => cli.threads = Some(threads),
                    _ => {
                        return Err(Error::Usage(format!(
                            "--threads {text:?} is not a positive number"
                        )));
                    }
                }
            }
            "--list-dirs" | "--quiet" | "--help" | "-h" if inline_value.is_some() => {
                return Err(Error::Usage(format!("{flag} takes no value")));
            }
            "--list-dirs" => cli.list_dirs = true,
            "--quiet" => cli.quiet = true,
            "--help" | "-h" => cli.help = true,
            _ => return Err(Error::Usage(format!("unknown argument {arg:?}"))),
        }
    }
    Ok(cli)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str], expected: Result<Cli, &str>) {
        let actual = parse_args(args.iter().map(|arg| (*arg).to_owned()));
        match (actual, expected) {
            (Ok(actual), Ok(expected)) => assert_eq!(actual, expected, "{args:?}"),
            (Err(Error::Usage(message)), Err(expected)) => {
                assert!(
                    message.contains(expected),
                    "{args:?}: {message:?} lacks {expected:?}"
                )
            }
            (actual, expected) => panic!("{args:?}: got {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn cli_parses_flags() {
        check(&[], Ok(Cli::default()));
        check(
            &[
                "--root",
                "/srv",
                "--addr=0.0.0.0:80",
                "--threads",
                "8",
                "--list-dirs",
                "--quiet",
            ],
            Ok(Cli {
                root: PathBuf::from("/srv"),
                addr: SocketAddr::from(([0, 0, 0, 0], 80)),
                threads: Some(8),
                list_dirs: true,
                quiet: true,
                help: false,
            }),
        );
        check(
            &["-h"],
            Ok(Cli {
                help: true,
                ..Cli::default()
            }),
        );
    }

    #[test]
    fn cli_rejects_bad_arguments() {
        check(&["--root"], Err("--root needs a value"));
        check(&["--addr", "localhost"], Err("is not an address"));
        check(&["--threads", "0"], Err("not a positive number"));
        check(&["--threads=many"], Err("not a positive number"));
        check(&["--quiet=yes"], Err("takes no value"));
        check(&["--port", "80"], Err("unknown argument \"--port\""));
    }
}
