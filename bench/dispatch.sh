#!/usr/bin/env bash
# Dispatch benchmark: 10,000 commands from 1,000 chats through the emulator;
# updates/s, update→answer p50/p99, resident memory, next to the emulator's own
# sendMessage round-trip rate measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo run --release --locked --example bench_dispatch
