#!/usr/bin/env python3
"""cls_cv.py - k-fold cross-validation of the classifier's scoring inside
the training half (docs/design/classifier-record.md, "Training on
error": how the scoring was chosen).

    python3 bench/cls_cv.py TOKENS K CONFIG...

TOKENS: the output of bench/cls_tokens.c on the training half (label, then
tokens, tab-separated; a label containing /spam/ is spam).  Folds: in each
group (spam-1, easy-ham-2, ...) the file names are sorted and position i
goes to fold i mod K.  Each fold is scored with counts learned from the
others, as lib/classifier.c scores (Robinson's f(w), Fisher's chi-square,
combine 0 or 1 with scale), after training on error as `redflag train`
does it (toe rounds inside each fold's training part: every training
spam with ln(H / S) < toe_spam and every ham with ln(H / S) > toe_ham is
learned once more, toe_n=1: message counts grow too).  CONFIG:
NAME=VALUE,... of robs, robx, min_dev, combine, scale, spam_cutoff,
ham_cutoff, toe, toe_ham, toe_spam, toe_n (defaults: redflag's; the
first choice was toe=0,scale=5).  Prints, pooled over the folds: spam
recall, ham false positives and unsure at the cutoffs, the recall that a
cutoff just above the highest-scoring ham would give, and recall / false
positives by ln(H / S) cutoff.  CLS_DUMP=FILE writes every validation
message's name, class and ln(H / S) (bench/cls_lr.c does the same for
its scores).
"""
import math
import os
import re
import sys
from collections import defaultdict

DEFAULTS = dict(robs=0.5, robx=0.52, min_dev=0.375, combine=1, scale=4,
                spam_cutoff=0.9, ham_cutoff=0.45, toe=3, toe_ham=-8.0,
                toe_spam=16.0, toe_n=1)


def load(path):
    msgs = []
    for line in open(path, encoding='utf-8', errors='replace'):
        parts = line.rstrip('\n').split('\t')
        base = os.path.basename(parts[0])
        m = re.match(r'([a-z]+(?:-[a-z]+)?-\d+)-', base)
        group = m.group(1) if m else ('spam' if '/spam/' in parts[0]
                                      else 'ham')
        msgs.append((group, base, '/spam/' in parts[0], set(parts[1:])))
    pos = {}
    groups = defaultdict(list)
    for i, m in enumerate(msgs):
        groups[m[0]].append(i)
    for idx in groups.values():
        idx.sort(key=lambda i: msgs[i][1])
        for k, i in enumerate(idx):
            pos[i] = k
    return msgs, pos


def lchi2q(x2, n):
    """log P(chi-square with 2n degrees of freedom > x2), as lchi2q()."""
    m = x2 / 2.0
    if n == 0 or m <= 0:
        return 0.0
    k = min(int(m), n - 1)
    s = t = 1.0
    for i in range(k, 0, -1):
        t *= i / m
        s += t
        if t < 1e-17 * s:
            break
    t = 1.0
    for i in range(k + 1, n):
        t *= m / i
        s += t
        if t < 1e-17 * s:
            break
    return min(-m + k * math.log(m) - math.lgamma(k + 1) + math.log(s), 0.0)


def score(cnt, ns, nh, toks, c):
    """(p, log-odds ln(H / S)) of one message."""
    sln = hln = 0.0
    n = 0
    sx = c['robs'] * c['robx']
    for t in toks:
        e = cnt.get(t)
        if e is None:
            f = c['robx']
        else:
            b, g = e[1] / ns, e[0] / nh
            f = (sx + (e[0] + e[1]) * (b / (b + g))) / (c['robs'] + e[0] + e[1])
        if abs(f - 0.5) < c['min_dev']:
            continue
        sln += math.log(f)
        hln += math.log1p(-f)
        n += 1
    if n == 0:
        return 0.5, 0.0
    lh, ls = lchi2q(-2 * sln, n), lchi2q(-2 * hln, n)
    if c['combine'] == 1:
        z = (lh - ls) / c['scale']
        return 1 / (1 + math.exp(-max(-700.0, min(700.0, z)))), lh - ls
    return (1 + math.exp(lh) - math.exp(ls)) / 2, lh - ls


def toe(msgs, pos, k, f, fold, c):
    """Train on or near error: re-learn, for c['toe'] rounds, the
    training messages whose ln(H / S) is on the wrong side of toe_ham
    (ham) or toe_spam (spam); counts and message totals grow as if the
    message were learned again."""
    cnt0, ns, nh, test = fold
    cnt = {t: list(v) for t, v in cnt0.items()}
    train = [i for i in range(len(msgs)) if pos[i] % k != f]
    for _ in range(int(c['toe'])):
        redo = []
        for i in train:
            _, z = score(cnt, ns, nh, msgs[i][3], c)
            if msgs[i][2] and z < c['toe_spam']:
                redo.append(i)
            elif not msgs[i][2] and z > c['toe_ham']:
                redo.append(i)
        if not redo:
            break
        for i in redo:
            if c['toe_n']:
                ns += msgs[i][2]
                nh += not msgs[i][2]
            for t in msgs[i][3]:
                cnt[t][msgs[i][2]] += 1
        print('  fold %d: %d re-learned' % (f, len(redo)), file=sys.stderr)
    return cnt, ns, nh, test


def main():
    msgs, pos = load(sys.argv[1])
    k = int(sys.argv[2])
    base_folds = folds = []
    for f in range(k):
        cnt = defaultdict(lambda: [0, 0])
        ns = nh = 0
        for i, m in enumerate(msgs):
            if pos[i] % k == f:
                continue
            ns += m[2]
            nh += not m[2]
            for t in m[3]:
                cnt[t][m[2]] += 1
        folds.append((dict(cnt), ns, nh,
                      [i for i in range(len(msgs)) if pos[i] % k == f]))
    for spec in sys.argv[3:] or ['']:
        c = dict(DEFAULTS)
        for kv in filter(None, spec.split(',')):
            name, value = kv.split('=')
            c[name] = float(value)
        out = []
        if c['toe'] > 0:
            folds = [toe(msgs, pos, k, f, fo, c) for f, fo in
                     enumerate(base_folds)]
        else:
            folds = base_folds
        for cnt, ns, nh, test in folds:
            for i in test:
                p, z = score(cnt, ns, nh, msgs[i][3], c)
                rank = z if c['combine'] == 1 else p
                out.append((p, rank, msgs[i][2], msgs[i][1]))
        if os.environ.get('CLS_DUMP'):
            with open(os.environ['CLS_DUMP'], 'w') as df:
                for o in out:
                    df.write('%s %d %.6g\n' % (o[3], o[2], o[1]))
        spam = [o for o in out if o[2]]
        ham = [o for o in out if not o[2]]
        tp = sum(1 for o in spam if o[0] >= c['spam_cutoff'])
        fp = sum(1 for o in ham if o[0] >= c['spam_cutoff'])
        unsure = sum(1 for o in out
                     if c['ham_cutoff'] < o[0] < c['spam_cutoff'])
        top = max(ham, key=lambda o: o[1])
        zero = sum(1 for o in spam if o[1] > top[1])
        print('%s: spam recall %.2f %% (%d / %d), ham false positives %d / '
              '%d, unsure %.2f %%; recall with a cutoff just above the top '
              'ham (%s, %.4g): %.2f %%' % (
                  spec or 'defaults', 100 * tp / len(spam), tp, len(spam),
                  fp, len(ham), 100 * unsure / len(out), top[3][:24],
                  top[1], 100 * zero / len(spam)), flush=True)
        if c['combine'] == 1:
            print('  ln(H/S) cutoff: recall / FP: ' + '; '.join(
                '%g: %.2f %% / %d' % (
                    zc, 100 * sum(1 for o in spam if o[1] >= zc) /
                    len(spam), sum(1 for o in ham if o[1] >= zc))
                for zc in (7, 8, 9, 10, 11)), flush=True)


if __name__ == '__main__':
    main()
