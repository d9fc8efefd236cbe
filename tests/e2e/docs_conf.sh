#!/bin/sh
# docs_conf.sh - the redflag.conf examples of README.md and
# docs/mailservers.md, read by the real program as a new administrator
# would copy them: each setting's value is what the text means (the
# settings file has whole-line comments only, so a "# ..." after a value
# would become part of it: a store path ending in "      # or redis://...").
# Each block that follows a line naming redflag.conf (or begins with
# "# /etc/redflag/redflag.conf") is read with its paths moved into a
# temporary folder; redflag consent -c BLOCK add must open (make) the db
# it names, which must then exist under that exact name (consent list
# refuses a store that is not there).
set -u
: "${REDFLAG:=build/redflag}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

# blocks FILE: the redflag.conf code blocks of FILE, into $tmp/FILE.N
blocks() {
	awk -v out="$tmp/$(basename "$1")" '
	/^```/ && !inb { inb = 1; keep = want; n++; first = 1; next }
	/^```/ && inb { inb = 0; want = 0; next }
	inb && first { first = 0
		if ($0 ~ /^# \/etc\/redflag\/redflag\.conf/) keep = 1 }
	inb && keep { print > (out "." n) }
	!inb && /redflag\.conf`?:$/ { want = 1; next }
	!inb && !/^$/ { want = 0 }' "$1"
}

seen=0
for doc in README.md docs/mailservers.md; do
	blocks "$doc"
	for b in "$tmp/$(basename "$doc")".*; do
		[ -f "$b" ] || continue
		grep -q '^db *=' "$b" || continue
		seen=$((seen + 1))
		# the paths of the example, in the temporary folder
		sed "s|/var/lib/redflag/|$tmp/|" "$b" >"$b.conf"
		db=$(sed -n "s|^db *= *\($tmp/[^ ]*\).*|\1|p" "$b.conf")
		if ! "$REDFLAG" consent -c "$b.conf" add a@example.org \
		    example.org >/dev/null \
		    2>"$b.err" || [ ! -f "$db" ]; then
			echo "FAIL: $doc: its redflag.conf example does not" \
			    "open $db:" >&2
			cat "$b.err" >&2
			fails=$((fails + 1))
		fi
	done
done
[ "$seen" -ge 1 ] || { echo "FAIL: no redflag.conf example with db found" >&2; exit 1; }
[ "$fails" -eq 0 ] || exit 1
echo "docs_conf: $seen redflag.conf examples read as written"
