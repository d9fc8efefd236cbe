#!/bin/sh
# demo.sh - `make demo` (scripts/demo.sh) shows a new user what redflag
# finds in the sample mailbox, and README.md's "What `make demo` shows"
# is what it prints: every line of the README's block (its "..." lines,
# indented or not, stand for lines left out) is a line of the demo's output, in order,
# and the summary, from its "== what redflag found" line to the total
# line, is the demo's end byte for byte: the campaigns found (2), the
# links that identify their recipient (18 of 23), each group of messages
# with its verdict and why, the phishing message's warning.
set -u
: "${REDFLAG:=build/redflag}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: demo: $*" >&2; exit 1; }

sh scripts/demo.sh "$REDFLAG" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "scripts/demo.sh failed"; }
[ ! -s "$tmp/err" ] || { cat "$tmp/err" >&2; fail "wrote to standard error"; }
# the README's block, without its "$ make demo" line
awk '/^## What `make demo` shows/ { s = 1 } s && /^```$/ { if (b) exit; b = 1; next }
	b && !/^\$ make demo$/' README.md >"$tmp/readme"
[ -s "$tmp/readme" ] || fail "no demo block in README.md"
# each line of the block in the output, in order ("..." skips lines)
awk 'NR == FNR { want[++n] = $0; next }
	{ while (i < n && want[i + 1] ~ /^ *\.\.\.$/) i++
	  if (i < n && $0 == want[i + 1]) i++ }
	END { while (i < n && want[i + 1] ~ /^ *\.\.\.$/) i++
	  if (i < n) { print "README line not printed: " want[i + 1]; exit 1 } }' \
	"$tmp/readme" "$tmp/out" >&2 || fail "README.md shows what the demo does not print"
sed -n '/^== what redflag found/,$p' "$tmp/readme" >"$tmp/want"
sed -n '/^== what redflag found/,$p' "$tmp/out" >"$tmp/got"
[ -s "$tmp/got" ] || fail "no summary of what was found"
cmp -s "$tmp/want" "$tmp/got" || { diff "$tmp/want" "$tmp/got" >&2
	fail "README.md's summary is not the demo's"; }
grep -qx 'campaigns (near-identical copies of one message): 2' "$tmp/got" &&
    grep -q '^  a61bbed6a8f29728: 5 recipients, 5 copies' "$tmp/got" &&
    grep -q 'identify their recipient: 18 of 23' "$tmp/got" &&
    grep -A1 '^  1 to 5, .*: spam$' "$tmp/got" | grep -qx '    - sent to 5 recipients' &&
    grep -A2 '^  9, .*: ham$' "$tmp/got" | grep -q '^    ! .*(a deception sign)$' ||
	fail "campaigns, tracked links or verdicts with why missing"
echo "demo: what make demo shows is README.md's"
