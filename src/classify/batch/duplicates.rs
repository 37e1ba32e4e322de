//! Two declared records with one incident number: a warning, in memory
//! that does not grow with the input.
//!
//! A record declared with a number of its own is numbered from its `id`,
//! so two records with one id share a number. The check remembers where
//! each number was first given, for the first [`REMEMBERED`] such records
//! of a run (about 5 MB); later records are still checked against those,
//! but not against each other, and the run says so once. Any duplicate
//! within the first [`REMEMBERED`] numbered records is always found.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use crate::classify::IncidentNumber;

/// How many incident numbers a run remembers.
pub const REMEMBERED: usize = 100_000;

/// The hashing of [`Duplicates::first`]: foldhash, a few instructions a
/// number where std's SipHash took about a hundred. It is seeded at random
/// for each run, so ids crafted to give numbers that collide in the table
/// (and make every look-up a long search) cannot be worked out in advance,
/// as they could against an unkeyed hash such as FxHash.
type Hashing = foldhash::fast::RandomState;

/// Where a number was first given: an input (an index into
/// [`Duplicates::inputs`]) and a line.
struct Place {
    input: u32,
    line: u64,
}

/// The numbers given so far and where.
pub(super) struct Duplicates {
    /// Each number remembered and its place in [`Self::places`]: sixteen
    /// bytes an entry, so that more of the table stays in the cache (the
    /// places are only read to report a duplicate).
    first: HashMap<IncidentNumber, u32, Hashing>,
    places: Vec<Place>,
    /// The inputs of the places, in the order met.
    inputs: Vec<Arc<str>>,
    capacity: usize,
    full: bool,
}

impl Duplicates {
    /// A check remembering at most `capacity` numbers (and at most 2^32,
    /// which [`Self::places`] is indexed by).
    pub(super) fn new(capacity: usize) -> Self {
        Duplicates {
            first: HashMap::default(),
            places: Vec::new(),
            inputs: Vec::new(),
            capacity: capacity.min(u32::MAX as usize),
            full: false,
        }
    }

    /// Records that the record whose id is `id()` at `input:line` got
    /// `number`; returns a warning if another record got it first, or when
    /// the memory of numbers has just filled up.
    pub(super) fn check<'i>(
        &mut self,
        number: IncidentNumber,
        input: &Arc<str>,
        line: u64,
        id: impl FnOnce() -> &'i str,
    ) -> Option<String> {
        // One look-up for both the check and the insertion.
        let room = self.first.len() < self.capacity;
        match self.first.entry(number) {
            Entry::Occupied(first) => {
                let place = self.places.get(*first.get() as usize);
                let first_line = place.map_or(0, |p| p.line);
                let first_input = place
                    .and_then(|p| self.inputs.get(p.input as usize))
                    .map_or("-", |i| &**i);
                return Some(format!(
                    "{input}:{line}: record `{}` gets incident number {number}, already given to the record at {first_input}:{first_line}: \
                     record ids must be unique across the inputs of a run",
                    id()
                ));
            }
            Entry::Vacant(vacant) if room => {
                if !self.inputs.last().is_some_and(|i| Arc::ptr_eq(i, input)) {
                    self.inputs.push(Arc::clone(input));
                }
                // Both under the capacity, itself under 2^32.
                let (Ok(at), Ok(input)) = (
                    u32::try_from(self.places.len()),
                    u32::try_from(self.inputs.len() - 1),
                ) else {
                    return None;
                };
                vacant.insert(at);
                self.places.push(Place { input, line });
                return None;
            }
            Entry::Vacant(_) => {}
        }
        (!std::mem::replace(&mut self.full, true)).then(|| {
            format!(
                "{input}:{line}: more than {} records have incident numbers of their own; \
                 later ones are checked for duplicates against the first {} only",
                self.capacity, self.capacity
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(n: u64) -> IncidentNumber {
        IncidentNumber::from_value(n)
    }

    #[test]
    fn a_repeated_number_is_reported_with_where_it_was_first_given() {
        let input: Arc<str> = Arc::from("a.csv");
        let mut check = Duplicates::new(10);
        assert_eq!(check.check(number(1), &input, 2, || "C-1"), None);
        assert_eq!(check.check(number(2), &input, 3, || "C-2"), None);
        let warning = check
            .check(number(1), &input, 9, || "C-1")
            .unwrap_or_default();
        assert!(
            warning.starts_with("a.csv:9: record `C-1` gets incident number ITN-0000000001, already given to the record at a.csv:2"),
            "{warning}"
        );
    }

    #[test]
    fn memory_is_bounded_and_the_limit_is_said_once() {
        let input: Arc<str> = Arc::from("big.csv");
        let mut check = Duplicates::new(3);
        for n in 0..3 {
            assert_eq!(check.check(number(n), &input, n + 2, || "x"), None);
        }
        let full = check
            .check(number(100), &input, 50, || "y")
            .unwrap_or_default();
        assert!(full.contains("more than 3 records"), "{full}");
        assert_eq!(check.check(number(101), &input, 51, || "z"), None);
        assert_eq!(check.first.len(), 3);
        // Numbers remembered are still caught after the limit.
        assert!(check.check(number(0), &input, 52, || "x").is_some());
        // Numbers past the limit are not.
        assert_eq!(check.check(number(100), &input, 53, || "y"), None);
    }

    #[test]
    fn a_duplicate_is_reported_with_the_input_where_it_was_first_given() {
        let (a, b): (Arc<str>, Arc<str>) = (Arc::from("a.csv"), Arc::from("b.csv"));
        let mut check = Duplicates::new(10);
        assert_eq!(check.check(number(1), &a, 2, || "C-1"), None);
        assert_eq!(check.check(number(2), &b, 5, || "C-2"), None);
        assert_eq!(check.check(number(3), &a, 7, || "C-3"), None);
        let warning = check.check(number(2), &a, 9, || "C-2").unwrap_or_default();
        assert!(
            warning.starts_with("a.csv:9: record `C-2` gets incident number ITN-0000000002, already given to the record at b.csv:5:"),
            "{warning}"
        );
        let warning = check.check(number(3), &b, 11, || "C-3").unwrap_or_default();
        assert!(
            warning.contains("already given to the record at a.csv:7:"),
            "{warning}"
        );
        let warning = check.check(number(1), &b, 12, || "C-1").unwrap_or_default();
        assert!(
            warning.contains("already given to the record at a.csv:2:"),
            "{warning}"
        );
    }
}
