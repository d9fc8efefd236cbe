#!/bin/sh
# classifier_concurrent_redis.sh - classifying from a Redis token database
# while `redflag train` writes to it, with a real redis-server on
# loopback.  Training learns (or takes back) each message in one Lua
# script and a scan reads the message counts and its tokens' counts in one
# MULTI/EXEC, so every scan sees the database after a whole number of
# messages, never the message counts of one state with the token counts
# of another (docs/classifier.md, "Concurrent training and reading").
# 40 copies of a message, each adding the same counts to the classified
# message's tokens (tests/e2e/lib/clsstates.sh), are learned and taken
# back 6 times while scans classify in a loop: every probability must be
# that of k copies learned, for some k.
# run.sh: alone
set -u
REDFLAG=${REDFLAG:-build/redflag}
fail() { echo "classifier_concurrent_redis: $*" >&2; exit 1; }
command -v redis-server >/dev/null 2>&1 ||
	fail "redis-server is not installed (scripts/deps.sh)"
command -v python3 >/dev/null || { echo "skip: no python3" >&2; exit 77; }
. tests/redis.sh
. tests/e2e/lib/clsstates.sh
d=$(mktemp -d /tmp/redflag-clsconcr.XXXXXX)
trap 'redis_stop; rm -rf "$d"' EXIT INT TERM
redis_start "$d" || fail "cannot start redis-server"
R=redis://127.0.0.1:$redis_port/cc
gen="python3 tests/e2e/lib/clsmail.py"

$gen "$d/spam.mbox" spam 300 1 && $gen "$d/ham.mbox" ham 300 2 &&
    $gen "$d/mixed.mbox" mixed 1 10 || fail gen
states_setup "$d" 40
"$REDFLAG" train --classifier "$R" --spam "$d/spam.mbox" --ham "$d/ham.mbox" \
    > /dev/null || fail "train"
states_ref "$R" "$d"
# Whether a scan lands mid-run is timing: 20 scans can all land on the
# two end states (s22's ci36, an s23 helper's run, s23's ci44).  Race
# again, up to RACES_MAX times, until one scan saw a state between 0 and
# K; every race checks every scan.
RACES_MAX=8
races=0
STATES_MID=0
while [ "$STATES_MID" -lt 1 ] && [ $races -lt $RACES_MAX ]; do
	states_race "$R" "$d" 6 || exit 1
	races=$((races + 1))
done
[ "$STATES_MID" -ge 1 ] ||
	fail "in $races races no scan saw a state between 0 and K: inconclusive"
[ "$(redis-cli -p "$redis_port" hget cc:cls:n ham)" = 300 ] ||
	fail "learned ham after the runs: $(redis-cli -p "$redis_port" hget cc:cls:n ham)"
