//! The scan's stages run at once: while rayon's threads verify samples, the
//! reader splits the next ones out of the tar and the calling thread decides
//! and writes the finished ones, in shard order. [`Budget`] bounds the bytes
//! of samples between the reader and the writer; [`InOrder`] hands finished
//! samples back in the order they were read; [`Buffers`] gives the memory
//! of written members back to the reader, so a scan touches a window's
//! worth of memory however long the shard.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// The bytes of samples in flight, at most a window of them: the reader
/// waits for room before handing a sample on, the writer makes room once a
/// sample is written. A sample larger than the window passes on its own
/// (nothing else in flight), so the scan never stalls. Cancelling wakes the
/// reader and stops it.
pub(super) struct Budget {
    window: u64,
    state: Mutex<BudgetState>,
    changed: Condvar,
}

#[derive(Default)]
struct BudgetState {
    in_flight: u64,
    cancelled: bool,
}

impl Budget {
    /// A budget of `window` bytes.
    pub(super) fn new(window: u64) -> Self {
        Budget {
            window,
            state: Mutex::new(BudgetState::default()),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BudgetState> {
        // The state is two numbers, consistent after every update: a
        // panicking holder cannot leave it half-changed.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wait until `bytes` more fit in the window, and take them; `false`
    /// when the scan was cancelled instead.
    pub(super) fn acquire(&self, bytes: u64) -> bool {
        let mut state = self.lock();
        while !state.cancelled
            && state.in_flight > 0
            && state.in_flight.saturating_add(bytes) > self.window
        {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.cancelled {
            return false;
        }
        state.in_flight = state.in_flight.saturating_add(bytes);
        true
    }

    /// Give back `bytes` taken by [`Budget::acquire`].
    pub(super) fn release(&self, bytes: u64) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(bytes);
        self.changed.notify_all();
    }

    /// Stop the scan: the reader's waiting and reading end.
    pub(super) fn cancel(&self) {
        self.lock().cancelled = true;
        self.changed.notify_all();
    }

    /// Whether the scan was cancelled (work not yet started is skipped).
    pub(super) fn is_cancelled(&self) -> bool {
        self.lock().cancelled
    }
}

/// Member buffers given back after writing, for the reader to fill again:
/// fresh memory costs the kernel a page fault and a page of zeroes per 4 KiB.
/// Buffers are sized in steps of [`BUFFER_STEP`], so that one given back
/// fits most members that come after it.
pub(super) struct Buffers {
    free: Mutex<Vec<Vec<u8>>>,
}

/// How many buffers are kept for reuse at most; the rest are freed.
const BUFFERS_KEPT: usize = 256;

/// Buffers are made in multiples of this (64 KiB).
const BUFFER_STEP: usize = 64 * 1024;

impl Buffers {
    /// No buffers yet.
    pub(super) fn new() -> Self {
        Buffers {
            free: Mutex::new(Vec::new()),
        }
    }

    /// A buffer with room for `bytes`: a free one that is large enough when
    /// there is one (holding what it held before: the caller overwrites or
    /// clears it), else a new, empty one.
    pub(super) fn take(&self, bytes: usize) -> Vec<u8> {
        let reused = {
            let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
            free.iter()
                .rposition(|buffer| buffer.capacity() >= bytes)
                .map(|at| free.swap_remove(at))
        };
        reused.unwrap_or_else(|| {
            Vec::with_capacity(bytes.div_ceil(BUFFER_STEP).saturating_mul(BUFFER_STEP))
        })
    }

    /// Give a buffer back for reuse.
    pub(super) fn give_back(&self, buffer: Vec<u8>) {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        if free.len() < BUFFERS_KEPT {
            free.push(buffer);
        }
    }
}

/// Items numbered 0, 1, 2, … arriving in any order, given out in order.
pub(super) struct InOrder<T> {
    next: u64,
    waiting: BTreeMap<u64, T>,
}

impl<T> InOrder<T> {
    /// Nothing received yet; item 0 is the first given out.
    pub(super) fn new() -> Self {
        InOrder {
            next: 0,
            waiting: BTreeMap::new(),
        }
    }

    /// Take item `index`, then give every item that is now next, in order.
    pub(super) fn push(&mut self, index: u64, item: T) -> impl Iterator<Item = T> + '_ {
        self.waiting.insert(index, item);
        std::iter::from_fn(move || {
            let item = self.waiting.remove(&self.next)?;
            self.next += 1;
            Some(item)
        })
    }

    /// How many items were given out.
    pub(super) fn given_out(&self) -> u64 {
        self.next
    }

    /// Whether items are held that cannot be given out yet.
    pub(super) fn is_waiting(&self) -> bool {
        !self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn items_come_out_in_order_whatever_order_they_arrive_in() {
        let mut order = InOrder::new();
        assert_eq!(order.push(2, "c").collect::<Vec<_>>(), Vec::<&str>::new());
        assert_eq!(order.push(1, "b").collect::<Vec<_>>(), Vec::<&str>::new());
        assert!(order.is_waiting());
        assert_eq!(order.push(0, "a").collect::<Vec<_>>(), vec!["a", "b", "c"]);
        assert_eq!(order.push(3, "d").collect::<Vec<_>>(), vec!["d"]);
        assert_eq!(order.given_out(), 4);
        assert!(!order.is_waiting());
    }

    #[test]
    fn a_full_budget_waits_for_room_and_an_oversized_sample_passes_alone() {
        let budget = Arc::new(Budget::new(100));
        assert!(budget.acquire(60));
        let waiting = {
            let budget = Arc::clone(&budget);
            std::thread::spawn(move || budget.acquire(60))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiting.is_finished(), "120 bytes do not fit in 100");
        budget.release(60);
        assert!(waiting.join().unwrap());
        budget.release(60);
        // Nothing in flight: a sample larger than the window still passes.
        assert!(budget.acquire(1_000));
    }

    #[test]
    fn buffers_are_reused_with_room_for_what_is_asked() {
        let buffers = Buffers::new();
        let mut first = buffers.take(10);
        first.extend_from_slice(b"0123456789");
        let address = first.as_ptr();
        buffers.give_back(first);
        let again = buffers.take(5);
        assert_eq!(again, b"0123456789", "as it was: the reader overwrites it");
        assert_eq!(
            again.as_ptr(),
            address,
            "the same memory, not a new allocation"
        );
        buffers.give_back(again);
        // Made in steps of 64 KiB: a buffer for 70,000 bytes takes the next member of
        // 100,000 bytes too; a larger member gets a new buffer.
        let step = buffers.take(70_000);
        assert_eq!(step.capacity(), 128 * 1024);
        let address = step.as_ptr();
        buffers.give_back(step);
        let larger = buffers.take(100_000);
        assert_eq!(larger.as_ptr(), address);
        assert!(buffers.take(200_000).capacity() >= 200_000);
    }

    #[test]
    fn cancelling_wakes_a_waiting_reader() {
        let budget = Arc::new(Budget::new(10));
        assert!(budget.acquire(10));
        let waiting = {
            let budget = Arc::clone(&budget);
            std::thread::spawn(move || budget.acquire(5))
        };
        std::thread::sleep(Duration::from_millis(50));
        budget.cancel();
        assert!(!waiting.join().unwrap());
        assert!(budget.is_cancelled());
    }
}
