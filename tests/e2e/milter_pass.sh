#!/bin/sh
# milter_pass.sh - every path on which the milter passes a message
# without its own headers removes the sender's X-Redflag-* headers all
# the same, so that no verdict can be forged: a message over
# max_message_size with on_limit = accept, and the action accept.  Also:
# a header value that a raw client ends with a line end is read as one
# field (the header block does not end there), so the body is rewritten.
# And X-Redflag-List-Unsubscribe (s38): a sender's own is removed, with
# the others, on every path; the milter adds its own, with redflag
# clean's words, once, when it cleans a message whose List-Unsubscribe
# link carries a code that identifies the recipient, and not otherwise.
set -u
. tests/e2e/lib/postfix.sh
milter_test_begin pass 120

# conv PORT CASE: one raw conversation, its replies checked.
conv() {
	timeout 30 python3 - "$@" <<'PY'
import struct, sys
sys.path.insert(0, "tests/e2e/lib")
import milterclient as mc
port, case = int(sys.argv[1]), sys.argv[2]
s = mc.connect(port)
mc.hello(s)
mc.step(s, b"R", b"<r1@test.example>\x00")
if case == "trailing-lf":
    headers = [(b"From", b"news@shop.example"), (b"Subject", b"sale\n")]
    chunks = [mc.TRACKED]
else:
    headers = [(b"From", b"news@shop.example"),
               (b"X-Redflag-Verdict", b"ham"), (b"x-redflag-VERDICT", b"ham"),
               (b"X-Redflag-Action", b"headers")]
    chunks = [mc.TRACKED] + ([b"x" * 65000] * 2 if case == "over" else [])
for n, v in headers:
    mc.step(s, b"L", n + b"\x00" + v + b"\x00")
mc.step(s, b"N", b"")
for c in chunks:
    mc.step(s, b"B", c)
s.sendall(mc.packet(b"E"))
out = []
while True:
    r, d = mc.reply(s)
    if r == b"m":
        out.append("m %s[%d]" % (d[4:].split(b"\x00")[0].decode(),
                                 struct.unpack(">I", d[:4])[0]))
    elif r in (b"h", b"b"):
        out.append(r.decode() + (" rewritten" if r == b"b" and
                                 b"uid=" not in d else ""))
    else:
        out.append(r.decode() + " " + d.rstrip(b"\x00").decode())
        break
print(" ".join(out))
PY
}
removed='m X-Redflag-Action[1] m X-Redflag-Verdict[2] m X-Redflag-Verdict[1]'

redflag_milter_start --set max_message_size=64k --set on_limit=accept \
    --set clean.ham=links ||
	exit 1
out=$(conv "$RF_MILTER_PORT" over) || fail "over the limit: no answer"
[ "$out" = "$removed a " ] || fail "over the limit, on_limit = accept: $out"
grep -q 'larger than max_message_size: accepted unchanged but for its X-Redflag-\* headers' \
    "$PF_DIR/milter.log" || fail "over the limit: not logged"
out=$(conv "$RF_MILTER_PORT" trailing-lf) || fail "trailing line end"
case $out in
"h h h h h b rewritten c ") ;;
*) fail "a value ending in a line end: $out" ;;
esac

# unsub URL: the message of milterclient.py's unsub for URL, its replies
# in $PF_DIR/unsub
client="timeout 30 python3 tests/e2e/lib/milterclient.py"
coded='https://shop.example/unsub?e=r1@test.example'
unsub() {
	$client "$RF_MILTER_PORT" unsub "$1" > "$PF_DIR/unsub" ||
		fail "unsubscribe $1: the milter did not answer every step"
	grep -qx 'm X-Redflag-List-Unsubscribe\[1\]' "$PF_DIR/unsub" || {
		cat "$PF_DIR/unsub" >&2
		fail "unsubscribe $1: the forged X-Redflag-List-Unsubscribe was not removed"
	}
}
# redflag clean's header for the same link, unfolded (its own: the first)
printf 'From: news@shop.example\nTo: r1@test.example\nList-Unsubscribe: <%s>\n\nhi\n' \
    "$coded" | "$REDFLAG" clean > "$PF_DIR/clean" || fail "clean"
words=$(awk '/^[^ \t]/ { if (p) exit; p = /^X-Redflag-List-Unsubscribe: / } p' \
    "$PF_DIR/clean" | sed 's/^\t/ /' | tr -d '\n')
case $words in
"X-Redflag-List-Unsubscribe: carries a code "*) ;;
*) fail "clean: no X-Redflag-List-Unsubscribe: $words" ;;
esac
unsub "$coded"
[ "$(grep -c '^h X-Redflag-List-Unsubscribe: ' "$PF_DIR/unsub")" -eq 1 ] &&
    grep -qxF "h $words" "$PF_DIR/unsub" || {
	cat "$PF_DIR/unsub" >&2
	fail "unsubscribe with a code: not clean's X-Redflag-List-Unsubscribe (above)"
}
grep -q '^b ' "$PF_DIR/unsub" || fail "unsubscribe with a code: not cleaned"
unsub 'mailto:unsubscribe@shop.example'
grep -q '^h X-Redflag-List-Unsubscribe' "$PF_DIR/unsub" && {
	cat "$PF_DIR/unsub" >&2
	fail "X-Redflag-List-Unsubscribe without a code (above)"
}
redflag_milter_stop TERM

redflag_milter_start --set action=accept || exit 1
out=$(conv "$RF_MILTER_PORT" small) || fail "action accept: no answer"
[ "$out" = "$removed c " ] || fail "action accept: $out"
unsub "$coded"
grep -q '^h ' "$PF_DIR/unsub" && fail "action accept: headers added"
redflag_milter_stop TERM
[ "$RF_MILTER_RC" -eq 0 ] || fail "exit status $RF_MILTER_RC"
echo "milter_pass: forged headers removed on every passing path"
