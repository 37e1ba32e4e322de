//! Buffered output written in blocks that start at multiples of their size.
//!
//! Writing a file costs the kernel far more per page-cache folio (finding
//! or allocating it, reserving its blocks) than copying the bytes into it,
//! and it only allocates a large folio for a write that covers an aligned
//! span of the file. The rows of `classify` came in writes of a chunk each
//! (about 88 KiB, at any offset), so almost every folio was a page; in
//! aligned blocks of [`BLOCK`] bytes the kernel's time in writes is more
//! than a quarter shorter. The bytes held between blocks cost a copy: a
//! big write goes out with them in one vectored write, and only its tail
//! is held. Blocks of 32 and 64 KiB saved less; at 1 MiB (through a
//! buffer) the copy into the page cache got several times slower.

use std::io::{self, IoSlice, Write};

/// The size of the writes, a power of two.
const BLOCK: usize = 1 << 17;

/// A buffered writer whose writes to `W` are whole blocks of [`BLOCK`]
/// bytes (the bytes so far rounded down to a multiple of it), save the
/// last one when flushed. Like [`io::BufWriter`], it writes what it holds
/// when dropped, so output that is not committed (standard output after an
/// error) still gets every byte written to it.
pub struct BlockWriter<W: Write> {
    inner: W,
    /// The bytes not yet written: under [`BLOCK`].
    held: Vec<u8>,
}

impl<W: Write> BlockWriter<W> {
    /// A writer to `inner`.
    pub fn new(inner: W) -> Self {
        BlockWriter {
            inner,
            held: Vec::with_capacity(BLOCK),
        }
    }
}

/// Writes `first`, then `second`, in as few calls as `inner` takes (one,
/// for a file): [`Write::write_all`] for two slices.
fn write_both(inner: &mut impl Write, mut first: &[u8], mut second: &[u8]) -> io::Result<()> {
    while !first.is_empty() {
        let slices = [IoSlice::new(first), IoSlice::new(second)];
        match inner.write_vectored(&slices) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => match first.get(n..) {
                Some(rest) => first = rest,
                None => {
                    second = second.get(n - first.len()..).unwrap_or_default();
                    first = &[];
                }
            },
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    inner.write_all(second)
}

impl<W: Write> Write for BlockWriter<W> {
    /// Holds `bytes`, or writes the bytes held and the head of `bytes` that
    /// ends the last whole block, and holds the rest: most bytes of a big
    /// write go straight from the caller's buffer.
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let total = self.held.len() + bytes.len();
        let whole = total - total % BLOCK;
        // What is held is under a block, so a whole block ends in `bytes`.
        match bytes.split_at_checked(whole.saturating_sub(self.held.len())) {
            Some((head, rest)) if whole > 0 => {
                let written = write_both(&mut self.inner, &self.held, head);
                // Dropped even when the write failed, so that they are not
                // written again when dropped.
                self.held.clear();
                self.held.extend_from_slice(rest);
                written?;
            }
            _ => self.held.extend_from_slice(bytes),
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let written = self.inner.write_all(&self.held);
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

    /// Records each write it is given, of many slices as one (as a file
    /// does).
    #[derive(Clone, Default)]
    struct Writes(Rc<RefCell<Vec<Vec<u8>>>>);

    impl Write for Writes {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().push(bytes.to_vec());
            Ok(bytes.len())
        }

        fn write_vectored(&mut self, slices: &[IoSlice<'_>]) -> io::Result<usize> {
            let bytes: Vec<u8> = slices.iter().flat_map(|s| s.iter().copied()).collect();
            self.write(&bytes)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Takes at most 1,000 bytes a call, of the first slice only.
    #[derive(Default)]
    struct Stingy(Vec<u8>);

    impl Write for Stingy {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let n = bytes.len().min(1000);
            self.0.extend_from_slice(bytes.get(..n).unwrap_or_default());
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Writes of every kind: short, empty, a block exactly, several blocks,
    /// a chunk of rows.
    const SIZES: [usize; 9] = [
        92,
        88_000,
        3,
        0,
        2 * BLOCK + 5,
        100_000,
        BLOCK,
        7,
        BLOCK - 7,
    ];

    fn bytes(len: usize, seed: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 + seed) as u8).collect()
    }

    /// Writes a piece of each of [`SIZES`] and flushes; returns the bytes
    /// written, in order.
    fn write_every_size<W: Write>(writer: &mut BlockWriter<W>) -> Vec<u8> {
        let mut expected = Vec::new();
        for (i, len) in SIZES.into_iter().enumerate() {
            let piece = bytes(len, i);
            writer.write_all(&piece).expect("in memory");
            expected.extend_from_slice(&piece);
        }
        writer.flush().expect("in memory");
        expected
    }

    #[test]
    fn every_byte_arrives_in_order_in_aligned_blocks() {
        let writes = Writes::default();
        let mut writer = BlockWriter::new(writes.clone());
        let expected = write_every_size(&mut writer);
        let got = writes.0.borrow().concat();
        assert_eq!(got, expected);
        let sizes: Vec<usize> = writes.0.borrow().iter().map(Vec::len).collect();
        let (last, blocks) = sizes.split_last().expect("writes");
        assert!(blocks.iter().all(|n| n % BLOCK == 0 && *n > 0), "{sizes:?}");
        assert!(*last > 0, "{sizes:?}");
    }

    #[test]
    fn every_byte_arrives_in_order_through_short_writes() {
        let mut writer = BlockWriter::new(Stingy::default());
        let expected = write_every_size(&mut writer);
        assert!(writer.held.is_empty());
        let got = std::mem::take(&mut writer.inner.0);
        assert_eq!(got, expected);
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
