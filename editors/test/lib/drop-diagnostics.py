#!/usr/bin/env python3
"""A deliberately broken language server, for `editors/test/run.sh --broken`.

Runs the real server (BULLETIN_REAL_SERVER, with this script's arguments) and
relays every message except diagnostics: it drops
`textDocument/publishDiagnostics` notifications and removes
`diagnosticProvider` from the server's capabilities, so no client can get a
single diagnostic. Both editor suites must fail against it.
"""
import json
import os
import subprocess
import sys
import threading

real = os.environ["BULLETIN_REAL_SERVER"]
server = subprocess.Popen([real, *sys.argv[1:]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def pump_in():
    src = sys.stdin.buffer
    try:
        while True:
            chunk = src.read1(65536)
            if not chunk:
                break
            server.stdin.write(chunk)
            server.stdin.flush()
    except (BrokenPipeError, OSError):
        pass
    finally:
        try:
            server.stdin.close()
        except OSError:
            pass


threading.Thread(target=pump_in, daemon=True).start()

out = sys.stdout.buffer
reader = server.stdout
while True:
    length = None
    while True:
        line = reader.readline()
        if not line:
            sys.exit(server.wait())
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = reader.read(length or 0)
    message = json.loads(body)
    if message.get("method") == "textDocument/publishDiagnostics":
        continue
    result = message.get("result")
    if isinstance(result, dict) and isinstance(result.get("capabilities"), dict):
        result["capabilities"].pop("diagnosticProvider", None)
        body = json.dumps(message).encode()
    out.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    out.flush()
