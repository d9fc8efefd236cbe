#!/bin/sh
# campaigns.sh - redflag campaigns on a real SQLite store filled through
# the library (test_store fill): order, escaping, JSON, --limit, errors;
# and one filled by scan --db from the bundled sample: --min-size.
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
o = json.load(open(sys.argv[1]))
assert list(o) == ["schema", "min_size", "below_min_size", "campaigns"], o
assert o["schema"] == 2, o
assert o["min_size"] == 2 and o["below_min_size"] == 0, o
v = o["campaigns"]
assert [c["id"] for c in v] == sys.argv[2:4], v
assert v[0]["size"] == 30 and v[0]["copies"] == 30 and v[1]["size"] == 20
assert v[1]["subject"] == 'Evil \x1b[31m"quoted"\n\ufffd subject', v[1]
PY

"$rf" campaigns --db "$tmp/c.db" --limit 0 | grep -q "Caf" || fail "limit 0"
"$rf" campaigns --db "$tmp/c.db" --limit x 2>/dev/null && fail "bad limit"
[ $? -eq 64 ] || fail "bad limit exit status"
# --min-size: the sample's two single messages (size 1) are left out by
# default and counted once at the end; --min-size 1 lists every entry
"$rf" scan --no-progress --db "$tmp/s.db" samples/sample.mbox >/dev/null ||
	fail "scan --db"
"$rf" campaigns --db "$tmp/s.db" > "$tmp/table" || fail "min-size default"
awk 'NR > 1 && NR < 4 {print $2}' "$tmp/table" | tr '\n' ' ' |
	grep -qx "5 3 " || fail "campaigns of 2 or more, largest first"
[ "$(wc -l < "$tmp/table")" -eq 4 ] || fail "want header + 2 rows + note"
[ "$(tail -n 1 "$tmp/table")" = \
    "(2 single messages not shown; --min-size 1 lists them)" ] ||
	fail "the note on single messages"
if grep -q "Dinner on Friday" "$tmp/table"; then fail "single listed"; fi
"$rf" campaigns --db "$tmp/s.db" --min-size 1 > "$tmp/table" || fail "all"
[ "$(wc -l < "$tmp/table")" -eq 5 ] || fail "want header + 4 rows"
tail -n 1 "$tmp/table" | grep -q "Dinner on Friday" || fail "single last"
"$rf" campaigns --db "$tmp/s.db" --min-size=4 > "$tmp/table" || fail "4"
[ "$(tail -n 1 "$tmp/table")" = "(3 campaigns of fewer than 4 recipients \
not shown; --min-size 1 lists them)" ] || fail "the note on smaller ones"
"$rf" campaigns --db "$tmp/s.db" --min-size 4 --limit 0 --json > "$tmp/json" ||
	fail "json min-size"
python3 - "$tmp/json" <<'PY' || fail "json min-size content"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["schema"] == 2 and o["min_size"] == 4 and o["below_min_size"] == 3, o
assert [c["size"] for c in o["campaigns"]] == [5], o
PY
for v in 0 -1 x 1000000001; do
	"$rf" campaigns --db "$tmp/s.db" --min-size "$v" 2>/dev/null &&
		fail "--min-size $v"
	[ $? -eq 64 ] || fail "--min-size $v exit status"
done

"$rf" campaigns --db "$tmp/missing.db" 2> "$tmp/err" && fail "missing store"
grep -q "missing.db: cannot read it (redflag scan --db makes one)" "$tmp/err" ||
    fail "missing store message"
[ ! -e "$tmp/missing.db" ] || fail "listing created a store"
exit 0
