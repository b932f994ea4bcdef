#!/usr/bin/env bash
# eBay benchmark: 1,000 alerts over 200 distinct queries against a local fake
# (search calls per cycle, cycle time: waiting on the fake vs our code) and the
# 14-day insights of one alert with 200 observations per day.
# FAKE_LATENCY_MS sets the fake's response delay (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo run --release --locked --example bench_ebay
