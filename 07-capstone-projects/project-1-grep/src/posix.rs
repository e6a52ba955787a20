//! Translates POSIX regular expressions, as GNU grep reads them, into the `regex` crate's syntax.
//!
//! GNU grep's default syntax is the *basic* one (BRE, `-G`): `(`, `)`, `{`, `}`, `|`, `+` and `?`
//! are ordinary characters, and their backslashed forms `\(`, `\{`, `\|`, ... are the operators
//! (the last three are GNU extensions). `*` at the start of a pattern or group is an ordinary
//! character, and `^` / `$` are anchors only at the start / end of a pattern or group. The
//! *extended* syntax (ERE, `-E`) is close to the `regex` crate's own, but bracket expressions
//! differ: inside `[...]` a backslash is an ordinary character in POSIX, while the `regex` crate
//! reads escapes and nested classes there.
//!
//! This module rewrites either syntax into the `regex` crate's, and notes whether the pattern
//! has back-references (`\1` ... `\9`), which no automaton can match: the matcher sends those
//! patterns to a backtracking engine instead. It only rewrites text; it does no matching and no
//! I/O. The rules follow the POSIX specification
//! (<https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap09.html>) and GNU grep's
//! manual, "Basic vs Extended" (<https://www.gnu.org/software/grep/manual/grep.html>).

use crate::Error;

/// Which POSIX syntax a pattern is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `-G`, GNU grep's default.
    Basic,
    /// `-E`.
    Extended,
}

/// A pattern in the `regex` crate's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Translated {
    /// The rewritten pattern. Back-references stay as `\1` ... `\9`, which is also how the
    /// backtracking engine writes them.
    pub(crate) text: String,
    /// The pattern uses a back-reference.
    pub(crate) backreferences: bool,
}

/// Rewrites `pattern` from `flavor` into the `regex` crate's syntax.
///
/// # Errors
///
/// [`Error::Pattern`] for an unterminated bracket expression or interval, with GNU grep's
/// message.
pub(crate) fn translate(pattern: &str, flavor: Flavor) -> Result<Translated, Error> {
    let mut translator = Translator {
        chars: pattern.chars().collect(),
        position: 0,
        out: String::with_capacity(pattern.len() + 8),
        backreferences: false,
        flavor,
        depth: 0,
    };
    translator.run()?;
    Ok(Translated {
        text: translator.out,
        backreferences: translator.backreferences,
    })
}

struct Translator {
    chars: Vec<char>,
    position: usize,
    out: String,
    backreferences: bool,
    flavor: Flavor,
    /// Open groups, so an ERE `)` without its `(` can be an ordinary character, as in GNU.
    depth: usize,
}

/// The deepest group nesting `regex-syntax` accepts by default.
const MAX_NESTING: usize = 250;

/// The largest repetition count POSIX regular expressions allow (`RE_DUP_MAX`).
const DUP_MAX: u32 = 32767;

/// GNU's names for the classes of `[[:name:]]`.
const CLASS_NAMES: &[&str] = &[
    "alpha", "upper", "lower", "digit", "xdigit", "space", "print", "punct", "graph", "cntrl",
    "blank", "alnum",
];

impl Translator {
    fn peek(&self, offset: usize) -> Option<char> {
        self.chars.get(self.position + offset).copied()
    }

    fn literal(&mut self, character: char) {
        let mut buffer = [0; 4];
        self.out
            .push_str(&regex_syntax::escape(character.encode_utf8(&mut buffer)));
    }

    fn run(&mut self) -> Result<(), Error> {
        // True where a BRE `*` is an ordinary character and `^` is an anchor: at the start of
        // the pattern, of a group, of an alternative, and right after a leading `^`.
        let mut at_start = true;
        while let Some(character) = self.peek(0) {
            self.position += 1;
            let was_start = at_start;
            at_start = false;
            match character {
                '[' => self.bracket()?,
                '\\' => at_start = self.escape(was_start)?,
                // GNU grep's matcher rejects `(*)` (spencer1 test 63) though it reads a `*` with
                // nothing to repeat as an ordinary character everywhere else.
                '*' if was_start
                    && self.flavor == Flavor::Extended
                    && self.out.ends_with('(')
                    && self.peek(0) == Some(')') =>
                {
                    return Err(Error::Pattern("Unmatched ( or \\(".to_owned()));
                }
                // A repetition with nothing to repeat is an ordinary character in GNU grep.
                '*' if was_start => self.out.push_str(r"\*"),
                '+' | '?' if was_start && self.flavor == Flavor::Extended => {
                    self.literal(character);
                }
                '^' if self.flavor == Flavor::Basic => {
                    if was_start {
                        self.out.push('^');
                        at_start = true;
                    } else {
                        self.out.push_str(r"\^");
                    }
                }
                '$' if self.flavor == Flavor::Basic => {
                    let at_end = matches!(
                        (self.peek(0), self.peek(1)),
                        (None, _) | (Some('\\'), Some(')' | '|'))
                    );
                    self.out.push_str(if at_end { "$" } else { r"\$" });
                }
                '(' | ')' | '{' | '}' | '|' | '+' | '?' if self.flavor == Flavor::Basic => {
                    self.literal(character);
                }
                '{' if self.flavor == Flavor::Extended => self.extended_interval()?,
                '(' | '|' if self.flavor == Flavor::Extended => {
                    if character == '(' {
                        self.open_group()?;
                    }
                    self.out.push(character);
                    at_start = true;
                }
                ')' if self.flavor == Flavor::Extended => {
                    if self.depth == 0 {
                        self.out.push_str(r"\)");
                    } else {
                        self.depth -= 1;
                        self.out.push(')');
                    }
                }
                other => self.out.push(other),
            }
        }
        Ok(())
    }

    /// Counts an opened group. GNU grep's parser is recursive and reports a pattern nested too
    /// deeply as `stack overflow`; `regex-syntax` refuses nesting beyond 250 levels, so deeper
    /// groups get GNU's message here, before the parser sees them.
    fn open_group(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Error::Pattern("stack overflow".to_owned()));
        }
        Ok(())
    }

    /// Handles the character after a backslash; returns whether what follows is "at the start"
    /// in the BRE sense.
    fn escape(&mut self, was_start: bool) -> Result<bool, Error> {
        let Some(next) = self.peek(0) else {
            return Err(Error::Pattern("trailing backslash (\\)".to_owned()));
        };
        self.position += 1;
        let basic = self.flavor == Flavor::Basic;
        match next {
            '1'..='9' => {
                self.backreferences = true;
                self.out.push('\\');
                self.out.push(next);
            }
            '(' | '|' if basic => {
                if next == '(' {
                    self.open_group()?;
                }
                self.out.push(next);
                return Ok(true);
            }
            ')' if basic => {
                self.depth = self.depth.saturating_sub(1);
                self.out.push(')');
            }
            '{' if basic => {
                if was_start {
                    // GNU reads `\{` at the start as an ordinary `{`.
                    self.literal('{');
                } else {
                    self.basic_interval()?;
                }
            }
            '+' | '?' if basic => {
                if was_start {
                    self.literal(next);
                } else {
                    self.out.push(next);
                }
            }
            '<' | '>' | 'b' | 'B' | 'w' | 'W' | 's' | 'S' => {
                self.out.push('\\');
                self.out.push(next);
            }
            '`' => self.out.push_str(r"\A"),
            '\'' => self.out.push_str(r"\z"),
            // Any other escaped character stands for itself (`\.` `\*` `\[`, and `\d` is `d`).
            other => self.literal(other),
        }
        Ok(false)
    }

    /// `\{m,n\}` (the opening `\{` is consumed) → `{m,n}`; `{,n}` means `{0,n}`.
    fn basic_interval(&mut self) -> Result<(), Error> {
        let mut body = String::new();
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some('\\'), Some('}')) => {
                    self.position += 2;
                    break;
                }
                (Some(character @ ('0'..='9' | ',')), _) => {
                    body.push(character);
                    self.position += 1;
                }
                _ => return Err(Error::Pattern("Unmatched \\{".to_owned())),
            }
        }
        self.interval(&body)
    }

    /// An ERE `{`: an interval when a valid one follows, else (as in GNU) an ordinary `{`;
    /// but `{}` is an error.
    fn extended_interval(&mut self) -> Result<(), Error> {
        let rest: String = self.chars[self.position..].iter().collect();
        if let Some(close) = rest.find('}') {
            let body = &rest[..close];
            let valid = !body.is_empty()
                && body.chars().all(|c| c.is_ascii_digit() || c == ',')
                && body.matches(',').count() <= 1
                && body != ",";
            if valid || body.is_empty() {
                self.position += body.chars().count() + 1;
                return self.interval(body);
            }
        }
        self.literal('{');
        Ok(())
    }

    /// Writes `{m,n}` for the interval text `m,n`, checking GNU's limits.
    fn interval(&mut self, body: &str) -> Result<(), Error> {
        let invalid = || Error::Pattern("Invalid content of \\{\\}".to_owned());
        let mut bounds = body.splitn(2, ',');
        let low = bounds.next().unwrap_or("");
        let high = bounds.next();
        let parse = |text: &str| -> Result<Option<u32>, Error> {
            if text.is_empty() {
                return Ok(None);
            }
            match text.parse::<u32>() {
                Ok(number) if number <= DUP_MAX => Ok(Some(number)),
                _ => Err(Error::Pattern("Regular expression too big".to_owned())),
            }
        };
        let (low_value, high_value) = (parse(low)?, high.map(parse).transpose()?.flatten());
        if body.is_empty() || low_value.zip(high_value).is_some_and(|(l, h)| l > h) {
            return Err(invalid());
        }
        self.out.push('{');
        if low.is_empty() {
            self.out.push('0');
        }
        self.out.push_str(body);
        self.out.push('}');
        Ok(())
    }

    /// A bracket expression (the `[` is consumed), copied with the `regex` crate's escapes.
    fn bracket(&mut self) -> Result<(), Error> {
        let unmatched = || Error::Pattern("Unmatched [, [^, [:, [., or [=".to_owned());
        // `[:space:]` is a bracket of the letters `:aceps`, almost surely meant as a class;
        // GNU grep refuses it.
        if self.peek(0) == Some(':') {
            let rest: String = self.chars[self.position..].iter().collect();
            if let Some(close) = rest.find(']')
                && close > 2
                && rest[..close].ends_with(':')
                && rest[1..close - 1]
                    .bytes()
                    .all(|byte| byte.is_ascii_alphabetic())
            {
                return Err(Error::Pattern(format!(
                    "character class syntax is [[{0}]], not [{0}]",
                    &rest[..close]
                )));
            }
        }
        self.out.push('[');
        if self.peek(0) == Some('^') {
            self.out.push('^');
            self.position += 1;
        }
        let mut first = true;
        loop {
            let character = self.peek(0).ok_or_else(unmatched)?;
            self.position += 1;
            match character {
                ']' if !first => break,
                '[' if matches!(self.peek(0), Some(':' | '=' | '.')) => {
                    let kind = self.peek(0).ok_or_else(unmatched)?;
                    let start = self.position + 1;
                    let end = (start..self.chars.len().saturating_sub(1))
                        .find(|&index| self.chars[index] == kind && self.chars[index + 1] == ']')
                        .ok_or_else(unmatched)?;
                    let name: String = self.chars[start..end].iter().collect();
                    self.position = end + 2;
                    if kind == ':' {
                        if !CLASS_NAMES.contains(&name.as_str()) {
                            return Err(Error::Pattern("Invalid character class name".to_owned()));
                        }
                        self.out.push_str(&format!("[:{name}:]"));
                    } else {
                        // Equivalence classes and collating symbols of one character stand
                        // for that character in a UTF-8 locale.
                        for symbol in name.chars() {
                            self.bracket_member(symbol);
                        }
                    }
                }
                other => self.bracket_member(other),
            }
            first = false;
        }
        self.out.push(']');
        Ok(())
    }

    /// One member of a bracket expression: POSIX treats `\`, `[`, `&` and `~` as ordinary
    /// there, the `regex` crate does not.
    fn bracket_member(&mut self, character: char) {
        if matches!(character, '\\' | '[' | ']' | '&' | '~' | '^') {
            self.out.push('\\');
        }
        self.out.push(character);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(flavor: Flavor, pattern: &str, expected: &str, backreferences: bool) {
        let translated = translate(pattern, flavor).expect("test pattern translates");
        assert_eq!(
            (translated.text.as_str(), translated.backreferences),
            (expected, backreferences),
            "{flavor:?} {pattern:?}"
        );
    }

    #[test]
    fn basic_operators_are_backslashed_and_plain_ones_are_literal() {
        check(Flavor::Basic, r"\(ab\)\{2,\}", "(ab){2,}", false);
        check(Flavor::Basic, "a+b?(c)|{d}", r"a\+b\?\(c\)\|\{d\}", false);
        check(Flavor::Basic, r"a\|b\+c\?", "a|b+c?", false);
        check(Flavor::Basic, r"x\{,3\}", "x{0,3}", false);
        // Many groups one after another are not deep nesting.
        let groups = r"\(a\)".repeat(300);
        let expected = "(a)".repeat(300);
        check(Flavor::Basic, &groups, &expected, false);
    }

    #[test]
    fn basic_star_and_anchors_depend_on_position() {
        check(Flavor::Basic, "*a", r"\*a", false);
        check(Flavor::Basic, r"^*a", r"^\*a", false);
        check(Flavor::Basic, r"\(*a\)", r"(\*a)", false);
        check(Flavor::Basic, "a^b$c$", r"a\^b\$c$", false);
        check(Flavor::Basic, r"\(^a$\)", "(^a$)", false);
    }

    #[test]
    fn backreferences_are_noticed_in_both_flavors() {
        check(Flavor::Basic, r"\(a\)\1", r"(a)\1", true);
        check(Flavor::Extended, r"(a)\1", r"(a)\1", true);
        check(Flavor::Extended, r"[\1]", r"[\\1]", false);
    }

    #[test]
    fn bracket_expressions_keep_posix_meaning() {
        check(Flavor::Basic, r"[\w]", r"[\\w]", false);
        check(Flavor::Extended, "[]a[]", r"[\]a\[]", false);
        check(Flavor::Extended, "[^]x]", r"[^\]x]", false);
        check(Flavor::Extended, "[[:digit:]x]", "[[:digit:]x]", false);
        check(Flavor::Extended, "[[=e=]]", "[e]", false);
        // Only `[:letters:]` looks like a misplaced class; these are plain brackets.
        check(Flavor::Basic, "[::]", r"[::]", false);
        check(Flavor::Basic, "[:spac-e:]", r"[:spac-e:]", false);
    }

    #[test]
    fn extended_braces_that_are_not_intervals_are_literal() {
        check(Flavor::Extended, "a{1", r"a\{1", false);
        check(Flavor::Extended, "a{,2}", "a{0,2}", false);
        check(Flavor::Extended, "a{1,2}", "a{1,2}", false);
        check(Flavor::Extended, "*a|+b", r"\*a|\+b", false);
        check(Flavor::Extended, "a)", r"a\)", false);
        check(Flavor::Extended, "(a)b)", r"(a)b\)", false);
    }

    #[test]
    fn unterminated_brackets_and_intervals_are_errors() {
        for (flavor, pattern) in [
            (Flavor::Basic, "[a"),
            (Flavor::Extended, "[[:alpha:"),
            (Flavor::Basic, r"a\{1"),
            (Flavor::Basic, r"a\{32768\}"),
            (Flavor::Basic, r"a\{2,1\}"),
            (Flavor::Extended, "a{}"),
            (Flavor::Extended, "[[:alph:]]"),
            (Flavor::Basic, "[:space:]"),
            (Flavor::Extended, &"(".repeat(300)),
            (Flavor::Basic, "a\\{1,2"),
        ] {
            assert!(
                matches!(translate(pattern, flavor), Err(Error::Pattern(_))),
                "{pattern:?}"
            );
        }
    }
}
