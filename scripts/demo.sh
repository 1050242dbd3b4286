#!/usr/bin/env bash
# The demo: on a fresh Debian 12 machine with the Rust toolchain, installs what is missing,
# builds cccd (release), starts pcscd with the vpcd driver (unless one runs), and runs
# `cccd demo`: two virtual encoders (`cccd vchip serve --blanks`) on the two "Virtual PCD"
# readers, a fresh PKI with a generated passphrase, a seeded registry, the batch personalized
# (every card signed, written, locked, inspected and rendered), the audit log verified and
# reconciled, and a summary of where everything is. Stops what it started. No configuration;
# optional: COUNT (default 20), OUT (default a new folder under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/system.sh

COUNT=${COUNT:-20}
OUT=${OUT:-$(mktemp -d /tmp/cccd-demo.XXXXXX)}
WORK=$(mktemp -d /tmp/cccd-demo-run.XXXXXX)
trap 'stop_pcscd; rm -rf "$WORK"' EXIT

ensure_packages
echo "== building cccd (release)"
cargo build --release --quiet -p cli
start_pcscd "$WORK"

CCCD=$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/release/cccd
"$CCCD" demo --count "$COUNT" --out "$OUT"
