//! Formats output exactly as GNU grep 3.8 does; the only module that writes to standard output.
//!
//! The searcher decides *which* lines to show and in what role (selected line, context line,
//! group separator); the printer decides *how* they look: the `file:` and `N:` prefixes, the
//! `-` separator of context lines, `-o` pieces, and `--color` escape sequences.
//!
//! Output is collected in an in-memory buffer and handed to the writer once per searched chunk
//! (see [`Printer::flush_chunk`]), so a search that prints a million lines makes a few hundred
//! `write` calls, not a million.
//!
//! # The encoding-error rule
//!
//! In a UTF-8 locale GNU grep refuses to print a line that is not valid UTF-8: it drops that line
//! and, when the file is done, says `FILE: binary file matches` on standard error.
//! [`Printer::line`] reproduces that by returning `false` for such a line; the searcher then
//! reports the file as binary.
//!
//! The printer knows nothing about which lines are selected: it implements the searcher's
//! [`Sink`] trait and prints what it is handed. It does not import the searcher's machinery,
//! only that trait and its [`Role`] type.

use std::io::{self, Write};

use crate::matcher::Matcher;
use crate::searcher::{Role, Sink};

/// The separator after a prefix: `:` on selected lines, `-` on context lines.
fn separator_of(role: Role) -> u8 {
    match role {
        Role::Selected => b':',
        Role::Context => b'-',
    }
}

/// The SGR colour codes of each element, as `GREP_COLORS` names them (`ms`, `mc`, `fn`, `ln`,
/// `bn`, `se`); an empty code prints no escape sequence for that element.
///
/// The default is GNU grep's: `ms=01;31:mc=01;31:sl=:cx=:fn=35:ln=32:bn=32:se=36`.
/// See the grep manual, "Environment Variables":
/// <https://www.gnu.org/software/grep/manual/grep.html#Environment-Variables>.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colors {
    /// Matched text in a selected line (`ms`).
    pub selected_match: String,
    /// Matched text in a context line (`mc`).
    pub context_match: String,
    /// File names (`fn`).
    pub file_name: String,
    /// Line numbers (`ln`).
    pub line_number: String,
    /// Byte offsets (`bn`).
    pub byte_offset: String,
    /// Separators `:`, `-` and `--` (`se`).
    pub separator: String,
}

impl Default for Colors {
    fn default() -> Colors {
        Colors {
            selected_match: "01;31".to_owned(),
            context_match: "01;31".to_owned(),
            file_name: "35".to_owned(),
            line_number: "32".to_owned(),
            byte_offset: "32".to_owned(),
            separator: "36".to_owned(),
        }
    }
}

impl Colors {
    /// The colours that the environment variables `GREP_COLORS` and (deprecated) `GREP_COLOR`
    /// ask for, over GNU's defaults, as GNU grep 3.8 reads them: `GREP_COLOR`, if it is made of
    /// digits and `;` only, sets both match colours; then `GREP_COLORS` (`key=value` pairs
    /// separated by `:`, `mt` setting both match colours) takes priority. Unknown keys and the
    /// `sl`, `cx`, `rv` and `ne` capabilities are ignored.
    ///
    /// The second value is GNU's deprecation warning (without the program name), when
    /// `GREP_COLOR` took effect.
    pub fn from_env(
        grep_colors: Option<&str>,
        grep_color: Option<&str>,
    ) -> (Colors, Option<String>) {
        let mut colors = Colors::default();
        let is_code = |value: &str| {
            value
                .bytes()
                .all(|byte| byte == b';' || byte.is_ascii_digit())
        };
        let legacy = grep_color.filter(|value| !value.is_empty() && is_code(value));
        if let Some(value) = legacy {
            colors.selected_match = value.to_owned();
            colors.context_match = value.to_owned();
        }
        let (mut selected_set, mut context_set) = (false, false);
        for entry in grep_colors.unwrap_or("").split(':') {
            let Some((key, value)) = entry.split_once('=') else {
                continue;
            };
            if !is_code(value) {
                // GNU stops at a malformed entry and keeps what it read before.
                break;
            }
            let value = value.to_owned();
            match key {
                "mt" => {
                    colors.selected_match = value.clone();
                    colors.context_match = value;
                    (selected_set, context_set) = (true, true);
                }
                "ms" => (colors.selected_match, selected_set) = (value, true),
                "mc" => (colors.context_match, context_set) = (value, true),
                "fn" => colors.file_name = value,
                "ln" => colors.line_number = value,
                "bn" => colors.byte_offset = value,
                "se" => colors.separator = value,
                _ => {}
            }
        }
        let warning = legacy
            .filter(|_| !(selected_set && context_set))
            .map(|value| {
                format!("warning: GREP_COLOR='{value}' is deprecated; use GREP_COLORS='mt={value}'")
            });
        (colors, warning)
    }
}

/// How lines are to be formatted; fixed for the whole run.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintOptions {
    /// `-n`: prefix each line with its number.
    pub line_number: bool,
    /// `-o`: print only the matched parts, one per line.
    pub only_matching: bool,
    /// `-v`: selected lines are the ones that did *not* match.
    pub invert: bool,
    /// `--color`: wrap file names, numbers, separators and matches in SGR escape sequences.
    pub color: bool,
    /// `-a`: print lines that are not valid UTF-8 too.
    pub text: bool,
    /// `-b`: prefix each line (or `-o` piece) with its byte offset.
    pub byte_offset: bool,
    /// `-Z`: a NUL byte after file names instead of `:`, `-` or a newline.
    pub null_after_name: bool,
    /// `--line-buffered`: hand each line to the writer at once.
    pub line_buffered: bool,
    /// `-T`: numbers right-aligned to a width that fits the input, then a tab before the text.
    pub initial_tab: bool,
}

/// Writes formatted lines into a buffer and flushes it to the underlying writer.
#[derive(Debug)]
pub struct Printer<'m, W: Write> {
    writer: W,
    buffer: Vec<u8>,
    options: PrintOptions,
    matcher: &'m Matcher,
    /// The name to print before lines of the current file, if names are being printed.
    file_name: Option<Vec<u8>>,
    /// The line between groups of context (`--`), or `None` for `--no-group-separator`.
    separator_line: Option<Vec<u8>>,
    /// A write error from a `--line-buffered` flush, reported at the end of the chunk.
    pending_error: Option<io::Error>,
    /// With `-T`: the width line numbers and byte offsets are padded to.
    number_width: usize,
    /// The SGR codes used with `--color`.
    colors: Colors,
}

impl<'m, W: Write> Printer<'m, W> {
    /// Creates a printer that writes into `writer` and uses `matcher` to find the parts of a line
    /// to highlight or print alone.
    pub fn new(writer: W, options: PrintOptions, matcher: &'m Matcher) -> Printer<'m, W> {
        Printer {
            writer,
            buffer: Vec::with_capacity(64 * 1024),
            options,
            matcher,
            file_name: None,
            separator_line: Some(b"--".to_vec()),
            pending_error: None,
            number_width: 0,
            colors: Colors::default(),
        }
    }

    /// Uses `colors` for `--color` instead of GNU's defaults.
    pub fn with_colors(mut self, colors: Colors) -> Printer<'m, W> {
        self.colors = colors;
        self
    }

    /// Uses `separator` between groups of context instead of `--` (`None`: no line at all).
    pub fn with_group_separator(mut self, separator: Option<Vec<u8>>) -> Printer<'m, W> {
        self.separator_line = separator;
        self
    }

    /// Starts a new file: its lines get `name` as prefix when `name` is `Some`.
    pub fn begin_file(&mut self, name: Option<&[u8]>) {
        self.file_name = name.map(<[u8]>::to_vec);
    }

    /// Tells the printer the size of the input about to be searched (`None` when unknown), from
    /// which `-T` takes the width of its numbers: as in GNU grep, the digits of the largest
    /// possible number (the size, plus one with `-n`; `i64::MAX` for an unknown size).
    pub fn set_input_size(&mut self, size: Option<u64>) {
        if !self.options.initial_tab {
            return;
        }
        let unknown = i64::MAX.unsigned_abs();
        let mut largest = size.unwrap_or(unknown);
        if self.options.line_number && largest < unknown {
            largest += 1;
        }
        self.number_width = largest.to_string().len();
    }

    /// Prints the group separator (`--` by default) that sits between non-adjacent groups of
    /// context.
    pub fn group_separator(&mut self) {
        let Some(separator) = self.separator_line.take() else {
            return;
        };
        self.colored(Element::Separator, &separator);
        self.buffer.push(b'\n');
        self.separator_line = Some(separator);
    }

    /// Prints one line (`line` includes its trailing newline) in the given role.
    ///
    /// `line_number` is the 1-based number, needed only with `-n`.
    /// Returns false when the line was dropped because it is not valid UTF-8 (see the module
    /// docs); nothing was printed then.
    pub fn line(&mut self, line: &[u8], role: Role, line_number: u64, byte_offset: u64) -> bool {
        let (content, _) = line.split_at(line.len().saturating_sub(1));
        if !self.options.only_matching && !self.head(content, role, line_number, byte_offset) {
            return false;
        }
        // Whether the line contains matches: selected lines do unless -v, context lines do only
        // with -v.
        let matching = (role == Role::Selected) ^ self.options.invert;
        let mut printed_up_to = 0;
        if matching && (self.options.only_matching || self.options.color) {
            match self.middle(line, role, line_number, byte_offset) {
                Some(position) => printed_up_to = position,
                None => return false,
            }
        }
        if !self.options.only_matching {
            self.buffer.extend_from_slice(&line[printed_up_to..]);
        }
        true
    }

    /// Prints the matches inside `line`: highlighted in place, or alone on lines with `-o`.
    ///
    /// Returns how much of `line` has been printed, or `None` if a `-o` piece was dropped for an
    /// encoding error.
    fn middle(
        &mut self,
        line: &[u8],
        role: Role,
        line_number: u64,
        byte_offset: u64,
    ) -> Option<usize> {
        // course:solution p1.3 Walk the matches of the line with `Matcher::find_at`: with -o print each non-empty one on its own line (with its prefixes), with --color wrap each in place.
        // GNU grep colours matches by the line they are in: `ms` on selected lines, `mc` on
        // context lines.
        let match_color = match role {
            Role::Selected => Element::SelectedMatch,
            Role::Context => Element::ContextMatch,
        };
        let end = line.len();
        let mut search_from = 0;
        let mut printed_up_to = 0;
        while let Some((start, stop)) = self.matcher.find_at(line, search_from) {
            if start >= end {
                break;
            }
            if start == stop {
                // An empty match highlights nothing; step one byte to make progress, as GNU
                // grep does, so that later non-empty matches are still found.
                search_from = start + 1;
                continue;
            }
            let piece = &line[start..stop];
            if self.options.only_matching {
                let piece_role = if self.options.invert {
                    Role::Context
                } else {
                    Role::Selected
                };
                if !self.head(piece, piece_role, line_number, byte_offset + start as u64) {
                    return None;
                }
            } else {
                self.buffer.extend_from_slice(&line[printed_up_to..start]);
            }
            self.colored(match_color, piece);
            if self.options.only_matching {
                self.buffer.push(b'\n');
            }
            printed_up_to = stop;
            search_from = stop;
        }
        Some(if self.options.only_matching {
            end
        } else {
            printed_up_to
        })
        // course:stub
        // // Matches are neither highlighted nor printed alone yet.
        // let _ = (line, role, line_number, byte_offset);
        // Some(0)
        // course:end
    }

    /// Prints the `file:` and `N:` prefixes. Returns false (printing nothing) if `content` is not
    /// valid UTF-8.
    fn head(&mut self, content: &[u8], role: Role, line_number: u64, byte_offset: u64) -> bool {
        // course:solution p1.4 Refuse (return false, print nothing) a line that is not valid UTF-8, unless -a.
        if !self.options.text && std::str::from_utf8(content).is_err() {
            return false;
        }
        // course:stub
        // // Every line is printed, whatever its bytes.
        // course:end
        // course:solution p1.2 Print the prefixes GNU grep puts before a line: `file` then `N` (-n) then `B` (-b), each followed by `:` (selected) or `-` (context), and the tab of -T.
        let named = self.file_name.is_some();
        self.name_prefix(separator_of(role));
        let width = self.number_width;
        for (wanted, number, element) in [
            (self.options.line_number, line_number, Element::LineNumber),
            (self.options.byte_offset, byte_offset, Element::ByteOffset),
        ] {
            if wanted {
                self.colored(element, format!("{number:>width$}").as_bytes());
                self.separator(separator_of(role));
            }
        }
        let prefixed = named || self.options.line_number || self.options.byte_offset;
        if self.options.initial_tab && prefixed && !content.is_empty() {
            self.buffer.push(b'\t');
        }
        // course:stub
        // // No prefixes yet: the line is printed bare.
        // let _ = (content, role, line_number, byte_offset);
        // course:decoy number-before-name Prints the line number before the file name (`3:a.txt:line`).
        // let width = self.number_width;
        // for (wanted, number, element) in [
        //     (self.options.line_number, line_number, Element::LineNumber),
        //     (self.options.byte_offset, byte_offset, Element::ByteOffset),
        // ] {
        //     if wanted {
        //         self.colored(element, format!("{number:>width$}").as_bytes());
        //         self.separator(separator_of(role));
        //     }
        // }
        // let named = self.file_name.is_some();
        // self.name_prefix(separator_of(role));
        // let prefixed = named || self.options.line_number || self.options.byte_offset;
        // if self.options.initial_tab && prefixed && !content.is_empty() {
        //     self.buffer.push(b'\t');
        // }
        // course:end
        true
    }

    /// Prints `file` and its separator (or a NUL byte with `-Z`), if names are printed.
    fn name_prefix(&mut self, separator: u8) {
        if let Some(name) = self.file_name.take() {
            self.colored(Element::FileName, &name);
            if self.options.null_after_name {
                self.buffer.push(0);
            } else {
                self.separator(separator);
            }
            self.file_name = Some(name);
        }
    }

    /// Prints the `-c` result for the current file: `[file:]count`.
    pub fn count(&mut self, count: u64) {
        // course:solution p1.5 Print `[file:]count` and a newline.
        self.name_prefix(b':');
        self.buffer.extend_from_slice(count.to_string().as_bytes());
        self.buffer.push(b'\n');
        // course:stub
        // // Counts are not printed yet.
        // let _ = count;
        // course:end
    }

    /// Prints a file name alone on its line, for `-l` and `-L`.
    pub fn file_name_line(&mut self, name: &[u8]) {
        // course:solution p1.5 Print the file name, then a newline (or a NUL byte with -Z).
        self.colored(Element::FileName, name);
        self.buffer.push(if self.options.null_after_name {
            0
        } else {
            b'\n'
        });
        // course:stub
        // // File names are not printed alone yet.
        // let _ = name;
        // course:end
    }

    /// Hands everything printed so far to the writer.
    ///
    /// # Errors
    ///
    /// Whatever the writer reports; a closed pipe is [`io::ErrorKind::BrokenPipe`].
    pub fn flush_chunk(&mut self) -> io::Result<()> {
        if !self.buffer.is_empty() {
            self.writer.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Flushes the buffer and the writer itself.
    ///
    /// # Errors
    ///
    /// Whatever the writer reports.
    pub fn finish(&mut self) -> io::Result<()> {
        self.flush_chunk()?;
        self.writer.flush()
    }

    fn separator(&mut self, separator: u8) {
        self.colored(Element::Separator, &[separator]);
    }

    /// Writes `text`, wrapped in the SGR sequences of `element` when coloring (GNU grep writes
    /// "erase in line" after each sequence, and nothing at all for an empty code).
    fn colored(&mut self, element: Element, text: &[u8]) {
        let code = match element {
            Element::SelectedMatch => &self.colors.selected_match,
            Element::ContextMatch => &self.colors.context_match,
            Element::FileName => &self.colors.file_name,
            Element::LineNumber => &self.colors.line_number,
            Element::ByteOffset => &self.colors.byte_offset,
            Element::Separator => &self.colors.separator,
        };
        if !self.options.color || code.is_empty() {
            self.buffer.extend_from_slice(text);
            return;
        }
        self.buffer.extend_from_slice(b"\x1b[");
        self.buffer.extend_from_slice(code.as_bytes());
        self.buffer.extend_from_slice(b"m\x1b[K");
        self.buffer.extend_from_slice(text);
        self.buffer.extend_from_slice(b"\x1b[m\x1b[K");
    }
}

/// The parts of the output that `GREP_COLORS` colours.
#[derive(Debug, Clone, Copy)]
enum Element {
    SelectedMatch,
    ContextMatch,
    FileName,
    LineNumber,
    ByteOffset,
    Separator,
}

impl<W: Write> Sink for Printer<'_, W> {
    fn line(&mut self, line: &[u8], role: Role, line_number: u64, byte_offset: u64) -> bool {
        let printed = Printer::line(self, line, role, line_number, byte_offset);
        if self.options.line_buffered && self.pending_error.is_none() {
            self.pending_error = self.flush_chunk().err();
        }
        printed
    }

    fn group_separator(&mut self) {
        Printer::group_separator(self);
    }

    fn chunk_done(&mut self) -> io::Result<()> {
        if let Some(error) = self.pending_error.take() {
            return Err(error);
        }
        self.flush_chunk()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::{MatchOptions, Syntax};

    /// The options of `-E`: these tests are written in extended syntax.
    fn ere() -> MatchOptions {
        MatchOptions {
            syntax: Syntax::Extended,
            ..MatchOptions::default()
        }
    }

    fn matcher(pattern: &str) -> Matcher {
        Matcher::new(&[pattern.as_bytes().to_vec()], ere()).expect("test pattern is valid")
    }

    fn render(
        options: PrintOptions,
        name: Option<&[u8]>,
        pattern: &str,
        lines: &[(&[u8], Role, u64)],
    ) -> Vec<u8> {
        let matcher = matcher(pattern);
        let mut output = Vec::new();
        let mut printer = Printer::new(&mut output, options, &matcher);
        printer.begin_file(name);
        for (line, role, number) in lines {
            printer.line(line, *role, *number, 0);
        }
        printer.finish().expect("writing to a Vec cannot fail");
        output
    }

    #[test]
    fn printer_prefixes_file_and_line_number() {
        let options = PrintOptions {
            line_number: true,
            ..PrintOptions::default()
        };
        let output = render(
            options,
            Some(b"notes.txt"),
            "b",
            &[(b"abc\n", Role::Selected, 3), (b"xyz\n", Role::Context, 4)],
        );
        assert_eq!(output, b"notes.txt:3:abc\nnotes.txt-4-xyz\n");
    }

    #[test]
    fn printer_only_matching_prints_each_piece() {
        let options = PrintOptions {
            only_matching: true,
            ..PrintOptions::default()
        };
        let output = render(options, None, "o+", &[(b"foo boo\n", Role::Selected, 1)]);
        assert_eq!(output, b"oo\noo\n");
    }

    #[test]
    fn printer_colors_like_gnu_grep() {
        let options = PrintOptions {
            color: true,
            line_number: true,
            ..PrintOptions::default()
        };
        let output = render(options, None, "o", &[(b"fo\n", Role::Selected, 1)]);
        assert_eq!(
            output,
            b"\x1b[32m\x1b[K1\x1b[m\x1b[K\x1b[36m\x1b[K:\x1b[m\x1b[Kf\x1b[01;31m\x1b[Ko\x1b[m\x1b[K\n"
        );
    }

    #[test]
    fn printer_colors_follow_grep_colors_over_grep_color() {
        let (colors, warning) = Colors::from_env(Some("mt=36:ln=35:fn="), None);
        assert_eq!(
            (
                colors.selected_match.as_str(),
                colors.context_match.as_str()
            ),
            ("36", "36")
        );
        assert_eq!(
            (colors.line_number.as_str(), colors.file_name.as_str()),
            ("35", "")
        );
        assert_eq!(warning, None);
        let (colors, warning) = Colors::from_env(Some("ln=35"), Some("36"));
        assert_eq!(colors.selected_match, "36");
        assert_eq!(
            warning.as_deref(),
            Some("warning: GREP_COLOR='36' is deprecated; use GREP_COLORS='mt=36'")
        );
        // GREP_COLORS wins, and then GREP_COLOR had no effect to warn about.
        let (colors, warning) = Colors::from_env(Some("mt=33"), Some("36"));
        assert_eq!((colors.selected_match.as_str(), warning), ("33", None));
        // An empty code prints the text without escape sequences.
        let matcher = matcher("o");
        let mut output = Vec::new();
        let options = PrintOptions {
            color: true,
            ..PrintOptions::default()
        };
        let (colors, _) = Colors::from_env(Some("ms="), None);
        let mut printer = Printer::new(&mut output, options, &matcher).with_colors(colors);
        printer.begin_file(None);
        printer.line(b"fo\n", Role::Selected, 1, 0);
        printer.finish().expect("writing to a Vec cannot fail");
        assert_eq!(output, b"fo\n");
    }

    #[test]
    fn printer_drops_invalid_utf8_lines() {
        let matcher = matcher("x");
        let mut output = Vec::new();
        let mut printer = Printer::new(&mut output, PrintOptions::default(), &matcher);
        printer.begin_file(None);
        assert!(!printer.line(b"caf\xe9 x\n", Role::Selected, 1, 0));
        assert!(printer.line(b"x\n", Role::Selected, 2, 9));
        printer.finish().expect("writing to a Vec cannot fail");
        assert_eq!(output, b"x\n");
    }

    #[test]
    fn printer_prints_counts_names_and_separators() {
        let matcher = matcher("x");
        let mut output = Vec::new();
        let mut printer = Printer::new(&mut output, PrintOptions::default(), &matcher);
        printer.begin_file(Some(b"a.txt"));
        printer.count(7);
        printer.file_name_line(b"b.txt");
        printer.group_separator();
        printer.finish().expect("writing to a Vec cannot fail");
        assert_eq!(output, b"a.txt:7\nb.txt\n--\n");
    }
}
