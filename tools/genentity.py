#!/usr/bin/env python3
"""genentity.py - one HTML message whose links are written with character
references, for the rewriter's entity pass (lib/rewrite_leaf.c,
rf__rewrite_entities).

    tools/genentity.py [--seed S] LINKS > message

The message, to r0@example.org, has LINKS links in one text/html part,
each with its dots written "&#46;" and its slashes "&#x2F;" (the odd ones
"&#47;"), '&' as "&amp;": every fourth carries the recipient's address
(percent-encoded), every fourth (offset 1) an opaque id, every eighth
(offset 2) is a 1x1 web bug with the address, the rest are the same
product pages in every copy (utm_* tags).  So the analysis finds tracked
links the plain pass cannot match and the entity pass replaces.
Deterministic for a given seed; standard library only.  Used by
docs/design/tracking-record.md (s19, the entity pass measured with
callgrind).
"""
import random
import sys
from urllib.parse import quote

RCPT = "r0@example.org"


def refs(url, i):
    """url with '.' and '/' written as character references."""
    slash = "&#x2F;" if i % 2 == 0 else "&#47;"
    return (url.replace("&", "&amp;").replace(".", "&#46;")
            .replace("/", slash))


def link(r, i):
    k = i % 8
    if k in (0, 4):
        return "a", "https://click.shop.example/c/%d?u=%s&utm_source=news" % (
            i, quote(RCPT, safe=""))
    if k in (1, 5):
        return "a", "https://t.shop.example/o/%s" % "".join(
            r.choice("abcdefghijkmnpqrstuvwxyzABCDEFGH23456789")
            for _ in range(24))
    if k == 2:
        return "img", "https://open.shop.example/o.gif?e=%s&n=%d" % (
            quote(RCPT, safe=""), i)
    return "a", ("https://www.shop.example/product/%d?utm_source=news"
                 "&utm_medium=email" % (i % 50))


def main(argv):
    seed = 1
    if len(argv) >= 2 and argv[0] == "--seed":
        seed = int(argv[1])
        argv = argv[2:]
    if len(argv) != 1:
        sys.stderr.write("usage: genentity.py [--seed S] LINKS\n")
        return 64
    n = int(argv[0])
    r = random.Random(seed)
    out = sys.stdout
    out.write("From: Shop <news@shop.example>\n"
              "To: Alice <%s>\n"
              "Subject: Offers written with entities\n"
              "Message-ID: <ent-%d@shop.example>\n"
              "Date: Mon, 2 Nov 2026 10:00:00 +0000\n"
              "MIME-Version: 1.0\n"
              "Content-Type: text/html; charset=utf-8\n\n"
              "<html><body>\n" % (RCPT, seed))
    for i in range(n):
        kind, url = link(r, i)
        if kind == "img":
            out.write('<img src="%s" width="1" height="1">\n'
                      % refs(url, i))
        else:
            out.write('<p><a href="%s">offer %d</a></p>\n'
                      % (refs(url, i), i))
    out.write("</body></html>\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
