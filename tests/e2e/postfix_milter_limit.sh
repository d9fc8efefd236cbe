#!/bin/sh
# postfix_milter_limit.sh - milter_max_connections behind a real Postfix
# (lib/postfix.sh): with milter_max_connections=1 and that one connection
# held by a raw milter client, a message sent through the queueing
# listener meets 421 4.3.2 at the milter's connect (Postfix's smtpd answers
# 421 and hangs up), stays deferred in the queue (nothing delivered,
# nothing lost); once the held connection is
# gone, a queue flush delivers it, analysed by the milter.
set -u
. tests/e2e/lib/postfix.sh
pf_test_begin 300
HOLDER=
trap '[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null; pf_cleanup' EXIT

redflag_milter_start --set milter_max_connections=1 || exit 1
python3 - "$RF_MILTER_PORT" "$PF_DIR/held" <<'PY' &
import sys, time
sys.path.insert(0, "tests/e2e/lib")
import milterclient as mc
s = mc.connect(int(sys.argv[1]))
mc.negotiate(s)
mc.step(s, b"C", b"holder.example\x00U")
open(sys.argv[2], "w").close()
time.sleep(170)
PY
HOLDER=$!
n=0
while [ ! -f "$PF_DIR/held" ]; do
	n=$((n + 1)); [ $n -lt 100 ] || fail "the holder did not connect"
	sleep 0.1
done
timeout 30 swaks --server 127.0.0.1 --port "$PF_PORT_IN" \
    --from news@shop.example --to one@"$PF_DOMAIN" \
    --header "Subject: over the milter's limit" >"$PF_DIR/swaks.log" 2>&1 ||
	{ cat "$PF_DIR/swaks.log" >&2; fail "swaks"; }
n=0
while ! grep -q 'status=deferred.*: 421 ' "$PF_DIR/maillog" 2>/dev/null; do
	n=$((n + 1))
	[ $n -lt 300 ] || fail "the message was not deferred with 421 4.3.2"
	sleep 0.1
done
grep -q 'milter-reject: CONNECT from .*: 421 4.3.2 redflag: too many connections' \
    "$PF_DIR/maillog" || fail "Postfix did not pass on 421 4.3.2"
[ "$(pf_delivered)" -eq 0 ] || fail "delivered past the limit"
[ "$(pf_queue_count)" -eq 1 ] || fail "$(pf_queue_count) queued, not 1"
grep -q 'refused with 421 4.3.2: 1 open' "$PF_DIR/milter.log" ||
	fail "no log line of the refusal"
kill "$HOLDER"; wait "$HOLDER" 2>/dev/null; HOLDER=
pf_flush_until 1 60 || fail "not delivered once the held connection closed"
grep -q 'verdict=' "$PF_DIR/milter.log" || fail "delivered without the milter"
grep -q '^X-Redflag-Verdict: ' "$PF_DIR"/mail/box/new/* ||
	fail "no verdict header on the delivered copy"
echo "postfix_milter_limit: deferred with 421 4.3.2 at the limit, delivered after"
