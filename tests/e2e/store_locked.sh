#!/bin/sh
# store_locked.sh - the milter and the pipe filter when the campaign
# store is locked or unavailable for longer than its timeout (2 s):
#  * SQLite: another process holds the write lock for 8 s;
#  * Redis: the server is stopped (SIGSTOP) for 4 s.
# Meanwhile the milter answers tempfail (451 4.3.0) and `redflag filter`
# exits 75 (EX_TEMPFAIL; what it wrote before counting failed is
# discarded by the wrapper, redflag-filter(1)): the MTA keeps the message
# and retries; never accepted uncounted, never rejected.  Afterwards both pass messages again, and the store counts
# exactly the copies that were accepted.
# run.sh: alone
set -u
. tests/e2e/lib/postfix.sh
. tests/e2e/lib/sqlite.sh
. tests/redis.sh
command -v python3 >/dev/null && command -v redis-server >/dev/null || {
	echo "skip: python3 or redis-server missing (scripts/deps.sh)" >&2
	exit 77
}
milter_test_begin locked 180
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; [ -n "${redis_pid:-}" ] && kill -CONT "$redis_pid" 2>/dev/null; redis_stop; pf_cleanup' EXIT
d=$PF_DIR
tool="python3 tests/e2e/lib/concmail.py"
copies() { "$REDFLAG" campaigns --db "$1" --limit 0 --min-size 1 | awk 'NR > 1 {n += $3} END {print n + 0}'; }
$tool mbox "$d/one.mbox" 1 1 || fail mbox
sed 1d "$d/one.mbox" > "$d/one.eml"

# expect_down WHAT STORE: a milter message and a filter run while the
# store cannot be written
expect_down() {
	$tool milter "$RF_MILTER_PORT" "$d/one.mbox" 1 > "$d/m.out" ||
		fail "$1: milter client"
	grep -q '^y 451 4.3.0 1$' "$d/m.out" ||
		fail "$1: the milter answered $(cat "$d/m.out"), not 451 4.3.0"
	timeout 30 "$REDFLAG" filter --set "db=$2" -r r00001@test.example \
	    < "$d/one.eml" > "$d/f.out" 2> "$d/f.err"
	rc=$?
	[ $rc -eq 75 ] || fail "$1: filter exit status $rc, not 75: $(cat "$d/f.err")"
	echo "$1: milter $(cat "$d/m.out" | cut -c1-11), filter 75: $(head -c 120 "$d/f.err")"
}
# expect_up WHAT STORE: both pass a message
expect_up() {
	$tool milter "$RF_MILTER_PORT" "$d/one.mbox" 1 > "$d/m.out" ||
		fail "$1: milter client"
	[ "$(cat "$d/m.out")" = "c 1" ] ||
		fail "$1: the milter answered $(cat "$d/m.out")"
	timeout 30 "$REDFLAG" filter --set "db=$2" -r r00001@test.example \
	    < "$d/one.eml" > "$d/f.out" 2> "$d/f.err" ||
		fail "$1: filter status $?: $(cat "$d/f.err")"
	grep -q '^X-Redflag-Verdict: ' "$d/f.out" || fail "$1: filter output"
}

# SQLite: a writer holds the lock for 8 s
db=$d/store.db
redflag_milter_start --set "db=$db" || fail "milter start"
expect_up "sqlite before" "$db"
sqlite_hold "$db" 8 "" "$d" || fail "the lock holder did not start"
expect_down "sqlite locked" "$db"
wait $holder; holder=
expect_up "sqlite after" "$db"
[ "$(copies "$db")" -eq 4 ] || fail "sqlite: $(copies "$db") copies counted, 4 accepted"
redflag_milter_stop KILL

# Redis: the server stopped for 4 s
redis_start "$d" || fail "cannot start redis-server"
db=redis://127.0.0.1:$redis_port/lk
redflag_milter_start --set "db=$db" || fail "milter start (redis)"
expect_up "redis before" "$db"
kill -STOP "$redis_pid"
expect_down "redis stopped" "$db"
kill -CONT "$redis_pid"
expect_up "redis after" "$db"
[ "$(copies "$db")" -eq 4 ] || fail "redis: $(copies "$db") copies counted, 4 accepted"
echo "store_locked: tempfail while locked or stopped, exact counts after"
