//! Running a corpus through both rulesets: each input is read in chunks,
//! its chunks compared on a pool of threads (`records.rs`) and their counts
//! and changes handled in input order on the calling thread, through
//! [`crate::parallel`], as `classify` runs.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::records::{self, Counts, InputContext, Output, Scratches};
use super::vocabulary::Vocabulary;
use super::{Change, Totals};
use crate::classify::Classifier;
use crate::input::chunk_rows::ChunkMapper;
use crate::input::chunks::{Chunk, ChunkReader, open_chunks};
use crate::input::{InputError, InputFormat, ReadOptions};
use crate::parallel::{self, CHUNK_ROWS, PerThread};

pub use super::records::Listing;

/// Why a diff of a corpus stopped.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// An input could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A ruleset cannot read an input's format (the message names it).
    #[error("{0}")]
    Mapping(String),
    /// Handing a change on failed (writing the output).
    #[error("writing the output: {0}")]
    Output(#[from] std::io::Error),
    /// The threads could not be started.
    #[error("cannot start {0} threads: {1}")]
    Threads(usize, std::io::Error),
}

/// The corpus and how to read it.
pub struct Inputs<'a> {
    /// Inputs in order (`-` is stdin).
    pub paths: &'a [PathBuf],
    /// A format for every input, or detection.
    pub format: Option<InputFormat>,
    /// Reader settings (the head ruleset's).
    pub options: ReadOptions,
    /// Threads comparing records (at least 1).
    pub threads: usize,
}

/// Classifies the records of a corpus with two rulesets and compares the
/// outcomes.
pub struct CorpusDiff<'a, 'r> {
    base: &'a Classifier<'r>,
    head: &'a Classifier<'r>,
    vocabulary: Vocabulary,
}

impl<'a, 'r> CorpusDiff<'a, 'r> {
    /// A diff of `base` against `head`.
    pub fn new(base: &'a Classifier<'r>, head: &'a Classifier<'r>) -> Self {
        CorpusDiff {
            vocabulary: Vocabulary::new(base.ruleset(), head.ruleset()),
            base,
            head,
        }
    }

    /// The levels in severity order (head's, then base-only ones, then
    /// `unclassified` and `rejected`), as matrix rows and columns.
    pub fn level_order(&self) -> &[String] {
        &self.vocabulary.levels
    }

    /// Compares every record of `inputs`; `on_change` receives the changed
    /// records `listing` asks for, in input order. On an error, the records
    /// read before it have been handed on.
    pub fn run(
        &self,
        inputs: &Inputs<'_>,
        listing: Listing,
        on_change: &mut dyn FnMut(Change) -> std::io::Result<()>,
    ) -> Result<Totals, CorpusError> {
        let pool = parallel::pool(inputs.threads, "docket-diff")
            .map_err(|e| CorpusError::Threads(inputs.threads, e))?;
        let scratches: PerThread<Scratches> = PerThread::new(inputs.threads);
        let listed_all = AtomicBool::new(false);
        let mut writer = Writer {
            on_change,
            listing,
            listed: 0,
            listed_all: &listed_all,
            counts: Counts::default(),
        };
        let mut buffers: Vec<(Chunk, Output)> = Vec::new();
        for path in inputs.paths {
            let reader = open_chunks(path, inputs.format, &inputs.options)?;
            let mapper = |classifier: &Classifier<'r>| {
                ChunkMapper::new(classifier.ruleset(), &reader)
                    .map_err(|m| CorpusError::Mapping(format!("{}: {m}", path.display())))
            };
            let ctx = InputContext {
                base: self.base,
                head: self.head,
                vocabulary: &self.vocabulary,
                name: Arc::clone(reader.name()),
                base_mapper: mapper(self.base)?,
                head_mapper: mapper(self.head)?,
                listing,
                listed_all: &listed_all,
            };
            let mut steps = Steps {
                reader,
                writer: &mut writer,
            };
            let process = |chunk: &Chunk, out: &mut Output| {
                scratches.with_mine(|scratches| records::process(&ctx, chunk, out, scratches));
            };
            parallel::run(pool.as_ref(), &mut buffers, &mut steps, &process)?;
        }
        Ok(writer.counts.into_totals(&self.vocabulary))
    }
}

/// The calling thread's side of a run: adds up and hands on what comparing
/// the chunks gave, in order.
struct Writer<'w> {
    on_change: &'w mut dyn FnMut(Change) -> std::io::Result<()>,
    listing: Listing,
    /// Changes handed on so far.
    listed: usize,
    listed_all: &'w AtomicBool,
    counts: Counts,
}

/// The steps of a run over one input: its reader, and the run's writer.
struct Steps<'s, 'w> {
    reader: ChunkReader,
    writer: &'s mut Writer<'w>,
}

impl parallel::Steps<Chunk, Output> for Steps<'_, '_> {
    type Error = CorpusError;

    fn read(&mut self, chunk: &mut Chunk) -> Result<bool, CorpusError> {
        Ok(self.reader.fill(chunk, CHUNK_ROWS)?)
    }

    fn write(&mut self, _: &Chunk, out: &mut Output) -> Result<(), CorpusError> {
        self.writer.write(out)
    }
}

impl Writer<'_> {
    /// Adds a chunk's counts and hands on its changes, as many as are
    /// listed.
    fn write(&mut self, out: &mut Output) -> Result<(), CorpusError> {
        self.counts.add(&out.counts);
        for change in out.changes.drain(..) {
            if self.listing == Listing::First(self.listed) {
                break;
            }
            self.listed += 1;
            (self.on_change)(change)?;
        }
        if self.listing == Listing::First(self.listed) {
            self.listed_all.store(true, Ordering::Relaxed);
        }
        Ok(())
    }
}
