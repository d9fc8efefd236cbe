#!/bin/sh
# complain_learn.sh - `redflag complain` teaches the classifier: with
# redflag.conf's classifier (or --classifier) the complained-of message is
# learned as spam once (a second complaint changes no count), `redflag
# train --spam --undo` takes it back exactly, `--no-learn` learns nothing,
# and a complaint about a message learned as ham moves it to spam.
set -u
bin=${REDFLAG:-build/redflag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "complain_learn: $*" >&2; exit 1; }

msg() {	# msg FILE FROM SUBJECT BODY
	{
		printf 'From: %s\nTo: you@example.org\nSubject: %s\n' "$2" "$3"
		printf 'Message-ID: <%s@test>\n\n%s\n' "$(echo "$3$4" | cksum |
		    cut -d' ' -f1)" "$4"
	} > "$1"
}
counts() { "$bin" train --classifier "$cls" --show-settings | grep learned_ | tr '\n' ' '; }

cls=$tmp/cls.db
mkdir "$tmp/spam" "$tmp/ham"
for w in alpha bravo charlie delta; do
	msg "$tmp/spam/$w.eml" "Deals <d@offers.example>" "Cheap $w pills" \
	    "Buy $w pills now at http://offers.example/$w"
	msg "$tmp/ham/$w.eml" "Ann <ann@work.example>" "Project $w" \
	    "The $w review is on Tuesday, see the agenda"
done
"$bin" train --classifier "$cls" --spam "$tmp/spam" > /dev/null || fail "train spam"
"$bin" train --classifier "$cls" --ham "$tmp/ham" > /dev/null || fail "train ham"
sqlite3 "$cls" 'SELECT * FROM tokens ORDER BY h' > "$tmp/tokens.before"
[ "$(counts)" = "learned_spam=4 learned_ham=4 " ] || fail "trained: $(counts)"

printf 'db = %s\nclassifier = %s\n' "$tmp/store.db" "$cls" > "$tmp/redflag.conf"
msg "$tmp/c.eml" "Deals <d@offers.example>" "Cheap echo pills" \
    "Buy echo pills now at http://offers.example/echo"

# learned as spam, once
"$bin" complain -c "$tmp/redflag.conf" "$tmp/c.eml" > "$tmp/out" ||
	fail "complain"
grep -q "classifier: learned as spam$" "$tmp/out" || fail "output: $(cat "$tmp/out")"
[ "$(counts)" = "learned_spam=5 learned_ham=4 " ] || fail "after complaint: $(counts)"
"$bin" complain -c "$tmp/redflag.conf" "$tmp/c.eml" > "$tmp/out" ||
	fail "complain again"
grep -q "classifier: learned as spam before$" "$tmp/out" || fail "again: $(cat "$tmp/out")"
[ "$(counts)" = "learned_spam=5 learned_ham=4 " ] || fail "twice: $(counts)"

# redflag train --spam --undo takes the complaint's learning back exactly
"$bin" train --classifier "$cls" --spam --undo "$tmp/c.eml" > "$tmp/out" ||
	fail "undo"
grep -q "took back 1 message as" "$tmp/out" || fail "undo: $(cat "$tmp/out")"
[ "$(counts)" = "learned_spam=4 learned_ham=4 " ] || fail "after undo: $(counts)"
sqlite3 "$cls" 'SELECT * FROM tokens ORDER BY h' > "$tmp/tokens.after"
cmp -s "$tmp/tokens.before" "$tmp/tokens.after" || fail "tokens differ after undo"

# --no-learn: the complaint is recorded, the classifier untouched
"$bin" complain -c "$tmp/redflag.conf" --no-learn "$tmp/c.eml" > "$tmp/out" ||
	fail "complain --no-learn"
grep -q "classifier" "$tmp/out" && fail "--no-learn output: $(cat "$tmp/out")"
[ "$(counts)" = "learned_spam=4 learned_ham=4 " ] || fail "--no-learn: $(counts)"

# a message learned as ham, then complained of: moved to spam
"$bin" complain --db "$tmp/store.db" --classifier "$cls" "$tmp/ham/alpha.eml" \
    > "$tmp/out" || fail "complain about ham"
grep -q "classifier: learned as spam$" "$tmp/out" || fail "move: $(cat "$tmp/out")"
[ "$(counts)" = "learned_spam=5 learned_ham=3 " ] || fail "moved: $(counts)"
[ "$(sqlite3 "$cls" 'PRAGMA integrity_check')" = ok ] || fail "integrity"

# without a classifier configured or given, nothing is learned or made
printf 'db = %s\n' "$tmp/store.db" > "$tmp/plain.conf"
"$bin" complain -c "$tmp/plain.conf" "$tmp/c.eml" > "$tmp/out" || fail "plain"
grep -q classifier "$tmp/out" && fail "plain output: $(cat "$tmp/out")"
echo "complain_learn: ok"
