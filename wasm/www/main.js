// The page: picking and dropping files, the trust list, the status line.
// Verification itself happens in worker.js, through verifier.js.

import { mimeTypeOf, splitPemCertificates } from './files.js';
import { queuedCard, markVerifying, showReport, showError, legendItems } from './report-card.js';
import { Verifier } from './verifier.js';

const input = document.getElementById('files');
const dropzone = document.getElementById('dropzone');
const trust = document.getElementById('trust');
const trustCount = document.getElementById('trust-count');
const statusLine = document.getElementById('status');
const results = document.getElementById('results');
const clearButton = document.getElementById('clear');
const legend = document.getElementById('legend-states');
const lookup = document.getElementById('lookup');
const repositoryField = document.getElementById('repository');

const cards = new Map(); // job id → its card
let nextId = 0;

// The current run: files added since the queue was last empty.
let total = 0;
let done = 0;

const verifier = new Verifier({
  onStart(id) {
    markVerifying(cards.get(id));
  },
  onResult(id, report, answers, ms, words, why, lookedUp, identities) {
    showReport(cards.get(id), report, answers, ms, words, why, lookedUp, identities);
    completed();
  },
  onError(id, message, ms) {
    showError(cards.get(id), message, ms, verifier.catalogue);
    completed();
  },
});

// The legend, in the library's words: loading them starts the verifier, so
// the first file is checked sooner too.
verifier.words().then(
  (words) => legend.replaceChildren(...legendItems(words)),
  (error) => legend.replaceChildren(Object.assign(document.createElement('li'), { textContent: error.message })),
).finally(() => legend.removeAttribute('aria-busy'));

/** Queue files in the order given; each gets its card at once. */
function addFiles(files) {
  if (files.length === 0) return;
  const trustAnchors = splitPemCertificates(trust.value);
  // "Look it up": the repository a file without intact credentials is looked up in.
  const repository = lookup.checked ? repositoryField.value.trim() || null : null;
  for (const file of files) {
    const id = nextId++;
    const mimeType = mimeTypeOf(file);
    const card = queuedCard(file, mimeType);
    cards.set(id, card);
    results.append(card);
    verifier.add({ id, file, mimeType, trustAnchors, repository });
  }
  total += files.length;
  showStatus();
}

function completed() {
  done += 1;
  showStatus();
}

function showStatus() {
  const busy = done < total;
  statusLine.dataset.busy = String(busy);
  if (busy) {
    statusLine.textContent = `Verifying ${done + 1} of ${total}…`;
  } else {
    statusLine.textContent = `Done: ${total} ${total === 1 ? 'file' : 'files'}`;
    total = 0;
    done = 0;
  }
  clearButton.hidden = results.querySelector('.report:not([data-state=queued]):not([data-state=verifying])') === null;
}

// Picking files. The value is reset so that picking the same file again is noticed.
input.addEventListener('change', () => {
  addFiles([...input.files]);
  input.value = '';
});

// Dropping files anywhere on the page; a drop outside the zone would otherwise open the file.
let dragDepth = 0;
const carriesFiles = (event) => event.dataTransfer?.types.includes('Files');
document.addEventListener('dragenter', (event) => {
  if (!carriesFiles(event)) return;
  dragDepth += 1;
  dropzone.classList.add('dragging');
});
document.addEventListener('dragleave', (event) => {
  if (!carriesFiles(event)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) dropzone.classList.remove('dragging');
});
document.addEventListener('dragover', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
});
document.addEventListener('drop', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  dragDepth = 0;
  dropzone.classList.remove('dragging');
  addFiles([...event.dataTransfer.files]);
});

// How many certificates the trust list holds, as the user types.
function showTrustCount() {
  const count = splitPemCertificates(trust.value).length;
  trustCount.dataset.count = String(count);
  if (count > 0) {
    trustCount.textContent = `${count} ${count === 1 ? 'certificate' : 'certificates'} in your trust list`;
  } else if (trust.value.trim() !== '') {
    trustCount.textContent = 'No certificate found: paste blocks from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----';
  } else {
    trustCount.textContent = '';
  }
}
trust.addEventListener('input', showTrustCount);
showTrustCount();

// Clearing removes finished cards; queued ones stay until they are done.
clearButton.addEventListener('click', () => {
  for (const [id, card] of cards) {
    if (card.dataset.state !== 'queued' && card.dataset.state !== 'verifying') {
      card.remove();
      cards.delete(id);
    }
  }
  clearButton.hidden = true;
  if (total === 0) statusLine.textContent = 'No files checked yet.';
});
