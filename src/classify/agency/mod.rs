//! The owning agency of a record, from the TSO allocation table.
//!
//! Every record looks up one or two addresses, almost all IPv4, at random
//! places in a table that may hold 100,000 prefixes: the cost is cache
//! misses. IPv4 addresses go to the table's prefixes flattened into
//! disjoint ranges ([`flat_v4`]); IPv6 addresses to the table's trie.

mod flat_v4;

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
    /// `None` for a table too large to flatten (see [`FlatV4::new`]): its
    /// IPv4 addresses go to the trie too.
    v4: Option<FlatV4>,
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
        match (v4, &self.v4) {
            (Some(v4), Some(flat)) => flat.lookup(v4),
            _ => self.trie_owner(address),
        }
    }

    /// [`owner`](Self::owner) through the trie: of an IPv6 address, or of
    /// any address when the table could not be flattened. Out of line,
    /// since exports hold few IPv6 addresses.
    #[inline(never)]
    fn trie_owner(&self, address: &IpAddr) -> Option<(&Arc<str>, IpNet)> {
        self.table
            .lookup(*address)
            .map(|a| (a.agency_shared(), a.prefix()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table that could not be flattened answers through its trie, IPv4
    /// addresses included, as the flattened one does.
    #[test]
    fn an_unflattened_table_answers_through_the_trie() {
        let mut builder = AllocationTable::builder();
        for (net, agency) in [
            ("10.0.0.0/8", "TEN"),
            ("10.1.0.0/16", "ONE"),
            ("2001:db8::/32", "SIX"),
        ] {
            builder.insert(net.parse().unwrap(), agency).unwrap();
        }
        let flattened = Agencies::new(Arc::new(builder.build()));
        let unflattened = Agencies {
            table: Arc::clone(&flattened.table),
            v4: None,
        };
        for address in [
            "10.1.2.3",
            "10.2.0.0",
            "11.0.0.0",
            "::ffff:10.1.0.9",
            "2001:db8::1",
        ] {
            let address: IpAddr = address.parse().unwrap();
            assert_eq!(
                unflattened.owner(address),
                flattened.owner(address),
                "{address}"
            );
        }
        let ten = unflattened.owner("10.1.2.3".parse().unwrap()).unwrap();
        assert_eq!(
            (&**ten.0, ten.1.to_string().as_str()),
            ("ONE", "10.1.0.0/16")
        );
    }
}
