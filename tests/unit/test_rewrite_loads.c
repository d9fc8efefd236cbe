/*
 * test_rewrite_loads.c - what a browser loads with the page besides
 * images (s30): audio, video and their source and track, embed, object
 * data, frame and iframe are read as images with their element's size,
 * so a hidden or 1x1 one is a web bug and emptied, and a code in one
 * taken out; a meta refresh's URL (loaded after its time) and an a's or
 * area's ping URLs (requested when the link is followed) are links whose
 * codes are taken out; so is a base href (every relative URL loads
 * through it).  Before s30 none of them but the iframe was read (docs/html.md, "Links"): each confirmed
 * the address when the mail was shown or its cleaned link clicked.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* test_media: seed media-web-bugs (no recipient: the codes are found by
 * the web bugs' shape, and in bulk-less mail only there). */
static void
test_media(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("media-web-bugs", &st, &out);
	assert_int_equal(st.missed, 0);
	assert_int_equal(st.bugs, 6);	/* the 1x1 video's poster too */
	assert_true(buf_has(&out, "<video src=\"\" width=1 height=1 "
	    "poster=\"\">"));
	assert_true(buf_has(&out, "<audio controls "
	    "src=\"http://t.example/a.mp3\">"));
	assert_true(buf_has(&out, "<source src=\"\" width=0 height=0>"
	    "<track src=\"http://t.example/t.vtt\">"));
	assert_true(buf_has(&out, "<embed src=\"\" width=0 height=0>"));
	assert_true(buf_has(&out, "<object data=\"\" width=1 height=1>"));
	assert_true(buf_has(&out, "<iframe src=\"\" style=\"display:none\">"));
	assert_false(buf_has(&out, "8f3a9c2e7d1b4a6f"));
	rf_buf_free(&out);
}

/* test_refresh_ping: seed refresh-ping-tracked (bulk: List-Unsubscribe):
 * the refresh's code goes, its other parameter stays; both pings lose
 * their code, quoted and not, the href and the other ping as they were. */
static void
test_refresh_ping(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("refresh-ping-tracked", &st, &out);
	assert_int_equal(st.missed, 0);
	assert_true(buf_has(&out,
	    "content=\"0; url=http://r.example/go?x=1\""));
	assert_true(buf_has(&out, "<a href=\"http://s.example/\" "
	    "ping=\"http://p.example/ping http://p2.example/x\">shop</a>"));
	assert_true(buf_has(&out, "ping=http://p.example/ping>"));
	assert_false(buf_has(&out, "8f3a9c2e7d1b4a6f"));
	rf_buf_free(&out);
}

/* test_base: seed base-image-set-tracked (bulk): the base's code is
 * taken out of its path, the relative image left as it is; a hidden
 * element's url() emptied; the strings of image-set()s are not read
 * (docs/html.md), so their pixel and code stay, unreported. */
static void
test_base(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("base-image-set-tracked", &st, &out);
	assert_int_equal(st.missed, 0);
	assert_int_equal(st.bugs, 1);
	assert_true(buf_has(&out, "<base href=\"http://t.example/u/"
	    "redflag-removed/\"><"));
	assert_true(buf_has(&out, "<img src=\"logo.png\" width=200"));
	assert_true(buf_has(&out, "-webkit-image-set('http://t.example/o.gif' "
	    "1x, url() 2x, 'b.avif' type('image/avif'))"));
	assert_true(buf_has(&out, "image-set('http://t.example/q.gif?c="
	    "8f3a9c2e7d1b4a6f' 1x)"));
	rf_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_media),
		cmocka_unit_test(test_refresh_ping),
		cmocka_unit_test(test_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
