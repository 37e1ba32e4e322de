//! Ordered parallel processing of chunks: read on the calling thread,
//! processed on a thread pool, written on the calling thread in the order
//! read. At most a fixed number of chunks is in flight, and their buffers
//! are reused, so memory stays flat however long the input.

use std::collections::BTreeMap;
use std::sync::mpsc;

/// Chunks in flight per worker thread: enough to keep every worker busy
/// while the calling thread reads and writes.
const IN_FLIGHT_PER_THREAD: usize = 3;

/// The three steps of a run over one input, on a pair of reusable buffers:
/// the chunk read (`C`) and what processing it gave (`O`).
pub trait Steps<C, O> {
    /// The error that stops a run.
    type Error;

    /// Fills `chunk`; `Ok(false)` when the input is exhausted.
    fn read(&mut self, chunk: &mut C) -> Result<bool, Self::Error>;

    /// Writes what processing a chunk gave.
    fn write(&mut self, chunk: &C, out: &mut O) -> Result<(), Self::Error>;
}

/// Runs `steps` over one input: read, `process` (on `pool`'s threads, or
/// inline without a pool), write in order. Chunks read before an error are
/// still processed and written before the error is returned; an error in
/// writing stops at once.
pub fn run<C, O, S>(
    pool: Option<&rayon::ThreadPool>,
    buffers: &mut Vec<(C, O)>,
    steps: &mut S,
    process: &(dyn Fn(&C, &mut O) + Sync),
) -> Result<(), S::Error>
where
    C: Send + Default,
    O: Send + Default,
    S: Steps<C, O>,
{
    let Some(pool) = pool else {
        let mut pair = buffers.pop().unwrap_or_default();
        let result = (|| {
            while steps.read(&mut pair.0)? {
                process(&pair.0, &mut pair.1);
                steps.write(&pair.0, &mut pair.1)?;
            }
            Ok(())
        })();
        buffers.push(pair);
        return result;
    };
    let limit = pool.current_num_threads() * IN_FLIGHT_PER_THREAD;
    while buffers.len() < limit {
        buffers.push(Default::default());
    }
    let (done_tx, done_rx) = mpsc::channel::<(u64, (C, O))>();
    pool.in_place_scope(|scope| {
        let mut ready: BTreeMap<u64, (C, O)> = BTreeMap::new();
        let (mut next_read, mut next_write) = (0u64, 0u64);
        let mut read_error = None;
        let mut exhausted = false;
        loop {
            while let Ok((seq, pair)) = done_rx.try_recv() {
                ready.insert(seq, pair);
            }
            while let Some(mut pair) = ready.remove(&next_write) {
                let written = steps.write(&pair.0, &mut pair.1);
                buffers.push(pair);
                next_write += 1;
                // The scope waits for the chunks still in flight.
                written?;
            }
            if !exhausted {
                if let Some(mut pair) = buffers.pop() {
                    match steps.read(&mut pair.0) {
                        Ok(true) => {
                            let seq = next_read;
                            next_read += 1;
                            let done = done_tx.clone();
                            scope.spawn(move |_| {
                                process(&pair.0, &mut pair.1);
                                let _ = done.send((seq, pair));
                            });
                        }
                        Ok(false) => {
                            exhausted = true;
                            buffers.push(pair);
                        }
                        Err(e) => {
                            exhausted = true;
                            read_error = Some(e);
                            buffers.push(pair);
                        }
                    }
                    continue;
                }
            }
            if next_write == next_read {
                return read_error.map_or(Ok(()), Err);
            }
            match done_rx.recv() {
                Ok((seq, pair)) => {
                    ready.insert(seq, pair);
                }
                // Unreachable while this scope holds a sender.
                Err(_) => return read_error.map_or(Ok(()), Err),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the numbers up to `n` in chunks of 3, doubles them, collects.
    struct Numbers {
        next: u32,
        n: u32,
        fail_read_at: Option<u32>,
        out: Vec<u32>,
    }

    impl Steps<Vec<u32>, Vec<u32>> for Numbers {
        type Error = String;

        fn read(&mut self, chunk: &mut Vec<u32>) -> Result<bool, String> {
            chunk.clear();
            if self.fail_read_at.is_some_and(|at| self.next >= at) {
                return Err(format!("read failed at {}", self.next));
            }
            while chunk.len() < 3 && self.next < self.n {
                chunk.push(self.next);
                self.next += 1;
            }
            Ok(!chunk.is_empty())
        }

        fn write(&mut self, _: &Vec<u32>, out: &mut Vec<u32>) -> Result<(), String> {
            self.out.append(out);
            Ok(())
        }
    }

    #[allow(clippy::ptr_arg)] // the pipeline's chunk type is `Vec<u32>`
    fn double(chunk: &Vec<u32>, out: &mut Vec<u32>) {
        out.clear();
        out.extend(chunk.iter().map(|x| x * 2));
    }

    fn numbers(
        threads: usize,
        n: u32,
        fail_read_at: Option<u32>,
    ) -> (Vec<u32>, Result<(), String>) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool");
        let mut steps = Numbers {
            next: 0,
            n,
            fail_read_at,
            out: Vec::new(),
        };
        let mut buffers = Vec::new();
        let pool = (threads > 1).then_some(&pool);
        let result = run(pool, &mut buffers, &mut steps, &double);
        (steps.out, result)
    }

    #[test]
    fn output_keeps_input_order_for_any_thread_count() {
        let expected: Vec<u32> = (0..1000).map(|x| x * 2).collect();
        for threads in [1, 2, 4, 7] {
            let (out, result) = numbers(threads, 1000, None);
            assert_eq!(result, Ok(()));
            assert_eq!(out, expected, "{threads} threads");
        }
    }

    #[test]
    fn chunks_read_before_an_error_are_written_then_the_error_returned() {
        for threads in [1, 2, 4] {
            let (out, result) = numbers(threads, 1000, Some(300));
            assert_eq!(result, Err("read failed at 300".to_owned()));
            assert_eq!(out, (0..300).map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
