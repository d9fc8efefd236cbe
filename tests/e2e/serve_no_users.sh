#!/bin/sh
# serve_no_users.sh - redflag serve on a store with no user says at start,
# once, on standard error, that nobody can sign in yet and how to add a
# user (it started in silence: a login page nobody could pass); with a
# user it says nothing of the kind.
. tests/e2e/lib/hotline.sh
hint="redflag: serve: no users yet: add one with 'redflag hotline user add NAME --role ROLE'"

start_server
[ "$(grep -cxF "$hint" "$T/serve.err")" = 1 ] ||
    fail "no users: stderr: $(cat "$T/serve.err")"
halt "$SERVE_PID"
add_user ann admin
launch again
grep -q 'no users' "$T/again.err" && fail "a user, yet: $(cat "$T/again.err")"
halt "$PID"
echo "serve_no_users: ok"
