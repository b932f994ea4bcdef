#!/usr/bin/env bash
# Runs the bot on the embedded PostgreSQL (./data/postgres) with config.json
# when present, built-in defaults otherwise. Extra arguments go to `ppc-helper`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked
if (($#)); then
  exec target/release/ppc-helper "$@"
fi
exec target/release/ppc-helper run
