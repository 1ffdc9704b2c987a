// hallmark-wasm: verify Content Credentials and their "do not train" policy in the browser,
// and find the credentials of a copy that lost them in a manifest repository.
//
// Most formats are verified by the core module (hallmark_wasm_bg.wasm). PDF
// needs a parser most pages never use, so a second module that includes it
// is fetched only when a PDF is verified. Fingerprinting an image needs the
// library's image decoders and the ISCC code, which would not fit in the
// core's size budget: a third module that holds only them
// (hallmark_wasm_fingerprint_bg.wasm) is fetched the first time a file is
// fingerprinted. Its JavaScript is imported
// statically, so that this works in a service worker too, where import() is
// forbidden; only its WebAssembly is fetched on first use.
//
// fingerprint() and recover() are asynchronous: the image is decoded (by the
// fingerprint module, or by the browser) and the repository is asked with
// fetch(). Everything else — which files get a fingerprint, the URLs, what
// each answer means, the check of every candidate manifest, which one wins —
// is decided by the library inside the core module, so that the result is
// what `hallmark verify --recover` says.
//
// Signing (createCredentials, importCredentials, sign, publish) is the
// fourth module's (hallmark_wasm_sign_bg.wasm), fetched the first time it is
// needed; like the fingerprint module's, its JavaScript is imported
// statically. It carries the library's fingerprint as well, so a signed
// image gets the soft binding the CLI would give it, and signing needs
// neither init() nor the other modules. The signer's key lives in a non-extractable WebCrypto
// CryptoKey: the module makes or opens the credentials and hands the key out
// once, as PKCS#8, to crypto.subtle.importKey; the bytes are zeroed and the
// module instantiated afresh at once, so that no copy stays in its memory.
// To sign, the module builds the manifest and stops where the signature
// goes (signStart); crypto.subtle.sign signs; the module completes the file
// (finish). The key never enters WebAssembly again.
//
// A WebAssembly trap (a Rust panic, or running out of memory) leaves a module
// instance in an unknown state. After one, the call that trapped rejects (or
// throws) with the `WebAssembly.RuntimeError`, and the module is instantiated
// afresh before anything else runs in it.
//
// Every other error is an Error whose `name` and `kind` say whose problem it
// is ("BadInputError" / "bad_input" for a damaged file, "BadSetupError" /
// "bad_setup" for a trust anchor that cannot be used, …): see HallmarkError
// in hallmark_wasm.d.ts.

import initCore, {
  initSync as initSyncCore,
  decide as decideCore,
  describeIdentity as describeIdentityCore,
  formatOf as formatOfCore,
  mayUse as mayUseCore,
  verify as verifyCore,
  words as wordsCore,
  fingerprintPlan,
  recoveryRequest,
  recoveryCandidates,
  recoverFrom,
  warmUp,
  __wbg_reset_state as resetCore,
} from "./hallmark_wasm_core.js";
import initFingerprint, {
  fingerprintBytes,
  fingerprintPixels,
  noBrowserDecoder,
  undecodable,
  __wbg_reset_state as resetFingerprint,
} from "./hallmark_wasm_fingerprint.js";
import initSign, {
  environmentError,
  issueCredentials,
  nginxSnippet as nginxSnippetCore,
  openCredentials,
  publishAnswer,
  publishUrl,
  signStart,
  __wbg_reset_state as resetSign,
} from "./hallmark_wasm_sign.js";

export { warmUp };

/** Run `call` in a module; after a trap, re-instantiate the module and rethrow. */
function guarded(reset, warm, call) {
  try {
    return call();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      reset();
      warm();
    }
    throw error;
  }
}

/**
 * Load the core module (from next to this file unless told otherwise) and
 * warm up its hashing code, so the first large file is not verified by
 * unoptimised code.
 */
export default async function init(input) {
  const exports = await initCore(input ?? { module_or_path: new URL("./hallmark_wasm_bg.wasm", import.meta.url) });
  warmUp();
  return exports;
}

/** Load the core module synchronously from its bytes or a compiled module, and warm it up. */
export function initSync(module) {
  const exports = initSyncCore(module);
  warmUp();
  return exports;
}

/** May the verified file be used for `kind`? The same rule as the library and the CLI. */
export function mayUse(report, kind) {
  return guarded(resetCore, warmUp, () => mayUseCore(report, kind));
}

/**
 * May the verified file be used for `kind`, and on what basis: its own
 * credentials, a recovered manifest (which can only restrict), or nothing.
 */
export function decide(report, kind) {
  return guarded(resetCore, warmUp, () => decideCore(report, kind));
}

/**
 * The words hallmark uses for people, from the library (the words the CLI
 * prints): kinds of use, answers, states, how a policy entry reads.
 */
export function words() {
  return guarded(resetCore, warmUp, () => wordsCore());
}

/**
 * One identity of a report in the words `hallmark verify` prints after
 * "Identity: ": who it names, who vouches for it, and its verdict.
 */
export function describeIdentity(identity) {
  return guarded(resetCore, warmUp, () => describeIdentityCore(identity));
}

/** The media type `verify` would read the bytes as, or undefined if it would refuse them. */
export function formatOf(bytes, mimeType, options) {
  return guarded(resetCore, warmUp, () => formatOfCore(bytes, mimeType, options));
}

/** Whether this code runs in a service worker, where browsers forbid import(). */
function inServiceWorker() {
  return typeof ServiceWorkerGlobalScope === "function" && globalThis instanceof ServiceWorkerGlobalScope;
}

// The PDF module, loaded once: concurrent PDF verifications share this promise.
let pdfReady;

function loadPdf() {
  pdfReady ??= (async () => {
    const module = await import("./hallmark_wasm_pdf.js");
    await module.default({ module_or_path: new URL("./hallmark_wasm_pdf_bg.wasm", import.meta.url) });
    module.warmUp();
    return module;
  })();
  pdfReady.catch(() => {
    pdfReady = undefined; // let a later PDF try again
  });
  return pdfReady;
}

/**
 * Verify a file's bytes (a Uint8Array or an ArrayBuffer); resolves with the
 * report, rejects with an Error that says why.
 */
export async function verify(bytes, mimeType, options) {
  // The library decides, from the first bytes and the claims, what the file is.
  const format = formatOf(bytes, mimeType, options);
  if (format !== "application/pdf") {
    return guarded(resetCore, warmUp, () => verifyCore(bytes, mimeType, options));
  }
  if (inServiceWorker()) {
    const name = typeof options?.name === "string" ? options.name : "input";
    const error = new Error(`${name}: PDF cannot be verified in a service worker, which may not load the PDF module `
      + "(browsers forbid import() there); verify PDFs in a page or a Worker");
    error.name = "EnvironmentError";
    error.kind = "environment";
    throw error;
  }
  const pdf = await loadPdf();
  return guarded(pdf.__wbg_reset_state, pdf.warmUp, () => pdf.verify(bytes, mimeType, options));
}

// ---------------------------------------------------------------- fingerprints

// The fingerprint module, loaded once: concurrent fingerprints share this promise.
let fingerprintReady;

function loadFingerprint() {
  fingerprintReady ??= initFingerprint({
    module_or_path: new URL("./hallmark_wasm_fingerprint_bg.wasm", import.meta.url),
  });
  fingerprintReady.catch(() => {
    fingerprintReady = undefined; // let a later call try again
  });
  return fingerprintReady;
}

/**
 * The browser's decoding of an image: its RGBA pixels in display
 * orientation. Its errors are made by the fingerprint module, loaded first.
 */
async function browserPixels(bytes, plan) {
  await loadFingerprint();
  if (typeof createImageBitmap !== "function" || typeof OffscreenCanvas !== "function") {
    throw noBrowserDecoder(plan.label);
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: plan.format }), {
      imageOrientation: "from-image", // the EXIF orientation, as the library applies it
      premultiplyAlpha: "none",
      colorSpaceConversion: "none", // the file's own values, as the library reads them
    });
  } catch (error) {
    throw undecodable(plan.label, error?.message ?? String(error));
  }
  try {
    const { width, height } = bitmap;
    const context = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0);
    return { width, height, data: context.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
  }
}

/**
 * Fingerprint `bytes` as `plan` (from fingerprintPlan) says. Either way the
 * fingerprint module computes it (the ISCC code does not fit in the core);
 * with the browser's decoder it only gets the decoded pixels.
 */
async function fingerprintBy(plan, bytes) {
  if (plan.decoder === "browser") {
    const { width, height, data } = await browserPixels(bytes, plan);
    return guarded(resetFingerprint, () => {}, () => fingerprintPixels(width, height, data, plan.label));
  }
  await loadFingerprint();
  return guarded(resetFingerprint, () => {}, () => fingerprintBytes(bytes, plan.label));
}

/**
 * The fingerprint of an image's bytes: its 256-bit ISCC Image-Code, as
 * `{alg: "io.iscc.v0", value, iscc}`. Rejects for a file hallmark does not
 * fingerprint (an SVG, a video…) and for one that cannot be decoded.
 */
export async function fingerprint(bytes, mimeType, options) {
  const plan = guarded(resetCore, warmUp, () => fingerprintPlan(bytes, mimeType, options, false));
  return fingerprintBy(plan, bytes);
}

// ---------------------------------------------------------------- recovery

/** How long one request to a repository may take, as for the CLI. */
const TIMEOUT_MS = 60_000;

/**
 * Ask a repository: `{status, body}` (the body read up to `limit` bytes),
 * or `{error}` when there is no usable answer. What an answer means is the
 * library's to say (recoveryCandidates, recoverFrom).
 */
async function ask(url, init, limit) {
  let response;
  try {
    response = await fetch(url, {
      ...init,
      credentials: "omit", // no cookies: a lookup is anonymous
      referrerPolicy: "no-referrer", // and does not say which page asked
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const why = error?.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : (error?.message ?? String(error));
    return { error: `cannot ask it (${why}); a web page can ask only a repository that allows its origin (CORS)` };
  }
  const declared = Number(response.headers.get("content-length"));
  const tooLarge = { error: `its answer is larger than ${limit} bytes` };
  if (declared > limit) {
    response.body?.cancel();
    return tooLarge;
  }
  const chunks = [];
  let size = 0;
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        reader.cancel();
        return tooLarge;
      }
      chunks.push(value);
    }
  } catch (error) {
    return { error: `cannot read its answer (${error?.message ?? error})` };
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return { status: response.status, body };
}

/**
 * Look a fingerprint up in a manifest repository (`options.repository`, its
 * base URL) as `hallmark verify --recover` does: `POST /v1/matches/byBinding`,
 * then `GET /v1/manifests/{id}` for each candidate, each checked here against
 * `options.trustAnchors`. Resolves with the `recovered` object of the CLI's
 * report, or null when nothing matches.
 */
export async function recoverFingerprint(fingerprint, options) {
  const request = guarded(resetCore, warmUp, () => recoveryRequest(fingerprint, options));
  const limit = request.maxAnswerBytes;
  const matches = await ask(request.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: request.body,
  }, limit);
  const candidates = guarded(resetCore, warmUp, () => recoveryCandidates(request.repository, matches));
  const manifests = await Promise.all(candidates.map(async ({ manifestId, url }) => ({
    manifestId,
    answer: await ask(url, { method: "GET" }, limit),
  })));
  return guarded(resetCore, warmUp, () => recoverFrom(fingerprint, matches, manifests, options));
}

/**
 * Fingerprint a file and look it up (`recoverFingerprint`): the manifest a
 * repository holds for it, or null. Options: `repository`, `trustAnchors`,
 * and the fingerprint's `name` and `decoder`.
 */
export async function recover(bytes, mimeType, options) {
  const plan = guarded(resetCore, warmUp, () => fingerprintPlan(bytes, mimeType, options, true));
  const found = await fingerprintBy(plan.fingerprint, bytes);
  return recoverFingerprint(found, plan.lookUp);
}

// ---------------------------------------------------------------- signing

// The signing module, loaded once: concurrent calls share this promise.
let signReady;

function loadSign() {
  signReady ??= initSign({
    module_or_path: new URL("./hallmark_wasm_sign_bg.wasm", import.meta.url),
  });
  signReady.catch(() => {
    signReady = undefined; // let a later call try again
  });
  return signReady;
}

// One operation in the signing module at a time: making credentials resets
// the module, which would invalidate a signing between its two steps.
let signingQueue = Promise.resolve();

function exclusive(task) {
  const run = signingQueue.then(task, task);
  signingQueue = run.catch(() => {});
  return run;
}

const noop = () => {};

/** The message of whatever was thrown. */
function messageOf(error) {
  return error?.message ?? String(error);
}

/** WebCrypto, or an `environment` error saying why there is none here. */
function subtle() {
  const subtleCrypto = globalThis.crypto?.subtle;
  if (!subtleCrypto) {
    throw environmentError("this page cannot sign: WebCrypto (crypto.subtle) exists only in a secure context "
      + "(a page served over https://, or from http://localhost)");
  }
  return subtleCrypto;
}

/**
 * Import the key the signing module handed out as a non-extractable
 * Ed25519 CryptoKey; zero the handed-out bytes and reset the module (its
 * memory held the key, and the key derivation's 128 MiB) whatever happens.
 */
async function credentialsFrom(opened) {
  const pkcs8 = opened.signerPkcs8;
  try {
    const key = await subtle().importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
    return {
      key,
      certificateChainPem: opened.certificateChainPem,
      caCertificatePem: opened.caCertificatePem,
      name: opened.name,
    };
  } catch (error) {
    if (error?.kind) throw error;
    throw environmentError(`this browser cannot keep an Ed25519 key in WebCrypto (${messageOf(error)}); `
      + "signing needs Chrome 137, Firefox 129, Safari 17 or later");
  } finally {
    pkcs8.fill(0);
    resetSign();
  }
}

/**
 * Make credentials in the browser as `hallmark keygen` does: a local CA and
 * a signer certificate for `name`. Resolves with `{credentials, backup}`:
 * the credentials sign (their key is a non-extractable CryptoKey; keep the
 * object in IndexedDB), the backup is the CLI's credentials folder with both
 * keys encrypted under `passphrase` — the only copy of the key that can
 * leave the browser.
 */
export async function createCredentials(options) {
  await loadSign();
  return exclusive(async () => {
    const opened = guarded(resetSign, noop, () => issueCredentials(options));
    const { backup } = opened;
    return { credentials: await credentialsFrom(opened), backup };
  });
}

/**
 * Open credentials `hallmark keygen` made, or a backup createCredentials
 * made: `files` holds the folder's `chain.pem` and `signer.key` (text),
 * the key decrypted with `passphrase` and imported non-extractable.
 */
export async function importCredentials(files, passphrase) {
  await loadSign();
  return exclusive(async () => {
    const opened = guarded(resetSign, noop, () => openCredentials(files, passphrase));
    return credentialsFrom(opened);
  });
}

/** Whether `credentials` is what createCredentials or importCredentials made (or a structured clone). */
function checkCredentials(credentials) {
  const ok = typeof CryptoKey === "function" && credentials?.key instanceof CryptoKey
    && credentials.key.algorithm?.name === "Ed25519"
    && typeof credentials.certificateChainPem === "string";
  if (!ok) {
    const error = new TypeError("sign: credentials must be what createCredentials or importCredentials "
      + "resolved with ({key: CryptoKey, certificateChainPem, …}), or a stored copy of it");
    error.kind = "bad_request";
    throw error;
  }
}

/**
 * Sign a file's bytes with `credentials`: the manifest `hallmark sign`
 * makes — the policy (every use not allowed unless `options.policy` says
 * otherwise), title, author, source type, the IPTC mirror and the
 * `io.iscc.v0` soft binding. Resolves with the signed file's bytes. No
 * request leaves the page: the key signs inside the browser.
 */
export async function sign(bytes, mimeType, credentials, options) {
  checkCredentials(credentials);
  const name = typeof options?.name === "string" ? options.name : undefined;
  await loadSign();
  return exclusive(async () => {
    const step = guarded(resetSign, noop, () => signStart(bytes, mimeType, credentials.certificateChainPem, options));
    let signature;
    try {
      signature = new Uint8Array(await subtle().sign({ name: "Ed25519" }, credentials.key, step.toBeSigned));
    } catch (error) {
      step.free();
      if (error?.kind) throw error;
      throw environmentError(`${name ?? "input"}: the browser would not sign with the key (${messageOf(error)})`);
    }
    return guarded(resetSign, noop, () => step.finish(signature));
  });
}

/**
 * Publish a signed file's manifest to a manifest repository (`{repository,
 * token}`), as `hallmark publish` does: `POST {repository}/v1/manifests`,
 * with `Authorization: Bearer TOKEN` when a token is given. Resolves with
 * `{manifestId, created}`. The repository must allow the page's origin
 * (CORS) for publishing.
 */
export async function publish(bytes, mimeType, options) {
  await loadSign();
  const { repository, token, name } = options ?? {};
  const label = typeof name === "string" ? name : "input";
  const url = guarded(resetSign, noop, () => publishUrl(repository));
  const headers = { "content-type": mimeType };
  if (typeof token === "string" && token.length > 0) headers.authorization = `Bearer ${token}`;
  const answer = await ask(url, { method: "POST", headers, body: bytes }, PUBLISH_ANSWER_LIMIT);
  if (answer.error) throw environmentError(`${label}: ${repository}: ${answer.error}`);
  const body = new TextDecoder().decode(answer.body);
  return guarded(resetSign, noop, () => publishAnswer(repository, label, answer.status, body));
}

/** The most of a repository's answer to a publishing that is read. */
const PUBLISH_ANSWER_LIMIT = 64 * 1024;

/**
 * The nginx configuration `hallmark headers --nginx` prints for files a
 * site serves: `files` is `[{uri, report}]`, each report from verify().
 */
export async function nginxSnippet(files) {
  await loadSign();
  return guarded(resetSign, noop, () => nginxSnippetCore(files));
}
