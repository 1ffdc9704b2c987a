// Drives Debian's Chromium through the verifier benchmark (see README.md) and
// prints a Markdown table on stdout. run.sh prepares everything first; usage:
//   node bench.mjs BUILD_DIR INPUT_DIR
// BUILD_DIR holds c2pa-web/ (bundle + wasm) and c2pa-ts/ (bundle); INPUT_DIR the
// signed inputs (photo.jpg, video.mp4) and ca.pem. Results also go to
// BUILD_DIR/../results.json and results.md. Exits 1 if any verifier did not
// verify what it was given (a benchmark of a verifier that silently fails is
// worthless), after printing what it found.

import { execFileSync } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS as ARGS, serve } from "../tests/local-browser.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG = path.resolve(HERE, "../pkg");
const [BUILD, INPUTS] = process.argv.slice(2).map((p) => path.resolve(p));
if (!BUILD || !INPUTS) {
  console.error("usage: node bench.mjs BUILD_DIR INPUT_DIR");
  process.exit(2);
}
const OUT = path.dirname(BUILD);

const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 5);
const VERIFY_RUNS = Number(process.env.BENCH_VERIFY_RUNS ?? 7);
// With BENCH_TRUST_ANCHORS=1 hallmark and c2pa-web are given the example CA as a
// trust anchor (c2pa-ts has no trust-list support either way).
const TRUST_ANCHORS = process.env.BENCH_TRUST_ANCHORS === "1";

/** The files each verifier needs in the browser for JPEG and MP4 (JS + wasm). */
const VERIFIERS = [
  {
    name: "hallmark-wasm",
    files: [
      path.join(PKG, "hallmark_wasm.js"),
      path.join(PKG, "hallmark_wasm_core.js"),
      path.join(PKG, "hallmark_wasm_bg.wasm"),
    ],
  },
  {
    name: "c2pa-web",
    files: [path.join(BUILD, "c2pa-web/c2pa-web.min.js"), path.join(BUILD, "c2pa-web/c2pa_bg.wasm")],
  },
  {
    name: "c2pa-ts",
    files: [path.join(BUILD, "c2pa-ts/c2pa-ts.min.js")],
  },
];

const INPUT_FILES = [
  { key: "jpeg", file: "photo.jpg", mime: "image/jpeg", label: "1 MB JPEG" },
  { key: "mp4", file: "video.mp4", mime: "video/mp4", label: "50 MB MP4" },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** The verifiers in an order that rotates with the repetition, so none is always first. */
const rotated = (list, rep) => list.map((_, i) => list[(i + rep) % list.length]);

function fmtBytes(n) {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}
function fmtMs(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}
/** "median (min–max)" */
function fmtStats(xs) {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const range = hi < 1000 ? `${lo.toFixed(hi >= 100 ? 0 : 1)}–${hi.toFixed(hi >= 100 ? 0 : 1)}` : `${fmtMs(lo)}–${fmtMs(hi)}`;
  return `${fmtMs(median(xs))} (${range})`;
}

async function sizes(files) {
  let raw = 0;
  let gzip = 0;
  const each = [];
  for (const f of files) {
    const r = (await stat(f)).size;
    // gzip -9 as the CLI does it (-n: no name or time stamp in the header).
    const g = execFileSync("gzip", ["-9", "-n", "-c", f], { maxBuffer: 1 << 30 }).length;
    raw += r;
    gzip += g;
    each.push({ file: path.basename(f), raw: r, gzip: g });
  }
  return { raw, gzip, each };
}

function machine() {
  const cpuinfo = execFileSync("cat", ["/proc/cpuinfo"]).toString();
  const model = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) ?? [])[1]?.trim() ?? "unknown";
  return { cpu: model, cores: os.cpus().length, memory: `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB` };
}

/** Did this verifier really verify the hallmark-signed input? Returns a list of problems. */
function problems(name, found) {
  const out = [];
  const bindings = found.bindingMatch ?? [];
  if (!bindings.length) out.push("no hard-binding match status (content hash not checked)");
  if (name === "hallmark-wasm") {
    const want = TRUST_ANCHORS ? ["trusted"] : ["valid"];
    if (!want.includes(found.state)) out.push(`state ${found.state}, expected ${want.join("/")}`);
    if (found.policy?.ai_training !== "notAllowed") out.push(`ai_training ${found.policy?.ai_training}`);
    if (found.mayUse !== "notAllowed") out.push(`mayUse(ai_training) ${found.mayUse}`);
  } else if (name === "c2pa-web") {
    const want = TRUST_ANCHORS ? ["Trusted"] : ["Valid", "Trusted"];
    // Without an anchor c2pa-rs reports signingCredential.untrusted; that is the only failure allowed.
    const real = (found.failures ?? []).filter((c) => TRUST_ANCHORS || c !== "signingCredential.untrusted");
    if (real.length) out.push(`failures ${real.join(", ")}`);
    if (!TRUST_ANCHORS && !want.includes(found.state) && !(found.state === "Invalid" && !real.length)) {
      out.push(`validation_state ${found.state}`);
    }
    if (TRUST_ANCHORS && !want.includes(found.state)) out.push(`validation_state ${found.state}, expected Trusted`);
    if (found.trainingLabel !== "cawg.training-mining") out.push(`no cawg.training-mining assertion (${found.trainingLabel})`);
    if (found.training?.["cawg.ai_training"] !== "notAllowed") out.push(`cawg.ai_training ${found.training?.["cawg.ai_training"]}`);
  } else if (name === "c2pa-ts") {
    if (found.failures?.length) out.push(`failures ${found.failures.join(", ")}`);
    if (found.trainingLabel !== "cawg.training-mining") out.push(`no cawg.training-mining assertion (${found.trainingLabel})`);
    if (found.training?.["cawg.ai_training"] !== "notAllowed") out.push(`cawg.ai_training ${found.training?.["cawg.ai_training"]}`);
  }
  return out;
}

/** Did this verifier reject the tampered copy (a hash mismatch, or an invalid verdict)? */
function rejected(name, found) {
  if (found.error) return true;
  const mismatch = (found.failures ?? []).some((c) => /mismatch/i.test(c));
  if (name === "hallmark-wasm") return found.state === "invalid" && mismatch;
  if (name === "c2pa-web") return found.state === "Invalid" && mismatch;
  return mismatch;
}

async function main() {
  const { server, origin } = await serve({
    "/bench/": path.join(HERE, "www"),
    "/hallmark/": PKG,
    "/c2pa-web/": path.join(BUILD, "c2pa-web"),
    "/c2pa-ts/": path.join(BUILD, "c2pa-ts"),
    "/inputs/": INPUTS,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const chromiumVersion = browser.version();
  const results = Object.fromEntries(VERIFIERS.map((v) => [v.name, {
    init: [], fetched: new Set(), verify: {}, found: {}, tampered: {}, problems: {}, support: {}, errors: [],
  }]));
  const foreign = [];

  /** A fresh context (own empty cache) with one page of verifier `name`. */
  async function openPage(name) {
    const context = await browser.newContext();
    context.on("request", (request) => {
      const url = request.url();
      if (url.startsWith(origin)) {
        const p = new URL(url).pathname;
        if (!p.startsWith("/bench/") && !p.startsWith("/inputs/")) results[name].fetched.add(p);
      } else if (!url.startsWith("blob:") && !url.startsWith("data:")) {
        foreign.push({ verifier: name, url });
      }
    });
    const page = await context.newPage();
    page.on("pageerror", (e) => results[name].errors.push(`pageerror: ${e.message}`));
    page.on("response", (r) => { if (r.status() >= 400) results[name].errors.push(`HTTP ${r.status()} ${r.url()}`); });
    page.on("console", (m) => { if (m.type() === "error") results[name].errors.push(`console: ${m.text()}`); });
    const q = TRUST_ANCHORS ? "&anchors=1" : "";
    await page.goto(`${origin}/bench/bench.html?v=${encodeURIComponent(name)}${q}`);
    await page.waitForFunction(() => window.initMillis !== undefined || window.initError !== undefined, null, { timeout: 120_000 });
    const { initMillis, initError } = await page.evaluate(() => ({ initMillis: window.initMillis, initError: window.initError }));
    if (initError) throw new Error(`${name} failed to initialise: ${initError}`);
    return { context, page, initMillis };
  }

  const names = VERIFIERS.map((v) => v.name);
  try {
    // 1. Time to initialise: a fresh context and page per load, verifiers interleaved.
    //    One round first that is not counted: it starts Chromium's renderer and
    //    network processes, which would otherwise burden whichever verifier came first.
    for (const name of names) await (await openPage(name)).context.close();
    for (let rep = 0; rep < INIT_RUNS; rep++) {
      for (const name of rotated(names, rep)) {
        const { context, initMillis } = await openPage(name);
        results[name].init.push(initMillis);
        await context.close();
      }
      process.stderr.write(`init round ${rep + 1}/${INIT_RUNS} done\n`);
    }

    // 2. Verification: one page per verifier, inputs in memory, one warm-up, then
    //    VERIFY_RUNS timed calls per input, verifiers interleaved and rotated.
    const pages = {};
    for (const name of names) pages[name] = await openPage(name);
    for (const input of INPUT_FILES) {
      for (const name of names) {
        const { page } = pages[name];
        const loaded = await page.evaluate(([k, u, m]) => window.bench.load(k, u, m), [input.key, `/inputs/${input.file}`, input.mime]);
        results[name].support[input.key] = loaded;
        if (!loaded.supported) continue;
        await page.bringToFront();
        await page.evaluate((k) => window.bench.time(k), input.key); // warm-up
        const found = await page.evaluate((k) => window.bench.describe(k), input.key);
        results[name].found[input.key] = found;
        results[name].problems[input.key] = problems(name, found);
        results[name].verify[input.key] = [];
      }
      for (let rep = 0; rep < VERIFY_RUNS; rep++) {
        for (const name of rotated(names, rep)) {
          if (!results[name].support[input.key].supported) continue;
          const { page } = pages[name];
          await page.bringToFront();
          results[name].verify[input.key].push(await page.evaluate((k) => window.bench.time(k), input.key));
        }
      }
      // The last timed call must have found the same as the warm-up, and a copy
      // with one byte of media data flipped must be rejected (untimed).
      for (const name of names) {
        if (!results[name].support[input.key].supported) continue;
        const { page } = pages[name];
        const last = await page.evaluate((k) => window.bench.describe(k), input.key);
        if (JSON.stringify(last) !== JSON.stringify(results[name].found[input.key])) {
          results[name].problems[input.key].push("last timed call found something else than the warm-up");
        }
        const tampered = await page.evaluate(async (k) => {
          window.bench.tamper(`${k}-tampered`, k);
          await window.bench.time(`${k}-tampered`);
          const found = window.bench.describe(`${k}-tampered`);
          window.bench.drop(`${k}-tampered`);
          return found;
        }, input.key);
        results[name].tampered[input.key] = tampered;
        if (!rejected(name, tampered)) {
          results[name].problems[input.key].push(`a tampered copy was not rejected: ${JSON.stringify(tampered)}`);
        }
      }
      process.stderr.write(`verify ${input.label} done\n`);
    }
    for (const name of names) await pages[name].context.close();
  } finally {
    await browser.close();
    server.close();
  }

  // 3. Report.
  const now = new Date();
  const host = machine();
  const rows = [];
  let failed = false;
  const json = { date: now.toISOString(), machine: { ...host, chromium: chromiumVersion }, trustAnchors: TRUST_ANCHORS, verifiers: {}, foreignRequests: foreign };
  for (const v of VERIFIERS) {
    const r = results[v.name];
    const size = await sizes(v.files);
    const notes = [];
    const cells = [];
    for (const input of INPUT_FILES) {
      const support = r.support[input.key];
      if (!support?.supported) {
        cells.push("not supported");
        const probe = support?.probe;
        notes.push(`${input.key.toUpperCase()}: not read (detected: ${probe?.detected ?? "none"}; BMFF.canRead=${probe?.bmff?.canRead}; new BMFF(): ${probe?.bmff?.constructError ?? "no error"})`);
        continue;
      }
      const bad = r.problems[input.key];
      if (bad.length) {
        failed = true;
        cells.push(`FAILED (${fmtMs(median(r.verify[input.key]))})`);
        notes.push(`${input.key.toUpperCase()} NOT VERIFIED: ${bad.join("; ")}`);
      } else {
        const xs = r.verify[input.key];
        const t = r.tampered[input.key];
        notes.push(`${input.key.toUpperCase()} with one byte flipped: ${t.error ? `error "${t.error}"` : (t.failures ?? []).filter((c) => /mismatch/i.test(c)).join(", ")}`);
        cells.push(fmtStats(xs));
      }
    }
    const fetched = [...r.fetched].map((p) => path.basename(p)).sort();
    const expected = v.files.map((f) => path.basename(f)).sort();
    if (JSON.stringify(fetched) !== JSON.stringify(expected)) notes.push(`page fetched ${fetched.join(", ")}`);
    if (r.errors.length) notes.push(`page errors: ${[...new Set(r.errors)].slice(0, 3).join(" | ")}`);
    json.verifiers[v.name] = {
      files: size.each, raw: size.raw, gzip: size.gzip, fetched,
      initMillis: r.init, verifyMillis: r.verify, found: r.found, tampered: r.tampered, problems: r.problems, support: r.support, errors: r.errors,
    };
    const init = fmtStats(r.init);
    rows.push({ name: v.name, raw: fmtBytes(size.raw), gzip: fmtBytes(size.gzip), init, cells, notes });
  }

  const lines = [];
  lines.push(`| verifier | download raw | gzip -9 | init median (N=${INIT_RUNS}) | 1 MB JPEG median (N=${VERIFY_RUNS}) | 50 MB MP4 median (N=${VERIFY_RUNS}) | notes |`);
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
  const NOTES = {
    "hallmark-wasm": "pkg as built: hallmark_wasm.js + hallmark_wasm_core.js + hallmark_wasm_bg.wasm (PDF module not fetched)",
    "c2pa-web": "esbuild bundle of the ESM entry (worker inlined) + c2pa_bg.wasm; verifies in a Web Worker; time = reader.fromBlob + manifestStore()",
    "c2pa-ts": "esbuild bundle of the verify path, pure JS; no trust-list validation",
  };
  for (const row of rows) {
    const notes = [NOTES[row.name], ...row.notes].join("; ");
    lines.push(`| ${row.name} | ${row.raw} | ${row.gzip} | ${row.init} | ${row.cells[0]} | ${row.cells[1]} | ${notes} |`);
  }
  lines.push("");
  lines.push("Times are medians, (min–max) in brackets; sizes are the files on disk, gzip -9.");
  lines.push(`Machine: ${host.cpu}, ${host.cores} cores, ${host.memory}; Chromium ${chromiumVersion} (headless); ${now.toISOString().slice(0, 10)}.`);
  lines.push(`Inputs: ${INPUT_FILES.map((i) => `${i.file} ${(results[names[0]].support[i.key]?.bytes / 1e6).toFixed(2)} MB`).join(", ")}, signed by the hallmark CLI; trust anchors ${TRUST_ANCHORS ? "given (example CA) to hallmark-wasm and c2pa-web" : "not given"}.`);
  lines.push(`Requests to anything but 127.0.0.1 during the run: ${foreign.length ? foreign.map((f) => `${f.verifier}: ${f.url}`).join(", ") : "none"}.`);

  const found = ["", "What each verifier found (warm-up call):", ""];
  for (const name of names) {
    for (const input of INPUT_FILES) {
      const f = results[name].found[input.key];
      if (f) found.push(`- ${name} / ${input.file}: ${JSON.stringify(f)}`);
    }
  }

  const table = lines.join("\n");
  await writeFile(path.join(OUT, "results.md"), `${table}\n${found.join("\n")}\n`);
  await writeFile(path.join(OUT, "results.json"), `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`${table}\n${found.join("\n")}\n`);
  if (failed) {
    console.error("at least one verifier did not verify its input (see notes)");
    process.exitCode = 1;
  }
}

await main();
