//! Tabular inputs: canonical CSV with a header, and Snort `alert_csv`.

use std::io::BufRead;
use std::sync::Arc;

use super::row_block::{RowBlock, RowRef};
use super::rows::{CsvRow, CsvRows};
use super::{
    InputError, Item, MAX_RECORD_BYTES, Origin, RawFields, RawRecord, Reject, read_line_limited,
};

/// Reads CSV rows as raw records.
pub struct TableReader {
    kind: Kind,
    name: Arc<str>,
}

enum Kind {
    /// Canonical CSV: rows read as the csv crate reads them, header names
    /// from the first row.
    Canonical {
        reader: Box<CsvRows<Box<dyn BufRead + Send>>>,
        header: Arc<[String]>,
        /// The one row read at a time (emptied once made an item).
        record: RowBlock,
    },
    /// Snort: one record per line, layout chosen by column count.
    Headerless {
        reader: Box<dyn BufRead + Send>,
        layouts: Vec<Arc<[String]>>,
        line: u64,
        buf: Vec<u8>,
    },
}

impl TableReader {
    /// A canonical CSV input; its first row names the fields.
    pub fn canonical(reader: Box<dyn BufRead + Send>, name: Arc<str>) -> Result<Self, InputError> {
        let mut reader = Box::new(CsvRows::with_limit(reader, MAX_RECORD_BYTES));
        let mut first = CsvRow::default();
        let header: Vec<String> = match reader.read(&mut first) {
            Ok(_) => first
                .iter()
                .map(|c| String::from_utf8_lossy(c).trim().to_owned())
                .collect(),
            Err(e) => {
                return Err(InputError::Format {
                    path: name.to_string(),
                    message: format!("cannot read the header row: {e}"),
                });
            }
        };
        for (i, column) in header.iter().enumerate() {
            if !column.is_empty() && header.iter().skip(i + 1).any(|c| c == column) {
                return Err(InputError::Format {
                    path: name.to_string(),
                    message: format!("line 1: column `{column}` appears twice in the header"),
                });
            }
        }
        Ok(TableReader {
            kind: Kind::Canonical {
                reader,
                header: header.into(),
                record: RowBlock::default(),
            },
            name,
        })
    }

    /// A headerless input whose rows are read with the layout of their
    /// column count.
    pub fn headerless(
        reader: Box<dyn BufRead + Send>,
        name: Arc<str>,
        layouts: Vec<Vec<String>>,
    ) -> Result<Self, InputError> {
        if layouts.is_empty() {
            return Err(InputError::Format {
                path: name.to_string(),
                message: "Snort alert_csv has no header: the ruleset's snort mapping or --snort-columns must give the columns".into(),
            });
        }
        Ok(TableReader {
            kind: Kind::Headerless {
                reader,
                layouts: layouts.into_iter().map(Arc::from).collect(),
                line: 0,
                buf: Vec::new(),
            },
            name,
        })
    }
}

impl TableReader {
    /// The header of a canonical CSV; `None` for headerless inputs.
    pub(crate) fn header(&self) -> Option<&Arc<[String]>> {
        match &self.kind {
            Kind::Canonical { header, .. } => Some(header),
            Kind::Headerless { .. } => None,
        }
    }

    /// Reads canonical CSV rows onto the end of `rows`, as many as
    /// [`CsvRows::read_rows`] reads: `Ok(false)` at the end, and at once
    /// for headerless inputs. On an error, the rows read before it stay.
    pub(crate) fn read_rows(
        &mut self,
        rows: &mut RowBlock,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<bool, InputError> {
        match &mut self.kind {
            Kind::Canonical { reader, .. } => {
                read_rows(reader, &self.name, rows, max_rows, max_bytes)
            }
            Kind::Headerless { .. } => Ok(false),
        }
    }
}

/// [`CsvRows::read_rows`] of input `name`, its error named by the input.
fn read_rows(
    reader: &mut CsvRows<Box<dyn BufRead + Send>>,
    name: &Arc<str>,
    rows: &mut RowBlock,
    max_rows: usize,
    max_bytes: usize,
) -> Result<bool, InputError> {
    reader
        .read_rows(rows, max_rows, max_bytes)
        .map_err(|source| InputError::Io {
            path: name.to_string(),
            source,
        })
}

impl Iterator for TableReader {
    type Item = Result<Item, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        let name = Arc::clone(&self.name);
        match &mut self.kind {
            Kind::Canonical {
                reader,
                header,
                record,
            } => match read_rows(reader, &name, record, 1, usize::MAX) {
                Ok(false) => None,
                Ok(true) => {
                    let row = record.first().unwrap_or_default();
                    let origin = Origin {
                        input: name,
                        line: row.line(),
                    };
                    let item = canonical_item(origin, header, row);
                    record.clear();
                    Some(Ok(item))
                }
                Err(e) => Some(Err(e)),
            },
            Kind::Headerless {
                reader,
                layouts,
                line,
                buf,
            } => loop {
                let read = match read_line_limited(reader.as_mut(), buf, MAX_RECORD_BYTES) {
                    Ok(read) => read?,
                    Err(source) => {
                        return Some(Err(InputError::Io {
                            path: name.to_string(),
                            source,
                        }));
                    }
                };
                *line += 1;
                let origin = Origin {
                    input: Arc::clone(&name),
                    line: *line,
                };
                if !read {
                    return Some(Ok(Item::Rejected(Reject {
                        origin,
                        reason: format!("line longer than {MAX_RECORD_BYTES} bytes"),
                        raw: String::new(),
                    })));
                }
                let text = match std::str::from_utf8(buf) {
                    Ok(t) => t,
                    Err(e) => {
                        return Some(Ok(Item::Rejected(Reject {
                            origin,
                            reason: format!(
                                "not valid UTF-8 (byte {} of the line)",
                                e.valid_up_to() + 1
                            ),
                            raw: String::from_utf8_lossy(buf).trim_end().to_owned(),
                        })));
                    }
                };
                let text = if *line == 1 {
                    text.trim_start_matches('\u{feff}')
                } else {
                    text
                };
                let text = text.trim_end_matches(['\r', '\n']);
                if text.trim().is_empty() {
                    continue;
                }
                return Some(Ok(headerless_item(origin, text, layouts)));
            },
        }
    }
}

/// A canonical row as an [`Item`]: the general path that
/// [`Mapper::map_row`](super::mapping::Mapper::map_row) is held to.
pub(crate) fn canonical_item(origin: Origin, header: &Arc<[String]>, record: RowRef<'_>) -> Item {
    let cells = match row_text(header, record) {
        Ok(cells) => cells,
        Err(reason) => {
            return Item::Rejected(Reject {
                origin,
                reason,
                raw: byte_row_text(record),
            });
        }
    };
    let values = cells.into_iter().map(str::to_owned).collect();
    Item::Record(RawRecord {
        origin,
        fields: RawFields::Columns {
            names: Arc::clone(header),
            values,
        },
    })
}

/// Checks a canonical row against its header (column count, UTF-8) and
/// returns the text of its cells; `Err` is the reason to reject the row.
pub(crate) fn row_text<'a>(header: &[String], record: RowRef<'a>) -> Result<Vec<&'a str>, String> {
    check_width(header, record)?;
    record
        .iter()
        .enumerate()
        .map(|(i, cell)| std::str::from_utf8(cell).map_err(|_| not_utf8(header, i)))
        .collect()
}

/// The first check of [`row_text`]: the row has as many cells as the
/// header names columns. `Err` is the reason to reject the row.
pub(crate) fn check_width(header: &[String], record: RowRef<'_>) -> Result<(), String> {
    if record.len() != header.len() {
        return Err(format!(
            "expected {} columns (as the header has), found {}",
            header.len(),
            record.len()
        ));
    }
    Ok(())
}

/// The reason to reject a row whose cell in column `index` is not UTF-8.
pub(crate) fn not_utf8(header: &[String], index: usize) -> String {
    let column = header.get(index).map_or("?", String::as_str);
    format!("column `{column}` is not valid UTF-8")
}

/// A valid row (the cells [`row_text`] returned) as text for the rejects
/// file, as [`RawRecord::raw_text`] gives it.
pub(crate) fn row_raw_text(cells: &[&str]) -> String {
    super::csv_line(cells.iter().copied())
}

/// A canonical row that is rejected as text for the rejects file, as
/// [`canonical_item`] and [`RawRecord::raw_text`] give it: its cells as CSV
/// when it is text, else its bytes as [`byte_row_text`] gives them.
pub(crate) fn reject_text(header: &[String], record: RowRef<'_>) -> String {
    match row_text(header, record) {
        Ok(cells) => row_raw_text(&cells),
        Err(_) => byte_row_text(record),
    }
}

/// A row as text for the rejects file (cells joined by commas, invalid
/// UTF-8 replaced).
pub(crate) fn byte_row_text(record: RowRef<'_>) -> String {
    record
        .iter()
        .map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join(",")
}

fn headerless_item(origin: Origin, text: &str, layouts: &[Arc<[String]>]) -> Item {
    let cells = match split_alert_csv(text) {
        Ok(cells) => cells,
        Err(reason) => {
            return Item::Rejected(Reject {
                origin,
                reason,
                raw: text.to_owned(),
            });
        }
    };
    match layouts.iter().find(|l| l.len() == cells.len()) {
        Some(layout) => Item::Record(RawRecord {
            origin,
            fields: RawFields::Columns {
                names: Arc::clone(layout),
                values: cells,
            },
        }),
        None => {
            let counts = layouts
                .iter()
                .map(|l| l.len().to_string())
                .collect::<Vec<_>>()
                .join(" or ");
            Item::Rejected(Reject {
                origin,
                reason: format!(
                    "row has {} columns; the Snort layouts have {counts} (set them with --snort-columns)",
                    cells.len()
                ),
                raw: text.to_owned(),
            })
        }
    }
}

/// Splits one `alert_csv` line. Snort writes `, ` between fields and quotes
/// the message, so a quote after leading spaces still opens a quoted field
/// (the csv crate would read it literally and split at the commas inside).
pub fn split_alert_csv(line: &str) -> Result<Vec<String>, String> {
    let mut cells = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        let mut cell = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    Some('"') => break,
                    Some(c) => cell.push(c),
                    None => return Err("unterminated quoted field".into()),
                }
            }
            while chars.peek().is_some_and(|c| *c != ',') {
                if let Some(c) = chars.next() {
                    if !c.is_whitespace() {
                        return Err(format!("unexpected `{c}` after a quoted field"));
                    }
                }
            }
        } else {
            while let Some(c) = chars.peek().copied() {
                if c == ',' {
                    break;
                }
                cell.push(c);
                chars.next();
            }
        }
        cells.push(cell.trim().to_owned());
        if chars.next().is_none() {
            return Ok(cells);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_csv_quotes_after_spaces() {
        let cells = split_alert_csv(r#"1499169318, 192.168.10.5, 49232, 23.50.75.27, 80, TCP, 119, 241, "(http_inspect) a, b ""c""""#).unwrap();
        assert_eq!(cells.len(), 9);
        assert_eq!(cells[8], r#"(http_inspect) a, b "c""#);
        assert_eq!(cells[1], "192.168.10.5");
        let cells = split_alert_csv("224.0.0.22, , 192.168.10.5, ").unwrap();
        assert_eq!(cells, ["224.0.0.22", "", "192.168.10.5", ""]);
        assert!(split_alert_csv(r#"a, "open"#).is_err());
    }
}
