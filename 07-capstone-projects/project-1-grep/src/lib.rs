//! `minigrep`: a search tool that behaves like GNU grep 3.8 and searches buffers, not lines.
//!
//! # Layout
//!
//! The crate follows ripgrep's division of labour, one module per job:
//!
//! - [`cli`]: command-line arguments → [`Config`]. No searching.
//! - [`matcher`]: patterns → a compiled [`Matcher`] that finds matching lines in a buffer. No I/O.
//! - [`searcher`]: reads an input in large chunks, asks the matcher, and decides which lines are
//!   selected or context (GNU grep's state machine). It hands lines to a [`searcher::Sink`] and
//!   never formats.
//! - `mmap` (private): one window of a file mapped into memory, the crate's only `unsafe` code.
//! - [`printer`]: formats lines (`file:`, `N:`, `--`, `-o`, colors); implements the searcher's
//!   `Sink`. The only module that writes to standard output.
//! - This file: [`run`], which walks the file operands (and directories with `-r`), reports
//!   per-file errors on standard error, and computes the exit status.
//!
//! `src/main.rs` only parses the arguments, resolves them against its surroundings into a
//! [`RunConfig`] (terminal, `/dev/null`, the memory-map policy it vouches for), calls [`run`]
//! and turns the result into an exit code.

#![warn(clippy::unwrap_used)]

pub mod cli;
mod error;
mod glob;
pub mod matcher;
mod mmap;
mod posix;
pub mod printer;
pub mod searcher;

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

pub use cli::Config;
pub use error::{Error, describe_io};
pub use matcher::Matcher;

use cli::{ColorChoice, FileNames};
use printer::{PrintOptions, Printer};
use searcher::{BinaryFiles, MmapPolicy, Mode, SearchOptions, Searcher};

/// The program name used in messages when the binary is not told another one.
pub const PROGRAM: &str = "minigrep";

/// How a run ended; [`Status::code`] is the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// At least one line was selected (exit 0).
    Selected,
    /// No line was selected (exit 1).
    NothingSelected,
    /// A file could not be read, and `-q` did not find a match (exit 2).
    Trouble,
}

impl Status {
    /// The exit status GNU grep uses for this outcome.
    pub fn code(self) -> u8 {
        // course:solution p1.1 Map each outcome to GNU grep's exit status: 0 when a line was selected, 1 when none was, 2 after trouble.
        match self {
            Status::Selected => 0,
            Status::NothingSelected => 1,
            Status::Trouble => 2,
        }
        // course:end
    }
}

/// What the binary found out about its surroundings: the facts a parsed [`Config`] still
/// depends on.
#[derive(Debug, Clone, Copy, Default)]
pub struct Surroundings {
    /// Standard output is a terminal and `TERM` is set and not `dumb` (for `--color=auto`).
    pub color_terminal: bool,
    /// Standard output is `/dev/null`; see [`Mode::Discard`].
    pub output_discarded: bool,
    /// (device, inode) of standard output when it is a regular file, so an input that is the
    /// output file can be refused instead of read in a loop.
    pub output_identity: Option<(u64, u64)>,
    /// When regular files are mapped into memory instead of read.
    pub mmap: MmapPolicy,
    /// The values of `GREP_COLORS` and `GREP_COLOR` (see [`printer::Colors::from_env`]).
    pub color_variables: (Option<&'static str>, Option<&'static str>),
    /// The name messages start with: the last part of `argv[0]`, as GNU grep does (so a
    /// link named `grep` says `grep:`); `None` means [`PROGRAM`].
    pub program: Option<&'static str>,
}

/// A [`Config`] with every decision that depends on the surroundings made: what [`run`] takes.
///
/// Its only constructor is [`RunConfig::new`], so a run cannot receive an undecided
/// `--color=auto`.
#[derive(Debug, Clone)]
pub struct RunConfig {
    config: Config,
    color: bool,
    surroundings: Surroundings,
}

impl RunConfig {
    /// Decides `--color=auto` from `surroundings` and keeps the other facts for the run.
    pub fn new(config: Config, surroundings: Surroundings) -> RunConfig {
        let color = match config.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => surroundings.color_terminal,
        };
        RunConfig {
            config,
            color,
            surroundings,
        }
    }

    /// The parsed command line.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// True when output is colored.
    pub fn color(&self) -> bool {
        self.color
    }
}

/// Searches every operand of `run_config`, writing results to `stdout` and messages to
/// `stderr`.
///
/// # Errors
///
/// [`Error::Pattern`] for a pattern that does not compile, and [`Error::Write`] when standard
/// output cannot be written. Unreadable files are not errors of the run: they are reported on
/// `stderr` and turn the status into [`Status::Trouble`].
pub fn run<W: Write>(
    run_config: &RunConfig,
    stdout: W,
    stderr: &mut dyn Write,
) -> Result<Status, Error> {
    let config = run_config.config();
    let surroundings = run_config.surroundings;
    // GNU grep 3.8 turns "no patterns at all" (`-f /dev/null`) into "-v with the empty pattern",
    // which selects nothing; and -v with -f /dev/null into plain "", which selects everything.
    let empty_pattern: Vec<Vec<u8>> = vec![Vec::new()];
    // course:solution p1.2 Decide the patterns, -v and the match options of the run (and GNU's rule for "no patterns at all").
    let (patterns, invert, match_options) = if config.patterns.is_empty() {
        let mut options = config.match_options;
        options.line = false;
        options.word = false;
        (&empty_pattern, !config.invert, options)
    } else {
        (&config.patterns, config.invert, config.match_options)
    };
    // course:stub
    // let _ = &empty_pattern;
    // let (patterns, invert, match_options) = (&config.patterns, false, config.match_options);
    // course:end
    // GNU grep notices when its output is /dev/null: -q wins, and otherwise nothing is printed
    // and each file stops at its first selected line (-c, -l and -L are then ignored).
    let mode = if surroundings.output_discarded && config.mode != Mode::Quiet {
        Mode::Discard
    } else {
        config.mode
    };
    // When the answer is known to be "nothing selected", GNU grep does not even open the files
    // (so it reports no missing ones) -- except for -L, which must still list them.
    // (GNU grep drops duplicate patterns first, so `-e '' -e ''` counts as one empty pattern.)
    let selects_nothing = config.max_count == Some(0)
        || (patterns.iter().all(Vec::is_empty)
            && invert
            && !match_options.line
            && !match_options.word);
    if selects_nothing && mode != Mode::FilesWithoutMatch {
        return Ok(Status::NothingSelected);
    }
    let matcher = Matcher::new(patterns, match_options)?;
    let lines_mode = mode == Mode::Lines;
    let print_options = PrintOptions {
        line_number: config.line_number,
        only_matching: config.only_matching,
        invert,
        color: run_config.color(),
        text: config.binary_files == BinaryFiles::Text,
        byte_offset: config.byte_offset,
        null_after_name: config.null_after_name,
        line_buffered: config.line_buffered,
        initial_tab: config.initial_tab,
    };
    let search_options = SearchOptions {
        mode,
        invert,
        before: if lines_mode { config.before } else { None },
        after: if lines_mode { config.after } else { None },
        max_count: config.max_count,
        line_number: config.line_number && lines_mode,
        binary_files: config.binary_files,
        mmap: surroundings.mmap,
    };
    let (colors, color_warning) = printer::Colors::from_env(
        surroundings.color_variables.0,
        surroundings.color_variables.1,
    );
    if let Some(warning) = color_warning.filter(|_| run_config.color()) {
        let _ = writeln!(
            stderr,
            "{}: {warning}",
            surroundings.program.unwrap_or(PROGRAM)
        );
    }
    let mut walk = Walk {
        program: surroundings.program.unwrap_or(PROGRAM),
        config,
        output_identity: surroundings.output_identity,
        mode,
        searcher: Searcher::new(&matcher, search_options),
        printer: Printer::new(stdout, print_options, &matcher)
            .with_group_separator(config.group_separator.clone())
            .with_colors(colors),
        stderr,
        ancestors: Vec::new(),
        trouble: false,
        selected: false,
    };
    let outcome = walk.operands();
    walk.printer.finish().map_err(Error::Write)?;
    outcome?;
    // course:solution p1.1 The status of the whole run: trouble (2) wins over a match (0) unless -q found one; otherwise 0 or 1.
    Ok(if walk.selected && mode == Mode::Quiet {
        // -q: a match wins over any error, as in GNU grep.
        Status::Selected
    } else if walk.trouble {
        Status::Trouble
    } else if walk.selected {
        Status::Selected
    } else {
        Status::NothingSelected
    })
    // course:decoy error-hides-behind-a-match Any selected line makes the status 0, even when another file could not be read.
    // Ok(if walk.selected {
    //     Status::Selected
    // } else if walk.trouble {
    //     Status::Trouble
    // } else {
    //     Status::NothingSelected
    // })
    // course:end
}

/// Tells the walk to stop early: `-q` found its match.
struct StopAll;

/// The state of one run over all operands.
struct Walk<'c, 'm, 'e, W: Write> {
    /// The name that starts messages.
    program: &'static str,
    config: &'c Config,
    /// See [`Surroundings::output_identity`].
    output_identity: Option<(u64, u64)>,
    /// `config.mode`, or [`Mode::Discard`] when standard output is `/dev/null`.
    mode: Mode,
    searcher: Searcher<'m>,
    printer: Printer<'m, W>,
    stderr: &'e mut dyn Write,
    /// (device, inode) of the directories the walk is inside, to notice loops with `-R`.
    ancestors: Vec<(u64, u64)>,
    /// A file could not be read.
    trouble: bool,
    /// Some line was selected in some file.
    selected: bool,
}

impl<W: Write> Walk<'_, '_, '_, W> {
    fn operands(&mut self) -> Result<(), Error> {
        let config = self.config;
        let several = config.paths.len() > 1;
        let result = if config.paths.is_empty() {
            if config.recursive {
                // `-r` without operands searches `.` and prints names without the `./` prefix.
                self.directory(Path::new("."), None)
            } else {
                self.input(Path::new("-"), &self.stdin_name(), several)
            }
        } else {
            let mut result = Ok(());
            for path in &config.paths {
                result = self.operand(Path::new(path), several);
                if !matches!(result, Ok(())) {
                    break;
                }
            }
            result
        };
        match result {
            Ok(()) | Err(Interrupt::Stop(StopAll)) => Ok(()),
            Err(Interrupt::Fatal(error)) => Err(error),
        }
    }

    /// Searches one command-line operand.
    fn operand(&mut self, path: &Path, several: bool) -> Result<(), Interrupt> {
        let display = path.as_os_str().as_bytes();
        if display == b"-" {
            return self.input(path, &self.stdin_name(), several);
        }
        let config = self.config;
        if config.recursive || config.skip_directories || config.skip_devices {
            // Command-line operands are followed even when they are symbolic links.
            match std::fs::metadata(path) {
                Ok(metadata) if metadata.is_dir() => {
                    if config.skip_directories || self.excluded_directory(display) {
                        return Ok(());
                    }
                    if config.recursive {
                        return self.directory(path, Some(display));
                    }
                }
                Ok(metadata) if config.skip_devices && is_device(&metadata) => return Ok(()),
                Ok(_) => {}
                Err(error) if config.recursive => {
                    self.report(display, &error);
                    return Ok(());
                }
                Err(_) => {}
            }
        }
        if self.excluded_file(display) {
            return Ok(());
        }
        self.input(path, display, several)
    }

    /// The name shown for standard input: `--label`, or `(standard input)`.
    fn stdin_name(&self) -> Vec<u8> {
        self.config
            .label
            .clone()
            .unwrap_or_else(|| b"(standard input)".to_vec())
    }

    /// `--include` / `--exclude` reject this file name (GNU's rule: the last matching one wins).
    fn excluded_file(&self, name: &[u8]) -> bool {
        cli::FileFilter::excludes(&self.config.file_filters, name)
    }

    /// `--exclude-dir` rejects this directory name.
    fn excluded_directory(&self, name: &[u8]) -> bool {
        // `--exclude-dir=dir/` means the directory `dir`.
        self.config.exclude_dir.iter().any(|glob| {
            let glob = glob.strip_suffix(b"/").unwrap_or(glob);
            glob::matches_name(glob, name)
        })
    }

    /// Searches a directory tree, in directory order (as GNU grep's `fts` walk does).
    ///
    /// Inside the tree, symbolic links, devices, FIFOs and sockets are skipped, like `grep -r`.
    fn directory(&mut self, path: &Path, display: Option<&[u8]>) -> Result<(), Interrupt> {
        let shown = display.unwrap_or(b".");
        // With -R, a symbolic link can lead back to a directory we are inside; GNU grep's fts
        // walk notices that and warns instead of looping.
        let identity = std::fs::metadata(path)
            .ok()
            .map(|metadata| (metadata.dev(), metadata.ino()));
        if let Some(identity) = identity {
            if self.ancestors.contains(&identity) {
                if !self.config.no_messages {
                    let _ = writeln!(
                        self.stderr,
                        "{}: {}: warning: recursive directory loop",
                        self.program,
                        String::from_utf8_lossy(shown)
                    );
                }
                return Ok(());
            }
            self.ancestors.push(identity);
        }
        let result = self.directory_entries(path, display);
        if identity.is_some() {
            self.ancestors.pop();
        }
        result
    }

    /// Searches the entries of one directory (see [`Walk::directory`]).
    fn directory_entries(&mut self, path: &Path, display: Option<&[u8]>) -> Result<(), Interrupt> {
        // course:solution p1.6 Walk one directory: for each entry build its displayed name, follow links only with -R, recurse into directories (unless --exclude-dir) and search regular files (unless excluded).
        let shown = display.unwrap_or(b".");
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(error) => {
                self.report(shown, &error);
                return Ok(());
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    self.report(shown, &error);
                    continue;
                }
            };
            let name = entry.file_name();
            let child_display = match display {
                Some(parent) => {
                    let parent = parent.strip_suffix(b"/").unwrap_or(parent);
                    let mut joined = parent.to_vec();
                    joined.push(b'/');
                    joined.extend_from_slice(name.as_bytes());
                    joined
                }
                None => name.as_bytes().to_vec(),
            };
            let child_path = path.join(&name);
            let file_type = match entry.file_type() {
                // -R follows symbolic links inside the tree; -r does not.
                Ok(file_type) if file_type.is_symlink() && self.config.follow_symlinks => {
                    match std::fs::metadata(&child_path) {
                        Ok(metadata) => metadata.file_type(),
                        Err(error) => {
                            self.report(&child_display, &error);
                            continue;
                        }
                    }
                }
                Ok(file_type) => file_type,
                Err(error) => {
                    self.report(&child_display, &error);
                    continue;
                }
            };
            if file_type.is_dir() {
                if !self.excluded_directory(name.as_bytes()) {
                    self.directory(&child_path, Some(&child_display))?;
                }
            } else if file_type.is_file() && !self.excluded_file(name.as_bytes()) {
                self.input(&child_path, &child_display, true)?;
            }
        }
        Ok(())
        // course:stub
        // // Directories are not walked yet.
        // let _ = (path, display);
        // Ok(())
        // course:decoy follows-links-inside-the-tree Follows symbolic links met inside the tree with -r too, where GNU grep skips them (only -R follows them).
        // let shown = display.unwrap_or(b".");
        // let entries = match std::fs::read_dir(path) {
        //     Ok(entries) => entries,
        //     Err(error) => {
        //         self.report(shown, &error);
        //         return Ok(());
        //     }
        // };
        // for entry in entries {
        //     let entry = match entry {
        //         Ok(entry) => entry,
        //         Err(error) => {
        //             self.report(shown, &error);
        //             continue;
        //         }
        //     };
        //     let name = entry.file_name();
        //     let child_display = match display {
        //         Some(parent) => {
        //             let parent = parent.strip_suffix(b"/").unwrap_or(parent);
        //             let mut joined = parent.to_vec();
        //             joined.push(b'/');
        //             joined.extend_from_slice(name.as_bytes());
        //             joined
        //         }
        //         None => name.as_bytes().to_vec(),
        //     };
        //     let child_path = path.join(&name);
        //     let file_type = match entry.file_type() {
        //         // Every link is followed, as if every walk were -R.
        //         Ok(file_type) if file_type.is_symlink() => {
        //             match std::fs::metadata(&child_path) {
        //                 Ok(metadata) => metadata.file_type(),
        //                 Err(error) => {
        //                     self.report(&child_display, &error);
        //                     continue;
        //                 }
        //             }
        //         }
        //         Ok(file_type) => file_type,
        //         Err(error) => {
        //             self.report(&child_display, &error);
        //             continue;
        //         }
        //     };
        //     if file_type.is_dir() {
        //         if !self.excluded_directory(name.as_bytes()) {
        //             self.directory(&child_path, Some(&child_display))?;
        //         }
        //     } else if file_type.is_file() && !self.excluded_file(name.as_bytes()) {
        //         self.input(&child_path, &child_display, true)?;
        //     }
        // }
        // Ok(())
        // course:end
    }

    /// Opens and searches one file (or standard input for `-`).
    fn input(&mut self, path: &Path, display: &[u8], several: bool) -> Result<(), Interrupt> {
        let show_name = match self.config.file_names {
            FileNames::Always => true,
            FileNames::Never => false,
            FileNames::Auto => several,
        };
        self.printer.begin_file(show_name.then_some(display));
        let summary = if path.as_os_str() == OsStr::new("-") {
            // course:solution p1.2 Search standard input: lock it, search it, and (after -l/-L or -m) leave it as GNU grep leaves it.
            let stdin = io::stdin();
            if self.is_output(&stdin.as_fd()) {
                self.report_input_is_output(display);
                return Ok(());
            }
            self.printer
                .set_input_size(regular_file_size(&stdin.as_fd()));
            let mut lock = stdin.lock();
            let summary = self.search(&mut lock)?;
            if summary.stopped_at.is_none()
                && matches!(
                    self.mode,
                    Mode::Discard | Mode::FilesWithMatches | Mode::FilesWithoutMatch
                )
            {
                // Settled early, but not by -m: like GNU grep, read standard input to its end,
                // so the program writing into the pipe is not killed by SIGPIPE.
                let _ = io::copy(&mut lock, &mut io::sink());
            }
            if let Some(offset) = summary.stopped_at {
                // Like GNU grep, leave a seekable standard input just after the last selected
                // line, so `(grep -m1 x; cat) < file` goes on from there. A pipe cannot seek,
                // and that is not an error.
                if let Ok(descriptor) = stdin.as_fd().try_clone_to_owned() {
                    use std::io::Seek;
                    let _ = File::from(descriptor).seek(io::SeekFrom::Start(offset));
                }
            }
            summary
            // course:stub
            // // Standard input is not searched yet.
            // return Ok(());
            // course:end
        } else {
            match File::open(path) {
                Ok(file) if self.is_output(&file.as_fd()) => {
                    self.report_input_is_output(display);
                    return Ok(());
                }
                Ok(mut file) => {
                    self.printer
                        .set_input_size(regular_file_size(&file.as_fd()));
                    self.searcher
                        .search_file(&mut file, &mut self.printer)
                        .map_err(fatal_write)?
                }
                Err(error) => {
                    self.report(display, &error);
                    return Ok(());
                }
            }
        };
        if let Some(error) = &summary.read_error {
            self.report(display, error);
        }
        let selected = summary.selected > 0;
        self.selected |= selected;
        match self.mode {
            Mode::Count => self.printer.count(summary.selected),
            Mode::FilesWithMatches if selected => self.printer.file_name_line(display),
            Mode::FilesWithoutMatch if !selected => self.printer.file_name_line(display),
            _ => {}
        }
        if summary.binary_matches {
            let _ = writeln!(
                self.stderr,
                "{}: {}: binary file matches",
                self.program,
                String::from_utf8_lossy(display)
            );
        }
        self.printer.flush_chunk().map_err(fatal_write)?;
        if selected && self.mode == Mode::Quiet {
            return Err(Interrupt::Stop(StopAll));
        }
        Ok(())
    }

    fn search(&mut self, reader: &mut dyn Read) -> Result<searcher::FileSummary, Interrupt> {
        self.searcher
            .search(reader, &mut self.printer)
            .map_err(fatal_write)
    }

    /// True when `input` is the regular file standard output writes to, and reading it would
    /// feed our own output back to us (GNU grep's "input file is also the output" check; like
    /// GNU grep, only when lines are printed and `-m` allows more than one).
    fn is_output(&self, input: &BorrowedFd<'_>) -> bool {
        let Some(output) = self.output_identity else {
            return false;
        };
        if self.mode != Mode::Lines || self.config.max_count.is_some_and(|max| max <= 1) {
            return false;
        }
        file_identity(input) == Some(output)
    }

    fn report_input_is_output(&mut self, display: &[u8]) {
        self.trouble = true;
        if !self.config.no_messages {
            let _ = writeln!(
                self.stderr,
                "{}: {}: input file is also the output",
                self.program,
                String::from_utf8_lossy(display)
            );
        }
    }

    /// Reports a per-file problem GNU-style (unless `-s`) and remembers it for the exit status.
    fn report(&mut self, display: &[u8], error: &io::Error) {
        // course:solution p1.1 Remember the trouble for the exit status and print `minigrep: FILE: reason` on standard error (unless -s).
        self.trouble = true;
        if !self.config.no_messages {
            let _ = writeln!(
                self.stderr,
                "{}: {}: {}",
                self.program,
                String::from_utf8_lossy(display),
                describe_io(error)
            );
        }
        // course:end
    }
}

/// True for character and block devices, FIFOs and sockets (what `-D skip` skips).
fn is_device(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let file_type = metadata.file_type();
    file_type.is_char_device()
        || file_type.is_block_device()
        || file_type.is_fifo()
        || file_type.is_socket()
}

/// The metadata of an open regular file, or `None` for anything else (a pipe, a terminal).
fn regular_file_metadata(descriptor: &BorrowedFd<'_>) -> Option<std::fs::Metadata> {
    let metadata = File::from(descriptor.try_clone_to_owned().ok()?)
        .metadata()
        .ok()?;
    metadata.is_file().then_some(metadata)
}

/// The size of an open regular file, or `None` for anything else.
fn regular_file_size(descriptor: &BorrowedFd<'_>) -> Option<u64> {
    regular_file_metadata(descriptor).map(|metadata| metadata.len())
}

/// The (device, inode) pair of an open regular file, or `None` for anything else.
pub fn file_identity(descriptor: &BorrowedFd<'_>) -> Option<(u64, u64)> {
    regular_file_metadata(descriptor).map(|metadata| (metadata.dev(), metadata.ino()))
}

/// Why the walk over operands ended early.
enum Interrupt {
    /// `-q` found a match: the run is over and successful.
    Stop(StopAll),
    /// Standard output failed.
    Fatal(Error),
}

fn fatal_write(error: io::Error) -> Interrupt {
    Interrupt::Fatal(Error::Write(error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Command;

    /// Runs `minigrep ARGS FILES...` with `files` inside `dir`; returns (status, stdout,
    /// stderr) with `dir/` removed from the output so expectations read naturally.
    fn check_run(dir: &Path, args: &[&str], files: &[&str]) -> (Status, String, String) {
        let mut argv: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
        argv.extend(files.iter().map(|file| dir.join(file).into_os_string()));
        let Ok(Command::Search(config)) = cli::parse(argv, &mut io::empty()) else {
            panic!("test arguments must parse to a search");
        };
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let run_config = RunConfig::new(*config, Surroundings::default());
        let status = run(&run_config, &mut stdout, &mut stderr).expect("the run itself succeeds");
        let strip = |bytes: Vec<u8>| {
            String::from_utf8(bytes)
                .expect("test output is UTF-8")
                .replace(&format!("{}/", dir.display()), "")
        };
        (status, strip(stdout), strip(stderr))
    }

    fn corpus() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("creating a temporary directory");
        std::fs::write(dir.path().join("a.txt"), "apple\nbanana\n").expect("writing a.txt");
        std::fs::write(dir.path().join("b.txt"), "cherry\n").expect("writing b.txt");
        dir
    }

    #[test]
    fn run_reports_missing_file_and_goes_on() {
        let dir = corpus();
        let (status, stdout, stderr) = check_run(dir.path(), &["an"], &["missing.txt", "a.txt"]);
        assert_eq!(status, Status::Trouble);
        assert_eq!(stdout, "a.txt:banana\n");
        assert_eq!(stderr, "minigrep: missing.txt: No such file or directory\n");
    }

    #[test]
    fn run_quiet_match_wins_over_error() {
        let dir = corpus();
        let (status, stdout, _) = check_run(dir.path(), &["-q", "an"], &["missing.txt", "a.txt"]);
        assert_eq!((status, stdout.as_str()), (Status::Selected, ""));
    }

    #[test]
    fn run_lists_files_without_match_and_counts_per_file() {
        let dir = corpus();
        let (status, stdout, _) = check_run(dir.path(), &["-L", "an"], &["a.txt", "b.txt"]);
        assert_eq!((status, stdout.as_str()), (Status::Selected, "b.txt\n"));
        let (status, stdout, _) = check_run(dir.path(), &["-c", "zz"], &["a.txt", "b.txt"]);
        assert_eq!(
            (status, stdout.as_str()),
            (Status::NothingSelected, "a.txt:0\nb.txt:0\n")
        );
    }

    #[test]
    fn run_max_count_zero_opens_nothing() {
        let dir = corpus();
        let (status, stdout, stderr) = check_run(dir.path(), &["-m0", "an"], &["missing.txt"]);
        assert_eq!(status, Status::NothingSelected);
        assert_eq!((stdout.as_str(), stderr.as_str()), ("", ""));
    }

    #[test]
    fn run_fails_on_invalid_pattern() {
        let Ok(Command::Search(config)) =
            cli::parse(["-E", "a("].map(Into::into), &mut io::empty())
        else {
            panic!("arguments parse");
        };
        let run_config = RunConfig::new(*config, Surroundings::default());
        let result = run(&run_config, Vec::new(), &mut Vec::new());
        assert!(matches!(result, Err(Error::Pattern(_))), "{result:?}");
    }
}
