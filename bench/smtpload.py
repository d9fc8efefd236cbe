#!/usr/bin/env python3
"""smtpload.py - SMTP load client for bench/milter.sh.

  smtpload.py PORT MESSAGES CLIENTS [DOMAIN]

CLIENTS threads send MESSAGES messages in all to 127.0.0.1:PORT, one SMTP
connection per message (as an MX sees them), each a copy of one campaign
with the recipient's own tracking codes.  Prints one line:
  sent=N failed=N seconds=S msgs_per_s=R p50_ms=A p99_ms=B
where the latency is from connect to the reply to the end of DATA.
"""
import base64
import smtplib
import sys
import threading
import time

HOST = "127.0.0.1"


def message(i, domain):
    addr = "r%05d@%s" % (i, domain)
    code = base64.urlsafe_b64encode(addr.encode()).decode().rstrip("=")
    html = ("<html><body><p>Dear customer,</p><p>Our spring sale starts "
            "today: every garden chair and table is half price until "
            "Sunday.</p><p><a href=\"https://news.shop.example/c/spring?"
            "uid=%s\">See the offers</a></p><img src=\"https://t.shop."
            "example/o/%s.gif\" width=\"1\" height=\"1\"></body></html>"
            % (code, addr.encode().hex()))
    text = ("Dear customer,\r\n\r\nOur spring sale starts today: every "
            "garden chair and table is half price until Sunday.\r\nSee the "
            "offers: https://news.shop.example/c/spring?uid=%s\r\n" % code)
    return addr, ("From: Shop Example <news@shop.example>\r\nTo: <%s>\r\n"
                  "Subject: Spring sale\r\nMessage-ID: <b%05d@shop.example>\r\n"
                  "List-Unsubscribe: <mailto:unsub@shop.example>\r\n"
                  "MIME-Version: 1.0\r\nContent-Type: multipart/alternative;"
                  " boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain;"
                  " charset=utf-8\r\n\r\n%s\r\n--b1\r\nContent-Type: "
                  "text/html; charset=utf-8\r\n\r\n%s\r\n--b1--\r\n"
                  % (addr, i, text, html))


def worker(port, jobs, lock, lat, fails, domain):
    while True:
        with lock:
            if not jobs:
                return
            i = jobs.pop()
        addr, msg = message(i, domain)
        t0 = time.monotonic()
        try:
            s = smtplib.SMTP(HOST, port, timeout=60)
            s.sendmail("news@shop.example", [addr], msg)
            dt = time.monotonic() - t0
            s.quit()
            with lock:
                lat.append(dt)
        except (smtplib.SMTPException, OSError):
            with lock:
                fails.append(i)


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    port, n, clients = int(argv[1]), int(argv[2]), int(argv[3])
    domain = argv[4] if len(argv) > 4 else "test.example"
    jobs, lock, lat, fails = list(range(n, 0, -1)), threading.Lock(), [], []
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(port, jobs, lock, lat,
                                                      fails, domain))
               for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.monotonic() - t0
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, int(len(lat) * p))] * 1000 if lat else 0

    print("sent=%d failed=%d seconds=%.1f msgs_per_s=%.1f p50_ms=%.1f "
          "p99_ms=%.1f" % (len(lat), len(fails), secs, len(lat) / secs,
                           pct(0.50), pct(0.99)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
