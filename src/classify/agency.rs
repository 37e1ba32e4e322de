//! The owning agency of a record, from the TSO allocation table.
//!
//! Every record looks up one or two addresses, almost all IPv4. The table's
//! prefix trie answers in a couple of hundred instructions; here its IPv4
//! prefixes are flattened once into disjoint ranges, each with its most
//! specific allocation, found through a directory of the first 16 bits and
//! a short binary search. IPv6 addresses still go to the table.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use ipnet::IpNet;

use crate::allocation::AllocationTable;
use crate::record::{Record, Value};
use crate::ruleset::model::FieldId;

/// The allocation that gave a record its agency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyMatch {
    /// The agency.
    pub agency: Arc<str>,
    /// The most specific prefix containing the address.
    pub prefix: IpNet,
    /// The address that matched.
    pub address: IpAddr,
    /// The field holding it.
    pub field: FieldId,
}

/// An allocation table with its IPv4 prefixes flattened for lookup.
pub struct Agencies {
    table: Arc<AllocationTable>,
    v4: FlatV4,
}

impl Agencies {
    /// Flattens `table`'s IPv4 prefixes.
    pub fn new(table: Arc<AllocationTable>) -> Self {
        let v4 = FlatV4::new(&table);
        Agencies { table, v4 }
    }

    /// The agency of the first address (in the order the ruleset defines
    /// its address fields, e.g. `src_ip` then `dst_ip`) that lies in the
    /// table.
    pub fn lookup(&self, ip_fields: &[FieldId], record: &Record) -> Option<AgencyMatch> {
        ip_fields.iter().find_map(|field| {
            let Some(Value::Ip(address)) = record.get(*field) else {
                return None;
            };
            let v4 = match address {
                IpAddr::V4(v4) => Some(*v4),
                IpAddr::V6(v6) => v6.to_ipv4_mapped(),
            };
            let (agency, prefix) = match v4 {
                Some(v4) => self.v4.lookup(v4).map(|(a, p)| (Arc::clone(a), *p))?,
                None => self
                    .table
                    .lookup(*address)
                    .map(|a| (Arc::clone(a.agency_shared()), a.prefix()))?,
            };
            Some(AgencyMatch {
                agency,
                prefix,
                address: *address,
                field: *field,
            })
        })
    }
}

/// Disjoint IPv4 ranges covering the whole space, each with the most
/// specific allocation containing it (or none).
struct FlatV4 {
    /// The first address of each range, ascending; the first is 0.
    starts: Vec<u32>,
    /// By range: its allocation in `allocations`, or `NONE`.
    owners: Vec<u32>,
    /// By the first 16 bits of an address: the first range starting at or
    /// after that /16; one more entry for the end.
    directory: Vec<u32>,
    /// The IPv4 allocations: agency and prefix.
    allocations: Vec<(Arc<str>, IpNet)>,
}

/// No allocation.
const NONE: u32 = u32::MAX;

impl FlatV4 {
    fn new(table: &AllocationTable) -> Self {
        let mut allocations = Vec::new();
        // (first address, then the widest first; allocation), the order
        // packed into one number: first in the high half, !last in the low.
        let mut prefixes: Vec<(u64, u32)> = Vec::new();
        for allocation in table.iter() {
            if let IpNet::V4(net) = allocation.prefix() {
                let Ok(index) = u32::try_from(allocations.len()) else {
                    break;
                };
                let (first, last) = (u32::from(net.network()), u32::from(net.broadcast()));
                prefixes.push(((u64::from(first) << 32) | u64::from(!last), index));
                allocations.push((Arc::clone(allocation.agency_shared()), allocation.prefix()));
            }
        }
        // No two allocations share a prefix, so the order is total.
        prefixes.sort_unstable_by_key(|&(order, _)| order);
        let mut flat = Flattening {
            starts: vec![0],
            owners: vec![NONE],
        };
        // The prefixes containing the current address, innermost last:
        // prefixes nest or are disjoint, never overlap otherwise.
        let mut open: Vec<(u32, u32)> = Vec::new();
        for (order, index) in prefixes {
            let (first, last) = ((order >> 32) as u32, !(order as u32));
            flat.close_before(&mut open, Some(first));
            flat.begin(first, index);
            open.push((last, index));
        }
        flat.close_before(&mut open, None);
        let mut directory = Vec::with_capacity((1 << 16) + 1);
        let mut i = 0usize;
        for high in 0..=1u64 << 16 {
            let at = high << 16;
            while flat.starts.get(i).is_some_and(|s| u64::from(*s) < at) {
                i += 1;
            }
            directory.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        FlatV4 {
            starts: flat.starts,
            owners: flat.owners,
            directory,
            allocations,
        }
    }

    /// The most specific allocation containing `ip`: agency and prefix.
    fn lookup(&self, ip: Ipv4Addr) -> Option<&(Arc<str>, IpNet)> {
        let ip = u32::from(ip);
        let high = (ip >> 16) as usize;
        // The range holding the /16's first address may start before it.
        let lo = self.directory.get(high).map_or(0, |i| *i as usize);
        let lo = lo.saturating_sub(1);
        let hi = self
            .directory
            .get(high + 1)
            .map_or(self.starts.len(), |i| *i as usize);
        let within = self.starts.get(lo..hi)?;
        let range = lo + within.partition_point(|s| *s <= ip).checked_sub(1)?;
        let owner = *self.owners.get(range)?;
        self.allocations.get(owner as usize)
    }
}

/// The ranges being built.
struct Flattening {
    starts: Vec<u32>,
    owners: Vec<u32>,
}

impl Flattening {
    /// Starts a range at `first` owned by `owner`.
    fn begin(&mut self, first: u32, owner: u32) {
        if self.starts.last() == Some(&first) {
            if let Some(last) = self.owners.last_mut() {
                *last = owner;
            }
        } else {
            self.starts.push(first);
            self.owners.push(owner);
        }
    }

    /// Closes the open prefixes that end before `next` (all of them for
    /// `None`), handing each one's remainder back to its enclosing prefix.
    fn close_before(&mut self, open: &mut Vec<(u32, u32)>, next: Option<u32>) {
        while let Some(&(last, _)) = open.last() {
            if next.is_some_and(|n| last >= n) {
                break;
            }
            open.pop();
            if let Some(after) = last.checked_add(1) {
                let owner = open.last().map_or(NONE, |(_, o)| *o);
                self.begin(after, owner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, &str)]) -> Arc<AllocationTable> {
        let mut builder = AllocationTable::builder();
        for (net, agency) in rows {
            builder.insert(net.parse().unwrap(), agency).unwrap();
        }
        Arc::new(builder.build())
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
        let flat = FlatV4::new(&table);
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
            let got = flat.lookup(ip).map(|(a, p)| (a.to_string(), *p));
            assert_eq!(got, expected, "{probe}");
        }
    }

    #[test]
    fn an_empty_table_has_no_agency() {
        let flat = FlatV4::new(&table(&[]));
        assert_eq!(flat.lookup(Ipv4Addr::new(10, 0, 0, 1)), None);
    }
}
