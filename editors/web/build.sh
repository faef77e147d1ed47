#!/usr/bin/env bash
# Builds the bulletin playground into editors/web/dist/ (index.html,
# playground.js with the WebAssembly inside it, playground.css): a static
# page that works from file:// or any static server, with no network.
#
#   editors/web/build.sh
#
# Needs: the Rust target wasm32-unknown-unknown (rustup target add
# wasm32-unknown-unknown), clang (the grammar's C parts; Debian's clang),
# wasm-bindgen-cli at the exact version of the wasm-bindgen crate in
# Cargo.lock (cargo install wasm-bindgen-cli --version X), and Node.js
# with npm (esbuild and CodeMirror come from editors/web/package-lock.json).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock")"
have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have" != "$want" ]; then
  echo "build.sh: wasm-bindgen-cli $want is needed (found: ${have:-none}):" >&2
  echo "  cargo install wasm-bindgen-cli --version $want" >&2
  exit 1
fi

# 1. The library as WebAssembly (clang compiles the grammar's C for wasm32).
(cd "$ROOT" && CC_wasm32_unknown_unknown="${CC_wasm32_unknown_unknown:-clang}" \
  cargo build --quiet -p bulletin-wasm --target wasm32-unknown-unknown --profile wasm)
WASM="$ROOT/target/wasm32-unknown-unknown/wasm/bulletin_wasm.wasm"

# 2. The JavaScript glue.
rm -rf "$HERE/pkg"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$HERE/pkg" "$WASM"

# 3. The page: one classic script (module scripts do not load from file://)
#    with the .wasm bytes and the example archive inside it.
stamp="$HERE/node_modules/.bulletin-lock-stamp"
sum="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$sum" >"$stamp"
fi
rm -rf "$HERE/dist"
mkdir -p "$HERE/dist"
ESBUILD="$HERE/node_modules/.bin/esbuild"
"$ESBUILD" "$HERE/src/main.js" --bundle --format=iife --minify --log-level=warning --log-override:empty-import-meta=silent \
  --target=chrome110,firefox115,safari16 \
  --loader:.wasm=binary --loader:.bulletin=text \
  --outfile="$HERE/dist/playground.js"
"$ESBUILD" "$HERE/src/playground.css" --minify --log-level=warning --outfile="$HERE/dist/playground.css"
cp "$HERE/index.html" "$HERE/dist/index.html"

raw="$(wc -c <"$HERE/pkg/bulletin_wasm_bg.wasm")"
gz="$(gzip -9 -c "$HERE/pkg/bulletin_wasm_bg.wasm" | wc -c)"
echo "built $HERE/dist/index.html (bulletin_wasm_bg.wasm: $raw bytes, $gz gzipped)"
