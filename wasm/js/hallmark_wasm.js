// hallmark-wasm: verify Content Credentials and their "do not train" policy in the browser.
//
// Most formats are verified by the core module (hallmark_wasm_bg.wasm). PDF
// needs a parser most pages never use, so a second module that includes it
// is fetched only when a PDF is verified.

import initCore, { initSync as initSyncCore, mayUse, verify as verifyCore, warmUp } from "./hallmark_wasm_core.js";

export { mayUse, warmUp };

let pdfModule;

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

/** Whether the bytes or the declared type say PDF ("%PDF-" within the first KiB). */
function isPdf(bytes, mimeType) {
  if (typeof mimeType === "string" && mimeType.split(";")[0].trim().toLowerCase() === "application/pdf") {
    return true;
  }
  const head = bytes.subarray ? bytes.subarray(0, 1024) : bytes.slice(0, 1024);
  for (let i = 0; i + 4 < head.length; i++) {
    if (head[i] === 0x25 && head[i + 1] === 0x50 && head[i + 2] === 0x44 && head[i + 3] === 0x46 && head[i + 4] === 0x2d) {
      return true;
    }
  }
  return false;
}

/** Verify a file's bytes; resolves with the report, rejects with an Error that says why. */
export async function verify(bytes, mimeType, options) {
  if (!isPdf(bytes, mimeType)) {
    return verifyCore(bytes, mimeType, options);
  }
  if (!pdfModule) {
    const module = await import("./hallmark_wasm_pdf.js");
    await module.default({ module_or_path: new URL("./hallmark_wasm_pdf_bg.wasm", import.meta.url) });
    module.warmUp();
    pdfModule = module;
  }
  return pdfModule.verify(bytes, mimeType, options);
}
