//! The rejects file: every record that could not be used, with why.

use std::io::{self, Write};

use super::Sink;
use crate::input::Reject;

/// Writes rejects as CSV: `file,line,reason,raw`.
pub struct RejectsWriter {
    writer: csv::Writer<Sink>,
}

impl RejectsWriter {
    /// Starts a rejects file with its header.
    pub fn new(sink: Sink) -> io::Result<Self> {
        let mut writer = csv::Writer::from_writer(sink);
        writer.write_record(["file", "line", "reason", "raw"])?;
        Ok(RejectsWriter { writer })
    }

    /// Writes one reject.
    pub fn write(&mut self, reject: &Reject) -> io::Result<()> {
        let line = reject.origin.line.to_string();
        self.writer
            .write_record([&*reject.origin.input, &line, &reject.reason, &reject.raw])?;
        Ok(())
    }

    /// Finishes the file.
    pub fn finish(self) -> io::Result<()> {
        let mut sink = self.writer.into_inner().map_err(|e| e.into_error())?;
        sink.flush()?;
        sink.commit()
    }
}
