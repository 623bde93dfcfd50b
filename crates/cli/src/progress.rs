//! The import progress bar. indicatif hides itself when stderr is not a
//! terminal, so scripts only see the summary lines.

use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use qalam_core::packs::import::{ImportProgress, ImportResult};

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new() -> Self {
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template(
            "{spinner} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        Bar { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ImportProgress for Bar {
    fn start(&mut self, total_bytes: u64) {
        self.bar.set_length(total_bytes);
    }

    fn pack_started(&mut self, source: &Path) {
        let name = source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.bar.set_message(name);
    }

    fn advance(&mut self, done_bytes: u64) {
        self.bar.set_position(done_bytes);
    }

    fn pack_finished(&mut self, result: &ImportResult) {
        let line = crate::commands::pack::result_line(result);
        self.bar.suspend(|| println!("{line}"));
    }
}
