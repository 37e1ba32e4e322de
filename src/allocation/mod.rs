//! Which agency owns an IP address, by longest-prefix match over the TSO
//! allocation table.
//!
//! USDA policy requires every organisation to keep accurate records of the
//! address space the Telecommunications Service Organization (TSO) delegated
//! to it. docket reads that table (a CSV file, see [`AllocationTable::from_path`])
//! and attributes each incident record to the agency whose allocation is the
//! most specific one containing the record's address.
//!
//! Table format: a header row naming at least `cidr` and `agency` (any case,
//! any order); optionally `sub_organization` (or `suborganization`,
//! `sub_org`) and `contact`; other columns are ignored. Blank lines and lines
//! starting with `#` are comments. A bare address is a host route.
//!
//! ```text
//! # TSO allocations, fiscal year 2025
//! cidr,agency,sub_organization,contact
//! 199.128.0.0/11,USDA,,noc@usda.gov
//! 199.130.0.0/16,USDA,Forest Service,fs-noc@usda.gov
//! 2600:1200::/24,USDA,,noc@usda.gov
//! ```

mod builder;
mod error;
mod lexer;
mod load;
mod order;
mod prefix;
mod radix;

use std::fmt;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use prefix_trie::PrefixMap;

use order::V4Order;

pub use builder::AllocationTableBuilder;
pub use error::{AllocationError, InsertError, Location, PrefixProblem};

/// One row of the table, stored once and referred to by index from the tries.
///
/// Its texts are indexes into the table's [`Texts`] rather than shared
/// strings: a row then costs no reference count to build or to drop (the
/// counts' atomic increments stalled loading a large table, and dropping
/// its rows at exit took over a millisecond).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    prefix: IpNet,
    agency: TextId,
    sub_organization: Option<TextId>,
    contact: Option<TextId>,
    /// Non-zero, as lines count from 1, so that the option costs no room.
    line: Option<NonZeroUsize>,
}

// A table file's rows are written once each while loading (100,000 of
// them for a large table): keep them small.
const _: () = assert!(std::mem::size_of::<Entry>() <= 56);

impl Entry {
    /// The 1-based table line the entry came from; `None` when it was
    /// inserted through the builder.
    fn line(&self) -> Option<usize> {
        self.line.map(NonZeroUsize::get)
    }
}

/// The index of a text in [`Texts`], plus one: non-zero, so that an
/// optional text takes no more room than a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TextId(NonZeroUsize);

impl TextId {
    /// The id of the text at `index`.
    fn new(index: usize) -> Self {
        TextId(NonZeroUsize::MIN.saturating_add(index))
    }

    /// Where the text is in [`Texts`].
    fn index(self) -> usize {
        self.0.get() - 1
    }
}

/// The distinct texts of a table (agencies, sub-organisations, contacts),
/// each stored once.
#[derive(Debug, Clone, Default)]
struct Texts(Vec<Arc<str>>);

impl Texts {
    /// The text `id` names; every id in a table's entries names one (the
    /// empty text stands in, rather than a panic, should one not).
    fn get(&self, id: TextId) -> &Arc<str> {
        static MISSING: std::sync::LazyLock<Arc<str>> = std::sync::LazyLock::new(|| Arc::from(""));
        self.0.get(id.index()).unwrap_or(&MISSING)
    }
}

/// The TSO allocation table: prefixes and their owners, indexed for
/// longest-prefix lookup.
///
/// Immutable once built, and `Send + Sync`, so one table can serve lookups
/// from many threads at once.
#[derive(Clone, Default)]
pub struct AllocationTable {
    entries: Vec<Entry>,
    texts: Texts,
    /// The IPv4 trie, built on the first IPv4 lookup: `classify` answers
    /// IPv4 addresses from its flattened ranges and never asks it, and a
    /// table file's rows are checked for duplicates by sorting, so loading
    /// need not insert 100,000 prefixes into it.
    v4: OnceLock<PrefixMap<Ipv4Net, usize>>,
    /// The IPv4 entries in address order, which flattening walks.
    v4_order: V4Order,
    v6: PrefixMap<Ipv6Net, usize>,
}

// Lookups run on many rayon threads; fail the build if that ever breaks.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<AllocationTable>();
};

impl AllocationTable {
    /// Reads the table from a CSV file; errors name this path.
    pub fn from_path(path: &Path) -> Result<Self, AllocationError> {
        let io_error = |source| AllocationError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes = std::fs::read(path).map_err(io_error)?;
        load::parse_bytes(&bytes, path)
    }

    /// Reads the table from any reader (stdin, an embedded string, a test
    /// fixture); `origin` is the name errors use in place of a file path.
    pub fn from_reader<R: Read>(mut reader: R, origin: &str) -> Result<Self, AllocationError> {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|source| AllocationError::Io {
                path: origin.into(),
                source,
            })?;
        load::parse_bytes(&bytes, Path::new(origin))
    }

    /// A builder for constructing a table in code (tests, benchmarks, other
    /// sources); it enforces the same rules as the file reader.
    pub fn builder() -> AllocationTableBuilder {
        AllocationTableBuilder::new()
    }

    /// The most specific allocation containing `ip`, if any.
    ///
    /// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are looked up as the
    /// IPv4 address they carry, since dual-stack sensors log IPv4 peers that
    /// way. Does not allocate.
    #[inline]
    pub fn lookup(&self, ip: IpAddr) -> Option<Allocation<'_>> {
        let index = match ip {
            IpAddr::V4(v4) => self.lookup_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => self.lookup_v4(v4),
                None => self.lookup_v6(v6),
            },
        }?;
        self.entries.get(index).map(|entry| self.allocation(entry))
    }

    #[inline]
    fn lookup_v4(&self, ip: Ipv4Addr) -> Option<usize> {
        self.v4_trie()
            .get_lpm(&Ipv4Net::from(ip))
            .map(|(_, &index)| index)
    }

    /// The IPv4 trie, built from the entries (which hold no duplicates)
    /// the first time it is needed, in their order, as a builder that
    /// checks each insert builds it.
    fn v4_trie(&self) -> &PrefixMap<Ipv4Net, usize> {
        self.v4.get_or_init(|| {
            let mut trie = PrefixMap::new();
            for (index, entry) in self.entries.iter().enumerate() {
                if let IpNet::V4(prefix) = entry.prefix {
                    trie.insert(prefix, index);
                }
            }
            trie
        })
    }

    #[inline]
    fn lookup_v6(&self, ip: Ipv6Addr) -> Option<usize> {
        self.v6.get_lpm(&Ipv6Net::from(ip)).map(|(_, &index)| index)
    }

    /// The number of allocations (IPv4 and IPv6).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no allocations, in which case every lookup misses.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All allocations in file (insertion) order, for audits and listings.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Allocation<'_>> + DoubleEndedIterator {
        self.entries.iter().map(|entry| self.allocation(entry))
    }

    /// The table's distinct texts (agencies, sub-organisations,
    /// contacts), each once, in the order
    /// [`Allocation::agency_index`] counts them.
    pub(crate) fn texts(&self) -> &[Arc<str>] {
        &self.texts.0
    }

    /// The IPv4 allocations by first address, the widest of those sharing
    /// one first: the order flattening them into ranges needs, sorted once
    /// as the table was built.
    pub(crate) fn ipv4_in_address_order(&self) -> impl Iterator<Item = Allocation<'_>> {
        self.v4_order
            .iter()
            .filter_map(|index| self.entries.get(index))
            .map(|entry| self.allocation(entry))
    }

    fn allocation<'a>(&'a self, entry: &'a Entry) -> Allocation<'a> {
        Allocation {
            entry,
            texts: &self.texts,
        }
    }
}

impl fmt::Debug for AllocationTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllocationTable")
            .field("len", &self.len())
            .field("ipv4", &self.v4_order.iter().len())
            .field("ipv6", &self.v6.len())
            .finish()
    }
}

/// One allocation of the table, borrowed from it: the prefix, its owner and
/// where it was declared, so a classification can cite its source.
#[derive(Debug, Clone, Copy)]
pub struct Allocation<'a> {
    entry: &'a Entry,
    texts: &'a Texts,
}

/// Allocations are equal when what they say is: prefix, texts and line.
impl PartialEq for Allocation<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.prefix() == other.prefix()
            && self.agency() == other.agency()
            && self.sub_organization() == other.sub_organization()
            && self.contact() == other.contact()
            && self.line() == other.line()
    }
}

impl Eq for Allocation<'_> {}

impl<'a> Allocation<'a> {
    /// The allocated prefix, normalised (`10.0.0.0/8`, `192.0.2.7/32`).
    pub fn prefix(&self) -> IpNet {
        self.entry.prefix
    }

    /// The owning agency.
    pub fn agency(&self) -> &'a str {
        self.texts.get(self.entry.agency)
    }

    /// The owning agency as a shared string, for results that outlive the
    /// borrow without copying the name for every record.
    pub fn agency_shared(&self) -> &'a Arc<str> {
        self.texts.get(self.entry.agency)
    }

    /// Where the agency is in [`AllocationTable::texts`]: the same index
    /// for every allocation of one agency, so callers need not intern the
    /// names again.
    pub(crate) fn agency_index(&self) -> usize {
        self.entry.agency.index()
    }

    /// The sub-organisation within the agency, when the table names one.
    pub fn sub_organization(&self) -> Option<&'a str> {
        let texts = self.texts;
        self.entry.sub_organization.map(|id| &**texts.get(id))
    }

    /// Who to contact about this address space, when the table names someone.
    pub fn contact(&self) -> Option<&'a str> {
        let texts = self.texts;
        self.entry.contact.map(|id| &**texts.get(id))
    }

    /// The 1-based table line the allocation came from; `None` when it was
    /// inserted through the builder.
    pub fn line(&self) -> Option<usize> {
        self.entry.line()
    }
}

#[cfg(test)]
mod tests;
