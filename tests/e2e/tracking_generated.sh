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
    wrap-dest esp- esp-cm-click esp-klaviyo-ulid bug- const-utm trans- \
    personal-; do
	grep -q "	$style" "$dir/set/truth-links.tsv" || {
		echo "no link of style $style in the set" >&2; exit 1; }
done
exit 0
