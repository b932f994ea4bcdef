#!/usr/bin/env bash
# Runs the bot on the embedded PostgreSQL (./data/postgres) with config.json when
# present, built-in defaults otherwise: `run` when a bot token is configured, else
# `chat` (the app against the built-in Bot API emulator, in this terminal).
# Extra arguments go to `ppc-helper` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked
if (($#)); then
  exec target/release/ppc-helper "$@"
fi
if [[ -n ${TELOXIDE_TOKEN:-}${PPC_TELEGRAM__TOKEN:-} ]] || { [[ -f config.json ]] && python3 -c '
import json, sys
token = json.load(open("config.json")).get("telegram", {}).get("token")
sys.exit(0 if token else 1)' 2>/dev/null; }; then
  exec target/release/ppc-helper run
fi
exec target/release/ppc-helper chat
