#!/usr/bin/env bash
# Dispatch benchmark: commands from 1,000 chats through the emulator to
# `ppc-helper run` (its own process): updates/s with a full backlog, update→answer
# p50/p99 at 1,000 updates/s, the app's resident memory; next to the emulator's
# own sendMessage round-trip rate measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked --bin ppc-helper --example bench_dispatch
target/release/examples/bench_dispatch target/release/ppc-helper
