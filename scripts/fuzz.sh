#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for SECONDS each (default 10): the decoders of untrusted
# input (LDS files, TLV, MRZ, SubjectPublicKeyInfo, citizen records, photo headers).
# cargo-fuzz needs nightly flags; on a stable toolchain RUSTC_BOOTSTRAP=1 enables them.
# Installs cargo-fuzz from crates.io when it is missing. Exit status is non-zero on a crash.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_PER_TARGET=${1:-10}
case "$SECONDS_PER_TARGET" in
  ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# The address sanitizer needs an instrumented std that stable lacks; the targets are safe Rust,
# so libFuzzer's coverage guidance and our assertions are what matter here.
SANITIZER=${CCCD_FUZZ_SANITIZER:-none}
targets=$(cargo fuzz list)
echo "== building $(echo "$targets" | wc -w) targets"
cargo fuzz build -O --sanitizer "$SANITIZER"
LOG=$(mktemp /tmp/cccd-fuzz.XXXXXX)
trap 'rm -f "$LOG"' EXIT
for t in $targets; do
  echo "== $t (${SECONDS_PER_TARGET}s)"
  mkdir -p "corpus/$t"
  # Start from valid files (Doc 9303 examples, a built card) so mutations reach deep paths.
  if [ -d "seeds/$t" ]; then cp -n seeds/"$t"/* "corpus/$t/"; fi
  if ! cargo fuzz run -O --sanitizer "$SANITIZER" "$t" "corpus/$t" -- \
      -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 >"$LOG" 2>&1; then
    tail -n 40 "$LOG" >&2
    echo "!! $t failed; the crashing input is in fuzz/artifacts/$t" >&2
    exit 1
  fi
  grep -E 'stat::number_of_executed_units|stat::new_units_added' "$LOG" || true
done
echo "== all fuzz targets ran ${SECONDS_PER_TARGET}s without a crash"
