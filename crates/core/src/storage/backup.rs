//! Rolling backups of the device database.
//!
//! Power cuts corrupt databases in the field. A recent, checked, consistent
//! copy of the log is what a repair restores from, so the device keeps the
//! newest few. A copy is taken with `VACUUM INTO` on a connection of its
//! own: under WAL it reads one snapshot while learners keep writing.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags};

use crate::error::CoreError;
use crate::packs::fsync;

/// How many backups are kept; older ones are deleted after a new one lands.
pub const KEEP: usize = 3;
const PREFIX: &str = "qalam-";
const SUFFIX: &str = ".db";

/// Writes a checked copy of the database at `db` into `dir` and returns its
/// path. The copy becomes visible only when complete and checked (written
/// as `.tmp`, then renamed), so a crash mid-way never leaves a broken backup
/// among the good ones.
pub fn make(db: &Path, dir: &Path) -> Result<PathBuf, CoreError> {
    std::fs::create_dir_all(dir).map_err(|e| CoreError::io("create the backup folder", dir, e))?;
    let name = format!("{PREFIX}{}{SUFFIX}", stamp());
    let target = dir.join(&name);
    let tmp = dir.join(format!("{name}.tmp"));
    remove_unfinished(dir);
    let result = copy_and_check(db, &tmp).and_then(|()| {
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| CoreError::io("flush the backup", &tmp, e))?;
        std::fs::rename(&tmp, &target)
            .map_err(|e| CoreError::io("finish the backup", &target, e))?;
        fsync::sync_dir(dir)
    });
    if let Err(err) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(err);
    }
    prune(dir, KEEP);
    Ok(target)
}

fn copy_and_check(db: &Path, tmp: &Path) -> Result<(), CoreError> {
    let source = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| CoreError::db("open the database for a backup", e))?;
    let tmp_text = tmp.to_string_lossy().into_owned();
    source
        .execute("VACUUM INTO ?1", [tmp_text])
        .map_err(|e| CoreError::db("copy the database into a backup", e))?;
    let copy = Connection::open_with_flags(tmp, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| CoreError::db("open the new backup", e))?;
    let verdict: String = copy
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(|e| CoreError::db("check the new backup", e))?;
    if verdict != "ok" {
        return Err(CoreError::BadRequest(format!(
            "the new backup failed its check ({verdict}); the disk may be failing"
        )));
    }
    Ok(())
}

/// A process stopped mid-backup leaves a `.tmp` copy: never a backup, only clutter.
fn remove_unfinished(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Backups in `dir`, oldest first (names sort by time).
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// How old the newest backup is, or `None` when there is none.
pub fn newest_age(dir: &Path, now: SystemTime) -> Option<Duration> {
    let newest = list(dir).pop()?;
    let modified = std::fs::metadata(newest).and_then(|m| m.modified()).ok()?;
    Some(now.duration_since(modified).unwrap_or_default())
}

fn prune(dir: &Path, keep: usize) {
    let all = list(dir);
    let excess = all.len().saturating_sub(keep);
    for old in all.into_iter().take(excess) {
        if let Err(err) = std::fs::remove_file(&old) {
            tracing::warn!(path = %old.display(), %err, "could not delete an old backup");
        }
    }
}

/// UTC time with milliseconds, sortable as text.
pub(crate) fn stamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &Path) -> PathBuf {
        let path = dir.join("qalam.db");
        let conn = crate::storage::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);")
            .unwrap();
        path
    }

    #[test]
    fn a_backup_is_a_checked_copy_and_only_the_newest_few_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let backups = dir.path().join("backups");
        for _ in 0..KEEP + 2 {
            make(&db, &backups).unwrap();
            std::thread::sleep(Duration::from_millis(3));
        }
        let kept = list(&backups);
        assert_eq!(kept.len(), KEEP);
        let newest = kept.last().unwrap();
        let copy = Connection::open(newest).unwrap();
        let rows: i64 = copy
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 3);
        let leftovers = std::fs::read_dir(&backups)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
        assert!(newest_age(&backups, SystemTime::now()).unwrap() < Duration::from_secs(60));
    }

    #[test]
    fn a_database_that_is_not_sqlite_is_not_backed_up() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("qalam.db");
        std::fs::write(&db, b"this is not a database at all, just text").unwrap();
        let backups = dir.path().join("backups");
        assert!(make(&db, &backups).is_err());
        assert!(list(&backups).is_empty());
    }
}
