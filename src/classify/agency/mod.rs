//! The owning agency of a record, from the TSO allocation table.
//!
//! Every record looks up one or two addresses, almost all IPv4, at random
//! places in a table that may hold 100,000 prefixes: the cost is cache
//! misses. IPv4 addresses go to the table's prefixes flattened into
//! disjoint ranges ([`flat_v4`]); IPv6 addresses to the table's trie.

mod flat_v4;
mod radix;

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use flat_v4::FlatV4;

use crate::allocation::AllocationTable;
use crate::record::{Record, Value};
use crate::ruleset::model::FieldId;

/// The allocation that gave a record its agency.
///
/// The agency is borrowed from the table, not shared: a record's match is
/// made and dropped per record, and sharing cost an atomic increment and
/// decrement of the agency's count each time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyMatch<'t> {
    /// The agency, as the table holds it (its address names it, as the
    /// output's cache of encoded agencies uses it).
    pub agency: &'t Arc<str>,
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
    pub fn lookup(&self, ip_fields: &[FieldId], record: &Record) -> Option<AgencyMatch<'_>> {
        // A plain loop rather than `find_map`: the match is built once, for
        // the address that has an owner, instead of being moved out of a
        // closure per field.
        for field in ip_fields {
            let Some(Value::Ip(address)) = record.get(*field) else {
                continue;
            };
            // By reference: an `IpAddr` is copied byte by byte (its bytes
            // are unaligned), so only the matching one is.
            if let Some((agency, prefix)) = self.owner_of(address) {
                return Some(AgencyMatch {
                    agency,
                    prefix,
                    address: *address,
                    field: *field,
                });
            }
        }
        None
    }

    /// The agency and most specific prefix of one address: IPv4 (and
    /// IPv4-mapped IPv6) through the flattened ranges, IPv6 through the
    /// table's trie. The same answer as [`AllocationTable::lookup`].
    pub fn owner(&self, address: IpAddr) -> Option<(&Arc<str>, IpNet)> {
        self.owner_of(&address)
    }

    /// [`owner`](Self::owner), of an address in place.
    #[inline(always)]
    fn owner_of(&self, address: &IpAddr) -> Option<(&Arc<str>, IpNet)> {
        let v4 = match address {
            IpAddr::V4(v4) => Some(*v4),
            IpAddr::V6(v6) => v6.to_ipv4_mapped(),
        };
        match v4 {
            Some(v4) => self.v4.lookup(v4),
            None => self.v6_owner(address),
        }
    }

    /// [`owner`](Self::owner) of an IPv6 address, through the trie: out of
    /// line, since exports hold few.
    #[inline(never)]
    fn v6_owner(&self, address: &IpAddr) -> Option<(&Arc<str>, IpNet)> {
        self.table
            .lookup(*address)
            .map(|a| (a.agency_shared(), a.prefix()))
    }
}
