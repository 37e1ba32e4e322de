//! Classification rows: CSV for spreadsheets, JSON lines for tools.

use std::io::{self, Write};

use serde::Serialize;

use super::Sink;
use super::cells::{CellEscaping, CellWriter};
use crate::check::from_units;
use crate::classify::{Classification, Classifier, Flag, format_time};
use crate::input::Origin;
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;

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
            .map(|d| format_time(&d.at))
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
            outcome.incident_number.clone()
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
    match (record.get(id), &ruleset.field(id).ty) {
        (None, _) => String::new(),
        (Some(Value::Enum(i)), crate::ruleset::model::FieldType::Enum(spec)) => {
            spec.code(*i).to_owned()
        }
        (Some(Value::Time(t)), _) => t
            .with_timezone(&ruleset.meta.timezone.value)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        (Some(value), _) => value.to_string(),
    }
}

/// One line a person can act on.
pub fn describe_flag(classifier: &Classifier<'_>, flag: &Flag) -> String {
    let ruleset = classifier.ruleset();
    match flag {
        Flag::Gap(i) => {
            let Some(gap) = classifier.gaps().get(*i) else {
                return "gap".to_owned();
            };
            let field = ruleset.field(gap.field);
            let (below, above) = (ruleset.criterion(gap.below), ruleset.criterion(gap.above));
            let value = match (gap.interval.lo, gap.interval.hi) {
                (Some(lo), Some(hi)) if lo == hi => {
                    format!("exactly {}", from_units(lo, &field.ty))
                }
                (Some(lo), Some(hi)) => format!(
                    "from {} to {}",
                    from_units(lo, &field.ty),
                    from_units(hi, &field.ty)
                ),
                _ => "in a gap".to_owned(),
            };
            format!(
                "gap: {} {value} is covered by neither {} nor {} ({}; {})",
                field.name.value,
                above.id.value,
                below.id.value,
                above.citation.value,
                below.citation.value
            )
        }
        Flag::Conflict { declare, withhold } => {
            let names = |ids: &[crate::ruleset::model::TriggerId]| {
                ids.iter()
                    .map(|t| ruleset.trigger(t).id.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "conflict: declaring is required by {} and forbidden by {}",
                names(declare),
                names(withhold)
            )
        }
        Flag::Missing { field, criteria } => {
            let names = |sep: &str, f: &dyn Fn(usize) -> String| {
                criteria.iter().map(|c| f(*c)).collect::<Vec<_>>().join(sep)
            };
            format!(
                "missing: {} decides between {} ({})",
                ruleset.field(*field).name.value,
                names(" and ", &|c| ruleset.criterion(c).id.value.clone()),
                names("; ", &|c| ruleset.criterion(c).citation.value.clone()),
            )
        }
        Flag::NoStartTime(field) => {
            format!("no {}: due time unknown", ruleset.field(*field).name.value)
        }
        Flag::Unallocated => {
            "unallocated: no address of the record is in the allocation table".to_owned()
        }
    }
}

/// Writes rows in one format.
pub struct RowWriter {
    format: RowFormat,
    csv: Option<CellWriter<Sink>>,
    sink: Option<Sink>,
}

impl RowWriter {
    /// Starts the output (the CSV header, if any); `escaping` guards CSV
    /// cells against formula injection.
    pub fn new(sink: Sink, format: RowFormat, escaping: CellEscaping) -> io::Result<Self> {
        match format {
            RowFormat::Csv => {
                let mut writer = CellWriter::new(sink, escaping);
                writer.write_header(CSV_COLUMNS)?;
                Ok(RowWriter {
                    format,
                    csv: Some(writer),
                    sink: None,
                })
            }
            RowFormat::Jsonl => Ok(RowWriter {
                format,
                csv: None,
                sink: Some(sink),
            }),
        }
    }

    /// Whether rows should carry the JSON-only details.
    pub fn detailed(&self) -> bool {
        self.format == RowFormat::Jsonl
    }

    /// Writes one row.
    pub fn write(&mut self, row: &Row) -> io::Result<()> {
        if let Some(writer) = &mut self.csv {
            let flags = row.flags.join("; ");
            writer.write_row([
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
            ])?;
        } else if let Some(sink) = &mut self.sink {
            serde_json::to_writer(&mut *sink, row)?;
            sink.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Finishes the output and moves a file into place.
    pub fn finish(self) -> io::Result<()> {
        let sink = match (self.csv, self.sink) {
            (Some(writer), _) => writer.into_inner()?,
            (None, Some(sink)) => sink,
            (None, None) => return Ok(()),
        };
        sink.commit()
    }
}
