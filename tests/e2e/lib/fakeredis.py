"""fakeredis.py MODE PORTFILE - a hostile Redis server on 127.0.0.1 for the
end-to-end tests: it binds a free port, writes the port number to
PORTFILE, and answers every command (RESP arrays or inline lines) of
every client, one thread per connection, until killed:

  error     an error reply whose text holds control bytes and a
            terminal escape: -ERR \\x1b[31mevil\\x07 ...
  garbage   bytes that are no reply at all (a bad type byte, an escape)

Like the Redis project's own tests, which send raw malformed bytes, it
checks how a client copes with what a misbehaving or malicious server
says; it keeps nothing.
"""
import os
import socket
import sys
import threading

REPLIES = {
    "error": b"-ERR \x1b[31mevil\x07 \x1b]0;owned\x07 \xff\xfe\r\n",
    "garbage": b"\x1b[31mevil\x07\r\n",
}


def commands(buf):
    """Split buf into whole commands; return (count, rest)."""
    n = 0
    while buf:
        if buf[:1] != b"*":
            end = buf.find(b"\r\n")
            if end < 0:
                break
            buf, n = buf[end + 2:], n + 1
            continue
        end = buf.find(b"\r\n")
        if end < 0:
            break
        try:
            argc = int(buf[1:end])
        except ValueError:
            return n + 1, b""
        at, whole = end + 2, True
        for _ in range(max(argc, 0)):
            e = buf.find(b"\r\n", at)
            if e < 0 or buf[at:at + 1] != b"$":
                whole = False
                break
            at = e + 2 + int(buf[at + 1:e]) + 2
            if at > len(buf):
                whole = False
                break
        if not whole:
            break
        buf, n = buf[at:], n + 1
    return n, buf


def serve(conn, reply):
    buf = b""
    with conn:
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            n, buf = commands(buf + data)
            try:
                conn.sendall(reply * n)
            except OSError:
                return


def main():
    reply = REPLIES[sys.argv[1]]
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn, reply),
                         daemon=True).start()


if __name__ == "__main__":
    main()
