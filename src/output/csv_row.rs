//! CSV rows encoded straight into a byte buffer, as the csv crate's writer
//! with its default settings encodes them (quotes only where needed, `"`
//! doubled, `\n` after each row), without its per-field state machine.

use super::cells::CellEscaping;

/// Whether a cell must be quoted: it holds a delimiter, a quote or a line
/// break (the csv crate's `QuoteStyle::Necessary`).
fn needs_quotes(cell: &[u8]) -> bool {
    cell.iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Appends one cell, quoted if it must be.
fn push_cell(out: &mut Vec<u8>, cell: &[u8]) {
    if !needs_quotes(cell) {
        out.extend_from_slice(cell);
        return;
    }
    out.push(b'"');
    for part in cell.split_inclusive(|b| *b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
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
        push_cell(out, escaping.apply(cell).as_bytes());
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
}
