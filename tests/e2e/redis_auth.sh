#!/bin/sh
# redis_auth.sh - Redis stores that ask for a password, against real
# redis-servers: one with requirepass, one with an ACL user (rf, keys
# rf:* only) and the default user off.  With the right password
# (--redis-password-file, --redis-user; redis_password_file and
# redis_user in redflag.conf; $REDFLAG_REDIS_PASSWORD_FILE) scan counts a
# campaign, campaigns lists it, consent adds and lists, train learns and
# scan --classifier classifies, the filter decides; with none each says
# the server asks for a password (NOAUTH), with a wrong one that it was
# refused (WRONGPASS): exit 69 (the filter 75: the mail is kept), and the
# password never shows in an error.  The password file: empty, too long,
# missing, a user without a password are usage errors naming the file;
# redflag clean, which opens no store, and commands whose stores are
# SQLite files do not read it.
set -u
bin=${REDFLAG:-build/redflag}
fail() { echo "redis_auth: $*" >&2; exit 1; }

command -v redis-server >/dev/null 2>&1 ||
	fail "redis-server is not installed (scripts/deps.sh)"
. tests/redis.sh
. tests/e2e/lib/genmail.sh
tmp=$(mktemp -d)
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT INT TERM

# passwords with a space and a '%': each goes to Redis as one argument
pwa="Pa ss%s-$$-requirepass"
pwb="Bb %d-$$-acl"
printf '%s\r\n' "$pwa" > "$tmp/pwa"		# CRLF: stripped
printf '%s\nsecond line ignored\n' "$pwb" > "$tmp/pwb"
printf 'wrong-password\n' > "$tmp/bad"
chmod 600 "$tmp/pwa" "$tmp/pwb"
mkdir "$tmp/a" "$tmp/b"
redis_start "$tmp/a" --requirepass "$pwa" || fail "cannot start redis-server A"
pa=$redis_port pids="$pids $redis_pid"
redis_start "$tmp/b" --user default off \
    --user rf on ">$pwb" '~rf:*' '&*' '+@all' ||
	fail "cannot start redis-server B"
pb=$redis_port pids="$pids $redis_pid"

genmail "$tmp/spam" spam 12 1
genmail "$tmp/ham" ham 12 2
msg=$tmp/spam/00001.eml

# never: the password in what a command said
secret_out() {
	for f in "$@"; do
		! grep -qF -e "$pwa" -e "$pwb" "$f" || fail "the password in $f"
	done
}

# refused WHAT WANT CMD...: CMD exits 69 and says WANT
refused() {
	_what=$1 _want=$2
	shift 2
	"$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	_rc=$?
	secret_out "$tmp/out" "$tmp/err"
	[ $_rc -eq 69 ] || fail "$_what: exit $_rc, not 69: $(cat "$tmp/err")"
	grep -q "$_want" "$tmp/err" || fail "$_what: $(cat "$tmp/err")"
}

for s in a b; do
	if [ $s = a ]; then
		R=redis://127.0.0.1:$pa pw=$tmp/pwa user=
	else
		R=redis://127.0.0.1:$pb pw=$tmp/pwb user="--redis-user rf"
	fi
	# shellcheck disable=SC2086
	auth="$user --redis-password-file $pw"

	# scan counts a campaign (the same message to two recipients)
	# shellcheck disable=SC2086
	"$bin" scan --db "$R" $auth --no-progress --rcpt one@example.org \
	    "$msg" > "$tmp/s1" 2> "$tmp/e1" || fail "$s: scan: $(cat "$tmp/e1")"
	# shellcheck disable=SC2086
	"$bin" scan --db "$R" $auth --no-progress --rcpt two@example.org \
	    "$msg" > "$tmp/s2" 2> "$tmp/e2" || fail "$s: scan 2: $(cat "$tmp/e2")"
	grep -q "1 in campaigns" "$tmp/s2" || fail "$s: scan 2: $(cat "$tmp/s2")"
	# shellcheck disable=SC2086
	"$bin" campaigns --db "$R" $auth --min-size 1 --json > "$tmp/c" ||
		fail "$s: campaigns"
	grep -q '"copies": 2' "$tmp/c" || fail "$s: campaigns: $(cat "$tmp/c")"

	# consent: add and list; redflag.conf's settings do the same
	# shellcheck disable=SC2086
	"$bin" consent --db "$R" $auth add one@example.org \
	    news@offers1.example > /dev/null || fail "$s: consent add"
	{
		echo "db = $R"
		[ -n "$user" ] && echo "redis_user = rf"
		echo "redis_password_file = $pw"
	} > "$tmp/$s.conf"
	"$bin" consent -c "$tmp/$s.conf" list > "$tmp/l" ||
		fail "$s: consent -c list"
	grep -q "news@offers1.example" "$tmp/l" || fail "$s: consent list"

	# the classifier: train, then scan --classifier
	# shellcheck disable=SC2086
	"$bin" train --classifier "$R" $auth --spam "$tmp/spam" > "$tmp/t" ||
		fail "$s: train --spam"
	# shellcheck disable=SC2086
	"$bin" train --classifier "$R" $auth --ham "$tmp/ham" > "$tmp/t" ||
		fail "$s: train --ham"
	# shellcheck disable=SC2086
	"$bin" scan --classifier "$R" $auth --no-progress --json "$msg" \
	    > "$tmp/sc" 2> "$tmp/e" || fail "$s: scan --classifier: $(cat "$tmp/e")"
	grep -q '"classifier"' "$tmp/sc" || fail "$s: no classifier in $(cat "$tmp/sc")"

	# the filter, with redflag.conf
	{ cat "$tmp/$s.conf"; echo "classifier = $R"; } > "$tmp/$s.f.conf"
	"$bin" filter -c "$tmp/$s.f.conf" < "$msg" > "$tmp/f" 2> "$tmp/fe" ||
		fail "$s: filter: $(cat "$tmp/fe")"
	grep -q '^X-Redflag-Verdict: ' "$tmp/f" || fail "$s: filter: no verdict"

	# no password: NOAUTH, said as such; exit 69 (the filter: 75)
	refused "$s: scan, none" "asks for a password (NOAUTH)" \
	    "$bin" scan --db "$R" --no-progress "$msg"
	refused "$s: campaigns, none" "asks for a password" \
	    "$bin" campaigns --db "$R"
	refused "$s: consent, none" "asks for a password" \
	    "$bin" consent --db "$R" list
	# a server that refuses is no server that "does not answer"
	! grep -q "does not answer" "$tmp/err" || fail "$s: consent: $(cat "$tmp/err")"
	refused "$s: scan --consent-db, none" "asks for a password" \
	    "$bin" scan --consent-db "$R" --no-progress "$msg"
	! grep -q "does not answer" "$tmp/err" || fail "$s: scan --consent-db: $(cat "$tmp/err")"
	refused "$s: train, none" "asks for a password" \
	    "$bin" train --classifier "$R" --spam "$tmp/spam"
	refused "$s: scan --classifier, none" "asks for a password" \
	    "$bin" scan --classifier "$R" --no-progress "$msg"
	refused "$s: complain, none" "asks for a password" \
	    "$bin" complain --db "$R" --no-learn "$msg"
	# a wrong password: refused, in Redis's words
	# shellcheck disable=SC2086
	refused "$s: scan, wrong" "authentication refused (WRONGPASS" \
	    "$bin" scan --db "$R" $user --redis-password-file "$tmp/bad" \
	    --no-progress "$msg"
	# shellcheck disable=SC2086
	refused "$s: consent, wrong" "authentication refused (WRONGPASS" \
	    "$bin" consent --db "$R" $user --redis-password-file "$tmp/bad" list
	# shellcheck disable=SC2086
	refused "$s: train, wrong" "authentication refused (WRONGPASS" \
	    "$bin" train --classifier "$R" $user --redis-password-file \
	    "$tmp/bad" --spam "$tmp/spam"
	for how in none wrong; do
		sed '/^redis_password_file/d' "$tmp/$s.f.conf" > "$tmp/x.conf"
		[ $how = wrong ] &&
			echo "redis_password_file = $tmp/bad" >> "$tmp/x.conf"
		# ACL: a user without a password is a configuration error
		[ $how = none ] && sed -i '/^redis_user/d' "$tmp/x.conf"
		"$bin" filter -c "$tmp/x.conf" < "$msg" > "$tmp/f" 2> "$tmp/fe"
		rc=$?
		secret_out "$tmp/f" "$tmp/fe"
		[ $rc -eq 75 ] || fail "$s: filter, $how: exit $rc, not 75"
		grep -q "on_error = tempfail" "$tmp/fe" ||
			fail "$s: filter, $how: $(cat "$tmp/fe")"
	done
done

# $REDFLAG_REDIS_PASSWORD_FILE, and the option before it
REDFLAG_REDIS_PASSWORD_FILE=$tmp/pwa "$bin" consent \
    --db "redis://127.0.0.1:$pa" list > /dev/null || fail "\$REDFLAG_REDIS_PASSWORD_FILE"
REDFLAG_REDIS_PASSWORD_FILE=$tmp/bad "$bin" consent \
    --redis-password-file "$tmp/pwa" --db "redis://127.0.0.1:$pa" list \
    > /dev/null || fail "--redis-password-file does not win over the environment"

# a command that opens no store never reads the file
printf 'redis_password_file = %s\n' "$tmp/missing" > "$tmp/clean.conf"
"$bin" clean -c "$tmp/clean.conf" "$msg" > /dev/null ||
	fail "clean read the password file"
# nor one whose stores are SQLite files (the file may be another
# user's, as the milter's often is): the setting, the option and the
# environment alike; with a Redis classifier beside it, read
printf 'redis_password_file = %s\nredis_user = rf\ndb = %s\n' \
    "$tmp/missing" "$tmp/local.db" > "$tmp/sqlite.conf"
REDFLAG_REDIS_PASSWORD_FILE=$tmp/missing "$bin" scan --db "$tmp/local.db" \
    --redis-password-file "$tmp/missing" "$msg" > /dev/null ||
	fail "scan with a SQLite store read the password file"
REDFLAG_REDIS_PASSWORD_FILE=$tmp/missing "$bin" consent \
    --db "$tmp/local.db" list > /dev/null ||
	fail "consent with a SQLite store read the password file"
"$bin" filter -c "$tmp/sqlite.conf" < "$msg" > /dev/null ||
	fail "filter with a SQLite store read the password file"
"$bin" scan --db "$tmp/local.db" --classifier "redis://127.0.0.1:$pa" \
    --redis-password-file "$tmp/missing" "$msg" > /dev/null 2> "$tmp/e"
rc=$?
[ $rc -eq 64 ] && grep -qF "$tmp/missing" "$tmp/e" ||
	fail "a Redis classifier beside a SQLite store: exit $rc: $(cat "$tmp/e")"

# the file: every problem a usage error (64) naming it, not its content
printf '' > "$tmp/empty"
printf '\r\n' > "$tmp/crlf-only"
head -c 513 /dev/zero | tr '\0' x > "$tmp/long"
for f in empty crlf-only long missing; do
	"$bin" consent --db "redis://127.0.0.1:$pa" \
	    --redis-password-file "$tmp/$f" list > /dev/null 2> "$tmp/e"
	rc=$?
	[ $rc -eq 64 ] || fail "password file $f: exit $rc, not 64"
	grep -qF "$tmp/$f" "$tmp/e" || fail "password file $f: $(cat "$tmp/e")"
	grep -q xxxx "$tmp/e" && fail "password file $f: its content said"
	[ $f = long ] && { grep -q "at most 512 bytes" "$tmp/e" ||
	    fail "too long: no limit said: $(cat "$tmp/e")"; }
done
"$bin" scan --redis-user rf --db "redis://127.0.0.1:$pb" < /dev/null \
    > /dev/null 2> "$tmp/e"
rc=$?
[ $rc -eq 64 ] && grep -q "needs a password" "$tmp/e" ||
	fail "a user without a password: exit $rc: $(cat "$tmp/e")"
echo "redis_auth: requirepass and ACL user, right, none and wrong passwords: ok"
