#!/bin/sh
# clean_missed.sh - tracked links the rewriter could not find are said to
# be left live, never counted as rewritten: a damaged-MIME input of
# fuzz_rewrite (fuzz/seeds/fuzz_rewrite/damaged-header-nul, the first byte
# the fuzzer's choice, the rest the message), where the analysis and
# GMime read a part's transfer encoding or bounds otherwise.  `redflag
# clean` says so in X-Redflag-Cleaned, `redflag filter` in
# X-Redflag-Reasons; the message is still written whole (exit 0), never
# dropped.  The other, damaged-cte-parts, had one link left live until
# s26 (its URL holds U+FFFD, read from bytes that are no UTF-8, now
# matched as the analysis read them): now none, and nothing is said.  An
# undamaged message keeps its headers as before.
set -u
d=$(mktemp -d /tmp/redflag-clean-missed.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
: "${REDFLAG:=build/redflag}"
unfold() { awk '/^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
    NR > 1 { print "" } { printf "%s", $0 } END { print "" }' | tr -d '\r'; }

for s in damaged-header-nul:jane.doe@example.org; do
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
# damaged-cte-parts: both links rewritten, none left live
tail -c +2 fuzz/seeds/fuzz_rewrite/damaged-cte-parts > "$d/in.eml"
"$REDFLAG" clean --rcpt r0@example.org --verdict spam "$d/in.eml" \
    > "$d/out.eml" || fail "damaged-cte-parts: clean exit status $?"
unfold < "$d/out.eml" | grep -a '^X-Redflag-Cleaned: ' |
    grep -qx 'X-Redflag-Cleaned: 2 links rewritten; 0 web bugs emptied' ||
    fail "damaged-cte-parts: not both links rewritten"
"$REDFLAG" scan --json --rcpt r0@example.org "$d/out.eml" | python3 -c '
import json, sys
left = [l["url"] for l in json.load(sys.stdin)["links"]
        if l["tracking"] and l["kind"] != "header"]
sys.exit(1 if left else 0)' ||
    fail "damaged-cte-parts: a tracked link left in the body of the output"
# a message whose links are all found: nothing said
python3 tests/e2e/lib/mailtool.py campaign "$d/msgs" 1 test.example
"$REDFLAG" clean --verdict spam "$d/msgs/msg-001.eml" > "$d/out.eml" ||
    fail "clean exit status $?"
grep -q '^X-Redflag-Cleaned: ' "$d/out.eml" || fail "no X-Redflag-Cleaned"
grep -q 'neutralised' "$d/out.eml" && fail "links said left live"
exit 0
