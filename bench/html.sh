#!/bin/sh
# html.sh [DIR] [RUNS] - throughput of rf_html_extract on the HTML bodies
# of the messages under DIR (default corpus/, see `make corpus`), cut out
# crudely (no MIME parsing), in MB/s and bodies/s of CPU time, next to
# libxml2's HTML SAX parser alone with empty callbacks (the floor: what
# the parser costs before any text or link is kept).
# Needs build/libredflag.a (`make`).
#
# CALLGRIND=1 counts instructions instead (valgrind, one run, whatever
# the machine's load): the extraction and the floor, each in total and
# per byte of HTML.
set -eu
dir=${1:-${CORPUS:-corpus}}
runs=${2:-10}
build=${BUILD:-build}
if [ ! -d "$dir" ]; then
	echo "html.sh: no $dir: run make corpus or give a folder" >&2
	exit 1
fi
mkdir -p "$build/bench"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iinclude \
    $(pkg-config --cflags libxml-2.0) -o "$build/bench/html_extract" \
    bench/html_extract.c "$build/libredflag.a" \
    $(pkg-config --libs liburiparser libidn2 libpsl gmime-3.0 libxml-2.0 \
    libxxhash libcrypto) -lpthread
if [ "${CALLGRIND:-0}" = 1 ]; then
	list=$(mktemp)
	find "$dir/" -type f -name '*.txt' | sort >"$list"
	for fn in run_extract run_floor; do
		out=$(mktemp)
		valgrind --tool=callgrind --toggle-collect="$fn*" \
		    --callgrind-out-file="$out" \
		    "$build/bench/html_extract" 1 <"$list" >"$out.txt" 2>/dev/null
		ir=$(callgrind_annotate "$out" 2>/dev/null |
		    awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
		mb=$(awk 'NR == 1 { print $4 }' "$out.txt")
		awk -v f="$fn" -v ir="$ir" -v mb="$mb" 'BEGIN {
		    printf "%-12s %15.0f instructions  %6.1f per byte (%s MB)\n",
		    f, ir, ir / (mb * 1e6), mb }'
		rm -f "$out" "$out.txt"
	done
	rm -f "$list"
	exit 0
fi
find "$dir/" -type f -name '*.txt' | sort | "$build/bench/html_extract" "$runs"
