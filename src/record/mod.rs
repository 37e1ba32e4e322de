//! The canonical record: the typed field values a ruleset classifies.

mod ipv4;
mod text;
pub mod timestamp;
mod value;

pub use text::Text;

pub use value::{
    Value, ValueError, format_number, parse_bool, parse_ip, parse_money, parse_timestamp,
    parse_value, trim,
};

use crate::ruleset::model::{FieldDef, FieldId};

/// One record, its values indexed by [`FieldId`].
///
/// A record is a flat vector rather than a map: classification touches a
/// handful of fields per criterion, millions of times, and an index is the
/// cheapest lookup there is. It is reused from row to row, and keeps the
/// buffer of each text value it clears for the next text of that field
/// (see [`set_text`](Self::set_text)), so that reading a row of text
/// cells allocates nothing once the buffers have grown.
#[derive(Clone, Debug, Default)]
pub struct Record {
    values: Vec<Option<Value>>,
    /// Per field, as long as `values`: an emptied text buffer to reuse.
    buffers: Vec<String>,
}

impl PartialEq for Record {
    /// Records are equal when their values are; spare buffers don't count.
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

impl Record {
    /// A record with room for `fields` fields, all absent.
    pub fn with_fields(fields: usize) -> Self {
        Record {
            values: vec![None; fields],
            buffers: vec![String::new(); fields],
        }
    }

    /// The value of a field, if present.
    pub fn get(&self, field: FieldId) -> Option<&Value> {
        self.values.get(field.index()).and_then(Option::as_ref)
    }

    /// Sets (or clears) a field.
    pub fn set(&mut self, field: FieldId, value: Option<Value>) {
        let i = field.index();
        self.make_room(i);
        if let Some(slot) = self.values.get_mut(i) {
            let old = std::mem::replace(slot, value);
            self.keep_buffer(i, old);
        }
    }

    /// Sets a field to the text `text`, copied into the buffer the record
    /// keeps for that field rather than into a new allocation.
    pub fn set_text(&mut self, field: FieldId, text: &str) {
        let i = field.index();
        self.make_room(i);
        let mut buffer = self
            .buffers
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default();
        buffer.clear();
        buffer.push_str(text);
        self.set(field, Some(Value::Str(Text::from_buffer(buffer))));
    }

    fn make_room(&mut self, i: usize) {
        if i >= self.values.len() {
            self.values.resize(i + 1, None);
        }
        if i >= self.buffers.len() {
            self.buffers.resize(self.values.len(), String::new());
        }
    }

    /// Keeps the buffer of `old`, a value just removed from field `i`.
    fn keep_buffer(&mut self, i: usize, old: Option<Value>) {
        if let Some(Value::Str(text)) = old {
            if let (Some(buffer), Some(slot)) = (text.into_buffer(), self.buffers.get_mut(i)) {
                *slot = buffer;
            }
        }
    }

    /// Fills each absent field that names a `fallback` from that field
    /// (`reported_at` defaults to `occurred_at`), in definition order.
    pub fn apply_fallbacks(&mut self, fields: &[FieldDef]) {
        for (i, def) in fields.iter().enumerate() {
            if let Some(fallback) = def.fallback {
                self.apply_fallback(FieldId::from_index(i), fallback);
            }
        }
    }

    /// Fills `field`, if absent, from `fallback`: one step of
    /// [`apply_fallbacks`](Self::apply_fallbacks), for callers that have
    /// listed the fields with a fallback once rather than per record.
    pub fn apply_fallback(&mut self, field: FieldId, fallback: FieldId) {
        if self.get(field).is_some() {
            return;
        }
        if !matches!(self.get(fallback), Some(Value::Str(_))) {
            let value = self.get(fallback).cloned();
            self.set(field, value);
            return;
        }
        // Text is copied into this field's own buffer rather than cloned
        // into a new allocation.
        let i = field.index();
        self.make_room(i);
        let mut buffer = self
            .buffers
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default();
        buffer.clear();
        if let Some(Some(Value::Str(text))) = self.values.get(fallback.index()) {
            buffer.push_str(text);
        }
        self.set(field, Some(Value::Str(Text::from_buffer(buffer))));
    }

    /// Clears every field, keeping the allocation for the next record and
    /// the buffers of its text values for the next texts.
    pub fn clear(&mut self) {
        for (slot, buffer) in self.values.iter_mut().zip(self.buffers.iter_mut()) {
            if let Some(Value::Str(text)) = slot.take() {
                if let Some(kept) = text.into_buffer() {
                    *buffer = kept;
                }
            }
        }
        // Values past the buffers (none, as both grow together) still go.
        self.values
            .iter_mut()
            .skip(self.buffers.len())
            .for_each(|v| *v = None);
    }
}
