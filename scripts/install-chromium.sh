#!/usr/bin/env bash
# Debian's Chromium for the browser tests (test/browser/, vitest project "browser"); playwright-core
# drives it and never downloads a browser. Idempotent: does nothing when /usr/bin/chromium exists.
# Needs root (CI runs as root; elsewhere run it with sudo).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium))"
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
echo "chromium: installed ($(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium))"
