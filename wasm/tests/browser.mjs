// Drives Debian's Chromium through the hallmark browser tests and prints the
// results as one JSON object on stdout; the Rust test suite (tests/browser)
// decides what passes. Usage:
//   node browser.mjs api CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs demo CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs extension CORPUS_DIR ARTIFACTS_DIR
// A browser that cannot start is an error (exit 1), never a skip.

import { createServer } from "node:http";
import { readFile, stat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WASM = path.resolve(HERE, "..");
const CHROMIUM = process.env.HALLMARK_CHROMIUM ?? "/usr/bin/chromium";
// Flags for a sandboxed CI machine with no network (see the README's test notes).
const ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm",
  ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
  ".webp": "image/webp", ".svg": "image/svg+xml", ".pem": "text/plain", ".txt": "text/plain",
};

/** Serve `mounts` ({ "/prefix/": dir }) on 127.0.0.1 with an ephemeral port. */
export async function serve(mounts) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    const mount = Object.keys(mounts).find((m) => url.pathname.startsWith(m));
    if (!mount) { res.writeHead(404).end(); return; }
    const file = path.join(mounts[mount], decodeURIComponent(url.pathname.slice(mount.length)));
    if (!file.startsWith(mounts[mount])) { res.writeHead(403).end(); return; }
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? path.join(file, "index.html") : file;
      const body = await readFile(target);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(target).toLowerCase()] ?? "application/octet-stream",
        "cache-control": "no-store",
        "access-control-allow-origin": "*",
      }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

async function launch() {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  } catch (error) {
    throw new Error(`Chromium could not start (${CHROMIUM}): ${error.message}`);
  }
}

async function readCorpus(corpusDir) {
  return JSON.parse(await readFile(path.join(corpusDir, "corpus.json"), "utf8"));
}

/** The API suite: verify every corpus file in a page, with timings. */
async function api(corpusDir, artifacts) {
  const corpus = await readCorpus(corpusDir);
  const { server, origin } = await serve({ "/pkg/": path.join(WASM, "pkg"), "/corpus/": corpusDir, "/tests/": HERE });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const console = [];
    page.on("console", (m) => console.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => console.push(`pageerror: ${e.message}`));
    await page.goto(`${origin}/tests/harness.html`);
    await page.waitForFunction(() => document.getElementById("ready").textContent === "ready", null, { timeout: 60_000 });
    const results = await page.evaluate(([entries]) => window.runCorpus(entries, 30_000), [corpus]);
    // The page must still answer after every hostile input.
    const alive = await page.evaluate(() => 1 + 1);
    await page.screenshot({ path: path.join(artifacts, "api.png") });
    return { results, alive: alive === 2, initMillis: await page.evaluate(() => window.initMillis), console };
  } finally {
    await browser.close();
    server.close();
  }
}

const SUITES = { api };

const [suite, corpusDir, artifacts] = process.argv.slice(2);
if (!SUITES[suite] || !corpusDir || !artifacts) {
  console.error(`usage: node browser.mjs ${Object.keys(SUITES).join("|")} CORPUS_DIR ARTIFACTS_DIR`);
  process.exit(2);
}
try {
  const outcome = await SUITES[suite](path.resolve(corpusDir), path.resolve(artifacts));
  process.stdout.write(JSON.stringify(outcome) + "\n");
} catch (error) {
  console.error(String(error?.stack ?? error));
  process.exit(1);
}
