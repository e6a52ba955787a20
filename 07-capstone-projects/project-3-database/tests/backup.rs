//! Backup, restore and `verify --backup` through the real binary: an incremental backup
//! writes fewer bytes after a small change, a restore's `dump` equals the source's, damage
//! in a backup is exit code 3, and killing `kv backup` at random moments always leaves a
//! backup that verifies and restores to one of the two backed-up states.

mod util;

use std::path::Path;
use std::process::{Command, Stdio};

use std::io::Write;

use kv::cli::to_hex;
use util::{kv, kv_bin};

/// Runs `kv --db DIR args` and returns stdout, asserting success.
fn ok(dir: &Path, args: &[&str]) -> String {
    let output = kv(dir, args);
    assert!(
        output.status.success(),
        "kv {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The byte count in `ok: wrote N bytes ...`.
fn bytes_written(reply: &str) -> u64 {
    reply
        .strip_prefix("ok: wrote ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("unexpected backup reply {reply:?}"))
}

/// Writes `count` keys with 200-byte values (some long enough for overflow pages) in one
/// transaction, through the binary: a store opened in this test process could keep its lock
/// alive in a child that another test forks at that moment.
fn fill(dir: &Path, first: u32, count: u32, tag: u8) {
    let mut script = String::from("begin\n");
    for index in first..first + count {
        let len = if index % 97 == 0 { 6000 } else { 200 };
        script.push_str(&format!(
            "put {} {}\n",
            to_hex(format!("key{index:06}").as_bytes()),
            to_hex(&vec![tag; len])
        ));
    }
    script.push_str("commit\n");
    let mut child = Command::new(kv_bin())
        .arg("--db")
        .arg(dir)
        .arg("batch")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "ok 1\n");
}

#[test]
fn backup_is_incremental_and_restores_the_same_dump() {
    let root = tempfile::tempdir().unwrap();
    let (db, backups) = (root.path().join("db"), root.path().join("backups"));
    fill(&db, 0, 3000, 1);
    let first = bytes_written(&ok(&db, &["backup", backups.to_str().unwrap()]));
    ok(&db, &["put", "6b6579303030303031", "ffff"]);
    let second = bytes_written(&ok(&db, &["backup", backups.to_str().unwrap()]));
    assert!(
        second * 10 < first,
        "the second backup wrote {second} bytes, the first {first}"
    );
    let restored = root.path().join("restored");
    ok(&restored, &["restore", backups.to_str().unwrap()]);
    assert_eq!(ok(&restored, &["dump"]), ok(&db, &["dump"]));
    ok(&restored, &["verify"]);
    // Restoring over an existing store is refused and changes nothing.
    let output = kv(&restored, &["restore", backups.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(ok(&restored, &["dump"]), ok(&db, &["dump"]));
}

#[test]
fn backup_verify_reports_damage_with_exit_3() {
    let root = tempfile::tempdir().unwrap();
    let (db, backups) = (root.path().join("db"), root.path().join("backups"));
    fill(&db, 0, 500, 1);
    ok(&db, &["backup", backups.to_str().unwrap()]);
    let nowhere = root.path().join("never-created");
    assert!(ok(&nowhere, &["verify", "--backup", backups.to_str().unwrap()]).starts_with("ok"));
    assert!(!nowhere.exists(), "verify --backup must not create a store");
    let files = [
        backups.join("segment-000001.kvb"),
        backups.join("manifest.kvb"),
    ];
    for file in files {
        let original = std::fs::read(&file).unwrap();
        for offset in [3, original.len() / 2, original.len() - 1] {
            let mut damaged = original.clone();
            damaged[offset] ^= 0x10;
            std::fs::write(&file, &damaged).unwrap();
            let output = kv(&nowhere, &["verify", "--backup", backups.to_str().unwrap()]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(3),
                "{} at {offset}: {stderr}",
                file.display()
            );
            assert!(stderr.contains("corrupt"), "{stderr}");
        }
        std::fs::write(&file, &original).unwrap();
    }
    // A directory without a backup is a usage problem (exit 1), not damage.
    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let output = kv(&nowhere, &["verify", "--backup", empty.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("holds no backup"));
    std::fs::remove_file(backups.join("segment-000001.kvb")).unwrap();
    let output = kv(&nowhere, &["verify", "--backup", backups.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn backup_killed_midway_leaves_the_previous_backup_usable() {
    let root = tempfile::tempdir().unwrap();
    let (db, backups) = (root.path().join("db"), root.path().join("backups"));
    fill(&db, 0, 4000, 1);
    ok(&db, &["backup", backups.to_str().unwrap()]);
    let old_dump = ok(&db, &["dump"]);
    // Change most pages, so the next backup has a lot to copy.
    fill(&db, 0, 4000, 2);
    let new_dump = ok(&db, &["dump"]);
    // How long a whole backup run takes here, so the kills spread over all of it.
    let started = std::time::Instant::now();
    ok(
        &db,
        &["backup", root.path().join("timing").to_str().unwrap()],
    );
    let full = started.elapsed();
    let (mut old_seen, mut new_seen) = (0, 0);
    for trial in 0..12u32 {
        let mut child = Command::new(kv_bin())
            .arg("--db")
            .arg(&db)
            .args(["backup", backups.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full * trial / 10);
        let _ = child.kill();
        child.wait().unwrap();
        // Whatever the moment, the backup directory verifies and restores to one of the
        // two states that were backed up.
        let checked = kv(&db, &["verify", "--backup", backups.to_str().unwrap()]);
        assert!(
            checked.status.success(),
            "trial {trial}: {}",
            String::from_utf8_lossy(&checked.stderr)
        );
        let restored = root.path().join(format!("restored-{trial}"));
        ok(&restored, &["restore", backups.to_str().unwrap()]);
        let dump = ok(&restored, &["dump"]);
        if dump == old_dump {
            old_seen += 1;
        } else {
            assert_eq!(
                dump, new_dump,
                "trial {trial}: restored a state never backed up"
            );
            new_seen += 1;
        }
    }
    println!(
        "killed backups: {old_seen} left the previous backup, {new_seen} finished the new one"
    );
    assert!(
        old_seen > 0,
        "no kill landed before the new manifest was in place"
    );
}
