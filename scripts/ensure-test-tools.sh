#!/usr/bin/env bash
# The tests need two Debian packages: chromium (the web UI is tested in Debian's Chromium, never a
# downloaded browser) and age (evidence blobs are checked against the real age tool both ways).
# Install what is missing, so that `npm test` on a fresh machine needs nothing done by hand.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v age >/dev/null 2>&1 && command -v age-keygen >/dev/null 2>&1 || missing+=(age)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the tests…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need Debian's ${missing[*]}: run 'apt-get install ${missing[*]}' as root." >&2
exit 1
