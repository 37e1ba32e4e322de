//! The least work per row a classifier of the benchmark's input must do,
//! step by step, as a yardstick for `docket classify`'s own cost (see the
//! README's Performance section and `benches/least_work.sh`).
//!
//! ```text
//! cargo run --release --example least_work -- IN.csv OUT.csv TABLE.csv STEPS
//! ```
//!
//! Rows are read with docket's own row reader and written back as raw
//! bytes, which is cheaper than the csv crate's pass-through. Then, by
//! `STEPS`:
//!
//! - `0`: nothing else (the allocation table is still loaded);
//! - `1`: also read both addresses and the `occurred_at` timestamp, as
//!   classify reads them;
//! - `2`: also look up the owning agency, as classify does (`dst_ip`, then
//!   `src_ip`);
//! - `3`: also write as many bytes a row as classify does (172 for 93).
//!
//! No ruleset, no decision, no due time, no local times, no incident
//! numbers: what classify does beyond step 3 is the price of those.

#![allow(missing_docs)]

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use docket::allocation::AllocationTable;
use docket::classify::Agencies;
use docket::input::rows::{CsvRow, CsvRows};
use docket::record::parse_dotted_quad;
use docket::record::timestamp::read_fixed;

/// Columns of the benchmark's canonical CSV.
const OCCURRED_AT: usize = 1;
const SRC_IP: usize = 7;
const DST_IP: usize = 8;

/// What classify writes beyond what it reads: 172 bytes a row for 93.
const EXTRA: [u8; 78] = [b'x'; 78];

fn run(input: &str, output: &str, table: &str, steps: u32) -> Result<u64, Box<dyn Error>> {
    let table = Arc::new(AllocationTable::from_path(Path::new(table))?);
    let agencies = Agencies::new(table);
    let tz = chrono_tz::America::New_York;
    let mut rows = CsvRows::new(File::open(input)?);
    let mut out = BufWriter::with_capacity(128 << 10, File::create(output)?);
    let mut row = CsvRow::default();
    // A sum of what was read, so that none of it is optimised away.
    let mut checksum = 0u64;
    let mut header = true;
    while rows.read(&mut row)? {
        if !header {
            rows.next_record_at(rows.offset());
        }
        let mut line: [&[u8]; 10] = [&[]; 10];
        for (slot, cell) in line.iter_mut().zip(row.iter()) {
            *slot = cell;
        }
        if steps >= 1 && !header {
            let src = parse_dotted_quad(line[SRC_IP]);
            let dst = parse_dotted_quad(line[DST_IP]);
            if let Some(Ok(at)) = read_fixed(line[OCCURRED_AT], tz) {
                checksum = checksum.wrapping_add(at.timestamp() as u64);
            }
            if steps >= 2 {
                let owner = [dst, src]
                    .into_iter()
                    .flatten()
                    .find_map(|ip| agencies.owner(IpAddr::V4(ip)));
                checksum += owner.map_or(0, |(agency, _)| agency.len() as u64);
            }
        }
        header = false;
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(cell)?;
        }
        if steps >= 3 {
            out.write_all(b",")?;
            out.write_all(&EXTRA)?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(checksum)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, table, steps] = args.as_slice() else {
        eprintln!("usage: least_work IN.csv OUT.csv TABLE.csv STEPS(0-3)");
        return ExitCode::from(2);
    };
    let Ok(steps) = steps.parse() else {
        eprintln!("least_work: STEPS must be 0, 1, 2 or 3");
        return ExitCode::from(2);
    };
    match run(input, output, table, steps) {
        Ok(checksum) => {
            eprintln!("least_work: checksum {checksum}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("least_work: {e}");
            ExitCode::FAILURE
        }
    }
}
