#!/usr/bin/env bash
# The one test command: installs what the tests need on a fresh Debian 12 machine (only what is
# missing), starts pcscd with the vpcd driver and a private SoftHSM2 token, then runs every test:
# first all tests that do not touch PC/SC, then the PC/SC tests (names starting with `pcsc_`)
# one at a time, because one pcscd with fixed vpcd ports serves the whole machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/system.sh

ensure_packages
WORK=$(mktemp -d /tmp/cccd-test.XXXXXX)
trap 'stop_pcscd; rm -rf "$WORK"' EXIT
start_pcscd "$WORK"
init_softhsm "$WORK"

export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== tests (no PC/SC)"
cargo test --workspace --no-fail-fast --quiet -- --skip pcsc_
echo "== tests through pcscd (serialized)"
cargo test --workspace --no-fail-fast --quiet -- pcsc_ --test-threads=1
echo "== all tests passed"
