#!/bin/sh
# milter_store_moved.sh - a SQLite store whose file is deleted, moved away
# or replaced while the milter has it open.  The milter counted on into
# the file it had open, which nobody opens again: every count after an
# `rm` was lost at the next restart, in silence.  Now, before it uses the
# store for a message, it sees that the file at the path of db is not
# the one it has open (SQLITE_FCNTL_HAS_MOVED), says so once in its log,
# and opens the path again (a new store when missing):
#   - rm of the file and its -wal and -shm: the next message is counted
#     in a new file at the path;
#   - the file alone moved away (as logrotate would): the next message is
#     counted in a new file, and the moved file is whole (the -wal left
#     at the path held its last pages: copied into it first);
#   - a backup moved in its place, the milter running: the next message
#     is counted in the backup, and no page of the old file shows in it;
#   - the same with no message before the stop: the stop copies the old
#     file's log into it, so the backup opens clean at the next start;
#   - the path cannot be opened again (a folder there): the message is
#     answered by on_error (451 4.3.0; on_error = accept: passed as it
#     came), and once the path can be opened the next message is counted;
#   - as root, --user nobody --chroot DIR: the new file is made inside the
#     chroot, by nobody, as at start.
set -u
. tests/e2e/lib/postfix.sh
milter_test_begin mmoved 240
client="timeout 30 python3 tests/e2e/lib/milterclient.py"
mkdir "$PF_DIR/store" "$PF_DIR/bk"
db=$PF_DIR/store/redflag.db
log=$PF_DIR/milter.log

# ids FILE: the ids of the campaigns FILE holds, sorted, on one line
ids() {
	"$REDFLAG" campaigns --db "$1" --min-size 1 --limit 0 --json |
	    sed -n 's/.*"id": "\([0-9a-f]*\)".*/\1/p' | sort | tr '\n' ' '
}
# copies FILE ID: the copies counted of campaign ID in FILE
copies() {
	"$REDFLAG" campaigns --db "$1" --min-size 1 --limit 0 --json |
	    sed -n "s/.*\"id\": \"$2\".*\"copies\": \([0-9]*\),.*/\1/p"
}
# send KIND: one message (transaction or rewrite, two campaigns), which
# must be accepted
send() {
	$client "$RF_MILTER_PORT" "$1" > "$PF_DIR/out" || fail "$1: no answer"
	tail -n 1 "$PF_DIR/out" | grep -q '^c' ||
		fail "$1: $(tail -n 1 "$PF_DIR/out"), not accepted"
}
moved_lines() { grep -c 'was deleted or replaced' "$log"; }
start() {
	rm -rf "$PF_DIR/store"/* && : > "$log"
	redflag_milter_start --set "db=$db" "$@" || exit 1
}

# the ids of each message's campaign, from a store of their own
start
send transaction
A=$(ids "$db")
redflag_milter_stop TERM
start
send rewrite
B=$(ids "$db")
[ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ] ||
	fail "two campaigns wanted: '$A' '$B'"
redflag_milter_stop TERM
"$REDFLAG" scan --db "$PF_DIR/bk/backup.db" samples/sample.mbox > /dev/null ||
	fail "no backup store"
C=$(ids "$PF_DIR/bk/backup.db")

# 1. rm: the next message counted in a new file at the path, said once
start
send transaction
rm -f "$db" "$db-wal" "$db-shm"
send rewrite
[ -f "$db" ] || fail "rm: no store at the path after the next message"
[ "$(ids "$db")" = "$B" ] || fail "rm: the new store holds '$(ids "$db")', not '$B'"
grep -q "db = $db: the file was deleted or replaced since it was opened; opened the path again: a new store" "$log" ||
	fail "rm: the log does not say it"
send rewrite
[ "$(copies "$db" "${B% }")" = 2 ] ||
	fail "rm: later copies not counted: $(copies "$db" "${B% }")"
[ "$(moved_lines)" = 1 ] || fail "rm: said $(moved_lines) times, not once"
redflag_milter_stop TERM
[ "$RF_MILTER_RC" -eq 0 ] || fail "rm: exit status $RF_MILTER_RC"

# 2. the file alone moved away: a new one at the path, the moved one whole
start
send transaction
mv "$db" "$db.1"
send rewrite
[ "$(ids "$db")" = "$B" ] || fail "moved: the path holds '$(ids "$db")', not '$B'"
mkdir "$PF_DIR/rot" && mv "$db.1" "$PF_DIR/rot/old.db"
[ "$(ids "$PF_DIR/rot/old.db")" = "$A" ] ||
	fail "moved: the moved file holds '$(ids "$PF_DIR/rot/old.db")', not '$A'"
redflag_milter_stop TERM

# 3. a backup moved in while the milter runs: counted in it, nothing of
# the old file in it
start
send transaction
cp "$PF_DIR/bk/backup.db" "$PF_DIR/store/new.db"
mv "$PF_DIR/store/new.db" "$db"
send rewrite
want=$(printf '%s\n' $C ${B% } | sort | tr '\n' ' ')
[ "$(ids "$db")" = "$want" ] ||
	fail "restored: the path holds '$(ids "$db")', not '$want'"
grep -q "opened the path again: the file now there" "$log" ||
	fail "restored: the log does not say it"
redflag_milter_stop TERM

# 4. a backup moved in, then the stop, no message between
start
send transaction
cp "$PF_DIR/bk/backup.db" "$PF_DIR/store/new.db"
mv "$PF_DIR/store/new.db" "$db"
redflag_milter_stop TERM
[ "$(ids "$db")" = "$C" ] ||
	fail "restored, stopped: the path holds '$(ids "$db")', not '$C'"

# 5. the path cannot be opened again: on_error, then counted once it can
start
send transaction
rm -f "$db" "$db-wal" "$db-shm"
mkdir "$db"
$client "$RF_MILTER_PORT" rewrite > "$PF_DIR/out" || fail "folder: no answer"
tail -n 1 "$PF_DIR/out" | grep -q '^y 451 4.3.0 ' ||
	fail "folder: $(tail -n 1 "$PF_DIR/out"), not 451 4.3.0"
grep -q "db = $db: the file was deleted or replaced since it was opened, and opening the path again failed: .*is a folder" "$log" ||
	fail "folder: the log does not say why"
rmdir "$db"
send rewrite
[ "$(ids "$db")" = "$B" ] || fail "folder gone: the path holds '$(ids "$db")', not '$B'"
redflag_milter_stop TERM
start --set on_error=accept
send transaction
rm -f "$db" "$db-wal" "$db-shm"
mkdir "$db"
$client "$RF_MILTER_PORT" rewrite > "$PF_DIR/out" || fail "accept: no answer"
grep -q '^h ' "$PF_DIR/out" && fail "on_error = accept changed the message"
tail -n 1 "$PF_DIR/out" | grep -q '^a' ||
	fail "on_error = accept: $(tail -n 1 "$PF_DIR/out"), not accepted"
rmdir "$db"
redflag_milter_stop TERM
[ "$RF_MILTER_RC" -eq 0 ] || fail "exit status $RF_MILTER_RC"

# 6. as root: opened again in the milter's chroot, as its user (nobody)
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -p "$PF_DIR/root/store" && chown nobody "$PF_DIR/root/store" ||
		fail "chroot: cannot make the store's folder"
	: > "$log"
	redflag_milter_start --set db=/store/redflag.db --user nobody \
	    --chroot "$PF_DIR/root" || exit 1
	send transaction
	rdb=$PF_DIR/root/store/redflag.db
	rm -f "$rdb" "$rdb-wal" "$rdb-shm"
	send rewrite
	[ "$(ids "$rdb")" = "$B" ] ||
		fail "chroot: the path holds '$(ids "$rdb")', not '$B'"
	[ "$(stat -c %U "$rdb")" = nobody ] ||
		fail "chroot: the new store belongs to $(stat -c %U "$rdb")"
	grep -q "db = /store/redflag.db: the file was deleted or replaced" "$log" ||
		fail "chroot: the log does not say it"
	redflag_milter_stop TERM
fi
echo "milter_store_moved: a store deleted, moved or replaced is opened again"
