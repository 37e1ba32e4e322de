//! The CSV row of a classified record, encoded straight into the output
//! buffer: the hot path of `classify`.
//!
//! A row is the same bytes as [`super::classification::row`] encoded by
//! [`super::classification::RowBuffer::write`] gives, without building a
//! [`super::classification::Row`] or allocating: text is borrowed from the
//! record and the ruleset, the ruleset's own cells (levels, triggers,
//! criteria, enumeration codes) and the agencies met are encoded once per
//! buffer with the delimiter that follows them (see [`super::encoded`]),
//! and local times go through a [`LocalClock`].

use std::fmt::Write as _;
use std::sync::Arc;

use chrono_tz::Tz;

use super::cells::CellEscaping;
use super::classification::{UNALLOCATED, write_flag};
use super::csv_row::{push_cell, push_cell_and};
use super::encoded::{Encoded, Memo, Runs};
use super::local_time::LocalClock;
use crate::classify::{Classification, Classifier, Declared, Flag};
use crate::input::Origin;
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, FieldType, LevelId};

/// What a buffer keeps from row to row to encode the CSV rows of one
/// ruleset.
pub struct CsvRows {
    cells: Cells,
    /// The level and category cells, by level and category code.
    heads: Runs,
    /// The declared, trigger, rule and citation cells, by declaration,
    /// trigger and criterion.
    tails: Runs,
    work: Work,
}

/// The cells of a ruleset, each encoded once with the delimiter after it.
struct Cells {
    escaping: CellEscaping,
    id: Shown,
    occurred_at: Shown,
    category: Shown,
    signature: Shown,
    /// Each level's id, by level index.
    levels: Vec<Encoded>,
    unclassified: Encoded,
    /// Each trigger's id, by trigger index.
    triggers: Vec<Encoded>,
    no_trigger: Encoded,
    /// Each criterion's id and citation (two cells), by criterion index.
    criteria: Vec<Encoded>,
    no_criterion: Encoded,
    /// `yes`, `no` and `review`.
    declared: [Encoded; 3],
    /// The agency cell of a record without one: `unallocated` when its
    /// addresses are not allocated, else empty.
    unallocated_agency: Encoded,
    no_agency: Encoded,
    /// The flags cell (and the end of the row) of a record without flags,
    /// and of one whose only flag is [`Flag::Unallocated`].
    no_flags: Encoded,
    unallocated: Encoded,
}

/// The state that writing a row changes.
struct Work {
    escaping: CellEscaping,
    /// The zone local times are shown in.
    tz: Tz,
    /// The offsets of the local times written.
    clock: LocalClock,
    /// Text of a cell being written (an origin, a number, the flags).
    scratch: String,
    /// Agencies met and their cells: there are few, and each record's is a
    /// shared text of the allocation table (held, so that its address
    /// stands for it while it is cached).
    agencies: Memo<Option<Arc<str>>>,
    /// Flags met and their cells (and the end of the row): a few lists of
    /// flags make most rows' flags, and writing their lines costs hundreds
    /// of instructions. A slot holds the flags of its cell, so a cell is
    /// only taken for the very flags it was written from.
    flag_cells: Memo<Option<Vec<Flag>>>,
}

/// The hash of `flags` in [`Work::flag_cells`]: any function of the flags
/// would do (a slot's flags are compared whole); this one is cheap and
/// spreads the lists a ruleset gives.
fn flags_hash(flags: &[Flag]) -> u64 {
    let first = |ids: &[crate::ruleset::model::TriggerId]| ids.first().map_or(0, |t| t.index());
    flags.iter().fold(flags.len() as u64, |hash, flag| {
        let (kind, value) = match flag {
            Flag::Gap(i) => (0, *i),
            Flag::Conflict { declare, withhold } => (1, first(declare) << 16 ^ first(withhold)),
            Flag::Missing { field, criteria } => (2, field.index() << 16 ^ criteria.len()),
            Flag::NoStartTime(field) => (3, field.index()),
            Flag::Unallocated => (4, 0),
        };
        (hash ^ (value as u64) << 3 ^ kind).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    })
}

/// Appends the lines of `flags` as one cell (written in `scratch`), and
/// the end of the row.
fn push_flags(
    out: &mut Vec<u8>,
    scratch: &mut String,
    classifier: &Classifier<'_>,
    flags: &[Flag],
    escaping: CellEscaping,
) {
    scratch.clear();
    for (i, flag) in flags.iter().enumerate() {
        if i > 0 {
            scratch.push_str("; ");
        }
        write_flag(scratch, classifier, flag);
    }
    push_cell(out, scratch, escaping);
    out.push(b'\n');
}

/// A field that the CSV row shows, found once.
struct Shown {
    field: Option<FieldId>,
    /// Whether the field is an enumeration.
    enumeration: bool,
    /// The codes of an enumeration field, by index.
    codes: Vec<Encoded>,
}

impl Shown {
    fn of(ruleset: &Ruleset, name: &str, escaping: CellEscaping) -> Self {
        let field = ruleset.field_id(name);
        let (enumeration, codes) = match field.map(|f| &ruleset.field(f).ty) {
            Some(FieldType::Enum(spec)) => (
                true,
                spec.values
                    .iter()
                    .map(|v| encode(&v.code, escaping, b','))
                    .collect(),
            ),
            _ => (false, Vec::new()),
        };
        Shown {
            field,
            enumeration,
            codes,
        }
    }

    /// Appends the code at `index` of the field and a comma.
    #[inline(always)]
    fn push_code(&self, out: &mut Vec<u8>, ruleset: &Ruleset, index: u32, escaping: CellEscaping) {
        let text = || match self.field.map(|f| &ruleset.field(f).ty) {
            Some(FieldType::Enum(spec)) => spec.code(index),
            _ => "",
        };
        push_encoded(out, &self.codes, index as usize, text, escaping);
    }
}

/// `text` as a CSV cell, then `end` (the delimiter after it).
fn encode(text: &str, escaping: CellEscaping, end: u8) -> Encoded {
    let mut cell = Vec::new();
    push_cell(&mut cell, text, escaping);
    cell.push(end);
    Encoded::new(&cell)
}

/// Appends the encoded cell at `index`, else (never, for the ruleset the
/// cells were encoded from) `text()` encoded now and a comma.
#[inline(always)]
fn push_encoded<'t>(
    out: &mut Vec<u8>,
    cells: &[Encoded],
    index: usize,
    text: impl FnOnce() -> &'t str,
    escaping: CellEscaping,
) {
    match cells.get(index) {
        Some(cell) => cell.push(out),
        None => {
            push_cell(out, text(), escaping);
            out.push(b',');
        }
    }
}

/// `Some(i + 1)` of an index under `2^bits - 1`, and `0` of `None`: a part
/// of a key of [`Runs`].
fn key_part(index: Option<usize>, bits: u32) -> Option<u64> {
    match index {
        None => Some(0),
        Some(i) => u64::try_from(i)
            .ok()
            .filter(|i| *i < (1 << bits) - 1)
            .map(|i| i + 1),
    }
}

impl Cells {
    /// Appends a level's cell.
    #[inline(always)]
    fn push_level(&self, out: &mut Vec<u8>, ruleset: &Ruleset, level: Option<LevelId>) {
        match level {
            Some(l) => {
                let text = || ruleset.level(l).id.value.as_str();
                push_encoded(out, &self.levels, l.index(), text, self.escaping);
            }
            None => self.unclassified.push(out),
        }
    }

    /// Appends the cells of the outcome's declaration, trigger and
    /// criterion (with its citation).
    fn push_decision(&self, out: &mut Vec<u8>, ruleset: &Ruleset, outcome: &Classification) {
        let escaping = self.escaping;
        let [yes, no, review] = &self.declared;
        match outcome.declared {
            Declared::Yes => yes,
            Declared::No => no,
            Declared::Review => review,
        }
        .push(out);
        match outcome.trigger {
            Some(t) => {
                let text = || ruleset.trigger(t).id.value.as_str();
                push_encoded(out, &self.triggers, t.index(), text, escaping);
            }
            None => self.no_trigger.push(out),
        }
        match outcome.rule.map(|i| self.criteria.get(i).ok_or(i)) {
            None => self.no_criterion.push(out),
            Some(Ok(cells)) => cells.push(out),
            Some(Err(i)) => {
                let criterion = ruleset.criterion(i);
                push_cell(out, &criterion.id.value, escaping);
                out.push(b',');
                push_cell(out, &criterion.citation.value, escaping);
                out.push(b',');
            }
        }
    }

    /// The key of [`Self::push_decision`]'s cells in [`CsvRows::tails`]
    /// (under `2^63`), if the indexes are not too big for one.
    #[inline(always)]
    fn decision_key(outcome: &Classification) -> Option<u64> {
        let declared = match outcome.declared {
            Declared::Yes => 0,
            Declared::No => 1,
            Declared::Review => 2,
        };
        let trigger = key_part(outcome.trigger.map(|t| t.index()), 30)?;
        let rule = key_part(outcome.rule, 31)?;
        Some(declared | trigger << 2 | rule << 32)
    }
}

impl CsvRows {
    /// The cells of `ruleset`, encoded through `escaping`.
    pub fn new(ruleset: &Ruleset, escaping: CellEscaping) -> Self {
        let cell = |text: &str| encode(text, escaping, b',');
        let criterion = |id: &str, citation: &str| {
            let mut cells = Vec::new();
            push_cell(&mut cells, id, escaping);
            cells.push(b',');
            push_cell(&mut cells, citation, escaping);
            cells.push(b',');
            Encoded::new(&cells)
        };
        let cells = Cells {
            escaping,
            id: Shown::of(ruleset, "id", escaping),
            occurred_at: Shown::of(ruleset, "occurred_at", escaping),
            category: Shown::of(ruleset, "category", escaping),
            signature: Shown::of(ruleset, "signature", escaping),
            levels: ruleset.levels.iter().map(|l| cell(&l.id.value)).collect(),
            unclassified: cell("unclassified"),
            triggers: ruleset.triggers.iter().map(|t| cell(&t.id.value)).collect(),
            no_trigger: cell(""),
            criteria: ruleset
                .criteria
                .iter()
                .map(|c| criterion(&c.id.value, &c.citation.value))
                .collect(),
            no_criterion: criterion("", ""),
            declared: [Declared::Yes, Declared::No, Declared::Review].map(|d| cell(d.as_str())),
            unallocated_agency: cell("unallocated"),
            no_agency: cell(""),
            no_flags: encode("", escaping, b'\n'),
            unallocated: encode(UNALLOCATED, escaping, b'\n'),
        };
        CsvRows {
            cells,
            heads: Runs::default(),
            tails: Runs::default(),
            work: Work {
                escaping,
                tz: ruleset.meta.timezone.value,
                clock: LocalClock::default(),
                scratch: String::new(),
                agencies: Memo::default(),
                flag_cells: Memo::default(),
            },
        }
    }

    /// Appends the CSV row of a classified record to `out`.
    #[inline(always)]
    pub fn write(
        &mut self,
        out: &mut Vec<u8>,
        classifier: &Classifier<'_>,
        record: &Record,
        outcome: &Classification,
        origin: &Origin,
    ) {
        let ruleset = classifier.ruleset();
        let cells = &self.cells;
        let work = &mut self.work;
        match cells.id.field.and_then(|f| record.get(f)) {
            Some(value) => work.value(out, ruleset, &cells.id, value),
            None => work.origin(out, origin),
        }
        work.field(out, ruleset, record, &cells.occurred_at);
        match &outcome.agency {
            Some(a) => work.agency(out, a.agency),
            None if outcome.flags.contains(&Flag::Unallocated) => {
                cells.unallocated_agency.push(out);
            }
            None => cells.no_agency.push(out),
        }
        // The level and an enumeration's code (or nothing) as one run.
        let category = cells.category.field.and_then(|f| record.get(f));
        let code = match category {
            None => Some(None),
            Some(Value::Enum(i)) if cells.category.enumeration => Some(Some(*i)),
            Some(_) => None,
        };
        let head_key = code.and_then(|code| {
            let level = key_part(outcome.level.map(|l| l.index()), 31)?;
            let code = key_part(code.map(|i| i as usize), 32)?;
            Some(level << 32 | code)
        });
        match (head_key, code) {
            (Some(key), Some(code)) => self.heads.push_run(out, key, |out| {
                cells.push_level(out, ruleset, outcome.level);
                match code {
                    Some(i) => cells.category.push_code(out, ruleset, i, cells.escaping),
                    None => out.push(b','),
                }
            }),
            _ => {
                cells.push_level(out, ruleset, outcome.level);
                work.field(out, ruleset, record, &cells.category);
            }
        }
        work.field(out, ruleset, record, &cells.signature);
        match Cells::decision_key(outcome) {
            Some(key) => self.tails.push_run(out, key, |out| {
                cells.push_decision(out, ruleset, outcome);
            }),
            None => cells.push_decision(out, ruleset, outcome),
        }
        match &outcome.due {
            Some(d) => work
                .clock
                .push_cell_and_comma(out, d.at, d.tz, cells.escaping),
            None => out.push(b','),
        }
        match outcome.flags.as_slice() {
            [] => cells.no_flags.push(out),
            [Flag::Unallocated] => cells.unallocated.push(out),
            flags => work.flags(out, classifier, flags),
        }
    }
}

impl Work {
    /// Appends an agency and a comma, encoded once for each shared text
    /// met, through [`Self::agencies`]. Its sets of two slots matter: with
    /// a slot for each of 64 addresses, two of the dozen agencies of the
    /// usda table took one slot, and one row in eight encoded its agency
    /// again.
    #[inline(always)]
    fn agency(&mut self, out: &mut Vec<u8>, agency: &Arc<str>) {
        let escaping = self.escaping;
        let address = Arc::as_ptr(agency).cast::<u8>() as usize as u64;
        self.agencies.push(
            out,
            address >> 4,
            |held| held.as_ref().is_some_and(|h| Arc::ptr_eq(h, agency)),
            |held| *held = Some(Arc::clone(agency)),
            |out| push_cell_and(out, agency, escaping, b','),
        );
    }

    /// Appends where a record without an id is (`FILE:LINE`) and a comma.
    #[cold]
    fn origin(&mut self, out: &mut Vec<u8>, origin: &Origin) {
        self.scratch.clear();
        let _ = write!(self.scratch, "{origin}");
        push_cell(out, &self.scratch, self.escaping);
        out.push(b',');
    }

    /// Appends the lines of `flags` as one cell, and the end of the row,
    /// through [`Self::flag_cells`] (a buffer writes the rows of one
    /// classifier, so the same flags have the same lines).
    fn flags(&mut self, out: &mut Vec<u8>, classifier: &Classifier<'_>, flags: &[Flag]) {
        let escaping = self.escaping;
        let scratch = &mut self.scratch;
        self.flag_cells.push(
            out,
            flags_hash(flags),
            |held| held.as_deref() == Some(flags),
            |held| {
                let held = held.get_or_insert_with(Vec::new);
                held.clear();
                held.extend_from_slice(flags);
            },
            |out| push_flags(out, scratch, classifier, flags, escaping),
        );
    }

    /// Appends a field of the record (empty if the ruleset lacks the field
    /// or the record its value) and the comma after it.
    #[inline(always)]
    fn field(&mut self, out: &mut Vec<u8>, ruleset: &Ruleset, record: &Record, shown: &Shown) {
        match shown.field.and_then(|f| record.get(f)) {
            Some(value) => self.value(out, ruleset, shown, value),
            None => out.push(b','),
        }
    }

    /// Appends a value of `shown`'s field as output shows it (the text of
    /// [`super::classification::field_text`]), and a comma.
    #[inline(always)]
    fn value(&mut self, out: &mut Vec<u8>, ruleset: &Ruleset, shown: &Shown, value: &Value) {
        let escaping = self.escaping;
        match value {
            Value::Str(s) => push_cell_and(out, s, escaping, b','),
            Value::Enum(i) if shown.enumeration => shown.push_code(out, ruleset, *i, escaping),
            Value::Time(t) => {
                let tz = self.tz;
                self.clock
                    .push_cell_and_comma(out, t.to_utc(), tz, escaping);
            }
            value => {
                self.display(out, value);
                out.push(b',');
            }
        }
    }

    /// Appends a value as its `Display` text.
    #[cold]
    fn display(&mut self, out: &mut Vec<u8>, value: &Value) {
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        push_cell(out, &self.scratch, self.escaping);
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
            // Each record twice, in turn and the other way round, so that
            // the encodings kept are met again after others.
            let records = records(&ruleset);
            let again = records.iter().rev().cloned();
            for mut record in records.clone().into_iter().chain(again) {
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
