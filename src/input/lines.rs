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
            let line = self.line_at(self.record_start);
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the record that starts on line {line} is longer than {} bytes \
                     (an unterminated quote?); docket stops rather than hold it in memory",
                    self.limit
                ),
            ));
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
