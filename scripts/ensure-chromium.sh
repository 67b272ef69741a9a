#!/usr/bin/env bash
# The web UI is tested in Debian's Chromium (never a downloaded browser). Install it when missing,
# so that `npm test` on a fresh machine needs nothing done by hand.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need Debian's chromium at /usr/bin/chromium: run 'apt-get install chromium' as root." >&2
exit 1
