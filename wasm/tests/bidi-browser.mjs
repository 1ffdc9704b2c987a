// Debian's Chromium and Debian's Firefox ESR, started over WebDriver BiDi with
// puppeteer-core (never a downloaded browser build): what the signing tests
// and the signing benchmark share.

import puppeteer from "puppeteer-core";
import { CHROMIUM, CHROMIUM_ARGS } from "./local-browser.mjs";

/** Debian's Firefox ESR, or the one named by HALLMARK_FIREFOX. */
const FIREFOX = process.env.HALLMARK_FIREFOX ?? "/usr/bin/firefox-esr";

const LAUNCH = {
  chromium: { browser: "chrome", executablePath: CHROMIUM, args: CHROMIUM_ARGS },
  firefox: { browser: "firefox", executablePath: FIREFOX, args: [] },
};

/** Start `which` over WebDriver BiDi. */
export async function launch(which) {
  const options = LAUNCH[which];
  if (!options) throw new Error(`no such browser: ${which} (chromium or firefox)`);
  try {
    return await puppeteer.launch({
      ...options,
      protocol: "webDriverBiDi",
      headless: true,
      protocolTimeout: 300_000,
      // Firefox: no update checks, telemetry or remote settings on a machine without a network.
      extraPrefsFirefox: { "network.dns.disableIPv6": true, "app.update.enabled": false },
    });
  } catch (error) {
    throw new Error(`${which} could not start (${options.executablePath}): ${error.message}`);
  }
}

/** Open the signing harness (served at /tests/) and wait until it says it is ready. */
export async function openHarness(page, origin) {
  await page.goto(`${origin}/tests/signing-harness.html`);
  await page.waitForFunction(() => document.getElementById("ready").textContent !== "loading", { timeout: 120_000 });
  const ready = await page.$eval("#ready", (p) => p.textContent);
  if (ready !== "ready") throw new Error(`the signing harness did not start: ${ready}`);
}
