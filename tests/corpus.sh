#!/bin/sh
# corpus.sh REDFLAG - scan the whole SpamAssassin corpus (./corpus) and
# check that every message is reported, none failed, and the process exits
# cleanly (run on the ASan+UBSan build by `make check`: any sanitizer
# report aborts the scan and fails this test).
set -eu
bin=${1:?usage: corpus.sh REDFLAG}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
expect=$(find -L corpus -type f -name '*.txt' | wc -l)
start=$(date +%s)
"$bin" scan --json --no-progress corpus > "$out"
end=$(date +%s)
python3 - "$out" "$expect" <<'PY'
import json, sys
path, expect = sys.argv[1], int(sys.argv[2])
n = links = errors = 0
for line in open(path, encoding="utf-8"):
    o = json.loads(line)
    n += 1
    if "error" in o:
        errors += 1
        print("error:", o["source"], o["error"])
    links += len(o.get("links", []))
    for k in ("source", "message_id", "links", "verdict", "campaign", "limits"):
        assert k in o or "error" in o, (k, o.get("source"))
print(f"corpus: {n} messages reported ({expect} expected), {links} links, {errors} errors")
assert n == expect, "not every message was reported"
assert errors == 0, "some messages failed"
PY
echo "corpus: scanned in $((end - start)) s"
