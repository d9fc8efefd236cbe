# shellcheck shell=sh
# sqlite.sh - sourced by the end-to-end tests that need an SQLite file's
# write lock held by another process (store_locked.sh,
# classifier_concurrent.sh).

# sqlite_hold DB SECONDS SQL DIR: another process takes DB's write lock
# (BEGIN IMMEDIATE, then SQL unless it is empty) and holds it for
# SECONDS, then rolls back; its output goes to DIR/holder.out.  Returns
# once the lock is held (1 when it was not within 10 s), the process's
# pid in $holder (the caller waits for it or kills it).
sqlite_hold() {
	python3 - "$1" "$2" "$3" > "$4/holder.out" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN IMMEDIATE")
if sys.argv[3]:
    c.execute(sys.argv[3])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
PY
	# shellcheck disable=SC2034 # the caller's
	holder=$!
	_n=0
	until grep -q locked "$4/holder.out" 2>/dev/null; do
		_n=$((_n + 1))
		[ $_n -lt 100 ] || return 1
		sleep 0.1
	done
}
