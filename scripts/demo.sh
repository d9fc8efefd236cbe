#!/bin/sh
# demo.sh REDFLAG - the README's first command: scan the bundled sample
# mailbox and show what redflag finds in it: one report in full, then
# what a new user looks for, read from the reports of all ten messages:
# the campaigns found, the links that identify their recipient, and each
# message's verdict with why (tests/e2e/demo.sh checks it).
set -eu
bin=${1:-build/redflag}
mbox=samples/sample.mbox
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT INT TERM
"$bin" scan --no-progress "$mbox" >"$out"
echo "== redflag scan $mbox: the first of its 10 reports"
sed '/^$/q' "$out"
cat <<'LEGEND'
(tokens: the codes found in a link; clean: the link as redflag rewrites it,
"" = removed whole; hidden_text: the HTML hides some text, which is not
counted as what you read; score: 0 to 1, how strongly the facts point to
unsolicited bulk mail; every field: docs/json.md)

LEGEND
echo "== what redflag found in the 10 messages (every report: redflag scan $mbox)"
awk '
# each message: its number in the mbox (source PATH:N), verdict, reasons
# and signs; messages in a row with the same verdict, reasons and signs
# are one group, shown once with the subject of the first
function flush(key) {
	if (n == "")
		return
	key = verdict SUBSEP why SUBSEP sign
	if (ng > 0 && key == gkey[ng]) {
		glast[ng] = n
	} else {
		ng++
		gkey[ng] = key
		gfirst[ng] = glast[ng] = n
		gsubj[ng] = subject
		gverdict[ng] = verdict
		gwhy[ng] = why
		gsign[ng] = sign
	}
	n = why = sign = ""
}
/^source: / { flush(); n = $0; sub(/.*:/, "", n); list = ""; next }
/^subject: / { subject = substr($0, 10); next }
/^verdict: / { verdict = substr($0, 10); next }
/^campaign:$/ { list = "campaign"; next }
list == "campaign" && /^  id: / { id = substr($0, 7); next }
list == "campaign" && /^  size: / { size = substr($0, 9); next }
list == "campaign" && /^  copies: / {
	if (!(id in seen)) {
		seen[id] = 1
		c[++nc] = sprintf("  %s: %s recipients, %s copies, \"%s\"", id,
		    size, substr($0, 11), subject)
	}
	next
}
/^reasons:$/ { list = "reasons"; next }
/^signs:$/ { list = "signs"; next }
/^  - / && list == "reasons" { why = why "\n    - " substr($0, 5); next }
/^  - / && list == "signs" { sign = sign "\n    ! " substr($0, 5); next }
/^  - url: / { links++; next }
/^    tracking: yes$/ { tracked++; next }
/^    clean: ""$/ { bugs++; next }
/^[a-z_]+:/ { list = "" }
/^$/ { flush() }
END {
	flush()
	printf "campaigns (near-identical copies of one message): %d\n", nc
	for (i = 1; i <= nc; i++)
		print c[i]
	printf "links and images that identify their recipient: %d of %d " \
	    "(%d of them web bugs, removed whole)\n", tracked, links, bugs
	print "verdicts, and why (messages by number; ! a warning):"
	for (i = 1; i <= ng; i++) {
		nums = gfirst[i]
		if (glast[i] != gfirst[i])
			nums = nums " to " glast[i]
		printf "  %s, \"%s\": %s%s%s\n", nums, gsubj[i], gverdict[i],
		    gwhy[i], gsign[i]
	}
}' "$out"
tail -n 1 "$out"
