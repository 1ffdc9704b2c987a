// Drives Debian's Chromium through the hallmark browser tests and prints the
// results as one JSON object on stdout; the Rust test suite (tests/browser)
// decides what passes. Usage:
//   node browser.mjs api CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs demo CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs extension CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs hang CORPUS_DIR ARTIFACTS_DIR   (starts Chromium and never finishes: tests the time limits)
// A browser that cannot start is an error (exit 1), never a skip. A suite
// that runs longer than HALLMARK_SUITE_TIMEOUT_MS (default 8 minutes) is an
// error too: it is abandoned and its Chromium closed.

import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS as ARGS, serve } from "./local-browser.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WASM = path.resolve(HERE, "..");
/** The browsers this process started, closed when a suite is abandoned. */
const open = new Set();

async function launch() {
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    open.add(browser);
    return browser;
  } catch (error) {
    throw new Error(`Chromium could not start (${CHROMIUM}): ${error.message}`);
  }
}

async function readCorpus(corpusDir) {
  return JSON.parse(await readFile(path.join(corpusDir, "corpus.json"), "utf8"));
}

/**
 * The API suite: verify every corpus file in a Worker of a page (a hang is
 * caught by the page's watchdog), then the API's edges, then the watchdog
 * itself on a job that never answers.
 */
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
    await page.waitForFunction(() => document.getElementById("ready").textContent !== "loading", null, { timeout: 120_000 });
    const ready = await page.textContent("#ready");
    if (ready !== "ready") throw new Error(`the API harness did not start: ${ready}\n${console.join("\n")}`);
    const results = await page.evaluate(([entries]) => window.runCorpus(entries, 30_000), [corpus.entries]);
    const edges = await page.evaluate(([files]) => window.runEdges(files, 60_000), [corpus.edges]);
    const watchdog = await page.evaluate(([entry]) => window.runWatchdog(entry, 2_000), [corpus.watchdog]);
    // The page must still answer after every hostile input.
    const alive = await page.evaluate(() => 1 + 1);
    await page.screenshot({ path: path.join(artifacts, "api.png") });
    return { results, edges, watchdog, alive: alive === 2, initMillis: await page.evaluate(() => window.initMillis), console };
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
    const legend = await page.$$eval("#legend-states li", (items) => items.map((li) => li.textContent));
    return { untrusted, trusted, legend, errors };
  } finally {
    await browser.close();
    server.close();
  }
}

/** Every image of a page: whether it loaded, what the extension wrote on it, and its badge. */
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
        loaded: img.complete && img.naturalWidth > 0,
        state: img.dataset.hallmarkState ?? null,
        aiTraining: img.dataset.hallmarkAiTraining ?? null,
        attributes: img.getAttributeNames().filter((name) => name.startsWith("data-hallmark")),
        badge: badge ? { state: badge.dataset.hallmarkState, label: badge.textContent, title: badge.title } : null,
      };
    });
  });
}

/** Wait until each image named has been checked. */
function checked(page, ids) {
  return page.waitForFunction(
    (wanted) => wanted.every((id) => document.getElementById(id)?.dataset.hallmarkState), ids, { timeout: 60_000 });
}

/** A public-looking host name that Chromium is told to resolve to 127.0.0.1. */
const PUBLIC_HOST = "www.example.com";

/**
 * The browser extension suite: badges on a page served from 127.0.0.1 and on
 * one served under a public host name, the context-menu item and its click
 * handler, and trust anchors saved through the options page.
 */
async function extension(corpusDir, artifacts) {
  // Every request each server answers, so that the test sees what the extension fetched.
  const requests = new Map();
  const count = (key) => requests.set(key, (requests.get(key) ?? 0) + 1);
  const { server: other, origin: otherOrigin } = await serve({ "/": corpusDir }, { onRequest: (p) => count(`other${p}`) });
  const localImages = [
    ["signed", "/corpus/hallmark-sample.jpg"],
    ["tampered", "/corpus/tampered.jpg"],
    ["unsigned", "/corpus/unsigned-sample.png"],
    ["foreign", `${otherOrigin}/ts-sample.png`],
    ["broken", "/corpus/no-such-image.png"], // never loads, so is never checked
  ];
  const publicImages = [
    ["own", "/corpus/hallmark-sample.png"],
    ["loopback", `${otherOrigin}/python-sample.jpg`], // a loopback address, from a public page
  ];
  const html = (images) => `<!doctype html><meta charset="utf-8"><title>images</title><body>
    ${images.map(([id, src]) => `<p><img id="${id}" src="${src}" width="160" height="120"></p>`).join("\n")}</body>`;
  const pageDir = await mkdtemp(path.join(tmpdir(), "hallmark-page-"));
  await writeFile(path.join(pageDir, "index.html"), html(localImages));
  await writeFile(path.join(pageDir, "public.html"), html(publicImages));
  const { server, origin } = await serve({ "/corpus/": corpusDir, "/": pageDir }, { onRequest: (p) => count(`page${p}`) });
  const publicOrigin = `http://${PUBLIC_HOST}:${new URL(origin).port}`;
  const ext = path.join(WASM, "extension");
  const profile = await mkdtemp(path.join(tmpdir(), "hallmark-profile-"));
  let context;
  try {
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: false,
        args: ["--headless=new", `--disable-extensions-except=${ext}`, `--load-extension=${ext}`,
          `--host-resolver-rules=MAP ${PUBLIC_HOST} 127.0.0.1`, "--disable-features=HttpsUpgrades", ...ARGS],
      });
      open.add(context);
    } catch (error) {
      throw new Error(`Chromium could not start with the extension: ${error.message}`);
    }
    const worker = context.serviceWorkers()[0] ?? await context.waitForEvent("serviceworker", { timeout: 30_000 });
    const extensionId = new URL(worker.url()).host;

    // A page on 127.0.0.1: its images, loopback ones included, are checked once loaded.
    const page = await context.newPage();
    const pageUrl = `${origin}/index.html`;
    await page.goto(pageUrl);
    await checked(page, ["signed", "tampered", "unsigned", "foreign"]);
    await page.waitForTimeout(1_000); // time enough for a check of the broken image, which must not come
    const before = await extensionImages(page);
    await page.screenshot({ path: path.join(artifacts, "extension.png") });

    // A page under a public host name: its own image is checked, the loopback one refused.
    const publicPage = await context.newPage();
    await publicPage.goto(`${publicOrigin}/public.html`);
    await checked(publicPage, ["own", "loopback"]);
    const onPublicPage = await extensionImages(publicPage);
    await publicPage.close();
    const requestsBefore = Object.fromEntries(requests);

    // The context menu: the item exists (updating a missing one fails), and its
    // click handler, given what Chromium gives it, opens the full report.
    const probeItem = (id) => worker.evaluate((itemId) => new Promise((resolve) =>
      chrome.contextMenus.update(itemId, {}, () => resolve(chrome.runtime.lastError?.message ?? "exists"))), id);
    const menu = { item: await probeItem("hallmark-check"), missing: await probeItem("no-such-item") };
    const reportFor = async (srcUrl, name) => {
      const opened = context.waitForEvent("page", { timeout: 30_000 });
      await worker.evaluate(async ({ srcUrl, pageUrl }) => {
        const tab = (await chrome.tabs.query({})).find((t) => t.url === pageUrl);
        if (!tab) throw new Error(`no tab shows ${pageUrl}`);
        chrome.contextMenus.onClicked.dispatch(
          { menuItemId: "hallmark-check", mediaType: "image", srcUrl, pageUrl, frameId: 0, editable: false }, tab);
      }, { srcUrl, pageUrl });
      const report = await opened;
      await report.waitForFunction(() => {
        const main = document.getElementById("report");
        return main && main.dataset.state && main.dataset.state !== "checking";
      }, null, { timeout: 60_000 });
      await report.screenshot({ path: path.join(artifacts, `extension-report-${name}.png`), fullPage: true });
      const result = {
        url: report.url(),
        state: await report.$eval("#report", (m) => m.dataset.state),
        verdict: await report.$eval("#verdict", (v) => v.textContent),
        uses: await report.$$eval("#uses li", (items) => items.map((li) => li.textContent)),
      };
      await report.close();
      return result;
    };
    const brokenReport = await reportFor(`${origin}/corpus/no-such-image.png`, "broken");
    const pdfReport = await reportFor(`${origin}/corpus/python-sample.pdf`, "pdf");

    // Trust anchors through the options page; open pages check their images again.
    const pem = await readFile(path.join(corpusDir, "anchors/example-ca.pem"), "utf8");
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    await options.fill("#anchors", pem);
    await options.click("#save");
    await options.waitForFunction(() => document.getElementById("status").dataset.kind, null, { timeout: 30_000 });
    const saved = {
      kind: await options.$eval("#status", (s) => s.dataset.kind),
      text: await options.$eval("#status", (s) => s.textContent),
    };
    await options.screenshot({ path: path.join(artifacts, "extension-options.png") });
    await options.close();
    await page.waitForFunction(
      () => document.getElementById("signed")?.dataset.hallmarkState === "trusted"
        && ["tampered", "unsigned", "foreign"].every((id) => document.getElementById(id)?.dataset.hallmarkState),
      null, { timeout: 60_000 });
    const after = await extensionImages(page);
    const report = await reportFor(`${origin}/corpus/hallmark-sample.jpg`, "signed");
    return { before, onPublicPage, requests: requestsBefore, menu, brokenReport, pdfReport, saved, after, report };
  } finally {
    await context?.close();
    server.close();
    other.close();
    await rm(profile, { recursive: true, force: true });
    await rm(pageDir, { recursive: true, force: true });
  }
}

/** Starts Chromium and never finishes: what the time limits here and in tests/browser are tested on. */
async function hang() {
  await launch();
  process.stderr.write("hang: Chromium started; waiting for ever\n");
  await new Promise(() => setInterval(() => {}, 60_000));
}

const SUITES = { api, demo, extension, hang };

const [suite, corpusDir, artifacts] = process.argv.slice(2);
if (!SUITES[suite] || !corpusDir || !artifacts) {
  console.error(`usage: node browser.mjs ${Object.keys(SUITES).join("|")} CORPUS_DIR ARTIFACTS_DIR`);
  process.exit(2);
}
const limit = Number(process.env.HALLMARK_SUITE_TIMEOUT_MS) || 8 * 60_000;
const watchdog = setTimeout(async () => {
  console.error(`browser suite ${suite} did not finish within ${limit / 1000} s: abandoned`);
  // Close what this process started, without waiting long for it.
  await Promise.race([Promise.allSettled([...open].map((b) => b.close())), new Promise((r) => setTimeout(r, 5_000))]);
  process.exit(1);
}, limit);
try {
  const outcome = await SUITES[suite](path.resolve(corpusDir), path.resolve(artifacts));
  clearTimeout(watchdog);
  process.stdout.write(JSON.stringify(outcome) + "\n");
} catch (error) {
  clearTimeout(watchdog);
  console.error(String(error?.stack ?? error));
  process.exit(1);
}
