// The signing benchmark (see signing.sh, which prepares the inputs):
//   HALLMARK=path/to/hallmark node signing.mjs OUT_DIR
// OUT_DIR holds photos/*.jpg and batch/*.jpg. Prints a Markdown table on
// stdout and writes the raw numbers to OUT_DIR/results.json.
//
// 1. Per image: each browser (over WebDriver BiDi) makes credentials, signs
//    one photograph to load the signing module, then signs every photograph
//    RUNS times; the best of each, then the median over the photographs.
//    The CLI signs the same folder with `hallmark sign -j 1` RUNS times (best
//    run): per image is that run's time over the number of photographs (the
//    process start and the key's decryption included), and the marginal time
//    per image subtracts a run on one photograph.
// 2. Memory: the studio page in Chromium signs 500 files; the resident memory
//    of its renderer processes (the page, its worker and service worker;
//    proportional set size, so shared pages count once) and of the browser
//    process is sampled every 250 ms and reported per 100 files done.

import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch, openHarness } from "../tests/bidi-browser.mjs";
import { serve } from "../tests/local-browser.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WASM = path.resolve(HERE, "..");
const ROOT = path.resolve(WASM, "..");
const [OUT] = process.argv.slice(2).map((p) => path.resolve(p));
const HALLMARK = process.env.HALLMARK;
if (!OUT || !HALLMARK) {
  console.error("usage: HALLMARK=path/to/hallmark node signing.mjs OUT_DIR");
  process.exit(2);
}
const RUNS = Number(process.env.BENCH_SIGN_RUNS ?? 3);
const PHOTOS = path.join(OUT, "photos");
const BATCH = path.join(OUT, "batch");

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function jpegs(dir) {
  return (await readdir(dir)).filter((f) => f.endsWith(".jpg")).sort();
}

/** Per-image signing times in one browser, in milliseconds, signing with `options`. */
async function browserTimes(which, photos, options = {}) {
  const { server, origin } = await serve({ "/pkg/": path.join(WASM, "pkg"), "/tests/": path.join(WASM, "tests"), "/photos/": PHOTOS });
  const browser = await launch(which);
  try {
    const page = await browser.newPage();
    await openHarness(page, origin);
    const call = (name, ...args) => page.evaluate((n, a) => window.harness[n](...a), name, args);
    const urls = photos.map((p) => `${origin}/photos/${p}`);
    for (const url of urls) await call("load", url);
    await call("create", "bench", { name: "Bench Artist", passphrase: "a benchmark passphrase" });
    const first = (await call("sign", "bench", urls[0], "image/jpeg", { name: photos[0] })).millis;
    const best = [];
    for (const [index, url] of urls.entries()) {
      let fastest = Infinity;
      for (let run = 0; run < RUNS; run += 1) {
        // Only the time comes back: the signed bytes stay in the page.
        const millis = await page.evaluate(async (u, name, extra) => {
          const h = window.harness;
          const started = performance.now();
          await h.sign("bench", u, "image/jpeg", { name, ...extra });
          return performance.now() - started;
        }, url, photos[index], options);
        fastest = Math.min(fastest, millis);
      }
      best.push(fastest);
    }
    return { version: await browser.version(), firstMillis: first, perImageMillis: median(best), best };
  } finally {
    await browser.close();
    server.close();
  }
}

/** The CLI's time to sign `files` from `dir` with -j 1: the best of RUNS, in milliseconds. */
function cliMillis(files) {
  let best = Infinity;
  for (let run = 0; run < RUNS; run += 1) {
    const out = path.join(os.tmpdir(), `hallmark-bench-sign-${process.pid}`);
    const started = process.hrtime.bigint();
    execFileSync(HALLMARK, ["sign", "-j", "1", "--force", "--credentials", path.join(ROOT, "keys-example"),
      "-o", out, ...files], { env: { ...process.env, HALLMARK_PASSPHRASE: "hallmark-example" }, stdio: "ignore" });
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
    execFileSync("rm", ["-rf", out]);
  }
  return best;
}

/** Every process under `root` (its descendants and itself): pid → command line. */
async function processTree(root) {
  const parents = new Map();
  const commands = new Map();
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      parents.set(Number(pid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      commands.set(Number(pid), (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").join(" "));
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Map([[root, commands.get(root) ?? ""]]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.set(pid, commands.get(pid) ?? "");
        grew = true;
      }
    }
  }
  return tree;
}

/**
 * Memory (KiB) of the processes `pids`: their proportional set size, so
 * that pages they share (the browser's own code) are counted once.
 */
async function residentKib(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8");
      total += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** The studio signing the 500-file batch in Chromium, its renderer memory sampled. */
async function studioBatch(files) {
  const { server, origin } = await serve({ "/": WASM });
  const browser = await launch("chromium");
  const root = browser.process()?.pid;
  if (!root) throw new Error("the browser's process is not known: cannot measure its memory");
  const samples = [];
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/studio/index.html`);
    await page.waitForSelector("#credentials-none:not([hidden])", { timeout: 60_000 });
    await page.type("#create-name", "Batch Artist");
    await page.type("#create-passphrase", "batch passphrase 1");
    await page.type("#create-confirm", "batch passphrase 1");
    await page.click("#create");
    await page.waitForSelector("#credentials-ready:not([hidden])", { timeout: 120_000 });
    const input = await page.$("#files");
    const started = Date.now();
    await input.uploadFile(...files.map((f) => path.join(BATCH, f)));
    for (;;) {
      const done = await page.$eval("#progress", (p) => p.value);
      const tree = await processTree(root);
      const renderers = [...tree].filter(([, c]) => c.includes("--type=renderer")).map(([p]) => p);
      const renderer = await residentKib(renderers);
      const browserMain = await residentKib([root]);
      samples.push({ seconds: (Date.now() - started) / 1000, done, renderers: renderers.length, rendererKib: renderer, browserKib: browserMain });
      const idle = await page.$eval("#status", (s) => s.dataset.busy === "false" && s.textContent.startsWith("Done"));
      if (idle && done >= files.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const signed = await page.$$eval("#results li[data-state=signed]", (items) => items.length);
    return { seconds: (Date.now() - started) / 1000, signed, samples };
  } finally {
    await browser.close();
    server.close();
  }
}

const photos = await jpegs(PHOTOS);
const batch = await jpegs(BATCH);
const results = { machine: `${os.cpus().length} × ${os.cpus()[0]?.model}`, runs: RUNS, photos: photos.length };
for (const which of ["chromium", "firefox"]) results[which] = await browserTimes(which, photos);
// Where the time goes: the same without the fingerprint (decoding the image, the ISCC code).
results.chromiumNoSoftBinding = await browserTimes("chromium", photos, { softBinding: false });
const all = cliMillis(photos.map((p) => path.join(PHOTOS, p)));
const one = cliMillis([path.join(PHOTOS, photos[0])]);
results.cli = { allMillis: all, oneMillis: one, perImageMillis: all / photos.length, marginalMillis: (all - one) / (photos.length - 1) };
results.studio = await studioBatch(batch);
await writeFile(path.join(OUT, "results.json"), JSON.stringify(results, null, 2));

const ms = (v) => `${v.toFixed(0)} ms`;
const lines = [
  `Signing ${photos.length} JPEGs (1600×1080, about 1 MB each), best of ${RUNS}; ${results.machine}.`,
  "",
  "| signer | per image | vs `hallmark sign -j 1` (per image) | vs the CLI's marginal time |",
  "| --- | --- | --- | --- |",
];
for (const which of ["chromium", "firefox"]) {
  const r = results[which];
  lines.push(`| ${r.version} (\`sign\`, first signature ${ms(r.firstMillis)}) | ${ms(r.perImageMillis)} | `
    + `${(r.perImageMillis / results.cli.perImageMillis).toFixed(2)}× | ${(r.perImageMillis / results.cli.marginalMillis).toFixed(2)}× |`);
}
lines.push(`| ${results.chromiumNoSoftBinding.version}, \`softBinding: false\` (no fingerprint) | `
  + `${ms(results.chromiumNoSoftBinding.perImageMillis)} | `
  + `${(results.chromiumNoSoftBinding.perImageMillis / results.cli.perImageMillis).toFixed(2)}× | |`);
lines.push(`| \`hallmark sign -j 1\` (whole process over ${photos.length} files; marginal ${ms(results.cli.marginalMillis)}) | `
  + `${ms(results.cli.perImageMillis)} | 1× | |`);
lines.push("");
const idle = results.studio.samples[0];
const windows = [`| none yet (the signature made) | ${(idle.rendererKib / 1024).toFixed(0)} MiB | ${(idle.browserKib / 1024).toFixed(0)} MiB |`];
for (let upTo = 100; upTo <= batch.length; upTo += 100) {
  const inWindow = results.studio.samples.filter((s) => s.done > upTo - 100 && s.done <= upTo);
  const peak = Math.max(...inWindow.map((s) => s.rendererKib));
  const browserPeak = Math.max(...inWindow.map((s) => s.browserKib));
  windows.push(`| ${upTo - 99}–${upTo} | ${(peak / 1024).toFixed(0)} MiB | ${(browserPeak / 1024).toFixed(0)} MiB |`);
}
lines.push(`The studio in Chromium signing ${batch.length} JPEGs (800×600): ${results.studio.signed} signed in `
  + `${results.studio.seconds.toFixed(0)} s. Peak memory (proportional set size) while signing:`, "",
  "| files done | renderers (page, worker, service worker) | browser process |", "| --- | --- | --- |", ...windows);
console.log(lines.join("\n"));
await rm(path.join(os.tmpdir(), `hallmark-bench-sign-${process.pid}`), { recursive: true, force: true });
