//! The pack's byte source, wrapped so that
//! - I/O errors of the *source* (USB stick pulled out) stay recognisable
//!   after passing through the zip parser and the inflater, and
//! - the zip parser's reads can be capped while it loads the central
//!   directory, which keeps memory bounded whatever the zip claims.

use std::fmt;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Marks an I/O error that came from the source itself.
#[derive(Debug)]
pub(crate) struct SourceFault(pub io::Error);

impl fmt::Display for SourceFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SourceFault {}

/// Marks a read refused because the read budget ran out.
#[derive(Debug)]
pub(crate) struct BudgetExceeded;

impl fmt::Display for BudgetExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("read budget exceeded")
    }
}

impl std::error::Error for BudgetExceeded {}

/// Unlimited reads.
pub(crate) const UNLIMITED: u64 = u64::MAX;

/// The source reader the zip parser sees.
pub(crate) struct Source<R> {
    inner: R,
    /// Bytes still allowed to be read; [`UNLIMITED`] turns the cap off.
    /// Shared so the owner can lift the cap once the zip is parsed.
    budget: Arc<AtomicU64>,
}

impl<R> Source<R> {
    pub(crate) fn new(inner: R, budget: Arc<AtomicU64>) -> Self {
        Source { inner, budget }
    }
}

fn tag(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::Interrupted {
        return e;
    }
    io::Error::new(e.kind(), SourceFault(e))
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let budget = self.budget.load(Ordering::Relaxed);
        if budget == 0 && !buf.is_empty() {
            return Err(io::Error::other(BudgetExceeded));
        }
        let want = usize::try_from(budget).map_or(buf.len(), |b| b.min(buf.len()));
        let n = self.inner.read(&mut buf[..want]).map_err(tag)?;
        if budget != UNLIMITED {
            self.budget.fetch_sub(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

impl<R: Seek> Seek for Source<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos).map_err(tag)
    }
}

/// What an I/O error that reached us through the zip parser or the
/// inflater really was.
pub(crate) enum IoCause {
    /// The source failed (device gone, read error).
    Source(io::Error),
    /// The zip parser wanted more than the read budget.
    Budget,
    /// Anything else: the data itself is bad (cut short, corrupt stream).
    Data(io::Error),
}

pub(crate) fn classify(e: io::Error) -> IoCause {
    let is_fault = e.get_ref().is_some_and(|i| i.is::<SourceFault>());
    let is_budget = e.get_ref().is_some_and(|i| i.is::<BudgetExceeded>());
    if is_budget {
        return IoCause::Budget;
    }
    if !is_fault {
        return IoCause::Data(e);
    }
    match e.into_inner().map(|inner| inner.downcast::<SourceFault>()) {
        Some(Ok(fault)) => IoCause::Source(fault.0),
        // Unreachable: `is_fault` checked the type above.
        _ => IoCause::Source(io::Error::other("source read failed")),
    }
}
