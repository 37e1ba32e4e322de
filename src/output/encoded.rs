//! Bytes encoded once and appended to many rows: the ruleset's ids, codes
//! and citations, agencies, and the delimiter after each, in every
//! classification row.
//!
//! Appending a slice of any length to a buffer is a call to `memcpy`, tens
//! of instructions for the few bytes of a cell; appending an array of a
//! length known when compiling is a few vector moves. So a short text is
//! kept in a fixed block, the whole block is appended and the buffer cut
//! back to the text's length: the bytes past it are written and dropped.
//! A longer text (many rows' flags, some runs of cells) is kept in several
//! such blocks, appended one after another.

/// Bytes a short text's block holds: most ids, codes and citations with
/// their delimiters fit.
const BLOCK: usize = 64;

/// Bytes encoded once, appended as one fixed-size copy when short.
#[derive(Clone, Debug)]
pub enum Encoded {
    /// Up to [`BLOCK`] bytes: the first `len` of the block.
    Short {
        /// The bytes, then zeros.
        block: [u8; BLOCK],
        /// How many bytes of the block are the text.
        len: u8,
    },
    /// Longer bytes: the first `len` of the blocks, one after another.
    Long {
        /// The bytes, then zeros to the end of the last block.
        blocks: Box<[[u8; BLOCK]]>,
        /// How many bytes of the blocks are the text.
        len: usize,
    },
}

impl Default for Encoded {
    fn default() -> Self {
        Encoded::new(&[])
    }
}

impl Encoded {
    /// `bytes`, kept for appending.
    pub fn new(bytes: &[u8]) -> Self {
        let mut block = [0; BLOCK];
        match (block.get_mut(..bytes.len()), u8::try_from(bytes.len())) {
            (Some(head), Ok(len)) => {
                head.copy_from_slice(bytes);
                Encoded::Short { block, len }
            }
            _ => Encoded::Long {
                blocks: bytes.chunks(BLOCK).map(block_of).collect(),
                len: bytes.len(),
            },
        }
    }

    /// The bytes.
    #[cfg(test)]
    pub fn bytes(&self) -> &[u8] {
        match self {
            Encoded::Short { block, len } => block.get(..usize::from(*len)).unwrap_or_default(),
            Encoded::Long { blocks, len } => blocks.as_flattened().get(..*len).unwrap_or_default(),
        }
    }

    /// Appends the bytes to `out`.
    #[inline(always)]
    pub fn push(&self, out: &mut Vec<u8>) {
        match self {
            Encoded::Short { block, len } => {
                let end = out.len() + usize::from(*len);
                out.extend_from_slice(block);
                out.truncate(end);
            }
            Encoded::Long { blocks, len } => {
                let end = out.len() + len;
                for block in blocks {
                    out.extend_from_slice(block);
                }
                out.truncate(end);
            }
        }
    }
}

/// `bytes` (at most [`BLOCK`]) at the start of a block of zeros.
fn block_of(bytes: &[u8]) -> [u8; BLOCK] {
    let mut block = [0; BLOCK];
    if let Some(head) = block.get_mut(..bytes.len()) {
        head.copy_from_slice(bytes);
    }
    block
}

/// Sets of two slots a [`Memo`] has, a power of two.
const SETS: usize = 256;

/// Encoded bytes that depend on a few values only (a level and a category;
/// a declaration, a trigger and a criterion; a list of flags), each encoded
/// once when its values are first met and then appended as one copy.
///
/// The values are held as a key `K` with each encoding. A hash of the
/// values picks a set of two slots; a miss encodes the values into the
/// first slot and moves the one it held to the second, so two values met
/// in turn in one set both stay, and any values cost at most an encoding
/// per row. A slot is only taken for the values it holds, so the bytes are
/// always those of encoding the values.
pub struct Memo<K> {
    slots: Vec<(K, Encoded)>,
    /// The bytes being encoded.
    scratch: Vec<u8>,
}

impl<K: Clone + Default> Default for Memo<K> {
    fn default() -> Self {
        Memo {
            slots: vec![(K::default(), Encoded::default()); 2 * SETS],
            scratch: Vec::new(),
        }
    }
}

impl<K> Memo<K> {
    /// Appends the bytes of the values that `holds` tells a key of (whose
    /// hash is `hash`): a slot's, or `encode`'s, kept with the key `store`
    /// makes of a slot's.
    #[inline(always)]
    pub fn push(
        &mut self,
        out: &mut Vec<u8>,
        hash: u64,
        holds: impl Fn(&K) -> bool,
        store: impl FnOnce(&mut K),
        encode: impl FnOnce(&mut Vec<u8>),
    ) {
        // Fibonacci hashing: the top bits of the product mix all the hash's.
        let set = hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SETS.trailing_zeros());
        let first = 2 * set as usize;
        let Some([(key, bytes), (other, other_bytes)]) = self.slots.get_mut(first..first + 2)
        else {
            return encode(out);
        };
        // One place appends, whichever slot holds the bytes: the copy of a
        // block is then inlined (with one place per slot, the compiler
        // called a copy of the block's length instead).
        let held: &Encoded = if holds(key) {
            bytes
        } else if holds(other) {
            other_bytes
        } else {
            Self::fill(
                key,
                bytes,
                other,
                other_bytes,
                &mut self.scratch,
                store,
                encode,
            )
        };
        held.push(out);
    }

    /// Encodes the values of a miss into the first slot of a set, after
    /// moving the bytes it held to the second: out of the way of the hits.
    #[cold]
    #[inline(never)]
    fn fill<'s>(
        key: &mut K,
        bytes: &'s mut Encoded,
        other: &mut K,
        other_bytes: &mut Encoded,
        scratch: &mut Vec<u8>,
        store: impl FnOnce(&mut K),
        encode: impl FnOnce(&mut Vec<u8>),
    ) -> &'s Encoded {
        std::mem::swap(key, other);
        std::mem::swap(bytes, other_bytes);
        scratch.clear();
        encode(scratch);
        *bytes = Encoded::new(scratch);
        store(key);
        bytes
    }
}

/// A key no run of [`Memo::push_run`] has.
const NO_KEY: u64 = u64::MAX;

/// A [`Memo`] of runs of cells by a number that stands for their values.
pub type Runs = Memo<Key>;

/// A number that stands for the values of a run; [`NO_KEY`] at first.
#[derive(Clone, Copy)]
pub struct Key(u64);

impl Default for Key {
    fn default() -> Self {
        Key(NO_KEY)
    }
}

impl Memo<Key> {
    /// Appends the run of `key` (under `2^63`, standing for all that
    /// `encode` writes).
    #[inline(always)]
    pub fn push_run(&mut self, out: &mut Vec<u8>, key: u64, encode: impl FnOnce(&mut Vec<u8>)) {
        if key == NO_KEY {
            return encode(out);
        }
        let holds = |held: &Key| held.0 == key;
        self.push(out, key, holds, |held| *held = Key(key), encode);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_exactly_the_bytes_short_or_long() {
        for len in [0, 1, 7, 8, 63, 64, 65, 127, 128, 129, 200, 300] {
            let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let encoded = Encoded::new(&bytes);
            assert_eq!(encoded.bytes(), bytes.as_slice());
            assert_eq!(matches!(encoded, Encoded::Short { .. }), len <= BLOCK);
            let mut out = b"x,".to_vec();
            encoded.push(&mut out);
            encoded.push(&mut out);
            assert_eq!(out, [&b"x,"[..], &bytes, &bytes].concat(), "{len}");
        }
    }

    #[test]
    fn runs_are_the_bytes_encoded_whatever_the_keys_met() {
        // More keys than slots, so that they evict each other; runs short
        // and long; each key met again after others.
        let encode = |key: u64| {
            move |out: &mut Vec<u8>| {
                let len = (key % 97) as usize;
                out.extend((0..len).map(|i| b'a' + ((key as usize).wrapping_add(i) % 26) as u8));
                out.push(b',');
            }
        };
        let mut runs = Runs::default();
        // Three keys of one set in turn, too.
        let set = |key: u64| key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56;
        let same: Vec<u64> = (1..).filter(|k| set(*k) == set(0)).take(2).collect();
        let keys: Vec<u64> = (0..6 * SETS as u64)
            .chain((0..6 * SETS as u64).rev().step_by(7))
            .chain([1 << 62, (1 << 63) - 1, 0, 0, 5, 5, NO_KEY, NO_KEY])
            .chain([0, same[0], same[1]].repeat(3))
            .collect();
        for key in keys {
            let (mut fast, mut whole) = (b"x".to_vec(), b"x".to_vec());
            runs.push_run(&mut fast, key, encode(key));
            encode(key)(&mut whole);
            assert_eq!(fast, whole, "{key}");
        }
    }
}
