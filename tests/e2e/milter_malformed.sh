#!/bin/sh
# milter_malformed.sh - malformed milter packets sent raw (python3) to the
# redflag milter: truncated packets, lengths of 2 and 4 GB, a zero length,
# unknown commands, missing NULs, steps out of order, garbage.  Each
# connection must be closed or answered without a crash, and afterwards
# the same milter process still filters a well-formed message (headers
# added, the forged X-Redflag-Verdict removed).  As root the milter runs
# as nobody in an empty chroot.
set -u
. tests/e2e/lib/postfix.sh
command -v python3 >/dev/null || { echo "skip: no python3" >&2; exit 77; }
PF_DIR=$(mktemp -d /tmp/redflag-malformed.XXXXXX)
RF_MILTER_PORT=$(pf_free_port)
trap pf_cleanup EXIT
trap 'echo "stopped (timeout or signal)" >&2; exit 1' INT TERM
pf_watchdog 120
client="timeout 30 python3 tests/e2e/lib/milterclient.py"
fail() { echo "FAIL: $*" >&2; cat "$PF_DIR/milter.log" >&2; exit 1; }

# As root, the milter also drops to nobody inside an empty chroot.
opts=
if [ "$(id -u)" -eq 0 ]; then
	mkdir "$PF_DIR/root"
	opts="--user nobody --chroot $PF_DIR/root"
fi
# shellcheck disable=SC2086
redflag_milter_start --set max_message_size=64k $opts || exit 1
if [ -n "$opts" ]; then
	[ "$(ps -o user= -p "$RF_MILTER_PID" | tr -d ' ')" = nobody ] ||
	    fail "the milter did not become nobody"
	[ "$(readlink "/proc/$RF_MILTER_PID/root")" = "$PF_DIR/root" ] ||
	    fail "the milter is not in its chroot"
fi
$client "$RF_MILTER_PORT" transaction > "$PF_DIR/first" || fail "first"
grep -q '^h X-Redflag-Verdict: ' "$PF_DIR/first" || fail "no verdict header"
grep -q '^m X-Redflag-Verdict\[1\]' "$PF_DIR/first" ||
	fail "the forged verdict header was not removed"
for c in $($client "$RF_MILTER_PORT" malformed list); do
	out=$($client "$RF_MILTER_PORT" malformed "$c") || fail "case $c"
	echo "$out"
	case $out in
	*timeout*) fail "$c: the milter neither answered nor closed" ;;
	esac
	kill -0 "$RF_MILTER_PID" 2>/dev/null || fail "milter died after $c"
	$client "$RF_MILTER_PORT" transaction > "$PF_DIR/after" ||
	    fail "no transaction after $c"
	cmp -s "$PF_DIR/first" "$PF_DIR/after" || fail "other answer after $c"
done
# A body larger than max_message_size: tempfail, not a crash.
python3 - "$RF_MILTER_PORT" <<'PY' || fail "large body"
import sys
sys.path.insert(0, "tests/e2e/lib")
import milterclient as mc
s = mc.connect(int(sys.argv[1]))
mc.hello(s)
mc.step(s, b"R", b"<r1@test.example>\x00")
mc.step(s, b"N", b"")
for i in range(20):
    mc.step(s, b"B", b"x" * 65000)
s.sendall(mc.packet(b"E"))
r, d = mc.reply(s)
assert r == b"y" and d.startswith(b"451 4.3.0"), (r, d)
print("large body: tempfail")
PY
kill -0 "$RF_MILTER_PID" 2>/dev/null || fail "milter died"
redflag_milter_stop TERM
[ "$RF_MILTER_RC" -eq 0 ] || fail "exit status $RF_MILTER_RC"
echo "milter_malformed: every malformed conversation refused, milter alive"
