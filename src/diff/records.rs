//! Comparing the records of one chunk under both rulesets, on any thread:
//! map each row for each ruleset, classify it, compare the two outcomes as
//! numbers and count them. A changed record is put in words only when it
//! is to be reported; everything else reuses the chunk's buffers, so the
//! common record allocates nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::vocabulary::{Key, Side, Vocabulary};
use super::{Change, Direction, Outcome, Totals};
use crate::classify::{Classification, Classifier, Declared, Scratch};
use crate::input::Origin;
use crate::input::chunk_rows::{ChunkMapper, ChunkRow, RowSource};
use crate::input::chunks::Chunk;
use crate::input::mapping::RowReject;
use crate::record::Record;
use crate::record::timestamp::write_local;

/// Which changed records are put in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Every one (rows written as they are found).
    All,
    /// The first `n` of the corpus, in input order (a report's list).
    First(usize),
}

/// What a worker needs to know about the input a chunk comes from.
pub(super) struct InputContext<'a, 'r> {
    /// The base ruleset's classifier.
    pub base: &'a Classifier<'r>,
    /// The head ruleset's classifier.
    pub head: &'a Classifier<'r>,
    /// Both rulesets' ids as numbers.
    pub vocabulary: &'a Vocabulary,
    /// The input's name, for origins.
    pub name: Arc<str>,
    /// Maps its rows for the base ruleset.
    pub base_mapper: ChunkMapper<'r>,
    /// Maps its rows for the head ruleset.
    pub head_mapper: ChunkMapper<'r>,
    /// Which changes to put in words.
    pub listing: Listing,
    /// Set once the report holds all the changes it lists: chunks compared
    /// after that (which come later in the input, since chunks are handled
    /// in order) put none in words.
    pub listed_all: &'a AtomicBool,
}

/// The counts of a chunk, or of a run.
#[derive(Clone, Debug, Default)]
pub(super) struct Counts {
    /// The counts other than the matrix; its `matrix` is left empty.
    pub totals: Totals,
    /// Records by base level key (rows) and head level key (columns).
    pub matrix: Vec<u64>,
}

impl Counts {
    /// Adds the counts of a chunk.
    pub(super) fn add(&mut self, chunk: &Counts) {
        let (t, c) = (&mut self.totals, &chunk.totals);
        for (sum, n) in [
            (&mut t.read, c.read),
            (&mut t.skipped, c.skipped),
            (&mut t.unreadable, c.unreadable),
            (&mut t.compared, c.compared),
            (&mut t.changed, c.changed),
            (&mut t.downgrades, c.downgrades),
            (&mut t.upgrades, c.upgrades),
            (&mut t.newly_declared, c.newly_declared),
            (&mut t.no_longer_declared, c.no_longer_declared),
        ] {
            *sum += n;
        }
        if self.matrix.len() < chunk.matrix.len() {
            self.matrix.resize(chunk.matrix.len(), 0);
        }
        for (n, m) in self.matrix.iter_mut().zip(&chunk.matrix) {
            *n += m;
        }
    }

    /// The totals, with the matrix by level ids.
    pub(super) fn into_totals(self, vocabulary: &Vocabulary) -> Totals {
        let levels = vocabulary.levels.len().max(1);
        let mut totals = self.totals;
        for (i, n) in self.matrix.iter().enumerate().filter(|(_, n)| **n > 0) {
            let (from, to) = ((i / levels) as u32, (i % levels) as u32);
            let key = (
                vocabulary.level(from).to_owned(),
                vocabulary.level(to).to_owned(),
            );
            totals.matrix.insert(key, *n);
        }
        totals
    }
}

/// What comparing a chunk gave; reused from chunk to chunk.
#[derive(Default)]
pub(super) struct Output {
    /// The counts.
    pub counts: Counts,
    /// The changed records put in words, in input order.
    pub changes: Vec<Change>,
}

/// The classifiers' caches, one for each ruleset, kept by a thread.
#[derive(Default)]
pub(super) struct Scratches {
    base: Scratch,
    head: Scratch,
}

/// Compares every row of `chunk` into `out`, with the calling thread's
/// `scratches`.
pub(super) fn process(
    ctx: &InputContext<'_, '_>,
    chunk: &Chunk,
    out: &mut Output,
    scratches: &mut Scratches,
) {
    let levels = ctx.vocabulary.levels.len();
    out.counts.totals = Totals::default();
    out.counts.matrix.clear();
    out.counts.matrix.resize(levels * levels, 0);
    out.changes.clear();
    let mut worker = Worker {
        ctx,
        base: One::new(ctx.base),
        head: One::new(ctx.head),
        scratches,
        out,
        due_texts: (String::new(), String::new()),
    };
    chunk.for_each_row(&ctx.name, |origin, row| {
        worker.out.counts.totals.read += 1;
        match row {
            ChunkRow::Record(source) => worker.record(source, origin),
            ChunkRow::Skipped => worker.out.counts.totals.skipped += 1,
            ChunkRow::Rejected(_) => worker.out.counts.totals.unreadable += 1,
        }
    });
}

/// A record under one ruleset: its buffers, reused from record to record.
struct One<'a> {
    record: Record,
    outcome: Classification<'a>,
    /// Why the ruleset could not read the record, if it could not.
    rejected: Option<RowReject>,
}

impl<'a> One<'a> {
    fn new(classifier: &Classifier<'_>) -> Self {
        One {
            record: Record::with_fields(classifier.ruleset().fields.len()),
            outcome: Classification::default(),
            rejected: None,
        }
    }

    /// Maps and classifies the record; its key.
    fn read(
        &mut self,
        classifier: &'a Classifier<'_>,
        side: &Side,
        mapper: &ChunkMapper<'_>,
        source: RowSource<'_>,
        origin: &Origin,
        scratch: &mut Scratch,
    ) -> Key {
        match mapper.map(source, &mut self.record) {
            Ok(()) => {
                self.rejected = None;
                classifier.classify_unlisted(&mut self.record, origin, &mut self.outcome, scratch);
                side.key(&self.outcome)
            }
            Err(rejected) => {
                self.rejected = Some(rejected);
                side.rejected()
            }
        }
    }

    /// Why the record was rejected, or the empty text.
    fn reason(&self) -> &str {
        self.rejected.as_ref().map_or("", |r| r.reason.as_str())
    }

    /// The outcome in words.
    fn outcome(&self, classifier: &Classifier<'_>) -> Outcome {
        match &self.rejected {
            Some(rejected) => Outcome::rejected(rejected.reason.clone()),
            None => Outcome::classified(classifier.ruleset(), &self.outcome),
        }
    }
}

struct Worker<'w, 'a, 'r> {
    ctx: &'w InputContext<'a, 'r>,
    base: One<'a>,
    head: One<'a>,
    scratches: &'w mut Scratches,
    out: &'w mut Output,
    /// Texts of two due times, compared when their instants or zones
    /// differ.
    due_texts: (String, String),
}

impl Worker<'_, '_, '_> {
    fn record(&mut self, source: RowSource<'_>, origin: &Origin) {
        let ctx = self.ctx;
        let vocabulary = ctx.vocabulary;
        let old = self.base.read(
            ctx.base,
            &vocabulary.base,
            &ctx.base_mapper,
            source,
            origin,
            &mut self.scratches.base,
        );
        let new = self.head.read(
            ctx.head,
            &vocabulary.head,
            &ctx.head_mapper,
            source,
            origin,
            &mut self.scratches.head,
        );
        let totals = &mut self.out.counts.totals;
        let rejected = vocabulary.rejected;
        if old.level == rejected && new.level == rejected {
            totals.unreadable += 1;
            return;
        }
        totals.compared += 1;
        let cell = old.level as usize * vocabulary.levels.len() + new.level as usize;
        if let Some(n) = self.out.counts.matrix.get_mut(cell) {
            *n += 1;
        }
        let (was, is) = (old.declared == Declared::Yes, new.declared == Declared::Yes);
        match (was, is) {
            (true, false) => totals.no_longer_declared += 1,
            (false, true) => totals.newly_declared += 1,
            _ => {}
        }
        if self.same(&old, &new) {
            return;
        }
        // A lost declaration or a less severe level is a downgrade,
        // whatever else moved: those are the changes a gate must stop.
        let direction = if (was && !is) || new.level > old.level {
            Direction::Downgrade
        } else if (!was && is) || new.level < old.level {
            Direction::Upgrade
        } else {
            Direction::Other
        };
        let totals = &mut self.out.counts.totals;
        totals.changed += 1;
        match direction {
            Direction::Downgrade => totals.downgrades += 1,
            Direction::Upgrade => totals.upgrades += 1,
            Direction::Other => {}
        }
        if self.wanted() {
            let change = self.change(origin, direction);
            self.out.changes.push(change);
        }
    }

    /// Whether the two outcomes are the same in words.
    fn same(&mut self, old: &Key, new: &Key) -> bool {
        // The reasons are compared only when a ruleset rejected the
        // record: comparing two empty texts cost a call to `memcmp` per
        // record.
        let reasons = match (&self.base.rejected, &self.head.rejected) {
            (None, None) => true,
            _ => self.base.reason() == self.head.reason(),
        };
        let words = old.level == new.level
            && old.declared == new.declared
            && old.rule == new.rule
            && old.trigger == new.trigger
            && reasons;
        words
            && match (old.due, new.due) {
                (None, None) => true,
                (Some(a), Some(b)) if a == b => true,
                (Some((a, a_zone)), Some((b, b_zone))) => {
                    let (a_text, b_text) = &mut self.due_texts;
                    a_text.clear();
                    b_text.clear();
                    write_local(a_text, a, a_zone);
                    write_local(b_text, b, b_zone);
                    a_text == b_text
                }
                _ => false,
            }
    }

    /// Whether the change just found is put in words.
    fn wanted(&self) -> bool {
        match self.ctx.listing {
            Listing::All => true,
            Listing::First(n) => {
                self.out.changes.len() < n && !self.ctx.listed_all.load(Ordering::Relaxed)
            }
        }
    }

    /// The change in words.
    fn change(&self, origin: &Origin, direction: Direction) -> Change {
        let ctx = self.ctx;
        let id = ctx
            .head
            .record_id(&self.head.record)
            .or_else(|| ctx.base.record_id(&self.base.record))
            .unwrap_or_else(|| origin.to_string());
        Change {
            id,
            origin: origin.clone(),
            base: self.base.outcome(ctx.base),
            head: self.head.outcome(ctx.head),
            direction,
        }
    }
}
