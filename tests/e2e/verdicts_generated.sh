#!/bin/sh
# verdicts_generated.sh - verdicts on the generated set (tools/
# gencampaigns.py) with its consent records and ground-truth labels:
# campaign copies without consent are spam, with consent bulk, personal
# and group mail ham.  Asserts spam recall >= 0.99 and spam verdicts on
# solicited or personal mail <= 0.1 %, in batch mode (--consent-db) and
# in stream mode (--db, one store for campaigns and consent); and, as a
# control, that without the consent records the solicited copies are
# spam (consent is what tells bulk from spam).
set -u
rf=${REDFLAG:-build/redflag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

python3 tools/gencampaigns.py --seed 5 "$tmp/set" 2>/dev/null || fail "gen"
[ -s "$tmp/set/consent.tsv" ] && [ -s "$tmp/set/labels.tsv" ] ||
	fail "no consent.tsv or labels.tsv"
"$rf" consent import --db "$tmp/c.db" "$tmp/set/consent.tsv" > /dev/null ||
	fail "consent import"

evaluate() { # NAME JSONL MIN_RECALL MAX_FP_PERCENT
	python3 - "$tmp/set/labels.tsv" "$2" "$1" "$3" "$4" <<'PY'
import collections, json, os, sys
labels, out, name = sys.argv[1], sys.argv[2], sys.argv[3]
min_recall, max_fp = float(sys.argv[4]), float(sys.argv[5])
lab = dict((os.path.basename(f), v) for f, v in
           (l.rstrip("\n").split("\t") for l in open(labels)))
conf = collections.Counter()
for line in open(out):
    o = json.loads(line)
    f = os.path.basename(o["source"])
    if f in lab:
        conf[(lab[f], o["verdict"])] += 1
assert sum(conf.values()) == len(lab), "not every message was reported"
spam = sum(v for (l, _), v in conf.items() if l == "spam")
neg = sum(v for (l, _), v in conf.items() if l != "spam")
tp = conf[("spam", "spam")]
fp = sum(v for (l, p), v in conf.items() if l != "spam" and p == "spam")
recall, fpp = tp / spam, 100.0 * fp / neg
print("%s: spam recall %.4f (%d/%d), spam on solicited or personal "
      "%.3f %% (%d/%d); %s" % (name, recall, tp, spam, fpp, fp, neg,
      dict(sorted(conf.items()))))
sys.exit(0 if recall >= min_recall and fpp <= max_fp else 1)
PY
}

# batch mode: clustered first, consent from its own store
"$rf" scan --json --no-progress --consent-db "$tmp/c.db" "$tmp/set/mail" \
	> "$tmp/batch.jsonl" 2>/dev/null
evaluate batch "$tmp/batch.jsonl" 0.99 0.1 || fail "batch mode"

# stream mode: one message at a time, one store for campaigns and consent
"$rf" consent import --db "$tmp/s.db" "$tmp/set/consent.tsv" > /dev/null ||
	fail "consent import into the campaign store"
"$rf" scan --json --no-progress --db "$tmp/s.db" "$tmp/set/mail" \
	> "$tmp/stream.jsonl" 2>/dev/null
evaluate stream "$tmp/stream.jsonl" 0.99 0.1 || fail "stream mode"

# control: without consent the newsletters' subscribers get spam
"$rf" scan --json --no-progress "$tmp/set/mail" > "$tmp/none.jsonl" 2>/dev/null
if evaluate no-consent "$tmp/none.jsonl" 0.99 0.1 > "$tmp/none.txt"; then
	cat "$tmp/none.txt"
	fail "without consent records solicited mail should be spam"
fi
cat "$tmp/none.txt"
echo "verdicts_generated: ok"
