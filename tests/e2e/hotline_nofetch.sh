#!/bin/sh
# hotline_nofetch.sh - reports of URLs that point at a local listener
# (a python3 TCP listener on 127.0.0.1) are filed, scrubbed, shown,
# reviewed and exported through every way in, and the listener is never
# connected to: redflag never fetches or resolves a reported URL.
. tests/e2e/lib/hotline.sh
command -v python3 > /dev/null || { echo "no python3" >&2; exit 77; }
python3 - "$T/port" "$T/hits" <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept()
    with open(sys.argv[2], "a") as f:
        f.write("connection\n")
    c.close()
PY
LPID=$!
trap 'kill $LPID 2>/dev/null; cleanup' EXIT INT TERM
i=0
while [ ! -s "$T/port" ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "listener"; sleep 0.05; done
P=$(cat "$T/port")
: > "$T/hits"
start_server
add_user sue supervisor
login sue
H="$REDFLAG hotline --db $DB"

$H submit --reporter r@mail.example "http://127.0.0.1:$P/a?email=r@mail.example" \
    "http://localhost:$P/b" "https://127.0.0.1:$P/c" "ftp://127.0.0.1:$P/d" > /dev/null ||
    fail "cli submit"
api "{\"urls\": [\"http://127.0.0.1:$P/a?x=1\", \"http://[::1]:$P/e\"]}" | grep -q report ||
    fail "api submit"
printf 'From: a@b.example\nTo: r@mail.example\nContent-Type: text/html\n\n<a href="http://127.0.0.1:%s/m">x</a><img src="http://127.0.0.1:%s/i.gif">\n' "$P" "$P" |
    $H submit --mail - > /dev/null || fail "mail submit"
[ "$(post sue /submit "csrf=$CSRF" "urls=http://127.0.0.1:$P/w")" = 303 ] || fail "form submit"
for c in 1 2 3 4 5 6 7; do
	curl -s -b "$T/sue.jar" "$BASE/case/$c" > "$T/page" || fail "case page $c"
done
curl -s -b "$T/sue.jar" "$BASE/queue" | grep -q "127\[.\]0\[.\]0\[.\]1" || fail "queue"
[ "$(post sue /case/1/action "csrf=$CSRF" action=review)" = 303 ] || fail "review"
[ "$(post sue /case/1/action "csrf=$CSRF" action=assess outcome=red_flag assess_category=phishing why=x)" = 303 ] ||
    fail "assess"
[ "$(post sue /case/1/action "csrf=$CSRF" action=export target=police)" = 200 ] || fail "export"
$H export --format csv 1 > /dev/null 2>&1
$H stats --month "$(date -u +%Y-%m)" > /dev/null || fail "stats"
sleep 0.3
[ -s "$T/hits" ] && fail "redflag connected to a reported URL's host ($(wc -l < "$T/hits") times)"
# The listener itself works: a real connection is counted.
python3 -c "import socket; socket.create_connection(('127.0.0.1', $P)).close()"
sleep 0.2
[ -s "$T/hits" ] || fail "the listener does not count connections"
echo "hotline nofetch: no connection to any reported host"
