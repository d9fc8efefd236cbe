#!/bin/sh
# hotline_paging_lists.sh - the hotline's other long lists a page of
# queue_page_size at a time, as the queue (hotline_paging.sh), each
# saying what it left out: `hotline referrals` and `hotline audit list`
# (--offset N; "N more ... not shown" on standard error), the web audit
# log (Previous and Next), a case page's referrals and history, and a
# case's related cases (`show` and the case page: "2 related cases shown,
# more not shown").
# Before, the web audit log stopped at 500 records ("The newest 500
# records"), a case's history at 100, `audit list` and `referrals` at
# 1000, related cases at 200, all in silence.
. tests/e2e/lib/hotline.sh
H="$REDFLAG hotline --db $DB"
P="$H --set queue_page_size=2"

for i in 1 2 3; do
	$H submit "http://kit$i.example/x" > /dev/null || fail "submit $i"
	$H review $i > /dev/null || fail "review $i"
	$H assess $i red_flag --category phishing --why "kit $i" > /dev/null ||
	    fail "assess $i"
done
$H export > /dev/null 2>&1 || fail "export"		# 3 referrals
$H export 1 > /dev/null 2>&1 || fail "export 1 again"	# case 1: 2
$H export 1 > /dev/null 2>&1 || fail "export 1 a third time"	# 3, 5 in all

# --- referrals ---
$P referrals > "$T/out" 2> "$T/err" || fail "referrals: exit $?"
[ "$(grep -c ' case ' "$T/out")" = 2 ] || fail "referrals: not a page of 2: $(cat "$T/out")"
grep -q '^redflag: hotline referrals: 3 more referrals not shown (queue_page_size 2): the next page with --offset 2$' "$T/err" ||
    fail "referrals: what was left out not said: $(cat "$T/err")"
$P referrals --offset 4 > "$T/out" 2> "$T/err" || fail "referrals --offset 4"
[ "$(grep -c ' case ' "$T/out")" = 1 ] || fail "referrals --offset 4: $(cat "$T/out")"
[ -s "$T/err" ] && fail "referrals: the last page says something: $(cat "$T/err")"
$P referrals 1 > "$T/out" 2> "$T/err" || fail "referrals 1"
[ "$(grep -c ' case 1 ' "$T/out")" = 2 ] || fail "referrals 1: $(cat "$T/out")"
grep -q '1 more referral not shown (queue_page_size 2): the next page with --offset 2$' "$T/err" ||
    fail "referrals 1: $(cat "$T/err")"
$H referrals > "$T/out" 2> "$T/err" || fail "referrals"
[ "$(grep -c ' case ' "$T/out")" = 5 ] || fail "referrals: default page: $(cat "$T/out")"
[ -s "$T/err" ] && fail "referrals: all shown, yet: $(cat "$T/err")"
$H referrals --offset 7 > /dev/null 2> "$T/err" || fail "referrals --offset 7"
grep -q 'no referral from --offset 7 (5 in all)' "$T/err" || fail "referrals past the end: $(cat "$T/err")"
$H referrals --offset x > /dev/null 2>&1; [ $? = 64 ] || fail "referrals --offset x: not a usage error"

# --- audit list ---
$H audit list > "$T/all" 2> "$T/err" || fail "audit list"
[ -s "$T/err" ] && fail "audit list: all shown, yet: $(cat "$T/err")"
N=$(wc -l < "$T/all")
[ "$N" -gt 6 ] || fail "audit list: $N records"
$P audit list > "$T/out" 2> "$T/err" || fail "audit list, a page of 2"
[ "$(wc -l < "$T/out")" = 2 ] || fail "audit list: not a page of 2: $(cat "$T/out")"
head -2 "$T/all" | cmp -s - "$T/out" || fail "audit list: not the newest 2"
grep -q "^redflag: hotline audit list: $((N - 2)) more audit records not shown (queue_page_size 2): the next page with --offset 2\$" "$T/err" ||
    fail "audit list: what was left out not said: $(cat "$T/err")"
$P audit list --offset $((N - 1)) > "$T/out" 2> "$T/err" || fail "audit list --offset"
tail -1 "$T/all" | cmp -s - "$T/out" || fail "audit list: the last page is not the oldest"
[ -s "$T/err" ] && fail "audit list: the last page says something: $(cat "$T/err")"
$H audit list --case 1 > "$T/c1" || fail "audit list --case 1"
C=$(wc -l < "$T/c1")
$P audit list --case 1 > /dev/null 2> "$T/err" || fail "audit list --case 1, a page of 2"
grep -q "$((C - 2)) more audit records not shown" "$T/err" || fail "audit list --case 1: $(cat "$T/err")"
$H audit list --case 9 > /dev/null 2> "$T/err" || fail "audit list --case 9"
grep -q 'no audit record of that case' "$T/err" || fail "audit list --case 9: $(cat "$T/err")"
$H audit list --offset "$N" > /dev/null 2> "$T/err" || fail "audit list past the end"
grep -q "no audit record from --offset $N ($N in all)" "$T/err" || fail "audit list past the end: $(cat "$T/err")"
$H audit verify --offset 1 > /dev/null 2>&1; [ $? = 64 ] || fail "audit verify --offset accepted"
$H audit list --offset -1 > /dev/null 2>&1; [ $? = 64 ] || fail "audit list --offset -1 accepted"

# --- the web audit log and a case page ---
start_server --set queue_page_size=2
add_user sue supervisor
login sue
N=$($H audit list | wc -l)
curl -s -b "$T/sue.jar" "$BASE/audit" > "$T/a.html"
[ "$(grep -o '<td class="hash">' "$T/a.html" | wc -l)" = 2 ] || fail "web audit log: not a page of 2"
grep -q "id=\"shown\">Showing 1 to 2 of $N records (a page is queue_page_size, 2)\\." "$T/a.html" ||
    fail "web audit log: what is shown not said"
grep -q '<a id="next" href="/audit?offset=2">Next 2</a>' "$T/a.html" || fail "web audit log: no next page link"
grep -q 'The newest 500' "$T/a.html" && fail "web audit log: the old fixed text"
curl -s -b "$T/sue.jar" "$BASE/audit?offset=$((N - 1))" > "$T/a.html"
[ "$(grep -o '<td class="hash">' "$T/a.html" | wc -l)" = 1 ] || fail "web audit log, last page"
grep -q "<a id=\"prev\" href=\"/audit?offset=$((N - 3))\">Previous 2</a>" "$T/a.html" ||
    fail "web audit log, last page: no previous page link"
grep -q 'id="next"' "$T/a.html" && fail "web audit log: a next page link on the last page"
grep -q '<td class="num">1</td>' "$T/a.html" || fail "web audit log, last page: not record 1"

C=$($H audit list --case 1 | wc -l)
curl -s -b "$T/sue.jar" "$BASE/case/1" > "$T/c.html"
sed -n 's/.*<ul class="history">\(.*\)/\1/p' "$T/c.html" | sed 's/<\/ul>.*//' > "$T/h"
[ "$(grep -o '<li>' "$T/h" | wc -l)" = 2 ] || fail "case page: not 2 history records"
grep -q "id=\"history-shown\">Showing 1 to 2 of $C records (a page is queue_page_size, 2)\\." "$T/c.html" ||
    fail "case page: the history cut short not said"
grep -q '<a id="history-next" href="/case/1?history=2">Next 2</a>' "$T/c.html" ||
    fail "case page: no next page of the history"
grep -q 'id="referrals-shown">Showing 1 to 2 of 3 referrals (a page is queue_page_size, 2)\.' "$T/c.html" ||
    fail "case page: the referrals cut short not said"
grep -q '<a id="referrals-next" href="/case/1?referrals=2">Next 1</a>' "$T/c.html" ||
    fail "case page: no next page of the referrals"
curl -s -b "$T/sue.jar" "$BASE/case/1?referrals=2&history=2" > "$T/c.html"
grep -q 'id="referrals-shown">Showing 3 to 3 of 3 referrals' "$T/c.html" ||
    fail "case page: the last referral page"
grep -q "id=\"history-shown\">Showing 3 to " "$T/c.html" || fail "case page: the second history page"
grep -q '<a id="history-prev" href="/case/1?history=0">Previous 2</a>' "$T/c.html" ||
    fail "case page: no previous page of the history"
curl -s -b "$T/sue.jar" "$BASE/case/2" > "$T/c.html"
grep -q 'id="referrals-shown"' "$T/c.html" && fail "case page: one referral, yet a pager"

# --- related cases: a page of queue_page_size, more said ---
for h in a b c d; do
	$H submit "http://$h.same.example/x" > /dev/null || fail "submit $h.same"
done	# cases 4 to 7, one registrable domain
$P show 4 > "$T/out" 2> "$T/err" || fail "show 4"
[ "$(grep -c '^  related case' "$T/out")" = 2 ] || fail "show: not 2 related cases: $(cat "$T/out")"
grep -q '^redflag: hotline show: case 4: 2 related cases shown, more not shown (queue_page_size 2)$' "$T/err" ||
    fail "show: related cases left out not said: $(cat "$T/err")"
$H show 4 > "$T/out" 2> "$T/err" || fail "show 4"
[ "$(grep -c '^  related case' "$T/out")" = 3 ] || fail "show: all 3 related cases: $(cat "$T/out")"
[ -s "$T/err" ] && fail "show: all related shown, yet: $(cat "$T/err")"
curl -s -b "$T/sue.jar" "$BASE/case/4" > "$T/c.html"
grep -q 'id="related-more">2 related cases shown, more not shown (queue_page_size, 2)\.' "$T/c.html" ||
    fail "case page: related cases left out not said"
echo "hotline_paging_lists: ok"
