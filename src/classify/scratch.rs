//! What a classifier keeps from record to record: the decisions it
//! remembered and the working-day windows it counted.
//!
//! The caller owns it and lends it to each classification (a batch keeps
//! one per worker thread, across chunks), rather than the classifier
//! reaching it through thread-locals: a thread-local lookup, a borrow flag
//! and a check of whose entry a slot holds cost about 6% of a batch's time
//! when paid for each record.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{due, memo};

/// The caches one classifier uses while classifying records one after
/// another; see [`Classifier::classify_with`](super::Classifier::classify_with).
///
/// It holds one classifier's entries at a time: lent to another, it
/// forgets them first. A new one allocates nothing until it is used.
#[derive(Default)]
pub struct Scratch {
    /// The classifier whose entries the caches hold, if any.
    owner: Option<ClassifierId>,
    /// Remembered decisions.
    pub(super) memo: memo::Table,
    /// Counted working-day windows.
    pub(super) due: due::Cache,
}

impl Scratch {
    /// Empty caches.
    pub fn new() -> Self {
        Scratch::default()
    }

    /// Makes the caches `owner`'s, emptying them if they held another
    /// classifier's entries.
    #[inline]
    pub(super) fn bind(&mut self, owner: ClassifierId) {
        if self.owner != Some(owner) {
            self.memo.clear();
            self.due.clear();
            self.owner = Some(owner);
        }
    }
}

/// Tells classifiers apart, so that a [`Scratch`] never gives one
/// classifier another's entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ClassifierId(u64);

impl ClassifierId {
    /// An id no other classifier has.
    pub(super) fn new() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        ClassifierId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Classification, Classifier};
    use crate::record::Record;

    /// Entries are kept while one classifier uses the scratch, and
    /// forgotten when another does: slots do not say whose they are.
    #[test]
    fn lent_to_another_classifier_a_scratch_forgets_the_first_ones_entries() {
        let ruleset = crate::ruleset::load(std::path::Path::new("rules/usda")).expect("usda");
        let one = Classifier::new(&ruleset, None);
        let other = Classifier::new(&ruleset, None);
        let mut scratch = Scratch::new();
        let mut record = Record::with_fields(ruleset.fields.len());
        let mut out = Classification::default();
        one.classify_with(&mut record, "r", &mut out, &mut scratch);
        assert!(!scratch.memo.is_empty(), "the decision is remembered");
        scratch.bind(one.id);
        assert!(!scratch.memo.is_empty(), "and kept for the same classifier");
        scratch.bind(other.id);
        assert!(scratch.memo.is_empty() && scratch.due.is_empty());
    }
}
