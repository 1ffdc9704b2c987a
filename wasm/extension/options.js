// Options: the PEM trust anchors, saved in chrome.storage.local under
// `trustAnchors` as an array of PEM strings (one certificate each), and the
// manifest repositories, under `repositories` as an array of base URLs
// (none by default). The service worker reads both for every check and
// drops its cache when they change.

'use strict';

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

const textarea = document.getElementById('anchors');
const status = document.getElementById('status');

function say(text, kind) {
  status.textContent = text;
  status.dataset.kind = kind; // "ok" | "error", for the colour
}

/** The PEM certificates in the text, each normalised to end with a newline. */
function certificates(text) {
  return (text.match(CERTIFICATE) || []).map((pem) => `${pem.trim()}\n`);
}

async function load() {
  const { trustAnchors } = await chrome.storage.local.get('trustAnchors');
  if (Array.isArray(trustAnchors)) textarea.value = trustAnchors.join('\n');
}

async function save(event) {
  event.preventDefault();
  const text = textarea.value.trim();
  const pems = certificates(text);
  if (text && !pems.length) {
    say('No certificate found: paste blocks from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.', 'error');
    return;
  }
  // Let the verifier itself parse them, so a bad certificate is caught here
  // rather than making every later check fail.
  if (pems.length) {
    const answer = await chrome.runtime.sendMessage({ type: 'hallmark-check-anchors', pems })
      .catch((e) => ({ error: (e && e.message) || String(e) }));
    if (!answer?.ok) {
      say(`Not saved: ${answer?.error || 'the extension did not answer'}`, 'error');
      return;
    }
  }
  await chrome.storage.local.set({ trustAnchors: pems });
  textarea.value = pems.join('\n');
  say(pems.length === 1 ? 'Saved 1 trusted CA certificate.'
    : `Saved ${pems.length} trusted CA certificates.`, 'ok');
}

document.getElementById('form').addEventListener('submit', save);
load();

// ---------------------------------------------------------------- repositories

const repositoryBox = document.getElementById('repositories');
const repositoryStatus = document.getElementById('repositories-status');

function sayRepositories(text, kind) {
  repositoryStatus.textContent = text;
  repositoryStatus.dataset.kind = kind; // "ok" | "error"
}

/** The repository URLs in the text, one a line: [{url, pattern}] or {error}. */
function repositoryLines(text) {
  const found = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    let url;
    try {
      url = new URL(line);
    } catch {
      return { error: `${line} is not a URL` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return { error: `${line} is not an http:// or https:// URL` };
    }
    if (url.search || url.hash || url.username || url.password) {
      return { error: `${line}: give the repository's base URL only, without query, fragment or credentials` };
    }
    const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
    if (!found.some((r) => r.url === base)) found.push({ url: base, pattern: `${url.origin}/*` });
  }
  return { found };
}

async function loadRepositories() {
  const { repositories } = await chrome.storage.local.get('repositories');
  if (Array.isArray(repositories)) repositoryBox.value = repositories.join('\n');
}

function saveRepositories(event) {
  event.preventDefault();
  const { found, error } = repositoryLines(repositoryBox.value);
  if (error) {
    sayRepositories(`Not saved: ${error}.`, 'error');
    return;
  }
  // Asked at once, while the click still counts as the person's: the
  // browser grants a permission only in answer to one.
  const origins = [...new Set(found.map((r) => r.pattern))];
  const granted = origins.length ? chrome.permissions.request({ origins }) : Promise.resolve(true);
  granted.then(async (ok) => {
    if (!ok) {
      sayRepositories('Not saved: the browser did not grant access to the repository.', 'error');
      return;
    }
    const urls = [];
    for (const { url } of found) {
      const answer = await chrome.runtime.sendMessage({ type: 'hallmark-check-repository', url })
        .catch((e) => ({ error: (e && e.message) || String(e) }));
      if (!answer?.ok) {
        sayRepositories(`Not saved: ${answer?.error || 'the extension did not answer'}`, 'error');
        return;
      }
      urls.push(answer.repository);
    }
    await chrome.storage.local.set({ repositories: urls });
    repositoryBox.value = urls.join('\n');
    sayRepositories(urls.length === 0 ? 'No repository: nothing is looked up.'
      : `Saved ${urls.length} ${urls.length === 1 ? 'repository' : 'repositories'}.`, 'ok');
  }, (e) => sayRepositories(`Not saved: ${(e && e.message) || e}`, 'error'));
}

document.getElementById('repositories-form').addEventListener('submit', saveRepositories);
loadRepositories();
