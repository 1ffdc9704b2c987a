//! Work on many files at once, but report in input order.
//!
//! Workers take items in input order; results are handed back in input
//! order as soon as each one's predecessors are done. A worker never runs
//! more than a fixed window ahead of the oldest unreported item, so memory
//! stays bounded however long the list and however slow one file is.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

/// How far ahead of the oldest unreported item workers may run, per worker.
const WINDOW_PER_WORKER: usize = 64;

/// Run `work` on every item with `jobs` threads, calling `emit` with each
/// result in input order, on the calling thread. `caught_up` is called
/// whenever every finished result has been emitted and the calling thread is
/// about to wait for more: the moment to flush buffered output.
pub fn run_in_order<T, R>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
    mut emit: impl FnMut(usize, R),
    mut caught_up: impl FnMut(),
) where
    T: Sync,
    R: Send,
{
    let jobs = jobs.clamp(1, items.len().max(1));
    let window = jobs * WINDOW_PER_WORKER;
    let next_item = AtomicUsize::new(0);
    // The index of the oldest result not yet emitted, and a way to wait for it to move.
    let emitted = Mutex::new(0usize);
    let moved = Condvar::new();
    let (results, received) = mpsc::channel::<(usize, R)>();

    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let results = results.clone();
            let (next_item, emitted, moved, work) = (&next_item, &emitted, &moved, &work);
            scope.spawn(move || {
                loop {
                    let index = next_item.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(index) else { break };
                    {
                        let mut oldest = emitted.lock().unwrap_or_else(|e| e.into_inner());
                        while index >= *oldest + window {
                            oldest = moved.wait(oldest).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    if results.send((index, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(results);

        let mut waiting = BTreeMap::new();
        let mut next = 0;
        loop {
            let (index, result) = match received.try_recv() {
                Ok(finished) => finished,
                Err(mpsc::TryRecvError::Disconnected) => break,
                Err(mpsc::TryRecvError::Empty) => {
                    caught_up();
                    match received.recv() {
                        Ok(finished) => finished,
                        Err(mpsc::RecvError) => break,
                    }
                }
            };
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&next) {
                emit(next, result);
                next += 1;
                *emitted.lock().unwrap_or_else(|e| e.into_inner()) = next;
                moved.notify_all();
            }
        }
    });
}

/// The number of worker threads: as asked, or one per CPU core.
pub fn jobs_or_cores(jobs: Option<u16>) -> usize {
    jobs.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn results_come_back_in_input_order() {
        let items: Vec<u64> = (0..500).collect();
        let mut seen = Vec::new();
        run_in_order(
            &items,
            4,
            |&n| {
                // Earlier items take longer, so they finish last.
                std::thread::sleep(Duration::from_micros((500 - n) * 10));
                n * 2
            },
            |index, doubled| seen.push((index, doubled)),
            || {},
        );
        let expected: Vec<(usize, u64)> = (0..500).map(|n| (n as usize, n * 2)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn empty_and_single_lists_work() {
        let mut count = 0;
        run_in_order(&[] as &[u8], 8, |_| (), |_, ()| count += 1, || {});
        assert_eq!(count, 0);
        run_in_order(&[1], 8, |x| x + 1, |_, r| count += r, || {});
        assert_eq!(count, 2);
    }
}
