//! Reading an input a chunk of rows at a time, into buffers reused from
//! chunk to chunk, for classifying chunks in parallel.
//!
//! Canonical CSV rows stay as [`CsvRow`]s (bytes, no string per cell);
//! other formats come as [`Item`]s. An input error after some rows
//! of a chunk were read is reported by the next call, so those rows are
//! still classified and written, as the one-record-at-a-time reader does.

use std::io::{self, BufRead, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::rows::CsvRow;
use super::table::TableReader;
use super::{InputError, InputFormat, Item, ItemStream, ReadOptions, open_reader, stream};

/// A chunk of rows of one input.
#[derive(Debug, Default)]
pub struct Chunk {
    /// The header canonical CSV rows follow; `None` when the chunk holds
    /// [`items`](Self::items) instead.
    pub header: Option<Arc<[String]>>,
    records: Vec<CsvRow>,
    len: usize,
    /// The items of a chunk of another format (or of one unreadable CSV row).
    pub items: Vec<Item>,
}

impl Chunk {
    /// The canonical CSV rows read.
    pub fn records(&self) -> &[CsvRow] {
        self.records.get(..self.len).unwrap_or_default()
    }

    /// How many rows (records or items) the chunk holds.
    pub fn len(&self) -> usize {
        self.len + self.items.len()
    }

    /// Whether the chunk holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn clear(&mut self) {
        self.header = None;
        self.len = 0;
        self.items.clear();
    }
}

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
            Source::Items(_) => None,
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
                while chunk.len < max {
                    if chunk.records.len() == chunk.len {
                        chunk.records.push(CsvRow::default());
                    }
                    let step = match chunk.records.get_mut(chunk.len) {
                        Some(record) => table.read_into(record),
                        None => Ok(false),
                    };
                    match step {
                        Ok(true) => chunk.len += 1,
                        Ok(false) => break,
                        Err(e) => {
                            self.pending = Some(Err(e));
                            break;
                        }
                    }
                }
                if chunk.len == 0 {
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
            Source::Items(items) => {
                for item in items.by_ref() {
                    match item {
                        Ok(item) => chunk.items.push(item),
                        Err(e) if chunk.items.is_empty() => return Err(e),
                        Err(e) => {
                            self.pending = Some(Err(e));
                            break;
                        }
                    }
                    if chunk.items.len() >= max {
                        break;
                    }
                }
            }
        }
        Ok(!chunk.is_empty())
    }
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
