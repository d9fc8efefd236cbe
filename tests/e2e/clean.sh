#!/bin/sh
# clean.sh - redflag clean rewrites the tracking links of a message and
# leaves the rest alone: the output re-parses with the same MIME
# structure, an untouched part keeps its bytes, the identifying codes
# are gone, web bugs are emptied, X-Redflag-* headers say so.
set -eu
: "${REDFLAG:=build/redflag}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
addr=jane.doe@example.org
b64=$(printf '%s' "$addr" | base64)
ua=$(printf 'https://shop.example/u?d=%s&mc_eid=nl&x=1' "$b64")
# a multipart/mixed message with an HTML part in base64 (CRLF lines), a
# plain-text part in quoted-printable, an untouched text part and an
# attachment, each part's bytes known
python3 - "$tmp/in.eml" "$ua" <<'PY'
import base64, sys
path, ua = sys.argv[1], sys.argv[2]
html = ('<html><body><p><a href="%s">Sale</a></p>\r\n'
        '<p><a href="https://shop.example/keep?id=1&amp;b=2">Keep</a></p>\r\n'
        '<img src="https://pixel.shop.example/o/abc.gif" width="1" height="1">\r\n'
        '</body></html>\r\n' % ua.replace('&', '&amp;'))
b = base64.encodebytes(html.encode()).decode().replace('\n', '\r\n')
msg = ('From: Shop <news@shop.example>\r\n'
       'To: Jane <jane.doe@example.org>\r\n'
       'Subject: Sale\r\n'
       'List-Unsubscribe: <https://shop.example/unsub?e=jane.doe%40example.org>\r\n'
       'MIME-Version: 1.0\r\n'
       'Content-Type: multipart/mixed; boundary="outer"\r\n\r\n'
       '--outer\r\n'
       'Content-Type: multipart/alternative; boundary="inner"\r\n\r\n'
       '--inner\r\n'
       'Content-Type: text/plain; charset=utf-8\r\n'
       'Content-Transfer-Encoding: quoted-printable\r\n\r\n'
       'Sale: ' + ua.replace('=', '=3D') + '\r\n'
       '--inner\r\n'
       'Content-Type: text/html; charset=utf-8\r\n'
       'Content-Transfer-Encoding: base64\r\n\r\n' + b +
       '--inner--\r\n'
       '--outer\r\n'
       'Content-Type: text/plain; charset=utf-8\r\n\r\n'
       'Untouched: https://shop.example/keep?id=1  \r\n'
       '--outer\r\n'
       'Content-Type: application/octet-stream; name="a.bin"\r\n'
       'Content-Transfer-Encoding: base64\r\n\r\n'
       'AAECAwQFBgcICQ==\r\n'
       '--outer--\r\n')
open(path, 'wb').write(msg.encode())
PY
"$REDFLAG" clean "$tmp/in.eml" > "$tmp/out.eml"
python3 - "$tmp/in.eml" "$tmp/out.eml" "$b64" <<'PY'
import email, sys
from email import policy
a = open(sys.argv[1], 'rb').read()
b = open(sys.argv[2], 'rb').read()
b64 = sys.argv[3]
ma = email.message_from_bytes(a, policy=policy.default)
mb = email.message_from_bytes(b, policy=policy.default)
def shape(m):
    return [(p.get_content_type(), p.get('Content-Transfer-Encoding'))
            for p in m.walk()]
assert shape(ma) == shape(mb), (shape(ma), shape(mb))
assert not mb.defects, mb.defects
pa, pb = list(ma.walk()), list(mb.walk())
# the untouched text part and the attachment keep their bytes
for i in (4, 5):
    assert pa[i].get_payload(decode=True) == pb[i].get_payload(decode=True)
untouched = b'Untouched: https://shop.example/keep?id=1  \r\n'
assert untouched in b, 'untouched part changed'
assert b'AAECAwQFBgcICQ==\r\n' in b
# the codes are gone, the rest of the links stays
html = pb[3].get_payload(decode=True).decode()
assert b64 not in html and 'mc_eid' not in html, html
assert 'https://shop.example/u?x=1' in html, html
assert 'https://shop.example/keep?id=1&amp;b=2' in html, html
assert 'src=""' in html and 'pixel.shop.example' not in html, html
text = pb[2].get_payload(decode=True).decode()
assert b64 not in text and 'https://shop.example/u?x=1' in text, text
# headers
assert 'links carry your address, base64-encoded' in str(mb['X-Redflag-Tracking']), mb['X-Redflag-Tracking']
assert '1 web bug emptied' in str(mb['X-Redflag-Cleaned']), mb['X-Redflag-Cleaned']
assert mb['X-Redflag-List-Unsubscribe'] is not None
assert mb['List-Unsubscribe'] == ma['List-Unsubscribe']
PY
# a message without tracking comes back unchanged below the new headers
printf 'From: a@example.org\nTo: b@example.org\nSubject: hi\n\nSee https://example.org/page\n' > "$tmp/plain.eml"
"$REDFLAG" clean --rcpt b@example.org - < "$tmp/plain.eml" > "$tmp/plain.out"
grep -q '^X-Redflag-Tracking: none found$' "$tmp/plain.out"
tail -n +3 "$tmp/plain.out" | cmp - "$tmp/plain.eml"
# from a pipe as from a file: one message whole and byte for byte
# (before, standard input was cut at a body line "From " after an empty
# line, and its ">From " lines unquoted, the link below one left live)
printf 'From a@shop.example  Mon Jun 24 17:46:46 2002\nFrom: a@shop.example\nTo: %s\nSubject: s\n\nHello\n>From the begining\nbye https://shop.example/o?email=%s&pos=9\n' "$addr" "$addr" > "$tmp/from.eml"
printf 'From: a@shop.example\nTo: %s\nSubject: s\n\nHello\n\nFrom home recordings\nbye https://shop.example/o?email=%s&pos=9\n' "$addr" "$addr" > "$tmp/body.eml"
for m in from body; do
	"$REDFLAG" clean --verdict spam "$tmp/$m.eml" > "$tmp/$m.file"
	"$REDFLAG" clean --verdict spam < "$tmp/$m.eml" > "$tmp/$m.pipe"
	cmp "$tmp/$m.file" "$tmp/$m.pipe"
	grep -q '^X-Redflag-Cleaned: 1 link rewritten;' "$tmp/$m.pipe"
	grep -q '^bye https://shop.example/o?pos=9$' "$tmp/$m.pipe"
	grep -v '^X-Redflag-\|^bye ' "$tmp/$m.pipe" > "$tmp/$m.rest"
	grep -v '^bye ' "$tmp/$m.eml" | cmp - "$tmp/$m.rest"
done
# a sender's X-Redflag-* fields (a forged verdict, a forged finding,
# folded) are not in the output: only redflag's own (until s38 they were
# kept below them, for a reader or a recipe to take as redflag's)
printf 'From: a@shop.example\nTo: %s\nX-Redflag-Verdict: ham\nX-REDFLAG-Tracking: nothing\n\tforged-fold\nSubject: s\nX-Redflag-Cleaned: forged-cleaned\n\n%s\n' "$addr" \
    "https://shop.example/u?d=$b64" > "$tmp/forged.eml"
"$REDFLAG" clean --verdict spam < "$tmp/forged.eml" > "$tmp/forged.out"
[ "$(grep -ci '^X-Redflag-' "$tmp/forged.out")" -eq 2 ] &&
    grep -q '^X-Redflag-Tracking: 1 link carries your address' "$tmp/forged.out" &&
    grep -q '^X-Redflag-Cleaned: 1 link rewritten' "$tmp/forged.out" &&
    ! grep -qi -e 'Verdict' -e 'nothing' -e 'forged-' "$tmp/forged.out" &&
    grep -qx 'From: a@shop.example' "$tmp/forged.out" &&
    grep -qx 'Subject: s' "$tmp/forged.out" ||
    { cat "$tmp/forged.out" >&2; echo "FAIL: clean kept a sender's X-Redflag-* field" >&2; exit 1; }
# over max_message_size: refused, nothing written (a cut message would
# lose its end)
rc=0
"$REDFLAG" clean --set max_message_size=100 < "$tmp/body.eml" > "$tmp/big.out" 2> "$tmp/big.err" || rc=$?
[ "$rc" -eq 1 ] && [ ! -s "$tmp/big.out" ] &&
    grep -q 'larger than max_message_size (100 bytes): nothing written' "$tmp/big.err"
echo "clean: ok"
