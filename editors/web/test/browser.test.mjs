// The playground in real Chromium (puppeteer-core, as the VS Code suite
// drives it): opens editors/web/dist/index.html from file://, pastes the
// example page into the editor, and checks what a person sees: the seven
// warnings in the lint panel at the lines `bulletin check` gives, a hover on
// SCO, the outline's ten articles, the dash quick fix, the share link, and
// `window.bulletin.check` against the CLI's JSON. Measures load → first
// diagnostics and keystroke → diagnostics, and saves a screenshot.
//
//   node --test editors/web/test/browser.test.mjs
//
// Environment: CHROMIUM (default /usr/bin/chromium), BULLETIN_BIN (default
// target/debug/bulletin), ARTIFACTS (default editors/web/test/artifacts),
// SCREENSHOT (also write the screenshot there, e.g. docs/images/playground.png),
// BUDGETS=report to print the timing budgets without failing on them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const WEB = resolve(HERE, "..");
const ROOT = resolve(WEB, "../..");
const BIN = process.env.BULLETIN_BIN ?? join(ROOT, "target/debug/bulletin");
const ARTIFACTS = process.env.ARTIFACTS ?? join(HERE, "artifacts");
const PAGE_URL = pathToFileURL(join(WEB, "dist/index.html")).href;
const SAMPLE = readFileSync(join(WEB, "sample.bulletin"), "utf8");
const NAME = "seed.bulletin";
const LOAD_BUDGET_MS = 300;
const KEYSTROKE_BUDGET_MS = 50;
const enforceBudgets = process.env.BUDGETS !== "report";

/** `bulletin check --format json` on `text` as `seed.bulletin`, from a folder with no bulletin.toml. */
function cliCheck(text) {
  const out = execFileSync(BIN, ["check", "--format", "json", "--exit-zero", "--stdin-filename", NAME, "-"], {
    cwd: tmpdir(),
    input: text,
    encoding: "utf8",
  });
  return JSON.parse(out);
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const round1 = (ms) => Math.round(ms * 10) / 10;

let browser;
let page;
const consoleErrors = [];
const figures = {};

/** A new tab that records console errors and refuses every request but file: and data:. */
async function newTab() {
  const tab = await browser.newPage();
  tab.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  tab.on("pageerror", (err) => consoleErrors.push(String(err)));
  // No network at run time: any other request fails the test.
  await tab.setRequestInterception(true);
  tab.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("file:") || url.startsWith("data:")) request.continue();
    else {
      consoleErrors.push(`network request: ${url}`);
      request.abort();
    }
  });
  return tab;
}

/** Opens the playground in `tab`; milliseconds from the navigation's start to the first diagnostics. */
async function openPlayground(tab, url = PAGE_URL) {
  await tab.goto(url, { waitUntil: "load" });
  await tab.waitForFunction(() => window.bulletin?.timings?.firstDiagnostics != null, { timeout: 10000 });
  // performance.now() counts from the navigation's start.
  return tab.evaluate(() => window.bulletin.timings.firstDiagnostics);
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    defaultViewport: { width: 1440, height: 900 },
  });
});

after(async () => {
  await browser?.close();
  if (Object.keys(figures).length > 0) {
    writeFileSync(join(ARTIFACTS, "figures.json"), JSON.stringify(figures, null, 2) + "\n");
  }
});

// The lint panel's rows; with nothing found it shows one "No diagnostics" row.
const ROWS = `[...document.querySelectorAll(".cm-panel-lint li.cm-diagnostic")].filter((item) => item.textContent !== "No diagnostics")`;

/** The lint panel's rows: severity and text. */
async function panelRows() {
  return page.$$eval(".cm-panel-lint li.cm-diagnostic", (items) =>
    items.filter((item) => item.textContent !== "No diagnostics").map((item) => ({
      severity: [...item.classList].find((name) => name.startsWith("cm-diagnostic-"))?.slice(14),
      text: item.textContent,
    })),
  );
}

async function waitForRows(count) {
  await page.waitForFunction(`${ROWS}.length === ${count}`, { timeout: 10000 });
}

test("the page loads from file:// and shows its first diagnostics within budget", async () => {
  // Six loads in fresh tabs (the first starts a cold renderer); the budget
  // holds for their median. The machine is shared: a round whose median is
  // over budget is measured again, up to three rounds, and all are reported.
  const rounds = [];
  for (let round = 0; round < 3; round += 1) {
    const loads = [];
    for (let load = 0; load < 6; load += 1) {
      const tab = await newTab();
      loads.push(await openPlayground(tab));
      if (page === undefined && load === 5) page = tab;
      else await tab.close();
    }
    const sorted = [...loads].sort((a, b) => a - b);
    const median = (sorted[2] + sorted[3]) / 2;
    rounds.push({ first: round1(loads[0]), median: round1(median), worst: round1(sorted[5]) });
    console.log(
      `# load → first diagnostics, round ${round + 1} of 6 loads: first ${loads[0].toFixed(1)} ms, median ${median.toFixed(1)} ms, worst ${sorted[5].toFixed(1)} ms (budget ${LOAD_BUDGET_MS} ms)`,
    );
    if (median <= LOAD_BUDGET_MS) break;
  }
  figures.loadToFirstDiagnosticsMs = rounds;
  const best = Math.min(...rounds.map((round) => round.median));
  if (enforceBudgets) assert.ok(best <= LOAD_BUDGET_MS, `median load → first diagnostics over budget in every round: ${JSON.stringify(rounds)}`);
  assert.equal(await page.evaluate(() => typeof window.bulletin.check + typeof window.bulletin.symbols), "functionfunction");
});

test("pasting the example page shows its seven warnings in the lint panel at the right lines", async () => {
  await page.click(".cm-line"); // the first line: the editor has the focus
  await page.keyboard.down("Control");
  await page.keyboard.press("a");
  await page.keyboard.up("Control");
  await page.keyboard.press("Backspace");
  await waitForRows(0);
  // A paste event carrying the text, as the clipboard delivers it.
  await page.$eval(
    ".cm-content",
    (content, text) => {
      const data = new DataTransfer();
      data.setData("text/plain", text);
      content.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    },
    SAMPLE,
  );
  const expected = cliCheck(SAMPLE);
  assert.equal(expected.length, 7);
  await waitForRows(expected.length);
  const rows = await panelRows();
  assert.deepEqual(
    rows.map((row) => row.severity),
    expected.map((record) => record.severity),
  );
  assert.equal(rows.filter((row) => row.severity === "warning").length, 7);
  // Each row, chosen in the panel, puts the cursor on its finding's line.
  const lines = [];
  for (let at = 0; at < rows.length; at += 1) {
    // Scroll the row into the panel's view and wait for the layout to
    // settle: the point clicked must be on that row, not on its neighbour.
    let point = null;
    for (let attempt = 0; attempt < 10 && !point; attempt += 1) {
      point = await page.evaluate(async (index) => {
        const item = document.querySelectorAll(".cm-panel-lint li.cm-diagnostic")[index];
        const list = item.parentElement; // the panel's own scroller, nothing around it
        list.scrollTop += item.getBoundingClientRect().top - list.getBoundingClientRect().top;
        await new Promise((settled) => requestAnimationFrame(() => requestAnimationFrame(settled)));
        const box = item.getBoundingClientRect();
        const x = box.left + 20;
        const y = (box.top + box.bottom) / 2;
        return document.elementFromPoint(x, y)?.closest("li") === item ? { x, y } : null;
      }, at);
    }
    assert.ok(point, `row ${at} could not be brought into view`);
    await page.mouse.click(point.x, point.y);
    lines.push(
      await page.evaluate(() => {
        const state = window.bulletinView.state;
        return state.doc.lineAt(state.selection.main.from).number;
      }),
    );
    assert.ok(rows[at].text.includes(expected[at].message), `row ${at}: ${rows[at].text}`);
  }
  assert.deepEqual(
    lines,
    expected.map((record) => record.start.line),
  );
  assert.deepEqual(lines, [11, 19, 23, 25, 63, 71, 79]);
});

test("hovering SCO names the Shanghai Cooperation Organisation", async () => {
  const pos = SAMPLE.indexOf("The SCO brings") + "The S".length;
  // The top of the page, where this SCO is; the editor measures in the next frame.
  await page.evaluate(async () => {
    const view = window.bulletinView;
    // EditorView.scrollIntoView, which also replaces a scroll still pending from the panel.
    view.dispatch({ selection: { anchor: 0 }, effects: view.constructor.scrollIntoView(0, { y: "start" }) });
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  });
  // The pointer rests on the word, as a person's would; a move that lands
  // while the editor is still measuring is tried again (three times at most).
  let shown = null;
  for (let attempt = 0; attempt < 3 && !shown; attempt += 1) {
    await page.mouse.move(5, 5);
    await sleep(100);
    const point = await page.evaluate((offset) => {
      const box = window.bulletinView.coordsAtPos(offset);
      return { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 };
    }, pos);
    await page.mouse.move(point.x, point.y, { steps: 4 });
    shown = await page.waitForSelector(".cm-tooltip-hover .bulletin-hover", { timeout: 3000 }).catch(() => null);
  }
  assert.ok(shown, "no hover tooltip on SCO");
  const text = await page.$eval(".cm-tooltip-hover .bulletin-hover", (node) => node.textContent);
  assert.match(text, /Shanghai Cooperation Organisation/);
  await page.screenshot({ path: join(ARTIFACTS, "playground.png") });
  if (process.env.SCREENSHOT) copyFileSync(join(ARTIFACTS, "playground.png"), process.env.SCREENSHOT);
  await page.mouse.move(5, 5);
});

test("the outline lists the ten articles of `bulletin symbols`", async () => {
  const headlines = await page.$$eval("#outline-list .outline-article", (items) =>
    items.map((item) => item.firstChild.textContent),
  );
  const expected = JSON.parse(execFileSync(BIN, ["symbols", "--format", "json", join(WEB, "sample.bulletin")], { encoding: "utf8" }));
  assert.equal(headlines.length, 10);
  assert.deepEqual(
    headlines,
    expected.articles.map((article) => article.headline),
  );
});

test("the dash quick fix removes its warning, and only that one", async () => {
  const before = await panelRows();
  const at = before.findIndex((row) => row.text.includes("en dash"));
  assert.notEqual(at, -1);
  const dashes = before.filter((row) => row.text.includes("en dash")).length;
  const buttons = await page.$$(".cm-panel-lint li.cm-diagnostic");
  const action = await buttons[at].$(".cm-diagnosticAction");
  assert.ok(action, "the dash warning has a quick fix");
  await action.click();
  await waitForRows(before.length - 1);
  const after = await panelRows();
  assert.equal(after.filter((row) => row.text.includes("en dash")).length, dashes - 1);
  const text = await page.evaluate(() => window.bulletinView.state.doc.toString());
  assert.match(text.split("\n")[10], /Bulletin\) — Foreign ministers/);
  assert.deepEqual(await page.evaluate((t) => window.bulletin.check(t, "seed.bulletin"), text), cliCheck(text));
});

test("window.bulletin.check equals the CLI's JSON on the example page", async () => {
  const actual = await page.evaluate((text) => window.bulletin.check(text, "seed.bulletin"), SAMPLE);
  assert.deepEqual(actual, cliCheck(SAMPLE));
});

test("a keystroke updates the diagnostics within budget", async () => {
  // Put the cursor after "FEB. 7" in a dateline (before its doubled space)
  // and delete a space, type it, take it back, …: each keystroke removes or adds a finding.
  const pos = (await page.evaluate(() => window.bulletinView.state.doc.toString())).indexOf("FEB. 7") + "FEB. 7".length;
  await page.evaluate((offset) => {
    window.bulletinView.focus();
    window.bulletinView.dispatch({ selection: { anchor: offset } });
    window.bulletin.timings.checks.length = 0;
  }, pos);
  const rounds = 20;
  const start = (await panelRows()).length;
  const counts = [];
  for (let round = 0; round < rounds; round += 1) {
    const seen = await page.evaluate(() => window.bulletin.timings.checks.length);
    await page.keyboard.press(round === 0 ? "Delete" : round % 2 === 1 ? "Space" : "Backspace");
    await page.waitForFunction((count) => window.bulletin.timings.checks.length > count, { timeout: 5000 }, seen);
    counts.push((await panelRows()).length);
    await sleep(30);
  }
  // The doubled space goes and comes back: one finding fewer, then as before.
  assert.deepEqual(
    counts,
    Array.from({ length: rounds }, (_, round) => (round % 2 === 0 ? start - 1 : start)),
  );
  const checks = await page.evaluate(() => window.bulletin.timings.checks.map((check) => check.sinceChange));
  const sorted = [...checks].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const worst = sorted[sorted.length - 1];
  const work = await page.evaluate(() => {
    const works = window.bulletin.timings.checks.map((check) => check.work).sort((a, b) => a - b);
    return works[Math.floor(works.length / 2)];
  });
  figures.keystrokeToDiagnosticsMs = { median: round1(median), worst: round1(worst), checkAloneMedian: round1(work) };
  console.log(
    `# keystroke → diagnostics over ${checks.length} keystrokes: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms (budget ${KEYSTROKE_BUDGET_MS} ms; the check and the lint update alone: median ${work.toFixed(1)} ms)`,
  );
  assert.equal(checks.length, rounds);
  if (enforceBudgets) assert.ok(median <= KEYSTROKE_BUDGET_MS, `median keystroke → diagnostics ${median} ms`);
});

test("the share link carries the text and bulletin.toml into a fresh page", async () => {
  await page.$eval("#config", (box) => {
    box.value = '[rules]\ndateline-dash = "off"\n';
    box.dispatchEvent(new Event("input"));
  });
  await page.click("#share");
  await page.waitForFunction(() => !document.getElementById("share-link").hidden);
  const link = await page.$eval("#share-link", (input) => input.value);
  assert.match(link, /#z=[A-Za-z0-9_-]+$/);
  const text = await page.evaluate(() => window.bulletinView.state.doc.toString());
  assert.ok(link.length < text.length, `the link (${link.length}) is compressed below the text (${text.length})`);
  const fresh = await newTab();
  try {
    await openPlayground(fresh, link);
    const shared = await fresh.evaluate(() => ({
      text: window.bulletinView.state.doc.toString(),
      config: document.getElementById("config").value,
      rows: [...document.querySelectorAll(".cm-panel-lint li.cm-diagnostic")].filter((item) => item.textContent !== "No diagnostics").length,
    }));
    assert.equal(shared.text, text);
    assert.equal(shared.config, '[rules]\ndateline-dash = "off"\n');
    assert.equal(shared.rows, cliCheck(text).filter((record) => record.rule !== "dateline-dash").length);
  } finally {
    await fresh.close();
  }
});

test("nothing went wrong in the page, and nothing asked the network", () => {
  assert.deepEqual(consoleErrors, []);
  if (Object.keys(figures).length > 0) {
    writeFileSync(join(ARTIFACTS, "figures.json"), JSON.stringify(figures, null, 2) + "\n");
  }
});
