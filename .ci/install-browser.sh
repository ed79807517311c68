#!/bin/sh
# Installs Debian's Chromium for the browser end-to-end tests (test/e2e) when it is missing.
# Idempotent and quiet: does nothing when /usr/bin/chromium exists; prints apt's log only on failure.
# No browser is downloaded by npm or playwright: playwright-core drives this binary.
set -eu

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
# fonts-liberation is only a recommendation of chromium, but screenshots need real fonts.
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-browser: could not install chromium with apt-get" >&2
  exit 1
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "install-browser: apt-get succeeded but $CHROMIUM is missing" >&2
  exit 1
fi
echo "install-browser: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed"
