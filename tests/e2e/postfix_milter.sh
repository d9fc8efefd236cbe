#!/bin/sh
# postfix_milter.sh - the redflag milter behind a real Postfix (a private
# instance on 127.0.0.1, see lib/postfix.sh).  swaks sends a 50-copy
# campaign, one message per recipient, each with its own tracking codes:
# every copy is delivered once, with the verdict headers (a forged one
# removed) and without its recipient's codes.  Then the policy actions,
# each with its own configuration: reject (5xx with the configured text),
# tempfail (4xx), quarantine (hold queue), a size limit (tempfail, or
# accept unchanged, but for forged X-Redflag-* headers, with on_limit =
# accept).  The milter runs as nobody.
set -u
. tests/e2e/lib/postfix.sh
pf_test_begin 360
tool=tests/e2e/lib/mailtool.py

conf=$PF_DIR/redflag.conf
mkdir "$PF_DIR/db" && chown nobody "$PF_DIR/db"
db="db = $PF_DIR/db/campaigns.db"
printf 'user = nobody\naction = headers\n%s\n' "$db" > "$conf"
redflag_milter_start --config "$conf" || exit 1
[ "$(ps -o user= -p "$RF_MILTER_PID" | tr -d ' ')" = nobody ] ||
	fail "the milter did not drop to user nobody"

# 1. The campaign: 50 messages, each to one recipient.
python3 "$tool" campaign "$PF_DIR/msgs" 50 "$PF_DOMAIN" || fail "campaign"
for f in "$PF_DIR"/msgs/*.eml; do
	rcpt=$(sed -n 's/^To: <\(.*\)>\r*$/\1/p' "$f")
	timeout 30 swaks --server 127.0.0.1 --port "$PF_PORT_MX" \
	    --from news@shop.example --to "$rcpt" --data "@$f" \
	    >"$PF_DIR/swaks.log" 2>&1 || { cat "$PF_DIR/swaks.log" >&2;
	    fail "swaks to $rcpt"; }
done
pf_wait_delivered 50 60 || fail "only $(pf_delivered) of 50 delivered"
python3 "$tool" check "$PF_DIR/mail/box" 50 || fail "delivered copies"
[ "$(grep -c 'verdict=' "$PF_DIR/milter.log")" -eq 50 ] ||
	fail "the milter did not analyse 50 messages"
# The store counted the campaign: the last copy names it, itself counted
# (as scan --db counts it).
last=$(ls -t "$PF_DIR/mail/box/new" | head -1)
grep -q '^X-Redflag-Reasons: sent to 50 recipients' \
    "$PF_DIR/mail/box/new/$last" || fail "campaign not counted"
copies() { sqlite3 "$PF_DIR/db/campaigns.db" 'select sum(copies) from campaign'; }
[ "$(copies)" -eq 50 ] || fail "the store holds $(copies) copies, not 50"

# send_one ACTION-CONFIG...: restart the milter with these settings and
# send one message; swaks' transcript in $PF_DIR/one.log.
send_one() {
	redflag_milter_stop TERM
	[ "$RF_MILTER_RC" -eq 0 ] || fail "milter exit status $RF_MILTER_RC"
	printf '%s\n' "$@" > "$conf"
	redflag_milter_start --config "$conf" || fail "milter restart"
	timeout 30 swaks --server 127.0.0.1 --port "$PF_PORT_MX" \
	    --from news@shop.example --to one@"$PF_DOMAIN" \
	    --data "@$PF_DIR/msgs/msg-001.eml" >"$PF_DIR/one.log" 2>&1
}

# 2. reject: a 5xx with the configured text, nothing delivered.
send_one 'user = nobody' "$db" 'action = reject' \
    'reject_text = Refused by the example policy' &&
	fail "reject: swaks succeeded"
grep -q '<\*\* 550 5.7.1 Refused by the example policy (verdict ' \
    "$PF_DIR/one.log" || { cat "$PF_DIR/one.log" >&2; fail "reject text"; }

# 3. tempfail: a 4xx.
send_one 'user = nobody' "$db" 'action = tempfail' &&
	fail "tempfail: swaks succeeded"
grep -q '<\*\* 451 4.7.1 ' "$PF_DIR/one.log" || fail "tempfail reply"
[ "$(copies)" -eq 50 ] || fail "refused messages were counted: $(copies)"

# 4. quarantine: accepted, held in Postfix's hold queue.
send_one 'action = quarantine' || fail "quarantine: not accepted"
n=0
while [ "$(find "$PF_DIR/queue/hold" -type f | wc -l)" -lt 1 ]; do
	n=$((n + 1)); [ $n -lt 100 ] || fail "nothing in the hold queue"
	sleep 0.1
done

# 5. a limit hit: tempfail by default, or accept unchanged.
send_one 'max_message_size = 1k' && fail "size limit: swaks succeeded"
grep -q '<\*\* 451 4.3.0 ' "$PF_DIR/one.log" || fail "limit reply"
send_one 'max_message_size = 1k' 'on_limit = accept' ||
	fail "on_limit = accept: not accepted"
pf_wait_delivered 51 30 || fail "on_limit = accept: not delivered"
last=$PF_DIR/mail/box/new/$(ls -t "$PF_DIR/mail/box/new" | head -1)
# unchanged (its codes left) but for the forged X-Redflag-* headers
grep -q 'cjAwMUB0ZXN0LmV4YW1wbGU' "$last" ||
	fail "on_limit = accept changed the message"
grep -qi '^x-redflag-' "$last" &&
	fail "on_limit = accept: a forged X-Redflag-* header was delivered"
[ "$(pf_delivered)" -eq 51 ] || fail "$(pf_delivered) delivered, want 51"
echo "postfix_milter: 50-copy campaign and 5 policy cases passed"
