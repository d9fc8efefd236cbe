#!/bin/sh
# milter_fault.sh - no mail lost when the milter dies.  Messages enter a
# private Postfix on a port without milter and are relayed by Postfix's
# own smtp client to the port with smtpd_milters (milter_default_action =
# tempfail), so a milter failure leaves them deferred in the queue.
#  1. kill -9 the milter in the middle of a run: the rest is deferred;
#     once it is back and the queue flushed, every message arrives once.
#  2. SIGTERM during a run (graceful stop: messages in flight finish,
#     exit status 0); restart, flush: again every message exactly once.
set -u
. tests/e2e/lib/postfix.sh
pf_test_begin 480
tool=tests/e2e/lib/mailtool.py

db="$PF_DIR/campaigns.db"
redflag_milter_start --set "db=$db" || exit 1
python3 "$tool" campaign "$PF_DIR/msgs" 60 "$PF_DOMAIN" || fail "campaign"

# send FIRST LAST: messages FIRST..LAST into the queueing port.
send() {
	for i in $(seq "$1" "$2"); do
		f=$(printf '%s/msgs/msg-%03d.eml' "$PF_DIR" "$i")
		rcpt=$(sed -n 's/^To: <\(.*\)>\r*$/\1/p' "$f")
		timeout 30 swaks --server 127.0.0.1 --port "$PF_PORT_IN" \
		    --from news@shop.example --to "$rcpt" --data "@$f" \
		    >>"$PF_DIR/swaks.log" 2>&1 || echo "swaks failed: $i" >&2
	done
}

deferred() { grep -c 'status=deferred' "$PF_DIR/maillog"; }

# 1. kill -9 in the middle of a run.
send 1 40 &
sender=$!
pf_wait_delivered 10 60 || fail "the first messages did not arrive"
redflag_milter_stop KILL
wait "$sender"
n=0
while [ "$(pf_queue_count)" -eq 0 ] || [ "$(deferred)" -eq 0 ]; do
	n=$((n + 1)); [ $n -lt 300 ] || fail "nothing was deferred"
	sleep 0.1
done
before=$(pf_delivered)
[ "$before" -lt 40 ] || fail "all delivered although the milter was down"
echo "killed: $before delivered, $(pf_queue_count) queued, $(deferred) deferrals"
redflag_milter_start --set "db=$db" || fail "restart"
pf_flush_until 40 180 || fail "after the restart $(pf_delivered) of 40"

# 2. SIGTERM in the middle of a run: a graceful stop.
send 41 60 &
sender=$!
pf_wait_delivered 45 60 || fail "the second run did not start"
redflag_milter_stop TERM
[ "$RF_MILTER_RC" -eq 0 ] || fail "graceful stop: exit status $RF_MILTER_RC"
grep -q 'stopping: finishing messages in flight' "$PF_DIR/milter.log" ||
	fail "no graceful stop in the log"
wait "$sender"
redflag_milter_start --set "db=$db" || fail "second restart"
pf_flush_until 60 180 || fail "after the second restart $(pf_delivered) of 60"
sleep 2		# anything delivered twice would show up now
[ "$(pf_queue_count)" -eq 0 ] || fail "messages left in the queue"
python3 "$tool" check "$PF_DIR/mail/box" 60 || fail "delivered copies"
# Each message counted once in the store (the deferred tries were not).
n=$(sqlite3 "$db" 'select sum(copies) from campaign')
[ "$n" -eq 60 ] || fail "the store counted $n copies, not 60"
echo "milter_fault: 60 messages, each delivered exactly once"
