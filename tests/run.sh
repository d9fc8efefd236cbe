#!/bin/sh
# run.sh BUILD - run every unit test program in BUILD/tests and every
# end-to-end script in tests/e2e, from the top of the tree; print one
# closing line "N passed, N failed" and fail if any failed.
# A script that exits 77 is counted as skipped (say why on stderr).
set -u
build=${1:-build}
export REDFLAG="$build/redflag" BUILD="$build"
pass=0 fail=0 skip=0 failed=""
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	echo "--- $t"
	sh "$t"
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "ok: $t" ;;
	77) skip=$((skip + 1)); echo "skipped: $t" ;;
	*) fail=$((fail + 1)); failed="$failed $t"; echo "FAILED: $t" ;;
	esac
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
