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
# STATUS.  Fails naming the command, the side and the option.
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
	for o in $(comm -23 "$tmp/code" "$tmp/help"); do
		echo "FAIL: $name: $o is accepted but not in --help" >&2
		fails=$((fails + 1))
	done
	for o in $(comm -23 "$tmp/code" "$tmp/man"); do
		echo "FAIL: $name: $o is accepted but not in $page" >&2
		fails=$((fails + 1))
	done
	for o in $(comm -13 "$tmp/code" "$tmp/help"); do
		echo "FAIL: $name: --help lists $o, not accepted" >&2
		fails=$((fails + 1))
	done
	for o in $(comm -13 "$tmp/code" "$tmp/man"); do
		echo "FAIL: $name: $page lists $o, not accepted" >&2
		fails=$((fails + 1))
	done
}

check redflag redflag.1 - src/redflag.c
check scan redflag-scan.1 - src/cmd_scan.c
check clean redflag-clean.1 - src/cmd_clean.c src/config.c
check filter redflag-filter.1 - src/cmd_filter.c src/config.c
check milter redflag-milter.8 - src/cmd_milter.c src/config.c
check campaigns redflag-campaigns.1 - src/cmd_campaigns.c
check consent redflag-consent.1 - src/cmd_consent.c src/feedback.c \
	src/config.c
check complain redflag-complain.1 - src/cmd_complain.c src/feedback.c \
	src/config.c
check arf redflag-arf.1 - src/cmd_arf.c src/feedback.c src/config.c
check train redflag-train.1 - src/cmd_train.c
check hotline redflag-hotline.1 - src/cmd_hotline.c src/hotline_fe.c
# serve: "hotline user add NAME --role admin", "ulimit -n"
check serve redflag-serve.1 "--role -n" src/cmd_serve.c src/hotline_fe.c
check cluster redflag-cluster.1 - src/cmd_cluster.c

# the exit statuses each --help lists (its "exit" paragraph) are those of
# its manual page's EXIT STATUS
for c in scan clean filter milter campaigns consent complain arf train \
    hotline serve cluster; do
	page=$(ls docs/man/redflag-$c.[18])
	h=$("$REDFLAG" "$c" --help | awk '/^exit/ { p = 1 } p && /^$/ { p = 0 } p' |
	    grep -oE '\b(0|1|6[4-9]|7[0-8])\b' | sort -un | tr '\n' ' ')
	m=$(awk '/^\.(SH|Sh) / { p = ($2 == "EXIT") } p' "$page" |
	    grep -oE '\b(0|1|6[4-9]|7[0-8])\b' | sort -un | tr '\n' ' ')
	if [ -z "$h" ] || [ "$h" != "$m" ]; then
		echo "FAIL: $c: exit statuses in --help [$h], in $page [$m]" >&2
		fails=$((fails + 1))
	fi
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
