#!/bin/sh
# filter_body_start.sh - redflag filter rewrites the body the analysis
# read when the header block does not end with a blank line (a line that
# is no header field starts the body).  On 6b0e60b the filter wrote the
# body from the first blank line on, past the rewriter's edits: the
# tracked link stayed live while X-Redflag-Reasons said "1 link
# rewritten".  Now the output has a blank line where the analysis started
# the body, the link is clean, and the sender's X-Redflag-* lines are
# removed from the header block (those the blank line puts in the body
# stay there, as body text).
set -u
d=$(mktemp -d /tmp/redflag-fbody.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; cat "$d/out" >&2 2>/dev/null; exit 1; }
printf 'clean.ham = links\nclean.unsure = links\nclean.spam = links\n' \
    > "$d/rf.conf"
rf() { timeout 30 "$REDFLAG" filter -c "$d/rf.conf" -r alice@example.org; }
link='<a href="https://click.shop.example/c?uid=8f3a9c2b7d1e4f60a5b3&email=alice@example.org">x</a>'
clean='<a href="https://click.shop.example/c">x</a>'
hdr='From: a@shop.example\nTo: alice@example.org\nX-Redflag-Verdict: forged\nSubject: s\n'

# header_block: the output's lines up to its first blank line.
header_block() { awk '/^\r?$/ { exit } { print }' "$d/out"; }
# body: the output's lines after its first blank line.
body() { awk 'b { print } /^\r?$/ { b = 1 }' "$d/out"; }

check() {	# NAME: the output is rewritten, one verdict in its header
	[ "$(header_block | grep -c '^X-Redflag-Verdict:')" -eq 1 ] ||
	    fail "$1: not one X-Redflag-Verdict in the header block"
	header_block | grep -q '^X-Redflag-Verdict: forged' &&
	    fail "$1: the sender's verdict kept in the header block"
	grep -q 'neutralised: 1 link rewritten' "$d/out" ||
	    fail "$1: no neutralised reason"
	grep -q 'uid=' "$d/out" && fail "$1: the tracked link left live"
	body | grep -qF "$clean" || fail "$1: no clean link in the body"
	"$REDFLAG" scan --json "$d/out" > "$d/scan" ||
	    fail "$1: the output does not scan"
	grep -q '"tracking": *true' "$d/scan" &&
	    fail "$1: the output still has a tracked link"
	return 0
}

# No blank line at all.
printf "$hdr%s\n" "$link" | rf > "$d/out" || fail "no blank line: status $?"
check "no blank line"
[ "$(body)" = "$clean" ] || fail "no blank line: body $(body)"

# A blank line later, a sender's X-Redflag line between: after the blank
# line written, it is body text.
printf "$hdr%s\nX-Redflag-Verdict: forged\n\nmore\n" "$link" | rf > "$d/out" ||
    fail "blank line later: status $?"
check "blank line later"
[ "$(body | tr '\n' '|')" = "$clean|X-Redflag-Verdict: forged||more|" ] ||
    fail "blank line later: body $(body)"

# CRLF: the blank line written is CRLF.
printf "$hdr%s\n" "$link" | sed 's/$/\r/' | rf > "$d/out" ||
    fail "CRLF: status $?"
check "CRLF"
grep -c "$(printf '\r')\$" "$d/out" | grep -qx "$(wc -l < "$d/out")" ||
    fail "CRLF: a line without CR"

# Nothing to rewrite: the body is left as it came, the sender's X-Redflag
# lines before the first blank line removed (mail readers may take them
# for headers).
printf "${hdr}no link here\nX-Redflag-Verdict: forged\n\nmore\n" | rf \
    > "$d/out" || fail "unchanged: status $?"
[ "$(grep -c '^X-Redflag-Verdict:' "$d/out")" -eq 1 ] ||
    fail "unchanged: the sender's X-Redflag-Verdict kept"
grep -q '^no link here$' "$d/out" || fail "unchanged: body line lost"
echo "filter: the body rewritten where the analysis starts it"
