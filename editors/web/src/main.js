// The bulletin playground: CodeMirror 6 over the checker compiled to
// WebAssembly. Every judgement comes from the WebAssembly module (the same
// library as `bulletin check`); this file only shows it.

import { EditorState } from "@codemirror/state";
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  hoverTooltip,
  drawSelection,
  ViewPlugin,
} from "@codemirror/view";
import { defaultKeymap, history as undoHistory, historyKeymap } from "@codemirror/commands";
import { searchKeymap } from "@codemirror/search";
import { setDiagnostics, lintGutter, lintKeymap, openLintPanel } from "@codemirror/lint";

import init, { check, symbols, hover, apply_fixes } from "../pkg/bulletin_wasm.js";
import wasmBytes from "../pkg/bulletin_wasm_bg.wasm";
import sample from "../sample.bulletin";

import { decodeShare, encodeShare } from "./share.js";
import { renderMarkdown } from "./markdown.js";

const NAME = "seed.bulletin";
// Diagnostics follow typing after this pause: a burst of keystrokes is
// checked once, and a single keystroke is checked well within 50 ms.
const DEBOUNCE_MS = 20;

// Timings, for the status line, the README's figures and the browser test.
const timings = { firstDiagnostics: null, checks: [], lastChangeAt: null };

/** The offset in `doc` of a 1-based line and 1-based column counted in
 * Unicode scalar values, as `bulletin check --format json` gives them. */
function offsetOf(doc, position) {
  if (position.line > doc.lines) return doc.length;
  const line = doc.line(Math.max(1, position.line));
  let at = 0;
  let chars = 1;
  while (chars < position.column && at < line.text.length) {
    const code = line.text.codePointAt(at);
    at += code > 0xffff ? 2 : 1;
    chars += 1;
  }
  return line.from + at;
}

function configText() {
  return document.getElementById("config").value;
}

function setStatus(text, trouble = false) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.classList.toggle("trouble", trouble);
}

/** The quick fix of one finding: its edits, as the library gives them. */
function fixAction(record) {
  const fix = record.fix;
  if (!fix || fix.edits.length === 0) return [];
  return [
    {
      name: fix.applicability === "safe" ? `Fix: ${fix.description}` : `Fix (unsafe): ${fix.description}`,
      apply(view) {
        const doc = view.state.doc;
        const changes = fix.edits.map((edit) => ({
          from: offsetOf(doc, edit.start),
          to: offsetOf(doc, edit.end),
          insert: edit.replacement,
        }));
        view.dispatch({ changes });
      },
    },
  ];
}

function toCodeMirror(doc, record) {
  const from = offsetOf(doc, record.start);
  const to = Math.max(from, offsetOf(doc, record.end));
  return {
    from,
    to,
    severity: record.severity,
    source: record.rule,
    message: record.message,
    actions: fixAction(record),
  };
}

function renderOutline(view, outline) {
  const list = document.getElementById("outline-list");
  const title = document.getElementById("outline-title");
  title.textContent = outline.title ?? "(no archive title)";
  list.replaceChildren(
    ...outline.articles.map((article) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.className = "outline-article";
      button.textContent = article.headline;
      const details = [article.date, article.place, article.issue != null ? `Issue ${article.issue}` : null]
        .filter(Boolean)
        .join(" · ");
      const meta = document.createElement("span");
      meta.className = "outline-meta";
      meta.textContent = `${article.start_line}–${article.end_line}${details ? "  " + details : ""}`;
      button.append(meta);
      button.addEventListener("click", () => {
        const line = view.state.doc.line(Math.min(article.start_line, view.state.doc.lines));
        view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
        view.focus();
      });
      item.append(button);
      return item;
    }),
  );
}

let outlineTimer = null;

/** Checks the text now: diagnostics into the lint gutter and panel, the
 * outline into its panel. */
function runCheck(view) {
  const started = performance.now();
  const text = view.state.doc.toString();
  let records;
  try {
    records = check(text, NAME, configText());
  } catch (err) {
    setStatus(String(err.message ?? err), true);
    view.dispatch(setDiagnostics(view.state, []));
    return;
  }
  const doc = view.state.doc;
  view.dispatch(setDiagnostics(view.state, records.map((record) => toCodeMirror(doc, record))));
  const done = performance.now();
  // The outline follows once the diagnostics are on screen.
  clearTimeout(outlineTimer);
  outlineTimer = setTimeout(() => renderOutline(view, symbols(text)), 0);
  if (timings.firstDiagnostics === null) timings.firstDiagnostics = done;
  if (timings.lastChangeAt !== null) {
    timings.checks.push({ sinceChange: done - timings.lastChangeAt, work: done - started });
    timings.lastChangeAt = null;
  }
  const count = (severity) => records.filter((record) => record.severity === severity).length;
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  setStatus(
    `${plural(count("error"), "error")}, ${plural(count("warning"), "warning")} · checked in ${(done - started).toFixed(1)} ms`,
  );
}

/** Re-checks DEBOUNCE_MS after the last change. */
const checkOnChange = ViewPlugin.fromClass(
  class {
    constructor(view) {
      this.view = view;
      this.timer = null;
    }
    update(update) {
      if (!update.docChanged) return;
      if (timings.lastChangeAt === null) timings.lastChangeAt = performance.now();
      clearTimeout(this.timer);
      this.timer = setTimeout(() => runCheck(this.view), DEBOUNCE_MS);
    }
    destroy() {
      clearTimeout(this.timer);
    }
  },
);

const bulletinHover = hoverTooltip((view, pos) => {
  let found;
  try {
    found = hover(view.state.doc.toString(), pos, configText());
  } catch {
    return null;
  }
  if (!found) return null;
  return {
    pos: found.from,
    end: found.to,
    create() {
      const dom = document.createElement("div");
      dom.className = "bulletin-hover";
      dom.append(renderMarkdown(found.markdown));
      return { dom };
    },
  };
});

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "14px" },
  ".cm-scroller": { fontFamily: '"DejaVu Sans Mono", ui-monospace, monospace', lineHeight: "1.45" },
  ".cm-content": { whiteSpace: "pre-wrap" },
  ".cm-panel.cm-panel-lint ul": { maxHeight: "180px" },
});

async function start() {
  timings.scriptStart = performance.now();
  await init({ module_or_path: wasmBytes });
  timings.wasmReady = performance.now();
  const shared = await decodeShare(location.hash).catch(() => null);
  if (shared?.config != null) document.getElementById("config").value = shared.config;
  const view = new EditorView({
    parent: document.getElementById("editor"),
    state: EditorState.create({
      doc: shared?.text ?? sample,
      extensions: [
        lineNumbers(),
        undoHistory(),
        drawSelection(),
        highlightActiveLine(),
        EditorView.lineWrapping,
        lintGutter(),
        bulletinHover,
        checkOnChange,
        theme,
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap]),
      ],
    }),
  });
  timings.editorReady = performance.now();
  runCheck(view);
  openLintPanel(view);
  view.focus();
  view.dispatch({ selection: { anchor: 0 } });

  let configTimer = null;
  document.getElementById("config").addEventListener("input", () => {
    clearTimeout(configTimer);
    configTimer = setTimeout(() => runCheck(view), DEBOUNCE_MS);
  });
  document.getElementById("fix-all").addEventListener("click", () => {
    try {
      const text = view.state.doc.toString();
      const fixed = apply_fixes(text, [], configText());
      if (fixed !== text) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: fixed } });
    } catch (err) {
      setStatus(String(err.message ?? err), true);
    }
  });
  document.getElementById("share").addEventListener("click", async () => {
    const hash = await encodeShare({ text: view.state.doc.toString(), config: configText() });
    window.history.replaceState(null, "", hash);
    const link = document.getElementById("share-link");
    link.value = location.href;
    link.hidden = false;
    link.select();
  });
  document.getElementById("reset").addEventListener("click", () => {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: sample } });
  });
  window.bulletinView = view;
}

// For scripts and tests: the same functions the page uses.
window.bulletin = {
  check: (text, name = NAME, config = "") => check(text, name, config),
  symbols: (text) => symbols(text),
  hover: (text, offset, config = "") => hover(text, offset, config),
  applyFixes: (text, rules = [], config = "") => apply_fixes(text, rules, config),
  timings,
  ready: start().catch((err) => {
    setStatus(`The checker could not start: ${err.message ?? err}`, true);
    throw err;
  }),
};
