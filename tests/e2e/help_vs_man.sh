#!/bin/sh
# help_vs_man.sh - every option a command's code accepts is listed by its
# --help and in the SYNOPSIS, OPTIONS, COMMANDS, SETTINGS or STORE section
# of its manual page, and every option those list is one the code accepts
# (or another program's, named in the table below).
#
# The code's options are the string literals "-x", "--name" and
# "--name=" of the files that parse each command's arguments (the table
# below: a command's own file and the shared parsers it calls); -h and
# --help, which every command takes (redflag(1)), are left out.  The
# manual pages are man(7) or mdoc(7): "\-" is "-", mdoc's "Fl x" is "-x".
# Also: the exit statuses of each --help are those of its page's EXIT
# STATUS, read by structure: on the page the tags of the section's list
# items (man(7) .TP or .IP, mdoc(7) .It), each beginning with a status,
# so that a number in the prose is not taken for one; in --help the
# numbers that begin the paragraph's comma-separated items.  Fails naming
# the command, the side and the option (or the statuses).
set -u
: "${REDFLAG:=build/redflag}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

# code_opts FILE...: the option literals of the files (of src/redflag.c
# only main(): the rest are helpers other commands call), and --set for
# a file that calls the helpers that parse it (cli_set_option and the
# two built on it)
code_opts() {
	for f in "$@"; do
		if [ "$f" = src/redflag.c ]; then
			awk '/^main\(/,0' "$f"
			continue
		fi
		cat "$f"
		! grep -qE 'cli_(set|limit|verdict)_option\(' "$f" ||
		    echo '"--set"'
	done | grep -oE '"(-[a-zA-Z]|--[a-z][a-z0-9-]*)=?"' | tr -d '"=' |
	    grep -vxE -- '-h|--help' | sort -u
}

# text_opts: the option names in the text on standard input
text_opts() {
	grep -oE '(^|[][ |,(/"'"'"'`])--?[a-zA-Z][a-zA-Z0-9-]*' |
	    sed 's/^[^-]*//' | grep -vxE -- '-h|--help' | sort -u
}

# man_opts PAGE: the option names of the SYNOPSIS, OPTIONS, COMMANDS,
# SETTINGS and STORE sections of a manual page
man_opts() {
	awk '
	/^\.(SH|Sh) / { s = $2; gsub(/"/, "", s)
		keep = (s == "SYNOPSIS" || s == "OPTIONS" || s == "COMMANDS" ||
		    s == "SETTINGS" || s == "STORE")
		next }
	/^\.(Bl|Bd|El|Ed) / { next }
	keep' "$1" |
	    sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\&//g; s/\\^//g' |
	    sed -E 's/(^|[ .])Fl +([A-Za-z-][A-Za-z0-9-]*)/\1 -\2/g; s/(^|[ .])Fl +([A-Za-z-][A-Za-z0-9-]*)/\1 -\2/g' |
	    text_opts
}

# each_fails FLAG A B BEFORE AFTER: a failure of command $name,
# "BEFORE OPTION AFTER", for each option `comm FLAG A B` prints
each_fails() {
	for o in $(comm "$1" "$2" "$3"); do
		echo "FAIL: $name: $4$o$5" >&2
		fails=$((fails + 1))
	done
}

# check NAME PAGE OTHERS FILE...: OTHERS, options of other programs the
# help or the page may name ("-": none)
check() {
	name=$1 page=docs/man/$2 others=$3
	shift 3
	code_opts "$@" >"$tmp/code"
	if [ "$name" = redflag ]; then
		"$REDFLAG" --help
	else
		"$REDFLAG" "$name" --help
	fi 2>&1 | text_opts >"$tmp/help0"
	man_opts "$page" >"$tmp/man0"
	echo "$others" | tr ' ' '\n' | sort -u >"$tmp/others"
	comm -23 "$tmp/help0" "$tmp/others" >"$tmp/help"
	comm -23 "$tmp/man0" "$tmp/others" >"$tmp/man"
	each_fails -23 "$tmp/code" "$tmp/help" "" " is accepted but not in --help"
	each_fails -23 "$tmp/code" "$tmp/man" "" " is accepted but not in $page"
	each_fails -13 "$tmp/code" "$tmp/help" "--help lists " ", not accepted"
	each_fails -13 "$tmp/code" "$tmp/man" "$page lists " ", not accepted"
}

check redflag redflag.1 - src/redflag.c
check scan redflag-scan.1 - src/cmd_scan.c src/config.c src/redis_auth.c
check clean redflag-clean.1 - src/cmd_clean.c src/config.c
check filter redflag-filter.1 - src/cmd_filter.c src/config.c \
	src/redis_auth.c
check milter redflag-milter.8 - src/cmd_milter.c src/config.c \
	src/redis_auth.c
check campaigns redflag-campaigns.1 - src/cmd_campaigns.c src/config.c \
	src/redis_auth.c
check consent redflag-consent.1 - src/cmd_consent.c src/feedback.c \
	src/config.c src/redis_auth.c
check complain redflag-complain.1 - src/cmd_complain.c src/feedback.c \
	src/config.c src/redis_auth.c
check arf redflag-arf.1 - src/cmd_arf.c src/feedback.c src/config.c \
	src/redis_auth.c
check train redflag-train.1 - src/cmd_train.c src/config.c src/redis_auth.c
check hotline redflag-hotline.1 - src/cmd_hotline.c src/hotline_fe.c
# serve: "hotline user add NAME --role admin", "ulimit -n"
check serve redflag-serve.1 "--role -n" src/cmd_serve.c src/hotline_fe.c
check cluster redflag-cluster.1 - src/cmd_cluster.c

# section_opts PAGE SYN: the option names of PAGE's SYNOPSIS (SYN 1) or
# of the rest of its text but NAME (SYN 0), read as man_opts reads them
section_opts() {
	awk -v want="$2" '
	/^\.(SH|Sh) / { s = $2; gsub(/"/, "", s)
		keep = want ? s == "SYNOPSIS" : (s != "SYNOPSIS" && s != "NAME")
		next }
	/^\.(Bl|Bd|El|Ed) / { next }
	keep' "$1" |
	    sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\&//g; s/\\^//g' |
	    sed -E 's/(^|[ .])Fl +([A-Za-z-][A-Za-z0-9-]*)/\1 -\2/g; s/(^|[ .])Fl +([A-Za-z-][A-Za-z0-9-]*)/\1 -\2/g' |
	    text_opts
}

# every option a page's SYNOPSIS shows is described in its text too (an
# option in the SYNOPSIS alone, as complain's --db, arf make's --rcpt and
# serve's --secure-cookies were, tells a reader nothing of what it does);
# redflag.conf(5)'s SYNOPSIS shows other pages' options
for page in docs/man/redflag.1 docs/man/redflag-*.[18]; do
	section_opts "$page" 1 >"$tmp/syn"
	section_opts "$page" 0 >"$tmp/body"
	for o in $(comm -23 "$tmp/syn" "$tmp/body"); do
		echo "FAIL: $page: $o is in the SYNOPSIS only, described nowhere" >&2
		fails=$((fails + 1))
	done
done

# man_statuses PAGE: the exit statuses of the page's EXIT STATUS section,
# one a line, from the tags of its list items (the line after .TP, .IP's
# argument, .It's), font macros and quotes left out; a tag that does not
# begin with a number is printed as "not a status: TAG"
man_statuses() {
	awk '
	function tag(t) {
		sub(/^\.(TP|IP|It|B|BR|I|IR|Sy|Li) */, "", t)
		gsub(/"/, "", t)
		if (t ~ /^[0-9]+( |$)/) { sub(/ .*/, "", t); print t }
		else print "not a status: " t
	}
	/^\.(SH|Sh) / { p = ($2 == "EXIT" && $3 == "STATUS"); next }
	!p { next }
	tp { tp = 0; tag($0); next }
	/^\.TP/ { tp = 1; next }
	/^\.(IP|It) / { tag($0) }' "$1" | sort -n | uniq
}

# help_statuses NAME: the exit statuses of NAME --help, one a line: the
# numbers that begin its "exit status:" paragraph and each item after a
# comma
help_statuses() {
	"$REDFLAG" "$1" --help | awk '/^exit/ { p = 1 } p && /^$/ { p = 0 } p' |
	    tr '\n' ' ' | sed 's/^exit status: */, /' |
	    grep -oE ', [0-9]+( |$)' | tr -dc '0-9\n' | sort -n | uniq
}

# check_exit NAME PAGE: the statuses of NAME --help are those of PAGE,
# which lists each as an item; 1 (said on standard error) when not
check_exit() {
	h=$(help_statuses "$1" | tr '\n' ' ')
	m=$(man_statuses "$2" | tr '\n' ' ')
	if [ -z "$h" ] || [ "$h" != "$m" ]; then
		echo "FAIL: $1: exit statuses in --help [$h], in $2 [$m]" >&2
		return 1
	fi
}

for c in scan clean filter milter campaigns consent complain arf train \
    hotline serve cluster; do
	check_exit "$c" "$(ls docs/man/redflag-$c.[18])" ||
		fails=$((fails + 1))
done

# the status extraction itself: status 1 left out of a page's list (its
# item's words moved into the prose of status 0's, "1" among them) is
# missing, and the check fails; the items of an mdoc and a man(7) page
# are seen
for page in redflag-campaigns.1 redflag-train.1; do
	sed '/^\.It 1$/{N; s/^\.It 1\n/(1 of them, said in prose) /}
	    /^\.TP$/{N; /\n\.B 1$/{N; s/^\.TP\n\.B 1\n/(1 of them, said in prose) /}}' \
	    "docs/man/$page" >"$tmp/$page"
	[ "$(man_statuses "docs/man/$page" | tr '\n' ' ')" = "0 1 64 69 70 " ] &&
	    [ "$(man_statuses "$tmp/$page" | tr '\n' ' ')" = "0 64 69 70 " ] &&
	    grep -q "^(1 of them" "$tmp/$page" &&
	    ! check_exit "$(echo "$page" | sed "s/^redflag-//; s/\.1$//")" \
	    "$tmp/$page" 2>/dev/null || {
		echo "FAIL: a status missing from $page's items is not seen" >&2
		fails=$((fails + 1))
	}
done

# the extraction itself: an option left out of a page is seen
sed 's/--verdict/--verdikt/' src/cmd_clean.c >"$tmp/clean.c"
code_opts "$tmp/clean.c" | grep -qx -- --verdikt &&
    ! man_opts docs/man/redflag-clean.1 | grep -qx -- --verdikt &&
    man_opts docs/man/redflag-clean.1 | grep -qx -- --verdict &&
    man_opts docs/man/redflag-clean.1 | grep -qx -- -c || {
	echo "FAIL: the option extraction does not see --verdict or -c" >&2
	fails=$((fails + 1))
}

[ "$fails" -eq 0 ] || { echo "help_vs_man: $fails failures" >&2; exit 1; }
echo "help_vs_man: the options of 13 commands agree with --help and the manual pages"
