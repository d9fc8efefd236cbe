#!/usr/bin/env python3
"""clsmail.py OUT spam|ham N SEED - an mbox of N messages for training
the classifier (tests/e2e/classifier_concurrent.sh): each of 120 words
drawn (seeded by SEED) from a small spam or ham vocabulary and common
words, some with a number; "mixed" draws from both vocabularies."""
import random, sys
out, kind, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
r = random.Random(seed)
spamw = "cheap pills casino bonus offer winner prize loan credit viagra deal discount free money urgent click unsubscribe lottery pharmacy replica".split()
hamw = "meeting agenda budget schedule review notes report plan project minutes tuesday team draft attached thanks regards lunch office deadline".split()
common = "the a and to of in for on with is it this that your our you we".split()
words = {"spam": spamw, "ham": hamw}.get(kind, spamw + hamw)
with open(out, "w") as f:
    for i in range(n):
        f.write("From x@y Mon Jan  1 00:00:00 2024\n")
        f.write("From: %s%d@%s.example\nTo: you@test.example\nSubject: %s %s\nMessage-ID: <%s%d.%d@t>\n\n" % (kind, i % 37, kind, r.choice(words), r.choice(words), kind, seed, i))
        f.write(" ".join(r.choice(words + common) + ("%d" % r.randrange(50000) if r.random() < 0.3 else "") for _ in range(120)) + "\n\n")
