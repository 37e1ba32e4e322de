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
//! - `2`: also look up the owning agency, as classify does (`src_ip`, then
//!   `dst_ip`, in the order the ruleset defines them);
//! - `3`: also write as many bytes a row as classify does (172 for 93);
//! - `4`: instead of step 3's filler, write a row shaped like classify's
//!   as the cheapest classifier we could sketch would: its decision
//!   remembered by the raw text of the cells a decision reads
//!   (`reported_at`, `source`, `reporter`, `category`, `loss_usd`,
//!   `email`) and the owner, in 1,024 slots; `occurred_at` and a due time
//!   three days later as local times, each date's text remembered; the
//!   agency.
//!
//! No ruleset, no checks of the cells, no working days, no counts, no
//! flags, no incident numbers: what classify does beyond step 4 is the
//! price of those and of its generality.

#![allow(missing_docs)]

use std::error::Error;
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufWriter, Write};
use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use docket::allocation::AllocationTable;
use docket::classify::Agencies;
use docket::input::rows::{CsvRow, CsvRows};
use docket::record::parse_dotted_quad;
use docket::record::timestamp::{
    cached_uniform_utc_day, date_text, join_local, offset_text, read_fixed, time_text,
};

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
    let mut sketch = Sketch::default();
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
            let at = read_fixed(line[OCCURRED_AT], tz).and_then(Result::ok);
            checksum = checksum.wrapping_add(at.map_or(0, |at| at.timestamp() as u64));
            if steps >= 2 {
                let owner = [src, dst]
                    .into_iter()
                    .flatten()
                    .find_map(|ip| agencies.owner(IpAddr::V4(ip)))
                    .map(|(agency, _)| agency);
                checksum += owner.map_or(0, |agency| agency.len() as u64);
                if steps >= 4 {
                    let at = at.map(|at| at.timestamp());
                    out.write_all(sketch.row(&line, at, owner, tz))?;
                    continue;
                }
            }
        }
        header = false;
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(cell)?;
        }
        if steps == 3 {
            out.write_all(b",")?;
            out.write_all(&EXTRA)?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(checksum)
}

/// Step 4's classifier sketch.
struct Sketch {
    /// Decisions by the hash of their cells and owner.
    decisions: Vec<Decision>,
    /// The deciding cells of the row being written.
    key: Vec<u8>,
    /// The row being written.
    row: Vec<u8>,
    /// The local day, offset, and their texts last written.
    day: (i64, i32, [u8; 10], [u8; 6]),
}

/// A remembered decision: the cells it was made from and the output
/// cells it gave (level to citation).
#[derive(Default)]
struct Decision {
    hash: u64,
    key: Vec<u8>,
    cells: Vec<u8>,
}

/// The cells a decision reads, besides the owner.
const DECIDING: [usize; 6] = [2, 3, 4, 5, 6, 9];

impl Default for Sketch {
    fn default() -> Self {
        Sketch {
            decisions: (0..1024).map(|_| Decision::default()).collect(),
            key: Vec::with_capacity(256),
            row: Vec::with_capacity(256),
            day: (i64::MIN, 0, [0; 10], [0; 6]),
        }
    }
}

impl Sketch {
    /// The output row of `line`, whose `occurred_at` is `at` (seconds since
    /// the epoch) and whose owner is `owner`.
    fn row(
        &mut self,
        line: &[&[u8]; 10],
        at: Option<i64>,
        owner: Option<&Arc<str>>,
        tz: chrono_tz::Tz,
    ) -> &[u8] {
        let key = &mut self.key;
        key.clear();
        for cell in DECIDING.map(|c| line[c]) {
            key.extend_from_slice(cell);
            key.push(b',');
        }
        let mut hasher = foldhash::fast::FixedState::with_seed(7).build_hasher();
        hasher.write(key);
        hasher.write_usize(owner.map_or(0, |a| Arc::as_ptr(a).cast::<u8>() as usize));
        let hash = hasher.finish();
        let slot = &mut self.decisions[(hash % 1024) as usize];
        if slot.hash != hash || slot.key != *key {
            // A stand-in for deciding afresh: a typical decision's cells.
            slot.hash = hash;
            slot.key.clone_from(key);
            slot.cells.clear();
            slot.cells.extend_from_slice(b"low,");
            slot.cells.extend_from_slice(line[5]);
            slot.cells
                .extend_from_slice(b",,no,withhold.3b-adverse-event,low.scan-probe,USDA 3b(3),");
        }
        let row = &mut self.row;
        row.clear();
        row.extend_from_slice(line[0]);
        row.push(b',');
        if let Some(at) = at {
            let day = at.div_euclid(86_400);
            let offset = cached_uniform_utc_day(tz, day).unwrap_or(0);
            push_local(row, &mut self.day, at, offset);
            row.push(b',');
            row.extend_from_slice(owner.map_or(&b""[..], |a| a.as_bytes()));
            row.push(b',');
            row.extend_from_slice(&slot.cells);
            push_local(row, &mut self.day, at + 3 * 86_400, offset);
        }
        row.extend_from_slice(b",\n");
        row
    }
}

/// Appends the local time of `utc` (seconds since the epoch) at `offset`,
/// the texts of its date and offset remembered in `last`, as classify's
/// clock remembers them.
fn push_local(row: &mut Vec<u8>, last: &mut (i64, i32, [u8; 10], [u8; 6]), utc: i64, offset: i32) {
    let local = utc + i64::from(offset);
    let day = local.div_euclid(86_400);
    if (last.0, last.1) != (day, offset) {
        *last = (
            day,
            offset,
            date_text(day).unwrap_or_default(),
            offset_text(offset).unwrap_or_default(),
        );
    }
    let time = time_text(local.rem_euclid(86_400) as u32);
    row.extend_from_slice(&join_local(last.2, time, last.3));
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, table, steps] = args.as_slice() else {
        eprintln!("usage: least_work IN.csv OUT.csv TABLE.csv STEPS(0-4)");
        return ExitCode::from(2);
    };
    let Ok(steps) = steps.parse() else {
        eprintln!("least_work: STEPS must be 0 to 4");
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
