#!/usr/bin/env python3
"""paired.py - how two tools of bench/accuracy.sh differ, message by message.

    python3 bench/paired.py RES_A RES_B

RES_A, RES_B: res.TOOL files of bench/accuracy.sh ("truth<TAB>class<TAB>
file" per test message).  Only the messages both tools classified count
(SpamAssassin gets every Nth one).  For the spam, prints how many both
caught, how many only one of them caught, how many neither did, and the
exact two-sided McNemar p-value of the difference in recall: the chance
that two equally good tools would split their disagreements at least this
unevenly.  For the ham, the same of false positives.  A p-value near 1
means the difference in recall is what chance alone gives.
"""
import math
import os
import sys


def load(path):
    res = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) < 3:
                sys.exit('%s: no file column (an older bench/accuracy.sh '
                         'run?)' % path)
            res[parts[2]] = (parts[0], parts[1])
    return res


def mcnemar(b, c):
    """Exact two-sided McNemar p-value for b and c discordant pairs."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2.0 ** n
    return min(1.0, 2 * tail)


def pvalue(p):
    return '< 0.001' if p < 0.001 else '= %.3f' % p


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = load(sys.argv[1]), load(sys.argv[2])
    na = os.path.basename(sys.argv[1]).replace('res.', '', 1)
    nb = os.path.basename(sys.argv[2]).replace('res.', '', 1)
    common = sorted(set(a) & set(b))
    for truth, what in (('spam', 'spam caught'), ('ham', 'ham called spam')):
        msgs = [m for m in common if a[m][0] == truth]
        ya = {m for m in msgs if a[m][1] == 'spam'}
        yb = {m for m in msgs if b[m][1] == 'spam'}
        only_a, only_b = len(ya - yb), len(yb - ya)
        print('%s vs %s, %s (%d %s in both runs): both %d, only %s %d, '
              'only %s %d, neither %d; McNemar p %s'
              % (na, nb, what, len(msgs), truth, len(ya & yb), na, only_a,
                 nb, only_b, len(msgs) - len(ya | yb),
                 pvalue(mcnemar(only_a, only_b))))


if __name__ == '__main__':
    main()
