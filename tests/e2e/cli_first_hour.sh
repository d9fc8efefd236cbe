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

# redflag alone, an option before any command, a mistyped command,
# --version
expect 64 "^usage: redflag COMMAND" "$REDFLAG"
expect 64 "^redflag: unknown option '--json'" "$REDFLAG" --json scan
expect 64 "^redflag: unknown command 'sacn'" "$REDFLAG" sacn
expect 0 "" "$REDFLAG" --version
grep -Eqx 'redflag [0-9]+\.[0-9]+\.[0-9]+' "$tmp/out" || {
	echo "FAIL: --version: $(cat "$tmp/out")" >&2
	fails=$((fails + 1))
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
expect 64 "^redflag: cluster: no PATH to read" "$REDFLAG" cluster

# hotline: a mistyped command is refused before the store is opened (it
# created redflag-hotline.db) and quoted escaped; a missing CASE, a bad
# number or state says so (they exited 64 in silence, or echoed an ESC)
esc=$(printf 'x\033y')
top=$(pwd)
(
	fails=0	# its own count, added to the outer one below
	cd "$tmp" || exit 1
	case $REDFLAG in /*) ;; *) REDFLAG=$top/$REDFLAG ;; esac
	expect 64 'hotline: unknown command .con[\\]x1bfirm.' \
		"$REDFLAG" hotline "$(printf 'con\033firm')" 3
	[ ! -e redflag-hotline.db ] || {
		echo "FAIL: hotline confirm created redflag-hotline.db" >&2
		fails=$((fails + 1))
	}
	exit "$fails"
) || fails=$((fails + $?))
hl="$REDFLAG hotline --db $tmp/hl.db"
# the store made as an operator's first hour makes it, by its first user
# (a command that only reads, or acts on cases, refuses a missing store)
echo 'first-hour-password' | $hl user add ann --role admin >/dev/null
expect 64 "hotline show: give a CASE number" $hl show
expect 64 "hotline review: give a CASE number" $hl review
expect 64 "hotline raw: give a REPORT number" $hl raw
# a missing option is named (was the library's "an appeal needs a
# reason" and "no raw-form key given", status 1)
expect 64 "hotline appeal: give the reason with --why TEXT" $hl appeal 1
expect 64 "hotline stats: give --month YYYY-MM" $hl stats
expect 64 "hotline stats: --month '2026-13' is not a month" $hl stats --month 2026-13
expect 64 "hotline raw: give --raw-key FILE" $hl raw 1 --why 'court order'
expect 64 'hotline show: CASE .x[\\]x1by. is not a number' $hl show "$esc"
expect 64 "hotline export: CASE 'x' is not a number" $hl export x
expect 64 'hotline cases: no state .x[\\]x1by.' $hl cases --state "$esc"
expect 64 "hotline assess: give CASE OUTCOME \(red_flag" $hl assess 1 closed2
expect 1 'hotline submit --mail: x[\\]x1by: No such file' \
	$hl submit --mail "$esc"
# an mbox of several messages is refused, not its first message filed
# alone (it filed 2 reports from the sample's 10 messages, status 0)
expect 1 'hotline submit --mail: samples/sample.mbox: holds several messages' \
	$hl submit --mail samples/sample.mbox
expect 1 '^redflag: hotline cases: --raw-key x[\\]x1by: No such file' $hl --raw-key "$esc" cases
if grep -q "$(printf '\033')" "$tmp/err"; then
	echo "FAIL: an ESC byte on standard error" >&2
	fails=$((fails + 1))
fi

# a settings file (-c) that cannot be read says it is the settings (was
# only "PATH: No such file or directory"), for a file and a folder
expect 64 "^redflag: clean: $tmp/no.conf: cannot read the settings: No such" \
	"$REDFLAG" clean -c "$tmp/no.conf" samples/sample.mbox
mkdir -p "$tmp/conf.d"
expect 64 "^redflag: complain: $tmp/conf.d: cannot read the settings: Is a dir" \
	"$REDFLAG" complain -c "$tmp/conf.d" --db "$tmp/s.db" samples/sample.mbox

# hotline cases: a line naming the columns above the cases; an empty
# queue says so on standard error (it printed nothing at all)
expect 0 "^redflag: hotline cases: no open case" $hl cases
[ -s "$tmp/out" ] && { echo "FAIL: empty queue: $(cat "$tmp/out")" >&2; fails=$((fails + 1)); }
$hl submit 'http://win.example/claim' >/dev/null 2>&1
expect 0 "" $hl cases
if ! head -n 1 "$tmp/out" | grep -q '^  CASE  STATE .*OPENED (UTC)  *URL$' ||
    ! sed -n 2p "$tmp/out" | grep -q '^ *1  new .*hxxp://win\[\.\]example/claim$'; then
	echo "FAIL: hotline cases:" >&2
	cat "$tmp/out" >&2
	fails=$((fails + 1))
fi

# every hotline message names the command (were 'redflag: no case 9',
# 'redflag: user add NAME ...', 'redflag: stats: --month YYYY-MM')
expect 1 "^redflag: hotline show: no case 9" $hl show 9
expect 1 "^redflag: hotline review: " $hl review 9
expect 64 "^redflag: hotline stats: give --month" $hl stats
expect 64 "^redflag: hotline user: give 'user add NAME --role ROLE'" \
	$hl user add sue
expect 64 "^redflag: hotline audit: give 'audit verify'" $hl audit

# the milter escapes the user, chroot and socket it echoes (an ESC
# reached the terminal), with the documented statuses
mk="--set db=$tmp/m.db"
expect 77 "milter: no user 'x[\\]x1by'" timeout 20 "$REDFLAG" milter $mk \
	--user "$esc" --socket "unix:$tmp/m1.sock"
expect 77 "milter: chroot $tmp/x[\\]x1by: No such" timeout 20 "$REDFLAG" \
	milter $mk --chroot "$tmp/$esc" --socket "unix:$tmp/m2.sock"
expect 69 "milter: cannot listen on unix:$tmp/no/x[\\]x1by" timeout 20 \
	"$REDFLAG" milter $mk --socket "unix:$tmp/no/$esc"
if grep -q "$(printf '\033')" "$tmp/err"; then
	echo "FAIL: milter: an ESC byte on standard error" >&2
	fails=$((fails + 1))
fi

# consent import of a folder: every read fails (EISDIR); it said "0
# added" and exited 0
mkdir "$tmp/folder"
expect 1 "consent import: .*folder: a folder, not a file of lines" \
	"$REDFLAG" consent --db "$tmp/c.db" import "$tmp/folder"

# the sample run reads as dates: a campaign's first copy in the text
# report as a UTC date (was Unix seconds), in JSON still Unix seconds
"$REDFLAG" scan --no-progress samples/sample.mbox >"$tmp/demo.txt" 2>&1
grep -q '^  first_seen: 2026-11-02T09:00:00Z$' "$tmp/demo.txt" || {
	echo "FAIL: scan text: first_seen is not a date:" >&2
	grep first_seen "$tmp/demo.txt" | head -n 1 >&2
	fails=$((fails + 1))
}
"$REDFLAG" scan --json --no-progress samples/sample.mbox |
    grep -q '"first_seen":1793610000[,}]' || {
	echo "FAIL: scan --json: first_seen is not Unix seconds" >&2
	fails=$((fails + 1))
}

# every reason a tracked link of the sample (and of the golden messages)
# gives is explained in redflag-scan(1) (it named none of them)
if command -v python3 >/dev/null; then
	"$REDFLAG" scan --json --no-progress samples/sample.mbox \
	    tests/golden/*.eml tests/golden/*.mbox 2>/dev/null | python3 -c '
import json, sys
seen = set()
for line in sys.stdin:
    for link in json.loads(line).get("links") or []:
        for r in link.get("reasons") or []:
            seen.add(r.split(":")[0] + (":" if ":" in r else ""))
print("\n".join(sorted(seen)))' >"$tmp/reasons"
	sed 's/\\-/-/g' docs/man/redflag-scan.1 >"$tmp/scan.1"
	[ -s "$tmp/reasons" ] || {
		echo "FAIL: no link reason in the sample" >&2
		fails=$((fails + 1))
	}
	while read -r r; do
		grep -q -- "$r" "$tmp/scan.1" || {
			echo "FAIL: redflag-scan(1) does not explain $r" >&2
			fails=$((fails + 1))
		}
	done <"$tmp/reasons"
fi

# serve on a port in use: 69, and libmicrohttpd's reason in the
# command's own form ("redflag serve: Failed to bind" before)
if command -v python3 >/dev/null; then
	python3 - "$REDFLAG" "$tmp/hl.db" >"$tmp/serve" 2>&1 <<'PY'
import socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
r = subprocess.run([sys.argv[1], "serve", "--db", sys.argv[2], "--port",
                    str(s.getsockname()[1])], stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=20)
print(r.returncode)
sys.stdout.write(r.stderr.decode())
PY
	if [ "$(head -n 1 "$tmp/serve")" != 69 ] ||
	    ! grep -q '^redflag: serve: .*in use' "$tmp/serve" ||
	    sed 1d "$tmp/serve" | grep -qv '^redflag: serve: '; then
		echo "FAIL: serve on a busy port:" >&2
		cat "$tmp/serve" >&2
		fails=$((fails + 1))
	fi
fi

# standard output that cannot be written (a full disk): said, naming it,
# once, and status 70 (cluster, train, hotline exited 0; consent list and
# arf make 70 in silence; campaigns 1; scan added 'stopped by an internal
# error'; clean said 'cannot write the message', neither where nor why)
if [ -w /dev/full ]; then
	awk '/^From /{n++} n==1' samples/sample.mbox >"$tmp/one.eml"
	"$REDFLAG" scan --db "$tmp/s.db" "$tmp/one.eml" >/dev/null
	"$REDFLAG" consent --db "$tmp/s.db" add a@example.org b.example \
	    >/dev/null
	for cmd in "scan $tmp/one.eml" "cluster $tmp/one.eml" "clean $tmp/one.eml" \
	    "campaigns --db $tmp/s.db" "consent --db $tmp/s.db list" \
	    "arf make --to abuse@sender.example --from fbl@rcpt.example --db $tmp/s.db $tmp/one.eml" \
	    "train --classifier $tmp/c.db --classify $tmp/one.eml" \
	    "hotline --db $tmp/hl.db stats --month 2026-11" \
	    "--help" "--version" "help" "help scan"; do
		# shellcheck disable=SC2086
		$REDFLAG $cmd </dev/null >/dev/full 2>"$tmp/err"
		got=$?
		if [ "$got" -ne 70 ] || [ "$(grep -c . "$tmp/err")" -gt 2 ] ||
		    ! grep -q "cannot write to standard output: No space" \
		    "$tmp/err" || grep -q "internal error" "$tmp/err"; then
			echo "FAIL: $cmd >/dev/full: status $got, stderr:" >&2
			cat "$tmp/err" >&2
			fails=$((fails + 1))
		fi
	done
	# with an input skipped too (status 1 otherwise): the lost output
	# is said and is 70, as scan's (train --classify, cluster, consent
	# import and arf ingest exited 1, the full disk unsaid)
	printf 'a@example.org\tc.example\nbroken\n' >"$tmp/bad.tsv"
	"$REDFLAG" arf make --to abuse@sender.example --from fbl@rcpt.example "$tmp/one.eml" >"$tmp/rep.eml"
	for cmd in "scan $tmp/none $tmp/one.eml" "cluster $tmp/none $tmp/one.eml" \
	    "train --classifier $tmp/c.db --classify $tmp/none $tmp/one.eml" \
	    "consent --db $tmp/s.db import $tmp/bad.tsv" \
	    "arf ingest --db $tmp/s.db $tmp/rep.eml $tmp/one.eml"; do
		# shellcheck disable=SC2086
		$REDFLAG $cmd </dev/null >/dev/full 2>"$tmp/err"
		got=$?
		if [ "$got" -ne 70 ] ||
		    ! grep -q "cannot write to standard output: No space" \
		    "$tmp/err"; then
			echo "FAIL: $cmd >/dev/full: status $got, stderr:" >&2
			cat "$tmp/err" >&2
			fails=$((fails + 1))
		fi
	done
fi

# standard output closed: what a command writes there is lost, so it is
# said and the status is 70, as for a full disk (the output went to
# /dev/null with status 0: a cleaned message, a scan's reports)
awk '/^From /{n++} n==1' samples/sample.mbox >"$tmp/one.eml"
"$REDFLAG" scan --db "$tmp/s.db" "$tmp/one.eml" >/dev/null
for cmd in "scan $tmp/one.eml" "scan --json $tmp/one.eml" "clean $tmp/one.eml" \
    "cluster $tmp/one.eml" "campaigns --db $tmp/s.db" \
    "consent --db $tmp/s.db list" "arf make --to abuse@sender.example --from fbl@rcpt.example $tmp/one.eml" \
    "train --classifier $tmp/c.db --classify $tmp/one.eml"; do
	# shellcheck disable=SC2086
	$REDFLAG $cmd </dev/null >&- 2>"$tmp/err"
	got=$?
	if [ "$got" -ne 70 ] ||
	    ! grep -q "cannot write to standard output: it is closed" "$tmp/err"; then
		echo "FAIL: $cmd >&-: status $got, stderr:" >&2
		cat "$tmp/err" >&2
		fails=$((fails + 1))
	fi
done
# with nothing to write (train -q), closed is no failure
"$REDFLAG" train -q --classifier "$tmp/c.db" --ham "$tmp/one.eml" </dev/null >&- ||
	{ echo "FAIL: train -q >&-: status $?" >&2; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] || { echo "cli_first_hour: $fails failures" >&2; exit 1; }
echo "cli_first_hour: ok"
