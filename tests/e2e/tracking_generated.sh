#!/bin/sh
# tracking_generated.sh - tracking codes against generated ground truth.
#
# Generates a CI-sized set with `tools/gencampaigns.py --tracking` (fixed
# seed): campaigns whose links carry per-recipient codes of every kind
# (opaque ids in the query, path, sub-domain and fragment, sequential
# ids, the address plain, percent-encoded, base64, hex and hashed,
# redirect wrappers, mail-service click and open links, web bugs of every
# kind) next to links that identify nobody (campaign tags, constant
# campaign ids, shared documents), list posts, transactional and personal
# mail with links.  Runs `redflag scan --json` on it and checks with
# tools/tracking_eval.py: identifying links found with precision and
# recall >= 0.99; no link of personal mail flagged; no truth token left in
# a clean form; clean == url for every link that identifies nobody; every
# reported token a substring of its URL; every link known to the truth.
set -u
: "${REDFLAG:=build/redflag}"
command -v python3 >/dev/null 2>&1 || { echo "python3 missing" >&2; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

python3 tools/gencampaigns.py --tracking --seed 11 --scale 0.3 "$dir/set" ||
    exit 1
"$REDFLAG" scan --json --no-progress "$dir/set/mail" > "$dir/scan.jsonl" 2>"$dir/err"
rc=$?
# exit status 1 means "some input unreadable"; any other failure is fatal
[ "$rc" -le 1 ] || { cat "$dir/err" >&2; echo "redflag scan failed ($rc)" >&2; exit 1; }
python3 tools/tracking_eval.py --min-precision 0.99 --min-recall 0.99 \
    --strict "$dir/set" "$dir/scan.jsonl" || exit 1

# The generator wrote what the evaluator reads: every kind of code is in
# the set (a generator change must not quietly drop one).
for style in q-code path-code sub-code addr-md5 addr-sha256 addr-b64json \
    wrap-dest wrap-b64 wrap-b64q esp- esp-cm-click esp-klaviyo-ulid bug- \
    const-utm trans- personal-; do
	grep -q "	$style" "$dir/set/truth-links.tsv" || {
		echo "no link of style $style in the set" >&2; exit 1; }
done

# A wrapper whose destination is base64-encoded (s39) is replaced by that
# destination, cleaned: the reader keeps the link (until s39 the run was
# an opaque code and the clean form the wrapper, leading nowhere).
python3 - "$dir/set/truth-links.tsv" "$dir/scan.jsonl" <<'PY' || exit 1
import json, sys
styles = {}
with open(sys.argv[1], encoding="utf-8") as f:
    next(f)
    for line in f:
        p = line.rstrip("\n").split("\t")
        if p[3].startswith("wrap-b64"):
            styles[p[1]] = p[3]
bad = seen = 0
with open(sys.argv[2], encoding="utf-8") as f:
    for line in f:
        for l in json.loads(line).get("links", []):
            if l["url"] not in styles:
                continue
            seen += 1
            host = l["clean"].split("/")[2] if "://" in l["clean"] else ""
            if host.startswith(("link.", "click.")) or \
                    "redflag-removed" in l["clean"] or "uid=" in l["clean"]:
                bad += 1
                if bad <= 5:
                    print("not unwrapped: %s -> %s" % (l["url"], l["clean"]),
                          file=sys.stderr)
if seen == 0 or bad:
    print("wrap-b64: %d of %d links not unwrapped" % (bad, seen),
          file=sys.stderr)
    sys.exit(1)
PY
exit 0
