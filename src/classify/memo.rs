//! Decisions remembered by their [key](super::decision_key): a batch repeats
//! a few hundred combinations of tested values a million times, so most
//! records take the decision of an earlier one instead of walking the
//! criteria and triggers again.
//!
//! The memory is a [`Table`] that the caller owns (in a
//! [`Scratch`](super::Scratch), one per thread of a batch), so that threads
//! never wait on each other, and bounded: a fixed table of slots, each
//! holding the last decision whose key hashed to it. A record whose slot
//! holds another key is decided afresh and takes the slot.

use super::decision_key::{DecisionKey, Key};
use super::slots::Slots;
use super::{Classification, Decision, Flag, Lists};
use crate::record::Record;
use crate::ruleset::model::TriggerId;

/// Slots per table: several times the combinations a batch shows.
const SLOTS: usize = 4096;

/// How one classifier keys its decisions.
#[derive(Debug)]
pub struct Memo {
    key: DecisionKey,
}

/// The remembered decisions of one classifier, by the slot their key
/// hashes to (see [`Slots`]).
pub type Table = Slots<Remembered, SLOTS>;

/// One decision, with the lists it put in the classification.
pub struct Remembered {
    key: Key,
    decision: Decision,
    matched: Box<[usize]>,
    fired: Box<[TriggerId]>,
    /// The flags the decision raised (gap, missing value, conflict).
    flags: Box<[Flag]>,
}

impl Memo {
    /// Remembers decisions by `key`.
    pub fn new(key: DecisionKey) -> Self {
        Memo { key }
    }

    /// The key of `record`'s decision; `None` if it has none and must be
    /// decided afresh.
    pub fn key(&self, record: &Record) -> Option<Key> {
        self.key.of(record)
    }

    /// The decision `table` remembers for `key`, if any, putting its
    /// flags in `out` as deciding afresh would, and its matching criteria
    /// and fired triggers unless `lists` says to skip them.
    pub fn recall(
        &self,
        table: &Table,
        key: Key,
        out: &mut Classification<'_>,
        lists: Lists,
    ) -> Option<Decision> {
        let r = table.get(slot(key))?;
        (r.key == key).then(|| {
            if lists == Lists::Kept {
                append(&mut out.matched, &r.matched);
                append(&mut out.fired, &r.fired);
            }
            // Most decisions raise no flag: skip the cloning loop.
            if !r.flags.is_empty() {
                out.flags.extend(r.flags.iter().cloned());
            }
            r.decision
        })
    }

    /// Remembers in `table` `decision`, just made for a record of `key`
    /// into `out`, whose flags from `flags_from` on are the decision's.
    pub fn remember(
        &self,
        table: &mut Table,
        key: Key,
        decision: Decision,
        out: &Classification<'_>,
        flags_from: usize,
    ) {
        let remembered = Remembered {
            key,
            decision,
            matched: out.matched.as_slice().into(),
            fired: out.fired.as_slice().into(),
            flags: out.flags.get(flags_from..).unwrap_or_default().into(),
        };
        if let Some(entry) = table.slot_mut(slot(key)) {
            *entry = Some(remembered);
        }
    }
}

/// The slot of `key`: a multiplicative hash of it.
fn slot(key: Key) -> usize {
    const MIX: u64 = 0x9e37_79b9_7f4a_7c15;
    let mixed = key.wrapping_mul(MIX);
    (mixed >> (u64::BITS - SLOTS.trailing_zeros())) as usize
}

/// Appends `items` to `list` item by item: a remembered list holds one to
/// three entries, for which calling `memcpy` (as `extend_from_slice` does)
/// costs more than the copying.
#[inline]
fn append<T: Copy>(list: &mut Vec<T>, items: &[T]) {
    list.reserve(items.len());
    for item in items {
        list.push(*item);
    }
}
