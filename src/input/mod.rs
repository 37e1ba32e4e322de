//! Reading IDS exports and complaint records.
//!
//! Every reader turns its input into a stream of [`Item`]s: a raw record
//! (its fields as the input names them), a record skipped by design (a
//! Suricata `dns` event), or a record rejected with its reason. Nothing is
//! dropped silently: the summary of a run adds these up to the records read.
//! Turning raw fields into typed record fields is [`mapping`]'s job.

pub(crate) mod chunk_rows;
pub mod chunks;
mod detect;
mod event_type;
mod json;
pub mod json_lines;
pub mod lines;
pub mod mapping;
pub mod row_block;
pub mod rows;
pub(crate) mod table;

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use detect::detect;

/// Records longer than this are rejected rather than buffered: no IDS alert
/// or complaint is 64 MiB, and a file without line breaks must not exhaust
/// memory.
pub const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

/// The formats docket reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Canonical CSV with a header row naming record fields.
    Csv,
    /// Canonical JSON lines, one record object per line.
    Jsonl,
    /// Suricata EVE JSON (lines or one array); only alerts are classified.
    Suricata,
    /// Snort `alert_csv`, without header; columns from the ruleset or `--snort-columns`.
    Snort,
}

impl InputFormat {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Csv => "csv",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Suricata => "suricata",
            InputFormat::Snort => "snort",
        }
    }
}

/// Where a record came from: the input's name and the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The path as given, or `<stdin>` for `-`.
    pub input: Arc<str>,
    /// The line the record starts on.
    pub line: u64,
}

impl Origin {
    /// How messages and outputs name an input: its path as given, or
    /// `<stdin>` for `-` (a bare `-` would read as a formula in a
    /// spreadsheet and as nothing in a message).
    pub fn input_name(path: &Path) -> Arc<str> {
        if path == Path::new("-") {
            Arc::from("<stdin>")
        } else {
            Arc::from(path.display().to_string())
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.input, self.line)
    }
}

/// A record's fields as the input names them.
#[derive(Clone, Debug)]
pub enum RawFields {
    /// A CSV row and the names of its columns.
    Columns {
        /// Column names.
        names: Arc<[String]>,
        /// Cell values, in the same order.
        values: Vec<String>,
    },
    /// A JSON object.
    Json(serde_json::Value),
}

impl RawFields {
    /// The value at a path: a column name, or a dotted path into JSON
    /// (`alert.signature`). Empty cells and JSON nulls are absent; JSON
    /// numbers and booleans come back as their text.
    pub fn get(&self, path: &str) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            RawFields::Columns { names, values } => names
                .iter()
                .position(|n| n == path)
                .and_then(|i| values.get(i))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(std::borrow::Cow::Borrowed),
            RawFields::Json(value) => {
                let mut node = value;
                for part in path.split('.') {
                    node = node.get(part)?;
                }
                json_text(node)
            }
        }
    }

    /// Every top-level name and value, for canonical inputs.
    pub fn entries(&self) -> Vec<(&str, Option<std::borrow::Cow<'_, str>>)> {
        match self {
            RawFields::Columns { names, values } => names
                .iter()
                .zip(values)
                .map(|(n, v)| {
                    let v = v.trim();
                    (
                        n.as_str(),
                        (!v.is_empty()).then_some(std::borrow::Cow::Borrowed(v)),
                    )
                })
                .collect(),
            RawFields::Json(serde_json::Value::Object(map)) => map
                .iter()
                .map(|(k, v)| (k.as_str(), json_text(v)))
                .collect(),
            RawFields::Json(_) => Vec::new(),
        }
    }
}

fn json_text(value: &serde_json::Value) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) if s.trim().is_empty() => None,
        serde_json::Value::String(s) => Some(Cow::Borrowed(s.as_str())),
        serde_json::Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        serde_json::Value::Number(n) => Some(Cow::Owned(n.to_string())),
        other => Some(Cow::Owned(other.to_string())),
    }
}

/// A record as read, before its fields are typed.
#[derive(Clone, Debug)]
pub struct RawRecord {
    /// Where it starts.
    pub origin: Origin,
    /// Its fields.
    pub fields: RawFields,
}

impl RawRecord {
    /// The record as text, for the rejects file and `explain`.
    pub fn raw_text(&self) -> String {
        match &self.fields {
            RawFields::Columns { values, .. } => csv_line(values),
            RawFields::Json(value) => value.to_string(),
        }
    }
}

/// Cells as one line of CSV, for the rejects file and `explain`.
pub(crate) fn csv_line<T: AsRef<[u8]>>(cells: impl IntoIterator<Item = T>) -> String {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let _ = writer.write_record(cells);
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).trim_end().to_owned()
}

/// One thing a reader produces.
#[derive(Clone, Debug)]
pub enum Item {
    /// A record to classify.
    Record(RawRecord),
    /// A record deliberately not classified (not an alert), with why.
    Skipped {
        /// Where it is.
        origin: Origin,
        /// Why it was skipped.
        reason: String,
    },
    /// A record that cannot be read, with why.
    Rejected(Reject),
}

/// A record that could not be used, as written to the rejects file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    /// Where it is.
    pub origin: Origin,
    /// Why it was rejected.
    pub reason: String,
    /// Its text.
    pub raw: String,
}

/// An input that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Opening or reading failed.
    #[error("{path}: {source}")]
    Io {
        /// The input.
        path: String,
        /// The I/O error.
        source: io::Error,
    },
    /// The input's format could not be determined or is unusable.
    #[error("{path}: {message}")]
    Format {
        /// The input.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// What a reader needs to know beyond the bytes.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Column layouts for Snort `alert_csv`, chosen by column count.
    pub snort_layouts: Vec<Vec<String>>,
    /// Names of the ruleset's fields, to recognise a canonical CSV header.
    pub field_names: Vec<String>,
}

/// Checks, before any output is started, that every input can be opened:
/// a missing file or a directory stops the run before a header is written
/// to standard output. Returns a warning for each empty file (no records is
/// a valid answer, but rarely the one meant).
pub fn preflight(paths: &[PathBuf]) -> Result<Vec<String>, InputError> {
    let mut warnings = Vec::new();
    for path in paths.iter().filter(|p| p.as_path() != Path::new("-")) {
        let name = Origin::input_name(path);
        let metadata = std::fs::metadata(path).map_err(|source| InputError::Io {
            path: name.to_string(),
            source,
        })?;
        if metadata.is_dir() {
            return Err(InputError::Format {
                path: name.to_string(),
                message: "is a directory, not an input file".into(),
            });
        }
        if metadata.is_file() && metadata.len() == 0 {
            warnings.push(format!("{name} is empty: it holds no records"));
        }
    }
    Ok(warnings)
}

/// A stream of items from one input.
pub type ItemStream = Box<dyn Iterator<Item = Result<Item, InputError>> + Send>;

/// Opens an input (`-` for stdin), detects or takes its format, and returns
/// the stream of its items and the format used.
pub fn open(
    path: &Path,
    format: Option<InputFormat>,
    options: &ReadOptions,
) -> Result<(ItemStream, InputFormat), InputError> {
    let (reader, format, name) = open_reader(path, format, options)?;
    Ok((stream(reader, format, name, options)?, format))
}

/// An opened input: its buffered bytes, its format and its name.
type Opened = (Box<dyn BufRead + Send>, InputFormat, Arc<str>);

/// Bytes read from an input at a time. Enough for a few system calls per
/// megabyte and for format detection's look at the first line, small enough
/// to stay in the second-level cache with the rows being parsed from it: a
/// 1 MiB buffer, refilled by the kernel, evicted everything else each time.
const READ_BUFFER: usize = 64 << 10;

/// Opens an input's bytes and settles its format.
fn open_reader(
    path: &Path,
    format: Option<InputFormat>,
    options: &ReadOptions,
) -> Result<Opened, InputError> {
    let name = Origin::input_name(path);
    let io_error = |source| InputError::Io {
        path: name.to_string(),
        source,
    };
    let reader: Box<dyn BufRead + Send> = if path == Path::new("-") {
        Box::new(BufReader::with_capacity(READ_BUFFER, io::stdin()))
    } else {
        if path.is_dir() {
            return Err(InputError::Format {
                path: name.to_string(),
                message: "is a directory, not an input file".into(),
            });
        }
        Box::new(BufReader::with_capacity(
            READ_BUFFER,
            File::open(path).map_err(io_error)?,
        ))
    };
    let mut reader = reader;
    let format = match format {
        Some(f) => f,
        None => {
            let head = reader.fill_buf().map_err(io_error)?;
            detect(path, head, &options.field_names).ok_or_else(|| InputError::Format {
                path: name.to_string(),
                message:
                    "cannot tell the input format from its name or content; give --input-format"
                        .into(),
            })?
        }
    };
    Ok((reader, format, name))
}

/// Reads an already opened input of a known format: the readers behind
/// [`open`], for input that is not a file (bytes in memory, a fuzzer's
/// test case). `name` is what origins and errors call the input.
pub fn from_reader(
    reader: Box<dyn BufRead + Send>,
    name: Arc<str>,
    format: InputFormat,
    options: &ReadOptions,
) -> Result<ItemStream, InputError> {
    stream(reader, format, name, options)
}

/// The items of an opened input.
fn stream(
    reader: Box<dyn BufRead + Send>,
    format: InputFormat,
    name: Arc<str>,
    options: &ReadOptions,
) -> Result<ItemStream, InputError> {
    Ok(match format {
        InputFormat::Csv => Box::new(table::TableReader::canonical(reader, name)?),
        InputFormat::Snort => Box::new(table::TableReader::headerless(
            reader,
            name,
            options.snort_layouts.clone(),
        )?),
        InputFormat::Jsonl => Box::new(json::JsonReader::new(reader, name, false)),
        InputFormat::Suricata => Box::new(json::JsonReader::new(reader, name, true)),
    })
}

/// Reads at most `limit` bytes up to and including the next `\n`. Returns
/// `Ok(None)` at end of input, and `Ok(Some(false))` when the line was too
/// long (its bytes up to the next newline are consumed and discarded).
pub(crate) fn read_line_limited<R: BufRead + ?Sized>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(any.then_some(!too_long));
        }
        any = true;
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (available.get(..=i).unwrap_or(available), true),
            None => (available, false),
        };
        let used = chunk.len();
        if !too_long {
            if buf.len() + used > limit {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        reader.consume(used);
        if done {
            return Ok(Some(!too_long));
        }
    }
}
