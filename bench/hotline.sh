#!/bin/sh
# hotline.sh - figures of the hotline: reports filed per second through
# the command line (50 URLs per report, 20 % of them duplicates through
# differently tracked links), and the time to render the queue and a case
# page of that store.  No peer does this job offline; figures only.
set -eu
R=${REDFLAG:-build/redflag}
T=$(mktemp -d)
trap 'kill $PID 2>/dev/null; rm -rf "$T"' EXIT INT TERM
N=${N:-40}
i=0
start=$(date +%s.%N)
while [ $i -lt $N ]; do
	j=0 urls=""
	while [ $j -lt 50 ]; do
		if [ $((j % 5)) = 0 ]; then
			urls="$urls http://dup.example/p$((j % 10))?email=r$i@mail.example"
		else
			urls="$urls http://site$i-$j.example/path/$j?utm_source=x"
		fi
		j=$((j + 1))
	done
	# shellcheck disable=SC2086
	"$R" hotline --db "$T/h.db" submit --reporter "r$i@mail.example" $urls > /dev/null
	i=$((i + 1))
done
end=$(date +%s.%N)
cases=$("$R" hotline --db "$T/h.db" stats --month "$(date -u +%Y-%m)" --json |
    sed 's/.*"cases": \([0-9]*\).*/\1/')
echo "hotline: $((N * 50)) URLs in $N reports, $cases cases: $(echo "$N * 50 / ($end - $start)" | bc) URLs/s (one process per report)"
printf 'benchmark-password\n' | "$R" hotline --db "$T/h.db" user add b --role supervisor > /dev/null
"$R" serve --db "$T/h.db" --port 0 > "$T/out" &
PID=$!
while ! grep -q listening "$T/out" 2>/dev/null; do sleep 0.05; done
BASE=$(sed -n 's/.*listening on \(http:[^ ]*\)\//\1/p' "$T/out")
curl -s -c "$T/j" -b "$T/j" "$BASE/login" > "$T/l"
lt=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/l")
curl -s -o /dev/null -w 'sign-in (argon2id): %{time_total}s\n' -c "$T/j" -b "$T/j" \
    -d "csrf=$lt&user=b&password=benchmark-password" "$BASE/login"
curl -s -o /dev/null -w "queue page ($cases cases, 500 shown): %{time_total}s, %{size_download} bytes\n" \
    -b "$T/j" "$BASE/queue?view=all"
curl -s -o /dev/null -w 'case page: %{time_total}s\n' -b "$T/j" "$BASE/case/1"
curl -s -o /dev/null -w 'statistics page (12 months): %{time_total}s\n' -b "$T/j" "$BASE/stats"
