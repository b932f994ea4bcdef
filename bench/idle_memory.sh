#!/usr/bin/env bash
# Resident memory of `ppc-helper run` after start-up (embedded PostgreSQL, no
# features configured), next to the embedded postmaster's RSS in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked
work=$(mktemp -d)
chmod 755 "$work"
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/config.json" <<JSON
{"database": {"data_dir": "$work/pg"}, "http": {"listen": "127.0.0.1:18089"}}
JSON
target/release/ppc-helper --config "$work/config.json" run 2>"$work/log" &
pid=$!
for _ in $(seq 1 120); do
  curl -fs http://127.0.0.1:18089/readyz >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs http://127.0.0.1:18089/readyz >/dev/null || { cat "$work/log"; exit 1; }
sleep 5
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
pm_pid=$(head -n1 "$work/pg/postmaster.pid")
pm_kb=$(awk '/VmRSS/ {print $2}' /proc/$pm_pid/status)
awk -v a="$rss_kb" -v b="$pm_kb" 'BEGIN {
  printf "ppc-helper run idle RSS: %.1f MB (target < 60 MB)\n", a / 1024
  printf "reference: embedded postmaster RSS: %.1f MB\n", b / 1024
}'
