#!/bin/sh
# setup.sh - install playwright-core (the driver only: no browser is ever
# downloaded; tests use Debian's /usr/bin/chromium) into the git-ignored
# tests/browser/node_modules.
set -eu
cd "$(dirname "$0")"
[ -d node_modules/playwright-core ] && exit 0
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund \
    --no-package-lock >&2
