# postfix.sh - shell functions for the end-to-end tests and benchmarks
# that run a private Postfix instance (sourced, not run: tests/run.sh only
# runs tests/e2e/*.sh).
#
# The instance lives under one mktemp -d folder: its own config_directory,
# queue_directory, data_directory, Maildirs and log; it listens on
# 127.0.0.1 only, on free ports, and never touches the system instance.
#
#   pf_test_begin SECONDS        the start of a test with Postfix (started)
#   milter_test_begin NAME SECONDS  the start of one with the milter alone
#   pf_init          make the instance (PF_DIR, PF_CONF, ports below)
#   pf_start/pf_stop start and stop it
#   redflag_milter_start [ARGS]  start $REDFLAG milter on RF_MILTER_PORT
#   pf_delivered     how many messages were delivered to the Maildirs
#   pf_wait_delivered N SECONDS
#   pf_cleanup       stop everything and remove PF_DIR (for trap)
#
# Listeners: PF_PORT_MX  smtpd with smtpd_milters (the redflag milter),
#                        delivering test.example to Maildirs (virtual);
#                        (one Maildir, $PF_DIR/mail/box, for all);
#            PF_PORT_IN  smtpd without milter that queues every message
#                        and relays it to PF_PORT_MX through Postfix's
#                        smtp client, so that a tempfail from the milter
#                        leaves the message deferred in the queue.

PF_DOMAIN=test.example

pf_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# pf_wait_port PORT SECONDS: wait until something accepts on PORT.
pf_wait_port() {
	python3 - "$1" "$2" <<'PY'
import socket, sys, time
port, limit = int(sys.argv[1]), time.time() + float(sys.argv[2])
while time.time() < limit:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

# pf_watchdog SECONDS: end this test (and so run its trap) after SECONDS.
# The test is known by its PID and start time, so that a PID reused after
# the test ended is never signalled.
pf_watchdog() {
	_pf_self=$$
	_pf_start=$(cut -d' ' -f22 "/proc/$$/stat" 2>/dev/null)
	(
		sleep "$1"
		[ "$(cut -d' ' -f22 "/proc/$_pf_self/stat" 2>/dev/null)" = \
		    "$_pf_start" ] || exit 0
		kill -TERM "$_pf_self"
	) >/dev/null 2>&1 &
	PF_WATCHDOG=$!
}

pf_skip_unless_ready() {
	for c in postfix postconf postqueue python3 sqlite3; do
		command -v "$c" >/dev/null 2>&1 || {
			echo "skip: $c not installed (scripts/deps.sh)" >&2
			exit 77
		}
	done
	if [ "$(id -u)" -ne 0 ]; then
		echo "skip: a private Postfix instance needs root" >&2
		exit 77
	fi
	id postfix >/dev/null 2>&1 && getent group postdrop >/dev/null || {
		echo "skip: no postfix user or postdrop group" >&2
		exit 77
	}
}

# pf_test_begin SECONDS: the start of a Postfix test: skip (77) when
# Postfix, swaks or root is missing, clean up on exit, end after SECONDS;
# the instance made (pf_init) and started (pf_start), or exit 1; fail
# MESSAGE reports with the logs' tails and exits 1.  (A test with more to
# clean sets its own EXIT trap after this one, calling pf_cleanup last.)
pf_test_begin() {
	pf_skip_unless_ready
	command -v swaks >/dev/null || { echo "skip: no swaks" >&2; exit 77; }
	trap pf_cleanup EXIT
	trap 'echo "stopped (timeout or signal)" >&2; exit 1' INT TERM
	pf_watchdog "$1"
	pf_init
	pf_start || exit 1
}

fail() {
	echo "FAIL: $*" >&2
	tail -n 20 "$PF_DIR/maillog" "$PF_DIR/milter.log" >&2 2>/dev/null
	exit 1
}

# milter_test_begin NAME SECONDS: the start of a test that speaks to the
# redflag milter itself (python3, lib/milterclient.py), without Postfix,
# such as the milter and store tests: skip (77) without python3; PF_DIR a
# new folder /tmp/redflag-NAME.XXXXXX (the milter's log in it),
# RF_MILTER_PORT a free port; clean up on exit (pf_cleanup, which stops
# the milter too: a test with more to clean, a lock holder or Redis, sets
# its own EXIT trap after this one, calling pf_cleanup last), end after
# SECONDS; fail MESSAGE reports with the milter's whole log (when it has
# one) and exits 1.
milter_test_begin() {
	command -v python3 >/dev/null || { echo "skip: no python3" >&2; exit 77; }
	PF_DIR=$(mktemp -d "/tmp/redflag-$1.XXXXXX")
	RF_MILTER_PORT=$(pf_free_port)
	trap pf_cleanup EXIT
	trap 'echo "stopped (timeout or signal)" >&2; exit 1' INT TERM
	pf_watchdog "$2"
	fail() { echo "FAIL: $*" >&2; cat "$PF_DIR/milter.log" >&2 2>/dev/null; exit 1; }
}

pf_init() {
	PF_DIR=$(mktemp -d /tmp/redflag-pf.XXXXXX)
	chmod 755 "$PF_DIR"
	PF_CONF=$PF_DIR/etc
	PF_PORT_MX=$(pf_free_port)
	PF_PORT_IN=$(pf_free_port)
	RF_MILTER_PORT=$(pf_free_port)
	mkdir -p "$PF_CONF" "$PF_DIR/queue" "$PF_DIR/data" "$PF_DIR/mail"
	chown postfix "$PF_DIR/data"
	chown nobody:nogroup "$PF_DIR/mail"
	cat > "$PF_CONF/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $PF_DIR
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.$PF_DOMAIN
mydomain = $PF_DOMAIN
myorigin = $PF_DOMAIN
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
alias_maps =
alias_database =
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 10000
smtpd_hard_error_limit = 10000
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
in_flow_delay = 0
default_process_limit = 100
queue_run_delay = 300s
minimal_backoff_time = 300s
maximal_backoff_time = 600s
virtual_mailbox_domains = $PF_DOMAIN
virtual_mailbox_base = $PF_DIR/mail
virtual_mailbox_maps = static:box/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_destination_concurrency_limit = 20
smtpd_milters = inet:127.0.0.1:$RF_MILTER_PORT
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 5s
milter_content_timeout = 60s
CF
	{
		echo "127.0.0.1:$PF_PORT_MX inet n - n - - smtpd"
		echo "127.0.0.1:$PF_PORT_IN inet n - n - - smtpd"
		echo "  -o smtpd_milters="
		echo "  -o content_filter=relay:[127.0.0.1]:$PF_PORT_MX"
		cat <<'MC'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
MC
	} > "$PF_CONF/master.cf"
}

# pf_wait_listen PORT SECONDS: wait until something listens on PORT
# (127.0.0.1, TCP), without connecting: a connection to PF_PORT_MX starts
# an smtpd that connects to the milter, which may not run yet (Postfix
# would log "connect to Milter service ... Connection refused").
pf_wait_listen() {
	python3 - "$1" "$2" <<'PY'
import sys, time
port, limit = int(sys.argv[1]), time.time() + float(sys.argv[2])
want = "0100007F:%04X" % port
while time.time() < limit:
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            field = line.split()
            if field[1] == want and field[3] == "0A":
                sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
PY
}

pf_start() {
	postfix -c "$PF_CONF" check >"$PF_DIR/start.log" 2>&1 &&
	    postfix -c "$PF_CONF" start >>"$PF_DIR/start.log" 2>&1 &&
	    pf_wait_listen "$PF_PORT_MX" 20 && pf_wait_port "$PF_PORT_IN" 20 || {
		echo "postfix did not start:" >&2
		cat "$PF_DIR/start.log" "$PF_DIR/maillog" >&2 2>/dev/null
		return 1
	}
}

pf_stop() {
	[ -n "${PF_CONF:-}" ] || return 0
	timeout 20 postfix -c "$PF_CONF" stop >/dev/null 2>&1 ||
	    timeout 10 postfix -c "$PF_CONF" abort >/dev/null 2>&1
	# The master may take a moment to go.
	_pf_pid=$(cat "$PF_DIR/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
	_pf_n=0
	while [ -n "$_pf_pid" ] && kill -0 "$_pf_pid" 2>/dev/null &&
	    [ $_pf_n -lt 50 ]; do
		sleep 0.1
		_pf_n=$((_pf_n + 1))
	done
}

# redflag_milter_start [ARGS...]: start the milter on RF_MILTER_PORT.
redflag_milter_start() {
	"$REDFLAG" milter --socket "inet:$RF_MILTER_PORT@127.0.0.1" "$@" \
	    >>"$PF_DIR/milter.log" 2>&1 &
	RF_MILTER_PID=$!
	pf_wait_port "$RF_MILTER_PORT" 20 || {
		echo "redflag milter did not start:" >&2
		cat "$PF_DIR/milter.log" >&2
		return 1
	}
}

# redflag_milter_stop [SIGNAL]: stop it (TERM by default) and wait.
redflag_milter_stop() {
	[ -n "${RF_MILTER_PID:-}" ] || return 0
	kill -"${1:-TERM}" "$RF_MILTER_PID" 2>/dev/null
	_pf_n=0
	while kill -0 "$RF_MILTER_PID" 2>/dev/null && [ $_pf_n -lt 400 ]; do
		sleep 0.1
		_pf_n=$((_pf_n + 1))
	done
	kill -KILL "$RF_MILTER_PID" 2>/dev/null
	wait "$RF_MILTER_PID" 2>/dev/null
	RF_MILTER_RC=$?
	RF_MILTER_PID=
}

pf_delivered() {
	find "$PF_DIR/mail/box/new" -type f 2>/dev/null | wc -l
}

# pf_wait_delivered N SECONDS: 0 when N messages arrived in time.
pf_wait_delivered() {
	_pf_end=$(($(date +%s) + $2))
	while [ "$(pf_delivered)" -lt "$1" ]; do
		[ "$(date +%s)" -lt $_pf_end ] || return 1
		sleep 0.2
	done
}

# pf_flush_until N SECONDS: flush the queue (postqueue -f) every 2 s until
# N messages were delivered; a message deferred just after one flush is
# retried by the next.  0 when N arrived in time.  (The explicit return 0:
# when the Nth message lands just after a 2 s wait gave up, the loop ends on
# that wait's status 1.)
pf_flush_until() {
	_pf_flush_end=$(($(date +%s) + $2))
	while [ "$(pf_delivered)" -lt "$1" ]; do
		[ "$(date +%s)" -lt $_pf_flush_end ] || return 1
		postqueue -c "$PF_CONF" -f
		pf_wait_delivered "$1" 2 && return 0
	done
	return 0
}

pf_queue_count() {
	find "$PF_DIR/queue/incoming" "$PF_DIR/queue/active" \
	    "$PF_DIR/queue/deferred" "$PF_DIR/queue/maildrop" -type f \
	    2>/dev/null | wc -l
}

pf_cleanup() {
	redflag_milter_stop KILL
	pf_stop
	[ -n "${PF_WATCHDOG:-}" ] && kill "$PF_WATCHDOG" 2>/dev/null
	[ -n "${PF_DIR:-}" ] && [ -z "${PF_KEEP:-}" ] && rm -rf "$PF_DIR"
	return 0
}
