//! Qalam course packs: signed zip files that carry a course
//! (`docs/PACK_FORMAT.md`).
//!
//! Packs arrive on USB sticks that pass through many hands, so everything
//! here treats a pack as hostile until its manifest's hashes say otherwise:
//!
//! - [`PackReader::open`] checks the zip structure, every entry name and
//!   type, the manifest, the signature and the limits before any content
//!   is read;
//! - [`PackReader::extract_to`] streams each file through the size and
//!   ratio limits while hashing it, into a staging folder, resumably;
//! - [`build_pack`] turns an authoring folder into a pack that the reader
//!   is guaranteed to accept.
//!
//! The zip library's own `extract()` is never used.

mod build;
mod entries;
mod eocd;
mod error;
mod extract;
mod jsoncount;
mod keys;
mod limits;
mod manifest;
pub mod paths;
mod reader;
mod signature;
mod source;
mod stream;
mod validate;
mod write;

pub use build::{BuildSummary, PACK_TOML, build_pack};
pub use error::PackError;
pub use keys::{PublicKey, SecretKey, generate_keypair, pub_path};
pub use limits::Limits;
pub use manifest::{
    Choice, Completion, FORMAT, Feedback, FileEntry, Lesson, LessonKind, LocalizedText, Manifest,
    Mastery, Publisher, Question, QuestionKind, Quiz,
};
pub use reader::{ExtractStats, PackReader, open_file};
pub use signature::{MESSAGE_PREFIX, Signature, sign_manifest, verify_manifest};
pub use validate::{MANIFEST_NAME, SIGNATURE_NAME};
pub use write::write_pack;
