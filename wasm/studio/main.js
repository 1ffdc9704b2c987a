// The studio page: credentials, the policy, the files and what becomes of
// them. All of hallmark's work happens in worker.js; the page keeps the
// credentials (store.js), the signed files (as Blobs) and the archive (zip.js).

import { askToPersist, loadCredentials, removeCredentials, saveCredentials } from './store.js';
import { ZipBuilder, crc32 as crc32Of } from './zip.js';
import { mimeTypeOf, formatBytes, formatDuration } from '../www/files.js';

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- the worker

class HallmarkWorker {
  constructor() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.pending = new Map();
    this.nextId = 0;
    this.words = new Promise((resolve, reject) => {
      this.wordsReady = { resolve, reject };
    });
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => {
      const error = new Error(`hallmark could not start in this browser: ${event.message ?? 'the worker failed'}`);
      this.wordsReady.reject(error);
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
  }

  receive(data) {
    if (data.type === 'words') {
      if (data.error) this.wordsReady.reject(new Error(data.error));
      else this.wordsReady.resolve(data.words);
      return;
    }
    const waiting = this.pending.get(data.id);
    if (!waiting) return;
    this.pending.delete(data.id);
    if (data.type === 'done') waiting.resolve(data);
    else waiting.reject(Object.assign(new Error(data.message), { kind: data.kind }));
  }

  /** Ask the worker to do `type` with `payload`; `transfer` moves buffers instead of copying them. */
  request(type, payload, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type, id, ...payload }, transfer);
    });
  }
}

const worker = new HallmarkWorker();

// ---------------------------------------------------------------- helpers

/** Offer `blob` as a download named `name`. */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function element(tag, properties = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

function showError(target, error) {
  target.textContent = error?.message ?? String(error);
}

// ---------------------------------------------------------------- credentials

let credentials; // {key, certificateChainPem, caCertificatePem, name}
let backup; // the files of a signature made in this visit

const HOW_TO_RESTORE = `This folder is the backup of a hallmark signature.

It holds your signing certificate (chain.pem), your certificate authority
(ca.pem) and both keys (signer.key, ca.key), encrypted with your
passphrase. Keep it somewhere safe, such as a password manager or an
encrypted drive; anyone with these files and the passphrase can sign as you.

To sign in a browser again: open hallmark studio, choose "Use a signature
you have", pick chain.pem and signer.key, and type the passphrase.

To sign on the command line:
    hallmark sign --credentials THIS-FOLDER photo.jpg
`;

function showCredentials() {
  $('credentials-loading').hidden = true;
  $('credentials-none').hidden = Boolean(credentials);
  $('credentials-ready').hidden = !credentials;
  $('backup-box').hidden = !backup;
  $('sign-blocked').hidden = Boolean(credentials);
  if (credentials) {
    $('signing-as').textContent = `Signing as ${credentials.name}.`;
    if (!$('author').value) $('author').value = credentials.name;
  }
  updateButtons();
}

async function keep(made) {
  credentials = made;
  try {
    await saveCredentials(credentials);
  } catch (error) {
    $('persist-note').textContent = `${error.message}. You can still sign now.`;
    showCredentials();
    return;
  }
  const persisted = await askToPersist();
  $('persist-note').textContent = persisted
    ? 'This browser keeps your signature until you remove it.'
    : 'This browser may clear its data for this page (Safari does after seven days without a visit), '
      + 'and your signature with it: keep your backup safe.';
  showCredentials();
}

$('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = $('create-name').value.trim();
  const passphrase = $('create-passphrase').value;
  $('credentials-error').textContent = '';
  if (passphrase !== $('create-confirm').value) {
    $('credentials-error').textContent = 'The two passphrases differ: type the same one twice.';
    $('create-confirm').focus();
    return;
  }
  $('create').disabled = true;
  $('create').textContent = 'Making your signature…';
  try {
    const made = await worker.request('create', { name, passphrase });
    backup = made.backup;
    $('create-passphrase').value = '';
    $('create-confirm').value = '';
    await keep(made.credentials);
    $('backup-download').focus();
  } catch (error) {
    showError($('credentials-error'), error);
  } finally {
    $('create').disabled = false;
    $('create').textContent = 'Make my signature';
  }
});

$('import-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('credentials-error').textContent = '';
  const files = {};
  for (const file of $('import-files').files) {
    if (file.size > 1_000_000) {
      $('credentials-error').textContent = `${file.name}: too large to be a credentials file`;
      return;
    }
    files[file.name] = await file.text();
  }
  const needed = ['chain.pem', 'signer.key'].filter((name) => !(name in files));
  if (needed.length > 0) {
    $('credentials-error').textContent = `Pick both chain.pem and signer.key: ${needed.join(' and ')} is missing.`;
    return;
  }
  $('import').disabled = true;
  try {
    const opened = await worker.request('import', {
      files: { 'chain.pem': files['chain.pem'], 'signer.key': files['signer.key'] },
      passphrase: $('import-passphrase').value,
    });
    $('import-passphrase').value = '';
    backup = undefined;
    await keep(opened.credentials);
    $('signing-as').focus?.();
  } catch (error) {
    showError($('credentials-error'), error);
  } finally {
    $('import').disabled = false;
  }
});

$('backup-download').addEventListener('click', () => {
  const folder = `hallmark-credentials-${credentials.name.replace(/[^\p{L}\p{N}_-]+/gu, '-')}`;
  const zip = new ZipBuilder();
  const encoder = new TextEncoder();
  for (const [name, text] of [...Object.entries(backup), ['README.txt', HOW_TO_RESTORE]]) {
    const bytes = encoder.encode(text);
    zip.add(`${folder}/${name}`, new Blob([bytes]), crc32Of(bytes));
  }
  save(zip.blob(), `${folder}.zip`);
});

$('ca-download').addEventListener('click', () => {
  save(new Blob([credentials.caCertificatePem], { type: 'application/x-pem-file' }), 'ca.pem');
});

$('forget').addEventListener('click', async () => {
  const sure = window.confirm('Remove your signature from this browser? Without your backup you cannot sign as yourself again.');
  if (!sure) return;
  await removeCredentials().catch((error) => showError($('credentials-error'), error));
  credentials = undefined;
  backup = undefined;
  showCredentials();
});

// ---------------------------------------------------------------- policy

const PRESETS = {
  none: () => 'notAllowed',
  mining: (kind) => (kind === 'data_mining' ? 'allowed' : 'notAllowed'),
  ask: () => 'constrained',
};
const DEFAULT_TERMS = 'ask the author first';

function kindRows() {
  return [...document.querySelectorAll('#kinds tbody tr')];
}

function applyPreset(preset) {
  const choose = PRESETS[preset];
  if (!choose) return;
  for (const row of kindRows()) {
    const select = row.querySelector('select');
    select.value = choose(row.dataset.kind);
    syncTerms(row);
  }
}

function syncTerms(row) {
  const terms = row.querySelector('input');
  const constrained = row.querySelector('select').value === 'constrained';
  terms.disabled = !constrained;
  if (constrained && !terms.value) terms.value = DEFAULT_TERMS;
}

/** The policy for `sign`: every kind, as chosen. */
function chosenPolicy() {
  const policy = {};
  for (const row of kindRows()) {
    const use = row.querySelector('select').value;
    policy[row.dataset.kind] = use === 'constrained'
      ? { constrained: row.querySelector('input').value.trim() || null }
      : use;
  }
  return policy;
}

/** What the files added now are signed with: the policy, author and source type chosen. */
function chosenOptions() {
  return {
    policy: chosenPolicy(),
    author: $('author').value.trim() || undefined,
    sourceType: $('source-type').value,
  };
}

function buildKinds(words) {
  const label = (answer, fallback) => {
    const text = words.answers?.[answer] ?? fallback;
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  const rows = words.kinds.map(({ kind, words: name }) => {
    const id = `use-${kind}`;
    const select = element('select', { id },
      element('option', { value: 'notAllowed', textContent: label('notAllowed', 'not allowed') }),
      element('option', { value: 'allowed', textContent: label('allowed', 'allowed') }),
      element('option', { value: 'constrained', textContent: 'Ask me first (on my terms)' }));
    const terms = element('input', { id: `terms-${kind}`, disabled: true, spellcheck: false });
    terms.setAttribute('aria-label', `Your terms for ${name}`);
    const row = element('tr', {},
      element('th', { scope: 'row' }, element('label', { htmlFor: id, textContent: name })),
      element('td', {}, select),
      element('td', {}, terms));
    row.dataset.kind = kind;
    select.addEventListener('change', () => {
      document.querySelector('input[name="preset"][value="custom"]').checked = true;
      syncTerms(row);
    });
    return row;
  });
  document.querySelector('#kinds tbody').replaceChildren(...rows);
  $('kinds').removeAttribute('aria-busy');
  applyPreset(document.querySelector('input[name="preset"]:checked').value);
}

for (const radio of document.querySelectorAll('input[name="preset"]')) {
  radio.addEventListener('change', () => applyPreset(radio.value));
}

// ---------------------------------------------------------------- files

/** Signed and failed files of this visit, in order: {name, path, mimeType, item, blob?, crc?, report?}. */
const entries = [];
const queue = [];
let running = false;
let total = 0;
let finished = 0;

function setStatus() {
  const busy = running || queue.length > 0;
  const progress = $('progress');
  progress.max = Math.max(total, 1);
  progress.value = finished;
  $('status').dataset.busy = String(busy);
  const failed = entries.filter((e) => e.item.dataset.state === 'failed').length;
  if (busy) {
    $('status').textContent = `Signing ${Math.min(finished + 1, total)} of ${total}…`;
  } else if (total > 0) {
    const signed = entries.length - failed;
    $('status').textContent = `Done: ${signed} ${signed === 1 ? 'file' : 'files'} signed`
      + (failed ? `, ${failed} could not be signed.` : '.');
  }
  updateButtons();
}

function updateButtons() {
  const signed = entries.some((e) => e.blob);
  const idle = !running && queue.length === 0;
  $('zip').disabled = !(signed && idle);
  $('clear').disabled = !(entries.length > 0 && idle);
  $('publish').disabled = !(signed && idle && $('repository').value.trim());
}

function addFiles(files) {
  if (!credentials) {
    $('sign-blocked').hidden = false;
    $('sign-blocked').focus?.();
    return;
  }
  for (const { file, path } of files) {
    const item = element('li', {}, element('span', { className: 'file-name', textContent: path }),
      element('span', { className: 'file-result', textContent: 'waiting' }));
    item.dataset.file = path;
    item.dataset.state = 'queued';
    $('results').append(item);
    const entry = { file, path, mimeType: mimeTypeOf(file), item, options: chosenOptions() };
    entries.push(entry);
    queue.push(entry);
    total += 1;
  }
  setStatus();
  if (!running) signAll();
}

/** Sign the queue one file at a time: read, sign, hand back, then the next. */
async function signAll() {
  running = true;
  while (queue.length > 0) {
    const entry = queue.shift();
    setStatus();
    entry.item.dataset.state = 'signing';
    entry.item.querySelector('.file-result').textContent = 'signing…';
    try {
      const buffer = await entry.file.arrayBuffer();
      const result = await worker.request('sign', {
        buffer,
        mimeType: entry.mimeType,
        name: entry.path.split('/').pop(),
        credentials,
        options: entry.options,
      }, [buffer]);
      entry.blob = new Blob([result.buffer], { type: entry.mimeType });
      entry.crc = result.crc32;
      entry.report = result.report;
      entry.file = undefined; // nothing holds the original any more
      showSigned(entry, result.ms);
    } catch (error) {
      entry.file = undefined;
      entry.item.dataset.state = 'failed';
      entry.item.querySelector('.file-result').textContent = error.message;
    }
    finished += 1;
  }
  running = false;
  setStatus();
  updateNginx();
}

function showSigned(entry, ms) {
  const { item, report } = entry;
  item.dataset.state = 'signed';
  item.dataset.verdict = report.state;
  const checked = report.state === 'trusted' ? 'checked: intact, signed by you' : `checked: ${report.state}`;
  const download = element('button', { type: 'button', className: 'button button-quiet download', textContent: 'Download' });
  download.setAttribute('aria-label', `Download ${entry.path}`);
  download.addEventListener('click', () => save(entry.blob, entry.path.split('/').pop()));
  item.querySelector('.file-result').textContent = `signed (${formatBytes(entry.blob.size)}, ${formatDuration(ms)}; ${checked})`;
  item.append(download);
}

/** The files of a drop: folders are walked (their files keep their paths). */
async function droppedFiles(dataTransfer) {
  const found = [];
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      found.push({ file, path: prefix + file.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  const roots = [...dataTransfer.items].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (roots.length === 0) return [...dataTransfer.files].map((file) => ({ file, path: file.name }));
  for (const root of roots) await walk(root, '');
  return found;
}

function picked(input) {
  const files = [...input.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  input.value = '';
  addFiles(files.filter(({ path }) => !path.split('/').some((part) => part.startsWith('.'))));
}

$('files').addEventListener('change', () => picked($('files')));
$('folder').addEventListener('change', () => picked($('folder')));

const dropzone = $('dropzone');
dropzone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropzone.classList.add('dragging');
});
dropzone.addEventListener('dragleave', () => dropzone.classList.remove('dragging'));
dropzone.addEventListener('drop', async (event) => {
  event.preventDefault();
  dropzone.classList.remove('dragging');
  const files = await droppedFiles(event.dataTransfer);
  addFiles(files.filter(({ path }) => !path.split('/').some((part) => part.startsWith('.'))));
});

const HOW_TO_VERIFY = (name) => `These files are signed with Content Credentials (C2PA) by ${name}.

Each file carries a signed record of who made it and what may be done
with it: whether it may be used to train AI, to run AI on, or to be
mined for data. Changing a single byte of a file breaks its signature.

ca.pem is the certificate that vouches for the signature. To check a file:

    hallmark verify --trust ca.pem photo.jpg

or open the hallmark checker in a browser, paste ca.pem into its trust box
and add the files. Other C2PA tools read the credentials too; they show
the signer as trusted once ca.pem is in their trust list.
`;

$('zip').addEventListener('click', () => {
  const zip = new ZipBuilder();
  const encoder = new TextEncoder();
  for (const entry of entries) if (entry.blob) zip.add(entry.path, entry.blob, entry.crc);
  const ca = encoder.encode(credentials.caCertificatePem);
  zip.add('ca.pem', new Blob([ca]), crc32Of(ca));
  const how = encoder.encode(HOW_TO_VERIFY(credentials.name));
  zip.add('HOW-TO-VERIFY.txt', new Blob([how]), crc32Of(how));
  save(zip.blob(), 'signed-with-hallmark.zip');
});

$('clear').addEventListener('click', () => {
  entries.length = 0;
  total = 0;
  finished = 0;
  $('results').replaceChildren();
  $('status').textContent = 'No files signed yet.';
  $('nginx').textContent = 'Sign files to see the lines for them.';
  setStatus();
});

// ---------------------------------------------------------------- publishing and the web

$('repository').addEventListener('input', updateButtons);

$('publish').addEventListener('click', async () => {
  const repository = $('repository').value.trim();
  const token = $('token').value;
  $('publish').disabled = true;
  let published = 0;
  const signed = entries.filter((e) => e.blob);
  for (const entry of signed) {
    $('publish-status').textContent = `Publishing ${published + 1} of ${signed.length}…`;
    let note = entry.item.querySelector('.published');
    if (!note) {
      note = element('span', { className: 'published' });
      entry.item.append(note);
    }
    try {
      const buffer = await entry.blob.arrayBuffer();
      const { published: answer } = await worker.request('publish', {
        buffer, mimeType: entry.mimeType, name: entry.path, repository, token,
      }, [buffer]);
      note.dataset.state = 'published';
      note.textContent = answer.created ? `published (${answer.manifestId})` : `already published (${answer.manifestId})`;
      published += 1;
    } catch (error) {
      note.dataset.state = 'failed';
      note.textContent = `not published: ${error.message}`;
    }
  }
  $('publish-status').textContent = `Published ${published} of ${signed.length}.`;
  updateButtons();
});

async function updateNginx() {
  const prefix = `/${$('site-path').value.trim().replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  const files = entries.filter((e) => e.report).map((e) => ({ uri: prefix + e.path, report: e.report }));
  if (files.length === 0) return;
  try {
    const { text } = await worker.request('nginx', { files });
    $('nginx').textContent = text;
  } catch (error) {
    $('nginx').textContent = `# ${error.message}`;
  }
}

$('site-path').addEventListener('change', updateNginx);

// ---------------------------------------------------------------- start

worker.words.then(buildKinds, (error) => {
  $('kinds').removeAttribute('aria-busy');
  showError($('credentials-error'), error);
});

loadCredentials().then(
  (kept) => {
    credentials = kept;
    showCredentials();
  },
  (error) => {
    showCredentials();
    showError($('credentials-error'), error);
  },
);

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch(() => {
    // Without it the page works, but not offline.
  });
}
