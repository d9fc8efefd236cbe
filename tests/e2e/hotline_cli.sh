#!/bin/sh
# hotline_cli.sh - redflag hotline end to end on a real SQLite file:
# URLs and mails in (a forward with the spam attached as message/rfc822,
# the hotline mailbox pipe), tracked links scrubbed and merged into one
# case, nothing of the body kept, the lifecycle, X-ARF and CSV exports
# (defanged), monthly statistics, and the audit chain (tampering found).
. tests/e2e/lib/hotline.sh
H="$REDFLAG hotline --db $DB"

# Three links to one page, each tracked for the reporter differently:
# one case, and one report (one submission counts once per case; the
# other two links are "repeated", noted in the audit record).
B64=$(printf 'ann.reporter@mail.example' | base64)
$H submit --reporter ann.reporter@mail.example --category phishing \
    "http://Evil.Example/win?email=ann.reporter@mail.example" \
    "http://evil.example/./win?u=$B64" \
    "http://evil.example/win?utm_source=spam&utm_medium=mail#top" > "$T/out" ||
    fail "submit"
[ "$(grep -c 'report 1	case 1' "$T/out")" = 3 ] || fail "one report, one case: $(cat "$T/out")"
[ "$(grep -c 'repeated$' "$T/out")" = 2 ] || fail "two links repeated: $(cat "$T/out")"
$H show 1 > "$T/show"
grep -q '1 report$' "$T/show" || fail "case 1 has not 1 report: $(cat "$T/show")"
$H audit list --case 1 | grep -q '3 links to it in the report' ||
    fail "the repetition is not in the audit log"
grep -q 'hxxp://evil\[.\]example/win$' "$T/show" || fail "canonical URL: $(cat "$T/show")"
grep -q 'ann.reporter' "$T/show" && fail "the reporter's address was kept"
sqlite3 "$DB" .dump | grep -q -e 'ann.reporter' -e "$B64" &&
    fail "the reporter's address is in the database"

# A forward with the spam attached, through the mailbox pipe.
cat > "$T/fwd.eml" <<'MAIL'
From: Bob Reporter <bob@reporter.example>
To: report@hotline.example
Subject: Fwd: you won
Message-ID: <fwd-1@reporter.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain

Please look at the attached mail.

--b1
Content-Type: message/rfc822

From: Prize Desk <prizes@spammer.example>
To: bob@reporter.example
Subject: You won
Date: Mon, 2 Nov 2026 10:00:00 +0000
Message-ID: <spam-77@spammer.example>
List-Unsubscribe: <http://spammer.example/unsub?u=bob@reporter.example>
MIME-Version: 1.0
Content-Type: text/html

<html><body><p>SECRET-BODY-TEXT claim your prize:
<a href="http://evil.example/win?r=bob@reporter.example">here</a>
<a href="http://phish.example/login?id=Ym9iQHJlcG9ydGVyLmV4YW1wbGU=">bank</a>
<img src="http://track.example/open.gif?u=bob@reporter.example" width="1" height="1">
</p></body></html>
--b1--
MAIL
$H submit --mail - < "$T/fwd.eml" > "$T/out" || fail "mail submit"
grep -q 'case 1	joined' "$T/out" || fail "mail link did not join case 1: $(cat "$T/out")"
[ "$(grep -c '^report' "$T/out")" = 2 ] || fail "mail: expected 2 reports: $(cat "$T/out")"
sqlite3 "$DB" .dump > "$T/dump"
grep -q 'SECRET-BODY-TEXT' "$T/dump" && fail "the mail body was stored"
grep -q 'bob@reporter' "$T/dump" && fail "the reporter's address was stored"
grep -q 'track.example' "$T/dump" && fail "a web bug was filed"
grep -q 'spammer.example/unsub' "$T/dump" && fail "List-Unsubscribe link was filed"
sqlite3 "$DB" "SELECT message_id, sender_domain, has_list_id, has_list_unsub FROM reports WHERE source = 'mail' LIMIT 1" > "$T/meta"
[ "$(cat "$T/meta")" = "spam-77@spammer.example|spammer.example|0|1" ] ||
    fail "mail metadata: $(cat "$T/meta")"
# The pipe's exit status: 0 for a mail without any address too.
printf 'From: x@y.example\nSubject: hi\n\nno links\n' | $H submit --mail - 2> "$T/err" ||
    fail "mail without URLs should be accepted"
grep -q 'no web address' "$T/err" || fail "no notice for a mail without URLs"

# Two copies of one spam campaign, sent to two reporters, pointing at
# two different sites: their cases are linked as one campaign.
spam() { # RCPT HOST
	printf '%s\n' "From: Lottery <win@lotto-mail.example>" "To: $1" \
	    "Subject: Your winning notice" "Content-Type: text/plain" "" \
	    "Dear $1, congratulations from the international lottery board." \
	    "Your email address was selected in our annual draw and you have" \
	    "won a cash prize of one million euros. To release your funds" \
	    "please confirm your details and pay the small transfer fee at" \
	    "http://$2/claim?who=$1 within seven days or the prize will be" \
	    "returned to the pool. Keep this notice confidential until the" \
	    "transfer is complete. Yours sincerely, the prize desk manager."
}
spam carol@one.example lotto-a.example | $H submit --mail - > "$T/o1" || fail "spam 1"
spam dave@two.example lotto-b.example | $H submit --mail - > "$T/o2" || fail "spam 2"
ca=$(sed -n 's/.*case \([0-9]*\).*/\1/p' "$T/o1")
cb=$(sed -n 's/.*case \([0-9]*\).*/\1/p' "$T/o2")
[ -n "$ca" ] && [ -n "$cb" ] && [ "$ca" != "$cb" ] || fail "two cases expected"
sqlite3 "$DB" .dump | grep -q -e carol -e dave && fail "reporters of the spam stored"
$H show "$ca" | grep -q "related case $cb (same campaign)" ||
    fail "campaign link: $($H show "$ca")"
$H show 1 > "$T/s1"
# The two sites of one forwarded mail are one campaign; the lottery not.
grep -q "related case 2 (same campaign)" "$T/s1" || fail "case 1: $(cat "$T/s1")"
grep -q -e "related case $ca" -e "related case $cb" "$T/s1" && fail "case 1: $(cat "$T/s1")"

# Lifecycle and export.
$H assess 1 red_flag --why x 2> /dev/null && fail "assessed a new case"
# each change of a case says what the case is now, one line on standard
# output (review and assess printed nothing)
$H review 1 > "$T/out" || fail "review"
grep -qx 'case 1: in_review' "$T/out" || fail "review said: $(cat "$T/out")"
# A red flag needs a category an analyst set: the reporter's "phishing"
# is only a suggestion (test_hotline_intake.c). Refused with the reason,
# exit 1, nothing changed; with --category it is one step.
$H assess 1 red_flag --why "phishing kit seen" > /dev/null 2> "$T/err"
rc=$?
[ "$rc" = 1 ] || fail "red flag without a category: exit $rc"
grep -q "set the case's category before confirming it as a red flag" "$T/err" ||
    fail "red flag without a category: $(cat "$T/err")"
$H show 1 | grep -q '^case 1  In review' || fail "case 1 changed by a refused assessment: $($H show 1 | head -1)"
$H assess 1 red_flag --category bogus --why x > /dev/null 2>&1
rc=$?
[ "$rc" = 64 ] || fail "assess --category bogus: exit $rc"
$H assess 1 red_flag --category phishing --why "phishing kit seen" > "$T/out" ||
    fail "assess with --category"
grep -qx 'case 1: red_flag, category phishing' "$T/out" ||
    fail "assess --category said: $(cat "$T/out")"
$H show 1 | grep -q '^case 1  Red flag' || fail "case 1 not a red flag: $($H show 1 | head -1)"
$H audit list --case 1 | grep -q 'case.category' || fail "no category record of case 1"
# More red-flag cases than max_export_cases: refused, said so, nothing
# referred (case 1 is the only red flag: a limit of 1 is enough for it).
$H --set max_export_cases=0 export > /dev/null 2>&1 && fail "max_export_cases=0 accepted"
# An option the command does not take is refused, not ignored
# (`review --category` set nothing and said nothing).
rc=0
$H review 3 --category csam > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 64 ] || fail "review --category: exit $rc"
grep -q 'hotline review: --category does not apply to it' "$T/err" ||
    fail "review --category: $(cat "$T/err")"
rc=0
$H stats --all > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 64 ] || fail "stats --all: exit $rc"
# The store failing (its write lock held past the 5 s wait) is a
# temporary failure, 75, not a refused action, 1; nothing changes.
. tests/e2e/lib/sqlite.sh
sqlite_hold "$DB" 20 "" "$T" || fail "the lock holder did not start"
rc=0
$H review 3 --why x > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 75 ] || fail "review with the store locked: exit $rc: $(cat "$T/err")"
grep -q 'locked' "$T/err" || fail "the store's error not said: $(cat "$T/err")"
rc=0
echo 'a long passphrase 1' | $H user add locked --role analyst > /dev/null 2> "$T/err" || rc=$?
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
[ "$rc" = 75 ] || fail "user add with the store locked: exit $rc: $(cat "$T/err")"
# A user's access taken away (there was no way): removed, audited, the
# name free again; no such user is 1.
echo 'a long passphrase 2' | $H user add leaver --role analyst > /dev/null ||
    fail "user add leaver"
$H user remove leaver > "$T/out" 2> "$T/err" || fail "user remove: $(cat "$T/err")"
grep -qx 'user leaver removed' "$T/out" || fail "user remove said: $(cat "$T/out")"
rc=0
$H user remove leaver > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q 'hotline user remove: no user leaver' "$T/err" ||
    fail "user remove of no user: exit $rc: $(cat "$T/err")"
$H audit list | grep -q 'user\.remove *user:leaver' || fail "removal not audited"
echo 'a long passphrase 3' | $H user add leaver --role supervisor > /dev/null ||
    fail "user add after remove"
# Or in two steps: the category, then the assessment.
$H review 3 > /dev/null && $H category 3 fraud > "$T/out" &&
    $H assess 3 red_flag --why "second kit" >> "$T/out" ||
    fail "review/category/assess 3"
printf 'case 3: category fraud\ncase 3: red_flag\n' | cmp -s - "$T/out" ||
    fail "category, assess said: $(cat "$T/out")"
$H --set max_export_cases=1 export --format csv > "$T/x.csv" 2> "$T/err" &&
    fail "export of 2 cases with max_export_cases=1"
grep -q 'more red-flag cases than max_export_cases (1)' "$T/err" ||
    fail "limit not reported: $(cat "$T/err")"
[ -s "$T/x.csv" ] && fail "a partial export was written"
$H show 1 | grep -q '^case 1  Red flag' || fail "case 1 referred by a refused export"
$H state 3 closed --why "taken down" > "$T/out" || fail "close 3"
grep -qx 'case 3: closed' "$T/out" || fail "state said: $(cat "$T/out")"
$H --set max_export_cases=1 export --format xarf --target "Police Unit" --reference CASE-9 \
    --org "Example Hotline" --org-contact reports@hotline.example \
    --org-domain hotline.example > "$T/x.json" 2> "$T/err" ||
    fail "export: $(cat "$T/err")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d[0]; assert r["xarf_version"].startswith("4."), r; assert r["category"]=="content" and r["type"]=="phishing", r; assert r["url"]=="hxxp://evil[.]example/win", r; assert r["source_identifier"]=="evil[.]example", r; o={"org": "Example Hotline", "contact": "reports@hotline.example", "domain": "hotline.example"}; assert r["reporter"]==o and r["sender"]==o, r' "$T/x.json" ||
    fail "X-ARF: $(cat "$T/x.json")"
grep -q 'http://' "$T/x.json" && fail "X-ARF export has a live URL"
grep -q 'names no organisation' "$T/err" && fail "export with --org warned: $(cat "$T/err")"
$H show 1 | grep -q '^case 1  Referred' || fail "export did not refer the case"
$H referrals 1 | grep -q 'case 1  .*  to Police Unit  xarf  CASE-9  by ' ||
    fail "referral record: $($H referrals 1)"
$H referrals 2 2> "$T/err" | grep -q . && fail "case 2 has referrals"
grep -q 'hotline referrals: no referral of that case' "$T/err" ||
    fail "no referral not said: $(cat "$T/err")"
$H export --format csv 2 > /dev/null 2>&1 && fail "exported a case not red-flagged"
$H export --format csv --reference R2 1 > "$T/x.csv" 2> "$T/err" || fail "csv export"
# without --org the export names the default sender: one warning line
grep -qx 'redflag: hotline export: the export names no organisation: give --org NAME (and --org-contact ADDR, --org-domain DOMAIN); it says "redflag hotline", hotline@localhost' \
    "$T/err" || fail "export without --org: $(cat "$T/err")"
head -1 "$T/x.csv" | grep -q '^case,url,host' || fail "csv header"
grep -q '"hxxp://evil\[.\]example/win"' "$T/x.csv" || fail "csv not defanged"

# Statistics of this month (cases 1 and 3 were assessed red flag).
$H stats --month "$(date -u +%Y-%m)" --json > "$T/stats"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert (s["schema"],s["reports"],s["cases"],s["duplicates"],s["red_flags"],s["referrals"])==(1,5,4,1,2,2), s' "$T/stats" ||
    fail "stats: $(cat "$T/stats")"
$H stats --month 2026-13 2> /dev/null && fail "bad month accepted"

# The audit chain, then a tampered row.
$H audit verify > "$T/v" || fail "audit verify: $(cat "$T/v")"
$H audit list --case 1 | grep -q 'case.refer' || fail "referral not audited"
sqlite3 "$DB" "UPDATE audit SET reason = 'nothing' WHERE seq = 3" 2> /dev/null &&
    fail "the audit log accepted an UPDATE"
sqlite3 "$DB" "DROP TRIGGER audit_no_update; UPDATE audit SET reason = 'nothing' WHERE seq = 3" ||
    fail "tamper setup"
$H audit verify > "$T/v" 2>&1 && fail "tampering not detected"
grep -q 'record 3' "$T/v" || fail "tampered record not named: $(cat "$T/v")"

# --db and --raw-key without their file name: the common "needs a value"
# of every command (cli_bad_option), exit 64.
for cmd in "hotline cases" serve; do
	for opt in --db --raw-key; do
		# shellcheck disable=SC2086
		$REDFLAG $cmd $opt > /dev/null 2> "$T/err"
		rc=$?
		name=${cmd%% *}
		[ $rc = 64 ] && grep -q "^redflag: $name: option '$opt' needs a value" "$T/err" ||
		    fail "$cmd $opt: status $rc, $(cat "$T/err")"
	done
done
# links of a mail past max_report_urls are counted, in the singular for 1
printf 'From: x@y.example\nSubject: hi\nContent-Type: text/html\n\n%s %s %s\n' \
    '<a href="http://a.example/x">a</a>' '<a href="http://b.example/y">b</a>' \
    '<a href="http://c.example/z">c</a>' > "$T/three.eml"
$REDFLAG hotline --db "$T/urls.db" --set max_report_urls=2 submit --mail - \
    < "$T/three.eml" > "$T/out" || fail "submit of three links"
grep -q '^left out	1 link past max_report_urls (2)$' "$T/out" ||
    fail "left out: $(cat "$T/out")"
$REDFLAG hotline --db "$T/urls.db" audit list | grep -q '; 1 link of the mail left out' ||
    fail "audit: one link left out"
# --category and --comment go with --mail as with URLs: the reporter's
# suggestion and note on each case the mail makes, from a file or the
# pipe (they were taken and dropped: no category, no comment); a
# category that is none of the names is refused (64), nothing filed
printf 'From: x@y.example\nSubject: hi\nContent-Type: text/html\n\n%s %s\n' \
    '<a href="http://kit.example/login">a</a>' \
    '<a href="http://drop.example/bin">b</a>' > "$T/cat.eml"
HC="$REDFLAG hotline --db $T/cat.db"
$HC submit --mail "$T/cat.eml" --category malware --comment 'seen twice' \
    > "$T/out" || fail "submit --mail FILE --category"
printf 'From: x@y.example\nSubject: hi\n\nhttp://bank-login.example/verify\n' |
    $HC submit --category phishing --mail - >> "$T/out" ||
    fail "submit --category --mail -"
[ "$(grep -c 'new case$' "$T/out")" = 3 ] || fail "three cases: $(cat "$T/out")"
sqlite3 "$T/cat.db" "SELECT case_id, category, COALESCE(comment, '-') FROM reports
    ORDER BY id" > "$T/cat"
printf '1|malware|seen twice\n2|malware|seen twice\n3|phishing|-\n' |
    cmp -s - "$T/cat" || fail "submit --mail --category: $(cat "$T/cat")"
$HC cases | awk 'NR > 1 { print $1, $3 }' > "$T/cat"
printf '1 malware?\n2 malware?\n3 phishing?\n' | cmp -s - "$T/cat" ||
    fail "cases of a mail with --category: $(cat "$T/cat")"
rc=0
$HC submit --mail "$T/cat.eml" --category bogus > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" = 64 ] && [ ! -s "$T/out" ] && grep -q "'bogus' is not a category" "$T/err" ||
    fail "submit --mail --category bogus: status $rc, $(cat "$T/err")"
[ "$(sqlite3 "$T/cat.db" 'SELECT count(*) FROM reports')" = 3 ] ||
    fail "submit --mail --category bogus filed something"
# --reporter goes with --mail too: an address the mail does not show
# (the reporter reads it at another address, which forwards) is scrubbed
# beside those it names, and never stored (it was taken and dropped: the
# stored URL kept the reporter's code)
printf 'From: Prize Desk <prizes@spammer.example>\nTo: list@lists.example\nSubject: You won\nContent-Type: text/html\n\n%s\n' \
    '<a href="http://claim.example/prize/evelyn/now?x=1">claim</a>' \
    > "$T/alias.eml"
HR="$REDFLAG hotline --db $T/rep.db"
$HR submit --reporter evelyn@home.example --mail "$T/alias.eml" > "$T/out" ||
    fail "submit --reporter --mail"
grep -q 'new case$' "$T/out" || fail "submit --reporter --mail: $(cat "$T/out")"
sqlite3 "$T/rep.db" .dump > "$T/dump"
grep -q 'claim.example/prize/redflag-removed/now' "$T/dump" ||
    fail "submit --reporter --mail: the reporter's name left in the URL"
grep -q 'evelyn' "$T/dump" && fail "submit --reporter --mail stored the reporter's name"
echo "hotline cli: all checks passed"
