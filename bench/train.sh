#!/bin/sh
# train.sh - how long `redflag train` takes to learn about 3,000 messages
# into a SQLite file and into Redis, beside bogofilter learning the same
# messages; then the same messages classified through both backends (and
# the two answers compared: they must be identical).
#
#   sh bench/train.sh [DATA_DIR]
#
# DATA_DIR holds the SpamAssassin public corpus groups easy-ham-1
# easy-ham-2 hard-ham-1 spam-1 spam-2 (default ./corpus/package/data, then
# ./corpus); the training half of bench/accuracy.sh's split (odd
# positions of every group's sorted file names, 3023 messages) is learned.
# Figures: wall seconds, and the CPU seconds (user + system) of the client
# (/usr/bin/time) and, for Redis, of redis-server (INFO cpu).  The machine may be shared:
# wall times are noisy, CPU times less so.  State in bench/out/train.
set -eu
top=$(pwd)
BIN=${REDFLAG:-build/redflag}
data=${1:-}
out=$top/bench/out/train
if [ -z "$data" ]; then
	data=$top/corpus/package/data
	[ -d "$data" ] || data=$top/corpus
fi
[ -d "$data/spam-2" ] || { echo "no corpus in $data (bench/accuracy.sh fetches it)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "no redis-server" >&2; exit 1; }

. tests/redis.sh
trap 'redis_stop' EXIT INT TERM
rm -rf "$out"
mkdir -p "$out/spam" "$out/ham"
for g in easy-ham-1 easy-ham-2 hard-ham-1 spam-1 spam-2; do
	case $g in spam*) cls=spam ;; *) cls=ham ;; esac
	(cd "$data/$g" && ls | grep '\.txt$' | LC_ALL=C sort | awk 'NR % 2 == 1') |
	    while read -r f; do ln -s "$data/$g/$f" "$out/$cls/$g-$f"; done
done
nspam=$(ls "$out/spam" | wc -l)
nham=$(ls "$out/ham" | wc -l)
echo "learning $((nspam + nham)) messages ($nspam spam, $nham ham) from $data"

# tm FILE CMD...: run CMD, add "wall user sys" seconds to FILE
tm() { f=$1; shift; /usr/bin/time -f "%e %U %S" -a -o "$f" "$@"; }
# total FILE: "W s wall, C s CPU" over the lines of FILE
total() { awk '{ w += $1; c += $2 + $3 } END {
	printf "%.2f s wall, %.2f s CPU", w, c }' "$1"; }
rcpu() { redis-cli -p "$redis_port" info cpu |
	awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.3f", s }'; }

run() {	# run NAME LOCATION: train, then classify the same messages
	tm "$out/t.$1" "$BIN" train -q --classifier "$2" --spam "$out/spam"
	tm "$out/t.$1" "$BIN" train -q --classifier "$2" --ham "$out/ham"
	[ -z "${redis_pid:-}" ] || r1=$(rcpu)
	tm "$out/c.$1" "$BIN" train -q --classifier "$2" --classify \
	    "$out/spam" "$out/ham" > "$out/classify.$1"
	echo "$1: trained in $(total "$out/t.$1"); classified them in" \
	    "$(total "$out/c.$1") ($("$BIN" train --classifier "$2" \
	    --show-settings | grep learned_ | tr '\n' ' '))"
}

run sqlite "$out/tokens.db"
redis_start "$out" || { echo "cannot start redis-server" >&2; exit 1; }
r0=$(rcpu)
run redis "redis://127.0.0.1:$redis_port/bench"
r2=$(rcpu)
echo "redis: redis-server CPU $(echo "$r1 - $r0" | bc) s training," \
    "$(echo "$r2 - $r1" | bc) s classifying;" \
    "$(redis-cli -p "$redis_port" info memory | awk -F: '/^used_memory_human/ { print $2 }' | tr -d '\r') memory"
if cmp -s "$out/classify.sqlite" "$out/classify.redis"; then
	echo "sqlite and redis: identical classification of all $((nspam + nham)) messages"
else
	echo "sqlite and redis: classification DIFFERS" >&2
	exit 1
fi
if command -v bogofilter >/dev/null; then
	mkdir -p "$out/bogo"
	tm "$out/t.bogo" bogofilter -d "$out/bogo" -s -B "$out"/spam/*
	tm "$out/t.bogo" bogofilter -d "$out/bogo" -n -B "$out"/ham/*
	echo "bogofilter: trained in $(total "$out/t.bogo")"
fi
