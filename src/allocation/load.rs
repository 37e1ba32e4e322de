//! Turning the bytes of a TSO allocation table file into an
//! [`AllocationTable`], reporting the first bad cell with its location.

use std::path::Path;

use super::AllocationTable;
use super::builder::{AllocationTableBuilder, DuplicateRow};
use super::error::{AllocationError, InsertError, Location};
use super::lexer::{Cell, LexError, Lexer, Record, line_column};
use super::prefix::parse_prefix;
use crate::record::trim;

/// The columns docket reads; anything else in the header is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Cidr,
    Agency,
    SubOrganization,
    Contact,
}

impl Known {
    fn from_header(name: &str) -> Option<Self> {
        const NAMES: [(&str, Known); 6] = [
            ("cidr", Known::Cidr),
            ("agency", Known::Agency),
            ("sub_organization", Known::SubOrganization),
            ("suborganization", Known::SubOrganization),
            ("sub_org", Known::SubOrganization),
            ("contact", Known::Contact),
        ];
        NAMES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|&(_, column)| column)
    }
}

/// Cell indexes of the known columns, from the header row.
#[derive(Debug)]
struct Columns {
    cidr: usize,
    agency: usize,
    sub_organization: Option<usize>,
    contact: Option<usize>,
    width: usize,
}

/// Where the text being parsed came from, to build error locations.
struct Source<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Source<'_> {
    fn at(&self, record: Record, offset: usize) -> Location {
        let (line, column) = line_column(self.text, record, offset);
        Location::new(self.path, line, column)
    }

    fn cell_at(&self, record: Record, cell: Option<&Cell<'_>>) -> Location {
        self.at(record, cell.map_or(record.end, |c| c.offset))
    }

    fn lex_error(&self, error: LexError) -> AllocationError {
        let whole = Record {
            line: 1,
            start: 0,
            end: self.text.len(),
        };
        match error {
            LexError::UnterminatedQuote(offset) => AllocationError::UnterminatedQuote {
                at: self.at(whole, offset),
            },
            LexError::TextAfterQuote(offset) => AllocationError::TextAfterQuote {
                at: self.at(whole, offset),
            },
        }
    }
}

/// Decodes and parses a whole table file; `path` is used in errors.
pub(crate) fn parse_bytes(bytes: &[u8], path: &Path) -> Result<AllocationTable, AllocationError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = bytes
                .get(..e.valid_up_to())
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default();
            let valid = valid.strip_prefix('\u{feff}').unwrap_or(valid);
            let source = Source { text: valid, path };
            let whole = Record {
                line: 1,
                start: 0,
                end: valid.len(),
            };
            return Err(AllocationError::InvalidUtf8 {
                at: source.at(whole, valid.len()),
            });
        }
    };
    parse_text(text, path)
}

/// Parses table text; a leading UTF-8 byte order mark (as Excel writes) is skipped.
fn parse_text(text: &str, path: &Path) -> Result<AllocationTable, AllocationError> {
    // IPv4 duplicates are found by one sort, when the rows are all in or
    // a later row fails: the earlier duplicate is the error then, as it
    // is when each insert is checked.
    parse_into(text, path, AllocationTableBuilder::sorting_duplicates())
}

/// [`parse_text`] into `builder`, which finds duplicates as it likes: the
/// loader's errors are the same either way.
pub(super) fn parse_into(
    text: &str,
    path: &Path,
    mut builder: AllocationTableBuilder,
) -> Result<AllocationTable, AllocationError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source = Source { text, path };
    let mut lexer = Lexer::new(text);
    let mut cells = Vec::new();
    let columns = loop {
        match lexer
            .next_record(&mut cells)
            .map_err(|e| source.lex_error(e))?
        {
            None => {
                return Err(AllocationError::MissingHeader {
                    path: path.to_path_buf(),
                });
            }
            Some(_) if all_empty(&cells) => continue,
            Some(record) => break read_header(&source, record, &cells)?,
        }
    };
    // Each row after the header takes at least one line (CR-only line
    // breaks go uncounted: the builder then grows as it goes).
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    builder.reserve(lines);
    if let Err(error) = read_rows(&source, &columns, &mut lexer, &mut builder) {
        return Err(match builder.duplicate() {
            Some(duplicate) => duplicate_error(&source, &columns, duplicate),
            None => error,
        });
    }
    builder
        .finish()
        .map_err(|duplicate| duplicate_error(&source, &columns, duplicate))
}

/// Reads the rows after the header into `builder`, up to the first error.
fn read_rows<'a>(
    source: &Source<'a>,
    columns: &Columns,
    lexer: &mut Lexer<'a>,
    builder: &mut AllocationTableBuilder,
) -> Result<(), AllocationError> {
    let mut cells = Vec::new();
    while let Some(record) = lexer
        .next_record(&mut cells)
        .map_err(|e| source.lex_error(e))?
    {
        if !all_empty(&cells) {
            read_row(source, columns, record, &cells, builder)?;
        }
    }
    Ok(())
}

/// The error for a row whose prefix an earlier row has, found after the
/// row was read: the row is read again to point at its cidr cell.
fn duplicate_error(
    source: &Source<'_>,
    columns: &Columns,
    duplicate: DuplicateRow,
) -> AllocationError {
    let line = duplicate.line.unwrap_or_default();
    let mut lexer = Lexer::new(source.text);
    let mut cells = Vec::new();
    // Rows were read without a syntax error up to this one; each record
    // starts on a line of its own.
    while let Ok(Some(record)) = lexer.next_record(&mut cells) {
        if record.line == line {
            return insert_error(source, columns, record, &cells, duplicate.error);
        }
    }
    let nowhere = Record {
        line,
        start: source.text.len(),
        end: source.text.len(),
    };
    insert_error(source, columns, nowhere, &[], duplicate.error)
}

/// A row of only commas, as spreadsheets export empty rows, is blank.
fn all_empty(cells: &[Cell<'_>]) -> bool {
    cells.iter().all(|c| trim(&c.text).is_empty())
}

fn read_header(
    source: &Source<'_>,
    record: Record,
    cells: &[Cell<'_>],
) -> Result<Columns, AllocationError> {
    let (mut cidr, mut agency, mut sub_organization, mut contact) = (None, None, None, None);
    for (index, cell) in cells.iter().enumerate() {
        let Some(known) = Known::from_header(trim(&cell.text)) else {
            continue;
        };
        let slot = match known {
            Known::Cidr => &mut cidr,
            Known::Agency => &mut agency,
            Known::SubOrganization => &mut sub_organization,
            Known::Contact => &mut contact,
        };
        if let Some(first) = *slot {
            let first_column = source.cell_at(record, cells.get(first)).column();
            return Err(AllocationError::DuplicateColumn {
                at: source.cell_at(record, Some(cell)),
                name: trim(&cell.text).to_owned(),
                first_column,
            });
        }
        *slot = Some(index);
    }
    let cidr = cidr.ok_or_else(|| missing_column(source, record, cells, "cidr"))?;
    let agency = agency.ok_or_else(|| missing_column(source, record, cells, "agency"))?;
    Ok(Columns {
        cidr,
        agency,
        sub_organization,
        contact,
        width: cells.len(),
    })
}

fn missing_column(
    source: &Source<'_>,
    record: Record,
    cells: &[Cell<'_>],
    column: &'static str,
) -> AllocationError {
    let found: Vec<String> = cells
        .iter()
        .map(|c| trim(&c.text))
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    // A name within two edits of the missing one is probably a typo of it.
    let hint = found
        .iter()
        .filter(|name| Known::from_header(name).is_none())
        .find(|name| strsim::levenshtein(&name.to_ascii_lowercase(), column) <= 2)
        .cloned();
    AllocationError::MissingColumn {
        at: source.at(record, record.start),
        column,
        found,
        hint,
    }
}

fn read_row(
    source: &Source<'_>,
    columns: &Columns,
    record: Record,
    cells: &[Cell<'_>],
    builder: &mut AllocationTableBuilder,
) -> Result<(), AllocationError> {
    if let Some(extra) = cells
        .get(columns.width..)
        .and_then(|rest| rest.iter().find(|c| !trim(&c.text).is_empty()))
    {
        return Err(AllocationError::ExtraCell {
            at: source.cell_at(record, Some(extra)),
            header_columns: columns.width,
        });
    }
    let text_of = |index: Option<usize>| {
        index
            .and_then(|i| cells.get(i))
            .map_or("", |c| trim(&c.text))
    };
    let cidr_cell = cells.get(columns.cidr);
    let cidr = text_of(Some(columns.cidr));
    let cidr_at = || source.cell_at(record, cidr_cell);
    let prefix = parse_prefix(cidr).map_err(|problem| AllocationError::MalformedPrefix {
        at: cidr_at(),
        text: cidr.to_owned(),
        problem,
    })?;
    let sub_organization = Some(text_of(columns.sub_organization));
    let contact = Some(text_of(columns.contact));
    let agency = text_of(Some(columns.agency));
    builder
        .insert_from_line(prefix, agency, sub_organization, contact, record.line)
        .map_err(|error| insert_error(source, columns, record, cells, error))
}

/// The error for a row the builder refused, pointing at the cell at fault.
fn insert_error(
    source: &Source<'_>,
    columns: &Columns,
    record: Record,
    cells: &[Cell<'_>],
    error: InsertError,
) -> AllocationError {
    let cidr_cell = cells.get(columns.cidr);
    let cidr = cidr_cell.map_or("", |c| trim(&c.text));
    let cidr_at = || source.cell_at(record, cidr_cell);
    match error {
        InsertError::HostBitsSet { normalized, .. } => AllocationError::HostBitsSet {
            at: cidr_at(),
            text: cidr.to_owned(),
            normalized,
        },
        InsertError::Ipv4MappedPrefix { ipv4, .. } => AllocationError::Ipv4MappedPrefix {
            at: cidr_at(),
            text: cidr.to_owned(),
            ipv4,
        },
        InsertError::EmptyAgency { .. } => AllocationError::EmptyAgency {
            at: source.cell_at(record, cells.get(columns.agency)),
        },
        InsertError::DuplicatePrefix { prefix, first_line } => AllocationError::DuplicatePrefix {
            at: cidr_at(),
            prefix,
            // Every entry of a file-built table has a line.
            first_line: first_line.unwrap_or_default(),
        },
    }
}
