//! The sync protocol on the wire, shared with the campus server.
pub use qalam_protocol::*;
