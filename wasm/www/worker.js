// The verification worker: loads the WebAssembly verifier once and checks
// files one after another, so the page stays responsive even for large videos.
//
// In:  {type: 'verify', id, buffer: ArrayBuffer (transferred), mimeType, name, trustAnchors: string[],
//       repository: string|null}   repository: look a file without intact credentials up there
//       ("look it up"), as `hallmark verify --recover` does
// Out: {type: 'words', words} once loaded, before any result: the library's words (words())
//      {type: 'words', error} if the verifier cannot be loaded
//      {type: 'start', id}
//      {type: 'result', id, report, answers: {ai_training: Answer, …}, why: {ai_training: string|null, …}, ms,
//       lookedUp: null | {repository, found: boolean, error?: string},
//       identities: [{state, words}]: each identity of the report in the library's words}
//       report.recovered is set when the repository found the file's credentials
//      {type: 'error', id, message, fatal, ms}   fatal: the verifier crashed; start a new worker

import init, { verify, decide, describeIdentity, recover, words } from '../pkg/hallmark_wasm.js';

// Started at once, awaited by every job: the module is fetched and compiled
// only once. The page gets the library's words as soon as they are there,
// and so before the first result.
const ready = init()
  .then(() => {
    const catalogue = words();
    self.postMessage({ type: 'words', words: catalogue });
    return catalogue.kinds.map(({ kind }) => kind);
  })
  .catch((error) => {
    const message = `could not load the verifier: ${error?.message ?? error}`;
    self.postMessage({ type: 'words', error: message });
    throw new Error(message);
  });
ready.catch(() => {}); // reported per job below, not as an unhandled rejection

// Jobs run strictly in arrival order, one at a time.
let queue = Promise.resolve();

self.onmessage = ({ data }) => {
  if (data?.type !== 'verify') return;
  queue = queue.then(() => run(data));
};

/**
 * Look a file whose credentials are absent or broken up in `repository`:
 * {repository, found, error?}. The fingerprint, not the file, is sent.
 */
async function lookUp(buffer, mimeType, name, trustAnchors, repository, report) {
  try {
    const recovered = await recover(buffer, mimeType, { repository, trustAnchors, name });
    if (recovered) report.recovered = recovered;
    return { repository, found: recovered !== null };
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    if (message.startsWith(`${name}: `)) message = message.slice(name.length + 2);
    return { repository, found: false, error: message };
  }
}

async function run({ id, buffer, mimeType, name, trustAnchors, repository }) {
  self.postMessage({ type: 'start', id });
  const started = performance.now();
  try {
    const kinds = await ready;
    // The name makes the report the CLI's for this file, format included.
    const options = trustAnchors.length > 0 ? { trustAnchors, name } : { name };
    const report = await verify(buffer, mimeType, options);
    // Only files whose own credentials are absent or broken are looked up, as by the CLI.
    const intact = report.state === 'trusted' || report.state === 'valid';
    const lookedUp = repository && !intact
      ? await lookUp(buffer, mimeType, name, trustAnchors, repository, report) : null;
    // decide() is mayUse() with what the answer rests on: an unsigned
    // statement in the file's XMP can restrict, and the page says so.
    const decisions = kinds.map((kind) => [kind, decide(report, kind)]);
    const answers = Object.fromEntries(decisions.map(([kind, d]) => [kind, d.answer]));
    const why = Object.fromEntries(decisions.map(([kind, d]) => [kind, d.explain]));
    // Who the credentials say made the work, each identity with its own verdict.
    const identities = (report.identities ?? []).map((i) => ({ state: i.state, words: describeIdentity(i) }));
    self.postMessage({ type: 'result', id, report, answers, why, lookedUp, identities, ms: performance.now() - started });
  } catch (error) {
    // A WebAssembly trap (a Rust panic, or running out of memory) may leave
    // the module in a broken state: ask for a fresh worker.
    const fatal = error instanceof WebAssembly.RuntimeError;
    // Errors start with the file's name, which the card already shows.
    let message = error instanceof Error ? error.message : String(error);
    if (message.startsWith(`${name}: `)) message = message.slice(name.length + 2);
    if (fatal) message = `the verifier crashed on this file (${message})`;
    self.postMessage({ type: 'error', id, message, fatal, ms: performance.now() - started });
  }
}
