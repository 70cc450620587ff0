/*
 * fingerprint_test.c — the input fingerprints of story, photo and
 * licence form pages (src/site/fingerprint.c, docs/performance.md
 * "Incremental builds"): every field a page shows, changed alone,
 * changes the fingerprint of each page that shows it (else a rebuild
 * would keep a stale page), and a photo's own page is not made stale by
 * a photo of its story it does not show (else replacing one photo would
 * render the whole story's pages). Fields are hashed with their
 * lengths, so two lists of fields never pass for each other.
 * No files: the build is made in memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "site/internal.h"

#define N 4

static const char g[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct fixture {
    struct site_build b;
    struct story story;
    struct story *stories[1];
    char story_sha[1][65];
    size_t story_first[2];
    struct site_photo photos[N];
    struct image_output outputs[N][2];
    char ids[N][16], files[N][32], paths[N][2][64];
};

/* The fingerprints of every page of the story: [0] the story page, then
 * each photo's own page, then each photo's licence form. */
struct fps {
    char fp[1 + 2 * N][65];
};

static void all_fps(const struct fixture *f, struct fps *out)
{
    site_fp_story(&f->b, g, 0, out->fp[0]);
    for (size_t i = 0; i < N; i++) {
        site_fp_photo(&f->b, g, i, out->fp[1 + i]);
        site_fp_form(&f->b, g, &f->photos[i], out->fp[1 + N + i]);
    }
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->story.slug = "a-story";
    f->stories[0] = &f->story;
    snprintf(f->story_sha[0], 65, "%064d", 7);
    f->story_first[1] = N;
    for (size_t i = 0; i < N; i++) {
        struct site_photo *p = &f->photos[i];
        snprintf(f->ids[i], sizeof f->ids[i], "photo-%zu", i);
        snprintf(f->files[i], sizeof f->files[i], "photo-%zu.jpg", i);
        p->id = f->ids[i];
        p->file = f->files[i];
        p->story_slug = f->story.slug;
        p->status = ST_OK;
        snprintf(p->key, sizeof p->key, "%064zu", 100 + i);
        p->result.width = 640;
        p->result.height = 480;
        p->result.dominant_rgb[0] = 10;
        for (size_t k = 0; k < 2; k++) {
            snprintf(f->paths[i][k], sizeof f->paths[i][k], "/out/a-story/%s.0123456789-%u.jpg",
                     p->id, 320u * (unsigned)(k + 1));
            f->outputs[i][k] = (struct image_output){
                .format = IMAGE_JPEG, .width = 320u * (unsigned)(k + 1), .height = 240, .path = f->paths[i][k]};
        }
        p->result.outputs = f->outputs[i];
        p->result.n_outputs = 2;
        p->credentials = json_pack("{s:s, s:[{s:s, s:i}]}", "signer", "Agency", "actions",
                                   "action", "c2pa.created", "when", 1);
        assert_non_null(p->credentials);
    }
    f->b.stories = f->stories;
    f->b.n_stories = 1;
    f->b.story_sha = f->story_sha;
    f->b.story_first = f->story_first;
    f->b.photos = f->photos;
    f->b.n_photos = N;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < N; i++)
        json_decref(f->photos[i].credentials);
    free(f);
    return 0;
}

/* Which pages' fingerprints differ between `a` and `b`, as a string of
 * 's' (story), 'p<i>' and 'f<i>' marks, e.g. "s p1 f1 ". */
static void changed(const struct fps *a, const struct fps *b, char *out, size_t outlen)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t k = 0; k < 1 + 2 * N; k++) {
        if (strcmp(a->fp[k], b->fp[k]) == 0)
            continue;
        int n = k == 0 ? snprintf(out + o, outlen - o, "s ")
                       : snprintf(out + o, outlen - o, "%c%zu ", k <= N ? 'p' : 'f',
                                  k <= N ? k - 1 : k - 1 - N);
        o += (size_t)n;
    }
}

/* Changes made to photo 1 one at a time (and undone): what each must
 * make stale. Photo 1's own fields show on the story page, its own page,
 * its form, and (id, key) on its neighbours' pages 0 and 2. */
static void each_field_of_a_photo(void **state)
{
    struct fixture *f = *state;
    struct site_photo *p = &f->photos[1];
    struct fps before, after;
    char got[128];
    all_fps(f, &before);
    all_fps(f, &after);
    changed(&before, &after, got, sizeof got);
    assert_string_equal(got, ""); /* nothing that changes by itself */

#define CHECK(change, undo, expect)                                                            \
    do {                                                                                       \
        change;                                                                                \
        all_fps(f, &after);                                                                    \
        undo;                                                                                  \
        changed(&before, &after, got, sizeof got);                                             \
        if (strcmp(got, expect) != 0)                                                          \
            fail_msg("%s: stale or over-broad pages: got \"%s\", want \"%s\"", #change, got,   \
                     expect);                                                                  \
    } while (0)

    char old_key[65];
    memcpy(old_key, p->key, sizeof old_key);
    CHECK(p->key[10] = 'f', memcpy(p->key, old_key, sizeof old_key), "s p0 p1 p2 f1 ");
    CHECK(p->id = "other", p->id = f->ids[1], "s p0 p1 p2 f1 ");
    CHECK(p->file = "other.jpg", p->file = f->files[1], "s p1 f1 ");
    CHECK(p->original_name = "photo-1.orig.jpg", p->original_name = NULL, "s p1 f1 ");
    CHECK(p->original_name = "", p->original_name = NULL, "s p1 f1 ");
    CHECK(p->result.width = 641, p->result.width = 640, "s p1 f1 ");
    CHECK(p->result.height = 481, p->result.height = 480, "s p1 f1 ");
    CHECK(p->result.dominant_rgb[2] = 1, p->result.dominant_rgb[2] = 0, "s p1 f1 ");
    CHECK(p->result.n_outputs = 1, p->result.n_outputs = 2, "s p1 f1 ");
    CHECK(f->outputs[1][1].format = IMAGE_WEBP, f->outputs[1][1].format = IMAGE_JPEG, "s p1 f1 ");
    CHECK(f->outputs[1][1].width = 321, f->outputs[1][1].width = 640, "s p1 f1 ");
    CHECK(f->outputs[1][1].height = 241, f->outputs[1][1].height = 240, "s p1 f1 ");
    char c = f->paths[1][1][20];
    CHECK(f->paths[1][1][20] = 'X', f->paths[1][1][20] = c, "s p1 f1 ");
    /* the panel: a value deep inside it, a string for a number, gone */
    json_t *act = json_array_get(json_object_get(p->credentials, "actions"), 0);
    CHECK(json_object_set_new(act, "action", json_string("c2pa.edited")),
          json_object_set_new(act, "action", json_string("c2pa.created")), "s p1 f1 ");
    CHECK(json_object_set_new(act, "when", json_string("1")),
          json_object_set_new(act, "when", json_integer(1)), "s p1 f1 ");
    json_t *cred = p->credentials;
    CHECK(p->credentials = NULL, p->credentials = cred, "s p1 f1 ");
    /* a photo that fails: gone from its neighbours' links and from
     * "N of M" on every photo page; its own page and form are not made
     * (its fingerprints change all the same) */
    CHECK(p->status = ST_MALFORMED, p->status = ST_OK, "s p0 p1 p2 p3 f1 ");
    /* the story: its text, its slug, the site */
    CHECK(f->story_sha[0][3] = 'a', f->story_sha[0][3] = '0', "s p0 p1 p2 p3 f0 f1 f2 f3 ");
    CHECK(f->story.slug = "b-story", f->story.slug = "a-story", "s ");
#undef CHECK
    /* photo pages and forms carry their story's slug themselves */
    char a[65], b[65];
    site_fp_form(&f->b, g, p, a);
    p->story_slug = "b-story";
    site_fp_form(&f->b, g, p, b);
    p->story_slug = f->story.slug;
    assert_string_not_equal(a, b);
    site_fp_photo(&f->b, "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1, a);
    site_fp_photo(&f->b, g, 1, b);
    assert_string_not_equal(a, b);
}

/* The neighbours a photo page links to are the built photos next to it,
 * past one that failed: replacing photo 2 makes photo 0's page stale
 * when photo 1 between them failed. */
static void neighbour_past_a_failed_photo(void **state)
{
    struct fixture *f = *state;
    f->photos[1].status = ST_MALFORMED;
    char before[65], after[65];
    site_fp_photo(&f->b, g, 0, before);
    f->photos[2].key[5] = 'e';
    site_fp_photo(&f->b, g, 0, after);
    assert_string_not_equal(before, after);
    /* and photo 3's page is not photo 0's neighbour's concern */
    site_fp_photo(&f->b, g, 3, before);
    f->photos[0].key[5] = 'e';
    site_fp_photo(&f->b, g, 3, after);
    assert_string_equal(before, after);
}

/* Fields are hashed with their lengths: an id and a file name that
 * print the same with a space between them differ. */
static void fields_do_not_run_together(void **state)
{
    struct fixture *f = *state;
    struct site_photo *p = &f->photos[0];
    char a[65], b[65];
    p->id = "x y";
    p->file = "z";
    site_fp_form(&f->b, g, p, a);
    p->id = "x";
    p->file = "y z";
    site_fp_form(&f->b, g, p, b);
    assert_string_not_equal(a, b);
    p->id = f->ids[0];
    p->file = f->files[0];
}

/* Site-wide pages: their name, the site's fingerprint and what else
 * they show each count; the navigation counts in `g`. */
static void site_pages(void **state)
{
    struct fixture *f = *state;
    char a[65], b[65];
    site_fp_page(&f->b, "404.html", g, NULL, a);
    site_fp_page(&f->b, "404.html", g, "", b);
    assert_string_not_equal(a, b);
    site_fp_page(&f->b, "licensing/thanks/index.html", g, NULL, b);
    assert_string_not_equal(a, b);
    json_t *nav = json_pack("[{s:s, s:s}]", "href", "tags/", "title", "Tags");
    site_fp_site(&f->b, nav, a);
    json_object_set_new(json_array_get(nav, 0), "title", json_string("Tag"));
    site_fp_site(&f->b, nav, b);
    assert_string_not_equal(a, b);
    json_decref(nav);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(strspn(a, "0123456789abcdef"), 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(each_field_of_a_photo, setup, teardown),
        cmocka_unit_test_setup_teardown(neighbour_past_a_failed_photo, setup, teardown),
        cmocka_unit_test_setup_teardown(fields_do_not_run_together, setup, teardown),
        cmocka_unit_test_setup_teardown(site_pages, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
