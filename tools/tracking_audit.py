#!/usr/bin/env python3
"""tracking_audit.py - how well `redflag scan` finds tracking codes in real mail.

    tools/tracking_audit.py sample [--n N] [--seed S] SCAN.jsonl > SAMPLE.tsv
    tools/tracking_audit.py evidence SCAN.jsonl
    tools/tracking_audit.py score SAMPLE.tsv SCAN.jsonl
    tools/tracking_audit.py diff OLD.jsonl NEW.jsonl [--show N]
    tools/tracking_audit.py cleancheck SCAN.jsonl [--show N]
    tools/tracking_audit.py varies BASE.jsonl [NEW.jsonl]

SCAN.jsonl is `redflag scan --json --no-progress corpus` run on the
SpamAssassin corpus (paths corpus/spam-*, corpus/*ham*).  Nothing is ever
fetched: every judgement is made by reading the URL.

sample: every link of every message (each element of "links") falls in one
  of four strata, spam or ham (by the path) times flagged ("tracking") or
  not; N links are drawn from each (seeded), printed as
  `id stratum label url reasons` with the label column "?" to be filled in.
evidence: copies of one campaign ("campaign.id") addressed to different
  recipients are compared, query value by query value, for links of the
  same host, path and parameter names: a value that differs between two
  such copies is per-recipient evidence, a value shared by all is not.
  Prints how many such values each verdict ("tracking") had.
score: the links of SAMPLE.tsv (the draw made on the base output, its
  label column filled in by hand) are looked up in SCAN.jsonl by their id
  (source and index, the same corpus in the same order) and scored by
  their verdict there.  Labels:
    T  a code that identifies the recipient (opaque per-recipient id, the
       address plain or encoded, a per-recipient web bug)
    W  a web bug on a URL shared by every reader (1x1 or hidden image):
       loading it confirms an open, not who opened it
    C  a campaign or content id shared by every reader
    N  ordinary navigation (no id)
  Precision and recall are estimated per stratum and weighted by the
  stratum's size: flagged-T (and flagged-W, counted both ways) over
  flagged; unflagged-T over unflagged gives the misses.
diff: links whose "tracking" or "clean" changed between two outputs (the
  same corpus, the same order), counted by direction, with examples.
cleancheck: for every tracking link that is not a web bug, whether its
  clean form still holds the message's recipient (plain, percent-encoded,
  base64, hex, MD5/SHA-1/SHA-256 hex of the lower-cased address) or any
  address in its query, and whether it keeps the link working: the same
  scheme and host (else it was unwrapped to its destination), and the
  parameters not carrying a token kept, in their order.
varies: the links whose only token is varies-in-campaign (reasons other
  than web-bug:token), spam and ham, grouped by why they vary (read from
  the URL: a list footer, a reply or remove address, an ad_key, a code
  per recipient known from the audit, an image, a query id, a path);
  with NEW, how many of each are no longer tracking there.
"""
import argparse
import base64
import collections
import hashlib
import json
import random
import re
import sys
from urllib.parse import urlsplit


def links(path):
    """(key, group, flagged, link, message) for every link, in order."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = json.loads(line)
            g = "spam" if "/spam" in m["source"] else "ham"
            for i, ln in enumerate(m["links"]):
                yield (m["source"], i), g, ln["tracking"], ln, m


def draw(scan, n, seed):
    strata = collections.defaultdict(list)
    for key, g, fl, ln, m in links(scan):
        strata[(g, fl)].append((key, ln["url"], ln["reasons"]))
    rng = random.Random(seed)
    out = []
    for st in sorted(strata):
        pop = strata[st]
        pick = sorted(rng.sample(range(len(pop)), min(n, len(pop))))
        for k in pick:
            out.append((st, pop[k]))
    return out, {st: len(v) for st, v in strata.items()}


def cmd_sample(a):
    rows, sizes = draw(a.scan, a.n, a.seed)
    for st, n in sorted(sizes.items()):
        print("# stratum %s %s: %d links" % (st[0], "flagged" if st[1]
              else "unflagged", n))
    for (g, fl), (key, url, reasons) in rows:
        print("%s|%d\t%s-%s\t?\t%s\t%s" % (key[0], key[1], g,
              "F" if fl else "U", obfuscate(re.sub(r"[\t\r\n]", " ", url)),
              ",".join(reasons)))


def shape(url):
    try:
        s = urlsplit(url)
    except ValueError:
        return None, None
    q = []
    for part in s.query.split("&"):
        if "=" in part:
            k, v = part.split("=", 1)
            q.append((k.lower(), v))
    return (s.scheme, s.netloc.lower(), s.path,
            tuple(sorted(k for k, _ in q))), q


def cmd_evidence(a):
    camps = collections.defaultdict(list)
    with open(a.scan, encoding="utf-8") as f:
        for line in f:
            m = json.loads(line)
            c = m.get("campaign")
            if c and c.get("copies", 1) > 1:
                camps[c["id"]].append(m)
    counts = collections.Counter()
    show = collections.defaultdict(list)
    ncamp = 0
    for cid, ms in camps.items():
        rcpts = {m["recipient"] for m in ms}
        if len(rcpts) < 2:
            continue
        ncamp += 1
        # per link shape: the value of each parameter in each copy
        vals = collections.defaultdict(lambda: collections.defaultdict(
            dict))
        flags = collections.defaultdict(lambda: collections.defaultdict(
            set))
        for m in ms:
            for ln in m["links"]:
                sh, q = shape(ln["url"])
                if sh is None or not q:
                    continue
                for k, v in q:
                    vals[sh][k].setdefault(m["recipient"], set()).add(v)
                    flags[sh][k].add(ln["tracking"])
        for sh, params in vals.items():
            for k, per in params.items():
                if len(per) < 2:
                    continue
                uniq = [next(iter(v)) for v in per.values() if len(v) == 1]
                if len(uniq) < 2:
                    continue
                kind = "varies" if len(set(uniq)) == len(uniq) else (
                    "shared" if len(set(uniq)) == 1 else "mixed")
                fl = "flagged" if True in flags[sh][k] else "unflagged"
                counts[(kind, fl)] += 1
                if len(show[(kind, fl)]) < a.show:
                    show[(kind, fl)].append(obfuscate("%s %s=%s" % (
                        sh[1] + sh[2], k, "|".join(sorted(uniq))[:80])))
    print("campaigns with copies to two or more recipients: %d" % ncamp)
    for key in sorted(counts):
        print("%-7s %-9s %5d  %s" % (key[0], key[1], counts[key],
              "; ".join(show[key])))


def cmd_score(a):
    now = {}
    for key, g, fl, ln, m in links(a.scan):
        now[key] = fl
    sizes = {}
    tab = collections.defaultdict(collections.Counter)
    unjudged = 0
    with open(a.sample, encoding="utf-8") as f:
        for line in f:
            mm = re.match(r"# stratum (\w+) (\w+): (\d+) links", line)
            if mm:
                sizes[(mm.group(1), mm.group(2) == "flagged")] = \
                    int(mm.group(3))
                continue
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            src, idx = c[0].rsplit("|", 1)
            st = (c[1][:-2], c[1][-1] == "F")
            if c[2] not in ("T", "W", "C", "N"):
                unjudged += 1
                continue
            tab[st][(now[(src, int(idx))], c[2])] += 1
    print("stratum (draw)   size  judged  " +
          "  ".join("%s:%s" % (f, l) for f in ("F", "U")
                    for l in "TWCN"))
    # weighted estimate: each judged link stands for size/judged links
    est = collections.Counter()
    for st in sorted(tab):
        n = sum(tab[st].values())
        print("%-5s %-9s %6d %6d  %s" % (st[0], "flagged" if st[1]
              else "unflagged", sizes[st], n, "  ".join(
                  "%3d" % tab[st][(f, l)] for f in (True, False)
                  for l in "TWCN")))
        for (f, l), c in tab[st].items():
            est[(f, l)] += c * sizes[st] / n
    print("unjudged links in the sample: %d" % unjudged)

    def ratio(x, y):
        return x / y if y else float("nan")
    tp = est[(True, "T")]
    tw = est[(True, "W")]
    fl = sum(v for (f, _), v in est.items() if f)
    fn = est[(False, "T")]
    fnw = est[(False, "W")]
    print("weighted estimate over the corpus (links):")
    print("  flagged %.0f: T %.0f, W %.0f, C %.0f, N %.0f" % (
        fl, tp, tw, est[(True, "C")], est[(True, "N")]))
    print("  unflagged %.0f: T %.0f, W %.0f" % (
        sum(v for (f, _), v in est.items() if not f), fn, fnw))
    print("  precision (T only) %.3f, (T or W) %.3f" % (
        ratio(tp, fl), ratio(tp + tw, fl)))
    print("  recall (T) %.3f, (T or W) %.3f" % (
        ratio(tp, tp + fn), ratio(tp + tw, tp + tw + fn + fnw)))


def cmd_diff(a):
    old = {k: ln for k, g, fl, ln, m in links(a.old)}
    grp = {}
    counts = collections.Counter()
    ex = collections.defaultdict(list)
    for key, g, fl, ln, m in links(a.new):
        o = old.get(key)
        if o is None:
            counts["new link"] += 1
            continue
        kinds = []
        if o["tracking"] != ln["tracking"]:
            kinds.append("%s tracking %s->%s" % (g, o["tracking"],
                         ln["tracking"]))
        elif o["clean"] != ln["clean"]:
            kinds.append("%s clean changed (tracking %s)" % (g,
                         ln["tracking"]))
        if o["reasons"] != ln["reasons"] and not kinds:
            kinds.append("%s reasons only" % g)
        for k in kinds:
            counts[k] += 1
            if len(ex[k]) < a.show:
                ex[k].append("%s\n      -> %s  [%s]" % (
                    obfuscate(ln["url"]), obfuscate(ln["clean"]),
                    ",".join(ln["reasons"])))
    for k in sorted(counts):
        print("%6d  %s" % (counts[k], k))
        for e in ex[k]:
            print("        " + e)


def rcpt_forms(addr):
    a = addr.strip().lower()
    b = a.encode()
    forms = {a, a.replace("@", "%40"), a.replace("@", "%2540"),
             b.hex()}
    for k in (base64.b64encode(b), base64.urlsafe_b64encode(b)):
        forms.add(k.decode().rstrip("="))
    for h in (hashlib.md5, hashlib.sha1, hashlib.sha256):
        forms.add(h(b).hexdigest())
    return forms


ADDR = re.compile(r"[A-Za-z0-9._+-]+(?:@|%40|%2540)[A-Za-z0-9-]+"
                  r"(?:\.[A-Za-z0-9-]+)+")


def params(url):
    try:
        s = urlsplit(url)
    except ValueError:
        return None, None, []
    return s.scheme.lower(), s.netloc.lower(), [
        p for p in re.split(r"[&;]", s.query) if p]


def cmd_cleancheck(a):
    counts = collections.Counter()
    ex = collections.defaultdict(list)
    for key, g, fl, ln, m in links(a.scan):
        if not fl or ln["clean"] == "" or ln["kind"] == "header":
            continue
        counts["tracking links checked"] += 1
        clean = ln["clean"].lower()
        bad = None
        if m["recipient"]:
            for f in rcpt_forms(m["recipient"]):
                if f in clean:
                    bad = "recipient form left in clean"
        q = urlsplit(ln["clean"]).query if "?" in ln["clean"] else ""
        if bad is None and ADDR.search(q) and not ln["url"].lower(
                ).startswith("mailto:"):
            bad = "an address left in the clean query"
        if bad:
            counts[bad] += 1
            if len(ex[bad]) < a.show:
                ex[bad].append(obfuscate(ln["url"]) + "\n      -> " +
                               obfuscate(ln["clean"]))
        s0, h0, p0 = params(ln["url"])
        s1, h1, p1 = params(ln["clean"])
        if (s0, h0) != (s1, h1):
            counts["unwrapped to another host"] += 1
            continue
        # urlsplit drops CR, LF and TAB; so must the tokens
        toks = [re.sub(r"[\r\n\t]", "", t) for t in ln["tokens"]]
        keep = [p for p in p0 if not any(t and t in p for t in toks)]
        if p1 == keep:
            counts["parameters without a token kept, in order"] += 1
        else:
            k = "parameters changed otherwise"
            counts[k] += 1
            if len(ex[k]) < a.show:
                ex[k].append(obfuscate(ln["url"]) + "\n      -> " +
                             obfuscate(ln["clean"]))
    for k in sorted(counts):
        print("%6d  %s" % (counts[k], k))
        for e in ex[k]:
            print("        " + e)



IMAGE = re.compile(r"\.(gif|jpe?g|png|bmp)$", re.I)


def varies_only(ln):
    return ln["tracking"] and set(ln["reasons"]) - {"web-bug:token"} == {
        "varies-in-campaign"}


def varies_class(ln):
    u, t = ln["url"], ln["tokens"]
    if "listinfo" in u or "-request@" in u.lower() or "mailman" in u:
        return "list footer"
    if u.lower().startswith("mailto:"):
        return "reply/remove address (mailto)"
    if "ad_key=" in u:
        return "ad_key (a key per sending)"
    if any(h in u for h in ("trafficmagnet", "ivillage",
                            "internationalfreecall")):
        return "per-recipient code (audit)"
    if ln["kind"] in ("img", "css") or any(IMAGE.search(x) for x in t):
        return "image of an issue or ad"
    q = u.split("?", 1)[1] if "?" in u else ""
    if q and any(x in q for x in t):
        return "affiliate/mailing id (query)"
    return "landing page/path variant"


def cmd_varies(a):
    new = {k: ln for k, g, fl, ln, m in links(a.new)} if a.new else {}
    base = collections.Counter()
    gone = collections.Counter()
    for key, g, fl, ln, m in links(a.base):
        if not varies_only(ln):
            continue
        k = (g, varies_class(ln))
        base[k] += 1
        if new and not new[key]["tracking"]:
            gone[k] += 1
    print("%-5s %-32s %6s %10s %6s" % ("group", "why it varies", "base",
          "untracked", "left"))
    for g in ("spam", "ham"):
        ks = sorted((k for k in base if k[0] == g), key=lambda k: -base[k])
        for k in ks + [(g, None)]:
            b = sum(base[x] for x in ks) if k[1] is None else base[k]
            n = sum(gone[x] for x in ks) if k[1] is None else gone[k]
            print("%-5s %-32s %6d %10d %6d" % (g, k[1] or "all", b, n,
                  b - n))


def obfuscate(s):
    """an address shortened: jane.doe@example.org -> j***@e***.org"""
    return re.sub(r"([A-Za-z0-9])[A-Za-z0-9._+-]*(@|%40)([A-Za-z0-9])"
                  r"[A-Za-z0-9-]*((?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})",
                  lambda m: "%s***%s%s***%s" % (
                      m.group(1), m.group(2), m.group(3),
                      "." + m.group(4).rsplit(".", 1)[1]), s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("sample")
    p.add_argument("--n", type=int, default=150)
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("scan")
    p = sub.add_parser("evidence")
    p.add_argument("--show", type=int, default=3)
    p.add_argument("scan")
    p = sub.add_parser("score")
    p.add_argument("sample")
    p.add_argument("scan")
    p = sub.add_parser("cleancheck")
    p.add_argument("--show", type=int, default=4)
    p.add_argument("scan")
    p = sub.add_parser("varies")
    p.add_argument("base")
    p.add_argument("new", nargs="?")
    p = sub.add_parser("diff")
    p.add_argument("--show", type=int, default=4)
    p.add_argument("old")
    p.add_argument("new")
    a = ap.parse_args()
    {"sample": cmd_sample, "evidence": cmd_evidence, "score": cmd_score,
     "diff": cmd_diff, "cleancheck": cmd_cleancheck,
     "varies": cmd_varies}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
