//! One exercise file, several views: the reference solution, the learner's stub, and each decoy.
//!
//! The marker format is described in `docs/exercise-format.md`:
//! `// course:solution [TODO text]` opens a solution region, an optional `// course:stub` starts
//! the stub's own (commented-out) text, any number of `// course:decoy <slug> <description>`
//! sections give plausible wrong solutions (commented out too), and `// course:end` closes it.
//!
//! [`Markers::parse`] reads a file once; the views are then [`Markers::stub`],
//! [`Markers::solution`] (no markers, no stub or decoy text) and [`Markers::decoy`] (the decoy's
//! sections in place of the solution in the regions that have one, the solution elsewhere).
//! [`Markers::skeleton`] is everything outside the solution regions, which a learner may not
//! change; [`Skeleton::find_edit`] tells whether a learner's file kept it.
//!
//! Signatures are compared in [`crate::signature`]; this module knows only lines and markers.

use crate::error::{Error, Result};
use std::path::Path;

const SOLUTION: &str = "// course:solution";
const STUB: &str = "// course:stub";
const DECOY: &str = "// course:decoy";
const END: &str = "// course:end";

/// One line of an exercise file, classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    /// `// course:solution` with its optional TODO text.
    Solution(&'a str),
    /// `// course:stub`.
    Stub,
    /// `// course:decoy <name> <description>`.
    Decoy(&'a str, &'a str),
    /// `// course:end`.
    End,
    /// Anything else.
    Code,
}

fn classify(line: &str) -> std::result::Result<Line<'_>, String> {
    let trimmed = line.trim();
    if !trimmed.starts_with("// course:") {
        return Ok(Line::Code);
    }
    if let Some(rest) = trimmed.strip_prefix(SOLUTION)
        && (rest.is_empty() || rest.starts_with(' '))
    {
        return Ok(Line::Solution(rest.trim()));
    }
    if let Some(rest) = trimmed.strip_prefix(DECOY)
        && (rest.is_empty() || rest.starts_with(' '))
    {
        let rest = rest.trim();
        let (name, description) = rest.split_once(' ').unwrap_or((rest, ""));
        if !is_slug(name) {
            return Err(format!(
                "a decoy needs a name made of a-z, 0-9 and `-` (`// course:decoy <name> <description>`), not `{name}`"
            ));
        }
        return Ok(Line::Decoy(name, description.trim()));
    }
    match trimmed {
        STUB => Ok(Line::Stub),
        END => Ok(Line::End),
        _ => Err(format!(
            "unknown marker `{trimmed}` (markers are course:solution, course:stub, course:decoy, course:end)"
        )),
    }
}

/// Whether `name` is a decoy slug: `[a-z0-9-]+`.
fn is_slug(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A decoy: a plausible wrong solution the tests must catch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoy {
    /// Its slug, unique per exercise.
    pub name: String,
    /// The one-line description of the mistake it makes.
    pub description: String,
}

/// One decoy section of one region.
#[derive(Debug, Clone)]
struct DecoySection {
    name: String,
    lines: Vec<String>,
}

/// One solution region with everything it holds.
#[derive(Debug, Clone)]
struct Region {
    indent: String,
    todo: String,
    solution: Vec<String>,
    stub: Option<Vec<String>>,
    decoys: Vec<DecoySection>,
}

impl Region {
    /// The stub's lines for this region: its own stub section, or `// TODO:` and `todo!()`.
    fn stub_lines(&self) -> Vec<String> {
        if let Some(stub) = &self.stub {
            return stub.clone();
        }
        let mut lines = Vec::new();
        if !self.todo.is_empty() {
            lines.push(format!("{}// TODO: {}", self.indent, self.todo));
        }
        lines.push(format!("{}todo!()", self.indent));
        lines
    }
}

/// A stretch of the file: plain lines outside any region, or a region.
#[derive(Debug, Clone)]
enum Segment {
    Outside(Vec<String>),
    Region(Region),
}

/// Which section of a region the parser is in.
enum Section {
    Solution,
    Stub,
    Decoy,
}

/// An exercise file read once: its plain stretches and its solution regions.
#[derive(Debug, Clone)]
pub struct Markers {
    segments: Vec<Segment>,
    decoys: Vec<Decoy>,
}

impl Default for Markers {
    /// A file with no text and no markers.
    fn default() -> Self {
        Markers {
            segments: vec![Segment::Outside(Vec::new())],
            decoys: Vec::new(),
        }
    }
}

impl Markers {
    /// Reads the markers of an exercise file.
    ///
    /// # Errors
    /// [`Error::Marker`] (with the file and line) for an unclosed or nested region, a stub or
    /// decoy line that is not a comment, a stub section after a decoy, a decoy name used twice in
    /// one region, a decoy without a description, a marker outside a region or inside the test
    /// block, or an unknown `// course:` marker.
    pub fn parse(path: &Path, source: &str) -> Result<Markers> {
        let test_start = test_block_start(source);
        let error = |line: usize, message: String| Error::Marker {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut segments = Vec::new();
        let mut decoys: Vec<Decoy> = Vec::new();
        let mut outside: Vec<String> = Vec::new();
        let mut open: Option<(usize, Region, Section)> = None;
        for (index, line) in source.lines().enumerate() {
            let number = index + 1;
            let kind = classify(line).map_err(|m| error(number, m))?;
            if kind != Line::Code && test_start.is_some_and(|start| index >= start) {
                return Err(error(
                    number,
                    "solution markers may not appear in the test block".into(),
                ));
            }
            if kind == Line::End
                && let Some((_, region, _)) = open.take()
            {
                segments.push(Segment::Region(region));
                continue;
            }
            let Some((start, region, section)) = open.as_mut() else {
                match kind {
                    Line::Code => outside.push(line.to_string()),
                    Line::Solution(todo) => {
                        segments.push(Segment::Outside(std::mem::take(&mut outside)));
                        let indent = &line[..line.len() - line.trim_start().len()];
                        let region = Region {
                            indent: indent.to_string(),
                            todo: todo.to_string(),
                            solution: Vec::new(),
                            stub: None,
                            decoys: Vec::new(),
                        };
                        open = Some((number, region, Section::Solution));
                    }
                    Line::Stub | Line::Decoy(..) | Line::End => {
                        return Err(error(
                            number,
                            "marker outside a region (no `// course:solution` before it)".into(),
                        ));
                    }
                }
                continue;
            };
            match (kind, &section) {
                (Line::Code, Section::Solution) => region.solution.push(line.to_string()),
                (Line::Code, Section::Stub | Section::Decoy) => {
                    let what = if matches!(section, Section::Stub) {
                        "course:stub"
                    } else {
                        "course:decoy"
                    };
                    let text = uncomment(line).ok_or_else(|| {
                        error(
                            number,
                            format!("every line of a {what} section must be a `//` comment"),
                        )
                    })?;
                    match section {
                        Section::Stub => region.stub.get_or_insert_with(Vec::new).push(text),
                        _ => {
                            if let Some(decoy) = region.decoys.last_mut() {
                                decoy.lines.push(text);
                            }
                        }
                    }
                }
                (Line::Solution(_), _) => {
                    return Err(error(
                        number,
                        format!(
                            "regions do not nest: the region opened on line {start} is not closed"
                        ),
                    ));
                }
                (Line::Stub, Section::Solution) => {
                    region.stub = Some(Vec::new());
                    *section = Section::Stub;
                }
                (Line::Stub, Section::Stub) => {
                    return Err(error(
                        number,
                        "a region has only one course:stub section".into(),
                    ));
                }
                (Line::Stub, Section::Decoy) => {
                    return Err(error(
                        number,
                        "the course:stub section comes before the decoys".into(),
                    ));
                }
                (Line::Decoy(name, description), _) => {
                    if region.decoys.iter().any(|d| d.name == name) {
                        return Err(error(
                            number,
                            format!("decoy `{name}` has two sections in one region"),
                        ));
                    }
                    match decoys.iter_mut().find(|d| d.name == name) {
                        Some(known) if known.description.is_empty() => {
                            known.description = description.to_string();
                        }
                        Some(_) => {}
                        None => decoys.push(Decoy {
                            name: name.to_string(),
                            description: description.to_string(),
                        }),
                    }
                    region.decoys.push(DecoySection {
                        name: name.to_string(),
                        lines: Vec::new(),
                    });
                    *section = Section::Decoy;
                }
                (Line::End, _) => {}
            }
        }
        if let Some((start, ..)) = open {
            return Err(error(
                start,
                "region is never closed with `// course:end`".into(),
            ));
        }
        segments.push(Segment::Outside(outside));
        if let Some(decoy) = decoys.iter().find(|d| d.description.is_empty()) {
            let line = source
                .lines()
                .position(|l| matches!(classify(l), Ok(Line::Decoy(name, _)) if name == decoy.name))
                .map_or(1, |index| index + 1);
            return Err(error(
                line,
                format!(
                    "decoy `{}` has no description (`// course:decoy <name> <what it gets wrong>`)",
                    decoy.name
                ),
            ));
        }
        Ok(Markers { segments, decoys })
    }

    /// The text of the file with each region replaced by `pick(region)`.
    fn render(&self, pick: impl Fn(&Region) -> Vec<String>) -> String {
        let mut lines: Vec<String> = Vec::new();
        for segment in &self.segments {
            match segment {
                Segment::Outside(outside) => lines.extend(outside.iter().cloned()),
                Segment::Region(region) => lines.extend(pick(region)),
            }
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }

    /// The learner's stub: every region becomes its stub section, or `// TODO:` and `todo!()`.
    pub fn stub(&self) -> String {
        self.render(Region::stub_lines)
    }

    /// A capstone's version up to a milestone: the regions for which `keep(milestone)` holds keep
    /// their solution, the others become their stub. `milestone` is the id the region's TODO
    /// text starts with ([`milestone_of`]), `None` when it starts with none.
    pub fn up_to(&self, keep: impl Fn(Option<&str>) -> bool) -> String {
        self.render(|region| {
            if keep(milestone_of(&region.todo)) {
                region.solution.clone()
            } else {
                region.stub_lines()
            }
        })
    }

    /// The milestone id of each region, in file order (`None` for a region whose TODO text does
    /// not start with one).
    pub fn region_milestones(&self) -> Vec<Option<&str>> {
        self.regions().map(|r| milestone_of(&r.todo)).collect()
    }

    /// The decoy names that have a section in a region of `milestone`, and those in regions of
    /// other milestones, as `(name, region milestone)` pairs in file order.
    pub fn decoy_milestones(&self) -> Vec<(&str, Option<&str>)> {
        self.regions()
            .flat_map(|r| {
                r.decoys
                    .iter()
                    .map(move |d| (d.name.as_str(), milestone_of(&r.todo)))
            })
            .collect()
    }

    /// The reference solution without markers, stub sections or decoys.
    pub fn solution(&self) -> String {
        self.render(|region| region.solution.clone())
    }

    /// The file with decoy `name` in place of the solution (in every region that has a section
    /// of that name), or `None` when the file has no such decoy.
    pub fn decoy(&self, name: &str) -> Option<String> {
        self.decoys.iter().find(|d| d.name == name)?;
        Some(self.render(|region| {
            region
                .decoys
                .iter()
                .find(|d| d.name == name)
                .map_or_else(|| region.solution.clone(), |d| d.lines.clone())
        }))
    }

    /// The decoys, in the order they first appear.
    pub fn decoys(&self) -> &[Decoy] {
        &self.decoys
    }

    /// The stub with its regions still marked, each holding no solution and its stub text as a
    /// `course:stub` section: what a student edition keeps so that `reset` and the edit check
    /// work without the solution. Parsing it gives back the same stub and the same skeleton.
    pub fn marked_stub(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        for segment in &self.segments {
            match segment {
                Segment::Outside(outside) => lines.extend(outside.iter().cloned()),
                Segment::Region(region) => {
                    let indent = &region.indent;
                    lines.push(format!("{indent}{SOLUTION}"));
                    lines.push(format!("{indent}{STUB}"));
                    for line in region.stub_lines() {
                        let code = line.trim_start();
                        let own_indent = &line[..line.len() - code.len()];
                        lines.push(if code.is_empty() {
                            format!("{indent}//")
                        } else {
                            format!("{own_indent}// {code}")
                        });
                    }
                    lines.push(format!("{indent}{END}"));
                }
            }
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }

    /// How many solution regions the file has.
    pub fn region_count(&self) -> usize {
        self.regions().count()
    }

    fn regions(&self) -> impl Iterator<Item = &Region> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Region(region) => Some(region),
            Segment::Outside(_) => None,
        })
    }

    /// Every line that must never reach a learner: the solution and decoy text of each region.
    pub fn hidden_lines(&self) -> Vec<String> {
        self.regions()
            .flat_map(|region| {
                region
                    .solution
                    .iter()
                    .chain(region.decoys.iter().flat_map(|d| d.lines.iter()))
                    .cloned()
            })
            .collect()
    }

    /// Everything outside the solution regions: what a learner may not change.
    pub fn skeleton(&self) -> Skeleton {
        Skeleton {
            parts: self
                .segments
                .iter()
                .filter_map(|segment| match segment {
                    Segment::Outside(lines) => Some(words(lines.iter().map(String::as_str))),
                    Segment::Region(_) => None,
                })
                .collect(),
        }
    }
}

/// The capstone milestone a region belongs to: the first word of its TODO text when it is shaped
/// `p<N>.<k>` (a trailing `:` allowed), as in `// course:solution p1.3 Compile -w …`.
pub fn milestone_of(todo: &str) -> Option<&str> {
    let word = todo.split_whitespace().next()?.trim_end_matches(':');
    let (capstone, position) = word.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (capstone.strip_prefix('p').is_some_and(digits) && digits(position)).then_some(word)
}

/// The position of a milestone id (`p1.3` → 3).
pub fn milestone_position(id: &str) -> Option<usize> {
    id.split_once('.')?.1.parse().ok()
}

/// The words (whitespace-separated) of some lines, so reformatting is not an edit.
fn words<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
    lines
        .flat_map(str::split_whitespace)
        .map(str::to_string)
        .collect()
}

/// The parts of an exercise outside its solution regions, as words: the tests, the scenario an
/// explore exercise runs, helper items, `use` lines, the header. A learner's file counts only if
/// it holds these parts unchanged and in order, with anything in the gaps where the regions were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skeleton {
    /// One word list per stretch between regions; the first is before the first region, the last
    /// after the last one (either may be empty).
    parts: Vec<Vec<String>>,
}

impl Skeleton {
    /// `None` when `learner` keeps every part of the skeleton (whitespace aside); otherwise a
    /// short description of the first part that was changed.
    pub fn find_edit(&self, learner: &str) -> Option<String> {
        let text = words(learner.lines());
        let (first, rest) = self.parts.split_first()?;
        if !text.starts_with(first) {
            return Some(describe(first, "the beginning of the file"));
        }
        let mut position = first.len();
        let Some((last, middle)) = rest.split_last() else {
            return (text.len() != first.len()).then(|| "the file has extra text".to_string());
        };
        for part in middle {
            match find(&text[position..], part) {
                Some(offset) => position += offset + part.len(),
                None => return Some(describe(part, "the code between two solution regions")),
            }
        }
        if text.len() < position + last.len() || !text.ends_with(last) {
            return Some(describe(last, "the code after the last solution region"));
        }
        None
    }

    /// A fingerprint of the skeleton (stable across runs and Rust versions).
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = crate::hash::Fnv1a::new();
        for part in &self.parts {
            for word in part {
                hasher.write(word.as_bytes());
                hasher.write(b" ");
            }
            hasher.write(b"\n");
        }
        hasher.finish()
    }
}

/// Says where an edit was found: names the part, and the test block when that part holds it.
fn describe(part: &[String], fallback: &str) -> String {
    if part.iter().any(|w| w == "#[cfg(test)]") {
        "the tests (or code next to them) were changed".to_string()
    } else {
        format!("{fallback} was changed")
    }
}

/// The first position at which `needle` occurs in `haystack` as a contiguous run.
fn find(haystack: &[String], needle: &[String]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Uncomments one line of a stub or decoy section: `    // let x = 1;` becomes `    let x = 1;`.
fn uncomment(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if trimmed.is_empty() {
        return Some(String::new());
    }
    let rest = trimmed.strip_prefix("//")?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    if rest.is_empty() {
        return Some(String::new());
    }
    Some(format!("{indent}{rest}"))
}

/// The learner's stub generated from a reference solution.
///
/// # Errors
/// As [`Markers::parse`].
pub fn stub(path: &Path, source: &str) -> Result<String> {
    Ok(Markers::parse(path, source)?.stub())
}

/// The reference solution without its markers, stub sections and decoys: what `solution` shows.
///
/// # Errors
/// As [`Markers::parse`].
pub fn clean_solution(path: &Path, source: &str) -> Result<String> {
    Ok(Markers::parse(path, source)?.solution())
}

/// How many solution regions the file has.
///
/// # Errors
/// As [`Markers::parse`].
pub fn region_count(path: &Path, source: &str) -> Result<usize> {
    Ok(Markers::parse(path, source)?.region_count())
}

/// The lines removed from the stub (solutions and decoys), for leak tests.
///
/// # Errors
/// As [`Markers::parse`].
pub fn region_texts(path: &Path, source: &str) -> Result<Vec<String>> {
    Ok(Markers::parse(path, source)?.hidden_lines())
}

/// The 0-based line where the test block starts: the `#[cfg(test)]` line that opens the last
/// `mod tests` of the file.
pub fn test_block_start(source: &str) -> Option<usize> {
    let lines: Vec<&str> = source.lines().collect();
    let mod_line = lines.iter().rposition(|line| {
        let trimmed = line.trim_start();
        trimmed.starts_with("mod tests") || trimmed.contains("] mod tests")
    })?;
    (0..=mod_line)
        .rev()
        .take(4)
        .find(|&index| lines[index].trim_start().starts_with("#[cfg(test)]"))
}

/// The test block: everything from [`test_block_start`] to the end of the file.
pub fn test_block(source: &str) -> Option<String> {
    let start = test_block_start(source)?;
    Some(source.lines().skip(start).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("ex.rs")
    }

    const EXERCISE: &str = r#"//! Header.
fn longest(text: &str) -> &str {
    // course:solution Return the longest word.
    text.split_whitespace().fold("", |a, b| if b.len() > a.len() { b } else { a })
    // course:decoy last-wins Uses >=, so the last of two equal words wins.
    // text.split_whitespace().fold("", |a, b| if b.len() >= a.len() { b } else { a })
    // course:decoy first-word Returns the first word.
    // text.split_whitespace().next().unwrap_or("")
    // course:end
}

fn main() {
    let s = String::from("x");
    // course:solution
    let t = s.clone();
    // course:stub
    // let t = s;
    //
    // course:decoy first-word Returns the first word.
    // let t = String::from("x");
    // course:end
    println!("{s}{t}");
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn works() {
        assert_eq!(longest("a bb"), "bb");
    }
}
"#;

    fn markers() -> Markers {
        Markers::parse(path(), EXERCISE).unwrap()
    }

    #[test]
    fn stub_replaces_regions_and_drops_decoys() {
        let stub = markers().stub();
        assert!(stub.contains("    // TODO: Return the longest word.\n    todo!()\n}"));
        assert!(stub.contains("    let t = s;\n\n    println!"));
        assert!(!stub.contains("fold"));
        assert!(!stub.contains("course:"));
        assert!(!stub.contains("unwrap_or"));
        assert!(!stub.contains("String::from(\"x\");\n    println"));
        assert_eq!(markers().region_count(), 2);
    }

    #[test]
    fn solution_drops_markers_stub_sections_and_decoys() {
        let clean = markers().solution();
        assert!(clean.contains("fold(\"\", |a, b| if b.len() > a.len()"));
        assert!(clean.contains("let t = s.clone();\n    println!"));
        assert!(!clean.contains("course:"));
        assert!(!clean.contains("let t = s;"));
        assert!(!clean.contains(">="));
        assert!(!clean.contains("unwrap_or"));
    }

    #[test]
    fn decoys_replace_only_their_regions_together() {
        let parsed = markers();
        let names: Vec<&str> = parsed.decoys().iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["last-wins", "first-word"]);
        assert_eq!(
            markers().decoys()[0].description,
            "Uses >=, so the last of two equal words wins."
        );
        let last_wins = markers().decoy("last-wins").unwrap();
        assert!(last_wins.contains("if b.len() >= a.len()"));
        assert!(
            last_wins.contains("let t = s.clone();"),
            "other regions keep the solution"
        );
        let first_word = markers().decoy("first-word").unwrap();
        assert!(first_word.contains("    text.split_whitespace().next().unwrap_or(\"\")\n}"));
        assert!(first_word.contains("    let t = String::from(\"x\");\n    println!"));
        assert!(!first_word.contains("course:"));
        assert_eq!(markers().decoy("missing"), None);
    }

    #[test]
    fn marked_stub_gives_the_same_stub_and_skeleton_without_solutions() {
        let marked = markers().marked_stub();
        let reparsed = Markers::parse(path(), &marked).unwrap();
        assert_eq!(reparsed.stub(), markers().stub());
        assert_eq!(reparsed.skeleton(), markers().skeleton());
        assert!(reparsed.decoys().is_empty());
        for hidden in markers().hidden_lines() {
            let hidden = hidden.trim();
            if hidden.len() > 8 {
                assert!(!marked.contains(hidden), "{hidden}");
            }
        }
    }

    #[test]
    fn hidden_lines_hold_solutions_and_decoys() {
        let hidden = markers().hidden_lines();
        assert!(hidden.iter().any(|l| l.contains("fold")));
        assert!(hidden.iter().any(|l| l.contains("unwrap_or")));
        assert!(hidden.iter().any(|l| l.trim() == "let t = s.clone();"));
    }

    #[test]
    fn malformed_markers_are_errors() {
        let check = |source: &str, line: usize, needle: &str| {
            let error = stub(path(), source).unwrap_err().to_string();
            assert!(error.starts_with(&format!("ex.rs:{line}:")), "{error}");
            assert!(error.contains(needle), "{error}");
        };
        check("// course:solution\nx\n", 1, "never closed");
        check("x\n// course:end\n", 2, "outside a region");
        check(
            "// course:solution\n// course:solution\n// course:end\n",
            2,
            "do not nest",
        );
        check(
            "// course:solution\nx\n// course:stub\nlet y = 1;\n// course:end\n",
            4,
            "must be a `//` comment",
        );
        check(
            "// course:solution\nx\n// course:decoy d Wrong.\ny\n// course:end\n",
            4,
            "course:decoy section must be a `//` comment",
        );
        check(
            "// course:solution\nx\n// course:decoy d Wrong.\n// y\n// course:stub\n// course:end\n",
            5,
            "before the decoys",
        );
        check(
            "// course:solution\nx\n// course:decoy d A.\n// y\n// course:decoy d B.\n// course:end\n",
            5,
            "two sections in one region",
        );
        check(
            "// course:solution\nx\n// course:decoy Bad_Name x\n// course:end\n",
            3,
            "a-z, 0-9",
        );
        check(
            "// course:solution\nx\n// course:decoy d\n// y\n// course:end\n",
            3,
            "no description",
        );
        check("// course:decoy d x\n", 1, "outside a region");
        check("// course:soltion\n", 1, "unknown marker");
        check(
            "fn a() {}\n#[cfg(test)]\nmod tests {\n// course:solution\n// course:end\n}\n",
            4,
            "test block",
        );
    }

    #[test]
    fn test_block_runs_from_cfg_test_to_end() {
        let block = test_block(EXERCISE).unwrap();
        assert!(block.starts_with("#[cfg(test)]\nmod tests {"));
        assert!(block.ends_with('}'));
        assert_eq!(test_block("fn main() {}"), None);
    }

    #[test]
    fn skeleton_accepts_any_region_text_and_reformatting() {
        let skeleton = markers().skeleton();
        assert_eq!(skeleton.find_edit(&markers().stub()), None);
        assert_eq!(skeleton.find_edit(&markers().solution()), None);
        let reformatted = markers()
            .solution()
            .replace("    use super::*;", "use   super::*;\n\n");
        assert_eq!(skeleton.find_edit(&reformatted), None);
        let other_answer = markers().solution().replace(
            "let t = s.clone();",
            "let t = s.to_string();\n    let _unused = 1;",
        );
        assert_eq!(skeleton.find_edit(&other_answer), None);
    }

    #[test]
    fn skeleton_catches_edits_outside_regions() {
        let skeleton = markers().skeleton();
        let solution = markers().solution();
        let edited_test = solution.replace("\"bb\");", "longest(\"a bb\"));");
        assert!(skeleton.find_edit(&edited_test).unwrap().contains("tests"));
        let macro_above_tests = solution.replace(
            "#[cfg(test)]",
            "macro_rules! assert_eq { ($($t:tt)*) => {} }\n#[cfg(test)]",
        );
        assert!(skeleton.find_edit(&macro_above_tests).is_some());
        let edited_main = solution.replace("println!(\"{s}{t}\");", "");
        assert!(skeleton.find_edit(&edited_main).is_some());
        let edited_header = solution.replace("//! Header.", "//! Mine.");
        assert!(skeleton.find_edit(&edited_header).is_some());
        let appended = format!("{solution}\nfn extra() {{}}\n");
        assert!(skeleton.find_edit(&appended).is_some());
        assert_ne!(skeleton.fingerprint(), 0);
    }
}
