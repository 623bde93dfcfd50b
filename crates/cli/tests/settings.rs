//! Settings from the environment: a bad value stops the command with one
//! line naming the variable.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;

#[test]
fn a_bad_idle_time_is_refused_with_the_variables_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin!("qalam"))
        .env("QALAM_SESSION_IDLE_MINUTES", "ten")
        .arg("--data")
        .arg(dir.path())
        .args(["learner", "list"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("QALAM_SESSION_IDLE_MINUTES"), "{stderr}");
}
