//! Longest-prefix lookup against a linear-scan oracle, and loading the real
//! public prefix lists in `../shared/realdata`.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use docket::allocation::{AllocationError, AllocationTable, InsertError, PrefixProblem};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;

const AGENCIES: [&str; 5] = ["USDA", "DOC", "DOI", "DHS", "Commerce, NOAA"];

/// The specification of `lookup`, written as plainly as possible: among all
/// prefixes containing the address (IPv4-mapped IPv6 taken as IPv4), the
/// longest one.
fn oracle(prefixes: &[(IpNet, &str)], ip: IpAddr) -> Option<(IpNet, String)> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    prefixes
        .iter()
        .filter(|(net, _)| net.contains(&ip))
        .max_by_key(|(net, _)| net.prefix_len())
        .map(|(net, agency)| (*net, (*agency).to_owned()))
}

fn looked_up(table: &AllocationTable, ip: IpAddr) -> Option<(IpNet, String)> {
    table
        .lookup(ip)
        .map(|a| (a.prefix(), a.agency().to_owned()))
}

/// An address near `seed`: the top `keep` bits are the seed's, the rest are
/// `noise`. Sharing high bits is what makes prefixes nest.
fn near_v4(seed: u32, noise: u32, keep: u32) -> u32 {
    let low = u32::MAX.checked_shr(keep).unwrap_or(0);
    (seed & !low) | (noise & low)
}

fn near_v6(seed: u128, noise: u128, keep: u32) -> u128 {
    let low = u128::MAX.checked_shr(keep).unwrap_or(0);
    (seed & !low) | (noise & low)
}

/// Prefix specs: (use IPv6?, seed index, noise, bits kept from seed, length, agency).
type Spec = (bool, usize, u128, u32, u8, usize);

fn spec() -> impl Strategy<Value = Spec> {
    (
        any::<bool>(),
        0..3usize,
        any::<u128>(),
        0..=128u32,
        0..=128u8,
        0..AGENCIES.len(),
    )
}

fn make_prefix(seeds4: &[u32], seeds6: &[u128], s: &Spec) -> Option<IpNet> {
    let &(v6, seed, noise, keep, len, _) = s;
    if v6 {
        let addr = Ipv6Addr::from(near_v6(*seeds6.get(seed)?, noise, keep));
        if addr.to_ipv4_mapped().is_some() && len >= 96 {
            // The table refuses IPv4-mapped prefixes; tested separately.
            return None;
        }
        Some(IpNet::V6(Ipv6Net::new(addr, len).ok()?.trunc()))
    } else {
        let addr = Ipv4Addr::from(near_v4(*seeds4.get(seed)?, noise as u32, keep % 33));
        Some(IpNet::V4(Ipv4Net::new(addr, len % 33).ok()?.trunc()))
    }
}

/// Query addresses: near a seed (so inside nested prefixes), fully random,
/// and the IPv4-mapped IPv6 form of IPv4 ones.
fn make_query(seeds4: &[u32], seeds6: &[u128], q: &(u8, usize, u128, u32)) -> Option<IpAddr> {
    let &(kind, seed, noise, keep) = q;
    Some(match kind % 5 {
        0 => IpAddr::V4(Ipv4Addr::from(near_v4(
            *seeds4.get(seed)?,
            noise as u32,
            keep % 33,
        ))),
        1 => IpAddr::V6(Ipv6Addr::from(near_v6(*seeds6.get(seed)?, noise, keep))),
        2 => IpAddr::V6(
            Ipv4Addr::from(near_v4(*seeds4.get(seed)?, noise as u32, keep % 33)).to_ipv6_mapped(),
        ),
        3 => IpAddr::V4(Ipv4Addr::from(noise as u32)),
        _ => IpAddr::V6(Ipv6Addr::from(noise)),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn lookup_matches_linear_scan(
        seeds4 in proptest::collection::vec(any::<u32>(), 3),
        // One IPv6 seed inside ::ffff:0:0/96, so mapped space is exercised too.
        seeds6 in (proptest::collection::vec(any::<u128>(), 2), any::<u32>())
            .prop_map(|(mut v, mapped)| { v.push(0xffff_0000_0000 | u128::from(mapped)); v }),
        specs in proptest::collection::vec(spec(), 0..80),
        queries in proptest::collection::vec((any::<u8>(), 0..3usize, any::<u128>(), 0..=128u32), 1..60),
    ) {
        let mut seen = HashSet::new();
        let mut prefixes: Vec<(IpNet, &str)> = Vec::new();
        let mut builder = AllocationTable::builder();
        let mut csv = String::from("cidr,agency\n");
        for s in &specs {
            let Some(net) = make_prefix(&seeds4, &seeds6, s) else { continue };
            let agency = AGENCIES.get(s.5).copied().unwrap_or("USDA");
            let result = builder.insert(net, agency);
            if seen.insert(net) {
                prop_assert_eq!(result, Ok(()));
                prefixes.push((net, agency));
                csv.push_str(&format!("{net},\"{agency}\"\n"));
            } else {
                let is_duplicate = matches!(result, Err(InsertError::DuplicatePrefix { .. }));
                prop_assert!(is_duplicate, "duplicate {} accepted", net);
            }
        }
        let built = builder.build();
        let loaded = AllocationTable::from_reader(csv.as_bytes(), "generated.csv");
        prop_assert!(loaded.is_ok(), "generated CSV rejected: {:?}", loaded.as_ref().err());
        let Ok(loaded) = loaded else { return Ok(()) };
        prop_assert_eq!(built.len(), prefixes.len());
        prop_assert_eq!(loaded.len(), prefixes.len());

        // Every stored prefix's own network address resolves to it or a longer one.
        let extra = prefixes.iter().map(|(net, _)| net.network());
        let generated = queries.iter().filter_map(|q| make_query(&seeds4, &seeds6, q));
        for ip in generated.chain(extra) {
            let want = oracle(&prefixes, ip);
            prop_assert_eq!(looked_up(&built, ip), want.clone(), "builder table, {}", ip);
            prop_assert_eq!(looked_up(&loaded, ip), want, "CSV table, {}", ip);
        }
    }

    #[test]
    fn iteration_preserves_insertion_order(
        nets in proptest::collection::hash_set((any::<u32>(), 0..=32u8), 0..50),
    ) {
        let nets: Vec<IpNet> = nets
            .into_iter()
            .filter_map(|(a, l)| Ipv4Net::new(Ipv4Addr::from(a), l).ok())
            .map(|n| IpNet::V4(n.trunc()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .rev()
            .collect();
        let mut builder = AllocationTable::builder();
        for net in &nets {
            prop_assert_eq!(builder.insert(*net, "USDA"), Ok(()));
        }
        let table = builder.build();
        let order: Vec<IpNet> = table.iter().map(|a| a.prefix()).collect();
        prop_assert_eq!(order, nets);
    }

    #[test]
    fn host_bits_are_always_refused(addr in any::<u32>(), len in 0..32u8) {
        let Ok(net) = IpNet::new(IpAddr::V4(Ipv4Addr::from(addr)), len) else { return Ok(()) };
        prop_assume!(net.trunc() != net);
        let csv = format!("cidr,agency\n{net},USDA\n");
        let err = AllocationTable::from_reader(csv.as_bytes(), "t.csv").err();
        let is_host_bits = matches!(
            &err,
            Some(AllocationError::HostBitsSet { normalized, .. }) if *normalized == net.trunc()
        );
        prop_assert!(is_host_bits, "{:?}", err);
    }
}

/// `../shared/realdata` next to the repository, or `None` (with a note) when
/// this checkout does not have it.
fn realdata_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} is absent; skipping the real-data allocation test",
            dir.display()
        );
        None
    }
}

/// The ipverse lists are bare CIDRs with `#` comments; append the agency to
/// each CIDR line and keep comments as they are (the table format allows them).
fn ipverse_rows(text: &str, agency: &str) -> String {
    text.lines()
        .map(|line| {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                format!("{line}\n")
            } else {
                format!("{trimmed},{agency}\n")
            }
        })
        .collect()
}

#[test]
fn real_ipverse_prefix_lists() {
    let Some(dir) = realdata_dir() else { return };
    let mut csv = String::from("cidr,agency\n");
    let mut expected_rows = 0;
    for (file, agency) in [
        ("ipverse_AS4152_USDA_ipv4-aggregated.txt", "USDA"),
        ("ipverse_AS4152_USDA_ipv6-aggregated.txt", "USDA"),
        ("ipverse_AS33343_DOC_ipv4-aggregated.txt", "DOC"),
    ] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} should be readable: {e}", path.display()));
        expected_rows += text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .count();
        csv.push_str(&ipverse_rows(&text, agency));
    }
    let table = AllocationTable::from_reader(csv.as_bytes(), "realdata")
        .unwrap_or_else(|e| panic!("real prefix lists should load: {e}"));
    assert_eq!(table.len(), expected_rows);
    assert!(expected_rows >= 10, "only {expected_rows} prefixes read");

    let ip = |s: &str| -> IpAddr { s.parse().expect("test address") };
    let usda = table
        .lookup(ip("199.130.5.5"))
        .expect("199.128.0.0/11 is USDA");
    assert_eq!(usda.agency(), "USDA");
    assert_eq!(
        usda.prefix(),
        "199.128.0.0/11".parse::<IpNet>().expect("net")
    );
    assert!(usda.line().is_some_and(|l| l > 1));
    assert_eq!(
        table.lookup(ip("170.110.1.1")).map(|a| a.agency()),
        Some("DOC")
    );
    assert_eq!(
        table.lookup(ip("::ffff:170.110.1.1")).map(|a| a.agency()),
        Some("DOC")
    );
    assert_eq!(
        table.lookup(ip("2600:1200::1")).map(|a| a.agency()),
        Some("USDA")
    );
    assert_eq!(
        table.lookup(ip("166.7.255.255")).map(|a| a.agency()),
        Some("USDA"),
        "166.4.0.0/14 ends at 166.7.255.255"
    );
    assert_eq!(table.lookup(ip("166.8.0.0")).map(|a| a.agency()), None);
    assert!(table.lookup(ip("8.8.8.8")).is_none());
    assert!(table.lookup(ip("2001:4860:4860::8888")).is_none());
}

#[test]
fn real_fed_gov_prefix_extract() {
    let Some(dir) = realdata_dir() else { return };
    let path = dir.join("fed-gov-prefixes_EXTRACT.csv");

    // As published, the file names its prefix column `prefix`, not `cidr`.
    let err = AllocationTable::from_path(&path).err();
    let names_prefix = matches!(
        &err,
        Some(AllocationError::MissingColumn { column: "cidr", found, .. })
            if found.iter().any(|f| f == "prefix")
    );
    assert!(names_prefix, "{err:?}");
    assert_eq!(err.as_ref().and_then(|e| e.line()), Some(1));

    // Renamed, its first data row (an ASN with no prefix) is reported exactly.
    let text = std::fs::read_to_string(&path).expect("extract readable");
    let renamed = text.replacen(",prefix,", ",cidr,", 1);
    let err = AllocationTable::from_reader(renamed.as_bytes(), "extract").err();
    assert!(
        matches!(
            &err,
            Some(AllocationError::MalformedPrefix {
                problem: PrefixProblem::Empty,
                ..
            })
        ),
        "{err:?}"
    );
    let first_empty_row = renamed
        .lines()
        .position(|l| l.split(',').nth(3) == Some(""))
        .map(|i| i + 1);
    assert_eq!(err.as_ref().and_then(|e| e.line()), first_empty_row);
    // `AF,Air Force Systems Networking,AS132,` is 38 characters.
    assert_eq!(err.as_ref().and_then(|e| e.column()), Some(39));

    // Without the prefix-less rows it loads; quoted commas and the many extra
    // columns are handled, and real nested prefixes resolve to the longest.
    let filtered: String = renamed
        .lines()
        .filter(|l| l.split(',').nth(3) != Some(""))
        .map(|l| format!("{l}\n"))
        .collect();
    let table = AllocationTable::from_reader(filtered.as_bytes(), "extract")
        .unwrap_or_else(|e| panic!("filtered extract should load: {e}"));
    assert!(table.len() >= 30, "{} rows", table.len());
    let ip = |s: &str| -> IpAddr { s.parse().expect("test address") };
    let prefix_of = |s: &str| table.lookup(ip(s)).map(|a| a.prefix().to_string());
    assert_eq!(
        prefix_of("170.110.247.9").as_deref(),
        Some("170.110.247.0/24")
    );
    assert_eq!(prefix_of("170.110.9.9").as_deref(), Some("170.110.0.0/16"));
    assert_eq!(
        prefix_of("2610:20:100::1").as_deref(),
        Some("2610:20:100::/48")
    );
    assert_eq!(prefix_of("2610:20:7ff::1").as_deref(), Some("2610:20::/37"));
    assert_eq!(
        table.lookup(ip("56.0.1.1")).map(|a| a.agency()),
        Some("United States Postal Service (USPS)")
    );
    assert!(table.lookup(ip("8.8.8.8")).is_none());
}
