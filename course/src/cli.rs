//! The command line of `cargo course`, as types: what each command takes, and its help text.
//!
//! Parsing is clap's (derive); this file holds no behaviour beyond turning clap's errors into
//! the runner's one-line errors. The help text, the list of commands and the "did you mean"
//! suggestions for a mistyped command all come from the [`Command`] enum below, so they cannot
//! disagree. What each command does lives in [`crate::commands`] and [`crate::learner`].

use crate::error::Error;
use crate::report::Format;
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;

/// cargo course: the runner of this course.
#[derive(Debug, Parser)]
#[command(
    name = "cargo course",
    bin_name = "cargo course",
    about = "The runner of this course: the syllabus, your progress, exercises and their checks",
    after_help = "Without a command, `cargo course` runs `list`."
)]
pub struct Cli {
    /// The course folder (default: the nearest folder, upwards, that holds course.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// How long one test binary may run, in seconds, before it is stopped and counted as failed.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands. Learner commands first, then instructor and maintainer commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The syllabus, your status per exercise, and the next step (the default command).
    List,
    /// Put an exercise's starting file (or every exercise of a module, or a capstone's starter)
    /// into learn/.
    Start {
        /// An exercise id (`01.3`), a module id (`01`), a capstone (`p1`) or milestone (`p1.2`).
        id: String,
        /// For a capstone: write the tests of every milestone now, not one milestone at a time.
        #[arg(long)]
        all_tests: bool,
    },
    /// Build and test your copy of an exercise; clippy's advice on your file comes after.
    ///
    /// For a capstone milestone `p1.3`: the tests of milestones 1 to 3 on your crate.
    Verify {
        /// The exercise or milestone (default: the exercise you started last and have not
        /// finished); `p1` verifies every milestone of capstone p1.
        id: Option<String>,
    },
    /// Show the next hint of an exercise (each call shows one more).
    Hint {
        /// The exercise id.
        id: String,
    },
    /// Show the reference solution, or a diff from your copy to it.
    ///
    /// Asks first unless the exercise is verified.
    Solution {
        /// The exercise id.
        id: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
    /// Restore an exercise's starting file; your copy is kept as a numbered backup.
    Reset {
        /// The exercise id.
        id: String,
    },
    /// Re-verify an exercise whenever you save it (Ctrl-C ends).
    Watch {
        /// Only this exercise (default: every exercise you have started).
        id: Option<String>,
        /// Poll modification times every 500 ms instead of using the OS's file events.
        #[arg(long)]
        poll: bool,
    },
    /// Measure your capstone against the reference and the real tool (one table of ratios).
    Bench {
        /// The capstone (`p1`, `p2`, `p3`).
        id: String,
        /// Fewer runs and smaller inputs.
        #[arg(long)]
        quick: bool,
    },
    /// Write a student edition: stubs, tests, notes, hints and the learner commands; no solutions.
    Export {
        /// The modules to export, comma-separated (default: every module).
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        modules: Vec<String>,
        /// The folder to write (new or empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Run the tests of a returned edition (or of a learner's learn/ folder) offline and report.
    Report {
        /// The edition or learn/ folder.
        dir: PathBuf,
        /// The output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The exercise contract: stubs fail, solutions pass, decoys are caught.
    ///
    /// Ends with `decoys: D caught, E escaped` and `N passed, M failed`.
    Check {
        /// Exercises, modules, capstones (`p1`) or milestones (`p1.3`) to check (default:
        /// everything, and the manifest).
        ids: Vec<String>,
        /// Capstones: skip the staged red/green of each milestone and build only the starter,
        /// the reference and the decoys (a quicker run).
        #[arg(long)]
        skip_staged: bool,
    },
    /// Validate course.toml against the repository.
    CheckManifest,
    /// Rewrite every module's [[bin]] list from course.toml.
    Sync,
    /// Assemble the mdBook, check its links and build it into book/.
    Book,
}

/// What parsing the command line produced.
#[derive(Debug)]
pub enum Parsed {
    /// A command to run.
    Run(Cli),
    /// `--help` or `--version`: the text to print, and nothing else to do.
    Print(String),
}

/// Parses the arguments after the program name (and after `course` when cargo passes it on).
///
/// # Errors
/// [`Error::Usage`] with one line: what is wrong, and for an unknown command the nearest one.
pub fn parse(args: &[String]) -> Result<Parsed, Error> {
    let program = std::iter::once("cargo course".to_string());
    match Cli::try_parse_from(program.chain(args.iter().cloned())) {
        Ok(cli) => Ok(Parsed::Run(cli)),
        Err(error) => match error.kind() {
            clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Ok(Parsed::Print(error.render().to_string()))
            }
            clap::error::ErrorKind::InvalidSubcommand => {
                let typed = match error.get(clap::error::ContextKind::InvalidSubcommand) {
                    Some(clap::error::ContextValue::String(typed)) => typed.clone(),
                    _ => String::new(),
                };
                let names = command_names();
                let known: Vec<&str> = names.iter().map(String::as_str).collect();
                let suggestion = crate::suggest::closest(&typed, &known)
                    .map(|c| format!(" (did you mean {c}?)"))
                    .unwrap_or_default();
                Err(Error::Usage(format!(
                    "unknown command `{typed}`{suggestion}"
                )))
            }
            _ => Err(Error::Usage(one_line(&error.render().to_string()))),
        },
    }
}

/// The names of every command, from the [`Command`] enum.
pub fn command_names() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// Squeezes clap's multi-line message onto one line: the message and its usage line.
fn one_line(rendered: &str) -> String {
    let mut message = Vec::new();
    let mut usage = None;
    for line in rendered.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("For more information") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("Usage:") {
            usage = Some(rest.trim().to_string());
        } else if !line.starts_with("tip:") {
            message.push(line.trim_start_matches("error:").trim().to_string());
        }
    }
    let mut text = message.join(" ");
    if let Some(usage) = usage {
        text.push_str(&format!("; usage: {usage}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn unknown_command_gets_did_you_mean() {
        let error = parse(&args(&["verfy"])).unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown command `verfy` (did you mean verify?) (see `cargo course --help`)"
        );
    }

    #[test]
    fn errors_are_one_line() {
        for words in [
            &["start"][..],
            &["list", "extra"],
            &["export", "--modules", "01"],
        ] {
            let error = parse(&args(words)).unwrap_err().to_string();
            assert!(!error.contains('\n'), "{words:?}: {error}");
            assert!(error.contains("usage:"), "{words:?}: {error}");
        }
    }

    #[test]
    fn global_options_go_anywhere() {
        let Parsed::Run(cli) = parse(&args(&["verify", "01.9", "--timeout", "5"])).unwrap() else {
            panic!("verify parses");
        };
        assert_eq!(cli.timeout, 5);
        assert!(matches!(cli.command, Some(Command::Verify { id: Some(ref id) }) if id == "01.9"));
        let Parsed::Run(cli) =
            parse(&args(&["export", "--modules", "01,02", "--out", "x"])).unwrap()
        else {
            panic!("export parses");
        };
        assert!(
            matches!(cli.command, Some(Command::Export { ref modules, .. }) if modules == &["01", "02"])
        );
    }

    #[test]
    fn help_is_printed_not_an_error() {
        let Parsed::Print(help) = parse(&args(&["--help"])).unwrap() else {
            panic!("--help prints");
        };
        for name in command_names() {
            assert!(help.contains(&name), "{name} is missing from --help");
        }
        assert!(
            matches!(parse(&args(&["watch", "--help"])), Ok(Parsed::Print(h)) if h.contains("--poll"))
        );
    }
}
