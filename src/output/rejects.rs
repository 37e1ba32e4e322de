//! The rejects file: every record that could not be used, with why.

use std::io::{self, Write};

use super::Sink;
use super::cells::{CellEscaping, CellWriter};
use crate::input::Reject;

/// Writes rejects as CSV: `file,line,reason,raw`.
pub struct RejectsWriter {
    writer: CellWriter<Sink>,
}

impl RejectsWriter {
    /// Starts a rejects file with its header; `escaping` guards the cells
    /// (the raw line is the input's, as hostile as it came).
    pub fn new(sink: Sink, escaping: CellEscaping) -> io::Result<Self> {
        let mut writer = CellWriter::new(sink, escaping);
        writer.write_header(["file", "line", "reason", "raw"])?;
        Ok(RejectsWriter { writer })
    }

    /// Writes one reject.
    pub fn write(&mut self, reject: &Reject) -> io::Result<()> {
        let line = reject.origin.line.to_string();
        self.writer
            .write_row([&*reject.origin.input, &line, &reject.reason, &reject.raw])?;
        Ok(())
    }

    /// Finishes the file.
    pub fn finish(self) -> io::Result<()> {
        let mut sink = self.writer.into_inner()?;
        sink.flush()?;
        sink.commit()
    }
}
