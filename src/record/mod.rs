//! The canonical record: the typed field values a ruleset classifies.

mod fixed_dates;
mod ipv4;
mod parked;
mod text;
pub mod timestamp;
mod value;

pub use ipv4::parse_dotted_quad;
pub use text::Text;

pub use value::{
    Value, ValueError, format_number, parse_bool, parse_ip, parse_money, parse_timestamp,
    parse_value, trim, trim_ascii, trim_ascii_bytes,
};

use std::sync::Arc;

use crate::ruleset::model::{FieldDef, FieldId};

/// One record, its values indexed by [`FieldId`].
///
/// A record is a flat vector rather than a map: classification touches a
/// handful of fields per criterion, millions of times, and an index is the
/// cheapest lookup there is. It is reused from row to row: clearing it
/// visits only the fields that were set, and it keeps the buffer of each
/// text value it clears for the next text of that field (see
/// [`set_text`](Self::set_text)), so that reading a row allocates nothing
/// once the buffers have grown.
#[derive(Clone, Default)]
pub struct Record {
    values: Vec<Option<Value>>,
    /// Per field, as long as `values`: an emptied text buffer to reuse.
    buffers: Vec<String>,
    /// The fields given a value since the last clear (perhaps absent again
    /// since): the only ones [`clear`](Self::clear) needs to visit.
    filled: Vec<usize>,
    /// The same fields as bits (see [`filled_bits`](Self::filled_bits)).
    filled_bits: u64,
    /// Shared texts of cleared fields, to hand out again (see
    /// [`set_shared_text`](Self::set_shared_text)).
    parked: parked::Parked,
}

impl std::fmt::Debug for Record {
    /// The values, as before the record kept buffers: those are no part of
    /// what it holds.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Record")
            .field("values", &self.values)
            .finish()
    }
}

impl PartialEq for Record {
    /// Records are equal when their values are; buffers and the list of
    /// fields to clear don't count.
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
            filled: Vec::with_capacity(fields),
            filled_bits: 0,
            parked: parked::Parked::default(),
        }
    }

    /// The value of a field, if present.
    pub fn get(&self, field: FieldId) -> Option<&Value> {
        self.values.get(field.index()).and_then(Option::as_ref)
    }

    /// The fields given a value since the last clear, as bits: field `i`
    /// sets bit `i % 64`. A field whose bit is clear is absent; one whose
    /// bit is set may be present (or have been set to `None` since, or
    /// share the bit with a field 64 apart), so look it up.
    ///
    /// A reader that tests a few of many fields, most of them absent (the
    /// [decision key](crate::classify)), visits only the fields whose bits
    /// are set instead of looking up each one.
    #[inline]
    pub fn filled_bits(&self) -> u64 {
        self.filled_bits
    }

    /// Sets (or clears) a field.
    // Always inlined: this is the hot path of reading every cell, a few
    // instructions once the copy of the value is folded into the caller's.
    #[inline(always)]
    pub fn set(&mut self, field: FieldId, value: Option<Value>) {
        let i = field.index();
        match self.values.get_mut(i) {
            // The common case of reading a row: a field cleared before it.
            Some(slot @ None) => {
                let filled = value.is_some();
                *slot = value;
                if filled {
                    self.filled.push(i);
                    self.filled_bits |= bit(i);
                }
            }
            _ => self.replace(i, value),
        }
    }

    /// [`set`](Self::set) for a field that has a value or is past the end.
    #[inline(never)]
    fn replace(&mut self, i: usize, value: Option<Value>) {
        self.make_room(i);
        let Some(slot) = self.values.get_mut(i) else {
            return;
        };
        match slot {
            None => {
                if value.is_some() {
                    self.filled.push(i);
                    self.filled_bits |= bit(i);
                }
                *slot = value;
            }
            Some(Value::Str(_)) => {
                let old = std::mem::replace(slot, value);
                keep_text(&mut self.buffers, &mut self.parked, i, old);
            }
            Some(_) => *slot = value,
        }
    }

    /// Sets a field to the shared text `text`: the same value as
    /// `set(field, Some(Value::Str(Arc::clone(text).into())))`, but a text
    /// the record held before and cleared is moved back rather than cloned,
    /// and so is not counted again (see `parked`): for the agency every
    /// record is given.
    #[inline]
    pub fn set_shared_text(&mut self, field: FieldId, text: &Arc<str>) {
        let text = self.parked.take_or_clone(text);
        self.set(field, Some(Value::Str(text.into())));
    }

    /// Sets a field to the text `text`, copied into the buffer the record
    /// keeps for that field rather than into a new allocation.
    pub fn set_text(&mut self, field: FieldId, text: &str) {
        let mut buffer = self.take_buffer(field.index());
        buffer.push_str(text);
        self.set(field, Some(Value::Str(Text::from_buffer(buffer))));
    }

    /// The emptied buffer kept for field `i`.
    fn take_buffer(&mut self, i: usize) -> String {
        let mut buffer = self
            .buffers
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default();
        buffer.clear();
        buffer
    }

    #[inline]
    fn make_room(&mut self, i: usize) {
        if i >= self.values.len() || i >= self.buffers.len() {
            self.grow(i);
        }
    }

    /// Room for field `i`, in a record made with fewer fields.
    #[cold]
    fn grow(&mut self, i: usize) {
        self.values.resize(self.values.len().max(i + 1), None);
        self.buffers.resize(self.values.len(), String::new());
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
    // Inlined (always: once `diff` mapped rows too, the compiler stopped
    // doing it on its own): once a row in the mapper, where the field is
    // usually absent and its fallback a timestamp, a copy of a few words.
    #[inline(always)]
    pub fn apply_fallback(&mut self, field: FieldId, fallback: FieldId) {
        if self.get(field).is_some() {
            return;
        }
        match self.get(fallback) {
            Some(Value::Str(_)) => self.copy_text(field, fallback),
            value => {
                let value = value.cloned();
                self.set(field, value);
            }
        }
    }

    /// [`apply_fallback`](Self::apply_fallback) from a text field.
    #[inline(never)]
    fn copy_text(&mut self, field: FieldId, fallback: FieldId) {
        // Text is copied into this field's own buffer rather than cloned
        // into a new allocation.
        let mut buffer = self.take_buffer(field.index());
        if let Some(Some(Value::Str(text))) = self.values.get(fallback.index()) {
            buffer.push_str(text);
        }
        self.set(field, Some(Value::Str(Text::from_buffer(buffer))));
    }

    /// Clears every field, keeping the allocation for the next record and
    /// the buffers of its text values for the next texts.
    pub fn clear(&mut self) {
        let Record {
            values,
            buffers,
            filled,
            filled_bits,
            parked,
        } = self;
        for &i in filled.iter() {
            match values.get_mut(i) {
                Some(slot @ Some(Value::Str(_))) => {
                    let old = slot.take();
                    keep_text(buffers, parked, i, old);
                }
                Some(slot) => *slot = None,
                None => {}
            }
        }
        filled.clear();
        *filled_bits = 0;
    }
}

/// Field `i`'s bit in [`Record::filled_bits`]: bit `i % 64`, a shift
/// without a test.
#[inline(always)]
fn bit(i: usize) -> u64 {
    1 << (i % 64)
}

/// Keeps the text of `old`, a value just removed from field `i`: its
/// buffer for the field's next text, or its shared text parked.
#[inline(always)]
fn keep_text(buffers: &mut [String], parked: &mut parked::Parked, i: usize, old: Option<Value>) {
    if let Some(Value::Str(text)) = old {
        match text.into_kept() {
            Ok(buffer) => {
                if let Some(slot) = buffers.get_mut(i) {
                    *slot = buffer;
                }
            }
            Err(shared) => parked.park(shared),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(record: &Record, i: usize) -> Option<String> {
        record.get(FieldId::from_index(i)).map(|v| v.to_string())
    }

    #[test]
    fn cleared_records_are_empty_and_reuse_their_text_buffers() {
        let mut record = Record::with_fields(3);
        record.set_text(FieldId::from_index(0), "a long enough identifier");
        record.set(FieldId::from_index(1), Some(Value::Bool(true)));
        record.set(FieldId::from_index(1), None);
        record.set(FieldId::from_index(1), Some(Value::Bool(false)));
        record.clear();
        assert_eq!(record, Record::with_fields(3));
        assert!(record.buffers[0].capacity() >= 24);
        record.set_text(FieldId::from_index(0), "short");
        record.set_text(FieldId::from_index(0), "shorter");
        assert_eq!(text(&record, 0).as_deref(), Some("shorter"));
        // A field past the end grows the record.
        record.set_text(FieldId::from_index(5), "x");
        assert_eq!(text(&record, 5).as_deref(), Some("x"));
        // Fields 64 apart share a bit.
        record.set(FieldId::from_index(66), Some(Value::Bool(true)));
        assert_eq!(record.filled_bits(), 1 | 1 << 2 | 1 << 5);
        record.clear();
        assert_eq!(record.filled_bits(), 0);
        assert_eq!(record.values.iter().filter(|v| v.is_some()).count(), 0);
    }

    /// One step of a record's life, for the property below.
    #[derive(Clone, Debug)]
    enum Step {
        /// Field, index of a shared text.
        Shared(usize, usize),
        /// Field, text read from input.
        Read(usize, String),
        /// Field set to a boolean, or to nothing.
        Other(usize, Option<bool>),
        Clear,
    }

    fn step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        prop_oneof![
            (0usize..4, 0usize..5).prop_map(|(f, t)| Step::Shared(f, t)),
            (0usize..4, "[a-z]{0,3}").prop_map(|(f, t)| Step::Read(f, t)),
            (0usize..4, proptest::option::of(any::<bool>())).prop_map(|(f, b)| Step::Other(f, b)),
            Just(Step::Clear),
        ]
    }

    proptest::proptest! {
        /// Setting shared text through the parked texts gives the record
        /// the same values as cloning the text in, whatever was set,
        /// replaced or cleared before; the value is the shared text itself,
        /// not a copy; and a dropped record leaves every text's count as it
        /// found it.
        #[test]
        fn shared_text_set_through_parking_is_the_cloned_text(
            steps in proptest::collection::vec(step(), 0..60)
        ) {
            // Two texts alike but distinct, as two tables' would be.
            let pool: Vec<Arc<str>> = ["ARS", "FS", "NRCS", "FS", ""]
                .iter()
                .map(|&t| Arc::from(t))
                .collect();
            let mut parked = Record::with_fields(2);
            let mut cloned = Record::with_fields(2);
            for step in steps {
                match &step {
                    Step::Shared(f, t) => {
                        let (field, text) = (FieldId::from_index(*f), &pool[*t]);
                        parked.set_shared_text(field, text);
                        cloned.set(field, Some(Value::Str(Arc::clone(text).into())));
                        let held = match parked.get(field) {
                            Some(Value::Str(s)) => std::ptr::eq(s.as_str(), &**text),
                            _ => false,
                        };
                        proptest::prop_assert!(held, "{step:?}");
                    }
                    Step::Read(f, t) => {
                        parked.set_text(FieldId::from_index(*f), t);
                        cloned.set_text(FieldId::from_index(*f), t);
                    }
                    Step::Other(f, b) => {
                        let value = b.map(Value::Bool);
                        parked.set(FieldId::from_index(*f), value.clone());
                        cloned.set(FieldId::from_index(*f), value);
                    }
                    Step::Clear => {
                        parked.clear();
                        cloned.clear();
                    }
                }
                proptest::prop_assert_eq!(&parked, &cloned, "{:?}", step);
                proptest::prop_assert_eq!(parked.filled_bits(), cloned.filled_bits());
            }
            drop((parked, cloned));
            for text in &pool {
                proptest::prop_assert_eq!(Arc::strong_count(text), 1);
            }
        }
    }

    #[test]
    fn text_fallbacks_are_copied() {
        let mut record = Record::with_fields(2);
        record.set(FieldId::from_index(0), Some(Value::Str("shared".into())));
        record.apply_fallback(FieldId::from_index(1), FieldId::from_index(0));
        assert_eq!(text(&record, 1).as_deref(), Some("shared"));
        record.apply_fallback(FieldId::from_index(1), FieldId::from_index(0));
        let mut absent = Record::with_fields(2);
        absent.apply_fallback(FieldId::from_index(1), FieldId::from_index(0));
        assert_eq!(absent, Record::with_fields(2));
    }
}
