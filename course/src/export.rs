//! Writes a student edition: a standalone workspace with the stubs, tests, notes and hints of
//! chosen modules, the learner half of the runner, and no solution or decoy text.
//!
//! The same code builds the scratch workspace in which `cargo course check` compiles the stubs
//! (and, there only, the decoys), so what the contract checks is exactly what students get.
//!
//! Layout of an edition (module folders keep their names, so the `Run`/`Test` lines in each
//! exercise header work unchanged):
//!
//! ```text
//! Cargo.toml          workspace: the module crates, the root's [workspace.*] tables
//! Cargo.lock          a copy of the course's lockfile, so `--offline` builds work
//! course.toml         the manifest, filtered to the exported modules, `student_edition = true`
//! README.md           how to work with the edition
//! .cargo/config.toml  `cargo course` runs the edition's own runner
//! course/             the runner (package `course-runner`): list, verify, hint, reset, watch
//! .course/exercises/  each exercise's marked stub (regions marked, empty): reset and the edit
//!                     check work from it
//! docs/               the course's docs
//! 01-…/Cargo.toml     the module's package (same name), whose [[bin]]s are the stubs
//! 01-…/exercises/     the stubs
//! 01-…/notes/ README.md HINTS.md
//! ```

use crate::cargo_toml;
use crate::crates::{self, Version};
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

/// Writes the edition for `modules` into `out`. Files are only rewritten when their contents
/// change, so rebuilding an edition in place (as `check` does) keeps cargo's cache warm.
///
/// # Errors
/// When a file cannot be read or written, or an exercise's markers are malformed.
pub fn write_edition(
    manifest: &Manifest,
    modules: &[&Module],
    out: &Path,
    purpose: Purpose,
) -> Result<()> {
    let root = &manifest.root;
    let mut root_toml = cargo_toml::root_cargo_toml(root)?;
    let mut members: Vec<String> = modules
        .iter()
        .filter(|m| !m.exercise.is_empty())
        .map(|m| m.dir.clone())
        .collect();
    if purpose == Purpose::Student {
        members.push(RUNNER_DIR.to_string());
        // The runner's dependencies are pinned in the workspace it was built in, which for
        // another course (a test fixture) is not this one.
        let runner = cargo_toml::read_table(&runner_source().join("Cargo.toml"))?;
        let runner_root = cargo_toml::root_cargo_toml(&runner_workspace())?;
        cargo_toml::add_workspace_dependencies(&mut root_toml, &runner_root, &runner);
    }
    let cargo_path = out.join("Cargo.toml");
    fsx::write_if_changed(
        &cargo_path,
        cargo_toml::edition_workspace(&root_toml, &members, &cargo_path)?,
    )?;
    for name in ROOT_FILES {
        let from = root.join(name);
        // Without a lockfile of its own the course gets the runner's, so the edition's runner
        // resolves offline to the versions it was built with.
        let from = if name == "Cargo.lock" && !from.is_file() && purpose == Purpose::Student {
            runner_workspace().join(name)
        } else {
            from
        };
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
        write_module(manifest, module, &out.join(&module.dir), purpose)?;
    }
    let course = filtered_manifest(root, modules, purpose)?;
    fsx::write_if_changed(&out.join("course.toml"), course)?;
    if purpose == Purpose::Student {
        fsx::write_if_changed(&out.join("README.md"), student_readme(manifest, modules))?;
        write_runner(out)?;
    }
    Ok(())
}

/// Where an edition carries the runner.
const RUNNER_DIR: &str = "course";

/// The sources of the runner that is running: `cargo course` always runs a runner built from its
/// source folder, which is where this was compiled.
fn runner_source() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace the runner was built in (it pins the runner's dependencies).
fn runner_workspace() -> PathBuf {
    let source = runner_source();
    source.parent().map_or(source.clone(), Path::to_path_buf)
}

/// Copies the runner's sources (not its tests and fixtures) into the edition, with its package
/// renamed, and the alias that makes `cargo course` run it.
fn write_runner(out: &Path) -> Result<()> {
    let from = runner_source();
    let to = out.join(RUNNER_DIR);
    let package = cargo_toml::read_table(&from.join("Cargo.toml"))?;
    let runner_root = cargo_toml::root_cargo_toml(&runner_workspace())?;
    let path = to.join("Cargo.toml");
    fsx::write_if_changed(
        &path,
        cargo_toml::runner_package(package, &runner_root, &path)?,
    )?;
    // Every Rust file of src/, submodules' folders (src/check/, src/learner/) included.
    for file in crate::crates::files(&from.join("src"))?
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        // Without its unit tests: the edition does not run them, and their sample exercises
        // are not the course's.
        let text = without_unit_tests(&fsx::read(&from.join("src").join(&file))?);
        fsx::write_if_changed(&to.join("src").join(&file), text)?;
    }
    fsx::write_if_changed(
        &out.join(".cargo").join("config.toml"),
        cargo_toml::edition_config(),
    )?;
    Ok(())
}

/// Whom an edition is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Students: the stubs, the marked stubs the runner works from, and the runner itself.
    Student,
    /// The contract's scratch workspace: the stubs and every decoy
    /// (`exercises/<name>.decoy-<slug>.rs`, binary `<binary>-decoy-<slug>`).
    Contract,
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

fn write_module(manifest: &Manifest, module: &Module, out: &Path, purpose: Purpose) -> Result<()> {
    let dir = manifest.root.join(&module.dir);
    let edition_root = out.parent().unwrap_or(out);
    if !module.exercise.is_empty() {
        let mut package = cargo_toml::read_table(&dir.join("Cargo.toml"))?;
        // Crates the module's package uses that are not exercises (a `-sys` crate that builds
        // a C library): students get a copy; the contract uses the course's.
        for relative in cargo_toml::relative_path_dependencies(&package) {
            let is_exercise = module.exercise.iter().any(|e| {
                e.crate_dir
                    .as_deref()
                    .is_some_and(|c| Path::new(c) == Path::new(&relative))
            });
            if is_exercise {
                continue;
            }
            match purpose {
                Purpose::Student => {
                    for file in crates::files(&dir.join(&relative))? {
                        let from = dir.join(&relative).join(&file);
                        fsx::write_if_changed(
                            &out.join(&relative).join(&file),
                            std::fs::read(&from).map_err(|e| Error::io(&from, e))?,
                        )?;
                    }
                }
                Purpose::Contract => {
                    cargo_toml::redirect_path_dependency(
                        &mut package,
                        &relative,
                        &dir.join(&relative),
                    );
                }
            }
        }
        for exercise in &module.exercise {
            let Some(crate_dir) = &exercise.crate_dir else {
                continue;
            };
            match purpose {
                // Students get the stub of the crate where the module's package expects it.
                Purpose::Student => {
                    crates::write_version(
                        &dir.join(crate_dir),
                        &out.join(crate_dir),
                        Version::Stub,
                    )?;
                    let marked = edition_root
                        .join(crate::manifest::STUDENT_SOURCES)
                        .join(&module.dir)
                        .join(crate_dir);
                    crates::write_version(&dir.join(crate_dir), &marked, Version::MarkedStub)?;
                }
                // The contract builds the module's other exercises against the solution: their
                // stubs and decoys must fail or pass for their own reasons, not the crate's.
                Purpose::Contract => {
                    cargo_toml::redirect_path_dependency(
                        &mut package,
                        crate_dir,
                        &dir.join(crate_dir),
                    );
                }
            }
        }
        let mut bins = expected_bins(module);
        let mut texts = Vec::new();
        for exercise in module.exercise.iter().filter(|e| e.crate_dir.is_none()) {
            let source_path = dir.join(&exercise.file);
            let markers = Markers::parse(&source_path, &fsx::read(&source_path)?)?;
            texts.push((exercise.file.clone(), markers.stub()));
            if purpose == Purpose::Student {
                let marked = edition_root
                    .join(crate::manifest::STUDENT_SOURCES)
                    .join(&module.dir)
                    .join(&exercise.file);
                fsx::write_if_changed(&marked, markers.marked_stub())?;
            }
            if purpose == Purpose::Contract {
                let bin = crate::manifest::bin_name(&module.id, &exercise.file);
                for decoy in markers.decoys() {
                    let file = decoy_file(&exercise.file, &decoy.name);
                    bins.push((decoy_bin(&bin, &decoy.name), file.clone()));
                    texts.push((file, markers.decoy(&decoy.name).unwrap_or_default()));
                }
            }
        }
        let path = out.join("Cargo.toml");
        fsx::write_if_changed(&path, cargo_toml::exercise_package(package, &bins, &path)?)?;
        for (file, text) in texts {
            fsx::write_if_changed(&out.join(file), text)?;
        }
    }
    for note in &module.notes {
        fsx::write_if_changed(&out.join(note), fsx::read(&dir.join(note))?)?;
    }
    if dir.join("README.md").is_file() {
        let readme = fsx::read(&dir.join("README.md"))?;
        let readme = match purpose {
            Purpose::Student => format!("{EDITION_NOTE}{readme}"),
            Purpose::Contract => readme,
        };
        fsx::write_if_changed(&out.join("README.md"), readme)?;
    }
    fsx::write_if_changed(&out.join("HINTS.md"), hints_page(module))?;
    Ok(())
}

/// What a student edition puts above each module's README, which was written for the repository.
const EDITION_NOTE: &str = "> **In this student edition:** the exercises under `exercises/` are your starting points;\n\
> edit them in place and check one with `cargo course verify <id>` (`cargo course hint <id>` for a hint,\n\
> `cargo course reset <id>` to start over). There are no solutions here, and `cargo course start` is not needed.\n\n";

/// `course.toml` with only the exported modules: capstones dropped, paths reduced to the
/// exported steps; a student edition says it is one.
fn filtered_manifest(root: &Path, modules: &[&Module], purpose: Purpose) -> Result<String> {
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
    if purpose == Purpose::Student
        && let Some(toml::Value::Table(course)) = table.get_mut("course")
    {
        course.insert("student_edition".into(), true.into());
    }
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
        cargo_toml::to_toml(&table, &path)?
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
        "# {}: student edition\n\n\
         This folder holds the course's exercises as starting points, with their tests, the notes,\n\
         and the learner half of the course runner. It has no solutions.\n\n",
        manifest.course.title
    );
    text.push_str("## How to work\n\n");
    text.push_str("1. Read the module's `README.md` and its `notes/` in order.\n");
    text.push_str("2. `cargo course list` shows every exercise, your progress and what is next.\n");
    text.push_str(
        "3. Open the exercise's file under `NN-module/exercises/`, read its header, and edit it in place.\n",
    );
    text.push_str(
        "4. `cargo course verify <id>` builds and tests it; `cargo course watch` does so on every save.\n",
    );
    text.push_str(
        "5. Stuck? `cargo course hint <id>` shows one hint at a time. `cargo course reset <id>` starts over and keeps your copy as a numbered backup.\n\n",
    );
    text.push_str(
        "Change only the parts the exercise asks for: an exercise whose tests (or the code they rely on) were edited does not count.\n",
    );
    text.push_str(
        "`fix` exercises do not compile until you fix them, so `cargo test` on the whole edition fails by design: run one exercise at a time with `cargo course verify <id>`.\n\n",
    );
    text.push_str("```sh\ncargo course list\n");
    if let Some(first) = modules.iter().flat_map(|m| m.exercise.first()).next() {
        text.push_str(&format!("cargo course verify {}\n", first.id));
    }
    text.push_str("```\n\n");
    text.push_str(
        "## Exercises\n\n| id | kind | title | file | check it with |\n|---|---|---|---|---|\n",
    );
    for module in modules {
        for exercise in &module.exercise {
            text.push_str(&format!(
                "| {} | {} | {} | `{}/{}` | `cargo course verify {}` |\n",
                exercise.id,
                exercise.kind.as_str(),
                exercise.title.replace('|', "\\|"),
                module.dir,
                exercise.file,
                exercise.id
            ));
        }
    }
    text
}

/// A runner source file up to its unit tests: the first `#[cfg(test)]` line at the start of a
/// line that is followed by `mod tests` (later ones may be inside the tests' sample strings).
fn without_unit_tests(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|pair| pair[0] == "#[cfg(test)]" && pair[1].starts_with("mod tests"))
        .unwrap_or(lines.len());
    lines[..end].join("\n").trim_end().to_string() + "\n"
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
