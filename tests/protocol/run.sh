#!/usr/bin/env bash
# Runs the protocol conformance suite against a bulletin binary:
#   tests/protocol/run.sh target/debug/bulletin
# Installs the suite's Python packages (requirements.txt) into a virtual
# environment under target/protocol-venv first; needs only python3 and pip.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: $0 BULLETIN_BINARY [--verbose] [--dump DIR]" >&2
  exit 2
fi
binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
if [ ! -x "$binary" ]; then
  echo "$binary is not an executable (build it first: cargo build)" >&2
  exit 2
fi
venv="$root/target/protocol-venv"
python="$venv/bin/python"
if [ ! -x "$python" ] || ! "$python" -m pip --version >/dev/null 2>&1; then
  rm -rf "$venv"
  if python3 -m venv "$venv" 2>/dev/null && "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    :
  else
    # No venv module (or no ensurepip, as on a bare Debian python3): install
    # into a folder of our own with the system pip instead.
    rm -rf "$venv"
    mkdir -p "$venv/site"
    python3 -m pip install --quiet --disable-pip-version-check --target "$venv/site" -r "$here/requirements.txt"
    export PYTHONPATH="$venv/site${PYTHONPATH:+:$PYTHONPATH}"
    python=python3
  fi
fi
if [ "$python" != python3 ]; then
  "$python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
"$python" "$here/selftest.py"
# The real archive page beside the repository, when it is there, is opened too.
extra=()
corpus="$root/../shared/corpus/sco-tag-archive.txt"
if [ -f "$corpus" ]; then
  extra=(--open "$corpus")
fi
exec "$python" "$here/conformance.py" "$binary" --examples "$root/examples/archive" "${extra[@]}" "$@"
