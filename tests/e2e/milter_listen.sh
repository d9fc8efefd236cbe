#!/bin/sh
# milter_listen.sh - a milter that cannot listen on its socket says why,
# exit 69: a port another program holds ("Address already in use"), a
# unix socket in a folder that does not exist ("No such file or
# directory"), a spec libmilter refuses.  (It named the socket only.)
# A port out of range is a bad setting (it listened on another port).
# Also a store its user may not write (a file root made, as the first
# 'redflag consent add --db' run as root makes it): exit 69 at the start,
# saying so and naming the user (it listened, then tempfailed every
# message: "attempt to write a readonly database").
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
expect "unix:$T/no/such/folder/milter.sock" "No such file or directory (does the socket's folder exist? systemd-tmpfiles --create makes the installed one)"
expect "inet:nosuchservice@127.0.0.1" \
    "libmilter does not know this port, host or socket type"

# A port out of range is refused before listening (libmilter bound it
# modulo 65536: inet:99999 listened on 34463, saying 99999): 64 on the
# command line, 78 with file:line from a settings file.
for spec in "inet:99999@127.0.0.1" "inet:0@127.0.0.1" "inet6:70000@::1"; do
	rc=0
	timeout 10 "$REDFLAG" milter --socket "$spec" > "$T/out" 2> "$T/err" ||
	    rc=$?
	[ "$rc" = 64 ] || fail "milter --socket $spec: exit $rc: $(cat "$T/err")"
	grep -qF "milter: socket: the port of inet:PORT@ADDRESS is a number from 1 to 65535" \
	    "$T/err" || fail "milter --socket $spec: $(cat "$T/err")"
done
printf 'socket = inet:99999@127.0.0.1\n' > "$T/port.conf"
rc=0
timeout 10 "$REDFLAG" milter --config "$T/port.conf" > "$T/out" 2> "$T/err" ||
    rc=$?
[ "$rc" = 78 ] && grep -qF "$T/port.conf:1: socket: the port" "$T/err" ||
	fail "socket = inet:99999 in a file: exit $rc: $(cat "$T/err")"

# A spec no socket could be bound from is a bad setting too, not a
# socket that cannot be opened (69): an empty unix path (it bound an
# abstract socket named by NULs), an unknown type, an IP literal that is
# no address.  64 on the command line, 78 with file:line from a file.
badspec() {
	spec=$1 why=$2
	rc=0
	timeout 10 "$REDFLAG" milter --socket "$spec" > "$T/out" 2> "$T/err" ||
	    rc=$?
	[ "$rc" = 64 ] && grep -qF "milter: socket: $why" "$T/err" ||
	    fail "milter --socket $spec: exit $rc: $(cat "$T/err")"
	printf '# a comment\nsocket = %s\n' "$spec" > "$T/spec.conf"
	rc=0
	timeout 10 "$REDFLAG" milter --config "$T/spec.conf" > "$T/out" \
	    2> "$T/err" || rc=$?
	[ "$rc" = 78 ] && grep -qF "$T/spec.conf:2: socket: $why" "$T/err" ||
	    fail "socket = $spec in a file: exit $rc: $(cat "$T/err")"
}
badspec "unix:" "the PATH of unix:PATH (local:PATH) is empty"
badspec "local:" "the PATH of unix:PATH (local:PATH) is empty"
badspec "foo:bar" "an unknown socket type"
badspec "nosuch:thing" "an unknown socket type"
badspec "inet:1@256.0.0.1" "the address of inet:PORT@ADDRESS is no IPv4 address"
badspec "inet:1@[1.2.3.4" "the address of inet:PORT@ADDRESS is no IPv4 address"
badspec "inet:1@::1" "an IPv6 address is inet6:PORT@ADDRESS"
badspec "inet6:1@::g" "the address of inet6:PORT@ADDRESS is no IPv6 address"
badspec "inet6:1@[::1" "the address of inet6:PORT@ADDRESS is no IPv6 address"
badspec "inet:1@" "the address of inet:PORT@ADDRESS is empty"
badspec "inet:" "the port of inet:PORT@ADDRESS is a number from 1 to 65535"
badspec "inet:@127.0.0.1" "the port of inet:PORT@ADDRESS is a number from 1 to 65535"

# A SQLite store root made in the user's folder (/var/lib/redflag
# belongs to the milter's user), the milter running as nobody (root
# only: a user to become).
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir "$T/store" && chmod 755 "$T" && chown nobody "$T/store" ||
	    fail "cannot make the store's folder"
	"$REDFLAG" consent add a@rcpt.example shop.example \
	    --db "$T/store/r.db" > /dev/null || fail "consent add"
	rc=0
	timeout 10 "$REDFLAG" milter --socket "unix:$T/m.sock" --user nobody \
	    --set "db=$T/store/r.db" > "$T/out" 2> "$T/err" || rc=$?
	[ "$rc" = 69 ] || fail "read-only store: exit $rc: $(cat "$T/err")"
	grep -qF "milter: $T/store/r.db: sqlite: cannot write to the store: the file is read-only for this user (its owner or mode) (opened as user nobody)" \
	    "$T/err" || fail "read-only store: $(cat "$T/err")"
	# the filter (as nobody) defers for the same reason
	rc=0
	printf 'From: a@b.example\nTo: c@d.example\n\nhi\n' |
	    setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$REDFLAG" filter --set "db=$T/store/r.db" > "$T/out" 2> "$T/err" ||
	    rc=$?
	[ "$rc" = 75 ] || fail "filter, read-only store: exit $rc"
	grep -qF "cannot write to the store" "$T/err" ||
	    fail "filter, read-only store: $(cat "$T/err")"
fi
# A SQLite store in a folder that does not exist: exit 69, the folder
# named, on one line.
rc=0
timeout 10 "$REDFLAG" milter --socket "unix:$T/nostore.sock" \
    --set "db=$T/nofolder/r.db" > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" = 69 ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
    grep -qF "unable to open database file (the folder $T/nofolder does not exist)" \
    "$T/err" || fail "store in a missing folder: exit $rc: $(cat "$T/err")"
# the same with the sqlite: prefix: the folder is the file's ("sqlite:/x"
# once named the folder "sqlite:" for a store that was a folder)
rc=0
timeout 10 "$REDFLAG" milter --socket "unix:$T/nostore2.sock" \
    --set "db=sqlite:$T/nofolder/r.db" > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" = 69 ] && grep -qF "(the folder $T/nofolder does not exist)" \
    "$T/err" || fail "sqlite: store in a missing folder: $(cat "$T/err")"
mkdir "$T/afolder"
rc=0
timeout 10 "$REDFLAG" milter --socket "unix:$T/nostore3.sock" \
    --set "db=sqlite:$T/afolder" > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" = 69 ] && ! grep -q "does not exist" "$T/err" ||
    fail "sqlite: store that is a folder: $(cat "$T/err")"

# A user that does not exist is named, with a word on making it.
rc=0
timeout 10 "$REDFLAG" milter --socket "unix:$T/nouser.sock" \
    --user no-such-user-rf > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" = 77 ] && grep -qF "milter: no user 'no-such-user-rf' (make it, or name another in user =)" \
    "$T/err" || fail "no such user: exit $rc: $(cat "$T/err")"
if ! id redflag >/dev/null 2>&1; then
	rc=0
	timeout 10 "$REDFLAG" milter --socket "unix:$T/nouser2.sock" \
	    --user redflag > "$T/out" 2> "$T/err" || rc=$?
	[ "$rc" = 77 ] && grep -qF "milter: no user 'redflag' (systemd-sysusers makes it)" \
	    "$T/err" || fail "no user redflag: exit $rc: $(cat "$T/err")"
fi

# Risky settings that start all the same are each said in one warning
# line once it listens: no store (db unset), and, as root, no user.
"$REDFLAG" milter --socket "unix:$T/risky.sock" > "$T/out" 2> "$T/err" &
pid=$!
i=0
while ! grep -q "warning: no store" "$T/err" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 200 ] && { kill "$pid"; fail "no warning of no store: $(cat "$T/err")"; }
	sleep 0.05
done
kill -TERM "$pid"
wait "$pid" || fail "the risky milter did not stop with status 0"
grep -qx "redflag milter: warning: no store (db is not set): campaigns are never counted and no consent record is found; set db = /var/lib/redflag/redflag.db" \
    "$T/err" || fail "no store: $(cat "$T/err")"
if [ "$(id -u)" -eq 0 ]; then
	grep -q "^redflag milter: warning: running as root: no user is set" \
	    "$T/err" || fail "root, no user: $(cat "$T/err")"
else
	! grep -q "running as root" "$T/err" || fail "not root: $(cat "$T/err")"
fi
echo "milter_listen: ok"
