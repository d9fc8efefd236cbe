#!/bin/sh
# fingerprint.sh - figures of the campaign fingerprint (docs/fingerprint.md):
#   1. speed of fingerprinting alone (CPU time) on 5 KB pieces of the
#      visible text of the SpamAssassin corpus, and per whole message;
#   2. match rate of two copies of each corpus text with 0/10/20/30 %
#      random filler words injected into each (bench/fp_bench.c);
#   3. pairwise precision and recall of `redflag cluster` on sets made by
#      tools/gencampaigns.py (default and --large), their speed, and the
#      false-match rate between one copy of every unrelated group.
#   usage: bench/fingerprint.sh [--small]   (--small: skip the large set)
# Needs `make` first.
set -eu
build=${BUILD:-build}
bin=${REDFLAG:-$build/redflag}
large=1
[ "${1:-}" = "--small" ] && large=0
sh scripts/fetch-corpus.sh
[ -x "$bin" ] || make -s
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$build/bench"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o "$build/bench/fp_bench" \
    bench/fp_bench.c "$build/libredflag.a" \
    $(pkg-config --libs gmime-3.0 libxml-2.0 liburiparser libidn2 libpsl \
    libxxhash libcrypto)
python3 -c 'import importlib.util as u
s = u.spec_from_file_location("g", "tools/gencampaigns.py")
g = u.module_from_spec(s); s.loader.exec_module(g); print("\n".join(g.FILLER))' \
    > "$tmp/filler"

echo "== fingerprint on the SpamAssassin corpus (${CORPUS:-corpus})"
"$build/bench/fp_bench" "$tmp/filler" "${CORPUS:-corpus}"
for g in easy-ham-1 spam-2; do
	echo "-- $g only"
	"$build/bench/fp_bench" "$tmp/filler" "${CORPUS:-corpus}/$g" |
	    grep '^injected'
done

run_set() {
	name=$1
	shift
	python3 tools/gencampaigns.py --seed 7 "$@" "$tmp/$name" 2>/dev/null
	n=$(ls "$tmp/$name/mail" | wc -l)
	start=$(date +%s.%N)
	"$bin" cluster --fingerprints "$tmp/$name/mail" > "$tmp/$name.tsv"
	end=$(date +%s.%N)
	echo "== generated set '$name' ($*): $n messages"
	fmt="redflag cluster (parse, fingerprint, cluster): %.1f s, %.0f msg/s"
	echo "$start $end $n" | awk -v f="$fmt (wall)\n" \
	    '{ printf f, $2 - $1, $3 / ($2 - $1) }'
	python3 tools/pairwise.py --unrelated "$tmp/$name/truth.tsv" \
	    "$tmp/$name.tsv"
}
run_set default
[ "$large" -eq 1 ] && run_set large --large
exit 0
