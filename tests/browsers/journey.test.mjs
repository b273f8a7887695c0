// The page's main journey in Chromium, Firefox ESR and WebKitGTK over W3C WebDriver: the built
// page (www/dist, served by www/serve.mjs with its strict CSP) → the sample universe → segment
// with k = auto → persona cards with the sizes Node computes → the budget plan Node computes →
// the target-list export, byte for byte what Node writes. Short on purpose: the page's full
// behaviour is tested in Chromium by tests/e2e/.
//
//   make test-browsers      (builds www/dist first: bash www/e2e.sh --build)
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { By } from "selenium-webdriver";
import { ROOT } from "../js/helpers.mjs";
import { serve } from "../../www/serve.mjs";
import { enginesToTest, inPage, launch, waitInPage } from "./webdriver.mjs";
import { probeFeatures, skipUnless } from "./compare.mjs";

const DIST = process.env.HCP_E2E_DIST ?? join(ROOT, "www", "dist");
if (!existsSync(join(DIST, "index.html"))) throw new Error(`${DIST}/index.html not found: build the page first (bash www/e2e.sh --build)`);
/** The package as the page depends on it (www's "file:../pkg"), Node build: the reference. */
const node = createRequire(join(ROOT, "www", "package.json"))("hcp-segments");
const SAMPLE = node.generateSample(5000, 42);
/** The page's run and plan settings at their defaults. */
const RUN = { k: "auto", seed: 42, nRuns: 10 };
const PLAN = { budget: 100000, currency: "EUR", minMixShare: 0.02, explorationShare: 0.1, forceChannels: [] };

for (const engine of enginesToTest()) {
  describe(`page journey in ${engine}`, { concurrency: false }, () => {
    let session, driver, server, url, features;
    const ref = node.segment(SAMPLE, RUN);
    const click = (css) => driver.findElement(By.css(css)).click();

    before(async () => {
      ({ server, url } = await serve({ dir: DIST, port: 0 }));
      session = await launch(engine);
      driver = session.driver;
      await driver.get(url);
      features = await probeFeatures(driver);
    });

    after(async () => {
      await session?.quit();
      await new Promise((r) => server?.close(r));
    });

    test("the sample universe, segmented with k = auto: the cards show Node's segments and sizes", async (t) => {
      if (skipUnless(t, session, features, "simd128", "moduleWorker")) return;
      // A fresh load (the probe ran in the previous one); violations from here on are recorded.
      await driver.get(url);
      await inPage(driver, () => {
        window.cspViolations = [];
        document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await waitInPage(driver, () => document.body.dataset.engine, null, { what: "the page's engine (worker + wasm) to start" }).catch(async (e) => {
        // A module that throws while loading leaves no trace a WebDriver client can read in
        // every engine: import the page's script again to get its error.
        const again = await inPage(driver, () => import(document.querySelector("script[type=module]").src + "?again").then(() => "loads", (err) => String(err)));
        throw new Error(`${e.message}; the page's script, imported again: ${again}`);
      });
      assert.equal(await inPage(driver, () => document.body.dataset.engine), "ready");
      await click("#sample-btn");
      await waitInPage(driver, () => !document.getElementById("dataset").hidden, null, { what: "the sample to load" });
      assert.equal(await inPage(driver, () => document.getElementById("k-select").value), "auto");
      await click("#run-btn");
      await waitInPage(driver, () => document.querySelectorAll("#cards .card").length > 0 && !document.getElementById("target").hidden, null, {
        timeout: 120_000,
        what: "the persona cards",
      });
      const shown = await inPage(driver, () => ({
        chosenK: Number(document.getElementById("chosen-k").textContent.replace(/\D/g, "")),
        cards: [...document.querySelectorAll("#cards .card")].map((c) => ({
          id: Number(c.dataset.seg),
          size: Number(c.querySelector(".seg-size").textContent.replace(/\D/g, "")),
          name: c.querySelector(".persona").value,
        })),
      }));
      assert.equal(shown.chosenK, ref.kSweep.chosenK, "chosen k = Node's");
      assert.deepEqual(shown.cards, ref.segments.map((s) => ({ id: s.id, size: s.size, name: s.name })), "cards = Node's segments");
    });

    test("the budget plan is Node's channelPlan on those segments", async (t) => {
      if (skipUnless(t, session, features, "simd128", "moduleWorker")) return;
      await waitInPage(driver, (cents) => document.getElementById("plan-total")?.dataset.cents === cents && !document.getElementById("plan").hasAttribute("aria-busy"),
        String(PLAN.budget * 100), { what: "the plan" });
      const shown = await inPage(driver, () => [...document.querySelectorAll("#plan-table tbody td[data-seg]")]
        .filter((td) => td.dataset.cents !== "0").map((td) => `${td.dataset.seg}|${td.dataset.channel}|${td.dataset.cents}`));
      const expected = node.channelPlan(ref.segments, PLAN).allocations.filter((a) => a.cents > 0).map((a) => `${a.segment}|${a.channel}|${a.cents}`);
      assert.deepEqual(shown.sort(), expected.sort());
    });

    test("the target-list export is what Node writes; no CSP violation", async (t) => {
      if (skipUnless(t, session, features, "simd128", "moduleWorker")) return;
      // Catch the download where the page hands it to the browser (Blob + <a download>): file
      // downloads are driven differently in every WebDriver, the page's part ends at the click.
      await inPage(driver, () => {
        window.savedBlobs = [];
        const createObjectURL = URL.createObjectURL;
        URL.createObjectURL = (blob) => {
          const href = createObjectURL(blob);
          window.savedBlobs.push({ href, blob });
          return href;
        };
        HTMLAnchorElement.prototype.click = function () {
          const saved = window.savedBlobs.find((s) => s.href === this.href);
          if (saved) saved.filename = this.download;
        };
        const dialect = document.getElementById("csv-dialect");
        dialect.value = "plain";
        dialect.dispatchEvent(new Event("change", { bubbles: true }));
      });
      await click("#export-targets");
      await waitInPage(driver, () => window.savedBlobs.some((s) => s.filename), null, { what: "the target list's download" });
      const saved = await inPage(driver, async () => {
        const s = window.savedBlobs.find((x) => x.filename);
        return { filename: s.filename, text: await s.blob.text(), locale: navigator.language || "en-US" };
      });
      assert.match(saved.filename, /^hcp-targets-.*\.csv$/);
      const expected = node.targetList(ref, SAMPLE, {
        dialect: "plain", locale: saved.locale, segments: ref.segments.map((s) => s.id), filter: {}, requireConsent: [],
      });
      assert.equal(saved.text.split("\n").length, expected.split("\n").length, "one row per HCP");
      assert.equal(saved.text, expected);
      assert.deepEqual(await inPage(driver, () => window.cspViolations), []);
    });
  });
}
