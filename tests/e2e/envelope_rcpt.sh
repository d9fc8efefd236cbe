#!/bin/sh
# envelope_rcpt.sh - the filter's -r and the milter's RCPT TO read an
# envelope address by one rule (rf_envelope_address): blanks around it
# and inside its angle brackets, one '<' first and one '>' last, and a
# source route ("@relay:", RFC 5321 4.1.1.3) left out.  Each form of
# r1@test.example below must be the recipient whose address a link
# carries, base64-encoded, through both front ends.  Before, the filter
# refused all but "a@b" and "<a@b>" (75) and the milter kept blanks and
# the route, so that the link was not the recipient's (the filter took
# one pair of brackets off, the milter each bracket alone).  A form with
# no address left ("<>", a route alone) is still refused by the filter
# and, in the milter, finds no code (the mail is never refused for it).
set -u
. tests/e2e/lib/postfix.sh
milter_test_begin envrcpt 120

msg=$PF_DIR/link.eml
b64=$(printf 'r1@test.example' | base64)
printf 'From: news@shop.example\nTo: friends@list.example\nSubject: hello\nContent-Type: text/html\n\n<a href="https://shop.example/c?u=%s">offer</a>\n' \
    "$b64" > "$msg"
yes='1 link carries your address, base64-encoded; no sign of bulk mail'
no='no sign of bulk mail'

# milter_reasons RCPT...: for each envelope recipient RCPT, one line:
# the X-Redflag-Reasons the milter adds to $msg for it (one connection
# each, one python3 for all: it starts slowly on a loaded machine)
milter_reasons() {
	timeout 60 python3 - "$RF_MILTER_PORT" "$msg" "$@" <<'PY'
import sys
sys.path.insert(0, "tests/e2e/lib")
import milterclient as mc
port, path = int(sys.argv[1]), sys.argv[2]
head, body = open(path, "rb").read().split(b"\n\n", 1)
for rcpt in sys.argv[3:]:
    s = mc.connect(port)
    mc.hello(s)
    mc.step(s, b"R", rcpt.encode() + b"\x00")
    for line in head.split(b"\n"):
        name, value = line.split(b": ", 1)
        mc.step(s, b"L", name + b"\x00" + value + b"\x00")
    mc.step(s, b"N", b"")
    mc.step(s, b"B", body.replace(b"\n", b"\r\n"))
    s.sendall(mc.packet(b"E"))
    got = "(none)"
    while True:
        r, d = mc.reply(s)
        if r in (b"h", b"i"):
            f = d[4:] if r == b"i" else d
            name, value = f.rstrip(b"\x00").split(b"\x00", 1)
            if name == b"X-Redflag-Reasons":
                got = value.decode()
        elif r not in (b"m", b"b", b"q"):
            break
    s.sendall(mc.packet(b"Q"))
    s.close()
    print(got)
PY
}

# filter_reasons RCPT: X-Redflag-Reasons the filter writes for -r RCPT,
# or "exit N" when it fails
filter_reasons() {
	timeout 60 "$REDFLAG" filter -r "$1" < "$msg" > "$PF_DIR/f.out" \
	    2> "$PF_DIR/f.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "exit $rc"
		return
	fi
	sed -n 's/^X-Redflag-Reasons: //p' "$PF_DIR/f.out"
}

redflag_milter_start || exit 1
tab=$(printf '\t')
set -- 'r1@test.example' '<r1@test.example>' 'R1@Test.Example' \
    '<@relay.example:r1@test.example>' \
    '<@[192.0.2.1],@b.example:r1@test.example>' \
    ' r1@test.example ' '< r1@test.example >' '<r1@test.example>  ' \
    "<r1@test.example>$tab" '<r1@test.example' 'r1@test.example>'
for rcpt in "$@"; do
	got=$(filter_reasons "$rcpt")
	[ "$got" = "$yes" ] || fail "filter -r '$rcpt': $got"
done
milter_reasons "$@" > "$PF_DIR/m.out" || fail "milter: no answer"
for rcpt in "$@"; do
	got=$(sed -n 1p "$PF_DIR/m.out")
	sed -i 1d "$PF_DIR/m.out"
	[ "$got" = "$yes" ] || fail "milter RCPT TO '$rcpt': $got"
done
# no address left: the filter refuses it (75, not echoed), the milter
# keeps the mail and finds no code of it (no empty RCPT TO in SMTP)
for rcpt in '<>' '' '<@relay.example>' '<@relay.example:>' '@:r1@test.example'; do
	got=$(filter_reasons "$rcpt")
	[ "$got" = "exit 75" ] &&
	    grep -q '^redflag: filter: recipient #1 is not a mail address' \
	    "$PF_DIR/f.err" || fail "filter -r '$rcpt': $got"
	[ -z "$rcpt" ] || [ "$rcpt" = '<>' ] ||
	    ! grep -qF -- "$rcpt" "$PF_DIR/f.err" || fail "-r '$rcpt' echoed"
done
set -- '<>' '<@relay.example>' '<@relay.example:>' '@:r1@test.example'
milter_reasons "$@" > "$PF_DIR/m.out" || fail "milter: no answer"
for rcpt in "$@"; do
	got=$(sed -n 1p "$PF_DIR/m.out")
	sed -i 1d "$PF_DIR/m.out"
	[ "$got" = "$no" ] || fail "milter RCPT TO '$rcpt': $got"
done
redflag_milter_stop TERM
[ "$RF_MILTER_RC" -eq 0 ] || fail "milter exit status $RF_MILTER_RC"
echo "envelope_rcpt: the filter and the milter read envelope addresses alike"
