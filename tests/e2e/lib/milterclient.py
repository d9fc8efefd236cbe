#!/usr/bin/env python3
"""milterclient.py - a small milter protocol (version 6) client speaking
raw packets to a milter, for the malformed-input test.

  milterclient.py PORT transaction
      one well-formed message; prints the milter's replies to end of
      message (one per line: "h NAME: VALUE", "m NAME[IDX]", "b BYTES",
      "q", then the final "c", "a", "t" or "r") and exits 0 when the
      milter answered every step.
  milterclient.py PORT rewrite [NAME_HEX [VALUE_HEX]]
      a message whose link carries the recipient's address and an opaque
      code, with one more header named by the bytes NAME_HEX (hex) when
      given, its value VALUE_HEX (else "value"); prints the replies as transaction does, a replaced body as
      "b " and its bytes (escaped as Python writes them).
  milterclient.py PORT unsub URL
      the message of rewrite with "List-Unsubscribe: <URL>" and a
      forged "X-Redflag-List-Unsubscribe: forged"; prints the replies as
      transaction does.
  milterclient.py PORT file PATH
      the message in PATH (its header fields, then its body after the
      first blank line; LF or CRLF) from news@shop.example to
      r1@test.example; prints the replies as transaction does.
  milterclient.py PORT malformed NAME
      send one malformed conversation (see CASES) and report how the
      milter answered: "closed" when it hung up, or the reply letters.
"""
import socket
import struct
import sys

TIMEOUT = 10


def packet(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("closed")
        buf += chunk
    return buf


def reply(s):
    n = struct.unpack(">I", recv_exact(s, 4))[0]
    if n < 1 or n > 1 << 20:
        raise ValueError("bad reply length %d" % n)
    data = recv_exact(s, n)
    return data[:1], data[1:]


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), TIMEOUT)
    s.settimeout(TIMEOUT)
    return s


def negotiate(s):
    # version 6, every action, no protocol steps skipped
    s.sendall(packet(b"O", struct.pack(">III", 6, 0x1FF, 0)))
    cmd, _ = reply(s)
    if cmd != b"O":
        raise ValueError("negotiation answered %r" % cmd)


def step(s, cmd, data):
    s.sendall(packet(cmd, data))
    r, d = reply(s)
    if r != b"c":
        raise ValueError("%r answered %r %r" % (cmd, r, d))


TRACKED = (b"Hello,\r\n<a href=\"https://click.shop.example/c?uid="
           b"8f3a9c2b7d1e4f60a5b3&email=r1@test.example\">offer</a>\r\n")


def transaction(port, extra=None, body=b"Hello,\r\nsee https://shop.example/\r\n",
                full=False, value=b"value", more=(), headers=None):
    s = connect(port)
    negotiate(s)
    step(s, b"C", b"client.example\x00U")
    step(s, b"H", b"client.example\x00")
    step(s, b"M", b"<news@shop.example>\x00")
    step(s, b"R", b"<r1@test.example>\x00")
    if headers is None:
        headers = [(b"From", b"news@shop.example"),
                   (b"To", b"r1@test.example"),
                   (b"Subject", b"raw milter test")]
    if extra is not None:
        headers.append((extra, value))
    headers.extend(more)
    headers.append((b"X-Redflag-Verdict", b"ham"))
    for name, value in headers:
        step(s, b"L", name + b"\x00" + value + b"\x00")
    step(s, b"N", b"")
    step(s, b"B", body)
    s.sendall(packet(b"E"))
    out = []
    while True:
        r, d = reply(s)
        if r == b"h":
            name, value = d.rstrip(b"\x00").split(b"\x00", 1)
            out.append("h %s: %s" % (name.decode(), value.decode()))
        elif r == b"m":
            idx = struct.unpack(">I", d[:4])[0]
            name = d[4:].split(b"\x00")[0]
            out.append("m %s[%d]" % (name.decode(), idx))
        elif r == b"b":
            out.append("b %r" % d if full else "b %d" % len(d))
        elif r == b"q":
            out.append("q")
        else:
            out.append(r.decode(errors="replace") + " " +
                       d.rstrip(b"\x00").decode(errors="replace"))
            break
    s.sendall(packet(b"Q"))
    s.close()
    print("\n".join(out))
    return 0


def from_file(port, path):
    with open(path, "rb") as f:
        data = f.read().replace(b"\r\n", b"\n")
    head, _, body = data.partition(b"\n\n")
    headers = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + b"\r\n" + line)
        elif b":" in line:
            name, value = line.split(b":", 1)
            headers.append((name, value.strip()))
    return transaction(port, body=body.replace(b"\n", b"\r\n"),
                       headers=headers)


def hello(s):
    negotiate(s)
    step(s, b"C", b"client.example\x00U")
    step(s, b"M", b"<news@shop.example>\x00")


CASES = {
    # a length that promises 100 bytes, then 10 and hang up
    "truncated": lambda s: s.sendall(struct.pack(">I", 100) + b"B" +
                                     b"x" * 9),
    # a negotiation cut in the middle
    "truncated-optneg": lambda s: s.sendall(packet(b"O", b"\x00\x00\x00\x06")
                                            [:7]),
    # a 2 GB length the milter must not allocate
    "oversized": lambda s: (hello(s), s.sendall(
        struct.pack(">I", 0x7FFFFFF0) + b"B" + b"x" * 1000)),
    # a 4 GB - 1 length
    "oversized-max": lambda s: s.sendall(struct.pack(">I", 0xFFFFFFFF) +
                                         b"O" + b"\x00" * 12),
    # a zero-length packet (no command byte)
    "zero-length": lambda s: (hello(s), s.sendall(struct.pack(">I", 0))),
    # an unknown command
    "unknown-command": lambda s: (hello(s), s.sendall(packet(b"Z", b"??"))),
    # a header without its NUL terminators
    "header-no-nul": lambda s: (hello(s), s.sendall(packet(b"L",
                                                           b"Subject: x"))),
    # a body before MAIL FROM, then end of message
    "out-of-order": lambda s: (negotiate(s), s.sendall(
        packet(b"B", b"body") + packet(b"E"))),
    # end of message with no recipient and no header
    "eom-no-rcpt": lambda s: (hello(s), s.sendall(packet(b"E"))),
    # plain garbage
    "garbage": lambda s: s.sendall(bytes(range(256)) * 8),
}


def malformed(port, name):
    s = connect(port)
    try:
        CASES[name](s)
        s.shutdown(socket.SHUT_WR)
        got = []
        while True:
            try:
                r, _ = reply(s)
                got.append(r.decode(errors="replace"))
            except EOFError:
                got.append("closed")
                break
    except socket.timeout:
        got = ["timeout"]
    except (EOFError, OSError):
        got = ["closed"]
    finally:
        s.close()
    print("%s: %s" % (name, " ".join(got)))
    return 0


def main(argv):
    if len(argv) == 3 and argv[2] == "transaction":
        return transaction(int(argv[1]))
    if len(argv) in (3, 4, 5) and argv[2] == "rewrite":
        extra = bytes.fromhex(argv[3]) if len(argv) >= 4 else None
        value = bytes.fromhex(argv[4]) if len(argv) == 5 else b"value"
        return transaction(int(argv[1]), extra, TRACKED, True, value)
    if len(argv) == 4 and argv[2] == "unsub":
        more = ((b"List-Unsubscribe", b"<" + argv[3].encode() + b">"),
                (b"X-Redflag-List-Unsubscribe", b"forged"))
        return transaction(int(argv[1]), None, TRACKED, True, more=more)
    if len(argv) == 4 and argv[2] == "file":
        return from_file(int(argv[1]), argv[3])
    if len(argv) == 4 and argv[2] == "malformed":
        if argv[3] == "list":
            print("\n".join(CASES))
            return 0
        return malformed(int(argv[1]), argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
