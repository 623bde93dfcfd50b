//! The pure domain model shared by every Qalam component.
//!
//! Nothing in this crate touches files, clocks, databases or the network, so
//! every rule here can be tested exhaustively and reused unchanged by the
//! desktop app, the CLI and the campus server. Time and random bytes are
//! passed in by the caller.
//!
//! The event log (see `docs/EVENTS.md`):
//! - [`ids`]: device, learner, organisation and centre ids;
//! - [`hlc`]: the hybrid logical clock and the last-writer-wins order;
//! - [`event`] and [`encoding`]: the envelope and its frozen byte layout;
//! - [`payload`]: the typed, versioned payloads;
//! - [`chain`]: building each device's hash chain and verifying it;
//! - [`vv`]: version vectors, which say what a sync must send;
//! - [`run`]: the compact form of consecutive events for sync batches;
//! - [`fold`](mod@fold): the state that the log folds to, whatever the order.

pub mod chain;
pub mod digits;
pub mod encoding;
pub mod event;
pub mod fold;
pub mod hlc;
pub mod ids;
pub mod lang;
pub mod payload;
pub mod run;
pub mod seqset;
pub mod vv;
mod wire;

pub use chain::{
    BuildError, ChainBuilder, ChainError, ChainPoint, ChainTip, verify_chain, verify_chain_from,
};
pub use digits::normalize_digits;
pub use event::{Event, EventId, is_valid_kind};
pub use fold::{Applied, DeviceState, LearnerState, SignInWith, State, fold};
pub use hlc::{Hlc, Stamp, observe, tick};
pub use ids::{CentreId, DeviceId, EventHash, LearnerId, OrgId, ParseIdError};
pub use lang::{Direction, direction_of, pick_language};
pub use payload::{Payload, PayloadError, Position, Role};
pub use run::{RunError, decode_run, encode_run};
pub use seqset::SeqSet;
pub use vv::VersionVector;
pub use wire::DecodeError;
