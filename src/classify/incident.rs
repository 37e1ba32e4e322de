//! Deterministic incident numbers.
//!
//! A number is a hash of what identifies the incident, so the same record
//! gets the same number on every run, on any machine, whatever the thread
//! count or the other records in the file. Records of one outbreak (USDA
//! 3a(7): "one USDA incident number will be assigned for the entire
//! process") hash the trigger and the outbreak's key fields instead of the
//! record, so they share one number. A timestamp among those fields counts
//! by its period (`outbreak_window`): the same worm a year later is another
//! outbreak.
//!
//! A record's own number hashes its `id`, or else where it was read
//! (`FILE:LINE`, the path as given): ids must be unique across the inputs of
//! a run, which `classify` checks.

use std::fmt;

use crate::calendar::FiscalYear;
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{IncidentNumbering, OutbreakWindow, TriggerId};

/// An incident number, shown as `ITN-` and ten hexadecimal digits. Kept as
/// a number so that records whose output does not show it cost no text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IncidentNumber(u64);

impl IncidentNumber {
    /// The number as an integer (40 bits).
    pub fn value(self) -> u64 {
        self.0
    }

    /// The number with this integer value.
    pub fn from_value(value: u64) -> Self {
        IncidentNumber(value)
    }
}

impl fmt::Display for IncidentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ITN-{:010X}", self.0)
    }
}

/// What names a record in its own incident number.
#[derive(Clone, Copy)]
pub enum RecordName<'a> {
    /// Its `id` as text, hashed as is: the common case, which need not go
    /// through formatting.
    Text(&'a str),
    /// Anything else (an `id` of another type, or where the record was
    /// read), hashed as it displays. `Text(s)` and `Shown(s)` are the same
    /// name.
    Shown(&'a dyn fmt::Display),
}

/// Numbers the incidents of one ruleset. Every per-record number's hash
/// starts with the ruleset's id and `record`, so that part is hashed once,
/// here, rather than for each declared record.
#[derive(Clone, Debug)]
pub struct Numbering {
    /// The hash after the ruleset's id and `record`.
    per_record: Fnv1a,
}

impl Numbering {
    /// Numbers the incidents of `ruleset`.
    pub fn new(ruleset: &Ruleset) -> Self {
        let mut per_record = Fnv1a::new();
        per_record.write(ruleset.meta.id.value.as_bytes());
        per_record.write(b"record");
        Numbering { per_record }
    }

    /// The incident number of a record of `ruleset` (the one this
    /// numbering was made for) declared by `trigger`; `name` names the
    /// record (its `id`, or where it was read).
    pub fn number(
        &self,
        ruleset: &Ruleset,
        trigger: TriggerId,
        record: &Record,
        name: RecordName<'_>,
    ) -> IncidentNumber {
        let definition = ruleset.trigger(trigger);
        let hash = match &definition.numbering {
            IncidentNumbering::PerRecord => {
                let mut hash = self.per_record.clone();
                match name {
                    RecordName::Text(text) => hash.bytes(text.as_bytes()),
                    // Hashing the text as it is formatted, without building
                    // it.
                    RecordName::Shown(shown) => {
                        let _ = fmt::write(&mut hash, format_args!("{shown}"));
                    }
                }
                hash.end_field();
                hash
            }
            IncidentNumbering::PerOutbreak { fields, window } => {
                let mut hash = Fnv1a::new();
                hash.write(ruleset.meta.id.value.as_bytes());
                hash.write(b"outbreak");
                hash.write(definition.id.value.as_bytes());
                for field in fields {
                    let text = match (record.get(*field), window) {
                        (Some(Value::Str(s)), _) => s.to_lowercase(),
                        (Some(Value::Time(t)), Some(window)) => {
                            period(*window, t.with_timezone(&ruleset.meta.timezone.value))
                        }
                        (Some(other), _) => other.to_string(),
                        (None, _) => String::new(),
                    };
                    hash.write(text.as_bytes());
                }
                hash
            }
        };
        IncidentNumber(hash.finish() >> 24)
    }
}

/// The period of `at` an outbreak window names: `2026`, `FY2027`, `2026-11`.
fn period(window: OutbreakWindow, at: chrono::DateTime<chrono_tz::Tz>) -> String {
    use chrono::Datelike;
    match window {
        OutbreakWindow::Year => at.year().to_string(),
        OutbreakWindow::FiscalYear => match FiscalYear::of_date(at.date_naive()) {
            Ok(fy) => format!("FY{}", fy.year()),
            Err(_) => at.year().to_string(),
        },
        OutbreakWindow::Month => format!("{}-{:02}", at.year(), at.month()),
    }
}

/// FNV-1a, 64 bits: tiny, fast, and (unlike `std`'s hasher) the same on
/// every platform and Rust version, which a number printed on reports needs.
#[derive(Clone, Debug)]
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    /// Hashes `bytes` followed by a separator, so that ("ab","c") and
    /// ("a","bc") differ.
    fn write(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
        self.end_field();
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The separator after a field.
    fn end_field(&mut self) {
        self.bytes(&[0xff]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl fmt::Write for Fnv1a {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.bytes(text.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        let mut h = Fnv1a::new();
        h.write(b"slammer");
        // Fixed value: a change here changes every incident number ever issued.
        assert_eq!(h.finish(), 0x6682e8ac2bd0205);
        let mut a = Fnv1a::new();
        a.write(b"ab");
        a.write(b"c");
        let mut b = Fnv1a::new();
        b.write(b"a");
        b.write(b"bc");
        assert_ne!(a.finish(), b.finish());
    }

    /// A per-record number hashes the ruleset's id, `record` and the
    /// record's name, each followed by the separator; the name given as
    /// text hashes as the same name displayed does.
    #[test]
    fn per_record_numbers_hash_the_name_as_displayed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/usda");
        let ruleset = crate::ruleset::load(&dir).expect("the USDA ruleset loads");
        let trigger = (0..ruleset.triggers.len())
            .map(TriggerId::from_index)
            .find(|t| matches!(ruleset.trigger(*t).numbering, IncidentNumbering::PerRecord))
            .expect("a trigger numbering per record");
        let numbering = Numbering::new(&ruleset);
        let record = Record::default();
        for name in ["EV-00000001", "", "events.csv:12", "É-ü"] {
            let mut expected = Fnv1a::new();
            expected.write(ruleset.meta.id.value.as_bytes());
            expected.write(b"record");
            expected.write(name.as_bytes());
            let expected = IncidentNumber(expected.finish() >> 24);
            let value = Value::Str(name.into());
            let shown: &dyn fmt::Display = &value;
            for given in [RecordName::Text(name), RecordName::Shown(shown)] {
                assert_eq!(
                    numbering.number(&ruleset, trigger, &record, given),
                    expected,
                    "{name}"
                );
            }
        }
    }
}
