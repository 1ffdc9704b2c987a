// Signing in a real browser, driven over WebDriver BiDi with puppeteer-core:
// Debian's Chromium or Debian's Firefox ESR, never a downloaded build. Prints
// one JSON object on stdout and writes the signed files and the backup under
// ARTIFACTS_DIR/signing-BROWSER; the Rust suite (tests/browser/signing.rs)
// checks them with c2pa-python and the CLI and decides what passes. Usage:
//   node signing.mjs chromium|firefox CORPUS_DIR ARTIFACTS_DIR
// CORPUS_DIR/signing.json says what to sign (see signing.rs). A browser that
// cannot start is an error (exit 1), never a skip; so is a run longer than
// HALLMARK_SUITE_TIMEOUT_MS (default 8 minutes).

import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch, openHarness } from "./bidi-browser.mjs";
import { serve } from "./local-browser.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WASM = path.resolve(HERE, "..");

async function run(which, corpusDir, artifacts) {
  const corpus = JSON.parse(await readFile(path.join(corpusDir, "signing.json"), "utf8"));
  const out = path.join(artifacts, `signing-${which}`);
  await mkdir(out, { recursive: true });
  const { server, origin } = await serve({ "/pkg/": path.join(WASM, "pkg"), "/corpus/": corpusDir, "/tests/": HERE });
  const browser = await launch(which);
  try {
    const page = await browser.newPage();
    const log = [];
    page.on("console", (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    // Every request the page makes, with the step it was made in.
    let step = "load";
    const requests = [];
    page.on("request", (request) => requests.push({ step, url: request.url() }));
    const call = (name, ...args) => page.evaluate((n, a) => window.harness[n](...a), name, args);

    await openHarness(page, origin);
    const urls = corpus.photos.map((p) => `${origin}/corpus/${p.file}`);
    for (const url of [...urls, `${origin}/corpus/${corpus.unsignable.file}`]) await call("load", url);

    step = "create";
    const created = await call("create", "mine", { name: corpus.name, passphrase: corpus.passphrase });
    const backup = path.join(out, "backup");
    await mkdir(backup, { recursive: true });
    for (const [file, text] of Object.entries(created.backup)) {
      await writeFile(path.join(backup, file), text, { mode: 0o600 });
    }
    delete created.backup;

    const signed = [];
    for (const [index, photo] of corpus.photos.entries()) {
      step = `sign ${index}`;
      const answer = await call("sign", "mine", urls[index], photo.mime, { ...corpus.options, name: photo.file });
      const file = path.join(out, `signed-${photo.file}`);
      await writeFile(file, Buffer.from(answer.bytes, "base64"));
      signed.push({ photo: photo.file, file, millis: answer.millis });
    }

    // The credentials outlive the page: reload, find them in IndexedDB, sign again.
    step = "reload";
    await openHarness(page, origin);
    await call("load", urls[0]);
    const afterReload = await call("kept", "mine");
    step = "sign after reload";
    const again = await call("sign", "mine", urls[0], corpus.photos[0].mime, { name: corpus.photos[0].file });
    const reloadFile = path.join(out, `reloaded-${corpus.photos[0].file}`);
    await writeFile(reloadFile, Buffer.from(again.bytes, "base64"));

    // Credentials the CLI made sign here too.
    step = "import";
    const imported = await call("import", "cli", corpus.cli.folder, corpus.cli.passphrase);
    step = "sign with imported";
    const viaCli = await call("sign", "cli", urls[0], corpus.photos[0].mime, { name: corpus.photos[0].file });
    const importFile = path.join(out, `imported-${corpus.photos[0].file}`);
    await writeFile(importFile, Buffer.from(viaCli.bytes, "base64"));

    // Every other format the CLI signs, with the default options.
    step = "formats";
    const formats = [];
    for (const sample of corpus.formats) {
      const url = `${origin}/corpus/media/${sample.file}`;
      await call("load", url);
      const attempt = await page.evaluate(async (u, mime, name) => {
        try {
          const { bytes } = await window.harness.sign("mine", u, mime, { name });
          return { bytes };
        } catch (error) {
          return { kind: error?.kind ?? null, message: error?.message ?? String(error) };
        }
      }, url, sample.mime, sample.file);
      const entry = { file: sample.file, mime: sample.mime };
      if (attempt.bytes) {
        entry.signed = path.join(out, `format-${sample.file}`);
        await writeFile(entry.signed, Buffer.from(attempt.bytes, "base64"));
      } else {
        entry.error = attempt;
      }
      formats.push(entry);
    }

    // Bad input: each a clear error, and the page still signs afterwards.
    step = "bad input";
    await call("load", `${origin}/corpus/${corpus.unsignable.file}`);
    const failures = {
      wrongPassphrase: await call("attemptImport", corpus.cli.folder, "not the passphrase"),
      damagedKey: await call("attemptImport", corpus.damaged.folder, corpus.cli.passphrase),
      missingKey: await call("attemptImport", { "chain.pem": corpus.cli.folder["chain.pem"] }, corpus.cli.passphrase),
      unsignable: await call("attemptSign", "mine", `${origin}/corpus/${corpus.unsignable.file}`,
        corpus.unsignable.mime, { name: corpus.unsignable.file }),
      noName: await call("attemptCreate", { passphrase: corpus.passphrase }),
      notCredentials: await page.evaluate(async (url, mime) => {
        try {
          await window.harness.sign("nobody", url, mime, {});
          return { failed: false };
        } catch (error) {
          return { failed: true, kind: error?.kind ?? null, message: error?.message ?? String(error) };
        }
      }, urls[0], corpus.photos[0].mime),
    };
    step = "sign after bad input";
    const afterFailures = await call("attemptSign", "mine", urls[0], corpus.photos[0].mime, { name: corpus.photos[0].file });

    return {
      browser: which,
      version: await browser.version(),
      created,
      signed,
      afterReload,
      reloadFile,
      imported,
      importFile,
      failures,
      afterFailures,
      formats,
      requests,
      origin,
      console: log,
    };
  } finally {
    await browser.close();
    server.close();
  }
}

const [which, corpusDir, artifacts] = process.argv.slice(2);
const limit = Number(process.env.HALLMARK_SUITE_TIMEOUT_MS ?? 8 * 60_000);
let timer;
const timeout = new Promise((_, reject) => {
  timer = setTimeout(() => reject(new Error(`the ${which} signing suite did not finish within ${limit} ms`)), limit);
});
try {
  const result = await Promise.race([run(which, corpusDir, artifacts), timeout]);
  process.stdout.write(JSON.stringify(result));
  clearTimeout(timer);
} catch (error) {
  console.error(error?.stack ?? String(error));
  process.exit(1);
}
