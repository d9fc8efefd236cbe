#!/bin/sh
# cli_errors.sh - the obvious mistakes of a new user get a message on
# standard error that names the option or the file and the problem, and
# an exit status a script can use: never a crash, never a silent success.
set -eu
: "${REDFLAG:=build/redflag}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

# expect STATUS PATTERN COMMAND...: run COMMAND (standard input empty),
# check its exit status and that standard error matches PATTERN (grep -E)
expect() {
	want=$1 pat=$2
	shift 2
	set +e
	"$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ] || ! grep -Eq -- "$pat" "$tmp/err"; then
		echo "FAIL: $*: status $got (want $want), stderr:" >&2
		head -n 3 "$tmp/err" >&2
		fails=$((fails + 1))
	fi
}

awk '/^From /{n++} n==1' samples/sample.mbox >"$tmp/one.eml"
: >"$tmp/empty"
mkdir "$tmp/dir"
cp "$tmp/one.eml" "$tmp/dir/a.eml"
cp "$tmp/one.eml" "$tmp/dir/b.eml"

# an option that takes a value, given without one, is not "unknown"
expect 64 "scan: option '--db' needs a value" "$REDFLAG" scan --db
expect 64 "scan: unknown option '--bogus'" "$REDFLAG" scan --bogus
expect 64 "clean: option '--rcpt' needs a value" "$REDFLAG" clean --rcpt
expect 64 "clean: option '--verdict' needs a value" "$REDFLAG" clean --verdict
expect 64 "train: option '--classifier' needs a value" "$REDFLAG" train --classifier
expect 64 "complain: option '--rcpt' needs a value" "$REDFLAG" complain --rcpt
expect 64 "arf: option '--type' needs a value" "$REDFLAG" arf make --type
expect 64 "consent: option '--source' needs a value" "$REDFLAG" consent add --source
expect 64 "serve: option '--port' needs a value" "$REDFLAG" serve --port
expect 64 "milter: option '--socket' needs a value" "$REDFLAG" milter --socket
expect 64 "milter: unknown option '--bogus'" "$REDFLAG" milter --bogus
# the filter defers on any mistake (75), and says which
expect 75 "filter: option '-r' needs a value" "$REDFLAG" filter -r

# commands that take one message refuse a folder, an mbox of several
# and an empty file instead of reading the first message or nothing
expect 1 "clean: .*/dir: holds several messages" "$REDFLAG" clean "$tmp/dir"
expect 1 "clean: samples/sample.mbox: holds several messages" \
	"$REDFLAG" clean samples/sample.mbox
expect 1 "clean: .*/empty: empty, no message" "$REDFLAG" clean "$tmp/empty"
expect 1 "complain: .*/empty: empty, no message" \
	"$REDFLAG" complain --db "$tmp/s.db" "$tmp/empty"
expect 1 "complain: samples/sample.mbox: holds several messages" \
	"$REDFLAG" complain --db "$tmp/s.db" samples/sample.mbox
expect 1 "arf make: .*/dir: holds several messages" \
	"$REDFLAG" arf make --rcpt a@example.org "$tmp/dir"
expect 64 "clean: one message at a time: 'b' is one argument too many" \
	"$REDFLAG" clean a b
expect 64 "clean: --verdict: spam, bulk, ham or unsure, not 'bogus'" \
	"$REDFLAG" clean --verdict bogus "$tmp/one.eml"
# one message is still cleaned, from a file and from standard input
"$REDFLAG" clean "$tmp/one.eml" >"$tmp/out"
grep -q '^X-Redflag-Cleaned: 2 links rewritten; 1 web bug' "$tmp/out" ||
	{ echo "FAIL: clean of one message" >&2; fails=$((fails + 1)); }
"$REDFLAG" clean <"$tmp/one.eml" >"$tmp/out"
grep -q '^X-Redflag-Cleaned: 2 links rewritten; 1 web bug' "$tmp/out" ||
	{ echo "FAIL: clean of standard input" >&2; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] || { echo "cli_errors: $fails failed" >&2; exit 1; }
echo "cli_errors: ok"
