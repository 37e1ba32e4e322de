//! docket's canonical CSV row reader against the csv crate it stands in
//! for: the same cells for every row of any bytes, and the line of each
//! row's first byte (counted in the text, not by the csv crate, which puts
//! a row after blank lines on an earlier line), with
//! the input arriving a few bytes per read (the first byte chooses how
//! many), so that rows split across reads, quotes, lone carriage returns and
//! byte-order marks all meet the fast path's edges.
#![no_main]

use std::io::{self, Read};

use csv::ByteRecord;
use docket::input::rows::{CsvRow, CsvRows};
use libfuzzer_sys::fuzz_target;

/// Each row's cells and line, or the error that stopped reading.
type Rows = Result<Vec<(Vec<Vec<u8>>, u64)>, String>;

/// A reader that hands out at most `step` bytes per read.
struct Trickle<'a> {
    text: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.text.len());
        let (now, later) = self.text.split_at(n);
        buf[..n].copy_from_slice(now);
        self.text = later;
        Ok(n)
    }
}

/// The csv crate's cells, each row with the line of its first byte: past
/// the line breaks the csv crate skipped before it, counted in the text
/// itself. The first row is the header, whose line no message names: it is
/// given as 0 on both sides.
fn csv_crate(text: &[u8], step: usize) -> Rows {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(Trickle { text, step });
    let mut rows = Vec::new();
    let mut record = ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(|e| e.to_string())? {
        let mut start = record.position().map_or(0, |p| p.byte()) as usize;
        while !rows.is_empty() && matches!(text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let line = 1 + text[..start].iter().filter(|b| **b == b'\n').count() as u64;
        let line = if rows.is_empty() { 0 } else { line };
        rows.push((record.iter().map(<[u8]>::to_vec).collect(), line));
    }
    Ok(rows)
}

fn docket(input: Trickle<'_>) -> Rows {
    let mut reader = CsvRows::new(input);
    let mut rows = Vec::new();
    let mut row = CsvRow::default();
    while reader.read(&mut row).map_err(|e| e.to_string())? {
        let end = reader.offset();
        reader.next_record_at(end);
        let line = if rows.is_empty() { 0 } else { row.line() };
        rows.push((row.iter().map(<[u8]>::to_vec).collect(), line));
    }
    Ok(rows)
}

fuzz_target!(|data: &[u8]| {
    let Some((&step, text)) = data.split_first() else {
        return;
    };
    let step = 1 + usize::from(step);
    assert_eq!(
        docket(Trickle { text, step }),
        csv_crate(text, step),
        "{step} bytes per read"
    );
});
