#!/bin/sh
# store_concurrent.sh - several writers on one campaign store at once, as
# on several mail servers: 4 `redflag scan --db` processes of 500 copies
# each of one campaign, then 2 scans and a milter with 8 connections at
# once, into ONE SQLite file and into ONE Redis prefix.  Every writer
# must succeed (no "database is locked") and the campaign's counts (id,
# distinct recipients, copies, complaints) must equal those of one
# serial run of the same copies.  Prints the wall times, serial and
# parallel (docs/store.md, "Concurrent writers").
# run.sh: alone
set -u
. tests/e2e/lib/postfix.sh
. tests/redis.sh
command -v python3 >/dev/null && command -v redis-server >/dev/null || {
	echo "skip: python3 or redis-server missing (scripts/deps.sh)" >&2
	exit 77
}
milter_test_begin sconc 240
trap 'redis_stop; pf_cleanup' EXIT
d=$PF_DIR
tool="python3 tests/e2e/lib/concmail.py"
writers=4 per=500

for k in $(seq 0 $((writers - 1))); do
	$tool mbox "$d/p$k.mbox" $((k * per)) $per || fail "mbox $k"
done
now() { python3 -c 'import time; print("%.2f" % time.time())'; }
# counts STORE: id, size, copies, complaints of every campaign
counts() { "$REDFLAG" campaigns --db "$1" --limit 0 --min-size 1 | awk 'NR > 1 {print $1, $2, $3, $4}'; }

# serial STORE FILES...: one scan of FILES after another
serial() {
	_db=$1; shift
	for _f in "$@"; do
		"$REDFLAG" scan --db "$_db" --no-progress "$_f" > /dev/null \
		    2> "$d/serial.err" || fail "serial scan of $_f: $(cat "$d/serial.err")"
	done
}

# parallel STORE FILES...: one scan per file, all at once; every one
# must exit 0 with nothing on standard error.
parallel() {
	_db=$1; shift
	_pids='' _i=0
	for _f in "$@"; do
		"$REDFLAG" scan --db "$_db" --no-progress "$_f" > "$d/par$_i.out" \
		    2> "$d/par$_i.err" &
		_pids="$_pids $!"
		_i=$((_i + 1))
	done
	_i=0
	for _p in $_pids; do
		wait "$_p" || fail "parallel scan $_i into $_db: status $?: $(cat "$d/par$_i.err")"
		[ -s "$d/par$_i.err" ] && fail "parallel scan $_i: $(cat "$d/par$_i.err")"
		_i=$((_i + 1))
	done
}

files=
for k in $(seq 0 $((writers - 1))); do files="$files $d/p$k.mbox"; done

check() {	# check WHAT REFSTORE STORE
	counts "$2" > "$d/ref.counts"
	counts "$3" > "$d/got.counts"
	[ -s "$d/ref.counts" ] || fail "$1: the serial store is empty"
	cmp -s "$d/ref.counts" "$d/got.counts" ||
		fail "$1: counts differ from a serial run: serial $(cat "$d/ref.counts"); got $(cat "$d/got.counts")"
	echo "$1: $(cat "$d/got.counts") (id size copies complaints), as serial"
}

redis_start "$d" || fail "cannot start redis-server"
for backend in sqlite redis; do
	case $backend in
	sqlite) ser=$d/serial.db par=$d/par.db mix=$d/mix.db mixref=$d/mixref.db ;;
	redis) r=redis://127.0.0.1:$redis_port
	       ser=$r/ser par=$r/par mix=$r/mix mixref=$r/mixref ;;
	esac
	t0=$(now)
	# shellcheck disable=SC2086
	serial "$ser" $files
	t1=$(now)
	# shellcheck disable=SC2086
	parallel "$par" $files
	t2=$(now)
	check "$backend, $writers scans x $per" "$ser" "$par"
	echo "$backend: wall time serial $(echo "$t1 - $t0" | bc) s, $writers in parallel $(echo "$t2 - $t1" | bc) s"

	# a milter (8 connections at once) and 2 scans into one store
	serial "$mixref" "$d/p0.mbox" "$d/p1.mbox" "$d/p2.mbox"
	redflag_milter_start --set "db=$mix" || fail "milter start"
	$tool milter "$RF_MILTER_PORT" "$d/p0.mbox" 8 > "$d/milter.out" &
	m=$!
	parallel "$mix" "$d/p1.mbox" "$d/p2.mbox"
	wait $m || fail "milter client: $(cat "$d/milter.out")"
	[ "$(cat "$d/milter.out")" = "c $per" ] ||
		fail "$backend milter answers: $(cat "$d/milter.out")"
	redflag_milter_stop KILL	# answered: every count is in (a TERM waits)
	check "$backend, milter ($per over 8 connections) + 2 scans x $per" \
	    "$mixref" "$mix"
done
echo "store_concurrent: counts exact, 0 errors"
