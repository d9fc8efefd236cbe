#!/bin/sh
# hotline_intake_checks.sh - what was taken silently is now refused or
# said: an unknown category (`--category phising`: exit 64 naming the
# categories; the API: 400; it was filed as "other"), a case named twice
# in one export (exported and referred once; it was written and referred
# per naming), the New report form's rejected lines (each by its line
# number and why, naming max_url_len, never the URL; they were dropped
# unseen when another line was filed), and X-ARF strings as UTF-8.
. tests/e2e/lib/hotline.sh
H="$REDFLAG hotline --db $DB"

# 1. An unknown category.
rc=0
$H submit --category phising http://typo.example/ > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" = 64 ] || fail "submit --category phising: exit $rc: $(cat "$T/err")"
grep -q "hotline submit: --category 'phising' is not a category: csam, phishing, malware, fraud or other" "$T/err" ||
    fail "submit --category phising: $(cat "$T/err")"
$H cases --all 2> /dev/null | grep -q . && fail "a report filed with an unknown category"
$H submit --category phishing http://kit.example/ > /dev/null || fail "submit --category phishing"

start_server
code=$(curl -s -o "$T/api" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"url": "http://typo.example/", "category": "phising"}' "$BASE/api/reports")
[ "$code" = 400 ] || fail "API unknown category: HTTP $code: $(cat "$T/api")"
grep -q '"error": "unknown category: give csam, phishing, malware, fraud or other"' "$T/api" ||
    fail "API unknown category: $(cat "$T/api")"
$H cases --all | grep -q typo && fail "the API filed a report with an unknown category"
case $(api '{"url": "http://kit2.example/", "category": "fraud"}') in
*'"report"'*) ;;
*) fail "API category fraud not filed" ;;
esac
case $(api '{"url": "http://kit3.example/", "category": ""}') in
*'"report"'*) ;;
*) fail "API empty category (none given) not filed" ;;
esac

# 2. A case named three times in one export.
$H review 1 > /dev/null && $H assess 1 red_flag --category phishing --why kit > /dev/null ||
    fail "review, assess"
$H export --format csv --reference R-DUP 1 1 1 > "$T/x.csv" 2> "$T/err" ||
    fail "export 1 1 1: $(cat "$T/err")"
grep -q '^redflag: hotline export: 1 case exported and referred$' "$T/err" ||
    fail "export 1 1 1: $(cat "$T/err")"
[ "$(grep -c 'kit\[.\]example' "$T/x.csv")" = 1 ] || fail "export 1 1 1: $(cat "$T/x.csv")"
[ "$($H referrals 1 | grep -c R-DUP)" = 1 ] || fail "referrals of export 1 1 1: $($H referrals 1)"

# 3. X-ARF strings as UTF-8, the reference in the description.
if command -v python3 > /dev/null; then
	$H export --org 'Meldestelle Österreich' --reference 'Az. 1/2' 1 > "$T/x.json" 2> /dev/null ||
	    fail "export --org"
	python3 - "$T/x.json" << 'EOF' || fail "X-ARF: $(cat "$T/x.json")"
import json, sys
d = json.load(open(sys.argv[1], encoding='utf-8'))
assert d[0]['reporter']['org'] == 'Meldestelle Österreich', d[0]['reporter']
assert d[0]['description'].endswith('Reference: Az. 1/2'), d[0]['description']
assert 'reference:az.12' in d[0]['tags'], d[0]['tags']
EOF
fi

# 4. The form: a line filed, two rejected, each said by its number.
add_user ina intake
login ina
long=http://long.example/$(printf '%05000d' 0)
code=$(post ina /submit "csrf=$CSRF" "urls=http://ok.example/a

not a web address
$long")
[ "$code" = 200 ] || fail "form with rejected lines: HTTP $code"
grep -q 'Filed 1 of 3 web addresses' "$T/body" || fail "form: $(cat "$T/body")"
grep -q '<li>Line 3: not an http, https or ftp URL with a host</li>' "$T/body" ||
    fail "form: line 3 not said: $(cat "$T/body")"
grep -q '<li>Line 4: longer than max_url_len' "$T/body" ||
    fail "form: line 4 not said: $(cat "$T/body")"
grep -q '<li>Line 1: report #[0-9]*, <a href="/case/[0-9]*">case' "$T/body" ||
    fail "form: line 1 not said: $(cat "$T/body")"
grep -q 'not a web address\|00000000' "$T/body" && fail "form: a rejected line echoed"
$H cases --all | grep -q 'ok\[.\]example' || fail "form: line 1 not filed: $($H cases --all)"
code=$(post ina /submit "csrf=$CSRF" "urls=nothing here")
[ "$code" = 400 ] || fail "form with no line filed: HTTP $code"
grep -q '<li>Line 1: not an http' "$T/body" || fail "form, none filed: $(cat "$T/body")"
code=$(post ina /submit "csrf=$CSRF" "urls=http://ok.example/b")
[ "$code" = 303 ] || fail "form, all filed: HTTP $code"
code=$(post ina /submit "csrf=$CSRF" "urls=http://ok.example/c" "category=phising")
[ "$code" = 400 ] || fail "form, unknown category: HTTP $code"
grep -q 'unknown category' "$T/body" || fail "form, unknown category: $(cat "$T/body")"
echo "hotline_intake_checks: ok"
