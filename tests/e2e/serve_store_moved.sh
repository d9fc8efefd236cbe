#!/bin/sh
# serve_store_moved.sh - redflag serve whose hotline database is deleted
# or replaced while it runs.  It went on with the file it had open, which
# nobody opens again: the reports filed and the audit lines written after
# an `rm` were lost at the next restart, and a backup moved in its place
# was not seen, in silence.  Now, before a request, it sees that the file
# at the path of --db is not the one it has open (rf_hotline_moved), says
# so once on standard error and opens the path again (a new database when
# missing); when that fails it answers 503 (with Retry-After), says why
# once, and tries again at the next request.
. tests/e2e/lib/hotline.sh
cases() { "$REDFLAG" hotline --db "$1" cases --all 2>&1; }
said() { grep -c "serve: $DB: the file was deleted or replaced" "$T/serve.err"; }

start_server
api '{"urls": ["https://first-filed.example/a"]}' > /dev/null
cases "$DB" | grep -q first-filed || fail "the first report was not filed"

# rm: the next report is filed in a new database at the path
rm -f "$DB" "$DB-wal" "$DB-shm"
api '{"urls": ["https://after-rm.example/b"]}' > "$T/r2"
[ -f "$DB" ] || fail "rm: no database at the path after a request: $(cat "$T/r2")"
cases "$DB" > "$T/c2"
grep -q after-rm "$T/c2" || fail "rm: the report is not in the new database: $(cat "$T/c2")"
grep -q first-filed "$T/c2" && fail "rm: the old report in the new database"
grep -q "serve: $DB: the file was deleted or replaced since it was opened; opened the path again: a new hotline database" "$T/serve.err" ||
	fail "rm: stderr does not say it: $(cat "$T/serve.err")"
api '{"urls": ["https://after-rm.example/c"]}' > /dev/null
[ "$(said)" = 1 ] || fail "rm: said $(said) times, not once"

# a backup moved in its place: its user signs in
DB=$T/backup.db add_user bob analyst
mv "$T/backup.db" "$DB"
login bob
grep -q "opened the path again: the file now there" "$T/serve.err" ||
	fail "restored: stderr does not say it: $(cat "$T/serve.err")"

# the path cannot be opened: 503, said once; then open again
rm -f "$DB" "$DB-wal" "$DB-shm"
mkdir "$DB"
code=$(curl -s -o "$T/b503" -D "$T/h503" -w '%{http_code}' "$BASE/login")
[ "$code" = 503 ] || fail "folder: HTTP $code, not 503"
grep -qi '^Retry-After: ' "$T/h503" || fail "folder: no Retry-After"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary '{"urls": ["https://while-lost.example/"]}' "$BASE/api/reports")
[ "$code" = 503 ] || fail "folder: the API answered $code, not 503"
[ "$(grep -c 'opening the path again failed: .*is a folder' "$T/serve.err")" = 1 ] ||
	fail "folder: the failure not said once: $(cat "$T/serve.err")"
rmdir "$DB"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/login")
[ "$code" = 200 ] || fail "folder gone: HTTP $code, not 200"
[ -f "$DB" ] || fail "folder gone: no database at the path"
kill -0 "$SERVE_PID" || fail "serve died"
echo "serve_store_moved: a hotline database deleted or replaced is opened again"
