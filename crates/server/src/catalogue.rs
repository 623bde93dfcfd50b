//! The pack catalogue: the course packs an organisation offers its
//! devices (docs/SYNC_PROTOCOL.md, "Pack catalogue").
//!
//! Packs are plain files under the server's data folder, one file per
//! version, and everything the catalogue says about them can be derived
//! from those files:
//!
//! ```text
//! DIR/packs/<org id>/<pack id>/<version>.qpack       the pack, as added
//! DIR/packs/<org id>/<pack id>/<version>.meta.json   its catalogue entry (a cache)
//! ```
//!
//! A pack is verified whole (zip structure, manifest, signature, every
//! file's sha256) before it is accepted, and written crash-safely: copied
//! into a temporary file, fsynced, verified *as copied*, renamed into place
//! and the folder fsynced. The `.meta.json` beside it caches the entry
//! (title, languages, size and the sha256 of the whole file) together with
//! the file's length and modification time; when those no longer match the
//! file, the entry is derived again from the pack itself. Several server
//! processes must therefore share `DIR/packs` (the same folder, or a shared
//! mount) for every node to offer the same catalogue.
//!
//! Routes: `GET /v1/packs` lists the authenticated device's organisation's
//! packs; `GET /v1/packs/{id}/{version}` serves one file with HTTP Range
//! support (tower-http's `ServeFile`) and a strong ETag, the file's sha256,
//! so a client resumes with `Range` + `If-Range` and starts again from the
//! first byte whenever the file changed. A device never sees another
//! organisation's packs: they are simply not in its folder (404).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use qalam_model::OrgId;
use qalam_pack::{Limits, PackError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tower_http::services::ServeFile;

use crate::error::StoreError;
use crate::secrets::{Credential, random_bytes};
use crate::store::Store;
use crate::types::Device;
use crate::wire::ErrorBody;

/// The folder under the server's data folder that holds the packs.
pub const PACKS_DIR: &str = "packs";
/// Extension of pack files.
pub const PACK_EXTENSION: &str = "qpack";
const META_SUFFIX: &str = ".meta.json";
/// Content type of a served pack file.
pub const PACK_CONTENT_TYPE: &str = "application/vnd.qalam.pack";

/// Where the packs of a server whose data folder is `data_dir` live.
pub fn packs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(PACKS_DIR)
}

/// One pack version offered to devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub id: String,
    pub version: String,
    /// Title by language tag, as in the manifest.
    pub title: BTreeMap<String, String>,
    pub languages: Vec<String>,
    /// Bytes of the pack file.
    pub size: u64,
    /// sha256 of the whole pack file, lowercase hex; also its ETag.
    pub sha256: String,
}

/// The answer to `GET /v1/packs`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogueResponse {
    pub packs: Vec<CatalogueEntry>,
}

/// What [`add_pack`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub entry: CatalogueEntry,
    /// False when the same file was already in the catalogue.
    pub new: bool,
    /// Key id of the signer; `None` for an unsigned pack.
    pub signer: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("{0}")]
    Pack(#[from] PackError),
    #[error(
        "pack `{id}` version {version} is already in this organisation's catalogue with different content; publish the change under a higher version"
    )]
    Conflict { id: String, version: String },
    #[error("{what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("{0}")]
    Other(String),
}

fn io_err(what: &'static str, path: &Path) -> impl FnOnce(io::Error) -> CatalogueError {
    let path = path.to_path_buf();
    move |source| CatalogueError::Io { what, path, source }
}

/// True for a pack id as the pack format allows it (3–64 of `a-z 0-9 . -
/// _`, starting with a letter or digit): safe as a folder name and in a URL.
pub fn is_pack_id(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// True for a version string safe as a file name and in a URL (semantic
/// versions are: digits, letters, `.`, `-`, `+`, starting with a digit).
pub fn is_version(version: &str) -> bool {
    (1..=64).contains(&version.len())
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-+".contains(&b))
}

fn org_dir(packs_dir: &Path, org: OrgId) -> PathBuf {
    packs_dir.join(org.to_string())
}

/// The file of `id`@`version` for `org`, if the names are valid.
pub fn pack_path(packs_dir: &Path, org: OrgId, id: &str, version: &str) -> Option<PathBuf> {
    (is_pack_id(id) && is_version(version)).then(|| {
        org_dir(packs_dir, org)
            .join(id)
            .join(format!("{version}.{PACK_EXTENSION}"))
    })
}

fn meta_path(pack: &Path) -> PathBuf {
    let mut name = pack
        .file_stem()
        .map(|s| s.to_os_string())
        .unwrap_or_default();
    name.push(META_SUFFIX);
    pack.with_file_name(name)
}

fn temp_name() -> String {
    let suffix = random_bytes::<8>().map(hex::encode).unwrap_or_else(|_| {
        format!(
            "{}-{}",
            std::process::id(),
            crate::open::now_ms().unsigned_abs()
        )
    });
    format!(".incoming-{suffix}.tmp")
}

fn sync_dir(dir: &Path) -> Result<(), CatalogueError> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_err("could not sync the folder", dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Copies `reader` into `dest`, hashing it, and syncs `dest` to disk.
fn copy_hashing(reader: &mut dyn Read, dest: &Path) -> Result<(u64, String), CatalogueError> {
    let mut out = File::create_new(dest).map_err(io_err("could not create", dest))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err("could not read the pack", dest)(e)),
        };
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])
            .map_err(io_err("could not write", dest))?;
        total += n as u64;
    }
    out.sync_all().map_err(io_err("could not sync", dest))?;
    Ok((total, hex::encode(hasher.finalize())))
}

/// The sha256 and length of a whole file.
pub fn hash_file(path: &Path) -> io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}

/// Verifies the pack at `source` whole and adds it to `org`'s catalogue
/// under `packs_dir`. What is verified is the copy that will be served,
/// not the source, so a source changing meanwhile cannot slip through.
pub fn add_pack(packs_dir: &Path, org: OrgId, source: &Path) -> Result<Added, CatalogueError> {
    let dir = org_dir(packs_dir, org);
    fs::create_dir_all(&dir).map_err(io_err("could not create the folder", &dir))?;
    remove_stale_temps(&dir);
    let temp = dir.join(temp_name());
    let mut input = File::open(source).map_err(io_err("could not open", source))?;
    let copied = copy_hashing(&mut input, &temp);
    let result = copied.and_then(|(size, sha256)| place(&dir, &temp, size, sha256));
    if temp.exists() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Temporary files older than this were left by an add that crashed (a
/// younger one may belong to an add still running).
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes temporary files that crashed adds left in `dir` and in its
/// pack folders.
fn remove_stale_temps(dir: &Path) {
    let stale = |path: &Path| {
        fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP)
    };
    let mut folders = vec![dir.to_path_buf()];
    if let Ok(entries) = fs::read_dir(dir) {
        folders.extend(
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path()),
        );
    }
    for folder in folders {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if name.starts_with(".incoming-") && name.ends_with(".tmp") && stale(&path) {
                tracing::info!(file = %path.display(), "removing a temporary file left by a crash");
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// Verifies the copy at `temp` and renames it into place.
fn place(dir: &Path, temp: &Path, size: u64, sha256: String) -> Result<Added, CatalogueError> {
    let mut reader = qalam_pack::open_file(temp, &Limits::default())?;
    reader.verify_all(&mut |_| {})?;
    let manifest = reader.manifest();
    let signer = match reader.signature() {
        qalam_pack::Signature::Valid(key) => Some(key.key_id()),
        qalam_pack::Signature::Unsigned => None,
    };
    let (id, version) = (manifest.id.clone(), manifest.version.clone());
    if !is_pack_id(&id) || !is_version(&version) {
        return Err(CatalogueError::Other(format!(
            "pack id {id:?} or version {version:?} cannot be served; ask the publisher for a pack that follows the pack format"
        )));
    }
    let entry = CatalogueEntry {
        id: id.clone(),
        version: version.clone(),
        title: manifest.title.0.clone(),
        languages: manifest.languages.clone(),
        size,
        sha256,
    };
    drop(reader);
    let pack_dir = dir.join(&id);
    let target = pack_dir.join(format!("{version}.{PACK_EXTENSION}"));
    if target.exists() {
        let existing = entry_for(&target)?;
        if existing.sha256 == entry.sha256 {
            return Ok(Added {
                entry: existing,
                new: false,
                signer,
            });
        }
        return Err(CatalogueError::Conflict { id, version });
    }
    fs::create_dir_all(&pack_dir).map_err(io_err("could not create the folder", &pack_dir))?;
    sync_dir(dir)?;
    fs::rename(temp, &target).map_err(io_err("could not move the pack into place", &target))?;
    sync_dir(&pack_dir)?;
    if let Err(err) = write_meta(&target, &entry) {
        // The entry is derived again from the pack when it is next listed.
        tracing::warn!(%err, "could not write the catalogue entry cache");
    }
    tracing::info!(pack = %id, %version, size, "pack added to the catalogue");
    Ok(Added {
        entry,
        new: true,
        signer,
    })
}

/// The cached entry, with what the file looked like when it was made.
#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    entry: CatalogueEntry,
    file_len: u64,
    modified_ns: Option<u128>,
}

fn modified_ns(meta: &fs::Metadata) -> Option<u128> {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
}

fn write_meta(pack: &Path, entry: &CatalogueEntry) -> Result<(), CatalogueError> {
    let stat = fs::metadata(pack).map_err(io_err("could not read", pack))?;
    let meta = Meta {
        entry: entry.clone(),
        file_len: stat.len(),
        modified_ns: modified_ns(&stat),
    };
    let bytes = serde_json::to_vec_pretty(&meta)
        .map_err(|e| CatalogueError::Other(format!("could not write a catalogue entry: {e}")))?;
    let path = meta_path(pack);
    let dir = path.parent().unwrap_or(Path::new("."));
    let temp = dir.join(temp_name());
    let written = File::create_new(&temp)
        .and_then(|mut f| f.write_all(&bytes).and_then(|()| f.sync_all()))
        .map_err(io_err("could not write", &temp))
        .and_then(|()| fs::rename(&temp, &path).map_err(io_err("could not write", &path)));
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written?;
    sync_dir(dir)
}

/// The catalogue entry of the pack file at `pack`: from its cache when
/// the file is unchanged since, otherwise derived from the pack (its
/// manifest and the hash of the whole file), and cached again.
pub fn entry_for(pack: &Path) -> Result<CatalogueEntry, CatalogueError> {
    let stat = fs::metadata(pack).map_err(io_err("could not read", pack))?;
    if let Ok(bytes) = fs::read(meta_path(pack))
        && let Ok(meta) = serde_json::from_slice::<Meta>(&bytes)
        && meta.file_len == stat.len()
        && meta.modified_ns == modified_ns(&stat)
    {
        return Ok(meta.entry);
    }
    let reader = qalam_pack::open_file(pack, &Limits::default())?;
    let manifest = reader.manifest();
    let (size, sha256) = hash_file(pack).map_err(io_err("could not read", pack))?;
    let entry = CatalogueEntry {
        id: manifest.id.clone(),
        version: manifest.version.clone(),
        title: manifest.title.0.clone(),
        languages: manifest.languages.clone(),
        size,
        sha256,
    };
    drop(reader);
    tracing::info!(pack = %pack.display(), "catalogue entry derived again from the pack file");
    if let Err(err) = write_meta(pack, &entry) {
        tracing::warn!(%err, "could not cache a catalogue entry");
    }
    Ok(entry)
}

/// `org`'s catalogue, sorted by pack id and version. A file that cannot
/// be read as a pack, or whose manifest names another id or version than
/// its place, is left out (and logged).
pub fn list(packs_dir: &Path, org: OrgId) -> Result<Vec<CatalogueEntry>, CatalogueError> {
    let dir = org_dir(packs_dir, org);
    let packs = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err("could not read the folder", &dir)(e)),
    };
    let mut found = Vec::new();
    for pack in packs.flatten() {
        let id = pack.file_name().to_string_lossy().into_owned();
        if !is_pack_id(&id) || !pack.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(versions) = fs::read_dir(pack.path()) else {
            continue;
        };
        for file in versions.flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            let Some(version) = name.strip_suffix(&format!(".{PACK_EXTENSION}")) else {
                continue;
            };
            if !is_version(version) || !file.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            match entry_for(&file.path()) {
                Ok(entry) if entry.id == id && entry.version == version => found.push(entry),
                Ok(entry) => tracing::warn!(
                    file = %file.path().display(),
                    manifest_id = %entry.id,
                    manifest_version = %entry.version,
                    "pack file left out of the catalogue: its manifest names another id or version"
                ),
                Err(err) => tracing::warn!(
                    file = %file.path().display(),
                    %err,
                    "pack file left out of the catalogue"
                ),
            }
        }
    }
    found.sort_by(|a, b| (&a.id, &a.version).cmp(&(&b.id, &b.version)));
    Ok(found)
}

// ---- routes ----

#[derive(Clone)]
struct CatalogueState {
    store: Arc<dyn Store>,
    packs_dir: Arc<PathBuf>,
}

/// The whole server: the sync API, plus the pack catalogue when there is
/// a folder to keep packs in.
pub fn app(store: Arc<dyn Store>, packs_dir: Option<PathBuf>) -> Router {
    let sync = crate::http::router(Arc::clone(&store));
    match packs_dir {
        Some(dir) => sync.merge(routes(store, dir)),
        None => sync,
    }
}

/// `GET /v1/packs` and `GET /v1/packs/{id}/{version}` on `store` (for the
/// device credential) and `packs_dir` (see [`packs_dir`]). No request
/// timeout applies here: a pack is large and links are slow, and each
/// download is a single streamed answer.
pub fn routes(store: Arc<dyn Store>, packs_dir: PathBuf) -> Router {
    Router::new()
        .route("/v1/packs", get(catalogue))
        .route("/v1/packs/{id}/{version}", get(pack_file))
        .with_state(CatalogueState {
            store,
            packs_dir: Arc::new(packs_dir),
        })
}

/// Why a catalogue request was refused, in the same JSON shape as the
/// sync routes' errors.
enum RouteError {
    NoCredential,
    Store(StoreError),
    NotFound,
    Internal(String),
}

impl From<StoreError> for RouteError {
    fn from(err: StoreError) -> Self {
        RouteError::Store(err)
    }
}

impl IntoResponse for RouteError {
    fn into_response(self) -> Response {
        let (status, code, error) = match self {
            RouteError::NoCredential => (
                StatusCode::UNAUTHORIZED,
                "no_credential",
                "no device credential: send Authorization: Bearer <credential> (enrol first)"
                    .to_owned(),
            ),
            RouteError::Store(StoreError::BadCredential) => (
                StatusCode::UNAUTHORIZED,
                "bad_credential",
                StoreError::BadCredential.to_string(),
            ),
            RouteError::Store(err @ StoreError::Revoked(_)) => {
                (StatusCode::FORBIDDEN, "revoked", err.to_string())
            }
            RouteError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "no such pack in this organisation's catalogue".to_owned(),
            ),
            RouteError::Store(err) => {
                tracing::error!(%err, "catalogue request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal server error".to_owned(),
                )
            }
            RouteError::Internal(err) => {
                tracing::error!(%err, "catalogue request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal server error".to_owned(),
                )
            }
        };
        (
            status,
            Json(ErrorBody {
                code: code.to_owned(),
                error,
                versions: None,
            }),
        )
            .into_response()
    }
}

async fn authenticate(
    store: &Arc<dyn Store>,
    headers: &axum::http::HeaderMap,
) -> Result<Device, RouteError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(RouteError::NoCredential)?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or(RouteError::NoCredential)?;
    Ok(store
        .authenticate(&Credential::from_presented(token))
        .await?)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, CatalogueError> + Send + 'static,
) -> Result<T, CatalogueError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CatalogueError::Other(format!("catalogue task failed: {e}")))?
}

async fn catalogue(
    State(state): State<CatalogueState>,
    headers: axum::http::HeaderMap,
) -> Result<Json<CatalogueResponse>, RouteError> {
    let device = authenticate(&state.store, &headers).await?;
    let dir = Arc::clone(&state.packs_dir);
    let packs = blocking(move || list(&dir, device.org))
        .await
        .map_err(|e| RouteError::Internal(e.to_string()))?;
    tracing::info!(device = %device.id, packs = packs.len(), "pack catalogue");
    Ok(Json(CatalogueResponse { packs }))
}

async fn pack_file(
    State(state): State<CatalogueState>,
    UrlPath((id, version)): UrlPath<(String, String)>,
    request: Request,
) -> Result<Response, RouteError> {
    let device = authenticate(&state.store, request.headers()).await?;
    let path =
        pack_path(&state.packs_dir, device.org, &id, &version).ok_or(RouteError::NotFound)?;
    if !path.is_file() {
        return Err(RouteError::NotFound);
    }
    let entry = {
        let file = path.clone();
        blocking(move || entry_for(&file)).await.map_err(|err| {
            tracing::warn!(file = %path.display(), %err, "pack file cannot be served");
            RouteError::NotFound
        })?
    };
    let etag = format!("\"{}\"", entry.sha256);
    let (mut parts, body) = request.into_parts();
    // tower-http serves ranges but ignores If-Range: a range is honoured
    // only while the client's copy is of this very file (same strong
    // ETag); otherwise the whole file is sent, and the client starts over.
    let stale = parts
        .headers
        .get(header::IF_RANGE)
        .is_some_and(|v| v.as_bytes() != etag.as_bytes());
    if stale {
        parts.headers.remove(header::RANGE);
    }
    let range = parts
        .headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let request = Request::from_parts(parts, body);
    let response = ServeFile::new(&path)
        .try_call(request)
        .await
        .map_err(|e| RouteError::Internal(format!("could not serve {}: {e}", path.display())))?;
    if response.status() == StatusCode::NOT_FOUND {
        return Err(RouteError::NotFound);
    }
    tracing::info!(
        device = %device.id,
        pack = %id,
        %version,
        range = range.as_deref().unwrap_or("-"),
        status = response.status().as_u16(),
        "pack download"
    );
    let mut response = response.map(Body::new);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if response.status().is_success() {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PACK_CONTENT_TYPE),
        );
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_before_they_become_paths() {
        assert!(is_pack_id("org.qalam.numeracy"));
        assert!(!is_pack_id(".."));
        assert!(!is_pack_id("../etc"));
        assert!(!is_pack_id("a/b/c"));
        assert!(!is_pack_id("Upper.case"));
        assert!(is_version("1.0.0"));
        assert!(is_version("2.0.0-rc.1+build.5"));
        assert!(!is_version(".."));
        assert!(!is_version("1.0.0/../../x"));
        assert!(!is_version(""));
        let org = OrgId::from_bytes([1; 16]);
        assert!(pack_path(Path::new("/d"), org, "a.b", "..").is_none());
        assert_eq!(
            meta_path(Path::new("/d/x/1.0.0.qpack")),
            Path::new("/d/x/1.0.0.meta.json")
        );
    }
}
