#!/bin/sh
# postfix_milter_reply.sh - every reply the milter gives fits one SMTP
# reply line (RFC 5321 4.5.3.1.5: 512 octets with the code and CRLF),
# measured on the wire from a real Postfix (lib/postfix.sh).  The longest
# reject: a 400-character reject_text (its limit) and a first reason of
# 200 characters and more ("1 complaint about mail from DOMAIN", a
# 280-character From domain with UTF-8 and '%' in it): the reply keeps
# the whole reject_text and the verdict, cuts the reason with "...", and
# shows the untrusted bytes as '?'.  A 400-character tempfail_text is
# passed whole.  redflag filter writes the same reject text (to standard
# error, exit 77).  On 56b4b5e the reject line was 631 octets.
set -u
. tests/e2e/lib/postfix.sh
pf_test_begin 240

conf=$PF_DIR/redflag.conf
mkdir "$PF_DIR/db"
db=$PF_DIR/db/campaigns.db
dom=$(python3 -c 'print("b\u00fccher%41." + ".".join(["l%d" % i + "x" * 60
    for i in range(4)]) + ".example")')
printf 'From: news@%s\r\nTo: <one@%s>\r\nSubject: offer\r\nMessage-ID: <r1@x>\r\n\r\nBuy now.\r\n' \
    "$dom" "$PF_DOMAIN" > "$PF_DIR/msg.eml"
"$REDFLAG" complain --db "$db" --rcpt "one@$PF_DOMAIN" "$PF_DIR/msg.eml" \
    >/dev/null 2>&1 || fail "complain"
chown -R nobody "$PF_DIR/db"
long=$(python3 -c 'print("Refused by the example policy " + "R" * 369 + "E")')

# reply_to ACTION TEXT-SETTING: restart the milter with this policy, send
# msg.eml over a raw socket; the last reply's line, exactly as Postfix
# sent it (CRLF included), in $PF_DIR/reply.
reply_to() {
	redflag_milter_stop TERM
	printf 'user = nobody\ndb = %s\naction = %s\n%s\n' "$db" "$1" "$2" \
	    > "$conf"
	redflag_milter_start --config "$conf" || fail "milter start"
	timeout 30 python3 - "$PF_PORT_MX" "$PF_DIR/msg.eml" "$PF_DOMAIN" \
	    "$PF_DIR/reply" <<'PY' || fail "SMTP session"
import socket, sys
port, msg, domain, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
s = socket.create_connection(("127.0.0.1", port), 20)
f = s.makefile("rb")
def reply():
    lines = []
    while True:
        line = f.readline()
        if not line:
            sys.exit("connection closed")
        lines.append(line)
        if line[3:4] != b"-":
            return lines
def cmd(c, want):
    s.sendall(c + b"\r\n")
    r = reply()
    if not r[0].startswith(want):
        sys.exit("%r: %r" % (c, r))
reply()
cmd(b"EHLO client.example", b"250")
cmd(b"MAIL FROM:<a@sender.example>", b"250")
cmd(b"RCPT TO:<one@" + domain.encode() + b">", b"250")
cmd(b"DATA", b"354")
s.sendall(open(msg, "rb").read() + b".\r\n")
r = reply()
open(out, "wb").write(b"".join(r))
s.sendall(b"QUIT\r\n")
PY
}

# check_line CODE: one line, CODE first, at most 512 octets, printable
# ASCII then CRLF; its length in $octets.
check_line() {
	python3 - "$PF_DIR/reply" "$1" <<'PY' || fail "reply line: $(cat "$PF_DIR/reply")"
import re, sys
b = open(sys.argv[1], "rb").read()
ok = (b.count(b"\r\n") == 1 and b.endswith(b"\r\n") and len(b) <= 512
      and b.startswith(sys.argv[2].encode() + b" ")
      and re.fullmatch(rb"[\x20-\x7e]*\r\n", b))
print(len(b))
sys.exit(0 if ok else 1)
PY
}

# 1. reject: the whole reject_text, the verdict, the reason cut.
reply_to reject "reject_text = $long"
octets=$(check_line "550 5.7.1") || exit 1
grep -qF "550 5.7.1 $long (verdict " "$PF_DIR/reply" ||
	fail "reject_text not whole: $(cat "$PF_DIR/reply")"
grep -q ': 1 complaint about mail from b??cher?41\.l0xxx*\.\.\.)'"$(printf '\r')"'$' \
    "$PF_DIR/reply" || fail "reason not cut or not escaped: $(cat "$PF_DIR/reply")"
[ "$octets" -eq 512 ] || fail "reject line of $octets octets, want 512"
grep -qF "milter-reject: END-OF-MESSAGE from " "$PF_DIR/maillog" ||
	fail "Postfix did not log the reject"
cp "$PF_DIR/reply" "$PF_DIR/reject"

# 2. tempfail: a 400-character tempfail_text, whole.
reply_to tempfail "tempfail_text = $long"
octets=$(check_line "451 4.7.1") || exit 1
[ "$(cat "$PF_DIR/reply")" = "451 4.7.1 $long$(printf '\r')" ] ||
	fail "tempfail reply: $(cat "$PF_DIR/reply")"

# 3. redflag filter: the same reject text, to standard error, exit 77.
printf 'db = %s\naction = reject\nreject_text = %s\n' "$db" "$long" > "$conf"
"$REDFLAG" filter --config "$conf" -r "one@$PF_DOMAIN" < "$PF_DIR/msg.eml" \
    > "$PF_DIR/out" 2> "$PF_DIR/err"
rc=$?
[ "$rc" -eq 77 ] || fail "filter: exit $rc, want 77"
[ ! -s "$PF_DIR/out" ] || fail "filter wrote the rejected message"
[ "redflag: $(tr -d '\r' < "$PF_DIR/reject" | cut -c11-)" = "$(cat "$PF_DIR/err")" ] ||
	fail "filter: '$(cat "$PF_DIR/err")'"
echo "postfix_milter_reply: reject line 512 octets (reason cut), tempfail $octets, filter the same text"
