# hotline.sh - sourced by tests/e2e/hotline*.sh: a scratch directory, a
# `redflag serve` on a free 127.0.0.1 port with its own database, and
# curl helpers.  Needs $REDFLAG.  Everything is removed by the trap.
set -u
T=$(mktemp -d)
DB=$T/hotline.db
SERVE_PID= PIDS=
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

# launch NAME [SERVE OPTIONS]: a `redflag serve` of $DB on a free port,
# its output in $T/NAME.out and $T/NAME.err (stopped by the trap, or
# before by halt "$PID"); sets PID and URL once it listens.
launch() {
	name=$1
	shift
	"$REDFLAG" serve --db "$DB" --port 0 "$@" > "$T/$name.out" 2> "$T/$name.err" &
	PID=$!
	PIDS="$PIDS $PID"
	i=0
	while ! grep -q listening "$T/$name.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && { cat "$T/$name.err" >&2; fail "server $name did not start"; }
		sleep 0.05
	done
	URL=$(sed -n 's/.*listening on \(http:[^ ]*\)\//\1/p' "$T/$name.out")
}

# halt PID: stop a server that launch started, now.
halt() {
	kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
	left=
	for p in $PIDS; do
		[ "$p" = "$1" ] || left="$left $p"
	done
	PIDS=$left
}

# start_server [SERVE OPTIONS]: the server of the test; sets BASE.
start_server() {
	launch serve "$@"
	SERVE_PID=$PID BASE=$URL
}

# add_user NAME ROLE: a user whose password is "pw-NAME-123456".
add_user() {
	printf 'pw-%s-123456\n' "$1" | "$REDFLAG" hotline --db "$DB" user add "$1" --role "$2" > /dev/null ||
	    fail "user add $1"
}

# login NAME: cookie jar $T/NAME.jar; sets CSRF to the session's token.
login() {
	jar=$T/$1.jar
	curl -s -c "$jar" -b "$jar" "$BASE/login" > "$T/login.html"
	lt=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/login.html")
	code=$(curl -s -o /dev/null -D "$T/$1.hdr" -w '%{http_code}' -c "$jar" -b "$jar" \
	    --data-urlencode "csrf=$lt" --data-urlencode "user=$1" \
	    --data-urlencode "password=pw-$1-123456" "$BASE/login")
	[ "$code" = 303 ] || fail "login $1: HTTP $code"
	curl -s -b "$jar" "$BASE/queue" > "$T/q.html"
	CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/q.html" | head -1)
	[ -n "$CSRF" ] || fail "no CSRF token after login"
}

# api JSON: POST /api/reports, prints the body.
api() {
	curl -s -H 'Content-Type: application/json' --data-binary "$1" "$BASE/api/reports"
}

# post USER PATH FIELD=VALUE...: prints the HTTP status; body in $T/body.
post() {
	u=$1 p=$2
	shift 2
	n=$#
	for kv in "$@"; do set -- "$@" --data-urlencode "$kv"; done
	shift "$n"
	curl -s -o "$T/body" -w '%{http_code}' -b "$T/$u.jar" "$@" "$BASE$p"
}
