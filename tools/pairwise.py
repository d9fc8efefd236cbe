#!/usr/bin/env python3
"""pairwise.py - pairwise precision and recall of a clustering.

    tools/pairwise.py [--min-precision P] [--min-recall R] TRUTH CLUSTERS

TRUTH is a truth.tsv of tools/gencampaigns.py (file, group, kind, ...;
file relative to the truth file's folder).  CLUSTERS has one line per
message, "path TAB campaign-id ..." (`redflag cluster`), or is a JSON Lines
file of `redflag scan --json` (fields "source" and "campaign").  A message
with an empty or null campaign is a cluster of its own.

Two messages form a true pair when truth puts them in one group, a found
pair when the clustering does.  Pairs are counted from the sizes of the
groups, the clusters and their intersections (sum of n*(n-1)/2), never by
listing them.  Prints the figures; exits 1 when precision or recall is
under the minimum or when a one-to-one ("personal") message shares its
cluster with anything.

With --unrelated (CLUSTERS from `redflag cluster --fingerprints`): also the
false-match rate between unrelated texts: one copy of each true group, and
every pair of them whose fingerprints match (more than half of the
positions agree).  Candidates come from the LSH bands (2 positions per
band, as in lib/cluster.c), which a matching pair shares with
probability over 0.99.
"""
import argparse
import json
import os
import sys
from collections import Counter, defaultdict


def pairs(n):
    return n * (n - 1) // 2


def read_clusters(path, fps=None):
    found = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("{"):
                obj = json.loads(line)
                camp = obj.get("campaign")
                found[obj["source"]] = camp.get("id") if camp else None
            else:
                cols = line.split("\t")
                found[cols[0]] = cols[1] if len(cols) > 1 else None
                if fps is not None and len(cols) > 4:
                    fps[os.path.abspath(cols[0])] = cols[4]
    return found


def unrelated(truth, fps):
    """False matches among one minhash fingerprint per true group."""
    reps = {}
    for p, g, _ in truth:
        fp = fps.get(p, "")
        if g not in reps and fp.startswith("2:"):
            h = fp[2:]
            reps[g] = [h[i:i + 16] for i in range(0, len(h), 16)]
    groups = sorted(reps)
    buckets = defaultdict(list)
    for gi, g in enumerate(groups):
        h = reps[g]
        for b in range(0, len(h), 2):
            buckets[(b, h[b], h[b + 1])].append(gi)
    cand = set()
    for members in buckets.values():
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                cand.add((members[i], members[j]))
    false = 0
    for i, j in cand:
        hi, hj = reps[groups[i]], reps[groups[j]]
        agree = sum(1 for x, y in zip(hi, hj) if x == y)
        if 2 * agree > len(hi):
            false += 1
            print("  false match: %s ~ %s (%d agree)"
                  % (groups[i], groups[j], agree))
    n = len(groups)
    total = n * (n - 1) // 2
    print("unrelated: %d texts (one per group), %d pairs, %d share a band, "
          "%d match: false-match rate %.2g"
          % (n, total, len(cand), false, false / total if total else 0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-precision", type=float, default=0.0)
    ap.add_argument("--min-recall", type=float, default=0.0)
    ap.add_argument("--unrelated", action="store_true",
                    help="false-match rate between unrelated texts")
    ap.add_argument("truth")
    ap.add_argument("clusters")
    a = ap.parse_args()

    base = os.path.dirname(os.path.abspath(a.truth))
    fps = {} if a.unrelated else None
    found = {os.path.abspath(k): v for k, v in
             read_clusters(a.clusters, fps).items()}
    truth = []
    with open(a.truth, encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            truth.append((os.path.abspath(os.path.join(base, cols[0])),
                          cols[1], cols[2]))
    missing = [p for p, _, _ in truth if p not in found]
    if missing:
        print("pairwise: %d messages have no clustering result, e.g. %s"
              % (len(missing), missing[0]))
        return 1
    pred = {}
    for i, (p, _, _) in enumerate(truth):
        cid = found[p]
        pred[p] = cid if cid else "single-%d" % i
    tsize = Counter(g for _, g, _ in truth)
    psize = Counter(pred[p] for p, _, _ in truth)
    cell = Counter((g, pred[p]) for p, g, _ in truth)
    tp = sum(pairs(n) for n in cell.values())
    tpairs = sum(pairs(n) for n in tsize.values())
    ppairs = sum(pairs(n) for n in psize.values())
    precision = tp / ppairs if ppairs else 1.0
    recall = tp / tpairs if tpairs else 1.0

    kinds = Counter(k for _, _, k in truth)
    merged_personal = [p for p, _, k in truth
                       if k == "personal" and psize[pred[p]] > 1]
    # Per group: how many clusters it was split into; per cluster: how
    # many groups it merged.
    split = defaultdict(set)
    merged = defaultdict(set)
    for p, g, _ in truth:
        split[g].add(pred[p])
        merged[pred[p]].add(g)
    nsplit = sum(1 for g, s in split.items() if len(s) > 1)
    nmerged = sum(1 for c, s in merged.items() if len(s) > 1)

    print("messages %d (%s)" % (len(truth), ", ".join(
        "%s %d" % kv for kv in sorted(kinds.items()))))
    print("true groups %d, clusters found %d" % (len(tsize), len(psize)))
    print("true pairs %d, found pairs %d, correct pairs %d"
          % (tpairs, ppairs, tp))
    print("pairwise precision %.4f recall %.4f" % (precision, recall))
    print("groups split %d, clusters merging groups %d, personal messages "
          "merged %d" % (nsplit, nmerged, len(merged_personal)))
    for g, s in sorted(split.items(), key=lambda kv: -len(kv[1]))[:5]:
        if len(s) > 1:
            print("  split: %s (%d copies) into %d clusters"
                  % (g, tsize[g], len(s)))
    for c, s in sorted(merged.items(), key=lambda kv: -len(kv[1]))[:5]:
        if len(s) > 1:
            print("  merged: cluster %s holds %s"
                  % (c, ", ".join(sorted(s)[:6])))
    if a.unrelated:
        unrelated(truth, fps)
    ok = True
    if precision < a.min_precision:
        print("FAIL: precision %.4f < %.4f" % (precision, a.min_precision))
        ok = False
    if recall < a.min_recall:
        print("FAIL: recall %.4f < %.4f" % (recall, a.min_recall))
        ok = False
    if merged_personal:
        print("FAIL: %d personal messages merged, e.g. %s"
              % (len(merged_personal), merged_personal[0]))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
