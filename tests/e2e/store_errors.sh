#!/bin/sh
# store_errors.sh - what a store's library says reaches the user only
# escaped (DEVELOPERS.md: untrusted bytes reach logs only escaped).  An
# SQLite file made by someone else, whose schema names an object with a
# terminal escape and control bytes (SQLite quotes the name in its
# "malformed database schema (NAME)"), and a hostile Redis server on
# 127.0.0.1 (lib/fakeredis.py) that answers every command with an error
# text full of control bytes, or with bytes that are no reply at all:
# the campaign store (scan --db), the consent store (scan --consent-db,
# consent list, which opens both) and
# the classifier (train --show-settings) and, on SQLite, the hotline
# (hotline cases) each fail with an error whose
# every byte is printable ASCII or a line end, the escape shown as
# \x1b.
set -u
command -v python3 >/dev/null || { echo "skip: no python3" >&2; exit 77; }
tmp=$(mktemp -d /tmp/redflag-storeerr.XXXXXX)
fake=
trap '[ -n "$fake" ] && kill "$fake" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$tmp/m.eml" <<'EOF'
From: news@shop.example
To: r1@test.example
Subject: store errors
Message-ID: <1@shop.example>

Hello
EOF

# clean FILE WHAT: FILE (a command's stderr) says something, every byte
# printable ASCII or a line end, and shows the escape (\x1b, or
# \x5cx1b where the library had escaped it already).
clean() {
	[ -s "$1" ] || fail "$2: no error message"
	LC_ALL=C tr -d '\n\040-\176' < "$1" > "$1.raw"
	[ -s "$1.raw" ] && {
		od -c "$1" | head -5 >&2
		fail "$2: raw control or 8-bit bytes on stderr"
	}
	grep -q 'x1b' "$1" || fail "$2: the escape not shown: $(cat "$1")"
}

# run WHAT CMD...: CMD fails (its status is not 0), its stderr clean.
run() {
	what=$1
	shift
	timeout 30 "$@" > /dev/null 2> "$tmp/err" &&
		fail "$what: succeeded against a broken store"
	clean "$tmp/err" "$what"
	echo "$what: $(head -c 160 "$tmp/err")"
}

# every store, at DB
stores() {
	run "scan --db $1" "$REDFLAG" scan --db "$2" "$tmp/m.eml"
	run "consent list $1" "$REDFLAG" consent --db "$2" list
	run "scan --consent-db $1" "$REDFLAG" scan --consent-db "$2" \
	    "$tmp/m.eml"
	run "train $1" "$REDFLAG" train --classifier "$2" --show-settings
}

# 1. An SQLite file whose schema names an object with control bytes.
python3 - "$tmp/evil.db" <<'PY' || fail "making the SQLite file"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE t(x)")
c.execute("PRAGMA writable_schema=ON")
name = "\x1b[31mevil\n\x07\x1b]0;owned\x07"
c.execute("INSERT INTO sqlite_master VALUES('table', ?, ?, 0, "
          "'CREATE TABLE oops(')", (name, name))
c.commit()
PY
stores sqlite "$tmp/evil.db"
run "hotline cases sqlite" "$REDFLAG" hotline --db "$tmp/evil.db" cases

# 2. A Redis server whose error replies carry control bytes, then one
# that answers with no reply at all.
for mode in error garbage; do
	rm -f "$tmp/port"
	python3 tests/e2e/lib/fakeredis.py "$mode" "$tmp/port" &
	fake=$!
	n=0
	while [ ! -s "$tmp/port" ]; do
		n=$((n + 1)); [ $n -lt 100 ] || fail "fakeredis did not start"
		sleep 0.1
	done
	stores "redis-$mode" "redis://127.0.0.1:$(cat "$tmp/port")"
	kill "$fake"; wait "$fake" 2>/dev/null; fake=
done
echo "store_errors: every store's failure reported escaped"
