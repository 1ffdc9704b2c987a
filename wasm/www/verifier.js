// The main thread's side of the verification worker: a queue of files that
// are read and handed over to the worker in order.
//
// Each file is read with `file.arrayBuffer()` and its ArrayBuffer is
// transferred (not copied) to the worker. At most MAX_IN_FLIGHT files are
// read ahead, so a batch of large videos is never all in memory at once:
// one is being verified while the next waits, already read.

const MAX_IN_FLIGHT = 2;

// WebAssembly memory only grows: after a file this large, the worker (and
// the hundreds of MB it may hold) is let go once the queue is empty.
const RECYCLE_AFTER_BYTES = 32 * 1024 * 1024;

export class Verifier {
  /**
   * @param {{onStart(id): void, onResult(id, report, answers, ms, words, why, lookedUp): void, onError(id, message, ms?): void}} handlers
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.catalogue = null; // the library's words, from the first worker that loaded
    this.wordsWaiting = []; // {resolve, reject} of words() calls made before they came
    this.pending = []; // jobs not yet read: {id, file, mimeType, trustAnchors}
    this.inFlight = new Map(); // id → job, read (or being read) and sent to the worker
    this.reading = false;
    this.worker = null;
    this.recycleWhenIdle = false;
  }

  /** Queue one file; `id` comes back in every callback about it. */
  add(job) {
    this.pending.push(job);
    this.pump();
  }

  /**
   * The library's words (the package's words()), for the page to show reports
   * in. Starts the worker if it is not running yet.
   */
  words() {
    if (this.catalogue) return Promise.resolve(this.catalogue);
    return new Promise((resolve, reject) => {
      this.wordsWaiting.push({ resolve, reject });
      this.ensureWorker();
    });
  }

  /** The worker's words came, or could not: answer every words() call waiting. */
  settleWords(catalogue, error) {
    if (catalogue) this.catalogue ??= catalogue;
    const waiting = this.wordsWaiting;
    this.wordsWaiting = [];
    for (const { resolve, reject } of waiting) {
      if (this.catalogue) resolve(this.catalogue);
      else reject(new Error(error));
    }
  }

  /** Read the next file and send it, if there is room. Reads happen one at a time, keeping the order. */
  pump() {
    if (this.reading || this.pending.length === 0 || this.inFlight.size >= MAX_IN_FLIGHT) return;
    const job = this.pending.shift();
    this.inFlight.set(job.id, job);
    this.reading = true;
    job.file.arrayBuffer()
      .then((buffer) => {
        if (this.inFlight.get(job.id) !== job) return; // withdrawn by restart() or crashed() while reading
        const { id, mimeType, trustAnchors, repository } = job;
        if (buffer.byteLength >= RECYCLE_AFTER_BYTES) this.recycleWhenIdle = true;
        const name = job.file.name;
        this.ensureWorker().postMessage(
          { type: 'verify', id, buffer, mimeType, name, trustAnchors, repository: repository ?? null }, [buffer]);
      })
      .catch((error) => {
        if (this.inFlight.get(job.id) !== job) return;
        this.finish(job.id, () => this.handlers.onError(job.id, `could not read the file: ${error.message}`));
      })
      .finally(() => {
        this.reading = false;
        this.pump();
      });
  }

  ensureWorker() {
    if (!this.worker) {
      this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
      this.worker.onmessage = ({ data }) => this.onMessage(data);
      // Fires when the worker script itself cannot load or throws outside a job.
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.crashed(`the verifier could not start: ${event.message || 'worker.js or ../pkg/hallmark_wasm.js failed to load'}`);
      };
    }
    return this.worker;
  }

  onMessage(data) {
    const { type, id } = data;
    // Every worker sends its words before any result, so results always come with them.
    if (type === 'words') {
      this.settleWords(data.words, data.error);
      return;
    }
    if (!this.inFlight.has(id)) return;
    if (type === 'start') {
      this.handlers.onStart(id);
    } else if (type === 'result') {
      this.finish(id, () => this.handlers.onResult(
        id, data.report, data.answers, data.ms, this.catalogue, data.why, data.lookedUp, data.identities));
    } else if (type === 'error') {
      if (data.fatal) this.restart(id);
      this.finish(id, () => this.handlers.onError(id, data.message, data.ms));
    }
  }

  finish(id, report) {
    this.inFlight.delete(id);
    report();
    this.pump();
    if (this.recycleWhenIdle && this.inFlight.size === 0 && this.pending.length === 0) {
      this.worker?.terminate();
      this.worker = null;
      this.recycleWhenIdle = false;
    }
  }

  /** The worker crashed on job `failedId`: start afresh, and re-read the jobs it had been given. */
  restart(failedId) {
    this.worker.terminate();
    this.worker = null;
    const resend = [...this.inFlight.values()].filter((job) => job.id !== failedId);
    for (const job of resend) this.inFlight.delete(job.id);
    this.pending.unshift(...resend);
  }

  /** The worker cannot run at all: every queued file fails with `message`. */
  crashed(message) {
    this.worker?.terminate();
    this.worker = null;
    const jobs = [...this.inFlight.values(), ...this.pending];
    this.inFlight.clear();
    this.pending = [];
    this.settleWords(null, message);
    for (const job of jobs) this.handlers.onError(job.id, message);
  }
}
