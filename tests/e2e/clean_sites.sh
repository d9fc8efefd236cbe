#!/bin/sh
# clean_sites.sh - the clean policy sites (redflag.conf(5) clean.spam =
# sites): redflag clean -c CONF --verdict spam and redflag filter -c CONF
# (whose verdict is spam here: List-Unsubscribe and no consent) reduce
# every link of a spam message to its site, mailto: to the address, and
# empty every remote image, also the codes the analysis cannot find (a
# 12-letter key, a 7-digit id, a dotted click code): no URL path or query
# is left in the body, the headers say what was done, in plain words.  The
# default policy (links) leaves those codes.
set -u
rf=${REDFLAG:-build/redflag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

cat > "$tmp/spam.eml" <<'MSG'
From: Deals <deals@shop.test>
To: jane.doe@rcpt.test
Subject: Big deals
List-Unsubscribe: <https://shop.test/unsub/8812345>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: quoted-printable

Deal: https://shop.test/ad/QWERTYUIOPAS?u=3D8812345
Unsubscribe: http://list.shop.test/u.php?id=3D8812345.
Click: http://go.shop.test/c/a7.x3k.b2
Write: mailto:remove@shop.test?subject=3Dremove%208812345
--b1
Content-Type: text/html; charset=us-ascii

<p><a href="https://shop.test/ad/QWERTYUIOPAS?u=8812345">Deal</a>
<a href="http://a8f3k2m9x7q1w5e4r6t0y.click.shop.test/c?x=1">Click</a>
<a href="https://user@shop.test:8443/p/jane.doe%40rcpt.test">You</a>
<a href="mailto:remove@shop.test?subject=remove%208812345&amp;body=id">Remove</a>
<img src=https://img.shop.test/banner.jpg width="600" height="200">
<table background="https://img.shop.test/bg.png"><tr><td>x</td></tr></table>
<img src="https://t.shop.test/open.gif?r=8812345" width="1" height="1">
<a href="https://shop.test/">Home</a></p>
--b1--
MSG
printf '# spam: nothing in it confirms the address\nclean.spam = sites\n' \
    > "$tmp/redflag.conf"

# body: the message after its header block
body() { sed '1,/^$/d' "$1"; }
# left: what of a URL is left after its host: a path, query, fragment,
# user info or port, in the body (decoded: the text part is
# quoted-printable); "https://host/" and "mailto:addr" are what may stay
left() {
	body "$1" | sed 's/=$//; s/=3D/=/g' | grep -Eo \
	    '(https?|ftp)://[^ "<>]*|mailto:[^ "<>]*|src=[^ >]*|background=[^ >]*' |
	    grep -Ev '^(https?|ftp)://[A-Za-z0-9.-]+/?[.,]?$|^mailto:[^?#]*$|^(src|background)=""$'
}

"$rf" clean -c "$tmp/redflag.conf" --verdict spam "$tmp/spam.eml" \
    > "$tmp/clean" || fail "clean"
l=$(left "$tmp/clean")
[ -z "$l" ] || fail "clean: left in the body: $l"
for code in QWERTYUIOPAS 8812345 a7.x3k.b2 jane.doe a8f3k2m9 banner bg.png; do
	body "$tmp/clean" | grep -q "$code" && fail "clean: $code left"
done
grep -q '^X-Redflag-Cleaned: 5 links reduced to their sites; 3 images emptied;' \
    "$tmp/clean" || fail "clean: X-Redflag-Cleaned: $(grep -A1 '^X-Redflag-Cleaned' "$tmp/clean")"
grep -q '2 mail links reduced to their addresses' "$tmp/clean" ||
	fail "clean: mail links not said"
grep -q 'href="http://redflag-removed.click.shop.test/">Click' "$tmp/clean" ||
	fail "clean: the host label's code"
grep -q '<img src="" width="600"' "$tmp/clean" || fail "clean: unquoted src"
grep -q '^List-Unsubscribe: <https://shop.test/unsub/8812345>' "$tmp/clean" ||
	fail "clean: a header changed"

# the default policy of spam (links) leaves the codes no test finds
"$rf" clean --verdict spam "$tmp/spam.eml" > "$tmp/links" || fail "links"
body "$tmp/links" | grep -q 'QWERTYUIOPAS' || fail "links: the key is gone"
grep -q '^X-Redflag-Cleaned: 2 links rewritten; 1 web bug emptied' \
    "$tmp/links" || fail "links: $(grep '^X-Redflag-Cleaned' "$tmp/links")"

# the filter, with the same file: verdict spam, the same body
"$rf" filter -c "$tmp/redflag.conf" < "$tmp/spam.eml" > "$tmp/f" ||
	fail "filter"
grep -q '^X-Redflag-Verdict: spam' "$tmp/f" || fail "filter verdict"
grep -q '^X-Redflag-Reasons: .*neutralised: 5 links reduced to their sites, 3 images emptied, 2 mail links reduced to their addresses' \
    "$tmp/f" || fail "filter reasons: $(grep '^X-Redflag-Reasons' "$tmp/f")"
l=$(left "$tmp/f")
[ -z "$l" ] || fail "filter: left in the body: $l"
[ "$(body "$tmp/f")" = "$(body "$tmp/clean")" ] ||
	fail "filter and clean bodies differ"
echo "clean_sites: ok"
