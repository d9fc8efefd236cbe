#!/bin/sh
# hotline_web_security.sh - redflag serve against hostile requests:
# wrong passwords, missing or wrong CSRF tokens, an analyst attempting a
# supervisor action, script and SQL payloads in every field (stored, and
# shown escaped), oversized requests (max_request_size), cookie flags,
# raw malformed requests, log escaping, connections held open.
. tests/e2e/lib/hotline.sh
start_server --set max_request_size=8k
add_user ana analyst
add_user sue supervisor

# --- sign-in ---
curl -s -c "$T/x.jar" -b "$T/x.jar" "$BASE/login" > "$T/l.html"
lt=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/l.html")
code=$(curl -s -o "$T/body" -D "$T/h" -w '%{http_code}' -c "$T/x.jar" -b "$T/x.jar" \
    --data-urlencode "csrf=$lt" -d user=ana -d password=wrong-password-1 "$BASE/login")
[ "$code" = 401 ] || fail "wrong password: HTTP $code"
grep -qi 'set-cookie: rf_session' "$T/h" && fail "wrong password gave a session"
grep -q 'Wrong user name or password' "$T/body" || fail "no message on wrong password"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/x.jar" -d user=ana \
    -d password=pw-ana-123456 "$BASE/login")
[ "$code" = 403 ] || fail "login without CSRF token: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/x.jar" -d csrf=00 -d user=ana \
    -d password=pw-ana-123456 "$BASE/login")
[ "$code" = 403 ] || fail "login with wrong CSRF token: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/queue")
[ "$code" = 303 ] || fail "queue without a session: HTTP $code"

login ana
grep -qi '^set-cookie: rf_session=[0-9a-f]*; Path=/; HttpOnly; SameSite=Strict' "$T/ana.hdr" ||
    fail "the session cookie lacks HttpOnly/SameSite=Strict"
ANA_CSRF=$CSRF
login sue
SUE_CSRF=$CSRF

# --- payloads in every field ---
XSS='<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL="'); DROP TABLE cases; --"
# a category payload is no category: refused, not echoed (s37: it was
# filed as "other")
out=$(api '{"url": "http://evil.example/c", "category": "<b>x</b>"}')
case $out in
*'"error": "unknown category'*) ;;
*) fail "API category payload: $out" ;;
esac
echo "$out" | grep -q '<b>' && fail "API category payload echoed: $out"
code=$(post ana /submit "csrf=$ANA_CSRF" "urls=http://evil.example/c" "category=$SQL")
[ "$code" = 400 ] || fail "form category payload: HTTP $code"
grep -q 'DROP TABLE' "$T/body" && fail "form category payload echoed"
out=$(api "{\"urls\": [\"http://evil.example/p?q=<script>alert(1)</script>\", \"http://evil.example/'%3B DROP TABLE cases;--\"],
    \"reporter\": \"$SQL\", \"category\": \"phishing\",
    \"comment\": \"$(printf '%s' "$XSS" | sed 's/"/\\"/g') $SQL\",
    \"contact\": {\"name\": \"<script>n</script>\", \"email\": \"$SQL\", \"phone\": \"<svg onload=1>\"}}")
echo "$out" | grep -q '"case": 1' || fail "API filing: $out"
code=$(post ana /submit "csrf=$ANA_CSRF" "urls=http://evil.example/$XSS" \
    "comment=$XSS $SQL" "reporter=$SQL" "category=fraud" "contact_name=$XSS" \
    "contact_email=$SQL" "contact_phone=$XSS")
[ "$code" = 303 ] || fail "form filing: HTTP $code"
for page in /queue /case/1 /case/2 /case/3 /stats; do
	curl -s -b "$T/sue.jar" "$BASE$page" > "$T/page.html"
	# Our own markup has exactly one <script> (the asset); payloads none.
	n=$(grep -o '<script' "$T/page.html" | wc -l)
	[ "$n" -le 1 ] || fail "$page: an unescaped <script> ($n)"
	grep -q '<img src=x' "$T/page.html" && fail "$page: unescaped <img>"
	grep -q '<svg onload' "$T/page.html" && fail "$page: unescaped <svg>"
done
curl -s -b "$T/sue.jar" "$BASE/case/1" > "$T/c1.html"
grep -q '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' "$T/c1.html" ||
    fail "the script payload is not shown escaped"
grep -q '&#39;); DROP TABLE cases; --' "$T/c1.html" ||
    fail "the SQL payload is not shown escaped"
"$REDFLAG" hotline --db "$DB" cases --all | grep -q . || fail "cases table gone"
curl -s -b "$T/sue.jar" "$BASE/audit" > "$T/a.html"
[ "$(grep -o '<script' "$T/a.html" | wc -l)" -le 1 ] || fail "audit page unescaped"

# --- CSRF on actions ---
code=$(post ana /case/1/action action=review)
[ "$code" = 403 ] || fail "action without CSRF token: HTTP $code"
code=$(post ana /case/1/action csrf=deadbeef action=review)
[ "$code" = 403 ] || fail "action with wrong CSRF token: HTTP $code"
code=$(post ana /case/1/action "csrf=$SUE_CSRF" action=review)
[ "$code" = 403 ] || fail "action with another session's CSRF token: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/ana.jar" -H 'Origin: http://evil.example' \
    -d "csrf=$ANA_CSRF" -d action=review "$BASE/case/1/action")
[ "$code" = 403 ] || fail "action from another origin: HTTP $code"
"$REDFLAG" hotline --db "$DB" show 1 | grep -q '^case 1  New' || fail "case changed without CSRF"

# --- an analyst attempting supervisor actions ---
[ "$(post ana /case/1/action "csrf=$ANA_CSRF" action=review)" = 303 ] || fail "review"
# A red flag needs a category: none picked is refused with the reason,
# an unknown one is a bad request; picked in the form, one step.
code=$(post ana /case/1/action "csrf=$ANA_CSRF" action=assess outcome=red_flag assess_category= why=seen)
[ "$code" != 303 ] || fail "red flag without a category accepted"
grep -q "set the case&#39;s category before confirming it as a red flag" "$T/body" ||
    fail "red flag without a category: no reason shown (HTTP $code)"
code=$(post ana /case/1/action "csrf=$ANA_CSRF" action=assess outcome=red_flag "assess_category=<script>" why=seen)
[ "$code" = 400 ] || fail "unknown category: HTTP $code"
"$REDFLAG" hotline --db "$DB" show 1 | grep -q '^case 1  In review' || fail "case assessed without a category"
[ "$(post ana /case/1/action "csrf=$ANA_CSRF" action=assess outcome=red_flag assess_category=phishing why=seen)" = 303 ] ||
    fail "assess"
code=$(post ana /case/1/action "csrf=$ANA_CSRF" action=export target=police)
[ "$code" = 403 ] || fail "analyst export: HTTP $code"
code=$(post ana /case/1/action "csrf=$ANA_CSRF" action=appeal why=x)
[ "$code" = 403 ] || fail "analyst appeal: HTTP $code"
code=$(post ana /case/1/action "csrf=$ANA_CSRF" action=raw report=1 why=x)
[ "$code" = 403 ] || fail "analyst raw read: HTTP $code"
code=$(post ana /users "csrf=$ANA_CSRF" name=mallory role=admin password=0123456789abc)
[ "$code" = 403 ] || fail "analyst adding a user: HTTP $code"
"$REDFLAG" hotline --db "$DB" referrals | grep -q . && fail "a referral was recorded"
"$REDFLAG" hotline --db "$DB" show 1 | grep -q '^case 1  Red flag' || fail "case state"
code=$(post sue /case/1/action "csrf=$SUE_CSRF" action=export target=police format=xarf)
[ "$code" = 200 ] || fail "supervisor export: HTTP $code"
grep -q 'hxxp://evil\[.\]example' "$T/body" || fail "export not defanged"

# --- oversized requests ---
big=$T/big
head -c 20000 /dev/zero | tr '\0' a > "$big"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$big" "$BASE/api/reports")
[ "$code" = 413 ] || fail "oversized API request: HTTP $code"
grep -q max_request_size "$T/body" || fail "413 does not name the setting"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/ana.jar" --data-urlencode "csrf=$ANA_CSRF" \
    --data-urlencode "urls@$big" "$BASE/submit")
[ "$code" = 413 ] || fail "oversized form: HTTP $code"
# chunked, without Content-Length
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
    -H 'Content-Type: application/json' --data-binary @"$big" "$BASE/api/reports")
[ "$code" = 413 ] || fail "oversized chunked request: HTTP $code"
code=$(api '{"urls": ["http://after.example/"]}' | grep -c '"report"')
[ "$code" = 1 ] || fail "server unusable after oversized requests"
# A URL over max_url_len is rejected, not stored.
long="http://long.example/$(head -c 5000 /dev/zero | tr '\0' b)"
api "{\"urls\": [\"$long\"]}" | grep -q 'max_url_len' || fail "long URL accepted"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' -d '{}' "$BASE/api/reports")
[ "$code" = 415 ] || fail "API without JSON content type: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"urls": [1]}' "$BASE/api/reports")
[ "$code" = 400 ] || fail "API with malformed JSON: HTTP $code"
out=$(curl -s -w '%{http_code} %{content_type}' "$BASE/api/reports")
[ "$out" = '{"error": "POST a report"}
405 application/json' ] || fail "API GET: $out"

# --- raw hostile requests: a well-formed answer with the right status,
# the server alive, and the log free of the raw bytes sent ---
python3 - "$BASE" <<'PY' || fail "raw hostile requests"
import socket, struct, sys
host, port = sys.argv[1].split("//")[1].split(":")
port = int(port)

def raw(data):
    s = socket.create_connection((host, port), 10)
    try:		# the server may answer and close before the end
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    out = b""
    while True:
        try:
            c = s.recv(65536)
        except ConnectionResetError:
            break
        if not c:
            break
        out += c
    s.close()
    return out

H = b" HTTP/1.1\r\nHost: x\r\n"
J = b"Content-Type: application/json\r\n"
cases = [
    (b"GET /static/../../etc/passwd" + H + b"\r\n", 404),
    (b"GET /static/%2e%2e/%2e%2e/etc/passwd" + H + b"\r\n", 404),
    (b"GET /static/..%2fapp.css" + H + b"\r\n", 404),
    (b"GET /%zz%4" + H + b"\r\n", 404),
    (b"GET /case/-1" + H + b"\r\n", 404),
    (b"GET /" + b"a" * 70000 + H + b"\r\n", 414),
    (b"GET /login" + H + b"X: " + b"a" * 70000 + b"\r\n\r\n", 431),
    (b"GET /login" + H + b"X: a\r\n" * 20000 + b"\r\n", 431),
    (b"PUT /login" + H + b"\r\n", 405),
    (b"TRACE /login" + H + b"\r\n", 405),
    (b"get /login" + H + b"\r\n", 405),
    (b"GET /api/reports" + H + b"\r\n", 405),
    (b"PUT /api/reports" + H + J + b"Content-Length: 2\r\n\r\n{}", 405),
    (b"GET /queue" + H + b"Cookie: rf_session=\x01\xff;;==; rf_session=" +
     b"a" * 3000 + b"\r\n\r\n", 303),
    (b"POST /api/reports" + H + J + b"Content-Length: -1\r\n\r\n{}", 400),
    (b"POST /api/reports" + H + J + b"Content-Length: 2\r\n"
     b"Content-Length: 5\r\n\r\n{}abc", 400),
    (b"POST /api/reports" + H + J + b"Transfer-Encoding: chunked\r\n\r\n"
     b"zz\r\n{}\r\n0\r\n\r\n", 400),
    (b"POST /api/reports" + H + J + b"Content-Length: 999999999999999999999"
     b"\r\n\r\n{}", 413),
    (b"POST /login" + H + b"Origin: null\r\nContent-Length: 0\r\n\r\n", 403),
    (b"POST /login" + H + b"Cookie: rf_login=\r\nContent-Length: 37\r\n\r\n"
     b"csrf=&user=sue&password=pw-sue-123456", 403),
]
for req, want in cases:
    out = raw(req)
    if want in (414, 431) and out == b"":
        continue	# answered, then reset before it was read (a race)
    head = out.split(b"\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 %d " % want), (req[:60], head, want)
    assert b"\r\n\r\n" in out, ("no end of headers", req[:60])
    if want == 405:		# RFC 9110: a 405 names the methods served
        allow = b"POST" if b" /api/reports " in req[:30] else b"GET, HEAD, POST"
        assert b"\r\nAllow: " + allow + b"\r\n" in out.split(b"\r\n\r\n")[0] + b"\r\n", out[:300]
# A request whose answer cannot be sent (the client resets): the server
# logs the failure with the URL, which must come out escaped.
for i in range(20):
    s = socket.create_connection((host, port), 10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.sendall(b"GET /x%0aINJECTED%1b[31m" + H + b"\r\n")
    s.close()
out = raw(b"GET /login" + H + b"\r\n")
assert out.startswith(b"HTTP/1.1 200 "), out[:40]
PY
grep -q "$(printf '\033')" "$T/serve.err" && fail "a raw ESC byte in the log"
grep -q '^INJECTED' "$T/serve.err" && fail "a client wrote a line into the log"
grep -q 'INJECTED\\x1b\[31m' "$T/serve.err" ||
	fail "no logged reset: the log-escaping probe did not run"
# --- JSON escapes: a surrogate pair is one character (RFC 8259 7); a
# lone surrogate, U+FFFD ---
out=$(api '{"urls": ["http://utf16.example/p"], "comment": "A\ud83d\ude00B\ud83dC\u00e9"}')
c=$(echo "$out" | sed -n 's/.*"case": \([0-9]*\).*/\1/p')
[ -n "$c" ] || fail "API filing with escapes: $out"
curl -s -b "$T/sue.jar" "$BASE/case/$c" > "$T/u.html"
grep -q "A$(printf '\360\237\230\200')B$(printf '\357\277\275')C$(printf '\303\251')" \
    "$T/u.html" || fail "JSON surrogate pair not decoded as one character"

# --- one address holding connections open (slowloris) does not take
# the server from the others: max_connections_per_ip (16) of the 64 ---
python3 - "$BASE" <<'PY' || fail "connections held from one address"
import socket, sys, time
host, port = sys.argv[1].split("//")[1].split(":")
port = int(port)
held = []
for i in range(70):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.connect((host, port))
    try:
        s.sendall(b"GET /login HTTP/1.1\r\n")
    except OSError:
        pass
    held.append(s)
time.sleep(0.3)
s = socket.create_connection((host, port), 10)
s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
out = s.recv(100)
assert out.startswith(b"HTTP/1.1 200 "), ("another address was refused", out)
for s in held:
    s.close()
PY
# request_timeout: a connection silent for longer is closed.
launch serve2 --set request_timeout=1
python3 - "$URL" <<'PY'
import socket, sys, time
host, port = sys.argv[1].split("//")[1].split(":")
s = socket.create_connection((host, int(port)), 10)
s.sendall(b"GET /login HTTP/1.1\r\n")
t = time.time()
s.settimeout(10)
assert s.recv(100) == b"", "answered a half request"
assert time.time() - t < 5, "request_timeout=1 not applied"
PY
rc=$?
halt "$PID"
[ $rc -eq 0 ] || fail "request_timeout"
# max_connections_per_ip=1 bounds one address's connections, not all of
# them (each --set row names its own field: one that wrote
# max_connections instead would refuse the second address too)
launch serve3 --set max_connections_per_ip=1
python3 - "$URL" <<'PY'
import socket, sys
host, port = sys.argv[1].split("//")[1].split(":")
addr = (host, int(port))
held = socket.create_connection(addr, 10)
held.sendall(b"GET /login HTTP/1.1\r\n")
def ask(src):
    s = socket.socket()
    s.settimeout(10)
    s.bind((src, 0))
    s.connect(addr)
    try:
        s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
        return s.recv(100)
    except OSError:
        return b""
    finally:
        s.close()
assert ask("127.0.0.1") == b"", "a second connection from one address"
assert ask("127.0.0.2").startswith(b"HTTP/1.1 200 "), "another address refused"
held.close()
PY
rc=$?
halt "$PID"
[ $rc -eq 0 ] || fail "max_connections_per_ip"
"$REDFLAG" hotline --db "$DB" audit verify > /dev/null || fail "audit chain broken"
grep -q 'login.fail' "$T/a.html" || fail "failed login not audited"
echo "hotline web security: all checks passed"
