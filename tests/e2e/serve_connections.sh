#!/bin/sh
# serve_connections.sh - redflag serve holds more than FD_SETSIZE (1024)
# connections: with max_connections=2000, 1,100 clients each send half a
# request and stay; the server keeps every one of them open (none closed,
# more than 1,024 descriptors), still answers a new request, and answers
# the last held one when it completes its request, and requests whose
# client half-closes right after sending.  Started with a soft
# ulimit -n of 1024, serve raises it itself.  Under a hard limit too
# small for max_connections, serve lowers max_connections and says so.
. tests/e2e/lib/hotline.sh
command -v python3 >/dev/null || { echo "skip: no python3" >&2; exit 77; }
HELD=1100
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt $((HELD + 200)) ]; then
	echo "skip: ulimit -Hn is $hard, under $((HELD + 200))" >&2
	exit 77
fi
ulimit -Sn 1024
start_server --set max_connections=2000 --set max_connections_per_ip=2000

timeout 60 python3 - "$BASE" "$HELD" "$SERVE_PID" <<'PY' || fail "held connections"
import os, resource, socket, sys, urllib.request
base, held, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
port = int(base.rsplit(":", 1)[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
socks = []
for i in range(held):
    s = socket.create_connection(("127.0.0.1", port), 10)
    s.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    socks.append(s)

def fds():
    return len(os.listdir("/proc/%s/fd" % pid))

# A plain request on a new connection: answered while all are held.
r = urllib.request.urlopen(base + "/login", timeout=10)
body = r.read()
assert r.status == 200 and b'name="csrf"' in body, (r.status, body[:200])
n = fds()
assert n > held > 1024, "the server holds only %d descriptors" % n
closed = 0
for s in socks:
    s.setblocking(False)
    try:
        if s.recv(1) == b"":
            closed += 1
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
assert closed == 0, "%d of %d held connections closed" % (closed, held)
# The last one held (a descriptor above 1023 in the server) finishes its
# request and gets its page.
s = socks[-1]
s.setblocking(True)
s.settimeout(10)
s.sendall(b"Connection: close\r\n\r\n")
got = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    got += d
assert got.startswith(b"HTTP/1.1 200"), got[:100]
# Requests whose client half-closes right after sending (which
# libmicrohttpd's epoll mode left unanswered) are answered.
for req, want in ((b"PUT /login", b"405"), (b"GET /case/-1", b"404"),
                  (b"GET /login", b"200")):
    s = socket.create_connection(("127.0.0.1", port), 10)
    s.sendall(req + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    s.shutdown(socket.SHUT_WR)
    got = s.recv(100)
    assert got.startswith(b"HTTP/1.1 " + want), (req, got[:40])
    s.close()
print("serve_connections: %d held, server at %d descriptors, none closed, "
      "new and last held requests answered" % (held, n))
PY
grep -q 'FD_SETSIZE' "$T/serve.err" && fail "serve refused sockets above FD_SETSIZE"
kill -0 "$SERVE_PID" || fail "serve died"

# A hard limit of 300 open files: max_connections=2000 is lowered.
(ulimit -n 300 && exec "$REDFLAG" serve --db "$T/small.db" --port 0 \
    --set max_connections=2000 > "$T/small.out" 2> "$T/small.err") &
SMALL_PID=$!
i=0
while ! grep -q listening "$T/small.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { kill "$SMALL_PID"; cat "$T/small.err" >&2; fail "small server did not start"; }
	sleep 0.05
done
kill "$SMALL_PID"
wait "$SMALL_PID"
grep -q 'max_connections lowered from 2000 to 236: only 300 open files' "$T/small.err" ||
	{ cat "$T/small.err" >&2; fail "no warning under a small ulimit -n"; }
echo "serve_connections: ok"
