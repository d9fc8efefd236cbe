#!/bin/sh
# serve_login_throttle.sh - failed sign-ins are throttled per client
# address: after login_max_failures (5) failures from 127.0.0.1 within
# login_window seconds, its sign-ins are answered 429 with Retry-After,
# at once (no argon2id hash, no login.fail record), the right password
# too, until the window has passed; 127.0.0.2 is not throttled; one log
# line names the address, never what was typed; a success clears the
# count.  Before, every attempt cost an argon2id hash (64 MB, ~80 ms on
# the one server thread), without end.
. tests/e2e/lib/hotline.sh
# the window: its five hashed failures (argon2id, 64 MB each) must fit in
# it on a loaded machine (with 4 s, one run of the suite beside three
# builds took longer, and its sixth sign-in was a 401)
W=12
start_server --set login_max_failures=5 --set login_window=$W
add_user ana analyst

# try FROM JAR USER PASSWORD: one sign-in from address FROM with cookie
# jar $T/JAR (its sign-in form fetched first); prints "STATUS SECONDS",
# the headers in $T/JAR.hdr
try() {
	from=$1 jar=$T/$2.jar
	curl -s --interface "$from" -c "$jar" -b "$jar" "$BASE/login" > "$T/l.html"
	lt=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/l.html")
	curl -s --interface "$from" -o "$T/$2.body" -D "$T/$2.hdr" \
	    -w '%{http_code} %{time_total}' -c "$jar" -b "$jar" \
	    --data-urlencode "csrf=$lt" --data-urlencode "user=$3" \
	    --data-urlencode "password=$4" "$BASE/login"
}

fastest_401=99
for i in 1 2 3 4 5; do
	user=ana
	[ $i = 3 ] && user=typed-name-xyz	# no user: counts the same
	set -- $(try 127.0.0.1 a "$user" "typed-password-$i")
	[ "$1" = 401 ] || fail "wrong sign-in $i: HTTP $1"
	fastest_401=$(awk -v a="$fastest_401" -v b="$2" 'BEGIN { print (b < a ? b : a) }')
done
set -- $(try 127.0.0.1 a ana typed-password-6)
[ "$1" = 429 ] || fail "6th wrong sign-in: HTTP $1, not 429"
awk -v t="$2" -v f="$fastest_401" 'BEGIN { exit !(t < f / 2) }' ||
    fail "the 429 took $2 s, a hashed failure $fastest_401 s: was the password hashed?"
ra=$(sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9]*\).*/\1/p' "$T/a.hdr")
[ -n "$ra" ] && [ "$ra" -ge 1 ] && [ "$ra" -le $W ] || fail "Retry-After: '$ra'"
grep -q 'Too many failed sign-ins from your address' "$T/a.body" || fail "429 page: no reason"
set -- $(try 127.0.0.1 a ana pw-ana-123456)
[ "$1" = 429 ] || fail "right password while throttled: HTTP $1"
grep -qi '^set-cookie: rf_session=[0-9a-f]' "$T/a.hdr" && fail "a session while throttled"

# another address is not throttled
set -- $(try 127.0.0.2 b ana typed-password-b)
[ "$1" = 401 ] || fail "127.0.0.2, wrong password: HTTP $1"
set -- $(try 127.0.0.2 b ana pw-ana-123456)
[ "$1" = 303 ] || fail "127.0.0.2, right password: HTTP $1"

# only the hashed attempts were audited: 5 from .1, 1 from .2
n=$("$REDFLAG" hotline --db "$DB" audit list | grep -c 'login.fail')
[ "$n" = 6 ] || fail "$n login.fail records, not 6"

# one log line, with the address, without what was typed
[ "$(grep -c 'throttled' "$T/serve.err")" = 1 ] || fail "log: $(cat "$T/serve.err")"
grep -q "^redflag: serve: sign-in from 127.0.0.1 throttled: 5 failed within $W s (login_max_failures, login_window); refused for $W s$" "$T/serve.err" ||
    fail "log line: $(cat "$T/serve.err")"
grep -q 'typed' "$T/serve.err" && fail "the log holds what was typed"

# after the window, the right password signs in, and clears the count
sleep $((W + 1))
set -- $(try 127.0.0.1 a ana pw-ana-123456)
[ "$1" = 303 ] || fail "right password after the window: HTTP $1"
for i in 1 2 3 4; do
	set -- $(try 127.0.0.1 a ana typed-password-again)
	[ "$1" = 401 ] || fail "after a success, wrong sign-in $i: HTTP $1"
done

# the settings' bounds
"$REDFLAG" serve --set login_max_failures=0 > /dev/null 2>&1; [ $? = 64 ] || fail "login_max_failures=0"
"$REDFLAG" serve --set login_window=86401 > /dev/null 2>&1; [ $? = 64 ] || fail "login_window=86401"
echo "serve_login_throttle: ok"
