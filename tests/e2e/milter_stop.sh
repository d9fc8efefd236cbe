#!/bin/sh
# milter_stop.sh - the milter stops at once on SIGTERM, SIGHUP and SIGINT
# when nothing is in flight (libmilter alone waits up to 5 s, MI_CHK_TIME,
# for its listener's select(): 5.0 s measured after a connection), still
# finishes a message in flight first, ignores a SIGUSR1 from another
# process, and as a user other than root removes its unix socket, as
# libmilter does.  docs/mailservers.md, "Stopping and restarting".
set -u
. tests/e2e/lib/postfix.sh
milter_test_begin stop 120
client="timeout 30 python3 tests/e2e/lib/milterclient.py"
STOP_MAX_MS=1500	# "at once", with room for a loaded machine

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# stopped_within PID MS: 0 when PID is gone within MS milliseconds.
stopped_within() {
	_end=$(($(now_ms) + $2))
	while kill -0 "$1" 2>/dev/null; do
		[ "$(now_ms)" -lt "$_end" ] || return 1
		sleep 0.02
	done
}

for sig in TERM HUP INT; do
	redflag_milter_start || exit 1
	# a connection just served: libmilter's select() starts again, so
	# without the prompt stop the exit would take the whole 5 s
	$client "$RF_MILTER_PORT" transaction > "$PF_DIR/t" ||
	    fail "$sig: no transaction"
	grep -q '^h X-Redflag-Verdict: ' "$PF_DIR/t" || fail "$sig: no verdict"
	t0=$(now_ms)
	kill -"$sig" "$RF_MILTER_PID"
	stopped_within "$RF_MILTER_PID" 10000 || fail "$sig: still running"
	ms=$(($(now_ms) - t0))
	redflag_milter_stop
	echo "SIG$sig: stopped in $ms ms, status $RF_MILTER_RC"
	[ "$ms" -le $STOP_MAX_MS ] ||
	    fail "SIG$sig: $ms ms to stop with nothing in flight"
	[ "$RF_MILTER_RC" -eq 0 ] || fail "SIG$sig: exit status $RF_MILTER_RC"
done
[ "$(grep -c 'stopping: finishing messages in flight' "$PF_DIR/milter.log")" \
    -eq 3 ] || fail "not three stops logged"

# SIGUSR1 from another process neither stops nor kills it.
redflag_milter_start || exit 1
kill -USR1 "$RF_MILTER_PID"
sleep 0.5
kill -0 "$RF_MILTER_PID" 2>/dev/null || fail "SIGUSR1 stopped the milter"
$client "$RF_MILTER_PORT" transaction > "$PF_DIR/t" ||
    fail "no transaction after SIGUSR1"
redflag_milter_stop
[ "$RF_MILTER_RC" -eq 0 ] || fail "exit status $RF_MILTER_RC after SIGUSR1"

# A message in flight at SIGTERM is finished and its reply reaches the
# client (libmilter's workers stop serving a connection once smfi_stop is
# called, so the milter calls it no more; libmilter writes the reply after
# the end-of-message callback, hence REPLY_GRACE_MS), one that starts then
# is answered 421, and the milter exits 0.  Three times: the reply was
# lost once in 20 runs without the grace.
for run in 1 2 3; do
	redflag_milter_start || exit 1
	python3 - "$RF_MILTER_PORT" "$RF_MILTER_PID" <<'PY' || fail "in flight ($run)"
import os, sys, time
sys.path.insert(0, "tests/e2e/lib")
import milterclient as mc
port, pid = int(sys.argv[1]), int(sys.argv[2])
s = mc.connect(port)
mc.hello(s)
mc.step(s, b"R", b"<r1@test.example>\x00")
os.kill(pid, 15)
time.sleep(0.3)
os.kill(pid, 0)             # still there: draining
s2 = mc.connect(port)       # a message that starts now: 421, try later
mc.negotiate(s2)
mc.step(s2, b"C", b"client.example\x00U")
s2.sendall(mc.packet(b"M", b"<late@shop.example>\x00"))
r, d = mc.reply(s2)
assert r == b"y" and d.startswith(b"421 4.3.2"), (r, d)
s2.close()
mc.step(s, b"L", b"Subject\x00in flight\x00")
mc.step(s, b"N", b"")
mc.step(s, b"B", b"Hello\r\n")
s.sendall(mc.packet(b"E"))
while True:
    r, d = mc.reply(s)
    if r not in (b"h", b"m", b"b", b"q"):
        break
assert r in (b"a", b"c"), (r, d)
print("in flight: finished with %r" % r)
PY
	stopped_within "$RF_MILTER_PID" 5000 ||
	    fail "not stopped after the drain"
	redflag_milter_stop
	[ "$RF_MILTER_RC" -eq 0 ] ||
	    fail "exit status $RF_MILTER_RC after the drain"
done

# As another user than root, the unix socket is removed at the stop.
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$PF_DIR"
	mkdir "$PF_DIR/sock"
	chown nobody "$PF_DIR/sock"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$REDFLAG" \
	    milter --socket "unix:$PF_DIR/sock/m.sock" \
	    --set "db=$PF_DIR/sock/db" >>"$PF_DIR/milter.log" 2>&1 &
	pid=$!
	n=0
	while [ ! -S "$PF_DIR/sock/m.sock" ] && [ $n -lt 200 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	[ -S "$PF_DIR/sock/m.sock" ] || fail "no unix socket"
	kill -TERM $pid
	stopped_within $pid 5000 || fail "unix: still running"
	wait $pid || fail "unix: exit status $?"
	[ ! -e "$PF_DIR/sock/m.sock" ] || fail "the unix socket was left"
	echo "unix socket as nobody: removed"
fi
echo "milter_stop: ok"
