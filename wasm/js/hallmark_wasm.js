// hallmark-wasm: verify Content Credentials and their "do not train" policy in the browser.
//
// Most formats are verified by the core module (hallmark_wasm_bg.wasm). PDF
// needs a parser most pages never use, so a second module that includes it
// is fetched only when a PDF is verified.
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
  formatOf as formatOfCore,
  mayUse as mayUseCore,
  verify as verifyCore,
  words as wordsCore,
  warmUp,
  __wbg_reset_state as resetCore,
} from "./hallmark_wasm_core.js";

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
 * The words hallmark uses for people, from the library (the words the CLI
 * prints): kinds of use, answers, states, how a policy entry reads.
 */
export function words() {
  return guarded(resetCore, warmUp, () => wordsCore());
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
