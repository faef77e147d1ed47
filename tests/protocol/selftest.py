#!/usr/bin/env python3
"""The conformance suite's own checks, fed made-up server messages: each
wrong message must be failed with the right reason, each right one passed.
Run before the suite (tests/protocol/run.sh) so that a suite that has gone
blind cannot report a clean server."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import conformance as c  # noqa: E402


class Offline(c.Session):
    """A session with no server: messages are handed to `handle` directly."""

    def __init__(self, capabilities: dict):
        self.sent: list[dict] = []
        super().__init__("/bin/true", "selftest", capabilities, "utf-16", Path("."), False)
        self.process.wait()
        self.encoding = "utf-16"
        self.legend = {"tokenTypes": ["headline"], "tokenModifiers": []}

    def send(self, message: dict):
        self.sent.append(message)


URI = "file:///selftest/page.bulletin"
# A CRLF line with an emoji (two UTF-16 units), then an LF line.
TEXT = "ab😀c\r\nline two\n"


def rng(a: int, b: int, c2: int, d: int) -> dict:
    return {"start": {"line": a, "character": b}, "end": {"line": c2, "character": d}}


def run() -> int:
    cases: list[tuple[str, dict, str, object, str | None]] = [
        # (client, method or "", params, result/message, expected failure text or None)
        ("minimal", "textDocument/hover", {}, {"contents": {"kind": "markdown", "value": "**x**"}},
         "hover not in plain text"),
        ("minimal", "textDocument/hover", {}, {"contents": {"kind": "plaintext", "value": "see `x`"}},
         "Markdown syntax in a plain-text hover"),
        ("minimal", "textDocument/hover", {}, {"contents": {"kind": "plaintext", "value": "x"}, "range": rng(0, 3, 0, 4)},
         "not a valid utf-16 position"),
        ("minimal", "textDocument/hover", {}, {"contents": {"kind": "plaintext", "value": "x"}, "range": rng(0, 0, 0, 6)},
         "not a valid utf-16 position"),
        ("minimal", "textDocument/hover", {}, {"contents": {"kind": "plaintext", "value": "x"}, "range": rng(1, 2, 1, 1)},
         "start after end"),
        ("minimal", "textDocument/hover", {}, {"contents": {"kind": "plaintext", "value": "x", "extra": 1}},
         "extra fields found"),
        ("minimal", "textDocument/hover", {}, {"contents": {"kind": "plaintext", "value": "x"}, "range": rng(0, 0, 0, 5)},
         None),
        ("rich", "textDocument/hover", {}, {"contents": {"kind": "markdown", "value": "**x**"}, "range": rng(1, 0, 2, 0)},
         None),
        ("minimal", "textDocument/documentSymbol", {},
         [{"name": "a", "kind": 5, "range": rng(0, 0, 0, 1), "selectionRange": rng(0, 0, 0, 1)}],
         "DocumentSymbol[] for a client without hierarchicalDocumentSymbolSupport"),
        ("minimal", "textDocument/documentSymbol", {},
         [{"name": "a", "kind": 24, "location": {"uri": URI, "range": rng(0, 0, 0, 1)}}],
         "SymbolKind 24"),
        ("minimal", "textDocument/documentSymbol", {},
         [{"name": "a", "kind": 8, "location": {"uri": URI, "range": rng(0, 0, 1, 8)}, "containerName": "b"}],
         None),
        ("minimal", "textDocument/codeAction", {}, [{"title": "t", "kind": "quickfix"}],
         "a CodeAction literal for a client without codeActionLiteralSupport"),
        ("rich", "textDocument/codeAction", {}, [{"title": "t", "kind": "quickfix", "isPreferred": True}], None),
        ("minimal", "textDocument/foldingRange", {}, [{"startLine": 0, "endLine": 1, "collapsedText": "x"}],
         "collapsedText without"),
        ("minimal", "textDocument/foldingRange", {}, [{"startLine": 0, "endLine": 5}], "outside"),
        ("minimal", "textDocument/completion", {}, [{"label": "JAN.", "kind": 20}], "CompletionItemKind 20"),
        ("minimal", "textDocument/completion", {}, [{"label": "JAN.", "kind": 12}], None),
        ("minimal", "textDocument/semanticTokens/full", {}, {"data": [0, 0, 9, 0, 0]}, "runs past the line"),
        ("minimal", "textDocument/semanticTokens/full", {}, {"data": [0, 0, 2, 0, 0, 0, 1, 2, 0, 0]}, "overlaps"),
        ("minimal", "textDocument/semanticTokens/full", {}, {"data": [0, 0, 2, 0, 0, 1, 0, 4, 0, 0]}, None),
        ("minimal", "textDocument/prepareRename", {}, {"range": rng(0, 0, 0, 1), "placeholder": "a"},
         "without prepareSupport"),
        ("minimal", "", {}, {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": {
            "uri": URI, "diagnostics": [{"range": rng(0, 0, 0, 1), "message": "m", "relatedInformation": []}]}},
         "Diagnostic.relatedInformation without"),
        ("minimal", "", {}, {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": {
            "uri": URI, "diagnostics": [{"range": rng(0, 0, 0, 1), "message": "m", "codeDescription": {"href": "https://x"}}]}},
         "Diagnostic.codeDescription without"),
        ("rich", "", {}, {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": {
            "uri": URI, "diagnostics": [{"range": rng(0, 0, 0, 1), "message": "m", "codeDescription": {"href": "https://x"}}]}},
         None),
        ("minimal", "", {}, {"jsonrpc": "2.0", "id": 900, "method": "workspace/configuration", "params": {"items": []}},
         "did not declare support for workspace/configuration"),
        ("minimal", "", {}, {"jsonrpc": "2.0", "id": 901, "method": "window/workDoneProgress/create", "params": {"token": "t"}},
         "did not declare support for window/workDoneProgress/create"),
        ("minimal", "", {}, {"jsonrpc": "2.0", "id": 902, "method": "workspace/applyEdit", "params": {"edit": {}}},
         "did not declare support for workspace/applyEdit"),
        ("minimal", "", {}, {"jsonrpc": "2.0", "id": 903, "method": "client/registerCapability", "params": {
            "registrations": [{"id": "w", "method": "workspace/didChangeWatchedFiles",
                               "registerOptions": {"watchers": [{"globPattern": "**/*.bulletin"}]}}]}},
         "did not declare support for client/registerCapability"),
        ("rich", "", {}, {"jsonrpc": "2.0", "id": 904, "method": "client/registerCapability", "params": {
            "registrations": [{"id": "w", "method": "workspace/didChangeWatchedFiles",
                               "registerOptions": {"watchers": [{"globPattern": "**/*.bulletin"}]}}]}},
         None),
        ("minimal", "", {}, {"jsonrpc": "2.0", "method": "$/progress", "params": {"token": "never", "value": {"kind": "end"}}},
         "never created"),
        ("minimal", "", {}, {"jsonrpc": "1.0", "method": "window/logMessage", "params": {"type": 3, "message": "x"}},
         "jsonrpc is '1.0'"),
        ("minimal", "", {}, {"jsonrpc": "2.0", "id": 777, "result": None}, "never sent"),
    ]
    passed = failed = 0
    for client, method, params, payload, expected in cases:
        caps = c.capabilities_rich("utf-16") if client == "rich" else c.capabilities_minimal("utf-16")
        session = Offline(caps)
        session.texts[URI] = {1: TEXT}
        session.versions[URI] = 1
        if method:
            rid = session.request_async(method, {"textDocument": {"uri": URI},
                                                 "position": {"line": 0, "character": 0}, **params})
            session.handle({"jsonrpc": "2.0", "id": rid, "result": payload})
        else:
            session.handle(payload)
        found = " | ".join(session.failures)
        if expected is None:
            ok = not session.failures
        else:
            ok = session.failed == 1 and expected in found
        what = method or payload.get("method") or f"response {payload.get('id')}"
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"selftest FAIL [{client}] {what}: expected {expected!r}, got {found or 'no failure'!r}")
    # One response per request: the second answer to an id is a failure.
    session = Offline(c.capabilities_minimal("utf-16"))
    rid = session.request_async("shutdown", None)
    session.handle({"jsonrpc": "2.0", "id": rid, "result": None})
    session.handle({"jsonrpc": "2.0", "id": rid, "result": None})
    if session.failed == 1 and "second response" in session.failures[0]:
        passed += 1
    else:
        failed += 1
        print(f"selftest FAIL duplicate response: {session.failures}")
    print(f"selftest: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run())
