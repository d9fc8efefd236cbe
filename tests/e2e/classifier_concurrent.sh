#!/bin/sh
# classifier_concurrent.sh - classifying from a SQLite token database
# while it is being trained.  `redflag train` commits in groups (1,000
# messages or 1 s each, one transaction each); classification only reads.
#  1. While another process holds the write lock for 12 s (as a long
#     training group could before groups), `redflag filter`, `redflag scan
#     --classifier`, `redflag train --classify` and a milter start all
#     classify at once (they neither wait for the lock nor fail: on the
#     base each waited 10 s and failed, the filter with 75).
#  2. Real runs: `redflag train` learns and takes back 40 copies of a
#     message, 4 times, while scans classify the message in a loop: every
#     scan succeeds and reports the probability of a whole state (k copies
#     learned, tests/e2e/lib/clsstates.sh), never a mix of the counts of
#     one state and the tokens of another.  The 40 copies are one write
#     group, so the states a scan can see are 0 and 40: this checks that
#     a reader never sees a group half written (its one read transaction);
#     the Redis test, where each copy is its own write, sees the states
#     between.
#  3. `redflag complain` during a long `redflag train` (20,000 messages):
#     it learns its message within 5 s while the train still runs (before
#     groups the train held the write lock for its whole run, and complain
#     waited 10 s and failed), and both end with every message counted.
# run.sh: alone
set -u
. tests/e2e/lib/postfix.sh
. tests/e2e/lib/sqlite.sh
. tests/e2e/lib/clsstates.sh
milter_test_begin clsconc 480
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; redflag_milter_stop KILL; pf_cleanup' EXIT
d=$PF_DIR
gen="python3 tests/e2e/lib/clsmail.py"
cls=$d/cls.db

$gen "$d/spam.mbox" spam 300 1 && $gen "$d/ham.mbox" ham 300 2 &&
    $gen "$d/t.mbox" spam 1 9 && $gen "$d/mixed.mbox" mixed 1 10 || fail gen
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
states_setup "$d" 40
states_ref "$cls" "$d"
states_race "$cls" "$d" 4 || exit 1

# 3. complain during a long train
$gen "$d/big.mbox" spam 20000 30 || fail gen
before=$("$REDFLAG" train --classifier "$cls" --show-settings | grep learned_spam)
"$REDFLAG" train --classifier "$cls" --set train_rounds=0 --spam "$d/big.mbox" \
    > "$d/big.out" 2>&1 &
holder=$!
sleep 1
kill -0 $holder 2>/dev/null || fail "the long train ended within 1 s: $(cat "$d/big.out")"
start=$(date +%s)
timeout 30 "$REDFLAG" complain --db "$d/store.db" --classifier "$cls" \
    "$d/mixed.eml" > "$d/c.out" 2> "$d/c.err"
st=$?
took=$(($(date +%s) - start))
[ $st -eq 0 ] || fail "complain during training: status $st: $(cat "$d/c.err")"
[ $took -le 5 ] || fail "complain waited ${took} s for the training run"
grep -q "learned as spam" "$d/c.out" || fail "complain: $(cat "$d/c.out")"
kill -0 $holder 2>/dev/null || fail "the train ended before complain (${took} s): inconclusive"
wait $holder || fail "the long train: $(cat "$d/big.out")"
holder=
grep -q "learned 20000 messages as spam; 0 unchanged" "$d/big.out" ||
	fail "long train: $(cat "$d/big.out")"
[ "$before" = learned_spam=300 ] || fail "before: $before"
after=$("$REDFLAG" train --classifier "$cls" --show-settings | grep learned_spam)
[ "$after" = learned_spam=20301 ] || fail "after the train and the complaint: $after"
echo "complain during a long train: learned in ${took} s; afterwards $after"
