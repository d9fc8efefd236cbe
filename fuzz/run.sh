#!/bin/sh
# run.sh DIR SECONDS - run every libFuzzer binary in DIR for SECONDS each,
# with a corpus in fuzz/corpus-NAME (git-ignored) seeded from
# fuzz/seeds/NAME/.  Fails when a fuzzer finds a crash.
set -eu
dir=${1:?usage: run.sh DIR SECONDS}
secs=${2:-60}
status=0
for f in "$dir"/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus=fuzz/corpus-$name
	mkdir -p "$corpus"
	seeds=""
	[ -d "fuzz/seeds/$name" ] && seeds="fuzz/seeds/$name"
	echo "fuzz: $name for ${secs}s"
	# shellcheck disable=SC2086
	if ! "$f" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="fuzz/corpus-$name-" \
	    "$corpus" $seeds > "fuzz/$name.log" 2>&1; then
		echo "fuzz: $name FAILED (see fuzz/$name.log)"
		tail -40 "fuzz/$name.log"
		status=1
	else
		grep -E "stat::number_of_executed_units" "fuzz/$name.log" || true
	fi
done
exit $status
