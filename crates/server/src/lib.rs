//! The campus server: organisations, centres, devices and the event store
//! that study centres sync with (docs/SYNC_PROTOCOL.md).
