//! The `kv` command-line tool: argument parsing (clap) and the commands.
//!
//! ```text
//! kv [--db DIR] [--cache-bytes N] [--wal-limit N] [--compact-min-free N]
//!    [--compression none|lz4] [--mmap] COMMAND
//!   get HEXKEY | put HEXKEY HEXVALUE | del HEXKEY
//!   scan [--prefix HEX] [START [END]] | dump | stats | verify [--backup DIR] | checkpoint
//!   batch | backup BACKUP_DIR | restore BACKUP_DIR
//! ```
//!
//! Keys and values are hexadecimal on the command line. Exit codes: 0 success, 1 key not
//! found or other failure, 2 usage error, 3 corruption. `main.rs` only maps [`run`]'s result.

use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::Error;
use crate::store::{Compression, Options, ReadMode, Store};

/// Exit code for "the key does not exist" and other non-corruption failures.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for bad usage.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for corruption.
pub const EXIT_CORRUPT: u8 = 3;

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// Process exit code.
    pub code: u8,
    /// Message for stderr.
    pub message: String,
}

impl Failure {
    fn not_found() -> Self {
        Failure {
            code: EXIT_FAILURE,
            message: "not found".into(),
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

/// Bytes given in hexadecimal on the command line.
#[derive(Debug, Clone)]
struct Hex(Vec<u8>);

fn hex_value(text: &str) -> Result<Hex, String> {
    parse_hex(text).map(Hex)
}

/// An embedded key-value store (keys and values in hexadecimal).
#[derive(Debug, Parser)]
#[command(name = "kv")]
struct Cli {
    /// The store directory.
    #[arg(long, default_value = "./kv-data")]
    db: PathBuf,
    /// Buffer pool budget in bytes.
    #[arg(long)]
    cache_bytes: Option<usize>,
    /// Checkpoint when the log passes this many bytes.
    #[arg(long)]
    wal_limit: Option<u64>,
    /// Compact only when at least this many pages are free.
    #[arg(long)]
    compact_min_free: Option<u64>,
    /// Value compression of a store created by this command (an existing store keeps its own).
    #[arg(long, value_enum, default_value_t = CompressionArg::None)]
    compression: CompressionArg,
    /// Read data pages through a memory map instead of `pread`.
    #[arg(long)]
    mmap: bool,
    #[command(subcommand)]
    command: Command,
}

/// `--compression` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CompressionArg {
    /// Values stored as given.
    None,
    /// LZ4 for values that shrink.
    Lz4,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Prints the value of KEY.
    Get {
        #[arg(value_parser = hex_value)]
        key: Hex,
    },
    /// Sets KEY to VALUE.
    Put {
        #[arg(value_parser = hex_value)]
        key: Hex,
        #[arg(value_parser = hex_value)]
        value: Hex,
    },
    /// Removes KEY.
    Del {
        #[arg(value_parser = hex_value)]
        key: Hex,
    },
    /// Prints the pairs from START (inclusive) to END (exclusive), or those with a prefix.
    Scan {
        /// Only keys that start with these bytes.
        #[arg(long, value_parser = hex_value, conflicts_with_all = ["start", "end"])]
        prefix: Option<Hex>,
        #[arg(value_parser = hex_value)]
        start: Option<Hex>,
        #[arg(value_parser = hex_value)]
        end: Option<Hex>,
    },
    /// Prints every pair.
    Dump,
    /// Prints counters and sizes.
    Stats,
    /// Checks every checksum and structural rule of the store, or of a backup.
    Verify {
        /// Check this backup directory instead of the store (the store is not opened).
        #[arg(long, value_name = "BACKUP_DIR")]
        backup: Option<PathBuf>,
    },
    /// Writes changed pages and empties the log.
    Checkpoint,
    /// Reads operations from standard input, one per line (see the README).
    Batch,
    /// Writes a consistent backup into BACKUP_DIR, copying only pages changed since the
    /// backup already there.
    Backup {
        /// The backup directory (created if missing).
        backup_dir: PathBuf,
    },
    /// Rebuilds the store backed up in BACKUP_DIR as a new store at --db.
    Restore {
        /// The backup directory.
        backup_dir: PathBuf,
    },
}

impl Cli {
    fn options(&self) -> Options {
        let mut options = Options::default();
        if let Some(bytes) = self.cache_bytes {
            options.cache_bytes = bytes;
        }
        if let Some(limit) = self.wal_limit {
            options.wal_limit = limit;
        }
        if let Some(pages) = self.compact_min_free {
            options.compact_min_free_pages = pages;
        }
        if self.mmap {
            options.read_mode = ReadMode::Mmap;
        }
        options.compression = match self.compression {
            CompressionArg::None => Compression::None,
            CompressionArg::Lz4 => Compression::Lz4,
        };
        options
    }
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
    // Arguments are checked before anything is opened, so a typo never creates a store.
    let cli =
        match Cli::try_parse_from(std::iter::once("kv".to_string()).chain(args.iter().cloned())) {
            Ok(cli) => cli,
            Err(err) if !err.use_stderr() => {
                // `--help`: print it and succeed.
                write!(output, "{}", err.render())?;
                return Ok(());
            }
            Err(err) => {
                return Err(Failure {
                    code: EXIT_USAGE,
                    message: err.render().to_string().trim_end().to_string(),
                });
            }
        };
    let dir = &cli.db;
    // Two commands work without opening the store at --db.
    match &cli.command {
        Command::Restore { backup_dir } => {
            let report = Store::restore(backup_dir, dir, cli.options())?;
            writeln!(
                output,
                "ok: restored {} keys (checkpoint {}) into {}",
                report.keys,
                report.generation,
                dir.display()
            )?;
            return Ok(());
        }
        Command::Verify {
            backup: Some(backup_dir),
        } => {
            let report = Store::verify_backup(backup_dir)?;
            writeln!(
                output,
                "ok: backup holds {} keys (checkpoint {})",
                report.keys, report.generation
            )?;
            return Ok(());
        }
        _ => {}
    }
    let store = Store::open(dir, cli.options()).map_err(|err| {
        let mut failure = Failure::from(err);
        failure.message = format!("cannot open {}: {}", dir.display(), failure.message);
        failure
    })?;
    let result = run_command(&store, cli.command, input, output);
    let closed = store.close();
    result?;
    closed?;
    Ok(())
}

fn run_command(
    store: &Store,
    command: Command,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), Failure> {
    match command {
        Command::Get { key } => match store.get(&key.0)? {
            Some(value) => writeln!(output, "{}", to_hex(&value))?,
            None => return Err(Failure::not_found()),
        },
        Command::Put { key, value } => {
            store.put(&key.0, &value.0)?;
            writeln!(output, "ok")?;
        }
        Command::Del { key } => {
            if !store.delete(&key.0)? {
                return Err(Failure::not_found());
            }
            writeln!(output, "ok")?;
        }
        Command::Scan { prefix, start, end } => {
            let iter = match (prefix, start, end) {
                (Some(prefix), _, _) => store.scan_prefix(&prefix.0)?,
                (None, start, Some(end)) => {
                    store.range(start.map(|start| start.0).unwrap_or_default()..end.0)?
                }
                (None, start, None) => {
                    store.range(start.map(|start| start.0).unwrap_or_default()..)?
                }
            };
            print_pairs(iter, output)?;
        }
        Command::Dump => print_pairs(store.range::<&[u8], _>(..)?, output)?,
        Command::Stats => {
            let stats = store.stats();
            writeln!(output, "{stats:#?}")?;
        }
        Command::Verify { .. } => {
            let report = store.verify()?;
            writeln!(
                output,
                "ok: {} keys, {} tree pages, {} free pages, depth {}",
                report.keys, report.tree_pages, report.free_pages, report.depth
            )?;
        }
        Command::Checkpoint => {
            store.checkpoint()?;
            writeln!(output, "ok")?;
        }
        Command::Batch => batch(store, input, output)?,
        Command::Backup { backup_dir } => {
            let report = store.backup(&backup_dir)?;
            writeln!(
                output,
                "ok: wrote {} bytes ({} of {} pages changed, {} keys, checkpoint {})",
                report.bytes_written,
                report.pages_copied,
                report.pages_total,
                report.keys,
                report.generation
            )?;
        }
        // Handled in `run` before the store is opened.
        Command::Restore { .. } => {}
    }
    output.flush()?;
    Ok(())
}

fn print_pairs(pairs: crate::store::Iter<'_>, output: &mut dyn Write) -> Result<(), Failure> {
    for pair in pairs {
        let (key, value) = pair?;
        writeln!(output, "{} {}", to_hex(&key), to_hex(&value))?;
    }
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
