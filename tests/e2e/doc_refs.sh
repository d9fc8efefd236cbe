#!/bin/sh
# doc_refs.sh - every reference of the form docs/FILE.md, "SECTION" in the
# tree (code comments, scripts, tests, docs, man pages, data) names a
# heading that FILE has, so that a pointer still leads somewhere after a
# section is moved or renamed (a reference document and its record in
# docs/design/, for one).  Read across line ends and comment leaders
# (" * ", "# ", "// "); a reference may name several sections ("A", "B"
# and "C"); SECTION matches a heading that equals it or begins with it
# and a blank, "(", ":" or "," (so "Rewriting a message" names "Rewriting
# a message (in the library)"); backquotes and a heading's "N. " number
# are left out of the comparison.  A paragraph's bold label is no heading.
# The other order, "SECTION" in docs/FILE.md, is checked too.
# First checks itself on a small tree with one broken reference.
set -u
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/refs.py" <<'PY'
import os, re, sys
ROOTS = ['lib', 'src', 'include', 'fuzz', 'tests', 'bench', 'docs', 'data',
         'tools', 'scripts', 'dist', 'web', 'README.md', 'DEVELOPERS.md',
         'Makefile']
SKIP_EXT = ('.png', '.jpg', '.gz', '.db')
SKIP_DIRS = ('node_modules', 'seeds', 'golden')
SELF = os.path.join('tests', 'e2e', 'doc_refs.sh')   # its examples
JOIN = re.compile(r'[ \t]*\n[ \t]*(?:(?:\*|#+|//|;+|--|\.\\")(?=[ \t\n])[ \t]*)?')
REF = re.compile(r'docs/([A-Za-z0-9_./-]+\.md)(?:\'s)?(?: ?, \(?| \(?|: |\()'
                 r'"([^"\n]{1,200})"((?:(?:,| and|, and|,? or) "[^"\n]{1,200}")*)')
MORE = re.compile(r'"([^"\n]{1,200})"')
REV = re.compile(r'"([^"\n]{1,200})",? in docs/([A-Za-z0-9_./-]+\.md)\b')
os.chdir(sys.argv[1])

def files():
    for r in ROOTS:
        if os.path.isfile(r):
            yield r
        elif os.path.isdir(r):
            for d, ds, fs in os.walk(r):
                ds[:] = [x for x in ds if x not in SKIP_DIRS]
                for f in fs:
                    p = os.path.join(d, f)
                    if not f.endswith(SKIP_EXT) and p != SELF:
                        yield p

heads = {}
def headings(doc):
    if doc not in heads:
        hs = []
        try:
            for line in open(os.path.join('docs', doc), encoding='utf-8'):
                m = re.match(r'#+ (.*\S)', line)
                if m:
                    h = ' '.join(m.group(1).replace('`', '').split())
                    hs.append(h)
                    m = re.match(r'[0-9]+\. (.*)', h)
                    if m:
                        hs.append(m.group(1))
        except OSError:
            hs = None
        heads[doc] = hs
    return heads[doc]

def named(hs, sec):
    sec = ' '.join(sec.replace('`', '').split())
    return any(h == sec or (h.startswith(sec) and h[len(sec)] in ' (:,')
               for h in hs)

bad = n = 0
for path in sorted(files()):
    try:
        raw = open(path, encoding='utf-8').read()
    except (UnicodeDecodeError, OSError):
        continue
    i = raw.find('docs/')
    while i >= 0:
        m = REF.match(JOIN.sub(' ', raw[i:i + 600]))
        i = raw.find('docs/', i + 5)
        if m is None:
            continue
        doc = m.group(1)
        hs = headings(doc)
        for sec in [m.group(2)] + MORE.findall(m.group(3)):
            n += 1
            if hs is None:
                print('FAIL: %s: docs/%s: no such file' % (path, doc))
                bad += 1
            elif not named(hs, sec):
                print('FAIL: %s: docs/%s, "%s": no such heading'
                      % (path, doc, sec))
                bad += 1
    # the other order: "SECTION" in docs/FILE.md
    for m in REV.finditer(JOIN.sub(' ', raw)):
        doc, sec = m.group(2), m.group(1)
        hs = headings(doc)
        n += 1
        if hs is None:
            print('FAIL: %s: docs/%s: no such file' % (path, doc))
            bad += 1
        elif not named(hs, sec):
            print('FAIL: %s: "%s" in docs/%s: no such heading'
                  % (path, sec, doc))
            bad += 1
print('doc_refs: %d references, %d broken' % (n, bad))
sys.exit(1 if bad else 0)
PY

# the check fails on a broken reference, and only on it
mkdir -p "$tmp/t/docs" "$tmp/t/lib"
printf '# T\n\n## Rewriting a message (in the library)\n\n## 8. Clustering\n' \
    >"$tmp/t/docs/t.md"
printf '/* docs/t.md, "Rewriting a message" and "Clustering";\n * docs/t.md, "Gone\n * away"; see "Clustering" in docs/t.md and "Also\n * gone" in docs/t.md */\n' \
    >"$tmp/t/lib/a.c"
out=$(python3 "$tmp/refs.py" "$tmp/t")
case $out in
*'docs/t.md, "Gone away": no such heading'*'"Also gone" in docs/t.md: no such heading'*'5 references, 2 broken') ;;
*) echo "FAIL: the check itself: $out" >&2; exit 1 ;;
esac

python3 "$tmp/refs.py" . >&2
