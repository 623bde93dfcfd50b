//! The sync protocol on the wire, shared with the device's engine.
pub use qalam_protocol::*;
