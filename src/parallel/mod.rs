//! Ordered parallel processing of an input in chunks, for the commands that
//! classify whole corpora (`classify`, `diff`).
//!
//! An input is read a chunk of [`CHUNK_ROWS`] rows at a time on the calling
//! thread; chunks are processed on a pool of threads and what they gave is
//! handled on the calling thread in input order, so a command's output is
//! byte for byte the same whatever the thread count. A bounded number of
//! chunks is in flight and their buffers are reused, so memory does not
//! grow with the input. [`pipeline`] runs the three steps; [`PerThread`]
//! keeps each thread's caches; [`pool`] builds the threads.

mod per_thread;
pub mod pipeline;

pub use per_thread::PerThread;
pub use pipeline::{Steps, run};

/// Rows per chunk: big enough that handing a chunk to a thread costs
/// nothing per row, small enough that a chunk's rows, read and then
/// classified, and its encoded output (together about 150 KiB) are still in
/// the second-level cache when they are next touched. At 4,096 rows a chunk
/// outgrew a 1 MiB cache, and every row was fetched from memory twice.
pub const CHUNK_ROWS: usize = 512;

/// The pool of `threads` threads named `name-N` that processes chunks, or
/// `None` for one thread: then everything runs on the calling thread.
pub fn pool(threads: usize, name: &'static str) -> std::io::Result<Option<rayon::ThreadPool>> {
    if threads <= 1 {
        return Ok(None);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("{name}-{i}"))
        .build()
        .map(Some)
        .map_err(std::io::Error::other)
}

/// The number of threads to use when none is asked for: one per CPU.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
