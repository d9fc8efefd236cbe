#!/bin/sh
# campaigns.sh - redflag campaigns on a real SQLite store filled through
# the library (test_store fill): order, escaping, JSON, --limit, errors.
set -u
build=${BUILD:-build}
rf=${REDFLAG:-$build/redflag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

"$build/tests/test_store" fill "$tmp/c.db" > "$tmp/ids" || fail "fill"
big=$(sed -n 1p "$tmp/ids")
evil=$(sed -n 2p "$tmp/ids")

"$rf" campaigns --db "$tmp/c.db" > "$tmp/table" || fail "table"
[ "$(wc -l < "$tmp/table")" -eq 4 ] || fail "want header + 3 rows"
sed -n 2p "$tmp/table" | grep -q "^$big  *30  *30 " || fail "largest first"
sed -n 2p "$tmp/table" | grep -q "2023-11-14T22:13:20Z  2023-11-16T03:13:20Z" ||
	fail "ISO 8601 times"
# the hostile subject is escaped: no escape byte, no raw newline
grep -q "$evil .*Evil \\\\x1b\[31m\"quoted\"\\\\x0a\\\\xff subject" "$tmp/table" ||
	fail "escaped subject"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/table"; then fail "raw ESC"; fi

REDFLAG_DB="$tmp/c.db" "$rf" campaigns --json --limit 2 > "$tmp/json" ||
	fail "json"
python3 - "$tmp/json" "$big" "$evil" <<'PY' || fail "json content"
import json, sys
v = json.load(open(sys.argv[1]))
assert [c["id"] for c in v] == sys.argv[2:4], v
assert v[0]["size"] == 30 and v[0]["copies"] == 30 and v[1]["size"] == 20
assert v[1]["subject"] == 'Evil \x1b[31m"quoted"\n\ufffd subject', v[1]
PY

"$rf" campaigns --db "$tmp/c.db" --limit 0 | grep -q "Caf" || fail "limit 0"
"$rf" campaigns --db "$tmp/c.db" --limit x 2>/dev/null && fail "bad limit"
[ $? -eq 64 ] || fail "bad limit exit status"
"$rf" campaigns --db "$tmp/missing.db" 2> "$tmp/err" && fail "missing store"
grep -q "cannot open" "$tmp/err" || fail "missing store message"
[ ! -e "$tmp/missing.db" ] || fail "listing created a store"
exit 0
