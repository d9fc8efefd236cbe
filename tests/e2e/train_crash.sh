#!/bin/sh
# train_crash.sh - the SQLite token database survives `redflag train`
# killed with SIGKILL in the middle of a run.  A run is one transaction
# (docs/classifier.md); with max_pending=1 every message is written into
# it and SQLite spills the pages into the WAL long before the commit.  The
# test kills the run once uncommitted frames are on disk, then checks
# that the file passes PRAGMA integrity_check, that its counts and tokens
# are exactly those of the last committed run (a whole number of runs,
# none of the killed one), and that training again works.
set -u
bin=${REDFLAG:-build/redflag}
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
fail() { echo "train_crash: $*" >&2; exit 1; }
. tests/e2e/lib/genmail.sh

db=$tmp/tokens.db
counts() { "$bin" train --classifier "$db" --show-settings | grep learned_ | tr '\n' ' '; }
dump() { sqlite3 "$db" 'SELECT * FROM meta ORDER BY k; SELECT * FROM tokens ORDER BY h; SELECT key, spam, hex(tokens) FROM learned ORDER BY key' | cksum; }

genmail "$tmp/a" spam 300 11
genmail "$tmp/h" ham 300 12
genmail "$tmp/b" spam 6000 13
"$bin" train --classifier "$db" --spam "$tmp/a" > /dev/null || fail "train a"
"$bin" train --classifier "$db" --ham "$tmp/h" > /dev/null || fail "train h"
[ ! -e "$db-wal" ] || [ ! -s "$db-wal" ] || fail "WAL left after a clean run"
[ "$(counts)" = "learned_spam=300 learned_ham=300 " ] || fail "trained: $(counts)"
before=$(dump)
cp "$db" "$tmp/committed.db"

killed=0
for try in 1 2 3; do
	"$bin" train --classifier "$db" --set max_pending=1 --spam "$tmp/b" \
	    > "$tmp/out" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		size=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
		if [ "$size" -gt 150000 ]; then
			kill -9 "$pid" && killed=1
			break
		fi
		sleep 0.01
	done
	wait "$pid" 2>/dev/null
	status=$?
	pid=
	[ $killed = 1 ] && break
	# the run ended before it could be killed (a fast machine): again
	echo "train_crash: try $try finished first, again" >&2
	rm -f "$db-wal" "$db-shm"
	cp "$tmp/committed.db" "$db"
done
[ $killed = 1 ] || fail "could not kill a run in the middle"
[ "$status" -eq 137 ] || fail "status $status, not SIGKILL"
grep -q learned "$tmp/out" && fail "the killed run committed: $(cat "$tmp/out")"
[ -s "$db-wal" ] || fail "no uncommitted frames on disk at the kill"

# recovery on first open: intact, exactly the committed state
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
[ "$(counts)" = "learned_spam=300 learned_ham=300 " ] || fail "after kill: $(counts)"
[ "$(dump)" = "$before" ] || fail "tokens changed by the killed run"

# training again works and counts every message once
"$bin" train --classifier "$db" --spam "$tmp/b" "$tmp/a" > "$tmp/out" ||
	fail "train again"
grep -q "learned 6000 messages as spam; 300 unchanged" "$tmp/out" ||
	fail "again: $(cat "$tmp/out")"
[ "$(counts)" = "learned_spam=6300 learned_ham=300 " ] || fail "final: $(counts)"
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || fail "final integrity_check"
echo "train_crash: ok (killed at try $try)"
