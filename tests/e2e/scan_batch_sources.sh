#!/bin/sh
# scan_batch_sources.sh - batch mode reports a message the same whether
# it came from a directory of messages, an mbox or standard input (pass
# two never reads a message again: it reads what pass one spooled): a
# generated set of campaigns with per-recipient link codes, whose copies
# are lined up with each other in pass two.  Labels and sizes aside (an
# mbox message ends with the blank line before the next From_ line, and a
# newline is added where a file's last line had none), the reports must
# be identical; the campaign line-up must have found codes
# that vary from copy to copy; and a second run gives the same bytes.
# An input that cannot be read, given first, changes no other report; the
# text summary counts the links that identify the recipient in every
# message (as many as the JSON reports mark "tracking": true).
set -u
: "${REDFLAG:=build/redflag}"
command -v python3 >/dev/null 2>&1 || { echo "python3 missing" >&2; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

python3 tools/gencampaigns.py --tracking --seed 5 --scale 0.05 "$dir/set" \
    > /dev/null 2> "$dir/gen.err" || { cat "$dir/gen.err" >&2; fail "gen"; }
"$REDFLAG" scan --json --no-progress "$dir/set/mail" > "$dir/files.jsonl" ||
	fail "scan of the directory"
"$REDFLAG" scan --json --no-progress "$dir/set/mail" > "$dir/again.jsonl" ||
	fail "second scan"
cmp -s "$dir/files.jsonl" "$dir/again.jsonl" || fail "two runs differ"

# the same messages, in the same (sorted) order, as an mboxrd
for f in $(ls "$dir/set/mail" | LC_ALL=C sort); do
	echo "From sender@example.test Mon Jan  1 00:00:00 2024"
	sed 's/^\(>*From \)/>\1/' "$dir/set/mail/$f"
	[ -z "$(tail -c 1 "$dir/set/mail/$f")" ] || echo	# last line ended
	echo
done > "$dir/all.mbox"
"$REDFLAG" scan --json --no-progress "$dir/all.mbox" > "$dir/mbox.jsonl" ||
	fail "scan of the mbox"
"$REDFLAG" scan --json --no-progress < "$dir/all.mbox" > "$dir/stdin.jsonl" ||
	fail "scan of standard input"

python3 - "$dir/files.jsonl" "$dir/mbox.jsonl" "$dir/stdin.jsonl" <<'PY' ||
import json, sys

def load(path):
    out = []
    for line in open(path):
        r = json.loads(line)
        r.pop("source")
        r.pop("size")
        out.append(r)
    return out

files, mbox, stdin = (load(p) for p in sys.argv[1:4])
assert len(files) == len(mbox) == len(stdin) > 100, (len(files), len(mbox))
for a, b, c in zip(files, mbox, stdin):
    assert a == b == c, (a.get("message_id"), a, b)
copies = [r for r in files if r["campaign"] and r["campaign"]["size"] >= 2]
varying = [r for r in copies if "varies-in-campaign" in json.dumps(r["links"])]
assert len(copies) > 50 and len(varying) > 20, (len(copies), len(varying))
PY
	fail "reports differ between the file, mbox and stdin paths"

# an unreadable input first: its error report, then the same reports
"$REDFLAG" scan --json --no-progress "$dir/none" "$dir/set/mail" \
    > "$dir/err.jsonl" && fail "an unreadable input must exit non-zero"
head -n 1 "$dir/err.jsonl" | grep -q '"error"' || fail "no error report"
tail -n +2 "$dir/err.jsonl" | cmp -s - "$dir/files.jsonl" ||
	fail "an unreadable input changed the other reports"

# the text summary counts every message's identifying links
"$REDFLAG" scan --no-progress "$dir/set/mail" > "$dir/files.txt" ||
	fail "text scan"
n=$(grep -o '"tracking":true' "$dir/files.jsonl" | wc -l)
tail -n 1 "$dir/files.txt" | grep -q " links, $n identify the recipient," ||
	fail "summary: expected $n identifying links: $(tail -n 1 "$dir/files.txt")"
[ "$n" -gt 100 ] || fail "too few identifying links ($n)"
exit 0
