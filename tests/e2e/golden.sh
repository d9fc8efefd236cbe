#!/bin/sh
# golden.sh - each tests/golden/NAME.{eml,mbox} scanned with --json must
# give exactly tests/golden/NAME.json (compared as JSON values).  The
# expected files were checked by hand; after an intended change, rewrite
# them with UPDATE=1 and review the diff before committing.
set -eu
bin=${REDFLAG:-build/redflag}
status=0
for f in tests/golden/*.eml tests/golden/*.mbox; do
	want=${f%.*}.json
	got=$(mktemp)
	"$bin" scan --json --no-progress "$f" > "$got" || true
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$got" "$want"
	elif ! python3 - "$want" "$got" <<'PY'
import json, sys
want = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
got = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
if want != got:
    for w, g in zip(want, got):
        for k in sorted(set(w) | set(g)):
            if w.get(k) != g.get(k):
                print(f"  {w.get('source')}: {k}:\n    want {w.get(k)!r}\n    got  {g.get(k)!r}")
    if len(want) != len(got):
        print(f"  {len(want)} objects expected, {len(got)} given")
    sys.exit(1)
PY
	then
		echo "golden: $f differs from $want"
		status=1
	fi
	rm -f "$got"
done
[ $status -eq 0 ] && echo "golden: all files match"
exit $status
