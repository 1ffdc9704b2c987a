// The studio's worker: all of hallmark's WebAssembly runs here, so the page
// stays responsive. It makes and opens credentials, signs one file at a time
// (and checks each signed file with the verifier), and gives the page the
// library's words and the nginx lines.
//
// In:  {type: 'create', id, name, passphrase}
//      {type: 'import', id, files: {"chain.pem", "signer.key"}, passphrase}
//      {type: 'sign', id, buffer (transferred), mimeType, name, credentials, options}
//      {type: 'publish', id, buffer (transferred), mimeType, name, repository, token}
//      {type: 'nginx', id, files: [{uri, report}]}
// Out: {type: 'words', words} once loaded, or {type: 'words', error}
//      {type: 'done', id, ...result}            (create: credentials, backup; import: credentials;
//                                                sign: buffer (transferred), crc32, report, ms;
//                                                publish: published; nginx: text)
//      {type: 'failed', id, message, kind}      the file or request could not be handled; the
//                                                worker goes on with the next

import init, { createCredentials, importCredentials, nginxSnippet, publish, sign, verify, words } from '../pkg/hallmark_wasm.js';
import { crc32 } from './zip.js';

const ready = init()
  .then(() => self.postMessage({ type: 'words', words: words() }))
  .catch((error) => {
    self.postMessage({ type: 'words', error: `could not load hallmark: ${error?.message ?? error}` });
    throw error;
  });
ready.catch(() => {});

// One job at a time, in arrival order: a file is read, signed and handed
// back before the next is looked at, so memory stays flat.
let queue = Promise.resolve();

self.onmessage = ({ data }) => {
  queue = queue.then(() => run(data));
};

const jobs = {
  async create({ name, passphrase }) {
    return createCredentials({ name, passphrase });
  },
  async import({ files, passphrase }) {
    return { credentials: await importCredentials(files, passphrase) };
  },
  async sign({ buffer, mimeType, name, credentials, options }) {
    const started = performance.now();
    const signed = await sign(buffer, mimeType, credentials, { ...options, name });
    const ms = performance.now() - started;
    // Read back as any verifier would: under the artist's own CA.
    const report = await verify(signed, mimeType, { name, trustAnchors: [credentials.caCertificatePem] });
    const crc = crc32(signed);
    return { transfer: [signed.buffer], buffer: signed.buffer, crc32: crc, report, ms };
  },
  async publish({ buffer, mimeType, name, repository, token }) {
    return { published: await publish(buffer, mimeType, { repository, token: token || undefined, name }) };
  },
  async nginx({ files }) {
    return { text: await nginxSnippet(files) };
  },
};

async function run(message) {
  const { id, type } = message ?? {};
  const job = jobs[type];
  if (!job) return;
  try {
    await ready;
    const { transfer = [], ...result } = await job(message);
    self.postMessage({ type: 'done', id, ...result }, transfer);
  } catch (error) {
    self.postMessage({
      type: 'failed',
      id,
      message: error?.message ?? String(error),
      kind: error?.kind ?? (error instanceof WebAssembly.RuntimeError ? 'internal' : 'environment'),
    });
  }
}
