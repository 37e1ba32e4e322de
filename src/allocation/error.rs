//! Errors raised while reading or building a TSO allocation table.
//!
//! A policy office fixes these by editing a spreadsheet, so every error that
//! concerns a cell carries the file, the 1-based line and the 1-based column
//! of that cell, and its message says what to change.

use std::fmt;
use std::path::{Path, PathBuf};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// The place of a bad cell in a table file, so the CLI can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    path: PathBuf,
    line: usize,
    column: usize,
}

impl Location {
    pub(crate) fn new(path: &Path, line: usize, column: usize) -> Self {
        Self {
            path: path.to_path_buf(),
            line,
            column,
        }
    }

    /// The file (or the origin name given to `from_reader`) the cell is in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The 1-based line of the cell, counting every physical line of the file
    /// (comments and blank lines included) as an editor does.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column, in characters, where the cell's text starts (after
    /// leading whitespace), as an editor shows it.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// What is wrong with a `cidr` cell that cannot be read as a prefix, so the
/// message can name the exact defect rather than just "invalid".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrefixProblem {
    /// The cell is empty, but every row needs a prefix.
    #[error("the cidr cell is empty; every row needs a prefix such as 10.0.0.0/8")]
    Empty,
    /// Nothing before the `/`.
    #[error("the address before `/` is missing")]
    MissingAddress,
    /// The part before the `/` (or the whole cell) is not an IP address.
    #[error("`{0}` is not an IPv4 or IPv6 address")]
    BadAddress(String),
    /// Nothing after the `/`.
    #[error("the prefix length after `/` is missing")]
    MissingLength,
    /// The part after the `/` is not a whole number.
    #[error("prefix length `{0}` is not a whole number")]
    BadLength(String),
    /// The prefix length does not fit the address family.
    #[error("prefix length /{length} is out of range for {family} (allowed: /0 to /{max})")]
    LengthOutOfRange {
        /// The length as written.
        length: String,
        /// `IPv4` or `IPv6`.
        family: &'static str,
        /// The longest allowed length for that family.
        max: u8,
    },
}

/// Why a programmatic [`insert`](super::AllocationTableBuilder::insert) was
/// refused; the same rules apply to rows read from a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InsertError {
    /// The address has bits set beyond the prefix length; a typo in the
    /// address is more likely than an intended network, so it is refused.
    #[error("{prefix} has host bits set; did you mean {normalized}?")]
    HostBitsSet {
        /// The prefix as given.
        prefix: IpNet,
        /// The network the prefix length actually describes.
        normalized: IpNet,
    },
    /// IPv4-mapped IPv6 addresses are looked up as IPv4, so such a prefix
    /// could never match; the IPv4 form must be written instead.
    #[error(
        "{prefix} is an IPv4-mapped IPv6 prefix, which lookups never reach; write it as {ipv4}"
    )]
    Ipv4MappedPrefix {
        /// The prefix as given.
        prefix: Ipv6Net,
        /// The IPv4 prefix to write instead.
        ipv4: Ipv4Net,
    },
    /// An allocation without an owner is useless for attribution.
    #[error("{prefix} has an empty agency; every prefix must name its owning agency")]
    EmptyAgency {
        /// The prefix whose agency is empty.
        prefix: IpNet,
    },
    /// The same network twice would make ownership ambiguous.
    #[error("{prefix} is already in the table{}", first_line_note(*.first_line))]
    DuplicatePrefix {
        /// The (normalised) prefix inserted twice.
        prefix: IpNet,
        /// The table line of the first entry, if it came from a file.
        first_line: Option<usize>,
    },
}

fn first_line_note(first_line: Option<usize>) -> String {
    first_line.map_or_else(String::new, |line| format!(" (line {line})"))
}

/// Why a TSO allocation table could not be loaded.
///
/// Every variant except [`Io`](Self::Io) and
/// [`MissingHeader`](Self::MissingHeader) carries the [`Location`] of the bad cell; use
/// [`path`](Self::path), [`line`](Self::line) and [`column`](Self::column) to
/// render it. The `Display` text already starts with `path:line:column`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AllocationError {
    /// The file could not be read (missing, permissions, a directory, ...).
    #[error("{}: cannot read the TSO allocation table: {source}", .path.display())]
    Io {
        /// The file (or origin name) that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The bytes are not UTF-8 (e.g. a spreadsheet saved as UTF-16 or Latin-1).
    #[error("{at}: the file is not valid UTF-8; save the table as \"CSV UTF-8\"")]
    InvalidUtf8 {
        /// Where the first invalid byte is.
        at: Location,
    },
    /// A quoted cell whose closing quote never comes, which would otherwise
    /// swallow the rest of the file.
    #[error("{at}: the quoted cell starting here has no closing double quote")]
    UnterminatedQuote {
        /// The opening quote.
        at: Location,
    },
    /// Text between a closing quote and the next comma, usually a stray quote.
    #[error(
        "{at}: unexpected text after a closing double quote; inside a quoted cell write a quote as \"\""
    )]
    TextAfterQuote {
        /// The first unexpected character.
        at: Location,
    },
    /// The file has no header row (it is empty or only comments).
    #[error(
        "{}: the TSO allocation table has no header row; the first row must name the columns, e.g. `cidr,agency`",
        .path.display()
    )]
    MissingHeader {
        /// The file (or origin name).
        path: PathBuf,
    },
    /// A required column (`cidr` or `agency`) is not in the header row.
    #[error(
        "{at}: the header row has no `{column}` column (found: {found}){hint}",
        found = .found.join(", "),
        hint = .hint.as_ref().map_or_else(String::new, |h| format!("; did you mean to name `{h}` as `{column}`?"))
    )]
    MissingColumn {
        /// Line of the header row, column 1.
        at: Location,
        /// The missing column name.
        column: &'static str,
        /// The column names that are present.
        found: Vec<String>,
        /// A present name that looks like a misspelling of the missing one.
        hint: Option<String>,
    },
    /// A known column appears twice, so it is ambiguous which one to read.
    #[error(
        "{at}: column `{name}` appears twice in the header (first at column {first_column}); remove or rename one"
    )]
    DuplicateColumn {
        /// The second occurrence.
        at: Location,
        /// The column name as written in the second occurrence.
        name: String,
        /// Character column of the first occurrence on the header line.
        first_column: usize,
    },
    /// A `cidr` cell that is not a prefix or address.
    #[error("{at}: `{text}` is not a valid prefix: {problem}")]
    MalformedPrefix {
        /// The `cidr` cell.
        at: Location,
        /// The cell text.
        text: String,
        /// What is wrong with it.
        problem: PrefixProblem,
    },
    /// A prefix whose address has bits set beyond the prefix length.
    #[error(
        "{at}: `{text}` has host bits set: the address must be the first address of the network; did you mean `{normalized}`?"
    )]
    HostBitsSet {
        /// The `cidr` cell.
        at: Location,
        /// The cell text.
        text: String,
        /// The network the prefix length actually describes.
        normalized: IpNet,
    },
    /// An IPv4-mapped IPv6 prefix, which lookups never reach.
    #[error(
        "{at}: `{text}` is an IPv4-mapped IPv6 prefix; addresses like ::ffff:192.0.2.1 are looked up as IPv4, so write it as `{ipv4}`"
    )]
    Ipv4MappedPrefix {
        /// The `cidr` cell.
        at: Location,
        /// The cell text.
        text: String,
        /// The IPv4 prefix to write instead.
        ipv4: Ipv4Net,
    },
    /// The same network appears on two rows (compared after normalisation,
    /// so `10.0.0.1` and `10.0.0.1/32` are the same).
    #[error(
        "{at}: prefix {prefix} is listed twice, on line {first_line} and line {line}; keep one row per prefix",
        line = .at.line()
    )]
    DuplicatePrefix {
        /// The `cidr` cell of the second occurrence.
        at: Location,
        /// The normalised prefix.
        prefix: IpNet,
        /// The line of the first occurrence.
        first_line: usize,
    },
    /// A row without an owning agency.
    #[error("{at}: the agency cell is empty; every prefix must name its owning agency")]
    EmptyAgency {
        /// The `agency` cell (or the end of the row when the cell is missing).
        at: Location,
    },
    /// A non-empty cell beyond the header's columns, usually an unquoted comma.
    #[error(
        "{at}: this row has more cells than the header's {header_columns} columns; if a cell contains a comma, wrap it in double quotes"
    )]
    ExtraCell {
        /// The first non-empty extra cell.
        at: Location,
        /// How many columns the header has.
        header_columns: usize,
    },
}

impl AllocationError {
    /// The file (or origin name) the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. } | Self::MissingHeader { path } => path,
            other => other.location().map_or(Path::new(""), Location::path),
        }
    }

    /// The 1-based line of the bad cell, if the error concerns a cell.
    pub fn line(&self) -> Option<usize> {
        self.location().map(Location::line)
    }

    /// The 1-based character column of the bad cell, if the error concerns a cell.
    pub fn column(&self) -> Option<usize> {
        self.location().map(Location::column)
    }

    /// The location of the bad cell, if the error concerns a cell.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::Io { .. } | Self::MissingHeader { .. } => None,
            Self::InvalidUtf8 { at }
            | Self::UnterminatedQuote { at }
            | Self::TextAfterQuote { at }
            | Self::MissingColumn { at, .. }
            | Self::DuplicateColumn { at, .. }
            | Self::MalformedPrefix { at, .. }
            | Self::HostBitsSet { at, .. }
            | Self::Ipv4MappedPrefix { at, .. }
            | Self::DuplicatePrefix { at, .. }
            | Self::EmptyAgency { at }
            | Self::ExtraCell { at, .. } => Some(at),
        }
    }
}
