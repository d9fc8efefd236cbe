#!/bin/sh
# cls_cv.sh - the cross-validation inside the training half that chose the
# classifier's scoring and defaults (docs/classifier.md, "Training on
# error"; the tables: docs/design/classifier-record.md, "Training on
# error").  Uses the split of bench/accuracy.sh (run it first, or it is
# made here); only the training half is read.
#
#   sh bench/cls_cv.sh [K [CONFIG...]]
#
# (with no split yet, CONFIG is not allowed: the first one would be taken
# for bench/accuracy.sh's DATA_DIR; run BENCH_SPLIT_ONLY=1 sh
# bench/accuracy.sh DATA_DIR first)
#
# K folds (default 5).  CONFIG: NAME=VALUE,... (bench/cls_cv.py); default:
# redflag's defaults, without training on error, the first choice (scale
# 5) and bogofilter's combining and robs.  bench/cls_lr.c (logistic
# regression, byte 4-grams) reads the same token file:
#   cc -O2 -o cls_lr bench/cls_lr.c -lm
#   ./cls_lr bench/out/accuracy/train.tokens 5 tok=1,b4=6000 eta=0.005,margin=2,passes=20
set -eu
build=${BUILD:-build}
out=bench/out/accuracy
k=${1:-5}
[ $# -gt 0 ] && shift
[ -d "$out/train/spam" ] || BENCH_SPLIT_ONLY=1 sh bench/accuracy.sh "$@"
[ -f "$build/libredflag.a" ] || make -s
mkdir -p "$build/bench"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o "$build/bench/cls_tokens" \
    bench/cls_tokens.c "$build/libredflag.a" \
    $(pkg-config --libs gmime-3.0 libxml-2.0 liburiparser libidn2 libpsl \
    libxxhash libcrypto sqlite3 hiredis libsodium) -lm
"$build/bench/cls_tokens" data/trackers.conf "$out/train/spam" \
    "$out/train/ham" > "$out/train.tokens"
echo "training half: $(wc -l < "$out/train.tokens") messages, $k folds"
if [ $# -eq 0 ]; then
	set -- "" "toe=0" "toe=0,scale=5" "toe=0,combine=0,robs=0.0178"
fi
python3 bench/cls_cv.py "$out/train.tokens" "$k" "$@"
