#!/bin/sh
# scan_config.sh - redflag scan, campaigns and train read redflag.conf
# with -c FILE as the milter does: the store (db, also the consent store),
# the verdict settings, the limits, the classifier, the Redis settings;
# settings that mean nothing to them (socket, user, chroot, actions) are
# accepted and ignored; an option given on the command line overrides
# the file whatever its place; a bad setting fails naming FILE:LINE.
#
# On the bundled sample in stream mode, with tracking_links = 1000 and
# list_headers_bulk = no, only a campaign's size makes mail bulk: its
# 5-copy and 3-copy campaigns then give 4 spam at bulk_size = 3 (copies
# 3 to 5 and copy 3) and none at the default 20.
set -u
build=${BUILD:-build}
rf=${REDFLAG:-$build/redflag}
mbox=samples/sample.mbox
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# closing: the total line of a text scan (its last line)
closing() { tail -n 1 "$tmp/out"; }

cat > "$tmp/redflag.conf" <<EOF
# the milter's settings, which scan ignores
socket = unix:$tmp/milter.sock
user = nobody
chroot = $tmp/nowhere
action.spam = reject
clean.spam = sites
on_error = accept
milter_timeout = 60
# what scan uses
db = $tmp/conf.db
bulk_size = 3
tracking_links = 1000
list_headers_bulk = no
max_links = 1
redis_password_file = $tmp/no-such-password
EOF

# the file's store, verdict settings and limit (one link per message); a
# SQLite store reads no Redis password file
"$rf" scan --no-progress -c "$tmp/redflag.conf" "$mbox" > "$tmp/out" ||
	fail "scan -c"
closing | grep -q "^10 messages, 6 in campaigns, 10 links, " ||
	fail "max_links of the file: $(closing)"
closing | grep -q "; 4 spam, 0 bulk, 6 ham, 0 unsure\$" ||
	fail "bulk_size of the file: $(closing)"
[ -s "$tmp/conf.db" ] || fail "the file's db was not made"
# the campaigns were counted in that store, and campaigns -c lists them
"$rf" campaigns -c "$tmp/redflag.conf" > "$tmp/list" || fail "campaigns -c"
awk 'NR > 1 && NR < 4 { print $2 }' "$tmp/list" | tr '\n' ' ' |
	grep -qx "5 3 " || fail "campaigns -c: $(cat "$tmp/list")"

# options override the file whatever their place: before -c, after it,
# --config=FILE
"$rf" scan --no-progress --set bulk_size=1000 --db "$tmp/other.db" \
    --config="$tmp/redflag.conf" --set max_links=2000 "$mbox" > "$tmp/out" ||
	fail "scan with overrides"
closing | grep -q "^10 messages, 6 in campaigns, 23 links, " ||
	fail "--set max_links after -c: $(closing)"
closing | grep -q "; 0 spam, 0 bulk, 10 ham, 0 unsure\$" ||
	fail "--set bulk_size before -c: $(closing)"
[ -s "$tmp/other.db" ] || fail "--db before -c: other.db was not made"
"$rf" campaigns --db "$tmp/conf.db" --json > "$tmp/json" || fail "campaigns"
grep -q '"copies": 5,' "$tmp/json" ||
	fail "--db before -c: the file's store was written"
"$rf" campaigns -c "$tmp/redflag.conf" --db "$tmp/other.db" > "$tmp/list" ||
	fail "campaigns --db after -c"
awk 'NR == 2 { print $2 }' "$tmp/list" | grep -qx 5 ||
	fail "campaigns --db after -c: $(cat "$tmp/list")"

# the file's db is the consent store too (as the milter opens it): with
# consent for findher.example, its copies that were spam are bulk
printf 'db = %s/consent.db\n' "$tmp" > "$tmp/consent.conf"
for r in alice@example.org bob@example.net carol@example.com \
    dave@example.org erin@example.net; do
	"$rf" consent -c "$tmp/consent.conf" add "$r" findher.example \
	    > /dev/null || fail "consent add $r"
done
"$rf" scan --no-progress --json -c "$tmp/consent.conf" "$mbox" \
    > "$tmp/out" || fail "scan -c with consent"
python3 - "$tmp/out" <<'PY' || fail "consent of the file's db"
import json, sys
v = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    k = (o["from"].split("@")[-1].rstrip(">"), o["verdict"])
    v[k] = v.get(k, 0) + 1
assert v.get(("findher.example", "bulk")) == 4, v
assert ("findher.example", "spam") not in v, v
PY
# --consent-db overrides it (an empty consent store: spam again)
"$rf" scan --no-progress -c "$tmp/consent.conf" \
    --consent-db "$tmp/none.db" --db "$tmp/c2.db" "$mbox" > "$tmp/out" ||
	fail "--consent-db"
closing | grep -q "; 7 spam, 0 bulk, 3 ham, 0 unsure\$" ||
	fail "--consent-db over the file's db: $(closing)"

# the file's classifier: one that is not there is refused (69), named;
# --classifier overrides it
printf 'classifier = %s/no-cls.db\n' "$tmp" > "$tmp/cls.conf"
"$rf" scan --no-progress -c "$tmp/cls.conf" "$mbox" > /dev/null \
    2> "$tmp/err"
[ $? -eq 69 ] && grep -q "no-cls.db: cannot read it" "$tmp/err" ||
	fail "the file's classifier: $(cat "$tmp/err")"
"$rf" train -q --classifier "$tmp/cls.db" --spam "$mbox" || fail "train"
"$rf" scan --no-progress --classifier "$tmp/cls.db" -c "$tmp/cls.conf" \
    "$mbox" > /dev/null || fail "--classifier before -c"
# train -c: the file's classifier and spam_cutoff, --set after it
printf 'classifier = %s/cls.db\nspam_cutoff = 0.8\nsocket = inet:1\n' \
    "$tmp" > "$tmp/cls.conf"
"$rf" train --show-settings -c "$tmp/cls.conf" > "$tmp/out" ||
	fail "train -c"
grep -qx "spam_cutoff=0.8" "$tmp/out" || fail "train -c: spam_cutoff"
"$rf" train --set spam_cutoff=0.7 --show-settings -c "$tmp/cls.conf" \
    > "$tmp/out" || fail "train --set before -c"
grep -qx "spam_cutoff=0.7" "$tmp/out" || fail "train: --set over the file"

# the file's Redis settings: a Redis store reads redis_password_file
printf 'db = redis://127.0.0.1:1\nredis_password_file = %s/nopw\n' \
    "$tmp" > "$tmp/redis.conf"
"$rf" scan --no-progress -c "$tmp/redis.conf" "$mbox" > /dev/null \
    2> "$tmp/err"
[ $? -eq 64 ] && grep -q "nopw" "$tmp/err" ||
	fail "the file's redis_password_file: $(cat "$tmp/err")"

# a typo'd setting fails naming FILE:LINE, as for the milter; so does a
# bad value; -c without a file is a usage error
printf 'db = %s/t.db\nbulk_sise = 3\n' "$tmp" > "$tmp/typo.conf"
for cmd in scan campaigns "train --show-settings"; do
	# shellcheck disable=SC2086 # the command's words
	"$rf" $cmd -c "$tmp/typo.conf" > /dev/null 2> "$tmp/err"
	[ $? -eq 64 ] && grep -qx "redflag: ${cmd%% *}: $tmp/typo.conf:2: \
unknown setting 'bulk_sise'" "$tmp/err" || fail "$cmd: typo: $(cat "$tmp/err")"
done
[ ! -e "$tmp/t.db" ] || fail "a bad file made a store"
printf 'bulk_size = many\n' > "$tmp/bad.conf"
"$rf" scan -c "$tmp/bad.conf" "$mbox" > /dev/null 2> "$tmp/err"
[ $? -eq 64 ] && grep -q "^redflag: scan: $tmp/bad.conf:1: bulk_size" \
    "$tmp/err" || fail "bad value: $(cat "$tmp/err")"
"$rf" scan --no-progress "$mbox" -c 2> "$tmp/err" > /dev/null
[ $? -eq 64 ] || fail "-c after a PATH"
"$rf" scan --no-progress -c 2> "$tmp/err" > /dev/null
[ $? -eq 64 ] && grep -q "scan: -c needs a file" "$tmp/err" ||
	fail "-c without a file: $(cat "$tmp/err")"
# "--rcpt -c": -c is the value of --rcpt, no settings file (refused as
# an address)
"$rf" scan --no-progress --rcpt -c "$tmp/typo.conf" 2> "$tmp/err" \
    > /dev/null
grep -q "typo.conf:2" "$tmp/err" && fail "--rcpt's value read as -c"
exit 0
