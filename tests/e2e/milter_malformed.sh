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
milter_test_begin malformed 240
client="timeout 30 python3 tests/e2e/lib/milterclient.py"

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
# Hostile but well-formed conversations, replies checked byte for byte:
#  - every X-Redflag-* header a sender sent is removed, whatever its name
#    after the prefix and its case (the MTA numbers each name's copies);
#  - ABORT, then a second message on the same connection: nothing of the
#    first (forged header, recipients) carries over;
#  - a transaction split at every byte boundary;
#  - connections closed in the middle of a body leave nothing in flight.
python3 - "$RF_MILTER_PORT" <<'PY' || fail "hostile conversations"
import socket, sys
sys.path.insert(0, "tests/e2e/lib")
import milterclient as mc
port = int(sys.argv[1])
P = mc.packet

def eom(s):
    s.sendall(P(b"E"))
    out = []
    while True:
        r, d = mc.reply(s)
        out.append((r, d))
        if r not in (b"h", b"m", b"b", b"q"):
            return out

def removed(out):
    return [(d[4:].rstrip(b"\x00").lower(), d[:4]) for r, d in out
            if r == b"m"]

n = lambda k: k.to_bytes(4, "big")
s = mc.connect(port)
mc.hello(s)
mc.step(s, b"R", b"<r1@test.example>\x00")
for h in (b"X-Redflag-Verdict\x00ham\x00", b"X-Redflag-Spam\x00no\x00",
          b"Subject\x00hi\x00", b"x-redflag-verdict\x00ham\x00",
          b"X-REDFLAG-SPAM\x00no\x00"):
    mc.step(s, b"L", h)
mc.step(s, b"N", b"")
mc.step(s, b"B", b"hello\r\n")
out = eom(s)
got = removed(out)
want = [(b"x-redflag-spam", n(2)), (b"x-redflag-spam", n(1)),
        (b"x-redflag-verdict", n(2)), (b"x-redflag-verdict", n(1))]
assert got == want, ("forged headers", got)
assert out[-1] == (b"c", b""), out[-1]
assert sum(1 for r, d in out if r == b"h") == 5, out

# ABORT, then a second message on the same connection.
mc.step(s, b"M", b"<a@shop.example>\x00")
for r in (b"<x1@test.example>", b"<x2@test.example>"):
    mc.step(s, b"R", r + b"\x00")
mc.step(s, b"L", b"X-Redflag-Score\x00-9\x00")
mc.step(s, b"N", b"")
mc.step(s, b"B", b"first\r\n")
s.sendall(P(b"A"))		# no reply to ABORT
s.sendall(P(b"D", b"Mi\x00ABORTED2\x00"))
mc.step(s, b"M", b"<a@shop.example>\x00")
mc.step(s, b"R", b"<r1@test.example>\x00")
mc.step(s, b"L", b"Subject\x00second\x00")
mc.step(s, b"N", b"")
mc.step(s, b"B", b"second\r\n")
out = eom(s)
assert removed(out) == [], ("the aborted message's header", out)
assert out[-1] == (b"c", b""), out[-1]
s.sendall(P(b"Q"))
s.close()

# One transaction, one byte per send.
data = (P(b"O", (6).to_bytes(4, "big") + (0x1FF).to_bytes(4, "big") +
          bytes(4)) + P(b"C", b"client.example\x00U") +
        P(b"M", b"<a@shop.example>\x00") + P(b"R", b"<r1@test.example>\x00") +
        P(b"L", b"X-Redflag-Verdict\x00ham\x00") + P(b"N") +
        P(b"B", b"hi\r\n") + P(b"E"))
s = mc.connect(port)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(len(data)):
    s.send(data[i:i + 1])
replies = [mc.reply(s) for _ in range(7)]
assert [r for r, d in replies] == [b"O"] + [b"c"] * 6, replies
out = eom(s)
assert removed(out) == [(b"x-redflag-verdict", n(1))], out
assert out[-1] == (b"c", b""), out[-1]
s.close()

# Connections closed in the middle of a body, some with an ABORT.
for i in range(20):
    s = mc.connect(port)
    mc.hello(s)
    mc.step(s, b"R", b"<r1@test.example>\x00")
    mc.step(s, b"N", b"")
    mc.step(s, b"B", b"x" * 1000)
    if i % 2:
        s.sendall(P(b"A"))
    s.close()
print("hostile conversations: replies as expected")
PY
grep -q 'ABORTED2: verdict=ham action=headers rcpts=1$' "$PF_DIR/milter.log" ||
	fail "the message after ABORT kept the first one's recipients"
$client "$RF_MILTER_PORT" transaction > "$PF_DIR/after" ||
    fail "no transaction after the hostile conversations"
cmp -s "$PF_DIR/first" "$PF_DIR/after" || fail "other answer afterwards"
redflag_milter_stop TERM
grep -q 'unfinished' "$PF_DIR/milter.log" &&
	fail "connections closed mid-message were left in flight"
[ "$RF_MILTER_RC" -eq 0 ] || fail "exit status $RF_MILTER_RC"
# One message held in flight (MAIL FROM given, no end) past a stop with
# shutdown_timeout = 1: logged in the singular (was "1 messages").
redflag_milter_start --set shutdown_timeout=1 || exit 1
python3 - "$RF_MILTER_PORT" "$PF_DIR/held" <<'PY' &
import sys, time
sys.path.insert(0, "tests/e2e/lib")
import milterclient as mc
s = mc.connect(int(sys.argv[1]))
mc.hello(s)
open(sys.argv[2], "w").close()
time.sleep(10)
PY
held=$!
n=0
while [ ! -e "$PF_DIR/held" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
redflag_milter_stop TERM
kill "$held" 2>/dev/null
wait "$held" 2>/dev/null
grep -q 'stopping with 1 message unfinished (the MTA retries it)' \
    "$PF_DIR/milter.log" ||
	fail "one message in flight at the stop: $(grep unfinished "$PF_DIR/milter.log")"
echo "milter_malformed: every malformed conversation refused, milter alive"
