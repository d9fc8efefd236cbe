#!/bin/sh
# milter.sh [MESSAGES] [CLIENTS] - throughput and added latency of the
# redflag milter behind a real Postfix, beside peers, in one run.
#
# A private Postfix (tests/e2e/lib/postfix.sh; 127.0.0.1 only, its own
# directories under a temporary folder, mail discarded after the queue)
# gets one smtpd listener per configuration:
#   postfix      no milter (the baseline)
#   redflag      smtpd_milters = redflag milter (headers + body rewrite)
#   redflag+db   the same with a SQLite campaign store (lookup, then add)
#   spamass      spamass-milter with spamd (network tests off, -L), when
#                both are installed (scripts/deps.sh --bench)
#   rspamd       rspamd's proxy worker in milter mode with self_scan,
#                when rspamd is installed
# CLIENTS (20) threads send MESSAGES (10000) campaign copies to each, one
# SMTP connection per message (bench/smtpload.py).  Printed per
# configuration: messages/s, latency p50 and p99 (connect to the reply to
# the end of DATA) and the latency added over the baseline.
# PEER_MESSAGES (default MESSAGES) sets the count for spamass and rspamd.
# Needs root (Postfix instance).  Run from the top of the tree.
set -u
N=${1:-10000}
C=${2:-20}
PN=${PEER_MESSAGES:-$N}
REDFLAG=${REDFLAG:-build/redflag}
. tests/e2e/lib/postfix.sh
pf_skip_unless_ready

peers_stop() {
	[ -n "${SPAMD_PID:-}" ] && kill "$SPAMD_PID" 2>/dev/null
	[ -n "${SAM_PID:-}" ] && kill "$SAM_PID" 2>/dev/null
	[ -n "${RSPAMD_PID:-}" ] && kill "$RSPAMD_PID" 2>/dev/null
	[ -n "${RFDB_PID:-}" ] && kill "$RFDB_PID" 2>/dev/null
	sleep 1
	return 0
}
trap 'peers_stop; pf_cleanup' EXIT
trap 'exit 1' INT TERM

pf_init
P_PLAIN=$(pf_free_port) P_SA=$(pf_free_port) P_RS=$(pf_free_port)
P_SPAMD=$(pf_free_port) P_RSPROXY=$(pf_free_port)
P_RSNORMAL=$(pf_free_port) P_RSCTL=$(pf_free_port)
P_DB=$(pf_free_port) P_RFDB=$(pf_free_port)
postconf -c "$PF_CONF" -e virtual_transport=discard \
    'smtpd_milters=inet:127.0.0.1:'"$RF_MILTER_PORT" \
    milter_content_timeout=120s
cat >> "$PF_CONF/master.cf" <<MC
127.0.0.1:$P_PLAIN inet n - n - - smtpd
  -o smtpd_milters=
127.0.0.1:$P_DB inet n - n - - smtpd
  -o smtpd_milters=inet:127.0.0.1:$P_RFDB
127.0.0.1:$P_SA inet n - n - - smtpd
  -o smtpd_milters=unix:$PF_DIR/spamass.sock
127.0.0.1:$P_RS inet n - n - - smtpd
  -o smtpd_milters=inet:127.0.0.1:$P_RSPROXY
MC
pf_start || exit 1
redflag_milter_start || exit 1
"$REDFLAG" milter --socket "inet:$P_RFDB@127.0.0.1" \
    --set "db=$PF_DIR/campaigns.db" >>"$PF_DIR/milter-db.log" 2>&1 &
RFDB_PID=$!
pf_wait_port "$P_RFDB" 20 || { echo "redflag milter with db: no start" >&2; exit 1; }

# spamd + spamass-milter
have_sa=
if command -v spamd >/dev/null && command -v spamass-milter >/dev/null; then
	spamd -L --nouser-config -u nobody --cf='dns_available no' \
	    --cf='use_bayes 0' --cf='bayes_auto_learn 0' --listen="127.0.0.1:$P_SPAMD" \
	    --max-children=4 -s "$PF_DIR/spamd.log" \
	    >/dev/null 2>&1 &
	SPAMD_PID=$!
	if pf_wait_port "$P_SPAMD" 90; then
		( umask 0; exec spamass-milter -p "$PF_DIR/spamass.sock" \
		    -- -d 127.0.0.1 -p "$P_SPAMD" ) >"$PF_DIR/spamass.log" \
		    2>&1 &
		SAM_PID=$!
		n=0
		while [ ! -S "$PF_DIR/spamass.sock" ] && [ $n -lt 100 ]; do
			sleep 0.1; n=$((n + 1))
		done
		[ -S "$PF_DIR/spamass.sock" ] && have_sa=1
	fi
	[ -n "$have_sa" ] || echo "spamass-milter: could not be started" >&2
fi

# rspamd proxy worker (milter mode, scanning itself)
have_rs=
if command -v rspamd >/dev/null; then
	rs=$PF_DIR/rspamd
	mkdir -p "$rs/local.d" "$rs/db" "$rs/run" "$rs/log"
	chown -R nobody:nogroup "$rs"
	cat > "$rs/local.d/worker-proxy.inc" <<RS
bind_socket = "127.0.0.1:$P_RSPROXY";
milter = yes;
timeout = 120s;
upstream "local" { default = yes; self_scan = yes; }
count = 2;
RS
	echo "bind_socket = \"127.0.0.1:$P_RSNORMAL\"; count = 1;" \
	    > "$rs/local.d/worker-normal.inc"
	echo "bind_socket = \"127.0.0.1:$P_RSCTL\";" \
	    > "$rs/local.d/worker-controller.inc"
	# no DNS, no network checks: the machine has no network
	cat > "$rs/local.d/options.inc" <<RS
dns { nameserver = ["127.0.0.1:1"]; timeout = 0.1s; retransmits = 1; }
RS
	echo 'type = "file"; level = "error";' > "$rs/local.d/logging.inc"
	rspamd -f -u nobody -g nogroup -c /etc/rspamd/rspamd.conf \
	    --var="LOCAL_CONFDIR=$rs" --var="DBDIR=$rs/db" \
	    --var="RUNDIR=$rs/run" --var="LOGDIR=$rs/log" \
	    >"$PF_DIR/rspamd.out" 2>&1 &
	RSPAMD_PID=$!
	if pf_wait_port "$P_RSPROXY" 90; then
		have_rs=1
	else
		echo "rspamd: could not be started" >&2
		tail -5 "$PF_DIR/rspamd.out" "$rs/log/rspamd.log" >&2 2>/dev/null
	fi
fi

run() {	# NAME PORT COUNT
	python3 bench/smtpload.py "$2" "$3" "$C" \
	    "$PF_DOMAIN" > "$PF_DIR/res.$1" || return 1
	echo "$1 $(cat "$PF_DIR/res.$1")"
}
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$PF_DIR/res.$1"; }

echo "milter benchmark: $N messages ($PN for peers), $C clients, $(nproc) cores"
# warm up every path once
python3 bench/smtpload.py "$P_PLAIN" 20 2 >/dev/null
python3 bench/smtpload.py "$PF_PORT_MX" 20 2 >/dev/null
run postfix "$P_PLAIN" "$N"
run redflag "$PF_PORT_MX" "$N"
run redflag+db "$P_DB" "$N"
[ -n "$have_sa" ] && run spamass "$P_SA" "$PN"
[ -n "$have_rs" ] && run rspamd "$P_RS" "$PN"
echo
printf '%-10s %10s %10s %10s %12s %12s %8s\n' config msgs/s p50_ms \
    p99_ms added_p50 added_p99 failed
b50=$(field postfix p50_ms) b99=$(field postfix p99_ms)
for c in postfix redflag redflag+db spamass rspamd; do
	[ -f "$PF_DIR/res.$c" ] || { printf '%-10s %s\n' "$c" "not set up"; continue; }
	r=$(field $c msgs_per_s) p50=$(field $c p50_ms) p99=$(field $c p99_ms)
	printf '%-10s %10s %10s %10s %12s %12s %8s\n' "$c" "$r" "$p50" "$p99" \
	    "$(awk "BEGIN { print $p50 - $b50 }")" \
	    "$(awk "BEGIN { print $p99 - $b99 }")" \
	    "$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' "$PF_DIR/res.$c")"
done
echo "redflag milter messages analysed: $(grep -c 'verdict=' \
    "$PF_DIR/milter.log"), with the store: $(grep -c 'verdict=' \
    "$PF_DIR/milter-db.log")"
command -v sqlite3 >/dev/null && echo "copies in the store: $(sqlite3 \
    "$PF_DIR/campaigns.db" 'select sum(copies) from campaign')"
