#!/bin/sh
# no_connection.sh - scanning, cleaning and filtering (redflag filter, the
# mail-server path, links rewritten) messages whose links and images point
# at a live local server make no connection to it.  A final connection
# made by the test itself proves that the server counts.
set -eu
: "${REDFLAG:=build/redflag}"
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
python3 - "$tmp" <<'PY' &
import socket, sys, os
d = sys.argv[1]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 0))
s.listen(16)
open(os.path.join(d, 'port.tmp'), 'w').write(str(s.getsockname()[1]))
os.rename(os.path.join(d, 'port.tmp'), os.path.join(d, 'port'))
n = 0
while True:
    c, _ = s.accept()
    n += 1
    open(os.path.join(d, 'count'), 'w').write(str(n))
    c.close()
PY
pid=$!
i=0
while [ ! -f "$tmp/port" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "listener did not start" >&2; exit 1; }
	sleep 0.05
done
port=$(cat "$tmp/port")
base="http://127.0.0.1:$port"
cat > "$tmp/m.eml" <<EOF
From: Shop <news@shop.example>
To: jane.doe@example.org
Subject: Sale
List-Unsubscribe: <$base/unsub?e=jane.doe%40example.org>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Sale: $base/sale?u=jane.doe@example.org and $base/page
--b
Content-Type: text/html; charset=utf-8

<html><head><style>body { background: url($base/bg.png) }</style>
<link rel="stylesheet" href="$base/style.css"></head><body>
<a href="$base/track/click?e=amFuZS5kb2VAZXhhbXBsZS5vcmc">Sale</a>
<img src="$base/open.gif?id=q8ZfK2mX7pLw4RtY9vB3nH6s" width="1" height="1">
<img src="$base/logo.png" style="display:none">
<form action="$base/form"><input type="image" src="$base/btn.png"></form>
<iframe src="$base/frame"></iframe>
<div style="background-image: url('$base/div.png')">x</div>
</body></html>
--b--
EOF
"$REDFLAG" scan "$tmp/m.eml" > "$tmp/scan.out"
"$REDFLAG" scan --json "$tmp/m.eml" > "$tmp/scan.json"
"$REDFLAG" clean "$tmp/m.eml" > "$tmp/clean.out"
grep -q 'X-Redflag-Tracking: .*your address' "$tmp/clean.out"
# The mail-server path too: the filter, links rewritten (clean.ham=links).
"$REDFLAG" filter -r jane.doe@example.org --set clean.ham=links \
    < "$tmp/m.eml" > "$tmp/filter.out"
grep -q '^X-Redflag-Reasons: .*neutralised' "$tmp/filter.out"
sleep 0.3
if [ -f "$tmp/count" ]; then
	echo "redflag connected $(cat "$tmp/count") time(s) to the server" >&2
	exit 1
fi
# control: the server does count a connection
python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()"
i=0
while [ ! -f "$tmp/count" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "control connection not counted" >&2; exit 1; }
	sleep 0.05
done
[ "$(cat "$tmp/count")" = 1 ]
echo "no_connection: ok"
