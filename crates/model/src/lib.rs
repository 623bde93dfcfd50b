//! The pure domain model shared by every Qalam component.
//!
//! Nothing in this crate touches files, clocks, databases or the network, so
//! every rule here can be tested exhaustively and reused unchanged by the
//! desktop app, the CLI and the campus server.

pub mod digits;
pub mod lang;

pub use digits::normalize_digits;
pub use lang::{Direction, direction_of, pick_language};
