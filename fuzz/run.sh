#!/bin/sh
# run.sh DIR SECONDS - run every libFuzzer binary in DIR for SECONDS each,
# FUZZ_JOBS at a time (default: the number of CPUs), with a corpus in
# fuzz/corpus-NAME (git-ignored) seeded from fuzz/seeds/NAME/.  Each
# target's log is fuzz/NAME.log.  Fails when a fuzzer finds a crash.
set -eu
dir=${1:?usage: run.sh DIR SECONDS}
secs=${2:-60}
. tests/jobs.sh
jobs=$(jobs_count "${FUZZ_JOBS:-}" FUZZ_JOBS) || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$dir"/fuzz_*; do
	[ -x "$f" ] && echo "$f"
done > "$tmp/list"

# fuzz_one K TARGET - run one target (the K-th); a line (and the log's tail on a
# failure) printed when it ends, "FAILED" added to $tmp/failed.
fuzz_one() {
	shift
	name=$(basename "$1")
	corpus=fuzz/corpus-$name
	mkdir -p "$corpus"
	seeds=""
	[ -d "fuzz/seeds/$name" ] && seeds="fuzz/seeds/$name"
	# shellcheck disable=SC2086
	if "$1" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="fuzz/corpus-$name-" \
	    "$corpus" $seeds > "fuzz/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "fuzz/$name.log")
		echo "fuzz: $name for ${secs}s: ${runs:-?} runs, no failure"
	else
		{ echo "fuzz: $name FAILED (see fuzz/$name.log)"
		  tail -40 "fuzz/$name.log"; } > "$tmp/fail.$name"
		cat "$tmp/fail.$name"
		echo "$name" >> "$tmp/failed"
	fi
}

jobs_each "$tmp/list" "$jobs" fuzz_one
if [ -s "$tmp/failed" ]; then
	echo "fuzz: failed: $(tr '\n' ' ' < "$tmp/failed")"
	exit 1
fi
echo "fuzz: $(wc -l < "$tmp/list") targets, ${secs}s each, $jobs at a time, no failure"
