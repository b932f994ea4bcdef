#!/usr/bin/env bash
# Runs every check and test: formatting, clippy, unit, integration and
# end-to-end tests against a private PostgreSQL cluster started by the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PPC_SETUP_TEST=1 scripts/setup.sh

cluster=target/tmp/pg-cluster
stop_cluster() {
  if [[ -f $cluster/postmaster.pid ]]; then
    pg_ctl=$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n1)
    if [[ $(id -u) -eq 0 ]]; then
      runuser -u postgres -- "$pg_ctl" stop -D "$cluster" -m fast >/dev/null 2>&1 || true
    else
      "$pg_ctl" stop -D "$cluster" -m fast >/dev/null 2>&1 || true
    fi
  fi
}
trap stop_cluster EXIT

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked --no-fail-fast -- --test-threads="${TEST_THREADS:-4}"
