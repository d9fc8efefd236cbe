#!/bin/sh
# strict.sh TARGET [SECONDS [SEED]] - one strict run of the fuzz_rewrite
# binary TARGET (RF_FUZZ_STRICT=1: docs/tracking.md, "What the fuzzing
# checks") for SECONDS (default 600, the length a run must last without a
# stop before the checks could be made the default) with libFuzzer's seed SEED
# (default 0: libFuzzer picks one and logs it), in a fresh corpus folder
# seeded from fuzz/seeds/fuzz_rewrite.  Run from the tree's top folder
# (the target reads data/trackers.conf from there).  The log is
# fuzz/strict.log; a stop's input is written to fuzz/strict-crash-* (both
# git-ignored), to be read with RF_FUZZ_DUMP=1, reduced, and made a seed
# with its unit test.  Exit status: 0 no stop, 1 a stop, 2 misuse.
set -eu
target=${1:-}
secs=${2:-600}
seed=${3:-0}
if [ -z "$target" ] || [ ! -x "$target" ]; then
	echo "usage: strict.sh TARGET [SECONDS [SEED]] (TARGET: a built" \
	    "fuzz_rewrite, e.g. build-fuzz/fuzz/fuzz_rewrite)" >&2
	exit 2
fi
case "$secs$seed" in
*[!0-9]*) echo "strict.sh: SECONDS and SEED are whole numbers" >&2; exit 2 ;;
esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if RF_FUZZ_STRICT=1 "$target" -seed="$seed" -max_len=65536 \
    -rss_limit_mb=2048 -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix=fuzz/strict- "$dir" fuzz/seeds/fuzz_rewrite \
    > fuzz/strict.log 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz/strict.log)
	echo "fuzz-strict: ${secs}s, ${runs:-?} runs, no stop"
	exit 0
fi
echo "fuzz-strict: stopped (fuzz/strict.log):"
grep -a -m 3 '^new link\|^fuzz_rewrite: \|ERROR' fuzz/strict.log || true
grep -a -m 1 'artifact' fuzz/strict.log || true
exit 1
