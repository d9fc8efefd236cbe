#!/usr/bin/env python3
"""genrcpt.py - one bulk message for many envelope recipients.

    tools/genrcpt.py [--seed S] [--html] LINKS NRCPTS > message
    tools/genrcpt.py --rcpts NRCPTS        # the -r arguments, one a line

The message has LINKS links: every eighth one carries a recipient's
address (plain, percent-encoded, base64, MD5, SHA-256 or the local part)
for one of the first four recipients, every eighth (offset 1) a known
tracker parameter (mc_eid, _hsenc), every fourth (offset 2) an opaque id,
the rest the same in every copy (utm_* tags, product pages).  A few are
images (a 1x1 web bug, a logo).  The To header names the first
recipients with display names, and the text greets the first by name, so
that the recipient's name and address occur in the text for some
recipients and not for others.  Recipients are r0@example.org ...
r<N-1>@example.org.  Deterministic for a given seed; standard library
only.  Used by tests/e2e/filter_rcpts.sh and
docs/design/analysis-performance.md ("Many recipients").
"""
import base64
import hashlib
import random
import sys
from urllib.parse import quote

NAMES = ["Alice Archer", "Bob Baker", "Carol Carter", "Dan Dixon"]


def rcpt(i):
    return "r%d@example.org" % i


def addr_form(r, i, addr):
    b = addr.encode()
    forms = [
        addr,
        quote(addr, safe=""),
        base64.urlsafe_b64encode(b).decode().rstrip("="),
        hashlib.md5(b).hexdigest(),
        hashlib.sha256(b).hexdigest(),
        addr.split("@")[0] + "x",
    ]
    return forms[i % len(forms)]


def link(r, i, nrcpts):
    k = i % 8
    if k == 0:
        who = rcpt((i // 8) % min(4, max(nrcpts, 1)))
        return "https://click.shop.example/c/%d?u=%s" % (
            i, quote(addr_form(r, i // 8, who), safe=""))
    if k == 1:
        p = "mc_eid" if i % 16 == 1 else "_hsenc"
        return "https://www.shop.example/p/%d?%s=%s" % (
            i, p, "".join(r.choice("0123456789abcdef") for _ in range(10)))
    if k in (2, 6):
        return "https://t.shop.example/o/%s" % "".join(
            r.choice("abcdefghijkmnpqrstuvwxyzABCDEFGH23456789")
            for _ in range(24))
    return ("https://www.shop.example/product/%d?utm_source=news"
            "&utm_medium=email&utm_campaign=winter" % i)


def message(nlinks, nrcpts, seed, html):
    r = random.Random(seed)
    to = ", ".join('"%s" <%s>' % (NAMES[i], rcpt(i))
                   for i in range(min(len(NAMES), max(nrcpts, 1))))
    urls = [link(r, i, nrcpts) for i in range(nlinks)]
    out = ["From: Shop News <news@shop.example>",
           "To: %s" % to,
           "Subject: Winter sale, this week only",
           "Date: Mon, 02 Nov 2026 10:00:00 +0000",
           "Message-ID: <sale-%d@shop.example>" % seed,
           "List-Unsubscribe: <https://www.shop.example/unsub?e=%s>" %
           quote(rcpt(0), safe=""),
           "MIME-Version: 1.0"]
    if html:
        out.append("Content-Type: text/html; charset=utf-8")
        out.append("")
        out.append("<html><body><p>Dear Alice,</p>")
        out.append("<p>Our winter sale starts today, Alice. Everything "
                   "must go.</p>")
        for i, u in enumerate(urls):
            if i % 50 == 3:
                out.append('<img src="%s" width="1" height="1">' % u)
            elif i % 50 == 5:
                out.append('<img src="%s" alt="logo">' % u)
            else:
                out.append('<p><a href="%s">Item %d, now half price</a>'
                           '</p>' % (u, i))
        out.append("<p>Sent to %s. Reply to unsubscribe.</p>" % rcpt(0))
        out.append("</body></html>")
    else:
        out.append("Content-Type: text/plain; charset=utf-8")
        out.append("")
        out.append("Dear Alice,")
        out.append("")
        out.append("Our winter sale starts today, Alice. Everything must go.")
        out.append("")
        for i, u in enumerate(urls):
            out.append("Item %d, now half price: %s" % (i, u))
        out.append("")
        out.append("Sent to %s. Reply to unsubscribe." % rcpt(0))
    return "\n".join(out) + "\n"


def main(argv):
    seed, html = 1, False
    args = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--seed":
            seed = int(argv[i + 1])
            i += 2
            continue
        if a == "--html":
            html = True
        elif a == "--rcpts":
            n = int(argv[i + 1])
            sys.stdout.write("".join(rcpt(k) + "\n" for k in range(n)))
            return 0
        else:
            args.append(a)
        i += 1
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    sys.stdout.write(message(int(args[0]), int(args[1]), seed, html))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
