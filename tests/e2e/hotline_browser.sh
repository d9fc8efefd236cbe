#!/bin/sh
# hotline_browser.sh - the web UI in headless Chromium (Debian's package;
# scripts/deps.sh installs it) driven by playwright-core from npm
# (tests/browser/setup.sh).  Screenshots go to $T, or to docs/ with
# UPDATE_SCREENSHOTS=1.
. tests/e2e/lib/hotline.sh
[ -x /usr/bin/chromium ] || { echo "no /usr/bin/chromium: apt-get install chromium" >&2; exit 77; }
command -v node > /dev/null || { echo "no node" >&2; exit 77; }
sh tests/browser/setup.sh || { echo "cannot install playwright-core" >&2; exit 77; }
start_server
add_user sue supervisor
add_user ana analyst
H="$REDFLAG hotline --db $DB"
# A queue with some history, as an analyst would find it.
api '{"urls": ["https://secure-login.bank-verify.example/account/update?session=1"], "category": "phishing", "comment": "Mail claims my account is locked"}' > /dev/null
api '{"urls": ["https://secure-login.bank-verify.example/account/update?session=2"], "category": "phishing"}' > /dev/null
api '{"urls": ["http://cdn.files-share.example/invoice_8841.zip"], "category": "malware", "comment": "Attachment link in a fake invoice"}' > /dev/null
api '{"urls": ["http://img-host.example/gallery/x9/"], "category": "csam", "comment": "Reported via web form"}' > /dev/null
api '{"urls": ["https://crypto-double.example/"], "category": "fraud"}' > /dev/null
api '{"urls": ["https://bank-verify.example/help"], "category": "phishing"}' > /dev/null
api '{"urls": ["http://cheap-meds.example/shop"]}' > /dev/null
$H --as ana review 2 > /dev/null
$H --as ana review 4 > /dev/null
$H --as ana assess 6 not_illegal 2> /dev/null
$H --as ana review 6 > /dev/null && $H --as ana assess 6 out_of_remit --why "advertising, not illegal content" > /dev/null
# A forwarded spam (through the mailbox pipe) for a sister site.
printf '%s\n' 'From: Carl <carl@home.example>' 'To: report@hotline.example' \
    'Subject: Fwd: prize' 'MIME-Version: 1.0' \
    'Content-Type: multipart/mixed; boundary="b"' '' '--b' \
    'Content-Type: message/rfc822' '' 'From: Desk <desk@prize-mail.example>' \
    'To: carl@home.example' 'Message-ID: <p-1@prize-mail.example>' \
    'List-Unsubscribe: <mailto:u@prize-mail.example>' \
    'Content-Type: text/html' '' \
    '<a href="https://pay.win-big.example/checkout?ref=carl@home.example">pay</a>' \
    '--b--' | $H submit --mail - > /dev/null
shots=$T
[ "${UPDATE_SCREENSHOTS:-}" = 1 ] && shots=docs
node tests/browser/hotline.mjs "$BASE" "$shots" || fail "browser test"
echo "hotline browser: all checks passed"
