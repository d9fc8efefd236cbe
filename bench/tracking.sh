#!/bin/sh
# tracking.sh - microseconds per message of rf_tracking_message on the
# provider fixtures (tests/data/trackers) and the golden messages, and of
# rf_message_parse alone on the same messages for comparison.
set -eu
build=${BUILD:-build}
make -s "$build/libredflag.a"
PKGS="gmime-3.0 libxml-2.0 liburiparser libidn2 libpsl libxxhash libcrypto sqlite3 hiredis libsodium libmicrohttpd"
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o "$build/bench_tracking" \
    bench/tracking.c "$build/libredflag.a" $(pkg-config --libs $PKGS) -lm
echo "== typical newsletters (tests/data/trackers)"
"$build/bench_tracking" tests/data/trackers/*.eml
echo "== golden messages (tests/golden)"
"$build/bench_tracking" tests/golden/*.eml
