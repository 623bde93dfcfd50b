//! Background import jobs. The UI polls their status, which works the same
//! over Tauri and HTTP and survives the UI being reloaded mid-import.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::types::{ImportResult, ImportStatus, JobState};
use crate::packs::import::ImportProgress;

#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    statuses: Mutex<HashMap<u64, Arc<Mutex<ImportStatus>>>>,
}

impl Jobs {
    pub fn create(&self) -> (u64, JobHandle) {
        let job = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let status = Arc::new(Mutex::new(ImportStatus {
            job,
            state: JobState::Running,
            current: None,
            bytes_done: 0,
            bytes_total: 0,
            results: Vec::new(),
        }));
        self.lock().insert(job, Arc::clone(&status));
        (job, JobHandle { status })
    }

    pub fn status(&self, job: u64) -> Option<ImportStatus> {
        let status = self.lock().get(&job).cloned()?;
        let snapshot = status.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Some(snapshot)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Mutex<ImportStatus>>>> {
        self.statuses.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The import thread's side of a job.
pub struct JobHandle {
    status: Arc<Mutex<ImportStatus>>,
}

impl JobHandle {
    fn update(&self, change: impl FnOnce(&mut ImportStatus)) {
        change(&mut self.status.lock().unwrap_or_else(|p| p.into_inner()));
    }

    pub fn finish(&self, results: Vec<ImportResult>) {
        self.update(|s| {
            s.state = JobState::Done;
            s.current = None;
            s.bytes_done = s.bytes_total;
            s.results = results;
        });
    }
}

impl ImportProgress for JobHandle {
    fn start(&mut self, total_bytes: u64) {
        self.update(|s| s.bytes_total = total_bytes);
    }

    fn pack_started(&mut self, source: &Path) {
        let name = source.display().to_string();
        self.update(|s| s.current = Some(name));
    }

    fn advance(&mut self, done_bytes: u64) {
        self.update(|s| s.bytes_done = done_bytes.min(s.bytes_total));
    }

    fn pack_finished(&mut self, result: &ImportResult) {
        self.update(|s| s.results.push(result.clone()));
    }
}
