#!/bin/sh
# classifier_concurrent.sh - classifying from a SQLite token database
# while it is being trained.  `redflag train` holds the database's write
# lock for its whole run (one transaction); classification only reads.
#  1. While another process holds the write lock for 12 s (as a long
#     `redflag train` does), `redflag filter`, `redflag scan --classifier`,
#     `redflag train --classify` and a milter start all classify at once
#     (they neither wait for the lock nor fail: on the base each waited
#     10 s and failed, the filter with 75).
#  2. Real runs: `redflag train` learns 3 batches while scans classify a
#     mixed message in a loop: every scan succeeds and reports the
#     probability of a whole state (before, or after one of the batches),
#     never a mix of the counts of one state and the tokens of another.
set -u
. tests/e2e/lib/postfix.sh
. tests/e2e/lib/sqlite.sh
milter_test_begin clsconc 90
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; pf_cleanup' EXIT
d=$PF_DIR
gen="python3 tests/e2e/lib/clsmail.py"
cls=$d/cls.db

$gen "$d/spam.mbox" spam 300 1 && $gen "$d/ham.mbox" ham 300 2 &&
    $gen "$d/t.mbox" spam 1 9 && $gen "$d/mixed.mbox" mixed 1 10 || fail gen
for k in 1 2 3; do $gen "$d/more$k.mbox" ham 400 $((20 + k)) || fail gen; done
sed 1d "$d/t.mbox" > "$d/t.eml"
sed 1d "$d/mixed.mbox" > "$d/mixed.eml"
"$REDFLAG" train --classifier "$cls" --spam "$d/spam.mbox" --ham "$d/ham.mbox" \
    > /dev/null || fail "train"

# 1. the write lock held for 12 s
sqlite_hold "$cls" 12 "UPDATE meta SET v = v WHERE k = 'nspam'" "$d" ||
    fail "the lock holder did not start"
start=$(date +%s)
timeout 30 "$REDFLAG" filter --set "classifier=$cls" -r you@test.example \
    < "$d/t.eml" > "$d/f.out" 2> "$d/f.err" ||
	fail "filter during training: status $?: $(cat "$d/f.err")"
grep -q '^X-Redflag-Reasons: the classifier gives 1.00' "$d/f.out" ||
	fail "filter did not classify: $(grep X-Redflag "$d/f.out")"
timeout 30 "$REDFLAG" scan --classifier "$cls" --json "$d/t.eml" \
    > "$d/s.out" 2> "$d/s.err" || fail "scan during training: $(cat "$d/s.err")"
grep -q '"classifier":{"p":1,' "$d/s.out" || fail "scan: $(head -c 300 "$d/s.out")"
timeout 30 "$REDFLAG" train --classifier "$cls" --classify "$d/t.eml" \
    > "$d/c.out" 2> "$d/c.err" || fail "train --classify: $(cat "$d/c.err")"
redflag_milter_start --set "classifier=$cls" || fail "milter start during training"
python3 tests/e2e/lib/concmail.py milter "$RF_MILTER_PORT" "$d/t.mbox" 1 \
    > "$d/m.out" || fail "milter client"
[ "$(cat "$d/m.out")" = "c 1" ] || fail "milter: $(cat "$d/m.out")"
redflag_milter_stop KILL
took=$(($(date +%s) - start))
kill -0 $holder 2>/dev/null || fail "the lock was released before the readers ended (${took} s)"
echo "during a 12 s write lock: filter, scan, train --classify, milter classified in ${took} s"
kill $holder; wait $holder 2>/dev/null; holder=

# 2. real training runs and readers at once
p() {	# p: the probability the scan gives the mixed message
	"$REDFLAG" scan --classifier "$cls" --json "$d/mixed.eml" 2>> "$d/p.err" |
	    sed -n 's/.*"classifier":{"p":\([0-9.e-]*\),.*/\1/p'
}
echo "$(p)" > "$d/states"
for k in 1 2 3; do
	"$REDFLAG" train --classifier "$cls" --ham "$d/more$k.mbox" > /dev/null ||
		fail "train state $k"
	echo "$(p)" >> "$d/states"
done
"$REDFLAG" train --classifier "$cls" --undo --ham "$d/more1.mbox" "$d/more2.mbox" "$d/more3.mbox" > /dev/null ||
	fail "undo"
[ "$(p)" = "$(head -n 1 "$d/states")" ] || fail "undo did not restore the state"
: > "$d/p.err"
{
	for k in 1 2 3; do
		"$REDFLAG" train --classifier "$cls" --ham "$d/more$k.mbox" \
		    > /dev/null 2>> "$d/train.err" || echo "train $k failed" >> "$d/train.err"
	done
	touch "$d/trained"
} &
tr=$!
: > "$d/seen"
n=0
while [ ! -f "$d/trained" ] || [ $n -lt 20 ]; do
	p >> "$d/seen"
	n=$((n + 1))
	[ $n -lt 2000 ] || break
done
wait $tr
[ -s "$d/train.err" ] && fail "training: $(cat "$d/train.err")"
[ -s "$d/p.err" ] && fail "a scan failed during training: $(head -n 3 "$d/p.err")"
[ "$(grep -c . "$d/seen")" -eq $n ] || fail "a scan gave no probability"
bad=$(sort -u "$d/seen" | grep -v -x -F -f "$d/states")
[ -z "$bad" ] || fail "a scan saw a half-written state: p = $bad (states: $(tr '\n' ' ' < "$d/states"))"
echo "$n scans during 3 training runs: every probability one of the states $(tr '\n' ' ' < "$d/states")"
