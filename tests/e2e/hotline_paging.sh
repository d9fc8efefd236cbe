#!/bin/sh
# hotline_paging.sh - a list cut short says so: the queue a page of
# queue_page_size at a time (`hotline cases --offset N`; the web queue's
# Previous and Next links), "N more open cases not shown" on standard
# error and "Showing A to B of M cases" on the page, and a case's reports
# past max_reports_per_case counted ("2 of 4 reports shown").  Before,
# the web queue stopped at 500 cases and `cases` at 1000, in silence,
# and `show` listed max_reports_per_case reports under "N reports".
. tests/e2e/lib/hotline.sh
H="$REDFLAG hotline --db $DB"

for i in 1 2 3 4 5; do
	$H submit "http://page$i.example/x" > /dev/null || fail "submit $i"
done
for i in 1 2 3; do	# case 1: 4 reports, first in the queue
	$H submit "http://page1.example/x" > /dev/null || fail "submit again"
done

# --- the command line ---
$H --set queue_page_size=2 cases > "$T/out" 2> "$T/err" || fail "cases: exit $?"
[ "$(grep -c 'hxxp://page' "$T/out")" = 2 ] || fail "cases: not a page of 2: $(cat "$T/out")"
grep -q 'hxxp://page1\[.\]example' "$T/out" || fail "cases: case 1 not first"
grep -q '^redflag: hotline cases: 3 more open cases not shown (queue_page_size 2): the next page with --offset 2$' "$T/err" ||
    fail "cases: what was left out not said: $(cat "$T/err")"
$H --set queue_page_size=2 cases --offset 2 > "$T/out" 2> "$T/err" || fail "cases --offset 2"
[ "$(grep -c 'hxxp://page' "$T/out")" = 2 ] || fail "cases --offset 2: $(cat "$T/out")"
grep -q 'page1' "$T/out" && fail "cases --offset 2 repeats case 1"
grep -q '1 more open case not shown (queue_page_size 2): the next page with --offset 4$' "$T/err" ||
    fail "cases --offset 2: $(cat "$T/err")"
$H --set queue_page_size=2 cases --offset 4 > "$T/out" 2> "$T/err" || fail "cases --offset 4"
[ "$(grep -c 'hxxp://page' "$T/out")" = 1 ] || fail "cases --offset 4: $(cat "$T/out")"
[ -s "$T/err" ] && fail "cases: the last page says something: $(cat "$T/err")"
$H cases > "$T/out" 2> "$T/err" || fail "cases"
[ "$(grep -c 'hxxp://page' "$T/out")" = 5 ] || fail "cases: default page"
[ -s "$T/err" ] && fail "cases: all shown, yet: $(cat "$T/err")"
$H cases --offset 9 > "$T/out" 2> "$T/err" || fail "cases --offset 9"
grep -q 'no open case from --offset 9 (5 in all)' "$T/err" || fail "cases past the end: $(cat "$T/err")"
$H cases --offset x > /dev/null 2>&1; [ $? = 64 ] || fail "--offset x: not a usage error"
$H show 1 --offset 1 > /dev/null 2>&1; [ $? = 64 ] || fail "show --offset accepted"
$H --set queue_page_size=10001 cases > /dev/null 2> "$T/err"; [ $? = 64 ] || fail "queue_page_size=10001 accepted"
grep -q 'queue_page_size: expected a number from 1 to 10000' "$T/err" || fail "queue_page_size bound: $(cat "$T/err")"

$H --set max_reports_per_case=2 show 1 > "$T/out" 2> "$T/err" || fail "show"
grep -q '4 reports$' "$T/out" || fail "show: head line"
[ "$(grep -c '^  report ' "$T/out")" = 2 ] || fail "show: not 2 reports listed"
grep -q '^redflag: hotline show: case 1: 2 of 4 reports shown, the oldest (max_reports_per_case 2)$' "$T/err" ||
    fail "show: reports left out not said: $(cat "$T/err")"
$H show 1 > "$T/out" 2> "$T/err" || fail "show"
[ "$(grep -c '^  report ' "$T/out")" = 4 ] || fail "show: all 4 reports"
[ -s "$T/err" ] && fail "show: all shown, yet: $(cat "$T/err")"

# --- the web queue and case page ---
start_server --set queue_page_size=2 --set max_reports_per_case=2
add_user ana analyst
login ana
curl -s -b "$T/ana.jar" "$BASE/queue" > "$T/q.html"
[ "$(grep -o '<tr data-href' "$T/q.html" | wc -l)" = 2 ] || fail "web queue: not a page of 2"
grep -q 'id="shown">Showing 1 to 2 of 5 cases (a page is queue_page_size, 2)\.' "$T/q.html" ||
    fail "web queue: what is shown not said"
grep -q '<a id="next" href="/queue?view=open&amp;offset=2">Next 2</a>' "$T/q.html" ||
    fail "web queue: no next page link"
grep -q 'id="prev"' "$T/q.html" && fail "web queue: a previous page link on the first page"
curl -s -b "$T/ana.jar" "$BASE/queue?view=open&offset=4" > "$T/q.html"
[ "$(grep -o '<tr data-href' "$T/q.html" | wc -l)" = 1 ] || fail "web queue, last page"
grep -q 'Showing 5 to 5 of 5 cases' "$T/q.html" || fail "web queue, last page: what is shown"
grep -q '<a id="prev" href="/queue?view=open&amp;offset=2">Previous 2</a>' "$T/q.html" ||
    fail "web queue, last page: no previous page link"
grep -q 'id="next"' "$T/q.html" && fail "web queue: a next page link on the last page"
curl -s -b "$T/ana.jar" "$BASE/queue?view=open&offset=junk" > "$T/q.html"
grep -q 'Showing 1 to 2 of 5' "$T/q.html" || fail "web queue: a bad offset is not the first page"
curl -s -b "$T/ana.jar" "$BASE/queue?view=closed" > "$T/q.html"
grep -q 'id="shown">0 cases\.' "$T/q.html" || fail "web queue: empty view"
curl -s -b "$T/ana.jar" "$BASE/case/1" > "$T/c.html"
[ "$(grep -o '<tr><td class="num">[0-9]*</td><td class="num">[0-9-]* ' "$T/c.html" | wc -l)" = 2 ] ||
    fail "case page: not 2 reports listed"
grep -q 'id="reports-shown">2 of 4 reports shown, the oldest (max_reports_per_case, 2)\.' "$T/c.html" ||
    fail "case page: reports left out not said"
echo "hotline_paging: ok"
