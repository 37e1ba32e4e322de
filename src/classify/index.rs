//! Conditions indexed by the fields they test, so that a record is checked
//! only against the rules that can match it.
//!
//! Each condition is expanded into terms, the ways of satisfying it (see
//! `Term`). Every field some term restricts gets a table: for each key of
//! the field (absent, each enumeration code or boolean, or "present"; see
//! `Keying`) the set of terms that may still be met. A record's
//! candidate terms are the intersection of its keys' sets, one machine
//! word per 64 terms. A term that is nothing more than such key tests is
//! exact: meeting it decides the condition without evaluating anything;
//! for the others the condition's compiled [`Program`] decides. Terms come
//! in condition order, so the result is exactly that of evaluating every
//! condition.

use crate::classify::requirement::{Keying, Term};
use crate::condition::compiled::Program;
use crate::record::Record;
use crate::ruleset::Ruleset;
use crate::ruleset::model::FieldId;

/// Compiled conditions indexed by the keys of the fields they test.
#[derive(Debug, Clone)]
pub struct ConditionIndex {
    /// The conditions.
    programs: Box<[Program]>,
    /// By term: its condition.
    owner: Box<[usize]>,
    /// Words of 64 terms.
    blocks: usize,
    /// Per block, the bits of the terms that exist.
    full: Box<[u64]>,
    /// Per block, the bits of the exact terms.
    exact: Box<[u64]>,
    /// The tables of the restricted fields.
    fields: Box<[FieldTable]>,
}

/// The candidate sets of one field.
#[derive(Debug, Clone)]
struct FieldTable {
    field: FieldId,
    keying: Keying,
    /// By key, then block: the terms that may be met.
    masks: Box<[u64]>,
}

impl ConditionIndex {
    /// Indexes `programs` (in order); `ruleset` tells how fields are keyed.
    pub fn new(programs: Vec<Program>, ruleset: &Ruleset) -> Self {
        let keying = |f: FieldId| Keying::of(ruleset, f);
        let mut owner = Vec::new();
        let mut reqs: Vec<Term> = Vec::new();
        for (i, program) in programs.iter().enumerate() {
            let terms = Term::of(program.root(), &keying);
            owner.extend(std::iter::repeat_n(i, terms.len()));
            reqs.extend(terms);
        }
        let blocks = reqs.len().div_ceil(64);
        let mut full = vec![0u64; blocks];
        let mut exact = vec![0u64; blocks];
        for (i, req) in reqs.iter().enumerate() {
            set_bit(&mut full, i);
            if req.exact {
                set_bit(&mut exact, i);
            }
        }
        let mut restricted: Vec<FieldId> = reqs
            .iter()
            .flat_map(|r| r.fields.iter())
            .filter(|(_, keys)| keys.iter().any(|k| !k))
            .map(|(f, _)| *f)
            .collect();
        restricted.sort_by_key(|f| f.index());
        restricted.dedup();
        let fields = restricted
            .into_iter()
            .map(|field| {
                let keying = keying(field);
                let mut masks = vec![0u64; keying.keys() * blocks];
                for key in 0..keying.keys() {
                    let mut row = masks.get_mut(key * blocks..(key + 1) * blocks);
                    for (i, req) in reqs.iter().enumerate() {
                        let may = req
                            .allowed(field)
                            .is_none_or(|keys| keys.get(key).copied().unwrap_or(true));
                        if let (true, Some(row)) = (may, row.as_deref_mut()) {
                            set_bit(row, i);
                        }
                    }
                }
                FieldTable {
                    field,
                    keying,
                    masks: masks.into(),
                }
            })
            .collect();
        ConditionIndex {
            programs: programs.into(),
            owner: owner.into(),
            blocks,
            full: full.into(),
            exact: exact.into(),
            fields,
        }
    }

    /// The conditions `record` satisfies, in order.
    pub fn matching<'i>(&'i self, record: &'i Record) -> Matching<'i> {
        Matching {
            terms: Candidates {
                index: self,
                record,
                next_block: 0,
                base: 0,
                bits: 0,
                exact: 0,
            },
            decided: None,
        }
    }

    /// The conditions, in order.
    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    /// The number of conditions.
    pub fn len(&self) -> usize {
        self.programs.len()
    }

    /// Whether there are no conditions.
    pub fn is_empty(&self) -> bool {
        self.programs.is_empty()
    }

    /// The candidates of one block of 64 conditions.
    fn block(&self, record: &Record, block: usize) -> u64 {
        let mut bits = self.full.get(block).copied().unwrap_or(0);
        for table in self.fields.iter() {
            let key = table.keying.key(record.get(table.field));
            bits &= table
                .masks
                .get(key * self.blocks + block)
                .copied()
                .unwrap_or(u64::MAX);
        }
        bits
    }
}

/// The conditions one record satisfies.
pub struct Matching<'i> {
    terms: Candidates<'i>,
    /// The last condition decided (its terms are contiguous).
    decided: Option<usize>,
}

impl Iterator for Matching<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let index = self.terms.index;
        loop {
            let (term, exact) = self.terms.next()?;
            let condition = index.owner.get(term).copied()?;
            if self.decided == Some(condition) {
                continue;
            }
            // The first term met decides: an exact one at once, any other
            // by evaluating the whole condition.
            self.decided = Some(condition);
            let holds = exact
                || index
                    .programs
                    .get(condition)
                    .is_some_and(|p| p.matches(self.terms.record));
            if holds {
                return Some(condition);
            }
        }
    }
}

/// The candidate terms of one record: (term, exact).
struct Candidates<'i> {
    index: &'i ConditionIndex,
    record: &'i Record,
    next_block: usize,
    base: usize,
    bits: u64,
    exact: u64,
}

impl Iterator for Candidates<'_> {
    type Item = (usize, bool);

    fn next(&mut self) -> Option<(usize, bool)> {
        while self.bits == 0 {
            if self.next_block >= self.index.blocks {
                return None;
            }
            let block = self.next_block;
            self.bits = self.index.block(self.record, block);
            self.exact = self.index.exact.get(block).copied().unwrap_or(0);
            self.base = block * 64;
            self.next_block += 1;
        }
        let bit = self.bits.trailing_zeros();
        self.bits &= self.bits - 1;
        Some((self.base + bit as usize, self.exact >> bit & 1 != 0))
    }
}

fn set_bit(bits: &mut [u64], i: usize) {
    if let Some(word) = bits.get_mut(i / 64) {
        *word |= 1 << (i % 64);
    }
}
