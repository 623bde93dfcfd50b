//! Sync by USB stick: bundle files (docs/SYNC_PROTOCOL.md, "Bundle
//! format").
//!
//! The format (`qalam_protocol::bundle`, re-exported here) reads and
//! writes the file, without I/O; this module applies
//! it to a device's database with the same rules as HTTP sync: a device's
//! own file for its server, the server's file for this device, and
//! (`peer`) files laptops of one centre pass to each other.

pub mod peer;

pub use qalam_protocol::bundle::*;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use qalam_model::{DeviceId, OrgId};
use serde::Serialize;

use crate::device::Device;
use crate::error::CoreError;
use crate::sync::state;

/// Reads a bundle file, refusing one over [`MAX_BUNDLE_BYTES`] without
/// reading it whole.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CoreError> {
    let io = |source| CoreError::Io {
        action: "read the bundle",
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_BUNDLE_BYTES {
        return Err(CoreError::BadRequest(
            BundleError::TooLarge(len).to_string(),
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(CoreError::BadRequest(
            BundleError::TooLarge(bytes.len() as u64).to_string(),
        ));
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` crash-safely: a temporary file beside it,
/// fsync, rename, fsync of the folder. A stick pulled out mid-write leaves
/// the old file or none, never half a bundle under the final name.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    let io = |source| CoreError::Io {
        action: "write the bundle",
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// What [`bundle_export`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub path: PathBuf,
    pub device: DeviceId,
    pub org: OrgId,
    /// This device's events in the bundle: from `from_seq` to `to_seq`.
    pub events: u64,
    pub from_seq: u64,
    pub to_seq: u64,
    pub bytes: u64,
}

/// What [`bundle_import`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub path: PathBuf,
    pub kind: BundleKind,
    pub events: u64,
    /// Events new here.
    pub new: u64,
    /// Events already held.
    pub duplicates: u64,
    /// Writers whose pull cursor moved past what the bundle covered.
    pub cursors_advanced: u64,
    /// The presence epoch this device took from the bundle, if it did.
    pub presence_epoch: Option<u64>,
}

impl ImportReport {
    fn empty(path: &Path, kind: BundleKind) -> ImportReport {
        ImportReport {
            path: path.to_owned(),
            kind,
            events: 0,
            new: 0,
            duplicates: 0,
            cursors_advanced: 0,
            presence_epoch: None,
        }
    }

    fn count(&mut self, events: usize, merged: &crate::events::Merged) {
        self.events += events as u64;
        self.new += merged.new;
        self.duplicates += merged.duplicate;
    }
}

fn enrolled(device: &Device) -> Result<state::Enrolment, CoreError> {
    state::enrolment(&device.conn())
        .map_err(|e| CoreError::BadRequest(e.to_string()))?
        .ok_or_else(|| {
            CoreError::BadRequest(
                "this device is not enrolled with a campus server, so it has no key to sign or check a bundle; run `qalam enrol --server URL --code CODE` first".into(),
            )
        })
}

fn sync_err(e: crate::sync::SyncError) -> CoreError {
    match e {
        crate::sync::SyncError::Core(c) => c,
        other => CoreError::BadRequest(other.to_string()),
    }
}

fn acked_to(device: &Device) -> Result<u64, CoreError> {
    device
        .conn()
        .query_row("SELECT acked_to FROM sync_server WHERE one = 1", [], |r| {
            r.get::<_, i64>(0)
        })
        .map(|v| u64::try_from(v).unwrap_or(0))
        .map_err(|e| CoreError::db("read the sync state", e))
}

/// Writes, to `path`, this device's own events its campus server lacks as
/// far as this device knows (past the last seq the server acknowledged),
/// with the device's pull cursors, authenticated with its credential.
pub fn bundle_export(device: &Device, path: &Path) -> Result<ExportReport, CoreError> {
    let enrolment = enrolled(device)?;
    if crate::sync::succession::awaiting_registration(&device.conn())? {
        return Err(CoreError::BadRequest(
            "this device took a new id when its database was repaired, and its server has not learnt of it yet; sync once over the network (`qalam sync --once`) before carrying bundles".into(),
        ));
    }
    let identity = *device.identity();
    let me = identity.device;
    let acked = acked_to(device)?;
    let (head, cursors, epoch) = {
        let conn = device.conn();
        (
            state::own_head(&conn, &identity).map_err(sync_err)?,
            state::cursors(&conn).map_err(sync_err)?,
            state::presence_epoch(&conn).map_err(sync_err)?,
        )
    };
    let mut parts = Vec::new();
    let mut from = acked.saturating_add(1);
    let mut count = 0u64;
    while from <= head {
        let limit = usize::try_from(head - from + 1).unwrap_or(usize::MAX);
        let events = state::own_events(&device.conn(), &identity, from, limit, PART_EVENT_BYTES)
            .map_err(sync_err)?;
        let Some(last) = events.last().map(|e| e.seq) else {
            break;
        };
        if events.first().map(|e| e.seq) != Some(from) || last < from {
            return Err(CoreError::BadRequest(format!(
                "event {from} of this device is missing from its log; run `qalam doctor`"
            )));
        }
        count += events.len() as u64;
        parts.push(Part {
            writer: me,
            from_seq: from,
            next_seq: last + 1,
            events,
        });
        from = last + 1;
    }
    // So that the server's bundle back can certify this device's key (for
    // files it writes for the other laptops of its centre).
    let device_key = crate::sync::certificate::signing_key(&device.conn(), me)?
        .verifying_key()
        .to_bytes();
    let pending = state::pending_code(&device.conn()).map_err(sync_err)?;
    let header = BundleHeader {
        kind: BundleKind::DeviceToServer,
        device: me,
        org: enrolment.org,
        centre: enrolment.centre,
        created_ms: device.clock().now_ms(),
        acked_to: acked,
        presence_epoch: epoch,
        since_epoch: 0,
        cursors,
        enrolment: pending.map(|code| BundleEnrolment {
            code,
            credential_sha256: credential_key(&enrolment.credential),
        }),
        extras: BundleExtras {
            device_key: Some(device_key),
            certificate: None,
        },
    };
    let bytes = encode(&header, &parts, &credential_key(&enrolment.credential))
        .map_err(|e| CoreError::BadRequest(e.to_string()))?;
    write_file_atomically(path, &bytes)?;
    tracing::info!(path = %path.display(), events = count, bytes = bytes.len(), "wrote a bundle");
    Ok(ExportReport {
        path: path.to_owned(),
        device: me,
        org: enrolment.org,
        events: count,
        from_seq: acked.saturating_add(1),
        to_seq: head,
        bytes: bytes.len() as u64,
    })
}

/// Every check of an import on this device, nothing stored: the parties,
/// the tag or the signature, every part. One line saying why on refusal.
pub fn check_opened(device: &Device, opened: &Opened<'_>) -> Result<(), String> {
    let enrolment = enrolled(device).map_err(|e| e.to_string())?;
    let me = device.identity().device;
    if opened.header.kind == BundleKind::DeviceToDevice {
        let trusted =
            crate::sync::certificate::server_key(&device.conn()).map_err(|e| e.to_string())?;
        return peer::check(opened, me, &enrolment, trusted);
    }
    check_for_device(
        opened,
        me,
        enrolment.org,
        &credential_key(&enrolment.credential),
    )
}

/// Checks a bundle meant for `me` of `org` before anything is stored:
/// kind, recipient, organisation, tag, then every part decoded and every
/// event of the organisation.
pub fn check_for_device(
    opened: &Opened<'_>,
    me: DeviceId,
    org: OrgId,
    key: &[u8; 32],
) -> Result<(), String> {
    let h = &opened.header;
    if h.org != org {
        return Err(format!(
            "this bundle is meant for organisation {}, but this device is enrolled in {org}; it was refused",
            h.org
        ));
    }
    if h.kind != BundleKind::ServerToDevice {
        return Err(format!(
            "this bundle was written by device {} for its campus server; import it there with `qalam --data SERVER_DIR bundle import FILE`",
            h.device
        ));
    }
    if h.device != me {
        return Err(format!(
            "this bundle was written for device {}, not this device {me}; export one with `--for {me}` on the campus server",
            h.device
        ));
    }
    opened.verify(key).map_err(|e| e.to_string())?;
    for i in 0..opened.part_count() {
        let part = opened.part(i).map_err(|e| e.to_string())?;
        if part.writer == me {
            return Err(format!(
                "the bundle holds events of this device itself (part {i}); it was refused"
            ));
        }
        if let Some(e) = part
            .events
            .iter()
            .find(|e| !e.org.is_zero() && e.org != org)
        {
            return Err(format!(
                "event {}/{} of the bundle names organisation {}, not {org}; it was refused",
                e.device, e.seq, e.org
            ));
        }
    }
    Ok(())
}

/// Merges a bundle written by the campus server for this device: checked
/// whole first (nothing is stored from a bundle that fails any check), then
/// each part merged in one transaction, idempotently. A writer's pull cursor
/// moves past what the part covered only when the part starts at or below
/// it and the server read its entitlement at this device's presence epoch
/// or later; otherwise it stays, and the next HTTP sync re-reads (at worst
/// duplicates, which merging ignores).
pub fn bundle_import(device: &Device, path: &Path) -> Result<ImportReport, CoreError> {
    let bytes = read_file(path)?;
    let opened = Opened::open(&bytes).map_err(|e| CoreError::BadRequest(e.to_string()))?;
    check_opened(device, &opened).map_err(CoreError::BadRequest)?;
    if opened.header.kind == BundleKind::DeviceToDevice {
        return peer::merge(device, &opened, path);
    }
    let me = device.identity().device;
    // The server keyed this bundle with our credential: it has bound an
    // offline enrolment, so the next bundles need not carry the code, and
    // a certificate in it is our server's word.
    state::set_pending_code(&device.conn(), None).map_err(sync_err)?;
    if let Some(cert) = &opened.header.extras.certificate {
        crate::sync::certificate::save_certificate(&device.conn(), me, cert)?;
    }
    let my_epoch = state::presence_epoch(&device.conn()).map_err(sync_err)?;
    let epoch_ok = opened.header.presence_epoch >= my_epoch;
    let mut report = ImportReport::empty(path, opened.header.kind);
    for i in 0..opened.part_count() {
        let part = opened
            .part(i)
            .map_err(|e| CoreError::BadRequest(e.to_string()))?;
        let mut conn = device.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| CoreError::db("start saving the bundle's events", e))?;
        let merged = crate::events::merge_into(&tx, &part.events)?;
        let current = state::cursors(&tx).map_err(sync_err)?.get(part.writer);
        let scanned_to = part.next_seq.saturating_sub(1);
        if epoch_ok
            && part.from_seq <= current.saturating_add(1)
            && current < scanned_to
            && state::advance_cursor(&tx, part.writer, current, scanned_to).map_err(sync_err)?
        {
            report.cursors_advanced += 1;
        }
        tx.commit()
            .map_err(|e| CoreError::db("save the bundle's events", e))?;
        report.count(part.events.len(), &merged);
    }
    // Every part merged: if the server re-read entitlement from an epoch
    // this device had already applied, every learner present by the
    // bundle's epoch is now held below this device's cursors, and the
    // device takes that epoch (only if no sync moved it meanwhile).
    let h = &opened.header;
    if h.since_epoch <= my_epoch && my_epoch < h.presence_epoch {
        let moved = device
            .conn()
            .execute(
                "UPDATE sync_server SET presence_epoch = ?1 WHERE one = 1 AND presence_epoch = ?2",
                rusqlite::params![
                    i64::try_from(h.presence_epoch).unwrap_or(i64::MAX),
                    i64::try_from(my_epoch).unwrap_or(i64::MAX)
                ],
            )
            .map_err(|e| CoreError::db("record the bundle's presence epoch", e))?;
        if moved == 1 {
            report.presence_epoch = Some(h.presence_epoch);
        }
    }
    let head = state::own_head(&device.conn(), device.identity()).map_err(sync_err)?;
    if opened.header.acked_to <= head {
        // As a status does: the server's word, even if lower than what this
        // device recorded (a server restored from a backup). Lower only
        // makes the next export send more, which the server ignores.
        device
            .conn()
            .execute(
                "UPDATE sync_server SET acked_to = ?1 WHERE one = 1",
                [i64::try_from(opened.header.acked_to).unwrap_or(i64::MAX)],
            )
            .map_err(|e| CoreError::db("record the server's ack", e))?;
    } else {
        tracing::warn!(
            server = opened.header.acked_to,
            head,
            "the server holds more of this device's chain than the device"
        );
    }
    tracing::info!(path = %path.display(), new = report.new, duplicates = report.duplicates, "imported a bundle");
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qalam_model::{CentreId, Event, VersionVector};

    fn chain(device: DeviceId, n: u64) -> Vec<Event> {
        qalam_model::ChainBuilder::new(
            device,
            OrgId::from_bytes([1; 16]),
            CentreId::from_bytes([2; 16]),
        )
        .sample_notes(n)
    }

    /// The campus server's bundle for `me` at presence epoch 1, from the
    /// start of every chain.
    fn for_device(me: DeviceId) -> BundleHeader {
        BundleHeader {
            kind: BundleKind::ServerToDevice,
            device: me,
            org: OrgId::from_bytes([1; 16]),
            centre: CentreId::from_bytes([2; 16]),
            created_ms: 1_767_600_000_000,
            acked_to: 0,
            presence_epoch: 1,
            since_epoch: 0,
            cursors: VersionVector::new(),
            enrolment: None,
            extras: Default::default(),
        }
    }

    fn enrolled_device(dir: &Path) -> Device {
        let device =
            Device::open(dir, crate::Settings::default()).unwrap_or_else(|e| panic!("{e}"));
        state::save_enrolment(
            &mut device.conn(),
            &state::Enrolment {
                url: "http://127.0.0.1:9".into(),
                credential: "secret".into(),
                org: OrgId::from_bytes([1; 16]),
                centre: CentreId::from_bytes([2; 16]),
                ca_pem: None,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        device
    }

    fn held(device: &Device) -> i64 {
        device
            .conn()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap_or(-1)
    }

    #[test]
    fn a_device_checks_the_whole_bundle_before_storing_any_of_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let device = enrolled_device(dir.path());
        let me = device.identity().device;
        let key = credential_key("secret");
        let header = for_device(me);
        let w = DeviceId::from_bytes([9; 16]);
        let good = Part {
            writer: w,
            from_seq: 1,
            next_seq: 21,
            events: chain(w, 20),
        };
        let other_org = {
            let x = DeviceId::from_bytes([8; 16]);
            let builder = qalam_model::ChainBuilder::new(
                x,
                OrgId::from_bytes([6; 16]),
                CentreId::from_bytes([2; 16]),
            );
            let e = builder
                .next_raw(
                    &qalam_model::ChainTip::GENESIS,
                    5,
                    qalam_model::LearnerId::from_bytes([1; 16]),
                    "test_note",
                    1,
                    vec![1],
                )
                .unwrap_or_else(|e| panic!("{e}"));
            Part {
                writer: x,
                from_seq: 1,
                next_seq: 2,
                events: vec![e],
            }
        };
        let path = dir.path().join("b.qb");
        let write = |parts: &[Part], key: &[u8; 32]| {
            let bytes = encode(&header, parts, key).unwrap_or_default();
            write_file_atomically(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        };
        // A part naming another organisation, after a good one: nothing of
        // either is stored.
        write(&[good.clone(), other_org], &key);
        let err = bundle_import(&device, &path)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("names organisation"), "{err}");
        assert_eq!(held(&device), 0);
        // Another key: refused.
        write(std::slice::from_ref(&good), &[0; 32]);
        let err = bundle_import(&device, &path)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("authentication tag"), "{err}");
        assert_eq!(held(&device), 0);
        // The good part alone: stored, its cursor moved, the epoch taken;
        // again: nothing new.
        write(std::slice::from_ref(&good), &key);
        let report = bundle_import(&device, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((report.new, report.cursors_advanced), (20, 1));
        assert_eq!(report.presence_epoch, Some(1));
        assert_eq!(held(&device), 20);
        assert_eq!(
            state::cursors(&device.conn()).map(|c| c.get(w)).ok(),
            Some(20)
        );
        let again = bundle_import(&device, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (again.new, again.duplicates, again.cursors_advanced),
            (0, 20, 0)
        );
        assert_eq!(again.presence_epoch, None);
    }

    #[test]
    fn a_part_past_the_cursor_leaves_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let device = enrolled_device(dir.path());
        let w = DeviceId::from_bytes([9; 16]);
        let events = chain(w, 20);
        let header = for_device(device.identity().device);
        // From seq 11 while this device's cursor is 0: the events are kept,
        // the cursor stays (seqs 1 to 10 were never scanned for it).
        let part = Part {
            writer: w,
            from_seq: 11,
            next_seq: 21,
            events: events[10..].to_vec(),
        };
        let path = dir.path().join("b.qb");
        let bytes = encode(&header, &[part], &credential_key("secret")).unwrap_or_default();
        write_file_atomically(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let report = bundle_import(&device, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((report.new, report.cursors_advanced), (10, 0));
        assert_eq!(
            state::cursors(&device.conn()).map(|c| c.get(w)).ok(),
            Some(0)
        );
    }
}
