#!/usr/bin/env bash
# Installs what ppc-helper needs on a fresh Debian machine: the PostgreSQL server
# binaries (embedded database), Chromium + chromedriver (Ad Library captures),
# poppler-utils (PDF checks in tests), fonts, and Python's aiosmtpd (the tests'
# SMTP sink). Benchmarks install their own load tools (wrk, nginx).
# As root it installs with apt-get/pip; otherwise it prints the command to run.
set -euo pipefail

need_apt=()

have_pg() {
  command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

have_pg || need_apt+=(postgresql)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium chromium-driver)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)

if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${need_apt[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing packages; run: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
fi

if [[ ${PPC_SETUP_TEST:-0} == 1 ]] && ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "setup: installing aiosmtpd (SMTP sink for the mail tests)" >&2
  python3 -m pip install --quiet aiosmtpd
fi
