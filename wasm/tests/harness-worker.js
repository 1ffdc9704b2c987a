// The API harness's verifier: a module Worker that verifies with the
// published package and answers the page, which terminates it when an answer
// does not come in time. Nothing here interprets the results.
//
// In:  {id, type: "verify", entry: {file, mime, name, trust, arrayBuffer}}  (trust: PEM
//      anchors and, ending in .json, identity issuers' DID documents)
//      {id, type: "edges", files: {jpeg, pdf, garbage, anchor}}
//      {id, type: "hang"}   spins for ever, so the page's watchdog can be tested
// Out: {type: "ready", initMillis} | {type: "failed", error} once, then {id, result} per job.

import init, { verify, mayUse, formatOf, words } from "/pkg/hallmark_wasm.js";

const KINDS = ["ai_training", "ai_generative_training", "ai_inference", "data_mining"];

const started = performance.now();
const ready = init();
ready.then(
  (exports) => self.postMessage({ type: "ready", initMillis: performance.now() - started, hasMemory: !!exports.memory }),
  (error) => self.postMessage({ type: "failed", error: String(error?.message ?? error) }),
);

async function bytesOf(file) {
  const response = await fetch(`/corpus/${file}`);
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function text(file) {
  const response = await fetch(`/corpus/${file}`);
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return response.text();
}

/**
 * What a call that should fail did: its error's class, name, hallmark kind
 * (`errorKind`, the error's `kind` property) and message, or what it returned.
 */
async function failure(call) {
  try {
    return { returned: await call() };
  } catch (error) {
    return {
      kind: error?.constructor?.name ?? typeof error,
      isError: error instanceof Error,
      name: error?.name ?? null,
      errorKind: error?.kind ?? null,
      message: String(error?.message ?? error),
    };
  }
}

/** A PEM block that says CERTIFICATE but holds no certificate ("not a certificate", in base64). */
const BAD_ANCHOR = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";

async function verifyEntry(entry) {
  const u8 = await bytesOf(entry.file);
  const bytes = entry.arrayBuffer ? u8.buffer : u8;
  // Corpus files ending in .json are identity issuers' DID documents; the rest are PEM anchors.
  const trust = entry.trust ?? [];
  const options = { trustAnchors: await Promise.all(trust.filter((f) => !f.endsWith(".json")).map(text)) };
  const issuers = trust.filter((f) => f.endsWith(".json"));
  if (issuers.length) options.identityIssuers = await Promise.all(issuers.map(text));
  if (entry.name !== null && entry.name !== undefined) options.name = entry.name;
  const t0 = performance.now();
  try {
    const report = await verify(bytes, entry.mime, options);
    const answers = Object.fromEntries(KINDS.map((k) => [k, mayUse(report, k)]));
    return { file: entry.file, report, answers, millis: performance.now() - t0 };
  } catch (error) {
    return { file: entry.file, error: String(error?.message ?? error), isError: error instanceof Error };
  }
}

/** The API's edges: input types, options, names in errors, formatOf, PDF loading, recovery from a trap. */
async function edges({ jpeg, pdf, garbage, anchor }) {
  const out = {};
  const jpegBytes = await bytesOf(jpeg);
  const pdfBytes = await bytesOf(pdf);
  const garbageBytes = await bytesOf(garbage);
  const pem = await text(anchor);

  const fromView = await verify(jpegBytes, "image/jpeg", { trustAnchors: [pem], name: jpeg });
  const fromBuffer = await verify(jpegBytes.slice().buffer, "image/jpeg", { trustAnchors: [pem], name: jpeg });
  out.arrayBuffer = { view: fromView, buffer: fromBuffer };

  out.unknownOption = await failure(() => verify(jpegBytes, "image/jpeg", { trustAnchor: [pem] }));
  out.optionsNotObject = await failure(() => verify(jpegBytes, "image/jpeg", "photo.jpg"));
  out.nameNotString = await failure(() => verify(jpegBytes, "image/jpeg", { name: 7 }));
  out.bytesArray = await failure(() => verify([0xff, 0xd8, 0xff], "image/jpeg", { name: "photo.jpg" }));
  out.bytesString = await failure(() => verify("photo.jpg", "image/jpeg"));
  out.namedError = await failure(() => verify(garbageBytes, "image/jpeg", { name: "photo.jpg" }));
  out.unnamedError = await failure(() => verify(garbageBytes, "image/jpeg"));
  // Whose problem an error is, without reading its message: the file, or the set-up.
  out.damaged = await failure(() => verify(jpegBytes.slice(0, jpegBytes.length / 2), "image/jpeg", { name: jpeg }));
  out.badAnchor = await failure(() => verify(jpegBytes, "image/jpeg", { trustAnchors: [pem, BAD_ANCHOR], name: jpeg }));
  out.badKind = await failure(() => mayUse(fromView, "training"));
  // The library's words, as the pages get them.
  out.words = words();
  out.formatOf = {
    jpegGeneric: formatOf(jpegBytes, "application/octet-stream"),
    jpegClaimedPng: formatOf(jpegBytes.buffer, "image/png"),
    pdfClaimedJpeg: formatOf(pdfBytes, "image/jpeg"),
    garbage: formatOf(garbageBytes, "image/jpeg"),
  };

  // Two PDFs at once, first PDFs of this worker: the PDF module is fetched once.
  const pdfModuleFetches = () => performance.getEntriesByType("resource")
    .filter((e) => e.name.endsWith("/hallmark_wasm_pdf_bg.wasm")).length;
  const before = pdfModuleFetches();
  const both = await Promise.all([
    verify(pdfBytes, "application/pdf", { name: pdf }),
    verify(pdfBytes.buffer, "application/octet-stream", { name: pdf }),
  ]);
  out.pdf = { before, after: pdfModuleFetches(), states: both.map((r) => r.state), formats: both.map((r) => r.format) };

  // A trap: wreck the core module's memory as a Rust panic or a wild write
  // could. The call that meets it fails with the RuntimeError; the next call
  // gets a fresh instance and the right answer.
  const exports = await init();
  new Uint8Array(exports.memory.buffer).fill(0xff);
  out.trap = {
    first: await failure(() => verify(jpegBytes, "image/jpeg", { trustAnchors: [pem], name: jpeg })),
    then: await failure(() => verify(jpegBytes, "image/jpeg", { trustAnchors: [pem], name: jpeg })),
    expected: fromView,
  };
  return out;
}

self.onmessage = async ({ data }) => {
  await ready.catch(() => {});
  let result;
  if (data.type === "hang") {
    for (;;) { /* never answers */ }
  } else if (data.type === "verify") {
    result = await verifyEntry(data.entry);
  } else if (data.type === "edges") {
    result = await edges(data.files).catch((error) => ({ failed: String(error?.stack ?? error) }));
  } else {
    result = { failed: `unknown job ${data.type}` };
  }
  self.postMessage({ id: data.id, result });
};
