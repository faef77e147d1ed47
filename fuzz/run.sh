#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz_targets/ for SECONDS each (default
# 60), starting from the committed seeds in corpus/<target>/ and the
# dictionary bulletin.dict. See README.md.
#
#   fuzz/run.sh [SECONDS]
#
# FUZZ_TARGETS="analyse fix" picks targets; FUZZ_WORK (default
# $TMPDIR/bulletin-fuzz) holds the corpus libFuzzer grows, outside the
# repository. Exits 0 with "fuzz: skipped" when there is no nightly
# toolchain; installs cargo-fuzz when nightly is there and it is not;
# exits non-zero on a crash, printing the reproducer's path.
set -uo pipefail
cd "$(dirname "$0")"

seconds="${1:-60}"
work="${FUZZ_WORK:-${TMPDIR:-/tmp}/bulletin-fuzz}"

skip() {
  echo "fuzz: skipped (no nightly toolchain / cargo-fuzz)${1:+: $1}"
  exit 0
}

cargo +nightly --version >/dev/null 2>&1 || skip
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is not installed; installing it with 'cargo +nightly install cargo-fuzz --locked' (a few minutes)"
  cargo +nightly install cargo-fuzz --locked || skip "installing cargo-fuzz failed"
  export PATH="$HOME/.cargo/bin:$PATH"
  cargo +nightly fuzz --version >/dev/null 2>&1 || skip "cargo-fuzz is not on PATH after installing"
fi

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for file in fuzz_targets/*.rs; do
    targets+=("$(basename "$file" .rs)")
  done
fi

echo "fuzz: building ${targets[*]} (release, debug assertions, AddressSanitizer)"
if ! cargo +nightly fuzz build; then
  echo "fuzz: FAILED to build the fuzz targets"
  exit 1
fi

status=0
for target in "${targets[@]}"; do
  grown="$work/corpus/$target"
  mkdir -p "$grown"
  corpora=("$grown")
  [ -d "corpus/$target" ] && corpora+=("corpus/$target")
  log="$work/$target.log"
  echo "fuzz: $target for ${seconds}s (corpus $grown, log $log)"
  # The first corpus directory takes the new inputs, so the seeds stay as
  # committed. cargo fuzz writes crashes to artifacts/<target>/.
  cargo +nightly fuzz run "$target" "${corpora[@]}" -- \
    -dict=bulletin.dict -max_total_time="$seconds" -timeout=30 \
    -print_final_stats=1 >"$log" 2>&1
  code=$?
  grep -E '^stat::(number_of_executed_units|new_units_added)' "$log" | sed "s/^/fuzz: $target: /"
  if [ "$code" -ne 0 ]; then
    status=1
    echo "fuzz: $target FAILED (exit $code); the end of its log:"
    tail -n 40 "$log"
    reproducers=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
    for reproducer in $reproducers; do
      echo "fuzz: reproducer: $reproducer"
      echo "fuzz: replay it:  (cd fuzz && cargo +nightly fuzz run $target $reproducer)"
      echo "fuzz: minimise:   (cd fuzz && cargo +nightly fuzz tmin $target $reproducer)"
    done
  else
    echo "fuzz: $target: no crash"
  fi
done
exit "$status"
