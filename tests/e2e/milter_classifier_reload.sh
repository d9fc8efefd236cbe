#!/bin/sh
# milter_classifier_reload.sh - a running milter judges with its SQLite
# classifier as the file is now.  Until s39 it loaded the counts once, at
# start, and judged with them until a restart, whatever `redflag train`
# or `redflag complain` learned into the file or whichever file was moved
# in its place.  Now it looks every classifier_reload seconds
# (redflag.conf(5)) and loads the file again when it changed:
#   - a message in no campaign, its words learned as wanted mail: ham;
#   - `redflag train --spam` of the twelve messages that taught those
#     words, beside the running milter (they move to spam): after
#     classifier_reload seconds the next message is spam, and the log
#     says the classifier was loaded again with the counts it now has;
#   - a copy of the database from before, moved over the path: the next
#     message is ham;
#   - the file moved away: the log says loading failed and the classifier
#     loaded before still serves (ham, no tempfail), once a look;
#   - classifier_reload = 0: trained meanwhile, nothing is loaded again.
set -u
. tests/e2e/lib/postfix.sh
milter_test_begin mclsreload 180
client="timeout 30 python3 tests/e2e/lib/milterclient.py"
log=$PF_DIR/milter.log
cls=$PF_DIR/tokens.db
mkdir "$PF_DIR/spam" "$PF_DIR/ham" "$PF_DIR/new" "$PF_DIR/other"

# msg FROM SUBJECT BODY: one message in no campaign
msg() {
	printf 'From: %s\nTo: r1@test.example\nSubject: %s\n' "$1" "$2"
	printf 'Message-ID: <%s@test>\n\n%s\n' \
	    "$(echo "$1$2$3" | cksum | cut -d' ' -f1)" "$3"
}
i=0
for w in cheap pills viagra offer pharmacy deal casino bonus winner \
    prize loan credit; do
	i=$((i + 1))
	msg "Deals $i <deals@lowest-price$i.example>" "Cheap $w today" \
	    "Buy $w now at the lowest price, discount pills and casino bonus" \
	    > "$PF_DIR/spam/$i.eml"
	msg "Ann <ann@work.example>" "Project $w $i" \
	    "Please see the project notes for the meeting on Tuesday, item $i" \
	    > "$PF_DIR/ham/$i.eml"
	msg "Zed <zed$i@far.example>" "Quokka zeppelin $i" \
	    "Quokka zeppelin marmalade gazebo $w" > "$PF_DIR/new/$i.eml"
done
msg "Bob <bob@elsewhere.example>" "Quokka zeppelin" \
    "Quokka zeppelin marmalade gazebo" > "$PF_DIR/x.eml"
"$REDFLAG" train --classifier "$cls" --spam "$PF_DIR/spam" \
    --ham "$PF_DIR/ham" --ham "$PF_DIR/new" > /dev/null || fail "train"
cp "$cls" "$PF_DIR/other/tokens.db"

# verdict: the verdict the milter gives x.eml (it must be accepted)
verdict() {
	$client "$RF_MILTER_PORT" file "$PF_DIR/x.eml" > "$PF_DIR/out" ||
		fail "no answer"
	tail -n 1 "$PF_DIR/out" | grep -q '^c' ||
		fail "$(tail -n 1 "$PF_DIR/out"), not accepted"
	sed -n 's/^h X-Redflag-Verdict: \([a-z]*\).*/\1/p' "$PF_DIR/out"
}
# train_beside: the messages that taught x.eml's words, learned as spam
# now (moved from wanted mail), then past classifier_reload (1 s)
train_beside() {
	"$REDFLAG" train --classifier "$cls" --spam "$PF_DIR/new" > /dev/null ||
		fail "train beside the milter"
	sleep 1.2
}
loaded() { grep -c "classifier = $cls: trained or replaced since it was loaded; loaded again" "$log"; }

redflag_milter_start --set "classifier=$cls" --set classifier_reload=1 ||
	exit 1
v=$(verdict)
[ "$v" = ham ] || fail "before training: $v, not ham"

# trained beside the running milter: seen after classifier_reload
train_beside
v=$(verdict)
[ "$v" = spam ] || fail "after training: $v, not spam (the counts of the start still judge)"
[ "$(loaded)" = 1 ] || fail "the log does not say it was loaded again"
grep -q "loaded again: 24 spam and 12 wanted messages learned" "$log" ||
	fail "the log does not give the counts loaded"
v=$(verdict)
[ "$v" = spam ] && [ "$(loaded)" = 1 ] ||
	fail "unchanged file: loaded $(loaded) times, $v"

# another database moved over the path
mv "$PF_DIR/other/tokens.db" "$cls"
rm -f "$cls-wal" "$cls-shm"
sleep 1.2
v=$(verdict)
[ "$v" = ham ] || fail "after a new file was moved in: $v, not ham"
[ "$(loaded)" = 2 ] || fail "the new file: the log does not say it"

# the file moved away: the one loaded before serves, said each look
mv "$cls" "$PF_DIR/gone.db"
sleep 1.2
v=$(verdict)
[ "$v" = ham ] || fail "file gone: $v, not ham from the one loaded before"
grep -q "classifier = $cls: trained or replaced since it was loaded, and loading it again failed: .*; the one loaded before still serves" "$log" ||
	fail "file gone: the log does not say it"
redflag_milter_stop TERM

# classifier_reload = 0: never loaded again
mv "$PF_DIR/gone.db" "$cls"
: > "$log"
redflag_milter_start --set "classifier=$cls" --set classifier_reload=0 ||
	exit 1
v=$(verdict)
[ "$v" = ham ] || fail "reload 0, at start: $v, not ham"
train_beside
v=$(verdict)
[ "$v" = ham ] && [ "$(loaded)" = 0 ] ||
	fail "reload 0: $v, loaded $(loaded) times"
redflag_milter_stop TERM
echo "milter_classifier_reload: ok"
