/*
 * derivindex_test.c — the derivative index of the site module
 * (src/site/derivindex.c, docs/performance.md "Incremental builds"): a
 * photo's outputs, dominant colour, cache files' (inode, device) and
 * Content Credentials panel come back from the file as they went in
 * (a credential string with a newline and markup included); an index
 * that would not change is not written; a damaged file (cut at every
 * byte, every byte changed, a file name that is a path, a key twice,
 * another version) is no index, never a crash. Under ASan.
 * Writes only to a mkdtemp folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/damage.h"
#include "lib/tmpdir.h"
#include "site/internal.h"

struct fixture {
    char dir[64];
    char entry[TS_LIMIT_PATH]; /* the cache folder of the key */
    char index[TS_LIMIT_PATH];
    struct site_build_options opt;
    struct site_build b;
    struct site_photo p;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ts-derivindex-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->b.cache_dir, sizeof f->b.cache_dir, "%s/.tearsheet/cache", f->dir);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_mkdirs(f->b.cache_dir, &d), ST_OK);
    snprintf(f->index, sizeof f->index, "%s/.tearsheet/deriv-index", f->dir);
    f->opt.site_dir = f->dir;
    f->b.opt = &f->opt;
    memset(f->p.key, 'b', 64);
    assert_true(path_join(f->entry, sizeof f->entry, f->b.cache_dir, f->p.key));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    site_deriv_index_free(&f->b);
    image_result_free(&f->p.result);
    json_decref(f->p.credentials);
    free(f->p.deriv_new);
    test_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Two outputs (a JPEG and a WebP of 64×48, inodes 11 and 12 on device
 * 3), and the credentials given; saved as the only photo. */
static void index_one_photo(struct fixture *f, json_t *credentials)
{
    struct site_photo *p = &f->p;
    struct image_result *r = &p->result;
    p->status = ST_OK;
    r->width = 640;
    r->height = 480;
    r->dominant_rgb[0] = 0x12;
    r->dominant_rgb[1] = 0xab;
    r->dominant_rgb[2] = 0xff;
    r->outputs = calloc(2, sizeof *r->outputs);
    assert_non_null(r->outputs);
    r->n_outputs = 2;
    const enum image_format fmt[2] = {IMAGE_JPEG, IMAGE_WEBP};
    struct stat ids[2];
    memset(ids, 0, sizeof ids);
    for (int i = 0; i < 2; i++) {
        char path[TS_LIMIT_PATH], name[16];
        snprintf(name, sizeof name, "d-64.%s", image_format_ext(fmt[i]));
        assert_true(path_join(path, sizeof path, f->entry, name));
        r->outputs[i] = (struct image_output){
            .format = fmt[i], .width = 64, .height = 48, .bytes = 1000 + (size_t)i,
            .path = strdup(path)};
        ids[i].st_ino = 11 + (ino_t)i;
        ids[i].st_dev = 3;
    }
    p->credentials = credentials;
    assert_int_equal(site_deriv_line_make(p, ids), ST_OK);
    f->b.photos = p;
    f->b.n_photos = 1;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(site_deriv_index_save(&f->b, &d), ST_OK);
}

static char *read_index(struct fixture *f, size_t *len)
{
    uint8_t *text = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(f->index, 1 << 20, &text, len, &d), ST_OK);
    return (char *)text;
}

static void write_index(struct fixture *f, const char *text, size_t len)
{
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_write_atomic(f->index, text, len, &d), ST_OK);
}

/* A lookup into a photo of the same key: true when the index has it. */
static bool lookup(struct fixture *f, struct site_photo *q, struct stat ids[4])
{
    memset(q, 0, sizeof *q);
    memcpy(q->key, f->p.key, sizeof q->key);
    return site_deriv_index_lookup(&f->b, q, f->entry, ids, 4);
}

static void forget(struct site_photo *q)
{
    image_result_free(&q->result);
    json_decref(q->credentials);
    q->credentials = NULL;
}

static void round_trip(void **state)
{
    struct fixture *f = *state;
    const char *hostile = "<b>\"signer\"</b>\nend 1 0123456789abcdef\n\\ \xc3\xa9";
    index_one_photo(f, json_pack("{s:s, s:b, s:[i]}", "signer", hostile, "trusted", 1,
                                 "widths", 64));
    site_deriv_index_load(&f->b);
    assert_non_null(f->b.deriv_index);
    struct site_photo q;
    struct stat ids[4];
    assert_true(lookup(f, &q, ids));
    assert_int_equal(q.result.width, 640);
    assert_int_equal(q.result.height, 480);
    assert_memory_equal(q.result.dominant_rgb, f->p.result.dominant_rgb, 3);
    assert_int_equal(q.result.n_outputs, 2);
    for (size_t i = 0; i < 2; i++) {
        const struct image_output *a = &q.result.outputs[i], *b = &f->p.result.outputs[i];
        assert_int_equal(a->format, b->format);
        assert_int_equal(a->width, 64);
        assert_int_equal(a->height, 48);
        assert_int_equal(a->bytes, b->bytes);
        assert_string_equal(a->path, b->path); /* in the cache folder */
        assert_int_equal(ids[i].st_ino, 11 + i);
        assert_int_equal(ids[i].st_dev, 3);
    }
    assert_true(json_equal(q.credentials, f->p.credentials));
    assert_string_equal(json_string_value(json_object_get(q.credentials, "signer")), hostile);
    assert_non_null(q.deriv_old);
    forget(&q);

    /* another key: not there, and nothing left in the photo */
    memset(q.key, 'c', 64);
    assert_false(site_deriv_index_lookup(&f->b, &q, f->entry, ids, 4));
    assert_null(q.result.outputs);
    assert_null(q.credentials);

    /* every photo's line from the old index: not written again */
    struct site_photo again;
    assert_true(lookup(f, &again, ids));
    again.status = ST_OK;
    f->b.photos = &again;
    struct timespec old[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};
    assert_int_equal(utimensat(AT_FDCWD, f->index, old, 0), 0);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(site_deriv_index_save(&f->b, &d), ST_OK);
    struct stat sb;
    assert_int_equal(stat(f->index, &sb), 0);
    assert_int_equal(sb.st_mtime, 1000);
    /* that photo gone: written, with no line */
    again.status = ST_IO;
    assert_int_equal(site_deriv_index_save(&f->b, &d), ST_OK);
    assert_int_equal(stat(f->index, &sb), 0);
    assert_int_not_equal(sb.st_mtime, 1000);
    forget(&again);
    site_deriv_index_load(&f->b);
    assert_non_null(f->b.deriv_index);
    assert_false(lookup(f, &q, ids));
    f->b.photos = &f->p;

    /* no credentials: "-", and none back */
    json_decref(f->p.credentials);
    f->p.credentials = NULL;
    image_result_free(&f->p.result);
    index_one_photo(f, NULL);
    site_deriv_index_load(&f->b);
    assert_true(lookup(f, &q, ids));
    assert_null(q.credentials);
    forget(&q);
}

static void refused(void *ctx, const char *bytes, size_t len)
{
    struct fixture *f = ctx;
    write_index(f, bytes, len);
    site_deriv_index_load(&f->b);
    assert_null(f->b.deriv_index);
}

static void damaged_index_is_ignored(void **state)
{
    struct fixture *f = *state;
    index_one_photo(f, json_pack("{s:s}", "signer", "Ana"));
    size_t len = 0;
    char *good = read_index(f, &len);
    site_deriv_index_load(&f->b);
    assert_non_null(f->b.deriv_index);
    const char subst[] = {'\0', '\n', ' ', '-', '/', '9', 'a', (char)0xff};
    test_each_damage(good, len, subst, sizeof subst, refused, f);
    free(good);
    /* lines under a last line that matches them: only the first is an
     * index */
    const char *ok = "64 48 12abff 1 jpg 64 48 1000 11 3 d-64.jpg -";
    const struct {
        const char *magic, *fields;
        int lines;
        bool good;
    } cases[] = {
        {"2", ok, 1, true},
        {"2", "64 48 12abff 1 jpg 64 48 1000 11 3 ../../x -", 1, false},   /* a path */
        {"2", "64 48 12abff 1 jpg 64 48 1000 11 3 .. -", 1, false},       /* hidden */
        {"2", "64 48 12abff 1 gif 64 48 1000 11 3 d-64.gif -", 1, false}, /* format */
        {"2", "64 48 12abff 2 jpg 64 48 1000 11 3 d-64.jpg -", 1, false}, /* count */
        {"2", "64 48 12abff 0 -", 1, false},                              /* none */
        {"2", "64 48 12abff 99 jpg 64 48 1000 11 3 d-64.jpg -", 1, false},
        {"2", "64 48 12abzz 1 jpg 64 48 1000 11 3 d-64.jpg -", 1, false}, /* colour */
        {"2", "64 48 12abff 1 jpg 4294967296 48 1000 11 3 d-64.jpg -", 1, false},
        {"2", "64 48 12abff 1 jpg 64 48 1000 11 3 d-64.jpg [1]", 1, false}, /* not {} */
        {"2", ok, 2, false},                                              /* twice */
        {"1", ok, 1, false},                                              /* version */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char first[64], line[256], text[1024];
        snprintf(first, sizeof first, "tearsheet derivative index %s", cases[i].magic);
        snprintf(line, sizeof line, "%s %s", f->p.key, cases[i].fields);
        size_t n = test_line_file(text, sizeof text, first, line, cases[i].lines);
        assert_int_not_equal(n, 0);
        write_index(f, text, n);
        site_deriv_index_load(&f->b);
        if (cases[i].good) {
            assert_non_null(f->b.deriv_index);
        } else {
            assert_null(f->b.deriv_index);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_index_is_ignored, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
