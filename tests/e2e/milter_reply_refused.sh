#!/bin/sh
# milter_reply_refused.sh - when libmilter refuses a reply the milter
# sets (smfi_setreply fails: out of memory, or a libmilter that checks
# more), the milter still answers (reject, tempfail: the MTA then gives
# its own reply of the same class) and logs "reply CODE XCODE not set
# (libmilter refused it)".  On 5fd5bdd it logged "(74 octets, at most
# 512)", the words of a reply too long to send.  The refusal
# is made by a preloaded smfi_setreply that returns MI_FAILURE (built
# here with cc); the rest is the real libmilter.  Before that, with the
# real smfi_setreply, the same milter sends its own reply line.
set -u
. tests/e2e/lib/postfix.sh
command -v "${CC:-cc}" >/dev/null || { echo "skip: no C compiler" >&2; exit 77; }
ldd "$REDFLAG" 2>/dev/null | grep -q 'libmilter\.so' ||
	{ echo "skip: libmilter not a shared library here" >&2; exit 77; }
milter_test_begin mreply 240
client="timeout 30 python3 tests/e2e/lib/milterclient.py"

printf '%s\n' '/* the smfi_setreply of libmilter refusing every reply */' \
    'int smfi_setreply(void *ctx, char *rcode, char *xcode, char *text)' \
    '{ (void)ctx; (void)rcode; (void)xcode; (void)text; return -1; }' \
    > "$PF_DIR/refuse.c"
"${CC:-cc}" -shared -fPIC -o "$PF_DIR/refuse.so" "$PF_DIR/refuse.c" ||
	fail "cannot build the preloaded smfi_setreply"

# answer ACTION [PRELOAD]: the milter's last answer to one message with
# every verdict's action ACTION, with refuse.so preloaded when PRELOAD
# (an ASan build checks that its runtime comes first: not here).
answer() {
	if [ -n "${2:-}" ]; then
		LD_PRELOAD=$PF_DIR/refuse.so \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		redflag_milter_start --set "action=$1" --set "action.ham=$1" \
		    --set "action.unsure=$1" --set "action.bulk=$1" || exit 1
	else
		redflag_milter_start --set "action=$1" --set "action.ham=$1" \
		    --set "action.unsure=$1" --set "action.bulk=$1" || exit 1
	fi
	$client "$RF_MILTER_PORT" transaction > "$PF_DIR/out" ||
		fail "$1: no answer"
	redflag_milter_stop KILL	# no need to wait 5 s for a clean stop
	tail -n 1 "$PF_DIR/out"
}

got=$(answer reject)
case $got in "y 550 5.7.1 "*) ;; *) fail "reject: '$got', not its reply" ;; esac
got=$(answer tempfail)
case $got in "y 451 4.7.1 "*) ;; *) fail "tempfail: '$got', not its reply" ;; esac
grep -q "reply .* not set" "$PF_DIR/milter.log" && fail "a reply not set without cause"

got=$(answer reject preload)
[ "$got" = "r " ] || fail "reject, reply refused: '$got', not a plain reject"
got=$(answer tempfail preload)
[ "$got" = "t " ] || fail "tempfail, reply refused: '$got', not a plain tempfail"
for r in "550 5.7.1" "451 4.7.1"; do
	grep -qx "redflag milter: reply $r not set (libmilter refused it): the MTA's own" \
	    "$PF_DIR/milter.log" || fail "$r: refusal not logged as such"
done
grep -q "octets, at most" "$PF_DIR/milter.log" &&
	fail "a refused reply logged as too long"
echo "milter_reply_refused: replies set; refused ones logged as refused, the answer kept"
