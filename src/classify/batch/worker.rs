//! Classifying one chunk of rows, on any thread: map each row to a record,
//! classify it, encode its output row and count it. What must happen in
//! input order (rejects, warnings, the duplicate check) becomes a [`Note`]
//! for the writer.

use std::ops::Range;
use std::sync::Arc;

use crate::classify::{Classification, Classifier, Declared, Flag, Scratch};
use crate::input::Reject;
use crate::input::chunk_rows::{ChunkMapper, ChunkRow, RowSource};
use crate::input::chunks::Chunk;
use crate::input::{Origin, RawFields};
use crate::output::cells::CellEscaping;
use crate::output::classification::{RowBuffer, RowFormat, write_row};
use crate::record::Record;
use crate::ruleset::model::IncidentNumbering;

/// What a worker needs to know about the input a chunk comes from.
pub(super) struct InputContext<'a, 'r> {
    /// The classifier.
    pub classifier: &'a Classifier<'r>,
    /// The input's name, for origins.
    pub name: Arc<str>,
    /// Maps its rows to records.
    pub mapper: ChunkMapper<'r>,
    /// The warning about CSV header columns the ruleset does not define.
    pub columns_warning: Option<String>,
    /// The output format.
    pub format: RowFormat,
    /// How CSV cells are guarded against formula injection.
    pub escaping: CellEscaping,
}

/// Something the writer must handle in input order.
#[derive(Debug)]
pub(super) enum Note {
    /// The chunk's first record, with the warning about names the ruleset
    /// does not define, given once per input.
    FirstRecord(Option<String>),
    /// A rejected record; `at` is the length of the output rows before it.
    Rejected {
        /// Output bytes before the reject.
        at: usize,
        /// The reject.
        reject: Reject,
    },
    /// A record declared with a number of its own.
    Numbered {
        /// The number.
        number: crate::classify::IncidentNumber,
        /// The line the record starts on.
        line: u64,
        /// Where the record's id is in [`Output::ids`]: the text is only
        /// read when the number is a duplicate, so the ids of a chunk share
        /// one buffer instead of a string each.
        id: Range<usize>,
    },
}

/// The counts of one chunk; the summary adds them up.
#[derive(Debug, Default)]
pub(super) struct Counts {
    /// Rows read.
    pub read: u64,
    /// Records classified.
    pub classified: u64,
    /// Classified by level index; the last one is `unclassified`.
    pub by_level: Vec<u64>,
    /// Declared.
    pub declared: u64,
    /// Declaration to review.
    pub review: u64,
    /// In a policy gap.
    pub in_gap: u64,
    /// Lacking the value that decides between criteria.
    pub missing_value: u64,
    /// Unallocated.
    pub unallocated: u64,
    /// Skipped.
    pub skipped: u64,
}

/// What classifying a chunk gave; reused from chunk to chunk.
#[derive(Default)]
pub(super) struct Output {
    /// The encoded rows.
    pub rows: Option<RowBuffer>,
    /// What the writer must handle, in input order.
    pub notes: Vec<Note>,
    /// The ids of the [`Note::Numbered`] records, one after another.
    pub ids: String,
    /// The counts.
    pub counts: Counts,
}

/// Classifies every row of `chunk` into `out`, with the calling thread's
/// `scratch`.
pub(super) fn process(
    ctx: &InputContext<'_, '_>,
    chunk: &Chunk,
    out: &mut Output,
    scratch: &mut Scratch,
) {
    let ruleset = ctx.classifier.ruleset();
    out.notes.clear();
    out.ids.clear();
    out.counts = Counts {
        by_level: vec![0; ruleset.levels.len() + 1],
        ..Counts::default()
    };
    let rows = out
        .rows
        .get_or_insert_with(|| RowBuffer::new(ctx.format, ctx.escaping));
    // The buffer was emptied when its rows were written; this is a no-op
    // for a fresh one.
    rows.clear();
    let mut worker = Worker {
        ctx,
        lists: rows.detailed(),
        record: Record::with_fields(ruleset.fields.len()),
        outcome: Classification::default(),
        scratch,
        rows,
        notes: &mut out.notes,
        ids: &mut out.ids,
        counts: &mut out.counts,
        first: true,
    };
    chunk.for_each_row(&ctx.name, |origin, row| worker.row(origin, row));
}

struct Worker<'w, 'a, 'r> {
    ctx: &'w InputContext<'a, 'r>,
    /// Whether the rows show every matching criterion and fired trigger
    /// (JSON lines): if not, classifications are made without those lists.
    lists: bool,
    record: Record,
    /// The last record's classification, its buffers reused.
    outcome: Classification<'a>,
    /// The classifier's caches, kept by the thread.
    scratch: &'w mut Scratch,
    rows: &'w mut RowBuffer,
    notes: &'w mut Vec<Note>,
    ids: &'w mut String,
    counts: &'w mut Counts,
    first: bool,
}

impl Worker<'_, '_, '_> {
    // Inlined: called for every record, where it only reads a flag.
    #[inline(always)]
    fn first_record(&mut self, warning: impl FnOnce() -> Option<String>) {
        if std::mem::take(&mut self.first) {
            self.notes.push(Note::FirstRecord(warning()));
        }
    }

    fn reject(&mut self, reject: Reject) {
        let at = self.rows.bytes().len();
        self.notes.push(Note::Rejected { at, reject });
    }

    /// Counts one row and classifies, skips or rejects it. Always inlined:
    /// this is the body of the loop over a chunk's rows.
    #[inline(always)]
    fn row(&mut self, origin: &Origin, row: ChunkRow<'_>) {
        self.counts.read += 1;
        match row {
            ChunkRow::Record(source) => self.record(source, origin),
            ChunkRow::Skipped => self.counts.skipped += 1,
            ChunkRow::Rejected(reject) => self.reject(reject.clone()),
        }
    }

    /// Maps and classifies one record, or rejects it. The warning about
    /// names the ruleset does not define comes with the first record that
    /// is text, mapped or not.
    #[inline(always)]
    fn record(&mut self, source: RowSource<'_>, origin: &Origin) {
        let ctx = self.ctx;
        let warning = || match source {
            RowSource::Csv { .. } => ctx.columns_warning.clone(),
            RowSource::Raw(raw) => unknown_names_warning(ctx, &raw.fields),
        };
        match ctx.mapper.map(source, &mut self.record) {
            Ok(()) => {
                self.first_record(warning);
                self.classify(origin);
            }
            Err(rejected) => {
                if rejected.is_text {
                    self.first_record(warning);
                }
                self.reject(Reject {
                    origin: origin.clone(),
                    reason: rejected.reason,
                    raw: source.reject_text(),
                });
            }
        }
    }

    fn classify(&mut self, origin: &Origin) {
        let classifier = self.ctx.classifier;
        let ruleset = classifier.ruleset();
        // In place: the classification is a few hundred bytes, and moving
        // it out and back cost copies and a drop per record.
        let outcome = &mut self.outcome;
        if self.lists {
            classifier.classify_with(&mut self.record, origin, outcome, self.scratch);
        } else {
            classifier.classify_unlisted(&mut self.record, origin, outcome, self.scratch);
        }
        count(self.counts, outcome);
        let per_record = outcome
            .trigger
            .is_some_and(|t| ruleset.trigger(t).numbering == IncidentNumbering::PerRecord);
        if let (Some(number), true) = (outcome.incident_number, per_record) {
            let start = self.ids.len();
            classifier.push_record_id(&self.record, self.ids);
            self.notes.push(Note::Numbered {
                number,
                line: origin.line,
                id: start..self.ids.len(),
            });
        }
        // Encoding into memory cannot fail.
        let _ = write_row(self.rows, classifier, &self.record, outcome, origin);
    }
}

/// Counts a classified record.
fn count(counts: &mut Counts, outcome: &Classification) {
    let level = outcome
        .level
        .map_or(counts.by_level.len() - 1, |l| l.index());
    if let Some(n) = counts.by_level.get_mut(level) {
        *n += 1;
    }
    counts.classified += 1;
    match outcome.declared {
        Declared::Yes => counts.declared += 1,
        Declared::Review => counts.review += 1,
        Declared::No => {}
    }
    if outcome.flags.iter().any(|f| matches!(f, Flag::Gap(_))) {
        counts.in_gap += 1;
    }
    if outcome
        .flags
        .iter()
        .any(|f| matches!(f, Flag::Missing { .. }))
    {
        counts.missing_value += 1;
    }
    if outcome.flags.contains(&Flag::Unallocated) {
        counts.unallocated += 1;
    }
}

/// The warning about the names of a record of another format that the
/// ruleset does not define, if any.
fn unknown_names_warning(ctx: &InputContext<'_, '_>, fields: &RawFields) -> Option<String> {
    let names = fields.entries().into_iter().map(|(n, _)| n);
    unknown_columns_warning(&ctx.name, &ctx.mapper.mapper().unknown_names(names))
}

/// The warning about input names the ruleset does not define, if any.
pub(super) fn unknown_columns_warning(input: &str, unknown: &[String]) -> Option<String> {
    (!unknown.is_empty()).then(|| {
        format!(
            "{input}: ignoring {} that the ruleset does not define: {}",
            if unknown.len() == 1 {
                "a column"
            } else {
                "columns"
            },
            unknown.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Value;

    #[test]
    fn ids_of_numbered_records_are_the_classifiers_record_ids() {
        let ruleset = crate::ruleset::load(std::path::Path::new("rules/usda")).expect("usda");
        let classifier = Classifier::new(&ruleset, None);
        let id_field = ruleset.field_id("id");
        let field = id_field.expect("usda has an id field");
        let time = chrono::DateTime::parse_from_rfc3339("2026-03-08T06:59:59-05:00");
        let values = [
            None,
            Some(Value::Str("EV-1".into())),
            Some(Value::Str("".into())),
            Some(Value::Str("ünï, \"code\"\n".into())),
            Some(Value::Enum(3)),
            Some(Value::Bool(true)),
            Some(Value::Number(12.5)),
            Some(Value::Number(100_000.0)),
            Some(Value::Ip("10.0.0.1".parse().expect("an address"))),
            Some(Value::Time(time.expect("an instant"))),
        ];
        let mut ids = "before".to_owned();
        for value in values {
            let mut record = Record::with_fields(ruleset.fields.len());
            record.set(field, value.clone());
            let start = ids.len();
            let has_id = classifier.push_record_id(&record, &mut ids);
            let expected = classifier.record_id(&record);
            assert_eq!(has_id, expected.is_some(), "{value:?}");
            let expected = expected.unwrap_or_default();
            assert_eq!(ids.get(start..), Some(expected.as_str()), "{value:?}");
        }
    }
}
