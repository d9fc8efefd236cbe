#!/bin/sh
# milter_connections.sh - milter_max_connections, spoken raw (python3) to
# the redflag milter started with milter_max_connections=4: four
# connections past connect are held; the fifth, sixth and seventh are
# answered 421 4.3.2 at connect (tempfail: the MTA keeps the mail), logged
# in one line (rate-limited, the client name escaped); once one held
# connection has quit, a new one carries a whole message through; the
# held ones still do.  A value out of range is a configuration error.
set -u
. tests/e2e/lib/postfix.sh
milter_test_begin conns 240

"$REDFLAG" milter --socket "inet:$RF_MILTER_PORT@127.0.0.1" \
    --set milter_max_connections=0 2> "$PF_DIR/bad.err"
[ $? -eq 78 ] || fail "milter_max_connections=0 was taken"
grep -q 'milter_max_connections: a number from 1 to 10000' "$PF_DIR/bad.err" ||
	fail "no message for milter_max_connections=0: $(cat "$PF_DIR/bad.err")"

redflag_milter_start --set milter_max_connections=4 || exit 1
timeout 60 python3 - "$RF_MILTER_PORT" <<'PY' || fail "connection limit"
import sys
sys.path.insert(0, "tests/e2e/lib")
import milterclient as mc
port, limit = int(sys.argv[1]), 4

def connect(name):
    s = mc.connect(port)
    mc.negotiate(s)
    s.sendall(mc.packet(b"C", name + b"\x00U"))
    return s, mc.reply(s)

def message(s):
    for cmd, data in ((b"M", b"<news@shop.example>\x00"),
                      (b"R", b"<r1@test.example>\x00"),
                      (b"L", b"Subject\x00limit test\x00"),
                      (b"N", b""), (b"B", b"Hello\r\n")):
        mc.step(s, cmd, data)
    s.sendall(mc.packet(b"E"))
    while True:
        r, d = mc.reply(s)
        if r not in (b"h", b"m", b"b", b"q"):
            return r, d

def quit(s):
    s.sendall(mc.packet(b"Q"))
    assert s.recv(1) == b"", "the milter did not close after QUIT"
    s.close()

held = []
for i in range(limit):
    s, (r, d) = connect(b"held%d.example" % i)
    assert r == b"c", ("held connection %d" % i, r, d)
    held.append(s)
for i in range(3):
    # a client name with a line end and an escape: logged escaped
    s, (r, d) = connect(b"over\n\x1b[31m.example")
    assert r == b"y" and d.startswith(b"421 4.3.2 "), ("over limit", r, d)
    quit(s)
print("over the limit: %r" % d.rstrip(b"\x00").decode())
quit(held.pop(0))
s, (r, d) = connect(b"after.example")
assert r == b"c", ("after one quit", r, d)
r, d = message(s)
assert r == b"c", ("message after one quit", r, d)
quit(s)
for s in held:
    r, d = message(s)
    assert r == b"c", ("held connection's message", r, d)
    quit(s)
# all closed: limit connections at once again
for i in range(limit):
    s, (r, d) = connect(b"again%d.example" % i)
    assert r == b"c", ("again %d" % i, r, d)
    held.append(s)
print("milter_max_connections=%d: held %d, 3 refused at connect, "
      "then served" % (limit, limit))
PY
n=$(grep -c 'refused with 421 4.3.2' "$PF_DIR/milter.log")
[ "$n" -eq 1 ] || fail "$n log lines for three refused connections"
grep -q 'connection from over\\x0a\\x1b\[31m.example refused with 421 4.3.2: 4 open (milter_max_connections); 1 refused' \
    "$PF_DIR/milter.log" || fail "log line"
kill -0 "$RF_MILTER_PID" || fail "milter died"
redflag_milter_stop TERM
[ "$RF_MILTER_RC" -eq 0 ] || fail "exit status $RF_MILTER_RC"
echo "milter_connections: ok"
