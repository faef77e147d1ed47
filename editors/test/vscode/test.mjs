// Drives real VS Code (code-server, started by run.sh with the bulletin .vsix
// installed) in headless Chromium: opens the fixture and checks the Problems
// panel, the Outline view, hover on an acronym and the colouring (TextMate
// scope and semantic token type), saving screenshots as artifacts.
//
// Environment: CS_URL, FOLDER (the workspace), EXPECTED (expected.json),
// ARTIFACTS (folder for screenshots), CHROMIUM (the browser executable).

import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const url = process.env.CS_URL;
const folder = process.env.FOLDER;
const artifacts = process.env.ARTIFACTS;
const expected = JSON.parse(fs.readFileSync(process.env.EXPECTED, "utf8"));
const fixtureText = fs.readFileSync(path.join(folder, expected.file), "utf8");
const lines = fixtureText.split("\n");
fs.mkdirSync(artifacts, { recursive: true });

let passes = 0;
const failures = [];
function check(name, ok, detail) {
  if (ok) {
    passes++;
    console.log(`  ok   ${name}`);
  } else {
    failures.push(name);
    console.log(`  FAIL ${name}${detail !== undefined ? `: ${detail}` : ""}`);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, timeout = 20000, step = 250) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch {
      // retry
    }
    await sleep(step);
  }
  return last;
}

/** UTF-16 column (1-based, as VS Code shows it) of the first `anchor` on 1-based `line`. */
function vsColumn(line, anchor, offset = 0) {
  const text = lines[line - 1];
  const i = text.indexOf(anchor);
  return [...text.slice(0, i)].join("").length + 1 + offset;
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1000",
  ],
  defaultViewport: { width: 1600, height: 1000 },
});

let exitCode = 1;
try {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/open-vsx|marketplace|Failed to load resource/.test(msg.text())) {
      consoleErrors.push(msg.text());
    }
  });
  const t0 = Date.now();
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: "domcontentloaded" });
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await sleep(3000);
  console.log(`       (workbench up in ${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  const kb = page.keyboard;
  // Enter without its "\r" text: when a quick input closes on keydown, the
  // text would land in the editor that gets focus back and insert a newline.
  const enter = () => kb.press("Enter", { text: "" });

  const quickOpen = () =>
    page.waitForFunction(
      () => {
        const w = document.querySelector(".quick-input-widget");
        return w && w.style.display !== "none" && w.contains(document.activeElement);
      },
      { timeout: 10000 },
    );
  const quickClosed = () =>
    page
      .waitForFunction(
        () => {
          const w = document.querySelector(".quick-input-widget");
          return !w || w.style.display === "none" || !w.contains(document.activeElement);
        },
        { timeout: 5000 },
      )
      .catch(() => {});
  async function quickInput(prefix, text) {
    if (prefix === ">") {
      await kb.press("F1"); // the command palette, with ">" already typed
    } else {
      await kb.down("Control");
      await kb.press("KeyP");
      await kb.up("Control");
    }
    await quickOpen();
    await kb.type(text, { delay: 10 });
    await sleep(700);
    await enter();
    await quickClosed();
    await sleep(300);
  }
  async function runCommand(title) {
    await quickInput(">", title);
  }
  async function goTo(line, column) {
    await kb.press("F1");
    await quickOpen();
    await kb.type("Go to Line/Column", { delay: 10 });
    await sleep(700);
    await enter();
    // The same widget reopens with ":" for the line picker.
    await page.waitForFunction(
      () => {
        const w = document.querySelector(".quick-input-widget");
        const input = w && w.querySelector("input");
        return w && w.style.display !== "none" && input === document.activeElement && input.value.startsWith(":");
      },
      { timeout: 10000 },
    );
    await page.$eval(".quick-input-widget input", (e) => e.select());
    await kb.type(`:${line}:${column}`, { delay: 10 });
    await sleep(300);
    await enter();
    await quickClosed();
    await sleep(300);
    const status = await page.$eval("#status\\.editor\\.selection", (e) => e.innerText).catch(() => "");
    console.log(`       (cursor: ${status.trim()})`);
  }

  // Open the fixture: click it in the Explorer (Quick Open as a fallback).
  const row = await until(() => page.$(`.explorer-folders-view .monaco-list-row[aria-label^="${expected.file}"]`), 15000);
  if (row) {
    await row.click();
    await sleep(500);
    await enter(); // pin it (leave preview mode)
  } else {
    await runCommand("Go to File...");
    await kb.type(expected.file, { delay: 10 });
    await sleep(700);
    await enter();
  }
  const opened = await until(
    () => page.$eval(".tabs-container .tab.active", (e) => e.textContent).then((t) => t.includes(expected.file)),
    15000,
  );
  check(`opened ${expected.file} in an editor`, !!opened);
  const languageNow = () => page.$eval(".statusbar-item[id='status.editor.mode']", (e) => e.textContent.trim());
  const language = (await until(() => languageNow().then((t) => (/bulletin/i.test(t) ? t : null)), 15000)) ?? (await languageNow().catch(() => ""));
  check("language mode is Bulletin", /bulletin/i.test(language ?? ""), language);

  // Problems panel: the expected diagnostics, each once, at the right line and UTF-16 column.
  await runCommand("View: Focus Problems");
  const rowsText = async () =>
    page.$$eval(".markers-panel .monaco-list-row", (rows) => rows.map((r) => r.innerText.replace(/\s+/g, " ").trim()));
  const rows = await until(async () => {
    const r = await rowsText();
    return r.filter((t) => /\[Ln \d+, Col \d+\]/.test(t)).length >= expected.diagnostics.length ? r : null;
  }, 30000);
  const markerRows = (rows ?? (await rowsText())).filter((t) => /\[Ln \d+, Col \d+\]/.test(t));
  console.log(markerRows.map((r) => `       problem: ${r}`).join("\n"));
  const extra = markerRows.filter((t) => !expected.diagnostics.some((d) => t.includes(d.rule)));
  if (extra.length) console.log(`       (${extra.length} more problems from other rules, not checked)`);
  for (const want of expected.diagnostics) {
    const col = vsColumn(want.line, want.anchor);
    const hit = markerRows.find(
      (t) => t.includes(want.rule) && t.includes(`[Ln ${want.line}, Col ${col}]`) && t.includes(want.message),
    );
    check(`problem ${want.rule} at Ln ${want.line}, Col ${col}`, !!hit);
  }
  await page.screenshot({ path: path.join(artifacts, "vscode-problems.png") });

  // No duplicates: the status bar counts every marker (push and pull diagnostics would double them).
  const counts = await until(
    () => page.$eval("#status\\.problems", (e) => e.getAttribute("aria-label") || e.innerText),
    5000,
  );
  const total = ((counts ?? "").match(/\d+/g) ?? []).map(Number).reduce((a, b) => a + b, 0);
  check(
    `no duplicate diagnostics (status bar total ${total} = ${markerRows.length} problems listed)`,
    total === markerRows.length,
    counts,
  );

  // Outline view: the articles (settings collapse it; open the archive's top level).
  await runCommand("Explorer: Focus on Outline View");
  const rootTwistie = await until(
    () => page.$(".outline-pane .monaco-list-row[aria-level='1'] .monaco-tl-twistie.collapsible.collapsed"),
    10000,
  );
  if (rootTwistie) {
    await rootTwistie.click();
  }
  const outline = await until(async () => {
    const labels = await page.$$eval(".outline-pane .monaco-list-row, .pane-body .monaco-list-row .outline-element", (rows) =>
      rows.map((r) => r.innerText.replace(/\s+/g, " ").trim()),
    );
    return expected.articles.every((a) => labels.some((l) => l.includes(a))) ? labels : null;
  }, 15000);
  const outlineLabels =
    outline ??
    (await page.$$eval(".outline-pane .monaco-list-row", (rows) => rows.map((r) => r.innerText.replace(/\s+/g, " ").trim())));
  for (const article of expected.articles) {
    check(`outline lists "${article}"`, outlineLabels.some((l) => l.includes(article)), outlineLabels.join(" | "));
  }

  // Hover on an acronym.
  const h = expected.hover;
  const hcol = vsColumn(h.line, h.anchor, h.offset);
  await goTo(h.line, hcol);
  await enter();
  await sleep(300);
  // Ctrl+K Ctrl+I: Show or Focus Hover, in the editor at the cursor.
  await kb.down("Control");
  await kb.press("KeyK");
  await kb.press("KeyI");
  await kb.up("Control");
  const hover = await until(
    () =>
      page
        .$$eval(".monaco-hover .hover-contents, .monaco-hover-content", (els) => els.map((e) => e.innerText).join("\n"))
        .then((t) => (t.includes(h.expect) ? t : null)),
    10000,
  );
  check(`hover at ${h.line}:${hcol} shows "${h.expect}"`, !!hover, hover);
  await page.screenshot({ path: path.join(artifacts, "vscode.png") });
  await kb.press("Escape");

  // Colouring: TextMate scope and semantic token type on a dateline place.
  await goTo(7, 2);
  await runCommand("Developer: Inspect Editor Tokens and Scopes");
  const inspect = await until(
    () =>
      page
        .$eval(".token-inspect-widget", (e) => e.innerText)
        .then((t) => (/semantic token type/i.test(t) ? t : null)),
    10000,
  );
  const inspectText = inspect ?? (await page.$eval(".token-inspect-widget", (e) => e.innerText).catch(() => ""));
  check("TextMate scope entity.name.tag.place.bulletin on MOSCOW", inspectText.includes("entity.name.tag.place.bulletin"), inspectText);
  check("semantic token type place on MOSCOW", /semantic token type\s*place/i.test(inspectText), inspectText);
  await page.screenshot({ path: path.join(artifacts, "vscode-tokens.png") });
  await kb.press("Escape");

  // bulletin.files.extraGlobs: a plain-text archive page becomes a bulletin document.
  if (process.env.EXTRA_FILE) {
    await runCommand("Go to File...");
    await kb.type(process.env.EXTRA_FILE, { delay: 10 });
    await sleep(700);
    await enter();
    const extraLanguage = await until(
      () => languageNow().then((t) => (/bulletin/i.test(t) ? t : null)),
      15000,
    );
    check(`${process.env.EXTRA_FILE} (bulletin.files.extraGlobs) is a Bulletin document`, !!extraLanguage, await languageNow().catch(() => ""));
    const extraProblem = await until(async () => {
      const r = await rowsText();
      return r.some((t) => t.includes(process.env.EXTRA_FILE)) ? r : null;
    }, 15000);
    check(`${process.env.EXTRA_FILE} has problems in the Problems panel`, !!extraProblem);
  }

  if (consoleErrors.length) {
    console.log(`       (browser console errors: ${consoleErrors.length}; first: ${consoleErrors[0].slice(0, 200)})`);
  }
  exitCode = failures.length === 0 ? 0 : 1;
} catch (err) {
  console.log(`  FAIL the suite crashed: ${err?.stack ?? err}`);
  failures.push("crash");
  exitCode = 1;
} finally {
  console.log(`vscode: ${passes} passed, ${failures.length} failed`);
  await browser.close().catch(() => {});
}
process.exit(exitCode);
