#!/usr/bin/env bash
# Ad Library capture benchmark: the test fixture with 50 ads on one page
# captured by real Chromium with production scroll settings, then the PDF.
# Prints seconds for capture + PDF, PDF bytes per ad, and the peak RSS of the
# app process and of its Chromium/chromedriver children.
# Targets on this machine: < 60 s, < 250 KB per ad, app RSS < 200 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo run --release --locked --example bench_capture
