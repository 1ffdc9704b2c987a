// Drives Debian's Chromium through the hallmark browser tests and prints the
// results as one JSON object on stdout; the Rust test suite (tests/browser)
// decides what passes. Usage:
//   node browser.mjs api CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs demo CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs extension CORPUS_DIR ARTIFACTS_DIR
// A browser that cannot start is an error (exit 1), never a skip.

import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS as ARGS, serve } from "./local-browser.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WASM = path.resolve(HERE, "..");
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

/** Read every result card of the demo page. */
function demoCards(page) {
  return page.$$eval("article.report", (cards) =>
    cards.map((card) => ({
      file: card.dataset.file,
      state: card.dataset.state,
      verdict: card.querySelector(".verdict")?.textContent ?? "",
      failures: [...card.querySelectorAll(".failures li")].map((li) => li.dataset.code),
      uses: [...card.querySelectorAll(".policy-list li")].map((li) => li.textContent),
      answer: card.querySelector("p.answer")?.dataset.answer ?? null,
      text: card.innerText,
    })));
}

/** Pick files on the demo page and wait until the queue is empty. */
async function demoPick(page, paths) {
  await page.setInputFiles("#files", paths);
  await page.waitForFunction(() => {
    const status = document.getElementById("status");
    return status.dataset.busy === "false" && status.textContent.startsWith("Done");
  }, null, { timeout: 120_000 });
}

/** The demo page suite: files picked through the file input, reports in words. */
async function demo(corpusDir, artifacts) {
  const { server, origin } = await serve({ "/": WASM });
  const browser = await launch();
  const files = ["hallmark-sample.jpg", "tampered.jpg", "unsigned-sample.png", "garbage.jpg",
    "hallmark-sample.wav", "python-sample.pdf"].map((f) => path.join(corpusDir, f));
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}/www/index.html`);
    await demoPick(page, files);
    const untrusted = await demoCards(page);
    await page.screenshot({ path: path.join(artifacts, "demo.png"), fullPage: true });
    await page.click("#clear");
    await page.fill("#trust", await readFile(path.join(corpusDir, "anchors/example-ca.pem"), "utf8"));
    await demoPick(page, [path.join(corpusDir, "hallmark-sample.jpg")]);
    const trusted = await demoCards(page);
    return { untrusted, trusted, errors };
  } finally {
    await browser.close();
    server.close();
  }
}

/** Every checked image of the extension's test page, with its badge. */
function extensionImages(page) {
  return page.$$eval("img", (images) => {
    const badges = [...document.querySelectorAll("span.hallmark-badge")];
    return images.map((img) => {
      const box = img.getBoundingClientRect();
      // The badge sits at the image's top-left corner.
      const badge = badges.find((b) => {
        const r = b.getBoundingClientRect();
        return Math.abs(r.left - box.left) < 12 && Math.abs(r.top - box.top) < 12;
      });
      return {
        id: img.id,
        state: img.dataset.hallmarkState ?? null,
        aiTraining: img.dataset.hallmarkAiTraining ?? null,
        badge: badge ? { state: badge.dataset.hallmarkState, label: badge.textContent, title: badge.title } : null,
      };
    });
  });
}

/** The browser extension suite: badges on a page, trust anchors, the context-menu report. */
async function extension(corpusDir, artifacts) {
  const { server: other, origin: otherOrigin } = await serve({ "/": corpusDir });
  const images = [
    ["signed", "/corpus/hallmark-sample.jpg"],
    ["tampered", "/corpus/tampered.jpg"],
    ["unsigned", "/corpus/unsigned-sample.png"],
    ["foreign", `${otherOrigin}/ts-sample.png`],
  ];
  const html = `<!doctype html><meta charset="utf-8"><title>images</title><body>
    ${images.map(([id, src]) => `<p><img id="${id}" src="${src}" width="160" height="120"></p>`).join("\n")}</body>`;
  const pageDir = await mkdtemp(path.join(tmpdir(), "hallmark-page-"));
  await writeFile(path.join(pageDir, "index.html"), html);
  const { server, origin } = await serve({ "/corpus/": corpusDir, "/": pageDir });
  const ext = path.join(WASM, "extension");
  const profile = await mkdtemp(path.join(tmpdir(), "hallmark-profile-"));
  let context;
  try {
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: false,
        args: ["--headless=new", `--disable-extensions-except=${ext}`, `--load-extension=${ext}`, ...ARGS],
      });
    } catch (error) {
      throw new Error(`Chromium could not start with the extension: ${error.message}`);
    }
    const worker = context.serviceWorkers()[0] ?? await context.waitForEvent("serviceworker", { timeout: 30_000 });
    const page = await context.newPage();
    await page.goto(`${origin}/index.html`);
    const allChecked = () => page.waitForFunction(
      (n) => document.querySelectorAll("img[data-hallmark-state]").length === n, images.length, { timeout: 60_000 });
    await allChecked();
    const before = await extensionImages(page);
    await page.screenshot({ path: path.join(artifacts, "extension.png") });

    const pem = await readFile(path.join(corpusDir, "anchors/example-ca.pem"), "utf8");
    await worker.evaluate((anchors) => chrome.storage.local.set({ trustAnchors: anchors }), [pem]);
    // The new anchors make the page check every image again: wait until the
    // signed one is trusted and every image has its state back.
    await page.waitForFunction(
      (n) => document.getElementById("signed")?.dataset.hallmarkState === "trusted"
        && document.querySelectorAll("img[data-hallmark-state]").length === n,
      images.length, { timeout: 60_000 });
    const after = await extensionImages(page);

    // What the context menu's "Check content credentials" does.
    const reportPage = context.waitForEvent("page", { timeout: 30_000 });
    await worker.evaluate((url) => self.hallmarkCheck(url).then(() => {}), `${origin}/corpus/hallmark-sample.jpg`);
    const report = await reportPage;
    await report.waitForFunction(() => {
      const main = document.getElementById("report");
      return main && main.dataset.state && main.dataset.state !== "checking";
    }, null, { timeout: 60_000 });
    const reportState = await report.$eval("#report", (m) => m.dataset.state);
    const reportUses = await report.$$eval("#uses li", (items) => items.map((li) => li.textContent));
    await report.screenshot({ path: path.join(artifacts, "extension-report.png"), fullPage: true });
    return { before, after, report: { url: report.url(), state: reportState, uses: reportUses } };
  } finally {
    await context?.close();
    server.close();
    other.close();
    await rm(profile, { recursive: true, force: true });
    await rm(pageDir, { recursive: true, force: true });
  }
}

const SUITES = { api, demo, extension };

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
