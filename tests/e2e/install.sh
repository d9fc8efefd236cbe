#!/bin/sh
# install.sh - `make install` and `make uninstall` as an administrator
# runs them, into a staging root (DESTDIR) under a mktemp folder: never
# the real /etc, /usr or /var.
#
# With PREFIX=/usr: every file expected, with its mode, and no other; the
# installed binary is the build's and finds the sample's 2 campaigns;
# each manual page is found by man(1) in its section and renders without
# a groff warning; both units pass `systemd-analyze verify` (on copies
# whose ExecStart points into the staging root, the manual pages of
# Documentation= looked up there); the milter, started with exactly the
# arguments of the unit's ExecStart (its settings file replaced by a
# temporary one: the installed example with every commented default
# taken and an inet socket on a free loopback port), stays in the
# foreground, filters a message and exits 0 on SIGTERM; every setting of
# the example is one redflag.conf(5) or docs/limits.md documents (limits
# at their documented default); a second install keeps an edited
# redflag.conf, and uninstall leaves only it.  With the default PREFIX:
# /usr/local paths, SYSCONFDIR $(PREFIX)/etc, and uninstall leaves
# nothing.  As root also: sysusers.d and tmpfiles.d files applied to the
# staging root (systemd-sysusers, systemd-tmpfiles --root), and the milter
# run under the unit's CapabilityBoundingSet and NoNewPrivileges
# (setpriv): it binds a unix socket in a root-owned folder, gives it to its
# user, changes root and becomes that user; without any one of the
# capabilities it cannot start (exit 77).
set -u
: "${REDFLAG:=build/redflag}"
: "${BUILD:=build}"
for tool in python3 groff man systemd-analyze; do
	command -v "$tool" >/dev/null ||
	    { echo "skip: no $tool (scripts/deps.sh)" >&2; exit 77; }
done
. tests/e2e/lib/postfix.sh
T=$(mktemp -d) || exit 1
pid=	# the milter running, stopped at the end
trap '[ -z "$pid" ] || { kill "$pid"; wait "$pid"; } 2>/dev/null; rm -rf "$T"' \
    EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
R=$T/root
UNITDIR=$R/usr/lib/systemd/system

# mk ARGS: make ARGS for this build, as a user would run it (not as part
# of the make that runs the tests); its output in $T/make.out
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory \
	    BUILD="$BUILD" "$@" >"$T/make.out" 2>&1 ||
	    fail "make $*: $(cat "$T/make.out")"
}
# installing must not build: an out-of-date build would be made again
# without the flags it was made with (SAN=1)
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -q BUILD="$BUILD" \
    "$BUILD/redflag" || fail "$BUILD/redflag is not up to date: make it first"

mk install DESTDIR="$R" PREFIX=/usr

# every file, with its mode, and nothing else
{
	echo "755 usr/bin/redflag"
	for p in docs/man/*.[1-8]; do
		echo "644 usr/share/man/man${p##*.}/${p##*/}"
	done
	echo "644 usr/lib/systemd/system/redflag-milter.service"
	echo "644 usr/lib/systemd/system/redflag-serve.service"
	echo "644 usr/lib/sysusers.d/redflag.conf"
	echo "644 usr/lib/tmpfiles.d/redflag.conf"
	echo "644 etc/redflag/redflag.conf"
} | sort -k2 >"$T/want"
(cd "$R" && find . -type f -printf '%m %P\n') | sort -k2 >"$T/got"
diff "$T/want" "$T/got" >&2 || fail "installed files (- expected, + found)"
cmp -s "$REDFLAG" "$R/usr/bin/redflag" || fail "the binary is not $REDFLAG"
cmp -s dist/redflag.conf "$R/etc/redflag/redflag.conf" ||
	fail "redflag.conf is not dist/redflag.conf"

# the units, with the paths of PREFIX=/usr written in
! grep -n '@[A-Z]*@' "$UNITDIR"/*.service >&2 || fail "a unit keeps an @...@"
grep -qx 'ExecStart=/usr/bin/redflag milter --config /etc/redflag/redflag.conf' \
    "$UNITDIR/redflag-milter.service" || fail "milter unit: ExecStart"
grep -q '^ExecStart=/usr/bin/redflag serve --db /var/lib/redflag/' \
    "$UNITDIR/redflag-serve.service" || fail "serve unit: ExecStart"

# the installed binary reads the sample: its 2 campaigns (5 and 3)
"$R/usr/bin/redflag" scan --json samples/sample.mbox >"$T/scan.json" ||
	fail "the installed binary cannot scan samples/sample.mbox"
sizes=$(python3 -c 'import json, sys
c = {}
for l in open(sys.argv[1]):
    k = json.loads(l).get("campaign")
    if k and k["size"] >= 2:
        c[k["id"]] = k["size"]
print(" ".join(str(n) for n in sorted(c.values())))' "$T/scan.json")
[ "$sizes" = "3 5" ] || fail "sample: campaigns of sizes [$sizes], not [3 5]"

# each manual page: found in its section, rendered without a warning
for p in docs/man/*.[1-8]; do
	name=${p##*/} sec=${p##*.}
	name=${name%.*}
	got=$(man -M "$R/usr/share/man" -w "$sec" "$name" 2>&1)
	[ "$got" = "$R/usr/share/man/man$sec/$name.$sec" ] ||
		fail "man -w $sec $name: $got"
	groff -mandoc -ww -z "$got" >"$T/groff.out" 2>&1
	[ $? -eq 0 ] && [ ! -s "$T/groff.out" ] ||
		fail "$got: groff -mandoc -ww: $(cat "$T/groff.out")"
done

# systemd-analyze verify: on copies whose ExecStart is the staged binary
mkdir "$T/verify"
for u in redflag-milter.service redflag-serve.service; do
	sed "s|^ExecStart=/usr/bin/|ExecStart=$R/usr/bin/|" "$UNITDIR/$u" \
	    >"$T/verify/$u"
done
MANPATH=$R/usr/share/man systemd-analyze verify "$T"/verify/*.service \
    >"$T/verify.out" 2>&1
[ $? -eq 0 ] && [ ! -s "$T/verify.out" ] ||
	fail "systemd-analyze verify: $(cat "$T/verify.out")"

# every setting of the example is documented; a limit at its default
sed -n 's/^#\{0,1\}\([a-z_.]*\) =.*/\1/p' dist/redflag.conf >"$T/names"
[ "$(wc -l <"$T/names")" -ge 40 ] || fail "redflag.conf: only $(wc -l <"$T/names") settings"
while read -r name; do
	case $name in
	max_*)
		def=$(sed -n "s/^#$name = //p" dist/redflag.conf)
		grep -qF "| \`$name\` | $def |" docs/limits.md ||
			fail "redflag.conf: $name = $def: not so in docs/limits.md"
		continue ;;
	clean.*) name='clean.\\fIVERDICT' ;;
	esac
	grep -qE "^\.BI? $name(\$|\\\\f| )|\\\\fB$name(\$|\\\\f| )" \
	    docs/man/redflag.conf.5 ||
		fail "redflag.conf: $name is not in redflag.conf(5)"
done <"$T/names"

# stop_milter LOG: the milter $pid, which runs as $user when one is set,
# stops on SIGTERM with status 0 (LOG: its output)
stop_milter() {
	if [ -n "$user" ]; then
		uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
		n=$(id -u "$user")
		[ "$uids" = "$n $n $n $n" ] || fail "the milter's uids: $uids"
	fi
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	pid=
	[ "$rc" -eq 0 ] && grep -q 'stopping: finishing messages in flight' "$1" ||
		fail "milter: exit $rc after SIGTERM: $(cat "$1")"
}

# the milter with the unit's ExecStart: the settings file replaced by the
# example with its commented defaults taken, an inet socket, the store in
# $T (as root the user is nobody, who owns the store's folder)
mkdir "$T/store" && chmod 755 "$T" || fail "mkdir"
user=
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	user=nobody
	chown nobody "$T/store" || fail "chown"
fi
port=$(pf_free_port)
sed -e 's/^#\([a-z_.]* =\)/\1/' \
    -e "s|^socket = .*|socket = inet:$port@127.0.0.1|" \
    -e "s|^user = .*|user = $user|" \
    -e "s|^db = .*|db = $T/store/redflag.db|" \
    "$R/etc/redflag/redflag.conf" >"$T/milter.conf"
[ "$(grep -c '^[a-z]' "$T/milter.conf")" -ge 40 ] ||
	fail "the commented defaults were not taken"
set -- $(sed -n 's/^ExecStart=//p' "$UNITDIR/redflag-milter.service")
bin=$R$1
shift
for a in "$@"; do
	[ "$a" = /etc/redflag/redflag.conf ] && a=$T/milter.conf
	set -- "$@" "$a"
	shift
done
"$bin" "$@" >"$T/milter.log" 2>&1 &
pid=$!
pf_wait_port "$port" 20 || fail "the milter does not listen: $(cat "$T/milter.log")"
kill -0 "$pid" 2>/dev/null ||
	fail "the milter left the foreground: $(cat "$T/milter.log")"
timeout 30 python3 tests/e2e/lib/milterclient.py "$port" transaction \
    >"$T/reply" 2>&1 || fail "milter transaction: $(cat "$T/reply")"
grep -q '^h X-Redflag-Verdict: ham$' "$T/reply" ||
	fail "milter reply: $(cat "$T/reply")"
stop_milter "$T/milter.log"

if [ "$(id -u)" -eq 0 ] && [ -n "$user" ]; then
	# sysusers.d and tmpfiles.d files, applied to a root of their own
	S=$T/sys
	mkdir -p "$S/etc" "$S/usr/lib" &&
	    cp -r "$R/usr/lib/sysusers.d" "$R/usr/lib/tmpfiles.d" "$S/usr/lib" &&
	    systemd-sysusers --root="$S" >"$T/sys.out" 2>&1 &&
	    systemd-tmpfiles --root="$S" --create >>"$T/sys.out" 2>&1 ||
		fail "sysusers/tmpfiles: $(cat "$T/sys.out")"
	grep -q '^redflag:x:[0-9]*:[0-9]*:.*:/var/lib/redflag:' "$S/etc/passwd" ||
		fail "no user redflag: $(cat "$S/etc/passwd")"
	g=$(sed -n 's/^redflag:x:\([0-9]*\):.*/\1/p' "$S/etc/group")
	u=$(sed -n 's/^redflag:x:\([0-9]*\):.*/\1/p' "$S/etc/passwd")
	[ "$(stat -c '%a %u %g' "$S/var/lib/redflag")" = "750 $u $g" ] &&
	    [ "$(stat -c '%a %u %g' "$S/var/spool/postfix/redflag")" = "750 0 $g" ] ||
		fail "tmpfiles folders: $(ls -ln "$S/var/lib" "$S/var/spool/postfix")"

	# the unit's capabilities: enough for a unix socket in a root-owned
	# folder, its chown, the chroot and the change of user; and each needed
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNITDIR/redflag-milter.service")
	grep -qx 'NoNewPrivileges=yes' "$UNITDIR/redflag-milter.service" ||
		fail "milter unit: NoNewPrivileges"
	mkdir -p "$T/spool/redflag" "$T/jail/store" && chmod 750 "$T/spool/redflag" &&
	    chown nobody "$T/jail/store" || fail "mkdir"
	sock=$T/spool/redflag/milter.sock
	printf 'socket = unix:%s\nuser = nobody\nchroot = %s\ndb = /store/r.db\n' \
	    "$sock" "$T/jail" >"$T/unix.conf"
	# bounding SET: setpriv's form of the capabilities SET
	bounding() {
		echo "-all$(for c in $1; do printf ',+%s' "${c#CAP_}"; done |
		    tr 'A-Z' 'a-z')"
	}
	setpriv --bounding-set="$(bounding "$caps")" --no-new-privs \
	    "$bin" milter --config "$T/unix.conf" >"$T/unix.log" 2>&1 &
	pid=$!
	i=0
	until grep -qs 'listening on' "$T/unix.log"; do
		i=$((i + 1))
		[ $i -le 200 ] && kill -0 "$pid" 2>/dev/null ||
			fail "milter under CapabilityBoundingSet=$caps: $(cat "$T/unix.log")"
		sleep 0.05
	done
	[ "$(stat -c '%F %U %a' "$sock")" = "socket nobody 660" ] ||
		fail "the socket: $(stat -c '%F %U %a' "$sock")"
	[ "$(readlink "/proc/$pid/root")" = "$T/jail" ] ||
		fail "the milter did not change root"
	stop_milter "$T/unix.log"
	# (an ASan build's leak check at exit cannot read /proc once the
	# milter changed root: off for these runs, which only check the status)
	for c in $caps; do
		rc=0
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		    timeout 20 setpriv --bounding-set="$(bounding "$(echo " $caps " |
		    sed "s/ $c / /")")" --no-new-privs "$bin" milter \
		    --config "$T/unix.conf" >"$T/less.log" 2>&1 || rc=$?
		[ "$rc" -eq 77 ] || fail "milter without $c: exit $rc: $(cat "$T/less.log")"
	done
fi

# a second install keeps an edited redflag.conf; uninstall leaves only it
echo 'bulk_size = 50' >>"$R/etc/redflag/redflag.conf"
cp "$R/etc/redflag/redflag.conf" "$T/edited"
mk install DESTDIR="$R" PREFIX=/usr
grep -q 'redflag.conf exists: kept' "$T/make.out" ||
	fail "second install: $(cat "$T/make.out")"
cmp -s "$T/edited" "$R/etc/redflag/redflag.conf" ||
	fail "the second install changed an edited redflag.conf"
mk uninstall DESTDIR="$R" PREFIX=/usr
[ "$(cd "$R" && find . -type f)" = "./etc/redflag/redflag.conf" ] ||
	fail "after uninstall: $(cd "$R" && find . -type f)"
cmp -s "$T/edited" "$R/etc/redflag/redflag.conf" ||
	fail "uninstall changed an edited redflag.conf"

# the default PREFIX, /usr/local; an unedited redflag.conf is removed too
L=$T/local
mk install DESTDIR="$L"
[ -f "$L/usr/local/bin/redflag" ] && [ -f "$L/usr/local/etc/redflag/redflag.conf" ] &&
    [ -f "$L/usr/local/share/man/man8/redflag-milter.8" ] ||
	fail "PREFIX=/usr/local: $(cd "$L" && find . -type f)"
grep -qx 'ExecStart=/usr/local/bin/redflag milter --config /usr/local/etc/redflag/redflag.conf' \
    "$L/usr/local/lib/systemd/system/redflag-milter.service" ||
	fail "PREFIX=/usr/local: milter unit's ExecStart"
mk uninstall DESTDIR="$L"
[ -z "$(cd "$L" && find . -type f)" ] && [ ! -e "$L/usr/local/etc/redflag" ] ||
	fail "PREFIX=/usr/local, after uninstall: $(cd "$L" && find .)"
echo "install: $(wc -l <"$T/want") files installed and removed; the milter" \
    "ran with its unit's ExecStart${user:+ and capabilities}"
