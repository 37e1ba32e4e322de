//! The progress bar of `classify`: rows, rows per second, bytes read and
//! the time left, on stderr when stderr is a terminal and `--quiet` is not
//! given. Other messages on stderr go through [`Progress::eprintln`] so that
//! they do not tear the bar.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar, or nothing when it is not wanted.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `total_bytes` of input (a spinner when the size is
    /// unknown, as for stdin), shown only if `wanted` and stderr is a
    /// terminal.
    pub fn new(wanted: bool, total_bytes: Option<u64>) -> Self {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let (bar, template) = match total_bytes {
            Some(total) => (
                ProgressBar::new(total),
                "{bar:30} {bytes}/{total_bytes} read, {msg}, {eta} left",
            ),
            None => (ProgressBar::no_length(), "{spinner} {bytes} read, {msg}"),
        };
        let style =
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress { bar: Some(bar) }
    }

    /// Shows `rows` classified from `bytes` read so far.
    pub fn update(&self, rows: u64, bytes: u64) {
        if let Some(bar) = &self.bar {
            let seconds = bar.elapsed().as_secs_f64();
            let rate = if seconds > 0.0 {
                rows as f64 / seconds
            } else {
                0.0
            };
            bar.set_position(bytes);
            bar.set_message(format!("{rows} rows, {rate:.0} rows/s"));
        }
    }

    /// Prints a line on stderr without tearing the bar.
    pub fn eprintln(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
