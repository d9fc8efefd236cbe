/*
 * http_throttle.c - failed sign-ins per client address (http_throttle.h):
 * a fixed table, searched from end to end (THROTTLE_SLOTS entries, once
 * per sign-in attempt: microseconds beside the argon2id hash of one).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http_throttle.h"

/* A client address: its family and 4 (IPv4) or 8 (IPv6: the /64 network,
 * as one host is given a whole /64 and may take any address in it; an
 * IPv4-mapped address as IPv4) bytes; one of another family is the
 * all-zero key (they share one slot). */
struct key {
	unsigned char family, addr[16];
};

struct slot {
	struct key key;
	unsigned failures;	/* since first */
	time_t first;		/* the first failure counted */
	time_t until;		/* refused until then; 0: not refused */
	time_t last;		/* touched last: the oldest goes first */
};

struct throttle {
	unsigned max_failures, window;
	size_t n;		/* slots in use: slot[0..n) */
	struct slot slot[THROTTLE_SLOTS];
};

static void
key_of(const struct sockaddr *sa, struct key *k)
{
	memset(k, 0, sizeof(*k));
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		k->family = 4;
		memcpy(k->addr, &in->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			k->family = 4;
			memcpy(k->addr, in6->sin6_addr.s6_addr + 12, 4);
		} else {
			k->family = 6;
			memcpy(k->addr, &in6->sin6_addr, 8);
		}
	}
}

/* find: the slot of sa's address, or NULL. */
static struct slot *
find(struct throttle *t, const struct sockaddr *sa)
{
	struct key k;
	size_t i;

	key_of(sa, &k);
	for (i = 0; i < t->n; i++)
		if (memcmp(&t->slot[i].key, &k, sizeof(k)) == 0)
			return &t->slot[i];
	return NULL;
}

struct throttle *
throttle_new(unsigned max_failures, unsigned window)
{
	struct throttle *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->max_failures = max_failures > 0 ? max_failures : 1;
	t->window = window > 0 ? window : 1;
	return t;
}

void
throttle_free(struct throttle *t)
{
	free(t);
}

unsigned
throttle_wait(struct throttle *t, const struct sockaddr *sa, time_t now)
{
	struct slot *s = find(t, sa);

	if (s == NULL || s->until <= now)
		return 0;
	return (unsigned)(s->until - now);
}

int
throttle_fail(struct throttle *t, const struct sockaddr *sa, time_t now)
{
	struct slot *s = find(t, sa);
	size_t i;

	if (s == NULL) {
		if (t->n < THROTTLE_SLOTS) {
			s = &t->slot[t->n++];
		} else {	/* full: the one touched longest ago goes */
			s = &t->slot[0];
			for (i = 1; i < t->n; i++)
				if (t->slot[i].last < s->last)
					s = &t->slot[i];
		}
		memset(s, 0, sizeof(*s));
		key_of(sa, &s->key);
	}
	s->last = now;
	if (s->failures == 0 || now - s->first >= (time_t)t->window) {
		/* a new window (a refusal has ended with it) */
		s->failures = 0;
		s->first = now;
		s->until = 0;
	}
	if (++s->failures < t->max_failures || s->until > now)
		return 0;
	s->until = now + (time_t)t->window;
	return 1;
}

void
throttle_clear(struct throttle *t, const struct sockaddr *sa)
{
	struct slot *s = find(t, sa);

	if (s != NULL)		/* the last slot takes its place */
		*s = t->slot[--t->n];
}

const char *
throttle_name(const struct sockaddr *sa, char *out, size_t n)
{
	const void *a = NULL;

	if (sa != NULL && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa != NULL && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, out, (socklen_t)n) ==
	    NULL)
		snprintf(out, n, "?");
	return out;
}
