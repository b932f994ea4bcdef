#!/usr/bin/env bash
# Queue benchmark: 20,000 no-op jobs and idle enqueue→start latency, next to a
# plain-SQL SKIP LOCKED queue measured in the same run on the same cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo run --release --locked --example bench_queue
