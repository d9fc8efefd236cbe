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

# serve's own settings: a value whose k suffix overflows used to wrap
# around to a small one (2^54 + 5 k = 2^64 + 5120: 5120 connections),
# and strtoull took a sign (-18446744073709551615 = 1); a bad --listen
# after them stops the server from starting should one be taken
for v in 18014398509481989k -18446744073709551615 ' 5' +5; do
	expect_err "max_connections: 1 to 10000" "$REDFLAG" serve \
		--db "$tmp/h.db" --set "max_connections=$v" --listen 999.1.1.1
done
expect_err "request_timeout: 1 to 3600" "$REDFLAG" serve --db "$tmp/h.db" \
	--set request_timeout=18014398509481987k --listen 999.1.1.1
# serve's --port and redflag.conf's counts have the same parser as the
# sizes (rf_parse_number), without a suffix: no sign, no blank, no
# value wrapping around, no k
for v in 65536 -1 18446744073709551617 1k ' 80' +80; do
	expect_err "--port: 0 to 65535" "$REDFLAG" serve --db "$tmp/h.db" \
		--port "$v" --listen 999.1.1.1
done
for v in 0 1k -1 18446744073709551617 ' 5'; do
	expect_err "max_recipients: a number from 1 to 1000000" \
		"$REDFLAG" filter --set "max_recipients=$v"
done
# campaigns --limit (a count: rf_parse_number without suffix) and the
# verdict's counts (--set bulk_size=...): no sign (-1 was refused, +5
# taken), no blank (' 5' was taken), no suffix, nothing that wraps
# around (2^64 + 1), not blank; the message names the option or setting
for v in -1 1k 18446744073709551617 '' ' 5' +5 1000000001; do
	expect_err "--limit needs a number from 0 to 1000000000" \
		"$REDFLAG" campaigns --db "$tmp/s.db" --limit "$v"
	expect_err "--limit needs a number from 0 to 1000000000" \
		"$REDFLAG" campaigns --db "$tmp/s.db" "--limit=$v"
	expect_err "scan: --set: bulk_size: a number from 1 to 1000000000" \
		"$REDFLAG" scan --no-progress --set "bulk_size=$v" "$tmp/one.eml"
done
"$REDFLAG" scan --no-progress --db "$tmp/s.db" "$tmp/one.eml" >/dev/null &&
for v in 0 1 1000000000; do
	"$REDFLAG" campaigns --db "$tmp/s.db" --limit "$v" >/dev/null ||
		{ echo "FAIL: campaigns --limit $v" >&2; fails=$((fails + 1)); }
done
"$REDFLAG" scan --no-progress --set bulk_size=1000000000 "$tmp/one.eml" \
    >/dev/null || { echo "FAIL: bulk_size=1000000000" >&2; fails=$((fails + 1)); }
# --rcpt is checked by the consent store's own rule
# (rf_consent_address_ok): what the store would refuse as a recipient
# (angle brackets, a quote, a backslash; over 320 bytes) is a usage
# error, not an address every consent check then fails on
long=$(printf '%0314d@x.org' 0)	# 320 bytes
for r in '<alice@example.org>' 'a"b@example.org' 'a\b@example.org' \
    '@a@example.org' "a$long" 'a@example.org@' 'a@@'; do
	expect_err "scan: --rcpt: '.*' is not a mail address" \
		"$REDFLAG" scan --rcpt "$r" "$tmp/one.eml"
	expect_err "clean: --rcpt: '.*' is not a mail address" \
		"$REDFLAG" clean --rcpt "$r" "$tmp/one.eml"
done
"$REDFLAG" scan --rcpt "$long" "$tmp/one.eml" >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: a 320-byte --rcpt refused" >&2; fails=$((fails + 1)); }
# an empty domain after the last '@' (a@example.org@) was taken by
# --rcpt and by the store; consent add refuses it as --rcpt does, with
# the store's own message, and takes a@b@c as --rcpt does
expect_err "consent add: a recipient is an address \(local@domain\)" \
	"$REDFLAG" consent --db "$tmp/c.db" add 'a@example.org@' example.org
"$REDFLAG" consent --db "$tmp/c.db" add 'a@b@example.org' example.org \
    >/dev/null 2>"$tmp/err" &&
"$REDFLAG" scan --rcpt 'a@b@example.org' "$tmp/one.eml" >/dev/null 2>&1 ||
	{ echo "FAIL: a@b@example.org refused" >&2; fails=$((fails + 1)); }
[ ! -e "$tmp/h.db" ] ||
	{ echo "FAIL: a usage error made the store" >&2; fails=$((fails + 1)); }

# an argument echoed in a message is escaped (cli_escape), as a file
# name is: an ESC byte in it must not reach the terminal or a log
e=$(printf '\033')
for args in "scan --x${e}[31m" "filter --x${e}[31m" "clean a x${e}[31m" \
    "clean --verdict x${e}[31m" "arf x${e}[31m" "arf --x${e}[31m" \
    "consent --db $tmp/u.db x${e}[31m" "complain --db $tmp/u.db a x${e}[31m" \
    "serve --db $tmp/h.db --listen x${e}[31m" "campaigns --x${e}[31m" \
    "hotline --db $tmp/h.db --x${e}[31m" "x${e}[31m"; do
	# shellcheck disable=SC2086
	"$REDFLAG" $args </dev/null >/dev/null 2>"$tmp/err"
	if grep -q "$e" "$tmp/err" || ! grep -q 'x\\x1b\[31m' "$tmp/err"; then
		echo "FAIL: redflag $args: not escaped:" >&2
		head -n 1 "$tmp/err" | cat -v >&2
		fails=$((fails + 1))
	fi
done

# a folder is refused as a folder, not as "several messages" when it
# holds one (clean, complain, arf make), and its name is escaped; an
# mbox of several is named as such
mkdir "$tmp/one" "$tmp/d${e}[31m"
cp "$tmp/one.eml" "$tmp/one/a.eml"
cp "$tmp/one.eml" "$tmp/d${e}[31m/a.eml"
expect_err "clean: $tmp/one: a folder, not one message" "$REDFLAG" clean "$tmp/one"
expect_err "arf make: $tmp/one: a folder, not one message" \
	"$REDFLAG" arf make --to abuse@sender.example --from fbl@rcpt.example \
	    --rcpt a@example.org "$tmp/one"
expect_err "clean: .*d\\\\x1b\\[31m: a folder" "$REDFLAG" clean "$tmp/d${e}[31m"
expect_err "clean: samples/sample.mbox: holds several messages \\(an mbox\\)" \
	"$REDFLAG" clean samples/sample.mbox

[ "$fails" -eq 0 ] || { echo "cli_values: $fails failed" >&2; exit 1; }
echo "cli_values: ok"
