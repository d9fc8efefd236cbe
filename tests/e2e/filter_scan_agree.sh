#!/bin/sh
# filter_scan_agree.sh - the filter (as the milter) adds a copy to the
# store only once it is accepted, while `scan --db` adds each copy before
# judging it; both must judge every copy alike: the filter judges a copy
# with itself counted (rf_analysis_campaign_pending).  Until s37 the mail
# path judged one copy behind: the second copy of a campaign was "ham,
# campaign none" through the filter and "spam, sent to 2 recipients" in
# scan.  The sample mailbox, one message at a time, each store fresh.
set -u
: "${REDFLAG:=build/redflag}"
command -v python3 >/dev/null || { echo "skip: no python3" >&2; exit 77; }
d=$(mktemp -d /tmp/redflag-agree.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

"$REDFLAG" scan --json --no-progress --db "$d/scan.db" samples/sample.mbox \
    > "$d/scan.jsonl" || fail "scan"
python3 - "$d" <<'PY' || fail "split"
import re, sys
data = open("samples/sample.mbox", "rb").read()
for i, p in enumerate(re.split(rb"\n(?=From )", data)):
    open("%s/m%02d.eml" % (sys.argv[1], i), "wb").write(p.rstrip(b"\n") + b"\n")
PY
for f in "$d"/m*.eml; do
	"$REDFLAG" filter --set "db=$d/filter.db" < "$f" > "$f.out" ||
		fail "filter $f"
done
python3 - "$d" <<'PY' || exit 1
import glob, json, re, sys
d = sys.argv[1]
scan = [json.loads(l) for l in open(d + "/scan.jsonl")]
outs = sorted(glob.glob(d + "/m*.eml.out"))
assert len(scan) == len(outs) == 10, (len(scan), len(outs))
bad = 0
for s, o in zip(scan, outs):
    h = open(o, "rb").read().split(b"\n\n", 1)[0].decode("utf-8", "replace")
    verdict = re.search(r"^X-Redflag-Verdict: (\S+)", h, re.M).group(1)
    reasons = re.search(r"^X-Redflag-Reasons: (.*)", h, re.M).group(1)
    m = re.match(r"sent to (\d+) recipients", reasons)
    size = int(m.group(1)) if m else None
    want = (s["verdict"], (s.get("campaign") or {}).get("size"))
    if (verdict, size) != want:
        print("FAIL: %s: filter %s, scan %s" % (s["source"], (verdict, size),
              want), file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
echo "filter_scan_agree: the filter judges every copy as scan --db does"
