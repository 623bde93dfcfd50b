//! Reader limits (PACK_FORMAT.md, "Limits").

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// What a reader accepts. The defaults are the ones in the spec; a device's
/// settings may change them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the zip, directories included.
    pub max_entries: u64,
    /// Sum of the sizes of all listed files.
    pub max_total_bytes: u64,
    /// Distinct folders that the listed files need; bounds how many folders
    /// an extraction creates.
    pub max_folders: u64,
    /// Size of one listed file.
    pub max_file_bytes: u64,
    /// Inflated ÷ compressed bytes of one entry, counted on bytes actually
    /// inflated.
    pub max_ratio: u64,
    /// Entries that inflate to at most this many bytes are exempt from the
    /// ratio limit (tiny files compress very well and are harmless).
    pub ratio_exempt_bytes: u64,
    /// Size of `manifest.json`.
    pub max_manifest_bytes: u64,
    /// Values (scalars, arrays, objects, keys) in `manifest.json`: tiny
    /// values cost far more memory parsed than in the file, so this bounds
    /// the memory of parsing it.
    pub max_manifest_values: u64,
    /// Size of `signature.json`.
    pub max_signature_bytes: u64,
    /// Size of the zip's central directory, which is read into memory before
    /// anything else; this keeps memory bounded whatever the zip claims.
    pub max_directory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 20_000,
            max_total_bytes: 8 * GIB,
            max_folders: 20_000,
            max_file_bytes: 4 * GIB,
            max_ratio: 250,
            ratio_exempt_bytes: MIB,
            max_manifest_bytes: 8 * MIB,
            max_manifest_values: 500_000,
            max_signature_bytes: 4 * KIB,
            max_directory_bytes: 16 * MIB,
        }
    }
}
