#!/bin/sh
# scan_text.sh - the readable output of redflag scan (what `make demo`
# shows): an outline with no trailing blanks, each list item of a map on
# its "- " line, as many link items as the JSON reports have links, a
# web bug's empty clean form shown as "", an empty list as "(none)",
# each code once in a link's tokens.
set -u
: "${REDFLAG:=build/redflag}"
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

"$REDFLAG" scan --no-progress samples/sample.mbox >"$dir/out.txt" ||
	fail "text scan"
"$REDFLAG" scan --json --no-progress samples/sample.mbox >"$dir/out.jsonl" ||
	fail "json scan"
! grep -n ' $' "$dir/out.txt" | head -n 3 | grep . ||
	fail "lines end with blanks"
! grep -qx ' *- *' "$dir/out.txt" || fail "a list item alone on its line"
n=$(grep -c '^  - url: ' "$dir/out.txt")
j=$(grep -o '"url":' "$dir/out.jsonl" | wc -l)
[ "$n" -eq "$j" ] && [ "$n" -eq 23 ] ||
	fail "$n link items in the text, $j links in the JSON (want 23)"
b=$(grep -c '^    clean: ""$' "$dir/out.txt")
jb=$(grep -o '"clean":""' "$dir/out.jsonl" | wc -l)
[ "$b" -eq "$jb" ] && [ "$b" -eq 5 ] ||
	fail "$b empty clean forms in the text, $jb in the JSON (want 5)"
grep -q '^campaign:$' "$dir/out.txt" && grep -q '^  id: a61bbed6a8f29728$' \
	"$dir/out.txt" || fail "campaign block"
grep -q '^reasons:$' "$dir/out.txt" &&
	grep -q '^  - sent to 5 recipients$' "$dir/out.txt" ||
	fail "reasons block"
# the phishing message of the sample carries its deception sign, after its
# reasons; the verdict stays ham (no sign of bulk mail), and no other
# message of the sample has a sign
sign="a link's text shows www.yourbank.example but it leads to login.bank-alerts.example (a deception sign)"
sed -n '/^message_id: phish-1@/,/^$/p' "$dir/out.txt" >"$dir/phish.txt"
grep -qx 'verdict: ham' "$dir/phish.txt" &&
	grep -A1 -x 'signs:' "$dir/phish.txt" | grep -qxF "  - $sign" ||
	fail "the phishing message's sign"
[ "$(grep -c '^signs:$' "$dir/out.txt")" -eq 1 ] || fail "signs elsewhere"
[ "$(grep -c '"signs":\[\]' "$dir/out.jsonl")" -eq 9 ] &&
	grep -qF "\"signs\":[\"$sign\"]" "$dir/out.jsonl" ||
	fail "signs in the JSON"

# each code is listed once per link: a token that only wraps a shorter
# one ("ID.gif" around the ID, found once as a web bug's file name and
# once as an opaque id) is not listed; a web bug's whole URL is (until
# s38 the first report's web bug listed three tokens for one code)
python3 - "$dir/out.jsonl" <<'PY' || fail "tokens listed twice"
import json, sys
bad = 0
for line in open(sys.argv[1]):
    for k in json.loads(line)["links"]:
        t = k.get("tokens") or []
        for a in t:
            if a != k["url"] and any(b != a and b in a for b in t):
                print("token %r wraps another of %s" % (a, t))
                bad += 1
sys.exit(1 if bad else 0)
PY
grep -A3 '^    tokens:$' "$dir/out.txt" | grep -qx '      - fbf7c6aec1d4280b7c2704c1c0478bd6' ||
	fail "the web bug's code in the text"

# a message without links (an empty file is skipped: cli_errors.sh)
printf 'Subject: no links\n\nplain words\n' >"$dir/nolinks"
"$REDFLAG" scan --no-progress "$dir/nolinks" >"$dir/nolinks.txt" ||
	fail "scan of a message without links"
grep -qx 'links: (none)' "$dir/nolinks.txt" || fail "an empty list"

# --rcpt in any case is reported in lower case, as an address read from
# the headers is (docs/json.md; it was printed as given), in text and
# JSON, one message and a batch, and the findings are those of the
# lower-case address
"$REDFLAG" scan --no-progress --rcpt Alice@Example.ORG "$dir/nolinks" \
	>"$dir/rcpt.txt" || fail "scan --rcpt"
grep -qx 'recipient: alice@example.org' "$dir/rcpt.txt" ||
	fail "--rcpt in the text: $(grep recipient "$dir/rcpt.txt")"
"$REDFLAG" scan --json --no-progress --rcpt Alice@Example.ORG \
	samples/sample.mbox >"$dir/rcpt.jsonl" || fail "scan --json --rcpt"
"$REDFLAG" scan --json --no-progress --rcpt alice@example.org \
	samples/sample.mbox | cmp -s - "$dir/rcpt.jsonl" ||
	fail "--rcpt Alice@Example.ORG and alice@example.org differ"
[ "$(grep -c '"recipient":"alice@example.org"' "$dir/rcpt.jsonl")" -eq 10 ] ||
	fail "--rcpt in the JSON of a batch"
# the progress line counts one message in the singular (was "1 messages")
awk '/^From /{n++} n==1' samples/sample.mbox >"$dir/one.eml"
"$REDFLAG" scan --progress "$dir/one.eml" 2>&1 >/dev/null | tr '\r' '\n' |
	grep -q '^redflag: done, 1 message, [0-9]*/s' || fail "progress: 1 message"
# text in any language reads as written; what would move or hide what
# the terminal shows (a direction override, a C1 control, an escape, a
# byte that is no UTF-8) is escaped (until s37 every non-ASCII byte was:
# "Caf\xc3\xa9")
printf 'Subject: Caf\303\251 \346\227\245 \342\200\256x\302\233y\033z\n\nhi\n' |
	"$REDFLAG" scan --no-progress - >"$dir/utf8.txt" || fail "utf-8 scan"
grep -qxF 'subject: Café 日 \xe2\x80\xaex\xc2\x9by\x1bz' "$dir/utf8.txt" ||
	fail "utf-8 subject: $(grep '^subject' "$dir/utf8.txt")"
exit 0
