#!/bin/sh
# milter_redis_auth.sh - the milter with a Redis store that asks for a
# password (requirepass), given by redis_password_file in redflag.conf:
# the file is read before the milter chroots and drops privileges (as
# root: a 0600 root file outside an empty chroot, the milter running as
# nobody), messages are filtered; once the server's password changes,
# every message is tempfailed (451 4.3.0), never dropped, and the log
# says the server refused the password.  Without a password the milter
# does not start (69, NOAUTH said).  The password shows in neither the
# milter's log nor its command line nor its environment.
set -u
. tests/e2e/lib/postfix.sh
. tests/redis.sh
command -v redis-server >/dev/null ||
	{ echo "skip: redis-server missing (scripts/deps.sh)" >&2; exit 77; }
redis_pid=
milter_test_begin mauth 240
trap 'redis_stop; pf_cleanup' EXIT
client="timeout 30 python3 tests/e2e/lib/milterclient.py"

pw="milter secret $$ %s"
printf '%s\n' "$pw" > "$PF_DIR/pw"
chmod 600 "$PF_DIR/pw"
redis_start "$PF_DIR" --requirepass "$pw" || fail "redis-server did not start"
port=$redis_port

cat > "$PF_DIR/redflag.conf" <<EOF
db = redis://127.0.0.1:$port
redis_password_file = $PF_DIR/pw
EOF
# no password: the milter does not start, and says why
timeout 30 "$REDFLAG" milter --socket "inet:$RF_MILTER_PORT@127.0.0.1" \
    --set "db=redis://127.0.0.1:$port" > "$PF_DIR/none.log" 2>&1
rc=$?
[ $rc -eq 69 ] || fail "no password: exit $rc, not 69: $(cat "$PF_DIR/none.log")"
grep -q "asks for a password (NOAUTH)" "$PF_DIR/none.log" ||
	fail "no password: $(cat "$PF_DIR/none.log")"

opts=
if [ "$(id -u)" -eq 0 ]; then
	mkdir "$PF_DIR/root"
	opts="--user nobody --chroot $PF_DIR/root"
fi
# shellcheck disable=SC2086
redflag_milter_start -c "$PF_DIR/redflag.conf" $opts || exit 1
for f in cmdline environ; do
	tr '\0' '\n' < "/proc/$RF_MILTER_PID/$f" | grep -qF "$pw" &&
		fail "the password in /proc/PID/$f"
done
$client "$RF_MILTER_PORT" transaction > "$PF_DIR/ok" || fail "transaction"
grep -q '^h X-Redflag-Verdict: ' "$PF_DIR/ok" || fail "no verdict header"
tail -n 1 "$PF_DIR/ok" | grep -q '^c' || fail "not accepted: $(tail -n 1 "$PF_DIR/ok")"
[ "$(redis-cli -p "$port" --no-auth-warning -a "$pw" zcard rf:z)" = 1 ] ||
	fail "the copy was not counted"

# the password changes and the milter's connection breaks: the next
# connect is refused; every message is tempfailed (the one whose
# connection broke included)
redis-cli -p "$port" --no-auth-warning -a "$pw" config set requirepass \
    "other $$" > /dev/null || fail "config set"
redis-cli -p "$port" --no-auth-warning -a "other $$" client kill type normal \
    > /dev/null
for n in 1 2; do
	$client "$RF_MILTER_PORT" transaction > "$PF_DIR/wrong$n" ||
		fail "no answer with a wrong password"
	grep -q '^h ' "$PF_DIR/wrong$n" && fail "headers added although the store failed"
	tail -n 1 "$PF_DIR/wrong$n" | grep -q '^y 451 4.3.0 ' ||
		fail "wrong password: $(tail -n 1 "$PF_DIR/wrong$n"), not 451 4.3.0"
done
kill -0 "$RF_MILTER_PID" 2>/dev/null || fail "milter died"
grep -q "authentication refused (WRONGPASS" "$PF_DIR/milter.log" ||
	fail "the log does not say the password was refused"
redflag_milter_stop TERM
[ "$RF_MILTER_RC" -eq 0 ] || fail "exit status $RF_MILTER_RC"
grep -qF "$pw" "$PF_DIR/milter.log" "$PF_DIR/none.log" &&
	fail "the password in the milter's log"
echo "milter_redis_auth: the password read before chroot; tempfail when refused"
