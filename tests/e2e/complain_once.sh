#!/bin/sh
# complain_once.sh - one recipient's complaint counts once per campaign
# and once per sender domain (docs/verdicts.md, "Complaints and ARF"):
#  1. `redflag complain` of one message twice by one recipient: the second
#     says "already counted: ...", exits 0, and counts nothing; another
#     recipient counts; another campaign of the same domain counts for
#     the campaign, not for the domain again;
#  2. `redflag arf ingest`: a report with one Original-Rcpt-To (redacted)
#     and one incident counts once, however often it is ingested; one
#     with Incidents: 3, or without Original-Rcpt-To, counts each time;
#  3. a store file made by 8aa92a8 (tests/data/complaints/store-v2.sql)
#     is upgraded in place by the first complaint;
#  4. the same as 1 in Redis;
#  5. two `redflag complain` of one message by one recipient at the same
#     time count once: in each of 12 rounds (a new recipient each) both
#     exit 0, the campaign's and the domain's count are each grown by
#     exactly one of them, and they end with one complaint per round;
#     in a SQLite file (one write transaction per count) and in Redis
#     (one script per count).
# On 8aa92a8 every repeat counted again (a round of 5 counted 2).
set -u
rf=${REDFLAG:-build/redflag}
tmp=$(mktemp -d)
trap 'redis_stop; rm -rf "$tmp"' EXIT INT TERM
fail() { echo "complain_once: $*" >&2; exit 1; }
. tests/redis.sh
msg=tests/data/complaints/sale.eml
id=a014b712fcd2280c

# complain DB ARGS... : its output in $tmp/o, status 0 or fail
complain() {
	_db=$1
	shift
	"$rf" complain --db "$_db" --no-learn "$@" > "$tmp/o" 2> "$tmp/e" ||
		fail "complain $*: status $?: $(cat "$tmp/e")"
}
expect() {	# expect TEXT: the last output is TEXT
	[ "$(cat "$tmp/o")" = "$1" ] || fail "got: $(cat "$tmp/o"); wanted: $1"
}

rounds=12

race() {	# race DB: the rounds of 5, then the totals checked (5.)
	"$rf" scan --db "$1" --no-progress "$msg" > /dev/null || fail "scan $1"
	k=0
	while [ $k -lt $rounds ]; do
		for p in a b; do
			"$rf" complain --db "$1" --no-learn --rcpt "u$k@example.org" \
			    "$msg" > "$tmp/$p.out" 2> "$tmp/$p.err" &
			eval "pid_$p=\$!"
		done
		# shellcheck disable=SC2154
		wait "$pid_a" || fail "round $k: a: status $?: $(cat "$tmp/a.err")"
		# shellcheck disable=SC2154
		wait "$pid_b" || fail "round $k: b: status $?: $(cat "$tmp/b.err")"
		# the campaign and the domain are two atomic steps: each is
		# counted by exactly one of the two, not always the same one
		# (seen under ASan: a counted the campaign, b the domain), and
		# both read the count after it, k + 1
		n=$((k + 1))
		cat "$tmp/a.out" "$tmp/b.out" > "$tmp/ab.out"
		[ "$(grep -c "^complaint recorded: campaign $id ($n complaints*);" "$tmp/ab.out")" = 1 ] &&
		    [ "$(grep -c "^complaint recorded: .*; shop.example: $n complaints*;" "$tmp/ab.out")" = 1 ] &&
		    [ "$(grep -c "campaign $id ($n complaints*[;)].*; shop.example: $n complaints*[ ;]" "$tmp/ab.out")" = 2 ] ||
			fail "round $k: $(cat "$tmp/ab.out")"
		k=$((k + 1))
	done
	"$rf" complain --db "$1" --no-learn --rcpt last@example.org "$msg" > "$tmp/o" ||
		fail "last complaint"
	grep -q "^complaint recorded: campaign $id ($((rounds + 1)) complaints); shop.example: $((rounds + 1)) complaints;" "$tmp/o" ||
		fail "after $rounds rounds of 2 at once: $(cat "$tmp/o")"
}

# the same checks for any store (1 and 4)
once() {	# once DB
	"$rf" scan --db "$1" --no-progress "$msg" > /dev/null || fail "scan $1"
	{ sed '/^$/q' "$msg"
	  echo "Our garden centre opens its doors again: seeds, bulbs,"
	  echo "young trees and tools for your spring planting, with free"
	  echo "advice from our gardeners every Saturday morning."; } > "$tmp/other.eml"
	"$rf" scan --db "$1" --no-progress "$tmp/other.eml" > /dev/null ||
		fail "scan other"
	complain "$1" "$msg"
	expect "complaint recorded: campaign $id (1 complaint); shop.example: 1 complaint; 0 consent records revoked"
	complain "$1" "$msg"
	expect "already counted: alice@example.org's complaint about campaign $id (1 complaint); shop.example: 1 complaint; 0 consent records revoked"
	complain "$1" --rcpt ALICE@example.org "$msg"
	expect "already counted: alice@example.org's complaint about campaign $id (1 complaint); shop.example: 1 complaint; 0 consent records revoked"
	complain "$1" --rcpt bob@example.org "$msg"
	expect "complaint recorded: campaign $id (2 complaints); shop.example: 2 complaints; 0 consent records revoked"
	complain "$1" "$tmp/other.eml"
	grep -q "^complaint recorded: campaign [0-9a-f]\{16\} (1 complaint); shop.example: 2 complaints (counted before for alice@example.org); 0 consent records revoked$" "$tmp/o" ||
		fail "another campaign of the domain: $(cat "$tmp/o")"
	grep -q "campaign $id" "$tmp/o" && fail "the other message is campaign $id"
	complain "$1" "$tmp/other.eml"
	grep -q "^already counted: alice@example.org's complaint about campaign [0-9a-f]\{16\} (1 complaint); shop.example: 2 complaints;" "$tmp/o" ||
		fail "the other campaign again: $(cat "$tmp/o")"
}

# 1. SQLite
db=$tmp/s.db
once "$db"
n=$("$rf" campaigns --db "$db" --min-size 1 | awk -v id=$id '$1 == id { print $4 }')
[ "$n" = 2 ] || fail "campaigns lists $n complaints for $id, 2 made"
echo "sqlite: repeats say 'already counted', exit 0, count nothing"
# a From domain the store does not take (over 320 bytes) counts nothing,
# and is no reason to say "recorded" on a repeat
{ printf 'From: news@%s.example\n' "$(printf '%0330d' 0 | tr 0 a)"
  sed 1d "$msg"; } > "$tmp/long.eml"
"$rf" scan --db "$tmp/long.db" --no-progress "$tmp/long.eml" > /dev/null ||
	fail "scan long"
complain "$tmp/long.db" "$tmp/long.eml"
grep -q "^complaint recorded: campaign $id (1 complaint); a*\.\.\.: 0 complaints;" "$tmp/o" ||
	fail "long domain: $(cat "$tmp/o")"
complain "$tmp/long.db" "$tmp/long.eml"
grep -q "^already counted: alice@example.org's complaint about campaign $id (1 complaint); a*\.\.\.: 0 complaints;" "$tmp/o" ||
	fail "long domain again: $(cat "$tmp/o")"

# 2. ARF: one recipient's report once; aggregates each time
printf 'arf_redact_key = e2e-secret\narf_from = fbl@rcpt.example\n' > "$tmp/redflag.conf"
"$rf" arf make -c "$tmp/redflag.conf" --to abuse@sender.example \
    --rcpt carol@example.org "$msg" \
	> "$tmp/r1.eml" || fail "arf make"
red=$(sed -n 's/^Original-Rcpt-To: \(.*\)\r$/\1/p' "$tmp/r1.eml")
[ -n "$red" ] && [ "${red#*@}" = example.org ] || fail "redacted: '$red'"
ingest() {	# ingest FILE: the output line after "FILE: "
	"$rf" arf ingest --db "$db" "$1" > "$tmp/o" 2> "$tmp/e" ||
		fail "ingest $1: status $?: $(cat "$tmp/e")"
	sed -i 's/^[^:]*: //' "$tmp/o"
}
ingest "$tmp/r1.eml"
expect "abuse, 1 incident: complaint recorded: campaign $id (3 complaints); shop.example: 3 complaints; 0 consent records revoked"
ingest "$tmp/r1.eml"
expect "abuse, 1 incident: already counted: $red's complaint about campaign $id (3 complaints); shop.example: 3 complaints; 0 consent records revoked"
# a report made again with the same key names the recipient the same way
"$rf" arf make -c "$tmp/redflag.conf" --to abuse@sender.example \
    --rcpt Carol@Example.org "$msg" \
	> "$tmp/r2.eml" || fail "arf make again"
ingest "$tmp/r2.eml"
grep -q "^abuse, 1 incident: already counted: " "$tmp/o" || fail "r2: $(cat "$tmp/o")"
sed 's/^Version: 1\r$/Version: 1\r\nIncidents: 3\r/' "$tmp/r1.eml" > "$tmp/r3.eml"
ingest "$tmp/r3.eml"
expect "abuse, 3 incidents: complaint recorded: campaign $id (6 complaints); shop.example: 6 complaints; 0 consent records revoked"
ingest "$tmp/r3.eml"
expect "abuse, 3 incidents: complaint recorded: campaign $id (9 complaints); shop.example: 9 complaints; 0 consent records revoked"
grep -v '^Original-Rcpt-To:' "$tmp/r1.eml" > "$tmp/r0.eml"
ingest "$tmp/r0.eml"
expect "abuse, 1 incident: complaint recorded: campaign $id (10 complaints); shop.example: 10 complaints; 0 consent records revoked"
ingest "$tmp/r0.eml"
expect "abuse, 1 incident: complaint recorded: campaign $id (11 complaints); shop.example: 11 complaints; 0 consent records revoked"
echo "arf: one recipient's report counted once; Incidents 3 and no Original-Rcpt-To each time"

# 3. a store made by 8aa92a8: campaign $id and shop.example with one
# complaint each (alice's, recorded without her id), her consent
old=$tmp/old.db
sqlite3 "$old" < tests/data/complaints/store-v2.sql || fail "load the old store"
[ "$(sqlite3 "$old" 'PRAGMA user_version')" = 2 ] || fail "old store version"
"$rf" campaigns --db "$old" --min-size 1 > /dev/null || fail "read-only listing of the old store"
[ "$(sqlite3 "$old" 'PRAGMA user_version')" = 2 ] || fail "a listing changed the old store"
# (her complaint before the upgrade has no recipient row: her next one
# counts, once, docs/verdicts.md)
complain "$old" "$msg"
expect "complaint recorded: campaign $id (2 complaints); shop.example: 2 complaints; 1 consent record revoked"
complain "$old" "$msg"
expect "already counted: alice@example.org's complaint about campaign $id (2 complaints); shop.example: 2 complaints; 0 consent records revoked"
[ "$(sqlite3 "$old" 'PRAGMA user_version')" = 3 ] || fail "old store not upgraded"
[ "$(sqlite3 "$old" 'SELECT count(*) FROM complainer')" = 1 ] || fail "complainer rows"
echo "a store of 8aa92a8: upgraded to version 3 in place, its counts kept"

# 4. Redis
command -v redis-server > /dev/null || fail "redis-server is not installed (scripts/deps.sh)"
redis_start "$tmp" || fail "cannot start redis-server"
once "redis://127.0.0.1:$redis_port/once"
[ "$(redis-cli -p "$redis_port" SMEMBERS "once:cr:$id" | wc -l)" = 2 ] ||
	fail "Redis: recipients of $id: $(redis-cli -p "$redis_port" SMEMBERS "once:cr:$id")"
redis-cli -p "$redis_port" --scan --pattern 'once:*' > "$tmp/keys"
grep -q '@' "$tmp/keys" && fail "an address in a Redis key: $(cat "$tmp/keys")"
redis-cli -p "$redis_port" SMEMBERS once:complainers:shop.example | grep -q '@' &&
	fail "an address stored in the clear"
echo "redis: the same; recipient ids, no address, in the sets"

# 5. at once
race "$tmp/c.db"
echo "sqlite: $rounds rounds of 2 complaints at once: $rounds counted"
race "redis://127.0.0.1:$redis_port/cc"
echo "redis: $rounds rounds of 2 complaints at once: $rounds counted"
echo "complain_once: ok"
