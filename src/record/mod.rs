//! The canonical record: the typed field values a ruleset classifies.

pub mod timestamp;
mod value;

pub use value::{
    Value, ValueError, format_number, parse_bool, parse_ip, parse_money, parse_timestamp,
    parse_value, trim,
};

use crate::ruleset::model::{FieldDef, FieldId};

/// One record, its values indexed by [`FieldId`].
///
/// A record is a flat vector rather than a map: classification touches a
/// handful of fields per criterion, millions of times, and an index is the
/// cheapest lookup there is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    values: Vec<Option<Value>>,
}

impl Record {
    /// A record with room for `fields` fields, all absent.
    pub fn with_fields(fields: usize) -> Self {
        Record {
            values: vec![None; fields],
        }
    }

    /// The value of a field, if present.
    pub fn get(&self, field: FieldId) -> Option<&Value> {
        self.values.get(field.index()).and_then(Option::as_ref)
    }

    /// Sets (or clears) a field.
    pub fn set(&mut self, field: FieldId, value: Option<Value>) {
        let i = field.index();
        if i >= self.values.len() {
            self.values.resize(i + 1, None);
        }
        if let Some(slot) = self.values.get_mut(i) {
            *slot = value;
        }
    }

    /// Fills each absent field that names a `fallback` from that field
    /// (`reported_at` defaults to `occurred_at`), in definition order.
    pub fn apply_fallbacks(&mut self, fields: &[FieldDef]) {
        for (i, def) in fields.iter().enumerate() {
            let id = FieldId::from_index(i);
            if let (None, Some(fallback)) = (self.get(id), def.fallback) {
                let value = self.get(fallback).cloned();
                self.set(id, value);
            }
        }
    }

    /// Clears every field, keeping the allocation for the next record.
    pub fn clear(&mut self) {
        self.values.iter_mut().for_each(|v| *v = None);
    }
}
