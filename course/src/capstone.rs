//! A capstone's crate seen milestone by milestone: which files make its starter, which test
//! files belong to which milestone, and whether its `course.toml` block matches the crate.
//!
//! The reference crate is the single source. Its solution regions carry the id of the milestone
//! they belong to at the start of their TODO text (`// course:solution p1.3 …`), so
//! [`crates::Version::UpTo`]`(k)` gives the crate as a learner has it after milestone `k`: the
//! starter is `UpTo(0)`, the reference `UpTo(N)`. A version holds the `starter` files of the
//! manifest entry plus the milestone test files `tests/<name>.rs` staged so far; everything else
//! in the folder (README, the reference's own tests, bench scripts) stays out.
//!
//! This module sits beside [`crate::manifest`]: the manifest's validation calls [`validate`]
//! for each capstone block, and the learner commands and the contract use the file sets.

use crate::crates;
use crate::error::{Result, fsx};
use crate::exercise::Markers;
use crate::manifest::{Capstone, Kind, Manifest};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The reference crate's folder.
pub fn crate_dir(manifest: &Manifest, capstone: &Capstone) -> PathBuf {
    manifest.root.join(&capstone.dir)
}

/// A milestone test target's file, relative to the crate.
pub fn test_file(name: &str) -> PathBuf {
    PathBuf::from("tests").join(format!("{name}.rs"))
}

/// The starter's files (the `starter` entries, folders expanded, `target/` left out), relative
/// to the crate, sorted.
///
/// # Errors
/// When a listed folder cannot be read.
pub fn starter_files(manifest: &Manifest, capstone: &Capstone) -> Result<Vec<PathBuf>> {
    let dir = crate_dir(manifest, capstone);
    let mut out = Vec::new();
    for entry in &capstone.starter {
        let path = dir.join(entry);
        if path.is_dir() {
            out.extend(
                crates::files(&path)?
                    .into_iter()
                    .map(|f| Path::new(entry).join(f)),
            );
        } else if path.is_file() {
            out.push(PathBuf::from(entry));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The starter's files and the test files of milestones `1..=k`.
///
/// # Errors
/// As [`starter_files`].
pub fn files_up_to(manifest: &Manifest, capstone: &Capstone, k: usize) -> Result<Vec<PathBuf>> {
    let mut files = starter_files(manifest, capstone)?;
    files.extend(capstone.tests_up_to(k).into_iter().map(test_file));
    Ok(files)
}

/// The Rust files of the starter (where the regions and decoys are).
fn starter_rust_files(manifest: &Manifest, capstone: &Capstone) -> Result<Vec<PathBuf>> {
    Ok(starter_files(manifest, capstone)?
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .collect())
}

/// Each decoy of the starter's files and the milestones of the regions that hold its sections.
///
/// # Errors
/// When a file cannot be read or its markers are malformed.
pub fn decoys(manifest: &Manifest, capstone: &Capstone) -> Result<BTreeMap<String, String>> {
    let dir = crate_dir(manifest, capstone);
    let files = starter_rust_files(manifest, capstone)?;
    Ok(crates::decoys_in(&dir, &files)?
        .into_iter()
        .map(|d| (d.name, d.description))
        .collect())
}

/// The capstone's `course.toml` block against its folder: the guide, starter and bench exist;
/// milestone ids run `pN.1`, `pN.2`, … in order; every milestone has a title, minutes, two or
/// three hints and test files that exist and carry no markers; every solution region of the
/// starter is tagged with one of its milestone ids; every decoy is listed by exactly one
/// milestone and every listed decoy exists.
///
/// # Errors
/// Only when a file that exists cannot be read.
pub fn validate(
    manifest: &Manifest,
    capstone: &Capstone,
    problems: &mut Vec<String>,
) -> Result<()> {
    let id = &capstone.id;
    let dir = crate_dir(manifest, capstone);
    if !dir.is_dir() {
        problems.push(format!(
            "capstone {id}: folder {} does not exist",
            capstone.dir
        ));
        return Ok(());
    }
    let mut exists = |what: &str, rel: &str| {
        if !dir.join(rel).exists() {
            problems.push(format!(
                "capstone {id}: {what} {}/{rel} does not exist",
                capstone.dir
            ));
        }
    };
    if let Some(guide) = &capstone.guide {
        exists("guide", guide);
    }
    for entry in &capstone.starter {
        exists("starter entry", entry);
    }
    if let Some(bench) = &capstone.bench {
        exists("bench script", bench);
    }
    if capstone.milestone.is_empty() {
        return Ok(());
    }
    if capstone.guide.is_none() {
        problems.push(format!(
            "capstone {id}: a capstone with milestones needs `guide = \"GUIDE.md\"`"
        ));
    }
    if capstone.starter.is_empty() {
        problems.push(format!(
            "capstone {id}: a capstone with milestones needs `starter = [\"Cargo.toml\", \"src\", …]`"
        ));
    }
    let starter = starter_files(manifest, capstone)?;
    let mut test_owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (index, milestone) in capstone.milestone.iter().enumerate() {
        let mid = &milestone.id;
        let wanted = format!("{id}.{}", index + 1);
        if *mid != wanted {
            problems.push(format!(
                "capstone {id}: milestone {} is `{mid}`, wants `{wanted}` (ids run {id}.1, {id}.2, … in order)",
                index + 1
            ));
        }
        if milestone.title.trim().is_empty() {
            problems.push(format!("milestone {mid}: needs a title"));
        }
        if milestone.minutes == 0 {
            problems.push(format!("milestone {mid}: minutes must be positive"));
        }
        if milestone.kind == Kind::Fix {
            problems.push(format!(
                "milestone {mid}: a milestone is `implement` or `explore`, not `fix`"
            ));
        }
        crate::manifest::validate_hints_and_exempt(
            &format!("milestone {mid}"),
            &milestone.hints,
            &milestone.exempt,
            problems,
        );
        if milestone
            .no_decoys
            .as_deref()
            .is_some_and(|r| r.trim().is_empty())
        {
            problems.push(format!(
                "milestone {mid}: `no_decoys` needs a written reason"
            ));
        }
        if milestone.tests.is_empty() {
            problems.push(format!(
                "milestone {mid}: needs `tests = [\"mK_<slug>\"]` (test targets tests/<name>.rs)"
            ));
        }
        for test in &milestone.tests {
            if let Some(other) = test_owner.insert(test, mid) {
                problems.push(format!(
                    "milestone {mid}: test {test} is listed by {other} too"
                ));
            }
            let file = test_file(test);
            let path = dir.join(&file);
            if !path.is_file() {
                problems.push(format!(
                    "milestone {mid}: test file {}/{} does not exist",
                    capstone.dir,
                    file.display()
                ));
                continue;
            }
            if starter.contains(&file) {
                problems.push(format!(
                    "milestone {mid}: {} is part of the starter too (list the folders of the starter without the milestone tests)",
                    file.display()
                ));
            }
            match Markers::parse(&path, &fsx::read(&path)?) {
                Ok(markers) if markers.region_count() == 0 => {}
                Ok(_) => problems.push(format!(
                    "milestone {mid}: {}/{} has solution regions; milestone tests are marker-free",
                    capstone.dir,
                    file.display()
                )),
                Err(error) => problems.push(error.to_string()),
            }
        }
    }
    validate_regions(manifest, capstone, problems)
}

/// Every region of the starter names a milestone of this capstone; every decoy is listed by
/// exactly one milestone; every listed decoy exists.
fn validate_regions(
    manifest: &Manifest,
    capstone: &Capstone,
    problems: &mut Vec<String>,
) -> Result<()> {
    let id = &capstone.id;
    let dir = crate_dir(manifest, capstone);
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    for file in starter_rust_files(manifest, capstone)? {
        let path = dir.join(&file);
        let markers = match Markers::parse(&path, &fsx::read(&path)?) {
            Ok(markers) => markers,
            Err(error) => {
                problems.push(error.to_string());
                continue;
            }
        };
        for milestone in markers.region_milestones() {
            match milestone {
                Some(m) if capstone.milestone(m).is_some() => {}
                Some(m) => problems.push(format!(
                    "capstone {id}: {}/{} has a region of milestone `{m}`, which course.toml does not have",
                    capstone.dir,
                    file.display()
                )),
                None => problems.push(format!(
                    "capstone {id}: {}/{} has a region whose TODO text does not start with a milestone id (`// course:solution {id}.1 …`)",
                    capstone.dir,
                    file.display()
                )),
            }
        }
        for decoy in markers.decoys() {
            found
                .entry(decoy.name.clone())
                .or_insert_with(|| file.display().to_string());
        }
    }
    let mut listed: BTreeMap<&str, &str> = BTreeMap::new();
    for milestone in &capstone.milestone {
        for decoy in &milestone.decoys {
            if let Some(other) = listed.insert(decoy, &milestone.id) {
                problems.push(format!(
                    "milestone {}: decoy `{decoy}` is listed by {other} too (each decoy belongs to one milestone)",
                    milestone.id
                ));
            }
            if !found.contains_key(decoy) {
                problems.push(format!(
                    "milestone {}: decoy `{decoy}` does not exist in the starter's files of {}",
                    milestone.id, capstone.dir
                ));
            }
        }
    }
    for (decoy, file) in &found {
        if !listed.contains_key(decoy.as_str()) {
            problems.push(format!(
                "capstone {id}: decoy `{decoy}` ({}/{file}) is listed by no milestone (add it to the `decoys` of the milestone whose tests catch it)",
                capstone.dir
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_files_live_in_tests() {
        assert_eq!(
            test_file("m1_literal"),
            PathBuf::from("tests/m1_literal.rs")
        );
    }
}
