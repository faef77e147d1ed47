// The WebAssembly build judges as the command line does: `check` under
// Node's WebAssembly against `bulletin check --format json` on every file
// under tests/fixtures, the playground's example, the shared corpus when it
// is there, and a page checked under a bulletin.toml; `symbols` against
// `bulletin symbols --format json`. Identical arrays, or the test fails.
//
//   node --test editors/web/test/parity.test.mjs   (after editors/web/build.sh
//   and cargo build --bin bulletin; BULLETIN_BIN names another binary)

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const WEB = resolve(HERE, "..");
const ROOT = resolve(WEB, "../..");
const BIN = process.env.BULLETIN_BIN ?? join(ROOT, "target/debug/bulletin");
const CORPUS = resolve(ROOT, "../shared/corpus/sco-tag-archive.txt");

const wasm = await import(join(WEB, "pkg/bulletin_wasm.js"));
await wasm.default({ module_or_path: readFileSync(join(WEB, "pkg/bulletin_wasm_bg.wasm")) });

/** What the command line prints, parsed; `args` relative to `cwd`. */
function cli(args, { cwd = ROOT, input } = {}) {
  const out = execFileSync(BIN, args, { cwd, input, encoding: "utf8", maxBuffer: 64 << 20 });
  return JSON.parse(out);
}

/** The text of the nearest bulletin.toml above `file`, as the CLI finds it ("" for none). */
function configFor(file) {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const candidate = join(dir, "bulletin.toml");
    if (existsSync(candidate) && statSync(candidate).isFile()) return readFileSync(candidate, "utf8");
    if (dirname(dir) === dir) return "";
  }
}

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out.sort();
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
function textOf(file) {
  try {
    return utf8.decode(readFileSync(file));
  } catch {
    return null; // not UTF-8: the CLI reports `io-error`, and a JavaScript string cannot carry it.
  }
}

const files = [
  ...walk(join(ROOT, "tests/fixtures")),
  join(WEB, "sample.bulletin"),
  ...(existsSync(CORPUS) ? [CORPUS] : []),
];

test("check in WebAssembly equals bulletin check --format json, file by file", () => {
  let compared = 0;
  let findings = 0;
  for (const file of files) {
    const text = textOf(file);
    if (text === null) continue;
    const name = relative(ROOT, file);
    const expected = cli(["check", "--format", "json", "--exit-zero", name]);
    const actual = wasm.check(text, name, configFor(file));
    assert.deepStrictEqual(actual, expected, `check differs on ${name}`);
    compared += 1;
    findings += expected.length;
  }
  assert.ok(compared >= 40, `only ${compared} files compared`);
  assert.ok(findings >= 40, `only ${findings} findings compared: the fixtures should find things`);
  console.log(`# check: ${compared} files, ${findings} findings, identical${existsSync(CORPUS) ? " (the shared corpus included)" : " (no shared corpus here)"}`);
});

test("the shared corpus gives the same eight warnings in WebAssembly (dateline-month-style on its `Oct. 15` among them)", { skip: !existsSync(CORPUS) && "no ../shared/corpus here" }, () => {
  const name = relative(ROOT, CORPUS);
  const actual = wasm.check(readFileSync(CORPUS, "utf8"), name, configFor(CORPUS));
  assert.deepStrictEqual(actual, cli(["check", "--format", "json", "--exit-zero", name]));
  assert.equal(actual.filter((record) => record.severity === "warning").length, 8);
  assert.ok(actual.some((record) => record.rule === "dateline-month-style" && record.start.line === 11));
});

test("a bulletin.toml changes both alike: severities, rules off, per-file ignores, house dash, [entities]", () => {
  const dir = mkdtempSync(join(tmpdir(), "bulletin-parity-"));
  try {
    const config = [
      'house-dash = "–"',
      "[rules]",
      'dateline-spacing = "error"',
      'article-kind-mismatch = "off"',
      "[per-file-ignores]",
      '"page.bulletin" = ["entity-spelling"]',
      '"other.bulletin" = ["dateline-dash"]',
      "[[entities.entity]]",
      'name = "Steppe Grain Board"',
      'kind = "organisation"',
      'aliases = ["SGB"]',
      "",
    ].join("\n");
    writeFileSync(join(dir, "bulletin.toml"), config);
    const text = readFileSync(join(WEB, "sample.bulletin"), "utf8");
    const expected = cli(["check", "--format", "json", "--exit-zero", "--stdin-filename", "page.bulletin", "-"], {
      cwd: dir,
      input: text,
    });
    const actual = wasm.check(text, "page.bulletin", config);
    assert.deepStrictEqual(actual, expected);
    assert.ok(actual.some((record) => record.severity === "error" && record.rule === "dateline-spacing"));
    assert.ok(!actual.some((record) => record.rule === "article-kind-mismatch"));
    assert.ok(!actual.some((record) => record.rule === "entity-spelling"), "per-file-ignores for page.bulletin");
    assert.ok(actual.some((record) => record.rule === "dateline-dash"), "another file's ignores do not apply");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an invalid bulletin.toml is an error, not an empty report", () => {
  assert.throws(() => wasm.check("x", "x.bulletin", "[rules\n"), /bulletin\.toml/);
});

test("symbols in WebAssembly equals bulletin symbols --format json", () => {
  for (const file of [join(WEB, "sample.bulletin"), ...walk(join(ROOT, "examples/archive")), ...(existsSync(CORPUS) ? [CORPUS] : [])]) {
    const text = textOf(file);
    if (text === null || !/\.(bulletin|txt)$/.test(file)) continue;
    const expected = cli(["symbols", "--format", "json", relative(ROOT, file)]);
    assert.deepStrictEqual(wasm.symbols(text), expected, `symbols differs on ${file}`);
  }
  assert.equal(wasm.symbols(readFileSync(join(WEB, "sample.bulletin"), "utf8")).articles.length, 10);
});

test("apply_fixes applies the named rules' safe fixes as --fix would", () => {
  const text = readFileSync(join(WEB, "sample.bulletin"), "utf8");
  const dashFixed = wasm.apply_fixes(text, ["dateline-dash"]);
  const rules = wasm.check(dashFixed, "x.bulletin").map((record) => record.rule);
  assert.ok(!rules.includes("dateline-dash"));
  assert.ok(rules.includes("dateline-spacing"));
  const fixed = execFileSync(BIN, ["check", "--fix", "--exit-zero", "--stdin-filename", "x.bulletin", "-"], {
    cwd: tmpdir(),
    input: text,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "ignore"], // the report goes to standard error
  });
  assert.equal(wasm.apply_fixes(text, []), fixed);
});

test("the .wasm stays within its budget: 2 MB, 700 KB gzipped", () => {
  const bytes = readFileSync(join(WEB, "pkg/bulletin_wasm_bg.wasm"));
  const gzipped = gzipSync(bytes, { level: 9 }).length;
  console.log(`# bulletin_wasm_bg.wasm: ${bytes.length} bytes, ${gzipped} gzipped`);
  assert.ok(bytes.length <= 2_000_000, `${bytes.length} bytes`);
  assert.ok(gzipped <= 700_000, `${gzipped} bytes gzipped`);
});
