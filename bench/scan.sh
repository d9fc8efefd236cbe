#!/bin/sh
# scan.sh - throughput of `redflag scan --json` over the SpamAssassin
# corpus, side by side with bogofilter classifying the same messages in one
# process (`bogofilter -B`, trained first on a few hundred of them).
# One core (taskset), RUNS runs each, interleaved, median reported.  Also
# checks that peak memory stays flat: the peak RSS of every tenth message,
# of the whole corpus and of the corpus given twice.
#   usage: bench/scan.sh [RUNS]      (default 5; needs `make` first)
set -eu
runs=${1:-5}
bin=${REDFLAG:-build/redflag}
sh scripts/deps.sh --bench >/dev/null
sh scripts/fetch-corpus.sh
[ -n "${REDFLAG:-}" ] || make -s	# the measured binary is the current tree's
out=bench/out/scan
rm -rf "$out" && mkdir -p "$out/bogo"
find -L corpus -type f -name '*.txt' | sort > "$out/files"
n=$(wc -l < "$out/files")
bytes=$(cat $(cat "$out/files") | wc -c)
# bogofilter's training: 200 spam and 200 ham from the corpus
grep /spam-2/ "$out/files" | head -200 | xargs cat | bogofilter -d "$out/bogo" -s -M
grep /easy-ham-1/ "$out/files" | head -200 | xargs cat | bogofilter -d "$out/bogo" -n -M
core="taskset -c 0"
command -v taskset >/dev/null 2>&1 || core=""

# time_of CMD...: "SECONDS PEAK_KB" of one run (stdout discarded): wall
# time to the microsecond (time(1)'s %e counts hundredths, 3 % of a run
# of 0.37 s, as much as the ratio's margin), peak RSS from time(1)
time_of() {
	t0=$(date +%s.%N)
	# bogofilter's exit status is its verdict, not a failure
	/usr/bin/time -f "%M" -o "$out/t" "$@" > /dev/null || true
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" -v m="$(tail -n 1 "$out/t")" \
	    'BEGIN { printf "%.6f %s\n", b - a, m }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: > "$out/redflag.t"; : > "$out/bogo.t"
i=0
while [ "$i" -lt "$runs" ]; do
	time_of $core "$bin" scan --json --no-progress corpus >> "$out/redflag.t"
	time_of $core sh -c "bogofilter -d $out/bogo -B \$(cat $out/files)" >> "$out/bogo.t"
	i=$((i + 1))
done
rf=$(cut -d' ' -f1 "$out/redflag.t" | median)
bf=$(cut -d' ' -f1 "$out/bogo.t" | median)
rss=$(cut -d' ' -f2 "$out/redflag.t" | median)

# flat memory: peak RSS of every tenth message, of the whole corpus, and
# of the whole corpus given twice (twice the messages, every one of them
# now in a campaign): batch mode keeps per-message data on disk, so the
# three should be close
mkdir -p "$out/tenth" "$out/twice/a" "$out/twice/b"
awk 'NR % 10 == 1' "$out/files" | while read -r f; do
	cp "$f" "$out/tenth/$(echo "$f" | tr / _)"
done
while read -r f; do
	g=$(echo "$f" | tr / _)
	ln -s "$PWD/$f" "$out/twice/a/$g"
	ln -s "$PWD/$f" "$out/twice/b/$g"
done < "$out/files"
rss10=$(time_of "$bin" scan --json --no-progress "$out/tenth" | cut -d' ' -f2)
rss2=$(time_of "$bin" scan --json --no-progress "$out/twice" | cut -d' ' -f2)

awk -v n="$n" -v b="$bytes" -v rf="$rf" -v bf="$bf" -v rss="$rss" \
    -v rss10="$rss10" -v rss2="$rss2" -v runs="$runs" 'BEGIN {
	printf "corpus: %d messages, %.1f MB; median of %d runs, one core\n", n, b / 1e6, runs
	printf "%-28s %10s %10s %8s\n", "program", "msgs/s", "MB/s", "seconds"
	printf "%-28s %10.0f %10.1f %8.3f\n", "redflag scan --json", n / rf, b / 1e6 / rf, rf
	printf "%-28s %10.0f %10.1f %8.3f\n", "bogofilter -B", n / bf, b / 1e6 / bf, bf
	printf "ratio redflag/bogofilter: %.2f (target >= 3)\n", bf / rf
	printf "peak RSS: every tenth message %d KB, whole corpus %d KB, whole corpus twice %d KB\n", rss10, rss, rss2
	printf "          (whole/tenth %.2f, twice/whole %.2f)\n", rss / rss10, rss2 / rss
}'
