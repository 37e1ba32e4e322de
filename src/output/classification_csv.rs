//! The CSV row of a classified record, encoded straight into the output
//! buffer: the hot path of `classify`.
//!
//! A row is the same bytes as [`super::classification::row`] encoded by
//! [`super::classification::RowBuffer::write`] gives, without building a
//! [`super::classification::Row`] or allocating: text is borrowed from the
//! record and the ruleset, the ruleset's own cells (levels, triggers,
//! criteria, enumeration codes) are encoded once per buffer, and local
//! times go through a [`LocalClock`].

use std::fmt::Write as _;
use std::sync::Arc;

use super::cells::CellEscaping;
use super::classification::{UNALLOCATED, write_flag};
use super::csv_row::push_cell;
use super::local_time::LocalClock;
use crate::classify::{Classification, Classifier, Declared, Flag};
use crate::input::Origin;
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, FieldType};

/// A cell's bytes, encoded for the CSV output once.
type Encoded = Box<[u8]>;

/// What a buffer keeps from row to row to encode the CSV rows of one
/// ruleset.
pub struct CsvRows {
    escaping: CellEscaping,
    id: Shown,
    occurred_at: Shown,
    category: Shown,
    signature: Shown,
    /// Each level's id, by level index.
    levels: Vec<Encoded>,
    /// Each trigger's id, by trigger index.
    triggers: Vec<Encoded>,
    /// Each criterion's id and citation, by criterion index.
    criteria: Vec<(Encoded, Encoded)>,
    /// `yes`, `no` and `review`.
    declared: [Encoded; 3],
    /// The flags of a record whose only flag is [`Flag::Unallocated`].
    unallocated: Encoded,
    work: Work,
}

/// The state that writing a row changes.
struct Work {
    escaping: CellEscaping,
    /// The offsets of the local times written.
    clock: LocalClock,
    /// Text of a cell being written (an origin, a number, the flags).
    scratch: String,
    /// Agencies met and their cells: there are few, and each record's is a
    /// shared text of the allocation table.
    agencies: Vec<(Option<Arc<str>>, Vec<u8>)>,
}

/// Agencies [`Work::agencies`] holds, a power of two.
const AGENCY_SLOTS: usize = 64;

/// A field that the CSV row shows, found once.
struct Shown {
    field: Option<FieldId>,
    /// The codes of an enumeration field, by index.
    codes: Vec<Encoded>,
}

impl Shown {
    fn of(ruleset: &Ruleset, name: &str, escaping: CellEscaping) -> Self {
        let field = ruleset.field_id(name);
        let codes = match field.map(|f| &ruleset.field(f).ty) {
            Some(FieldType::Enum(spec)) => spec
                .values
                .iter()
                .map(|v| encode(&v.code, escaping))
                .collect(),
            _ => Vec::new(),
        };
        Shown { field, codes }
    }
}

/// `text` as a CSV cell.
fn encode(text: &str, escaping: CellEscaping) -> Encoded {
    let mut cell = Vec::new();
    push_cell(&mut cell, text, escaping);
    cell.into_boxed_slice()
}

/// Appends the encoded cell at `index`, else (never, for the ruleset the
/// cells were encoded from) `text` encoded now.
fn push_encoded(
    out: &mut Vec<u8>,
    cells: &[Encoded],
    index: usize,
    text: &str,
    escaping: CellEscaping,
) {
    match cells.get(index) {
        Some(cell) => out.extend_from_slice(cell),
        None => push_cell(out, text, escaping),
    }
}

impl CsvRows {
    /// The cells of `ruleset`, encoded through `escaping`.
    pub fn new(ruleset: &Ruleset, escaping: CellEscaping) -> Self {
        let encode = |text: &str| encode(text, escaping);
        CsvRows {
            escaping,
            id: Shown::of(ruleset, "id", escaping),
            occurred_at: Shown::of(ruleset, "occurred_at", escaping),
            category: Shown::of(ruleset, "category", escaping),
            signature: Shown::of(ruleset, "signature", escaping),
            levels: ruleset.levels.iter().map(|l| encode(&l.id.value)).collect(),
            triggers: ruleset
                .triggers
                .iter()
                .map(|t| encode(&t.id.value))
                .collect(),
            criteria: ruleset
                .criteria
                .iter()
                .map(|c| (encode(&c.id.value), encode(&c.citation.value)))
                .collect(),
            declared: [Declared::Yes, Declared::No, Declared::Review].map(|d| encode(d.as_str())),
            unallocated: encode(UNALLOCATED),
            work: Work {
                escaping,
                clock: LocalClock::default(),
                scratch: String::new(),
                agencies: vec![(None, Vec::new()); AGENCY_SLOTS],
            },
        }
    }

    /// Appends the CSV row of a classified record to `out`.
    pub fn write(
        &mut self,
        out: &mut Vec<u8>,
        classifier: &Classifier<'_>,
        record: &Record,
        outcome: &Classification,
        origin: &Origin,
    ) {
        let ruleset = classifier.ruleset();
        let escaping = self.escaping;
        let work = &mut self.work;
        match self.id.field.and_then(|f| record.get(f).map(|v| (f, v))) {
            Some((f, value)) => work.value(out, ruleset, &self.id, f, value),
            None => {
                work.scratch.clear();
                let _ = write!(work.scratch, "{origin}");
                push_cell(out, &work.scratch, escaping);
            }
        }
        out.push(b',');
        work.field(out, ruleset, record, &self.occurred_at);
        match (&outcome.agency, outcome.flags.contains(&Flag::Unallocated)) {
            (Some(a), _) => work.agency(out, &a.agency),
            (None, true) => push_cell(out, "unallocated", escaping),
            (None, false) => {}
        }
        out.push(b',');
        match outcome.level {
            Some(l) => {
                let text = &ruleset.level(l).id.value;
                push_encoded(out, &self.levels, l.index(), text, escaping);
            }
            None => push_cell(out, "unclassified", escaping),
        }
        out.push(b',');
        work.field(out, ruleset, record, &self.category);
        work.field(out, ruleset, record, &self.signature);
        let [yes, no, review] = &self.declared;
        let declared = match outcome.declared {
            Declared::Yes => yes,
            Declared::No => no,
            Declared::Review => review,
        };
        out.extend_from_slice(declared);
        out.push(b',');
        if let Some(t) = outcome.trigger {
            let text = &ruleset.trigger(t).id.value;
            push_encoded(out, &self.triggers, t.index(), text, escaping);
        }
        out.push(b',');
        match outcome.rule.map(|i| (i, self.criteria.get(i))) {
            Some((_, Some((id, citation)))) => {
                out.extend_from_slice(id);
                out.push(b',');
                out.extend_from_slice(citation);
            }
            Some((i, None)) => {
                let criterion = ruleset.criterion(i);
                push_cell(out, &criterion.id.value, escaping);
                out.push(b',');
                push_cell(out, &criterion.citation.value, escaping);
            }
            None => out.push(b','),
        }
        out.push(b',');
        if let Some(d) = &outcome.due {
            work.clock.push_cell(out, d.at, d.tz, escaping);
        }
        out.push(b',');
        match outcome.flags.as_slice() {
            [] => {}
            [Flag::Unallocated] => out.extend_from_slice(&self.unallocated),
            flags => {
                work.scratch.clear();
                for (i, flag) in flags.iter().enumerate() {
                    if i > 0 {
                        work.scratch.push_str("; ");
                    }
                    write_flag(&mut work.scratch, classifier, flag);
                }
                push_cell(out, &work.scratch, escaping);
            }
        }
        out.push(b'\n');
    }
}

impl Work {
    /// Appends an agency, encoded once for each shared text met (the text
    /// is held, so its address stands for it while it is cached; a slot's
    /// cell is re-encoded in place, without allocating, when another text
    /// takes it).
    fn agency(&mut self, out: &mut Vec<u8>, agency: &Arc<str>) {
        let index = (Arc::as_ptr(agency).cast::<u8>() as usize >> 4) & (AGENCY_SLOTS - 1);
        let Some((held, cell)) = self.agencies.get_mut(index) else {
            return push_cell(out, agency, self.escaping);
        };
        if !held.as_ref().is_some_and(|h| Arc::ptr_eq(h, agency)) {
            cell.clear();
            push_cell(cell, agency, self.escaping);
            *held = Some(Arc::clone(agency));
        }
        out.extend_from_slice(cell);
    }

    /// Appends a field of the record (empty if the ruleset lacks the field
    /// or the record its value) and the comma after it.
    fn field(&mut self, out: &mut Vec<u8>, ruleset: &Ruleset, record: &Record, shown: &Shown) {
        if let Some((f, value)) = shown.field.and_then(|f| record.get(f).map(|v| (f, v))) {
            self.value(out, ruleset, shown, f, value);
        }
        out.push(b',');
    }

    /// Appends a value as output shows it (the text of
    /// [`super::classification::field_text`]).
    fn value(
        &mut self,
        out: &mut Vec<u8>,
        ruleset: &Ruleset,
        shown: &Shown,
        field: FieldId,
        value: &Value,
    ) {
        let escaping = self.escaping;
        match (value, &ruleset.field(field).ty) {
            (Value::Str(s), _) => push_cell(out, s, escaping),
            (Value::Enum(i), FieldType::Enum(spec)) => {
                push_encoded(out, &shown.codes, *i as usize, spec.code(*i), escaping);
            }
            (Value::Time(t), _) => {
                let tz = ruleset.meta.timezone.value;
                self.clock.push_cell(out, t.to_utc(), tz, escaping);
            }
            (value, _) => {
                self.scratch.clear();
                let _ = write!(self.scratch, "{value}");
                push_cell(out, &self.scratch, escaping);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::output::classification::{RowBuffer, RowFormat, row, write_row};

    /// An address of the usda table (Forest Service).
    const ALLOCATED: &str = "199.130.4.5";

    /// Records of every kind of cell: ids that need quoting or a guard, no
    /// id at all, times around a change of offset, numbers, enumeration
    /// codes, hostile signatures.
    fn records(ruleset: &Ruleset) -> Vec<Record> {
        let field = |name: &str| ruleset.field_id(name).expect("a usda field");
        let category = |code: &str| match &ruleset.field(field("category")).ty {
            FieldType::Enum(spec) => {
                let i = spec.values.iter().position(|v| v.code == code);
                Value::Enum(i.expect("a usda category") as u32)
            }
            _ => panic!("category is an enumeration"),
        };
        let time =
            |text: &str| Value::Time(DateTime::parse_from_rfc3339(text).expect("an instant"));
        let ids = [
            Some("EV-1"),
            Some("=HYPERLINK(\"x\")"),
            Some("-30"),
            Some("a,b"),
            Some("line\nbreak"),
            None,
        ];
        let times = [
            "2026-03-08T06:59:59Z",
            "2026-03-08T07:00:00Z",
            "2026-11-01T05:30:00Z",
            "2026-11-01T06:30:00Z",
            "2026-07-04T03:59:59-05:00",
            "2016-12-31T23:59:60Z",
        ];
        let categories = [
            "malware",
            "scan-probe",
            "property-destruction",
            "misuse-minor",
        ];
        let signatures = ["", "ET SCAN nmap", "@SUM(A1)", "say \"hi\"", "\tx"];
        let mut records = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            for (j, at) in times.iter().enumerate() {
                let mut record = Record::with_fields(ruleset.fields.len());
                if let Some(id) = id {
                    record.set(field("id"), Some(Value::Str((*id).into())));
                }
                record.set(field("occurred_at"), Some(time(at)));
                let code = categories[(i + j) % categories.len()];
                record.set(field("category"), Some(category(code)));
                let signature = signatures[(i * 3 + j) % signatures.len()];
                record.set(field("signature"), Some(Value::Str(signature.into())));
                if j % 2 == 0 {
                    record.set(field("loss_usd"), Some(Value::Number(100_000.0)));
                }
                let address = ["1.2.3.4", ALLOCATED, "10.0.0.1"][(i + j) % 3];
                let address = address.parse().expect("an address");
                record.set(field("dst_ip"), Some(Value::Ip(address)));
                records.push(record);
            }
        }
        records
    }

    #[test]
    fn csv_rows_are_the_bytes_of_the_row_encoded_whole() {
        let ruleset = crate::ruleset::load(std::path::Path::new("rules/usda")).expect("usda");
        let table = crate::allocation::AllocationTable::from_path(std::path::Path::new(
            "rules/usda/allocations.csv",
        ))
        .expect("the usda table");
        let classifier = Classifier::new(&ruleset, Some(Arc::new(table)));
        let missing = ruleset.field_id("loss_usd").expect("a usda field");
        let origin = Origin {
            input: Arc::from("events.csv"),
            line: 7,
        };
        let mut agencies = 0;
        for escaping in [CellEscaping::Neutralise, CellEscaping::Raw] {
            let (mut fast, mut whole) = (
                RowBuffer::new(RowFormat::Csv, escaping),
                RowBuffer::new(RowFormat::Csv, escaping),
            );
            for mut record in records(&ruleset) {
                let outcome = classifier.classify(&mut record, &origin);
                // The flags it got, and every kind of flag.
                let mut flagged = outcome.clone();
                flagged.flags = vec![
                    Flag::Unallocated,
                    Flag::NoStartTime(missing),
                    Flag::Missing {
                        field: missing,
                        criteria: vec![0, 1].into(),
                    },
                    Flag::Gap(0),
                    Flag::Gap(usize::MAX),
                ];
                let mut unallocated = outcome.clone();
                unallocated.flags = vec![Flag::Unallocated];
                agencies += usize::from(outcome.agency.is_some());
                for outcome in [outcome, flagged, unallocated] {
                    write_row(&mut fast, &classifier, &record, &outcome, &origin).expect("memory");
                    let whole_row = row(&classifier, &record, &outcome, &origin, false);
                    whole.write(&whole_row).expect("memory");
                    assert_eq!(
                        String::from_utf8_lossy(fast.bytes()),
                        String::from_utf8_lossy(whole.bytes()),
                        "{escaping:?}"
                    );
                }
            }
        }
        assert!(agencies > 0, "some records have an agency");
    }
}
