#!/bin/sh
# clean_missed.sh - tracked links the rewriter could not find are said to
# be left live, never counted as rewritten: the two damaged-MIME inputs
# of fuzz_rewrite (fuzz/seeds/fuzz_rewrite/damaged-*, the first byte the
# fuzzer's choice, the rest the message), where the analysis and GMime
# read a part's transfer encoding or bounds otherwise.  `redflag clean`
# says so in X-Redflag-Cleaned, `redflag filter` in X-Redflag-Reasons; the
# message is still written whole (exit 0), never dropped.  An undamaged
# message keeps its headers as before.
set -u
d=$(mktemp -d /tmp/redflag-clean-missed.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
: "${REDFLAG:=build/redflag}"
unfold() { awk '/^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
    NR > 1 { print "" } { printf "%s", $0 } END { print "" }' | tr -d '\r'; }

for s in damaged-header-nul:jane.doe@example.org \
    damaged-cte-parts:r0@example.org; do
	seed=${s%%:*} rcpt=${s#*:}
	tail -c +2 "fuzz/seeds/fuzz_rewrite/$seed" > "$d/in.eml"
	"$REDFLAG" clean --rcpt "$rcpt" --verdict spam "$d/in.eml" \
	    > "$d/out.eml" || fail "$seed: clean exit status $?"
	unfold < "$d/out.eml" | grep -a '^X-Redflag-Cleaned: ' |
	    grep -q 'tracked links\{0,1\} could not be neutralised (left live)' ||
	    fail "$seed: clean does not say links were left live"
	timeout 30 "$REDFLAG" filter -r "$rcpt" < "$d/in.eml" > "$d/f.eml" ||
	    fail "$seed: filter exit status $?"
	unfold < "$d/f.eml" | grep -a '^X-Redflag-Reasons: ' |
	    grep -q 'could not be neutralised (left live)' ||
	    fail "$seed: filter does not say links were left live"
done
# a message whose links are all found: nothing said
python3 tests/e2e/lib/mailtool.py campaign "$d/msgs" 1 test.example
"$REDFLAG" clean --verdict spam "$d/msgs/msg-001.eml" > "$d/out.eml" ||
    fail "clean exit status $?"
grep -q '^X-Redflag-Cleaned: ' "$d/out.eml" || fail "no X-Redflag-Cleaned"
grep -q 'neutralised' "$d/out.eml" && fail "links said left live"
exit 0
