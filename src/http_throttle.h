/*
 * http_throttle.h - failed sign-ins counted per client address, in
 * memory, in a table of fixed size (THROTTLE_SLOTS): after max_failures
 * failures from one address within window seconds, that address is
 * refused sign-in for window seconds, without the password being hashed
 * (docs/hotline.md, "Sign-in throttling").  Used by the one polling
 * thread of redflag serve only: no locking.
 */
#ifndef REDFLAG_HTTP_THROTTLE_H
#define REDFLAG_HTTP_THROTTLE_H

#include <stddef.h>
#include <time.h>

struct sockaddr;
struct throttle;

/*
 * THROTTLE_SLOTS: the addresses the table follows at once (48 bytes
 * each, 192 KB, allocated once when serve starts).  A failed sign-in costs an
 * argon2id hash (about 80 ms, on the one server thread), so the server
 * sees at most some 12 failures a second, under 4,000 in the default
 * window of 300 s: every address failing within a window fits.  When it
 * is full, the address touched longest ago is forgotten (to push out a
 * throttled one, a client must fail from 4,096 other addresses first:
 * some 5 minutes of failures, by when the default window is over).
 */
#define THROTTLE_SLOTS 4096

/* throttle_new: a table for max_failures failures within window
 * seconds (both at least 1); NULL when out of memory. */
struct throttle *throttle_new(unsigned max_failures, unsigned window);

/* throttle_free: release t; NULL allowed. */
void throttle_free(struct throttle *t);

/* throttle_wait: the seconds the client at sa must still wait before a
 * sign-in attempt of it is taken, at now (a monotonic clock's seconds);
 * 0 when it may try now. */
unsigned throttle_wait(struct throttle *t, const struct sockaddr *sa,
		       time_t now);

/* throttle_fail: count a failed sign-in of the client at sa at now; 1
 * when it is the failure that throttles the address (for window
 * seconds from now), else 0. */
int throttle_fail(struct throttle *t, const struct sockaddr *sa,
		  time_t now);

/* throttle_clear: forget the failures of the client at sa (a sign-in
 * of it succeeded). */
void throttle_clear(struct throttle *t, const struct sockaddr *sa);

/* throttle_name: the client address at sa as text in out (size n):
 * "127.0.0.1", "::1", "?" when of another family. */
const char *throttle_name(const struct sockaddr *sa, char *out, size_t n);

#endif
