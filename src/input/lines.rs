//! Line numbers of CSV records that are right for CRLF files too.
//!
//! The csv crate reports the line a record starts on by counting the `\n`
//! bytes it has consumed when the record begins. With `\r\n` line ends it
//! stops a record at the `\r` and consumes the `\n` only when the next
//! record starts, so every record of a CRLF file would be reported one line
//! early (the header's line for the first row). [`LineIndex`] sits between
//! the file and the csv reader, notes where each `\n` is, and turns a
//! record's byte offset into its true line.
//!
//! It keeps only the newlines the csv reader has read ahead and not yet
//! reported a record past, so its memory is bounded by the reader's buffer
//! (plus the newlines inside one record's quoted fields). With a limit, it
//! also bounds the record: the csv crate would otherwise hold a single
//! quoted field of any size (a 2 GB file that is one unterminated quote) in
//! memory.
//!
//! [`LineCount`] gives the same lines, and enforces the same limit, for
//! docket's own reader of canonical CSV, which sees every byte it consumes
//! and so only needs to count the newlines.

use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader that remembers where its recent newlines are.
pub struct LineIndex<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// For each newline not yet passed by a reported record, where the run
    /// of line breaks (`\r` and `\n`) holding it starts: a record whose
    /// position is at or past that point starts after the newline, since
    /// the csv reader skips line breaks before a record.
    pending: VecDeque<u64>,
    /// Where the run of line breaks that ends the bytes read so far starts,
    /// if they end in one.
    open_run: Option<u64>,
    /// Newlines before the first pending one.
    passed: u64,
    /// Where the record being read starts, as far as is known: the end of
    /// the last record read.
    record_start: u64,
    /// The most bytes one record may span.
    limit: u64,
}

impl<R> LineIndex<R> {
    /// Wraps a reader.
    pub fn new(inner: R) -> Self {
        LineIndex {
            inner,
            offset: 0,
            pending: VecDeque::new(),
            open_run: None,
            passed: 0,
            record_start: 0,
            limit: u64::MAX,
        }
    }

    /// Wraps a reader whose records may span at most `limit` bytes: reading
    /// further fails with an error naming the line the record starts on.
    pub fn with_limit(inner: R, limit: usize) -> Self {
        LineIndex {
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
            ..LineIndex::new(inner)
        }
    }

    /// The 1-based line of the record the csv reader starts reading at byte
    /// `offset`: the line of its first byte past any line breaks there (the
    /// `\n` of a `\r\n` pair, blank lines), which the reader skips.
    /// Offsets must not decrease from one call to the next.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        while self.pending.front().is_some_and(|&n| n <= offset) {
            self.pending.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }

    /// Notes where the next record starts (the csv reader's position after
    /// a record), for the limit's error message and its count.
    pub fn next_record_at(&mut self, offset: u64) {
        self.record_start = self.record_start.max(offset);
    }

    /// The line of a csv position (a record's or an error's); 0 when the
    /// csv reader gives none.
    pub fn line_of(&mut self, position: Option<&csv::Position>) -> u64 {
        position.map_or(0, |p| self.line_at(p.byte()))
    }
}

impl<R: Read> Read for LineIndex<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.offset.saturating_sub(self.record_start) > self.limit {
            return Err(record_too_long(self.line_at(self.record_start), self.limit));
        }
        let n = self.inner.read(buf)?;
        let start = self.offset;
        let read = buf.get(..n).unwrap_or_default();
        let is_break = |b: &u8| *b == b'\n' || *b == b'\r';
        for i in memchr::memchr_iter(b'\n', read) {
            let before = read.get(..i).unwrap_or_default();
            let breaks = before.iter().rev().take_while(|b| is_break(b)).count();
            let run_start = match self.open_run {
                Some(open) if breaks == i => open,
                _ => start + (i - breaks) as u64,
            };
            self.pending.push_back(run_start);
        }
        let trailing = read.iter().rev().take_while(|b| is_break(b)).count();
        self.open_run = match (trailing, self.open_run) {
            (0, _) => None,
            (t, Some(open)) if t == n => Some(open),
            (t, _) => Some(start + (n - t) as u64),
        };
        self.offset += n as u64;
        Ok(n)
    }
}

/// The error of a read past the limit on one record's bytes, naming the
/// line the record starts on.
fn record_too_long(line: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "the record that starts on line {line} is longer than {limit} bytes \
             (an unterminated quote?); docket stops rather than hold it in memory"
        ),
    )
}

/// [`LineIndex`]'s lines and limit for a reader that sees every byte it
/// consumes, as [`CsvRows`](super::rows::CsvRows) does: it counts the `\n`
/// bytes as they are consumed instead of noting where each one is as it is
/// read (a search and a queue entry per newline, then a lookup per row).
///
/// The lines are [`LineIndex`]'s: a record starts on the line of its first
/// byte past the line breaks before it, one more than the `\n` bytes before
/// that byte; and a record longer than the limit is named by the line of
/// the first byte past the line breaks at the end of the last record read
/// (while those are still being consumed, one more than the `\n` bytes
/// consumed so far, as [`LineIndex`] counts only what it has read).
#[derive(Debug)]
pub struct LineCount {
    /// `\n` bytes consumed so far.
    newlines: u64,
    /// Where the record being read starts, as far as is known: the end of
    /// the last record read.
    record_start: u64,
    /// The line of the first byte past the line breaks at `record_start`,
    /// once one is consumed; `None` while only line breaks are.
    record_line: Option<u64>,
    /// The most bytes one record may span.
    limit: u64,
}

impl LineCount {
    /// Counts from the start of an input whose records may span at most
    /// `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        LineCount {
            newlines: 0,
            record_start: 0,
            record_line: None,
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
        }
    }

    /// Notes `bytes` consumed.
    pub fn consumed(&mut self, bytes: &[u8]) {
        if self.record_line.is_none() {
            if let Some(first) = bytes.iter().position(|b| !is_line_break(*b)) {
                let before = bytes.get(..first).unwrap_or_default();
                self.record_line = Some(self.newlines + newlines_in(before) + 1);
            }
        }
        self.newlines += newlines_in(bytes);
    }

    /// Notes a line consumed whole, without line breaks, and then the one
    /// byte `end` that ends it: what a line cut at its first line break
    /// holds, without counting through it.
    #[inline]
    pub fn consumed_line(&mut self, end: u8) {
        self.record_line.get_or_insert(self.newlines + 1);
        self.newlines += u64::from(end == b'\n');
    }

    /// The line of a record whose first byte is the next one to be
    /// consumed, once the line breaks before it have been.
    #[inline]
    pub fn record_at_next_byte(&mut self) -> u64 {
        self.record_line.get_or_insert(self.newlines + 1);
        self.newlines + 1
    }

    /// Notes where the next record starts (the reader's position after a
    /// record), for the limit's error message and its count.
    pub fn next_record_at(&mut self, offset: u64) {
        if offset > self.record_start {
            self.record_start = offset;
            self.record_line = None;
        }
    }

    /// Whether more bytes may be read, `offset` of them read so far (all of
    /// them consumed): not once the record being read spans more than the
    /// limit.
    pub fn check_limit(&self, offset: u64) -> io::Result<()> {
        if offset.saturating_sub(self.record_start) > self.limit {
            let line = self.record_line.unwrap_or(self.newlines + 1);
            return Err(record_too_long(line, self.limit));
        }
        Ok(())
    }
}

fn is_line_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn newlines_in(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

/// Why the csv crate could not read a row, in the words of the rest of
/// docket: the column named from the header, and no position of its own
/// (the csv crate counts CRLF lines one short; the caller gives the line).
pub fn describe_csv_error(error: &csv::Error, header: &[String]) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            let column = header.get(err.field()).map_or("?", String::as_str);
            format!("column `{column}` is not valid UTF-8")
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} columns, found {len}"),
        csv::ErrorKind::Io(e) => format!("cannot read: {e}"),
        _ => format!("unreadable CSV row: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(LineIndex::new(text.as_bytes()));
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let byte = record.position().unwrap().byte();
            lines.push(reader.get_mut().line_at(byte));
        }
        lines
    }

    #[test]
    fn a_record_longer_than_the_limit_is_an_error_naming_its_line() {
        let text = format!("a,b\n1,2\n\"{}", "x".repeat(100_000));
        let mut reader =
            csv::ReaderBuilder::new().from_reader(LineIndex::with_limit(text.as_bytes(), 10_000));
        let mut record = csv::ByteRecord::new();
        assert!(reader.read_byte_record(&mut record).unwrap());
        assert_eq!(reader.get_mut().line_of(record.position()), 2);
        let end = reader.position().byte();
        reader.get_mut().next_record_at(end);
        let error = reader.read_byte_record(&mut record).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("starts on line 3 is longer than 10000 bytes"),
            "{error}"
        );
    }

    #[test]
    fn a_record_after_blank_lines_is_on_the_line_of_its_first_byte() {
        assert_eq!(lines_of("a,b\n1,2\n\n\n3,4\n"), [2, 5]);
        assert_eq!(lines_of("a,b\r\n1,2\r\n\r\n3,4\r\n"), [2, 4]);
        assert_eq!(lines_of("\n\na,b\n1,2\n"), [4]);
        assert_eq!(lines_of("a,b\r\n\r\n\r\n1,2"), [4]);
        // Read a byte at a time, the runs span reads.
        let text = "a,b\r\n1,2\r\n\r\n\n3,4\r\n";
        let mut reader =
            csv::ReaderBuilder::new().from_reader(LineIndex::new(OneByte(text.as_bytes())));
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            lines.push(reader.get_mut().line_of(record.position()));
        }
        assert_eq!(lines, [2, 5]);
    }

    /// A reader that gives one byte per read.
    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn lf_crlf_and_quoted_newlines_give_the_starting_line() {
        assert_eq!(lines_of("a,b\n1,2\n3,4\n"), [2, 3]);
        assert_eq!(lines_of("a,b\r\n1,2\r\n3,4\r\n"), [2, 3]);
        assert_eq!(lines_of("a,b\r\n\"x\r\ny\",2\r\n3,4"), [2, 4]);
        assert_eq!(lines_of("a,b\n\"x\ny\",2\n3,4\n"), [2, 4]);
    }
}
