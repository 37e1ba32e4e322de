//! The owning agency of a record, from the TSO allocation table.

use std::net::IpAddr;
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

/// The agency of the first address (in the order the ruleset defines its
/// address fields, e.g. `src_ip` then `dst_ip`) that lies in the table.
pub fn lookup(
    table: &AllocationTable,
    ip_fields: &[FieldId],
    record: &Record,
) -> Option<AgencyMatch> {
    ip_fields.iter().find_map(|field| {
        let Some(Value::Ip(address)) = record.get(*field) else {
            return None;
        };
        table.lookup(*address).map(|allocation| AgencyMatch {
            agency: Arc::clone(allocation.agency_shared()),
            prefix: allocation.prefix(),
            address: *address,
            field: *field,
        })
    })
}
