#!/usr/bin/env bash
# Regenerates the golden card images of the print crate (crates/print/tests/golden/*.png,
# both templates at 300 dpi) after an intended change to a template or the renderer.
# Look at the new PNGs before committing them.
set -euo pipefail
cd "$(dirname "$0")/.."
CCCD_REGEN_GOLDEN=1 cargo test -p print --test golden -- --test-threads=1
cargo test -p print --test golden
ls -l crates/print/tests/golden/
