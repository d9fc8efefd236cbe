#!/bin/sh
# consent.sh - redflag consent on a real SQLite file and a real
# redis-server (Unix socket in a temporary folder, no TCP port): add,
# list, remove, import with bad lines, learn from a folder of sent mail
# (and not from mail received: an Inbox is refused, a received message in
# a Sent folder skipped), --db overriding redflag.conf's db, and the
# verdict it changes.
set -u
rf=${REDFLAG:-build/redflag}
tmp=$(mktemp -d)
redis_pid=
cleanup() {
	[ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

run_suite() { # DB-SPEC
	db=$1
	"$rf" consent --db "$db" add Jane@Rcpt.test news@Shop.test > "$tmp/o" ||
		fail "$db: add"
	grep -qx added "$tmp/o" || fail "$db: added"
	"$rf" consent --db "$db" add jane@rcpt.test news@shop.test > "$tmp/o"
	grep -qx "known already" "$tmp/o" || fail "$db: known already"
	"$rf" consent add --db "$db" --source web jane@rcpt.test '<deals.shop.test>' \
		> /dev/null || fail "$db: add list"
	"$rf" consent --db "$db" add jane@rcpt.test 'not an address' 2> /dev/null
	[ $? -eq 64 ] || fail "$db: bad sender is a usage error"
	# so is a bad RECIPIENT of list, as of add and remove (was 70, a
	# store failure)
	"$rf" consent --db "$db" list 'not an address' > "$tmp/o" 2> "$tmp/e"
	[ $? -eq 64 ] && grep -q "consent list: a recipient is an address" "$tmp/e" ||
		fail "$db: list of a bad recipient is not a usage error"
	printf '# comment\nbob@rcpt.test\tclub.test\nbroken line\nann@rcpt.test\tlist:x.test\timported-2024\n\n' \
		> "$tmp/c.tsv"
	"$rf" consent --db "$db" import "$tmp/c.tsv" > "$tmp/o" 2> "$tmp/e"
	[ $? -eq 1 ] || fail "$db: import with a bad line exits 1"
	grep -q "2 added, 0 known already, 1 refused" "$tmp/o" || fail "$db: import counts"
	grep -q "line 3" "$tmp/e" || fail "$db: import names the bad line"
	"$rf" consent --db "$db" list > "$tmp/l" || fail "$db: list"
	[ "$(wc -l < "$tmp/l")" -eq 4 ] || fail "$db: 4 records"
	grep -q "^ann@rcpt.test	<x.test>	list	imported-2024	" "$tmp/l" ||
		fail "$db: list record"
	"$rf" consent --db "$db" list jane@rcpt.test | cut -f2,3,4 > "$tmp/l"
	printf 'news@shop.test\taddress\tmanual\n<deals.shop.test>\tlist\tweb\n' |
		cmp -s - "$tmp/l" || fail "$db: list of one recipient"
	"$rf" consent --db "$db" remove bob@rcpt.test club.test > "$tmp/r" ||
		fail "$db: remove"
	[ "$(cat "$tmp/r")" = removed ] || fail "$db: remove says removed"
	"$rf" consent --db "$db" remove bob@rcpt.test club.test 2> "$tmp/r"
	[ $? -eq 1 ] || fail "$db: remove twice is 1 (no such record)"
	grep -q "no record of that recipient and sender" "$tmp/r" ||
		fail "$db: remove twice says there is no such record"
}

run_suite "$tmp/s.db"
# import: a NUL byte in a line is said as such, and the next line is read
# as its own (fgets stopped at the NUL: "line 1: too long", and the next
# line swallowed as the rest, later numbers shifted); a line too long is
# still that
{ printf 'a@nul.test\tx.test\000junk\nc@nul.test\td.test\nbroken\n'
  printf 'x@nul.test\t'; head -c 3000 /dev/zero | tr '\0' y; echo
  printf 'e@nul.test\tf.test\n'; } > "$tmp/nul.tsv"
"$rf" consent --db "$tmp/nul.db" import "$tmp/nul.tsv" > "$tmp/o" 2> "$tmp/e"
[ $? -eq 1 ] || fail "import of a NUL line exits 1"
grep -q "^2 added, 0 known already, 3 refused$" "$tmp/o" ||
	fail "import of a NUL line: $(cat "$tmp/o")"
grep -q "nul.tsv: line 1: holds a NUL byte$" "$tmp/e" &&
    grep -q "nul.tsv: line 3: expected recipient TAB sender$" "$tmp/e" &&
    grep -q "nul.tsv: line 4: too long (over 2046 bytes)$" "$tmp/e" &&
    [ "$(wc -l < "$tmp/e")" -eq 3 ] ||
	fail "import of a NUL line: $(cat "$tmp/e")"
"$rf" consent --db "$tmp/nul.db" list | cut -f1 | sort | tr '\n' ' ' |
    grep -qx "c@nul.test e@nul.test " || fail "import of a NUL line: records"
# --db overrides the configured store
printf 'db = %s/other.db\n' "$tmp" > "$tmp/redflag.conf"
"$rf" consent -c "$tmp/redflag.conf" add a@b.test c.test > /dev/null || fail "conf db"
[ -f "$tmp/other.db" ] || fail "db from redflag.conf"
"$rf" consent -c "$tmp/redflag.conf" --db "$tmp/s.db" list | grep -q "^a@b.test" &&
	fail "--db must override db"
"$rf" consent list 2> /dev/null && fail "no store must fail"
# an option of another consent command is a usage error (64), nothing
# done: import --source does not set the lines' source, --as is learn's
printf 'kim@rcpt.test\tclub.test\n' > "$tmp/k.tsv"
for args in "import $tmp/k.tsv --source web" "list --source web" \
    "add kim@rcpt.test club.test --as me@home.test" \
    "remove kim@rcpt.test club.test --source web"; do
	# shellcheck disable=SC2086
	"$rf" consent --db "$tmp/s.db" $args > "$tmp/o" 2> "$tmp/e"
	[ $? -eq 64 ] && [ ! -s "$tmp/o" ] && grep -q "goes with consent" "$tmp/e" ||
		{ cat "$tmp/o" "$tmp/e"; fail "consent $args: the option is taken"; }
done
"$rf" consent --db "$tmp/s.db" list kim@rcpt.test | grep -q . &&
	fail "consent import --source: the lines were imported"

# learn: the people I wrote to may write to me
mkdir -p "$tmp/sent/cur" "$tmp/sent/new" "$tmp/sent/tmp"
printf 'From: Me <me@home.test>\nTo: Ann <ann@friends.test>, bob@friends.test\nCc: team: carl@work.test, dora@work.test;\nSubject: hi\n\nhello\n' \
	> "$tmp/sent/cur/1:2,S"
printf 'From: me@home.test\nTo: me@home.test\nBcc: eve@else.test\nSubject: note\n\nx\n' \
	> "$tmp/sent/cur/2:2,S"
"$rf" consent --db "$tmp/s.db" learn "$tmp/sent" > "$tmp/o" || fail "learn"
grep -q "2 messages read, 5 new consent records" "$tmp/o" || { cat "$tmp/o"; fail "learn counts"; }
"$rf" consent --db "$tmp/s.db" list me@home.test | cut -f2,4 | sort > "$tmp/l"
printf 'ann@friends.test\tlearned\nbob@friends.test\tlearned\ncarl@work.test\tlearned\ndora@work.test\tlearned\neve@else.test\tlearned\n' |
	cmp -s - "$tmp/l" || { cat "$tmp/l"; fail "learned records"; }
# a message learn cannot use (an empty file, no From address) is named
# on standard error and skipped, and the status is 1, not a silent 0
: > "$tmp/sent/cur/3:2,S"
printf 'To: fay@friends.test\nSubject: no from\n\nx\n' > "$tmp/sent/cur/4:2,S"
"$rf" consent --db "$tmp/s.db" learn "$tmp/sent" > "$tmp/o" 2> "$tmp/e"
[ $? -eq 1 ] || fail "learn with skipped messages: status not 1"
grep -q "2 messages read, 0 new consent records, 2 messages skipped" \
	"$tmp/o" || { cat "$tmp/o"; fail "learn skipped counts"; }
grep -q 'consent learn: .*/sent/cur/3:2,S: empty file, skipped' "$tmp/e" &&
    grep -q 'consent learn: .*/sent/cur/4:2,S: no From address, skipped' \
    "$tmp/e" || { cat "$tmp/e"; fail "learn: skipped messages not named"; }
# one of a kind is in the singular (was "1 messages skipped")
rm "$tmp/sent/cur/3:2,S"
"$rf" consent --db "$tmp/s.db" learn "$tmp/sent" > "$tmp/o" 2> "$tmp/e"
grep -qx "2 messages read, 0 new consent records, 1 message skipped" \
	"$tmp/o" || { cat "$tmp/o"; fail "learn: 1 message skipped"; }
rm "$tmp/sent/cur/4:2,S"
mkdir "$tmp/one"
printf 'From: me@home.test\nTo: gil@one.test\nSubject: one\n\nx\n' \
	> "$tmp/one/1.eml"
"$rf" consent --db "$tmp/s.db" learn "$tmp/one" > "$tmp/o" ||
	fail "learn one"
grep -qx "1 message read, 1 new consent record, 0 messages skipped" \
	"$tmp/o" || { cat "$tmp/o"; fail "learn: 1 message read"; }
"$rf" consent --db "$tmp/s.db" remove me@home.test gil@one.test >/dev/null ||
	fail "remove gil"
# learn --as: the recipient of every record, an address (else 64 before
# anything is read, not "0 new consent records" and status 0); with
# another address than the From, a note to me@home.test counts too (6)
for as in me 'a b@home.test' '<me@home.test>'; do
	"$rf" consent --db "$tmp/s.db" learn "$tmp/sent" --as "$as" \
		> "$tmp/o" 2> "$tmp/e"
	[ $? -eq 64 ] && [ ! -s "$tmp/o" ] &&
	    grep -q "consent learn: --as: .* is not a mail address" "$tmp/e" ||
		{ cat "$tmp/o" "$tmp/e"; fail "learn --as '$as' is taken"; }
done
"$rf" consent --db "$tmp/s.db" learn "$tmp/sent" --as Me2@Home.test \
	> "$tmp/o" || fail "learn --as"
grep -q "2 messages read, 6 new consent records" "$tmp/o" ||
	{ cat "$tmp/o"; fail "learn --as counts"; }
# learn from mail RECEIVED (an Inbox by mistake): each message was
# delivered (Delivered-To, X-Original-To, Envelope-To) to another address
# than its From.  Most of the folder so: refused, 65, nothing learned, a
# hint to the Sent folder (it made every spammer a recipient who asked
# to hear from me, and with --as made me consent to whoever the spam was
# also sent to: the spammer's own To, the other victims)
mkdir -p "$tmp/inbox/cur" "$tmp/inbox/new" "$tmp/inbox/tmp"
for i in 1 2 3; do
	printf 'Return-Path: <b%d@win.test>\nDelivered-To: me@home.test\nFrom: Prize <prize%d@win.test>\nTo: prize%d@win.test, other%d@victims.test\nSubject: you won\n\nx\n' \
		"$i" "$i" "$i" "$i" > "$tmp/inbox/cur/$i:2,S"
done
printf 'X-Original-To: me@home.test\nFrom: ann@friends.test\nTo: me@home.test, carl@work.test\nSubject: re: hi\n\nx\n' \
	> "$tmp/inbox/cur/4:2,S"
printf 'Envelope-to: me@home.test\nFrom: bob@friends.test\nTo: me@home.test\nCc: dora@work.test\nSubject: re: hi\n\nx\n' \
	> "$tmp/inbox/new/5"
"$rf" consent --db "$tmp/in.db" add x@home.test y.test > /dev/null
for as in "" "--as me@home.test"; do
	# shellcheck disable=SC2086
	"$rf" consent --db "$tmp/in.db" learn "$tmp/inbox" $as > "$tmp/o" 2> "$tmp/e"
	rc=$?
	[ $rc -eq 65 ] && [ ! -s "$tmp/o" ] &&
	    grep -q "consent learn: .*/inbox: 5 of 5 messages were received, not sent (delivered to another address than their From: .*nothing learned; give the folder of mail you sent (such as ~/Maildir/.Sent)" "$tmp/e" ||
		{ cat "$tmp/o" "$tmp/e"; fail "learn of an Inbox $as: status $rc"; }
	[ "$("$rf" consent --db "$tmp/in.db" list | cut -f1,2)" = "x@home.test	y.test" ] ||
		fail "learn of an Inbox $as: records made"
done
# a Sent folder (an mbox) that holds a received message or two: those
# skipped, named (the field, not the address) and counted, status 1; a
# copy delivered to its own author (a Bcc to oneself, Delivered-To its
# From), and with --as one whose From is --as, are mail sent and learned
{
	printf 'From me@home.test Mon Nov  2 09:00:00 2026\nFrom: me@home.test\nTo: fay@friends.test\nSubject: a\n\nx\n\n'
	printf 'From me@home.test Mon Nov  2 09:01:00 2026\nDelivered-To: me@home.test\nFrom: Me <me@home.test>\nTo: gus@friends.test\nSubject: b\n\nx\n\n'
	printf 'From b@win.test Mon Nov  2 09:02:00 2026\nDelivered-To: me@home.test\nFrom: prize@win.test\nTo: prize@win.test\nSubject: c\n\nx\n\n'
	printf 'From me@home.test Mon Nov  2 09:03:00 2026\nFrom: me@home.test\nTo: hal@friends.test\nSubject: d\n\nx\n'
} > "$tmp/Sent.mbox"
"$rf" consent --db "$tmp/in.db" learn "$tmp/Sent.mbox" > "$tmp/o" 2> "$tmp/e"
rc=$?
[ $rc -eq 1 ] &&
    grep -qx "3 messages read, 3 new consent records, 1 message skipped (1 received, not sent: delivered to another address than their From)" "$tmp/o" &&
    grep -qx "redflag: consent learn: .*/Sent.mbox:3: received, not sent (Delivered-To names another address than its From), skipped" "$tmp/e" ||
	{ cat "$tmp/o" "$tmp/e"; fail "learn of a Sent mbox with a received message: status $rc"; }
grep -q 'me@home.test' "$tmp/e" && fail "learn: an address in the warning"
"$rf" consent --db "$tmp/in.db" list me@home.test | cut -f2 | sort > "$tmp/l"
printf 'fay@friends.test\ngus@friends.test\nhal@friends.test\n' | cmp -s - "$tmp/l" ||
	{ cat "$tmp/l"; fail "learn of a Sent mbox: records"; }
"$rf" consent --db "$tmp/in.db" list prize@win.test | grep -q . &&
	fail "learn of a Sent mbox: the received message learned"
printf '\nFrom alias@home.test Mon Nov  2 09:04:00 2026\nDelivered-To: box@home.test\nFrom: me@home.test\nTo: ivy@friends.test\nSubject: e\n\nx\n' \
	>> "$tmp/Sent.mbox"
"$rf" consent --db "$tmp/in.db" learn "$tmp/Sent.mbox" --as me@home.test > "$tmp/o" 2> "$tmp/e"
[ $? -eq 1 ] && grep -qx "4 messages read, 1 new consent record, 1 message skipped (1 received, not sent: delivered to another address than their From)" "$tmp/o" ||
	{ cat "$tmp/o" "$tmp/e"; fail "learn --as of a Sent mbox"; }
# the verdict follows consent: a 30-copy newsletter is spam, then bulk
mkdir "$tmp/nl"
i=0
while [ $i -lt 30 ]; do
	printf 'From: News <news@shop.test>\nTo: u%d@rcpt.test\nDelivered-To: u%d@rcpt.test\nSubject: Weekly deals\n\nDear reader, this week every garden chair and table in our shop\nis half price, and delivery is free for orders above fifty euros.\nVisit the shop before Sunday to choose from the whole collection.\n' \
		$i $i > "$tmp/nl/m$i.eml"
	i=$((i + 1))
done
"$rf" scan --json --no-progress --consent-db "$tmp/s.db" "$tmp/nl" > "$tmp/v"
[ "$(grep -c '"verdict":"spam"' "$tmp/v")" -eq 30 ] || fail "30 spam"
"$rf" consent --db "$tmp/s.db" add u7@rcpt.test shop.test > /dev/null
"$rf" scan --json --no-progress --consent-db "$tmp/s.db" "$tmp/nl" > "$tmp/v"
grep '"verdict":"bulk"' "$tmp/v" | grep -q 'm7.eml' || fail "u7 gets bulk"
grep -q 'you gave consent to the domain shop.test (manual' "$tmp/v" ||
	fail "the consent reason"
[ "$(grep -c '"verdict":"spam"' "$tmp/v")" -eq 29 ] || fail "29 spam"

# Redis
if command -v redis-server > /dev/null; then
	redis-server --port 0 --unixsocket "$tmp/redis.sock" --dir "$tmp" \
		--save "" --appendonly no > /dev/null 2>&1 &
	redis_pid=$!
	i=0
	# the socket appears before the server accepts: wait for an answer
	while ! "$rf" consent --db "unix:$tmp/redis.sock#e2e" list \
	    > /dev/null 2>&1 && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	run_suite "unix:$tmp/redis.sock#e2e"
	echo "consent: sqlite and redis ok"
else
	echo "consent: sqlite ok (no redis-server)"
fi
