#!/bin/sh
# html.sh [DIR] [RUNS] - throughput of rf_html_extract on the HTML bodies
# of the messages under DIR (default corpus/, see `make corpus`), cut out
# crudely (no MIME parsing), in MB/s and bodies/s of CPU time, next to
# libxml2's HTML SAX parser alone with empty callbacks (the floor: what
# the parser costs before any text or link is kept).
# Needs build/libredflag.a (`make`).
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
    $(pkg-config --libs liburiparser libidn2 libpsl gmime-3.0 libxml-2.0)
find "$dir" -type f -name '*.txt' | sort | "$build/bench/html_extract" "$runs"
