/*
 * statindex_test.c — the stat index and header cache of the site module
 * (src/site/statindex.c, docs/performance.md "Incremental builds"): an
 * entry is trusted only when every stat field matches and it is older
 * than the index file (git's racy rule); the cached header holds exactly
 * the bytes up to the SOS segment header, and meta_read over it gives
 * the photo's metadata; a file that is not a clean JPEG gets no header.
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

#include "site/internal.h"

/* A small JPEG header: SOI, APP1 EXIF with Artist "Ana", SOF0 8×8, SOS,
 * then some entropy bytes and EOI. */
static const uint8_t jpeg[] = {
    0xFF, 0xD8,
    /* APP1: "Exif\0\0" + TIFF II, IFD0 with one entry: Artist (0x013B) ASCII "Ana\0" */
    0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
    'I', 'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x3B, 0x01, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 'A', 'n', 'a', 0,
    0x00, 0x00, 0x00, 0x00,
    /* SOF0: 8-bit, 8×8, 1 component */
    0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00,
    /* SOS: 1 component */
    0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00,
    /* entropy-coded bytes and EOI: never part of the header */
    0x12, 0x34, 0x56, 0x78, 0xFF, 0xD9};
static const size_t header_len = sizeof jpeg - 6;

struct fixture {
    char dir[64];
    char cache[TS_LIMIT_PATH];
    struct site_build_options opt;
    struct site_build b;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ts-statindex-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->cache, sizeof f->cache, "%s/.tearsheet/cache/head", f->dir);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_mkdirs(f->cache, &d), ST_OK);
    snprintf(f->cache, sizeof f->cache, "%s/.tearsheet/cache", f->dir);
    f->opt.site_dir = f->dir;
    f->b.opt = &f->opt;
    snprintf(f->b.cache_dir, sizeof f->b.cache_dir, "%s", f->cache);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    json_decref(f->b.stat_index);
    free(f->b.stat_index_text);
    free(f);
    return 0;
}

static void set_index_mtime(struct fixture *f, time_t when)
{
    char path[TS_LIMIT_PATH];
    snprintf(path, sizeof path, "%s/.tearsheet/stat-index.json", f->dir);
    struct timespec ts[2] = {{.tv_sec = when}, {.tv_sec = when}};
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* An index of one photo, "stories/a/one.jpg", last changed at 1 s. */
static void index_one_photo(struct fixture *f, struct site_photo *p)
{
    struct diag d;
    diag_clear(&d);
    *p = (struct site_photo){.src_path = "stories/a/one.jpg", .status = ST_OK,
                             .have_stat = true, .have_head = true};
    p->stat = (struct site_stat){.size = 64, .ino = 7, .dev = 3, .mtime_ns = 1000000000LL,
                                 .ctime_ns = 1000000001LL};
    memset(p->content, 'a', 64);
    p->content[64] = '\0';
    f->b.photos = p;
    f->b.n_photos = 1;
    assert_int_equal(site_stat_index_save(&f->b, &d), ST_OK);
}

static void index_lookup_rules(void **state)
{
    struct fixture *f = *state;
    struct diag d;
    diag_clear(&d);
    struct site_photo p;
    index_one_photo(f, &p);

    char content[65];
    site_stat_index_load(&f->b);
    assert_non_null(f->b.stat_index);
    assert_true(site_stat_index_lookup(&f->b, &p, content));
    assert_memory_equal(content, p.content, 65);

    /* any field changed: not trusted */
    struct site_photo q = p;
    q.stat.size = 65;
    assert_false(site_stat_index_lookup(&f->b, &q, content));
    q = p;
    q.stat.ctime_ns++;
    assert_false(site_stat_index_lookup(&f->b, &q, content));
    q = p;
    q.stat.ino = 8;
    assert_false(site_stat_index_lookup(&f->b, &q, content));
    q = p;
    q.src_path = "stories/a/two.jpg";
    assert_false(site_stat_index_lookup(&f->b, &q, content));

    /* racy: the photo's mtime is not older than the index file */
    json_decref(f->b.stat_index);
    set_index_mtime(f, 1);
    site_stat_index_load(&f->b);
    assert_false(site_stat_index_lookup(&f->b, &p, content));

    /* a damaged index is no index: every photo is read */
    json_decref(f->b.stat_index);
    char path[TS_LIMIT_PATH];
    snprintf(path, sizeof path, "%s/.tearsheet/stat-index.json", f->dir);
    assert_int_equal(file_write_atomic(path, "{\"version\":1,\"photos\":[", 23, &d), ST_OK);
    site_stat_index_load(&f->b);
    assert_null(f->b.stat_index);
    assert_false(site_stat_index_lookup(&f->b, &p, content));
    f->b.photos = NULL;
}

static time_t index_mtime(struct fixture *f)
{
    char path[TS_LIMIT_PATH];
    struct stat sb;
    snprintf(path, sizeof path, "%s/.tearsheet/stat-index.json", f->dir);
    assert_int_equal(stat(path, &sb), 0);
    return sb.st_mtime;
}

/* A no-op build leaves an index that would not change alone (its mtime
 * stays the cut-off), but rewrites it when an entry is racy under it:
 * the new mtime must be later than every stat it records. */
static void unchanged_index_left_alone(void **state)
{
    struct fixture *f = *state;
    struct diag d;
    diag_clear(&d);
    struct site_photo p;
    index_one_photo(f, &p);

    set_index_mtime(f, 1000000); /* the photo (1 s) is older: trusted */
    site_stat_index_load(&f->b);
    assert_int_equal(site_stat_index_save(&f->b, &d), ST_OK);
    assert_int_equal(index_mtime(f), 1000000);

    /* a changed entry: written */
    json_decref(f->b.stat_index);
    site_stat_index_load(&f->b);
    p.stat.size = 65;
    assert_int_equal(site_stat_index_save(&f->b, &d), ST_OK);
    assert_true(index_mtime(f) > 1000000);

    /* the same bytes, but the photo is not older than the index: written */
    json_decref(f->b.stat_index);
    set_index_mtime(f, 1);
    site_stat_index_load(&f->b);
    assert_int_equal(site_stat_index_save(&f->b, &d), ST_OK);
    assert_true(index_mtime(f) > 1);
    f->b.photos = NULL;
}

static void header_cache(void **state)
{
    struct fixture *f = *state;
    char content[65];
    site_sha256_hex(jpeg, sizeof jpeg, content);
    assert_true(site_head_save(&f->b, content, jpeg, sizeof jpeg));
    uint8_t *head = NULL;
    size_t len = 0;
    assert_int_equal(site_head_load(&f->b, content, &head, &len), ST_OK);
    assert_int_equal(len, header_len);
    assert_memory_equal(head, jpeg, header_len);

    /* the metadata read from the header is the file's */
    struct photo_meta *from_file = NULL, *from_head = NULL;
    struct diag d;
    diag_clear(&d);
    struct meta_options mo = {0};
    assert_int_equal(meta_read(jpeg, sizeof jpeg, &mo, &from_file, &d), ST_OK);
    assert_int_equal(meta_read(head, len, &mo, &from_head, &d), ST_OK);
    json_t *a = meta_to_json(from_file), *b = meta_to_json(from_head);
    assert_true(json_equal(a, b));
    assert_int_equal(from_head->creator.n, 1);
    assert_string_equal(from_head->creator.items[0], "Ana");
    json_decref(a);
    json_decref(b);
    meta_free(from_file);
    meta_free(from_head);
    free(head);

    /* cut before SOS, or not a JPEG: no header, so it is always read */
    char other[65];
    site_sha256_hex(jpeg, 40, other);
    assert_false(site_head_save(&f->b, other, jpeg, 40));
    assert_int_not_equal(site_head_load(&f->b, other, &head, &len), ST_OK);
    site_sha256_hex("GIF89a", 6, other);
    assert_false(site_head_save(&f->b, other, (const uint8_t *)"GIF89a", 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(index_lookup_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(unchanged_index_left_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(header_cache, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
