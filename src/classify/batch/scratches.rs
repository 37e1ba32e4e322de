//! One [`Scratch`] per thread classifying chunks, kept across chunks (and
//! inputs), so that each thread's caches stay warm and in its own core's
//! cache, and no record pays for reaching them through a thread-local.

use std::sync::{Mutex, PoisonError};

use crate::classify::Scratch;

/// The scratches of a run's threads, by the thread's index in the pool
/// (the calling thread, without a pool, takes the first).
pub(super) struct Scratches(Vec<Mutex<Scratch>>);

impl Scratches {
    /// Scratches for `threads` threads.
    pub(super) fn new(threads: usize) -> Self {
        Scratches((0..threads.max(1)).map(|_| Mutex::default()).collect())
    }

    /// Runs `f` with the calling thread's scratch. The lock is taken once
    /// per chunk and is only ever the one thread's, so it never waits; a
    /// thread outside the pool's count gets a fresh scratch (the same
    /// outcome, more slowly).
    pub(super) fn with_mine<R>(&self, f: impl FnOnce(&mut Scratch) -> R) -> R {
        let mine = rayon::current_thread_index().unwrap_or(0);
        match self.0.get(mine) {
            Some(scratch) => f(&mut scratch.lock().unwrap_or_else(PoisonError::into_inner)),
            None => f(&mut Scratch::new()),
        }
    }
}
