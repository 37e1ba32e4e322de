//! Classifying whole inputs: every record read is classified, rejected or
//! skipped, and the summary says how many of each.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::{Classifier, Declared, Flag};
use crate::input::mapping::Mapper;
use crate::input::{InputError, InputFormat, Item, ReadOptions, Reject};
use crate::output::classification::{RowWriter, row};
use crate::record::Record;
use crate::ruleset::model::IncidentNumbering;

/// The counts of a run. `read == classified + rejected + skipped`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Records read (every item of every input).
    pub read: u64,
    /// Records classified, `unclassified` included.
    pub classified: u64,
    /// Classified records by level, in ruleset order, then `unclassified`.
    pub by_level: BTreeMap<String, u64>,
    /// Records declared incidents.
    pub declared: u64,
    /// Records whose declaration needs review.
    pub review: u64,
    /// Records in a policy gap.
    pub in_gap: u64,
    /// Records with addresses none of which is allocated.
    pub unallocated: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Records skipped (not alerts).
    pub skipped: u64,
}

impl Summary {
    /// The summary as one paragraph for stderr.
    pub fn describe(&self, level_order: &[String]) -> String {
        let levels = level_order
            .iter()
            .chain(std::iter::once(&"unclassified".to_owned()))
            .map(|l| format!("{l} {}", self.by_level.get(l).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "read {}: classified {} ({levels}); declared {}, review {}, in a policy gap {}; unallocated {}; rejected {}; skipped {}",
            self.read,
            self.classified,
            self.declared,
            self.review,
            self.in_gap,
            self.unallocated,
            self.rejected,
            self.skipped
        )
    }
}

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
}

impl Batch<'_, '_> {
    /// Classifies every input in order, writing rows to `rows` and rejects
    /// to `on_reject`. `on_warning` receives remarks about inputs (unknown
    /// columns, two declared records with one id, which would share an
    /// incident number).
    pub fn run(
        &self,
        rows: &mut RowWriter,
        on_reject: &mut dyn FnMut(&Reject) -> std::io::Result<()>,
        on_warning: &mut dyn FnMut(String),
    ) -> Result<Summary, BatchError> {
        let ruleset = self.classifier.ruleset();
        let mut summary = Summary::default();
        let mut record = Record::with_fields(ruleset.fields.len());
        // Per-record incident numbers given so far, and where.
        let mut numbered: HashMap<String, String> = HashMap::new();
        for path in self.inputs {
            let (items, format) = crate::input::open(path, self.format, &self.options)?;
            let mapper = Mapper::new(ruleset, format)
                .map_err(|m| BatchError::Mapping(format!("{}: {m}", path.display())))?;
            let mut warned_columns = false;
            for item in items {
                summary.read += 1;
                let raw = match item? {
                    Item::Record(raw) => raw,
                    Item::Skipped { .. } => {
                        summary.skipped += 1;
                        continue;
                    }
                    Item::Rejected(reject) => {
                        self.reject(reject, &mut summary, on_reject)?;
                        continue;
                    }
                };
                if !warned_columns {
                    warned_columns = true;
                    let unknown =
                        mapper.unknown_names(raw.fields.entries().into_iter().map(|(n, _)| n));
                    if !unknown.is_empty() {
                        on_warning(format!(
                            "{}: ignoring {} that the ruleset does not define: {}",
                            path.display(),
                            if unknown.len() == 1 {
                                "a column"
                            } else {
                                "columns"
                            },
                            unknown.join(", ")
                        ));
                    }
                }
                if let Err(reason) = mapper.map(&raw, &mut record) {
                    let reject = Reject {
                        raw: raw.raw_text(),
                        origin: raw.origin,
                        reason,
                    };
                    self.reject(reject, &mut summary, on_reject)?;
                    continue;
                }
                let fallback_id = raw.origin.to_string();
                let outcome = self.classifier.classify(&mut record, &fallback_id);
                let level = outcome
                    .level
                    .map_or("unclassified", |l| ruleset.level(l).id.value.as_str());
                *summary.by_level.entry(level.to_owned()).or_default() += 1;
                summary.classified += 1;
                match outcome.declared {
                    Declared::Yes => summary.declared += 1,
                    Declared::Review => summary.review += 1,
                    Declared::No => {}
                }
                if outcome.flags.iter().any(|f| matches!(f, Flag::Gap(_))) {
                    summary.in_gap += 1;
                }
                if outcome.flags.contains(&Flag::Unallocated) {
                    summary.unallocated += 1;
                }
                let per_record = outcome
                    .trigger
                    .is_some_and(|t| ruleset.trigger(t).numbering == IncidentNumbering::PerRecord);
                if let (Some(number), true) = (&outcome.incident_number, per_record) {
                    let here = raw.origin.to_string();
                    if let Some(first) = numbered.get(number) {
                        on_warning(format!(
                            "{here}: record `{}` gets incident number {number}, already given to the record at {first}: \
                             record ids must be unique across the inputs of a run",
                            self.classifier.record_id(&record).unwrap_or_default(),
                        ));
                    } else {
                        numbered.insert(number.clone(), here);
                    }
                }
                rows.write(&row(
                    self.classifier,
                    &record,
                    &outcome,
                    &raw.origin,
                    rows.detailed(),
                ))?;
            }
        }
        Ok(summary)
    }

    fn reject(
        &self,
        reject: Reject,
        summary: &mut Summary,
        on_reject: &mut dyn FnMut(&Reject) -> std::io::Result<()>,
    ) -> Result<(), BatchError> {
        if self.strict {
            return Err(BatchError::Strict(reject));
        }
        summary.rejected += 1;
        on_reject(&reject)?;
        Ok(())
    }
}
