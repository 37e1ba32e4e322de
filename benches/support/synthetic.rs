//! Deterministic synthetic data for the benchmarks: a canonical CSV of IDS
//! and complaint records with a realistic mix of categories, sources and
//! addresses, and a TSO allocation table of nested prefixes. The same seed
//! gives the same bytes on every machine. Shared by `examples/bench_data.rs`
//! and `benches/allocation.rs`.

use std::io::{self, Write};
use std::net::Ipv4Addr;

/// SplitMix64: a tiny, good-enough generator with a fixed sequence.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// One of `choices`, by weight.
    pub fn weighted<'a>(&mut self, choices: &[(&'a str, u64)]) -> &'a str {
        let total: u64 = choices.iter().map(|(_, w)| w).sum();
        let mut pick = self.below(total);
        for (choice, weight) in choices {
            if pick < *weight {
                return choice;
            }
            pick -= weight;
        }
        choices.last().map_or("", |(c, _)| c)
    }
}

/// Prefixes per /16 block of the table: the /16, 16 /20s, 14 /24s in each
/// /20, and 4 /28s in the first /24 of each /20.
const PER_BLOCK: usize = 1 + 16 + 16 * 14 + 16 * 4;

/// The first octets of the allocated space: blocks `30.0.0.0/16` upwards.
fn block(k: usize) -> (u8, u8) {
    ((30 + k / 256) as u8, (k % 256) as u8)
}

/// How many /16 blocks a table of `n` prefixes spans.
pub fn blocks(n: usize) -> usize {
    n.div_ceil(PER_BLOCK)
}

/// A TSO allocation table of exactly `n` nested IPv4 prefixes (up to four
/// levels deep), as CSV with `cidr,agency,sub_organization`.
pub fn allocation_table(n: usize) -> String {
    const AGENCIES: [&str; 12] = [
        "ARS", "FS", "NRCS", "FSA", "APHIS", "FNS", "NASS", "ERS", "RMA", "AMS", "FSIS", "OCIO",
    ];
    let mut out = String::with_capacity(n * 40);
    out.push_str("cidr,agency,sub_organization\n");
    let mut written = 0;
    let mut push = |out: &mut String, cidr: String, agency: &str, sub: &str| {
        if written < n {
            out.push_str(&format!("{cidr},{agency},{sub}\n"));
            written += 1;
        }
    };
    for k in 0..blocks(n) {
        let (a, b) = block(k);
        let agency = AGENCIES[k % AGENCIES.len()];
        push(&mut out, format!("{a}.{b}.0.0/16"), agency, "");
        for j in 0..16u8 {
            let sub = format!("{agency} unit {j}");
            push(&mut out, format!("{a}.{b}.{}.0/20", j * 16), agency, &sub);
            for m in 0..14u8 {
                push(
                    &mut out,
                    format!("{a}.{b}.{}.0/24", j * 16 + m),
                    agency,
                    &sub,
                );
            }
            for q in 0..4u8 {
                push(
                    &mut out,
                    format!("{a}.{b}.{}.{}/28", j * 16, q * 16),
                    agency,
                    &sub,
                );
            }
        }
    }
    out
}

/// An address: inside the table's blocks (`allocated`) or outside it.
pub fn address(rng: &mut Rng, table_blocks: usize, allocated: bool) -> Ipv4Addr {
    if allocated {
        let (a, b) = block(rng.below(table_blocks as u64) as usize);
        Ipv4Addr::new(a, b, rng.below(256) as u8, rng.below(256) as u8)
    } else {
        // 64.0.0.0 to 223.255.255.255: never in the table.
        Ipv4Addr::new(
            64 + rng.below(160) as u8,
            rng.below(256) as u8,
            rng.below(256) as u8,
            1 + rng.below(254) as u8,
        )
    }
}

const CATEGORIES: &[(&str, u64)] = &[
    ("scan-probe", 35),
    ("malware", 15),
    ("p2p", 8),
    ("password-compromise", 6),
    ("copyright-download", 5),
    ("malware-unconfirmed", 5),
    ("unapproved-scan", 4),
    ("misuse-minor", 4),
    ("break-in", 3),
    ("dos", 2),
    ("property-destruction", 2),
    ("personal-theft", 2),
    ("eft-fraud", 2),
    ("account-sharing", 2),
    ("root-compromise", 1),
    ("web-defacement", 1),
    ("unauthorized-device", 1),
    ("prohibited-use", 1),
    ("", 1),
];

const SOURCES: &[(&str, u64)] = &[
    ("ids", 50),
    ("helpdesk", 15),
    ("self", 10),
    ("us-cert", 5),
    ("employee", 5),
    ("public", 5),
    ("isp", 4),
    ("federal-agency", 3),
    ("copyright-holder", 2),
    ("oig", 1),
];

/// The header of the events CSV.
pub const EVENTS_HEADER: &str =
    "id,occurred_at,reported_at,source,reporter,category,loss_usd,src_ip,dst_ip,email";

/// Writes `rows` events (and the header) to `out`; addresses fall in a
/// table of `table_prefixes` prefixes three times in four.
pub fn write_events(rows: u64, table_prefixes: usize, out: &mut impl Write) -> io::Result<()> {
    let mut rng = Rng::new(0x00d0_c4e7);
    let table_blocks = blocks(table_prefixes);
    writeln!(out, "{EVENTS_HEADER}")?;
    // 2026-01-01T00:00:00Z.
    let year_start = 1_767_225_600i64;
    for n in 0..rows {
        let category = rng.weighted(CATEGORIES);
        let source = rng.weighted(SOURCES);
        let occurred = year_start + rng.below(365 * 86_400) as i64;
        let naive = rng.below(10) < 4;
        let reported = (rng.below(10) < 4).then(|| occurred + rng.below(7_200) as i64);
        let reporter = match source {
            "copyright-holder" => ["RIAA", "MPAA", "BSA", "Warner"][rng.below(4) as usize],
            "federal-agency" => "DHS",
            _ => "",
        };
        let loss = match category {
            "property-destruction" | "personal-theft" if rng.below(10) < 8 => {
                if rng.below(20) == 0 {
                    "100000".to_owned()
                } else {
                    (rng.below(300) * 1000).to_string()
                }
            }
            _ => String::new(),
        };
        let src_allocated = rng.below(10) < 1;
        let src = address(&mut rng, table_blocks, src_allocated);
        let dst_allocated = rng.below(4) < 3;
        let dst = address(&mut rng, table_blocks, dst_allocated);
        let email = if rng.below(10) == 0 {
            format!("user{}@ars.usda.gov", rng.below(5000))
        } else {
            String::new()
        };
        write!(out, "EV-{n:08},")?;
        write_time(out, occurred, naive)?;
        out.write_all(b",")?;
        if let Some(reported) = reported {
            write_time(out, reported, naive)?;
        }
        writeln!(
            out,
            ",{source},{reporter},{category},{loss},{src},{dst},{email}"
        )?;
    }
    Ok(())
}

/// An instant as RFC 3339 in UTC, or as a naive `YYYY-MM-DD HH:MM:SS` read
/// in the ruleset's zone.
fn write_time(out: &mut impl Write, seconds: i64, naive: bool) -> io::Result<()> {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
    if naive {
        write!(out, "{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
    } else {
        write!(out, "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}
