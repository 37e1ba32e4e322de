//! The benchmark's baseline: reads a CSV and writes it back with the csv
//! crate, a reused `ByteRecord` per row and the same buffer sizes as
//! `docket classify`, doing nothing else. `docket classify` cannot be
//! faster than this.
//!
//! ```text
//! cargo run --release --example passthrough -- IN.csv OUT.csv
//! ```

#![allow(missing_docs)]

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::process::ExitCode;

fn copy(input: &str, output: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let reader = BufReader::with_capacity(1 << 20, File::open(input)?);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let writer = BufWriter::with_capacity(1 << 16, File::create(output)?);
    let mut writer = csv::Writer::from_writer(writer);
    writer.write_byte_record(reader.byte_headers()?)?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record)? {
        writer.write_byte_record(&record)?;
        rows += 1;
    }
    writer.into_inner().map_err(|e| e.into_error())?.flush()?;
    Ok(rows)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: passthrough IN.csv OUT.csv");
        return ExitCode::from(2);
    };
    match copy(input, output) {
        Ok(rows) => {
            eprintln!("passthrough: {rows} rows");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("passthrough: {e}");
            ExitCode::FAILURE
        }
    }
}
