#!/bin/sh
# classifier_verdict.sh - the trained classifier in the verdict of
# `redflag scan --classifier` and `redflag filter` (classifier = in
# redflag.conf): mail in no campaign is spam, ham or unsure by its
# probability, with the classifier's words and hosts as reasons; bulk mail
# with consent stays bulk whatever the classifier says.
set -eu
bin=${REDFLAG:-build/redflag}
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT INT TERM
db=$dir/tokens.db

fail() { echo "classifier_verdict: $*" >&2; exit 1; }

msg() {	# msg FROM SUBJECT BODY [HEADER]
	printf 'From: %s\nTo: you@example.org\nSubject: %s\n' "$1" "$2"
	[ -z "${4:-}" ] || printf '%s\n' "$4"
	printf 'Message-ID: <%s@test>\n\n%s\n' \
	    "$(echo "$1$2$3" | cksum | cut -d' ' -f1)" "$3"
}

# train: 12 spam, 12 wanted messages (min_learned is 10)
mkdir -p "$dir/spam" "$dir/ham"
i=0
for w in cheap pills viagra offer pharmacy deal casino bonus winner \
    prize loan credit; do
	i=$((i + 1))
	msg "Deals $i <deals@lowest-price$i.example>" "Cheap $w today" \
	    "Buy $w now at the lowest price, discount pills and casino bonus, visit http://lowest-price.example/$w" \
	    > "$dir/spam/$i.eml"
done
i=0
for w in agenda minutes budget schedule review notes report plan draft \
    slides roadmap summary; do
	i=$((i + 1))
	msg "Ann <ann@work.example>" "Project $w" \
	    "Please see the project $w for the meeting on Tuesday with the team, see https://intranet.work.example/$w" \
	    > "$dir/ham/$i.eml"
done
"$bin" train --classifier "$db" --spam "$dir/spam" > /dev/null
"$bin" train --classifier "$db" --ham "$dir/ham" > /dev/null

# unseen one-off messages, no campaign
mkdir "$dir/new"
msg "Offers <offers@cheap-deals.example>" "Lowest price pills" \
    "Cheap viagra and casino bonus at the lowest price: http://lowest-price.example/now" \
    > "$dir/new/spam.eml"
msg "Ann <ann@work.example>" "Meeting on Tuesday" \
    "The budget and the agenda for the project meeting with the team are in the notes: https://intranet.work.example/notes" \
    > "$dir/new/ham.eml"
msg "Bob <bob@elsewhere.example>" "Hello" \
    "Quokka zeppelin marmalade" > "$dir/new/neutral.eml"

verdict() {	# verdict FILE (from $dir/out): "verdict p"
	grep "\"source\":\"[^\"]*$1\"" "$dir/out" | sed -n \
	    's/.*"verdict":"\([a-z]*\)",.*"classifier":{"p":\([0-9.e-]*\),.*/\1 \2/p'
}

"$bin" scan --json --no-progress --classifier "$db" "$dir/new" \
    > "$dir/out" || fail "scan failed"
[ "$(wc -l < "$dir/out")" -eq 3 ] || fail "3 reports expected"
set -- $(verdict spam.eml)
[ "${1:-}" = spam ] || fail "spam.eml: '${1:-}' ${2:-}"
grep "spam.eml" "$dir/out" | grep -q '"campaign":null' ||
    fail "spam.eml must be in no campaign"
grep "spam.eml" "$dir/out" | grep -q \
    '"reasons":\[[^]]*words and hosts typical of spam: [^"]*\(viagra\|casino\|lowest-price\)' ||
    fail "spam.eml: readable reasons"
grep "spam.eml" "$dir/out" | grep -q 'the classifier gives 0\.9[0-9] (spam from 0\.90' ||
    grep "spam.eml" "$dir/out" | grep -q 'the classifier gives 1\.00 (spam from 0\.90' ||
    fail "spam.eml: classifier reason"
grep "spam.eml" "$dir/out" | grep -q '"tokens":\[{"text":"' ||
    fail "spam.eml: tokens"
set -- $(verdict ham.eml)
[ "${1:-}" = ham ] || fail "ham.eml: '${1:-}' ${2:-}"
grep "ham.eml" "$dir/out" | grep -q 'typical of wanted mail: [^"]*\(agenda\|budget\|meeting\|intranet\|work.example\|team\)' ||
    fail "ham.eml: readable reasons"
set -- $(verdict neutral.eml)
[ "${1:-}" = unsure ] || fail "neutral.eml: '${1:-}' ${2:-}"
grep "neutral.eml" "$dir/out" | grep -q "the classifier is unsure" ||
    fail "neutral.eml: reason"

# the cutoffs are settings: a spam_cutoff above p makes the spam unsure
p=$(verdict spam.eml | cut -d' ' -f2)
"$bin" scan --json --no-progress --classifier "$db" --set spam_cutoff=1 \
    --set ham_cutoff=0 "$dir/new" > "$dir/out2"
mv "$dir/out2" "$dir/out"
if [ "$p" != 1 ]; then
	[ "$(verdict spam.eml | cut -d' ' -f1)" = unsure ] ||
	    fail "spam_cutoff=1: spam.eml must be unsure (p $p)"
fi
[ "$(verdict ham.eml | cut -d' ' -f1)" = unsure ] ||
    fail "ham_cutoff=0: ham.eml must be unsure"

# without --classifier nothing changes: ham, "classifier":null
"$bin" scan --json --no-progress "$dir/new" > "$dir/out"
[ "$(grep -c '"verdict":"ham".*"classifier":null' "$dir/out")" -eq 3 ] ||
    fail "without a classifier all three are ham"

# bulk: a list message that looks like spam, with the recipient's consent,
# stays bulk; the same without consent is spam, by the consent rule
mkdir "$dir/list"
msg "News <news@lowest-price.example>" "Cheap pills casino bonus" \
    "Cheap viagra pills and casino bonus at the lowest price: http://lowest-price.example/news" \
    "List-Id: <news.lowest-price.example>" > "$dir/list/nl.eml"
"$bin" consent --db "$dir/consent.db" add you@example.org \
    lowest-price.example > /dev/null
"$bin" scan --json --no-progress --classifier "$db" \
    --consent-db "$dir/consent.db" "$dir/list" > "$dir/out"
set -- $(verdict nl.eml)
[ "${1:-}" = bulk ] || fail "consented list mail: '${1:-}'"
grep -q "you gave consent to" "$dir/out" || fail "consent reason"
grep -q "the consent rule decides bulk mail" "$dir/out" ||
    fail "classifier reason for bulk mail"
awk -v p="${2:-0}" 'BEGIN { exit !(p >= 0.9) }' ||
    fail "the list message should look like spam to the classifier ($2)"
# a list message that looks wanted, without consent: spam all the same
msg "Ann <ann@work.example>" "Project agenda" \
    "The project agenda and budget for the team meeting: https://intranet.work.example/agenda" \
    "List-Id: <team.work.example>" > "$dir/list/nl.eml"
"$bin" scan --json --no-progress --classifier "$db" \
    --consent-db "$dir/consent.db" "$dir/list" > "$dir/out"
set -- $(verdict nl.eml)
[ "${1:-}" = spam ] || fail "list mail without consent: '${1:-}'"
awk -v p="${2:-1}" 'BEGIN { exit !(p <= 0.45) }' ||
    fail "the list message should look wanted to the classifier ($2)"

# stream mode (--db) too
"$bin" scan --json --no-progress --db "$dir/store.db" --classifier "$db" \
    "$dir/new" > "$dir/out"
[ "$(verdict spam.eml | cut -d' ' -f1)" = spam ] || fail "stream: spam"
[ "$(verdict ham.eml | cut -d' ' -f1)" = ham ] || fail "stream: ham"

# redflag.conf: classifier = PATH for the filter
printf 'classifier = %s\n' "$db" > "$dir/redflag.conf"
"$bin" filter -c "$dir/redflag.conf" < "$dir/new/spam.eml" > "$dir/f.out" ||
    fail "filter failed"
grep -qi "^X-Redflag-Verdict: spam" "$dir/f.out" ||
    { sed -n '1,12p' "$dir/f.out" >&2; fail "filter: spam verdict"; }
"$bin" filter -c "$dir/redflag.conf" < "$dir/new/ham.eml" > "$dir/f.out"
grep -qi "^X-Redflag-Verdict: ham" "$dir/f.out" || fail "filter: ham"

# a missing classifier file is an error, and is not created
if "$bin" scan --no-progress --classifier "$dir/none.db" "$dir/new" \
    > /dev/null 2>&1; then
	fail "a missing classifier must fail"
fi
[ ! -e "$dir/none.db" ] || fail "a missing classifier must not be created"

# the same file named sqlite:PATH (docs/classifier.md) reads the same;
# a missing one is refused, not created
"$bin" scan --json --no-progress --classifier "$db" "$dir/new" > "$dir/a.out"
"$bin" scan --json --no-progress --classifier "sqlite:$db" "$dir/new" \
    > "$dir/b.out" || fail "scan --classifier sqlite:PATH failed"
cmp -s "$dir/a.out" "$dir/b.out" || fail "sqlite:PATH must read as PATH"
if "$bin" scan --no-progress --classifier "sqlite:$dir/none.db" "$dir/new" \
    > /dev/null 2>&1; then
	fail "a missing sqlite:PATH classifier must fail"
fi
[ ! -e "$dir/none.db" ] || fail "a missing classifier must not be created"
echo "classifier_verdict: ok"
