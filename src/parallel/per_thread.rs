//! One value per thread of a run (a classifier's [`Scratch`](crate::classify::Scratch),
//! or a pair of them), kept across chunks and inputs, so that each thread's
//! caches stay warm and in its own core's cache, and no record pays for
//! reaching them through a thread-local.

use std::sync::{Mutex, PoisonError};

/// The values of a run's threads, by the thread's index in the pool (the
/// calling thread, without a pool, takes the first).
pub struct PerThread<T>(Vec<Mutex<T>>);

impl<T: Default> PerThread<T> {
    /// A value for each of `threads` threads.
    pub fn new(threads: usize) -> Self {
        PerThread((0..threads.max(1)).map(|_| Mutex::default()).collect())
    }

    /// Runs `f` with the calling thread's value. The lock is taken once
    /// per chunk and is only ever the one thread's, so it never waits; a
    /// thread outside the pool's count gets a fresh value (for a scratch:
    /// the same outcome, more slowly).
    pub fn with_mine<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mine = rayon::current_thread_index().unwrap_or(0);
        match self.0.get(mine) {
            Some(value) => f(&mut value.lock().unwrap_or_else(PoisonError::into_inner)),
            None => f(&mut T::default()),
        }
    }
}
