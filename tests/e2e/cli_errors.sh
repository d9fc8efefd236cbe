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

# an option after a PATH is a usage error, not a PATH: 'scan FILE --db
# STORE' scanned the store file as mail in batch mode (status 1 for
# '--db: No such file'); after "--" such a name is a PATH
expect 64 "^redflag: scan: --db after a PATH: options come before the PATHs" \
	"$REDFLAG" scan "$tmp/one.eml" --db "$tmp/late.db"
[ ! -s "$tmp/out" ] && [ ! -e "$tmp/late.db" ] ||
	{ echo "FAIL: scan FILE --db: scanned or made a store" >&2; fails=$((fails + 1)); }
expect 64 "^redflag: scan: --json after a PATH" \
	"$REDFLAG" scan --no-progress "$tmp/one.eml" --json
expect 64 "^redflag: cluster: --fingerprints after a PATH" \
	"$REDFLAG" cluster "$tmp/one.eml" --fingerprints
expect 1 "^redflag: scan: --json: No such file" \
	"$REDFLAG" scan --no-progress -- "$tmp/one.eml" --json

# a closed standard input is said so (was "empty input" or "empty, no
# message", as /dev/null), with the status of input not read (1)
closed() {	# closed PATTERN COMMAND...: as expect 1, standard input closed
	pat=$1
	shift
	set +e
	"$@" <&- >"$tmp/out" 2>"$tmp/err"
	got=$?
	set -e
	if [ "$got" -ne 1 ] || ! grep -Eq -- "$pat" "$tmp/err"; then
		echo "FAIL: $* <&-: status $got (want 1), stderr:" >&2
		head -n 3 "$tmp/err" >&2
		fails=$((fails + 1))
	fi
}
closed "^redflag: scan: -: standard input is closed$" "$REDFLAG" scan --no-progress
closed "^redflag: clean: standard input is closed$" "$REDFLAG" clean -
closed "^redflag: complain: standard input is closed$" \
	"$REDFLAG" complain --db "$tmp/stdin.db" -
closed "^redflag: arf ingest: standard input is closed$" \
	"$REDFLAG" arf ingest --db "$tmp/stdin.db"
closed "^redflag: consent import: -: standard input is closed$" \
	"$REDFLAG" consent --db "$tmp/stdin.db" import -
closed "^redflag: hotline submit --mail: -: standard input is closed$" \
	"$REDFLAG" hotline --db "$tmp/stdin-h.db" submit --mail -
closed "^redflag: train: -: standard input is closed$" \
	"$REDFLAG" train --classifier "$tmp/stdin-c.db" --spam -

# an option that takes a value, given without one, is not "unknown"
expect 64 "scan: option '--db' needs a value" "$REDFLAG" scan --db
expect 64 "scan: unknown option '--bogus'" "$REDFLAG" scan --bogus
expect 64 "clean: option '--rcpt' needs a value" "$REDFLAG" clean --rcpt
expect 64 "clean: option '--verdict' needs a value" "$REDFLAG" clean --verdict
expect 64 "train: option '--classifier' needs a value" "$REDFLAG" train --classifier
expect 64 "complain: option '--rcpt' needs a value" "$REDFLAG" complain --rcpt
expect 64 "arf: option '--type' needs a value" "$REDFLAG" arf make --type
expect 64 "consent: option '--source' needs a value" "$REDFLAG" consent add --source
expect 64 "complain: unknown option '--bogus'" "$REDFLAG" complain --bogus
expect 64 "arf: unknown option '--bogus'" "$REDFLAG" arf make --bogus
# a value joined to its option is named, never echoed (an address on
# the filter's standard error reaches the MTA's log; it was: "unknown
# option '-ralice@example.org'")
for a in "75 filter: option '-r' takes its value as the next argument
filter -ralice@example.org" "75 filter: option '--recipient' takes its value
filter --recipient=alice@example.org" "64 scan: option '--rcpt' takes its value
scan --rcpt=alice@example.org" "64 scan: unknown option '--to=\\.\\.\\.'
scan --to=alice@example.org"; do
	st=${a%% *} pat=${a#* }
	pat=${pat%%
*}
	# shellcheck disable=SC2086
	expect "$st" "$pat" "$REDFLAG" ${a##*
}
	if grep -q alice "$tmp/err"; then
		echo "FAIL: ${a##*
}: the value echoed" >&2
		fails=$((fails + 1))
	fi
done
# a value out of range names the subcommand, the option and the range
expect 64 "^redflag: campaigns: --limit needs a number from 0 to" "$REDFLAG" campaigns --limit -1
expect 64 "^redflag: serve: --port: 0 to 65535" "$REDFLAG" serve --port 99999
for v in 59 abc 2678401 99999999999999999999; do
	expect 64 "^redflag: serve: --session-ttl: 60 to 2678400 seconds" "$REDFLAG" serve --session-ttl "$v"
done
expect 64 "consent: unknown option '--bogus'" "$REDFLAG" consent add --bogus
expect 64 "serve: option '--port' needs a value" "$REDFLAG" serve --port
expect 64 "milter: option '--socket' needs a value" "$REDFLAG" milter --socket
expect 64 "milter: unknown option '--bogus'" "$REDFLAG" milter --bogus
expect 64 "campaigns: option '--db' needs a value" "$REDFLAG" campaigns --db
expect 64 "campaigns: option '--limit' needs a value" "$REDFLAG" campaigns --limit
expect 64 "campaigns: option '--min-size' needs a value" \
    "$REDFLAG" campaigns --min-size
expect 64 "campaigns: unknown option '--bogus'" "$REDFLAG" campaigns --bogus
expect 64 "hotline: option '--why' needs a value" "$REDFLAG" hotline cases --why
expect 64 "hotline: option '--as' needs a value" "$REDFLAG" hotline --as
expect 64 "hotline: unknown option '--bogus'" "$REDFLAG" hotline --bogus cases
# standard input given twice: the second reading found it empty ("-:
# empty input, skipped", exit 1); train refused it already
expect 64 "^redflag: scan: - \(standard input\) given twice\$" \
	"$REDFLAG" scan - -
expect 64 "^redflag: scan: - \(standard input\) given twice\$" \
	"$REDFLAG" scan -- - "$tmp/one.eml" -
expect 64 "^redflag: arf ingest: - \(standard input\) given twice\$" \
	"$REDFLAG" arf ingest --db "$tmp/twice.db" - -
expect 64 "^redflag: train: - \(standard input\) given twice\$" \
	"$REDFLAG" train --db "$tmp/twice.cls" --spam - -
[ ! -e "$tmp/twice.db" ] && [ ! -e "$tmp/twice.cls" ] ||
	{ echo "FAIL: - twice: a store made" >&2; fails=$((fails + 1)); }
# the filter defers on any mistake (75), and says which
expect 75 "filter: option '-r' needs a value" "$REDFLAG" filter -r

# --rcpt must look like an address (so must the filter's -r: a bad
# command line, 75, tests/e2e/filter_rcpts.sh)
expect 64 "scan: --rcpt: 'alice' is not a mail address" \
	"$REDFLAG" scan --rcpt alice "$tmp/one.eml"
expect 64 "clean: --rcpt: '' is not a mail address" \
	"$REDFLAG" clean --rcpt '' "$tmp/one.eml"
expect 64 "complain: --rcpt: 'a@' is not a mail address" \
	"$REDFLAG" complain --db "$tmp/s.db" --rcpt a@ "$tmp/one.eml"
expect 64 "arf: --rcpt: '@example.org' is not a mail address" \
	"$REDFLAG" arf make --rcpt @example.org "$tmp/one.eml"
"$REDFLAG" scan --no-progress --rcpt jane@example.org "$tmp/one.eml" >/dev/null ||
	{ echo "FAIL: scan --rcpt jane@example.org" >&2; fails=$((fails + 1)); }

# commands that take one message refuse a folder, an mbox of several
# and an empty file instead of reading the first message or nothing
expect 1 "clean: .*/dir: a folder, not one message" "$REDFLAG" clean "$tmp/dir"
expect 1 "clean: samples/sample.mbox: holds several messages" \
	"$REDFLAG" clean samples/sample.mbox
expect 1 "clean: .*/empty: empty, no message" "$REDFLAG" clean "$tmp/empty"
expect 1 "complain: .*/empty: empty, no message" \
	"$REDFLAG" complain --db "$tmp/s.db" "$tmp/empty"
expect 1 "complain: samples/sample.mbox: holds several messages" \
	"$REDFLAG" complain --db "$tmp/s.db" samples/sample.mbox
expect 1 "arf make: .*/dir: a folder, not one message" \
	"$REDFLAG" arf make --to abuse@sender.example --from fbl@rcpt.example \
	    --rcpt a@example.org "$tmp/dir"
# a folder with no message in it (an empty Maildir) is named, not "no
# message" alone
mkdir -p "$tmp/nomail/cur" "$tmp/nomail/new" "$tmp/nomail/tmp"
expect 1 "clean: .*/nomail: a folder with no message in it" \
	"$REDFLAG" clean "$tmp/nomail"
expect 1 "complain: .*/nomail: a folder with no message in it" \
	"$REDFLAG" complain --db "$tmp/s.db" "$tmp/nomail"
expect 1 "arf make: .*/nomail: a folder with no message in it" \
	"$REDFLAG" arf make --to abuse@sender.example --from fbl@rcpt.example \
	    --rcpt a@example.org "$tmp/nomail"
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

# a store, consent database, classifier or hotline database that cannot
# be opened is named in the message, with one exit status for every
# command (69, EX_UNAVAILABLE), except on a mail path, where the MTA must
# keep the mail and retry (75, EX_TEMPFAIL): the filter (below) and
# hotline submit --mail
nodir=$tmp/no/such/dir
expect 69 "scan: $nodir/x.db: .*unable to open" \
	"$REDFLAG" scan --db "$nodir/x.db" "$tmp/one.eml"
expect 69 "scan: $nodir/c.db: .*unable to open" \
	"$REDFLAG" scan --consent-db "$nodir/c.db" "$tmp/one.eml"
expect 69 "scan: $nodir/c.db: .*unable to open" \
	"$REDFLAG" scan --db "$tmp/s.db" --consent-db "$nodir/c.db" "$tmp/one.eml"
expect 69 "scan: classifier $nodir/k.db: cannot read it" \
	"$REDFLAG" scan --classifier "$nodir/k.db" "$tmp/one.eml"
expect 69 "^redflag: campaigns: $nodir/x.db: cannot read it \(redflag scan --db makes one\)\$" \
	"$REDFLAG" campaigns --db "$nodir/x.db"
expect 69 "^redflag: consent list: $nodir/x.db: cannot read it \(redflag consent add makes one\)\$" \
	"$REDFLAG" consent --db "$nodir/x.db" list
expect 69 "consent: $nodir/x.db: .*unable to open" \
	"$REDFLAG" consent --db "$nodir/x.db" add a@example.org b.example
expect 69 "complain: $nodir/x.db: .*unable to open" \
	"$REDFLAG" complain --db "$nodir/x.db" "$tmp/one.eml"
expect 69 "complain: classifier $nodir/k.db: .*unable to open" \
	"$REDFLAG" complain --db "$tmp/s.db" --classifier "$nodir/k.db" "$tmp/one.eml"
expect 69 "arf ingest: $nodir/x.db: .*unable to open" \
	"$REDFLAG" arf ingest --db "$nodir/x.db" "$tmp/one.eml"
expect 69 "arf make: $nodir/x.db: .*unable to open" \
	"$REDFLAG" arf make --db "$nodir/x.db" --to abuse@sender.example \
	    --from fbl@rcpt.example --rcpt a@example.org "$tmp/one.eml"
expect 69 "train: $nodir/c.db: .*unable to open" \
	"$REDFLAG" train --classifier "$nodir/c.db" --spam "$tmp/one.eml"
expect 69 "^redflag: hotline cases: $nodir/h.db: cannot read it \(redflag hotline submit makes one\)\$" \
	"$REDFLAG" hotline --db "$nodir/h.db" cases
expect 69 "^redflag: hotline submit: $nodir/h.db: .*unable to open" \
	"$REDFLAG" hotline --db "$nodir/h.db" submit http://x.example/
expect 75 "^redflag: hotline submit: $nodir/h.db: .*unable to open" \
	"$REDFLAG" hotline --db "$nodir/h.db" submit --mail "$tmp/one.eml"
expect 69 "^redflag: serve: $nodir/h.db: .*unable to open" \
	timeout 30 "$REDFLAG" serve --db "$nodir/h.db" --port 0
expect 1 "^redflag: serve: --raw-key $nodir/k: No such file" \
	timeout 30 "$REDFLAG" serve --db "$tmp/h2.db" --raw-key "$nodir/k" --port 0
expect 1 "^redflag: hotline raw: --raw-key $tmp/empty: a key is 32 bytes" \
	"$REDFLAG" hotline --db "$tmp/h2.db" --raw-key "$tmp/empty" raw 1 --why x
expect 69 "milter: $nodir/x.db: .*unable to open" \
	timeout 30 "$REDFLAG" milter --socket "unix:$tmp/m.sock" \
	--set "db=$nodir/x.db"
# no store at all is a usage error, which names both ways to give one
expect 64 "complain: no store: give --db PATH, or -c FILE with db = " \
	"$REDFLAG" complain -c /dev/null "$tmp/one.eml"
expect 64 "consent: no store: give --db PATH" \
	"$REDFLAG" consent -c /dev/null list
# a missing or unknown subcommand says so, and makes no store
expect 64 "consent: unknown command 'bogus'" \
	"$REDFLAG" consent --db "$tmp/u.db" bogus
expect 64 "consent: give a command" "$REDFLAG" consent --db "$tmp/u.db"
expect 64 "consent add: give RECIPIENT SENDER" \
	"$REDFLAG" consent --db "$tmp/u.db" add a@example.org
[ ! -e "$tmp/u.db" ] ||
	{ echo "FAIL: a usage error made a store" >&2; fails=$((fails + 1)); }
expect 64 "arf: give a command: ingest or make" "$REDFLAG" arf
expect 64 "arf: unknown command 'bogus'" "$REDFLAG" arf bogus
expect 64 "arf make: one FILE" "$REDFLAG" arf make a b
expect 64 "train: no PATH to read" "$REDFLAG" train --classifier "$tmp/u.db" --spam
expect 64 "train: give --spam, --ham" "$REDFLAG" train --classifier "$tmp/u.db"
# consent import names the file and the line
printf 'a@example.org\tshop.example\nno-tab-here\n' >"$tmp/c.tsv"
expect 1 "consent import: .*/c.tsv: line 2: expected recipient TAB sender" \
	"$REDFLAG" consent --db "$tmp/c.db" import "$tmp/c.tsv"

expect 1 "consent import: .*/none: No such file" \
	"$REDFLAG" consent --db "$tmp/c.db" import "$tmp/none"

# hotline and serve: a bad value of a hotline limit is named as such,
# a bad --listen address is a usage error before anything is opened
expect 64 "^redflag: hotline: --set: max_url_len: expected a number" \
	"$REDFLAG" hotline --db "$tmp/h.db" --set max_url_len=x cases
expect 64 "^redflag: serve: --set: max_url_len: expected a number" \
	"$REDFLAG" serve --db "$tmp/h.db" --set max_url_len=0
expect 64 "serve: --listen wants an IPv4 address, got '999.1.1.1'" \
	"$REDFLAG" serve --db "$tmp/h.db" --listen 999.1.1.1 --port 0
expect 64 "--port: 0 to 65535" "$REDFLAG" serve --db "$tmp/h.db" --port ''
# their --set (hl_fe_option, split by cli_set_option): either form, a
# hotline limit or a message limit, an unknown name, a malformed one
expect 64 "^redflag: hotline: --set: max_url_len: expected a number" \
	"$REDFLAG" hotline --db "$tmp/h.db" --set=max_url_len=x cases
expect 64 "^redflag: hotline: --set: max_links: expected a number from 1 to" \
	"$REDFLAG" hotline --db "$tmp/h.db" --set max_links=0 cases
expect 64 "^redflag: hotline: --set: no limit called 'nosuch'" \
	"$REDFLAG" hotline --db "$tmp/h.db" --set nosuch=1 cases
expect 64 "^redflag: serve: --set: no limit called 'nosuch'" \
	"$REDFLAG" serve --db "$tmp/h.db" --set=nosuch=1
expect 64 "^redflag: hotline: --set needs NAME=VALUE, got 'max_url_len'" \
	"$REDFLAG" hotline --db "$tmp/h.db" --set max_url_len cases
expect 64 "^redflag: hotline: --set needs NAME=VALUE$" \
	"$REDFLAG" hotline --db "$tmp/h.db" cases --set
[ ! -e "$tmp/h.db" ] ||
	{ echo "FAIL: a usage error created the store" >&2; fails=$((fails + 1)); }
"$REDFLAG" hotline --db "$tmp/h.db" --set max_url_len=100 submit \
    http://x.example/ >/dev/null ||
	{ echo "FAIL: hotline --set max_url_len=100" >&2; fails=$((fails + 1)); }
"$REDFLAG" hotline --db "$tmp/h.db" --set=max_links=5 --set=max_report_urls=1k \
    cases >/dev/null || { echo "FAIL: hotline --set=max_links=5" >&2; fails=$((fails + 1)); }

# every --set error names the subcommand, as its other errors do (was
# "redflag: --set: unknown setting", "redflag: max_connections: 1 to 10000")
expect 64 "^redflag: serve: --set: max_connections: 1 to 10000\$" \
	"$REDFLAG" serve --db "$tmp/h.db" --set max_connections=0
expect 64 "^redflag: clean: --set: unknown setting 'nosuch'\$" \
	"$REDFLAG" clean --set nosuch=1 "$tmp/one.eml"
expect 64 "^redflag: consent: --set: unknown setting 'nosuch'\$" \
	"$REDFLAG" consent --set nosuch=1 list
expect 75 "^redflag: filter: --set: max_recipients: a number" \
	"$REDFLAG" filter --set max_recipients=0
expect 64 "^redflag: train: --set: robs: " \
	"$REDFLAG" train --set robs=x --spam "$tmp/one.eml"
expect 64 "^redflag: cluster: --set: no limit called 'nosuch'\$" \
	"$REDFLAG" cluster --set nosuch=1 "$tmp/one.eml"
expect 64 "^redflag: scan: --set needs NAME=VALUE, got 'max_links'\$" \
	"$REDFLAG" scan --set=max_links "$tmp/one.eml"
expect 64 "^redflag: complain: --config needs a file\$" \
	"$REDFLAG" complain --config
# -c, --config and --config= read one way (config.c's file_option) by
# the commands that take the settings in order and by those that read
# them first (scan, campaigns, train)
printf 'nosuch = 1\n' >"$tmp/nosuch.conf"
expect 75 "^redflag: filter: $tmp/nosuch.conf:1: unknown setting 'nosuch'\$" \
	"$REDFLAG" filter --config="$tmp/nosuch.conf"
expect 64 "^redflag: clean: $tmp/nosuch.conf:1: unknown setting 'nosuch'\$" \
	"$REDFLAG" clean -c "$tmp/nosuch.conf" "$tmp/one.eml"
expect 64 "^redflag: train: $tmp/nosuch.conf:1: unknown setting 'nosuch'\$" \
	"$REDFLAG" train --config="$tmp/nosuch.conf" --spam "$tmp/one.eml"
expect 64 "^redflag: clean: -c needs a file\$" "$REDFLAG" clean -c
expect 64 "^redflag: train: -c needs a file\$" "$REDFLAG" train -c
expect 64 "^redflag: campaigns: --config needs a file\$" \
	"$REDFLAG" campaigns --config
expect 64 "^redflag: arf: --db needs a store" "$REDFLAG" arf make --db

# a folder given as a store, a classifier or the hotline's database is
# said so by the library's openers (rf__sqlite_folder), status 69 (the
# filter 75): was SQLite's "unable to open database file" or "disk I/O
# error", without the path for a classifier
d=$tmp/dir
expect 69 "^redflag: scan: $d: is a folder, not a store file\$" \
	"$REDFLAG" scan --no-progress --db "$d" "$tmp/one.eml"
expect 69 "^redflag: scan: $d: is a folder, not a store file\$" \
	"$REDFLAG" scan --no-progress --consent-db "$d" "$tmp/one.eml"
expect 69 "^redflag: campaigns: $d: is a folder, not a store file\$" \
	"$REDFLAG" campaigns --db "$d"
expect 69 "^redflag: consent: $d: is a folder, not a store file\$" \
	"$REDFLAG" consent --db "$d" list
expect 69 "^redflag: scan: classifier $d: is a folder, not a classifier database\$" \
	"$REDFLAG" scan --no-progress --classifier "$d" "$tmp/one.eml"
expect 69 "^redflag: train: $d: is a folder, not a classifier database\$" \
	"$REDFLAG" train --classifier "$d" --spam "$tmp/one.eml"
expect 69 "^redflag: hotline cases: $d: is a folder, not a hotline database\$" \
	"$REDFLAG" hotline --db "$d" cases
expect 69 "^redflag: serve: $d: is a folder, not a hotline database\$" \
	"$REDFLAG" serve --db "$d" --port 0
expect 75 "^redflag: filter: $d: is a folder, not a store file" \
	"$REDFLAG" filter --set "db=$d"
expect 75 "^redflag: filter: classifier $d: is a folder, not a classifier database" \
	"$REDFLAG" filter --set "classifier=$d"

# scan: an unreadable input is on standard error too, and the status is 1
expect 1 "^redflag: scan: $tmp/none: No such file" \
	"$REDFLAG" scan --no-progress "$tmp/none" "$tmp/one.eml"
expect 1 "^redflag: scan: $tmp/none: No such file" \
	"$REDFLAG" scan --json --db "$tmp/s.db" "$tmp/none"
grep -q '"error":' "$tmp/out" ||
	{ echo "FAIL: scan: the error is in the output too" >&2; fails=$((fails + 1)); }

# a configuration file that is a directory says so
expect 64 "^redflag: clean: $tmp/dir: cannot read the settings: Is a directory" "$REDFLAG" clean -c "$tmp/dir" "$tmp/one.eml"

# action.VERDICT names a verdict the analysis gives: a misspelt one is an
# error (the filter defers, the milter stops), not a setting that never
# applies; the four verdicts are taken
printf 'action.spma = reject\n' >"$tmp/typo.conf"
expect 75 "^redflag: filter: .*/typo.conf:1: action.VERDICT: the verdict is spam, bulk, ham or unsure, not 'spma'" \
	"$REDFLAG" filter -c "$tmp/typo.conf"
expect 78 "^redflag: milter: --set: action.VERDICT: the verdict is spam, bulk, ham or unsure, not 'Ham'" \
	"$REDFLAG" milter --set action.Ham=reject
expect 77 "" "$REDFLAG" filter --set action.spam=accept --set action.bulk=accept \
	--set action.unsure=accept --set action.ham=reject

# a malformed store or classifier address in redflag.conf is a bad
# setting, with file and line, as the others are (the milter 78, the
# filter 75, the other commands 64); was exit 69 with the address alone
printf '# the store\n\ndb = redis://x:y\n' >"$tmp/redis.conf"
expect 78 "^redflag: milter: .*/redis.conf:3: db: bad Redis spec" \
	"$REDFLAG" milter --socket "unix:$tmp/m.sock" -c "$tmp/redis.conf"
expect 75 "^redflag: filter: .*/redis.conf:3: db: bad Redis spec" \
	"$REDFLAG" filter -c "$tmp/redis.conf"
expect 64 "^redflag: consent: .*/redis.conf:3: db: bad Redis spec" \
	"$REDFLAG" consent -c "$tmp/redis.conf" list
# a NUL byte in a line of redflag.conf is said (fgets stopped there: it
# was "line too long"); a line too long is still that
printf '# x\nbulk_size = 5\000junk\nbulk_size = 6\n' >"$tmp/nul.conf"
expect 78 "^redflag: milter: .*/nul.conf:2: the line holds a NUL byte\$" \
	"$REDFLAG" milter --socket "unix:$tmp/m.sock" -c "$tmp/nul.conf"
expect 64 "^redflag: consent: .*/nul.conf:2: the line holds a NUL byte\$" \
	"$REDFLAG" consent -c "$tmp/nul.conf" list
{ printf 'bulk_size = 5\n# '; head -c 5000 /dev/zero | tr '\0' x; echo; } \
	>"$tmp/long.conf"
expect 78 "^redflag: milter: .*/long.conf:2: line too long\$" \
	"$REDFLAG" milter --socket "unix:$tmp/m.sock" -c "$tmp/long.conf"
expect 78 "^redflag: milter: --set: classifier: bad Redis spec" \
	"$REDFLAG" milter --socket "unix:$tmp/m.sock" --set classifier=unix:
expect 78 "^redflag: milter: --set: db: bad Redis spec" \
	"$REDFLAG" milter --socket "unix:$tmp/m.sock" --set db=redis://h:99999
# and on the command line a usage error (64) naming the option or the
# variable; was exit 69 when the store was opened
for c in scan campaigns complain arf; do
	expect 64 "^redflag: $c: --db: bad Redis spec \(want redis://" \
		"$REDFLAG" $c --db redis://x:y "$tmp/one.eml"
done
expect 64 "^redflag: consent: --db: bad Redis spec" \
	"$REDFLAG" consent --db=unix: list
expect 64 "^redflag: scan: --consent-db: bad Redis spec" \
	"$REDFLAG" scan --db "$tmp/ok.db" --consent-db redis://h/p! "$tmp/one.eml"
expect 64 "^redflag: scan: --classifier: bad Redis spec" \
	"$REDFLAG" scan --classifier redis://h:0 "$tmp/one.eml"
expect 64 "^redflag: train: --classifier: bad Redis spec" \
	"$REDFLAG" train --classifier redis://x:y --spam "$tmp/one.eml"
expect 64 "^redflag: complain: --classifier: bad Redis spec" \
	"$REDFLAG" complain --db "$tmp/ok.db" --classifier unix: "$tmp/one.eml"
expect 64 "^redflag: campaigns: \\\$REDFLAG_DB: bad Redis spec" \
	env REDFLAG_DB=redis://x:y "$REDFLAG" campaigns
expect 64 "^redflag: train: \\\$REDFLAG_CLASSIFIER: bad Redis spec" \
	env REDFLAG_CLASSIFIER=redis://x:y "$REDFLAG" train --show-settings
[ ! -e "$tmp/ok.db" ] ||
	{ echo "FAIL: a bad address opened the other store" >&2; fails=$((fails + 1)); }
# "sqlite:" alone, or an empty path, named no file: SQLite opened a
# temporary database, learned into it and forgot it (status 0)
expect 64 "^redflag: train: --classifier: no path after sqlite:\$" \
	"$REDFLAG" train --classifier sqlite: --spam "$tmp/one.eml"
expect 64 "^redflag: scan: --db: no path after sqlite:\$" \
	"$REDFLAG" scan --db sqlite: "$tmp/one.eml"
expect 69 "^redflag: hotline cases: : no path given for a hotline database\$" \
	"$REDFLAG" hotline --db '' cases
# an address of 4,096 bytes or more (RF_STORE_SPEC_MAX) passed the check
# and the consent store refused it at open: exit 69, not 64 or 78
long=$(awk 'BEGIN { printf "%s", "sqlite:/nonexistent/"; for (i = 0; i < 4076; i++) printf "x" }')
for opt in --db --consent-db --classifier; do
	expect 64 "^redflag: scan: $opt: store address too long \(at most 4095 bytes\)\$" \
		"$REDFLAG" scan "$opt" "$long" "$tmp/one.eml"
done
expect 78 "^redflag: milter: --set: db: store address too long \(at most 4095 bytes\)\$" \
	"$REDFLAG" milter --socket "unix:$tmp/m.sock" --set "db=$long"

# the filter names the store it cannot open (and defers the mail)
expect 75 "filter: $nodir/x.db: .*unable to open" \
	"$REDFLAG" filter --set "db=$nodir/x.db"

# a missing input is named once, after the command
expect 1 "^redflag: train: $tmp/none: No such file" \
	"$REDFLAG" train --classifier "$tmp/c.db" --spam "$tmp/none"
expect 1 "^redflag: cluster: $tmp/none: No such file" \
	"$REDFLAG" cluster "$tmp/none"
# and counted in train's summary line
"$REDFLAG" train --classifier "$tmp/c.db" --spam "$tmp/one.eml" "$tmp/none" \
	>"$tmp/out" 2>/dev/null && { echo "FAIL: train of a missing path exits 0" >&2; fails=$((fails + 1)); }
grep -q '; 1 unreadable$' "$tmp/out" ||
	{ echo "FAIL: train: a missing path is not counted: $(cat "$tmp/out")" >&2; fails=$((fails + 1)); }

# a file in a folder that cannot be read (as nobody), named once per
# command and counted
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
	chmod 755 "$tmp" "$tmp/dir"
	chmod 600 "$tmp/dir/b.eml"
	mkdir "$tmp/w" && chmod 777 "$tmp/w"
	asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	expect 1 "^redflag: scan: $tmp/dir/b.eml: Permission denied" \
		asnobody "$REDFLAG" scan --json "$tmp/dir"
	expect 1 "^redflag: cluster: $tmp/dir/b.eml: Permission denied" \
		asnobody "$REDFLAG" cluster "$tmp/dir"
	expect 1 "^redflag: train: $tmp/dir/b.eml: Permission denied" \
		asnobody "$REDFLAG" train --classifier "$tmp/w/c.db" --spam "$tmp/dir"
	grep -q '; 1 unreadable$' "$tmp/out" ||
		{ echo "FAIL: train: an unreadable file is not counted" >&2; fails=$((fails + 1)); }
	expect 1 "^redflag: clean: $tmp/dir/b.eml: Permission denied" \
		asnobody "$REDFLAG" clean "$tmp/dir/b.eml"
	chmod 644 "$tmp/dir/b.eml"
	# a folder below that cannot be listed, a Maildir's cur too: named
	# and counted as an unreadable file is (was skipped in silence,
	# status 0, its messages never read)
	mkdir -p "$tmp/locked/sub" "$tmp/lmd/cur" "$tmp/lmd/new" "$tmp/lmd/tmp"
	cp "$tmp/one.eml" "$tmp/locked/a.eml"
	cp "$tmp/one.eml" "$tmp/locked/sub/b.eml"
	cp "$tmp/one.eml" "$tmp/lmd/new/1"
	cp "$tmp/one.eml" "$tmp/lmd/cur/2:2,S"
	chmod 755 "$tmp/locked" "$tmp/lmd"
	chmod 700 "$tmp/locked/sub" "$tmp/lmd/cur"
	expect 1 "^redflag: scan: $tmp/locked/sub: Permission denied" \
		asnobody "$REDFLAG" scan --no-progress "$tmp/locked"
	grep -q ' 1 input failed;' "$tmp/out" ||
		{ echo "FAIL: scan: a folder that cannot be listed is not counted" >&2; fails=$((fails + 1)); }
	expect 1 "^redflag: scan: $tmp/lmd/cur: Permission denied" \
		asnobody "$REDFLAG" scan --no-progress "$tmp/lmd"
	expect 1 "^redflag: cluster: $tmp/locked/sub: Permission denied" \
		asnobody "$REDFLAG" cluster "$tmp/locked"
	expect 1 "^redflag: train: $tmp/locked/sub: Permission denied" \
		asnobody "$REDFLAG" train --classifier "$tmp/w/c2.db" --spam "$tmp/locked"
	expect 1 "^redflag: consent learn: $tmp/locked/sub: Permission denied" \
		asnobody "$REDFLAG" consent --db "$tmp/w/l.db" learn "$tmp/locked"
fi

# a command that reads mail from a terminal says so instead of waiting
# silently; from a pipe or a file it says nothing
if command -v python3 >/dev/null 2>&1; then
	for c in scan clean complain; do
		python3 - "$REDFLAG" "$c" "$tmp/p.db" >"$tmp/err" 2>&1 <<'PY' || true
import os, pty, subprocess, sys, time
rf, cmd, db = sys.argv[1:4]
m, s = pty.openpty()
args = [rf, cmd] + (["--db", db] if cmd == "complain" else [])
p = subprocess.Popen(args, stdin=s, stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE)
os.close(s)
time.sleep(0.2)
os.write(m, b"\x04")
sys.stdout.write(p.communicate(timeout=20)[1].decode())
PY
		grep -q "$c: reading mail from standard input" "$tmp/err" ||
			{ echo "FAIL: $c from a terminal: no hint" >&2; fails=$((fails + 1)); }
	done
fi
"$REDFLAG" scan --no-progress <"$tmp/one.eml" >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] ||
	{ echo "FAIL: scan from a pipe wrote to standard error" >&2; fails=$((fails + 1)); }

# standard output closed: every command opens it on /dev/null first (main),
# so that a store's socket opened later does not become it and get the
# report written into it as commands (the pattern of filter.sh).  Redis
# answers every such line with an error: none may be counted.
if command -v redis-server >/dev/null 2>&1 &&
    command -v redis-cli >/dev/null 2>&1 && command -v python3 >/dev/null; then
	. tests/redis.sh
	trap 'redis_stop; rm -rf "$tmp"' EXIT INT TERM
	if redis_start "$tmp"; then
		R=redis://127.0.0.1:$redis_port
		errs() { redis-cli -p "$redis_port" info stats |
		    sed -n 's/^total_error_replies:\([0-9]*\).*/\1/p'; }
		# more records than stdout's buffer holds: the list is
		# written while the store is still open
		python3 -c 'for i in range(400): print("r%d@example.org\tshop%d.example" % (i, i))' >"$tmp/many.tsv"
		"$REDFLAG" consent --db "$R" import "$tmp/many.tsv" >/dev/null
		"$REDFLAG" scan --no-progress --db "$R" "$tmp/one.eml" >/dev/null
		before=$(errs)
		for c in "consent --db $R list" "campaigns --db $R" \
		    "campaigns --db $R --json" \
		    "scan --no-progress --db $R $tmp/one.eml"; do
			# shellcheck disable=SC2086
			"$REDFLAG" $c >&- 2>/dev/null || true
			[ "$(errs)" = "$before" ] || { echo "FAIL: $c with" \
			    "standard output closed wrote into the store" >&2;
			    fails=$((fails + 1)); before=$(errs); }
		done
		[ "$(redis-cli -p "$redis_port" dbsize)" -gt 0 ] ||
			{ echo "FAIL: the Redis store is empty" >&2; fails=$((fails + 1)); }
		redis_stop
	else
		echo "FAIL: redis-server did not start" >&2
		fails=$((fails + 1))
	fi
fi

# A file name in a Maildir may hold any byte: one named with a newline
# and an ESC that cannot be read (a dangling link: fails as root too) is
# reported with its name escaped, on standard error and in the report,
# by every command that reads a Maildir; so is a missing path, and a bad
# --set value (the library's messages escape what they quote).
esc=$(printf '\033')
md=$tmp/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
cp "$tmp/one.eml" "$md/cur/1.good"
ln -s /nonexistent/redflag "$md/cur/2.bad
${esc}[31mred"
# raw_free FILE WHAT: FILE holds no ESC and every line is a whole
# "redflag: ..." message (a raw newline would start a line without it)
raw_free() {
	if grep -q "$esc" "$1" || grep -qv '^redflag: ' "$1"; then
		echo "FAIL: $2: a raw newline or ESC on standard error:" >&2
		od -c "$1" | head -n 8 >&2
		fails=$((fails + 1))
	fi
}
bad='2\.bad\\x0a\\x1b\[31mred: No such file or directory'
expect 1 "^redflag: scan: $md/cur/$bad\$" "$REDFLAG" scan --no-progress "$md"
raw_free "$tmp/err" "scan of a Maildir"
grep -q "^error: $md/cur/$bad\$" "$tmp/out" && ! grep -q "$esc" "$tmp/out" ||
	{ echo "FAIL: scan's text report of the unreadable file" >&2;
	  fails=$((fails + 1)); }
expect 1 "^redflag: scan: $md/cur/$bad\$" \
	"$REDFLAG" scan --no-progress --json --db "$tmp/md.db" "$md"
raw_free "$tmp/err" "scan --db of a Maildir"
grep -q '"error":".*/2\.bad\\\\x0a\\\\x1b\[31mred: No such' "$tmp/out" ||
	{ echo "FAIL: scan's JSON report of the unreadable file" >&2;
	  fails=$((fails + 1)); }
expect 1 "^redflag: train: $md/cur/$bad\$" \
	"$REDFLAG" train --classifier "$tmp/md-cls.db" --ham "$md"
raw_free "$tmp/err" "train of a Maildir"
expect 1 "^redflag: cluster: $md/cur/$bad\$" "$REDFLAG" cluster "$md"
raw_free "$tmp/err" "cluster of a Maildir"
expect 1 "^redflag: cluster: $tmp/no\\\\x0a\\\\x1bsuch: No such file" \
	"$REDFLAG" cluster "$tmp/no
${esc}such"
raw_free "$tmp/err" "cluster of a missing path"
expect 64 "^redflag: scan: --set: max_links: expected .*, got '\\\\x1b\\\\x0a'\$" \
	"$REDFLAG" scan --set "max_links=$esc
" "$tmp/one.eml"
raw_free "$tmp/err" "a bad --set value"

# An empty file (no byte, or only blank lines: no header, no body; a
# crashed delivery leaves them in Maildirs) is no message: scan, train
# and cluster skip it with a warning naming it, count it with the inputs
# that could not be read, and exit 1 as for those; the commands that take
# one message refuse it; the filter still delivers an empty message.
me=$tmp/me
mkdir -p "$me/cur" "$me/new"
cp "$tmp/one.eml" "$me/cur/1.good"
: >"$me/cur/2.empty"
printf '\r\n \n\n' >"$me/new/3.blank"
expect 1 "^redflag: scan: $me/cur/2\.empty: empty file, skipped\$" \
	"$REDFLAG" scan --no-progress "$me"
grep -q "^redflag: scan: $me/new/3\.blank: empty file, skipped\$" \
    "$tmp/err" && grep -q '^1 message, .* 2 inputs failed;' "$tmp/out" &&
    [ "$(grep -c '^error: empty file, skipped$' "$tmp/out")" -eq 2 ] ||
	{ echo "FAIL: scan of empty files: summary or report" >&2;
	  fails=$((fails + 1)); }
expect 1 "^redflag: scan: $me/cur/2\.empty: empty file, skipped\$" \
	"$REDFLAG" scan --no-progress --json --db "$tmp/me.db" "$me"
[ "$(grep -c '"error":"empty file, skipped"' "$tmp/out")" -eq 2 ] &&
    [ "$(grep -c '"verdict"' "$tmp/out")" -eq 1 ] ||
	{ echo "FAIL: scan --json --db of empty files" >&2;
	  fails=$((fails + 1)); }
expect 1 "^redflag: scan: -: empty input, skipped\$" \
	"$REDFLAG" scan --no-progress -
# an mbox whose first message is its From_ line alone: that message is
# skipped as empty (it was scanned as a message of 0 headers, ham)
printf 'From x@y Sat Jan  1 00:00:00 2000\n\n' >"$tmp/fe.mbox"
{ echo 'From a@b Sat Jan  1 00:00:00 2000'; cat "$tmp/one.eml"; } >>"$tmp/fe.mbox"
expect 1 "^redflag: scan: $tmp/fe\.mbox:1: empty message, skipped\$" \
	"$REDFLAG" scan --no-progress "$tmp/fe.mbox"
grep -q '^1 message, .* 1 input failed;' "$tmp/out" ||
	{ echo "FAIL: scan of an mbox with an empty message: summary" >&2;
	  fails=$((fails + 1)); }
expect 1 "^redflag: train: $me/new/3\.blank: empty file, skipped\$" \
	"$REDFLAG" train --classifier "$tmp/me-cls.db" --ham "$me"
grep -qx 'learned 1 message as ham; 0 unchanged (learned before); 2 unreadable' \
    "$tmp/out" && "$REDFLAG" train --classifier "$tmp/me-cls.db" \
    --show-settings | grep -qx 'learned_ham=1' ||
	{ echo "FAIL: train of empty files: summary or counts" >&2;
	  fails=$((fails + 1)); }
expect 1 "^redflag: train: $me/cur/2\.empty: empty file, skipped\$" \
	"$REDFLAG" train --classifier "$tmp/me-cls.db" --classify "$me"
grep -q 'classified .*; 2 unreadable$' "$tmp/err" ||
	{ echo "FAIL: train --classify of empty files" >&2;
	  fails=$((fails + 1)); }
expect 1 "^redflag: cluster: $me/cur/2\.empty: empty file, skipped\$" \
	"$REDFLAG" cluster "$me"
[ "$(wc -l <"$tmp/out")" -eq 1 ] ||
	{ echo "FAIL: cluster of empty files lists them" >&2;
	  fails=$((fails + 1)); }
expect 1 "clean: .*/3\.blank: empty, no message" "$REDFLAG" clean "$me/new/3.blank"
expect 1 "complain: .*/3\.blank: empty, no message" \
	"$REDFLAG" complain --db "$tmp/s.db" "$me/new/3.blank"
expect 1 "arf make: .*/empty: empty, no message" \
	"$REDFLAG" arf make --to abuse@sender.example --from fbl@rcpt.example \
	    --rcpt a@example.org "$tmp/empty"
expect 1 "clean: -: empty, no message" "$REDFLAG" clean
# redflag never drops mail: the filter delivers an empty message with
# its headers, status 0 as for any message
set +e
"$REDFLAG" filter </dev/null >"$tmp/out" 2>"$tmp/err"
got=$?
set -e
[ "$got" -eq 0 ] && grep -qx 'X-Redflag-Verdict: ham' "$tmp/out" &&
    grep -qx 'X-Redflag-Action: headers' "$tmp/out" ||
	{ echo "FAIL: filter of an empty message: status $got" >&2;
	  fails=$((fails + 1)); }

# a command that only reads a store, or acts on what it holds, refuses a
# missing one (69, as a store that cannot be opened) and makes none: a
# mistyped --db made an empty database and said 'no open case' (status
# 0), train --classify printed 0.500000 unsure for every message
typo=$tmp/typo.db
for c in cases "show 1" "stats --month 2026-01" "audit list" "audit verify" \
    referrals "review 1" "state 1 new" export "raw 1 --why x" "user remove x"; do
	# shellcheck disable=SC2086
	expect 69 "^redflag: hotline ${c%% *}: $typo: cannot read it \(redflag hotline submit makes one\)\$" \
		"$REDFLAG" hotline --db "$typo" $c
done
expect 69 "^redflag: consent list: $typo: cannot read it \(redflag consent add makes one\)\$" \
	"$REDFLAG" consent --db "$typo" list
expect 69 "^redflag: consent remove: $typo: cannot read it \(redflag consent add makes one\)\$" \
	"$REDFLAG" consent --db "$typo" remove a@example.org b.example
# the store named by the settings, as by --db (feedback_open's must_exist)
printf 'db = %s\n' "$typo" >"$tmp/typo.conf"
expect 69 "^redflag: consent list: $typo: cannot read it \(redflag consent add makes one\)\$" \
	"$REDFLAG" consent -c "$tmp/typo.conf" list
expect 69 "^redflag: campaigns: $typo: cannot read it \(redflag scan --db makes one\)\$" \
	"$REDFLAG" campaigns --db "$typo"
expect 69 "^redflag: train: $typo: cannot read it \(redflag train --spam or --ham makes one\)\$" \
	"$REDFLAG" train --classifier "$typo" --classify "$tmp/one.eml"
[ ! -s "$tmp/out" ] ||
	{ echo "FAIL: train --classify of no classifier: $(cat "$tmp/out")" >&2; fails=$((fails + 1)); }
expect 69 "^redflag: train: sqlite:$typo: cannot read it" \
	"$REDFLAG" train --classifier "sqlite:$typo" --show-settings
expect 69 "^redflag: train: $typo: cannot read it" \
	"$REDFLAG" train --classifier "$typo" --spam --undo "$tmp/one.eml"
# and a store is not made for an input that cannot be read
expect 1 "^redflag: train: $tmp/none: No such file" \
	"$REDFLAG" train --classifier "$typo" --spam "$tmp/none" --ham "$tmp/none2"
grep -q "^redflag: train: $tmp/none2: No such file" "$tmp/err" ||
	{ echo "FAIL: train of two missing PATHs: the second not said" >&2; fails=$((fails + 1)); }
expect 1 "^redflag: complain: $tmp/none: No such file" \
	"$REDFLAG" complain --db "$typo" "$tmp/none"
[ ! -e "$typo" ] ||
	{ echo "FAIL: a read-only command made $typo" >&2; fails=$((fails + 1)); }
# one of two PATHs readable: the database is made and that one learned
expect 1 "^redflag: train: $tmp/none: No such file" \
	"$REDFLAG" train --classifier "$tmp/half.db" --spam "$tmp/none" "$tmp/one.eml"
grep -qx 'learned 1 message as spam; 0 unchanged (learned before); 1 unreadable' \
    "$tmp/out" || { echo "FAIL: train of a missing and a readable PATH" >&2; fails=$((fails + 1)); }
# the first readable PATH, opened to decide that the database is made,
# is read whole (a folder's every message) in its own class, and so is
# standard input in its place
awk '/^From /{n++} n==2' samples/sample.mbox >"$tmp/two.eml"
mkdir "$tmp/pair"
cp "$tmp/one.eml" "$tmp/two.eml" "$tmp/pair"
expect 1 "^redflag: train: $tmp/none: No such file" \
	"$REDFLAG" train --classifier "$tmp/pair.db" --spam "$tmp/none" --ham "$tmp/pair"
grep -qx 'learned 2 messages as ham; 0 unchanged (learned before); 0 unreadable' \
    "$tmp/out" || { echo "FAIL: train of a missing PATH, then a folder: $(cat "$tmp/out")" >&2; fails=$((fails + 1)); }
set +e
"$REDFLAG" train --classifier "$tmp/stdin.db" --spam "$tmp/none" - \
	<"$tmp/two.eml" >"$tmp/out" 2>/dev/null
set -e
grep -qx 'learned 1 message as spam; 0 unchanged (learned before); 1 unreadable' \
    "$tmp/out" || { echo "FAIL: train of a missing PATH, then -: $(cat "$tmp/out")" >&2; fails=$((fails + 1)); }
# the commands that make one still do
"$REDFLAG" hotline --db "$tmp/new-h.db" submit http://new.example/ >/dev/null &&
    "$REDFLAG" hotline --db "$tmp/new-h.db" cases >/dev/null ||
	{ echo "FAIL: hotline submit to a new store, then cases" >&2; fails=$((fails + 1)); }

# an operand to a command that takes none is not an option (was
# "unknown option 'extra'"), escaped; hotline alone says what is missing
for c in campaigns milter serve; do
	expect 64 "^redflag: $c: unexpected argument 'ex[\\]x1btra'\$" \
		"$REDFLAG" "$c" "$(printf 'ex\033tra')"
done
expect 64 "^redflag: hotline: give a command\$" "$REDFLAG" hotline
expect 64 "^redflag: hotline: give a command\$" "$REDFLAG" hotline --db "$typo"
# two modes of train conflict (was "unknown option '--spam'"); a --spam
# among the PATHs of --classify is not a file of that name
expect 64 "^redflag: train: --classify and --spam conflict" \
	"$REDFLAG" train --classifier "$typo" --classify --spam "$tmp/one.eml"
expect 64 "^redflag: train: --classify and --ham conflict" \
	"$REDFLAG" train --classifier "$typo" --classify "$tmp/one.eml" --ham "$tmp/one.eml"
expect 64 "^redflag: train: --spam and --ham conflict" \
	"$REDFLAG" train --classifier "$typo" --spam --ham "$tmp/one.eml"

# redflag help CMD is CMD's help (it printed the general one)
for c in scan hotline; do
	"$REDFLAG" help "$c" >"$tmp/out" 2>"$tmp/err" &&
	    head -n 1 "$tmp/out" | grep -q "^usage: redflag $c " &&
	    [ ! -s "$tmp/err" ] ||
		{ echo "FAIL: help $c: $(head -n 1 "$tmp/out")" >&2; fails=$((fails + 1)); }
done
expect 64 "^redflag: unknown command 'nosuch'" "$REDFLAG" help nosuch
expect 64 "^redflag: help: unknown command '--json'" "$REDFLAG" help --json

# an unknown setting is escaped, from a file (a binary one) or --set
printf '\377\376=1\n' >"$tmp/bin.conf"
expect 64 "^redflag: clean: $tmp/bin\.conf:1: unknown setting '[\\]xff[\\]xfe'\$" \
	"$REDFLAG" clean -c "$tmp/bin.conf" "$tmp/one.eml"
expect 64 "^redflag: clean: --set: unknown setting 'foo[\\]x1b\[31mX'\$" \
	"$REDFLAG" clean --set "$(printf 'foo\033[31mX=1')" "$tmp/one.eml"
expect 64 "not 'sp[\\]x1bam'\$" \
	"$REDFLAG" clean --set "$(printf 'action.sp\033am=reject')" "$tmp/one.eml"

[ "$fails" -eq 0 ] || { echo "cli_errors: $fails failed" >&2; exit 1; }
echo "cli_errors: ok"
