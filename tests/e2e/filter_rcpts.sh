#!/bin/sh
# filter_rcpts.sh - redflag filter for many envelope recipients: the
# output (verdict, score, campaign, reasons, action and the rewritten
# body) is byte for byte what the analysis one recipient after another
# gave before the links' recipient-free analysis was shared between them
# (docs/design/analysis-performance.md, "Many recipients").  The expected
# outputs in tests/data/rcpts/golden/ were written by the binary of
# commit 18fa8d7 (the per-recipient path), with
#     REDFLAG=/path/to/old/redflag tests/e2e/filter_rcpts.sh --record
# and recorded again on branch s15-track, whose only change to them is
# that links carrying another recipient's address (r1..r3 in r0's copy)
# are now cleaned too ("other-address", docs/tracking.md); the shared
# path still equals the per-recipient one (test_base_* in
# tests/unit/test_tracking_fast.c, on the same messages); and again in
# s35, whose only change to them is a web bug's wording ("a tiny or
# hidden image or frame"); and in s37, whose only changes to them are the
# consent reason where no consent store is set up ("no record that you
# gave consent to shop.example (no consent store is set up)", was "you
# never gave consent") and a copy judged with itself counted (store-2:
# "sent to 12 recipients", was 6; store-text: 18, was 6); and in s38,
# whose only changes to them are the wording of the mass-mailing reason
# ("the same text for every recipient, but links with a code for each
# ...", was "codes for you in text that would suit any recipient") and
# the X-Redflag-List-Unsubscribe header the filter now adds as redflag
# clean does (each message's List-Unsubscribe carries r0's address or
# Mailchimp's subscriber id).
# Messages: tests/data/rcpts/*.eml (tools/genrcpt.py) and a fixture;
# recipients: r0..r(N-1)@example.org, whose first four are encoded in
# links; with a store: a second copy that finds the campaign of the
# first, and a recipient who gave consent to the sender.
set -u
d=$(mktemp -d /tmp/redflag-rcpts.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
golden=tests/data/rcpts/golden
record=0
[ "${1:-}" = --record ] && record=1

# rcpts N: the -r arguments for r0..r(N-1)@example.org
rcpts() {
	i=0
	while [ "$i" -lt "$1" ]; do
		printf ' -r r%d@example.org' "$i"
		i=$((i + 1))
	done
}

# run NAME MESSAGE N [OPTION...]: filter MESSAGE for N recipients into
# $d/NAME.out (the exit status on its last line).
run() {
	name=$1 msg=$2 n=$3
	shift 3
	# shellcheck disable=SC2046
	timeout 60 "$REDFLAG" filter "$@" $(rcpts "$n") < "$msg" \
	    > "$d/$name.out" 2>/dev/null
	echo "exit $?" >> "$d/$name.out"
}

html=tests/data/rcpts/many-html.eml
text=tests/data/rcpts/many-text.eml
run html-1 "$html" 1
run html-6 "$html" 6
run html-40 "$html" 40
run text-6 "$text" 6
run text-6-known "$text" 6 --set clean.spam=known --set clean.bulk=known
run mailchimp-5 tests/data/trackers/mailchimp.eml 5
# a store: the first copy makes the campaign, the second finds it; r2
# gave consent to the sender
db=$d/rf.db
"$REDFLAG" consent --db "$db" add r2@example.org news@shop.example \
    >/dev/null 2>&1 || fail "consent add"
run store-1 "$html" 6 --set "db=$db"
run store-2 "$html" 6 --set "db=$db"
run store-text "$text" 12 --set "db=$db"

# -r as an MTA passes it, in angle brackets, is the address (the milter
# takes them off too): it was a recipient no link held, so recipient
# detection was off; one that is no address (empty, as an unset
# $RECIPIENT in a procmail rule gives, or without '@') is a bad command
# line, 75, named by its number, not echoed (this goes to the MTA's log)
timeout 60 "$REDFLAG" filter -r '<r0@example.org>' < "$html" \
    > "$d/angle" 2>/dev/null
echo "exit $?" >> "$d/angle"
cmp -s "$d/angle" "$d/html-1.out" || fail "-r '<r0@example.org>'"
for bad in '' notanaddress '@example.org' 'r0@' '<>' 'a b@example.org'; do
	timeout 60 "$REDFLAG" filter -r r0@example.org -r "$bad" < "$html" \
	    > "$d/bad" 2> "$d/bad.err"
	rc=$?
	[ $rc -eq 75 ] && [ ! -s "$d/bad" ] &&
	    grep -q '^redflag: filter: recipient #2 is not a mail address' \
	    "$d/bad.err" || fail "-r '$bad': exit $rc, $(cat "$d/bad.err")"
	[ -z "$bad" ] || ! grep -qF -- "$bad" "$d/bad.err" ||
	    fail "-r '$bad' echoed"
done

if [ "$record" -eq 1 ]; then
	mkdir -p "$golden"
	cp "$d"/*.out "$golden/"
	exit 0
fi
n=0
for g in "$golden"/*.out; do
	f=$d/$(basename "$g")
	[ -f "$f" ] || fail "no output for $(basename "$g")"
	cmp -s "$g" "$f" || { diff "$g" "$f" | head -20 >&2;
	    fail "$(basename "$g" .out) differs from the per-recipient output"; }
	n=$((n + 1))
done
[ "$n" -ge 9 ] || fail "only $n golden outputs"
exit 0
