#!/bin/sh
# milter_listen.sh - a milter that cannot listen on its socket says why,
# exit 69: a port another program holds ("Address already in use"), a
# unix socket in a folder that does not exist ("No such file or
# directory"), a spec libmilter refuses.  (It named the socket only.)
set -u
: "${REDFLAG:=build/redflag}"
command -v python3 >/dev/null || { echo "skip: no python3" >&2; exit 77; }
T=$(mktemp -d) || exit 1
holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

# A program that holds a port on 127.0.0.1 for 60 s at most; its number
# in $T/port.
python3 - "$T/port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)
PY
holder=$!
i=0
while [ ! -s "$T/port" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "the port holder did not start"
	sleep 0.05
done
port=$(cat "$T/port")

# expect SPEC REASON: the milter on SPEC exits 69 and says REASON
expect() {
	rc=0
	timeout 20 "$REDFLAG" milter --socket "$1" > "$T/out" 2> "$T/err" ||
	    rc=$?
	[ "$rc" = 69 ] || fail "milter --socket $1: exit $rc: $(cat "$T/err")"
	grep -qF "milter: cannot listen on $1: $2" "$T/err" ||
	    fail "milter --socket $1: $(cat "$T/err")"
}
expect "inet:$port@127.0.0.1" "Address already in use"
expect "unix:$T/no/such/folder/milter.sock" "No such file or directory"
expect "nosuch:thing" "libmilter does not know this port, host or socket type"
echo "milter_listen: ok"
