#!/bin/sh
# consent_concurrent.sh - consent and complaints recorded while mail is
# filtered from the same SQLite store:
#  1. `redflag consent import -` whose standard input stalls for 6 s
#     after some lines must not hold the store's write lock meanwhile: a
#     milter (4 connections) and `redflag filter` pass and count their
#     copies during the stall (on the base they waited 2 s and
#     tempfailed); the import then ends with every line recorded.
#  2. 4 `redflag consent import` of 300 lines each, 2 of `redflag
#     complain` x 10 and a milter with 4 connections, all at once: every
#     process succeeds, every record and complaint is there, and the
#     campaign counts every copy the milter accepted.
# run.sh: alone
set -u
. tests/e2e/lib/postfix.sh
milter_test_begin consconc 180
d=$PF_DIR
tool="python3 tests/e2e/lib/concmail.py"
copies() { "$REDFLAG" campaigns --db "$1" --limit 0 --min-size 1 | awk 'NR > 1 {n += $3} END {print n + 0}'; }
complaints() { "$REDFLAG" campaigns --db "$1" --limit 0 --min-size 1 | awk 'NR > 1 {n += $4} END {print n + 0}'; }
db=$d/store.db
for k in 0 1 2 3 4; do $tool mbox "$d/p$k.mbox" $((k * 100)) 100 || fail mbox; done
for k in 0 1 2 3; do
	i=0
	while [ $i -lt 300 ]; do
		printf 'u%d.%d@test.example\tnews%d@shop.example\n' $k $i $k
		i=$((i + 1))
	done > "$d/c$k.tsv"
done
redflag_milter_start --set "db=$db" || fail "milter start"

# 1. an import waiting for its input
{ cat "$d/c0.tsv"; sleep 6; cat "$d/c1.tsv"; } |
    "$REDFLAG" consent --db "$db" import - > "$d/imp.out" 2> "$d/imp.err" &
imp=$!
sleep 2
$tool milter "$RF_MILTER_PORT" "$d/p0.mbox" 4 > "$d/m.out" || fail "milter client"
[ "$(cat "$d/m.out")" = "c 100" ] || fail "milter during the import's stall: $(cat "$d/m.out")"
sed 1d "$d/p1.mbox" | sed '/^From news@shop/,$d' > "$d/one.eml"
timeout 30 "$REDFLAG" filter --set "db=$db" < "$d/one.eml" > "$d/f.out" 2> "$d/f.err" ||
	fail "filter during the import's stall: status $?: $(cat "$d/f.err")"
wait $imp || fail "import: status $?: $(cat "$d/imp.err")"
grep -q '^600 added, 0 known already, 0 refused$' "$d/imp.out" ||
	fail "import: $(cat "$d/imp.out")"
[ "$(copies "$db")" -eq 101 ] || fail "$(copies "$db") copies counted, 101 passed"
echo "import stalled 6 s: the milter passed 100, the filter 1, all counted; import: $(cat "$d/imp.out")"

# 2. everything at once
pids=
for k in 2 3; do
	"$REDFLAG" consent --db "$db" import "$d/c$k.tsv" > "$d/i$k.out" 2> "$d/i$k.err" &
	pids="$pids $!"
done
for k in 0 1; do
	(
		i=0
		while [ $i -lt 10 ]; do
			"$REDFLAG" complain --db "$db" --no-learn \
			    --rcpt "r$((k * 10 + i))x@test.example" "$d/one.eml" ||
				exit 1
			i=$((i + 1))
		done
	) > "$d/cp$k.out" 2> "$d/cp$k.err" &
	pids="$pids $!"
done
$tool milter "$RF_MILTER_PORT" "$d/p2.mbox" 4 > "$d/m2.out" &
pids="$pids $!"
for p in $pids; do wait "$p" || fail "a process failed: $(cat "$d"/i*.err "$d"/cp*.err)"; done
[ "$(cat "$d/m2.out")" = "c 100" ] || fail "milter: $(cat "$d/m2.out")"
for k in 2 3; do
	grep -q '^300 added, 0 known already, 0 refused$' "$d/i$k.out" ||
		fail "import $k: $(cat "$d/i$k.out")"
done
n=$("$REDFLAG" consent --db "$db" list | grep -c .)
[ "$n" -eq 1200 ] || fail "$n consent records, 1200 imported"
[ "$(complaints "$db")" -eq 20 ] || fail "$(complaints "$db") complaints, 20 made"
[ "$(copies "$db")" -eq 201 ] || fail "$(copies "$db") copies counted, 201 passed"
echo "at once: 2 imports, 20 complaints, a milter: 1200 records, 20 complaints, 201 copies"
