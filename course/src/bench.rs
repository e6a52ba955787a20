//! `cargo course bench p1`: the learner's build beside the reference and the real tool.
//!
//! The capstone's `bench` script (its `course.toml` entry) does the measuring: it is run from
//! the capstone's folder with `COURSE_LEARNER_CRATE`, `COURSE_REFERENCE_CRATE`,
//! `COURSE_LEARNER_TARGET_DIR` (and `COURSE_QUICK=1` for `--quick`), builds both crates in release
//! mode, installs what it compares against, and prints one line per measurement:
//! `RESULT<TAB>case<TAB>subject<TAB>value<TAB>unit<TAB>higher|lower`. Everything else it prints is
//! progress and is passed through. This module runs it and prints one table: a row per case, a
//! column per subject, and how many times better the learner is than the reference and than each
//! tool (> 1: the learner is ahead), with the machine's cores and load average.

use crate::error::{Error, Result};
use crate::manifest::{Capstone, Manifest};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// One `RESULT` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// What was measured (`literal, 100 MB`).
    pub case: String,
    /// `learner`, `reference`, or a tool's name.
    pub subject: String,
    /// The figure.
    pub value: f64,
    /// Its unit (`ms`, `MB/s`).
    pub unit: String,
    /// Whether a higher value is better.
    pub higher_is_better: bool,
}

/// Reads one line of the script's output: `Some(Ok)` for a `RESULT` line, `Some(Err)` for a
/// malformed one, `None` for anything else (progress).
pub fn parse_line(line: &str) -> Option<std::result::Result<Measurement, String>> {
    let rest = line.strip_prefix("RESULT\t")?;
    let fields: Vec<&str> = rest.split('\t').map(str::trim).collect();
    let [case, subject, value, unit, better] = fields.as_slice() else {
        return Some(Err(format!(
            "a RESULT line has 6 tab-separated fields (RESULT, case, subject, value, unit, higher|lower), not {}: {line}",
            fields.len() + 1
        )));
    };
    let Ok(value) = value.parse::<f64>() else {
        return Some(Err(format!("`{value}` is not a number: {line}")));
    };
    let higher_is_better = match *better {
        "higher" => true,
        "lower" => false,
        other => return Some(Err(format!("`{other}` is not higher or lower: {line}"))),
    };
    Some(Ok(Measurement {
        case: case.to_string(),
        subject: subject.to_string(),
        value,
        unit: unit.to_string(),
        higher_is_better,
    }))
}

/// How many times better `learner` is than `other` (> 1: the learner is ahead).
fn times_better(learner: &Measurement, other: &Measurement) -> Option<f64> {
    let ratio = if learner.higher_is_better {
        learner.value / other.value
    } else {
        other.value / learner.value
    };
    ratio.is_finite().then_some(ratio)
}

/// The table: a row per case (first-seen order), a column per subject (learner, reference, then
/// the tools in first-seen order), then the learner's "times better" against each other subject.
pub fn render_table(results: &[Measurement]) -> String {
    let mut cases: Vec<&str> = Vec::new();
    let mut subjects: Vec<&str> = vec!["learner", "reference"];
    for m in results {
        if !cases.contains(&m.case.as_str()) {
            cases.push(&m.case);
        }
        if !subjects.contains(&m.subject.as_str()) {
            subjects.push(&m.subject);
        }
    }
    let find = |case: &str, subject: &str| {
        results
            .iter()
            .rev()
            .find(|m| m.case == case && m.subject == subject)
    };
    let others: Vec<&str> = subjects[1..].to_vec();
    let mut header: Vec<String> = vec!["case".to_string()];
    header.extend(subjects.iter().map(|s| s.to_string()));
    header.extend(others.iter().map(|s| format!("vs {s}")));
    let mut rows = vec![header];
    for case in &cases {
        let mut row = vec![case.to_string()];
        for subject in &subjects {
            row.push(find(case, subject).map_or("-".to_string(), |m| {
                format!("{} {}", format_value(m.value), m.unit)
            }));
        }
        for other in &others {
            let ratio = match (find(case, "learner"), find(case, other)) {
                (Some(learner), Some(other)) => times_better(learner, other),
                _ => None,
            };
            row.push(ratio.map_or("-".to_string(), |r| format!("{r:.2}x")));
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|column| {
            rows.iter()
                .map(|r| r[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for (index, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                if column == 0 {
                    format!("{cell:<width$}")
                } else {
                    format!("{cell:>width$}")
                }
            })
            .collect();
        let _ = writeln!(text, "{}", cells.join("  ").trim_end());
        if index == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            let _ = writeln!(text, "{}", rule.join("  "));
        }
    }
    text.push_str(
        "vs X: how many times better your build is than X (> 1: yours is ahead; higher or lower is better as each case says).\n",
    );
    text
}

/// A figure with three significant digits (`0.0231`, `5.80`, `214`), whole numbers as they are.
fn format_value(value: f64) -> String {
    if value.fract() == 0.0 || value.abs() >= 100.0 {
        return format!("{value:.0}");
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).clamp(0, 9) as usize;
    format!("{value:.decimals$}")
}

/// The machine's cores and load average (Linux's `/proc/loadavg`; elsewhere the cores only).
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").ok().map(|text| {
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    });
    match load {
        Some(load) => format!("{cores} cores, load average {load} (1, 5, 15 min)"),
        None => format!("{cores} cores"),
    }
}

/// Runs the capstone's bench script on the learner's crate and prints the table.
///
/// # Errors
/// A capstone without a bench script, a learner crate that does not exist, a script that cannot
/// be started, fails, or prints no `RESULT` line.
pub fn run(
    manifest: &Manifest,
    capstone: &Capstone,
    learner_crate: &Path,
    learner_target: &Path,
    quick: bool,
) -> Result<()> {
    let id = &capstone.id;
    let Some(script) = &capstone.bench else {
        return Err(Error::Refused(format!(
            "capstone {id} has no bench script (`bench = \"…\"` in course.toml)"
        )));
    };
    if !learner_crate.join("Cargo.toml").is_file() {
        return Err(Error::Refused(format!(
            "{id} is not started, so there is no crate of yours to measure: run `cargo course start {id}` first"
        )));
    }
    let dir = manifest.root.join(&capstone.dir);
    let before = machine();
    let mut command = Command::new("bash");
    command
        .arg(dir.join(script))
        .current_dir(&dir)
        .env("COURSE_LEARNER_CRATE", learner_crate)
        .env("COURSE_REFERENCE_CRATE", &dir)
        .env("COURSE_LEARNER_TARGET_DIR", learner_target)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if quick {
        command.env("COURSE_QUICK", "1");
    }
    eprintln!("bench {id}: running {}/{script} ({before})", capstone.dir);
    let mut child = command.spawn().map_err(|source| Error::Spawn {
        program: format!("bash {}/{script}", capstone.dir),
        source,
    })?;
    let mut results = Vec::new();
    let mut malformed = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            match parse_line(&line) {
                Some(Ok(measurement)) => results.push(measurement),
                Some(Err(problem)) => malformed.push(problem),
                None => eprintln!("  {line}"),
            }
        }
    }
    let status = child.wait().map_err(|e| Error::io(dir.join(script), e))?;
    for problem in &malformed {
        eprintln!("bench {id}: ignored a malformed line: {problem}");
    }
    if !status.success() {
        return Err(Error::Refused(format!(
            "the bench script {}/{script} failed ({}); its output is above",
            capstone.dir,
            crate::cargo::describe_status(Some(status))
        )));
    }
    if results.is_empty() {
        return Err(Error::Refused(format!(
            "the bench script {}/{script} printed no RESULT line",
            capstone.dir
        )));
    }
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "{id} {}: your build, the reference and the real tools\n",
        capstone.title
    );
    let _ = write!(out, "{}", render_table(&results));
    let _ = writeln!(out, "machine: before {before}; after {}", machine());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_are_parsed_and_others_are_progress() {
        let line = "RESULT\tliteral\tlearner\t12.5\tms\tlower";
        let m = parse_line(line).unwrap().unwrap();
        assert_eq!(m.case, "literal");
        assert_eq!(m.value, 12.5);
        assert!(!m.higher_is_better);
        assert!(parse_line("building…").is_none());
        assert!(parse_line("RESULT\ta\tb\tx\tms\tlower").unwrap().is_err());
        assert!(
            parse_line("RESULT\ta\tb\t1\tms\tsideways")
                .unwrap()
                .is_err()
        );
        assert!(parse_line("RESULT\ta\tb\t1").unwrap().is_err());
    }

    #[test]
    fn figures_keep_three_significant_digits() {
        assert_eq!(format_value(0.023_14), "0.0231");
        assert_eq!(format_value(5.8), "5.80");
        assert_eq!(format_value(12.345), "12.3");
        assert_eq!(format_value(214.6), "215");
        assert_eq!(format_value(3.0), "3");
    }

    #[test]
    fn table_has_times_better_ratios_both_ways() {
        let m = |case: &str, subject: &str, value: f64, higher: bool| Measurement {
            case: case.into(),
            subject: subject.into(),
            value,
            unit: if higher { "MB/s" } else { "ms" }.into(),
            higher_is_better: higher,
        };
        let table = render_table(&[
            m("time", "learner", 20.0, false),
            m("time", "reference", 10.0, false),
            m("time", "GNU grep", 40.0, false),
            m("speed", "learner", 300.0, true),
            m("speed", "reference", 100.0, true),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("case"), "{table}");
        assert!(lines[0].contains("vs reference") && lines[0].contains("vs GNU grep"));
        // Lower is better: 10 / 20 = 0.5 (the reference is ahead); 40 / 20 = 2 (ahead of grep).
        assert!(
            lines[2].contains("0.50x") && lines[2].contains("2.00x"),
            "{table}"
        );
        // Higher is better: 300 / 100 = 3; no grep figure for this case.
        assert!(
            lines[3].contains("3.00x") && lines[3].trim_end().ends_with('-'),
            "{table}"
        );
    }
}
