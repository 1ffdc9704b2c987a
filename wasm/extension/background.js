// hallmark extension service worker.
//
// It owns the verifier: it loads the wasm build that ships inside the
// extension (pkg/, copied there by wasm/build.sh), fetches image bytes for the
// content script and the report page (the extension's host permissions let it
// read cross-origin images that the page itself could not), verifies them with
// the trust anchors saved on the options page, and caches the results per URL.
//
// An image whose own credentials are absent or broken is fingerprinted and
// looked up in the manifest repositories saved on the options page (none by
// default: then nothing is ever looked up), one after the other until one
// holds a match. What a repository returns can only restrict (the library's
// decide()). Lookups are cached with the check, per image URL, and
// rate-limited (LOOKUPS_PER_MINUTE).
//
// Messages it answers (chrome.runtime.sendMessage):
//   {type: "hallmark-verify", url}        -> {report, mayUse: {kind: answer}, decisions: {kind: Decision},
//                                             lookup, words} | {error}
//        words: the library's words for people (the package's words()), which
//        the content script and the report page show reports in: the content
//        script cannot load the WebAssembly module itself.
//        report.recovered: the manifest a repository found (as `hallmark verify
//        --recover` reports it), when one did; decisions: decide() per kind.
//        lookup: "off" (no repository saved, or not wanted: the credentials are
//        intact), "found", "none" (no repository holds a match), "skipped" (a file
//        that gets no fingerprint, or the rate limit) or "failed" (with lookupError).
//   {type: "hallmark-check-anchors", pems} -> {ok: true} | {error}   (options page)
//   {type: "hallmark-check-repository", url} -> {ok: true, repository} | {error}  (options page)
//   {type: "hallmark-open-report", url}    -> opens report.html       (a click on a badge)
//
// A page must not be able to use the extension to reach hosts it could not
// read itself: a content script on a page served from a public host gets no
// answer about images on loopback, private or link-local addresses (see
// README.md, "Privacy and security notes").

import init, { verify, decide, describeIdentity, formatOf, recover, words } from './pkg/hallmark_wasm.js';

const MENU_ID = 'hallmark-check';
const MAX_BYTES = 50 * 1024 * 1024; // larger images are not verified
const MAX_CACHE = 500; // cached URLs (oldest dropped first)
const MAX_PARALLEL = 3; // images fetched and verified at once
const LOOKUPS_PER_MINUTE = 30; // repository lookups started in any minute; more wait their turn
const MAX_WAITING_LOOKUPS = 60; // beyond this many waiting, an image is not looked up ("skipped")
// url -> Promise<{report, mayUse, decisions, lookup, words}>; in-flight checks are
// shared, failures are not kept. Cleared whenever the settings (trust anchors,
// repositories) change.
const cache = new Map();

// ---------------------------------------------------------------- wasm

let ready = null;

/** Instantiates the verifier once, from the extension's own copy of the wasm. */
function loadVerifier() {
  ready ??= init({ module_or_path: chrome.runtime.getURL('pkg/hallmark_wasm_bg.wasm') }).catch((e) => {
    ready = null; // let a later call try again
    throw e;
  });
  return ready;
}

// ---------------------------------------------------------------- settings

/**
 * The saved settings: PEM trust anchors and repository base URLs. Read on
 * every check rather than remembered, so that a check asked for right after
 * the options page saved (the content script re-checks the page when it sees
 * the change) already uses the new ones; the cache is dropped whenever they
 * differ from the last ones used. A repository counts only while the
 * extension holds the host permission the options page asked for it.
 */
let cachedFor = null;
async function settings() {
  const saved = await chrome.storage.local.get(['trustAnchors', 'repositories']);
  const strings = (list) => (Array.isArray(list) ? list.filter((p) => typeof p === 'string') : []);
  const pems = strings(saved.trustAnchors);
  const repositories = [];
  for (const repository of strings(saved.repositories)) {
    if (await permitted(repository)) repositories.push(repository);
  }
  const key = JSON.stringify([pems, repositories]);
  if (key !== cachedFor) {
    cache.clear();
    cachedFor = key;
  }
  return { pems, repositories };
}

/** The host-permission pattern for a repository's origin, e.g. "https://repository.example/*". */
function originPattern(repository) {
  return `${new URL(repository).origin}/*`;
}

/** Whether the extension may reach a repository: the host permission for its origin is held. */
async function permitted(repository) {
  try {
    return await chrome.permissions.contains({ origins: [originPattern(repository)] });
  } catch {
    return false; // not a URL a permission can name
  }
}

// A valid 1x1 PNG without credentials: verifying it can only fail because of
// the trust anchors, which makes it a probe for the options page.
const PROBE_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0));

async function checkAnchors(pems) {
  await loadVerifier();
  await verify(PROBE_PNG, 'image/png', { trustAnchors: pems });
}

/**
 * Checks a repository URL the options page is about to save: the library
 * must take it (recover() checks the URL first, and then refuses the empty
 * file, so nothing is fingerprinted or sent), and the service must answer
 * as a repository (GET /v1/services/supportedAlgorithms lists io.iscc.v0).
 */
async function checkRepository(url) {
  await loadVerifier();
  try {
    await recover(new Uint8Array(0), 'application/octet-stream', { repository: url });
  } catch (e) {
    if (e?.kind !== 'bad_input') throw e; // the URL; bad_input is the empty file, after the URL passed
  }
  const repository = url.replace(/\/+$/, '');
  let answer;
  try {
    const response = await fetch(`${repository}/v1/services/supportedAlgorithms`, {
      credentials: 'omit', referrerPolicy: 'no-referrer', signal: AbortSignal.timeout(15_000),
    });
    answer = response.ok ? await response.json() : { status: response.status };
  } catch (e) {
    throw new Error(`cannot reach ${repository} (${errorText(e)})`);
  }
  const algorithms = [...(answer?.watermarks ?? []), ...(answer?.fingerprints ?? [])].map((a) => a?.alg);
  if (!algorithms.includes('io.iscc.v0')) {
    const why = answer?.status ? `it answered HTTP ${answer.status}` : 'it does not offer the io.iscc.v0 fingerprint';
    throw new Error(`${repository} is not a manifest repository hallmark can use: ${why}`);
  }
  return repository;
}

// ---------------------------------------------------------------- private addresses

/** Whether an IPv4 address (four numbers) is loopback, private, link-local, shared or not unicast. */
function privateIPv4([a, b]) {
  return a === 0 || a === 10 || a === 127 || a >= 224 // "this network", private, loopback, multicast and reserved
    || (a === 100 && b >= 64 && b <= 127) // shared address space (carrier-grade NAT)
    || (a === 169 && b === 254) // link-local
    || (a === 172 && b >= 16 && b <= 31)
    || (a === 192 && b === 168)
    || (a === 198 && (b === 18 || b === 19)); // benchmarking
}

/** Whether an IPv6 address, as the URL parser writes it (compressed, lower case), is not a public one. */
function privateIPv6(address) {
  if (address === '::1' || address === '::') return true;
  const mapped = address.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/); // IPv4-mapped
  if (mapped) {
    const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
    return privateIPv4([high >> 8, high & 255, low >> 8, low & 255]);
  }
  const first = parseInt(address.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 // unique local fc00::/7
    || (first & 0xffc0) === 0xfe80 // link-local fe80::/10
    || (first & 0xffc0) === 0xfec0 // site-local fec0::/10
    || (first & 0xff00) === 0xff00; // multicast
}

/**
 * Whether a URL's host is on this machine or a private network, as far as its
 * name shows: loopback, private and link-local addresses, "localhost", names
 * without a dot ("router", intranet hosts) and the suffixes kept for local
 * networks. Names in public DNS that resolve to private addresses cannot be
 * told apart without resolving them, which an extension cannot do.
 */
function privateHost(url) {
  let host;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
  if (!host) return false; // data: URLs have no host
  if (host.startsWith('[')) return privateIPv6(host.slice(1, -1));
  const v4 = host.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/); // the URL parser has normalised every IPv4 spelling
  if (v4) return privateIPv4(v4.slice(1).map(Number));
  if (!host.includes('.')) return true;
  return /\.(localhost|local|internal|intranet|lan|home|corp|home\.arpa)$/.test(host);
}

/** Why a content script on `pageUrl` may not have `url` checked, or null if it may. */
function refusal(url, pageUrl) {
  if (privateHost(url) && !privateHost(pageUrl)) {
    return 'not checked: the image is on a private or local address and the page is not';
  }
  return null;
}

// ---------------------------------------------------------------- fetching

const queue = []; // checks waiting for a slot
let running = 0;

/** Resolves when one of MAX_PARALLEL slots is free, with the function that frees it. */
function slot() {
  return new Promise((resolve) => {
    const take = () => { running++; resolve(() => { running--; queue.shift()?.(); }); };
    running < MAX_PARALLEL ? take() : queue.push(take);
  });
}

/** Fetches the bytes of an http(s) or data: URL, refusing anything over MAX_BYTES. */
async function fetchBytes(url) {
  const scheme = new URL(url).protocol;
  if (!['http:', 'https:', 'data:'].includes(scheme)) {
    throw new Error(`cannot fetch ${scheme} URLs`);
  }
  // No cookies: the extension re-downloads the image anonymously rather than
  // as the signed-in user (see README.md, "Privacy").
  const response = await fetch(url, { credentials: 'omit', cache: 'force-cache' });
  if (!response.ok) throw new Error(`the server answered HTTP ${response.status}`);
  const tooBig = () => new Error(`the image is larger than ${MAX_BYTES / 1024 / 1024} MB; not checked`);
  if (Number(response.headers.get('content-length')) > MAX_BYTES) throw tooBig();

  // Read it in chunks so an unannounced huge body is cut off early.
  const chunks = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      reader.cancel();
      throw tooBig();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) { bytes.set(chunk, at); at += chunk.byteLength; }
  const mime = (response.headers.get('content-type') || '').split(';')[0].trim();
  return { bytes, mime };
}

// ---------------------------------------------------------------- lookups

const lookupStarts = []; // when each lookup of the last minute started (ms)
const lookupQueue = []; // lookups waiting for the rate limit
let lookupTimer = 0;

/** Starts waiting lookups while the last minute leaves room. */
function drainLookups() {
  lookupTimer = 0;
  const now = Date.now();
  while (lookupStarts.length && now - lookupStarts[0] >= 60_000) lookupStarts.shift();
  while (lookupQueue.length && lookupStarts.length < LOOKUPS_PER_MINUTE) {
    lookupStarts.push(now);
    lookupQueue.shift()(true);
  }
  if (lookupQueue.length && !lookupTimer) {
    lookupTimer = setTimeout(drainLookups, 60_000 - (now - lookupStarts[0]) + 10);
  }
}

/** Resolves true when a lookup may start now, false when too many are waiting already. */
function lookupTurn() {
  if (lookupQueue.length >= MAX_WAITING_LOOKUPS) return Promise.resolve(false);
  const turn = new Promise((resolve) => lookupQueue.push(resolve));
  drainLookups();
  return turn;
}

/**
 * Looks an image up in each repository in turn until one holds a match:
 * {lookup, recovered?, lookupError?}. Only called with at least one repository.
 */
async function lookUp(bytes, type, pems, repositories) {
  const failures = [];
  for (const repository of repositories) {
    if (!(await lookupTurn())) return { lookup: 'skipped', lookupError: 'too many lookups at once; not looked up' };
    try {
      const recovered = await recover(bytes, type, { repository, trustAnchors: pems });
      if (recovered) return { lookup: 'found', recovered };
    } catch (e) {
      // A file that gets no fingerprint (an SVG, a GIF the decoder refuses…)
      // is nobody's fault and no repository will know it: stop here.
      if (e?.kind === 'bad_input') return { lookup: 'skipped', lookupError: errorText(e) };
      failures.push(errorText(e));
    }
  }
  return failures.length ? { lookup: 'failed', lookupError: failures.join('; ') } : { lookup: 'none' };
}

// ---------------------------------------------------------------- verifying

async function check(url, { pems, repositories }) {
  const release = await slot();
  try {
    const [{ bytes, mime }] = await Promise.all([fetchBytes(url), loadVerifier()]);
    // The MIME type is only a hint: the verifier goes by the bytes.
    const type = mime || 'application/octet-stream';
    // The PDF reader is a second module that only import() could load, and
    // service workers may not use import(): say so plainly.
    if (formatOf(bytes, type) === 'application/pdf') {
      throw new Error('this is a PDF document; the extension checks images only, not PDF files');
    }
    const report = await verify(bytes, type, { trustAnchors: pems });
    // Looked up as `hallmark verify --recover` does: only when the file's own
    // credentials are absent or broken, and only with a repository saved.
    const intact = report.state === 'trusted' || report.state === 'valid';
    let lookup = { lookup: 'off' };
    if (!intact && repositories.length) {
      lookup = await lookUp(bytes, type, pems, repositories);
      if (lookup.recovered) report.recovered = lookup.recovered;
    }
    const catalogue = words();
    // decide(): the library's answer and what it rests on; a recovered
    // manifest can only restrict.
    const decisions = Object.fromEntries(catalogue.kinds.map(({ kind }) => [kind, decide(report, kind)]));
    const answers = Object.fromEntries(Object.entries(decisions).map(([kind, d]) => [kind, d.answer]));
    // Who the credentials say made the work, in the library's words: shown, never
    // used to badge (an identity nobody could check never makes an image "broken").
    const identities = (report.identities ?? []).map((i) => ({ state: i.state, words: describeIdentity(i) }));
    return {
      report, mayUse: answers, decisions, lookup: lookup.lookup, lookupError: lookup.lookupError, words: catalogue,
      identities,
    };
  } catch (e) {
    // A trap (a crash inside the verifier): pkg/hallmark_wasm.js has already
    // instantiated the module afresh, so the next image gets a sound verifier.
    if (e instanceof WebAssembly.RuntimeError) {
      throw new Error(`the verifier crashed on this image (${e.message}); it has been restarted`);
    }
    throw e;
  } finally {
    release();
  }
}

/** Verifies (and looks up) the image at `url`, once per URL (until the settings change). */
async function verifyUrl(url) {
  const current = await settings(); // clears the cache if they changed
  let result = cache.get(url);
  if (result) {
    cache.delete(url); // re-insert below: most recently used last
  } else {
    result = check(url, current);
    result.catch(() => { if (cache.get(url) === result) cache.delete(url); });
  }
  cache.set(url, result);
  while (cache.size > MAX_CACHE) cache.delete(cache.keys().next().value);
  return result;
}

const errorText = (e) => (e && e.message) || String(e);

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only this extension's own content scripts and pages can reach here
  // (there is no externally_connectable), but check the shape anyway.
  if (message?.type === 'hallmark-verify' && typeof message.url === 'string') {
    // The extension's own pages (the report) may check any image the person
    // asked about; a content script only what its page could reach itself.
    // Checked before the cache, which must not answer for a refused URL either.
    const fromExtension = typeof sender.url === 'string' && sender.url.startsWith(chrome.runtime.getURL(''));
    const refused = fromExtension ? null : refusal(message.url, sender.url ?? '');
    if (refused) {
      sendResponse({ error: refused });
      return false;
    }
    verifyUrl(message.url).then(sendResponse, (e) => sendResponse({ error: errorText(e) }));
    return true; // answer asynchronously
  }
  if (message?.type === 'hallmark-open-report' && typeof message.url === 'string' && sender.tab) {
    openReport(message.url, sender.tab); // a click on a badge
    return false;
  }
  if (message?.type === 'hallmark-check-anchors' && Array.isArray(message.pems)) {
    checkAnchors(message.pems).then(() => sendResponse({ ok: true }), (e) => sendResponse({ error: errorText(e) }));
    return true;
  }
  // Only the extension's own pages (the options page) may have a repository checked.
  const fromOwnPage = typeof sender.url === 'string' && sender.url.startsWith(chrome.runtime.getURL(''));
  if (message?.type === 'hallmark-check-repository' && typeof message.url === 'string' && fromOwnPage) {
    checkRepository(message.url).then(
      (repository) => sendResponse({ ok: true, repository }), (e) => sendResponse({ error: errorText(e) }));
    return true;
  }
  return false;
});

// ---------------------------------------------------------------- context menu

// Menu items outlive the worker: they are made on install and update only.
chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create(
    { id: MENU_ID, title: 'Check content credentials', contexts: ['image'] },
    () => void chrome.runtime.lastError, // already there (an update that kept it): fine
  );
});

/**
 * What the context-menu item and a click on a badge do: open the report page
 * for the image at `srcUrl` in a new tab (next to `fromTab` when given).
 */
async function openReport(srcUrl, fromTab) {
  const url = chrome.runtime.getURL(`report.html?src=${encodeURIComponent(srcUrl)}`);
  const options = { url, active: true };
  if (fromTab && fromTab.id >= 0) {
    options.index = fromTab.index + 1;
    options.openerTabId = fromTab.id;
    options.windowId = fromTab.windowId;
  }
  return chrome.tabs.create(options);
}

chrome.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_ID && info.srcUrl) openReport(info.srcUrl, tab);
});
