//! Reading the rows of a canonical CSV, fast for the rows bulk exports are
//! made of.
//!
//! Almost every row of an IDS export is one line of plain cells: no quotes,
//! no carriage return but the one before its `\n`. Such a row is split on
//! its commas directly, a few instructions a byte; the csv crate's state
//! machine, which must be ready for quotes on every byte, costs several
//! times that, and reading was the largest single cost of `docket
//! classify`. Every other row (quoted cells, a line longer than what is
//! buffered, blank lines, a lone `\r`, the end of input) goes through
//! `csv_core`, the csv crate's own parser, with the settings docket reads
//! canonical CSV with. Both give exactly what the csv crate gives: the same
//! cells, and the same line for each row (the unit tests and a proptest
//! hold them to it).

use std::io::{self, BufRead};

use csv::{ByteRecord, Position};
use csv_core::ReadRecordResult;

/// UTF-8's byte-order mark, which the csv crate drops from the start of an
/// input (when its first read holds all three bytes).
const BYTE_ORDER_MARK: &[u8] = b"\xef\xbb\xbf";

/// Reads canonical CSV rows from a buffered input.
pub struct CsvRowReader {
    input: Box<dyn BufRead + Send>,
    /// The csv crate's parser, for the rows the plain path does not take
    /// (boxed: its tables are large, and it is seldom used).
    core: Box<csv_core::Reader>,
    /// Bytes consumed so far.
    offset: u64,
    /// `\n` bytes consumed so far.
    newlines: u64,
    /// Records read so far.
    records: u64,
    /// The most bytes one record may span.
    limit: u64,
    /// The parser's output for the record being read: cell bytes, and where
    /// each cell ends.
    cells: Vec<u8>,
    ends: Vec<usize>,
    /// The parser has reported the end of input.
    done: bool,
}

impl CsvRowReader {
    /// Reads `input`, refusing records that span more than `limit` bytes (a
    /// 2 GB file that is one unterminated quote would otherwise be held in
    /// memory whole).
    pub fn new(input: Box<dyn BufRead + Send>, limit: usize) -> Self {
        let mut core = Box::new(csv_core::Reader::new());
        // The parser drops a byte-order mark from the first bytes it is
        // given, and takes empty input for the end: a first buffer holding
        // just the mark would end the input. [`read`](Self::read) drops the
        // mark itself; a first call with no room for output, which reads
        // nothing, keeps the parser from dropping another one later.
        let _ = core.read_record(b",", &mut [], &mut [0]);
        CsvRowReader {
            input,
            core,
            offset: 0,
            newlines: 0,
            records: 0,
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
            cells: vec![0; 1024],
            ends: vec![0; 32],
            done: false,
        }
    }

    /// Reads the next row into `record` (cleared first); `Ok(false)` at the
    /// end of input. The record's position has the byte the csv crate's
    /// reader would have started reading it at and the line the row begins
    /// on, counted as [`LineIndex`](super::lines::LineIndex) counts it.
    pub fn read(&mut self, record: &mut ByteRecord) -> io::Result<bool> {
        record.clear();
        if self.done {
            return Ok(false);
        }
        let start = self.offset;
        let buffered = self.input.fill_buf()?;
        // A row starting on the `\n` of a `\r\n` pair begins on the next
        // line.
        let line = self.newlines + 1 + u64::from(buffered.first() == Some(&b'\n'));
        let mut position = Position::new();
        position
            .set_byte(start)
            .set_line(line)
            .set_record(self.records);
        record.set_position(Some(position));
        if start == 0 && buffered.starts_with(BYTE_ORDER_MARK) {
            self.consume(BYTE_ORDER_MARK.len());
        }
        self.skip_line_ends()?;
        let found = self.plain_row(record) || self.parsed_row(record, line)?;
        if found {
            self.records += 1;
        }
        Ok(found)
    }

    /// Consumes the line ends before a row, as the parser does at the start
    /// of a record (blank lines are no rows).
    fn skip_line_ends(&mut self) -> io::Result<()> {
        loop {
            let buffered = self.input.fill_buf()?;
            let ends = buffered
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            if ends == 0 {
                return Ok(());
            }
            let newlines = memchr::memchr_iter(b'\n', buffered.get(..ends).unwrap_or_default());
            self.newlines += newlines.count() as u64;
            self.consume(ends);
        }
    }

    /// Reads a row that is one whole buffered line of plain cells, and
    /// tells whether there was one; anything else is left for the parser.
    fn plain_row(&mut self, record: &mut ByteRecord) -> bool {
        let Ok(buffered) = self.input.fill_buf() else {
            // The parser meets the error again and reports it.
            return false;
        };
        let Some(newline) = memchr::memchr(b'\n', buffered) else {
            return false;
        };
        let line = buffered.get(..newline).unwrap_or_default();
        let row = line.strip_suffix(b"\r").unwrap_or(line);
        if row.is_empty() || !split_plain(row, record) {
            record.clear();
            return false;
        }
        if row.len() < line.len() {
            // The parser ends a row at the `\r` of `\r\n` and skips the `\n`
            // as the next row starts, which starts that row (and its line,
            // should a blank line follow) on the `\n`: so here.
            self.consume(newline);
        } else {
            self.newlines += 1;
            self.consume(newline + 1);
        }
        true
    }

    /// Reads a row with the csv crate's parser.
    fn parsed_row(&mut self, record: &mut ByteRecord, line: u64) -> io::Result<bool> {
        let start = self.offset;
        let (mut cells_len, mut ends_len) = (0, 0);
        loop {
            if self.offset - start > self.limit {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the record that starts on line {line} is longer than {} bytes \
                         (an unterminated quote?); docket stops rather than hold it in memory",
                        self.limit
                    ),
                ));
            }
            let buffered = self.input.fill_buf()?;
            let (result, read, written, ended) = self.core.read_record(
                buffered,
                self.cells.get_mut(cells_len..).unwrap_or_default(),
                self.ends.get_mut(ends_len..).unwrap_or_default(),
            );
            let newlines = memchr::memchr_iter(b'\n', buffered.get(..read).unwrap_or_default());
            self.newlines += newlines.count() as u64;
            self.consume(read);
            cells_len += written;
            ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let grown = self.cells.len().max(1) * 2;
                    self.cells.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len().max(1) * 2;
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    let mut cell_start = 0;
                    for &end in self.ends.get(..ends_len).unwrap_or_default() {
                        record.push_field(self.cells.get(cell_start..end).unwrap_or_default());
                        cell_start = end;
                    }
                    return Ok(true);
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }

    fn consume(&mut self, amount: usize) {
        self.input.consume(amount);
        self.offset += amount as u64;
    }

    /// Bytes consumed so far: where the next row starts.
    pub fn offset(&self) -> u64 {
        self.offset
    }
}

/// Splits `row` on its commas into `record`, eight bytes at a time; `false`
/// (with `record` partly filled) at a quote or a carriage return, which only
/// the parser reads right.
fn split_plain(row: &[u8], record: &mut ByteRecord) -> bool {
    let mut cell_start = 0;
    let mut words = row.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let word = u64::from_le_bytes(bytes);
        if bytes_equal(word, b'"') | bytes_equal(word, b'\r') != 0 {
            return false;
        }
        let mut commas = bytes_equal(word, b',');
        while commas != 0 {
            let comma = base + (commas.trailing_zeros() / 8) as usize;
            record.push_field(row.get(cell_start..comma).unwrap_or_default());
            cell_start = comma + 1;
            commas &= commas - 1;
        }
        base += 8;
    }
    for (i, &byte) in words.remainder().iter().enumerate() {
        match byte {
            b'"' | b'\r' => return false,
            b',' => {
                record.push_field(row.get(cell_start..base + i).unwrap_or_default());
                cell_start = base + i + 1;
            }
            _ => {}
        }
    }
    record.push_field(row.get(cell_start..).unwrap_or_default());
    true
}

/// The high bit of each byte of `word` that equals `byte`, and no other bit
/// (no false positives from borrows, unlike the shorter zero-byte test).
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let differences = word ^ (0x0101_0101_0101_0101 * u64::from(byte));
    !(((differences & LOW_SEVEN) + LOW_SEVEN) | differences | LOW_SEVEN)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::input::lines::LineIndex;

    /// Rows as the tests compare them: cells, and the line each starts on.
    type Rows = Result<Vec<(Vec<Vec<u8>>, u64)>, String>;

    /// What the csv crate reads from `text` as docket configures it, with
    /// the lines `LineIndex` corrects: each row's cells and line.
    fn csv_crate_rows(text: &[u8], limit: usize) -> Rows {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(LineIndex::with_limit(text, limit));
        let mut rows = Vec::new();
        let mut record = ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => return Ok(rows),
                Ok(true) => {
                    let line = reader.get_mut().line_of(record.position());
                    let end = reader.position().byte();
                    reader.get_mut().next_record_at(end);
                    rows.push((record.iter().map(<[u8]>::to_vec).collect(), line));
                }
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    /// What [`CsvRowReader`] reads from `text` through a buffer of
    /// `capacity` bytes.
    fn our_rows(text: &[u8], capacity: usize, limit: usize) -> Rows {
        let input = io::BufReader::with_capacity(capacity, Cursor::new(text.to_vec()));
        let mut reader = CsvRowReader::new(Box::new(input), limit);
        let mut rows = Vec::new();
        let mut record = ByteRecord::new();
        loop {
            match reader.read(&mut record) {
                Ok(false) => return Ok(rows),
                Ok(true) => {
                    let line = record.position().map_or(0, Position::line);
                    rows.push((record.iter().map(<[u8]>::to_vec).collect(), line));
                }
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    fn assert_same(text: &[u8]) {
        let expected = csv_crate_rows(text, usize::MAX);
        for capacity in [1, 2, 3, 7, 64, 8192] {
            assert_eq!(
                our_rows(text, capacity, usize::MAX),
                expected,
                "{:?} with a {capacity}-byte buffer",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn plain_rows_are_split_on_commas() {
        assert_same(b"id,category\nEV-1,malware\nEV-2,\n,\n");
        let rows = our_rows(b"a,b\nc,d,e\n", 64, usize::MAX).unwrap();
        assert_eq!(
            rows,
            vec![
                (vec![b"a".to_vec(), b"b".to_vec()], 1),
                (vec![b"c".to_vec(), b"d".to_vec(), b"e".to_vec()], 2),
            ]
        );
    }

    #[test]
    fn crlf_lines_and_blank_lines_count_like_the_csv_crate() {
        assert_same(b"a,b\r\nc,d\r\n\r\ne,f\r\n");
        assert_same(b"a,b\n\n\nc,d\n");
        assert_same(b"\n\na,b\n");
        assert_same(b"a\rb\rc\n");
        assert_same(b"a,b\r\r\nc\n");
        assert_same(b"a\r\n\na");
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_dropped_as_the_csv_crate_drops_it() {
        for text in [
            &b"\xef\xbb\xbfid,x\na,b\n"[..],
            b"\n\xef\xbb\xbfid\n",
            b"a\n\xef\xbb\xbfb\n",
        ] {
            let expected = csv_crate_rows(text, usize::MAX);
            for capacity in [3, 5, 64] {
                assert_eq!(our_rows(text, capacity, usize::MAX), expected, "{text:?}");
            }
        }
        let rows = our_rows(b"\xef\xbb\xbfid\n", 64, usize::MAX).unwrap();
        assert_eq!(rows, vec![(vec![b"id".to_vec()], 1)]);
    }

    #[test]
    fn quoted_cells_go_through_the_parser() {
        assert_same(b"a,\"b,c\"\n\"multi\nline\",x\nplain,row\n");
        assert_same(b"\"a\"\"b\",c\n");
        assert_same(b"a\"b,c\n");
    }

    #[test]
    fn the_last_row_may_lack_its_line_end() {
        assert_same(b"a,b\nc,d");
        assert_same(b"a,b\nc,d\r");
        assert_same(b"");
        assert_same(b"\n");
        assert_same(b"  ,  \n");
    }

    #[test]
    fn a_record_longer_than_the_limit_stops_with_its_line() {
        let text = b"a,b\n\"unterminated, and long enough\n";
        let error = our_rows(text, 4, 8).unwrap_err();
        assert!(error.contains("starts on line 2"), "{error}");
        assert!(error.contains("longer than 8 bytes"), "{error}");
    }

    proptest::proptest! {
        /// The word test marks exactly the bytes equal to the one sought.
        #[test]
        fn bytes_equal_marks_exactly_the_equal_bytes(bytes in proptest::array::uniform8(0u8..), sought: u8) {
            let expected = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == sought)
                .fold(0u64, |mask, (i, _)| mask | 0x80 << (8 * i));
            proptest::prop_assert_eq!(bytes_equal(u64::from_le_bytes(bytes), sought), expected);
        }

        /// Any bytes, and any buffer size, read as the csv crate reads them.
        #[test]
        fn rows_are_those_the_csv_crate_reads(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'b', b' ', b',', b'"', b'\r', b'\n', 0xc3, 0xa9]),
                0..200,
            ),
            capacity in 1usize..80,
        ) {
            let expected = csv_crate_rows(&text, usize::MAX);
            proptest::prop_assert_eq!(our_rows(&text, capacity, usize::MAX), expected);
        }
    }
}
