#!/bin/sh
# campaigns_generated.sh - campaign clustering against ground truth.
#
# Generates ~3,000 messages with tools/gencampaigns.py (fixed seed):
# personalised bulk campaigns of 2 to 600 copies with up to 30 % injected
# filler, group mail, mailing-list posts and one-to-one mail; clusters them
# with `redflag scan --json` (batch mode) and with `redflag cluster`; and
# checks for both pairwise precision >= 0.99, recall >= 0.98, and that no
# one-to-one message shares a cluster (tools/pairwise.py).
set -u
: "${REDFLAG:=build/redflag}"
command -v python3 >/dev/null 2>&1 || { echo "python3 missing" >&2; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

python3 tools/gencampaigns.py --seed 7 "$dir/set" || exit 1
"$REDFLAG" cluster "$dir/set/mail" > "$dir/clusters.tsv" || {
	echo "redflag cluster failed" >&2; exit 1; }
python3 tools/pairwise.py --min-precision 0.99 --min-recall 0.98 \
    "$dir/set/truth.tsv" "$dir/clusters.tsv" || exit 1

# Every message got a line, and an id is 16 hex digits or empty.
n=$(grep -c . "$dir/set/truth.tsv")
m=$(grep -c . "$dir/clusters.tsv")
[ "$m" -eq $((n - 1)) ] || { echo "expected $((n - 1)) lines, got $m" >&2; exit 1; }
if cut -f2 "$dir/clusters.tsv" | grep -qv '^[0-9a-f]\{16\}$\|^$'; then
	echo "malformed campaign id" >&2
	exit 1
fi

# The same set read in the reverse order gives the same ids.
sort "$dir/clusters.tsv" > "$dir/a"
mkdir "$dir/rev"
i=100000
for f in $(ls "$dir/set/mail" | sort -r); do
	i=$((i + 1))
	ln "$dir/set/mail/$f" "$dir/rev/$i-$f" 2>/dev/null ||
	    cp "$dir/set/mail/$f" "$dir/rev/$i-$f"
done
"$REDFLAG" cluster "$dir/rev" | sed 's|/rev/[0-9]*-|/set/mail/|' |
    sort > "$dir/b"
cmp -s "$dir/a" "$dir/b" || { echo "ids depend on the input order" >&2; exit 1; }

# redflag scan --json, batch mode: the same standard, every message
# reported.
"$REDFLAG" scan --json --no-progress "$dir/set/mail" > "$dir/scan.jsonl" 2>"$dir/scan.err" || {
	echo "redflag scan failed:" >&2; head -5 "$dir/scan.err" >&2; exit 1; }
m=$(grep -c '^{' "$dir/scan.jsonl")
[ "$m" -eq $((n - 1)) ] || { echo "scan: expected $((n - 1)) reports, got $m" >&2; exit 1; }
echo "checking redflag scan --json campaigns"
python3 tools/pairwise.py --min-precision 0.99 --min-recall 0.98 \
    "$dir/set/truth.tsv" "$dir/scan.jsonl" || exit 1
exit 0
