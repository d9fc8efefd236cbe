#!/usr/bin/env python3
"""mailtool.py - messages for the mail-server end-to-end tests, and checks
of what was delivered.

  mailtool.py campaign OUTDIR N DOMAIN
      write N copies of one campaign, msg-001.eml ..., each for
      rNNN@DOMAIN with its own tracking codes (?uid=<base64 of the
      address> in a link, a 1x1 web bug with the hex of the address) and
      forged X-Redflag-* headers ("X-Redflag-Verdict: ham", and others
      of other names and spellings) that must not survive.
  mailtool.py check MAILDIR N [--no-neutralise] [--verdict V]
      every message in MAILDIR/new (and cur) was delivered exactly once
      (by Message-ID), N in all, each with exactly one of each
      X-Redflag-* header (the forged ones removed) and, unless
      --no-neutralise, no tracking code of its recipient left.
"""
import base64
import email
import email.policy
import os
import sys

HEADERS = ("X-Redflag-Verdict", "X-Redflag-Score", "X-Redflag-Campaign",
           "X-Redflag-Reasons")


def codes(addr):
    """The forms of addr a campaign puts in its links."""
    raw = addr.encode()
    return [base64.urlsafe_b64encode(raw).decode().rstrip("="),
            base64.b64encode(raw).decode().rstrip("="),
            raw.hex()]


def campaign(outdir, n, domain):
    os.makedirs(outdir, exist_ok=True)
    for i in range(1, n + 1):
        addr = "r%03d@%s" % (i, domain)
        b64, _, hexa = codes(addr)
        text = ("Dear customer,\n\nOur spring sale starts today: every "
                "garden chair and table is half price until Sunday.\n"
                "See the offers: https://news.shop.example/c/spring?uid=%s\n"
                "\nShop Example, 1 Market Street\n" % b64)
        html = ("<html><body><p>Dear customer,</p><p>Our spring sale "
                "starts today: every garden chair and table is half price "
                "until Sunday.</p><p><a href=\"https://news.shop.example/c/"
                "spring?uid=%s\">See the offers</a></p>"
                "<img src=\"https://t.shop.example/o/%s.gif\" width=\"1\" "
                "height=\"1\" alt=\"\"><p>Shop Example, 1 Market Street</p>"
                "</body></html>\n" % (b64, hexa))
        msg = ("From: Shop Example <news@shop.example>\r\n"
               "To: <%s>\r\n"
               "Subject: Spring sale: half price on garden furniture\r\n"
               "Message-ID: <spring-%03d@shop.example>\r\n"
               "Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n"
               "List-Unsubscribe: <mailto:unsub@shop.example>\r\n"
               "X-Redflag-Verdict: ham\r\n"
               "X-Redflag-Spam: no\r\n"
               "x-REDFLAG-verdict : ham\r\n"
               "MIME-Version: 1.0\r\n"
               "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
               "\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
               "\r\n%s\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n"
               "\r\n%s\r\n--b1--\r\n" % (addr, i, text.replace("\n", "\r\n"),
                                          html.replace("\n", "\r\n")))
        with open(os.path.join(outdir, "msg-%03d.eml" % i), "w") as f:
            f.write(msg)


def check(maildir, n, neutralise, verdict):
    files = []
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        if os.path.isdir(d):
            files += [os.path.join(d, f) for f in sorted(os.listdir(d))]
    seen, errors = {}, []
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        m = email.message_from_bytes(raw, policy=email.policy.compat32)
        mid = (m.get("Message-ID") or "").strip()
        seen[mid] = seen.get(mid, 0) + 1
        top = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
        for line in top.split(b"\n"):
            name = line.split(b":", 1)[0]
            if (name.lower().startswith(b"x-redflag-") and
                    name.decode() not in HEADERS + ("X-Redflag-Action",)):
                errors.append("%s: forged %r kept" % (mid, line))
        for h in HEADERS:
            vals = m.get_all(h) or []
            if len(vals) != 1:
                errors.append("%s: %d %s headers" % (mid, len(vals), h))
        v = (m.get("X-Redflag-Verdict") or "").strip()
        if v == "ham" or (verdict and v != verdict):
            errors.append("%s: verdict %r" % (mid, v))
        if neutralise:
            rcpt = (m.get("Delivered-To") or "").strip().lower()
            body = b"".join(p.get_payload(decode=True) or b""
                            for p in m.walk() if not p.is_multipart())
            for c in sorted(set(codes(rcpt))):
                if c.encode() in body:
                    errors.append("%s: tracking code %s of %s left" %
                                  (mid, c, rcpt))
    for mid, k in seen.items():
        if k != 1:
            errors.append("%s delivered %d times" % (mid, k))
    if len(seen) != n:
        errors.append("%d distinct messages delivered, expected %d" %
                      (len(seen), n))
    for e in errors[:20]:
        print("check: " + e, file=sys.stderr)
    print("check: %d files, %d distinct Message-IDs, %d problems" %
          (len(files), len(seen), len(errors)))
    return 1 if errors else 0


def main(argv):
    if len(argv) >= 5 and argv[1] == "campaign":
        campaign(argv[2], int(argv[3]), argv[4])
        return 0
    if len(argv) >= 4 and argv[1] == "check":
        verdict = None
        if "--verdict" in argv:
            verdict = argv[argv.index("--verdict") + 1]
        return check(argv[2], int(argv[3]), "--no-neutralise" not in argv,
                     verdict)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
