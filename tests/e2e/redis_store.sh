#!/bin/sh
# redis_store.sh - the campaign store's Redis backend against a real
# redis-server: the unit tests of test_store_redis, then two processes
# feeding halves of one campaign at the same time must end with one
# campaign counting every copy and (within the HLL error) every recipient.
# Run from the top of the tree with $BUILD set (tests/run.sh does).
set -u
build=${BUILD:-build}
prog=$build/tests/test_store_redis
half=5000

if ! command -v redis-server >/dev/null 2>&1; then
	echo "redis_store.sh: redis-server is not installed (scripts/deps.sh)" >&2
	exit 1
fi
[ -x "$prog" ] || { echo "redis_store.sh: $prog not built" >&2; exit 1; }

. tests/redis.sh
tmp=$(mktemp -d)
trap 'redis_stop; rm -rf "$tmp"' EXIT INT TERM
redis_start "$tmp" || { echo "redis_store.sh: cannot start redis-server" >&2; exit 1; }
export REDIS_PORT=$redis_port

fail=0
"$prog" || fail=1

# two processes, one campaign, at the same time
"$prog" feed race 0 $half > "$tmp/a.out" 2> "$tmp/a.err" &
a=$!
"$prog" feed race $half $half > "$tmp/b.out" 2> "$tmp/b.err" &
b=$!
wait $a || { echo "feeder A failed: $(cat "$tmp/a.err")"; fail=1; }
wait $b || { echo "feeder B failed: $(cat "$tmp/b.err")"; fail=1; }
ida=$(cut -d' ' -f1 "$tmp/a.out")
idb=$(cut -d' ' -f1 "$tmp/b.out")
echo "feeder A: $(cat "$tmp/a.out"); feeder B: $(cat "$tmp/b.out")"
if [ -z "$ida" ] || [ "$ida" != "$idb" ]; then
	echo "FAIL: the feeders saw different campaigns ($ida, $idb)"
	fail=1
fi
"$prog" check race $((2 * half)) || { echo "FAIL: check"; fail=1; }

# redis going away is an error, not a crash
redis_stop
if "$prog" feed race 0 1 2> "$tmp/down.err"; then
	echo "FAIL: feeding with redis down succeeded"
	fail=1
elif ! grep -q redis "$tmp/down.err"; then
	echo "FAIL: no error message with redis down"
	fail=1
fi
exit $fail
