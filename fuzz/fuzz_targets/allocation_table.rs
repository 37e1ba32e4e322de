//! The TSO allocation table: any bytes either load or give an error that
//! renders, and a table that loads answers every lookup the same through
//! classify's flattened IPv4 ranges (sorted by radix, owners packed by the
//! /24) as through its prefix trie. The addresses asked are each prefix's
//! first and last, their neighbours and a point inside, where ranges
//! begin, end and nest.
#![no_main]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use docket::allocation::AllocationTable;
use docket::classify::Agencies;
use libfuzzer_sys::fuzz_target;

/// Prefixes whose edges are asked about: enough to cover a table of a few
/// dozen rows, few enough to keep each run fast.
const ASKED: usize = 200;

fuzz_target!(|data: &[u8]| {
    let table = match AllocationTable::from_reader(data, "fuzz.csv") {
        Ok(table) => table,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let mut addresses = vec![
        IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V4(Ipv4Addr::BROADCAST),
    ];
    for allocation in table.iter().take(ASKED) {
        let prefix = allocation.prefix();
        let (IpAddr::V4(first), IpAddr::V4(last)) = (prefix.network(), prefix.broadcast()) else {
            continue;
        };
        let (first, last) = (u32::from(first), u32::from(last));
        for address in [
            first,
            last,
            first.wrapping_sub(1),
            last.wrapping_add(1),
            first + (last - first) / 2,
            first | 0xff,
            (first & !0xff).wrapping_add(0x100),
        ] {
            addresses.push(IpAddr::V4(Ipv4Addr::from(address)));
        }
    }
    let table = Arc::new(table);
    let agencies = Agencies::new(Arc::clone(&table));
    for address in addresses {
        let flat = agencies
            .owner(address)
            .map(|(agency, prefix)| (agency.to_string(), prefix));
        let trie = table
            .lookup(address)
            .map(|a| (a.agency().to_owned(), a.prefix()));
        assert_eq!(flat, trie, "{address}");
    }
});
