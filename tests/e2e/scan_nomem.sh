#!/bin/sh
# scan_nomem.sh - redflag scan out of memory (ulimit -v) says what failed:
# exit 70 and one line on standard error that says "out of memory" (it
# said only "stopped by an internal error", or "cannot write the output").
# The limits tried are found, not fixed: the smallest address-space limit
# under which the scan of a folder succeeds (L, by bisection, to 100 KiB),
# then L - 100 KiB ... L - 1000 KiB, where the scan runs out of memory
# after the program and its libraries have loaded.  Skipped under ASan,
# whose shadow memory needs terabytes of address space.
set -u
: "${REDFLAG:=build/redflag}"
case "${BUILD:-}${REDFLAG}" in
*asan*) echo "skip: ASan build (needs a huge address space)" >&2; exit 77 ;;
esac
if nm "$REDFLAG" 2>/dev/null | grep -q __asan_init ||
    ldd "$REDFLAG" 2>/dev/null | grep -q libasan; then
	echo "skip: ASan build (needs a huge address space)" >&2
	exit 77
fi
(ulimit -v 4000000) 2>/dev/null || { echo "skip: no ulimit -v" >&2; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir "$dir/mail"
awk -v d="$dir/mail" '/^From /{n++} {print > (d "/m" n ".eml")}' \
	samples/sample.mbox
# run KIB: scan the folder under ulimit -v KIB; status in $rc
run() {
	(ulimit -v "$1" && exec "$REDFLAG" scan --json --no-progress \
	    "$dir/mail") >/dev/null 2>"$dir/err"
	rc=$?
}
lo=8000 hi=4000000
run "$hi"
[ "$rc" -eq 0 ] || fail "scan under ulimit -v $hi: status $rc"
while [ $((hi - lo)) -gt 100 ]; do
	mid=$(((lo + hi) / 2))
	run "$mid"
	if [ "$rc" -eq 0 ]; then hi=$mid; else lo=$mid; fi
done
n=0 k=1
while [ "$k" -le 10 ]; do
	v=$((hi - 100 * k))
	run "$v"
	k=$((k + 1))
	[ "$rc" -eq 0 ] && continue	# not monotonic by a page: fine
	n=$((n + 1))
	[ "$rc" -eq 70 ] || { cat "$dir/err" >&2;
	    fail "ulimit -v $v: status $rc, want 70"; }
	[ "$(grep -c . "$dir/err")" -eq 1 ] && grep -q "out of memory" \
	    "$dir/err" || { cat "$dir/err" >&2;
	    fail "ulimit -v $v: not one line saying out of memory"; }
done
[ "$n" -ge 5 ] || fail "only $n of 10 limits below $hi KiB ran out of memory"
echo "scan_nomem: ok (succeeds from about $hi KiB)"
