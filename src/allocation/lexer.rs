//! A small RFC 4180 record reader that knows where every cell starts.
//!
//! The `csv` crate is not used here because its record positions point at the
//! end of the previous record (before skipped comment and blank lines), and it
//! exposes no per-cell offsets; errors would then name the wrong line and no
//! column. This reader keeps the byte offset of every cell so errors can say
//! `line:column` exactly.
//!
//! Rules: cells are separated by `,`; records end at `\n`, `\r\n` or `\r`; a
//! cell whose first non-blank character is `"` is quoted (may contain commas,
//! line breaks and `""` for a quote); whitespace around cells is trimmed;
//! lines that are blank or whose first non-blank character is `#` are skipped.

use crate::record::trim;
use std::borrow::Cow;

/// One cell of a record: its (trimmed, unquoted) text and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cell<'a> {
    /// The cell's value with surrounding whitespace and quotes removed.
    pub(crate) text: Cow<'a, str>,
    /// Byte offset in the input where the value (or its opening quote) starts.
    pub(crate) offset: usize,
}

/// Where a record is, so cell offsets can be turned into line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Record {
    /// 1-based line on which the record starts.
    pub(crate) line: usize,
    /// Byte offset of the start of that line.
    pub(crate) start: usize,
    /// Byte offset just past the last cell (where a missing cell would be).
    pub(crate) end: usize,
}

/// A syntax error, with the byte offset it was found at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LexError {
    /// An opening quote at this offset is never closed.
    UnterminatedQuote(usize),
    /// Text after a closing quote, at this offset.
    TextAfterQuote(usize),
}

/// Reads records one at a time from text already stripped of a UTF-8 BOM.
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Lexer<'a> {
    /// Starts reading at the beginning of `text`, which is line 1.
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            line: 1,
        }
    }

    /// Reads the next record into `cells` (cleared first); `None` at the end.
    pub(crate) fn next_record(
        &mut self,
        cells: &mut Vec<Cell<'a>>,
    ) -> Result<Option<Record>, LexError> {
        cells.clear();
        self.skip_ignored_lines();
        if self.pos >= self.text.len() {
            return Ok(None);
        }
        let line = self.line;
        let start = self.pos;
        loop {
            self.skip_blanks();
            let cell = if self.peek() == Some(b'"') {
                self.quoted_cell()?
            } else {
                self.plain_cell()
            };
            cells.push(cell);
            if self.peek() == Some(b',') {
                self.pos += 1;
            } else {
                break;
            }
        }
        let end = self.pos;
        self.skip_line_break();
        Ok(Some(Record { line, start, end }))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        // Offsets only ever land next to ASCII delimiters, so they are char
        // boundaries; `get` keeps this panic-free regardless.
        self.text.get(from..to).unwrap_or_default()
    }

    /// Skips blank lines and `#` comment lines.
    fn skip_ignored_lines(&mut self) {
        while self.pos < self.text.len() {
            if self.starts_with_a_cell() {
                return;
            }
            let line_end = self.find_line_end(self.pos);
            if !self.line_is_ignored(line_end) {
                return;
            }
            self.pos = line_end;
            self.skip_line_break();
        }
    }

    /// Whether the line at the current position surely holds a record: it
    /// starts with a printable ASCII byte other than `#`, so trimmed it is
    /// neither blank nor a comment. Most lines start with their first cell,
    /// and this answers them without finding the line's end;
    /// [`line_is_ignored`](Self::line_is_ignored) judges the rest.
    fn starts_with_a_cell(&self) -> bool {
        self.peek()
            .is_some_and(|b| b.is_ascii_graphic() && b != b'#')
    }

    /// Whether the line from the current position to `line_end` is blank or
    /// a comment once trimmed.
    fn line_is_ignored(&self, line_end: usize) -> bool {
        let content = trim(self.slice(self.pos, line_end));
        content.is_empty() || content.starts_with('#')
    }

    fn find_line_end(&self, from: usize) -> usize {
        let rest = self.text.as_bytes().get(from..).unwrap_or_default();
        memchr::memchr2(b'\n', b'\r', rest).map_or(self.text.len(), |i| from + i)
    }

    /// Consumes one `\n`, `\r\n` or `\r` if present.
    fn skip_line_break(&mut self) {
        match self.peek() {
            Some(b'\r') => {
                self.pos += 1;
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
                self.line += 1;
            }
            Some(b'\n') => {
                self.pos += 1;
                self.line += 1;
            }
            _ => {}
        }
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// An unquoted cell: everything up to the next `,` or line break, trimmed.
    fn plain_cell(&mut self) -> Cell<'a> {
        let from = self.pos;
        let rest = self.text.as_bytes().get(from..).unwrap_or_default();
        let len = cell_end(rest);
        self.pos = from + len;
        let raw = self.slice(from, self.pos);
        let text = trim(raw);
        // `text` lies inside `raw` unless it is empty, so the distance
        // between their starts is the leading whitespace.
        let leading = if text.is_empty() {
            raw.len()
        } else {
            (text.as_ptr() as usize).saturating_sub(raw.as_ptr() as usize)
        };
        Cell {
            text: Cow::Borrowed(text),
            offset: from + leading,
        }
    }

    /// A quoted cell starting at the current `"`.
    fn quoted_cell(&mut self) -> Result<Cell<'a>, LexError> {
        let open = self.pos;
        self.pos += 1;
        let mut owned: Option<String> = None;
        let mut segment = self.pos;
        let value = loop {
            let Some(quote) = self
                .text
                .as_bytes()
                .iter()
                .skip(self.pos)
                .position(|&b| b == b'"')
                .map(|i| self.pos + i)
            else {
                return Err(LexError::UnterminatedQuote(open));
            };
            self.line += count_line_breaks(self.slice(self.pos, quote));
            self.pos = quote + 1;
            if self.peek() == Some(b'"') {
                // `""` is a literal quote: keep text up to and including one.
                owned
                    .get_or_insert_with(String::new)
                    .push_str(self.slice(segment, quote + 1));
                self.pos += 1;
                segment = self.pos;
                continue;
            }
            let tail = self.slice(segment, quote);
            break match owned {
                Some(mut s) => {
                    s.push_str(tail);
                    Cow::Owned(s)
                }
                None => Cow::Borrowed(tail),
            };
        };
        self.skip_blanks();
        match self.peek() {
            None | Some(b',' | b'\n' | b'\r') => Ok(Cell {
                text: value,
                offset: open,
            }),
            Some(_) => Err(LexError::TextAfterQuote(self.pos)),
        }
    }
}

/// Where the first `,`, `\n` or `\r` of `bytes` is (their length if
/// none): where an unquoted cell ends.
///
/// Eight bytes at a time, as one number each. A table's cells are a dozen
/// bytes or so: `memchr3`'s vector setup cost about 65 instructions a
/// call (three calls a line), and a byte loop about eight a byte.
fn cell_end(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `word` equal to `byte`, and perhaps of
    // bytes after it (a borrow), never before: the lowest is exact.
    let equal = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in words.by_ref() {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let found = equal(word, b',') | equal(word, b'\n') | equal(word, b'\r');
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let rest = words.remainder();
    at + rest
        .iter()
        .position(|&b| matches!(b, b',' | b'\n' | b'\r'))
        .unwrap_or(rest.len())
}

/// Counts line breaks the way the lexer does: `\r\n`, `\n` and `\r` are one each.
fn count_line_breaks(s: &str) -> usize {
    let bytes = s.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Turns a byte offset inside a record into a 1-based (line, character column).
pub(crate) fn line_column(text: &str, record: Record, offset: usize) -> (usize, usize) {
    let before = text.get(record.start..offset).unwrap_or_default();
    let mut line = record.line;
    let mut column = 1;
    let mut after_cr = false;
    for c in before.chars() {
        match c {
            '\n' if after_cr => {}
            '\n' | '\r' => {
                line += 1;
                column = 1;
            }
            _ => column += 1,
        }
        after_cr = c == '\r';
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Result<Vec<(Record, Vec<String>)>, LexError> {
        let mut lexer = Lexer::new(text);
        let mut cells = Vec::new();
        let mut out = Vec::new();
        while let Some(record) = lexer.next_record(&mut cells)? {
            out.push((record, cells.iter().map(|c| c.text.to_string()).collect()));
        }
        Ok(out)
    }

    fn texts(text: &str) -> Vec<Vec<String>> {
        records(text)
            .expect("valid CSV")
            .into_iter()
            .map(|(_, cells)| cells)
            .collect()
    }

    #[test]
    fn splits_and_trims_cells() {
        assert_eq!(
            texts(" a , b,c \n d,,\n"),
            vec![vec!["a", "b", "c"], vec!["d", "", ""]]
        );
    }

    #[test]
    fn skips_comments_and_blank_lines_but_counts_them() {
        let got = records("# c\n\n   \n  # indented\na,b\n\nc\n").expect("valid CSV");
        let lines: Vec<usize> = got.iter().map(|(r, _)| r.line).collect();
        assert_eq!(lines, vec![5, 7]);
    }

    #[test]
    fn handles_crlf_and_lone_cr() {
        let got = records("a,b\r\n# x\r\nc\rd\n").expect("valid CSV");
        let summary: Vec<(usize, Vec<String>)> =
            got.into_iter().map(|(r, cells)| (r.line, cells)).collect();
        assert_eq!(
            summary,
            vec![
                (1, vec!["a".to_string(), "b".to_string()]),
                (3, vec!["c".to_string()]),
                (4, vec!["d".to_string()]),
            ]
        );
    }

    #[test]
    fn quoted_cells_keep_commas_quotes_and_line_breaks() {
        let got = records("\"a, b\" , \"say \"\"hi\"\"\",\"x\ny\"\nnext\n").expect("valid CSV");
        assert_eq!(got.len(), 2);
        let (first, cells) = &got[0];
        assert_eq!(cells, &vec!["a, b", "say \"hi\"", "x\ny"]);
        assert_eq!(first.line, 1);
        // The record after a two-line record starts on line 3.
        assert_eq!(got[1].0.line, 3);
    }

    #[test]
    fn quote_inside_plain_cell_is_literal() {
        assert_eq!(texts("ab\"c,d\n"), vec![vec!["ab\"c", "d"]]);
    }

    #[test]
    fn unterminated_quote_points_at_opening_quote() {
        assert_eq!(
            records("a,b\nc,\"never closed\nmore\n"),
            Err(LexError::UnterminatedQuote(6))
        );
    }

    #[test]
    fn text_after_closing_quote_is_rejected() {
        assert_eq!(records("\"a\"b,c\n"), Err(LexError::TextAfterQuote(3)));
    }

    #[test]
    fn cell_offsets_map_to_line_and_column() {
        let text = "# head\n  x , \"q\",\u{e9}\u{e9},z\n";
        let mut lexer = Lexer::new(text);
        let mut cells = Vec::new();
        let record = lexer
            .next_record(&mut cells)
            .expect("valid CSV")
            .expect("a record");
        let positions: Vec<(usize, usize)> = cells
            .iter()
            .map(|c| line_column(text, record, c.offset))
            .collect();
        // Columns count characters, so the two-byte `é`s count once each.
        assert_eq!(positions, vec![(2, 3), (2, 7), (2, 11), (2, 14)]);
    }

    #[test]
    fn line_column_after_multiline_cell() {
        let text = "\"a\r\nb\",c\n";
        let mut lexer = Lexer::new(text);
        let mut cells = Vec::new();
        let record = lexer
            .next_record(&mut cells)
            .expect("valid CSV")
            .expect("a record");
        let offset = cells[1].offset;
        assert_eq!(line_column(text, record, offset), (2, 4));
    }

    proptest::proptest! {
        /// The quick test for a record line never passes a line that the
        /// general check (trim, then blank or `#`) would skip.
        #[test]
        fn a_line_starting_with_a_cell_is_never_ignored(
            chars in proptest::collection::vec(
                proptest::sample::select(vec![' ', '\t', '#', 'a', '1', ',', '"', '\r', '\n', '\u{a0}', '\u{2003}', '\u{e9}', '\u{b}', '\u{c}']),
                0..40,
            ),
        ) {
            let text: String = chars.into_iter().collect();
            let starts = std::iter::once(0).chain(
                text.char_indices()
                    .filter(|&(_, c)| c == '\n' || c == '\r')
                    .map(|(i, _)| i + 1),
            );
            for start in starts {
                let lexer = Lexer { text: &text, pos: start, line: 1 };
                if lexer.starts_with_a_cell() {
                    let line_end = lexer.find_line_end(start);
                    proptest::prop_assert!(!lexer.line_is_ignored(line_end), "{:?} at {}", text, start);
                }
            }
        }
    }

    proptest::proptest! {
        /// The word-at-a-time search for a cell's end finds what a byte
        /// loop finds, wherever the delimiter is in a word (after bytes
        /// that differ from it by one, where a borrow could mislead).
        #[test]
        fn cell_end_finds_what_a_byte_loop_finds(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b',', b'\n', b'\r', b'+', b'-', b'\x0b', b'\x0c', b'\x0e', b'a', 0, 0x80, 0xff]),
                0..40,
            ),
            plain in 0usize..40,
        ) {
            // Mostly bytes that are not delimiters, so words without one occur.
            let mut bytes = bytes;
            for b in bytes.iter_mut().take(plain) {
                if matches!(*b, b',' | b'\n' | b'\r') {
                    *b = b'x';
                }
            }
            let expected = bytes
                .iter()
                .position(|&b| matches!(b, b',' | b'\n' | b'\r'))
                .unwrap_or(bytes.len());
            proptest::prop_assert_eq!(cell_end(&bytes), expected);
        }
    }

    #[test]
    fn empty_and_comment_only_input_has_no_records() {
        assert_eq!(records(""), Ok(vec![]));
        assert_eq!(records("# only\n\n"), Ok(vec![]));
    }
}
