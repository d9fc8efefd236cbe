#!/bin/sh
# store_rcpt_samples.sh - store mode compares copies with their
# recipients (docs/store.md, "Link samples"; docs/tracking.md, "The
# copies' recipients"): six copies of one campaign to six
# recipients go through the store one by one (scan --db); the banner
# rotates between two values, the link's u= is one per recipient.  The
# fifth copy's rarer banner is held by no other copy, but its other value
# by four other recipients: a pool, not flagged; u= is flagged in every
# copy after the first.  Samples without the recipient's id (a store
# written before it) give the old behaviour: the banner flagged.  The
# store keeps no address.  The same with Redis when redis-server is there.
set -u
build=${BUILD:-build}
rf=${REDFLAG:-$build/redflag}
tmp=$(mktemp -d)
redis_pid=
. tests/redis.sh
trap 'redis_stop; rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

mkdir "$tmp/m"
for i in 0 1 2 3 4 5; do
	img=rot-B
	[ "$i" -eq 4 ] && img=rot-A
	cat > "$tmp/m/$i.eml" <<EOF
From: Deals <deals@offers.example>
To: user$i@example.org
Delivered-To: user$i@example.org
Subject: Spring offers for our members
Message-ID: <c$i@offers.example>
Date: Mon, 2 Mar 2026 10:0$i:00 +0000
List-Unsubscribe: <https://offers.example/unsub>
MIME-Version: 1.0
Content-Type: text/html; charset=us-ascii

<html><body><p>Our spring offers are here. Garden chairs, tables, lamps and
umbrellas at half price for the whole month, while stocks last. Visit the
shop today and save on everything for your garden and your terrace.</p>
<img src="https://img.offers.example/banners/$img.gif">
<a href="https://offers.example/go?u=K${i}x7q$((i * 37 + 11))z">Shop now</a>
</body></html>
EOF
done

# feed DB FIRST LAST: scan copies FIRST..LAST one by one into store DB,
# their JSON lines appended to $tmp/out
feed() {
	for i in $(seq "$2" "$3"); do
		"$rf" scan --db "$1" --json --no-progress "$tmp/m/$i.eml" \
		    >> "$tmp/out" || fail "scan --db $1 $tmp/m/$i.eml"
	done
}

# check WANT: the banner of copy 4 tracking WANT (0 or 1); u= tracking
# (varies-in-campaign) in copies 1 to 5, not in copy 0 (no copies yet)
check() {
	python3 - "$tmp/out" "$1" <<'PY' || fail "$2"
import json, sys
want = sys.argv[2] == "1"
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 6, len(rows)
for i, o in enumerate(rows):
    links = {l["url"].split("/")[-1]: l for l in o["links"]}
    img = links["rot-A.gif" if i == 4 else "rot-B.gif"]
    go = [l for k, l in links.items() if k.startswith("go?u=")][0]
    if i == 4:
        assert img["tracking"] == want, (i, img)
        assert ("varies-in-campaign" in img["reasons"]) == want, (i, img)
    else:
        assert not img["tracking"], (i, img)
    assert go["tracking"] == (i > 0), (i, go)
    if i > 0:
        assert go["reasons"] == ["varies-in-campaign"], (i, go)
PY
}

# SQLite: the recipients' ids kept, the pool seen
: > "$tmp/out"
feed "$tmp/a.db" 0 5
check 0 "sqlite: banner of a pool flagged, or code not flagged"
python3 - "$tmp/a.db" <<'PY' || fail "sqlite: sample entries"
import re, sqlite3, sys
rows = [r[0] for r in sqlite3.connect(sys.argv[1]).execute(
    "SELECT links FROM sample ORDER BY seq")]
assert len(rows) == 6, rows
ids = [re.fullmatch(rb"(?s).*\n\x03([0-9a-f]{16})", r).group(1) for r in rows]
assert len(set(ids)) == 6, ids
PY
for f in "$tmp"/a.db*; do
	if LC_ALL=C grep -aqi "example.org" "$f"; then
		fail "the store holds a recipient's address ($f)"
	fi
done

# SQLite written before the ids: the last line of each entry dropped
: > "$tmp/out"
feed "$tmp/b.db" 0 3
python3 - "$tmp/b.db" <<'PY' || fail "sqlite: strip ids"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n = c.execute("UPDATE sample SET links = substr(links, 1, length(links) - 18)"
              " WHERE substr(links, -18, 2) = x'0a03'").rowcount
assert n == 4, n
c.commit()
PY
feed "$tmp/b.db" 4 5
check 1 "sqlite without ids: not the old behaviour"

# Redis
if ! command -v redis-server >/dev/null 2>&1; then
	echo "store_rcpt_samples.sh: no redis-server: Redis part skipped" >&2
	exit 0
fi
redis_start "$tmp" || fail "cannot start redis-server"
: > "$tmp/out"
feed "redis://127.0.0.1:$redis_port" 0 5
check 0 "redis: banner of a pool flagged, or code not flagged"
if redis-cli -p "$redis_port" --scan | while read -r k; do
	redis-cli -p "$redis_port" --no-raw DUMP "$k"; done |
    grep -qi "example.org"; then
	fail "redis holds a recipient's address"
fi
exit 0
