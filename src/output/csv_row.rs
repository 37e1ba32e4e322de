//! CSV rows encoded straight into a byte buffer, as the csv crate's writer
//! with its default settings encodes them (quotes only where needed, `"`
//! doubled, `\n` after each row), without its per-field state machine: a
//! clean cell (almost every one) costs a scan eight bytes at a time and one
//! copy.

use super::cells::CellEscaping;

/// `0x01` in every byte of a word.
const ONES: u64 = u64::from_le_bytes([0x01; 8]);
/// `0x80` in every byte of a word.
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// Whether some byte of `word` is `byte` (the classic test for a zero byte
/// after an exclusive or: exact as a yes or no).
fn has_byte(word: u64, byte: u8) -> bool {
    let diff = word ^ (ONES * u64::from(byte));
    diff.wrapping_sub(ONES) & !diff & HIGHS != 0
}

/// Whether some byte of `word` is under `limit` (at most `0x80`; exact as
/// a yes or no, as [`has_byte`]).
fn has_less(word: u64, limit: u8) -> bool {
    word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGHS != 0
}

/// Whether eight bytes hold one that obliges quoting: a delimiter, a quote
/// or a line break (the csv crate's `QuoteStyle::Necessary`). Zero bytes,
/// which pad a short cell, never do. All four are under `-`, and so are
/// none of the bytes of most words (ids, codes, digits, letters): one test
/// clears those.
fn word_needs_quotes(word: u64) -> bool {
    has_less(word, b'-')
        && (has_byte(word, b',')
            | has_byte(word, b'"')
            | has_byte(word, b'\n')
            | has_byte(word, b'\r'))
}

/// Whether a cell must be quoted, eight bytes at a time: most cells are
/// clean, and this is the whole cost of writing a clean one.
#[inline(always)]
fn needs_quotes(cell: &[u8]) -> bool {
    let mut words = cell.chunks_exact(8);
    for word in &mut words {
        if let Ok(word) = <[u8; 8]>::try_from(word) {
            if word_needs_quotes(u64::from_le_bytes(word)) {
                return true;
            }
        }
    }
    if words.remainder().is_empty() {
        return false;
    }
    // The last eight bytes again (overlapping), or the short cell padded.
    let last = match cell.last_chunk::<8>() {
        Some(last) => u64::from_le_bytes(*last),
        None => cell.iter().rev().fold(0, |w, b| w << 8 | u64::from(*b)),
    };
    word_needs_quotes(last)
}

/// Appends one cell, through `escaping`, quoted if it must be: the bytes
/// the csv crate's writer writes for `escaping.apply(cell)`, without
/// copying the cell first.
#[inline(always)]
pub fn push_cell(out: &mut Vec<u8>, cell: &str, escaping: CellEscaping) {
    if needs_quotes(cell.as_bytes()) || escaping.guards(cell) {
        push_unusual_cell(out, cell, escaping);
    } else {
        out.extend_from_slice(cell.as_bytes());
    }
}

/// Appends one cell, through `escaping`, then `end` (the delimiter or line
/// break after it): [`push_cell`] and a push of `end`, the bytes checked
/// by `short_cells_are_push_cell_and_the_end` in the tests.
///
/// A cell under 16 bytes (an id, a code, a short or empty signature: most
/// of those of the row the hot path writes) is read as at most two
/// overlapping words, checked as those words, and appended with its end as
/// one fixed-size block cut back to its length, as [`super::encoded`] does:
/// a copy of a slice of any length is a call to `memcpy`, and with the
/// scan and the push of `end` it cost about a hundred instructions.
#[inline(always)]
pub fn push_cell_and(out: &mut Vec<u8>, cell: &str, escaping: CellEscaping, end: u8) {
    let bytes = cell.as_bytes();
    let len = bytes.len();
    if len < 16 && !escaping.guards(cell) {
        if let Some(block) = short_block(bytes, end) {
            let start = out.len();
            out.extend_from_slice(&block.to_le_bytes());
            out.truncate(start + len + 1);
            return;
        }
    }
    push_cell(out, cell, escaping);
    out.push(end);
}

/// The bytes of a cell under 16 bytes long that needs no quotes, then
/// `end`, as the low bytes of a number (zeros after them); `None` when the
/// cell needs quotes or is longer. From eight bytes up the cell is read as
/// its first and its last eight, which overlap (their common bytes are the
/// same, so or-ing them in place gives the cell); a shorter one byte by
/// byte.
#[inline(always)]
fn short_block(bytes: &[u8], end: u8) -> Option<u128> {
    let len = bytes.len();
    let (head, tail) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
        _ => {
            let word = bytes.iter().rev().fold(0, |w, b| w << 8 | u64::from(*b));
            (word, word)
        }
    };
    if len >= 16 || word_needs_quotes(head) || word_needs_quotes(tail) {
        return None;
    }
    // The tail's first byte is the cell's `len - 8`th (for a short cell,
    // the word is the whole cell at 0).
    let shift = 8 * len.saturating_sub(8) as u32;
    let cell = u128::from(head) | u128::from(tail) << shift;
    Some(cell | u128::from(end) << (8 * len as u32))
}

/// [`push_cell`] for a cell that is quoted or guarded.
#[cold]
#[inline(never)]
fn push_unusual_cell(out: &mut Vec<u8>, cell: &str, escaping: CellEscaping) {
    let bytes = cell.as_bytes();
    // The apostrophe needs no quotes, so the cell decides alone.
    let apostrophe = escaping.guards(cell);
    if !needs_quotes(bytes) {
        if apostrophe {
            out.push(b'\'');
        }
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    if apostrophe {
        out.push(b'\'');
    }
    let mut rest = bytes;
    while let Some((head, tail)) =
        memchr::memchr(b'"', rest).and_then(|i| rest.split_at_checked(i + 1))
    {
        out.extend_from_slice(head);
        out.push(b'"');
        rest = tail;
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// Appends a row of `cells`, each through `escaping`. A row of one empty
/// cell is written `""`, as the csv crate writes it, so it is not read back
/// as a blank line.
pub fn push_row(out: &mut Vec<u8>, cells: &[&str], escaping: CellEscaping) {
    if let [""] = cells {
        out.extend_from_slice(b"\"\"\n");
        return;
    }
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_cell(out, cell, escaping);
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::cells::CellWriter;

    fn by_csv_crate(cells: &[&str], escaping: CellEscaping) -> Vec<u8> {
        let mut writer = CellWriter::new(Vec::new(), escaping);
        writer.write_row(cells.iter().copied()).expect("in memory");
        writer.into_inner().expect("in memory")
    }

    #[test]
    fn rows_are_the_bytes_the_csv_crate_writes() {
        let rows: &[&[&str]] = &[
            &["a", "b", ""],
            &[""],
            &["", ""],
            &["=cmd|' /C calc'!A0", "-30", "+1.5", "@x", "\tx", "\rx"],
            &["say \"hi\"", "a,b", "line\nbreak", "cr\rhere", "\"", "\"\""],
            &["ünïcode, too", "#comment", "'quoted'", " spaced "],
            // Specials at each position of the eight-byte words.
            &[
                "1234567,",
                "12345678,",
                "123456789\"",
                ",2345678",
                "1234567\r9",
            ],
            &["-1.5", "+", "-", "=", "@@", "\t", "'", "12345678901234567"],
        ];
        for escaping in [CellEscaping::Neutralise, CellEscaping::Raw] {
            for row in rows {
                let mut out = Vec::new();
                push_row(&mut out, row, escaping);
                assert_eq!(
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(&by_csv_crate(row, escaping)),
                    "{row:?} {escaping:?}"
                );
            }
        }
    }

    #[test]
    fn a_word_needs_quotes_exactly_when_a_byte_does() {
        // Every pair of bytes, next to each other and apart, among bytes
        // under and over the quick test's limit: the borrows of one byte's
        // subtraction must not hide or fake another's.
        for (a, b) in (0..=255u8).flat_map(|a| (0..=255u8).map(move |b| (a, b))) {
            for (i, j, fill) in [(0, 1, b'x'), (3, 4, 0), (0, 7, b' '), (6, 7, b'-')] {
                let mut word = [fill; 8];
                word[i] = a;
                word[j] = b;
                let expected = word
                    .iter()
                    .any(|c| matches!(c, b',' | b'"' | b'\n' | b'\r'));
                assert_eq!(
                    word_needs_quotes(u64::from_le_bytes(word)),
                    expected,
                    "{word:?}"
                );
            }
        }
    }

    #[test]
    fn short_cells_are_push_cell_and_the_end() {
        // Every length to 20 around the fast path's limit, with each
        // special at each position, and formula starts.
        let specials = [b',', b'"', b'\n', b'\r', b'=', b'-', b'\t', b'x', 0, 0xc3];
        for len in 0..20 {
            for at in 0..len.max(1) {
                for special in specials {
                    let mut bytes: Vec<u8> = (0..len).map(|i| b'a' + i as u8).collect();
                    if let Some(b) = bytes.get_mut(at) {
                        *b = special;
                    }
                    if special == 0xc3 {
                        // Keep the text valid: a two-byte character.
                        bytes.truncate(at);
                        bytes.extend_from_slice("é".as_bytes());
                    }
                    let cell = String::from_utf8(bytes).expect("text");
                    for escaping in [CellEscaping::Neutralise, CellEscaping::Raw] {
                        for end in [b',', b'\n'] {
                            let mut fast = b"x,".to_vec();
                            push_cell_and(&mut fast, &cell, escaping, end);
                            let mut whole = b"x,".to_vec();
                            push_cell(&mut whole, &cell, escaping);
                            whole.push(end);
                            assert_eq!(fast, whole, "{cell:?} {escaping:?}");
                        }
                    }
                }
            }
        }
    }

    /// Cells of the bytes that matter to the encoding (delimiters, quotes,
    /// line breaks, formula starts, digits, a point), any other character,
    /// and runs long enough to cross the scan's eight-byte words.
    fn cell() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(",".to_owned()),
            Just("\"".to_owned()),
            Just("\n".to_owned()),
            Just("\r".to_owned()),
            Just("\t".to_owned()),
            Just("=".to_owned()),
            Just("+".to_owned()),
            Just("-".to_owned()),
            Just("@".to_owned()),
            Just(".".to_owned()),
            "[0-9]{1,3}",
            "[a-z ]{1,9}",
            any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    proptest::proptest! {
        #[test]
        fn any_row_is_the_bytes_the_csv_crate_writes(
            row in proptest::collection::vec(cell(), 1..6),
            raw in proptest::bool::ANY,
        ) {
            let escaping = CellEscaping::from_raw_flag(raw);
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            let mut out = Vec::new();
            push_row(&mut out, &cells, escaping);
            let expected = by_csv_crate(&cells, escaping);
            proptest::prop_assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&expected)
            );
        }

        #[test]
        fn any_cell_and_its_end_are_push_cell_and_the_end(
            cell in cell(),
            raw in proptest::bool::ANY,
        ) {
            let escaping = CellEscaping::from_raw_flag(raw);
            let mut fast = Vec::new();
            push_cell_and(&mut fast, &cell, escaping, b',');
            let mut whole = Vec::new();
            push_cell(&mut whole, &cell, escaping);
            whole.push(b',');
            proptest::prop_assert_eq!(fast, whole);
        }
    }
}
