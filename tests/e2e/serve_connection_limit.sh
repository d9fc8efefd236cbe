#!/bin/sh
# serve_connection_limit.sh - a connection over max_connections is not
# left waiting: libmicrohttpd accepts it and closes it at once (the
# client reads end of file or a reset), and the server goes on serving
# once one held connection closes.  redflag-serve(1) said such
# connections "wait, unaccepted".
. tests/e2e/lib/hotline.sh
command -v python3 > /dev/null || { echo "skip: no python3" >&2; exit 77; }
start_server --set max_connections=2
python3 - "${BASE##*:}" << 'EOF2' || fail "connection limit"
import socket, sys, time
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
for s in held:
    s.sendall(b"GET /login HTTP/1.1\r\n")     # half a request: held open
time.sleep(0.3)
t = time.time()
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(5)
try:
    s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    got = s.recv(100)
except ConnectionResetError:
    got = b""
except socket.timeout:
    sys.exit("the connection over the limit waited (no answer in 5 s)")
if got != b"":
    sys.exit("the connection over the limit was answered: %r" % got[:40])
if time.time() - t > 1:
    sys.exit("closed only after %.1f s" % (time.time() - t))
held[0].close()
time.sleep(0.3)
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(5)
s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
if not s.recv(100).startswith(b"HTTP/1.1 200"):
    sys.exit("no answer once a connection closed")
EOF2
grep -q 'connection limit' "$T/serve.err" || fail "not said: $(cat "$T/serve.err")"
echo "serve_connection_limit: ok"
