#!/bin/sh
# scan_dry_run.sh - `redflag scan --dry-run --db STORE` judges a message
# as the milter would judge it next, against the production store, and
# writes nothing to it: an operator checking one mail with
# `scan -c /etc/redflag/redflag.conf --dry-run` no longer adds a copy to
# the campaigns the milter counts (until s38, scan -c added every mail
# it read).
#
# The sample's appeal went to 5 recipients: the first 4 copies are
# scanned into a store; a dry run of the 5th reports the campaign as it
# will be with that copy (5 recipients, 5 copies) and leaves the store's
# dump byte for byte as it was; the real scan of the 5th then gives the
# same verdict, score and campaign.  A dry run of a store that is not
# there is refused (69) and makes no file.  A dry run beside another
# process's write lock answers at once.
set -u
build=${BUILD:-build}
rf=${REDFLAG:-$build/redflag}
mbox=samples/sample.mbox
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: scan_dry_run: $*"; exit 1; }

# the sample's messages one file each (its From_ lines start them)
awk -v d="$tmp" '/^From /{ n++ } { print > (d "/m" n ".eml") }' "$mbox"
[ -s "$tmp/m5.eml" ] && [ -s "$tmp/m6.eml" ] || fail "splitting the sample"

db=$tmp/store.db
"$rf" scan --json --no-progress --db "$db" "$tmp/m1.eml" "$tmp/m2.eml" \
	"$tmp/m3.eml" "$tmp/m4.eml" >"$tmp/first.json" ||
	fail "scan of copies 1 to 4"
id=$(tail -n 1 "$tmp/first.json" | python3 -c 'import json, sys
print(json.loads(sys.stdin.read())["campaign"]["id"])') || fail "campaign id"
sqlite3 "$db" .dump >"$tmp/before" || fail "dump"
grep -q 'INSERT' "$tmp/before" || fail "an empty store"

# view: verdict, score and campaign of a --json report
view() {
	python3 -c 'import json, sys
r = json.loads(sys.stdin.readline())
c = r["campaign"] or {}
print(r["verdict"], r["score"], c.get("id"), c.get("size"), c.get("copies"))'
}

"$rf" scan --json --no-progress --dry-run --db "$db" "$tmp/m5.eml" \
	>"$tmp/dry.json" || fail "dry run"
dry=$(view <"$tmp/dry.json")
case $dry in
"spam "*" $id 5 5") ;;
*) fail "dry run reported: $dry (want spam, campaign $id of 5 recipients, 5 copies)" ;;
esac
sqlite3 "$db" .dump >"$tmp/after" || fail "dump after"
cmp -s "$tmp/before" "$tmp/after" || {
	diff "$tmp/before" "$tmp/after" | head -n 5
	fail "the dry run wrote to the store"
}
# a second dry run sees the same store: the same report
"$rf" scan --json --no-progress --dry-run --db "$db" "$tmp/m5.eml" |
	cmp -s - "$tmp/dry.json" || fail "a second dry run differs"

# a dry run takes no write lock: it answers at once while another
# process (the milter, a scan --db) holds the store's write lock (until
# the read-only open, its schema check waited for that lock)
mkfifo "$tmp/lock"
sqlite3 "$db" <"$tmp/lock" >/dev/null 2>&1 &
locker=$!
exec 3>"$tmp/lock"
printf 'BEGIN IMMEDIATE;\nSELECT 1;\n' >&3
sleep 1
start=$(date +%s)
"$rf" scan --json --no-progress --dry-run --db "$db" "$tmp/m5.eml" \
	>"$tmp/locked.json" 2>"$tmp/locked.err"
rc=$?
took=$(($(date +%s) - start))
printf 'ROLLBACK;\n' >&3
exec 3>&-
wait "$locker"
[ "$rc" -eq 0 ] && cmp -s "$tmp/locked.json" "$tmp/dry.json" ||
	fail "dry run beside a write lock: exit $rc, $(cat "$tmp/locked.err")"
[ "$took" -le 3 ] || fail "dry run beside a write lock took $took s"

# the real scan of the same copy agrees with its dry run
"$rf" scan --json --no-progress --db "$db" "$tmp/m5.eml" >"$tmp/real.json" ||
	fail "scan of copy 5"
real=$(view <"$tmp/real.json")
[ "$real" = "$dry" ] || fail "dry run: $dry; real scan: $real"
sqlite3 "$db" .dump | cmp -s - "$tmp/after" && fail "the real scan wrote nothing"

# a store that is not there: refused, nothing made
"$rf" scan --no-progress --dry-run --db "$tmp/typo.db" "$tmp/m6.eml" \
	>/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 69 ] || fail "missing store: exit $rc (want 69)"
grep -q "typo.db: cannot read it" "$tmp/err" || fail "missing store: $(cat "$tmp/err")"
[ ! -e "$tmp/typo.db" ] || fail "a dry run made a store"

# without a store (batch mode) there is nothing to write: accepted
"$rf" scan --no-progress --dry-run "$mbox" >"$tmp/batch.txt" ||
	fail "dry run without a store"
tail -n 1 "$tmp/batch.txt" | grep -q '^10 messages, 8 in campaigns' ||
	fail "batch dry run: $(tail -n 1 "$tmp/batch.txt")"
echo "scan_dry_run: a dry run judges as the real scan and writes nothing"
