//! The `kv` command-line tool: argument parsing and the commands.
//!
//! ```text
//! kv [--db DIR] [--cache-bytes N] [--wal-limit N] [--compact-min-free N] COMMAND
//!   get HEXKEY | put HEXKEY HEXVALUE | del HEXKEY
//!   scan [--prefix HEX] [START [END]] | dump | stats | verify | checkpoint | batch
//! ```
//!
//! Keys and values are hexadecimal on the command line. Exit codes: 0 success, 1 key not
//! found or other failure, 2 usage error, 3 corruption. `main.rs` only maps [`run`]'s result.

use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use crate::error::Error;
use crate::store::{Options, Store};

/// Exit code for "the key does not exist" and other non-corruption failures.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for bad usage.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for corruption.
pub const EXIT_CORRUPT: u8 = 3;

const USAGE: &str = "usage: kv [--db DIR] [--cache-bytes N] [--wal-limit N] \
[--compact-min-free N] get HEXKEY | put HEXKEY HEXVALUE | del HEXKEY | scan [--prefix HEX] [START [END]] | \
dump | stats | verify | checkpoint | batch";

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// Process exit code.
    pub code: u8,
    /// Message for stderr.
    pub message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_USAGE,
            message: format!("{}\n{USAGE}", message.into()),
        }
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        if err.is_corruption() {
            let text = err.to_string();
            let message = if text.contains("corrupt") {
                text
            } else {
                format!("corrupt store: {text}")
            };
            Failure {
                code: EXIT_CORRUPT,
                message,
            }
        } else {
            Failure {
                code: EXIT_FAILURE,
                message: err.to_string(),
            }
        }
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Self {
        Failure {
            code: EXIT_FAILURE,
            message: err.to_string(),
        }
    }
}

/// Decodes a hexadecimal string.
///
/// # Errors
/// A message naming the problem (odd length or a non-hex character).
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    if !text.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits in {text:?}"));
    }
    let digit = |c: u8| -> Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(format!("not a hex digit: {:?}", c as char)),
        }
    };
    text.as_bytes()
        .chunks(2)
        .map(|pair| Ok(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// Encodes bytes as lowercase hexadecimal.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 15)] as char);
    }
    out
}

fn hex_arg(args: &[String], index: usize, what: &str) -> Result<Vec<u8>, Failure> {
    let text = args
        .get(index)
        .ok_or_else(|| Failure::usage(format!("missing {what}")))?;
    parse_hex(text).map_err(|err| Failure::usage(format!("bad {what}: {err}")))
}

fn number_arg(value: Option<&String>, flag: &str) -> Result<u64, Failure> {
    value
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| Failure::usage(format!("{flag} needs a number")))
}

/// Runs the tool with `args` (without the program name), reading `input` for `batch` and
/// writing results to `output`.
///
/// # Errors
/// A [`Failure`] carrying the exit code and message.
pub fn run(
    args: &[String],
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), Failure> {
    let mut dir = PathBuf::from("./kv-data");
    let mut options = Options::default();
    let mut index = 0;
    while index < args.len() && args[index].starts_with("--") {
        let flag = args[index].as_str();
        let value = args.get(index + 1);
        match flag {
            "--db" => {
                dir = PathBuf::from(value.ok_or_else(|| Failure::usage("--db needs a directory"))?);
            }
            "--cache-bytes" => {
                options.cache_bytes = usize::try_from(number_arg(value, flag)?)
                    .map_err(|_| Failure::usage("--cache-bytes is too large"))?;
            }
            "--wal-limit" => options.wal_limit = number_arg(value, flag)?,
            "--compact-min-free" => options.compact_min_free_pages = number_arg(value, flag)?,
            "--help" => {
                writeln!(output, "{USAGE}")?;
                return Ok(());
            }
            other => return Err(Failure::usage(format!("unknown option {other}"))),
        }
        index += 2;
    }
    let Some(command) = args.get(index) else {
        return Err(Failure::usage("missing command"));
    };
    let rest = &args[index + 1..];
    // Check arguments before opening, so a typo never creates a store.
    match command.as_str() {
        "get" | "del" => {
            hex_arg(rest, 0, "key")?;
        }
        "put" => {
            hex_arg(rest, 0, "key")?;
            hex_arg(rest, 1, "value")?;
        }
        "scan" | "dump" | "stats" | "verify" | "checkpoint" | "batch" => {}
        other => return Err(Failure::usage(format!("unknown command {other}"))),
    }
    let store = Store::open(&dir, options).map_err(|err| {
        let mut failure = Failure::from(err);
        failure.message = format!("cannot open {}: {}", dir.display(), failure.message);
        failure
    })?;
    let result = run_command(&store, command, rest, input, output);
    let closed = store.close();
    result?;
    closed?;
    Ok(())
}

fn run_command(
    store: &Store,
    command: &str,
    rest: &[String],
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), Failure> {
    match command {
        "get" => match store.get(&hex_arg(rest, 0, "key")?)? {
            Some(value) => writeln!(output, "{}", to_hex(&value))?,
            None => {
                return Err(Failure {
                    code: EXIT_FAILURE,
                    message: "not found".into(),
                });
            }
        },
        "put" => {
            store.put(&hex_arg(rest, 0, "key")?, &hex_arg(rest, 1, "value")?)?;
            writeln!(output, "ok")?;
        }
        "del" => {
            if !store.delete(&hex_arg(rest, 0, "key")?)? {
                return Err(Failure {
                    code: EXIT_FAILURE,
                    message: "not found".into(),
                });
            }
            writeln!(output, "ok")?;
        }
        "scan" => {
            let iter = if rest.first().map(String::as_str) == Some("--prefix") {
                store.scan_prefix(&hex_arg(rest, 1, "prefix")?)?
            } else {
                let start = if rest.is_empty() {
                    Vec::new()
                } else {
                    hex_arg(rest, 0, "start key")?
                };
                if rest.len() > 1 {
                    store.range(start..hex_arg(rest, 1, "end key")?)?
                } else {
                    store.range(start..)?
                }
            };
            for pair in iter {
                let (key, value) = pair?;
                writeln!(output, "{} {}", to_hex(&key), to_hex(&value))?;
            }
        }
        "dump" => {
            for pair in store.range::<&[u8], _>(..)? {
                let (key, value) = pair?;
                writeln!(output, "{} {}", to_hex(&key), to_hex(&value))?;
            }
        }
        "stats" => {
            let stats = store.stats();
            writeln!(output, "{stats:#?}")?;
        }
        "verify" => {
            let report = store.verify()?;
            writeln!(
                output,
                "ok: {} keys, {} tree pages, {} free pages, depth {}",
                report.keys, report.tree_pages, report.free_pages, report.depth
            )?;
        }
        "checkpoint" => {
            store.checkpoint()?;
            writeln!(output, "ok")?;
        }
        "batch" => batch(store, input, output)?,
        other => return Err(Failure::usage(format!("unknown command {other}"))),
    }
    output.flush()?;
    Ok(())
}

/// Runs `batch`: one operation per input line; see the crate README for the protocol.
/// `ok <n>` (n counts acknowledged commits in this session) is printed only after the commit
/// is durable. An error in one line prints `err <message>` and the batch continues, except
/// that a failed commit stops it (the store refuses writes after a failed sync).
fn batch(store: &Store, input: &mut dyn BufRead, output: &mut dyn Write) -> Result<(), Failure> {
    let mut acknowledged = 0u64;
    let mut txn = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            // End of input inside a transaction: it was never committed, so it vanishes.
            return Ok(());
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(&op) = words.first() else { continue };
        let hex = |index: usize| -> Result<Vec<u8>, String> {
            parse_hex(words.get(index).ok_or("missing argument")?)
        };
        let outcome: Result<Option<String>, String> = (|| match op {
            "begin" if txn.is_some() => Err("already in a transaction".to_string()),
            "begin" => {
                txn = Some(store.begin().map_err(|err| err.to_string())?);
                Ok(None)
            }
            "commit" => {
                let open = txn.take().ok_or("commit without begin")?;
                open.commit().map_err(|err| err.to_string())?;
                acknowledged += 1;
                Ok(Some(format!("ok {acknowledged}")))
            }
            "rollback" => {
                txn.take().ok_or("rollback without begin")?.rollback();
                Ok(Some("rolled back".to_string()))
            }
            "put" | "del" => {
                let key = hex(1)?;
                let value = if op == "put" { Some(hex(2)?) } else { None };
                match (&mut txn, value) {
                    (Some(open), Some(value)) => open.put(&key, &value).map(|_| None),
                    (Some(open), None) => open.delete(&key).map(|_| None),
                    (None, Some(value)) => store.put(&key, &value).map(|()| Some(())),
                    (None, None) => store.delete(&key).map(|_| Some(())),
                }
                .map_err(|err| err.to_string())
                .map(|done| {
                    done.map(|()| {
                        acknowledged += 1;
                        format!("ok {acknowledged}")
                    })
                })
            }
            "get" => {
                let key = hex(1)?;
                let value = match &txn {
                    Some(open) => open.get(&key),
                    None => store.get(&key),
                }
                .map_err(|err| err.to_string())?;
                Ok(Some(match value {
                    Some(value) => format!("value {}", to_hex(&value)),
                    None => "missing".to_string(),
                }))
            }
            other => Err(format!("unknown operation {other:?}")),
        })();
        match outcome {
            Ok(Some(reply)) => writeln!(output, "{reply}")?,
            Ok(None) => {}
            Err(message) => writeln!(output, "err {message}")?,
        }
        output.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_table() {
        let check = |text: &str, expected: Result<Vec<u8>, ()>| {
            assert_eq!(parse_hex(text).map_err(|_| ()), expected, "{text:?}");
        };
        check("", Ok(vec![]));
        check("00ff", Ok(vec![0, 255]));
        check("ABcd", Ok(vec![0xab, 0xcd]));
        check("abc", Err(()));
        check("zz", Err(()));
        check("é1", Err(()));
        assert_eq!(to_hex(&[0, 1, 0xfe]), "0001fe");
    }

    fn run_batch(dir: &std::path::Path, script: &str) -> String {
        let args = vec![
            "--db".to_string(),
            dir.display().to_string(),
            "batch".to_string(),
        ];
        let mut output = Vec::new();
        run(&args, &mut script.as_bytes(), &mut output).unwrap();
        String::from_utf8(output).unwrap()
    }

    #[test]
    fn batch_protocol_table() {
        let dir = tempfile::tempdir().unwrap();
        let out = run_batch(
            dir.path(),
            "put 01 aa\nbegin\nput 02 bb\nget 02\ncommit\nbegin\nput 03 cc\nrollback\nget 03\ndel 01\nbogus\ncommit\nput 0 1\n",
        );
        assert_eq!(
            out,
            "ok 1\nvalue bb\nok 2\nrolled back\nmissing\nok 3\nerr unknown operation \"bogus\"\nerr commit without begin\nerr odd number of hex digits in \"0\"\n"
        );
        let out = run_batch(dir.path(), "get 02\nget 01\nbegin\nput 09 09\n");
        assert_eq!(out, "value bb\nmissing\n");
        // The unfinished transaction left no trace.
        assert_eq!(run_batch(dir.path(), "get 09\n"), "missing\n");
    }
}
