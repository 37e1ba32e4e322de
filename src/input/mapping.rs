//! From raw input fields to a typed [`Record`].
//!
//! Canonical inputs name record fields directly. Suricata and Snort are
//! mapped by the ruleset's `mappings`: paths into the input, value maps,
//! constants, then ordered rules on the partly built record (the first rule
//! that matches sets each field still absent).

use chrono::{DateTime, FixedOffset};

use super::{InputFormat, RawFields, RawRecord};
use crate::diagnostic::suggest;
use crate::record::timestamp::read_fixed;
use crate::record::{Record, Value, parse_ip, parse_value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldDef, FieldId, FieldType, Mapping, Stage};

/// Turns raw records of one format into typed records.
pub struct Mapper<'r> {
    ruleset: &'r Ruleset,
    mapping: Option<&'r Mapping>,
    /// Each field with a fallback, and that fallback, in definition order:
    /// listed once rather than found among all fields per record.
    fallbacks: Vec<(FieldId, FieldId)>,
}

/// The record field a column of a canonical CSV header names, with its
/// definition: resolved once per input, so that reading a cell needs no
/// lookup by name or id.
#[derive(Clone, Copy, Debug)]
pub struct Column<'r> {
    field: FieldId,
    def: &'r FieldDef,
}

/// Why a record could not be mapped; becomes its reject reason.
pub type MapError = String;

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
                    def: self.ruleset.field(field),
                })
            })
            .collect()
    }

    /// Fills `record` from the cells of a canonical row, each with the
    /// column [`columns`](Self::columns) gave it. Cells are trimmed; empty
    /// ones are absent. `record` is cleared first.
    pub fn map_cells<'a>(
        &self,
        columns: &[Option<Column<'r>>],
        cells: impl Iterator<Item = &'a str>,
        record: &mut Record,
    ) -> Result<(), MapError> {
        record.clear();
        for (column, text) in columns.iter().zip(cells) {
            let Some(column) = column else {
                continue;
            };
            let text = crate::record::trim(text);
            if text.is_empty() {
                continue;
            }
            // The spellings bulk inputs use most, read straight into the
            // record; anything else (and every error) goes through
            // `parse_value`, which gives the same values.
            let field = column.field;
            match &column.def.ty {
                FieldType::String => {
                    record.set_text(field, text);
                    continue;
                }
                FieldType::Enum(spec) => {
                    if let Some(code) = spec.lookup(text) {
                        record.set(field, Some(Value::Enum(code)));
                        continue;
                    }
                }
                FieldType::Ip => {
                    if let Some(ip) = parse_ip(text) {
                        record.set(field, Some(Value::Ip(ip)));
                        continue;
                    }
                }
                FieldType::Timestamp => {
                    if let Some(t) = self.fixed_time(text) {
                        record.set(field, Some(Value::Time(t)));
                        continue;
                    }
                }
                _ => {}
            }
            record.set(field, Some(self.parse(field, text)?));
        }
        self.apply_fallbacks(record);
        Ok(())
    }

    /// A timestamp in one of the spellings [`parse_fixed`] reads, as
    /// [`parse_value`] would read it; `None` for other spellings, and for
    /// local times skipped or repeated in the ruleset's zone (whose error
    /// `parse_value` gives).
    fn fixed_time(&self, text: &str) -> Option<DateTime<FixedOffset>> {
        read_fixed(text, self.ruleset.meta.timezone.value)?.ok()
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
