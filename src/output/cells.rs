//! CSV cells that are safe to open in a spreadsheet.
//!
//! Much of what docket writes comes from the outside world: an IDS signature
//! is whatever text the sensor's rule author (or an attacker crafting traffic
//! to match a rule) chose, and record ids, complaint fields and reject lines
//! come straight from the input. A spreadsheet that opens a CSV file runs any
//! cell beginning with `=`, `+`, `-` or `@` as a formula (and some also treat
//! a leading tab or carriage return that way), so `=HYPERLINK("http://…")` in
//! a signature becomes a live link, or worse, on an analyst's desktop.
//!
//! Following OWASP's advice on CSV injection, such a cell is written with a
//! leading apostrophe, which spreadsheets show as text and never evaluate.
//! Plain numbers (`-30`, `+1.5`) are left alone so that numeric columns such
//! as a deadline's margin stay numbers. `--raw-csv` turns the protection off
//! for tools that read the files programmatically.

use std::borrow::Cow;
use std::io::{self, Write};

/// Whether text cells are neutralised against formula injection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CellEscaping {
    /// Cells that a spreadsheet would run as a formula get a leading `'`.
    #[default]
    Neutralise,
    /// Cells are written exactly as they are (`--raw-csv`).
    Raw,
}

impl CellEscaping {
    /// The escaping a `--raw-csv` flag asks for.
    pub fn from_raw_flag(raw: bool) -> Self {
        if raw {
            CellEscaping::Raw
        } else {
            CellEscaping::Neutralise
        }
    }

    /// The cell as it should be written.
    pub fn apply<'a>(self, cell: &'a str) -> Cow<'a, str> {
        if self.guards(cell) {
            Cow::Owned(format!("'{cell}"))
        } else {
            Cow::Borrowed(cell)
        }
    }

    /// Whether `cell` is written with a leading `'`: what [`Self::apply`]
    /// does, for writers that put the `'` in front themselves instead of
    /// copying the cell.
    #[inline]
    pub fn guards(self, cell: &str) -> bool {
        self == CellEscaping::Neutralise && runs_as_formula(cell)
    }
}

/// The cell with a leading `'` if a spreadsheet would run it as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    CellEscaping::Neutralise.apply(cell)
}

/// Whether a spreadsheet would run the cell as a formula: it begins with
/// one of the risky bytes and is not a plain number.
#[inline]
fn runs_as_formula(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && !is_plain_number(cell)
}

/// The cell as it was before [`neutralise`]: docket reads back the CSV files
/// it writes (a plan, for `audit --plan`), and a `'` that it put in front of
/// a formula-like cell is not part of the value.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if neutralise(rest).len() > rest.len() => rest,
        _ => cell,
    }
}

/// A signed decimal number such as `-30` or `+1.25`, which a spreadsheet
/// reads as a number, not a formula.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// A CSV writer whose every cell goes through a [`CellEscaping`].
pub struct CellWriter<W: Write> {
    writer: csv::Writer<W>,
    escaping: CellEscaping,
}

impl<W: Write> CellWriter<W> {
    /// A writer with `escaping` applied to every cell after the header.
    pub fn new(writer: W, escaping: CellEscaping) -> Self {
        CellWriter {
            writer: csv::Writer::from_writer(writer),
            escaping,
        }
    }

    /// Writes the header row, which is docket's own text and never escaped.
    pub fn write_header<I, T>(&mut self, names: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        Ok(self.writer.write_record(names)?)
    }

    /// Writes one row of cells.
    pub fn write_row<I, T>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let escaping = self.escaping;
        for cell in cells {
            self.writer
                .write_field(escaping.apply(cell.as_ref()).as_bytes())?;
        }
        Ok(self.writer.write_record(None::<&[u8]>)?)
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(self) -> io::Result<W> {
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_an_apostrophe() {
        for cell in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "-",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn plain_text_and_numbers_are_untouched() {
        for cell in [
            "ET SCAN nmap",
            "",
            "-30",
            "+1.25",
            "42",
            "a=b",
            "2026-11-02T14:30:00-05:00",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn restore_undoes_neutralise_and_nothing_else() {
        for cell in ["=1+1", "+1 202 555 0100", "plain", "'quoted", "-30", ""] {
            assert_eq!(restore(&neutralise(cell)), cell, "{cell:?}");
        }
    }

    #[test]
    fn raw_escaping_writes_cells_as_they_are() {
        let mut writer = CellWriter::new(Vec::new(), CellEscaping::Raw);
        writer.write_row(["=1+1", "x"]).unwrap();
        assert_eq!(writer.into_inner().unwrap(), b"=1+1,x\n");
        let mut writer = CellWriter::new(Vec::new(), CellEscaping::Neutralise);
        writer.write_header(["=header", "b"]).unwrap();
        writer.write_row(["=1+1", "x"]).unwrap();
        assert_eq!(writer.into_inner().unwrap(), b"=header,b\n'=1+1,x\n");
    }
}
