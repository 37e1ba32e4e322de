//! Classification rows: CSV for spreadsheets, JSON lines for tools.

use std::io::{self, Write};

use serde::Serialize;

use super::Sink;
use super::cells::CellEscaping;
use super::classification_csv::CsvRows;
use crate::check::from_units;
use crate::classify::{Classification, Classifier, Flag, format_time};
use crate::input::Origin;
use crate::record::timestamp::write_local;
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, FieldType};

/// The output formats of `classify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RowFormat {
    /// One CSV row per record, with a header.
    Csv,
    /// One JSON object per line, with every matching rule and more.
    Jsonl,
}

/// The columns of the CSV output, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "occurred_at",
    "agency",
    "level",
    "category",
    "signature",
    "declared",
    "trigger",
    "rule",
    "citation",
    "due_by",
    "flags",
];

/// What one output row says about a record.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Row {
    /// The record's id, or `FILE:LINE`.
    pub id: String,
    /// When the event occurred.
    pub occurred_at: String,
    /// The owning agency, `unallocated`, or empty without addresses.
    pub agency: String,
    /// The level, or `unclassified`.
    pub level: String,
    /// The category code.
    pub category: String,
    /// The IDS signature text, as the sensor gave it (attacker-influenced:
    /// see [`super::cells`]).
    pub signature: String,
    /// `yes`, `no` or `review`.
    pub declared: String,
    /// The deciding trigger.
    pub trigger: String,
    /// The deciding criterion.
    pub rule: String,
    /// The deciding criterion's citation.
    pub citation: String,
    /// When the response is due.
    pub due_by: String,
    /// What needs a person's attention.
    pub flags: Vec<String>,
    /// Where the record is (`FILE:LINE`); JSON lines only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Every matching criterion; JSON lines only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<String>>,
    /// Every trigger that fired; JSON lines only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<String>>,
    /// The deciding trigger's citation; JSON lines only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger_citation: Option<String>,
    /// The incident number of a declared record; JSON lines only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_number: Option<String>,
    /// The allocation prefix that gave the agency; JSON lines only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_prefix: Option<String>,
    /// The address that matched it; JSON lines only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_address: Option<String>,
}

/// Builds the row of a classified record.
pub fn row(
    classifier: &Classifier<'_>,
    record: &Record,
    outcome: &Classification,
    origin: &Origin,
    detailed: bool,
) -> Row {
    let ruleset = classifier.ruleset();
    let text = |name: &str| field_text(ruleset, record, name);
    let criterion = outcome.rule.map(|i| ruleset.criterion(i));
    let trigger = outcome.trigger.map(|t| ruleset.trigger(t));
    let agency = match (&outcome.agency, outcome.flags.contains(&Flag::Unallocated)) {
        (Some(a), _) => a.agency.to_string(),
        (None, true) => "unallocated".to_owned(),
        (None, false) => String::new(),
    };
    Row {
        id: classifier
            .record_id(record)
            .unwrap_or_else(|| origin.to_string()),
        occurred_at: text("occurred_at"),
        agency,
        level: outcome.level.map_or_else(
            || "unclassified".to_owned(),
            |l| ruleset.level(l).id.value.clone(),
        ),
        category: text("category"),
        signature: text("signature"),
        declared: outcome.declared.as_str().to_owned(),
        trigger: trigger.map(|t| t.id.value.clone()).unwrap_or_default(),
        rule: criterion.map(|c| c.id.value.clone()).unwrap_or_default(),
        citation: criterion
            .map(|c| c.citation.value.clone())
            .unwrap_or_default(),
        due_by: outcome
            .due
            .as_ref()
            .map(|d| format_time(&d.at_local()))
            .unwrap_or_default(),
        flags: outcome
            .flags
            .iter()
            .map(|f| describe_flag(classifier, f))
            .collect(),
        origin: detailed.then(|| origin.to_string()),
        matches: detailed.then(|| {
            outcome
                .matched
                .iter()
                .map(|i| ruleset.criterion(*i).id.value.clone())
                .collect()
        }),
        triggers: detailed.then(|| {
            outcome
                .fired
                .iter()
                .map(|t| ruleset.trigger(t).id.value.clone())
                .collect()
        }),
        trigger_citation: if detailed {
            trigger.map(|t| t.citation.value.clone())
        } else {
            None
        },
        incident_number: if detailed {
            outcome.incident_number.map(|n| n.to_string())
        } else {
            None
        },
        agency_prefix: if detailed {
            outcome.agency.as_ref().map(|a| a.prefix.to_string())
        } else {
            None
        },
        agency_address: if detailed {
            outcome.agency.as_ref().map(|a| a.address.to_string())
        } else {
            None
        },
    }
}

/// A field's value as output shows it (enum codes by name).
pub fn field_text(ruleset: &Ruleset, record: &Record, name: &str) -> String {
    let Some(id) = ruleset.field_id(name) else {
        return String::new();
    };
    let mut scratch = String::new();
    record.get(id).map_or_else(String::new, |value| {
        value_text(ruleset, id, value, &mut scratch).to_owned()
    })
}

/// A field's value as output shows it, borrowed from the record or the
/// ruleset when it can be, else written to `scratch`.
fn value_text<'a>(
    ruleset: &'a Ruleset,
    field: FieldId,
    value: &'a Value,
    scratch: &'a mut String,
) -> &'a str {
    use std::fmt::Write as _;
    match (value, &ruleset.field(field).ty) {
        (Value::Str(s), _) => s,
        (Value::Enum(i), FieldType::Enum(spec)) => spec.code(*i),
        (Value::Time(t), _) => {
            scratch.clear();
            write_local(scratch, t.to_utc(), ruleset.meta.timezone.value);
            scratch
        }
        (value, _) => {
            scratch.clear();
            let _ = write!(scratch, "{value}");
            scratch
        }
    }
}

/// Appends the output row of a classified record: a CSV row straight from
/// borrowed text into the buffer (see `classification_csv.rs`), or a JSON line
/// through [`row`].
pub fn write_row(
    buffer: &mut RowBuffer,
    classifier: &Classifier<'_>,
    record: &Record,
    outcome: &Classification,
    origin: &Origin,
) -> io::Result<()> {
    if buffer.detailed() {
        return buffer.write(&row(classifier, record, outcome, origin, true));
    }
    let escaping = buffer.escaping;
    buffer
        .csv
        .get_or_insert_with(|| CsvRows::new(classifier.ruleset(), escaping))
        .write(&mut buffer.bytes, classifier, record, outcome, origin);
    Ok(())
}

/// The line of [`Flag::Unallocated`].
pub(super) const UNALLOCATED: &str =
    "unallocated: no address of the record is in the allocation table";

/// One line a person can act on.
pub fn describe_flag(classifier: &Classifier<'_>, flag: &Flag) -> String {
    let mut line = String::new();
    write_flag(&mut line, classifier, flag);
    line
}

/// Appends [`describe_flag`]'s line to `out`, without a string of its own
/// (the flags of every CSV row are written this way).
pub fn write_flag<'r>(out: &mut String, classifier: &'r Classifier<'_>, flag: &'r Flag) {
    use std::fmt::Write as _;
    let ruleset = classifier.ruleset();
    match flag {
        Flag::Gap(i) => {
            let Some(gap) = classifier.gaps().get(*i) else {
                out.push_str("gap");
                return;
            };
            let field = ruleset.field(gap.field);
            let (below, above) = (ruleset.criterion(gap.below), ruleset.criterion(gap.above));
            let _ = write!(out, "gap: {} ", field.name.value);
            let _ = match (gap.interval.lo, gap.interval.hi) {
                (Some(lo), Some(hi)) if lo == hi => {
                    write!(out, "exactly {}", from_units(lo, &field.ty))
                }
                (Some(lo), Some(hi)) => write!(
                    out,
                    "from {} to {}",
                    from_units(lo, &field.ty),
                    from_units(hi, &field.ty)
                ),
                _ => write!(out, "in a gap"),
            };
            let _ = write!(
                out,
                " is covered by neither {} nor {} ({}; {})",
                above.id.value, below.id.value, above.citation.value, below.citation.value
            );
        }
        Flag::Conflict { declare, withhold } => {
            let names = |ids: &'r [crate::ruleset::model::TriggerId]| {
                ids.iter().map(|t| ruleset.trigger(t).id.value.as_str())
            };
            out.push_str("conflict: declaring is required by ");
            push_joined(out, ", ", names(declare));
            out.push_str(" and forbidden by ");
            push_joined(out, ", ", names(withhold));
        }
        Flag::Missing { field, criteria } => {
            let criteria = criteria.iter().map(|c| ruleset.criterion(*c));
            let _ = write!(
                out,
                "missing: {} decides between ",
                ruleset.field(*field).name.value
            );
            push_joined(out, " and ", criteria.clone().map(|c| c.id.value.as_str()));
            out.push_str(" (");
            push_joined(out, "; ", criteria.map(|c| c.citation.value.as_str()));
            out.push(')');
        }
        Flag::NoStartTime(field) => {
            let _ = write!(
                out,
                "no {}: due time unknown",
                ruleset.field(*field).name.value
            );
        }
        Flag::Unallocated => out.push_str(UNALLOCATED),
    }
}

/// Appends `items` with `sep` between them.
fn push_joined<'a>(out: &mut String, sep: &str, items: impl Iterator<Item = &'a str>) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
}

/// Encodes rows in one format into memory, so that chunks of records can
/// be formatted on many threads and written in order.
pub struct RowBuffer {
    format: RowFormat,
    /// What CSV rows are encoded with, from the first row's ruleset.
    csv: Option<CsvRows>,
    bytes: Vec<u8>,
    /// How CSV cells are guarded against formula injection.
    escaping: CellEscaping,
}

impl RowBuffer {
    /// An empty buffer; `escaping` guards CSV cells against formula
    /// injection.
    pub fn new(format: RowFormat, escaping: CellEscaping) -> Self {
        RowBuffer {
            format,
            csv: None,
            bytes: Vec::new(),
            escaping,
        }
    }

    /// Whether rows should carry the JSON-only details.
    pub fn detailed(&self) -> bool {
        self.format == RowFormat::Jsonl
    }

    /// Appends one row.
    pub fn write(&mut self, row: &Row) -> io::Result<()> {
        match self.format {
            RowFormat::Csv => {
                let flags = row.flags.join("; ");
                super::csv_row::push_row(
                    &mut self.bytes,
                    &[
                        &row.id,
                        &row.occurred_at,
                        &row.agency,
                        &row.level,
                        &row.category,
                        &row.signature,
                        &row.declared,
                        &row.trigger,
                        &row.rule,
                        &row.citation,
                        &row.due_by,
                        &flags,
                    ],
                    self.escaping,
                );
            }
            RowFormat::Jsonl => {
                serde_json::to_writer(&mut self.bytes, row)?;
                self.bytes.push(b'\n');
            }
        }
        Ok(())
    }

    /// The bytes of the rows appended so far.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Forgets the rows, keeping the memory for the next ones.
    pub fn clear(&mut self) {
        self.bytes.clear();
    }
}

/// Writes the output: its header, then rows encoded by [`RowBuffer`]s.
pub struct RowWriter {
    sink: Sink,
}

impl RowWriter {
    /// Starts the output (the CSV header, if any).
    pub fn new(mut sink: Sink, format: RowFormat) -> io::Result<Self> {
        if format == RowFormat::Csv {
            // The header is docket's own text: written as it is.
            let mut header = Vec::new();
            super::csv_row::push_row(&mut header, CSV_COLUMNS, CellEscaping::Raw);
            sink.write_all(&header)?;
        }
        Ok(RowWriter { sink })
    }

    /// Writes encoded rows.
    pub fn write_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sink.write_all(bytes)
    }

    /// Finishes the output and moves a file into place.
    pub fn finish(mut self) -> io::Result<()> {
        self.sink.flush()?;
        self.sink.commit()
    }
}
