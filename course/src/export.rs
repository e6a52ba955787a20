//! Writes a student edition: a standalone workspace with the stubs, tests, notes and hints of
//! chosen modules, and no solution text.
//!
//! The same code builds the scratch workspace in which `cargo course check` compiles the stubs,
//! so what the contract checks is exactly what students get.
//!
//! Layout of an edition (module folders keep their names, so the `Run`/`Test` lines in each
//! exercise header work unchanged):
//!
//! ```text
//! Cargo.toml          workspace: the module crates, the root's [workspace.*] tables
//! Cargo.lock          a copy of the course's lockfile, so `--offline` builds work
//! course.toml         the manifest, filtered to the exported modules
//! README.md           how to work with the edition
//! docs/               the course's docs
//! 01-…/Cargo.toml     the module's package (same name), whose [[bin]]s are the stubs
//! 01-…/exercises/     the stubs
//! 01-…/notes/ README.md HINTS.md
//! ```

use crate::error::{Error, Result, fsx};
use crate::exercise::Markers;
use crate::manifest::{Manifest, Module, expected_bins};
use std::path::{Path, PathBuf};

/// Files copied from the course root when present.
const ROOT_FILES: [&str; 4] = [
    "Cargo.lock",
    "rust-toolchain.toml",
    "rustfmt.toml",
    "clippy.toml",
];

/// Resolves `--modules 01,02` to modules, in course order; an empty list means every module.
///
/// # Errors
/// [`Error::UnknownId`] for an id that names no module.
pub fn select_modules<'m>(manifest: &'m Manifest, ids: &[String]) -> Result<Vec<&'m Module>> {
    for id in ids {
        if manifest.module(id).is_none() {
            return Err(manifest.unknown(id));
        }
    }
    Ok(manifest
        .module
        .iter()
        .filter(|m| ids.is_empty() || ids.contains(&m.id))
        .collect())
}

/// Reads the root Cargo.toml as a table.
///
/// # Errors
/// When it cannot be read or parsed.
pub fn root_cargo_toml(root: &Path) -> Result<toml::Table> {
    let path = root.join("Cargo.toml");
    toml::from_str(&fsx::read(&path)?).map_err(|e| Error::parse(&path, e))
}

/// The `[workspace.<key>]` table of the root Cargo.toml, if it has one.
pub fn workspace_table(root_toml: &toml::Table, key: &str) -> Option<toml::Value> {
    root_toml.get("workspace")?.get(key).cloned()
}

fn to_toml(table: &toml::Table, path: &Path) -> Result<String> {
    toml::to_string(table).map_err(|e| Error::parse(path, e))
}

/// Writes the edition for `modules` into `out`. Files are only rewritten when their contents
/// change, so rebuilding an edition in place (as `check` does) keeps cargo's cache warm.
///
/// # Errors
/// When a file cannot be read or written, or an exercise's markers are malformed.
pub fn write_edition(
    manifest: &Manifest,
    modules: &[&Module],
    out: &Path,
    variants: Variants,
) -> Result<()> {
    let root = &manifest.root;
    let root_toml = root_cargo_toml(root)?;
    let members: Vec<toml::Value> = modules
        .iter()
        .filter(|m| !m.exercise.is_empty())
        .map(|m| toml::Value::String(m.dir.clone()))
        .collect();
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".into(), "3".into());
    workspace.insert("members".into(), toml::Value::Array(members));
    for key in ["package", "dependencies", "lints"] {
        if let Some(value) = workspace_table(&root_toml, key) {
            workspace.insert(key.into(), value);
        }
    }
    let mut cargo_toml = toml::Table::new();
    cargo_toml.insert("workspace".into(), toml::Value::Table(workspace));
    let header = "# A student edition of the course, written by `cargo course export`.\n\n";
    let cargo_path = out.join("Cargo.toml");
    fsx::write_if_changed(
        &cargo_path,
        format!("{header}{}", to_toml(&cargo_toml, &cargo_path)?),
    )?;
    for name in ROOT_FILES {
        let from = root.join(name);
        if from.is_file() {
            fsx::write_if_changed(&out.join(name), fsx::read(&from)?)?;
        }
    }
    fsx::write_if_changed(&out.join(".gitignore"), "/target/\n")?;
    for doc in fsx::list_files(&root.join("docs"), ".md")? {
        let text = fsx::read(&root.join("docs").join(&doc))?;
        fsx::write_if_changed(&out.join("docs").join(&doc), text)?;
    }
    for module in modules {
        write_module(manifest, module, &out.join(&module.dir), variants)?;
    }
    let course = filtered_manifest(root, modules)?;
    fsx::write_if_changed(&out.join("course.toml"), course)?;
    fsx::write_if_changed(&out.join("README.md"), student_readme(manifest, modules))?;
    Ok(())
}

/// What an edition's exercise packages hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variants {
    /// The stubs only: what students get.
    Stubs,
    /// The stubs and every decoy (`exercises/<name>.decoy-<slug>.rs`, binary
    /// `<binary>-decoy-<slug>`): the contract's scratch workspace.
    StubsAndDecoys,
}

/// The binary name of a decoy variant of an exercise binary.
pub fn decoy_bin(bin: &str, decoy: &str) -> String {
    format!("{bin}-decoy-{decoy}")
}

/// The file of a decoy variant, beside the exercise so relative paths in it still resolve.
fn decoy_file(file: &str, decoy: &str) -> String {
    let stem = file.strip_suffix(".rs").unwrap_or(file);
    format!("{stem}.decoy-{decoy}.rs")
}

fn write_module(
    manifest: &Manifest,
    module: &Module,
    out: &Path,
    variants: Variants,
) -> Result<()> {
    let dir = manifest.root.join(&module.dir);
    if !module.exercise.is_empty() {
        let source_toml = dir.join("Cargo.toml");
        let mut package: toml::Table =
            toml::from_str(&fsx::read(&source_toml)?).map_err(|e| Error::parse(&source_toml, e))?;
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
            info.insert("autobins".into(), false.into());
            info.insert("autoexamples".into(), false.into());
            info.insert("autotests".into(), false.into());
            info.insert("autobenches".into(), false.into());
        }
        let mut bins = expected_bins(module);
        let mut texts = Vec::new();
        for exercise in module.exercise.iter().filter(|e| e.crate_dir.is_none()) {
            let source_path = dir.join(&exercise.file);
            let markers = Markers::parse(&source_path, &fsx::read(&source_path)?)?;
            texts.push((exercise.file.clone(), markers.stub()));
            if variants == Variants::StubsAndDecoys {
                let bin = crate::manifest::bin_name(&module.id, &exercise.file);
                for decoy in markers.decoys() {
                    let file = decoy_file(&exercise.file, &decoy.name);
                    bins.push((decoy_bin(&bin, &decoy.name), file.clone()));
                    texts.push((file, markers.decoy(&decoy.name).unwrap_or_default()));
                }
            }
        }
        let bins: Vec<toml::Value> = bins
            .into_iter()
            .map(|(name, path)| {
                let mut bin = toml::Table::new();
                bin.insert("name".into(), name.into());
                bin.insert("path".into(), path.into());
                toml::Value::Table(bin)
            })
            .collect();
        package.insert("bin".into(), toml::Value::Array(bins));
        let path = out.join("Cargo.toml");
        fsx::write_if_changed(&path, to_toml(&package, &path)?)?;
        for (file, text) in texts {
            fsx::write_if_changed(&out.join(file), text)?;
        }
    }
    for note in &module.notes {
        fsx::write_if_changed(&out.join(note), fsx::read(&dir.join(note))?)?;
    }
    if dir.join("README.md").is_file() {
        fsx::write_if_changed(&out.join("README.md"), fsx::read(&dir.join("README.md"))?)?;
    }
    fsx::write_if_changed(&out.join("HINTS.md"), hints_page(module))?;
    Ok(())
}

/// `course.toml` with only the exported modules: capstones dropped, paths reduced to the
/// exported steps.
fn filtered_manifest(root: &Path, modules: &[&Module]) -> Result<String> {
    let path = root.join(crate::manifest::MANIFEST_FILE);
    let mut table: toml::Table =
        toml::from_str(&fsx::read(&path)?).map_err(|e| Error::parse(&path, e))?;
    let keep: Vec<&str> = modules.iter().map(|m| m.id.as_str()).collect();
    let kept_id = |value: &toml::Value| {
        value
            .get("id")
            .and_then(|v| v.as_str())
            .is_some_and(|id| keep.contains(&id))
    };
    if let Some(toml::Value::Array(list)) = table.get_mut("module") {
        list.retain(kept_id);
    }
    table.remove("capstone");
    if let Some(toml::Value::Array(paths)) = table.get_mut("path") {
        for learning_path in paths.iter_mut() {
            if let Some(toml::Value::Array(steps)) = learning_path.get_mut("steps") {
                steps.retain(|s| s.as_str().is_some_and(|s| keep.contains(&s)));
            }
        }
        paths.retain(|p| {
            p.get("steps")
                .and_then(|s| s.as_array())
                .is_some_and(|s| !s.is_empty())
        });
    }
    Ok(format!(
        "# The course manifest, filtered to this edition's modules by `cargo course export`.\n\n{}",
        to_toml(&table, &path)?
    ))
}

/// The `HINTS.md` page of a module: every exercise's hints, in order.
pub fn hints_page(module: &Module) -> String {
    let mut page = format!("# Hints for module {}: {}\n\n", module.id, module.title);
    page.push_str("Read one hint at a time and try again before reading the next.\n");
    for exercise in &module.exercise {
        page.push_str(&format!(
            "\n## {} {} (`{}`)\n\n",
            exercise.id,
            exercise.title,
            crate::manifest::bin_name(&module.id, &exercise.file)
        ));
        for (index, hint) in exercise.hints.iter().enumerate() {
            page.push_str(&format!("{}. {}\n", index + 1, hint));
        }
    }
    page
}

fn student_readme(manifest: &Manifest, modules: &[&Module]) -> String {
    let mut text = format!(
        "# {}: student edition\n\nThis folder holds the exercises of the course as starting points (stubs).\nEach exercise is a binary with its own tests; make the tests pass.\n\n",
        manifest.course.title
    );
    text.push_str("## How to work\n\n");
    text.push_str("1. Read the module's `README.md` and its `notes/` in order.\n");
    text.push_str("2. Open an exercise under `exercises/` and read its header.\n");
    text.push_str("3. Run its tests until they pass; do not edit the tests.\n");
    text.push_str("4. Stuck? `HINTS.md` in each module folder has progressive hints.\n\n");
    text.push_str("```sh\ncargo test --offline --bin m01-example\n```\n\n");
    text.push_str(
        "`fix` exercises do not compile at first: the compiler's error is the puzzle.\n\n",
    );
    text.push_str(
        "## Exercises\n\n| id | binary | kind | title | test command |\n|---|---|---|---|---|\n",
    );
    for module in modules {
        for exercise in &module.exercise {
            let bin = crate::manifest::bin_name(&module.id, &exercise.file);
            text.push_str(&format!(
                "| {} | `{bin}` | {} | {} | `cargo test --offline --bin {bin}` |\n",
                exercise.id,
                exercise.kind.as_str(),
                exercise.title
            ));
        }
    }
    text
}

/// Where `check` builds its stubs: `<target>/course-check/<course folder name>-<hash of its path>`.
/// The hash keeps two courses that share a target directory (the runner's own tests copy fixture
/// courses to temporary folders) from overwriting each other's scratch workspace.
pub fn check_workspace_dir(root: &Path) -> PathBuf {
    let hash = crate::hash::fnv1a(root.to_string_lossy().as_bytes());
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "course".to_string());
    crate::cargo::target_dir(root)
        .join("course-check")
        .join(format!("{name}-{:08x}", hash >> 32))
}
