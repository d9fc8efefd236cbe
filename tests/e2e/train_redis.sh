#!/bin/sh
# train_redis.sh - the classifier's Redis token database against a real
# redis-server: the unit tests of test_classifier_redis, then `redflag
# train` into Redis and into a SQLite file from the same messages gives
# the same counts, the same probabilities and reasons (train --classify
# and scan --classifier), the filter decides with `classifier =
# redis://...`, learning again changes nothing, --undo empties Redis, and
# a server that went away is an error (the filter tempfails); redflag
# complain learns into Redis too; a failure in the middle of a run says
# how many messages stay learned (or taken back), in words that read for
# 0, 1 and more.
set -u
bin=${REDFLAG:-build/redflag}
build=${BUILD:-build}
prog=$build/tests/test_classifier_redis
fail() { echo "train_redis: $*" >&2; exit 1; }

command -v redis-server >/dev/null 2>&1 ||
	fail "redis-server is not installed (scripts/deps.sh)"
[ -x "$prog" ] || fail "$prog not built"
. tests/redis.sh
. tests/e2e/lib/genmail.sh
tmp=$(mktemp -d)
trap 'redis_stop; rm -rf "$tmp"' EXIT INT TERM
redis_start "$tmp" || fail "cannot start redis-server"

REDIS_PORT=$redis_port "$prog" > "$tmp/unit.out" 2>&1 ||
	{ cat "$tmp/unit.out"; fail "test_classifier_redis"; }

genmail "$tmp/spam" spam 60 1
genmail "$tmp/ham" ham 60 2
genmail "$tmp/new/spam" spam 15 3
genmail "$tmp/new/ham" ham 15 4
R=redis://127.0.0.1:$redis_port/e2e
db=$tmp/tokens.db
rcli() { redis-cli -p "$redis_port" "$@"; }

for loc in "$R" "$db"; do
	"$bin" train --classifier "$loc" --spam "$tmp/spam" > "$tmp/out" ||
		fail "train --spam $loc"
	grep -q "learned 60 messages as spam; 0 unchanged" "$tmp/out" ||
		fail "$loc: $(cat "$tmp/out")"
	"$bin" train --classifier "$loc" --ham "$tmp/ham" > "$tmp/out" ||
		fail "train --ham $loc"
	grep -q "learned 60 messages as ham; 0 unchanged" "$tmp/out" ||
		fail "$loc: $(cat "$tmp/out")"
done
"$bin" train --db "$R" --show-settings > "$tmp/set.redis"
"$bin" train --db "$db" --show-settings > "$tmp/set.sqlite"
grep -q "^backend=redis$" "$tmp/set.redis" || fail "backend redis"
grep -q "^backend=sqlite$" "$tmp/set.sqlite" || fail "backend sqlite"
grep -q "^learned_spam=60$" "$tmp/set.redis" || fail "learned_spam"
[ "$(grep learned_ "$tmp/set.redis")" = "$(grep learned_ "$tmp/set.sqlite")" ] ||
	fail "counts differ"
[ "$(rcli hget e2e:cls:n ham)" = 60 ] || fail "e2e:cls:n"
[ "$(rcli hlen e2e:cls:msg)" = 120 ] || fail "e2e:cls:msg"
[ "$(rcli hlen e2e:cls:spam)" = "$(sqlite3 "$db" 'SELECT count(*) FROM tokens WHERE spam > 0')" ] ||
	fail "spam tokens differ"

# the same verdicts, to the last digit, with the same reasons
"$bin" train --classifier "$R" --classify --reasons "$tmp/new" > "$tmp/cls.redis" 2>/dev/null ||
	fail "classify redis"
"$bin" train --classifier "$db" --classify --reasons "$tmp/new" > "$tmp/cls.sqlite" 2>/dev/null ||
	fail "classify sqlite"
cmp -s "$tmp/cls.redis" "$tmp/cls.sqlite" || {
	diff "$tmp/cls.redis" "$tmp/cls.sqlite" | head; fail "classify differs"; }
[ "$(wc -l < "$tmp/cls.redis")" -eq 30 ] || fail "30 lines"
[ "$(grep -c '/new/spam/.*	spam	' "$tmp/cls.redis")" -ge 12 ] ||
	{ cat "$tmp/cls.redis"; fail "new spam not spam"; }
[ "$(grep -c '/new/ham/.*	ham	' "$tmp/cls.redis")" -ge 12 ] ||
	{ cat "$tmp/cls.redis"; fail "new ham not ham"; }
scanp() {	# scanp LOC OUT: file and classifier p of every new message
	"$bin" scan --json --no-progress --classifier "$1" "$tmp/new" |
		sed -n 's/.*"source":"\([^"]*\)".*"classifier":{"p":\([0-9.e-]*\),.*/\1 \2/p' |
		sort > "$2"
}
scanp "$R" "$tmp/scan.redis"
scanp "$db" "$tmp/scan.sqlite"
[ "$(wc -l < "$tmp/scan.redis")" -eq 30 ] || { cat "$tmp/scan.redis"; fail "scan redis"; }
cmp -s "$tmp/scan.redis" "$tmp/scan.sqlite" || fail "scan --classifier differs"

# redflag.conf: classifier = redis://... for the filter (and the milter)
printf 'classifier = %s\n' "$R" > "$tmp/redflag.conf"
"$bin" filter -c "$tmp/redflag.conf" < "$tmp/new/spam/00001.eml" > "$tmp/f.out" ||
	fail "filter failed"
grep -qi "^X-Redflag-Verdict: spam" "$tmp/f.out" ||
	{ sed -n '1,12p' "$tmp/f.out" >&2; fail "filter: spam verdict"; }
"$bin" filter -c "$tmp/redflag.conf" < "$tmp/new/ham/00001.eml" > "$tmp/f.out" ||
	fail "filter failed"
grep -qi "^X-Redflag-Verdict: ham" "$tmp/f.out" || fail "filter: ham"

# again: nothing changes
"$bin" train --classifier "$R" --ham "$tmp/ham" > "$tmp/out"
grep -q "learned 0 messages as ham; 60 unchanged" "$tmp/out" ||
	fail "again: $(cat "$tmp/out")"

# --undo: Redis is empty again
"$bin" train --classifier "$R" --spam --undo "$tmp/spam" > "$tmp/out" ||
	fail "undo spam"
grep -q "took back 60 messages" "$tmp/out" || fail "undo: $(cat "$tmp/out")"
"$bin" train --classifier "$R" --ham --undo "$tmp/ham" "$tmp/new" > "$tmp/out" ||
	fail "undo ham"
grep -q "took back 60 messages as ham; 30 unchanged" "$tmp/out" ||
	fail "undo: $(cat "$tmp/out")"
for k in spam ham msg; do
	[ "$(rcli hlen "e2e:cls:$k")" = 0 ] || fail "e2e:cls:$k not empty"
done
[ "$(rcli hget e2e:cls:n spam)$(rcli hget e2e:cls:n ham)" = 00 ] ||
	fail "message counts not 0"

# train on error through both backends: thresholds that re-learn nearly
# everything; the same counts and verdicts, and undo empties Redis
R2=redis://127.0.0.1:$redis_port/e2e2
db2=$tmp/toe.db
for loc in "$R2" "$db2"; do
	"$bin" train --classifier "$loc" --set train_ham=0.0001 \
	    --set train_spam=0.9999 --set train_rounds=2 --spam "$tmp/spam" \
	    --ham "$tmp/ham" > "$tmp/out" || fail "train on error $loc"
	grep -Eq "re-learned (1 time|[2-9][0-9]* times|1[0-9]+ times) .* 2 rounds" "$tmp/out" ||
		fail "$loc: $(cat "$tmp/out")"
	"$bin" train --db "$loc" --show-settings | grep learned_ > "$tmp/toe.$(basename "$loc")"
done
cmp -s "$tmp/toe.e2e2" "$tmp/toe.toe.db" || fail "train on error: counts differ"
[ "$(sed -n 's/learned_spam=//p' "$tmp/toe.e2e2")" -gt 60 ] || fail "no repetition"
[ "$(rcli hlen e2e2:cls:times)" -gt 0 ] || fail "e2e2:cls:times empty"
"$bin" train --classifier "$R2" --classify "$tmp/new" > "$tmp/cls.redis" 2>/dev/null
"$bin" train --classifier "$db2" --classify "$tmp/new" > "$tmp/cls.sqlite" 2>/dev/null
cmp -s "$tmp/cls.redis" "$tmp/cls.sqlite" || fail "train on error: classify differs"
"$bin" train --classifier "$R2" --spam --undo "$tmp/spam" > /dev/null
"$bin" train --classifier "$R2" --ham --undo "$tmp/ham" > /dev/null
for k in spam ham msg times; do
	[ "$(rcli hlen "e2e2:cls:$k")" = 0 ] || fail "e2e2:cls:$k not empty"
done
[ "$(rcli hget e2e2:cls:n spam)$(rcli hget e2e2:cls:n ham)" = 00 ] ||
	fail "e2e2: message counts not 0"

# redflag complain learns into Redis; train --undo takes it back
"$bin" complain --db "$tmp/store.db" --classifier "$R" "$tmp/new/spam/00003.eml" \
    > "$tmp/out" || fail "complain"
grep -q "classifier: learned as spam$" "$tmp/out" || fail "complain: $(cat "$tmp/out")"
[ "$(rcli hget e2e:cls:n spam)" = 1 ] || fail "complaint not learned"
[ "$(rcli hlen e2e:cls:msg)" = 1 ] || fail "complaint not recorded"
"$bin" train --classifier "$R" --spam --undo "$tmp/new/spam/00003.eml" > "$tmp/out"
grep -q "took back 1 message as" "$tmp/out" || fail "undo complaint: $(cat "$tmp/out")"
[ "$(rcli hlen e2e:cls:spam)$(rcli hget e2e:cls:n spam)" = 00 ] ||
	fail "complaint not taken back"

# a failure at the last message: bad (message key -> "x" in cls:times, so
# the learning script's arithmetic fails on that message only) is learned
# as ham first, then the run learns K others as spam and fails at bad
# (undo: takes back K and fails at bad); stderr's last line says what
# stays
genmail "$tmp/few" spam 4 5
bad=$tmp/few/00004.eml
fails_after() {	# PREFIX K WANT [--undo]
	rcli del "$1:cls:spam" "$1:cls:ham" "$1:cls:n" "$1:cls:msg" \
	    "$1:cls:times" > /dev/null
	set -- "$@" "$tmp"/few/0000[1-9].eml
	"$bin" train --classifier "redis://127.0.0.1:$redis_port/$1" --ham \
	    "$bad" > /dev/null || fail "$1: learn bad"
	rcli hset "$1:cls:times" "$(rcli hkeys "$1:cls:msg")" x > /dev/null
	_p=$1 _k=$2 _want=$3 _undo=
	shift 3
	if [ "${1:-}" = --undo ]; then
		_undo=--undo
		shift
		[ "$_k" -eq 0 ] || "$bin" train --classifier "redis://127.0.0.1:$redis_port/$_p" \
		    --ham $(printf '%s\n' "$@" | head -n "$_k") > /dev/null ||
			fail "$_p: learn before undo"
	fi
	# shellcheck disable=SC2046,SC2086
	"$bin" train --classifier "redis://127.0.0.1:$redis_port/$_p" $_undo \
	    --spam $(printf '%s\n' "$@" | head -n "$_k") "$bad" > /dev/null \
	    2> "$tmp/err" && fail "$_p: the run did not fail"
	[ "$(tail -n 1 "$tmp/err")" = "redflag: train: $_want" ] ||
		fail "$_p: want 'redflag: train: $_want': $(cat "$tmp/err")"
}
fails_after f0 0 "no message was learned before the failure"
fails_after f1 1 "1 message learned before the failure stays learned"
fails_after f3 3 "3 messages learned before the failure stay learned"
fails_after u1 1 "1 message taken back before the failure stays taken back" \
    --undo
fails_after u2 2 "2 messages taken back before the failure stay taken back" \
    --undo
fails_after u0 0 "no message was taken back before the failure" --undo

# the server went away: an error naming redis, not a crash
redis_stop
if "$bin" train --classifier "$R" --spam "$tmp/new/spam" 2> "$tmp/err" > /dev/null; then
	fail "training with redis down succeeded"
fi
grep -q redis "$tmp/err" || fail "no error message: $(cat "$tmp/err")"
# the filter loses no mail: it tempfails (on_error), the MTA keeps it
"$bin" filter -c "$tmp/redflag.conf" < "$tmp/new/ham/00002.eml" \
    > /dev/null 2> "$tmp/err"
[ $? -eq 75 ] || fail "filter with redis down: not EX_TEMPFAIL"
grep -q "classifier: redis" "$tmp/err" || fail "filter: $(cat "$tmp/err")"
echo "train_redis: ok"
