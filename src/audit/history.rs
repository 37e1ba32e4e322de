//! Incident histories: what happened to each incident, and when.
//!
//! Two layouts are read. A long CSV has one row per timeline event
//! (`incident,at,event`, plus attribute columns such as `agency`, `level`,
//! `category`, `compromised`, and the scope column of unit-level events such
//! as `unit`); an incident's attributes are merged from its rows. JSON lines
//! hold one incident per line: `{"incident": ..., "attributes": {...},
//! "events": [{"event": ..., "at": ..., "unit": ...}]}`.
//!
//! Rows of one incident may be anywhere in the file, so histories are
//! gathered in memory (they are small next to IDS exports). A row that
//! cannot be used (no incident id, an unknown event, a bad timestamp or
//! attribute) is rejected with its line, as in `classify`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::diagnostic::suggest;
use crate::input::lines::{LineIndex, describe_csv_error};
use crate::input::{InputError, Origin, Reject};
use crate::record::{Record, Value, parse_timestamp, parse_value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{EventId, FieldId};

/// One incident and its timeline.
#[derive(Clone, Debug)]
pub struct Incident {
    /// Its id (tracking number).
    pub id: String,
    /// Where it first appears.
    pub origin: Origin,
    /// Its attributes, as typed record fields (`level` and `agency` included
    /// when given).
    pub attributes: Record,
    /// Its events, sorted by time (file order among equal times).
    pub events: Vec<Occurrence>,
    /// Problems with the data itself, found while reading.
    pub quality: Vec<String>,
}

/// One event of a timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Which event.
    pub event: EventId,
    /// When.
    pub at: DateTime<FixedOffset>,
    /// The value of the event's scope attribute (the operating unit).
    pub scope: Option<String>,
    /// Where it was read.
    pub origin: Origin,
}

/// What reading histories produced.
#[derive(Debug, Default)]
pub struct Histories {
    /// The incidents, in order of first appearance.
    pub incidents: Vec<Incident>,
    /// Rows that could not be used.
    pub rejects: Vec<Reject>,
    /// Remarks about the input (unknown columns).
    pub warnings: Vec<String>,
    /// Rows (CSV) or lines (JSON) read.
    pub read: u64,
}

/// Reads history files into incidents.
pub struct HistoryReader<'r> {
    ruleset: &'r Ruleset,
    /// Attribute names allowed per event scope (`unit`).
    scopes: Vec<String>,
    by_id: BTreeMap<String, usize>,
    out: Histories,
}

impl<'r> HistoryReader<'r> {
    /// A reader for histories of `ruleset`'s events.
    pub fn new(ruleset: &'r Ruleset) -> Self {
        let mut scopes: Vec<String> = ruleset
            .events
            .iter()
            .filter_map(|e| e.per.as_ref().map(|p| p.value.clone()))
            .collect();
        scopes.sort();
        scopes.dedup();
        HistoryReader {
            ruleset,
            scopes,
            by_id: BTreeMap::new(),
            out: Histories::default(),
        }
    }

    /// Reads one file (`-` is stdin): JSON lines if it starts with `{`,
    /// otherwise a long CSV.
    pub fn read(&mut self, path: &Path) -> Result<(), InputError> {
        let name = Origin::input_name(path);
        let io = |source| InputError::Io {
            path: name.to_string(),
            source,
        };
        let bytes = if path == Path::new("-") {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(io)?;
            buf
        } else {
            if path.is_dir() {
                return Err(InputError::Format {
                    path: name.to_string(),
                    message: "is a directory, not a history file".into(),
                });
            }
            std::fs::read(path).map_err(io)?
        };
        self.read_bytes(name, &bytes)
    }

    /// Reads one history already in memory, as [`read`](Self::read) does a
    /// file: JSON lines if it starts with `{`, otherwise a long CSV. `name`
    /// is what origins and errors call it.
    pub fn read_bytes(&mut self, name: Arc<str>, bytes: &[u8]) -> Result<(), InputError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => self.read_json_lines(bytes, &name),
            Some(_) => self.read_csv(bytes, &name),
            None => Ok(()),
        }
    }

    /// The incidents read so far, each timeline sorted by time.
    pub fn finish(mut self) -> Histories {
        for incident in &mut self.out.incidents {
            incident.events.sort_by_key(|o| o.at);
        }
        self.out
    }

    fn read_csv(&mut self, bytes: &[u8], name: &Arc<str>) -> Result<(), InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(LineIndex::new(bytes));
        let header: Vec<String> = reader
            .byte_headers()
            .map_err(|e| InputError::Format {
                path: name.to_string(),
                message: format!("cannot read the header row: {e}"),
            })?
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_lowercase())
            .collect();
        let column = |wanted: &str| header.iter().position(|h| h == wanted);
        let (Some(incident_col), Some(at_col), Some(event_col)) =
            (column("incident"), column("at"), column("event"))
        else {
            return Err(InputError::Format {
                path: name.to_string(),
                message: format!(
                    "line 1: a history needs the columns `incident`, `at` and `event` (found: {})",
                    header.join(", ")
                ),
            });
        };
        let mut unknown = Vec::new();
        for (i, h) in header.iter().enumerate() {
            if [incident_col, at_col, event_col].contains(&i)
                || self.scopes.contains(h)
                || self.attribute(h).is_some()
                || h.is_empty()
            {
                continue;
            }
            unknown.push(self.unknown_name(h));
        }
        if !unknown.is_empty() {
            self.out.warnings.push(format!(
                "{name}: ignoring columns that are not events' scopes or ruleset fields: {}",
                unknown.join(", ")
            ));
        }
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    self.out.read += 1;
                    let line = reader.get_mut().line_of(e.position());
                    self.reject(name, line, describe_csv_error(&e, &header), String::new());
                    continue;
                }
            }
            self.out.read += 1;
            let line = reader.get_mut().line_of(record.position());
            let origin = Origin {
                input: Arc::clone(name),
                line,
            };
            let raw = record.iter().collect::<Vec<_>>().join(",");
            if record.len() != header.len() {
                let reason = format!(
                    "expected {} columns (as the header has), found {}",
                    header.len(),
                    record.len()
                );
                self.out.rejects.push(Reject {
                    origin,
                    reason,
                    raw,
                });
                continue;
            }
            let cell = |i: usize| {
                record
                    .get(i)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            };
            let attributes = header
                .iter()
                .enumerate()
                .filter(|(i, h)| {
                    ![incident_col, at_col, event_col].contains(i) && !self.scopes.contains(h)
                })
                .filter_map(|(i, h)| cell(i).map(|v| (h.clone(), v)))
                .collect();
            let scope = self.scopes.iter().find_map(|s| column(s).and_then(cell));
            let row = Row {
                incident: cell(incident_col),
                at: cell(at_col),
                event: cell(event_col),
                scope,
                attributes,
            };
            if let Err(reason) = self.add(row, &origin) {
                self.out.rejects.push(Reject {
                    origin,
                    reason,
                    raw,
                });
            }
        }
        Ok(())
    }

    fn read_json_lines(&mut self, bytes: &[u8], name: &Arc<str>) -> Result<(), InputError> {
        for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
            let text = String::from_utf8_lossy(line);
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            self.out.read += 1;
            let origin = Origin {
                input: Arc::clone(name),
                line: index as u64 + 1,
            };
            let value: serde_json::Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    self.out.rejects.push(Reject {
                        origin,
                        reason: format!("invalid JSON: {e}"),
                        raw: text.to_owned(),
                    });
                    continue;
                }
            };
            if let Err(reason) = self.add_json(&value, &origin) {
                self.out.rejects.push(Reject {
                    origin,
                    reason,
                    raw: text.to_owned(),
                });
            }
        }
        Ok(())
    }

    fn add_json(&mut self, value: &serde_json::Value, origin: &Origin) -> Result<(), String> {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        };
        let incident = value
            .get("incident")
            .and_then(text)
            .ok_or("no `incident` id")?;
        let attributes: Vec<(String, String)> = value
            .get("attributes")
            .and_then(serde_json::Value::as_object)
            .map(|map| {
                map.iter()
                    .filter_map(|(k, v)| text(v).map(|t| (k.to_lowercase(), t)))
                    .collect()
            })
            .unwrap_or_default();
        let events = value
            .get("events")
            .and_then(serde_json::Value::as_array)
            .ok_or("no `events` list")?;
        // Every event of the line is checked before any is added: a rejected
        // line contributes nothing.
        let mut checked = Vec::with_capacity(events.len().max(1));
        if events.is_empty() {
            let row = Row {
                incident: Some(incident.clone()),
                at: None,
                event: None,
                scope: None,
                attributes: attributes.clone(),
            };
            checked.push(self.check(row, origin)?);
        }
        for (i, event) in events.iter().enumerate() {
            let row = Row {
                incident: Some(incident.clone()),
                at: event.get("at").and_then(text),
                event: event.get("event").and_then(text),
                scope: self.scopes.iter().find_map(|s| event.get(s).and_then(text)),
                attributes: attributes.clone(),
            };
            let row = self
                .check(row, origin)
                .map_err(|reason| format!("event {}: {reason}", i + 1))?;
            checked.push(row);
        }
        for row in checked {
            self.apply(row, origin);
        }
        Ok(())
    }

    fn attribute(&self, name: &str) -> Option<FieldId> {
        self.ruleset.field_id(name)
    }

    fn unknown_name(&self, name: &str) -> String {
        let names = self
            .ruleset
            .fields
            .iter()
            .map(|f| f.name.value.as_str())
            .chain(self.scopes.iter().map(String::as_str));
        match suggest::did_you_mean(name, names) {
            Some(best) => format!("`{name}` (did you mean `{best}`?)"),
            None => format!("`{name}`"),
        }
    }

    fn reject(&mut self, name: &Arc<str>, line: u64, reason: String, raw: String) {
        self.out.rejects.push(Reject {
            origin: Origin {
                input: Arc::clone(name),
                line,
            },
            reason,
            raw,
        });
    }

    /// Adds one event row (or, without `event`, only attributes) to its incident.
    fn add(&mut self, row: Row, origin: &Origin) -> Result<(), String> {
        let row = self.check(row, origin)?;
        self.apply(row, origin);
        Ok(())
    }

    /// Checks and types one row without adding it.
    fn check(&self, row: Row, origin: &Origin) -> Result<CheckedRow, String> {
        let ruleset = self.ruleset;
        let tz = ruleset.meta.timezone.value;
        let id = row.incident.as_deref().ok_or("no incident id")?;
        let occurrence = match (row.event.as_deref(), row.at.as_deref()) {
            (Some(event), Some(at)) => {
                let event_id = ruleset.event_id(event).ok_or_else(|| {
                    let names = ruleset.events.iter().map(|e| e.id.value.as_str());
                    match suggest::did_you_mean(event, names) {
                        Some(best) => format!("unknown event `{event}` (did you mean `{best}`?)"),
                        None => format!("unknown event `{event}`"),
                    }
                })?;
                let at = parse_timestamp(at, tz).map_err(|e| format!("`at`: {e}"))?;
                Some(Occurrence {
                    event: event_id,
                    at,
                    scope: row.scope.clone(),
                    origin: origin.clone(),
                })
            }
            (Some(_), None) => return Err("an event without a time (`at`)".into()),
            (None, Some(_)) => return Err("a time without an event".into()),
            (None, None) => None,
        };
        let mut typed = Vec::with_capacity(row.attributes.len());
        for (name, value) in &row.attributes {
            let Some(field) = self.attribute(name) else {
                continue;
            };
            let def = ruleset.field(field);
            let parsed = parse_value(&def.ty, value, tz, (def.min, def.max))
                .map_err(|e| format!("attribute `{name}`: {e}"))?;
            typed.push((field, parsed));
        }
        Ok(CheckedRow {
            id: id.to_owned(),
            occurrence,
            typed,
        })
    }

    /// Adds a checked row to its incident.
    fn apply(&mut self, row: CheckedRow, origin: &Origin) {
        let ruleset = self.ruleset;
        let CheckedRow {
            id,
            occurrence,
            typed,
        } = row;
        let id = id.as_str();
        let index = match self.by_id.get(id) {
            Some(i) => *i,
            None => {
                self.out.incidents.push(Incident {
                    id: id.to_owned(),
                    origin: origin.clone(),
                    attributes: Record::with_fields(ruleset.fields.len()),
                    events: Vec::new(),
                    quality: Vec::new(),
                });
                self.by_id
                    .insert(id.to_owned(), self.out.incidents.len() - 1);
                self.out.incidents.len() - 1
            }
        };
        let Some(incident) = self.out.incidents.get_mut(index) else {
            return;
        };
        for (field, value) in typed {
            match incident.attributes.get(field) {
                None => incident.attributes.set(field, Some(value)),
                Some(existing) if *existing == value => {}
                Some(existing) => {
                    let shown =
                        |v: &Value| crate::condition::trace::value_text(ruleset, field, Some(v));
                    incident.quality.push(format!(
                        "{origin}: attribute `{}` is {} here but {} earlier; the first value is used",
                        ruleset.field(field).name.value,
                        shown(&value),
                        shown(existing)
                    ));
                }
            }
        }
        if let Some(occurrence) = occurrence {
            incident.events.push(occurrence);
        }
    }
}

/// A row that passed [`HistoryReader::check`].
struct CheckedRow {
    id: String,
    occurrence: Option<Occurrence>,
    typed: Vec<(FieldId, Value)>,
}

/// One row's worth of history.
struct Row {
    incident: Option<String>,
    at: Option<String>,
    event: Option<String>,
    scope: Option<String>,
    attributes: Vec<(String, String)>,
}
