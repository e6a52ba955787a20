//! The learner commands on a capstone: `start p1`, `verify p1.3`, `solution p1.3`, `reset p1`,
//! and the capstone part of `list`.
//!
//! The learner's crate is `learn/<capstone dir>/`, a member of the learner workspace. `start`
//! writes the starter (the reference with every milestone's regions stubbed) and the test files
//! of milestone 1 (or of every milestone with `--all-tests`); it never overwrites a file that
//! exists and never removes one. `verify p1.k` stages the test files of milestones `1..=k` that
//! are missing, checks that the starter's files and the staged tests are unchanged outside the
//! solution regions (files the learner added are theirs), builds the crate in a target directory
//! of its own (it has the reference's package and binary names, see [`capstone_target`]), runs
//! the tests milestone by milestone, marks each milestone done whose tests, and all earlier
//! ones, pass, and stages the next milestone's tests.

use super::{Learner, Outcome, next_backup};
use crate::capstone;
use crate::cargo::{self, TestBuild, TestRun, Verdict};
use crate::crates::{self, Version};
use crate::error::{Error, Result, fsx};
use crate::learn::Status;
use crate::manifest::Capstone;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where capstone crates are built (for the learner, and for `bench`): not the course's target
/// directory, because the learner's crate has the reference's package and binary names, and
/// cargo names a path package's binaries by name only (`target/debug/minigrep` would be the
/// learner's one moment and the reference's the next).
pub fn capstone_target(root: &Path) -> PathBuf {
    cargo::target_dir(root).join("learn-capstones")
}

impl<'m> Learner<'m> {
    /// The learner's copy of a capstone crate.
    pub fn capstone_dir(&self, capstone: &Capstone) -> PathBuf {
        self.workspace.dir.join(&capstone.dir)
    }

    fn refuse_in_edition(&self) -> Result<()> {
        if self.edition() {
            return Err(Error::Refused(
                "this student edition has no capstones; they are built in the course repository"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Writes the files of `files` that the learner's crate does not have yet, from `UpTo(0)`
    /// (a file that exists is never overwritten); returns the files it wrote.
    fn write_missing(&self, capstone: &Capstone, files: &[PathBuf]) -> Result<Vec<PathBuf>> {
        let from = capstone::crate_dir(self.manifest, capstone);
        let to = self.capstone_dir(capstone);
        let missing: Vec<PathBuf> = files
            .iter()
            .filter(|f| !to.join(f).exists())
            .cloned()
            .collect();
        crates::write_files(&from, &to, &missing, Version::UpTo(0))?;
        Ok(missing)
    }

    /// `start p1` (`start p1.k` stages the tests of milestones up to k): writes the starter and
    /// the first milestone's tests into `learn/`, without overwriting anything.
    ///
    /// # Errors
    /// A capstone without milestones, or files that cannot be written.
    pub(super) fn start_capstone(
        &mut self,
        capstone: &'m Capstone,
        up_to: usize,
        all_tests: bool,
    ) -> Result<ExitCode> {
        self.refuse_in_edition()?;
        let id = &capstone.id;
        if capstone.milestone.is_empty() {
            return Err(Error::Refused(format!(
                "capstone {id} ({}) has no milestones yet: read {}/README.md and build it from scratch",
                capstone.title, capstone.dir
            )));
        }
        let stage = if all_tests {
            capstone.milestone.len()
        } else {
            up_to.max(self.next_milestone(capstone))
        };
        let dir = self.capstone_dir(capstone);
        let fresh = !dir.join("Cargo.toml").exists();
        let files = capstone::files_up_to(self.manifest, capstone, stage)?;
        let written = self.write_missing(capstone, &files)?;
        // Outside the runner too (`cargo test` in the crate's folder), the learner's crate builds
        // where the runner builds it, never over the reference's binaries.
        let config = dir.join(".cargo").join("config.toml");
        if !config.exists() {
            fsx::write(
                &config,
                format!(
                    "# Your capstone builds in a target directory of its own: it has the reference's\n# package and binary names, which would overwrite each other in one folder.\n[build]\ntarget-dir = {:?}\n",
                    capstone_target(&self.manifest.root).to_string_lossy()
                ),
            )?;
        }
        if self.progress.get(id).started.is_none() {
            self.progress.mark_started([id.as_str()]);
        }
        self.workspace
            .write_cargo_files(self.manifest, &self.progress)?;
        self.save()?;
        if fresh {
            outln!(
                "Started {id} {}: your crate is {} ({} files).",
                capstone.title,
                self.shown(&dir),
                written.len()
            );
        } else if written.is_empty() {
            outln!(
                "{id} is already started: {} (nothing was overwritten; `cargo course reset {id}` starts over)",
                self.shown(&dir)
            );
        } else {
            outln!(
                "{id} is already started: added {} missing file(s) to {}, changed nothing else.",
                written.len(),
                self.shown(&dir)
            );
        }
        let staged: Vec<String> = capstone
            .tests_up_to(stage)
            .into_iter()
            .map(|t| capstone::test_file(t).display().to_string())
            .collect();
        outln!("Milestone tests staged: {}.", staged.join(", "));
        if let Some(guide) = &capstone.guide {
            outln!("Read first: {}/{guide}", capstone.dir);
        }
        let next = &capstone.milestone[self.next_milestone(capstone) - 1];
        outln!(
            "Next: {} {}, then `cargo course verify {}`.",
            next.id,
            next.title,
            next.id
        );
        Ok(ExitCode::SUCCESS)
    }

    /// The started capstone with milestones left, started most recently, and when it started.
    pub(super) fn latest_capstone(&self) -> Option<(&'m Capstone, u64)> {
        self.manifest
            .capstone
            .iter()
            .filter(|c| {
                c.milestone
                    .iter()
                    .any(|m| self.progress.status(&m.id) != Status::Done)
            })
            .filter_map(|c| Some((c, self.progress.get(&c.id).started?)))
            .max_by_key(|(_, started)| *started)
    }

    /// `list`'s next step inside a started capstone.
    pub(super) fn capstone_next_step(&self, capstone: &Capstone) -> String {
        let next = &capstone.milestone[self.next_milestone(capstone) - 1];
        format!(
            "Next: {} {} in {}, then `cargo course verify {}`.",
            next.id,
            next.title,
            self.shown(&self.capstone_dir(capstone)),
            next.id
        )
    }

    /// The first milestone (1-based) not done, or the last one when all are.
    fn next_milestone(&self, capstone: &Capstone) -> usize {
        capstone
            .milestone
            .iter()
            .position(|m| self.progress.status(&m.id) != Status::Done)
            .map_or(capstone.milestone.len(), |index| index + 1)
    }

    /// `verify p1.k` (`verify p1`: every milestone).
    ///
    /// # Errors
    /// A capstone not started, or cargo that cannot be run.
    pub(super) fn verify_milestones(
        &mut self,
        capstone: &'m Capstone,
        k: usize,
    ) -> Result<Outcome> {
        self.refuse_in_edition()?;
        let id = &capstone.id;
        let dir = self.capstone_dir(capstone);
        if !dir.join("Cargo.toml").exists() {
            return Err(Error::Refused(format!(
                "{id} is not started: run `cargo course start {id}`"
            )));
        }
        let files = capstone::files_up_to(self.manifest, capstone, k)?;
        for added in self.write_missing(capstone, &files)? {
            outln!("Added {}.", self.shown(&dir.join(added)));
        }
        if self.progress.get(id).started.is_none() {
            self.progress.mark_started([id.as_str()]);
        }
        self.workspace
            .write_cargo_files(self.manifest, &self.progress)?;
        self.save()?;
        let last = &capstone.milestone[k - 1];
        outln!(
            "Verifying {id} up to {} {} ({})",
            last.id,
            last.title,
            self.shown(&dir)
        );
        let course_crate = capstone::crate_dir(self.manifest, capstone);
        if let Some(edit) = crates::find_edit_in(&course_crate, &dir, &files)? {
            outln!(
                "Your crate differs from the starter outside the parts you write: {edit}. Milestones do not count until it is restored (your own new files are fine)."
            );
            outln!(
                "`cargo course reset {id}` restores the starter (your crate is kept as a numbered backup)."
            );
            return Ok(Outcome::NotYet);
        }
        let target = capstone_target(&self.manifest.root);
        let manifest_path = self.workspace.manifest_path();
        let mut build = TestBuild::new(&manifest_path);
        build.packages = vec![&capstone.package];
        build.tests = capstone
            .tests_up_to(k)
            .into_iter()
            .map(str::to_string)
            .collect();
        build.keep_going = true;
        build.target_dir = Some(&target);
        let build = build.run()?;
        for warning in &build.rendered_warnings {
            out!("{warning}");
        }
        for rendered in &build.rendered_errors {
            out!("{rendered}");
        }
        let mut done_through = 0;
        for (index, milestone) in capstone.milestone.iter().take(k).enumerate() {
            let mut runs = Vec::new();
            let mut broken = Vec::new();
            for test in &milestone.tests {
                let target_build = build.target(test);
                match target_build.test_executables.first() {
                    Some(executable) if target_build.success => {
                        runs.push(cargo::run_package_tests(executable, &dir, self.timeout)?);
                    }
                    _ => broken.push(test.as_str()),
                }
            }
            let run = TestRun::combined(runs);
            let verdict = run.verdict();
            if broken.is_empty() && verdict == Verdict::Passed {
                outln!(
                    "✓ {} {}: all {} tests pass",
                    milestone.id,
                    milestone.title,
                    run.passed_count()
                );
                if done_through == index {
                    done_through = index + 1;
                }
                continue;
            }
            if !broken.is_empty() {
                outln!(
                    "✗ {} {}: does not compile yet (tests/{}.rs; the compiler's errors are above)",
                    milestone.id,
                    milestone.title,
                    broken.join(".rs, tests/")
                );
            } else {
                let details = run.failure_details();
                if !details.is_empty() {
                    outln!("{}", details.trim_end());
                }
                outln!(
                    "✗ {} {}: {} of {} tests pass; {}",
                    milestone.id,
                    milestone.title,
                    run.passed_count(),
                    run.listed.len(),
                    verdict.summary()
                );
            }
        }
        for milestone in &capstone.milestone[..done_through] {
            self.progress.entry(&milestone.id).done = true;
        }
        self.save()?;
        if done_through < k {
            let stuck = &capstone.milestone[done_through];
            outln!(
                "\n{} of {k} milestone(s) done. Stuck on {}? `cargo course hint {}`.",
                done_through,
                stuck.id,
                stuck.id
            );
            return Ok(Outcome::NotYet);
        }
        outln!("\n✓ {id} done up to {}.", last.id);
        if let Some(next) = capstone.milestone.get(k) {
            let files = capstone::files_up_to(self.manifest, capstone, k + 1)?;
            for added in self.write_missing(capstone, &files)? {
                outln!(
                    "Added the tests of {}: {}.",
                    next.id,
                    self.shown(&dir.join(added))
                );
            }
            outln!(
                "Next: {} {}, then `cargo course verify {}`.",
                next.id,
                next.title,
                next.id
            );
        } else {
            outln!(
                "Every milestone of {id} is done. `cargo course bench {id}` measures your build against the reference and the real tool."
            );
        }
        Ok(Outcome::Done)
    }

    /// `solution p1.k`: what milestone k's regions hold in the reference, as a diff from the
    /// crate before the milestone (`UpTo(k-1)`) to after it (`UpTo(k)`), file by file.
    ///
    /// # Errors
    /// A file of the course's crate that cannot be read.
    pub(super) fn milestone_solution(&self, capstone: &Capstone, k: usize) -> Result<ExitCode> {
        self.refuse_in_edition()?;
        let from = capstone::crate_dir(self.manifest, capstone);
        let id = &capstone.milestone[k - 1].id;
        let mut shown = 0;
        for file in capstone::starter_files(self.manifest, capstone)? {
            let before = crates::render(&from, &file, Version::UpTo(k - 1))?;
            let after = crates::render(&from, &file, Version::UpTo(k))?;
            if before == after {
                continue;
            }
            let before = String::from_utf8_lossy(&before);
            let after = String::from_utf8_lossy(&after);
            let diff = similar::TextDiff::from_lines(before.as_ref(), after.as_ref());
            let name = file.display().to_string();
            out!(
                "{}",
                diff.unified_diff().context_radius(3).header(
                    &format!("{name} (before {id})"),
                    &format!("{name} ({id} done)")
                )
            );
            shown += 1;
        }
        if shown == 0 {
            outln!("{id} has no solution regions of its own.");
        }
        Ok(ExitCode::SUCCESS)
    }

    /// `reset p1`: keeps the learner's crate as the next numbered backup (`<dir>.bak.1`, …),
    /// writes the starter again with the first milestone's tests, and clears the done marks.
    ///
    /// # Errors
    /// A capstone never started, or files that cannot be moved or written.
    pub(super) fn reset_capstone(&mut self, capstone: &'m Capstone) -> Result<ExitCode> {
        self.refuse_in_edition()?;
        let id = &capstone.id;
        let dir = self.capstone_dir(capstone);
        if !dir.exists() {
            return Err(Error::Refused(format!(
                "{id} was never started, so there is nothing to reset: `cargo course start {id}` starts it"
            )));
        }
        let backup = next_backup(&dir);
        fsx::rename(&dir, &backup)?;
        outln!("Kept your crate as {}.", self.shown(&backup));
        for milestone in &capstone.milestone {
            self.progress.entry(&milestone.id).done = false;
        }
        self.save()?;
        self.start_capstone(capstone, 1, false)
    }

    /// The capstone's lines of `list`: its milestones with the learner's status.
    pub(super) fn list_capstone(&self, capstone: &Capstone) {
        let done = capstone
            .milestone
            .iter()
            .filter(|m| self.progress.status(&m.id) == Status::Done)
            .count();
        let started = self.progress.get(&capstone.id).started.is_some();
        let state = if capstone.milestone.is_empty() {
            String::new()
        } else if started {
            format!(", {done} of {} milestones done", capstone.milestone.len())
        } else {
            format!(", {} milestones, not started", capstone.milestone.len())
        };
        outln!(
            "    {:<6} {} ({}, needs {}{state})",
            capstone.id,
            capstone.title,
            capstone.dir,
            capstone.prerequisites.join(", ")
        );
        let next = self.next_milestone(capstone);
        for (index, milestone) in capstone.milestone.iter().enumerate() {
            let status = match self.progress.status(&milestone.id) {
                Status::Done => "done",
                _ if started && index + 1 == next => "next",
                _ if started => "to do",
                _ => "not started",
            };
            outln!(
                "    {:<6} {:<9} {:<12} {} ({} min)",
                milestone.id,
                milestone.kind.as_str(),
                status,
                milestone.title,
                milestone.minutes
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::Markers;

    #[test]
    fn up_to_keeps_the_regions_of_earlier_milestones() {
        let source = "fn f() -> u8 {\n    // course:solution p1.2 Return one.\n    1\n    // course:end\n}\n";
        let markers = Markers::parse(Path::new("f.rs"), source).unwrap();
        assert_eq!(markers.region_milestones(), [Some("p1.2")]);
        assert!(markers.up_to(|m| m == Some("p1.2")).contains("    1\n"));
        assert!(
            markers
                .up_to(|_| false)
                .contains("// TODO: p1.2 Return one.")
        );
    }
}
