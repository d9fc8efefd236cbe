#!/bin/sh
# hotline_export_slow.sh - `hotline export` into a reader that does not
# read yet (`| less` left open, a stopped pipe) holds no store lock while
# it waits: a `hotline submit` and a report to the running server's API
# are filed at once, not after the 5 s busy timeout with exit 75 and 500
# (the export used to write inside its BEGIN IMMEDIATE).  Once the reader
# reads, the export is whole and its referrals are recorded; an export
# whose case changed meanwhile records none and says so.
# run.sh: alone
. tests/e2e/lib/hotline.sh
H="$REDFLAG hotline --db $DB"
N=120

# N red-flag cases: more X-ARF than a pipe holds (64 KiB), so the export
# blocks in its write until the reader reads.
urls= i=1
while [ $i -le $N ]; do
	urls="$urls http://kit$i.example/login"
	i=$((i + 1))
done
$H --set max_report_urls=200 submit $urls > /dev/null || fail "submit"
i=1
while [ $i -le $N ]; do
	$H review $i > /dev/null && $H assess $i red_flag --category fraud \
	    --why x > /dev/null || fail "review, assess $i"
	i=$((i + 1))
done
start_server

ms() { date +%s%N | cut -c1-13; }

# slow_export SECS [CASE...]: an export whose reader sleeps SECS before
# it reads; its exit status in $T/rc, its bytes in $T/bytes, its
# standard error in $T/err.  Returns at once.
slow_export() {
	secs=$1
	shift
	rm -f "$T/rc" "$T/bytes"
	{ $H export --target police --reference R-SLOW "$@" 2> "$T/err"
	  echo $? > "$T/rc"; } | { sleep "$secs"; wc -c > "$T/bytes"; } &
	PIDS="$PIDS $!"
	sleep 1		# made, and blocked in its write
}

# wait_export: until the export of slow_export ended.
wait_export() {
	i=0
	while [ ! -s "$T/rc" ] || [ ! -s "$T/bytes" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && fail "the export did not end"
		sleep 0.1
	done
}

slow_export 8
[ -s "$T/rc" ] && fail "the export ended before its reader read: $(cat "$T/err")"
t0=$(ms)
$H submit http://meanwhile.example/ > "$T/sub" 2>&1 ||
    fail "submit while the export waits: $(cat "$T/sub")"
t1=$(ms)
[ $((t1 - t0)) -lt 2000 ] ||
    fail "submit while the export waits took $((t1 - t0)) ms"
code=$(curl -s -m 20 -o "$T/api" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"url":"http://x.example/"}' "$BASE/api/reports")
t2=$(ms)
[ "$code" = 201 ] || fail "API report while the export waits: HTTP $code: $(cat "$T/api")"
[ $((t2 - t1)) -lt 2000 ] ||
    fail "API report while the export waits took $((t2 - t1)) ms"
[ -s "$T/rc" ] && fail "the export ended before its reader read"
wait_export
[ "$(cat "$T/rc")" = 0 ] || fail "export: exit $(cat "$T/rc"): $(cat "$T/err")"
grep -q "$N cases exported and referred" "$T/err" || fail "export: $(cat "$T/err")"
[ "$(cat "$T/bytes")" -gt 65536 ] || fail "export of $(cat "$T/bytes") bytes only"
[ "$($H referrals | grep -c R-SLOW)" = $N ] ||
    fail "referrals: $($H referrals | grep -c R-SLOW) of $N"
$H show 1 | grep -q '^case 1  Referred' || fail "case 1 not referred"

# A case moved on while the export waited: written, not recorded; said.
slow_export 3 $(seq 1 $N)
$H state 2 monitoring --why "watch it" > /dev/null || fail "state 2 while the export waits"
wait_export
[ "$(cat "$T/rc")" = 1 ] || fail "export of a changed case: exit $(cat "$T/rc"): $(cat "$T/err")"
grep -q 'the export was written but the referrals could not be recorded: case 2 changed while the export was delivered (now monitoring, category fraud): no case referred' "$T/err" ||
    fail "export of a changed case: $(cat "$T/err")"
[ "$($H referrals | grep -c R-SLOW)" = $N ] || fail "a referral recorded for a changed export"
$H audit verify > /dev/null || fail "audit verify"
echo "hotline_export_slow: ok"
