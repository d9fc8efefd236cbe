#!/bin/sh
# hotline_export_full.sh - an export that cannot be written (a full disk:
# /dev/full) refers nothing: exit 70, said so on standard error, the case
# stays a red flag, no referral and no audit record is made, the audit
# chain holds; the same export to a file refers the case.  (The base
# recorded the referral first, then failed to write: law enforcement got
# nothing and the case showed referred.)
. tests/e2e/lib/hotline.sh
[ -w /dev/full ] || { echo "skip: no /dev/full" >&2; exit 77; }
H="$REDFLAG hotline --db $DB"

$H submit --category phishing "http://kit.example/login" > /dev/null ||
    fail "submit"
$H review 1 > /dev/null && $H assess 1 red_flag --category phishing \
    --why "kit" > /dev/null || fail "review, assess"
audits=$($H audit list | grep -c .)
for fmt in xarf csv; do
	rc=0
	$H export --format "$fmt" --reference R-FULL --org "Example Hotline" > /dev/full 2> "$T/err" ||
	    rc=$?
	[ "$rc" = 70 ] || fail "$fmt export to /dev/full: exit $rc: $(cat "$T/err")"
	[ "$(grep -c . "$T/err")" = 1 ] &&
	    grep -q 'cannot write to standard output: No space left on device; nothing was referred' "$T/err" ||
	    fail "$fmt export to /dev/full: $(cat "$T/err")"
	$H show 1 | grep -q '^case 1  Red flag' ||
	    fail "$fmt: case 1 referred by an export not written: $($H show 1 | head -1)"
	$H referrals 1 | grep -q 'R-FULL' &&
	    fail "$fmt: a referral recorded for an export not written"
	[ "$($H audit list | grep -c .)" = "$audits" ] ||
	    fail "$fmt: audit records made for an export not written"
done
$H audit verify > /dev/null || fail "audit verify"
$H export --format csv --reference R-OK > "$T/x.csv" 2> "$T/err" ||
    fail "export: $(cat "$T/err")"
grep -q '"hxxp://kit\[.\]example/login"' "$T/x.csv" || fail "csv: $(cat "$T/x.csv")"
grep -q '1 case exported and referred' "$T/err" || fail "export: $(cat "$T/err")"
$H show 1 | grep -q '^case 1  Referred' || fail "export did not refer the case"
$H referrals 1 | grep -q 'R-OK' || fail "no referral record"
$H audit list --case 1 | grep -q 'case.refer' || fail "referral not audited"
$H audit verify > /dev/null || fail "audit verify after the export"
echo "hotline_export_full: ok"
