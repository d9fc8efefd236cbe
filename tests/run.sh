#!/bin/sh
# run.sh BUILD - run every unit test program in BUILD/tests and every
# end-to-end script in tests/e2e, from the top of the tree; print one
# line per test with its wall time, the ten slowest, and one closing
# line "N passed, N failed, N skipped (S s)"; fail if any failed.
# A script that exits 77 is counted as skipped (say why on stderr).
set -u
build=${1:-build}
export REDFLAG="$build/redflag" BUILD="$build"
pass=0 fail=0 skip=0 failed=""
times=$(mktemp) || exit 1
trap 'rm -f "$times"' EXIT
t_all=$(date +%s)

# run NAME CMD... - run one test, count and time it
run() {
	name=$1
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	secs=$(($(date +%s) - t0))
	echo "$secs $name" >> "$times"
	case $rc in
	0) pass=$((pass + 1)); echo "ok: $name (${secs} s)" ;;
	77) skip=$((skip + 1)); echo "skipped: $name (${secs} s)" ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	   echo "FAILED: $name (status $rc, ${secs} s)" ;;
	esac
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	run "$t" "$t"
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	echo "--- $t"
	run "$t" sh "$t"
done
echo "slowest:"
sort -rn "$times" | head -10 | sed 's/^\([0-9]*\) \(.*\)/  \1 s  \2/'
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped ($(($(date +%s) - t_all)) s)"
[ "$fail" -eq 0 ]
