//! Decides *what matches*: turns the user's patterns into one compiled matcher.
//!
//! The matcher never does I/O and knows nothing about files or output.
//! It answers two questions about a byte slice:
//!
//! - [`Matcher::find_line`]: where is the first line, at or after an offset, that contains a match?
//!   The searcher asks this over a whole buffer of many lines at once.
//! - [`Matcher::find_at`]: where is the next match inside one line? The printer asks this for
//!   `-o` and `--color`.
//!
//! # How a buffer search stays line-oriented
//!
//! GNU grep never lets a match run across a newline.
//! A regex over a buffer of many lines could (`a\sb` matches `"a\nb"`), so before compiling we
//! rewrite the parsed pattern (its HIR, from `regex-syntax`): every class loses `\n`, and every
//! literal that contains `\n` becomes "never matches".
//! After that, any match lies inside one line, and the line around it is found with two `memchr`
//! calls.
//! This is the same trick ripgrep uses (its `grep-regex` crate strips the line terminator).
//!
//! # Fast paths
//!
//! A pattern that is a plain literal (after parsing, with no `-i`, `-w`, `-x`) is searched with
//! [`memchr::memmem::Finder`], a SIMD substring search.
//! Everything else goes to [`regex::bytes::Regex`], whose own literal prefilters make
//! case-insensitive literals and alternations fast too.
//!
//! # Where the `regex` crate and GNU grep disagree, and how we bridge it
//!
//! - Match *ends*: the `regex` crate is leftmost-first, POSIX is leftmost-longest. This never
//!   changes which lines match, only what `-o`/`--color` show; see `Longest`.
//! - `-w` next to bytes that are not UTF-8; see `WordFallback`.
//! - POSIX classes such as `[[:upper:]]` are ASCII-only in the `regex` crate; see
//!   `unicode_posix_classes`.

use std::cell::{OnceCell, RefCell};

use memchr::memmem;
use regex::bytes::{Regex, RegexBuilder};
use regex_automata::nfa::thompson::{self, pikevm::PikeVM};
use regex_automata::{Anchored, Input, MatchKind, hybrid};
use regex_syntax::hir::{self, Class, ClassBytes, ClassBytesRange, Hir, HirKind};

use crate::Error;
use crate::posix::{self, Flavor};

/// How the pattern text is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Syntax {
    /// `-G`: POSIX basic regular expressions with GNU's extensions (the default, as in GNU).
    #[default]
    Basic,
    /// `-E`: POSIX extended regular expressions.
    Extended,
    /// `-F`: every pattern is a literal string.
    Fixed,
}

/// The pattern-related options from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct MatchOptions {
    /// How to read the pattern text.
    pub syntax: Syntax,
    /// `-i`: ignore case (Unicode simple case folding).
    pub ignore_case: bool,
    /// `-w`: a match must not touch a word character on either side.
    pub word: bool,
    /// `-x`: a match must span the whole line.
    pub line: bool,
}

/// A compiled set of patterns. Cheap to share by reference within one thread.
#[derive(Debug)]
pub struct Matcher {
    engine: Engine,
    /// GNU grep 3.8 quirk, reproduced: with both `-w` and `-x` on a regex (not `-F`), the match
    /// that `-o` and `--color` print includes the line's newline.
    span_includes_newline: bool,
    /// For `-w` only: the slow path for lines that are not valid UTF-8 (see [`WordFallback`]).
    word_fallback: Option<Box<WordFallback>>,
}

/// `-w` on lines that are not valid UTF-8.
///
/// The fast `-w` regex uses the `regex` crate's Unicode half word boundaries, which by design
/// never match next to a byte that is not UTF-8. GNU grep instead treats such a byte as a
/// non-word character, so `caf\xE9` contains the word `caf`. For lines with invalid UTF-8 (rare,
/// and found with a fast validity check) we therefore run GNU grep's own `-w` algorithm: take
/// the leftmost match of the bare pattern, try its ends from the longest down, accept the first
/// one whose neighbours are not word characters, and otherwise move one byte on.
#[derive(Debug)]
struct WordFallback {
    /// The patterns without the word-boundary wrapper.
    plain: Regex,
    /// Longest (and, by narrowing the range, next-shorter) match ends of `plain`.
    longest: Box<Longest>,
}
/// The leftmost-*longest* matcher for `-o` and `--color`, built on first use.
///
/// GNU grep follows POSIX: of the matches that start at the leftmost position, it reports the
/// longest (`int|integer` on `integer` shows `integer`). The `regex` crate reports the one the
/// first alternative gives (`int`). Both agree on *where* a match starts and on *whether* a line
/// matches, so only the end of a printed match needs fixing. An automaton run with
/// [`MatchKind::All`], anchored at the start we already know, keeps going after the first match
/// and so ends at the longest one. We try a lazy DFA first (fast); it gives up on Unicode word
/// boundaries next to non-ASCII text, and then the Pike VM (slower, never gives up) answers.
#[derive(Debug)]
struct Longest {
    dfa: hybrid::dfa::DFA,
    dfa_cache: RefCell<hybrid::dfa::Cache>,
    vm: PikeVM,
    vm_cache: RefCell<regex_automata::nfa::thompson::pikevm::Cache>,
}

#[derive(Debug)]
enum Engine {
    /// No patterns at all (for example `-f /dev/null`): nothing matches.
    Never,
    /// One literal byte string.
    Literal(Box<memmem::Finder<'static>>),
    /// Patterns with back-references, which only a backtracking engine can match.
    Backtrack(Backtrack),
    /// Anything else: the regex for finding lines and match starts, the HIR it came from, and
    /// the leftmost-longest matcher built from that HIR when `-o` or `--color` first needs it.
    Regex {
        regex: Regex,
        hir: Box<Hir>,
        longest: OnceCell<Option<Box<Longest>>>,
        /// Literals that every match contains somewhere inside (see [`InnerLiterals`]).
        inner_literals: Option<InnerLiterals>,
    },
}

impl Matcher {
    /// Compiles `patterns` (already split at newlines) into one matcher.
    ///
    /// Several patterns mean "any of them", like repeated `-e`.
    ///
    /// # Errors
    ///
    /// [`Error::Pattern`] when a pattern is not valid UTF-8 in regex mode, or is not a valid
    /// regular expression, or the compiled program would be too large.
    pub fn new(patterns: &[Vec<u8>], options: MatchOptions) -> Result<Matcher, Error> {
        let span_includes_newline = options.word && options.line && options.syntax != Syntax::Fixed;
        if patterns.is_empty() {
            return Ok(Matcher {
                engine: Engine::Never,
                span_includes_newline,
                word_fallback: None,
            });
        }
        // course:solution p1.3 Compile the patterns: translate each (BRE/ERE, or escape it for -F), send back-references to `Backtrack`, combine them (-w, -x), parse and strip newlines, and pick memmem for a plain literal or the regex otherwise.
        let mut alternatives = Vec::with_capacity(patterns.len());
        let mut backreferences = false;
        for pattern in patterns {
            let flavor = match options.syntax {
                Syntax::Fixed => {
                    alternatives.push(escape_bytes(pattern));
                    continue;
                }
                Syntax::Basic => Flavor::Basic,
                Syntax::Extended => Flavor::Extended,
            };
            let text = std::str::from_utf8(pattern).map_err(|_| {
                Error::Pattern(format!(
                    "pattern is not valid UTF-8: {}",
                    String::from_utf8_lossy(pattern)
                ))
            })?;
            let translated = posix::translate(text, flavor)?;
            backreferences |= translated.backreferences;
            alternatives.push(unicode_posix_classes(&translated.text, options.ignore_case));
        }
        if backreferences {
            return Ok(Matcher {
                engine: Engine::Backtrack(Backtrack::new(&alternatives, options)?),
                span_includes_newline,
                word_fallback: None,
            });
        }
        let source = combine(&alternatives, options);
        let hir = parse(&source, options)?;
        if let HirKind::Literal(hir::Literal(bytes)) = hir.kind() {
            let finder = Box::new(memmem::Finder::new(bytes.as_ref()).into_owned());
            return Ok(Matcher {
                engine: Engine::Literal(finder),
                span_includes_newline,
                word_fallback: None,
            });
        }
        let regex = compile(&hir)?;
        let word_fallback = if options.word && !options.line {
            let bare = MatchOptions {
                word: false,
                ..options
            };
            let plain_hir = parse(&combine(&alternatives, bare), bare)?;
            let plain = compile(&plain_hir)?;
            Longest::new(&plain_hir).map(|longest| Box::new(WordFallback { plain, longest }))
        } else {
            None
        };
        let inner_literals = if word_fallback.is_none() {
            InnerLiterals::new(&hir)
        } else {
            None
        };
        Ok(Matcher {
            engine: Engine::Regex {
                regex,
                hir: Box::new(hir),
                longest: OnceCell::new(),
                inner_literals,
            },
            span_includes_newline,
            word_fallback,
        })
        // course:stub
        // // Until patterns are compiled, the first pattern is searched as a fixed string.
        // let _ = options;
        // Ok(Matcher {
        //     engine: Engine::Literal(Box::new(memmem::Finder::new(&patterns[0]).into_owned())),
        //     span_includes_newline,
        //     word_fallback: None,
        // })
        // course:end
    }

    /// Finds the first line in `haystack[start..]` that contains a match.
    ///
    /// `haystack` must end just after a newline (or be empty), and `start` must be the start of a
    /// line. Returns the line as `(line_start, line_end)`, where `line_end` is just past its
    /// newline. An empty match at the very end of the haystack does not count: there is no line
    /// there.
    pub fn find_line(&self, haystack: &[u8], start: usize) -> Option<(usize, usize)> {
        // Any offset inside (or at the end of) a match will do: it tells us which line matched.
        let inside = match &self.engine {
            Engine::Never => return None,
            Engine::Backtrack(backtrack) => return backtrack.find_line(haystack, start),
            Engine::Literal(finder) => start + finder.find(&haystack[start..])?,
            // We do not need the match itself, only *some* match, so ask for the one that ends
            // first: the regex engine can stop as soon as it knows a match exists instead of
            // extending it greedily. Matches never span lines, so the earliest-ending match is
            // on the first matching line.
            Engine::Regex {
                regex,
                inner_literals: Some(inner),
                ..
            } => return inner.find_line(regex, haystack, start),
            Engine::Regex { regex, .. } => match regex.shortest_match_at(haystack, start) {
                Some(inside) => inside,
                // With -w, a line that is not UTF-8 may still match (see `WordFallback`).
                None if self.word_fallback.is_some() => haystack.len(),
                None => return None,
            },
        };
        let found = self.line_around(haystack, start, inside);
        match &self.word_fallback {
            Some(fallback) => fallback.first_line(haystack, start, found),
            None => found,
        }
    }

    /// The line of `haystack[start..]` that contains offset `inside`, if there is a line there.
    fn line_around(&self, haystack: &[u8], start: usize, inside: usize) -> Option<(usize, usize)> {
        // course:solution p1.1 The line (start, end just past its newline) around offset `inside`; none at the very end of the haystack.
        if inside >= haystack.len() {
            // Only an empty match can sit at the very end, after the last newline.
            return None;
        }
        // A match never contains `\n` (see the module docs), so the line around it is bounded
        // by the nearest newline before `inside` and the first one at or after it.
        let line_start = memchr::memrchr(b'\n', &haystack[start..inside])
            .map_or(start, |offset| start + offset + 1);
        let line_end = memchr::memchr(b'\n', &haystack[inside..])
            .map_or(haystack.len(), |offset| inside + offset + 1);
        Some((line_start, line_end))
        // course:end
    }

    /// Finds the leftmost match in `line` that starts at or after `start`.
    ///
    /// `line` is one line, with or without its newline. Bytes before `start` still count as
    /// context for `^`, `\b` and `-w`. Returns the match as `(start, end)`.
    pub fn find_at(&self, line: &[u8], start: usize) -> Option<(usize, usize)> {
        if let Some(fallback) = &self.word_fallback
            && std::str::from_utf8(line).is_err()
        {
            return fallback.find(line, start);
        }
        let (match_start, match_end) = self.find_span(line, start)?;
        if self.span_includes_newline && line.get(match_end) == Some(&b'\n') {
            return Some((match_start, match_end + 1));
        }
        Some((match_start, match_end))
    }

    fn find_span(&self, line: &[u8], start: usize) -> Option<(usize, usize)> {
        match &self.engine {
            Engine::Never => None,
            Engine::Backtrack(backtrack) => backtrack.find_at(line, start),
            Engine::Literal(finder) => {
                let found = start + finder.find(line.get(start..)?)?;
                Some((found, found + finder.needle().len()))
            }
            Engine::Regex {
                regex,
                hir,
                longest,
                ..
            } => {
                let found = regex.find_at(line, start)?;
                let end = longest
                    .get_or_init(|| Longest::new(hir))
                    .as_ref()
                    .and_then(|longest| longest.end(line, found.start(), line.len()))
                    .map_or(found.end(), |end| end.max(found.end()));
                Some((found.start(), end))
            }
        }
    }
}

/// The required-literal prefilter: literals that every match must contain, when they sit
/// *inside* the pattern rather than at its start.
///
/// The `regex` crate finds a match fast when the pattern *starts* with literals
/// (`(struct|union) [a-z]+`): it searches for them with SIMD and starts its automaton there.
/// For `[a-z_]+_(lock|unlock)\(` it has no such start and runs its automaton over every byte.
/// GNU grep instead finds the words every match must contain (its "must" strings, from
/// `kwsearch.c`/`dfamust`) and runs the full matcher only where they occur. This does the same:
/// the pattern is a concatenation, and for each part we ask `regex-syntax`'s literal extractor
/// for the finite set of literals every match of the rest of the pattern, from that part on,
/// starts with; any match of the whole pattern then contains one of those literals. We search for the best such set (longest
/// shortest literal) with a multi-literal regex (which the `regex` crate runs as a SIMD
/// "Teddy" or Aho-Corasick search), and confirm each candidate by running the real regex on
/// the candidate's line only.
#[derive(Debug)]
struct InnerLiterals {
    /// An alternation of the escaped literals.
    finder: Regex,
}

impl InnerLiterals {
    /// Only literal sets at least this long are worth a second search.
    const MIN_LEN: usize = 3;

    /// The prefilter for `hir`, if it has a literal set away from its start and none at it.
    fn new(hir: &Hir) -> Option<InnerLiterals> {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let HirKind::Concat(parts) = hir.kind() else {
            return None;
        };
        let mut extractor = Extractor::new();
        extractor.kind(ExtractKind::Prefix).limit_total(64);
        let literal_set = |part: &Hir| -> Option<Vec<Vec<u8>>> {
            let sequence = extractor.extract(part);
            let literals = sequence.literals()?;
            let shortest = literals
                .iter()
                .map(|literal| literal.as_bytes().len())
                .min()?;
            (shortest >= Self::MIN_LEN).then(|| {
                literals
                    .iter()
                    .map(|literal| literal.as_bytes().to_vec())
                    .collect()
            })
        };
        let shortest = |set: &Vec<Vec<u8>>| set.iter().map(Vec::len).min().unwrap_or(0);
        // The literals that matches of `parts[k..]` start with: extracting from the whole tail
        // rather than from `parts[k]` alone lets adjacent parts combine (`_` + `(lock|unlock)`
        // + `\(` gives `_lock(` and `_unlock(`, far rarer than `lock`).
        let best = (1..parts.len())
            .filter_map(|start| literal_set(&Hir::concat(parts[start..].to_vec())))
            .max_by_key(shortest)?;
        // A pattern that starts with literals is already fast in the `regex` crate, unless a
        // set further in is longer, so most likely rarer: `(struct|union) [a-z_]+_(ops|info) \{`
        // starts with `struct`, which is everywhere in C, while `_ops {` and `_info {` are not
        // (808k and 2.5k occurrences in the kernel corpus of `bench/compare.sh`).
        if let Some(prefix) = literal_set(parts.first()?)
            && shortest(&best) <= shortest(&prefix)
        {
            return None;
        }
        let alternation = best
            .iter()
            .map(|literal| escape_bytes(literal))
            .collect::<Vec<_>>()
            .join("|");
        let finder = RegexBuilder::new(&alternation)
            .unicode(false)
            .build()
            .ok()?;
        Some(InnerLiterals { finder })
    }

    /// The first line of `haystack[start..]` (complete lines; `start` is a line start) on which
    /// `regex` matches, visiting only lines that contain one of the literals.
    fn find_line(&self, regex: &Regex, haystack: &[u8], start: usize) -> Option<(usize, usize)> {
        let mut position = start;
        while position < haystack.len() {
            let candidate = self.finder.find_at(haystack, position)?.start();
            let line_start = memchr::memrchr(b'\n', &haystack[position..candidate])
                .map_or(position, |offset| position + offset + 1);
            let line_end = memchr::memchr(b'\n', &haystack[candidate..])
                .map_or(haystack.len(), |offset| candidate + offset + 1);
            // The regex sees the line with everything before it (so `^` and `\b` look at the
            // real previous byte) but nothing after it.
            if regex
                .shortest_match_at(&haystack[..line_end], line_start)
                .is_some()
            {
                return Some((line_start, line_end));
            }
            position = line_end;
        }
        None
    }
}

/// Patterns with back-references (`\(a\)\1`), matched line by line with `fancy-regex`.
///
/// A back-reference makes the language non-regular, so neither the `regex` crate nor any DFA can
/// match it; GNU grep also falls back to a backtracking matcher for these patterns. The
/// backtracker is much slower than the automata, so only patterns that need it come here, and
/// every other pattern keeps the fast path. Each pattern is compiled on its own, so `\1` in the
/// second pattern still means that pattern's first group.
///
/// `fancy-regex` matches `&str`, so a line that is not valid UTF-8 never matches here (GNU grep
/// would match its valid parts); the README lists this.
#[derive(Debug)]
struct Backtrack {
    regexes: Vec<fancy_regex::Regex>,
}

impl Backtrack {
    fn new(alternatives: &[String], options: MatchOptions) -> Result<Backtrack, Error> {
        let regexes = alternatives
            .iter()
            .map(|alternative| {
                let case = if options.ignore_case { "(?i)" } else { "" };
                let source = if options.line {
                    format!("{case}^(?:{alternative})$")
                } else if options.word {
                    format!(r"{case}(?<!\w)(?:{alternative})(?!\w)")
                } else {
                    format!("{case}{alternative}")
                };
                fancy_regex::RegexBuilder::new(&source)
                    .build()
                    .map_err(|error| Error::Pattern(error.to_string()))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Backtrack { regexes })
    }

    /// The first line of `haystack[start..]` (complete lines) with a match.
    fn find_line(&self, haystack: &[u8], start: usize) -> Option<(usize, usize)> {
        let mut line_start = start;
        while line_start < haystack.len() {
            let line_end = memchr::memchr(b'\n', &haystack[line_start..])
                .map_or(haystack.len(), |offset| line_start + offset + 1);
            if self.find_at(&haystack[line_start..line_end], 0).is_some() {
                return Some((line_start, line_end));
            }
            line_start = line_end;
        }
        None
    }

    /// The leftmost (then longest) match of any pattern in `line` at or after `start`.
    fn find_at(&self, line: &[u8], start: usize) -> Option<(usize, usize)> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        match std::str::from_utf8(line) {
            Ok(text) => self.find_in_text(text, start),
            Err(_) => {
                // Each byte that is not UTF-8 becomes U+FFFD, which no pattern character but
                // `.` and negated classes can match (GNU grep's `.` does not match such a byte,
                // a rare difference the README lists); `offsets` maps positions back.
                let (text, offsets) = lossy_with_offsets(line);
                let text_start = offsets.partition_point(|&offset| offset < start);
                let (found_start, found_end) = self.find_in_text(&text, text_start)?;
                Some((offsets[found_start], offsets[found_end]))
            }
        }
    }

    fn find_in_text(&self, text: &str, start: usize) -> Option<(usize, usize)> {
        let mut start = start;
        while start < text.len() && !text.is_char_boundary(start) {
            start += 1;
        }
        if start > text.len() {
            return None;
        }
        self.regexes
            .iter()
            // An error is the backtracker giving up (its step limit); count it as no match.
            .filter_map(|regex| regex.find_from_pos(text, start).ok().flatten())
            .map(|found| (found.start(), found.end()))
            .min_by_key(|&(found_start, found_end)| (found_start, std::cmp::Reverse(found_end)))
    }
}

/// `bytes` as text with U+FFFD for each byte that is not UTF-8, and for every byte offset of
/// that text (plus its end) the offset in `bytes` it came from.
fn lossy_with_offsets(bytes: &[u8]) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(bytes.len() + 8);
    let mut offsets = Vec::with_capacity(bytes.len() + 8);
    let mut origin = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        offsets.extend((0..chunk.valid().len()).map(|index| origin + index));
        origin += chunk.valid().len();
        for _ in chunk.invalid() {
            text.push(char::REPLACEMENT_CHARACTER);
            offsets.extend([origin; 3]);
            origin += 1;
        }
    }
    offsets.push(origin);
    (text, offsets)
}

impl Longest {
    /// Builds both automata; `None` if they cannot be built (then plain leftmost-first ends are
    /// used, which is still a correct match, just possibly a shorter one than GNU grep's).
    fn new(hir: &Hir) -> Option<Box<Longest>> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .utf8(false)
                    .which_captures(thompson::WhichCaptures::Implicit),
            )
            .build_from_hir(hir)
            .ok()?;
        let dfa = hybrid::dfa::DFA::builder()
            .configure(
                hybrid::dfa::DFA::config()
                    .match_kind(MatchKind::All)
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa.clone())
            .ok()?;
        let vm = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa)
            .ok()?;
        Some(Box::new(Longest {
            dfa_cache: RefCell::new(dfa.create_cache()),
            dfa,
            vm_cache: RefCell::new(vm.create_cache()),
            vm,
        }))
    }

    /// The end of the longest match that starts exactly at `start` and ends by `limit`.
    fn end(&self, line: &[u8], start: usize, limit: usize) -> Option<usize> {
        let input = Input::new(line).range(start..limit).anchored(Anchored::Yes);
        let mut dfa_cache = self.dfa_cache.borrow_mut();
        if let Ok(found) = self.dfa.try_search_fwd(&mut dfa_cache, &input) {
            return found.map(|half| half.offset());
        }
        // Only the implicit group 0 is tracked: slot 0 is its start, slot 1 its end.
        let mut slots = [None, None];
        let mut vm_cache = self.vm_cache.borrow_mut();
        self.vm.search_slots(&mut vm_cache, &input, &mut slots)?;
        slots[1].map(|end| end.get())
    }
}

impl WordFallback {
    /// The first line at or after `start` that GNU grep's `-w` selects, given `found`, the first
    /// line the fast regex selects. Only lines before `found` that are not valid UTF-8 can be
    /// missing from the fast answer, so only those are re-checked.
    fn first_line(
        &self,
        haystack: &[u8],
        start: usize,
        found: Option<(usize, usize)>,
    ) -> Option<(usize, usize)> {
        let gap_end = found.map_or(haystack.len(), |(line_start, _)| line_start);
        let mut position = start;
        while position < gap_end {
            let Err(error) = std::str::from_utf8(&haystack[position..gap_end]) else {
                break;
            };
            let bad = position + error.valid_up_to();
            let line_start =
                memchr::memrchr(b'\n', &haystack[..bad]).map_or(0, |offset| offset + 1);
            let line_end = memchr::memchr(b'\n', &haystack[bad..])
                .map_or(haystack.len(), |offset| bad + offset + 1);
            if self.find(&haystack[line_start..line_end], 0).is_some() {
                return Some((line_start, line_end));
            }
            position = line_end;
        }
        found
    }

    /// GNU grep's `-w` search inside one line, from offset `from`.
    fn find(&self, line: &[u8], from: usize) -> Option<(usize, usize)> {
        // After a final newline there is no more line, only the empty start of the next one.
        let last_start = line.len() - usize::from(line.last() == Some(&b'\n'));
        let mut search_from = from;
        while search_from <= last_start {
            let start = self.plain.find_at(line, search_from)?.start();
            if start > last_start {
                return None;
            }
            let mut end = self.longest.end(line, start, line.len());
            while let Some(candidate) = end {
                if !is_word_char(char_before(line, start))
                    && !is_word_char(char_at(line, candidate))
                {
                    return Some((start, candidate));
                }
                if candidate == start {
                    break;
                }
                end = self.longest.end(line, start, candidate - 1);
            }
            search_from = start + 1;
        }
        None
    }
}

/// GNU grep's word constituent: `_` or an alphanumeric character (`iswalnum`). Bytes that are
/// not UTF-8, and the edges of the line, are not word characters.
fn is_word_char(character: Option<char>) -> bool {
    character.is_some_and(|c| c == '_' || c.is_alphanumeric())
}

/// The character that ends just before `position`, if the bytes there are valid UTF-8.
fn char_before(bytes: &[u8], position: usize) -> Option<char> {
    (1..=position.min(4)).find_map(|length| {
        std::str::from_utf8(&bytes[position - length..position])
            .ok()
            .and_then(|text| text.chars().next())
    })
}

/// The character that starts at `position`, if the bytes there are valid UTF-8.
fn char_at(bytes: &[u8], position: usize) -> Option<char> {
    (1..=bytes.len().saturating_sub(position).min(4)).find_map(|length| {
        std::str::from_utf8(&bytes[position..position + length])
            .ok()
            .and_then(|text| text.chars().next())
    })
}

/// Parses a combined pattern into HIR and strips `\n` from it (see the module docs).
fn parse(source: &str, options: MatchOptions) -> Result<Hir, Error> {
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .case_insensitive(options.ignore_case)
        .unicode(true)
        .utf8(false)
        .build()
        .parse(source)
        .map_err(|error| Error::Pattern(describe_syntax_error(&error)))?;
    Ok(strip_newlines(hir))
}

/// Compiles a (stripped) HIR into a bytes regex.
fn compile(hir: &Hir) -> Result<Regex, Error> {
    RegexBuilder::new(&hir.to_string())
        // The HIR printer writes every flag it needs inline; these are the defaults spelled
        // out so the reader sees them.
        .unicode(true)
        .multi_line(true)
        .size_limit(64 << 20)
        .dfa_size_limit(8 << 20)
        .build()
        .map_err(|error| Error::Pattern(error.to_string()))
}

/// Joins the alternatives into one pattern and applies `-x` / `-w`.
fn combine(alternatives: &[String], options: MatchOptions) -> String {
    // course:solution p1.3 Join the alternatives into one pattern (empty ones last) and wrap it for -x or -w.
    // GNU grep picks the longest of the matches that start at the same place; the regex crate
    // picks the first alternative that matches. Putting empty patterns last makes the two agree
    // on the common case `-e '' -e foo --color`, where GNU highlights `foo`. (A stable sort: the
    // other patterns keep their order.)
    let mut ordered: Vec<&String> = alternatives.iter().collect();
    ordered.sort_by_key(|alternative| alternative.is_empty());
    let joined = ordered
        .into_iter()
        .map(|alternative| format!("(?:{alternative})"))
        .collect::<Vec<_>>()
        .join("|");
    if options.line {
        // GNU grep gives -x priority over -w when both are set.
        format!("^(?:{joined})$")
    } else if options.word {
        // "Half" word boundaries (regex 1.10+) say exactly what GNU's -w says: the byte before
        // the match is not a word character (or there is none), and likewise after it. A plain
        // `\b` would be wrong for a pattern that starts with a non-word character, like `-x`.
        format!(r"\b{{start-half}}(?:{joined})\b{{end-half}}")
    } else if alternatives.len() == 1 {
        // Keep a lone pattern bare so a plain literal is recognised as one after parsing.
        alternatives[0].clone()
    } else {
        joined
    }
    // course:decoy plain-word-boundaries Wraps -w patterns in plain `\b`, which needs a word character inside the match, so `-w -e -x` never matches.
    // // GNU grep picks the longest of the matches that start at the same place; the regex crate
    // // picks the first alternative that matches. Putting empty patterns last makes the two agree
    // // on the common case `-e '' -e foo --color`, where GNU highlights `foo`. (A stable sort: the
    // // other patterns keep their order.)
    // let mut ordered: Vec<&String> = alternatives.iter().collect();
    // ordered.sort_by_key(|alternative| alternative.is_empty());
    // let joined = ordered
    //     .into_iter()
    //     .map(|alternative| format!("(?:{alternative})"))
    //     .collect::<Vec<_>>()
    //     .join("|");
    // if options.line {
    //     // GNU grep gives -x priority over -w when both are set.
    //     format!("^(?:{joined})$")
    // } else if options.word {
    //     // "Half" word boundaries (regex 1.10+) say exactly what GNU's -w says: the byte before
    //     // the match is not a word character (or there is none), and likewise after it. A plain
    //     // `\b` would be wrong for a pattern that starts with a non-word character, like `-x`.
    //     format!(r"\b(?:{joined})\b")
    // } else if alternatives.len() == 1 {
    //     // Keep a lone pattern bare so a plain literal is recognised as one after parsing.
    //     alternatives[0].clone()
    // } else {
    //     joined
    // }
    // course:end
}

/// Rewrites POSIX bracket classes that GNU grep, in a UTF-8 locale, applies to all of Unicode.
///
/// The `regex` crate defines `[[:upper:]]` and friends as ASCII-only, but glibc's UTF-8 locales
/// classify every code point (`Ω` is upper case, `٣` is alphabetic). These replacements follow
/// glibc's definitions closely: "upper" means "has a lower-case mapping", "alpha" includes the
/// decimal digits of other scripts but not `0-9`. `[:digit:]` is ASCII in both. The remaining
/// classes (`space`, `punct`, `print`, `graph`, `cntrl`, `blank`, `xdigit`) stay ASCII-only; the
/// README lists that difference.
///
/// With `-i`, GNU grep's DFA reads `[:upper:]` and `[:lower:]` as `[:alpha:]` (see `dfa.c` in
/// gnulib), so we do the same.
fn unicode_posix_classes(pattern: &str, ignore_case: bool) -> String {
    const ALPHA: &str = r"[\p{Alphabetic}\p{Nd}&&[^0-9]]";
    let (upper, lower) = if ignore_case {
        (ALPHA, ALPHA)
    } else {
        (
            r"\p{Changes_When_Lowercased}",
            r"\p{Changes_When_Uppercased}",
        )
    };
    let replacements = [
        ("[:upper:]", upper),
        ("[:lower:]", lower),
        ("[:alpha:]", ALPHA),
        ("[:alnum:]", r"\p{Alphabetic}\p{Nd}"),
    ];
    let mut rewritten = pattern.to_string();
    for (posix, unicode) in replacements {
        if rewritten.contains(posix) {
            rewritten = rewritten.replace(posix, unicode);
        }
    }
    rewritten
}

/// Escapes a fixed string (`-F`) into regex syntax, byte by byte where it is not UTF-8.
fn escape_bytes(pattern: &[u8]) -> String {
    let mut escaped = String::with_capacity(pattern.len());
    for chunk in pattern.utf8_chunks() {
        escaped.push_str(&regex_syntax::escape(chunk.valid()));
        for byte in chunk.invalid() {
            // `(?-u:...)` lets a bytes regex match one raw byte that is not UTF-8.
            escaped.push_str(&format!(r"(?-u:\x{byte:02X})"));
        }
    }
    escaped
}

/// Rewrites `hir` so that it can never match a `\n` byte.
fn strip_newlines(hir: Hir) -> Hir {
    // course:solution p1.3 Rebuild the HIR without `\n`: classes lose it, literals containing it become `Hir::fail()`, and the other kinds recurse.
    match hir.into_kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(hir::Literal(bytes)) => {
            if bytes.contains(&b'\n') {
                Hir::fail()
            } else {
                Hir::literal(bytes)
            }
        }
        HirKind::Class(Class::Unicode(mut class)) => {
            let newline = hir::ClassUnicode::new([hir::ClassUnicodeRange::new('\n', '\n')]);
            class.difference(&newline);
            Hir::class(Class::Unicode(class))
        }
        HirKind::Class(Class::Bytes(mut class)) => {
            class.difference(&ClassBytes::new([ClassBytesRange::new(b'\n', b'\n')]));
            Hir::class(Class::Bytes(class))
        }
        HirKind::Look(look) => Hir::look(look),
        HirKind::Repetition(repetition) => Hir::repetition(hir::Repetition {
            sub: Box::new(strip_newlines(*repetition.sub)),
            ..repetition
        }),
        HirKind::Capture(capture) => Hir::capture(hir::Capture {
            sub: Box::new(strip_newlines(*capture.sub)),
            ..capture
        }),
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(strip_newlines).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.into_iter().map(strip_newlines).collect())
        }
    }
    // course:decoy newlines-left-in Leaves the HIR as parsed, so `\s`, `[^x]` and `\n` can match across a line end in a buffer search.
    // hir
    // course:end
}

/// Turns a `regex-syntax` error into one line: `regex-syntax` prints a multi-line picture with a
/// caret under the problem, which is helpful but not GNU's one-line form.
fn describe_syntax_error(error: &regex_syntax::Error) -> String {
    match error {
        regex_syntax::Error::Parse(parse) => {
            use regex_syntax::ast::ErrorKind;
            // GNU grep's words where it has a message for the same mistake.
            match parse.kind() {
                ErrorKind::GroupUnclosed => "Unmatched ( or \\(".to_owned(),
                ErrorKind::GroupUnopened => "Unmatched ) or \\)".to_owned(),
                ErrorKind::ClassRangeInvalid => "Invalid range end".to_owned(),
                ErrorKind::ClassUnclosed => "Unmatched [, [^, [:, [., or [=".to_owned(),
                // GNU grep's parser is recursive and reports running out of stack this way.
                ErrorKind::NestLimitExceeded(_) => "stack overflow".to_owned(),
                other => format!("{other} in pattern '{}'", parse.pattern()),
            }
        }
        regex_syntax::Error::Translate(translate) => {
            format!("{} in pattern '{}'", translate.kind(), translate.pattern())
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The options of `-E`: these tests are written in extended syntax.
    fn ere() -> MatchOptions {
        MatchOptions {
            syntax: Syntax::Extended,
            ..MatchOptions::default()
        }
    }

    fn matcher(patterns: &[&str], options: MatchOptions) -> Matcher {
        let patterns: Vec<Vec<u8>> = patterns.iter().map(|p| p.as_bytes().to_vec()).collect();
        Matcher::new(&patterns, options).expect("test patterns are valid")
    }

    /// Returns the matching lines of `text` (without newlines), the way the searcher walks them.
    fn matching_lines(matcher: &Matcher, text: &str) -> Vec<String> {
        let haystack = text.as_bytes();
        let mut lines = Vec::new();
        let mut position = 0;
        while let Some((start, end)) = matcher.find_line(haystack, position) {
            lines.push(String::from_utf8_lossy(&haystack[start..end - 1]).into_owned());
            position = end;
        }
        lines
    }

    fn check(patterns: &[&str], options: MatchOptions, text: &str, expected: &[&str]) {
        let matcher = matcher(patterns, options);
        assert_eq!(
            matching_lines(&matcher, text),
            expected,
            "patterns {patterns:?} with {options:?}"
        );
    }

    const TEXT: &str = "alpha beta\nGamma\nbeta-max\n\nalphabet\n";

    #[test]
    fn find_line_returns_the_first_matching_line() {
        let plain = ere();
        let fixed = MatchOptions {
            syntax: Syntax::Fixed,
            ..plain
        };
        let icase = MatchOptions {
            ignore_case: true,
            ..plain
        };
        let word = MatchOptions {
            word: true,
            ..plain
        };
        let line = MatchOptions {
            line: true,
            ..plain
        };
        check(&["beta"], plain, TEXT, &["alpha beta", "beta-max"]);
        check(&["gamma"], plain, TEXT, &[]);
        check(&["gamma"], icase, TEXT, &["Gamma"]);
        check(&["alpha"], word, TEXT, &["alpha beta"]);
        check(&["beta"], word, TEXT, &["alpha beta", "beta-max"]);
        check(&["Gamma"], line, TEXT, &["Gamma"]);
        check(&["^$"], plain, TEXT, &[""]);
        check(&["a.b"], fixed, "a.b\naxb\n", &["a.b"]);
        check(&["a.b"], plain, "a.b\naxb\n", &["a.b", "axb"]);
        check(&["max", "Gam"], plain, TEXT, &["Gamma", "beta-max"]);
        check(&[""], plain, "x\ny\n", &["x", "y"]);
        check(
            &["^[[:upper:]]"],
            plain,
            "Ωmega\nomega\nOmega\n",
            &["Ωmega", "Omega"],
        );
        check(&["[[:alpha:]]"], plain, "٣\n3\n", &["٣"]);
    }

    #[test]
    fn find_line_never_crosses_a_newline() {
        let plain = ere();
        check(&[r"a\sb"], plain, "a\nb\na b\n", &["a b"]);
        check(&["a[^x]b"], plain, "a\nb\n", &[]);
        check(&[r"[\n]"], plain, "a\n", &[]);
    }

    #[test]
    fn find_line_ignores_empty_match_at_end() {
        let matcher = matcher(&["^"], ere());
        assert_eq!(matcher.find_line(b"a\n", 2), None);
        assert_eq!(matcher.find_line(b"a\n", 0), Some((0, 2)));
    }

    #[test]
    fn literal_pattern_uses_memmem() {
        let matcher = matcher(&["needle"], ere());
        assert!(matches!(matcher.engine, Engine::Literal(_)));
        let regex = self::matcher(&["ne+dle"], ere());
        assert!(matches!(regex.engine, Engine::Regex { .. }));
    }

    #[test]
    fn find_at_walks_matches_within_a_line() {
        let matcher = matcher(&["o"], ere());
        assert_eq!(matcher.find_at(b"foo", 0), Some((1, 2)));
        assert_eq!(matcher.find_at(b"foo", 2), Some((2, 3)));
        assert_eq!(matcher.find_at(b"foo", 3), None);
    }

    #[test]
    fn find_at_reports_leftmost_longest_like_posix() {
        let alternation = matcher(&["int|integer"], ere());
        assert_eq!(alternation.find_at(b"integer", 0), Some((0, 7)));
        let lazy = matcher(&["x+?"], ere());
        assert_eq!(lazy.find_at(b"axxx", 0), Some((1, 4)));
        let patterns = matcher(&["a", "abc"], ere());
        assert_eq!(patterns.find_at(b"abcd", 0), Some((0, 3)));
    }

    #[test]
    fn find_at_word_and_line_span_includes_newline_like_gnu() {
        let both = MatchOptions {
            word: true,
            line: true,
            ..ere()
        };
        assert_eq!(matcher(&["foo"], both).find_at(b"foo\n", 0), Some((0, 4)));
        let fixed = MatchOptions {
            syntax: Syntax::Fixed,
            ..both
        };
        assert_eq!(matcher(&["foo"], fixed).find_at(b"foo\n", 0), Some((0, 3)));
    }

    #[test]
    fn word_match_next_to_invalid_utf8_counts_as_a_word_boundary() {
        let word = MatchOptions {
            word: true,
            ..ere()
        };
        let matcher = matcher(&["caf"], word);
        assert_eq!(matcher.find_line(b"cafe\ncaf\xe9 x\n", 0), Some((5, 12)));
        assert_eq!(matcher.find_at(b"caf\xe9 x\n", 0), Some((0, 3)));
        assert_eq!(matcher.find_line(b"cafe\nxcaf\xe9\n", 0), None);
        // Shorter ends are tried when the longest one touches a word character.
        let shorter = self::matcher(&["ab*"], word);
        assert_eq!(shorter.find_at(b"\xffabbc ab\n", 0), Some((6, 8)));
        assert_eq!(shorter.find_at(b"\xffa\xffabbc\n", 0), Some((1, 2)));
    }

    #[test]
    fn fixed_strings_may_hold_invalid_utf8() {
        let options = MatchOptions {
            syntax: Syntax::Fixed,
            ..ere()
        };
        let matcher = Matcher::new(&[b"caf\xe9".to_vec()], options).expect("escaped bytes");
        assert_eq!(matcher.find_line(b"un caf\xe9\n", 0), Some((0, 8)));
    }

    #[test]
    fn inner_literal_prefilter_selects_the_same_lines_as_the_regex() {
        let inner = matcher(&[r"[a-z_]+_(lock|unlock)\("], ere());
        assert!(matches!(
            inner.engine,
            Engine::Regex {
                inner_literals: Some(_),
                ..
            }
        ));
        // The candidate lines hold the literal but not always a match: `_lock` without `(`,
        // `lock(` without `_`, a match at the very start and at the very end.
        let text = "spin_lock(x)\nx _lock y\nlock(\nmutex_unlock(m)\nA_lock(\n_lock(\nraw_lock(";
        let text = format!("{text}\n");
        assert_eq!(
            matching_lines(&inner, &text),
            ["spin_lock(x)", "mutex_unlock(m)", "raw_lock("]
        );
        // A pattern that starts with its literals is left to the regex crate.
        let leading = matcher(&[r"(struct|union) [a-z]+"], ere());
        assert!(matches!(
            leading.engine,
            Engine::Regex {
                inner_literals: None,
                ..
            }
        ));
    }

    #[test]
    fn invalid_regex_is_a_pattern_error() {
        let result = Matcher::new(&[b"(".to_vec()], ere());
        let Err(Error::Pattern(message)) = result else {
            panic!("expected a pattern error, got {result:?}");
        };
        assert_eq!(message, r"Unmatched ( or \(", "GNU grep's words");
    }

    #[test]
    fn no_patterns_never_match() {
        let matcher = Matcher::new(&[], ere()).expect("empty set is valid");
        assert!(matches!(matcher.engine, Engine::Never));
        assert_eq!(matcher.find_line(b"anything\n", 0), None);
    }
}
