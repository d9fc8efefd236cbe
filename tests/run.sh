#!/bin/sh
# run.sh BUILD - run every unit test program in BUILD/tests and every
# end-to-end script in tests/e2e, from the top of the tree, TEST_JOBS at
# a time (default: the number of CPUs, at most 4; TEST_JOBS=1 runs them
# one after another).  Each test's output is printed whole when it ends,
# with a line "ok: NAME (S s)", "skipped: ..." or "FAILED: ..."; then the
# ten slowest and one closing line "N passed, N failed, N skipped (S s)".
# Fails if any test failed.  A test that exits 77 is counted as skipped
# (it says why on stderr).
#
# The tests may run at once because each keeps to its own temporary
# folder, free ports and Unix sockets (tests/e2e/lib/postfix.sh); a new
# test must do the same.  A script holding the line "# run.sh: alone"
# runs after the others, by itself: its writers race for one SQLite
# lock, or its steps are timed against the store's 2 s busy timeout, so
# another test's load could make it fail for nothing.
set -u
build=${1:-build}
export REDFLAG="$build/redflag" BUILD="$build"
. tests/jobs.sh
jobs=$(jobs_count "${TEST_JOBS:-}" TEST_JOBS 4) || exit 2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
t_all=$(date +%s)

# The list, in the order the tests are claimed.
for t in "$build"/tests/test_*; do
	[ -x "$t" ] && echo "$t"
done > "$tmp/list"
: > "$tmp/alone"
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	if grep -qx '# run.sh: alone' "$t"; then
		echo "$t" >> "$tmp/alone"
	else
		echo "$t"
	fi
done >> "$tmp/list"

# run_one N NAME - run test number N; its output, then its result line,
# printed in one piece; "SECONDS STATUS NAME" added to $tmp/results.
run_one() {
	t0=$(date +%s)
	case $2 in
	*.sh) sh "$2" ;;
	*) "$2" ;;
	esac > "$tmp/out.$1" 2>&1 < /dev/null
	rc=$?
	secs=$(($(date +%s) - t0))
	case $rc in
	0) line="ok: $2 ($secs s)" ;;
	77) line="skipped: $2 ($secs s)" ;;
	*) line="FAILED: $2 (status $rc, $secs s)" ;;
	esac
	{ echo "--- $2"; cat "$tmp/out.$1"; echo "$line"; } > "$tmp/block.$1"
	cat "$tmp/block.$1"
	echo "$secs $rc $2" >> "$tmp/results"
	rm -f "$tmp/out.$1" "$tmp/block.$1"
}

: > "$tmp/results"
jobs_each "$tmp/list" "$jobs" run_one
n=$(wc -l < "$tmp/list")
while read -r t; do
	n=$((n + 1))
	run_one "$n" "$t"
done < "$tmp/alone"

pass=0 fail=0 skip=0 failed=""
while read -r secs rc name; do
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed="$failed $name" ;;
	esac
done < "$tmp/results"
echo "slowest:"
sort -rn "$tmp/results" | head -10 |
	while read -r secs rc name; do echo "  $secs s  $name"; done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped, $jobs at a time" \
    "($(($(date +%s) - t_all)) s)"
total=$(($(wc -l < "$tmp/list") + $(wc -l < "$tmp/alone")))
[ $((pass + fail + skip)) -eq "$total" ] || {
	echo "run.sh: only $((pass + fail + skip)) of $total tests reported" >&2
	exit 1
}
[ "$fail" -eq 0 ]
