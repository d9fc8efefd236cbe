#!/bin/sh
# milter_store.sh - the milter with a Redis store that goes away: while
# Redis answers, messages are filtered; once it is gone, the milter
# answers tempfail (451 4.3.0), or passes the message unchanged with
# on_error = accept; never a crash, never a silent drop.  Once Redis is
# back the same milter filters again (its consent store stayed broken
# until the milter was restarted: every message tempfailed), and a Redis
# restarted between two messages costs no tempfail.
set -u
. tests/e2e/lib/postfix.sh
command -v redis-server >/dev/null || {
	echo "skip: redis-server missing (scripts/deps.sh)" >&2
	exit 77
}
redis_pid=
milter_test_begin mstore 240
trap '[ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null; pf_cleanup' EXIT
client="timeout 30 python3 tests/e2e/lib/milterclient.py"

port=$(pf_free_port)
redis_start() {
	redis-server --port "$port" --bind 127.0.0.1 --dir "$PF_DIR" \
	    --save '' --appendonly no --daemonize no \
	    --logfile "$PF_DIR/redis.log" &
	redis_pid=$!
	pf_wait_port "$port" 20 || fail "redis-server did not start"
}
redis_stop() { kill "$redis_pid"; wait "$redis_pid" 2>/dev/null; redis_pid=; }

redis_start

redflag_milter_start --set "db=redis://127.0.0.1:$port" || exit 1
$client "$RF_MILTER_PORT" transaction > "$PF_DIR/ok" || fail "transaction"
grep -q '^h X-Redflag-Verdict: ' "$PF_DIR/ok" || fail "no verdict header"
tail -n 1 "$PF_DIR/ok" | grep -q '^c' || fail "not accepted with the store up"

redis_stop
$client "$RF_MILTER_PORT" transaction > "$PF_DIR/down" ||
	fail "no answer with the store down"
grep -q '^h ' "$PF_DIR/down" && fail "headers added although the store failed"
tail -n 1 "$PF_DIR/down" | grep -q '^y 451 4.3.0 ' ||
	fail "store down: $(tail -n 1 "$PF_DIR/down"), not 451 4.3.0"
kill -0 "$RF_MILTER_PID" 2>/dev/null || fail "milter died"

# Redis back (empty): a connection that broke is made again at the next
# message; the one in flight when it broke may still be tempfailed.
redis_start
n=0
while :; do
	n=$((n + 1))
	$client "$RF_MILTER_PORT" transaction > "$PF_DIR/back" ||
		fail "no answer with the store back"
	tail -n 1 "$PF_DIR/back" | grep -q '^c' && break
	[ $n -lt 3 ] || fail "store back: still $(tail -n 1 "$PF_DIR/back")"
done
grep -q '^h X-Redflag-Verdict: ' "$PF_DIR/back" ||
	fail "store back: no verdict header"
# Redis restarted between two messages: the connections it closed are
# seen closed before the next command is sent, and made again, so the
# first message after the restart is filtered, not tempfailed (it was:
# "Server closed the connection", 451, once per restart).
redis_stop
redis_start
$client "$RF_MILTER_PORT" transaction > "$PF_DIR/restarted" ||
	fail "no answer after a restart"
tail -n 1 "$PF_DIR/restarted" | grep -q '^c' ||
	fail "first message after a Redis restart: $(tail -n 1 "$PF_DIR/restarted")"
redis_stop
redflag_milter_stop TERM

# on_error = accept: with the store gone after the start, the message
# passes unchanged, but for the sender's X-Redflag-* header (removed on
# every path that passes a message).
redis_start
redflag_milter_start --set "db=redis://127.0.0.1:$port" \
    --set on_error=accept || exit 1
redis_stop
$client "$RF_MILTER_PORT" transaction > "$PF_DIR/accept" ||
	fail "no answer with on_error = accept"
grep -q '^h ' "$PF_DIR/accept" && fail "on_error = accept changed the message"
grep -q '^m X-Redflag-Verdict\[1\]' "$PF_DIR/accept" ||
	fail "on_error = accept: the forged verdict header was not removed"
tail -n 1 "$PF_DIR/accept" | grep -q '^a' ||
	fail "on_error = accept: $(tail -n 1 "$PF_DIR/accept")"
redflag_milter_stop TERM
[ "$RF_MILTER_RC" -eq 0 ] || fail "exit status $RF_MILTER_RC"
echo "milter_store: tempfail, or accept unchanged, when the store fails"
