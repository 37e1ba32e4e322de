//! Writes the benchmark's synthetic inputs: a canonical CSV of ROWS events
//! and an allocation table of PREFIXES nested prefixes. Deterministic.
//!
//! ```text
//! cargo run --release --example bench_data -- ROWS EVENTS.csv PREFIXES ALLOCATIONS.csv
//! ```

#![allow(missing_docs)]

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use std::io::{BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rows, events, prefixes, allocations] = args.as_slice() else {
        eprintln!("usage: bench_data ROWS EVENTS.csv PREFIXES ALLOCATIONS.csv");
        return ExitCode::from(2);
    };
    let (Ok(rows), Ok(prefixes)) = (rows.parse::<u64>(), prefixes.parse::<usize>()) else {
        eprintln!("ROWS and PREFIXES are numbers");
        return ExitCode::from(2);
    };
    let written = std::fs::File::create(events).and_then(|file| {
        let mut out = BufWriter::with_capacity(1 << 20, file);
        synthetic::write_events(rows, prefixes, &mut out)?;
        out.flush()
    });
    let written =
        written.and_then(|()| std::fs::write(allocations, synthetic::allocation_table(prefixes)));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_data: {e}");
            ExitCode::FAILURE
        }
    }
}
