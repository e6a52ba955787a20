//! Turns the command line into a [`Config`], following GNU `getopt_long` conventions.
//!
//! What GNU users type must work unchanged, so the parser implements the parts of `getopt_long`
//! that people rely on:
//!
//! - short options can be bundled (`-inr`) and take their argument attached or separate
//!   (`-A3`, `-A 3`, `-efoo`);
//! - long options take `--name=value` or `--name value`, and may be abbreviated to any unambiguous
//!   prefix (`--line-n`);
//! - options may come after operands (`minigrep foo file -n`); `--` ends the options;
//! - `-NUM` means `--context=NUM`.
//!
//! Error messages copy GNU grep's words, with our program name.
//! The only I/O here is reading `-f FILE` pattern files.
//! See the getopt manual: <https://www.gnu.org/software/libc/manual/html_node/Getopt.html>.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::Error;
use crate::matcher::{MatchOptions, Syntax};
use crate::searcher::{BinaryFiles, Mode};

/// When to print file names before lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileNames {
    /// Only when more than one file (or a directory with `-r`) is searched.
    #[default]
    Auto,
    /// `-H`.
    Always,
    /// `-h`.
    Never,
}

/// `--color=WHEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Never color (the default, and `--color=never`).
    #[default]
    Never,
    /// `--color=always`.
    Always,
    /// `--color` or `--color=auto`: color when standard output is a terminal and `TERM` is not
    /// `dumb`.
    Auto,
}

/// Everything the command line says about a search.
///
/// Some choices also depend on where output goes (`--color=auto`, `/dev/null`); the binary
/// makes them when it turns this into a [`RunConfig`](crate::RunConfig).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The patterns, already split at newlines. Empty means "match nothing".
    pub patterns: Vec<Vec<u8>>,
    /// `-E` / `-F`, `-i`, `-w`, `-x`.
    pub match_options: MatchOptions,
    /// What to report: lines, a count, file names, or nothing.
    pub mode: Mode,
    /// `-v`.
    pub invert: bool,
    /// `-n`.
    pub line_number: bool,
    /// `-o`.
    pub only_matching: bool,
    /// `-s`: no messages about missing or unreadable files.
    pub no_messages: bool,
    /// `-H` / `-h`.
    pub file_names: FileNames,
    /// `-m NUM`; `None` for no limit (GNU treats a negative number as no limit too).
    pub max_count: Option<u64>,
    /// `-B NUM` (or `-C`/`-NUM`).
    pub before: Option<usize>,
    /// `-A NUM` (or `-C`/`-NUM`).
    pub after: Option<usize>,
    /// `-r`.
    pub recursive: bool,
    /// `--color`.
    pub color: ColorChoice,
    /// `-a`, `-I`, `--binary-files`.
    pub binary_files: BinaryFiles,
    /// `-b`: print the byte offset of each line (or `-o` piece).
    pub byte_offset: bool,
    /// `-T`: a tab before the line's text, and numbers right-aligned.
    pub initial_tab: bool,
    /// `-Z`: a NUL byte instead of the separator after file names.
    pub null_after_name: bool,
    /// `--label`: the name shown for standard input.
    pub label: Option<Vec<u8>>,
    /// `--line-buffered`: write each line out at once.
    pub line_buffered: bool,
    /// `-R`: follow symbolic links inside directories too.
    pub follow_symlinks: bool,
    /// `-d skip`: directory operands are skipped silently.
    pub skip_directories: bool,
    /// `-D skip`: devices, FIFOs and sockets given as operands are skipped.
    pub skip_devices: bool,
    /// `--include=GLOB` and `--exclude=GLOB`, in command-line order (see
    /// [`FileFilter::excludes`]).
    pub file_filters: Vec<FileFilter>,
    /// `--exclude-dir=GLOB`: directories whose name matches one of these are not entered.
    pub exclude_dir: Vec<Vec<u8>>,
    /// The line between non-adjacent groups of context: `--` unless `--group-separator=SEP`;
    /// `None` with `--no-group-separator`.
    pub group_separator: Option<Vec<u8>>,
    /// The file operands, in order. Empty means standard input (or `.` with `-r`).
    pub paths: Vec<OsString>,
}

/// One `--include=GLOB` or `--exclude=GLOB`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileFilter {
    /// `--include=GLOB`.
    Include(Vec<u8>),
    /// `--exclude=GLOB`.
    Exclude(Vec<u8>),
}

impl FileFilter {
    /// Whether `filters` (in command-line order) exclude the file `name`, by GNU grep's rule:
    /// the last filter whose glob matches decides; if none matches, the file is excluded only
    /// when the first filter is an `--include`.
    pub fn excludes(filters: &[FileFilter], name: &[u8]) -> bool {
        match filters
            .iter()
            .rev()
            .find(|filter| crate::glob::matches_name(filter.glob(), name))
        {
            Some(last) => matches!(last, FileFilter::Exclude(_)),
            None => matches!(filters.first(), Some(FileFilter::Include(_))),
        }
    }

    /// The shell wildcard of this filter.
    pub fn glob(&self) -> &[u8] {
        match self {
            FileFilter::Include(glob) | FileFilter::Exclude(glob) => glob,
        }
    }
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Search with this configuration.
    Search(Box<Config>),
    /// `--help` (GNU grep also shows help for an invalid `--color` argument).
    Help,
    /// `--version`.
    Version,
}

/// The text of `--help`.
pub const HELP: &str = "\
Usage: minigrep [OPTION]... PATTERNS [FILE]...
Search for PATTERNS in each FILE.
Example: minigrep -i 'hello world' menu.h main.c
PATTERNS can contain multiple patterns separated by newlines.

Pattern selection and interpretation:
  -E, --extended-regexp     PATTERNS are extended regular expressions
  -F, --fixed-strings       PATTERNS are strings
  -G, --basic-regexp        PATTERNS are basic regular expressions
  -e, --regexp=PATTERNS     use PATTERNS for matching
  -f, --file=FILE           take PATTERNS from FILE
  -i, --ignore-case         ignore case distinctions in patterns and data
      --no-ignore-case      do not ignore case distinctions (default)
  -w, --word-regexp         match only whole words
  -x, --line-regexp         match only whole lines

Miscellaneous:
  -s, --no-messages         suppress error messages
  -v, --invert-match        select non-matching lines
  -V, --version             display version information and exit
      --help                display this help text and exit

Output control:
  -m, --max-count=NUM       stop after NUM selected lines
  -n, --line-number         print line number with output lines
  -H, --with-filename       print file name with output lines
  -h, --no-filename         suppress the file name prefix on output
  -o, --only-matching       show only nonempty parts of lines that match
  -q, --quiet, --silent     suppress all normal output
  -b, --byte-offset         print the byte offset with output lines
      --line-buffered       flush output on every line
      --label=LABEL         use LABEL as the standard input file name prefix
  -a, --text                equivalent to --binary-files=text
  -I                        equivalent to --binary-files=without-match
      --binary-files=TYPE   assume that binary files are TYPE;
                            TYPE is 'binary', 'text', or 'without-match'
  -d, --directories=ACTION  how to handle directories;
                            ACTION is 'read', 'recurse', or 'skip'
  -D, --devices=ACTION      how to handle devices, FIFOs and sockets;
                            ACTION is 'read' or 'skip'
  -r, --recursive           search directories recursively
  -R, --dereference-recursive  likewise, but follow all symlinks
      --include=GLOB        search only files that match GLOB
      --exclude=GLOB        skip files that match GLOB
      --exclude-dir=GLOB    skip directories that match GLOB
  -L, --files-without-match  print only names of FILEs with no selected lines
  -l, --files-with-matches  print only names of FILEs with selected lines
  -c, --count               print only a count of selected lines per FILE
  -T, --initial-tab         make tabs line up (if needed)
  -Z, --null                print 0 byte after FILE name

Context control:
  -B, --before-context=NUM  print NUM lines of leading context
  -A, --after-context=NUM   print NUM lines of trailing context
  -C, --context=NUM         print NUM lines of output context
  -NUM                      same as --context=NUM
      --group-separator=SEP  print SEP on line between matches with context
      --no-group-separator  do not print separator for matches with context
      --color[=WHEN],
      --colour[=WHEN]       use markers to highlight the matching strings;
                            WHEN is 'always', 'never', or 'auto'

When FILE is '-', read standard input.  With no FILE, read '.' if
recursive, '-' otherwise.  With fewer than two FILEs, assume -h.
Exit status is 0 if any line is selected, 1 otherwise;
if any error occurs and -q is not given, the exit status is 2.
";

/// The two lines GNU grep prints after a usage error.
pub const USAGE: &str = "\
Usage: minigrep [OPTION]... PATTERNS [FILE]...
Try 'minigrep --help' for more information.
";

/// Whether an option takes an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arg {
    None,
    Required,
    Optional,
}

/// The options we understand, named by their short letter (or a private code for long-only
/// ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    Short(u8),
    Color,
    Help,
    NoIgnoreCase,
    BinaryFiles,
    Include,
    Exclude,
    ExcludeDir,
    Label,
    LineBuffered,
    GroupSeparator,
    NoGroupSeparator,
}

/// GNU grep's long options that minigrep supports.
const LONG_OPTIONS: &[(&str, Arg, Opt)] = &[
    ("after-context", Arg::Required, Opt::Short(b'A')),
    ("basic-regexp", Arg::None, Opt::Short(b'G')),
    ("before-context", Arg::Required, Opt::Short(b'B')),
    ("binary", Arg::None, Opt::Short(b'U')),
    ("binary-files", Arg::Required, Opt::BinaryFiles),
    ("byte-offset", Arg::None, Opt::Short(b'b')),
    ("color", Arg::Optional, Opt::Color),
    ("colour", Arg::Optional, Opt::Color),
    ("context", Arg::Required, Opt::Short(b'C')),
    ("count", Arg::None, Opt::Short(b'c')),
    ("dereference-recursive", Arg::None, Opt::Short(b'R')),
    ("devices", Arg::Required, Opt::Short(b'D')),
    ("directories", Arg::Required, Opt::Short(b'd')),
    ("exclude", Arg::Required, Opt::Exclude),
    ("exclude-dir", Arg::Required, Opt::ExcludeDir),
    ("extended-regexp", Arg::None, Opt::Short(b'E')),
    ("file", Arg::Required, Opt::Short(b'f')),
    ("files-with-matches", Arg::None, Opt::Short(b'l')),
    ("files-without-match", Arg::None, Opt::Short(b'L')),
    ("fixed-strings", Arg::None, Opt::Short(b'F')),
    ("group-separator", Arg::Required, Opt::GroupSeparator),
    ("help", Arg::None, Opt::Help),
    ("ignore-case", Arg::None, Opt::Short(b'i')),
    ("include", Arg::Required, Opt::Include),
    ("initial-tab", Arg::None, Opt::Short(b'T')),
    ("invert-match", Arg::None, Opt::Short(b'v')),
    ("label", Arg::Required, Opt::Label),
    ("line-buffered", Arg::None, Opt::LineBuffered),
    ("line-number", Arg::None, Opt::Short(b'n')),
    ("line-regexp", Arg::None, Opt::Short(b'x')),
    ("max-count", Arg::Required, Opt::Short(b'm')),
    ("no-filename", Arg::None, Opt::Short(b'h')),
    ("no-group-separator", Arg::None, Opt::NoGroupSeparator),
    ("no-ignore-case", Arg::None, Opt::NoIgnoreCase),
    ("no-messages", Arg::None, Opt::Short(b's')),
    ("null", Arg::None, Opt::Short(b'Z')),
    ("only-matching", Arg::None, Opt::Short(b'o')),
    ("quiet", Arg::None, Opt::Short(b'q')),
    ("recursive", Arg::None, Opt::Short(b'r')),
    ("regexp", Arg::Required, Opt::Short(b'e')),
    ("silent", Arg::None, Opt::Short(b'q')),
    ("text", Arg::None, Opt::Short(b'a')),
    ("version", Arg::None, Opt::Short(b'V')),
    ("with-filename", Arg::None, Opt::Short(b'H')),
    ("word-regexp", Arg::None, Opt::Short(b'w')),
];

/// Short options; those in the second list take an argument.
const SHORT_FLAGS: &[u8] = b"EFGHILRTUVZabchilnoqrsvwxy";
const SHORT_WITH_ARGUMENT: &[u8] = b"ABCDdefm";

/// Collects option values as they arrive; GNU applies some of them only at the end.
struct Builder {
    config: Config,
    /// `-e` and `-f` patterns, in command-line order; `None` until one is given.
    patterns: Option<Vec<Vec<u8>>>,
    /// `-C NUM` / `-NUM`: the default for whichever of `-A`/`-B` is not given.
    context: Option<usize>,
    /// `-E` or `-F`, once one was given explicitly.
    syntax: Option<Syntax>,
    count: bool,
    list: Option<Mode>,
    quiet: bool,
    help: bool,
    version: bool,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            config: Config {
                group_separator: Some(b"--".to_vec()),
                ..Config::default()
            },
            patterns: None,
            context: None,
            syntax: None,
            count: false,
            list: None,
            quiet: false,
            help: false,
            version: false,
        }
    }
}

/// Parses the arguments that follow the program name.
///
/// `stdin` is read only for `-f -`.
///
/// # Errors
///
/// [`Error::Usage`] for an unknown option, a missing argument or a missing pattern;
/// [`Error::InvalidContext`] / [`Error::InvalidMaxCount`] for bad numbers;
/// [`Error::PatternFile`] when a `-f` file cannot be read.
pub fn parse<I>(args: I, stdin: &mut dyn Read) -> Result<Command, Error>
where
    I: IntoIterator<Item = OsString>,
{
    let args: Vec<Vec<u8>> = args.into_iter().map(OsString::into_vec).collect();
    let mut builder = Builder::default();
    let mut operands: Vec<Vec<u8>> = Vec::new();
    let mut index = 0;
    while index < args.len() {
        let arg = &args[index];
        index += 1;
        if arg == b"--" {
            operands.extend(args[index..].iter().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix(b"--") {
            let (name, inline_value) = match long.iter().position(|&byte| byte == b'=') {
                Some(equals) => (&long[..equals], Some(long[equals + 1..].to_vec())),
                None => (long, None),
            };
            let (full_name, kind, opt) = find_long(name)?;
            let value = match (kind, inline_value) {
                (Arg::None, Some(_)) => {
                    return Err(Error::Usage(format!(
                        "option '--{full_name}' doesn't allow an argument"
                    )));
                }
                (Arg::Required, None) => match args.get(index) {
                    Some(next) => {
                        index += 1;
                        Some(next.clone())
                    }
                    None => {
                        return Err(Error::Usage(format!(
                            "option '--{full_name}' requires an argument"
                        )));
                    }
                },
                (_, value) => value,
            };
            builder.apply(opt, value, stdin)?;
        } else if arg.len() > 1 && arg[0] == b'-' {
            // A bundle of short options: `-inA3`.
            let mut position = 1;
            while position < arg.len() {
                let letter = arg[position];
                position += 1;
                if letter.is_ascii_digit() {
                    // `-NUM`: the digits of one bundle form one number.
                    let digits_end = arg[position..]
                        .iter()
                        .position(|byte| !byte.is_ascii_digit())
                        .map_or(arg.len(), |offset| position + offset);
                    let number = &arg[position - 1..digits_end];
                    builder.context = Some(parse_context(number)?);
                    position = digits_end;
                } else if SHORT_FLAGS.contains(&letter) {
                    builder.apply(Opt::Short(letter), None, stdin)?;
                } else if SHORT_WITH_ARGUMENT.contains(&letter) {
                    let value = if position < arg.len() {
                        let value = arg[position..].to_vec();
                        position = arg.len();
                        value
                    } else if let Some(next) = args.get(index) {
                        index += 1;
                        next.clone()
                    } else {
                        return Err(Error::Usage(format!(
                            "option requires an argument -- '{}'",
                            char::from(letter)
                        )));
                    };
                    builder.apply(Opt::Short(letter), Some(value), stdin)?;
                } else {
                    return Err(Error::Usage(format!(
                        "invalid option -- '{}'",
                        String::from_utf8_lossy(&[letter])
                    )));
                }
            }
        } else {
            operands.push(arg.clone());
        }
    }
    builder.finish(operands)
}

/// Finds a long option by exact name or unambiguous prefix, as `getopt_long` does.
fn find_long(name: &[u8]) -> Result<(&'static str, Arg, Opt), Error> {
    if let Some(&(full, kind, opt)) = LONG_OPTIONS
        .iter()
        .find(|(full, _, _)| full.as_bytes() == name)
    {
        return Ok((full, kind, opt));
    }
    let candidates: Vec<&(&str, Arg, Opt)> = LONG_OPTIONS
        .iter()
        .filter(|(full, _, _)| full.as_bytes().starts_with(name))
        .collect();
    let shown = String::from_utf8_lossy(name);
    match candidates.as_slice() {
        [] => Err(Error::Usage(format!("unrecognized option '--{shown}'"))),
        [first, rest @ ..]
            if rest
                .iter()
                .all(|(_, kind, opt)| (kind, opt) == (&first.1, &first.2)) =>
        {
            Ok((first.0, first.1, first.2))
        }
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|(full, _, _)| format!("'--{full}'"))
                .collect();
            Err(Error::Usage(format!(
                "option '--{shown}' is ambiguous; possibilities: {}",
                names.join(" ")
            )))
        }
    }
}

impl Builder {
    fn apply(
        &mut self,
        opt: Opt,
        value: Option<Vec<u8>>,
        stdin: &mut dyn Read,
    ) -> Result<(), Error> {
        let config = &mut self.config;
        let value = value.unwrap_or_default();
        match opt {
            Opt::Short(b'A') => config.after = Some(parse_context(&value)?),
            Opt::Short(b'B') => config.before = Some(parse_context(&value)?),
            Opt::Short(b'C') => self.context = Some(parse_context(&value)?),
            Opt::Short(letter @ (b'E' | b'F' | b'G')) => {
                let syntax = match letter {
                    b'E' => Syntax::Extended,
                    b'F' => Syntax::Fixed,
                    _ => Syntax::Basic,
                };
                if self.syntax.is_some_and(|chosen| chosen != syntax) {
                    return Err(Error::ConflictingMatchers);
                }
                self.syntax = Some(syntax);
                config.match_options.syntax = syntax;
            }
            Opt::Short(b'H') => config.file_names = FileNames::Always,
            Opt::Short(b'h') => config.file_names = FileNames::Never,
            Opt::Short(b'L') => self.list = Some(Mode::FilesWithoutMatch),
            Opt::Short(b'l') => self.list = Some(Mode::FilesWithMatches),
            Opt::Short(b'V') => self.version = true,
            Opt::Short(b'c') => self.count = true,
            Opt::Short(b'e') => self
                .patterns
                .get_or_insert_default()
                .extend(split_lines(&value)),
            Opt::Short(b'f') => {
                let contents = read_pattern_file(&value, stdin)?;
                let patterns = self.patterns.get_or_insert_default();
                // An empty file adds no pattern at all (so nothing matches). Otherwise a final
                // newline ends the last pattern rather than starting an empty one.
                if !contents.is_empty() {
                    let body = contents.strip_suffix(b"\n").unwrap_or(&contents);
                    patterns.extend(split_lines(body));
                }
            }
            Opt::Short(b'i' | b'y') => config.match_options.ignore_case = true,
            Opt::NoIgnoreCase => config.match_options.ignore_case = false,
            Opt::Short(b'm') => config.max_count = parse_max_count(&value)?,
            Opt::Short(b'n') => config.line_number = true,
            Opt::Short(b'o') => config.only_matching = true,
            Opt::Short(b'q') => self.quiet = true,
            Opt::Short(b'r') => {
                config.recursive = true;
                config.skip_directories = false;
            }
            Opt::Short(b'R') => {
                config.recursive = true;
                config.skip_directories = false;
                config.follow_symlinks = true;
            }
            Opt::Short(b'd') => match value.as_slice() {
                b"read" => (config.recursive, config.skip_directories) = (false, false),
                b"skip" => (config.recursive, config.skip_directories) = (false, true),
                b"recurse" => (config.recursive, config.skip_directories) = (true, false),
                _ => return Err(invalid_argument(&value, "--directories")),
            },
            Opt::Short(b'D') => match value.as_slice() {
                b"read" => config.skip_devices = false,
                b"skip" => config.skip_devices = true,
                _ => return Err(Error::InvalidArgument("unknown devices method")),
            },
            Opt::Short(b'a') => config.binary_files = BinaryFiles::Text,
            Opt::Short(b'I') => config.binary_files = BinaryFiles::WithoutMatch,
            Opt::BinaryFiles => {
                config.binary_files = match value.as_slice() {
                    b"binary" => BinaryFiles::Binary,
                    b"text" => BinaryFiles::Text,
                    b"without-match" => BinaryFiles::WithoutMatch,
                    _ => return Err(Error::InvalidArgument("unknown binary-files type")),
                }
            }
            Opt::Short(b'b') => config.byte_offset = true,
            // -U only matters on systems that tell text from binary files; not on POSIX.
            Opt::Short(b'U') => {}
            Opt::Short(b'Z') => config.null_after_name = true,
            Opt::Short(b'T') => config.initial_tab = true,
            Opt::Label => config.label = Some(value),
            Opt::LineBuffered => config.line_buffered = true,
            Opt::Include => config.file_filters.push(FileFilter::Include(value)),
            Opt::Exclude => config.file_filters.push(FileFilter::Exclude(value)),
            Opt::ExcludeDir => config.exclude_dir.push(value),
            Opt::GroupSeparator => config.group_separator = Some(value),
            Opt::NoGroupSeparator => config.group_separator = None,
            Opt::Short(b's') => config.no_messages = true,
            Opt::Short(b'v') => config.invert = true,
            Opt::Short(b'w') => config.match_options.word = true,
            Opt::Short(b'x') => config.match_options.line = true,
            Opt::Color => {
                config.color = match value.as_slice() {
                    b"" | b"auto" | b"tty" | b"if-tty" => ColorChoice::Auto,
                    b"always" | b"yes" | b"force" => ColorChoice::Always,
                    b"never" | b"no" | b"none" => ColorChoice::Never,
                    // GNU grep answers an unknown WHEN with its help text and status 0.
                    _ => {
                        self.help = true;
                        config.color
                    }
                }
            }
            Opt::Help => self.help = true,
            Opt::Short(other) => {
                return Err(Error::Usage(format!(
                    "invalid option -- '{}'",
                    char::from(other)
                )));
            }
        }
        Ok(())
    }

    fn finish(mut self, mut operands: Vec<Vec<u8>>) -> Result<Command, Error> {
        if self.help {
            return Ok(Command::Help);
        }
        if self.version {
            return Ok(Command::Version);
        }
        let config = &mut self.config;
        config.patterns = match self.patterns {
            Some(patterns) => patterns,
            None if operands.is_empty() => return Err(Error::Usage(String::new())),
            None => split_lines(&operands.remove(0)),
        };
        // -A and -B win over -C whatever their order, as in GNU grep.
        config.after = config.after.or(self.context);
        config.before = config.before.or(self.context);
        // GNU grep: -q overrides -l and -L, which override -c.
        config.mode = if self.quiet {
            Mode::Quiet
        } else if let Some(list) = self.list {
            list
        } else if self.count {
            Mode::Count
        } else {
            Mode::Lines
        };
        config.paths = operands.into_iter().map(OsString::from_vec).collect();
        Ok(Command::Search(Box::new(self.config)))
    }
}

/// GNU's message for a bad argument of an option with a fixed set of them.
fn invalid_argument(value: &[u8], option: &str) -> Error {
    Error::Usage(format!(
        "invalid argument '{}' for '{option}'\nValid arguments are:\n  - 'read'\n  - 'recurse'\n  - 'skip'",
        String::from_utf8_lossy(value)
    ))
}

/// Splits pattern text at newlines: `-e $'a\nb'` means two patterns.
fn split_lines(text: &[u8]) -> Vec<Vec<u8>> {
    text.split(|&byte| byte == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn read_pattern_file(name: &[u8], stdin: &mut dyn Read) -> Result<Vec<u8>, Error> {
    let shown = String::from_utf8_lossy(name).into_owned();
    let mut contents = Vec::new();
    let result = if name == b"-" {
        stdin.read_to_end(&mut contents).map(|_| ())
    } else {
        std::fs::read(std::ffi::OsStr::from_bytes(name)).map(|bytes| contents = bytes)
    };
    result.map_err(|source| Error::PatternFile {
        path: shown,
        source,
    })?;
    Ok(contents)
}

/// Parses a context length: a non-negative decimal number. Huge values are clamped, since no
/// file has more lines than `usize::MAX`.
fn parse_context(text: &[u8]) -> Result<usize, Error> {
    let invalid = || Error::InvalidContext(String::from_utf8_lossy(text).into_owned());
    let digits = std::str::from_utf8(text).map_err(|_| invalid())?;
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid());
    }
    Ok(digits.parse::<usize>().unwrap_or(usize::MAX))
}

/// Parses `-m NUM`: a decimal number, where a negative one means "no limit" (GNU grep 3.8).
fn parse_max_count(text: &[u8]) -> Result<Option<u64>, Error> {
    let text = std::str::from_utf8(text).map_err(|_| Error::InvalidMaxCount)?;
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(Error::InvalidMaxCount);
    }
    if negative {
        return Ok(None);
    }
    Ok(Some(digits.parse::<u64>().unwrap_or(u64::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Command, Error> {
        parse(args.iter().map(OsString::from), &mut &b"from stdin\n"[..])
    }

    fn config(args: &[&str]) -> Config {
        match parse_args(args) {
            Ok(Command::Search(config)) => *config,
            other => panic!("expected a search for {args:?}, got {other:?}"),
        }
    }

    fn usage_error(args: &[&str]) -> String {
        match parse_args(args) {
            Err(error) => error.to_string(),
            other => panic!("expected an error for {args:?}, got {other:?}"),
        }
    }

    #[test]
    fn cli_accepts_bundled_and_attached_options() {
        let config = config(&["-inA3", "-efoo", "file", "-B", "1"]);
        assert!(config.match_options.ignore_case && config.line_number);
        assert_eq!((config.after, config.before), (Some(3), Some(1)));
        assert_eq!(config.patterns, vec![b"foo".to_vec()]);
        assert_eq!(config.paths, vec![OsString::from("file")]);
    }

    #[test]
    fn cli_first_operand_is_the_pattern() {
        let config = config(&["a\nb", "x", "y"]);
        assert_eq!(config.patterns, vec![b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(config.paths.len(), 2);
    }

    #[test]
    fn cli_accepts_long_options_and_unambiguous_prefixes() {
        let config = config(&["--line-n", "--max-count=2", "--regexp", "x", "--colour"]);
        assert!(config.line_number);
        assert_eq!(config.max_count, Some(2));
        assert_eq!(config.color, ColorChoice::Auto);
        assert_eq!(config.patterns, vec![b"x".to_vec()]);
    }

    #[test]
    fn cli_double_dash_ends_options() {
        let config = config(&["--", "-v", "-n"]);
        assert_eq!(config.patterns, vec![b"-v".to_vec()]);
        assert!(!config.invert && !config.line_number);
    }

    #[test]
    fn cli_after_and_before_override_context_in_any_order() {
        let config = config(&["-A1", "-C5", "x"]);
        assert_eq!((config.after, config.before), (Some(1), Some(5)));
        let config = self::config(&["-12", "x"]);
        assert_eq!((config.after, config.before), (Some(12), Some(12)));
    }

    #[test]
    fn cli_quiet_overrides_list_which_overrides_count() {
        assert_eq!(config(&["-c", "-l", "x"]).mode, Mode::FilesWithMatches);
        assert_eq!(config(&["-q", "-L", "x"]).mode, Mode::Quiet);
        assert_eq!(config(&["-c", "x"]).mode, Mode::Count);
    }

    #[test]
    fn cli_max_count_negative_means_unlimited() {
        assert_eq!(config(&["-m", "-1", "x"]).max_count, None);
        assert_eq!(usage_error(&["-m", "x1", "x"]), "invalid max count");
    }

    #[test]
    fn cli_reads_pattern_file_from_stdin() {
        assert_eq!(config(&["-f", "-"]).patterns, vec![b"from stdin".to_vec()]);
    }

    #[test]
    fn cli_errors_read_like_gnu_grep() {
        assert_eq!(usage_error(&["-z", "x"]), "invalid option -- 'z'");
        assert_eq!(usage_error(&["-e"]), "option requires an argument -- 'e'");
        assert_eq!(
            usage_error(&["--regexp"]),
            "option '--regexp' requires an argument"
        );
        assert_eq!(
            usage_error(&["--bogus", "x"]),
            "unrecognized option '--bogus'"
        );
        assert_eq!(
            usage_error(&["--count=3", "x"]),
            "option '--count' doesn't allow an argument"
        );
        assert_eq!(
            usage_error(&["-A", "x", "y"]),
            "x: invalid context length argument"
        );
        assert_eq!(usage_error(&[]), "");
        assert!(usage_error(&["--co", "x"]).starts_with("option '--co' is ambiguous"));
        assert!(matches!(
            parse_args(&["-E", "-F", "x"]),
            Err(Error::ConflictingMatchers)
        ));
        assert!(matches!(
            parse_args(&["-f", "/nonexistent/patterns", "x"]),
            Err(Error::PatternFile { .. })
        ));
    }

    #[test]
    fn cli_unknown_color_argument_asks_for_help() {
        assert!(matches!(parse_args(&["--help"]), Ok(Command::Help)));
        assert!(matches!(parse_args(&["-V"]), Ok(Command::Version)));
        assert!(matches!(
            parse_args(&["--color=rainbow", "x"]),
            Ok(Command::Help)
        ));
    }
}
