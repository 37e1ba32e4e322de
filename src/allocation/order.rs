//! A table's IPv4 prefixes in address order: how the duplicates of a table
//! file are found (one sort of the whole table rather than a trie insert a
//! row), and the order `classify` flattens the prefixes in.

use ipnet::{IpNet, Ipv4Net};

use super::{Entry, radix};

/// The indexes of a table's IPv4 entries, by first address and then the
/// widest first (the order of their (address, length) pairs); entries of
/// the same prefix, which only a table still to be checked has, by index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct V4Order(Vec<usize>);

/// Two entries with the same IPv4 prefix: the duplicate a builder that
/// checks each insert would have refused first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Duplicate {
    /// The earlier entry's index.
    pub(super) first: usize,
    /// The later entry's index: the smallest of any duplicate pair.
    pub(super) again: usize,
}

/// Bits of a radix sort key holding the entry's index; a prefix (its first
/// address and length) takes the other 38.
const INDEX_BITS: u32 = 26;

/// Bits of a prefix key holding the prefix length (0 to 32).
const LENGTH_BITS: u32 = 6;

impl V4Order {
    /// Sorts the IPv4 entries of `entries`, and finds the first entry (by
    /// index) whose prefix an earlier entry has.
    pub(super) fn of(entries: &[Entry]) -> (Self, Option<Duplicate>) {
        if entries.len() < 1 << INDEX_BITS {
            Self::by_radix(entries)
        } else {
            Self::by_comparison(entries)
        }
    }

    /// The entry indexes in order.
    pub(super) fn iter(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.0.iter().copied()
    }

    /// [`of`](Self::of) for a table whose indexes fit a packed key beside
    /// the prefix: one number an entry, sorted by radix.
    fn by_radix(entries: &[Entry]) -> (Self, Option<Duplicate>) {
        let mask = (1u64 << INDEX_BITS) - 1;
        // Reserved for all entries: collecting from a filter grows the
        // list by doubling, copying it each time.
        let mut keys: Vec<u64> = Vec::with_capacity(entries.len());
        keys.extend(entries.iter().enumerate().filter_map(|(index, entry)| {
            Some((prefix_key(ipv4(entry)?) << INDEX_BITS) | (index as u64 & mask))
        }));
        // Keys come in index order, and the sort is stable: equal
        // prefixes stay in index order without sorting by the index.
        radix::sort_by_bits_from(&mut keys, INDEX_BITS);
        let duplicate = first_duplicate(
            keys.iter()
                .map(|&key| (key >> INDEX_BITS, (key & mask) as usize)),
        );
        // In place: the keys' list becomes the order's.
        let order = keys.into_iter().map(|key| (key & mask) as usize).collect();
        (V4Order(order), duplicate)
    }

    /// [`of`](Self::of) for any table: pairs of prefix and index, sorted
    /// by comparison.
    fn by_comparison(entries: &[Entry]) -> (Self, Option<Duplicate>) {
        let mut pairs: Vec<(u64, usize)> = entries
            .iter()
            .enumerate()
            .filter_map(|(index, entry)| Some((prefix_key(ipv4(entry)?), index)))
            .collect();
        pairs.sort_unstable();
        let duplicate = first_duplicate(pairs.iter().copied());
        let order = pairs.into_iter().map(|(_, index)| index).collect();
        (V4Order(order), duplicate)
    }
}

fn ipv4(entry: &Entry) -> Option<Ipv4Net> {
    match entry.prefix {
        IpNet::V4(net) => Some(net),
        IpNet::V6(_) => None,
    }
}

/// A prefix as one number that orders prefixes by first address, the
/// widest first.
fn prefix_key(net: Ipv4Net) -> u64 {
    (u64::from(u32::from(net.network())) << LENGTH_BITS) | u64::from(net.prefix_len())
}

/// The duplicate with the smallest later index among (prefix key, index)
/// pairs sorted by both: equal prefixes are neighbours, in index order.
fn first_duplicate(sorted: impl Iterator<Item = (u64, usize)>) -> Option<Duplicate> {
    let mut previous: Option<(u64, usize)> = None;
    let mut found: Option<Duplicate> = None;
    for (key, index) in sorted {
        if let Some((previous_key, previous_index)) = previous {
            if previous_key == key && found.is_none_or(|d| index < d.again) {
                found = Some(Duplicate {
                    first: previous_index,
                    again: index,
                });
            }
        }
        previous = Some((key, index));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::TextId;
    use super::*;

    fn entry(prefix: IpNet) -> Entry {
        Entry {
            prefix,
            agency: TextId::new(0),
            sub_organization: None,
            contact: None,
            line: None,
        }
    }

    proptest::proptest! {
        /// The radix sort of packed keys and the comparison sort of pairs
        /// give one order and one duplicate, and the duplicate is the first
        /// entry (by index) whose prefix came before it, as inserting the
        /// entries one by one into a set finds it.
        #[test]
        fn both_sorts_agree_with_inserting_in_turn(
            prefixes in proptest::collection::vec(
                (0u32..6, 0u32..=u32::MAX, 0u8..=32, proptest::bool::weighted(0.1)),
                0..80,
            ),
        ) {
            let bases = [0x0a00_0000u32, 0x0a01_0000, 0xc000_0200, 0xffff_ff00, 0, 0x0a00_0100];
            let entries: Vec<Entry> = prefixes
                .into_iter()
                .map(|(base, noise, length, v6)| {
                    let base = bases.get(base as usize).copied().unwrap_or(0);
                    let address = std::net::Ipv4Addr::from(base ^ (noise >> 26));
                    let net = Ipv4Net::new(address, length).unwrap().trunc();
                    if v6 {
                        let net = ipnet::Ipv6Net::new(address.to_ipv6_compatible(), length).unwrap();
                        entry(IpNet::V6(net.trunc()))
                    } else {
                        entry(IpNet::V4(net))
                    }
                })
                .collect();
            let by_radix = V4Order::by_radix(&entries);
            proptest::prop_assert_eq!(&by_radix, &V4Order::by_comparison(&entries));
            let mut seen = std::collections::HashMap::new();
            let mut expected = None;
            for (index, e) in entries.iter().enumerate() {
                if let IpNet::V4(net) = e.prefix {
                    if let Some(&first) = seen.get(&net) {
                        expected = Some(Duplicate { first, again: index });
                        break;
                    }
                    seen.insert(net, index);
                }
            }
            proptest::prop_assert_eq!(by_radix.1, expected);
            let (order, _) = by_radix;
            let sorted: Vec<(u32, u8, usize)> = order
                .iter()
                .filter_map(|i| {
                    let net = ipv4(entries.get(i)?)?;
                    Some((u32::from(net.network()), net.prefix_len(), i))
                })
                .collect();
            proptest::prop_assert_eq!(sorted.len(), entries.iter().filter(|e| ipv4(e).is_some()).count());
            proptest::prop_assert!(sorted.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
