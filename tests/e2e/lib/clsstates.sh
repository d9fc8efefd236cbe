# clsstates.sh - sourced by classifier_concurrent.sh (SQLite) and
# classifier_concurrent_redis.sh: scans that classify a message while
# `redflag train` writes, each of which must see one whole state of the
# token database.  The states are made recognisable: DIR/k holds K
# copies of the message DIR/mixed.eml, each with one word of its own
# appended, so that every copy adds exactly the same counts to the
# mixed message's tokens and the probability a scan gives depends only
# on how many copies are learned (k, and nham = base + k).  A reader
# that paired the message counts of one state with token counts of
# another (or saw half of a copy) would give a probability of no k.
# Needs $REDFLAG, python3, fail().

# states_setup DIR K: DIR/mixed.eml (from DIR/mixed.mbox) and DIR/k/*.eml
states_setup() {
	sed 1d "$1/mixed.mbox" > "$1/mixed.eml"
	python3 - "$1" "$2" <<'PY' || fail "states_setup"
import os, string, sys
d, k = sys.argv[1], int(sys.argv[2])
msg = open(os.path.join(d, "mixed.eml")).read()
os.makedirs(os.path.join(d, "k"), exist_ok=True)
for i in range(k):
	w, n = "", i
	for _ in range(5):
		w, n = string.ascii_lowercase[n % 26] + w, n // 26
	with open(os.path.join(d, "k", "%05d.eml" % i), "w") as f:
		f.write(msg.rstrip("\n") + " zq" + w + "\n")
PY
}

# states_p LOC DIR: the probability `scan --classifier LOC` gives the
# mixed message (errors appended to DIR/p.err)
states_p() {
	"$REDFLAG" scan --classifier "$1" --json "$2/mixed.eml" 2>> "$2/p.err" |
	    sed -n 's/.*"classifier":{"p":\([0-9.e-]*\),.*/\1/p'
}

# states_ref LOC DIR: DIR/states, the probability after 0, 1 .. K copies
# learned (one run each); then every copy taken back (state 0 again)
states_ref() {
	states_p "$1" "$2" > "$2/states"
	for f in "$2"/k/*.eml; do
		"$REDFLAG" train --classifier "$1" --set train_rounds=0 \
		    --ham "$f" > /dev/null || fail "train $f"
		states_p "$1" "$2" >> "$2/states"
	done
	"$REDFLAG" train --classifier "$1" --undo --ham "$2/k" > /dev/null ||
		fail "undo"
	[ "$(states_p "$1" "$2")" = "$(head -n 1 "$2/states")" ] ||
		fail "undo did not restore state 0"
	[ "$(sort -u "$2/states" | grep -c .)" -gt 2 ] ||
		fail "the states cannot be told apart: $(tr '\n' ' ' < "$2/states")"
}

# states_race LOC DIR RUNS: RUNS times, one `train --ham DIR/k` then one
# `train --undo --ham DIR/k`, while scans classify the mixed message in a
# loop; every scan must succeed and give the probability of one state.
# Prints how many scans saw a state between 0 and K, and leaves that
# count in STATES_MID: for Redis, where each copy is its own write, the
# caller races again until one did, so that the check is not passed by
# seeing only the states before and after a run.  (SQLite writes the K
# copies in one group, so there the check is that no scan sees a group
# half written.)
states_race() {
	: > "$2/p.err"
	: > "$2/train.err"
	rm -f "$2/trained"
	{
		i=0
		while [ $i -lt "$3" ]; do
			"$REDFLAG" train --classifier "$1" --set train_rounds=0 \
			    --ham "$2/k" > /dev/null 2>> "$2/train.err" ||
				echo "train failed" >> "$2/train.err"
			"$REDFLAG" train --classifier "$1" --undo --ham "$2/k" \
			    > /dev/null 2>> "$2/train.err" ||
				echo "undo failed" >> "$2/train.err"
			i=$((i + 1))
		done
		touch "$2/trained"
	} &
	_tr=$!
	: > "$2/seen"
	_n=0
	while [ ! -f "$2/trained" ] || [ $_n -lt 20 ]; do
		states_p "$1" "$2" >> "$2/seen"
		_n=$((_n + 1))
		[ $_n -lt 3000 ] || break
	done
	wait $_tr
	[ -s "$2/train.err" ] && fail "training: $(head -n 3 "$2/train.err")"
	[ -s "$2/p.err" ] && fail "a scan failed during training: $(head -n 3 "$2/p.err")"
	[ "$(grep -c . "$2/seen")" -eq $_n ] || fail "a scan gave no probability"
	_bad=$(sort -u "$2/seen" | grep -v -x -F -f "$2/states")
	[ -z "$_bad" ] || fail "a scan saw a mixed state: p = $(echo $_bad) (states: $(tr '\n' ' ' < "$2/states"))"
	_mid=$(grep -v -x -F -e "$(head -n 1 "$2/states")" -e "$(tail -n 1 "$2/states")" "$2/seen" | grep -c .)
	echo "$_n scans during $3 training and undo runs, $_mid of them between state 0 and K: every one a whole state"
	STATES_MID=$_mid
}
