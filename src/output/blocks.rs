//! Buffered output written in blocks that start at multiples of their size.
//!
//! Writing a file costs the kernel far more per page-cache folio (finding
//! or allocating it, reserving its blocks) than copying the bytes into it,
//! and it only allocates a large folio for a write that covers an aligned
//! span of the file. The rows of `classify` came in writes of a chunk each
//! (about 88 KiB, at any offset), so almost every folio was a page; in
//! aligned blocks of [`BLOCK`] bytes the kernel's time in writes was more
//! than a quarter shorter, for an extra copy of the bytes. Bigger blocks did not pay: at 1 MiB the copy into the
//! page cache got several times slower.

use std::io::{self, Write};

/// The size of the writes, a power of two.
const BLOCK: usize = 1 << 17;

/// A buffered writer whose writes to `W` are whole blocks of [`BLOCK`]
/// bytes (the bytes so far rounded down to a multiple of it), save the
/// last one when flushed. Like [`io::BufWriter`], it writes what it holds
/// when dropped, so output that is not committed (standard output after an
/// error) still gets every byte written to it.
pub struct BlockWriter<W: Write> {
    inner: W,
    /// The bytes not yet written: under [`BLOCK`] between calls.
    held: Vec<u8>,
}

impl<W: Write> BlockWriter<W> {
    /// A writer to `inner`.
    pub fn new(inner: W) -> Self {
        BlockWriter {
            inner,
            // A block and the largest write that usually comes (a chunk of
            // rows), without growing.
            held: Vec::with_capacity(2 * BLOCK),
        }
    }

    /// Writes the whole blocks held. The bytes are dropped even when the
    /// write fails, so that they are not written again when dropped.
    fn write_blocks(&mut self) -> io::Result<()> {
        let whole = self.held.len() - self.held.len() % BLOCK;
        if whole == 0 {
            return Ok(());
        }
        let written = self
            .inner
            .write_all(self.held.get(..whole).unwrap_or_default());
        self.held.drain(..whole);
        written
    }
}

impl<W: Write> Write for BlockWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.held.extend_from_slice(bytes);
        self.write_blocks()?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let held = std::mem::take(&mut self.held);
        let written = self.inner.write_all(&held);
        // The memory is kept for more writes.
        self.held = held;
        self.held.clear();
        written?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for BlockWriter<W> {
    fn drop(&mut self) {
        if !self.held.is_empty() {
            let _ = self.inner.write_all(&self.held);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;

    /// Records each write it is given.
    #[derive(Clone, Default)]
    struct Writes(Rc<RefCell<Vec<Vec<u8>>>>);

    impl Write for Writes {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().push(bytes.to_vec());
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn bytes(len: usize, seed: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 + seed) as u8).collect()
    }

    #[test]
    fn every_byte_arrives_in_order_in_aligned_blocks() {
        let writes = Writes::default();
        let mut writer = BlockWriter::new(writes.clone());
        let mut expected = Vec::new();
        for (i, len) in [92, 88_000, 3, 0, 2 * BLOCK + 5, 100_000, BLOCK, 7]
            .into_iter()
            .enumerate()
        {
            let piece = bytes(len, i);
            writer.write_all(&piece).expect("in memory");
            expected.extend_from_slice(&piece);
        }
        writer.flush().expect("in memory");
        let got = writes.0.borrow().concat();
        assert_eq!(got, expected);
        let sizes: Vec<usize> = writes.0.borrow().iter().map(Vec::len).collect();
        let (last, blocks) = sizes.split_last().expect("writes");
        assert!(blocks.iter().all(|n| n % BLOCK == 0 && *n > 0), "{sizes:?}");
        assert!(*last > 0, "{sizes:?}");
    }

    #[test]
    fn what_is_held_is_written_when_dropped() {
        let writes = Writes::default();
        let mut writer = BlockWriter::new(writes.clone());
        writer.write_all(b"a row\n").expect("in memory");
        assert!(writes.0.borrow().is_empty());
        drop(writer);
        assert_eq!(writes.0.borrow().concat(), b"a row\n");
    }
}
