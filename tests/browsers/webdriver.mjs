// The three browser engines over W3C WebDriver (selenium-webdriver as the client): Debian's
// Chromium (chromedriver), Firefox ESR (geckodriver) and WebKitGTK (WebKitWebDriver driving its
// MiniBrowser, on a virtual display from Xvfb). Every driver is started here on a free port and
// the client only connects to it (usingServer), so Selenium Manager never runs and nothing is
// downloaded: the browsers are the ones scripts/setup.sh installs.
//
// HCP_ENGINES=chromium,firefox,webkit (the default) picks the engines; paths can be overridden
// with CHROMIUM, CHROMEDRIVER, FIREFOX, GECKODRIVER, WEBKITWEBDRIVER, MINIBROWSER.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { Builder } from "selenium-webdriver";

// Belt and braces: should any code path reach Selenium Manager, it fails instead of downloading.
process.env.SE_MANAGER_PATH = "/nonexistent/selenium-manager";

export const ALL_ENGINES = ["chromium", "firefox", "webkit"];

/** The engines to test, from HCP_ENGINES (comma-separated) or all three. */
export function enginesToTest() {
  const wanted = (process.env.HCP_ENGINES || ALL_ENGINES.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  for (const e of wanted) if (!ALL_ENGINES.includes(e)) throw new Error(`HCP_ENGINES: unknown engine "${e}" (${ALL_ENGINES.join(", ")})`);
  return wanted;
}

/** First of the candidates that exists: an absolute path, or a name looked up on PATH (and ~/.cargo/bin). */
function which(...candidates) {
  const dirs = [...(process.env.PATH || "").split(delimiter), join(homedir(), ".cargo", "bin")];
  for (const c of candidates.filter(Boolean)) {
    if (c.includes("/")) {
      if (existsSync(c)) return c;
    } else {
      for (const d of dirs) if (existsSync(join(d, c))) return join(d, c);
    }
  }
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Start a process in its own group (so that stopping it also stops what it started). */
function startProcess(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
  process.once("exit", stop);
  return { child, stop, stderr: () => stderr };
}

/** A virtual X display for WebKitGTK's MiniBrowser (no headless mode): Xvfb picks a free number. */
async function startXvfb() {
  const xvfb = which(process.env.XVFB, "Xvfb");
  if (!xvfb) throw new Error("Xvfb not found: run scripts/setup.sh browsers (Debian package xvfb)");
  const child = spawn(xvfb, ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "ignore", "pipe"],
    detached: true,
  });
  const display = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("Xvfb did not report a display in 10 s")), 10_000);
    child.stdio[3].once("data", (d) => {
      clearTimeout(timer);
      resolve(`:${String(d).trim()}`);
    });
    child.once("exit", (code) => reject(new Error(`Xvfb exited (${code}) before reporting a display`)));
  });
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
  process.once("exit", stop);
  return { display, stop };
}

/** Wait until the driver answers GET /status with ready. */
async function waitReady(url, proc, what) {
  const t0 = Date.now();
  while (Date.now() - t0 < 20_000) {
    if (proc.child.exitCode !== null) throw new Error(`${what} exited (${proc.child.exitCode}): ${proc.stderr()}`);
    try {
      const r = await fetch(`${url}/status`);
      const body = await r.json();
      if (body.value?.ready !== false) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready in 20 s: ${proc.stderr()}`);
}

/** The driver command line and the session's capabilities, per engine. */
function engineSpec(engine, port) {
  if (engine === "chromium") {
    const binary = which(process.env.CHROMIUM, "/usr/bin/chromium");
    const driver = which(process.env.CHROMEDRIVER, "chromedriver");
    return {
      missing: !binary ? "chromium" : !driver ? "chromedriver (Debian chromium-driver)" : null,
      cmd: driver,
      args: [`--port=${port}`],
      caps: {
        browserName: "chrome",
        "goog:chromeOptions": {
          binary,
          args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--window-size=1280,800"],
        },
      },
    };
  }
  if (engine === "firefox") {
    const binary = which(process.env.FIREFOX, "/usr/bin/firefox-esr");
    const driver = which(process.env.GECKODRIVER, "geckodriver");
    return {
      missing: !binary ? "firefox-esr (Debian firefox-esr)" : !driver ? "geckodriver (cargo install geckodriver --locked)" : null,
      cmd: driver,
      args: ["--port", String(port), "--host", "127.0.0.1"],
      caps: {
        browserName: "firefox",
        "moz:firefoxOptions": {
          binary,
          args: ["-headless", "--width=1280", "--height=800"],
          // No update checks, telemetry or other background requests from a test profile.
          prefs: { "app.update.enabled": false, "datareporting.policy.dataSubmissionEnabled": false, "toolkit.telemetry.enabled": false },
        },
      },
    };
  }
  const driver = which(process.env.WEBKITWEBDRIVER, "WebKitWebDriver");
  const binary = which(process.env.MINIBROWSER, "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser", "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser");
  return {
    missing: !driver ? "WebKitWebDriver (Debian webkit2gtk-driver)" : !binary ? "MiniBrowser (Debian libwebkit2gtk-4.1-0)" : null,
    cmd: driver,
    args: [`--port=${port}`],
    needsDisplay: true,
    language: process.env.HCP_WEBKIT_LANG || "en_US.UTF-8",
    caps: { browserName: "MiniBrowser", "webkitgtk:browserOptions": { binary, args: ["--automation"] } },
  };
}

/**
 * Start `engine`'s driver and a session on it. Resolves to { engine, driver, version, label, quit() };
 * the browser's version is what the session reports.
 */
export async function launch(engine) {
  const port = await freePort();
  const spec = engineSpec(engine, port);
  if (spec.missing) throw new Error(`${engine}: ${spec.missing} not found: run scripts/setup.sh browsers`);
  let xvfb = null;
  const env = { ...process.env };
  if (spec.needsDisplay) {
    xvfb = await startXvfb();
    env.DISPLAY = xvfb.display;
  }
  if (spec.language) {
    // WebKitGTK takes navigator.language from the process locale: under LANG=C (CI, containers)
    // it is "C", which Intl rejects as a language tag. Tests run as on a desktop set to en_US.
    delete env.LC_ALL;
    delete env.LC_MESSAGES;
    env.LANG = spec.language;
  }
  const proc = startProcess(spec.cmd, spec.args, env);
  const url = `http://127.0.0.1:${port}`;
  let driver;
  try {
    await waitReady(url, proc, spec.cmd);
    driver = await new Builder().usingServer(url).withCapabilities(spec.caps).build();
  } catch (e) {
    proc.stop();
    xvfb?.stop();
    throw new Error(`${engine}: no WebDriver session: ${e.message}\n${proc.stderr()}`);
  }
  await driver.manage().setTimeouts({ script: 180_000, pageLoad: 60_000 });
  const caps = await driver.getCapabilities();
  const version = caps.get("browserVersion") || "?";
  const label = { chromium: "Chromium", firefox: "Firefox ESR", webkit: "WebKitGTK" }[engine] + " " + version;
  return {
    engine,
    driver,
    version,
    label,
    async quit() {
      try {
        await driver.quit();
      } finally {
        proc.stop();
        xvfb?.stop();
      }
    },
  };
}

/**
 * Run an async function in the page and return what it resolves to (JSON-serialisable). `fn` is
 * sent as source text: it sees only the page and its argument. A rejection becomes an Error here
 * with the page's message and stack.
 */
export async function inPage(driver, fn, arg) {
  const out = await driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     Promise.resolve().then(() => (${fn})(arguments[0])).then(
       (value) => done({ value: value === undefined ? null : value }),
       (e) => done({ error: String(e && e.stack || e) }));`,
    arg === undefined ? null : arg,
  );
  if (out.error) throw new Error(`in the page: ${out.error}`);
  return out.value;
}

/** Poll `fn` in the page until it returns something truthy (or fail after `timeout` ms with `what`). */
export async function waitInPage(driver, fn, arg, { timeout = 60_000, what = String(fn) } = {}) {
  const t0 = Date.now();
  for (;;) {
    const v = await driver.executeScript(`return (${fn})(arguments[0]);`, arg === undefined ? null : arg);
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
