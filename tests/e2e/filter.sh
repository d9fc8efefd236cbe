#!/bin/sh
# filter.sh - redflag filter: standard input to standard output, and its
# exit statuses (sysexits.h) as procmail, maildrop and Postfix pipe see
# them.  0 only with the whole message written; 77 (EX_NOPERM) for a
# policy reject; 75 (EX_TEMPFAIL) for a policy tempfail, a limit hit, a
# bad configuration or a failed write, never a truncated message.
set -u
command -v python3 >/dev/null || { echo "skip: no python3" >&2; exit 77; }
d=$(mktemp -d /tmp/redflag-filter.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
rf() { timeout 30 "$REDFLAG" filter "$@"; }

python3 tests/e2e/lib/mailtool.py campaign "$d/msgs" 3 test.example
m=$d/msgs/msg-001.eml

# Annotated: headers first, the forged verdict gone, the rest intact.
rf -r r001@test.example < "$m" > "$d/out" 2>"$d/err"; rc=$?
[ $rc -eq 0 ] || { cat "$d/err" >&2; fail "exit status $rc"; }
for h in Verdict Score Campaign Reasons; do
	[ "$(grep -c "^X-Redflag-$h: " "$d/out")" -eq 1 ] || fail "X-Redflag-$h"
done
grep -q '^X-Redflag-Verdict: ham' "$d/out" && fail "forged header kept"
grep -q "^X-Redflag-Verdict: .*$(printf '\r')\$" "$d/out" ||
	fail "added headers do not follow the message's CRLF line ends"
grep -q '^Subject: Spring sale' "$d/out" || fail "Subject lost"
# The recipient's codes are neutralised, whichever way it is named: -r,
# or the message's own To: when no recipient is given.
for args in "-r r001@test.example" ""; do
	# shellcheck disable=SC2086
	rf $args < "$m" > "$d/out" || fail "filter $args"
	grep -q 'cjAwMUB0ZXN0LmV4YW1wbGU' "$d/out" &&
	    fail "tracking code left (filter $args)"
done
# Action accept passes the message byte for byte, but for the sender's
# X-Redflag-* headers: removed on every path that passes a message (the
# campaign's messages carry forged ones, each on one line).
grep -vi '^x-redflag-' "$m" > "$d/unforged"
grep -q '^X-Redflag-Verdict: ham' "$m" || fail "the test message forges no verdict"
rf --set action=accept < "$m" > "$d/out" || fail "accept"
cmp -s "$d/unforged" "$d/out" ||
	fail "action accept: not the message without its X-Redflag-* headers"

# Policy reject and tempfail: no output, the status says it.
rf --set action=reject --set 'reject_text=Refused here' < "$m" \
    > "$d/out" 2>"$d/err"; rc=$?
[ $rc -eq 77 ] || fail "reject: status $rc"
[ -s "$d/out" ] && fail "reject wrote a message"
grep -q 'Refused here' "$d/err" || fail "reject text"
rf --set action=tempfail < "$m" > "$d/out" 2>/dev/null; rc=$?
[ $rc -eq 75 ] || fail "tempfail: status $rc"
[ -s "$d/out" ] && fail "tempfail wrote a message"

# A limit hit: 75 and nothing written, or (on_limit = accept) the whole
# message unchanged but for its X-Redflag-* headers, also when larger than
# the limit; a header block that runs past the limit cannot be read for
# them, so such a message is not passed (75).
rf --set max_message_size=1k < "$m" > "$d/out" 2>/dev/null; rc=$?
[ $rc -eq 75 ] || fail "limit: status $rc"
[ -s "$d/out" ] && fail "limit: wrote a message"
rf --set max_message_size=1k --set on_limit=accept < "$m" > "$d/out" \
    2>/dev/null || fail "on_limit=accept: status $?"
cmp -s "$d/unforged" "$d/out" || fail "on_limit=accept: not the message without its X-Redflag-* headers"
{ printf 'X-Redflag-Verdict: ham\nSubject: '; head -c 2000 /dev/zero | tr '\0' s
  printf '\n\nbody\n'; } > "$d/longhead"
rf --set max_message_size=1k --set on_limit=accept < "$d/longhead" \
    > "$d/out" 2>"$d/err"; rc=$?
[ $rc -eq 75 ] && [ ! -s "$d/out" ] ||
	fail "header block past the limit, on_limit=accept: status $rc"
grep -q 'header block runs past max_message_size' "$d/err" ||
	fail "header block past the limit: no reason given"
# and --help says so (it said only "the rest is ignored", as for scan)
for c in filter milter; do
	"$REDFLAG" $c --help | tr '\n' ' ' | grep -q 'larger than max_message_size is not *analysed in part: it gets on_limit (tempfail' ||
	    fail "$c --help: max_message_size on the mail path"
done

# Configuration: a file, and a bad one (75: the MTA retries, no bounce).
printf '# test\naction = reject\nreject_text = From the file\n' > "$d/rf.conf"
rf --config "$d/rf.conf" < "$m" > /dev/null 2>"$d/err"; rc=$?
[ $rc -eq 77 ] && grep -q 'From the file' "$d/err" || fail "config file"
printf 'action = maybe\n' > "$d/bad.conf"
rf --config "$d/bad.conf" < "$m" > "$d/out" 2>"$d/err"; rc=$?
[ $rc -eq 75 ] || fail "bad config: status $rc"
grep -q 'bad.conf:1: action' "$d/err" || fail "bad config message"
rf --config "$d/none.conf" < "$m" > /dev/null 2>&1; rc=$?
[ $rc -eq 75 ] || fail "missing config: status $rc"
rf --bogus < "$m" > /dev/null 2>&1; rc=$?
[ $rc -eq 75 ] || fail "bad option: status $rc"

# The store: counted only once accepted.  Copies 1 and 2 are accepted;
# copy 3 is tempfailed, then rejected, then accepted: it must find the
# campaign with 2 recipients, and be judged with itself counted, 3, as
# scan --db judges it (the refused tries were not counted: 5).
db=$d/campaigns.db
python3 tests/e2e/lib/mailtool.py campaign "$d/c" 3 test.example
rf --set "db=$db" < "$d/c/msg-001.eml" > /dev/null || fail "db 1"
rf --set "db=$db" < "$d/c/msg-002.eml" > /dev/null || fail "db 2"
rf --set "db=$db" --set action=tempfail < "$d/c/msg-003.eml" 2>/dev/null
[ $? -eq 75 ] || fail "db tempfail"
rf --set "db=$db" --set action=reject < "$d/c/msg-003.eml" 2>/dev/null
[ $? -eq 77 ] || fail "db reject"
rf --set "db=$db" < "$d/c/msg-003.eml" > "$d/out" || fail "db 3"
grep -q '^X-Redflag-Reasons: sent to 3 recipients' "$d/out" ||
	fail "refused copies were counted: $(grep Reasons "$d/out")"
grep -q '^X-Redflag-Campaign: [0-9a-f]\{16\}' "$d/out" || fail "campaign id"
if command -v sqlite3 >/dev/null; then
	[ "$(sqlite3 "$db" 'select sum(copies) from campaign')" -eq 3 ] ||
	    fail "the store does not hold exactly 3 copies"
fi
# A store that cannot be reached: 75, or unchanged with on_error=accept.
rf --set db=redis://127.0.0.1:1 < "$m" > "$d/out" 2>/dev/null; rc=$?
[ $rc -eq 75 ] && [ ! -s "$d/out" ] || fail "unreachable store: status $rc"
rf --set db=redis://127.0.0.1:1 --set on_error=accept < "$m" > "$d/out" \
    2>/dev/null || fail "unreachable store, on_error=accept"
cmp -s "$d/unforged" "$d/out" || fail "on_error=accept: not the message without its X-Redflag-* headers"

# A failed write is never status 0.
if [ -w /dev/full ]; then
	rf < "$m" > /dev/full 2>/dev/null; rc=$?
	[ $rc -eq 75 ] || fail "write to /dev/full: status $rc"
fi

# A reader gone (standard output a pipe closed at its other end) is a
# failed write, 75, on every path: analysed, passed by on_limit = accept,
# passed by on_error = accept (not death by SIGPIPE, which the MTA may
# not retry).  Bytes a stranger sends: NULs, no final line end, CR-only
# lines pass intact; a message of exactly max_message_size is analysed,
# one byte more is a limit hit.
python3 - "$REDFLAG" "$m" <<'PY' || fail "hostile input"
import os, subprocess, sys
rf, path = sys.argv[1], sys.argv[2]
msg = open(path, "rb").read()

def run(data, *args, closed=False):
    r, w = os.pipe()
    if closed:
        os.close(r)
    p = subprocess.Popen([rf, "filter"] + list(args), stdin=subprocess.PIPE,
                         stdout=w, stderr=subprocess.DEVNULL)
    os.close(w)
    try:
        p.stdin.write(data)
        p.stdin.close()
    except BrokenPipeError:
        pass		# the filter may stop reading once it failed
    out = b""
    if not closed:
        with os.fdopen(r, "rb") as f:
            out = f.read()
    return p.wait(timeout=30), out

for args in ((), ("--set", "max_message_size=1k", "--set", "on_limit=accept"),
             ("--set", "db=redis://127.0.0.1:1", "--set", "on_error=accept")):
    rc, _ = run(msg, *args, closed=True)
    assert rc == 75, ("closed output", args, rc)
odd = b"Subject: n\x00ul\nX-Redflag-Spam: no\n\tfolded\n\nbody\x00\x01\xff end"
rc, out = run(odd, "--set", "action=accept")
assert rc == 0 and out == b"Subject: n\x00ul\n\nbody\x00\x01\xff end", ("accept", rc, out)
rc, out = run(b"From a@b Sat Jan  1 00:00:00 2000\n" + odd, "--set", "action=accept")
assert rc == 0 and out == b"From a@b Sat Jan  1 00:00:00 2000\nSubject: n\x00ul\n\nbody\x00\x01\xff end", ("accept From_", rc, out)
rc, out = run(odd + b"y" * 2000, "--set", "max_message_size=1k", "--set", "on_limit=accept")
assert rc == 0 and out == b"Subject: n\x00ul\n\nbody\x00\x01\xff end" + b"y" * 2000, ("on_limit accept", rc, out[:80])
rc, out = run(odd)
assert rc == 0 and out.endswith(b"\nSubject: n\x00ul\n\nbody\x00\x01\xff end"), out
assert b"X-Redflag-Spam" not in out, out
cr = b"Subject: cr\rTo: a@test.example\r\rbody\r"
rc, out = run(cr)
assert rc == 0 and out.endswith(cr), (rc, out)
head = b"Subject: x\nTo: a@test.example\n\n"
for n, want in ((1024, 0), (1025, 75)):
    rc, out = run(head + b"y" * (n - len(head)), "--set", "max_message_size=1k")
    assert rc == want and (out != b"") == (want == 0), (n, rc, len(out))
PY

# Standard input or output closed: 75, nothing read from or written into
# whatever is opened next.  With a Redis store, the store's socket used
# to become standard output: the message was sent to Redis as commands
# (a body line "SET pwned yes" ran) and the filter exited 0.
rf < "$m" >&- 2>/dev/null; rc=$?
[ $rc -eq 75 ] || fail "standard output closed: status $rc"
rf <&- > "$d/out" 2>/dev/null; rc=$?
[ $rc -eq 75 ] && [ ! -s "$d/out" ] || fail "standard input closed: status $rc"
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
	. tests/redis.sh
	trap 'redis_stop; rm -rf "$d"' EXIT
	redis_start "$d" || fail "redis-server did not start"
	printf 'Subject: x\nTo: a@test.example\n\nSET pwned yes\r\n' |
	    rf --set "db=redis://127.0.0.1:$redis_port" >&- 2>/dev/null
	rc=$?
	[ "$(redis-cli -p "$redis_port" exists pwned)" = 0 ] ||
	    fail "the message reached Redis as commands"
	[ $rc -eq 75 ] || fail "standard output closed, Redis store: status $rc"
	redis_stop
fi

# A deception sign: X-Redflag-Signs, after the reasons; the verdict and the
# action stay what they are.  A sender's own X-Redflag-Signs is removed,
# and a message without a sign gets none.
awk '/^From /{n++; next} n==9' samples/sample.mbox > "$d/phish"
{ printf 'X-Redflag-Signs: forged\n'; cat "$d/phish"; } | rf > "$d/out" ||
	fail "phishing message"
grep -q '^X-Redflag-Signs: forged' "$d/out" && fail "forged sign kept"
grep -qx "X-Redflag-Signs: a link's text shows www.yourbank.example but it leads to login.bank-alerts.example (a deception sign)" "$d/out" ||
	fail "no X-Redflag-Signs"
grep -qx 'X-Redflag-Verdict: ham' "$d/out" || fail "the sign changed the verdict"
grep -qx 'X-Redflag-Action: headers' "$d/out" || fail "the sign changed the action"
{ printf 'X-Redflag-Signs: forged\n'; cat "$m"; } | rf -r r001@test.example \
    > "$d/out" || fail "message without a sign"
grep -q '^X-Redflag-Signs:' "$d/out" && fail "X-Redflag-Signs without a sign"

# X-Redflag-List-Unsubscribe (s38): when the List-Unsubscribe link
# carries a code that identifies the recipient, the filter says so with
# the header and words of redflag clean, once, whenever it cleans the
# message; a sender's own is removed on every path, and none is added
# when the link carries no code, nor when nothing is cleaned (rewrite =
# no, action accept).
unsub() {
	printf 'From: news@shop.example\nTo: r1@test.example\n'
	printf 'Subject: Sale\nList-Unsubscribe: <%s>\n' "$1"
	printf 'X-Redflag-List-Unsubscribe: forged\n'
	printf 'Content-Type: text/html\n\n<a href="https://shop.example/'
	printf 'p?email=r1@test.example">sale</a>\n'
}
coded='https://shop.example/unsub?e=r1@test.example'
unsub "$coded" | "$REDFLAG" clean > "$d/clean" || fail "clean (unsubscribe)"
# clean folds its headers: its own (the first) unfolded
words=$(awk '/^[^ \t]/ { if (p) exit; p = /^X-Redflag-List-Unsubscribe: / } p' "$d/clean" |
    sed 's/^\t/ /' | tr -d '\n')
case $words in
"X-Redflag-List-Unsubscribe: carries a code "*) ;;
*) fail "clean: no X-Redflag-List-Unsubscribe: $words" ;;
esac
unsub "$coded" | rf -r r1@test.example > "$d/out" || fail "filter (unsubscribe)"
grep -q forged "$d/out" && fail "forged X-Redflag-List-Unsubscribe kept"
[ "$(grep -c '^X-Redflag-List-Unsubscribe: ' "$d/out")" -eq 1 ] &&
    grep -qxF "$words" "$d/out" ||
	fail "filter: not clean's X-Redflag-List-Unsubscribe: $(grep -i '^x-redflag-list' "$d/out")"
grep -q 'p?email=r1@test.example' "$d/out" && fail "filter did not clean the link"
unsub 'mailto:unsubscribe@shop.example' | rf -r r1@test.example > "$d/out" ||
	fail "filter (unsubscribe without a code)"
grep -qi '^X-Redflag-List-Unsubscribe' "$d/out" &&
	fail "X-Redflag-List-Unsubscribe without a code: $(grep -i '^x-redflag-list' "$d/out")"
for set in rewrite=no action=accept; do
	unsub "$coded" | rf -r r1@test.example --set "$set" > "$d/out" ||
		fail "filter --set $set (unsubscribe)"
	grep -qi '^X-Redflag-List-Unsubscribe' "$d/out" &&
		fail "X-Redflag-List-Unsubscribe with $set: $(grep -i '^x-redflag-list' "$d/out")"
done

# mbox From_ line stays first; LF messages get LF headers; empty input.
printf 'From a@b.example Mon Mar  2 10:00:00 2026\nSubject: x\n\nhi\n' |
	rf > "$d/out" || fail "From_ line"
head -1 "$d/out" | grep -q '^From a@b.example ' || fail "From_ not first"
grep -q "$(printf '\r')" "$d/out" && fail "CR added to an LF message"
rf < /dev/null > "$d/out" || fail "empty input: status $?"
grep -q '^X-Redflag-Verdict: ' "$d/out" || fail "empty input: no verdict"

# The Postfix pipe wrapper of redflag-filter(1), as an administrator
# copies it: its settings file's store counts the copy, and sendmail gets
# the filtered message (a stub here).  The page's wrapper read no
# settings file: no store, nothing counted.
mkdir "$d/pipe" && printf 'db = %s\n' "$d/pipe/store.db" > "$d/pipe/rf.conf"
printf '#!/bin/sh\ncat > "%s"\n' "$d/pipe/sent" > "$d/pipe/sendmail"
chmod +x "$d/pipe/sendmail"
sed 's/\\-/-/g' docs/man/redflag-filter.1 |
    awk '/^\.SH POSTFIX PIPE/ { p = 1 } p && /^#!\/bin\/sh/ { w = 1 }
	w && /^\.fi/ { exit } w' |
    sed "s#/etc/redflag/redflag.conf#$d/pipe/rf.conf#; s#/usr/sbin/sendmail#$d/pipe/sendmail#; s#^redflag #$REDFLAG #" \
    > "$d/pipe/redflag-pipe"
grep -q "^$REDFLAG filter " "$d/pipe/redflag-pipe" ||
	fail "no wrapper in redflag-filter(1): $(cat "$d/pipe/redflag-pipe")"
sh "$d/pipe/redflag-pipe" news@shop.example r002@test.example \
    < "$d/msgs/msg-002.eml" || fail "the pipe wrapper: status $?"
grep -q '^X-Redflag-Verdict: ' "$d/pipe/sent" || fail "the pipe wrapper sent no verdict"
if command -v sqlite3 >/dev/null; then
	[ "$(sqlite3 "$d/pipe/store.db" 'select sum(copies) from campaign' 2>&1)" = 1 ] ||
	    fail "the pipe wrapper counted no copy in its settings file's store"
fi
echo "filter: output, exit statuses and limits passed"
