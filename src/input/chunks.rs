//! Reading an input a chunk of rows at a time, into buffers reused from
//! chunk to chunk, for classifying chunks in parallel.
//!
//! Canonical CSV rows stay bytes, all of a chunk's in one [`RowBlock`]
//! (no string per cell, no buffer per row);
//! JSON lines stay raw lines, parsed by the chunk's worker ([`JsonLines`]);
//! other formats come as [`Item`]s. An input error after some rows
//! of a chunk were read is reported by the next call, so those rows are
//! still classified and written, as the one-record-at-a-time reader does.

use std::io::{self, BufRead, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::json::JsonReader;
use super::json_lines::JsonLines;
use super::row_block::{RowBlock, RowRef};
use super::table::TableReader;
use super::{InputError, InputFormat, Item, ItemStream, ReadOptions, open_reader, stream};

/// A chunk of rows of one input.
#[derive(Debug, Default)]
pub struct Chunk {
    /// The header canonical CSV rows follow; `None` when the chunk holds
    /// [`items`](Self::items) instead.
    pub header: Option<Arc<[String]>>,
    rows: RowBlock,
    /// The items of a chunk of another format (or of one unreadable CSV row).
    pub items: Vec<Item>,
    /// The lines of a chunk of JSON lines, parsed by the chunk's worker.
    pub lines: JsonLines,
}

impl Chunk {
    /// The canonical CSV rows read.
    pub fn records(&self) -> impl Iterator<Item = RowRef<'_>> + '_ {
        self.rows.iter()
    }

    /// How many rows (records or items) the chunk holds.
    pub fn len(&self) -> usize {
        self.rows.len() + self.items.len() + self.lines.len()
    }

    /// Whether the chunk holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn clear(&mut self) {
        self.header = None;
        self.rows.clear();
        self.items.clear();
        self.lines.clear();
    }
}

/// The bytes past which a chunk of canonical CSV takes no more rows, so
/// that the offsets of its [`RowBlock`] fit a `u32` (a chunk of typical
/// rows is a few dozen KiB; this only ever cuts one of huge rows short).
const MAX_CHUNK_BYTES: usize = 1 << 30;

/// Reads one input chunk by chunk.
pub struct ChunkReader {
    source: Source,
    format: InputFormat,
    name: Arc<str>,
    /// Read but not yet handed out: an input error after some rows.
    pending: Option<Result<Item, InputError>>,
    bytes: Arc<AtomicU64>,
}

enum Source {
    Csv(Box<TableReader>),
    /// JSON lines, or one JSON array (read item by item).
    Json(Box<JsonReader>),
    Items(ItemStream),
}

/// Opens an input (`-` for stdin) for reading in chunks; the format is
/// taken or detected as [`open`](super::open) does.
pub fn open_chunks(
    path: &Path,
    format: Option<InputFormat>,
    options: &ReadOptions,
) -> Result<ChunkReader, InputError> {
    let (reader, format, name) = open_reader(path, format, options)?;
    let bytes = Arc::new(AtomicU64::new(0));
    let counted: Box<dyn BufRead + Send> = Box::new(Counting {
        inner: reader,
        count: Arc::clone(&bytes),
    });
    let source = match format {
        InputFormat::Csv => Source::Csv(Box::new(TableReader::canonical(
            counted,
            Arc::clone(&name),
        )?)),
        InputFormat::Jsonl | InputFormat::Suricata => Source::Json(Box::new(JsonReader::new(
            counted,
            Arc::clone(&name),
            format == InputFormat::Suricata,
        ))),
        _ => Source::Items(stream(counted, format, Arc::clone(&name), options)?),
    };
    Ok(ChunkReader {
        source,
        format,
        name,
        pending: None,
        bytes,
    })
}

impl ChunkReader {
    /// The input's format.
    pub fn format(&self) -> InputFormat {
        self.format
    }

    /// The input's name as given (`-` for stdin).
    pub fn name(&self) -> &Arc<str> {
        &self.name
    }

    /// The header of a canonical CSV input.
    pub fn header(&self) -> Option<&Arc<[String]>> {
        match &self.source {
            Source::Csv(table) => table.header(),
            Source::Json(_) | Source::Items(_) => None,
        }
    }

    /// Bytes of the input read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Fills `chunk` with up to `max` rows. `Ok(false)`: the input is
    /// exhausted and `chunk` is empty.
    pub fn fill(&mut self, chunk: &mut Chunk, max: usize) -> Result<bool, InputError> {
        chunk.clear();
        if let Some(pending) = self.pending.take() {
            chunk.items.push(pending?);
            return Ok(true);
        }
        match &mut self.source {
            Source::Csv(table) => {
                chunk.header = table.header().cloned();
                // A chunk's bytes stay far below what its `u32` cell ends
                // name: a row is at most `MAX_RECORD_BYTES` and a read long.
                if let Err(e) = table.read_rows(&mut chunk.rows, max, MAX_CHUNK_BYTES) {
                    self.pending = Some(Err(e));
                }
                if chunk.rows.is_empty() {
                    chunk.header = None;
                    return match self.pending.take() {
                        Some(pending) => {
                            chunk.items.push(pending?);
                            Ok(true)
                        }
                        None => Ok(false),
                    };
                }
            }
            Source::Json(json) => match json.is_lines()? {
                None => {}
                Some(true) => {
                    if let Err(e) = chunk.lines.fill(json, max) {
                        if chunk.lines.is_empty() {
                            return Err(e);
                        }
                        self.pending = Some(Err(e));
                    }
                }
                Some(false) => fill_items(json.as_mut(), chunk, max, &mut self.pending)?,
            },
            Source::Items(items) => fill_items(items, chunk, max, &mut self.pending)?,
        }
        Ok(!chunk.is_empty())
    }
}

/// Fills `chunk` with up to `max` items from `items`. An error after some
/// items waits in `pending` for the next call.
fn fill_items(
    items: &mut dyn Iterator<Item = Result<Item, InputError>>,
    chunk: &mut Chunk,
    max: usize,
    pending: &mut Option<Result<Item, InputError>>,
) -> Result<(), InputError> {
    for item in items {
        match item {
            Ok(item) => chunk.items.push(item),
            Err(e) if chunk.items.is_empty() => return Err(e),
            Err(e) => {
                *pending = Some(Err(e));
                break;
            }
        }
        if chunk.items.len() >= max {
            break;
        }
    }
    Ok(())
}

/// Counts the bytes taken from a reader, for the progress bar.
struct Counting {
    inner: Box<dyn BufRead + Send>,
    count: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl BufRead for Counting {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.count.fetch_add(amount as u64, Ordering::Relaxed);
        self.inner.consume(amount);
    }
}
