// Drives Debian's Chromium through the hallmark browser tests and prints the
// results as one JSON object on stdout; the Rust test suite (tests/browser)
// decides what passes. Usage:
//   node browser.mjs api CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs demo CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs extension CORPUS_DIR ARTIFACTS_DIR
//   node browser.mjs recovery CORPUS_DIR ARTIFACTS_DIR   (CORPUS_DIR/recovery.json: a running repository)
//   node browser.mjs studio CORPUS_DIR ARTIFACTS_DIR     (CORPUS_DIR/studio: the files an artist signs;
//                                                         CORPUS_DIR/studio.json: the page's port, a repository)
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
      identities: [...card.querySelectorAll("p.identity")].map((p) => ({ state: p.dataset.state, text: p.textContent })),
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
    "hallmark-sample.wav", "python-sample.pdf", "adobe-connected.jpg"].map((f) => path.join(corpusDir, f));
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
    ["identity", "/corpus/adobe-connected.jpg"], // intact, its identity's issuer not pinned
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
    await checked(page, ["signed", "tampered", "unsigned", "foreign", "identity"]);
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

/** The repository's request counters, by route, from its /metrics: {"/v1/matches/byBinding": n, …}. */
async function repositoryRequests(repository) {
  const text = await (await fetch(`${repository}/metrics`)).text();
  const counts = {};
  for (const [, route, n] of text.matchAll(/^hallmark_http_requests_total\{route="([^"]+)",status="\d+"\} (\d+)$/gm)) {
    counts[route] = (counts[route] ?? 0) + Number(n);
  }
  return counts;
}

/**
 * Mark images so that their next check can be told from the last one: the
 * content script drops the mark when it forgets an image (settings changed).
 */
function markStale(page, ids) {
  return page.evaluate((wanted) => {
    for (const id of wanted) document.getElementById(id).dataset.hallmarkState = "stale";
  }, ids);
}

/** Wait until each image named has been checked since markStale(). */
function rechecked(page, ids) {
  return page.waitForFunction((wanted) => wanted.every((id) => {
    const state = document.getElementById(id)?.dataset.hallmarkState;
    return state && state !== "stale";
  }), ids, { timeout: 90_000 });
}

/** Save the repositories field of the extension's options page: the status it shows. */
async function saveRepositories(context, extensionId, text, artifacts, name) {
  const options = await context.newPage();
  try {
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    await options.fill("#repositories", text);
    await options.click("#save-repositories");
    await options.waitForFunction(() => document.getElementById("repositories-status").dataset.kind, null,
      { timeout: 30_000 });
    await options.screenshot({ path: path.join(artifacts, `recovery-options-${name}.png`), fullPage: true });
    return {
      kind: await options.$eval("#repositories-status", (s) => s.dataset.kind),
      text: await options.$eval("#repositories-status", (s) => s.textContent),
      stored: await options.evaluate(() => chrome.storage.local.get("repositories").then((r) => r.repositories ?? null)),
      permitted: await options.evaluate((origins) => chrome.permissions.contains({ origins }),
        text.trim() ? [`${new URL(text.trim()).origin}/*`] : ["http://127.0.0.1/*"]),
    };
  } finally {
    await options.close();
  }
}

/**
 * In a page of the test origin, with the package: fingerprint() of each
 * file with either decoder, and recover() of each, as a page calls them;
 * then the time fingerprint() takes on the timed files (best of three).
 */
function packageCalls(page, { files, repository, timed }) {
  return page.evaluate(async ({ files, repository, timed }) => {
    const hallmark = await import("/wasm/pkg/hallmark_wasm.js");
    await hallmark.default();
    const bytesOf = async (file) => new Uint8Array(await (await fetch(`/corpus/${file}`)).arrayBuffer());
    const settle = (promise) => promise.then((value) => ({ value }),
      (error) => ({ error: error?.message ?? String(error), kind: error?.kind ?? null }));
    const results = [];
    for (const { file, mime } of files) {
      const bytes = await bytesOf(file);
      results.push({
        file,
        wasm: await settle(hallmark.fingerprint(bytes, mime, { name: file })),
        browser: await settle(hallmark.fingerprint(bytes, mime, { name: file, decoder: "browser" })),
        recovered: await settle(hallmark.recover(bytes, mime, { repository, name: file })),
      });
    }
    const fingerprintOf = results.find((r) => r.wasm.value)?.wasm.value;
    const edges = {
      noRepository: await settle(hallmark.recover(await bytesOf(files[0].file), files[0].mime, {})),
      badRepository: await settle(hallmark.recover(await bytesOf(files[0].file), files[0].mime,
        { repository: "ftp://repository.example" })),
      unknownOption: await settle(hallmark.fingerprint(await bytesOf(files[0].file), files[0].mime, { decode: "wasm" })),
      badDecoder: await settle(hallmark.fingerprint(await bytesOf(files[0].file), files[0].mime, { decoder: "gpu" })),
      notAFingerprint: await settle(hallmark.recoverFingerprint({ alg: "io.iscc.v0", value: "AAAA" }, { repository })),
      byFingerprint: fingerprintOf ? await settle(hallmark.recoverFingerprint(fingerprintOf, { repository })) : null,
    };
    const timings = [];
    for (const { file, mime, pixels } of timed) {
      const bytes = await bytesOf(file);
      const row = { file, pixels };
      for (const decoder of ["wasm", "browser"]) {
        let best = Infinity;
        for (let i = 0; i < 3; i++) {
          const started = performance.now();
          row[`${decoder}Fingerprint`] = await hallmark.fingerprint(bytes, mime, { decoder });
          best = Math.min(best, performance.now() - started);
        }
        row[decoder] = Math.round(best);
      }
      const looked = [];
      const fingerprint = await hallmark.fingerprint(bytes, mime);
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await hallmark.recoverFingerprint(fingerprint, { repository });
        looked.push(performance.now() - started);
      }
      row.lookup = Math.round(Math.min(...looked) * 10) / 10;
      timings.push(row);
    }
    return { results, edges, timings };
  }, { files, repository, timed });
}

/** The demo page's "look it up": the cards of files picked with it on. */
async function demoLookUp(page, origin, corpusDir, repository, files) {
  await page.goto(`${origin}/wasm/www/index.html`);
  await page.check("#lookup");
  await page.fill("#repository", repository);
  await demoPick(page, files.map((f) => path.join(corpusDir, f)));
  return page.$$eval("article.report", (cards) => cards.map((card) => ({
    file: card.dataset.file,
    state: card.dataset.state,
    lookup: card.querySelector(".recovered")?.dataset.lookup ?? null,
    match: card.querySelector(".recovered-match")?.textContent ?? null,
    answer: card.querySelector("p.answer")?.dataset.answer ?? null,
    reply: card.querySelector("p.answer .reply")?.textContent ?? null,
  })));
}

/**
 * The recovery suite: a real `hallmark serve --repository` (started by the
 * Rust side, allowing this suite's page origin), the extension on a page
 * with a stripped copy of a published image, an unrelated image and a
 * signed one, before, with and after a repository on its options page;
 * the package's fingerprint() and recover() in a page; the demo page's
 * "look it up".
 */
async function recovery(corpusDir, artifacts) {
  const setup = JSON.parse(await readFile(path.join(corpusDir, "recovery.json"), "utf8"));
  const { repository, images } = setup;
  const pageDir = await mkdtemp(path.join(tmpdir(), "hallmark-page-"));
  const html = (list) => `<!doctype html><meta charset="utf-8"><title>images</title><body>
    ${list.map(([id, src]) => `<p><img id="${id}" src="${src}" width="160" height="160"></p>`).join("\n")}</body>`;
  const ids = Object.keys(images);
  await writeFile(path.join(pageDir, "index.html"), html(ids.map((id) => [id, `/corpus/${images[id]}`])));
  // The same stripped picture under another URL: never checked before.
  await writeFile(path.join(pageDir, "later.html"), html([["later", `/corpus/${images.stripped}?later`]]));
  const { server, origin } = await serve({ "/corpus/": corpusDir, "/wasm/": WASM, "/": pageDir },
    { port: setup.pagePort });
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
      open.add(context);
    } catch (error) {
      throw new Error(`Chromium could not start with the extension: ${error.message}`);
    }
    const worker = context.serviceWorkers()[0] ?? await context.waitForEvent("serviceworker", { timeout: 30_000 });
    const extensionId = new URL(worker.url()).host;
    const counts = { start: await repositoryRequests(repository) };

    // No repository saved (the default): the images are checked, nothing is looked up.
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}/index.html`);
    await checked(page, ids);
    const withoutRepository = await extensionImages(page);
    counts.withoutRepository = await repositoryRequests(repository);

    // A repository saved on the options page: the page is checked again, and the stripped copy recovered.
    await markStale(page, ids);
    const saved = await saveRepositories(context, extensionId, repository, artifacts, "saved");
    await rechecked(page, ids);
    const withRepository = await extensionImages(page);
    await page.screenshot({ path: path.join(artifacts, "recovery-extension.png") });
    counts.withRepository = await repositoryRequests(repository);

    // The context menu's report shows the match.
    const opened = context.waitForEvent("page", { timeout: 30_000 });
    await worker.evaluate(async ({ srcUrl, pageUrl }) => {
      const tab = (await chrome.tabs.query({})).find((t) => t.url === pageUrl);
      if (!tab) throw new Error(`no tab shows ${pageUrl}`);
      chrome.contextMenus.onClicked.dispatch(
        { menuItemId: "hallmark-check", mediaType: "image", srcUrl, pageUrl, frameId: 0, editable: false }, tab);
    }, { srcUrl: `${origin}/corpus/${images.stripped}`, pageUrl: `${origin}/index.html` });
    const reportPage = await opened;
    await reportPage.waitForFunction(() => {
      const main = document.getElementById("report");
      return main && main.dataset.state && main.dataset.state !== "checking";
    }, null, { timeout: 60_000 });
    await reportPage.screenshot({ path: path.join(artifacts, "recovery-report.png"), fullPage: true });
    const report = {
      state: await reportPage.$eval("#report", (m) => m.dataset.state),
      verdict: await reportPage.$eval("#verdict", (v) => v.textContent),
      recovered: await reportPage.$$eval("#recovered dt", (terms) =>
        Object.fromEntries(terms.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent ?? null]))),
      uses: await reportPage.$$eval("#uses li", (items) =>
        items.map((li) => ({ kind: li.dataset.kind, answer: li.dataset.answer, basis: li.dataset.basis, text: li.textContent }))),
    };
    await reportPage.close();
    counts.afterReport = await repositoryRequests(repository);

    // The repository removed: the page is checked again, and nothing is looked up, not even a new image.
    await markStale(page, ids);
    const removed = await saveRepositories(context, extensionId, "", artifacts, "removed");
    await rechecked(page, ids);
    const afterRemoval = await extensionImages(page);
    const later = await context.newPage();
    await later.goto(`${origin}/later.html`);
    await checked(later, ["later"]);
    const laterImages = await extensionImages(later);
    await later.close();
    counts.afterRemoval = await repositoryRequests(repository);

    // The package in a page: fingerprints, recover(), and their timings.
    const api = await context.newPage();
    api.on("pageerror", (e) => errors.push(e.message));
    await api.goto(`${origin}/index.html`);
    const calls = await packageCalls(api, setup);
    await api.close();

    // The demo page's "look it up" (the repository allows this origin: CORS).
    const demoPage = await context.newPage();
    demoPage.on("pageerror", (e) => errors.push(e.message));
    const demo = await demoLookUp(demoPage, origin, corpusDir, repository, setup.demoFiles);
    await demoPage.screenshot({ path: path.join(artifacts, "recovery-demo.png"), fullPage: true });
    await demoPage.close();

    return {
      origin, withoutRepository, saved, withRepository, report, removed, afterRemoval, later: laterImages,
      counts, calls, demo, errors,
    };
  } finally {
    await context?.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
    await rm(pageDir, { recursive: true, force: true });
  }
}

/** Starts Chromium and never finishes: what the time limits here and in tests/browser are tested on. */
/** Press Tab until the element with `id` has the focus (the keyboard is all the test uses). */
async function tabTo(page, id, limit = 80) {
  for (let presses = 0; presses < limit; presses += 1) {
    if (await page.evaluate(() => document.activeElement?.id) === id) return presses;
    await page.keyboard.press("Tab");
  }
  throw new Error(`#${id} cannot be reached with the Tab key (${limit} presses)`);
}

/** Every entry of the studio's result list. */
function studioResults(page) {
  return page.$$eval("#results li", (items) => items.map((li) => ({
    file: li.dataset.file, state: li.dataset.state, verdict: li.dataset.verdict ?? null, text: li.innerText,
  })));
}

/** Wait until the studio has signed (or failed) every file it was given. */
async function studioDone(page) {
  await page.waitForFunction(() => {
    const status = document.getElementById("status");
    return status.dataset.busy === "false" && status.textContent.startsWith("Done");
  }, null, { timeout: 300_000 });
}

/** Save the download `act` starts; its path. */
async function download(page, act, target) {
  const [file] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), act()]);
  await file.saveAs(target);
  return target;
}

/**
 * The studio end to end, with the keyboard alone: make credentials, save
 * the backup, choose a policy preset, pick files, sign, download the zip;
 * then files dropped (one the engine cannot sign: the rest go on); the
 * nginx lines; a reload with the network gone (the service worker keeps the
 * page and the modules): the credentials are still there and a file signs.
 */
async function studio(corpusDir, artifacts) {
  const files = path.join(corpusDir, "studio");
  const setup = JSON.parse(await readFile(path.join(corpusDir, "studio.json"), "utf8"));
  const { server, origin } = await serve({ "/": WASM }, { port: setup.pagePort });
  const browser = await launch();
  const requests = [];
  try {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`${origin}/studio/index.html`);
    await page.waitForSelector("#credentials-none:not([hidden])", { timeout: 60_000 });

    // Credentials, from the keyboard.
    const keyboard = page.keyboard;
    await tabTo(page, "create-name");
    await keyboard.type("Studio Artist");
    await tabTo(page, "create-passphrase");
    await keyboard.type("studio passphrase 1");
    await tabTo(page, "create-confirm");
    await keyboard.type("studio passphrase 1");
    await keyboard.press("Enter");
    await page.waitForSelector("#credentials-ready:not([hidden])", { timeout: 120_000 });
    const signingAs = await page.textContent("#signing-as");
    const persistNote = await page.textContent("#persist-note");
    await tabTo(page, "backup-download");
    const backupZip = await download(page, () => keyboard.press("Enter"), path.join(artifacts, "studio-backup.zip"));

    // The policy: the "data mining only" preset (arrow keys move within the radio group).
    await page.waitForSelector("#kinds:not([aria-busy])", { timeout: 60_000 });
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press("Home");
    let presses = 0;
    while (await page.evaluate(() => document.activeElement?.name) !== "preset" && presses < 80) {
      await keyboard.press("Tab");
      presses += 1;
    }
    await keyboard.press("ArrowDown");
    const preset = await page.$eval('input[name="preset"]:checked', (input) => input.value);
    await tabTo(page, "source-type");
    await keyboard.press("ArrowDown"); // "Photographed or recorded"
    const sourceType = await page.$eval("#source-type", (select) => select.value);

    // Files, picked with the keyboard.
    await tabTo(page, "files");
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), keyboard.press("Space")]);
    await chooser.setFiles(["photo.jpg", "photo.png", "photo.webp"].map((f) => path.join(files, f)));
    await studioDone(page);
    const picked = await studioResults(page);
    await page.screenshot({ path: path.join(artifacts, "studio.png"), fullPage: true });
    await tabTo(page, "zip");
    const zipFile = await download(page, () => keyboard.press("Enter"), path.join(artifacts, "studio.zip"));
    const nginx = await page.textContent("#nginx");

    // Published to the repository the artist names (it allows this origin to publish).
    const requestsBeforePublishing = requests.length;
    await tabTo(page, "repository");
    await keyboard.type(setup.repository);
    await tabTo(page, "publish");
    await keyboard.press("Enter");
    await page.waitForFunction(() => document.getElementById("publish-status").textContent.startsWith("Published"),
      null, { timeout: 120_000 });
    const publishStatus = await page.textContent("#publish-status");
    const published = await page.$$eval("#results .published", (notes) => notes.map((n) => ({ state: n.dataset.state, text: n.textContent })));

    // A folder dropped on the page: the broken file fails with its reason, the others are signed.
    const dropped = ["drop/more.jpg", "drop/broken.jpg"];
    const payload = [];
    for (const name of dropped) {
      payload.push({ name: path.basename(name), base64: (await readFile(path.join(files, name))).toString("base64") });
    }
    const transfer = await page.evaluateHandle((list) => {
      const data = new DataTransfer();
      for (const { name, base64 } of list) {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], name, { type: name.endsWith(".jpg") ? "image/jpeg" : "" }));
      }
      return data;
    }, payload);
    await page.dispatchEvent("#dropzone", "drop", { dataTransfer: transfer });
    await page.waitForFunction((n) => document.querySelectorAll("#results li").length === n, picked.length + dropped.length);
    await studioDone(page);
    const afterDrop = await studioResults(page);

    // Offline: the page and its modules come from the service worker; the key from IndexedDB.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector("#credentials-ready:not([hidden])", { timeout: 60_000 });
    const offlineSigningAs = await page.textContent("#signing-as");
    await page.setInputFiles("#files", [path.join(files, "photo.jpg")]);
    await studioDone(page);
    const offline = await studioResults(page);
    await context.setOffline(false);

    return {
      signingAs, persistNote, backupZip, preset, sourceType, picked, zipFile, nginx, publishStatus, published, requestsBeforePublishing,
      afterDrop, offlineSigningAs, offline, requests, origin, errors,
    };
  } finally {
    await browser.close();
    server.close();
  }
}

async function hang() {
  await launch();
  process.stderr.write("hang: Chromium started; waiting for ever\n");
  await new Promise(() => setInterval(() => {}, 60_000));
}

const SUITES = { api, demo, extension, recovery, studio, hang };

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
