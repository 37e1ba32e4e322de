//! Building a table entry by entry, enforcing the rules every row must obey
//! (normalised prefixes, an owner, no duplicates) whether it comes from a file
//! or from code.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, OnceLock};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use prefix_trie::PrefixMap;

use super::error::InsertError;
use super::order::{Duplicate, V4Order};
use super::{AllocationTable, Entry, TextId, Texts};
use crate::record::trim;

/// The hashing of the builder's index of strings: foldhash, a few instructions a key
/// where the standard SipHash takes dozens, randomly seeded, so a hostile
/// table cannot choose colliding keys.
type Hashing = foldhash::fast::RandomState;

/// Collects allocations and checks each as it is added; call
/// [`build`](Self::build) to get an immutable [`AllocationTable`].
///
/// Useful for tests, benchmarks and callers that get allocations from
/// somewhere other than a CSV file.
#[derive(Debug, Default)]
pub struct AllocationTableBuilder {
    entries: Vec<Entry>,
    v4: V4Duplicates,
    v6: PrefixMap<Ipv6Net, usize>,
    /// Many prefixes share an agency (and contact), so each distinct string
    /// is stored once, and entries name it by its index.
    texts: Texts,
    /// The index of each string in `texts`.
    text_ids: HashMap<Arc<str>, TextId, Hashing>,
    /// The text each column (agency, sub-organisation, contact) interned
    /// last. A table lists a unit's prefixes together, so a row mostly
    /// repeats the texts of the row before it; one comparison with the
    /// column's last text saves hashing it.
    recent: [Option<TextId>; 3],
}

/// How a builder finds IPv4 prefixes inserted twice.
#[derive(Debug)]
enum V4Duplicates {
    /// At each insert, through a trie that becomes the table's (boxed: a
    /// trie's root is a few hundred bytes).
    Trie(Box<PrefixMap<Ipv4Net, usize>>),
    /// By one sort of all the prefixes, when asked (see
    /// [`AllocationTableBuilder::sorting_duplicates`]).
    Sorted,
}

impl Default for V4Duplicates {
    fn default() -> Self {
        V4Duplicates::Trie(Box::default())
    }
}

/// A row whose IPv4 prefix an earlier row has: the error inserting it
/// would have returned, and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateRow {
    /// [`InsertError::DuplicatePrefix`].
    pub(crate) error: InsertError,
    /// The row's line.
    pub(crate) line: Option<usize>,
}

impl AllocationTableBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder that does not refuse an IPv4 prefix inserted twice
    /// at once, but finds the first such insert by sorting the prefixes
    /// once, when [`duplicate`](Self::duplicate) or
    /// [`finish`](Self::finish) is called. For a table file: inserting
    /// 100,000 prefixes into a trie one by one cost several hundred
    /// instructions a row, and the table sorts its prefixes anyway.
    /// Errors come out the same as [`new`](Self::new)'s if the caller asks
    /// for the duplicate before reporting any other error of a later row.
    pub(crate) fn sorting_duplicates() -> Self {
        Self {
            v4: V4Duplicates::Sorted,
            ..Self::default()
        }
    }

    /// Makes room for `rows` more allocations, so that a table read from a
    /// file allocates its list once rather than growing it by doubling.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.entries.reserve(rows);
    }

    /// Adds `prefix` owned by `agency` (trimmed).
    ///
    /// Refuses host bits set, IPv4-mapped IPv6 prefixes, an empty agency and
    /// a prefix already present, so a built table has no ambiguous rows.
    pub fn insert(&mut self, prefix: IpNet, agency: &str) -> Result<(), InsertError> {
        self.insert_entry(prefix, agency, None, None, None)
    }

    /// Inserts a row read from line `line` of a table file.
    pub(crate) fn insert_from_line(
        &mut self,
        prefix: IpNet,
        agency: &str,
        sub_organization: Option<&str>,
        contact: Option<&str>,
        line: usize,
    ) -> Result<(), InsertError> {
        self.insert_entry(prefix, agency, sub_organization, contact, Some(line))
    }

    /// Finishes the table; entries keep their insertion order.
    pub fn build(self) -> AllocationTable {
        // A builder that checks each insert holds no duplicate to report;
        // one from `sorting_duplicates` must go through `finish`, which
        // reports its first duplicate rather than keep it.
        debug_assert!(
            matches!(self.v4, V4Duplicates::Trie(_)),
            "a builder that sorts for duplicates is finished, not built"
        );
        self.assemble().0
    }

    /// The first insert (in order) whose IPv4 prefix an earlier insert
    /// has, for a builder from [`sorting_duplicates`](Self::sorting_duplicates).
    pub(crate) fn duplicate(&self) -> Option<DuplicateRow> {
        let (_, duplicate) = V4Order::of(&self.entries);
        duplicate.map(|d| table_duplicate_row(&self.entries, d))
    }

    /// [`build`](Self::build), or the first duplicate insert, for a builder
    /// from [`sorting_duplicates`](Self::sorting_duplicates).
    pub(crate) fn finish(self) -> Result<AllocationTable, DuplicateRow> {
        let (table, duplicate) = self.assemble();
        match duplicate {
            Some(d) => Err(table_duplicate_row(&table.entries, d)),
            None => Ok(table),
        }
    }

    /// The table, with its IPv4 prefixes sorted, and the first duplicate
    /// the sort found.
    fn assemble(self) -> (AllocationTable, Option<Duplicate>) {
        let (v4_order, duplicate) = V4Order::of(&self.entries);
        let v4 = match self.v4 {
            V4Duplicates::Trie(trie) => OnceLock::from(*trie),
            V4Duplicates::Sorted => OnceLock::new(),
        };
        let table = AllocationTable {
            entries: self.entries,
            texts: self.texts,
            v4,
            v4_order,
            v6: self.v6,
        };
        (table, duplicate)
    }

    fn insert_entry(
        &mut self,
        prefix: IpNet,
        agency: &str,
        sub_organization: Option<&str>,
        contact: Option<&str>,
        line: Option<usize>,
    ) -> Result<(), InsertError> {
        let normalized = prefix.trunc();
        if normalized != prefix {
            return Err(InsertError::HostBitsSet { prefix, normalized });
        }
        if let IpNet::V6(v6) = prefix {
            if let Some(ipv4) = mapped_ipv4(v6) {
                return Err(InsertError::Ipv4MappedPrefix { prefix: v6, ipv4 });
            }
        }
        let agency = trim(agency);
        if agency.is_empty() {
            return Err(InsertError::EmptyAgency { prefix });
        }
        let index = self.entries.len();
        let existing = match (prefix, &mut self.v4) {
            (IpNet::V4(p), V4Duplicates::Trie(trie)) => claim(trie, p, index),
            (IpNet::V4(_), V4Duplicates::Sorted) => None,
            (IpNet::V6(p), _) => claim(&mut self.v6, p, index),
        };
        if let Some(first) = existing {
            return Err(duplicate_of(&self.entries, first, prefix));
        }
        let entry = Entry {
            prefix,
            agency: self.intern(agency, AGENCY),
            sub_organization: self.intern_optional(sub_organization, SUB_ORGANIZATION),
            contact: self.intern_optional(contact, CONTACT),
            // A file's lines count from 1.
            line: line.and_then(NonZeroUsize::new),
        };
        self.entries.push(entry);
        Ok(())
    }

    /// The id of text `s`, in `column`'s slot of [`Self::recent`]: in
    /// line, the comparison with the column's last text, which mostly
    /// answers.
    #[inline]
    fn intern(&mut self, s: &str, column: usize) -> TextId {
        let recent = self.recent.get(column).copied().flatten();
        if let Some(id) = recent.filter(|&id| **self.texts.get(id) == *s) {
            return id;
        }
        self.intern_other(s, column)
    }

    /// [`intern`](Self::intern) of a text other than the column's last.
    #[inline(never)]
    fn intern_other(&mut self, s: &str, column: usize) -> TextId {
        let id = match self.text_ids.get(s) {
            Some(&id) => id,
            None => {
                let id = TextId::new(self.texts.0.len());
                let shared: Arc<str> = Arc::from(s);
                self.texts.0.push(Arc::clone(&shared));
                self.text_ids.insert(shared, id);
                id
            }
        };
        if let Some(slot) = self.recent.get_mut(column) {
            *slot = Some(id);
        }
        id
    }

    fn intern_optional(&mut self, s: Option<&str>, column: usize) -> Option<TextId> {
        let s = s.map(trim).filter(|s| !s.is_empty())?;
        Some(self.intern(s, column))
    }
}

/// The slots of [`AllocationTableBuilder::recent`].
const AGENCY: usize = 0;
const SUB_ORGANIZATION: usize = 1;
const CONTACT: usize = 2;

/// The error for inserting `prefix` again, which entry `first` of
/// `entries` holds.
fn duplicate_of(entries: &[Entry], first: usize, prefix: IpNet) -> InsertError {
    let first_line = entries.get(first).and_then(Entry::line);
    InsertError::DuplicatePrefix { prefix, first_line }
}

/// The error inserting entry `again` of `entries` would have returned.
fn table_duplicate_row(entries: &[Entry], duplicate: Duplicate) -> DuplicateRow {
    let again = entries.get(duplicate.again);
    let prefix = again.map_or(IpNet::V4(Ipv4Net::default()), |e| e.prefix);
    DuplicateRow {
        error: duplicate_of(entries, duplicate.first, prefix),
        line: again.and_then(Entry::line),
    }
}

/// Stores `index` at `prefix` unless the prefix is taken; returns the index
/// already there. One trie walk does both the duplicate check and the insert.
fn claim<P: prefix_trie::Prefix>(
    map: &mut PrefixMap<P, usize>,
    prefix: P,
    index: usize,
) -> Option<usize> {
    let entry = map.entry(prefix);
    if let Some(&existing) = entry.get() {
        return Some(existing);
    }
    entry.insert(index);
    None
}

/// The IPv4 prefix an IPv4-mapped IPv6 prefix (`::ffff:a.b.c.d/96+n`) stands for.
fn mapped_ipv4(prefix: Ipv6Net) -> Option<Ipv4Net> {
    let len = prefix.prefix_len().checked_sub(96)?;
    let v4 = prefix.addr().to_ipv4_mapped()?;
    Ipv4Net::new(v4, len).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().expect("test prefix")
    }

    #[test]
    fn rejects_host_bits_with_normalised_suggestion() {
        let mut b = AllocationTableBuilder::new();
        assert_eq!(
            b.insert(net("10.1.2.3/16"), "USDA"),
            Err(InsertError::HostBitsSet {
                prefix: net("10.1.2.3/16"),
                normalized: net("10.1.0.0/16"),
            })
        );
    }

    #[test]
    fn rejects_duplicates_after_normalisation() {
        let mut b = AllocationTableBuilder::new();
        assert_eq!(b.insert(net("2001:db8::/32"), "DOC"), Ok(()));
        assert_eq!(
            b.insert(net("2001:0db8:0::/32"), "USDA"),
            Err(InsertError::DuplicatePrefix {
                prefix: net("2001:db8::/32"),
                first_line: None,
            })
        );
        assert_eq!(b.build().len(), 1);
    }

    #[test]
    fn rejects_empty_agency_and_mapped_prefixes() {
        let mut b = AllocationTableBuilder::new();
        assert_eq!(
            b.insert(net("10.0.0.0/8"), "  "),
            Err(InsertError::EmptyAgency {
                prefix: net("10.0.0.0/8")
            })
        );
        assert_eq!(
            b.insert(net("::ffff:192.0.2.0/120"), "USDA"),
            Err(InsertError::Ipv4MappedPrefix {
                prefix: "::ffff:192.0.2.0/120".parse().expect("v6"),
                ipv4: "192.0.2.0/24".parse().expect("v4"),
            })
        );
        // Shorter IPv6 prefixes that merely contain the mapped range are fine.
        assert_eq!(b.insert(net("::/64"), "USDA"), Ok(()));
    }

    #[test]
    fn a_refused_insert_leaves_the_builder_unchanged() {
        let mut b = AllocationTableBuilder::new();
        assert_eq!(b.insert(net("10.0.0.0/8"), "USDA"), Ok(()));
        assert!(b.insert(net("10.0.0.0/8"), "DOC").is_err());
        assert!(b.insert(net("10.0.0.0/9"), "").is_err());
        let table = b.build();
        assert_eq!(table.len(), 1);
        assert_eq!(
            table
                .lookup("10.200.0.1".parse().expect("ip"))
                .map(|a| a.agency()),
            Some("USDA")
        );
    }

    #[test]
    fn interns_agency_names() {
        let mut b = AllocationTableBuilder::new();
        assert_eq!(b.insert(net("10.0.0.0/8"), "USDA"), Ok(()));
        assert_eq!(b.insert(net("11.0.0.0/8"), " USDA "), Ok(()));
        let table = b.build();
        let agencies: Vec<&Arc<str>> = table.iter().map(|a| a.agency_shared()).collect();
        assert_eq!(agencies.len(), 2);
        assert!(agencies.windows(2).all(|w| Arc::ptr_eq(w[0], w[1])));
    }
}
