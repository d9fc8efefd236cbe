#!/usr/bin/env python3
"""tracking_eval.py - tracking codes found by `redflag scan` against truth.

    tools/tracking_eval.py [--min-precision P] [--min-recall R] [--strict]
                           [--show N] SETDIR SCAN.jsonl

SETDIR is a set made by `tools/gencampaigns.py --tracking` (truth.tsv and
truth-links.tsv, paths relative to it); SCAN.jsonl is the output of
`redflag scan --json` on SETDIR/mail.  Every link of the scan output
(each element of "links": a URL found twice, in the text and the HTML
part, counts twice) is looked up by (file, url) in the truth:

  - identifying links found: precision TP/(TP+FP) and recall TP/(TP+FN)
    of "tracking" against the truth's "identifying";
  - personal: links of one-to-one personal mail flagged (must be 0);
  - token-left: identifying links whose "clean" still holds a truth token;
  - clean-changed: links that identify nobody whose "clean" is not "url";
  - bad-token: reported "tokens" that are not substrings of "url";
  - unknown: scan links the truth does not know; missing: truth links
    the scan did not report.

Prints the figures and the errors per link style (the first --show N
examples of each).  Exits 1 when precision or recall is under its
minimum, or, with --strict, when any of personal, token-left,
clean-changed, bad-token, unknown or missing is not 0.
"""
import argparse
import json
import os
import sys
from collections import Counter, defaultdict


def read_truth(setdir):
    kinds = {}
    with open(os.path.join(setdir, "truth.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            c = line.rstrip("\n").split("\t")
            kinds[os.path.abspath(os.path.join(setdir, c[0]))] = c[2]
    links = {}
    with open(os.path.join(setdir, "truth-links.tsv"),
              encoding="utf-8") as f:
        next(f)
        for line in f:
            c = line.rstrip("\n").split("\t")
            path = os.path.abspath(os.path.join(setdir, c[0]))
            toks = [] if c[4] == "-" else c[4].split(",")
            links[(path, c[1])] = (c[2] == "yes", c[3], toks)
    return kinds, links


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-precision", type=float, default=0.0)
    ap.add_argument("--min-recall", type=float, default=0.0)
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--show", type=int, default=2)
    ap.add_argument("setdir")
    ap.add_argument("scan")
    a = ap.parse_args()

    kinds, truth = read_truth(a.setdir)
    n = Counter()
    errors = defaultdict(list)      # (what, style) -> examples
    seen = set()
    with open(a.scan, encoding="utf-8") as f:
        for line in f:
            obj = json.loads(line)
            path = os.path.abspath(obj["source"])
            n["messages"] += 1
            kind = kinds.get(path, "?")
            incampaign = obj.get("campaign") is not None
            for link in obj.get("links", []):
                url = link["url"]
                key = (path, url)
                n["links"] += 1
                if key not in truth:
                    n["unknown"] += 1
                    errors[("unknown", kind)].append((path, url, ""))
                    continue
                seen.add(key)
                ident, style, toks = truth[key]
                found = bool(link["tracking"])
                what = None
                if ident and found:
                    n["tp"] += 1
                elif ident:
                    n["fn"] += 1
                    what = "missed"
                elif found:
                    n["fp"] += 1
                    what = "false-positive"
                else:
                    n["tn"] += 1
                if what:
                    errors[(what, style)].append(
                        (path, url, "%s campaign=%s" % (
                            ",".join(link["reasons"]), incampaign)))
                if found and kind == "personal":
                    n["personal"] += 1
                clean = link["clean"]
                if ident and any(t in clean for t in toks):
                    n["token-left"] += 1
                    errors[("token-left", style)].append((path, url, clean))
                if not ident and clean != url:
                    n["clean-changed"] += 1
                    if not found:
                        errors[("clean-changed", style)].append(
                            (path, url, clean))
                for t in link.get("tokens", []):
                    if t not in url:
                        n["bad-token"] += 1
                        errors[("bad-token", style)].append((path, url, t))
    files = set(p for p, _ in (k for k in seen))
    for key in truth:
        if key[0] in files and key not in seen:
            n["missing"] += 1
            errors[("missing", truth[key][1])].append((key[0], key[1], ""))
    n["missing-messages"] = len(set(p for p, _ in truth) - files)

    prec = n["tp"] / (n["tp"] + n["fp"]) if n["tp"] + n["fp"] else 1.0
    rec = n["tp"] / (n["tp"] + n["fn"]) if n["tp"] + n["fn"] else 1.0
    print("tracking_eval: %d messages, %d links (%d identifying)" % (
        n["messages"], n["links"], n["tp"] + n["fn"]))
    print("  precision %.4f  recall %.4f  (tp %d, fp %d, fn %d, tn %d)" % (
        prec, rec, n["tp"], n["fp"], n["fn"], n["tn"]))
    strict = ["personal", "token-left", "clean-changed", "bad-token",
              "unknown", "missing"]
    print("  " + "  ".join("%s %d" % (k, n[k]) for k in strict))
    by = Counter()
    for (what, style), ex in errors.items():
        by[(what, style)] = len(ex)
    for (what, style), cnt in sorted(by.items(), key=lambda x: -x[1]):
        print("  %-15s %-24s %d" % (what, style, cnt))
        for path, url, info in errors[(what, style)][:a.show]:
            print("      %s %s  [%s]" % (os.path.basename(path), url[:160],
                                        info[:160]))
    rc = 0
    if prec < a.min_precision or rec < a.min_recall:
        print("tracking_eval: precision or recall under the minimum "
              "(%.2f, %.2f)" % (a.min_precision, a.min_recall))
        rc = 1
    if a.strict and any(n[k] for k in strict):
        print("tracking_eval: --strict: %s not all 0" % ", ".join(strict))
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
