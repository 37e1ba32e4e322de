//! Many canonical CSV rows in one buffer: what a chunk of rows holds.
//!
//! A chunk used to hold a [`CsvRow`](super::rows::CsvRow) per row, each
//! with a byte buffer and a buffer of cell ranges of its own: two vectors
//! to clear, grow and index per row. A [`RowBlock`] keeps the bytes of all
//! its rows end to end in one buffer, each cell followed by one byte (the
//! comma or line break after it in a plain line as it was read, one byte
//! put there for a row `csv_core` unquoted), and per row a run of `u32`
//! marks: where the row starts, then where each cell's following byte
//! ends. A cell lies between two marks (less the byte), so the cells come
//! from a window over the marks with nothing carried from one to the next
//! (fewer instructions, to read and to map, than a pair per cell).

use std::io;

/// Rows of canonical CSV, their bytes in one buffer. Reused from chunk to
/// chunk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowBlock {
    /// The rows' bytes, end to end, each cell followed by one byte.
    bytes: Vec<u8>,
    /// For each row, where it starts in `bytes`, then for each of its
    /// cells where the byte after it ends.
    marks: Vec<u32>,
    rows: Vec<RowSpan>,
}

/// Where one row lies in a [`RowBlock`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RowSpan {
    /// Past its last mark in the block's marks (its first is the row
    /// before's `marks`).
    marks: u32,
    /// The line it starts on (1-based; 0 for the header).
    line: u64,
    /// Byte offset of its first byte in the input.
    offset: u64,
}

/// One row of a [`RowBlock`] (or of a [`CsvRow`](super::rows::CsvRow)).
#[derive(Clone, Copy, Debug, Default)]
pub struct RowRef<'a> {
    bytes: &'a [u8],
    /// The row's start, then its cells' ends plus one.
    marks: &'a [u32],
    line: u64,
    offset: u64,
}

impl<'a> RowRef<'a> {
    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.marks.len().saturating_sub(1)
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cells, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        let bytes = self.bytes;
        self.marks.windows(2).map(move |pair| match *pair {
            [start, next] => bytes
                .get(start as usize..(next as usize).saturating_sub(1))
                .unwrap_or_default(),
            _ => &[],
        })
    }

    /// The line the row starts on (1-based; 0 for the header).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The byte offset the row starts at (past the line breaks before it).
    pub fn offset(&self) -> u64 {
        self.offset
    }
}

impl RowBlock {
    /// How many rows the block holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the block holds no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How many bytes its rows take, to bound a chunk's (the cells' ends
    /// are `u32`s).
    pub fn bytes_len(&self) -> usize {
        self.bytes.len()
    }

    /// Empties the block, keeping its buffers.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.marks.clear();
        self.rows.clear();
    }

    /// The rows, in order.
    pub fn iter(&self) -> impl Iterator<Item = RowRef<'_>> + '_ {
        let mut first = 0;
        self.rows.iter().map(move |span| {
            let last = span.marks as usize;
            let marks = self.marks.get(first..last).unwrap_or_default();
            first = last;
            RowRef {
                bytes: &self.bytes,
                marks,
                line: span.line,
                offset: span.offset,
            }
        })
    }

    /// The first row, if any.
    pub fn first(&self) -> Option<RowRef<'_>> {
        self.iter().next()
    }

    /// Where the next row's bytes start, after checking that `more` bytes
    /// past them can still be named by a `u32`.
    #[inline]
    pub(super) fn next_start(&self, more: usize) -> io::Result<u32> {
        self.bytes
            .len()
            .checked_add(more)
            .and_then(|end| u32::try_from(end).ok())
            .map(|_| self.bytes.len() as u32)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "row too large"))
    }

    /// The marks, for a plain line's to be pushed onto: where it will
    /// start, then past the comma or line break after each cell.
    #[inline]
    pub(super) fn marks_mut(&mut self) -> &mut Vec<u32> {
        &mut self.marks
    }

    /// Adds the row whose marks were pushed: a plain line as it was read,
    /// with the line break that ends it.
    #[inline]
    pub(super) fn push_line(&mut self, line_bytes: &[u8], line: u64, offset: u64) {
        self.bytes.extend_from_slice(line_bytes);
        self.push_span(line, offset);
    }

    #[inline]
    fn push_span(&mut self, line: u64, offset: u64) {
        self.rows.push(RowSpan {
            marks: self.marks.len() as u32,
            line,
            offset,
        });
    }

    /// Adds a row whose cells are `bytes` end to end, cell `i` ending at
    /// `ends[i]`, each followed by one byte.
    pub(super) fn push_cells(
        &mut self,
        bytes: &[u8],
        ends: &[usize],
        line: u64,
        offset: u64,
    ) -> io::Result<()> {
        let start = self.next_start(bytes.len() + ends.len())?;
        self.marks.push(start);
        let mut from = 0;
        for &end in ends {
            self.bytes
                .extend_from_slice(bytes.get(from..end).unwrap_or_default());
            self.bytes.push(b',');
            self.marks.push(self.bytes.len() as u32);
            from = end;
        }
        self.push_span(line, offset);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_come_back_as_pushed() {
        let mut block = RowBlock::default();
        block.push_cells(b"abcd", &[1, 1, 4], 2, 10).unwrap();
        block.push_cells(b"", &[0], 3, 20).unwrap();
        let start = block.next_start(0).unwrap();
        block.marks_mut().extend([start, start + 2, start + 4]);
        block.push_line(b"x,y\n", 4, 30);
        let rows: Vec<_> = block
            .iter()
            .map(|r| (r.iter().collect::<Vec<_>>(), r.line(), r.offset()))
            .collect();
        let expected: Vec<(Vec<&[u8]>, u64, u64)> = vec![
            (vec![b"a", b"", b"bcd"], 2, 10),
            (vec![b""], 3, 20),
            (vec![b"x", b"y"], 4, 30),
        ];
        assert_eq!(rows, expected);
    }
}
