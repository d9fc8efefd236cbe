#!/bin/sh
# hotline_reporter.sh - redflag hotline against a hostile or careless
# reporter: a forward that names the reporter only in its own From:
# (inline forward, or an attached spam addressed to someone else) keeps
# none of the reporter's codes; rejected URLs are not echoed in full.
. tests/e2e/lib/hotline.sh
H="$REDFLAG hotline --db $DB"

# An inline forward: the mail itself is the suspect mail, its To: is the
# hotline, the reporter is only its From:.
cat > "$T/inline.eml" <<'MAIL'
From: Annabel Smith <annabel@mail.example>
To: report@hotline.example
Subject: Fwd: you won
Message-ID: <fwd-inline@mail.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Please look at this spam I got:

---------- Forwarded message ---------
From: Winner <win@spam.example>
Subject: you won
To: Annabel Smith <annabel@mail.example>

Claim your prize at http://evil.example/claim?who=annabel@mail.example
or http://evil.example/u/YW5uYWJlbEBtYWlsLmV4YW1wbGU= or
http://evil.example/claim/annabel/now
MAIL
$H submit --mail - < "$T/inline.eml" > "$T/out" 2> "$T/err" || fail "inline forward"
[ "$(grep -c '^report' "$T/out")" = 3 ] || fail "inline: 3 reports expected: $(cat "$T/out")"
sqlite3 "$DB" .dump > "$T/dump"
grep -q -e 'annabel' -e 'YW5uYWJlbEBtYWlsLmV4YW1wbGU' "$T/dump" &&
    fail "inline forward: the forwarder's address was stored: $(grep -e annabel -e YW5u "$T/dump")"

# An inline forward whose Subject lost its "Fwd:": the quoted From: and
# Subject: lines tell it.
sed -e 's/^Subject: Fwd: you won/Subject: look at this/' -e 's/annabel/gwen.reporter/g' \
    -e 's/YW5uYWJlbEBtYWlsLmV4YW1wbGU=/Z3dlbi5yZXBvcnRlckBtYWlsLmV4YW1wbGU=/' "$T/inline.eml" |
    $H submit --mail - > "$T/out" 2> "$T/err" || fail "inline forward without Fwd:"
sqlite3 "$DB" .dump | grep -q -e 'gwen' -e 'Z3dlbi5yZXBvcnRlckBtYWlsLmV4YW1wbGU' &&
    fail "inline forward without Fwd:: the forwarder's address was stored"

# A forward "as attachment" of a spam whose To: is not the reporter (a
# list, a fake address): the forwarder's own codes go too.
cat > "$T/attached.eml" <<'MAIL'
From: Conrad Reporter <conrad@reporter.example>
To: report@hotline.example
Subject: Fwd: invoice
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain

see attached

--b1
Content-Type: message/rfc822

From: Billing <billing@spam.example>
To: customers@bank.example
Subject: invoice
Message-ID: <spam-9@spam.example>
Content-Type: text/plain

Pay at http://pay.example/inv?acct=conrad@reporter.example now.
--b1--
MAIL
$H submit --mail - < "$T/attached.eml" > "$T/out" 2> "$T/err" || fail "attached forward"
grep -q '^report' "$T/out" || fail "attached: nothing filed: $(cat "$T/out")"
sqlite3 "$DB" .dump | grep -q 'conrad' &&
    fail "attached forward: the forwarder's address was stored"

# The spam itself (not a forward) piped in: its sender is not the
# reporter; the sender's words in its links and Message-ID stay.
printf '%s\n' "From: Shop News <news.desk@shop.example>" "To: erin.reporter@mail.example" \
    "Subject: today only" "Message-ID: <4711.news.desk@shop.example>" \
    "Content-Type: text/plain" "" "see http://shop.example/news.desk/today?u=erin.reporter@mail.example" |
    $H submit --mail - > "$T/out" 2> "$T/err" || fail "spam itself"
sqlite3 "$DB" "SELECT url_clean, message_id FROM reports WHERE url_clean LIKE '%shop.example%'" > "$T/r"
[ "$(cat "$T/r")" = "http://shop.example/news.desk/today|4711.news.desk@shop.example" ] ||
    fail "spam itself: the sender's own words were scrubbed: $(cat "$T/r")"
# A redirect (bounce) of the spam by the reporter: Resent-From names them.
printf '%s\n' "Resent-From: frank.reporter@mail.example" "From: Shop <offers@shop2.example>" \
    "To: undisclosed-recipients:;" "Subject: offer" "Content-Type: text/plain" "" \
    "see http://shop2.example/offer?who=frank.reporter@mail.example" |
    $H submit --mail - > "$T/out" 2> "$T/err" || fail "redirected spam"
sqlite3 "$DB" .dump | grep -q 'frank' && fail "redirect: the reporter's address was stored"

# A Message-ID that carries the reporter's address (plain or encoded,
# as some bulk senders make them) is not kept.
for mid in "1234.dora.reporter@mail.example" \
    "$(printf 'dora.reporter@mail.example' | base64).42@esp.example"; do
	printf '%s\n' "From: Shop <news@shop.example>" "To: dora.reporter@mail.example" \
	    "Subject: deals" "Message-ID: <$mid>" "Content-Type: text/plain" "" \
	    "see http://deals.example/today" |
	    $H submit --mail - > "$T/out" 2> "$T/err" || fail "mail with Message-ID $mid"
	grep -q '^report' "$T/out" || fail "nothing filed: $(cat "$T/out")"
done
sqlite3 "$DB" .dump | grep -q -e 'dora' -e "$(printf 'dora.reporter@mail.example' | base64)" &&
    fail "a Message-ID naming the reporter was stored"

# A raw-form read on the command line is audited under --as, like every
# other action.
printf '%064d\n' 7 > "$T/key"
out=$($H --raw-key "$T/key" submit --reporter hal.reporter@mail.example \
    "http://raw.example/?e=hal.reporter@mail.example") || fail "submit with a key"
rid=$(echo "$out" | sed -n 's/^report \([0-9]*\).*/\1/p')
USER=someone $H --raw-key "$T/key" --as auditee raw "$rid" --why "court order 12" > "$T/raw" ||
    fail "raw read"
grep -q 'hal.reporter' "$T/raw" || fail "raw form: $(cat "$T/raw")"
$H audit list | grep 'court order 12' > "$T/a" || fail "raw read not audited"
grep -q ' auditee ' "$T/a" || fail "raw read audited as: $(cat "$T/a")"

# A rejected URL is named by its place, never echoed: it may carry the
# reporter's address (stderr goes to logs: a mailbox pipe, cron).
$H submit --reporter zed.reporter@mail.example http://ok.example/ \
    'mailto:zed.reporter@mail.example' \
    "http://evil.example/$(printf '%05000d' 0)?e=zed.reporter@mail.example" \
    > "$T/out" 2> "$T/err" && fail "rejected URLs gave exit 0"
grep -q 'zed' "$T/err" "$T/out" && fail "a rejected URL was echoed: $(cat "$T/err")"
grep -q 'URL 2 of 3: not an http' "$T/err" || fail "rejection not named: $(cat "$T/err")"
grep -q 'URL 3 of 3: longer than max_url_len' "$T/err" || fail "rejection not named: $(cat "$T/err")"

# Terminal control bytes in a reported URL (the public API takes
# \u001b), a reason or a reference never reach the analyst's terminal raw.
ESC=$(printf '\033')
out=$($H submit "http://evil.example/a${ESC}]0;pwned$(printf '\007')${ESC}[2Jb") ||
    fail "URL with control bytes: $out"
case=$(echo "$out" | sed -n 's/.*case \([0-9]*\).*/\1/p')
$H show "$case" > "$T/show" || fail "show $case"
grep -q "$ESC" "$T/show" && fail "show: a raw ESC from a reported URL: $(cat -A "$T/show")"
grep -q '0;pwned' "$T/show" || fail "show: the URL is not shown: $(cat "$T/show")"
$H review "$case" --why "looks ${ESC}[2Jbad" && $H assess "$case" red_flag --category phishing ||
    fail "review/assess"
$H export --format csv --reference "R${ESC}[2J" "$case" > /dev/null 2>&1 || fail "export"
$H audit list > "$T/audit" && $H referrals > "$T/refs" || fail "audit list / referrals"
grep -q "$ESC" "$T/audit" && fail "audit list: a raw ESC: $(cat -A "$T/audit")"
grep -q "$ESC" "$T/refs" && fail "referrals: a raw ESC: $(cat -A "$T/refs")"

# CSV: a field a spreadsheet would run (OWASP: = + - @, TAB, CR first)
# gets a leading '.
TAB=$(printf '\t')
for ref in "=1+2" "@SUM(A1)" "${TAB}=1+2" "$(printf '\r')=1+2"; do
	$H export --format csv --reference "$ref" "$case" > "$T/x.csv" 2> /dev/null ||
	    fail "csv export"
	tail -1 "$T/x.csv" | grep -q ",\"'[^\"]*\"$(printf '\r')\$" ||
	    fail "csv: reference not defused: $(tail -1 "$T/x.csv" | cat -A)"
done

# Statistics: any month the form accepts shows, the first ones too
# (their twelve-month chart reaches back before 1970).
start_server
add_user ana analyst
login ana
for m in 1970-01 1970-11 1971-01 9999-12; do
	code=$(curl -s -o "$T/stats.html" -w '%{http_code}' -b "$T/ana.jar" "$BASE/stats?month=$m")
	[ "$code" = 200 ] || fail "stats for $m: HTTP $code"
	grep -q "$m" "$T/stats.html" || fail "stats for $m: the month is not shown"
done
# A month that is none is refused in words, not answered with this month.
for m in 2026-13 2026-1 x; do
	code=$(curl -s -o "$T/stats.html" -w '%{http_code}' -b "$T/ana.jar" "$BASE/stats?month=$m")
	[ "$code" = 400 ] || fail "stats for $m: HTTP $code, not 400"
	grep -q "give YYYY-MM" "$T/stats.html" || fail "stats for $m: no reason given"
done

# Counts of one are singular (cli_plural), others plural: the audit
# check's "Intact: 1 record" and the twelve-month chart's titles ("1
# report, 1 case, 1 red flag, 1 referral"; before the current month "0
# reports, ...").  A database of its own, whose one user is copied in by
# SQL (user add is audited), so that its log holds the login alone; the
# server makes one.db (hotline audit verify refuses a missing store).
main_db=$DB
add_user aud auditor
DB=$T/one.db
H1="$REDFLAG hotline --db $DB --as aud"
launch one
one_url=$URL one_pid=$PID
sqlite3 "$DB" "ATTACH '$main_db' AS m; INSERT INTO users SELECT * FROM m.users WHERE name = 'aud'" ||
    fail "one.db: cannot copy the user"
curl -s -c "$T/aud.jar" -b "$T/aud.jar" "$one_url/login" > "$T/login.html"
lt=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/login.html")
curl -s -o /dev/null -c "$T/aud.jar" -b "$T/aud.jar" --data-urlencode "csrf=$lt" \
    -d user=aud -d password=pw-aud-123456 "$one_url/login"
csrf=$(curl -s -b "$T/aud.jar" "$one_url/audit" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
# verify N: the audit page's check of a log of N records
verify() {
	curl -s -b "$T/aud.jar" --data-urlencode "csrf=$csrf" "$one_url/audit/verify" > "$T/v.html"
	grep -q "id=\"verify\">Intact: $1, every hash matches.<" "$T/v.html" ||
	    fail "audit check, want '$1': $(grep -o 'id="verify">[^<]*' "$T/v.html")"
}
verify "1 record"
$H1 submit --category phishing "http://one.example/x" > /dev/null &&
    $H1 review 1 > /dev/null && $H1 assess 1 red_flag --category phishing > /dev/null &&
    $H1 export --format csv 1 > /dev/null || fail "one.db: one case referred"
verify "[2-9][0-9]* records"	# 7 with the login
m=$(date -u +%Y-%m)
curl -s -b "$T/aud.jar" "$one_url/stats?month=$m" > "$T/stats.html"
grep -qF "<title>$m: 1 report, 1 case, 1 red flag, 1 referral</title>" "$T/stats.html" ||
    fail "chart, this month: $(grep -o "<title>$m[^<]*" "$T/stats.html")"
[ "$(grep -o '<title>[0-9-]*: 0 reports, 0 cases, 0 red flags, 0 referrals</title>' "$T/stats.html" | wc -l)" = 11 ] ||
    fail "chart, the eleven months before: $(grep -o '<title>[^<]*' "$T/stats.html" | head -3)"
halt "$one_pid"
DB=$main_db

# The case page shows a URL as reported in ASCII: a right-to-left
# override (U+202E) or a look-alike host cannot make it read as another.
out=$(api '{"urls": ["http://evil.example/x/\u202egnp.elppa", "http://\u0430\u0440\u0440\u04cf\u0435.com/login"]}')
echo "$out" | grep -q '"case"' || fail "API: $out"
cases=$(echo "$out" | grep -o '"case": [0-9]*' | sed 's/.* //')
[ "$(echo $cases | wc -w)" = 2 ] || fail "API: two cases expected: $out"
for c in $cases; do
	curl -s -b "$T/ana.jar" "$BASE/case/$c" > "$T/case.html"
	grep -q "$(printf '\342\200\256')" "$T/case.html" && fail "case $c: a raw U+202E on the page"
	grep -q "$(printf '\320\260\321\200')" "$T/case.html" && fail "case $c: a look-alike host shown as letters"
done
curl -s -b "$T/ana.jar" "$BASE/queue" | grep -q 'xn--80ak6aa92e' || fail "queue: no A-label"

# The navigation marks the page one is on (markup, not escaped text).
curl -s -b "$T/ana.jar" "$BASE/queue" > "$T/q.html"
grep -q '<a href="/queue" class="on" aria-current="page">' "$T/q.html" ||
    fail "nav: current page not marked: $(grep -o '<nav>.*</nav>' "$T/q.html")"

# A CSV export shown on the page copies as CSV: its CRLF line ends do
# not become U+FFFD.
add_user sue supervisor
login sue
c=$(echo $cases | cut -d' ' -f1)
$REDFLAG hotline --db "$DB" review "$c" && $REDFLAG hotline --db "$DB" assess "$c" red_flag --category phishing ||
    fail "review/assess $c"
code=$(post sue "/case/$c/action" "csrf=$CSRF" action=export format=csv target=Police)
[ "$code" = 200 ] || fail "web export: HTTP $code"
grep -q "$(printf '\357\277\275')" "$T/body" && fail "web CSV export: U+FFFD in it"
grep -q 'class="export">case,url,host' "$T/body" || fail "web CSV export: $(cat "$T/body")"

# Markup the pages build (queue tab, tags, the appeal notice) is markup.
curl -s -b "$T/ana.jar" "$BASE/queue?view=all" > "$T/q.html"
grep -q '<a href="/queue?view=all" class="on">' "$T/q.html" ||
    fail "queue tab not marked: $(grep -o '<div class="tabs">.*</div>' "$T/q.html" | head -c 600)"
out=$(api '{"url": "http://tagged.example/", "contact": {"name": "R"}}')
tc=$(echo "$out" | grep -o '"case": [0-9]*' | sed 's/.* //')
$REDFLAG hotline --db "$DB" --as ana review "$tc" > "$T/ap" &&
    $REDFLAG hotline --db "$DB" --as ana assess "$tc" not_illegal >> "$T/ap" &&
    $REDFLAG hotline --db "$DB" --as sue appeal "$tc" --why "looks wrong" >> "$T/ap" ||
    fail "review/assess/appeal $tc"
# each says what the case is now (review and assess said nothing)
printf 'case %s: in_review\ncase %s: not_illegal\ncase %s: in_review, on appeal\n' \
    "$tc" "$tc" "$tc" | cmp -s - "$T/ap" || fail "review/assess/appeal said: $(cat "$T/ap")"
curl -s -b "$T/ana.jar" "$BASE/case/$tc" > "$T/c.html"
grep -q '&lt;span\|&lt;p class' "$T/c.html" && fail "case $tc: markup shown as text"
grep -q '<span class="tag">contact</span>' "$T/c.html" || fail "case $tc: no contact tag"
grep -q '<p class="meta">On appeal' "$T/c.html" || fail "case $tc: no appeal notice"

# A reporter field only GMime can read does not take the server down.
out=$(api '{"url": "http://gm.example/", "reporter": "Ann <ann.reporter@mail.e://xample>"}')
echo "$out" | grep -q '"case"' || fail "API with an odd reporter: $out"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/login")
[ "$code" = 200 ] || fail "the server is gone after an odd reporter: HTTP $code"

# Nothing of a reporter reached the server's log.
grep -q -e 'reporter@' -e 'mail\.example' "$T/serve.err" &&
    fail "the server logged a reporter's address: $(cat "$T/serve.err")"

# The raw-form view (supervisors, Raw button) shows the URL as reported
# in ASCII like the case page: a right-to-left override or look-alike
# letters as %XX, never as characters that make it read as another.
halt "$SERVE_PID"
launch raw --raw-key "$T/key"	# a new name: serve.out names the old port
SERVE_PID=$PID BASE=$URL
login sue
out=$(api '{"urls": ["http://evil.example/x/\u202egnp.elppa?e=ivy.reporter@mail.example", "http://\u0430\u0440\u0440\u04cf\u0435.com/login"], "reporter": "ivy.reporter@mail.example"}')
reps=$(echo "$out" | grep -o '"report": [0-9]*' | sed 's/.* //')
cases=$(echo "$out" | grep -o '"case": [0-9]*' | sed 's/.* //')
[ "$(echo $reps | wc -w)" = 2 ] || fail "API with a key: $out"
set -- $cases
for r in $reps; do
	c=$1
	shift
	code=$(post sue "/case/$c/action" "csrf=$CSRF" action=raw "report=$r" why="check the look-alike")
	[ "$code" = 200 ] || fail "raw view of report $r: HTTP $code"
	grep -q 'id="result"' "$T/body" || fail "raw view of report $r: $(cat "$T/body")"
	grep -q "$(printf '\342\200\256')" "$T/body" && fail "raw view $r: a raw U+202E on the page"
	grep -q "$(printf '\320\260\321\200')" "$T/body" && fail "raw view $r: a look-alike host shown as letters"
	cp "$T/body" "$T/raw$r.html"
done
grep -q 'hxxp://evil\[.\]example/x/%E2%80%AEgnp.elppa?e=ivy.reporter@mail.example' "$T"/raw*.html ||
    fail "raw view: not the URL as reported, in ASCII: $(grep -h 'id="result"' "$T"/raw*.html)"
grep -q 'hxxp://%D0%B0%D1%80%D1%80%D3%8F%D0%B5\[.\]com/login' "$T"/raw*.html ||
    fail "raw view: look-alike host not as %XX: $(grep -h 'id="result"' "$T"/raw*.html)"
grep -q -e 'reporter@' -e 'mail\.example' "$T/raw.err" &&
    fail "the server logged a reporter's address: $(cat "$T/raw.err")"

echo "hotline reporter: all checks passed"
