//! `verify_many`: items verified in Rust threads without the GIL, yielded in
//! input order, with a bounded window of items in flight.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, TryLockError};
use std::thread;

use hallmark::MediaFormat;
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyIterator, PyString};

use crate::errors::{Internal, bad_request};
use crate::input::Item;
use crate::report::{json_line, loads, verify_item};

/// Items in flight per worker thread: enough to keep every thread busy while
/// the consumer takes results, few enough that memory stays flat.
const WINDOW_PER_JOB: usize = 4;

/// An item sent to the workers, with its position.
struct Job {
    index: u64,
    item: Item,
}

/// What the consumer yields at a position.
enum Ready {
    /// A report or error line, as JSON text.
    Line(String),
    /// An exception to raise there (an item of the wrong type, or the
    /// caller's iterator failing).
    Raise(PyErr),
}

/// Everything the iterator changes as it goes.
struct State {
    /// The caller's iterator; `None` once it is exhausted or failed.
    items: Option<Py<PyIterator>>,
    /// Where jobs go; dropped once the items are exhausted, so workers end.
    jobs: Option<Sender<Job>>,
    /// Where workers' lines come back, taken out while waiting without the GIL.
    results: Option<Receiver<(u64, String)>>,
    /// Lines and exceptions that arrived before their turn.
    ready: BTreeMap<u64, Ready>,
    /// The position the next item pulled gets.
    next_index: u64,
    /// The position to yield next.
    yield_index: u64,
    /// How many items may be pulled ahead of the one yielded.
    window: u64,
}

/// An iterator of report dicts, one per item, in input order.
///
/// Items are verified by worker threads without the GIL; at most a window of
/// ``4 × jobs`` items is pulled ahead of the one yielded, so memory stays
/// bounded for any number of items. An item that cannot be verified yields the
/// CLI's error line ``{"file": ..., "state": "error", "error": ...}`` and the
/// iteration goes on. An item that is neither a path nor bytes raises
/// ``TypeError`` at its position, and an exception from the input iterator is
/// raised at its position and ends the iteration.
#[pyclass(module = "hallmark", frozen)]
pub(crate) struct VerifyMany {
    state: Mutex<State>,
}

impl VerifyMany {
    /// Start the workers over `items` (any iterable).
    pub(crate) fn start(
        verifier: hallmark::Verifier,
        items: &Bound<'_, PyAny>,
        jobs: Option<usize>,
        claimed: Option<MediaFormat>,
    ) -> PyResult<Self> {
        let jobs = match jobs {
            Some(0) => return Err(bad_request("jobs must be at least 1")),
            Some(n) => n,
            None => thread::available_parallelism().map_or(1, NonZeroUsize::get),
        };
        // One path or one byte string is an item, not a list of them: iterating it
        // would verify each character or byte.
        let single = items.is_instance_of::<PyString>()
            || items.is_instance_of::<PyBytes>()
            || items.is_instance_of::<PyByteArray>()
            || items.hasattr("__fspath__")?;
        if single {
            return Err(PyTypeError::new_err(
                "verify_many takes an iterable of paths or bytes; for one item use verify",
            ));
        }
        let iterator = items.try_iter()?.unbind();
        let (job_tx, job_rx) = channel::<Job>();
        let (result_tx, result_rx) = channel::<(u64, String)>();
        let job_rx = Arc::new(Mutex::new(job_rx));
        for n in 0..jobs {
            let job_rx = Arc::clone(&job_rx);
            let result_tx = result_tx.clone();
            let verifier = verifier.clone();
            thread::Builder::new()
                .name(format!("hallmark-verify-{n}"))
                .spawn(move || work(&verifier, claimed, &job_rx, &result_tx))
                .map_err(|e| Internal::new_err(format!("cannot start a verifying thread: {e}")))?;
        }
        Ok(VerifyMany {
            state: Mutex::new(State {
                items: Some(iterator),
                jobs: Some(job_tx),
                results: Some(result_rx),
                ready: BTreeMap::new(),
                next_index: 0,
                yield_index: 0,
                window: u64::try_from(jobs.saturating_mul(WINDOW_PER_JOB)).unwrap_or(u64::MAX),
            }),
        })
    }
}

/// A worker: verify jobs until there are none, or nobody takes the results.
fn work(
    verifier: &hallmark::Verifier,
    claimed: Option<MediaFormat>,
    jobs: &Mutex<Receiver<Job>>,
    results: &Sender<(u64, String)>,
) {
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(Job { index, item }) = job else { return };
        let outcome = verify_item(verifier, &item, claimed);
        let line = json_line(item.file().as_deref(), &outcome);
        if results.send((index, line)).is_err() {
            return;
        }
    }
}

impl State {
    /// Pull items until the window is full or the input is exhausted.
    fn fill(&mut self, py: Python<'_>) {
        while self.next_index - self.yield_index < self.window {
            let Some(items) = &self.items else { return };
            let next = items.bind(py).clone().next();
            let index = self.next_index;
            match next {
                None => {
                    self.items = None;
                    self.jobs = None;
                    return;
                }
                Some(Err(err)) => {
                    self.ready.insert(index, Ready::Raise(err));
                    self.items = None;
                    self.jobs = None;
                }
                Some(Ok(obj)) => match Item::extract(&obj) {
                    Err(err) => {
                        self.ready.insert(index, Ready::Raise(err));
                    }
                    Ok(item) => {
                        let sent = self
                            .jobs
                            .as_ref()
                            .is_some_and(|jobs| jobs.send(Job { index, item }).is_ok());
                        if !sent {
                            self.ready.insert(
                                index,
                                Ready::Raise(Internal::new_err("the verifying threads stopped")),
                            );
                        }
                    }
                },
            }
            self.next_index += 1;
        }
    }

    /// Wait, without the GIL, until the line for the position to yield has arrived.
    fn wait(&mut self, py: Python<'_>) -> PyResult<()> {
        if self.ready.contains_key(&self.yield_index) {
            return Ok(());
        }
        let Some(results) = self.results.take() else {
            return Err(Internal::new_err("the verifying threads stopped"));
        };
        let wanted = self.yield_index;
        let (results, arrived, found) = py.detach(move || {
            let mut arrived = Vec::new();
            let mut found = false;
            while let Ok((index, line)) = results.recv() {
                arrived.push((index, line));
                if index == wanted {
                    found = true;
                    break;
                }
            }
            (results, arrived, found)
        });
        self.results = Some(results);
        for (index, line) in arrived {
            self.ready.insert(index, Ready::Line(line));
        }
        if found {
            Ok(())
        } else {
            Err(Internal::new_err("the verifying threads stopped"))
        }
    }
}

#[pymethods]
impl VerifyMany {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let mut state = match self.state.try_lock() {
            Ok(state) => state,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err(PyRuntimeError::new_err(
                    "verify_many: this iterator is already running in another thread",
                ));
            }
        };
        state.fill(py);
        if state.yield_index == state.next_index {
            return Ok(None);
        }
        state.wait(py)?;
        let index = state.yield_index;
        state.yield_index += 1;
        let ready = state.ready.remove(&index);
        // Refill before handing the result over, so workers stay busy meanwhile.
        state.fill(py);
        drop(state);
        match ready {
            Some(Ready::Line(line)) => loads(py, &line).map(Some),
            Some(Ready::Raise(err)) => Err(err),
            None => Err(Internal::new_err("verify_many lost an item's result")),
        }
    }
}
