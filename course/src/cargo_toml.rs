//! Every Cargo.toml the runner writes or reads, in one place.
//!
//! - the `[[bin]]` list of a module crate ([`read_bins`], [`replace_bins`], used by `sync` and
//!   `check-manifest`);
//! - a student edition's workspace and its exercise packages ([`edition_workspace`],
//!   [`exercise_package`]), also used for the contract's scratch workspace;
//! - the learner's workspace `learn/` ([`learner_workspace`], [`learner_config`]).
//!
//! The functions take plain data (names, paths, tables) and return text, so this module knows
//! nothing of the manifest or of exercises.

use crate::error::{Error, Result, fsx};
use std::path::Path;

/// A `[[bin]]` target: name and path.
pub type Bin = (String, String);

/// Reads a TOML file as a table.
///
/// # Errors
/// When it cannot be read or parsed.
pub fn read_table(path: &Path) -> Result<toml::Table> {
    toml::from_str(&fsx::read(path)?).map_err(|e| Error::parse(path, e))
}

/// The `[[bin]]` list a Cargo.toml has.
///
/// # Errors
/// When the file cannot be read or parsed.
pub fn read_bins(cargo_toml: &Path) -> Result<Vec<Bin>> {
    let text = fsx::read(cargo_toml)?;
    let value: toml::Table = toml::from_str(&text).map_err(|e| Error::parse(cargo_toml, e))?;
    let mut bins = Vec::new();
    if let Some(toml::Value::Array(list)) = value.get("bin") {
        for bin in list {
            let name = bin.get("name").and_then(|v| v.as_str()).unwrap_or("");
            let path = bin.get("path").and_then(|v| v.as_str()).unwrap_or("");
            bins.push((name.to_string(), path.to_string()));
        }
    }
    Ok(bins)
}

/// The comment line `sync` writes above the generated `[[bin]]` list.
const GENERATED: &str =
    "# Exercise binaries, generated from course.toml by `cargo course sync`: do not edit by hand.";

/// Replaces every `[[bin]]` table of a Cargo.toml text with `bins`, keeping all other lines.
pub fn replace_bins(text: &str, bins: &[Bin]) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut in_bin = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_bin = trimmed.replace(' ', "") == "[[bin]]";
        }
        if in_bin || trimmed == GENERATED {
            continue;
        }
        kept.push(line);
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    let mut out = kept.join("\n");
    out.push('\n');
    if !bins.is_empty() {
        out.push('\n');
        out.push_str(GENERATED);
        out.push('\n');
        for (index, (name, path)) in bins.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            // Exercise binaries hold tests, never benchmarks: `bench = false` keeps
            // `cargo bench -p <module> -- --quick` from handing criterion's flags to libtest.
            out.push_str(&format!(
                "[[bin]]\nname = {name:?}\npath = {path:?}\nbench = false\n"
            ));
        }
    }
    out
}

/// Reads the root Cargo.toml as a table.
///
/// # Errors
/// When it cannot be read or parsed.
pub fn root_cargo_toml(root: &Path) -> Result<toml::Table> {
    read_table(&root.join("Cargo.toml"))
}

/// The `[workspace.<key>]` table of the root Cargo.toml, if it has one.
pub fn workspace_table(root_toml: &toml::Table, key: &str) -> Option<toml::Value> {
    root_toml.get("workspace")?.get(key).cloned()
}

/// A table as TOML text (`path` names the file in the error).
///
/// # Errors
/// When the table cannot be written as TOML.
pub fn to_toml(table: &toml::Table, path: &Path) -> Result<String> {
    toml::to_string(table).map_err(|e| Error::parse(path, e))
}

/// Rewrites a relative `path = "…"` dependency so it still points at the same crate from `learn/`.
fn absolute_paths(spec: &toml::Value, module_dir: &Path) -> toml::Value {
    let mut spec = spec.clone();
    if let Some(table) = spec.as_table_mut()
        && let Some(toml::Value::String(path)) = table.get("path")
    {
        let absolute = module_dir.join(path).to_string_lossy().into_owned();
        table.insert("path".into(), absolute.into());
    }
    spec
}

/// Adds a dependency to a table; when two modules name the same crate, their features are united.
fn merge_dependency(into: &mut toml::Table, name: &str, spec: toml::Value) {
    let Some(existing) = into.get_mut(name) else {
        into.insert(name.to_string(), spec);
        return;
    };
    let features = spec
        .get("features")
        .and_then(|f| f.as_array())
        .cloned()
        .unwrap_or_default();
    if let Some(table) = existing.as_table_mut() {
        let list = table
            .entry("features")
            .or_insert_with(|| toml::Value::Array(Vec::new()));
        if let Some(list) = list.as_array_mut() {
            for feature in features {
                if !list.contains(&feature) {
                    list.push(feature);
                }
            }
        }
    }
}

/// `[[bin]]` entries as TOML values.
fn bin_tables(bins: &[Bin]) -> toml::Value {
    toml::Value::Array(
        bins.iter()
            .map(|(name, path)| {
                let mut bin = toml::Table::new();
                bin.insert("name".into(), name.clone().into());
                bin.insert("path".into(), path.clone().into());
                toml::Value::Table(bin)
            })
            .collect(),
    )
}

/// The root Cargo.toml of a student edition (or of the contract's scratch workspace): the
/// course's `[workspace.package]`, `[workspace.dependencies]` and `[workspace.lints]`, and the
/// given members.
///
/// # Errors
/// When the table cannot be written as TOML.
pub fn edition_workspace(
    root_toml: &toml::Table,
    members: &[String],
    path: &Path,
) -> Result<String> {
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".into(), "3".into());
    workspace.insert(
        "members".into(),
        toml::Value::Array(members.iter().cloned().map(toml::Value::String).collect()),
    );
    for key in ["package", "dependencies", "lints"] {
        if let Some(value) = workspace_table(root_toml, key) {
            workspace.insert(key.into(), value);
        }
    }
    let mut cargo_toml = toml::Table::new();
    cargo_toml.insert("workspace".into(), toml::Value::Table(workspace));
    let header = "# A student edition of the course, written by `cargo course export`.\n\n";
    Ok(format!("{header}{}", to_toml(&cargo_toml, path)?))
}

/// A module's package as an edition has it: the module's own Cargo.toml without its library,
/// build script and other targets, with `bins` as its only targets.
///
/// # Errors
/// When the table cannot be written as TOML.
pub fn exercise_package(mut package: toml::Table, bins: &[Bin], path: &Path) -> Result<String> {
    for key in [
        "lib",
        "bin",
        "test",
        "bench",
        "example",
        "build-dependencies",
    ] {
        package.remove(key);
    }
    if let Some(toml::Value::Table(info)) = package.get_mut("package") {
        info.remove("build");
        for key in [
            "autobins",
            "autoexamples",
            "autotests",
            "autobenches",
            "autolib",
        ] {
            info.insert(key.into(), false.into());
        }
    }
    package.insert("bin".into(), bin_tables(bins));
    to_toml(&package, path)
}

/// The runner's own package as a student edition carries it: package `course-runner` (so it
/// never shares artifact names with the course's `course` package in a shared target
/// directory), library still named `course`, one binary `course-runner`, no dev-dependencies.
///
/// # Errors
/// When the table cannot be written as TOML.
pub fn runner_package(
    mut package: toml::Table,
    runner_root: &toml::Table,
    path: &Path,
) -> Result<String> {
    // `version.workspace = true` and friends refer to the workspace the runner was built in,
    // whose `[workspace.package]` an edition of another course may not share: write them out.
    let inherited = workspace_table(runner_root, "package");
    if let Some(toml::Value::Table(info)) = package.get_mut("package") {
        for (key, value) in info.iter_mut() {
            let from_workspace = value
                .get("workspace")
                .and_then(toml::Value::as_bool)
                .unwrap_or(false);
            if let Some(own) = inherited.as_ref().and_then(|t| t.get(key.as_str()))
                && from_workspace
            {
                *value = own.clone();
            }
        }
        info.insert("name".into(), RUNNER_PACKAGE.into());
        info.insert(
            "description".into(),
            "The learner half of the course runner".into(),
        );
    }
    package.remove("dev-dependencies");
    let mut lib = toml::Table::new();
    lib.insert("name".into(), "course".into());
    lib.insert("path".into(), "src/lib.rs".into());
    package.insert("lib".into(), toml::Value::Table(lib));
    package.insert(
        "bin".into(),
        bin_tables(&[(RUNNER_PACKAGE.to_string(), "src/main.rs".to_string())]),
    );
    to_toml(&package, path)
}

/// The relative `path` of every path dependency of a package (`[dependencies]` and
/// `[dev-dependencies]`), as written.
pub fn relative_path_dependencies(package: &toml::Table) -> Vec<String> {
    let mut paths = Vec::new();
    for key in ["dependencies", "dev-dependencies"] {
        let Some(toml::Value::Table(table)) = package.get(key) else {
            continue;
        };
        for spec in table.values() {
            if let Some(path) = spec.get("path").and_then(toml::Value::as_str)
                && Path::new(path).is_relative()
                && !paths.iter().any(|p| p == path)
            {
                paths.push(path.to_string());
            }
        }
    }
    paths
}

/// Points every dependency of a package whose `path` is `relative` (as written in its
/// Cargo.toml) at `to` instead.
pub fn redirect_path_dependency(package: &mut toml::Table, relative: &str, to: &Path) {
    for key in ["dependencies", "dev-dependencies"] {
        let Some(toml::Value::Table(table)) = package.get_mut(key) else {
            continue;
        };
        for (_, spec) in table.iter_mut() {
            let Some(spec) = spec.as_table_mut() else {
                continue;
            };
            let matches = spec
                .get("path")
                .and_then(toml::Value::as_str)
                .is_some_and(|path| Path::new(path) == Path::new(relative));
            if matches {
                spec.insert("path".into(), to.to_string_lossy().into_owned().into());
            }
        }
    }
}

/// Adds to `root_toml`'s `[workspace.dependencies]` every dependency that `package` takes from
/// its workspace (`x.workspace = true`) and `root_toml` lacks, as `from` pins it.
pub fn add_workspace_dependencies(
    root_toml: &mut toml::Table,
    from: &toml::Table,
    package: &toml::Table,
) {
    let wanted: Vec<String> = package
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default();
    let Some(pinned) = workspace_table(from, "dependencies") else {
        return;
    };
    let workspace = root_toml
        .entry("workspace")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(workspace) = workspace.as_table_mut() else {
        return;
    };
    let dependencies = workspace
        .entry("dependencies")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(dependencies) = dependencies.as_table_mut() else {
        return;
    };
    for name in wanted {
        if let Some(spec) = pinned.get(&name)
            && !dependencies.contains_key(&name)
        {
            dependencies.insert(name, spec.clone());
        }
    }
}

/// The package (and binary) name of the runner in a student edition.
pub const RUNNER_PACKAGE: &str = "course-runner";

/// A student edition's `.cargo/config.toml`: `cargo course` runs the edition's own runner.
pub fn edition_config() -> String {
    format!(
        "# `cargo course` runs the learner half of the course runner that this edition carries.\n\
         [alias]\ncourse = \"run --quiet --offline --package {RUNNER_PACKAGE} --bin {RUNNER_PACKAGE} --\"\n"
    )
}

/// What `learn/Cargo.toml` holds.
#[derive(Debug, Default)]
pub struct LearnerWorkspace {
    /// The union of the started modules' `[dependencies]`, paths made absolute.
    pub dependencies: toml::Table,
    /// The same for `[dev-dependencies]`.
    pub dev_dependencies: toml::Table,
    /// One binary per started single-file exercise.
    pub bins: Vec<Bin>,
    /// The workspace's members besides the root package: crate exercises the learner started,
    /// and any crate the learner added (kept across rewrites).
    pub members: Vec<String>,
}

impl LearnerWorkspace {
    /// Adds the `[dependencies]` and `[dev-dependencies]` of a module's Cargo.toml; relative
    /// `path` dependencies are made absolute, and features of a crate named twice are united.
    pub fn add_dependencies_of(&mut self, module_toml: &toml::Table, module_dir: &Path) {
        for (key, into) in [
            ("dependencies", &mut self.dependencies),
            ("dev-dependencies", &mut self.dev_dependencies),
        ] {
            if let Some(toml::Value::Table(table)) = module_toml.get(key) {
                for (name, spec) in table {
                    merge_dependency(into, name, absolute_paths(spec, module_dir));
                }
            }
        }
    }
}

impl LearnerWorkspace {
    /// Points the dependencies whose path is `from` at `to`.
    pub fn redirect(&mut self, from: &Path, to: &Path) {
        let mut tables = toml::Table::new();
        tables.insert(
            "dependencies".into(),
            toml::Value::Table(std::mem::take(&mut self.dependencies)),
        );
        tables.insert(
            "dev-dependencies".into(),
            toml::Value::Table(std::mem::take(&mut self.dev_dependencies)),
        );
        redirect_path_dependency(&mut tables, &from.to_string_lossy(), to);
        if let Some(toml::Value::Table(table)) = tables.remove("dependencies") {
            self.dependencies = table;
        }
        if let Some(toml::Value::Table(table)) = tables.remove("dev-dependencies") {
            self.dev_dependencies = table;
        }
    }
}

/// The members listed in an existing `learn/Cargo.toml`, so a rewrite keeps crates the learner
/// added; an absent or unreadable file has none.
pub fn learner_members(path: &Path) -> Vec<String> {
    read_table(path)
        .ok()
        .and_then(|table| {
            let members = table.get("workspace")?.get("members")?.as_array()?.clone();
            Some(
                members
                    .iter()
                    .filter_map(|m| m.as_str().map(str::to_string))
                    .collect(),
            )
        })
        .unwrap_or_default()
}

/// The text of `learn/Cargo.toml`: package `learn` with one binary per started exercise, and a
/// workspace of its own (the course's `[workspace.dependencies]` and `[workspace.lints]`).
///
/// # Errors
/// When a table cannot be written as TOML.
pub fn learner_workspace(
    root_toml: &toml::Table,
    learner: LearnerWorkspace,
    path: &Path,
) -> Result<String> {
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".into(), "3".into());
    let mut members = learner.members;
    members.sort();
    members.dedup();
    if !members.is_empty() {
        workspace.insert(
            "members".into(),
            toml::Value::Array(members.into_iter().map(toml::Value::String).collect()),
        );
    }
    // `package` too: a crate exercise's Cargo.toml inherits its version and edition.
    for key in ["package", "dependencies", "lints"] {
        if let Some(value) = workspace_table(root_toml, key) {
            workspace.insert(key.into(), value);
        }
    }
    let mut package = toml::Table::new();
    package.insert("name".into(), "learn".into());
    package.insert("version".into(), "0.0.0".into());
    package.insert("edition".into(), "2024".into());
    package.insert("publish".into(), false.into());
    package.insert("autobins".into(), false.into());
    // Written in reading order (package, dependencies, binaries, workspace) rather than the
    // alphabetical order a serialised table would have.
    let section = |name: &str, value: toml::Value| -> Result<String> {
        let mut table = toml::Table::new();
        table.insert(name.to_string(), value);
        to_toml(&table, path)
    };
    let header =
        "# Your workspace, generated by `cargo course start`: it is rewritten on every start.\n\
                  # Crates you add to [workspace] members are kept.\n"
            .to_string();
    // Without a single-file exercise the `learn` package would have no target, which cargo
    // refuses: the workspace is then virtual (only crate exercises and the learner's crates).
    if learner.bins.is_empty() {
        return Ok([header, section("workspace", toml::Value::Table(workspace))?].join("\n"));
    }
    Ok([
        header,
        section("package", toml::Value::Table(package))?,
        "[lints]\nworkspace = true\n".to_string(),
        section("dependencies", toml::Value::Table(learner.dependencies))?,
        section(
            "dev-dependencies",
            toml::Value::Table(learner.dev_dependencies),
        )?,
        section("bin", bin_tables(&learner.bins))?,
        section("workspace", toml::Value::Table(workspace))?,
    ]
    .join("\n"))
}

/// The text of `learn/.cargo/config.toml`: the course's target directory (dependencies build
/// once) and a `cargo course` alias that runs the course's runner from inside `learn/`.
pub fn learner_config(target: &Path, runner_manifest: &Path) -> String {
    format!(
        "# Share the course's target directory so dependencies are built once.\n[build]\ntarget-dir = {:?}\n\n\
         # `learn/` is a workspace of its own, so the course's `cargo course` alias would look for\n\
         # the runner here; this one runs it from the course instead.\n\
         [alias]\ncourse = {:?}\n",
        target.to_string_lossy(),
        format!(
            "run --quiet --manifest-path {} --bin course --",
            runner_manifest.to_string_lossy()
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_bins_keeps_other_tables_and_is_idempotent() {
        let text = "[package]\nname = \"x\"\n\n[[bin]]\nname = \"old\"\npath = \"old.rs\"\n\n[dependencies]\nserde.workspace = true\n";
        let bins = vec![("m01-a".to_string(), "exercises/01-a.rs".to_string())];
        let once = replace_bins(text, &bins);
        assert!(once.contains("[dependencies]\nserde.workspace = true"));
        assert!(!once.contains("old.rs"));
        assert!(once.contains("name = \"m01-a\"\npath = \"exercises/01-a.rs\""));
        assert_eq!(replace_bins(&once, &bins), once);
        let parsed: toml::Table = toml::from_str(&once).unwrap();
        assert_eq!(parsed["bin"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn replace_bins_with_no_bins_removes_them() {
        let text = "[package]\nname = \"x\"\n\n[[bin]]\nname = \"old\"\npath = \"old.rs\"\n";
        assert_eq!(replace_bins(text, &[]), "[package]\nname = \"x\"\n");
    }

    #[test]
    fn merge_dependency_unites_features() {
        let mut table = toml::Table::new();
        let spec = |text: &str| -> toml::Value {
            toml::from_str::<toml::Table>(text).unwrap()["d"].clone()
        };
        merge_dependency(
            &mut table,
            "d",
            spec("d = { workspace = true, features = [\"a\"] }"),
        );
        merge_dependency(
            &mut table,
            "d",
            spec("d = { workspace = true, features = [\"b\", \"a\"] }"),
        );
        let features = table["d"]["features"].as_array().unwrap();
        assert_eq!(features.len(), 2);
    }

    #[test]
    fn exercise_package_keeps_dependencies_and_replaces_targets() {
        let package: toml::Table = toml::from_str(
            "[package]\nname = \"m\"\nbuild = \"build.rs\"\n[lib]\npath = \"src/lib.rs\"\n[dependencies]\nx = \"1\"\n[[bin]]\nname = \"old\"\npath = \"old.rs\"\n",
        )
        .unwrap();
        let bins = vec![("m01-a".to_string(), "exercises/01-a.rs".to_string())];
        let text = exercise_package(package, &bins, Path::new("Cargo.toml")).unwrap();
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert!(parsed.get("lib").is_none());
        assert_eq!(parsed["dependencies"]["x"].as_str(), Some("1"));
        assert_eq!(parsed["bin"].as_array().unwrap().len(), 1);
        assert_eq!(parsed["package"]["autobins"].as_bool(), Some(false));
        assert!(parsed["package"].get("build").is_none());
    }

    #[test]
    fn learner_workspace_keeps_members() {
        let root: toml::Table =
            toml::from_str("[workspace.lints.rust]\nmissing_docs = \"warn\"\n").unwrap();
        let learner = LearnerWorkspace {
            members: vec!["my-crate".to_string()],
            bins: vec![("m01-a".to_string(), "01/a.rs".to_string())],
            ..LearnerWorkspace::default()
        };
        let path = Path::new("learn/Cargo.toml");
        let text = learner_workspace(&root, learner, path).unwrap();
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["workspace"]["members"].as_array().unwrap().len(), 1);
        assert_eq!(parsed["package"]["name"].as_str(), Some("learn"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Cargo.toml");
        std::fs::write(&file, text).unwrap();
        assert_eq!(learner_members(&file), ["my-crate"]);
    }
}
