# jobs.sh - sourced by tests/run.sh and fuzz/run.sh: run the lines of a
# list file several at a time.
#
#   jobs_count VALUE NAME [MAX]  print VALUE (empty: the number of CPUs),
#                                at least 1 and at most MAX; not a number:
#                                say so, naming NAME, and return 2
#   jobs_each LIST N FUNC        call FUNC K LINE for each line of LIST (K
#                                its number), N at once; each line is
#                                claimed by one worker (mkdir succeeds for
#                                one only); returns when all are done

jobs_count() {
	_jobs_n=${1:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
	case $_jobs_n in '' | *[!0-9]*)
		echo "$2=$_jobs_n: not a number" >&2
		return 2 ;;
	esac
	[ "$_jobs_n" -ge 1 ] || _jobs_n=1
	[ -z "${3:-}" ] || [ "$_jobs_n" -le "$3" ] || _jobs_n=$3
	echo "$_jobs_n"
}

jobs_each() {
	_jobs_claims=$(mktemp -d) || return 1
	_jobs_i=0
	while [ "$_jobs_i" -lt "$2" ]; do
		(
			_jobs_k=0
			while read -r _jobs_line; do
				_jobs_k=$((_jobs_k + 1))
				mkdir "$_jobs_claims/$_jobs_k" 2>/dev/null || continue
				"$3" "$_jobs_k" "$_jobs_line"
			done < "$1"
		) &
		_jobs_i=$((_jobs_i + 1))
	done
	wait
	rm -rf "$_jobs_claims"
}
