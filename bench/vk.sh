#!/usr/bin/env bash
# VK Ads report benchmark: 500 campaigns × 30 days against the fake VK Ads;
# prints API calls, report build time (our code) and chart time. Target:
# report + chart < 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --locked --example bench_vk
