#!/bin/sh
# clean_policy.sh - the clean policy per verdict (redflag.conf(5)
# clean.VERDICT): ham keeps a password-reset link working (only known
# tracking parameters such as a subscriber id dropped, web bugs emptied),
# spam neutralises it;
# redflag clean --verdict and redflag filter (whose verdict is ham here)
# agree; an open pixel named by its id is a web bug under links (s38);
# clean.ham = none changes nothing.
set -u
rf=${REDFLAG:-build/redflag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

cat > "$tmp/reset.eml" <<'MSG'
From: Shop <no-reply@shop.test>
To: jane.doe@rcpt.test
Subject: Reset your password
Content-Type: text/html

<p>Reset: <a href="https://shop.test/reset?email=jane.doe%40rcpt.test&token=Zx81kQpL0aB7mN3vR5tY&mc_eid=4f2a9c1b7d">reset</a>
<img src="https://t.shop.test/open.gif" width="1" height="1"></p>
MSG
# the values clean --help gives for --verdict (its item's words before
# the first ':') are those the option takes, which its refusal lists: a
# policy name (sites, none) is no verdict, and is refused
"$rf" clean --verdict bogus "$tmp/reset.eml" 2> "$tmp/e" >/dev/null
taken=$(sed -n "s/.*--verdict: \(.*\), not 'bogus'$/\1/p" "$tmp/e")
given=$("$rf" clean --help | awk '/^  --verdict/ { p = 1 } p && /^  -[^-]/ &&
	!/^  --verdict/ { p = 0 } p' | tr '\n' ' ' | sed 's/:.*//;
	s/^ *--verdict V *//; s/  */ /g')
[ -n "$taken" ] && [ "$given" = "$taken" ] ||
	fail "clean --help gives --verdict '$given', it takes '$taken'"
for v in $(echo "$given" | sed 's/,//g; s/ or / /'); do
	"$rf" clean --verdict "$v" "$tmp/reset.eml" > /dev/null ||
		fail "clean --verdict $v (from --help) is refused"
done
links() { grep -o 'href="[^"]*"\|src="[^"]*"' "$1" | tr '\n' ' '; }
kept='href="https://shop.test/reset?email=jane.doe%40rcpt.test&token=Zx81kQpL0aB7mN3vR5tY" src="" '

"$rf" clean --verdict ham "$tmp/reset.eml" > "$tmp/ham" || fail "clean ham"
[ "$(links "$tmp/ham")" = "$kept" ] || fail "ham: $(links "$tmp/ham")"
"$rf" clean --verdict spam "$tmp/reset.eml" > "$tmp/spam" || fail "clean spam"
links "$tmp/spam" | grep -q "jane.doe" && fail "spam: the address is left"
links "$tmp/spam" | grep -q "mc_eid" && fail "spam: mc_eid left"

"$rf" filter < "$tmp/reset.eml" > "$tmp/f" || fail "filter"
grep -q "^X-Redflag-Verdict: ham" "$tmp/f" || fail "filter verdict"
[ "$(links "$tmp/f")" = "$kept" ] || fail "filter: $(links "$tmp/f")"

# ham keeps a click wrapper whose known parameter is its whole payload
# (SendGrid's /ls/click?upn=: without it a dead link), says so, and keeps
# a content image whose only sign is an asset id; spam neutralises the
# wrapper (s37)
cat > "$tmp/wrapped.eml" <<'MSG'
From: Shop <no-reply@shop.test>
To: jane.doe@rcpt.test
Subject: Reset your password
Content-Type: text/html

<p><a href="https://u1234567.ct.sendgrid.net/ls/click?upn=u001.Xk29fLq81ZpQ7wTm-2BAbCdEfGhIjKlMnOpQrStUvWxYz0123456789">reset</a>
<img src="https://braze-images.com/appboy/communication/assets/image_assets/images/5f1a2b3c4d5e6f7a8b9c0d1e/original.png" width="600">
<img src="https://t.shop.test/open.gif" width="1" height="1"></p>
MSG
wkept='href="https://u1234567.ct.sendgrid.net/ls/click?upn=u001.Xk29fLq81ZpQ7wTm-2BAbCdEfGhIjKlMnOpQrStUvWxYz0123456789" src="https://braze-images.com/appboy/communication/assets/image_assets/images/5f1a2b3c4d5e6f7a8b9c0d1e/original.png" src="" '
"$rf" clean --verdict ham "$tmp/wrapped.eml" > "$tmp/wham" || fail "clean ham"
[ "$(links "$tmp/wham")" = "$wkept" ] || fail "ham wrapper: $(links "$tmp/wham")"
grep -A1 '^X-Redflag-Cleaned: ' "$tmp/wham" | tr -d '\n' | grep -q \
	'1 tracked link kept as it is (clean.ham = known: a click wrapper' ||
	fail "ham wrapper: not said kept"
"$rf" clean --verdict spam "$tmp/wrapped.eml" > "$tmp/wspam" ||
	fail "clean spam"
grep -q 'upn=' "$tmp/wspam" && fail "spam: the wrapper is left"
"$rf" filter < "$tmp/wrapped.eml" > "$tmp/wf" || fail "filter"
grep -q "^X-Redflag-Verdict: ham" "$tmp/wf" || fail "filter verdict (wrapper)"
[ "$(links "$tmp/wf")" = "$wkept" ] || fail "filter wrapper: $(links "$tmp/wf")"
tr -d '\n\t' < "$tmp/wf" | grep -q 'kept: 1 tracked link as it is (policy known' ||
	fail "filter wrapper: no reason says it was kept"

# an open pixel named by its id (/track/open/<id>.gif) is a web bug:
# under links emptied wherever it loads, whatever size it declares, and
# counted so, as a 1x1 one is; a link of the same shape is no image and
# stays.  Before s38 it became .../track/open/redflag-removed.gif, still
# loaded from the tracker ("1 link rewritten").
cat > "$tmp/pixel.eml" <<'MSG'
From: News <news@shop.test>
To: jane.doe@rcpt.test
Subject: Sale
List-Unsubscribe: <mailto:unsubscribe@shop.test>
Content-Type: text/html

<p><a href="https://t.shop.test/track/open/k4Jq9ZxT2mWp7RvB3nY8.gif">view</a>
<img src="https://t.shop.test/track/open/9f86d081884c7d659a2feaa0c55ad015.gif" width="600" height="200">
<div style="background:url(https://t.shop.test/beacon/Zx81Qw7eRt5yUi3oPa2s.gif)">sale</div></p>
MSG
pkept='href="https://t.shop.test/track/open/k4Jq9ZxT2mWp7RvB3nY8.gif" src="" '
"$rf" clean --verdict spam "$tmp/pixel.eml" > "$tmp/pclean" || fail "clean (pixel)"
grep -q '^X-Redflag-Cleaned: 0 links rewritten; 2 web bugs emptied' \
    "$tmp/pclean" || fail "clean (pixel): $(grep -A1 '^X-Redflag-Cleaned' "$tmp/pclean")"
"$rf" filter --set clean.ham=links --set clean.unsure=links \
    --set clean.bulk=links --set clean.spam=links < "$tmp/pixel.eml" \
    > "$tmp/pfilter" || fail "filter (pixel)"
grep -q 'neutralised: 0 links rewritten, 2 web bugs emptied' "$tmp/pfilter" ||
	fail "filter (pixel): $(grep '^X-Redflag-Reasons' "$tmp/pfilter")"
for f in pclean pfilter; do
	[ "$(links "$tmp/$f")" = "$pkept" ] || fail "$f: $(links "$tmp/$f")"
	grep -q 'background:url()' "$tmp/$f" || fail "$f: the CSS pixel is left"
done

printf 'clean.ham = none\n' > "$tmp/redflag.conf"
"$rf" clean -c "$tmp/redflag.conf" --verdict ham "$tmp/reset.eml" > "$tmp/n" ||
	fail "clean none"
grep -q 'mc_eid=4f2a9c1b7d">reset' "$tmp/n" || fail "none: link changed"
grep -q 'src="https://t.shop.test/open.gif"' "$tmp/n" || fail "none: bug emptied"
printf 'clean.ham = sometimes\n' > "$tmp/bad.conf"
"$rf" clean -c "$tmp/bad.conf" "$tmp/reset.eml" > /dev/null 2>&1 &&
	fail "a bad policy is refused"
echo "clean_policy: ok"
