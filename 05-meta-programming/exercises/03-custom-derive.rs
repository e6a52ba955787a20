//! # Meta-programming 05.3: using a custom derive
//!
//! - **Goal:** configure a logger from a `key = value` text file with `#[derive(FromPairs)]` (the
//!   macro of exercise 05.2): give the derive what it needs (a `FromStr` impl for the field type
//!   it cannot parse, the helper attribute for a key that is not a field name) and write the line
//!   parser in front of it.
//! - **Concepts:** what a derive generates and what it asks of you (`FromStr` on each field type,
//!   `Option<T>` for optional keys, a helper attribute to rename a key); derives on generic
//!   structs; testing generated code through its behaviour.
//! - **Read first:** `notes/05-derive-macros.md` (section "Using a derive").
//! - **Run:** `cargo course run 05.3`
//! - **Test:** `cargo course verify 05.3` (reference solution:
//!   `cargo test -p meta-programming --bin m05-custom-derive`)
//! - **Done when:** every test passes and `cargo clippy` is quiet.
//!
//! The file format, one setting per line:
//!
//! ```text
//! # comments and blank lines are ignored; spaces around keys and values are trimmed
//! level = Warn          # a line comment is NOT supported: this line's value is "Warn # ..."
//! path = /var/log/app.log
//! max-size = 1048576    # optional
//! ```
//!
//! (The `# a line comment` above would make the `level` value unparsable; only whole-line comments
//! are allowed.)

use std::str::FromStr;

use meta_programming_macros::FromPairs;

/// How much the logger writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

// course:solution
impl FromStr for Level {
    type Err = String;

    /// Accepts the level's name in any case: `warn`, `Warn` and `WARN` are all `Level::Warn`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "error" => Ok(Level::Error),
            "warn" => Ok(Level::Warn),
            "info" => Ok(Level::Info),
            "debug" => Ok(Level::Debug),
            _ => Err(format!("unknown level {text:?}")),
        }
    }
}
// course:stub
// impl FromStr for Level {
//     type Err = String;
//
//     /// Accepts the level's name in any case: `warn`, `Warn` and `WARN` are all `Level::Warn`.
//     fn from_str(text: &str) -> Result<Self, Self::Err> {
//         todo!("parse {text:?} into a Level")
//     }
// }
// course:decoy case-sensitive Accepts only the exact names `Error`, `Warn`, `Info`, `Debug`.
// impl FromStr for Level {
//     type Err = String;
//
//     /// Accepts the level's name in any case: `warn`, `Warn` and `WARN` are all `Level::Warn`.
//     fn from_str(text: &str) -> Result<Self, Self::Err> {
//         match text {
//             "Error" => Ok(Level::Error),
//             "Warn" => Ok(Level::Warn),
//             "Info" => Ok(Level::Info),
//             "Debug" => Ok(Level::Debug),
//             _ => Err(format!("unknown level {text:?}")),
//         }
//     }
// }
// course:end

// course:solution
/// The logger's settings: `level` and `path` are required, `max-size` (bytes) and `rotate` are
/// optional.
#[derive(Debug, PartialEq, FromPairs)]
struct LoggerConfig {
    level: Level,
    path: String,
    #[pairs(key = "max-size")]
    max_size: Option<u64>,
    rotate: Option<bool>,
}
// course:stub
// /// The logger's settings: `level` and `path` are required, `max-size` (bytes) and `rotate` are
// /// optional. The file's key for `max_size` is `max-size`.
// #[derive(Debug, PartialEq, FromPairs)]
// struct LoggerConfig {
//     level: Level,
//     path: String,
//     max_size: Option<u64>,
//     rotate: Option<bool>,
// }
// course:decoy field-name-as-key Derives without the `#[pairs(key = "max-size")]` attribute, so the file's `max-size` key is unknown.
// /// The logger's settings.
// #[derive(Debug, PartialEq, FromPairs)]
// struct LoggerConfig {
//     level: Level,
//     path: String,
//     max_size: Option<u64>,
//     rotate: Option<bool>,
// }
// course:end

/// Alert thresholds of any parsable type: both keys are required.
#[derive(Debug, PartialEq, FromPairs)]
struct Thresholds<T> {
    warn: T,
    critical: T,
}

/// Splits `text` into `(key, value)` pairs: one `key = value` per line, trimmed; blank lines and
/// lines starting with `#` (after leading spaces) are skipped. A line without `=` is an error
/// `line N: expected `key = value``, counting lines from 1.
fn parse_pairs(text: &str) -> Result<Vec<(&str, &str)>, String> {
    // course:solution Walk `lines().enumerate()`, skip blanks and comments, `split_once('=')` and trim both halves.
    let mut pairs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("line {}: expected `key = value`", index + 1));
        };
        pairs.push((key.trim(), value.trim()));
    }
    Ok(pairs)
    // course:decoy comment-after-spaces Checks for `#` before trimming, so an indented comment is read as a setting.
    // let mut pairs = Vec::new();
    // for (index, line) in text.lines().enumerate() {
    //     if line.trim().is_empty() || line.starts_with('#') {
    //         continue;
    //     }
    //     let Some((key, value)) = line.split_once('=') else {
    //         return Err(format!("line {}: expected `key = value`", index + 1));
    //     };
    //     pairs.push((key.trim(), value.trim()));
    // }
    // Ok(pairs)
    // course:decoy splits-at-last-equals Splits at the last `=`, so a value containing `=` is cut.
    // let mut pairs = Vec::new();
    // for (index, line) in text.lines().enumerate() {
    //     let line = line.trim();
    //     if line.is_empty() || line.starts_with('#') {
    //         continue;
    //     }
    //     let Some((key, value)) = line.rsplit_once('=') else {
    //         return Err(format!("line {}: expected `key = value`", index + 1));
    //     };
    //     pairs.push((key.trim(), value.trim()));
    // }
    // Ok(pairs)
    // course:end
}

/// Reads a logger configuration file.
fn parse_config(text: &str) -> Result<LoggerConfig, String> {
    LoggerConfig::from_pairs(&parse_pairs(text)?)
}

fn main() {
    let text = "# production\nlevel = warn\npath = /var/log/app.log\nmax-size = 1048576\n";
    match parse_config(text) {
        Ok(config) => println!(
            "level {:?}, path {}, max size {:?}, rotate {:?}",
            config.level, config.path, config.max_size, config.rotate
        ),
        Err(message) => eprintln!("bad configuration: {message}"),
    }
    match Thresholds::<f64>::from_pairs(&[("warn", "0.8"), ("critical", "0.95")]) {
        Ok(limits) => println!("warn at {}, critical at {}", limits.warn, limits.critical),
        Err(message) => eprintln!("bad thresholds: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_parses_names_in_any_case() {
        for (text, level) in [
            ("error", Level::Error),
            ("Warn", Level::Warn),
            ("INFO", Level::Info),
            ("dEbUg", Level::Debug),
        ] {
            assert_eq!(text.parse::<Level>(), Ok(level), "parsing {text:?}");
        }
        assert!("verbose".parse::<Level>().is_err());
    }

    #[test]
    fn config_reads_every_setting() {
        let text = "level = debug\npath = /tmp/a.log\nmax-size = 4096\nrotate = true\n";
        assert_eq!(
            parse_config(text),
            Ok(LoggerConfig {
                level: Level::Debug,
                path: "/tmp/a.log".to_string(),
                max_size: Some(4096),
                rotate: Some(true),
            })
        );
    }

    #[test]
    fn config_skips_comments_and_blank_lines() {
        let text = "# logger\n\n  # indented comment\nlevel = info\n   \npath = x.log\n";
        let config = parse_config(text).expect("a valid file");
        assert_eq!((config.level, config.path.as_str()), (Level::Info, "x.log"));
        assert_eq!((config.max_size, config.rotate), (None, None));
    }

    #[test]
    fn config_keeps_equals_signs_inside_values() {
        let text = "level = warn\npath = /logs/run=1/app.log\n";
        let config = parse_config(text).expect("a valid file");
        assert_eq!(config.path, "/logs/run=1/app.log");
    }

    #[test]
    fn config_requires_level_and_path() {
        assert_eq!(
            parse_config("level = warn\n"),
            Err(r#"missing key "path""#.to_string())
        );
    }

    #[test]
    fn config_reports_a_line_without_equals() {
        assert_eq!(
            parse_config("level = warn\n\npath /tmp/x\n"),
            Err("line 3: expected `key = value`".to_string())
        );
    }

    #[test]
    fn config_reports_a_bad_value_with_its_key() {
        assert_eq!(
            parse_config("level = loud\npath = a\n"),
            Err(r#"key "level": cannot parse "loud""#.to_string())
        );
    }

    #[test]
    fn config_uses_the_dashed_key_for_max_size() {
        let config = parse_config("level=error\npath=a\nmax-size=10\n");
        assert_eq!(config.map(|c| c.max_size), Ok(Some(10)));
        assert_eq!(
            parse_config("level=error\npath=a\nmax_size=10\n"),
            Err(r#"unknown key "max_size""#.to_string())
        );
    }

    #[test]
    fn thresholds_work_for_any_parsable_type() {
        let levels: Thresholds<Level> =
            Thresholds::from_pairs(&[("warn", "Warn"), ("critical", "ERROR")])
                .expect("both keys given");
        assert_eq!((levels.warn, levels.critical), (Level::Warn, Level::Error));
        let pairs = [("warn", "80"), ("critical", "95")];
        let integers: Thresholds<u8> = Thresholds::from_pairs(&pairs).expect("both keys given");
        let floats: Thresholds<f32> = Thresholds::from_pairs(&pairs).expect("both keys given");
        assert_eq!((integers.warn, integers.critical), (80, 95));
        assert_eq!((floats.warn, floats.critical), (80.0, 95.0));
        assert_eq!(
            Thresholds::<u8>::from_pairs(&[("warn", "300"), ("critical", "1")]),
            Err(r#"key "warn": cannot parse "300""#.to_string())
        );
    }
}
