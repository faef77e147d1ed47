#!/usr/bin/env python3
"""Protocol conformance suite for `bulletin lsp` (LSP 3.17).

Starts the real server binary, plays whole sessions as two clients (a rich,
VS Code-like one and a minimal one that declares nothing), each in UTF-8 and
UTF-16 position encodings, and validates EVERY message the server writes:

* framing: `Content-Length` headers that match a UTF-8 JSON body;
* the JSON-RPC envelope: `jsonrpc == "2.0"`, a request, a notification or a
  response (exactly one of `result`/`error`), every request of ours answered
  exactly once, no answer to an id we never used;
* types: the whole message is structured with lsprotocol's converter (built
  on a cattrs converter with `forbid_extra_keys=True`, so unknown or
  misspelt fields are errors) against the class lsprotocol's
  `METHOD_TO_TYPES` gives for the method: the response class for answers
  (matched to the request by id), the notification or request class for
  what the server sends unasked;
* positions: every range and position valid for its document, in the
  negotiated encoding (the line exists, the character is at most the line's
  length and falls on a character boundary, start <= end), semantic tokens
  decoded and checked the same way;
* capabilities: nothing the client did not declare (Markdown hover,
  hierarchical symbols, code action literals, relatedInformation,
  codeDescription, collapsedText, isPreferred, kinds outside the first
  version's sets, server-to-client requests such as registerCapability,
  workDoneProgress/create, workspace/configuration, applyEdit, refresh).

Usage: conformance.py BULLETIN_BINARY [--examples DIR] [--verbose]
Prints `N passed, N failed` (one check per server message, plus one per
session-level rule) and exits non-zero if anything failed.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

import attrs
import cattrs
from lsprotocol import converters
from lsprotocol import types as lsp

# --------------------------------------------------------------------- setup

CONVERTER = converters.get_converter(cattrs.Converter(forbid_extra_keys=True))


def _structure_glob_pattern(value: Any, _type: Any) -> Any:
    """lsprotocol 2023.0.1 has no hook for `GlobPattern` (`Pattern | RelativePattern`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("pattern"), str):
        base = value.get("baseUri")
        if not isinstance(base, str):
            CONVERTER.structure(base, lsp.WorkspaceFolder)
        if set(value) - {"baseUri", "pattern"}:
            raise ValueError(f"extra fields in RelativePattern {sorted(set(value) - {'baseUri', 'pattern'})}")
        return value
    raise ValueError(f"{value!r} is not a GlobPattern")


CONVERTER.register_structure_hook(
    attrs.fields(lsp.FileSystemWatcher).glob_pattern.type, _structure_glob_pattern)

# The transport being replaced stashes large replies behind placeholders;
# one that reached the client is the transport's bug, reported apart.
PLACEHOLDER = "\u0000bulletin-wire:"

TIMEOUT = 20.0

# A page written for this suite: dashes, the copyright sign, curly quotes and
# emoji (outside the BMP: two UTF-16 units, four UTF-8 bytes), an acronym
# defined and used, a person introduced and then named by honorific.
UNICODE_PAGE = """Tag Archives: Steppe Desk

Comment: Caravan routes “revive” — traders cheer 🐫🎉

ÖSKEMEN, JAN. 3 (The Bulletin) – Members of the Shanghai Cooperation Organisation (SCO) met on Thursday; the SCO © welcomed the plan 😀. Chinese envoy Li Wei attended. Mr Li said the route’s tolls would fall.

Copyright ©The Bulletin — all rights reserved

(News report from Issue No. 12, published on Jan. 10 2019)

Camel 🐪 prices climb – herders say

ASTANA, FEBRUARY 3 2019 (The Bulletin) — Prices rose, Mr Li’s office said, and the SCO noted it.

(News report from Issue No. 13, published on Feb. 8 2019)
"""

UNICODE_NAME = "conformance-unicode.bulletin"

# The same page with every kind of line end LSP knows, mixed: a lone CR
# (old Mac files), CRLF and LF, in turn.
MIXED_NAME = "conformance-mixed-line-ends.bulletin"


def mixed_line_ends(text: str) -> str:
    ends = ["\r", "\r\n", "\n"]
    return "".join(line + ends[n % 3] for n, line in enumerate(text.split("\n")))


def capabilities_rich(encoding: str) -> dict:
    """What VS Code 1.9x declares, trimmed to what a bulletin server can use."""
    symbol_kinds = list(range(1, 27))
    completion_kinds = list(range(1, 26))
    return {
        "general": {
            "positionEncodings": [encoding],
            "staleRequestSupport": {"cancel": True, "retryOnContentModified": []},
            "markdown": {"parser": "marked", "version": "1.1.0"},
            "regularExpressions": {"engine": "ECMAScript", "version": "ES2020"},
        },
        "window": {
            "workDoneProgress": True,
            "showMessage": {"messageActionItem": {"additionalPropertiesSupport": True}},
            "showDocument": {"support": True},
        },
        "workspace": {
            "applyEdit": True,
            "workspaceEdit": {
                "documentChanges": True,
                "resourceOperations": ["create", "rename", "delete"],
                "failureHandling": "textOnlyTransactional",
                "normalizesLineEndings": True,
                "changeAnnotationSupport": {"groupsOnLabel": True},
            },
            "configuration": True,
            "didChangeConfiguration": {"dynamicRegistration": True},
            "didChangeWatchedFiles": {"dynamicRegistration": True, "relativePatternSupport": True},
            "symbol": {
                "dynamicRegistration": True,
                "symbolKind": {"valueSet": symbol_kinds},
                "tagSupport": {"valueSet": [1]},
                "resolveSupport": {"properties": ["location.range"]},
            },
            "executeCommand": {"dynamicRegistration": True},
            "workspaceFolders": True,
            "semanticTokens": {"refreshSupport": True},
            "codeLens": {"refreshSupport": True},
            "inlayHint": {"refreshSupport": True},
            "inlineValue": {"refreshSupport": True},
            "diagnostics": {"refreshSupport": True},
            "fileOperations": {"dynamicRegistration": True, "didRename": True},
        },
        "textDocument": {
            "synchronization": {
                "dynamicRegistration": True,
                "willSave": True,
                "willSaveWaitUntil": True,
                "didSave": True,
            },
            "completion": {
                "dynamicRegistration": True,
                "contextSupport": True,
                "completionItem": {
                    "snippetSupport": True,
                    "commitCharactersSupport": True,
                    "documentationFormat": ["markdown", "plaintext"],
                    "deprecatedSupport": True,
                    "preselectSupport": True,
                    "tagSupport": {"valueSet": [1]},
                    "insertReplaceSupport": True,
                    "resolveSupport": {"properties": ["documentation", "detail", "additionalTextEdits"]},
                    "insertTextModeSupport": {"valueSet": [1, 2]},
                    "labelDetailsSupport": True,
                },
                "insertTextMode": 2,
                "completionItemKind": {"valueSet": completion_kinds},
                "completionList": {"itemDefaults": ["commitCharacters", "editRange", "insertTextFormat", "insertTextMode"]},
            },
            "hover": {"dynamicRegistration": True, "contentFormat": ["markdown", "plaintext"]},
            "definition": {"dynamicRegistration": True, "linkSupport": True},
            "references": {"dynamicRegistration": True},
            "documentHighlight": {"dynamicRegistration": True},
            "documentSymbol": {
                "dynamicRegistration": True,
                "symbolKind": {"valueSet": symbol_kinds},
                "hierarchicalDocumentSymbolSupport": True,
                "tagSupport": {"valueSet": [1]},
                "labelSupport": True,
            },
            "codeAction": {
                "dynamicRegistration": True,
                "isPreferredSupport": True,
                "disabledSupport": True,
                "dataSupport": True,
                "resolveSupport": {"properties": ["edit"]},
                "codeActionLiteralSupport": {
                    "codeActionKind": {
                        "valueSet": ["", "quickfix", "refactor", "refactor.extract", "refactor.inline",
                                     "refactor.rewrite", "source", "source.organizeImports"]
                    }
                },
                "honorsChangeAnnotations": False,
            },
            "rename": {
                "dynamicRegistration": True,
                "prepareSupport": True,
                "prepareSupportDefaultBehavior": 1,
                "honorsChangeAnnotations": True,
            },
            "publishDiagnostics": {
                "relatedInformation": True,
                "versionSupport": False,
                "tagSupport": {"valueSet": [1, 2]},
                "codeDescriptionSupport": True,
                "dataSupport": True,
            },
            "foldingRange": {
                "dynamicRegistration": True,
                "rangeLimit": 5000,
                "lineFoldingOnly": True,
                "foldingRangeKind": {"valueSet": ["comment", "imports", "region"]},
                "foldingRange": {"collapsedText": False},
            },
            "selectionRange": {"dynamicRegistration": True},
            "semanticTokens": {
                "dynamicRegistration": True,
                "tokenTypes": ["namespace", "type", "class", "enum", "string", "number", "keyword"],
                "tokenModifiers": ["declaration", "definition", "readonly"],
                "formats": ["relative"],
                "requests": {"range": True, "full": {"delta": True}},
                "multilineTokenSupport": False,
                "overlappingTokenSupport": False,
                "serverCancelSupport": True,
                "augmentsSyntaxTokens": True,
            },
            "inlayHint": {
                "dynamicRegistration": True,
                "resolveSupport": {"properties": ["tooltip", "textEdits", "label.tooltip", "label.location", "label.command"]},
            },
            "diagnostic": {"dynamicRegistration": True, "relatedDocumentSupport": False},
        },
    }


def capabilities_minimal(encoding: str) -> dict:
    """Nothing optional at all; UTF-8 has to be asked for, the one declaration."""
    if encoding == "utf-16":
        return {}
    return {"general": {"positionEncodings": [encoding]}}


# --------------------------------------------------------------------- text

def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines as LSP 3.17 defines them: `\\n`, `\\r\\n` and `\\r` end a line."""
    return LINE_BREAK.split(text)


def line_starts(text: str) -> list[int]:
    starts = [0]
    for match in LINE_BREAK.finditer(text):
        starts.append(match.end())
    return starts


def offset_of(text: str, line: int, character: int, encoding: str) -> Optional[int]:
    """The string index of a position; None when it is not valid for `text`."""
    lines = split_lines(text)
    if line < 0 or line >= len(lines) or character < 0:
        return None
    content = lines[line]
    count = 0
    for index, ch in enumerate(content):
        if count == character:
            return line_starts(text)[line] + index
        if count > character:
            return None  # inside a character
        count += units(ch, encoding)
    if count == character:
        return line_starts(text)[line] + len(content)
    return None  # past the end or inside the last character


def position_at(text: str, index: int, encoding: str) -> dict:
    starts = line_starts(text)
    line = max(i for i, start in enumerate(starts) if start <= index)
    return {"line": line, "character": units(text[starts[line]:index], encoding)}


def range_of(text: str, needle: str, encoding: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {"start": position_at(text, start, encoding), "end": position_at(text, start + len(needle), encoding)}


def inside(text: str, needle: str, encoding: str, nth: int = 0) -> dict:
    """The position one character into the `nth` `needle`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return position_at(text, start + 1, encoding)


def apply_edits(text: str, edits: list[dict], encoding: str) -> str:
    spans = []
    for edit in edits:
        r = edit["range"]
        start = offset_of(text, r["start"]["line"], r["start"]["character"], encoding)
        end = offset_of(text, r["end"]["line"], r["end"]["character"], encoding)
        if start is None or end is None:
            raise ValueError(f"edit range {r} is not valid for the document")
        spans.append((start, end, edit["newText"]))
    for start, end, new in sorted(spans, key=lambda s: s[0], reverse=True):
        text = text[:start] + new + text[end:]
    return text


def get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


# --------------------------------------------------------------------- transport

class Reader(threading.Thread):
    """Reads frames off the server's stdout; a framing error ends the stream."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.messages: "queue.Queue[tuple[str, Any]]" = queue.Queue()

    def run(self):
        while True:
            headers = {}
            while True:
                line = self.stream.readline()
                if not line:
                    self.messages.put(("eof", None))
                    return
                if not line.endswith(b"\r\n"):
                    self.messages.put(("framing", f"header line not ended by CRLF: {line!r}"))
                    return
                line = line[:-2]
                if not line:
                    break
                name, sep, value = line.decode("ascii", "replace").partition(":")
                if not sep:
                    self.messages.put(("framing", f"malformed header {line!r}"))
                    return
                headers[name.strip().lower()] = value.strip()
            length = headers.get("content-length")
            if length is None or not length.isdigit():
                self.messages.put(("framing", f"no valid Content-Length in {headers}"))
                return
            body = self.stream.read(int(length))
            if len(body) != int(length):
                self.messages.put(("framing", f"body shorter than Content-Length {length}"))
                return
            try:
                message = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as err:
                self.messages.put(("framing", f"body is not UTF-8 JSON: {err}; {body[:200]!r}"))
                continue
            self.messages.put(("message", message))


# --------------------------------------------------------------------- session

class Session:
    """One run: a client profile in one position encoding."""

    def __init__(self, binary: str, name: str, capabilities: dict, encoding: str,
                 examples: Path, verbose: bool, dump=None, extra: tuple = ()):
        self.name = name
        self.caps = capabilities
        self.offered_encoding = encoding
        self.encoding = "utf-16"
        self.examples = examples
        self.verbose = verbose
        self.dump = dump
        self.extra = [Path(p) for p in extra]
        self.passed = 0
        self.failed = 0
        self.failures: list[str] = []
        self.placeholders: list[str] = []
        self.validated = 0
        self.process = subprocess.Popen(
            [binary, "lsp", "--log-level", "warn"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self.reader = Reader(self.process.stdout)
        self.reader.start()
        self.next_id = 1
        # id -> (method, params, texts at sending, may_fail)
        self.pending: dict[Any, tuple[str, Any, dict, bool]] = {}
        self.answered: set = set()
        self.responses: dict[Any, dict] = {}
        # Our model of every document: uri -> {version: text}; latest version.
        self.texts: dict[str, dict[int, str]] = {}
        self.versions: dict[str, int] = {}
        self.created_tokens: set = set()
        self.server_caps: dict = {}
        self.diagnostics: dict[str, list] = {}
        self.seen_commands: list[dict] = []
        self.tokens_by_result: dict[str, list[int]] = {}
        self.legend: dict = {}
        self.ended = False

    # ---- bookkeeping

    def check(self, ok: bool, what: str):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            self.failures.append(what)
            if self.verbose:
                print(f"  FAIL {what}", file=sys.stderr)

    def client_cap(self, *path: str) -> Any:
        return get(self.caps, *path)

    def text_of(self, uri: str, version: Optional[int] = None, snapshot: Optional[dict] = None) -> Optional[str]:
        if snapshot is not None and uri in snapshot:
            return snapshot[uri]
        if uri in self.texts:
            versions = self.texts[uri]
            if version is not None and version in versions:
                return versions[version]
            return versions[self.versions[uri]]
        path = uri_to_path(uri)
        if path and path.is_file():
            return path.read_text(encoding="utf-8")
        return None

    def snapshot(self) -> dict:
        return {uri: self.texts[uri][v] for uri, v in self.versions.items()}

    # ---- sending

    def send(self, message: dict):
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request_async(self, method: str, params: Any, may_fail: bool = False) -> int:
        rid = self.next_id
        self.next_id += 1
        self.pending[rid] = (method, params, self.snapshot(), may_fail)
        message = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return rid

    def request(self, method: str, params: Any, may_fail: bool = False) -> Any:
        rid = self.request_async(method, params, may_fail)
        deadline = time.monotonic() + TIMEOUT
        while rid not in self.responses:
            if not self.pump(deadline - time.monotonic()):
                self.check(False, f"{method} (id {rid}): no response within {TIMEOUT}s")
                return None
        return self.responses[rid].get("result")

    def drain(self, seconds: float):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pump(deadline - time.monotonic())

    def pump(self, timeout: float) -> bool:
        """Handles one message; False on timeout or end of stream."""
        if self.ended:
            return False
        try:
            kind, payload = self.reader.messages.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return False
        if kind == "eof":
            self.ended = True
            return False
        if kind == "framing":
            self.check(False, f"framing: {payload}")
            return True
        self.handle(payload)
        return True

    # ---- document changes

    def open(self, uri: str, text: str):
        self.texts[uri] = {1: text}
        self.versions[uri] = 1
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "bulletin", "version": 1, "text": text}})

    def change(self, uri: str, changes: list[dict]):
        """Incremental changes, applied in order to our copy too."""
        text = self.texts[uri][self.versions[uri]]
        for change in changes:
            text = apply_edits(text, [{"range": change["range"], "newText": change["text"]}], self.encoding)
        version = self.versions[uri] + 1
        self.texts[uri][version] = text
        self.versions[uri] = version
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": changes})

    # ---- receiving

    def handle(self, message: Any):
        self.validated += 1
        if self.dump is not None:
            self.dump.write(json.dumps(message, ensure_ascii=False) + "\n")
        problems: list[str] = []
        label = "message"
        try:
            label = self.validate(message, problems)
        except Exception as err:  # a bug in a check is a failure, not a crash
            problems.append(f"checker error {type(err).__name__}: {err}")
        if isinstance(message, dict) and contains_placeholder(message):
            self.placeholders.append(label)
            return
        self.check(not problems, f"{label}: " + "; ".join(problems)[:2000])

    def validate(self, message: Any, problems: list[str]) -> str:
        if not isinstance(message, dict):
            problems.append("not a JSON object")
            return "non-object"
        if message.get("jsonrpc") != "2.0":
            problems.append(f"jsonrpc is {message.get('jsonrpc')!r}")
        has_id, has_method = "id" in message, "method" in message
        if has_method and has_id:
            return self.server_request(message, problems)
        if has_method:
            return self.notification(message, problems)
        if has_id:
            return self.response(message, problems)
        problems.append("neither request, notification nor response")
        return "unknown"

    def structure(self, message: dict, cls, problems: list[str], what: str):
        try:
            return CONVERTER.structure(message, cls)
        except Exception as err:
            detail = cattrs.transform_error(err) if isinstance(err, cattrs.BaseValidationError) else [str(err)]
            problems.append(f"{what} does not match {cls.__name__}: {detail}")
            return None

    def response(self, message: dict, problems: list[str]) -> str:
        rid = message["id"]
        if rid in self.answered:
            problems.append(f"second response to id {rid}")
            return f"response {rid}"
        if rid not in self.pending:
            problems.append(f"response to id {rid!r}, which was never sent")
            return f"response {rid}"
        method, params, snapshot, may_fail = self.pending.pop(rid)
        self.answered.add(rid)
        self.responses[rid] = message
        label = f"response to {method} (id {rid})"
        if ("result" in message) == ("error" in message):
            problems.append("a response has exactly one of result and error")
        if "error" in message:
            self.structure(message, lsp.ResponseErrorMessage, problems, "error response")
            if not may_fail:
                problems.append(f"unexpected error {message['error']}")
            return label
        if contains_placeholder(message):
            return label
        types = lsp.METHOD_TO_TYPES.get(method)
        if types is None or types[1] is None:
            problems.append(f"no lsprotocol response type for {method}")
            return label
        self.structure(message, types[1], problems, "result")
        result = message.get("result")
        self.check_result(method, params, result, snapshot, problems)
        return label

    def server_request(self, message: dict, problems: list[str]) -> str:
        method = message["method"]
        label = f"server request {method}"
        types = lsp.METHOD_TO_TYPES.get(method)
        if types is None:
            problems.append(f"unknown method {method}")
            self.send({"jsonrpc": "2.0", "id": message["id"],
                       "error": {"code": -32601, "message": "method not found"}})
            return label
        self.structure(message, types[0], problems, "request")
        params = message.get("params")
        answer: Any = None
        allowed = True
        if method == "workspace/configuration":
            allowed = bool(self.client_cap("workspace", "configuration"))
            answer = [None for _ in get(params, "items") or []]
        elif method == "client/registerCapability":
            for registration in get(params, "registrations") or []:
                allowed &= self.may_register(registration.get("method", ""))
                if registration.get("method") == "workspace/didChangeWatchedFiles":
                    self.structure(registration.get("registerOptions") or {},
                                   lsp.DidChangeWatchedFilesRegistrationOptions, problems,
                                   "registerOptions")
        elif method == "client/unregisterCapability":
            allowed = True
        elif method == "window/workDoneProgress/create":
            allowed = bool(self.client_cap("window", "workDoneProgress"))
            self.created_tokens.add(json.dumps(get(params, "token")))
        elif method == "workspace/applyEdit":
            allowed = bool(self.client_cap("workspace", "applyEdit"))
            edit = get(params, "edit") or {}
            self.check_ranges(edit, None, None, problems, "applyEdit")
            answer = self.apply_workspace_edit(edit, problems)
        elif method == "workspace/diagnostic/refresh":
            allowed = bool(self.client_cap("workspace", "diagnostics", "refreshSupport"))
        elif method == "workspace/semanticTokens/refresh":
            allowed = bool(self.client_cap("workspace", "semanticTokens", "refreshSupport"))
        elif method == "workspace/inlayHint/refresh":
            allowed = bool(self.client_cap("workspace", "inlayHint", "refreshSupport"))
        elif method == "workspace/codeLens/refresh":
            allowed = bool(self.client_cap("workspace", "codeLens", "refreshSupport"))
        elif method == "window/showDocument":
            allowed = bool(self.client_cap("window", "showDocument", "support"))
        elif method == "workspace/workspaceFolders":
            allowed = bool(self.client_cap("workspace", "workspaceFolders"))
        elif method == "window/showMessageRequest":
            allowed = True
        if not allowed:
            problems.append(f"the client did not declare support for {method}")
        self.send({"jsonrpc": "2.0", "id": message["id"], "result": answer})
        return label

    def may_register(self, method: str) -> bool:
        sections = {
            "workspace/didChangeWatchedFiles": ("workspace", "didChangeWatchedFiles"),
            "workspace/didChangeConfiguration": ("workspace", "didChangeConfiguration"),
            "workspace/symbol": ("workspace", "symbol"),
            "workspace/executeCommand": ("workspace", "executeCommand"),
        }
        if method in sections:
            path = sections[method]
        elif method.startswith("textDocument/"):
            name = method.split("/")[1]
            name = {"didOpen": "synchronization", "didChange": "synchronization",
                    "didClose": "synchronization", "didSave": "synchronization"}.get(name, name)
            path = ("textDocument", name)
        else:
            return False
        return bool(self.client_cap(*path, "dynamicRegistration"))

    def apply_workspace_edit(self, edit: dict, problems: list[str]) -> dict:
        """Applies an edit to our documents and tells the server, as an editor does."""
        per_uri: dict[str, list] = {}
        for uri, edits in (edit.get("changes") or {}).items():
            per_uri.setdefault(uri, []).extend(edits)
        for change in edit.get("documentChanges") or []:
            if "textDocument" in change:
                per_uri.setdefault(change["textDocument"]["uri"], []).extend(change["edits"])
        for uri, edits in per_uri.items():
            if uri not in self.texts:
                continue  # a file on disk: this client leaves disk alone
            old = self.texts[uri][self.versions[uri]]
            try:
                new = apply_edits(old, edits, self.encoding)
            except ValueError as err:
                problems.append(str(err))
                return {"applied": False, "failureReason": str(err)}
            end = position_at(old, len(old), self.encoding)
            self.change(uri, [{"range": {"start": {"line": 0, "character": 0}, "end": end}, "text": new}])
        return {"applied": True}

    def notification(self, message: dict, problems: list[str]) -> str:
        method = message["method"]
        label = f"notification {method}"
        types = lsp.METHOD_TO_TYPES.get(method)
        if types is None:
            problems.append(f"unknown method {method}")
            return label
        self.structure(message, types[0], problems, "notification")
        params = message.get("params") or {}
        if method == "textDocument/publishDiagnostics":
            uri = params.get("uri")
            version = params.get("version")
            text = self.text_of(uri, version)
            if text is None:
                problems.append(f"diagnostics for an unknown document {uri}")
            for diagnostic in params.get("diagnostics") or []:
                self.check_diagnostic(diagnostic, uri, text, None, problems)
            self.diagnostics[uri] = params.get("diagnostics") or []
        elif method == "$/progress":
            token = json.dumps(params.get("token"))
            if token not in self.created_tokens:
                problems.append(f"progress for token {token}, never created")
            value = params.get("value") or {}
            kinds = {"begin": lsp.WorkDoneProgressBegin, "report": lsp.WorkDoneProgressReport,
                     "end": lsp.WorkDoneProgressEnd}
            cls = kinds.get(value.get("kind"))
            if cls is None:
                problems.append(f"progress value of unknown kind {value}")
            else:
                self.structure(value, cls, problems, "progress value")
        return label

    # ---- result checks

    def check_diagnostic(self, diagnostic: dict, uri: str, text: Optional[str],
                         snapshot: Optional[dict], problems: list[str]):
        self.check_ranges(diagnostic, uri, text, problems, "diagnostic", snapshot)
        fields = {
            "relatedInformation": ("relatedInformation",),
            "codeDescription": ("codeDescriptionSupport",),
            "tags": ("tagSupport",),
            "data": ("dataSupport",),
        }
        for field, cap in fields.items():
            if field in diagnostic and not self.diagnostic_cap(*cap):
                problems.append(f"Diagnostic.{field} without the client's {cap[0]}")

    def diagnostic_cap(self, name: str) -> bool:
        # 3.17 declares these under publishDiagnostics only; 3.18 repeats them
        # under textDocument.diagnostic. A Diagnostic is one type however it
        # travels: either declaration allows the field.
        return bool(self.client_cap("textDocument", "publishDiagnostics", name)
                    or self.client_cap("textDocument", "diagnostic", name))

    def check_ranges(self, value: Any, uri: Optional[str], text: Optional[str],
                     problems: list[str], where: str, snapshot: Optional[dict] = None):
        """Walks a JSON value: every range/position valid for its document."""
        def doc(u: Optional[str]) -> Optional[str]:
            if u is None:
                return None
            return self.text_of(u, snapshot=snapshot)

        def walk(v: Any, u: Optional[str], t: Optional[str], path: str):
            if isinstance(v, list):
                for i, item in enumerate(v):
                    walk(item, u, t, f"{path}[{i}]")
                return
            if not isinstance(v, dict):
                return
            if isinstance(v.get("uri"), str):
                u, t = v["uri"], doc(v["uri"])
            if isinstance(get(v, "textDocument", "uri"), str):
                u, t = v["textDocument"]["uri"], doc(v["textDocument"]["uri"])
            for key, item in v.items():
                if key in ("range", "selectionRange", "targetRange", "targetSelectionRange",
                           "insert", "replace") and isinstance(item, dict):
                    target = (v.get("targetUri"), doc(v.get("targetUri"))) if key.startswith("target") else (u, t)
                    self.check_range(item, target[0], target[1], problems, f"{where}{path}.{key}")
                elif key == "position" and isinstance(item, dict):
                    self.check_position(item, u, t, problems, f"{where}{path}.{key}")
                elif key == "changes" and isinstance(item, dict):
                    for change_uri, edits in item.items():
                        walk(edits, change_uri, doc(change_uri), f"{path}.changes[{change_uri}]")
                elif key not in ("textDocument",):
                    walk(item, u, t, f"{path}.{key}")

        walk(value, uri, text, "")

    def check_position(self, pos: dict, uri: Optional[str], text: Optional[str],
                       problems: list[str], where: str) -> Optional[int]:
        if text is None:
            problems.append(f"{where}: position in an unknown document {uri}")
            return None
        line, character = pos.get("line"), pos.get("character")
        if not isinstance(line, int) or not isinstance(character, int):
            problems.append(f"{where}: position {pos} is not two integers")
            return None
        index = offset_of(text, line, character, self.encoding)
        if index is None:
            lines = split_lines(text)
            length = units(lines[line], self.encoding) if 0 <= line < len(lines) else None
            problems.append(f"{where}: {pos} is not a valid {self.encoding} position in {uri} "
                            f"({len(lines)} lines, that line {length} units)")
        return index

    def check_range(self, r: dict, uri: Optional[str], text: Optional[str],
                    problems: list[str], where: str):
        start = self.check_position(r.get("start") or {}, uri, text, problems, where + ".start")
        end = self.check_position(r.get("end") or {}, uri, text, problems, where + ".end")
        if start is not None and end is not None and start > end:
            problems.append(f"{where}: start after end {r}")

    def check_result(self, method: str, params: Any, result: Any, snapshot: dict, problems: list[str]):
        uri = get(params, "textDocument", "uri")
        text = self.text_of(uri, snapshot=snapshot) if uri else None
        if method == "initialize":
            self.check_initialize(result, problems)
            return
        if result is None:
            return
        if method == "textDocument/semanticTokens/full":
            self.check_tokens(result.get("data") or [], text, problems)
            if result.get("resultId"):
                self.tokens_by_result[result["resultId"]] = result.get("data") or []
            return
        if method == "textDocument/semanticTokens/full/delta":
            if "edits" in result:
                previous = self.tokens_by_result.get(params["previousResultId"])
                if previous is None:
                    problems.append("a delta against a result id this client does not hold")
                    return
                data = list(previous)
                for edit in sorted(result["edits"], key=lambda e: e["start"], reverse=True):
                    data[edit["start"]:edit["start"] + edit["deleteCount"]] = edit.get("data") or []
            else:
                data = result.get("data") or []
            self.check_tokens(data, text, problems)
            if result.get("resultId"):
                self.tokens_by_result[result["resultId"]] = data
            return
        if method == "textDocument/semanticTokens/range":
            self.check_tokens(result.get("data") or [], text, problems)
            return
        if method in ("textDocument/diagnostic",):
            for item in result.get("items") or []:
                self.check_diagnostic(item, uri, text, snapshot, problems)
            if result.get("kind") == "full":
                self.diagnostics[uri] = result.get("items") or []
            if result.get("relatedDocuments") and not self.client_cap(
                    "textDocument", "diagnostic", "relatedDocumentSupport"):
                problems.append("relatedDocuments without relatedDocumentSupport")
            return
        if method == "workspace/diagnostic":
            for report in result.get("items") or []:
                report_text = self.text_of(report.get("uri"), report.get("version"), snapshot)
                for item in report.get("items") or []:
                    self.check_diagnostic(item, report.get("uri"), report_text, snapshot, problems)
            return
        if method == "textDocument/foldingRange":
            self.check_folding(result, text, problems)
            return
        self.check_ranges(result, uri, text, problems, method, snapshot)
        if method == "textDocument/hover":
            contents = result.get("contents")
            markdown_ok = "markdown" in (self.client_cap("textDocument", "hover", "contentFormat") or [])
            if not markdown_ok:
                if not (isinstance(contents, dict) and contents.get("kind") == "plaintext"):
                    problems.append(f"hover not in plain text for a client without markdown: {contents}")
                elif re.search(r"\*\*|`|\]\(|<https?:", contents.get("value", "")):
                    problems.append(f"Markdown syntax in a plain-text hover: {contents['value']!r}")
        elif method == "textDocument/documentSymbol":
            hierarchical = self.client_cap("textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport")
            if not hierarchical and any("location" not in s for s in result):
                problems.append("DocumentSymbol[] for a client without hierarchicalDocumentSymbolSupport")
            self.check_kinds(result, ("textDocument", "documentSymbol", "symbolKind", "valueSet"), 18, problems, "SymbolKind")
        elif method == "workspace/symbol":
            self.check_kinds(result, ("workspace", "symbol", "symbolKind", "valueSet"), 18, problems, "SymbolKind")
        elif method == "textDocument/completion":
            items = result.get("items", []) if isinstance(result, dict) else result
            self.check_completion(items, problems)
        elif method == "textDocument/codeAction":
            self.check_actions(result, problems)
        elif method == "textDocument/inlayHint":
            pass  # tooltip and label parts are not gated in 3.17
        elif method == "textDocument/prepareRename":
            if not self.client_cap("textDocument", "rename", "prepareSupport"):
                problems.append("prepareRename answered to a client without prepareSupport")

    def check_initialize(self, result: Any, problems: list[str]):
        caps = get(result, "capabilities") or {}
        self.server_caps = caps
        offered = self.client_cap("general", "positionEncodings") or ["utf-16"]
        negotiated = caps.get("positionEncoding", "utf-16")
        if negotiated not in offered and negotiated != "utf-16":
            problems.append(f"positionEncoding {negotiated} was not offered ({offered})")
        self.encoding = negotiated
        self.legend = get(caps, "semanticTokensProvider", "legend") or {}
        rename = caps.get("renameProvider")
        if isinstance(rename, dict) and "prepareProvider" in rename and not self.client_cap(
                "textDocument", "rename", "prepareSupport"):
            problems.append("RenameOptions.prepareProvider for a client without prepareSupport")
        if caps.get("diagnosticProvider") and not self.client_cap("textDocument", "diagnostic"):
            # Allowed by the protocol, but pointless: note it as a failure of intent.
            problems.append("diagnosticProvider for a client that does not pull")
        commands = get(caps, "executeCommandProvider", "commands")
        if commands is not None and not self.client_cap("workspace", "applyEdit"):
            problems.append("commands advertised whose edits the client cannot apply (no applyEdit)")

    def check_kinds(self, items: list, cap: tuple, base_max: int, problems: list[str], what: str):
        if self.client_cap(*cap) is not None:
            return
        def walk(values):
            for item in values:
                kind = item.get("kind")
                if isinstance(kind, int) and not 1 <= kind <= base_max:
                    problems.append(f"{what} {kind} ({item.get('name') or item.get('label')}) "
                                    f"without a declared valueSet (only 1..{base_max})")
                walk(item.get("children") or [])
        walk(items)

    def check_completion(self, items: list, problems: list[str]):
        self.check_kinds(items, ("textDocument", "completion", "completionItemKind", "valueSet"), 18, problems,
                         "CompletionItemKind")
        item_caps = ("textDocument", "completion", "completionItem")
        for item in items:
            if item.get("insertTextFormat") == 2 and not self.client_cap(*item_caps, "snippetSupport"):
                problems.append("a snippet for a client without snippetSupport")
            doc = item.get("documentation")
            if isinstance(doc, dict) and doc.get("kind") == "markdown" and "markdown" not in (
                    self.client_cap(*item_caps, "documentationFormat") or []):
                problems.append("Markdown documentation for a client without it")
            if "labelDetails" in item and not self.client_cap(*item_caps, "labelDetailsSupport"):
                problems.append("labelDetails without labelDetailsSupport")
            if "tags" in item and not self.client_cap(*item_caps, "tagSupport"):
                problems.append("CompletionItem.tags without tagSupport")
            if "deprecated" in item and not self.client_cap(*item_caps, "deprecatedSupport"):
                problems.append("CompletionItem.deprecated without deprecatedSupport")
            if isinstance(item.get("textEdit"), dict) and "insert" in item["textEdit"] and not self.client_cap(
                    *item_caps, "insertReplaceSupport"):
                problems.append("InsertReplaceEdit without insertReplaceSupport")

    def check_actions(self, actions: list, problems: list[str]):
        caps = ("textDocument", "codeAction")
        literals = self.client_cap(*caps, "codeActionLiteralSupport") is not None
        advertised = get(self.server_caps, "executeCommandProvider", "commands") or []
        for action in actions:
            is_command = isinstance(action.get("command"), str)
            if not is_command and not literals:
                problems.append(f"a CodeAction literal for a client without codeActionLiteralSupport: {action.get('title')}")
            if is_command:
                if action["command"] not in advertised:
                    problems.append(f"command {action['command']} not in executeCommandProvider")
                self.seen_commands.append(action)
            for field, cap in (("isPreferred", "isPreferredSupport"), ("disabled", "disabledSupport"),
                               ("data", "dataSupport")):
                if field in action and not self.client_cap(*caps, cap):
                    problems.append(f"CodeAction.{field} without {cap}")
            for diagnostic in action.get("diagnostics") or []:
                for field, cap in (("relatedInformation", "relatedInformation"),
                                   ("codeDescription", "codeDescriptionSupport"),
                                   ("data", "dataSupport"), ("tags", "tagSupport")):
                    if field in diagnostic and not self.diagnostic_cap(cap):
                        problems.append(f"Diagnostic.{field} (in a code action) without {cap}")
            nested = action.get("command") if isinstance(action.get("command"), dict) else None
            if nested and nested.get("command") not in advertised:
                problems.append(f"command {nested.get('command')} not in executeCommandProvider")

    def check_folding(self, ranges: list, text: Optional[str], problems: list[str]):
        if text is None:
            problems.append("folding for an unknown document")
            return
        lines = split_lines(text)
        caps = ("textDocument", "foldingRange")
        limit = self.client_cap(*caps, "rangeLimit")
        if isinstance(limit, int) and len(ranges) > limit:
            problems.append(f"{len(ranges)} folding ranges over the client's rangeLimit {limit}")
        for r in ranges:
            if not (0 <= r["startLine"] <= r["endLine"] < len(lines)):
                problems.append(f"folding lines {r['startLine']}..{r['endLine']} outside {len(lines)} lines")
            if "collapsedText" in r and not self.client_cap(*caps, "foldingRange", "collapsedText"):
                problems.append("collapsedText without foldingRange.collapsedText")
            if self.client_cap(*caps, "lineFoldingOnly") and ("startCharacter" in r or "endCharacter" in r):
                problems.append("characters in folding ranges for a lineFoldingOnly client")

    def check_tokens(self, data: list[int], text: Optional[str], problems: list[str]):
        if text is None:
            problems.append("tokens for an unknown document")
            return
        if len(data) % 5:
            problems.append(f"token data of length {len(data)}, not a multiple of 5")
            return
        caps = ("textDocument", "semanticTokens")
        multiline = self.client_cap(*caps, "multilineTokenSupport")
        overlapping = self.client_cap(*caps, "overlappingTokenSupport")
        types = len(self.legend.get("tokenTypes") or [])
        modifiers = len(self.legend.get("tokenModifiers") or [])
        lines = split_lines(text)
        line, char, last_end = 0, 0, (-1, -1)
        for at in range(0, len(data), 5):
            dline, dchar, length, ttype, mods = data[at:at + 5]
            line += dline
            char = dchar if dline else char + dchar
            where = f"token {at // 5} at {line}:{char}"
            if line >= len(lines):
                problems.append(f"{where}: no such line")
                return
            start = offset_of(text, line, char, self.encoding)
            line_len = units(lines[line], self.encoding)
            if start is None:
                problems.append(f"{where}: not a valid position")
            elif char + length > line_len and not multiline:
                problems.append(f"{where}: length {length} runs past the line ({line_len})")
            elif offset_of(text, line, char + length, self.encoding) is None and char + length <= line_len:
                problems.append(f"{where}: ends inside a character")
            if (line, char) < last_end and not overlapping:
                problems.append(f"{where}: overlaps the previous token")
            last_end = (line, char + length)
            if ttype >= types:
                problems.append(f"{where}: type {ttype} outside the legend ({types})")
            if mods >> modifiers:
                problems.append(f"{where}: modifiers {mods:b} outside the legend ({modifiers})")

    # ---- the session

    def play(self):
        examples = sorted(self.examples.glob("*.bulletin"))
        root = self.examples.resolve().as_uri()
        init = self.request("initialize", {
            "processId": os.getpid(),
            "clientInfo": {"name": f"conformance-{self.name}", "version": "1"},
            "rootUri": root,
            "workspaceFolders": [{"uri": root, "name": "examples"}],
            "capabilities": self.caps,
            "trace": "off",
        })
        if init is None:
            return
        caps = self.server_caps
        self.notify("initialized", {})
        self.drain(0.5)  # indexing, registration, configuration

        pages = {}
        for path in examples + self.extra:
            uri = path.resolve().as_uri()
            text = path.read_bytes().decode("utf-8")
            pages[uri] = text
            self.open(uri, text)
        uni = (self.examples.resolve() / UNICODE_NAME).as_uri()
        self.open(uni, UNICODE_PAGE)
        mixed = (self.examples.resolve() / MIXED_NAME).as_uri()
        pages[mixed] = mixed_line_ends(UNICODE_PAGE)
        self.open(mixed, pages[mixed])
        self.drain(0.3)

        enc = self.encoding
        # Incremental edits in the negotiated encoding: after an emoji,
        # over an en dash, over a curly apostrophe, two changes at once.
        text = self.texts[uni][1]
        after_emoji = position_at(text, text.index("🎉") + 1, enc)
        self.change(uni, [{"range": {"start": after_emoji, "end": after_emoji}, "text": " 🌾"}])
        text = self.texts[uni][self.versions[uni]]
        self.change(uni, [{"range": range_of(text, "– herders", enc), "text": "— herders"}])
        text = self.texts[uni][self.versions[uni]]
        self.change(uni, [
            {"range": range_of(text, "route’s", enc), "text": "route's"},
            {"range": range_of(text.replace("route’s", "route's"), "©", enc), "text": "©"},
        ])
        self.drain(0.3)
        text = self.texts[uni][self.versions[uni]]

        def at(uri: str, needle: str, nth: int = 0) -> dict:
            t = self.texts[uri][self.versions[uri]]
            return {"textDocument": {"uri": uri}, "position": inside(t, needle, enc, nth)}

        def whole(uri: str) -> dict:
            t = self.texts[uri][self.versions[uri]]
            return {"start": {"line": 0, "character": 0}, "end": position_at(t, len(t), enc)}

        docs = [uni] + list(pages)
        if caps.get("hoverProvider"):
            self.request("textDocument/hover", at(uni, "JAN."))              # a dateline
            self.request("textDocument/hover", at(uni, "SCO", 1))            # an acronym
            self.request("textDocument/hover", at(uni, "Mr Li"))             # a person by honorific
            self.request("textDocument/hover", at(uni, "Caravan"))           # a headline
            self.request("textDocument/hover", at(uni, "Issue No. 12"))      # an issue reference
            self.request("textDocument/hover", at(uni, "welcomed"))          # nothing
            for uri in pages:
                self.request("textDocument/hover", at(uri, "FEB.") if "FEB." in pages[uri] else at(uri, "Issue No."))
        for uri in docs:
            tdoc = {"textDocument": {"uri": uri}}
            if caps.get("documentSymbolProvider"):
                self.request("textDocument/documentSymbol", tdoc)
            if caps.get("foldingRangeProvider"):
                self.request("textDocument/foldingRange", tdoc)
            if caps.get("semanticTokensProvider"):
                self.request("textDocument/semanticTokens/full", tdoc)
            if caps.get("inlayHintProvider"):
                self.request("textDocument/inlayHint", {**tdoc, "range": whole(uri)})
            if caps.get("diagnosticProvider"):
                self.request("textDocument/diagnostic", {**tdoc, "identifier": "bulletin"})
        if caps.get("workspaceSymbolProvider"):
            for query in ("", "sco", "caravan", "li wei", "zzzz"):
                self.request("workspace/symbol", {"query": query})
        if caps.get("selectionRangeProvider"):
            t = self.texts[uni][self.versions[uni]]
            self.request("textDocument/selectionRange", {"textDocument": {"uri": uni}, "positions": [
                inside(t, "JAN.", enc), inside(t, "🐪", enc), inside(t, "SCO", enc, 2), {"line": 0, "character": 0}]})

        tokens = caps.get("semanticTokensProvider") or {}
        if tokens:
            full = self.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uni}})
            t = self.texts[uni][self.versions[uni]]
            self.change(uni, [{"range": range_of(t, "Prices rose", enc), "text": "Prices 📈 rose"}])
            delta = get(tokens, "full", "delta")
            if delta and isinstance(full, dict) and full.get("resultId"):
                self.request("textDocument/semanticTokens/full/delta", {
                    "textDocument": {"uri": uni}, "previousResultId": full["resultId"]})
                # A stale id: the server answers with whole tokens.
                self.request("textDocument/semanticTokens/full/delta", {
                    "textDocument": {"uri": uni}, "previousResultId": "no-such-id"})
            if tokens.get("range"):
                t = self.texts[uni][self.versions[uni]]
                self.request("textDocument/semanticTokens/range", {"textDocument": {"uri": uni}, "range": {
                    "start": position_at(t, t.index("ÖSKEMEN"), enc), "end": position_at(t, t.index("Copyright"), enc)}})

        if caps.get("completionProvider"):
            t = self.texts[uni][self.versions[uni]]
            self.request("textDocument/completion", {"textDocument": {"uri": uni},
                                                     "position": position_at(t, t.index("ÖSKEMEN") + 9, enc),
                                                     "context": {"triggerKind": 1}})
            self.request("textDocument/completion", {"textDocument": {"uri": uni},
                                                     "position": position_at(t, t.index("ASTANA") + 8, enc)})
        for needle, nth in (("SCO", 1), ("Mr Li", 0), ("Issue No. 12", 0), ("welcomed", 0)):
            if caps.get("definitionProvider"):
                self.request("textDocument/definition", at(uni, needle, nth))
            if caps.get("referencesProvider"):
                self.request("textDocument/references", {**at(uni, needle, nth), "context": {"includeDeclaration": True}})
            if caps.get("documentHighlightProvider"):
                self.request("textDocument/documentHighlight", at(uni, needle, nth))

        rename = caps.get("renameProvider")
        if rename:
            if isinstance(rename, dict) and rename.get("prepareProvider"):
                self.request("textDocument/prepareRename", at(uni, "SCO", 1))
                self.request("textDocument/prepareRename", at(uni, "welcomed"))
            self.request("textDocument/rename", {**at(uni, "SCO", 1), "newName": "ShOS"})

        if caps.get("codeActionProvider"):
            for uri in docs:
                diagnostics = self.diagnostics.get(uri, [])
                t = self.texts[uri][self.versions[uri]]
                context = {"diagnostics": diagnostics, "triggerKind": 1}
                self.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": whole(uri),
                                                         "context": context})
                self.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": whole(uri),
                                                         "context": {**context, "only": ["source.fixAll.bulletin"]}})
                if "–" in t:
                    self.request("textDocument/codeAction", {"textDocument": {"uri": uri},
                                                             "range": range_of(t, "–", enc),
                                                             "context": {"diagnostics": []}})

        commands = get(caps, "executeCommandProvider", "commands") or []
        executed = set()
        for command in list(self.seen_commands):
            if command["command"] in commands and command["command"] not in executed:
                executed.add(command["command"])
                self.request("workspace/executeCommand", {"command": command["command"],
                                                         "arguments": command.get("arguments") or []},
                             may_fail=True)
                self.drain(0.2)
        for name in commands:
            if name not in executed:
                # Not offered in this session: run it on the page; the
                # server may refuse arguments it does not expect.
                self.request("workspace/executeCommand", {"command": name, "arguments": [{"uri": uni}]},
                             may_fail=True)
        self.drain(0.3)

        if caps.get("diagnosticProvider"):
            self.request("textDocument/diagnostic", {"textDocument": {"uri": uni}})
            if get(caps, "diagnosticProvider", "workspaceDiagnostics"):
                self.request("workspace/diagnostic", {"previousResultIds": []})

        # Settings pushed, a save, a close: each may republish or pull.
        self.notify("workspace/didChangeConfiguration", {"settings": None})
        self.notify("textDocument/didSave", {"textDocument": {"uri": uni}})
        first_page = next(iter(pages), None)
        if first_page:
            self.notify("textDocument/didClose", {"textDocument": {"uri": first_page}})
            del self.versions[first_page]
            del self.texts[first_page]
        self.drain(0.6)

        self.request("shutdown", None)
        self.notify("exit", None)
        deadline = time.monotonic() + 5
        while self.process.poll() is None and time.monotonic() < deadline:
            self.pump(0.05)
        while self.pump(0.05):
            pass
        code = self.process.poll()
        self.check(code == 0, f"exit status after shutdown and exit: {code}")
        if code is None:
            self.process.kill()
        self.check(not self.pending, f"requests never answered: {[m for m, *_ in self.pending.values()]}")


def contains_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return PLACEHOLDER in value
    if isinstance(value, list):
        return any(contains_placeholder(v) for v in value)
    if isinstance(value, dict):
        return any(contains_placeholder(v) for v in value.values())
    return False


def uri_to_path(uri: Optional[str]) -> Optional[Path]:
    if not uri or not uri.startswith("file://"):
        return None
    from urllib.parse import unquote, urlparse
    return Path(unquote(urlparse(uri).path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="the bulletin binary, e.g. target/debug/bulletin")
    parser.add_argument("--examples", default=str(Path(__file__).resolve().parents[2] / "examples" / "archive"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--open", nargs="*", default=[], metavar="FILE",
                        help="more pages to open and query beside the examples (e.g. a real archive page)")
    parser.add_argument("--dump", metavar="DIR", help="write every server message of each run to DIR/RUN.jsonl")
    args = parser.parse_args()
    binary = str(Path(args.binary).resolve())
    examples = Path(args.examples)
    runs = [
        ("rich/utf-8", capabilities_rich("utf-8"), "utf-8"),
        ("rich/utf-16", capabilities_rich("utf-16"), "utf-16"),
        ("minimal/utf-8", capabilities_minimal("utf-8"), "utf-8"),
        ("minimal/utf-16", capabilities_minimal("utf-16"), "utf-16"),
        # Beyond the four: the one declaration that turns fixes into commands.
        ("minimal+applyEdit/utf-8", {**capabilities_minimal("utf-8"), "workspace": {"applyEdit": True}}, "utf-8"),
    ]
    passed = failed = 0
    placeholders = []
    for name, caps, encoding in runs:
        dump = None
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            dump = open(Path(args.dump) / (name.replace("/", "-") + ".jsonl"), "w", encoding="utf-8")
        session = Session(binary, name, caps, encoding, examples, args.verbose, dump, tuple(args.open))
        try:
            session.play()
        except Exception as err:
            session.check(False, f"session aborted: {type(err).__name__}: {err}")
        finally:
            if dump is not None:
                dump.close()
            if session.process.poll() is None:
                session.process.kill()
                session.process.wait()
        print(f"[{name}] negotiated {session.encoding}: {session.validated} messages validated, "
              f"{session.passed} passed, {session.failed} failed")
        for failure in session.failures:
            print(f"  FAIL {failure}")
        for label in session.placeholders:
            print(f"  transport placeholder reached the client (ignored): {label}")
        passed += session.passed
        failed += session.failed
        placeholders += session.placeholders
    if placeholders:
        print(f"{len(placeholders)} replies carried transport placeholders (not counted)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
