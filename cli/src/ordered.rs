//! Work on many files at once, but report in input order.
//!
//! Workers take items in input order; results are handed back in input
//! order as soon as each one's predecessors are done. A worker never runs
//! more than a fixed window ahead of the oldest unreported item, so memory
//! stays bounded however long the list and however slow one file is.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

/// How far ahead of the oldest unreported item workers may run, per worker.
const WINDOW_PER_WORKER: usize = 64;

/// Whether to go on after a result has been emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Emit the next result when it is ready.
    Continue,
    /// Start no more items; results of items already started are dropped.
    Stop,
}

/// The work on one item panicked: a defect, reported for that item alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Panicked(pub String);

impl Panicked {
    /// The failure to report for `file`, in words.
    pub(crate) fn message_for(&self, file: &std::path::Path) -> String {
        format!(
            "{}: hallmark failed on this file ({}); please report it",
            file.display(),
            self.0
        )
    }

    fn from_payload(payload: &(dyn std::any::Any + Send)) -> Self {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Panicked(message)
    }
}

/// Run `work` on every item with `jobs` threads, calling `emit` with each
/// result in input order, on the calling thread. `caught_up` is called
/// whenever every finished result has been emitted and the calling thread is
/// about to wait for more: the moment to flush buffered output.
///
/// A panic in `work` becomes that item's `Err(Panicked)`; the other items
/// carry on. If `emit` says [`Flow::Stop`], or panics, the workers start no
/// more items and the call returns (or unwinds) once the running ones end.
///
/// (rayon's parallel iterators split the list into ranges, so results would
/// arrive far out of order and have to be held until their turn; streaming
/// in input order with bounded memory needs this small scheduler.)
pub(crate) fn run_in_order<T, R>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
    mut emit: impl FnMut(usize, Result<R, Panicked>) -> Flow,
    mut caught_up: impl FnMut(),
) where
    T: Sync,
    R: Send,
{
    let jobs = jobs.clamp(1, items.len().max(1));
    let window = jobs * WINDOW_PER_WORKER;
    let next_item = AtomicUsize::new(0);
    let cancelled = AtomicBool::new(false);
    // The index of the oldest result not yet emitted, and a way to wait for it to move.
    let emitted = Mutex::new(0usize);
    let moved = Condvar::new();
    let (results, received) = mpsc::channel::<(usize, Result<R, Panicked>)>();

    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let results = results.clone();
            let (next_item, cancelled, emitted, moved, work) =
                (&next_item, &cancelled, &emitted, &moved, &work);
            scope.spawn(move || {
                loop {
                    let index = next_item.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(index) else { break };
                    {
                        let mut oldest = emitted.lock().unwrap_or_else(|e| e.into_inner());
                        while index >= *oldest + window && !cancelled.load(Ordering::SeqCst) {
                            oldest = moved.wait(oldest).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    if cancelled.load(Ordering::SeqCst) {
                        break;
                    }
                    let result = catch_unwind(AssertUnwindSafe(|| work(item)))
                        .map_err(|payload| Panicked::from_payload(payload.as_ref()));
                    if results.send((index, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(results);

        // Whether this thread stops, returns or unwinds, no worker may be left waiting.
        let _release = CancelOnDrop {
            cancelled: &cancelled,
            emitted: &emitted,
            moved: &moved,
        };
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        'receive: loop {
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
                let flow = emit(next, result);
                next += 1;
                *emitted.lock().unwrap_or_else(|e| e.into_inner()) = next;
                moved.notify_all();
                if flow == Flow::Stop {
                    break 'receive;
                }
            }
        }
    });
}

/// Tells the workers to start nothing more, and wakes those waiting for the window to move.
struct CancelOnDrop<'a> {
    cancelled: &'a AtomicBool,
    emitted: &'a Mutex<usize>,
    moved: &'a Condvar,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        // Set under the lock, so a worker cannot check the flag and then miss the wake-up.
        let _oldest = self.emitted.lock().unwrap_or_else(|e| e.into_inner());
        self.cancelled.store(true, Ordering::SeqCst);
        self.moved.notify_all();
    }
}

/// The number of worker threads: as asked, or one per CPU core.
pub(crate) fn jobs_or_cores(jobs: Option<u16>) -> usize {
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
            |index, doubled| {
                seen.push((index, doubled.unwrap()));
                Flow::Continue
            },
            || {},
        );
        let expected: Vec<(usize, u64)> = (0..500).map(|n| (n as usize, n * 2)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_panic_is_that_items_error_and_the_others_carry_on() {
        let items: Vec<u32> = (0..300).collect();
        let mut outcomes = Vec::new();
        run_in_order(
            &items,
            3,
            |&n| {
                assert!(n % 100 != 7, "item {n} is cursed");
                n
            },
            |index, result| {
                outcomes.push((index, result));
                Flow::Continue
            },
            || {},
        );
        assert_eq!(outcomes.len(), 300);
        for (index, result) in outcomes {
            if index % 100 == 7 {
                assert_eq!(result, Err(Panicked(format!("item {index} is cursed"))));
            } else {
                assert_eq!(result, Ok(index as u32));
            }
        }
    }

    #[test]
    fn stopping_early_starts_no_more_items_and_returns() {
        // Far more items than the window, so workers would block on it if nobody woke them.
        let items: Vec<u32> = (0..10_000).collect();
        let started = AtomicUsize::new(0);
        let mut emitted = 0;
        run_in_order(
            &items,
            2,
            |&n| {
                started.fetch_add(1, Ordering::SeqCst);
                n
            },
            |_, _| {
                emitted += 1;
                if emitted == 5 {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            },
            || {},
        );
        assert_eq!(emitted, 5);
        assert!(started.load(Ordering::SeqCst) < 1_000);
    }

    #[test]
    fn a_panic_while_emitting_unwinds_instead_of_hanging() {
        let items: Vec<u32> = (0..10_000).collect();
        let outcome = std::panic::catch_unwind(|| {
            run_in_order(
                &items,
                2,
                |&n| n,
                |index, _| {
                    assert!(index < 3, "the reader failed");
                    Flow::Continue
                },
                || {},
            )
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn empty_and_single_lists_work() {
        let mut count = 0;
        run_in_order(
            &[] as &[u8],
            8,
            |_| (),
            |_, _| {
                count += 1;
                Flow::Continue
            },
            || {},
        );
        assert_eq!(count, 0);
        run_in_order(
            &[1],
            8,
            |x| x + 1,
            |_, r| {
                count += r.unwrap();
                Flow::Continue
            },
            || {},
        );
        assert_eq!(count, 2);
    }
}
