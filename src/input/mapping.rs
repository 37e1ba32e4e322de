//! From raw input fields to a typed [`Record`].
//!
//! Canonical inputs name record fields directly. Suricata and Snort are
//! mapped by the ruleset's `mappings`: paths into the input, value maps,
//! constants, then ordered rules on the partly built record (the first rule
//! that matches sets each field still absent).

use std::net::IpAddr;

use super::row_block::RowRef;
use super::{InputFormat, RawFields, RawRecord};
use crate::diagnostic::suggest;
use crate::record::timestamp::read_fixed;
use crate::record::{Record, Value, parse_dotted_quad, parse_value, trim, trim_ascii_bytes};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{EnumSpec, FieldId, FieldType, Mapping, Stage};

/// Turns raw records of one format into typed records.
pub struct Mapper<'r> {
    ruleset: &'r Ruleset,
    mapping: Option<&'r Mapping>,
    /// Each field with a fallback, and that fallback, in definition order:
    /// listed once rather than found among all fields per record.
    fallbacks: Vec<(FieldId, FieldId)>,
}

/// The record field a column of a canonical CSV header names, with how to
/// read its cells: resolved once per input, so that reading a cell needs no
/// lookup by name or id, nor a look at the field's type.
#[derive(Clone, Copy, Debug)]
pub struct Column<'r> {
    field: FieldId,
    read: CellRead<'r>,
}

/// How [`Mapper::map_cells`] reads the cells of a column. Each way but
/// `Parse` is a fast path for the spellings bulk inputs use most, read
/// straight from the cell's bytes; any other spelling (and every error)
/// goes through [`parse_value`], which gives the same values.
#[derive(Clone, Copy, Debug)]
enum CellRead<'r> {
    /// A text field: the cell, once checked to be UTF-8.
    Text,
    /// An enumeration: a code spelled as the ruleset spells it.
    Enum(&'r EnumSpec),
    /// An address: a dotted quad.
    Ip,
    /// A timestamp: a spelling [`read_fixed`] reads.
    Time,
    /// Any other type: `parse_value` on the cell's text.
    Parse,
}

/// Why a record could not be mapped; becomes its reject reason.
pub type MapError = String;

/// Why [`Mapper::map_cells`] could not map a row.
#[derive(Clone, Debug, PartialEq)]
pub enum CellError {
    /// The cell of this column (by index) is not UTF-8.
    NotUtf8(usize),
    /// A cell's text is not a value of its field.
    Map(MapError),
}

/// Why [`Mapper::map_row`] rejects a row.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RowReject {
    /// The reject reason.
    pub reason: String,
    /// Whether the row is text (the right number of UTF-8 cells) and only
    /// a value did not read: it counts as a record read, for the warning
    /// about the header given with the first one.
    pub is_text: bool,
}

/// Why [`Mapper::map_row`] rejects `row`, which it stopped on with `error`:
/// out of line, so that the loop over cells keeps its registers.
#[cold]
#[inline(never)]
fn reject_row(header: &[String], row: RowRef<'_>, error: CellError) -> RowReject {
    match super::table::row_text(header, row) {
        Ok(_) => RowReject {
            reason: error.reason(header),
            is_text: true,
        },
        Err(reason) => RowReject {
            reason,
            is_text: false,
        },
    }
}

impl CellError {
    /// The reject reason, naming a column by its `header` name.
    pub fn reason(self, header: &[String]) -> String {
        match self {
            CellError::NotUtf8(column) => super::table::not_utf8(header, column),
            CellError::Map(reason) => reason,
        }
    }
}

impl<'r> Mapper<'r> {
    /// A mapper for one input format. Mapped formats need the ruleset's
    /// mapping for them.
    pub fn new(ruleset: &'r Ruleset, format: InputFormat) -> Result<Self, String> {
        let mapping = match format {
            InputFormat::Csv | InputFormat::Jsonl => None,
            InputFormat::Suricata | InputFormat::Snort => {
                let name = format.name();
                Some(ruleset.mappings.iter().find(|m| m.format.value == name).ok_or_else(|| {
                    format!("the ruleset `{}` has no `mappings: {name}:` to read {name} input with", ruleset.meta.id.value)
                })?)
            }
        };
        let fallbacks = ruleset
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, def)| Some((FieldId::from_index(i), def.fallback?)))
            .collect();
        Ok(Mapper {
            ruleset,
            mapping,
            fallbacks,
        })
    }

    /// Input column or key names that are not fields of the ruleset, each
    /// with a suggestion: worth a warning, since a misspelt header
    /// (`catgory`) would otherwise silently leave every record without it.
    pub fn unknown_names<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        if self.mapping.is_some() {
            return Vec::new();
        }
        let inputs = self.input_fields();
        names
            .into_iter()
            .filter(|n| !n.is_empty() && self.field(n).is_none())
            .map(|n| match suggest::did_you_mean(n, inputs.iter().copied()) {
                Some(best) => format!("`{n}` (did you mean `{best}`?)"),
                None => format!("`{n}`"),
            })
            .collect()
    }

    fn input_fields(&self) -> Vec<&'r str> {
        self.ruleset
            .fields
            .iter()
            .filter(|f| f.stage == Stage::Input)
            .map(|f| f.name.value.as_str())
            .collect()
    }

    fn field(&self, name: &str) -> Option<FieldId> {
        self.ruleset
            .field_id(name)
            .filter(|id| self.ruleset.field(*id).stage == Stage::Input)
    }

    /// Fills `record` from `raw`. `record` is cleared first.
    pub fn map(&self, raw: &RawRecord, record: &mut Record) -> Result<(), MapError> {
        record.clear();
        match self.mapping {
            None => {
                let entries = raw.fields.entries();
                let fields = entries
                    .iter()
                    .map(|(name, value)| (self.field(name), value.as_deref()));
                self.fill(fields, record)?;
            }
            Some(mapping) => self.apply_mapping(mapping, &raw.fields, record)?,
        }
        self.apply_fallbacks(record);
        Ok(())
    }

    fn apply_fallbacks(&self, record: &mut Record) {
        for &(field, fallback) in &self.fallbacks {
            record.apply_fallback(field, fallback);
        }
    }

    /// The record field each column of a canonical header names (`None`:
    /// not an input field), resolved once per input rather than per row.
    pub fn columns(&self, header: &[String]) -> Vec<Option<Column<'r>>> {
        header
            .iter()
            .map(|name| {
                self.field(name).map(|field| Column {
                    field,
                    read: match &self.ruleset.field(field).ty {
                        FieldType::String => CellRead::Text,
                        FieldType::Enum(spec) => CellRead::Enum(spec),
                        FieldType::Ip => CellRead::Ip,
                        FieldType::Timestamp => CellRead::Time,
                        _ => CellRead::Parse,
                    },
                })
            })
            .collect()
    }

    /// Fills `record` from one canonical CSV row, or says why the row is
    /// rejected, exactly as reading it as an [`Item`](super::Item) and
    /// [`map`](Self::map)ping that would (the row's text for the rejects
    /// file, which not every caller needs, is
    /// [`reject_text`](super::table::reject_text)): [`map_cells`](Self::map_cells)
    /// for every row, and the whole-row checks of
    /// [`row_text`](super::table::row_text) only for a row it stops on, to
    /// name the reason (a cell that is not UTF-8 anywhere in the row comes
    /// before a value that does not read).
    pub(crate) fn map_row(
        &self,
        columns: &[Option<Column<'r>>],
        header: &[String],
        row: RowRef<'_>,
        record: &mut Record,
    ) -> Result<(), RowReject> {
        let error = match super::table::check_width(header, row) {
            Ok(()) => match self.map_cells(columns, row.iter(), record) {
                Ok(()) => return Ok(()),
                Err(error) => error,
            },
            Err(reason) => CellError::Map(reason),
        };
        Err(reject_row(header, row, error))
    }

    /// Fills `record` from the cells of a canonical row, each with the
    /// column [`columns`](Self::columns) gave it. Cells are trimmed; empty
    /// ones are absent. `record` is cleared first.
    ///
    /// Cells are bytes: every cell must be UTF-8 (a row that is not is
    /// rejected), but a cell read by a fast path as a code, an address or a
    /// timestamp is ASCII by then, so only the others are checked. The
    /// first cell that is not UTF-8, or whose text is not a value of its
    /// field, stops the row.
    pub fn map_cells<'a>(
        &self,
        columns: &[Option<Column<'r>>],
        cells: impl Iterator<Item = &'a [u8]>,
        record: &mut Record,
    ) -> Result<(), CellError> {
        record.clear();
        for (i, (column, cell)) in columns.iter().zip(cells).enumerate() {
            // An empty cell is UTF-8 and absent whatever its column: a
            // third of a typical row, passed before any other test.
            if cell.is_empty() {
                continue;
            }
            let not_utf8 = |_| CellError::NotUtf8(i);
            let Some(column) = column else {
                // Not a field, but still part of a row that must be text.
                std::str::from_utf8(cell).map_err(not_utf8)?;
                continue;
            };
            // ASCII whitespace is stripped from the bytes; a cell with
            // anything else at an end is checked and trimmed as text.
            let bytes = match trim_ascii_bytes(cell) {
                Some(bytes) => bytes,
                None => trim(std::str::from_utf8(cell).map_err(not_utf8)?).as_bytes(),
            };
            if bytes.is_empty() {
                continue;
            }
            let field = column.field;
            let value = match column.read {
                CellRead::Text => {
                    record.set_text(field, std::str::from_utf8(bytes).map_err(not_utf8)?);
                    continue;
                }
                CellRead::Enum(spec) => spec.lookup_exact(bytes).map(Value::Enum),
                CellRead::Ip => parse_dotted_quad(bytes).map(|v4| Value::Ip(IpAddr::V4(v4))),
                CellRead::Time => read_fixed(bytes, self.ruleset.meta.timezone.value)
                    .and_then(Result::ok)
                    .map(Value::Time),
                CellRead::Parse => None,
            };
            let value = match value {
                Some(value) => value,
                None => {
                    let text = std::str::from_utf8(bytes).map_err(not_utf8)?;
                    self.parse(field, text).map_err(CellError::Map)?
                }
            };
            record.set(field, Some(value));
        }
        self.apply_fallbacks(record);
        Ok(())
    }

    /// Sets each named field that has a value.
    fn fill<'a>(
        &self,
        fields: impl Iterator<Item = (Option<FieldId>, Option<&'a str>)>,
        record: &mut Record,
    ) -> Result<(), MapError> {
        for (field, text) in fields {
            if let (Some(field), Some(text)) = (field, text) {
                record.set(field, Some(self.parse(field, text)?));
            }
        }
        Ok(())
    }

    fn apply_mapping(
        &self,
        mapping: &Mapping,
        fields: &RawFields,
        record: &mut Record,
    ) -> Result<(), MapError> {
        for source in &mapping.fields {
            let Some(text) = source.paths.iter().find_map(|p| fields.get(p)) else {
                continue;
            };
            let value = if source.map.is_empty() {
                self.parse(source.field, &text)?
            } else {
                let key = text.trim().to_lowercase();
                match source.map.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.clone(),
                    None => match &source.default {
                        Some(v) => v.clone(),
                        None => self.parse(source.field, &text)?,
                    },
                }
            };
            record.set(source.field, Some(value));
        }
        for (field, value) in &mapping.set {
            if record.get(*field).is_none() {
                record.set(*field, Some(value.clone()));
            }
        }
        for rule in &mapping.rules {
            if rule.when.matches(record) {
                for (field, value) in &rule.set {
                    if record.get(*field).is_none() {
                        record.set(*field, Some(value.clone()));
                    }
                }
            }
        }
        Ok(())
    }

    fn parse(&self, field: FieldId, text: &str) -> Result<Value, MapError> {
        let def = self.ruleset.field(field);
        parse_value(
            &def.ty,
            text,
            self.ruleset.meta.timezone.value,
            (def.min, def.max),
        )
        .map_err(|e| format!("field `{}`: {e}", def.name.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::table::{canonical_item, reject_text};
    use crate::input::{Item, Origin};
    use proptest::prelude::*;
    use std::sync::Arc;

    /// Cells that take every path of `map_cells`: fast spellings, spellings
    /// only the general parser reads, errors, whitespace (ASCII and not)
    /// around each, invalid UTF-8 and a character cut in two.
    const CELLS: &[&[u8]] = &[
        b"",
        b" ",
        b"EV-1",
        b"\xc3\xa9t\xc3\xa9",
        b"\xff",
        b"a\xc3",
        b"\xa9b",
        b"ids",
        b"IDS",
        b"Ids ",
        b"scan-probe",
        b"High: Internal",
        b"idz",
        b"192.0.2.1",
        b"010.0.0.1",
        b"2001:db8::1",
        b"192.0.2.1:80",
        b"300.1.1.1",
        b"2026-01-30T08:47:59Z",
        b"2026-01-30 08:47:59",
        b"2026-03-08 02:30:00",
        b"2026-01-30T08:47:59.5+01:00",
        b"1499169318",
        b"2026-02-30 10:00:00",
        b"150,000.00",
        b"12a",
        b"-3",
        b"true",
    ];

    fn cell() -> impl Strategy<Value = Vec<u8>> {
        let pads: &[&[u8]] = &[b"", b" ", b"\t", b"\xc2\xa0", b"\xe3\x80\x80", b"\r"];
        (
            proptest::sample::select(CELLS),
            proptest::sample::select(pads),
            proptest::sample::select(pads),
        )
            .prop_map(|(cell, before, after)| [before, cell, after].concat())
    }

    proptest! {
        #[test]
        fn rows_map_as_their_items_do(
            order in Just(()).prop_perturb(|_, mut rng| {
                let mut names = vec![
                    "id", "occurred_at", "reported_at", "source", "reporter", "category",
                    "loss_usd", "src_ip", "dst_ip", "ids_rating", "confirmed",
                    "uscert_priority", "extra", "",
                ];
                for i in (1..names.len()).rev() {
                    names.swap(i, (rng.next_u32() as usize) % (i + 1));
                }
                names
            }),
            mut cells in proptest::collection::vec(cell(), 14),
            previous in proptest::collection::vec(cell(), 13..=15),
            width in 0..8u8,
        ) {
            // Now and then a row a cell short or long.
            match width {
                0 => drop(cells.pop()),
                1 => cells.push(b"x".to_vec()),
                _ => {}
            }
            let ruleset = crate::ruleset::load(std::path::Path::new("rules/usda")).expect("usda");
            let mapper = Mapper::new(&ruleset, InputFormat::Csv).expect("a mapper");
            let header: Arc<[String]> = order.iter().map(|n| (*n).to_owned()).collect();
            let columns = mapper.columns(&header);
            let row = crate::input::rows::CsvRow::from_cells(cells);
            // The record is reused: a row mapped (or stopped on) before
            // must leave nothing behind.
            let mut fast = Record::with_fields(ruleset.fields.len());
            let previous = crate::input::rows::CsvRow::from_cells(previous);
            let _ = mapper.map_row(&columns, &header, previous.as_row(), &mut fast);
            let fast = mapper
                .map_row(&columns, &header, row.as_row(), &mut fast)
                .map(|()| fast)
                .map_err(|r| (r.reason, reject_text(&header, row.as_row()), r.is_text));
            let origin = Origin { input: "t".into(), line: 2 };
            let general = match canonical_item(origin, &header, row.as_row()) {
                Item::Record(raw) => {
                    let mut record = Record::with_fields(ruleset.fields.len());
                    mapper
                        .map(&raw, &mut record)
                        .map(|()| record)
                        .map_err(|reason| (reason, raw.raw_text(), true))
                }
                Item::Rejected(reject) => Err((reject.reason, reject.raw, false)),
                Item::Skipped { .. } => Err(("skipped".into(), String::new(), false)),
            };
            prop_assert_eq!(fast, general);
        }
    }
}
