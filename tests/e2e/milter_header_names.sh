#!/bin/sh
# milter_header_names.sh - the milter replaces a message's body with the
# body rewritten, whatever header the MTA passed before it.  A header the
# analysis would not read as a field (a space, a control or an 8-bit byte
# in its name; Postfix passes none, libmilter any) used to end the
# analysis' header block early, and the body sent back started with the
# MTA's own headers.  Sent raw (python3): the same tracked message with
# no such header, then with each; the body replaced must be the clean one
# every time, and the forged X-Redflag-Verdict still removed.
set -u
. tests/e2e/lib/postfix.sh
milter_test_begin hdrnames 120
client="timeout 30 python3 tests/e2e/lib/milterclient.py"

redflag_milter_start --set clean.ham=links --set clean.unsure=links \
    --set clean.spam=links || exit 1
cat > "$PF_DIR/want" <<'WANT'
b b'Hello,\r\n<a href="https://click.shop.example/c">offer</a>\r\n'
WANT
# none; "X Odd"; "X\x7fOdd"; "X\xa5Odd"; a value whose second line is
# no continuation ("a\nnot a field")
for h in "" 58204f6464 587f4f6464 58a54f6464 "582d4f6464 610a6e6f742061206669656c64"; do
	# shellcheck disable=SC2086
	$client "$RF_MILTER_PORT" rewrite $h > "$PF_DIR/out" ||
	    fail "header '$h': the milter did not answer every step"
	grep -q '^m X-Redflag-Verdict\[1\]' "$PF_DIR/out" ||
	    fail "header '$h': the forged verdict was not removed"
	grep -q 'neutralised: 1 link rewritten' "$PF_DIR/out" ||
	    fail "header '$h': no neutralised reason"
	grep '^b ' "$PF_DIR/out" | cmp -s - "$PF_DIR/want" || {
		cat "$PF_DIR/out" >&2
		fail "header '$h': not the clean body (above)"
	}
	grep -q '^c' "$PF_DIR/out" || fail "header '$h': not accepted"
done
echo "ok: the clean body every time"
