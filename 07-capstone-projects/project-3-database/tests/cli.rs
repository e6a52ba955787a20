//! The `kv` command line end to end: exit codes, the default directory, `verify` on a clean
//! and on a damaged store, and bad input that must fail cleanly (no panic, no store created).

mod util;

use std::process::Command;

use util::{flip_bit, kv, kv_bin};

/// Runs `kv` with `args` in `dir` and checks the exit code and a piece of stdout or stderr.
fn check(dir: &std::path::Path, args: &[&str], code: i32, needle: &str) {
    let output = kv(dir, args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "kv {args:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stdout.contains(needle) || stderr.contains(needle),
        "kv {args:?}: {needle:?} not in\n{stdout}\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "kv {args:?} panicked: {stderr}"
    );
}

#[test]
fn cli_commands_and_exit_codes_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    check(&db, &["put", "6b31", "7631"], 0, "ok");
    check(&db, &["put", "6b32", "7632"], 0, "ok");
    check(&db, &["get", "6b31"], 0, "7631");
    check(&db, &["get", "6b39"], 1, "not found");
    check(&db, &["scan", "--prefix", "6b"], 0, "6b32 7632");
    check(&db, &["scan", "6b32"], 0, "6b32 7632");
    check(&db, &["del", "6b31"], 0, "ok");
    check(&db, &["del", "6b31"], 1, "not found");
    check(&db, &["dump"], 0, "6b32 7632");
    check(&db, &["stats"], 0, "keys: 1");
    check(&db, &["verify"], 0, "ok: 1 keys");
    check(&db, &["checkpoint"], 0, "ok");
}

#[test]
fn cli_bad_input_is_a_usage_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never-created");
    check(
        &db,
        &["put", "zz", "00"],
        2,
        "invalid value 'zz' for '<KEY>'",
    );
    check(&db, &["put", "00"], 2, "<VALUE>");
    check(&db, &["frobnicate"], 2, "unrecognized subcommand");
    check(&db, &[], 2, "requires a subcommand");
    assert!(!db.exists(), "a failed command must not create a store");
    let output = Command::new(kv_bin())
        .args(["--cache-bytes", "lots", "get", "00"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn cli_default_directory_is_kv_data() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(kv_bin())
        .current_dir(dir.path())
        .args(["put", "01", "02"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(dir.path().join("kv-data").join("data.kv").exists());
}

#[test]
fn cli_verify_and_open_report_damage_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    check(&db, &["put", "6b31", "7631"], 0, "ok");
    // After the clean close the only tree page is page 2; damage its body.
    flip_bit(&db.join("data.kv"), 2 * 4096 + 20, 0);
    check(&db, &["verify"], 3, "corrupt");
    check(&db, &["get", "6b31"], 3, "corrupt");
    // Damage both meta slots: the store cannot even open.
    flip_bit(&db.join("data.kv"), 40, 1);
    flip_bit(&db.join("data.kv"), 4096 + 40, 1);
    check(&db, &["dump"], 3, "corrupt");
}
