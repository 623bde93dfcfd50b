//! Qalam's device engine.
//!
//! Everything a study-centre laptop does lives here, behind [`api`]: the
//! desktop window, the `qalam` CLI and the LAN web mode are thin adapters
//! that call the same functions, so they cannot disagree.

pub mod api;
pub mod bundle;
pub mod device;
pub mod error;
pub mod events;
pub mod layout;
pub mod packs;
pub mod storage;
pub mod sync;
pub mod usb;

pub use device::{Device, Settings};
pub use error::CoreError;
pub use layout::Layout;
