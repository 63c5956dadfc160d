#!/usr/bin/env bash
# Install the system packages kejin needs, only those missing: PostgreSQL (tests), Debian's
# Chromium (browser tests, screenshots), CJK fonts (pages and PDFs), gettext (translations),
# Pango (WeasyPrint renders the credit report PDF).
set -euo pipefail
need=()
have_pg() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_pg || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
