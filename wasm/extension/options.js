// Options: the PEM trust anchors, saved in chrome.storage.local under
// `trustAnchors` as an array of PEM strings (one certificate each). The
// service worker reads them for every check and drops its cache when they
// change.

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
