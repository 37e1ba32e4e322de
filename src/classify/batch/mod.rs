//! Classifying whole inputs: every record read is classified, rejected or
//! skipped, and the summary says how many of each.
//!
//! Each input runs through [`crate::parallel`]: read in chunks of
//! [`CHUNK_ROWS`] rows on the calling thread, classified and encoded on a
//! pool of `threads` threads (`worker.rs`), and written in input order on
//! the calling thread, so the output is byte for byte the same whatever the
//! thread count. With one thread everything runs on the calling thread. A
//! bounded number of chunks is in flight, so memory does not grow with the
//! input.

mod duplicates;
mod summary;
mod worker;

use std::path::PathBuf;
use std::sync::Arc;

pub use crate::parallel::CHUNK_ROWS;
pub use duplicates::REMEMBERED;
pub use summary::Summary;

use super::Classifier;
use crate::classify::Scratch;
use crate::input::chunk_rows::ChunkMapper;
use crate::input::chunks::{Chunk, ChunkReader, open_chunks};
use crate::input::{InputError, InputFormat, ReadOptions, Reject};
use crate::output::cells::CellEscaping;
use crate::output::classification::{RowFormat, RowWriter};
use crate::parallel::{self, PerThread};
use duplicates::Duplicates;
use worker::{InputContext, Note, Output};

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// An input could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// `--strict`: the first rejected record.
    #[error("{}: {} (--strict stops at the first rejected record)", .0.origin, .0.reason)]
    Strict(Reject),
    /// The ruleset cannot read this input format.
    #[error("{0}")]
    Mapping(String),
    /// Writing output failed.
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
}

/// How to run a batch.
pub struct Batch<'a, 'r> {
    /// The classifier.
    pub classifier: &'a Classifier<'r>,
    /// Inputs in order (`-` is stdin).
    pub inputs: &'a [PathBuf],
    /// A format for every input, or detection.
    pub format: Option<InputFormat>,
    /// Reader settings.
    pub options: ReadOptions,
    /// Stop at the first reject.
    pub strict: bool,
    /// Threads classifying (at least 1).
    pub threads: usize,
    /// How CSV output cells are guarded against formula injection.
    pub escaping: CellEscaping,
}

/// What a run reports as it goes, besides the rows.
pub struct Hooks<'h> {
    /// Receives each rejected record, in input order.
    pub on_reject: &'h mut dyn FnMut(&Reject) -> std::io::Result<()>,
    /// Receives remarks about inputs: unknown columns, two declared records
    /// with one id (which would share an incident number).
    pub on_warning: &'h mut dyn FnMut(String),
    /// Receives the rows and the bytes read so far, after each chunk.
    pub on_progress: &'h mut dyn FnMut(u64, u64),
}

impl Batch<'_, '_> {
    /// Classifies every input in order, writing rows in `format` to `rows`.
    pub fn run(
        &self,
        rows: &mut RowWriter,
        format: RowFormat,
        hooks: &mut Hooks<'_>,
    ) -> Result<Summary, BatchError> {
        let pool = parallel::pool(self.threads, "docket-classify")?;
        let ruleset = self.classifier.ruleset();
        let mut writer = Writer {
            rows,
            hooks,
            summary: Summary::default(),
            duplicates: Duplicates::new(REMEMBERED),
            levels: ruleset.levels.iter().map(|l| l.id.value.clone()).collect(),
            strict: self.strict,
            rows_read: 0,
            bytes_before: 0,
            warned_columns: false,
            reader: None,
        };
        let mut buffers: Vec<(Chunk, Output)> = Vec::new();
        let scratches: PerThread<Scratch> = PerThread::new(self.threads);
        for path in self.inputs {
            let reader = open_chunks(path, self.format, &self.options)?;
            let mapper = ChunkMapper::new(ruleset, &reader)
                .map_err(|m| BatchError::Mapping(format!("{}: {m}", path.display())))?;
            let columns_warning = reader.header().and_then(|header| {
                let names = header.iter().map(String::as_str);
                worker::unknown_columns_warning(
                    reader.name(),
                    &mapper.mapper().unknown_names(names),
                )
            });
            let ctx = InputContext {
                classifier: self.classifier,
                name: Arc::clone(reader.name()),
                mapper,
                columns_warning,
                format,
                escaping: self.escaping,
            };
            writer.warned_columns = false;
            writer.reader = Some(reader);
            let process = |chunk: &Chunk, out: &mut Output| {
                scratches.with_mine(|scratch| worker::process(&ctx, chunk, out, scratch));
            };
            let result = parallel::run(pool.as_ref(), &mut buffers, &mut writer, &process);
            if let Some(reader) = writer.reader.take() {
                writer.bytes_before += reader.bytes_read();
            }
            result?;
        }
        Ok(writer.summary)
    }
}

/// The calling thread's side of a run: reads chunks, and handles what
/// their classification gave, in order.
struct Writer<'w, 'h> {
    rows: &'w mut RowWriter,
    hooks: &'w mut Hooks<'h>,
    summary: Summary,
    duplicates: Duplicates,
    levels: Vec<String>,
    strict: bool,
    rows_read: u64,
    /// Bytes read from the inputs before the current one.
    bytes_before: u64,
    /// Whether the current input's unknown columns were warned about.
    warned_columns: bool,
    reader: Option<ChunkReader>,
}

impl parallel::Steps<Chunk, Output> for Writer<'_, '_> {
    type Error = BatchError;

    fn read(&mut self, chunk: &mut Chunk) -> Result<bool, BatchError> {
        match &mut self.reader {
            Some(reader) => Ok(reader.fill(chunk, CHUNK_ROWS)?),
            None => Ok(false),
        }
    }

    fn write(&mut self, _: &Chunk, out: &mut Output) -> Result<(), BatchError> {
        let Some(rows) = out.rows.as_mut() else {
            return Ok(());
        };
        let bytes = rows.bytes();
        for note in out.notes.drain(..) {
            match note {
                Note::FirstRecord(warning) => {
                    if !std::mem::replace(&mut self.warned_columns, true) {
                        if let Some(warning) = warning {
                            (self.hooks.on_warning)(warning);
                        }
                    }
                }
                Note::Rejected { at, reject } => {
                    if self.strict {
                        self.rows.write_bytes(bytes.get(..at).unwrap_or_default())?;
                        return Err(BatchError::Strict(reject));
                    }
                    self.summary.rejected += 1;
                    (self.hooks.on_reject)(&reject)?;
                }
                Note::Numbered { number, line, id } => {
                    let unnamed: Arc<str>;
                    let name = match &self.reader {
                        Some(reader) => reader.name(),
                        None => {
                            unnamed = Arc::from("-");
                            &unnamed
                        }
                    };
                    let id = || out.ids.get(id.clone()).unwrap_or_default();
                    if let Some(warning) = self.duplicates.check(number, name, line, id) {
                        (self.hooks.on_warning)(warning);
                    }
                }
            }
        }
        self.rows.write_bytes(bytes)?;
        self.summary.add(&out.counts, &self.levels);
        self.rows_read += out.counts.read;
        let bytes_read =
            self.bytes_before + self.reader.as_ref().map_or(0, ChunkReader::bytes_read);
        (self.hooks.on_progress)(self.rows_read, bytes_read);
        Ok(())
    }
}
