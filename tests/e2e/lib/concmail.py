#!/usr/bin/env python3
"""concmail.py - messages and milter traffic for the concurrency tests
(tests/e2e/store_concurrent.sh, store_locked.sh, classifier_concurrent.sh).

  concmail.py mbox OUT FIRST N
      write an mbox of N copies of one campaign, numbered FIRST ..
      FIRST+N-1, each to its own recipient rNNNNN@test.example (To:).
  concmail.py milter PORT MBOX THREADS
      send every message of MBOX through the milter on 127.0.0.1:PORT,
      THREADS connections at once, the envelope recipient taken from To:;
      print one line per final answer with its count, sorted: the
      letter and the reply's code only ("c 480", "y 451 4.3.0 20");
      exit 0 when every message got an answer.
"""
import sys
import threading

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import milterclient as mc  # noqa: E402


def mbox(out, first, n):
    with open(out, "w") as f:
        for i in range(first, first + n):
            a = "r%05d@test.example" % i
            f.write("From news@shop.example Mon Jan  1 00:00:00 2024\n")
            f.write("From: Shop <news@shop.example>\nTo: %s\n"
                    "Subject: Spring sale\n"
                    "Message-ID: <m%05d@shop.example>\n\n" % (a, i))
            f.write("Dear customer %d,\n\nOur spring sale starts today: "
                    "every garden chair,\ntable and parasol at half price "
                    "until the end of the month.\nSee https://shop.example/"
                    "sale?uid=%s and order before Friday.\nFree delivery on "
                    "orders over fifty euros, as always.\n\n" % (i, a))


def messages(path):
    """(recipient, [(name, value)], body) of each message of an mbox."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    for chunk in data.split(b"\nFrom ")[0:]:
        lines = chunk.split(b"\n", 1)[1]  # the From_ line
        head, body = lines.split(b"\n\n", 1)
        hdrs = [tuple(h.split(b": ", 1)) for h in head.split(b"\n")]
        rcpt = dict(hdrs)[b"To"]
        out.append((rcpt, hdrs, body.replace(b"\n", b"\r\n")))
    return out


def send(port, rcpt, hdrs, body):
    """One message on its own connection; the final answer as text."""
    s = mc.connect(port)
    try:
        mc.negotiate(s)
        mc.step(s, b"C", b"client.example\x00U")
        mc.step(s, b"M", b"<news@shop.example>\x00")
        mc.step(s, b"R", b"<" + rcpt + b">\x00")
        for name, value in hdrs:
            mc.step(s, b"L", name + b"\x00" + value + b"\x00")
        mc.step(s, b"N", b"")
        mc.step(s, b"B", body)
        s.sendall(mc.packet(b"E"))
        while True:
            r, d = mc.reply(s)
            if r not in (b"h", b"m", b"b", b"q", b"i", b"+", b"-"):
                break
        s.sendall(mc.packet(b"Q"))
        text = d.rstrip(b"\x00").decode(errors="replace")
        return r.decode() + (" " + text[:9] if text else "")
    finally:
        s.close()


def milter(port, path, threads):
    todo = messages(path)
    answers, lock, errors = {}, threading.Lock(), []

    def worker(k):
        for rcpt, hdrs, body in todo[k::threads]:
            try:
                a = send(port, rcpt, hdrs, body)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
                continue
            with lock:
                answers[a] = answers.get(a, 0) + 1

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for a in sorted(answers):
        print("%s %d" % (a, answers[a]))
    for e in errors[:5]:
        print("error: %s" % e, file=sys.stderr)
    return 1 if errors else 0


def main(argv):
    if len(argv) == 5 and argv[1] == "mbox":
        mbox(argv[2], int(argv[3]), int(argv[4]))
        return 0
    if len(argv) == 5 and argv[1] == "milter":
        return milter(int(argv[2]), argv[3], int(argv[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
