#!/bin/sh
# complain_arf.sh - redflag complain and redflag arf on a generated set
# in a real SQLite store: a complaint counts against the campaign and the
# sender domain and revokes consent (bulk becomes spam); arf make writes a
# report that Python's email package reads as a valid multipart/report,
# a whole message to send (From, To, Date, Subject, Message-ID: sendmail
# -t finds its recipient), with the recipient redacted and no tracking
# code left; arf ingest reads it back and counts it once, or Incidents
# times (an aggregate).
set -u
rf=${REDFLAG:-build/redflag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

python3 tools/gencampaigns.py --seed 9 --scale 0.3 "$tmp/set" 2>/dev/null ||
	fail "gen"
db=$tmp/s.db
"$rf" consent --db "$db" import "$tmp/set/consent.tsv" > /dev/null ||
	fail "import"
"$rf" scan --no-progress --db "$db" "$tmp/set/mail" > /dev/null || fail "scan"

# a solicited copy (bulk) and an unsolicited one of another campaign
bulk=$(awk -F'\t' '$2 == "bulk" { print $1; exit }' "$tmp/set/labels.tsv")
spam=$(awk -F'\t' 'NR == FNR { if ($2 == "spam") s[$1] = 1; next }
	($1 in s) && $3 == "campaign" && $5 > 20 { print $1; exit }' \
	"$tmp/set/labels.tsv" "$tmp/set/truth.tsv")
[ -n "$bulk" ] && [ -n "$spam" ] || fail "no bulk or spam copy"
brcpt=$(awk -F'\t' -v f="$bulk" '$1 == f { print $4 }' "$tmp/set/truth.tsv")

verdict() { # FILE
	"$rf" scan --json --no-progress --consent-db "$db" "$tmp/set/$1" |
		python3 -c 'import json,sys; o=json.loads(sys.stdin.readline()); print(o["verdict"]); print("\n".join(o["reasons"]))'
}
# (one copy alone is not a campaign in batch mode: look at the stream
# verdict instead, through the store)
sverdict() {
	"$rf" scan --json --no-progress --db "$db" "$tmp/set/$1" |
		python3 -c 'import json,sys; o=json.loads(sys.stdin.readline()); print(o["verdict"]); print("\n".join(o["reasons"]))'
}
sverdict "$bulk" > "$tmp/v" || fail "verdict"
[ "$(head -1 "$tmp/v")" = bulk ] || { cat "$tmp/v"; fail "solicited copy is bulk"; }
n_before=$("$rf" consent --db "$db" list "$brcpt" | wc -l)
[ "$n_before" -ge 1 ] || fail "the recipient has consent"

# complain: campaign and domain gain one, consent revoked, now spam
"$rf" complain --db "$db" "$tmp/set/$bulk" > "$tmp/o" || fail "complain"
grep -q "complaint recorded: campaign [0-9a-f]\{16\} (1 complaint);" "$tmp/o" ||
	{ cat "$tmp/o"; fail "campaign complaint"; }
grep -q ": 1 complaint; [1-9] consent record" "$tmp/o" ||
	{ cat "$tmp/o"; fail "domain complaint and revocation"; }
[ "$("$rf" consent --db "$db" list "$brcpt" | wc -l)" -lt "$n_before" ] ||
	fail "consent revoked"
sverdict "$bulk" > "$tmp/v"
[ "$(head -1 "$tmp/v")" = spam ] || { cat "$tmp/v"; fail "spam after the complaint"; }
grep -q "^1 complaint about this campaign" "$tmp/v" || fail "complaint reason"
grep -q "^you never gave consent to " "$tmp/v" || fail "consent reason"

# arf make: valid ARF, redacted, no tracking code left
rcpt=$(awk -F'\t' -v f="$spam" '$1 == f { print $4 }' "$tmp/set/truth.tsv")
tokens=$(awk -F'\t' -v f="$spam" '$1 == f { print $6 }' "$tmp/set/truth.tsv")
printf '%s\n' 'arf_redact_key = e2e-secret' \
    'arf_reporting_mta = dns; mx.rcpt.example' 'arf_from = fbl@mx.rcpt.example' \
	> "$tmp/redflag.conf"
# arf_make ARG...: arf make with these settings, to the sender's desk
arf_make() {
	"$rf" arf make -c "$tmp/redflag.conf" --to abuse@sender.example "$@"
}
# (the store's sample of the campaign shows the codes that vary by copy)
arf_make --db "$db" "$tmp/set/$spam" > "$tmp/r1.eml" || fail "arf make"
arf_make "$tmp/set/$spam" > "$tmp/r2.eml" || fail "arf make again"
python3 - "$tmp/r1.eml" "$tmp/r2.eml" "$rcpt" "$tokens" <<'PY' || fail "ARF content"
import email, re, sys
from email import policy, utils
r1, r2, rcpt, tokens = sys.argv[1:5]
raw = open(r1, "rb").read()
m = email.message_from_bytes(raw, policy=policy.default)
# a whole message, sent as it is: its recipients as sendmail -t reads
# them (To, Cc, Bcc), a From, a Date, a Subject, a Message-ID (it had
# none of them: it went to the address on sendmail's command line, from
# whoever ran it, with no subject)
heads = email.message_from_bytes(raw, policy=policy.compat32)
rcpts = utils.getaddresses(heads.get_all("To", []) + heads.get_all("Cc", []) +
                           heads.get_all("Bcc", []))
assert [a for _, a in rcpts] == ["abuse@sender.example"], rcpts
assert utils.parseaddr(heads["From"])[1] == "fbl@mx.rcpt.example", heads["From"]
assert utils.parsedate_to_datetime(heads["Date"]) is not None, heads["Date"]
assert re.fullmatch(r"<arf\.[0-9a-f]{32}@mx\.rcpt\.example>",
                    heads["Message-ID"]), heads["Message-ID"]
assert heads["Subject"].startswith("Feedback report (abuse) about a message"), \
    heads["Subject"]
assert heads["MIME-Version"] == "1.0"
assert m.get_content_type() == "multipart/report", m.get_content_type()
assert m.get_param("report-type") == "feedback-report"
parts = list(m.iter_parts())
assert [p.get_content_type() for p in parts] == [
    "text/plain", "message/feedback-report", "message/rfc822"], parts
assert not m.defects and all(not p.defects for p in parts), m.defects
fb = parts[1].get_payload()[0]
assert fb["Feedback-Type"] == "abuse" and fb["Version"] == "1"
assert fb["User-Agent"].startswith("redflag/")
assert fb["Reporting-MTA"] == "dns; mx.rcpt.example"
red = fb["Original-Rcpt-To"]
local, dom = red.split("@")
assert len(local) == 32 and dom == rcpt.split("@")[1], red
orig = parts[2].get_payload()[0]
assert orig["Subject"] and orig["From"]
text = raw.decode("utf-8", "replace").lower()
assert rcpt.lower() not in text, "the address is left"
assert rcpt.split("@")[0].lower() not in text, "the local part is left"
for t in tokens.split(","):
    if t != "-":
        assert t not in raw.decode("utf-8", "replace"), "token left: " + t
# one key: one redacted form, so reports about one recipient match
m2 = email.message_from_bytes(open(r2, "rb").read(), policy=policy.default)
assert list(m2.iter_parts())[1].get_payload()[0]["Original-Rcpt-To"] == red
print("arf make: valid multipart/report, redacted, %d codes gone" %
      len([t for t in tokens.split(",") if t != "-"]))
PY

# a message saved from a mailbox, its mbox From_ line first: the enclosed
# copy is the message alone (no From_ line in the message/rfc822 part),
# the same report as for the message without it
{ printf 'From news@shop.example Mon Nov  2 09:00:00 2026\n'
  cat "$tmp/set/$spam"; } > "$tmp/from_.eml"
arf_make "$tmp/from_.eml" > "$tmp/r3.eml" ||
	fail "arf make of a message with a From_ line"
# (but for its date and Message-ID, new for each report)
sed '/^Date: /d; /^Message-ID: /d' "$tmp/r2.eml" > "$tmp/r2.same"
sed '/^Date: /d; /^Message-ID: /d' "$tmp/r3.eml" > "$tmp/r3.same"
cmp -s "$tmp/r2.same" "$tmp/r3.same" || {
	diff "$tmp/r2.same" "$tmp/r3.same" | head -5
	fail "arf make: the From_ line is enclosed in the report"; }
# The address in the bytes the rewriter leaves as they are (a multipart's
# preamble and epilogue, a part that is not text) is redacted too, and a
# message whose headers end with no blank line is enclosed with its body
# rewritten (6b0e60b: the address in the preamble, epilogue and
# attachment was sent to the sender's abuse desk; with no blank line,
# "cannot rewrite the message", status 70).
printf 'From: a@shop.example\nTo: alice@example.org\nSubject: s\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\npreamble for Alice@Example.org\n--b\nContent-Type: text/plain\n\nhi alice@example.org\n--b\nContent-Type: application/octet-stream\n\nraw alice@example.org\n--b--\nepilogue alice@example.org\n' \
	> "$tmp/parts.eml"
printf 'From: a@shop.example\nTo: alice@example.org\nSubject: s\n<a href="https://click.shop.example/c?uid=8f3a9c2b7d1e4f60a5b3&email=alice@example.org">x</a>\n\nmore\n' \
	> "$tmp/noblank.eml"
for f in parts noblank; do
	arf_make --rcpt alice@example.org "$tmp/$f.eml" > "$tmp/$f.arf" ||
	    fail "arf make of $f.eml: status $?"
	grep -qi 'alice' "$tmp/$f.arf" &&
	    { grep -ni alice "$tmp/$f.arf"; fail "arf make of $f.eml: the address left"; }
done
[ "$(grep -c '@example.org' "$tmp/parts.arf")" -ge 6 ] ||
	fail "arf make of parts.eml: a redacted address missing"
grep -q 'uid=' "$tmp/noblank.arf" && fail "arf make of noblank.eml: a code left"
tr -d '\r' < "$tmp/noblank.arf" |
    grep -qx '<a href="https://click.shop.example/c">x</a>' ||
	fail "arf make of noblank.eml: no clean link"
# ... and where its bytes do not show it: in encoded words of the headers
# (B and Q, the message's and a part's), in a base64 attachment, in a
# quoted-printable text/calendar (97da1f5 sent all four to the sender).
# Every header and part of the report decoded: the address nowhere.
b64=$(printf 'Dear alice@example.org, your invoice\n' | base64)
printf 'From: a@shop.example\nTo: =?utf-8?B?RnJpZW5k?= <alice@example.org>\nSubject: =?UTF-8?B?%s?=\nX-Note: =?iso-8859-1?Q?for_ALICE=40example=2Eorg?=\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: application/octet-stream; name="=?utf-8?Q?alice=40example.org.txt?="\nContent-Transfer-Encoding: base64\n\n%s\n--b\nContent-Type: text/calendar\nContent-Transfer-Encoding: quoted-printable\n\nATTENDEE:mailto:alice@example=\n.org\n--b--\n' \
    "$(printf 'alice@example.org, your order' | base64)" "$b64" > "$tmp/enc.eml"
arf_make --rcpt alice@example.org "$tmp/enc.eml" > "$tmp/enc.arf" ||
    fail "arf make of enc.eml: status $?"
python3 - "$tmp/enc.arf" <<'PY' || fail "arf make of enc.eml: the address left"
import email, sys
from email import policy
m = email.message_from_bytes(open(sys.argv[1], "rb").read(),
                             policy=policy.default)
seen = []
def walk(p):
    for k, v in p.items():
        seen.append(str(v))
    if p.is_multipart():
        for q in p.iter_parts():
            walk(q)
    elif p.get_content_type() == "message/rfc822":
        walk(p.get_payload()[0])
    else:
        seen.append(p.get_payload(decode=True).decode("latin-1"))
walk(m)
text = "\n".join(seen).lower()
assert "alice" not in text, [t for t in seen if "alice" in t.lower()]
for want in ("your order", "your invoice", "attendee:mailto:"):
    assert want in text, want
assert text.count("@example.org") >= 6, text.count("@example.org")
PY
# arf make --type: one of the six registered types (else 64, nothing
# written); a not-spam report does not say the recipient marked it as spam
for t in '' bogus 'abuse x'; do
	arf_make --type "$t" "$tmp/set/$spam" > "$tmp/o" 2> "$tmp/e"
	[ $? -eq 64 ] && [ ! -s "$tmp/o" ] && grep -q "is none of" "$tmp/e" ||
		fail "arf make --type '$t' is taken"
done
arf_make --type not-spam "$tmp/set/$spam" > "$tmp/o" ||
	fail "arf make --type not-spam"
grep -q '^Feedback-Type: not-spam' "$tmp/o" &&
    ! grep -q 'marked the enclosed message' "$tmp/o" ||
	fail "arf make --type not-spam: the report's text says abuse"
# arf ingest: read back, once per recipient, Incidents times
id=$("$rf" complain --db "$db" --keep-consent "$tmp/set/$spam" |
	sed -n 's/.*campaign \([0-9a-f]\{16\}\) (\([0-9]*\) complaint.*/\1 \2/p')
set -- $id
[ "$2" = 1 ] || fail "first complaint of the spam campaign"
"$rf" arf ingest --db "$db" "$tmp/r1.eml" > "$tmp/o" || fail "ingest"
grep -q "abuse, 1 incident: complaint recorded: campaign $1 (2 complaints)" "$tmp/o" ||
	{ cat "$tmp/o"; fail "ingest counts one"; }
sed 's/^Version: 1\r$/Version: 1\r\nIncidents: 5\r/' "$tmp/r1.eml" > "$tmp/r5.eml"
"$rf" arf ingest --db "$db" "$tmp/r5.eml" > "$tmp/o" || fail "ingest 5"
grep -q "5 incidents: complaint recorded: campaign $1 (7 complaints)" "$tmp/o" ||
	{ cat "$tmp/o"; fail "ingest counts Incidents"; }
# a report that does not object to the message is no complaint: a
# not-spam one (RFC 6430: the recipient wants such mail) counts nothing,
# an unknown Feedback-Type is skipped (1); the next abuse report is the
# 8th complaint
sed 's/^Feedback-Type: abuse\r$/Feedback-Type: not-spam\r/' "$tmp/r1.eml" \
	> "$tmp/ns.eml"
"$rf" arf ingest --db "$db" "$tmp/ns.eml" > "$tmp/o" || fail "ingest not-spam"
grep -q "not-spam, 1 incident: not a complaint, nothing recorded" "$tmp/o" ||
	{ cat "$tmp/o"; fail "a not-spam report is counted as a complaint"; }
sed 's/^Feedback-Type: abuse\r$/Feedback-Type: bogus\r/' "$tmp/r1.eml" \
	> "$tmp/bogus.eml"
"$rf" arf ingest --db "$db" "$tmp/bogus.eml" > "$tmp/o" 2> "$tmp/e"
[ $? -eq 1 ] && [ ! -s "$tmp/o" ] && grep -q "Feedback-Type 'bogus' is none of" "$tmp/e" ||
	{ cat "$tmp/o" "$tmp/e"; fail "an unknown Feedback-Type is counted"; }
# (r1's recipient was counted: the same report again counts nothing,
# complain_once.sh; so the not-spam one left the count at 7)
"$rf" arf ingest --db "$db" "$tmp/r1.eml" > "$tmp/o" || fail "ingest again"
grep -q "already counted: .*'s complaint about campaign $1 (7 complaints)" "$tmp/o" ||
	{ cat "$tmp/o"; fail "the complaints after a not-spam report"; }
"$rf" arf ingest --db "$db" "$tmp/set/$spam" > /dev/null 2>&1
[ $? -eq 1 ] || fail "a plain message is not a report"
# arf make needs where the report goes (--to) and whom it is from
# (--from, else arf_from): no default (a message's From domain is
# anyone's to write), 64 and nothing written; --from wins over arf_from;
# an address for the header is an ASCII one
printf 'arf_redact_key = e2e-secret\n' > "$tmp/nofrom.conf"
utf8=$(printf 'fbl@r\303\266.example')
refused() { # WHAT ARG...: arf make ARG... is 64, says WHAT, writes nothing
	what=$1
	shift
	"$rf" arf make "$@" "$tmp/set/$spam" > "$tmp/o" 2> "$tmp/e"
	[ $? -eq 64 ] && [ ! -s "$tmp/o" ] && grep -q -- "$what" "$tmp/e" ||
		{ cat "$tmp/o" "$tmp/e"; fail "arf make $*: taken"; }
}
refused "arf make: give --to ADDR: where the report goes" \
    -c "$tmp/redflag.conf"
refused "arf make: give --from ADDR (or arf_from in redflag.conf)" \
    -c "$tmp/nofrom.conf" --to abuse@sender.example
refused "arf: --from: 'me' is not a mail address" \
    -c "$tmp/redflag.conf" --to abuse@sender.example --from me
refused "arf: --from: 'fbl@r.*' is not an ASCII mail address" \
    -c "$tmp/redflag.conf" --to abuse@sender.example --from "$utf8"
refused "arf: --to: 'fbl@r.*' is not an ASCII mail address" \
    -c "$tmp/redflag.conf" --to "$utf8"
refused "arf: --set: arf_from: a mail address (local@domain) in ASCII" \
    --set arf_from=fbl --to abuse@sender.example
"$rf" arf make -c "$tmp/nofrom.conf" --to abuse@sender.example \
    --from reports@rcpt.example "$tmp/set/$spam" > "$tmp/o" ||
	fail "arf make --from"
tr -d '\r' < "$tmp/o" | grep -qx 'From: reports@rcpt.example' ||
	fail "arf make --from: $(head -3 "$tmp/o")"
arf_make --from reports@rcpt.example "$tmp/set/$spam" > "$tmp/o" ||
	fail "arf make --from over arf_from"
tr -d '\r' < "$tmp/o" | grep -qx 'From: reports@rcpt.example' ||
	fail "arf make --from over arf_from: $(head -3 "$tmp/o")"
# from the recipient's own address: made, and said that it names them
arf_make --rcpt alice@example.org --from Alice@Example.org "$tmp/parts.eml" \
	> "$tmp/o" 2> "$tmp/e" || fail "arf make from the recipient"
grep -q "from the recipient's own address: it names them" "$tmp/e" ||
	fail "arf make from the recipient: $(cat "$tmp/e")"
# a spam from an international domain (s39: status 70, "a report field
# is not one line of printable ASCII"): its domains in A-labels in the
# report's fields, the message enclosed as message/global (8-bit header),
# the report ingested back against the domain
u=$(printf 'b\303\274cher.example')
printf '%s\n' "From: Shop <news@$u>" 'To: alice@example.org' \
    'Subject: Angebot' 'Date: Mon, 7 Dec 2026 10:00:00 +0000' \
    "Return-Path: <bounce@$u>" 'MIME-Version: 1.0' \
    'Content-Type: text/plain; charset=utf-8' '' \
    "Jetzt kaufen: https://$u/x?uid=ab12cd34ef56" \
    > "$tmp/idn.eml"
arf_make --rcpt "alice@$(printf 'r\303\251sidents.example')" "$tmp/idn.eml" > "$tmp/idn.arf" \
    2> "$tmp/e" || fail "arf make of an international sender: $(cat "$tmp/e")"
tr -d '\r' < "$tmp/idn.arf" > "$tmp/o"
for want in 'Reported-Domain: xn--bcher-kva.example' \
    'Original-Mail-From: <bounce@xn--bcher-kva.example>' \
    'Original-Rcpt-To: [0-9a-f]\{32\}@xn--rsidents-b1a.example' \
    'Content-Type: message/global' 'Content-Transfer-Encoding: 8bit'; do
	grep -qx "$want" "$tmp/o" || fail "arf make of an international sender: no '$want'"
done
"$rf" arf ingest --db "$tmp/idn.db" "$tmp/idn.arf" > "$tmp/o" 2>&1 &&
    grep -q 'cher.example: 1 complaint' "$tmp/o" ||
	fail "arf ingest of an international sender's report: $(cat "$tmp/o")"
# an ASCII domain is written as it is, whatever IDNA would say of it (an
# underscore, an address literal)
for d in mail_server.example.com '[192.0.2.1]'; do
	sed "s/b\xc3\xbccher\.example/$d/g" "$tmp/idn.eml" > "$tmp/d.eml"
	arf_make --rcpt alice@example.org "$tmp/d.eml" > "$tmp/o" 2> "$tmp/e" ||
		fail "arf make from $d"
	tr -d '\r' < "$tmp/o" | grep -qxF "Reported-Domain: $d" ||
		fail "arf make from $d: no Reported-Domain $d: $(cat "$tmp/e")"
done
# make's options are no ingest's: a report names its recipient and type
for o in "--type not-spam" "--rcpt a@b.example" "--to a@b.example" \
    "--from a@b.example"; do
	# shellcheck disable=SC2086
	"$rf" arf ingest --db "$db" $o "$tmp/r1.eml" > "$tmp/o" 2> "$tmp/e"
	[ $? -eq 64 ] && [ ! -s "$tmp/o" ] && grep -q "goes with arf make" "$tmp/e" ||
		{ cat "$tmp/o" "$tmp/e"; fail "arf ingest $o is taken"; }
done
echo "complain_arf: ok"
