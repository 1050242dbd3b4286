#!/usr/bin/env bash
# Runs every benchmark (release build) with the same real components as the tests: pcscd with
# vpcd, a private SoftHSM2 token. Each bench prints its own numbers; the whole output is also kept
# in target/bench-latest.txt. BENCHMARKS.md records the numbers and the machine they came from.
#   scripts/bench.sh            all benches
#   scripts/bench.sh -p sign    only one crate's benches (any cargo bench arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/system.sh

ensure_packages
WORK=$(mktemp -d /tmp/cccd-bench.XXXXXX)
trap 'stop_pcscd; rm -rf "$WORK"' EXIT
start_pcscd "$WORK"
init_softhsm "$WORK"
mkdir -p target
if [ $# -eq 0 ]; then set -- --workspace; fi
cargo bench "$@" 2>&1 | tee target/bench-latest.txt
