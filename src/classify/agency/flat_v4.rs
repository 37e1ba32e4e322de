//! IPv4 allocations flattened into disjoint ranges for lookup.
//!
//! The allocation table's prefix trie is general (IPv4 and IPv6, nested
//! prefixes); classifying millions of records wants the IPv4 answer in as
//! few cache misses as possible. The prefixes are flattened once into
//! disjoint ranges, each with its most specific allocation, and found
//! through a bitmap and directories of /16s and /24s.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::Arc;

use ipnet::{IpNet, Ipv4Net};

use crate::allocation::AllocationTable;

/// Disjoint IPv4 ranges covering the whole space, each with the most
/// specific allocation containing it (or none).
///
/// Lookups of random addresses in a large table are bound by cache misses,
/// not instructions, so the layout keeps them few: each range's start and
/// owner sit side by side (the binary search's last probe has already
/// loaded the owner), and an owner is packed into one number, agency and
/// prefix length, from which the prefix is recomputed (allocations have no
/// host bits), so no per-allocation record is read at all. The agencies
/// themselves are few and stay in cache.
pub(super) struct FlatV4 {
    /// The ranges, ascending by first address; the first starts at 0.
    ranges: Vec<Range>,
    /// By the first 16 bits of an address: the first range starting at or
    /// after that /16; one more entry for the end.
    directory: Vec<u32>,
    /// For each dense /16 (see [`Blocks`]), in order, [`FINE_ENTRIES`]
    /// entries: one per /24 and one for the end. A /16 of many allocations
    /// (a department's, split into hundreds of /24s and /28s) would
    /// otherwise cost a binary search of many cache lines.
    fine: FineDirectory,
    /// By 64 consecutive /16s: which are allocated at all and which are
    /// dense. 24 KiB, which stays in cache.
    blocks: Vec<Blocks>,
    /// The table's texts (agencies among them), by the index an
    /// [`Owner`] holds.
    agencies: Vec<Arc<str>>,
}

/// 64 consecutive /16s, as bits.
///
/// Most addresses of a record (the outside party's) lie in no allocation:
/// `occupied` answers them without touching the directories. A dense /16's
/// place in the fine directory is its rank among the dense ones, counted
/// here, rather than an entry of a table by /16: that table (256 KiB) cost
/// a cache miss of its own on every lookup.
#[derive(Clone, Copy, Debug, Default)]
struct Blocks {
    /// One bit per /16: whether any allocation covers part of it.
    occupied: u64,
    /// One bit per /16: whether it has a fine directory.
    dense: u64,
    /// How many /16s before these 64 have a fine directory.
    dense_before: u32,
}

impl Blocks {
    /// Where the fine directory of /16 `high` starts, if it has one.
    fn fine_start(blocks: &[Blocks], high: usize) -> Option<usize> {
        let block = blocks.get(high / 64)?;
        let bit = 1u64 << (high % 64);
        if block.dense & bit == 0 {
            return None;
        }
        let rank = block.dense_before + (block.dense & (bit - 1)).count_ones();
        Some(rank as usize * FINE_ENTRIES)
    }
}

/// Entries of a dense /16's fine directory: one per /24, one for the end.
const FINE_ENTRIES: usize = 257;

/// One range of addresses and who owns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Range {
    /// Its first address.
    start: u32,
    /// Its most specific allocation.
    owner: Owner,
}

/// An allocation packed into one number: the agency's index above
/// [`LENGTH_BITS`] bits of prefix length, or [`Owner::NONE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Owner(u32);

/// Bits of an [`Owner`] holding the prefix length (0 to 32).
const LENGTH_BITS: u32 = 6;

/// The /24s of the dense /16s, in two columns. Most lookups read only
/// `whole`, one byte a /24, so that the column of a table of 100,000
/// prefixes (84 KiB) stays in the second-level cache while the input and
/// output stream through it; at eight bytes a /24 it did not, and its
/// misses were most of the lookup's time.
#[derive(Default)]
struct FineDirectory {
    /// For each /24: the first range starting at or after its first
    /// address. Read only when the /24 holds more than one owner.
    first: Vec<u32>,
    /// For each /24: when one range covers all of it (an allocated /24 with
    /// nothing nested inside), the index of that range's owner in
    /// `owners`; else [`WholeOwner::MIXED`].
    whole: Vec<WholeOwner>,
    /// The distinct owners of whole /24s.
    owners: Vec<Owner>,
}

/// The index of a whole /24's owner in [`FineDirectory::owners`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WholeOwner(u8);

impl WholeOwner {
    /// More than one range in the /24, or more distinct owners than one
    /// byte can index (such a /24 is searched like a mixed one, which gives
    /// the same answer). An owner is an agency and a prefix length: a table
    /// of 100,000 prefixes has a few dozen.
    const MIXED: WholeOwner = WholeOwner(u8::MAX);
}

impl FineDirectory {
    /// Adds the next /24: `first` range at or after it, and its owner when
    /// one range covers it whole.
    fn push(&mut self, first: u32, whole: Option<Owner>, codes: &mut HashMap<Owner, u8>) {
        // Neighbouring /24s mostly share an owner: the last entry's code
        // answers before the map is consulted.
        let last = self
            .whole
            .last()
            .copied()
            .filter(|c| *c != WholeOwner::MIXED);
        let code = whole.and_then(|owner| {
            if let Some(same) = last.filter(|c| self.owners.get(usize::from(c.0)) == Some(&owner)) {
                return Some(same.0);
            }
            match codes.get(&owner) {
                Some(&code) => Some(code),
                None => {
                    let code = u8::try_from(self.owners.len())
                        .ok()
                        .filter(|c| *c != WholeOwner::MIXED.0)?;
                    codes.insert(owner, code);
                    self.owners.push(owner);
                    Some(code)
                }
            }
        });
        self.first.push(first);
        self.whole.push(code.map_or(WholeOwner::MIXED, WholeOwner));
    }

    /// The owner of entry `at` when one range covers its /24 whole.
    fn whole(&self, at: usize) -> Option<Owner> {
        match self.whole.get(at) {
            Some(&code) if code != WholeOwner::MIXED => {
                self.owners.get(usize::from(code.0)).copied()
            }
            _ => None,
        }
    }
}

/// Ranges in a /16 above which it gets a fine directory by /24.
const DENSE: u32 = 16;

impl Owner {
    /// No allocation.
    const NONE: Owner = Owner(u32::MAX);

    /// Packs an agency index and a prefix length; `None` when the index is
    /// too large to pack.
    fn new(agency: usize, length: u8) -> Option<Owner> {
        let agency = u32::try_from(agency)
            .ok()
            .filter(|a| *a < u32::MAX >> LENGTH_BITS)?;
        Some(Owner((agency << LENGTH_BITS) | u32::from(length)))
    }

    fn agency(self) -> usize {
        (self.0 >> LENGTH_BITS) as usize
    }

    fn length(self) -> u8 {
        (self.0 & ((1 << LENGTH_BITS) - 1)) as u8
    }
}

impl FlatV4 {
    /// Flattens the IPv4 prefixes of `table`; `None` if an agency's index
    /// is too large for an [`Owner`] (past 2^26 distinct texts), when
    /// lookups must go to the table's trie instead.
    pub(super) fn new(table: &AllocationTable) -> Option<Self> {
        let mut flat = Flattening {
            ranges: vec![Range {
                start: 0,
                owner: Owner::NONE,
            }],
        };
        // The prefixes containing the current address, innermost last:
        // prefixes nest or are disjoint, never overlap otherwise. The
        // table sorted them by first address, the widest first.
        let mut open: Vec<(u32, Owner)> = Vec::new();
        for allocation in table.ipv4_in_address_order() {
            let IpNet::V4(net) = allocation.prefix() else {
                continue;
            };
            // An owner names its agency by the table's own index of its
            // texts, which the table interned as it was built.
            let owner = Owner::new(allocation.agency_index(), net.prefix_len())?;
            let first = u32::from(net.network());
            let last = first | u32::MAX.checked_shr(u32::from(owner.length())).unwrap_or(0);
            flat.close_before(&mut open, Some(first));
            flat.begin(first, owner);
            open.push((last, owner));
        }
        flat.close_before(&mut open, None);
        Some(Self::from_ranges(flat, table.texts().to_vec()))
    }

    /// The directories over flattened ranges, their owners naming
    /// `agencies` by index.
    fn from_ranges(flat: Flattening, agencies: Vec<Arc<str>>) -> Self {
        let mut directory = Vec::with_capacity((1 << 16) + 1);
        let mut i = 0usize;
        for high in 0..=1u64 << 16 {
            let at = high << 16;
            while flat.ranges.get(i).is_some_and(|r| u64::from(r.start) < at) {
                i += 1;
            }
            directory.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        let (dense, fine) = fine_directory(&flat.ranges, &directory);
        let occupied = occupied_blocks(&flat.ranges, &directory);
        let mut dense_before = 0;
        let blocks = occupied
            .iter()
            .zip(dense)
            .map(|(&occupied, dense)| {
                let block = Blocks {
                    occupied,
                    dense,
                    dense_before,
                };
                dense_before += dense.count_ones();
                block
            })
            .collect();
        FlatV4 {
            ranges: flat.ranges,
            directory,
            fine,
            blocks,
            agencies,
        }
    }

    /// The most specific allocation containing `ip`: agency and prefix.
    pub(super) fn lookup(&self, ip: Ipv4Addr) -> Option<(&Arc<str>, IpNet)> {
        let address = u32::from(ip);
        let high = (address >> 16) as usize;
        let occupied = self.blocks.get(high / 64).map_or(0, |b| b.occupied);
        if occupied & (1 << (high % 64)) == 0 {
            return None;
        }
        let (lo, hi) = match Blocks::fine_start(&self.blocks, high) {
            Some(base) => {
                let third = base + ((address >> 8) & 0xff) as usize;
                if let Some(owner) = self.fine.whole(third) {
                    return self.answer(ip, owner);
                }
                let first = &self.fine.first;
                (first.get(third).copied(), first.get(third + 1).copied())
            }
            _ => (
                self.directory.get(high).copied(),
                self.directory.get(high + 1).copied(),
            ),
        };
        // The range holding the block's first address may start before it.
        let lo = lo.map_or(0, |i| i as usize).saturating_sub(1);
        let hi = hi.map_or(self.ranges.len(), |i| i as usize);
        let within = self.ranges.get(lo..hi)?;
        let at = within
            .partition_point(|r| r.start <= address)
            .checked_sub(1)?;
        self.answer(ip, within.get(at)?.owner)
    }

    /// The agency and prefix of `owner`, the owner of the range holding `ip`.
    #[inline]
    fn answer(&self, ip: Ipv4Addr, owner: Owner) -> Option<(&Arc<str>, IpNet)> {
        if owner == Owner::NONE {
            return None;
        }
        let agency = self.agencies.get(owner.agency())?;
        // What `Ipv4Net::trunc` computes, without its call: the address
        // under the prefix's netmask.
        let length = owner.length();
        let mask = 32u32
            .checked_sub(u32::from(length))
            .and_then(|host_bits| u32::MAX.checked_shl(host_bits))
            .unwrap_or(0);
        let prefix = Ipv4Net::new(Ipv4Addr::from(u32::from(ip) & mask), length).ok()?;
        Some((agency, IpNet::V4(prefix)))
    }
}

/// The fine directory of every /16 holding more than [`DENSE`] ranges: one
/// bit per /16 saying which have one, and the entries themselves.
fn fine_directory(ranges: &[Range], directory: &[u32]) -> (Vec<u64>, FineDirectory) {
    let mut dense = vec![0u64; (1 << 16) / 64];
    let mut fine = FineDirectory::default();
    let mut codes = HashMap::new();
    for high in 0..1usize << 16 {
        let (Some(&lo), Some(&hi)) = (directory.get(high), directory.get(high + 1)) else {
            continue;
        };
        if hi.saturating_sub(lo) <= DENSE {
            continue;
        }
        if let Some(word) = dense.get_mut(high / 64) {
            *word |= 1 << (high % 64);
        }
        // Each /24's ranges follow the previous one's: one walk over the
        // /16's ranges finds them all.
        let mut first = lo;
        for third in 0..256u32 {
            let at = ((high as u32) << 16) | (third << 8);
            let end = if third == 255 {
                hi
            } else {
                let mut end = first;
                while end < hi && ranges.get(end as usize).is_some_and(|r| r.start < at + 256) {
                    end += 1;
                }
                end
            };
            // The range holding `at` starts at it, or is the one before.
            let starts_here = ranges.get(first as usize).is_some_and(|r| r.start == at);
            let holder = if starts_here {
                first
            } else {
                first.saturating_sub(1)
            };
            let whole = match ranges.get(holder as usize) {
                Some(range) if end <= holder + 1 => Some(range.owner),
                _ => None,
            };
            fine.push(first, whole, &mut codes);
            first = end;
        }
        fine.push(hi, None, &mut codes);
    }
    (dense, fine)
}

/// One bit per /16, set when a range with an owner overlaps it: the range
/// holding its first address (which may start before it) or one starting
/// inside it.
fn occupied_blocks(ranges: &[Range], directory: &[u32]) -> Vec<u64> {
    let mut occupied = vec![0u64; (1 << 16) / 64];
    for (high, pair) in directory.windows(2).enumerate() {
        let [lo, hi] = [pair.first(), pair.last()].map(|i| i.map_or(0, |i| *i as usize));
        let overlapping = ranges.get(lo.saturating_sub(1)..hi).unwrap_or_default();
        if overlapping.iter().any(|r| r.owner != Owner::NONE) {
            if let Some(word) = occupied.get_mut(high / 64) {
                *word |= 1 << (high % 64);
            }
        }
    }
    occupied
}

/// The ranges being built.
struct Flattening {
    ranges: Vec<Range>,
}

impl Flattening {
    /// Starts a range at `start` owned by `owner`.
    fn begin(&mut self, start: u32, owner: Owner) {
        match self.ranges.last_mut() {
            Some(last) if last.start == start => last.owner = owner,
            _ => self.ranges.push(Range { start, owner }),
        }
    }

    /// Closes the open prefixes that end before `next` (all of them for
    /// `None`), handing each one's remainder back to its enclosing prefix.
    fn close_before(&mut self, open: &mut Vec<(u32, Owner)>, next: Option<u32>) {
        while let Some(&(last, _)) = open.last() {
            if next.is_some_and(|n| last >= n) {
                break;
            }
            open.pop();
            if let Some(after) = last.checked_add(1) {
                let owner = open.last().map_or(Owner::NONE, |(_, o)| *o);
                self.begin(after, owner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    fn table(rows: &[(&str, &str)]) -> Arc<AllocationTable> {
        let mut builder = AllocationTable::builder();
        for (net, agency) in rows {
            builder.insert(net.parse().unwrap(), agency).unwrap();
        }
        Arc::new(builder.build())
    }

    /// An agency index an [`Owner`] cannot hold is refused (the table is
    /// then unflattenable) rather than packed wrong.
    #[test]
    fn an_index_too_large_to_pack_is_refused() {
        let largest = ((u32::MAX >> LENGTH_BITS) - 1) as usize;
        let owner = Owner::new(largest, 32).unwrap();
        assert_eq!((owner.agency(), owner.length()), (largest, 32));
        assert_eq!(Owner::new(largest + 1, 32), None);
    }

    #[test]
    fn flattened_lookup_agrees_with_the_table() {
        let table = table(&[
            ("0.0.0.0/0", "ALL"),
            ("10.0.0.0/8", "TEN"),
            ("10.1.0.0/16", "TEN-ONE"),
            ("10.1.2.0/24", "TEN-ONE-TWO"),
            ("10.1.2.7/32", "HOST"),
            ("10.255.255.255/32", "LAST"),
            ("192.0.2.0/25", "LOW"),
            ("192.0.2.128/25", "HIGH"),
            ("255.255.255.255/32", "TOP"),
            ("2001:db8::/32", "V6"),
        ]);
        let flat = FlatV4::new(&table).unwrap();
        let probes = [
            "0.0.0.0",
            "9.255.255.255",
            "10.0.0.0",
            "10.1.1.255",
            "10.1.2.0",
            "10.1.2.6",
            "10.1.2.7",
            "10.1.2.8",
            "10.1.3.0",
            "10.2.0.0",
            "10.255.255.254",
            "10.255.255.255",
            "11.0.0.0",
            "192.0.2.127",
            "192.0.2.128",
            "255.255.255.254",
            "255.255.255.255",
        ];
        for probe in probes {
            let ip: Ipv4Addr = probe.parse().unwrap();
            let expected = table
                .lookup(IpAddr::V4(ip))
                .map(|a| (a.agency().to_string(), a.prefix()));
            let got = flat.lookup(ip).map(|(a, p)| (a.to_string(), p));
            assert_eq!(got, expected, "{probe}");
        }
    }

    #[test]
    fn an_empty_table_has_no_agency() {
        let flat = FlatV4::new(&table(&[])).unwrap();
        assert_eq!(flat.lookup(Ipv4Addr::new(10, 0, 0, 1)), None);
    }

    #[test]
    fn a_dense_slash_16_is_looked_up_through_its_fine_directory() {
        let mut builder = AllocationTable::builder();
        builder
            .insert("10.1.0.0/16".parse().unwrap(), "WIDE")
            .unwrap();
        for third in (0..256u32).step_by(3) {
            let net = format!("10.1.{third}.0/24");
            builder
                .insert(net.parse().unwrap(), &format!("C{third}"))
                .unwrap();
            let host = format!("10.1.{third}.{}/28", (third * 16) % 256);
            builder.insert(host.parse().unwrap(), "HOST").unwrap();
        }
        let table = builder.build();
        let flat = FlatV4::new(&table).unwrap();
        let dense = u32::from(Ipv4Addr::new(10, 1, 0, 0)) >> 16;
        assert!(Blocks::fine_start(&flat.blocks, dense as usize).is_some());
        for low in (0..=u16::MAX).step_by(7).chain([u16::MAX]) {
            let ip = Ipv4Addr::from((dense << 16) | u32::from(low));
            let expected = table
                .lookup(IpAddr::V4(ip))
                .map(|a| (a.agency().to_string(), a.prefix()));
            let got = flat.lookup(ip).map(|(a, p)| (a.to_string(), p));
            assert_eq!(got, expected, "{ip}");
        }
    }

    #[test]
    fn whole_slash_24s_of_more_owners_than_a_byte_indexes_are_searched() {
        // 600 agencies, each owning one /24 of two dense /16s: past the
        // 255th distinct owner, a /24 is marked mixed and found by search.
        let mut builder = AllocationTable::builder();
        for n in 0..600u32 {
            let net = format!("10.{}.{}.0/24", 1 + n / 256, n % 256);
            builder
                .insert(net.parse().unwrap(), &format!("A{n}"))
                .unwrap();
        }
        let table = builder.build();
        let flat = FlatV4::new(&table).unwrap();
        assert_eq!(flat.fine.owners.len(), usize::from(WholeOwner::MIXED.0));
        for n in 0..600u32 {
            for low in [0u32, 77, 255] {
                let ip =
                    Ipv4Addr::from(0x0a00_0000 | ((1 + n / 256) << 16) | ((n % 256) << 8) | low);
                let got = flat.lookup(ip).map(|(a, p)| (a.to_string(), p));
                let expected = Some((
                    format!("A{n}"),
                    format!("{}/24", Ipv4Addr::from(u32::from(ip) & !0xff))
                        .parse()
                        .unwrap(),
                ));
                assert_eq!(got, expected, "{ip}");
            }
        }
    }

    proptest::proptest! {
        /// Random nested tables (prefixes drawn around a few networks, so
        /// they nest and abut) give the trie's answer for every probe.
        #[test]
        fn flattened_lookup_agrees_with_the_trie_on_random_tables(
            prefixes in proptest::collection::vec((0u32..4, 0u32..=u32::MAX, 8u8..=32, 0usize..5), 0..60),
            probes in proptest::collection::vec((0u32..4, 0u32..=u32::MAX), 1..60),
        ) {
            let bases = [0x0a00_0000u32, 0x0a01_0000, 0xc000_0200, 0xffff_ff00];
            let mut builder = AllocationTable::builder();
            for (base, noise, length, agency) in prefixes {
                let base = bases.get(base as usize).copied().unwrap_or(0);
                let address = Ipv4Addr::from(base ^ (noise >> 12));
                let net = Ipv4Net::new(address, length).unwrap().trunc();
                // Duplicates are refused by the builder; skip them.
                let _ = builder.insert(IpNet::V4(net), &format!("A{agency}"));
            }
            let table = builder.build();
            let flat = FlatV4::new(&table).unwrap();
            for (base, noise) in probes {
                let base = bases.get(base as usize).copied().unwrap_or(0);
                let ip = Ipv4Addr::from(base ^ (noise >> 14));
                let expected = table
                    .lookup(IpAddr::V4(ip))
                    .map(|a| (a.agency().to_string(), a.prefix()));
                let got = flat.lookup(ip).map(|(a, p)| (a.to_string(), p));
                proptest::prop_assert_eq!(got, expected, "{}", ip);
            }
        }
    }
}
