//! Copying installed packs onto a USB stick for another centre.
//!
//! The exported file carries the original manifest and signature bytes, and
//! the content files that were verified against them at install, so the
//! receiving centre verifies the publisher's signature, not ours.

use std::path::{Path, PathBuf};

use crate::device::Device;
use crate::error::CoreError;
use crate::storage;

/// Writes `<id>-<version>.qpack` into `to_dir` and returns its path. The
/// file appears only when complete (written beside it, then renamed).
pub fn export(device: &Device, pack_id: &str, to_dir: &Path) -> Result<PathBuf, CoreError> {
    let row = storage::packs::get(&device.conn(), pack_id)?.ok_or_else(|| CoreError::NotFound {
        what: "installed pack",
        id: pack_id.to_string(),
    })?;
    if !to_dir.is_dir() {
        return Err(CoreError::BadRequest(format!(
            "`{}` is not a folder; create it or give the folder of the USB stick",
            to_dir.display()
        )));
    }
    let content_dir = device.layout().packs().join(&row.dir);
    let out = to_dir.join(format!("{}-{}.qpack", row.id, row.version));
    qalam_pack::write_pack(
        &out,
        &row.manifest_json,
        row.signature_json.as_deref(),
        &content_dir,
    )?;
    Ok(out)
}
