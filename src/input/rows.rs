//! Reading the rows of a canonical CSV input, fast.
//!
//! The csv crate's reader runs every byte through `csv_core`'s state
//! machine and then copies each record into a `ByteRecord`: over half of
//! what classifying a row cost. [`CsvRows`] reads rows exactly as that
//! reader does (same parser, same buffer size and reads, so the same rows
//! and I/O errors at the same points; a row's offset is its first byte,
//! past the line breaks before it, where the csv crate gives where it
//! started looking, which put rows after blank lines on an earlier line)
//! with one fast path: a row
//! that is one plain line (no quote) whole in the buffer is cut at its
//! commas and copied once, as one slice. Everything else (quotes, a line
//! that runs past the buffer, the end of the input, the header with its
//! byte order mark) goes through `csv_core` as the csv crate drives it.
//!
//! The fast path is exact because, between records, `csv_core` is in a
//! state that behaves as its start state: it skips `\r` and `\n` bytes, and
//! a field that does not start with a quote runs to the next `,`, `\r` or
//! `\n`, byte for byte. The rows of the two paths are held to each other by
//! the tests below.

use std::io::{self, Read};

use csv_core::ReadRecordResult;

use super::lines::LineCount;
use super::row_block::{RowBlock, RowRef};

/// How many bytes are read at a time: the csv crate's buffer size, so that
/// the reads (and the record length limit enforced between them, as
/// [`LineIndex`](super::lines::LineIndex) enforced it) fall as they did.
const BUFFER: usize = 8 * 1024;

/// One row of a canonical CSV: its cells' bytes, and the line and byte
/// offset it starts at. Reused from row to row; a chunk holds its rows in
/// one [`RowBlock`] instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvRow {
    /// The one row, once read.
    block: RowBlock,
}

impl CsvRow {
    /// A row of `cells`, for tests and tools that build rows themselves.
    pub fn from_cells<C: AsRef<[u8]>>(cells: impl IntoIterator<Item = C>) -> Self {
        let (mut bytes, mut ends) = (Vec::new(), Vec::new());
        for cell in cells {
            bytes.extend_from_slice(cell.as_ref());
            ends.push(bytes.len());
        }
        let mut row = CsvRow::default();
        // Rows built by hand are far below the size a `u32` names.
        let _ = row.block.push_cells(&bytes, &ends, 0, 0);
        row
    }

    /// The row, to read its cells.
    pub fn as_row(&self) -> RowRef<'_> {
        self.block.first().unwrap_or_default()
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.as_row().len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.as_row().is_empty()
    }

    /// The cells, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.as_row().iter()
    }

    /// The line the row starts on (1-based; 0 for the header, or if none
    /// was read).
    pub fn line(&self) -> u64 {
        self.as_row().line()
    }

    /// The byte offset the row starts at (past the line breaks before it).
    pub fn offset(&self) -> u64 {
        self.as_row().offset()
    }
}

/// Reads canonical CSV rows from `R` (which sees the same reads as under
/// the csv crate's reader).
pub struct CsvRows<R> {
    source: R,
    core: csv_core::Reader,
    buffer: Box<[u8]>,
    /// The unread bytes are `buffer[pos..filled]`.
    pos: usize,
    filled: usize,
    /// Bytes consumed: where the next row starts.
    offset: u64,
    /// The end of the input was reached, or reading failed: no more rows.
    done: bool,
    /// The bytes and field ends `csv_core` writes, for the general path.
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The line each row starts on, and the limit on a row's bytes.
    lines: LineCount,
}

impl<R: Read> CsvRows<R> {
    /// Rows read from `source`, the first one (the header) included.
    pub fn new(source: R) -> Self {
        CsvRows::with_limit(source, usize::MAX)
    }

    /// Rows read from `source`, each of which may span at most `limit`
    /// bytes: reading further fails with an error naming the line the row
    /// starts on, as [`LineIndex`](super::lines::LineIndex) does, rather
    /// than hold a row of any size (one unterminated quote) in memory.
    pub fn with_limit(source: R, limit: usize) -> Self {
        CsvRows {
            source,
            core: csv_core::Reader::new(),
            buffer: vec![0; BUFFER].into_boxed_slice(),
            pos: 0,
            filled: 0,
            offset: 0,
            done: false,
            out: Vec::new(),
            ends: Vec::new(),
            lines: LineCount::with_limit(limit),
        }
    }

    /// Notes where the next row starts (the end of the last one read), for
    /// the limit on its bytes and the line its error names.
    pub fn next_record_at(&mut self, offset: u64) {
        self.lines.next_record_at(offset);
    }

    /// Where the next row starts: the end of the last one read.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Reads the next row into `row`; `Ok(false)` at the end. Once reading
    /// has failed, there are no more rows. `row`'s offset is where it
    /// starts, and its line that of its first byte (0 for the header).
    pub fn read(&mut self, row: &mut CsvRow) -> io::Result<bool> {
        row.block.clear();
        self.read_into(&mut row.block)
    }

    /// Reads the next row onto the end of `block`; `Ok(false)` at the end,
    /// and on an error, with `block` as it was. Once reading has failed,
    /// there are no more rows. The row's offset is where it starts, and
    /// its line that of its first byte (0 for the header).
    #[inline(always)]
    pub fn read_into(&mut self, block: &mut RowBlock) -> io::Result<bool> {
        if self.done {
            return Ok(false);
        }
        // The header goes through `csv_core`, which strips a byte order
        // mark from the start of the input.
        let mut line = 0;
        if self.offset > 0 {
            // Line breaks before a row (blank lines, the `\n` of a `\r\n`)
            // are skipped here, as `csv_core` would skip them, so that the
            // row's offset, and the line it is reported on, is its first
            // byte's; the csv crate's is where its reader started looking.
            self.skip_line_breaks()?;
            line = self.lines.record_at_next_byte();
            if self.plain_line(block, line)? {
                return Ok(true);
            }
        }
        self.general(block, line)
    }

    /// Reads rows onto the end of `block` until it holds `max_rows` rows or
    /// at least `max_bytes` bytes, or the input ends (`Ok(false)`), each
    /// row read as [`read_into`](Self::read_into) reads it and followed by
    /// [`next_record_at`](Self::next_record_at) its end: one call a chunk
    /// rather than a row. On an error, the rows read before it stay in
    /// `block`.
    pub fn read_rows(
        &mut self,
        block: &mut RowBlock,
        max_rows: usize,
        max_bytes: usize,
    ) -> io::Result<bool> {
        while block.len() < max_rows && block.bytes_len() < max_bytes {
            if !self.read_into(block)? {
                return Ok(false);
            }
            self.next_record_at(self.offset);
        }
        Ok(true)
    }

    /// Consumes line breaks up to the next other byte or the end of input.
    #[inline(always)]
    fn skip_line_breaks(&mut self) -> io::Result<()> {
        // Most rows follow a line break already consumed: nothing to skip
        // (consuming no bytes changes nothing), and no call.
        match self.buffer.get(self.pos..self.filled) {
            Some([first, ..]) if *first != b'\n' && *first != b'\r' => Ok(()),
            _ => self.skip_line_breaks_slow(),
        }
    }

    #[inline(never)]
    fn skip_line_breaks_slow(&mut self) -> io::Result<()> {
        loop {
            if self.pos >= self.filled && !self.refill()? {
                return Ok(());
            }
            let unread = self.buffer.get(self.pos..self.filled).unwrap_or_default();
            let breaks = unread
                .iter()
                .position(|b| *b != b'\n' && *b != b'\r')
                .unwrap_or(unread.len());
            self.consume(breaks);
            if self.pos < self.filled {
                return Ok(());
            }
        }
    }

    /// Reads the next bytes into the emptied buffer; `false` at the end of
    /// the input. An error ends the rows.
    fn refill(&mut self) -> io::Result<bool> {
        if let Err(e) = self.lines.check_limit(self.offset) {
            self.done = true;
            return Err(e);
        }
        match self.source.read(&mut self.buffer) {
            Ok(n) => {
                self.pos = 0;
                self.filled = n.min(self.buffer.len());
                Ok(self.filled > 0)
            }
            Err(e) => {
                self.done = true;
                Err(e)
            }
        }
    }

    /// The fast path: reads the next row onto `block` if it is one line
    /// without quotes, whole in the buffer; `false` (having consumed
    /// nothing, `block` as it was) leaves it to [`general`](Self::general).
    /// The line breaks before the row have been skipped.
    #[inline(always)]
    fn plain_line(&mut self, block: &mut RowBlock, line: u64) -> io::Result<bool> {
        let unread = self.buffer.get(self.pos..self.filled).unwrap_or_default();
        let start = block.next_start(unread.len() + 1)?;
        let marks = block.marks_mut();
        let count = marks.len();
        marks.push(start);
        let Some(len) = split_plain_line(unread, marks, start + 1) else {
            marks.truncate(count);
            return Ok(false);
        };
        // The line with the line break that ends it, the byte after its
        // last cell.
        let (bytes, end) = (unread.get(..=len), unread.get(len));
        block.push_line(bytes.unwrap_or_default(), line, self.offset);
        self.lines.consumed_line(end.copied().unwrap_or_default());
        // The line break ends the row; `csv_core` would leave the `\n` of a
        // `\r\n` for the next one, as this does.
        let used = len + 1;
        self.pos += used;
        self.offset += used as u64;
        Ok(true)
    }

    /// The general path: `csv_core`, driven as the csv crate drives it.
    /// Out of line, so that the fast path's loop keeps its registers.
    #[inline(never)]
    fn general(&mut self, block: &mut RowBlock, line: u64) -> io::Result<bool> {
        let offset = self.offset;
        let (mut out_len, mut ends_len) = (0, 0);
        loop {
            if self.pos >= self.filled {
                self.refill()?;
            }
            if self.out.len() <= out_len {
                self.out.resize((self.out.len() * 2).max(64), 0);
            }
            if self.ends.len() <= ends_len {
                self.ends.resize((self.ends.len() * 2).max(16), 0);
            }
            let input = self.buffer.get(self.pos..self.filled).unwrap_or_default();
            let (result, read, written, ended) = self.core.read_record(
                input,
                self.out.get_mut(out_len..).unwrap_or_default(),
                self.ends.get_mut(ends_len..).unwrap_or_default(),
            );
            self.consume(read);
            out_len += written;
            ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty
                | ReadRecordResult::OutputFull
                | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record => {
                    let bytes = self.out.get(..out_len).unwrap_or_default();
                    let ends = self.ends.get(..ends_len).unwrap_or_default();
                    if let Err(e) = block.push_cells(bytes, ends, line, offset) {
                        self.done = true;
                        return Err(e);
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

    fn consume(&mut self, n: usize) {
        let consumed = self.buffer.get(self.pos..self.pos + n);
        self.lines.consumed(consumed.unwrap_or_default());
        self.pos += n;
        self.offset += n as u64;
    }
}

/// Cuts the plain line at the start of `bytes` into cells, pushing onto
/// `marks` where each ends plus `past` (one past where the line goes in
/// its [`RowBlock`]): finds the line's end (the first `\n` or `\r`) and its
/// commas. Cells of a line it refuses may have been pushed. `None` when the line
/// has a quote, is empty, or does not end within `bytes`; otherwise its
/// length (without the line break).
///
/// Eight bytes at a time: the four bytes that matter are all below `-`
/// (0x2D), so a word's bytes below it are found at once, and only those
/// (a space, say, besides the four) are looked at one by one.
fn split_plain_line(bytes: &[u8], marks: &mut Vec<u32>, past: u32) -> Option<usize> {
    // `past` plus any offset in `bytes` fits a `u32`: the caller checked.
    let mut word_at = 0;
    let mut words = bytes.chunks_exact(8);
    loop {
        let word = match words.next() {
            Some(word) => <[u8; 8]>::try_from(word).ok()?,
            None if word_at < bytes.len() => {
                // The last few bytes, padded with zeros (which are below
                // `-` too, but lie past the end).
                let rest = words.remainder();
                let mut tail = [0u8; 8];
                tail.get_mut(..rest.len())?.copy_from_slice(rest);
                tail
            }
            None => return None,
        };
        let mut special = bytes_below(u64::from_le_bytes(word), b'-');
        while special != 0 {
            let at = word_at + (special.trailing_zeros() / 8) as usize;
            special &= special - 1;
            match bytes.get(at) {
                Some(b',') => marks.push(past + at as u32),
                Some(b'\n' | b'\r') if at > 0 => {
                    marks.push(past + at as u32);
                    return Some(at);
                }
                Some(b'"' | b'\n' | b'\r') | None => return None,
                Some(_) => {}
            }
        }
        word_at += 8;
    }
}

/// The high bit of each byte of `word` that is below `limit` (at most
/// 0x80), and no other bit.
#[inline(always)]
fn bytes_below(word: u64, limit: u8) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `t` says its low seven bits are at
    // least `limit`; no byte carries into the next.
    let t = (word & LOW) + u64::from(0x80_u8.saturating_sub(limit)) * 0x0101_0101_0101_0101;
    !(t | word) & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A reader that gives at most `step` bytes per read, to cut rows at
    /// every place.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            let (head, tail) = self.bytes.split_at(n);
            buf.get_mut(..n).unwrap().copy_from_slice(head);
            self.bytes = tail;
            Ok(n)
        }
    }

    /// A row's cells, start offset and line (0 for the header).
    type Row = (Vec<Vec<u8>>, u64, u64);

    /// The rows as the csv crate reads them, on the lines a [`LineIndex`]
    /// under it gives.
    ///
    /// [`LineIndex`]: crate::input::lines::LineIndex
    fn by_csv(text: &[u8], step: usize) -> Vec<Row> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(crate::input::lines::LineIndex::new(Trickle {
                bytes: text,
                step,
            }));
        let mut record = csv::ByteRecord::new();
        let mut rows = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let cells = record.iter().map(<[u8]>::to_vec).collect();
            // The csv crate gives where it started looking for the row;
            // a row after the first starts at its first byte past the line
            // breaks it skipped.
            let mut start = record.position().unwrap().byte();
            while !rows.is_empty() && matches!(text.get(start as usize), Some(b'\r' | b'\n')) {
                start += 1;
            }
            let line = match rows.is_empty() {
                true => 0,
                false => reader.get_mut().line_at(start),
            };
            rows.push((cells, start, line));
        }
        rows
    }

    fn by_rows(text: &[u8], step: usize) -> Vec<Row> {
        let mut reader = CsvRows::new(Trickle { bytes: text, step });
        let mut row = CsvRow::default();
        let mut rows = Vec::new();
        while reader.read(&mut row).unwrap() {
            let cells = row.iter().map(<[u8]>::to_vec).collect();
            rows.push((cells, row.offset(), row.line()));
        }
        rows
    }

    #[test]
    fn rows_are_read_as_the_csv_crate_reads_them() {
        for text in [
            "a,b\n1,2\n3,4\n",
            "\u{feff}a,b\r\n1,2\r\n\r\n3,4",
            "a\n\n\n1,,2,\n,\n\"q,\"\"\",x\r3\r\n\n4",
            "a,b\n1,\"multi\nline\",z\n\"x\"y,2\n",
            "",
            "\n\n",
            "a",
        ] {
            for step in [1, 2, 3, 7, 8192] {
                assert_eq!(
                    by_rows(text.as_bytes(), step),
                    by_csv(text.as_bytes(), step),
                    "{text:?} {step}"
                );
            }
        }
    }

    /// The rows read before an error, and the error, of `text` read with
    /// a limit of `limit` bytes a row: by the csv crate on a [`LineIndex`]
    /// told where each row after the header ends, as canonical inputs were
    /// read before [`CsvRows`] counted lines itself, or by [`CsvRows`].
    ///
    /// [`LineIndex`]: crate::input::lines::LineIndex
    fn limited(text: &[u8], limit: usize, step: usize, by_csv: bool) -> (Vec<Row>, String) {
        let source = Trickle { bytes: text, step };
        let mut rows = Vec::new();
        if by_csv {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(false)
                .from_reader(crate::input::lines::LineIndex::with_limit(source, limit));
            let mut record = csv::ByteRecord::new();
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(false) => return (rows, String::new()),
                    Ok(true) if rows.is_empty() => rows.push((Vec::new(), 0, 0)),
                    Ok(true) => {
                        let mut start = record.position().unwrap().byte();
                        while matches!(text.get(start as usize), Some(b'\r' | b'\n')) {
                            start += 1;
                        }
                        let line = reader.get_mut().line_at(start);
                        let end = reader.position().byte();
                        reader.get_mut().next_record_at(end);
                        let cells = record.iter().map(<[u8]>::to_vec).collect();
                        rows.push((cells, start, line));
                    }
                    Err(e) => return (rows, e.to_string()),
                }
            }
        }
        let mut reader = CsvRows::with_limit(source, limit);
        let mut row = CsvRow::default();
        loop {
            match reader.read(&mut row) {
                Ok(false) => return (rows, String::new()),
                Ok(true) if rows.is_empty() => rows.push((Vec::new(), 0, 0)),
                Ok(true) => {
                    let end = reader.offset();
                    reader.next_record_at(end);
                    let cells = row.iter().map(<[u8]>::to_vec).collect();
                    rows.push((cells, row.offset(), row.line()));
                }
                Err(e) => return (rows, e.to_string()),
            }
        }
    }

    /// A row too long is refused where, and on the line, the line index
    /// under the csv crate refused it: the first row after the header
    /// (named by the header's line), a row after blank lines or in a CRLF
    /// file, a run of blank lines, the header itself.
    #[test]
    fn rows_too_long_are_refused_as_the_line_index_refused_them() {
        let long = "x".repeat(1000);
        for text in [
            format!("a,b\n1,2\n\"{long}"),
            format!("\n\na,b\n\"{long}"),
            format!("\u{feff}a,b\n{long},1\n2,3"),
            format!("a,b\r\n1,2\r\n\r\n\r\n3,\"{long}\""),
            format!("a,b\n1,2\n{}3,4\n", "\n".repeat(1000)),
            format!("a,b\r\n1,2{}3,4\n", "\r\n".repeat(500)),
            format!("\"{long}\",b\n1,2\n"),
        ] {
            for step in [1, 7, 64, 8192] {
                let (rows, error) = limited(text.as_bytes(), 100, step, false);
                // A byte a read, every one of them is too long somewhere.
                assert!(step > 1 || error.contains("is longer than 100 bytes"));
                assert_eq!(
                    (rows, error),
                    limited(text.as_bytes(), 100, step, true),
                    "{text:?} {step}"
                );
            }
        }
    }

    #[test]
    fn a_row_too_long_is_named_by_its_line() {
        let text = format!("a,b\n1,2\n\"{}", "x".repeat(1000));
        let (rows, error) = limited(text.as_bytes(), 100, 64, false);
        assert_eq!(rows.len(), 2);
        assert!(
            error.contains("starts on line 3 is longer than 100"),
            "{error}"
        );
    }

    /// The rows read before an error, and the error, of `text` read as
    /// [`limited`] reads it with [`CsvRows`], but a chunk of at most
    /// `max_rows` rows at a time into one [`RowBlock`], as
    /// [`ChunkReader`](super::super::chunks::ChunkReader) reads them.
    fn limited_by_chunks(
        text: &[u8],
        limit: usize,
        step: usize,
        max_rows: usize,
    ) -> (Vec<Row>, String) {
        let mut reader = CsvRows::with_limit(Trickle { bytes: text, step }, limit);
        let mut rows = Vec::new();
        // The header is read alone, as `TableReader::canonical` reads it.
        match reader.read(&mut CsvRow::default()) {
            Ok(true) => rows.push((Vec::new(), 0, 0)),
            Ok(false) => return (rows, String::new()),
            Err(e) => return (rows, e.to_string()),
        }
        let mut block = RowBlock::default();
        loop {
            block.clear();
            let read = reader.read_rows(&mut block, max_rows, usize::MAX);
            for row in block.iter() {
                let cells = row.iter().map(<[u8]>::to_vec).collect();
                rows.push((cells, row.offset(), row.line()));
            }
            match read {
                Ok(true) => {}
                Ok(false) => return (rows, String::new()),
                Err(e) => return (rows, e.to_string()),
            }
        }
    }

    #[test]
    fn rows_across_the_buffer_edge_are_read_whole() {
        let mut text = String::from("id,x\n");
        for i in 0..2000 {
            text.push_str(&format!("EV-{i},{}\n", "y".repeat(i % 37)));
        }
        assert_eq!(
            by_rows(text.as_bytes(), 8192),
            by_csv(text.as_bytes(), 8192)
        );
        assert_eq!(
            by_rows(text.as_bytes(), 5000),
            by_csv(text.as_bytes(), 5000)
        );
    }

    proptest! {
        #[test]
        fn bytes_below_marks_exactly_the_bytes_below(word in any::<[u8; 8]>(), limit in 0u8..=0x80) {
            let marked = bytes_below(u64::from_le_bytes(word), limit).to_le_bytes();
            for (byte, mark) in word.iter().zip(marked) {
                prop_assert_eq!(mark, if *byte < limit { 0x80 } else { 0 });
            }
        }

        #[test]
        fn any_bytes_are_read_as_the_csv_crate_reads_them(
            text in proptest::collection::vec(
                proptest::sample::select(b"ab,\"\r\n \xef\xbb\xbf".to_vec()),
                0..200,
            ),
            step in 1usize..40,
        ) {
            prop_assert_eq!(by_rows(&text, step), by_csv(&text, step));
        }

        #[test]
        fn long_lines_are_read_as_the_csv_crate_reads_them(
            text in proptest::collection::vec(
                proptest::sample::select(b"abcdefgh,,,\"\r\n\n\n\xc3\xa9".to_vec()),
                0..2000,
            ),
        ) {
            prop_assert_eq!(by_rows(&text, 8192), by_csv(&text, 8192));
            prop_assert_eq!(by_rows(&text, 333), by_csv(&text, 333));
        }

        /// Rows read a chunk at a time into one block are the rows read
        /// one at a time, up to the same error (a row over the limit).
        #[test]
        fn rows_read_in_chunks_are_the_rows_read_one_by_one(
            text in proptest::collection::vec(
                proptest::sample::select(b"abcdefgh,,,\"\r\n\n\n\xc3\xa9\xef\xbb\xbf".to_vec()),
                0..600,
            ),
            step in 1usize..100,
            max_rows in 1usize..6,
            limit in 20usize..200,
        ) {
            prop_assert_eq!(
                limited_by_chunks(&text, limit, step, max_rows),
                limited(&text, limit, step, false)
            );
        }
    }

    #[test]
    fn quoted_rows_and_plain_lines_share_a_block() {
        let text = b"h1,h2\n\"a,b\",c\nd,e\r\n\n\"\",\"x\"\"y\"\nf,\n";
        let (rows, error) = limited_by_chunks(text, 1000, 8192, 512);
        assert_eq!(error, "");
        let cells: Vec<Vec<Vec<u8>>> = rows.into_iter().map(|r| r.0).collect();
        let expected: Vec<Vec<&[u8]>> = vec![
            vec![],
            vec![b"a,b", b"c"],
            vec![b"d", b"e"],
            vec![b"", b"x\"y"],
            vec![b"f", b""],
        ];
        assert_eq!(cells, expected);
    }
}
