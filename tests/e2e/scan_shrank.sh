#!/bin/sh
# scan_shrank.sh - an mbox cut short while redflag scan or cluster reads it
# (a live mailbox a mail client expunges: the mbox is mapped, and reading
# a page past its new end raises SIGBUS) ends with one line that says so
# and the input error's status, 1; it died with "Bus error", 135.
# Deterministic: the file is cut only once /proc/PID/maps shows it mapped,
# and it is big enough that reading it takes far longer than that; should
# the command still finish first (status 0), it is tried again with a
# file twice as big, three times at most.
set -u
: "${REDFLAG:=build/redflag}"
[ -r /proc/self/maps ] || { echo "skip: no /proc/PID/maps" >&2; exit 77; }
dir=$(mktemp -d) || exit 1
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

# An mbox of 2^11 copies of the sample (16 MB, 20,000 messages).
cp samples/sample.mbox "$dir/base.mbox"
i=0
while [ $i -lt 11 ]; do
	cat "$dir/base.mbox" "$dir/base.mbox" > "$dir/x" &&
	    mv "$dir/x" "$dir/base.mbox" || fail "cannot make the mbox"
	i=$((i + 1))
done

# cut CMD...: run CMD on $dir/in.mbox (a copy of base.mbox), cut the file
# to nothing once it is mapped; its status in $rc, stderr in $dir/err
cut_short() {
	cp "$dir/base.mbox" "$dir/in.mbox" || fail "cannot copy the mbox"
	"$@" "$dir/in.mbox" > /dev/null 2> "$dir/err" &
	pid=$!
	n=0
	until grep -q "$dir/in.mbox" "/proc/$pid/maps" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || break	# done already
		n=$((n + 1))
		[ $n -gt 3000 ] && fail "$*: the mbox never mapped"
		sleep 0.01
	done
	: > "$dir/in.mbox"
	wait "$pid"
	rc=$?
	pid=
}

for cmd in scan cluster; do
	tries=0
	while :; do
		if [ "$cmd" = scan ]; then
			cut_short "$REDFLAG" scan --no-progress
		else
			cut_short "$REDFLAG" cluster
		fi
		tries=$((tries + 1))
		# finished before the cut: a bigger file
		[ $rc -eq 0 ] && [ $tries -lt 3 ] || break
		cat "$dir/base.mbox" "$dir/base.mbox" > "$dir/x" &&
		    mv "$dir/x" "$dir/base.mbox" || fail "cannot make the mbox"
	done
	[ $rc -eq 1 ] || fail "$cmd: exit $rc (want 1): $(head -c 300 "$dir/err")"
	printf 'redflag: %s: an input file shrank while it was being read (changed by another program?); run again\n' \
	    "$cmd" | cmp -s - "$dir/err" ||
		fail "$cmd: stderr: $(head -c 300 "$dir/err")"
done
echo "scan_shrank: ok"
