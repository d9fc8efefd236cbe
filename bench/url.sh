#!/bin/sh
# url.sh [DIR] - throughput of URL extraction from plain text: every file
# of DIR (default corpus/easy-ham-1, see `make corpus`) concatenated into
# one text, scanned by rf_url_extract_text (every URL found is also
# normalised), in MB/s of CPU time; then the same text with every URL
# broken, which measures the scanning alone.  For scale, GNU grep -oE
# with a simple URL pattern on the same text (wall clock; it only finds,
# it does not trim or normalise).
# Needs build/libredflag.a (`make`).
set -eu
dir=${1:-${CORPUS:-corpus}/easy-ham-1}
build=${BUILD:-build}
if [ ! -d "$dir" ]; then
	echo "url.sh: no $dir: run make corpus or give a folder" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$dir" -type f -name '*.txt' | sort | xargs cat > "$tmp/text"
mkdir -p "$build/bench"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o "$build/bench/url_text" \
    bench/url_text.c "$build/libredflag.a" \
    $(pkg-config --libs liburiparser libidn2 libpsl gmime-3.0 libxml-2.0)
echo "text: $(wc -c < "$tmp/text") bytes from $(find "$dir" -type f -name '*.txt' | wc -l) files in $dir"
"$build/bench/url_text" "$tmp/text"
# the same text with every URL broken: the cost of scanning alone
LC_ALL=C sed -e 's|://|:/ /|g' -e 's|[wW][wW][wW]\.|ww w.|g' \
    -e 's|mailto:|mail to:|g' "$tmp/text" > "$tmp/nourl"
printf 'scan only (URLs broken): '
"$build/bench/url_text" "$tmp/nourl"
pat='(https?|ftp)://[^][:space:]<>"]+|www\.[^][:space:]<>"]+|mailto:[^][:space:]<>"]+'
start=$(date +%s.%N)
m=$(LC_ALL=C grep -oEi "$pat" "$tmp/text" | wc -l)
end=$(date +%s.%N)
echo "$start $end $(wc -c < "$tmp/text") $m" | awk '{ t = $2 - $1;
    printf "GNU grep -oE (LC_ALL=C, find only): %.0f MB/s, %d matches\n",
    $3 / 1e6 / t, $4 }'
