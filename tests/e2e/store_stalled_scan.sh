#!/bin/sh
# store_stalled_scan.sh - a `redflag scan --db` that waits for its input
# (standard input from a pipe that stalls in the middle of an mbox,
# after a first file) must not hold the SQLite store's write lock
# meanwhile: another scan and a milter writing to the same file during
# the stall succeed (no "database is locked" after the 2 s busy wait, no
# copy left uncounted), and once the stalled scan ends every copy of all
# three is counted: the counts equal those of a serial run.  Stream mode
# commits every STREAM_COMMIT_EVERY messages or STREAM_COMMIT_MS, and
# before reading standard input, which it reads whole before its first
# message (docs/store.md, "Concurrent writers").
# run.sh: alone
set -u
. tests/e2e/lib/postfix.sh
milter_test_begin stall 120
d=$PF_DIR
tool="python3 tests/e2e/lib/concmail.py"
counts() { "$REDFLAG" campaigns --db "$1" --limit 0 --min-size 1 | awk 'NR > 1 {print $1, $2, $3, $4}'; }

for k in 0 1 2 3; do $tool mbox "$d/p$k.mbox" $((k * 200)) 200 || fail mbox; done
db=$d/store.db
redflag_milter_start --set "db=$db" || fail "milter start"

# scan A: p0.mbox, then standard input, which stalls for 6 s in the
# middle of its mbox (after about 10 of its 200 messages)
{ head -c 4000 "$d/p1.mbox"; sleep 6; tail -c +4001 "$d/p1.mbox"; } |
    "$REDFLAG" scan --db "$db" --no-progress "$d/p0.mbox" - > /dev/null \
    2> "$d/a.err" &
a=$!
sleep 2		# A has done p0.mbox (200 messages) and waits for its input
"$REDFLAG" scan --db "$db" --no-progress "$d/p2.mbox" > /dev/null \
    2> "$d/b.err" || fail "scan B during A's stall: status $?: $(cat "$d/b.err")"
$tool milter "$RF_MILTER_PORT" "$d/p3.mbox" 4 > "$d/milter.out" ||
	fail "milter client"
[ "$(cat "$d/milter.out")" = "c 200" ] ||
	fail "milter during A's stall: $(cat "$d/milter.out")"
grep -q 'not counted' "$d/milter.log" &&
	fail "milter: $(grep -m1 'not counted' "$d/milter.log")"
wait $a || fail "scan A: status $?: $(cat "$d/a.err")"
[ -s "$d/a.err" ] && fail "scan A: $(cat "$d/a.err")"

for k in 0 1 2 3; do
	"$REDFLAG" scan --db "$d/serial.db" --no-progress "$d/p$k.mbox" \
	    > /dev/null || fail "serial scan"
done
[ "$(counts "$db")" = "$(counts "$d/serial.db")" ] ||
	fail "counts $(counts "$db"), serial $(counts "$d/serial.db")"
echo "store_stalled_scan: $(counts "$db") (id size copies complaints), as serial"
