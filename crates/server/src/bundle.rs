//! The campus server's side of sync by USB stick (docs/SYNC_PROTOCOL.md,
//! "Bundle format").
//!
//! The file format itself lives with the device engine
//! (`qalam_core::bundle`, pure and I/O-free); the CLI joins the two. Here:
//! the key a device's bundles are authenticated with (the stored sha256 of
//! its credential), who may send or receive one (a known, unrevoked device
//! of the bundle's organisation), what to write for one device (its
//! entitled events, per writer, as a pull would return them), and the
//! receipts of imported bundles, kept in the data folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use qalam_model::{DeviceId, Event, OrgId, VersionVector};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::postgres::PgStore;
use crate::secrets::CredentialHash;
use crate::sqlite::SqliteStore;
use crate::store::{Result, Store};
use crate::types::{Device, IngestOutcome};

/// A [`Store`] that can also hand out a device's stored credential hash,
/// the key of its bundles. Only bundle commands need it; HTTP sync looks
/// credentials up by hash instead.
#[async_trait]
pub trait BundleStore: Store {
    /// The stored credential hash of `device`, revoked or not.
    async fn credential_hash_of(&self, device: DeviceId) -> Result<CredentialHash>;
}

#[async_trait]
impl BundleStore for SqliteStore {
    async fn credential_hash_of(&self, device: DeviceId) -> Result<CredentialHash> {
        self.call(move |c| {
            let hash: Option<Vec<u8>> = c
                .query_row(
                    "SELECT credential_hash FROM devices WHERE id = ?1",
                    [device.as_bytes().as_slice()],
                    |r| r.get(0),
                )
                .optional()?;
            let hash = hash.ok_or_else(|| StoreError::not_found("device", device))?;
            let bytes: [u8; 32] = hash.as_slice().try_into().map_err(|_| {
                StoreError::Corrupt(format!("credential hash of {device} is not 32 bytes"))
            })?;
            Ok(CredentialHash(bytes))
        })
        .await
    }
}

#[async_trait]
impl BundleStore for PgStore {
    async fn credential_hash_of(&self, device: DeviceId) -> Result<CredentialHash> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT credential_hash FROM devices WHERE id = $1",
                &[&device.as_bytes().as_slice()],
            )
            .await?
            .ok_or_else(|| StoreError::not_found("device", device))?;
        Ok(CredentialHash(crate::postgres::fixed(&row, 0)?))
    }
}

/// Opens the store as [`crate::open_store`] does, as a [`BundleStore`].
/// Unlike it, never creates a SQLite database: a bundle for a server that
/// has none is a mistake.
pub async fn open_bundle_store(
    data_dir: &Path,
    database_url: Option<&str>,
) -> Result<Arc<dyn BundleStore>> {
    if let Some(url) = database_url {
        return Ok(Arc::new(PgStore::connect(url).await?));
    }
    let path = crate::sqlite_path(data_dir);
    if !path.is_file() {
        return Err(StoreError::Io {
            what: format!("{} is not a campus server data folder", data_dir.display()),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no server database"),
        });
    }
    Ok(Arc::new(SqliteStore::open(path).await?))
}

/// Why the server refuses to take or write a bundle. One line each.
#[derive(Debug, thiserror::Error)]
pub enum BundleRefusal {
    #[error(
        "device {0} is not enrolled on this campus server; check the device id, or exchange bundles with the device's own server"
    )]
    UnknownDevice(DeviceId),
    #[error("device {0} has been revoked on this campus server; it exchanges no bundles")]
    Revoked(DeviceId),
    #[error(
        "this bundle is meant for organisation {bundle}, but device {device} is enrolled here in {enrolled}; it was refused"
    )]
    WrongOrg {
        device: DeviceId,
        bundle: OrgId,
        enrolled: OrgId,
    },
    #[error(
        "this server holds device {device}'s events only up to seq {held}, and the bundle starts at seq {starts}: write a bundle for the device here (`bundle export --for {device}`), import it on the device, then export from the device again"
    )]
    Behind {
        device: DeviceId,
        held: u64,
        starts: u64,
    },
    #[error(
        "device {device} enrolled offline, and its enrolment could not be bound here: {reason}; ask the admin for a new enrolment file"
    )]
    Enrolment {
        device: DeviceId,
        reason: StoreError,
    },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Binds the enrolment carried by the bundle of a device that enrolled
/// offline (its code, and the hash of the credential it chose), unless the
/// device already holds that very credential here: a device sends its
/// enrolment in every bundle until it learns the server has bound it. The
/// caller checks the bundle's tag with `credential` first.
pub async fn bind_enrolment(
    store: &dyn BundleStore,
    device: DeviceId,
    code: &str,
    credential: CredentialHash,
    now_ms: i64,
) -> Result<(), BundleRefusal> {
    match store.credential_hash_of(device).await {
        Ok(held) if held == credential => return Ok(()),
        Ok(_) | Err(StoreError::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    match store
        .bind_enrol_code(code, device, now_ms, credential)
        .await
    {
        Ok(bound) => {
            tracing::info!(%device, centre = %bound.centre, "bound an offline enrolment from a bundle");
            Ok(())
        }
        Err(
            reason @ (StoreError::UnknownCode
            | StoreError::CodeUsed
            | StoreError::CodeExpired
            | StoreError::DeviceExists(_)
            | StoreError::NotFound { .. }),
        ) => Err(BundleRefusal::Enrolment { device, reason }),
        Err(e) => Err(e.into()),
    }
}

/// A device allowed to exchange bundles with this server, and its key.
pub struct Peer {
    pub device: Device,
    /// sha256 of its credential: the HMAC key of its bundles.
    pub key: [u8; 32],
}

/// The device a bundle names, if it is enrolled here, not revoked and in
/// `org` (the organisation the bundle names; `None` when the server writes
/// the bundle itself).
pub async fn peer(
    store: &dyn BundleStore,
    device: DeviceId,
    org: Option<OrgId>,
) -> Result<Peer, BundleRefusal> {
    let record = match store.device(device).await {
        Ok(d) => d,
        Err(StoreError::NotFound { .. }) => return Err(BundleRefusal::UnknownDevice(device)),
        Err(e) => return Err(e.into()),
    };
    if record.revoked_ms.is_some() {
        return Err(BundleRefusal::Revoked(device));
    }
    if let Some(org) = org
        && org != record.org
    {
        return Err(BundleRefusal::WrongOrg {
            device,
            bundle: org,
            enrolled: record.org,
        });
    }
    let key = store.credential_hash_of(device).await?.0;
    Ok(Peer {
        device: record,
        key,
    })
}

/// Stores a device's own events from its bundle with the receipt rules of
/// a push ([`Store::ingest`]: its own events only, the chain verified,
/// idempotent), all in one transaction.
pub async fn ingest(
    store: &dyn BundleStore,
    peer: &Peer,
    events: Vec<Event>,
) -> Result<IngestOutcome, BundleRefusal> {
    if events.is_empty() {
        let acked_to = store.head_seq(peer.device.id).await?;
        return Ok(IngestOutcome {
            acked_to,
            inserted: 0,
            duplicates: 0,
        });
    }
    let starts = events.first().map_or(0, |e| e.seq);
    match store.ingest(peer.device.id, events).await {
        Ok(outcome) => Ok(outcome),
        Err(StoreError::Revoked(d)) => Err(BundleRefusal::Revoked(d)),
        Err(StoreError::Chain(qalam_model::ChainError::Gap { expected, .. })) => {
            Err(BundleRefusal::Behind {
                device: peer.device.id,
                held: expected.saturating_sub(1),
                starts,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// One writer's entitled events for a device, as one pull would return
/// them: every entitled event in `from_seq..next_seq`.
#[derive(Debug, Clone)]
pub struct OutgoingBatch {
    pub writer: DeviceId,
    pub from_seq: u64,
    pub next_seq: u64,
    pub events: Vec<Event>,
}

/// What the server writes into a bundle for one device.
pub struct Outgoing {
    pub peer: Peer,
    /// How far the server holds the device's own chain.
    pub acked_to: u64,
    /// The centre's presence epoch, read before any event was.
    pub presence_epoch: u64,
    /// The device's epoch the writers' starting points were lowered from
    /// (0: every writer from seq 1).
    pub since_epoch: u64,
    pub batches: Vec<OutgoingBatch>,
}

/// What the device told the server in its last bundle: where its pull
/// cursors stood, at which presence epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceView {
    pub presence_epoch: u64,
    pub cursors: VersionVector,
}

/// Everything `device` is entitled to pull, per writer (its own chain
/// left out), in batches of at most `max_bytes` canonical bytes. With the
/// device's last `view`, each writer starts past its cursor, lowered as a
/// status would for learners who became entitled since (presence
/// epochs); without, from seq 1.
pub async fn outgoing(
    store: &dyn BundleStore,
    device: DeviceId,
    view: Option<&DeviceView>,
    max_bytes: usize,
) -> Result<Outgoing, BundleRefusal> {
    let peer = peer(store, device, None).await?;
    let ent = peer.device.entitlement();
    // The epoch first: whatever becomes entitled while the events are read
    // lies past it, and the device's next status rewinds for it.
    let now = store.presence_since(&ent, i64::MAX as u64).await?;
    let rewind = match view {
        Some(v) => store.presence_since(&ent, v.presence_epoch).await?.rewind,
        None => Vec::new(),
    };
    let vector = store.version_vector(&ent).await?;
    let acked_to = store.head_seq(device).await?;
    let mut batches = Vec::new();
    for (writer, greatest) in vector.iter() {
        if writer == device || greatest == 0 {
            continue;
        }
        let mut from = view.map_or(1, |v| v.cursors.get(writer).saturating_add(1));
        if let Some((_, r)) = rewind.iter().find(|(w, _)| *w == writer) {
            from = from.min((*r).max(1));
        }
        if from > greatest {
            continue;
        }
        loop {
            let batch = store
                .events_for(&ent, writer, from, max_bytes.max(1))
                .await?;
            if !batch.complete && batch.next_seq <= from {
                return Err(StoreError::Corrupt(format!(
                    "reading the events of {writer} from {from} did not progress"
                ))
                .into());
            }
            let next = batch.next_seq.max(from);
            batches.push(OutgoingBatch {
                writer,
                from_seq: from,
                next_seq: next,
                events: batch.events,
            });
            if batch.complete {
                break;
            }
            from = next;
        }
    }
    Ok(Outgoing {
        peer,
        acked_to,
        presence_epoch: now.epoch,
        since_epoch: view.map_or(0, |v| v.presence_epoch),
        batches,
    })
}

/// The record of one imported bundle, kept one JSON line each in
/// `DATA/bundles/received.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub device: DeviceId,
    pub org: OrgId,
    /// sha256 of the bundle file, hex.
    pub sha256: String,
    pub created_ms: u64,
    pub imported_ms: i64,
    pub events: u64,
    pub inserted: u64,
    pub duplicates: u64,
    pub acked_to: u64,
    /// The device's presence epoch and pull cursors as its bundle said.
    pub presence_epoch: u64,
    pub cursors: Vec<(DeviceId, u64)>,
    /// The device's Ed25519 public key (hex) its bundle carried, which the
    /// bundle written back for it certifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
}

impl Receipt {
    /// The Ed25519 key the device's bundle carried, if a valid one.
    pub fn device_key(&self) -> Option<ed25519_dalek::VerifyingKey> {
        let bytes = hex::decode(self.device_key.as_deref()?).ok()?;
        ed25519_dalek::VerifyingKey::from_bytes(&<[u8; 32]>::try_from(bytes).ok()?).ok()
    }

    pub fn view(&self) -> DeviceView {
        DeviceView {
            presence_epoch: self.presence_epoch,
            cursors: self.cursors.iter().copied().collect(),
        }
    }
}

/// Where receipts are kept.
pub fn receipts_path(data_dir: &Path) -> PathBuf {
    data_dir.join("bundles").join("received.jsonl")
}

fn io(what: String) -> impl FnOnce(std::io::Error) -> StoreError {
    move |source| StoreError::Io { what, source }
}

/// Appends a receipt durably (fsync before returning).
pub fn record_receipt(data_dir: &Path, receipt: &Receipt) -> Result<()> {
    let path = receipts_path(data_dir);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(format!("could not create {}", dir.display())))?;
    }
    // A leading newline too: a line cut by a power loss then stays on its
    // own, and is skipped when read.
    let mut line = vec![b'\n'];
    serde_json::to_writer(&mut line, receipt)
        .map_err(|e| StoreError::Corrupt(format!("could not write a receipt: {e}")))?;
    line.push(b'\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io(format!("could not open {}", path.display())))?;
    file.write_all(&line)
        .and_then(|_| file.sync_all())
        .map_err(io(format!("could not write {}", path.display())))
}

/// The latest receipt of `device`, if any. Lines that do not parse (a
/// write cut by a power loss) are skipped.
pub fn last_receipt(data_dir: &Path, device: DeviceId) -> Result<Option<Receipt>> {
    let path = receipts_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(format!("could not read {}", path.display()))(e)),
    };
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str::<Receipt>(l).ok())
        .rfind(|r| r.device == device))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_keep_the_latest_per_device() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let d = DeviceId::from_bytes([1; 16]);
        let r = |epoch| Receipt {
            device: d,
            org: OrgId::from_bytes([2; 16]),
            sha256: "00".into(),
            created_ms: 1,
            imported_ms: 2,
            events: 3,
            inserted: 3,
            duplicates: 0,
            acked_to: 3,
            presence_epoch: epoch,
            cursors: vec![(DeviceId::from_bytes([3; 16]), 9)],
            device_key: None,
        };
        assert_eq!(last_receipt(dir.path(), d).ok(), Some(None));
        record_receipt(dir.path(), &r(1)).unwrap_or_else(|e| panic!("{e}"));
        record_receipt(dir.path(), &r(2)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::OpenOptions::new()
            .append(true)
            .open(receipts_path(dir.path()))
            .and_then(|mut f| f.write_all(b"{\"cut"))
            .unwrap_or_else(|e| panic!("{e}"));
        let last = last_receipt(dir.path(), d).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(last.map(|r| r.presence_epoch), Some(2));
        assert_eq!(
            last_receipt(dir.path(), DeviceId::from_bytes([9; 16])).ok(),
            Some(None)
        );
    }
}
