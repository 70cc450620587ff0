/*
 * statindex_test.c — the stat index and header cache of the site module
 * (src/site/statindex.c, docs/performance.md "Incremental builds"): an
 * entry is trusted only when every stat field matches and it is older
 * than the index file (git's racy rule); the cached header holds exactly
 * the bytes up to the SOS segment header, and meta_read over it gives
 * the photo's metadata; a file that is not a clean JPEG gets no header;
 * a damaged index (cut, a byte changed, numbers too large, a path twice)
 * is no index, never a crash.
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

#include "lib/tmpdir.h"
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
    test_tmpdir_remove(f->dir);
    site_stat_index_free(&f->b);
    free(f);
    return 0;
}

static void set_index_mtime(struct fixture *f, time_t when)
{
    char path[TS_LIMIT_PATH];
    snprintf(path, sizeof path, "%s/.tearsheet/stat-index", f->dir);
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
    set_index_mtime(f, 1);
    site_stat_index_load(&f->b);
    assert_false(site_stat_index_lookup(&f->b, &p, content));

    /* version 1 (JSON) is not read: every photo is read once */
    char path[TS_LIMIT_PATH];
    snprintf(path, sizeof path, "%s/.tearsheet/stat-index", f->dir);
    assert_int_equal(file_write_atomic(path, "{\"version\":1,\"photos\":[", 23, &d), ST_OK);
    site_stat_index_load(&f->b);
    assert_null(f->b.stat_index);
    assert_false(site_stat_index_lookup(&f->b, &p, content));
    f->b.photos = NULL;
}

/* The bytes of the index of one_photo(), as saved. */
static char *read_index(struct fixture *f, size_t *len)
{
    char path[TS_LIMIT_PATH];
    snprintf(path, sizeof path, "%s/.tearsheet/stat-index", f->dir);
    uint8_t *text = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(path, 1 << 20, &text, len, &d), ST_OK);
    return (char *)text;
}

static void write_index(struct fixture *f, const char *text, size_t len)
{
    char path[TS_LIMIT_PATH];
    struct diag d;
    diag_clear(&d);
    snprintf(path, sizeof path, "%s/.tearsheet/stat-index", f->dir);
    assert_int_equal(file_write_atomic(path, text, len, &d), ST_OK);
    set_index_mtime(f, 1000000);
}

/*
 * A damaged index is no index (every photo is read), whatever the
 * damage: cut at every byte, every byte replaced by each of a few
 * troublesome ones, and lines of numbers too large, duplicated paths.
 * Under ASan, so a read past a line or an overflow would fail here.
 */
static void damaged_index_is_ignored(void **state)
{
    struct fixture *f = *state;
    struct site_photo p;
    char content[65];
    index_one_photo(f, &p);
    size_t len = 0;
    char *good = read_index(f, &len);
    char *bad = malloc(len + 256);
    assert_non_null(bad);

    write_index(f, good, len);
    site_stat_index_load(&f->b);
    assert_true(site_stat_index_lookup(&f->b, &p, content));

    /* cut anywhere, or any byte changed to one of a few troublesome
     * ones: no index */
    for (size_t cut = 0; cut < len; cut++) {
        write_index(f, good, cut);
        site_stat_index_load(&f->b);
        assert_null(f->b.stat_index);
    }
    const char subst[] = {'\0', '\n', ' ', '-', '9', 'a', (char)0xff};
    for (size_t i = 0; i < len; i++)
        for (size_t k = 0; k < sizeof subst; k++) {
            if (good[i] == subst[k])
                continue;
            memcpy(bad, good, len);
            bad[i] = subst[k];
            write_index(f, bad, len);
            site_stat_index_load(&f->b);
            assert_null(f->b.stat_index);
        }

    /* with a last line that matches them: numbers past 64 bits, a path
     * twice, a later version give no index; the same line with numbers
     * that fit is one (so the others fail for what they hold) */
    const char *sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ";
    const struct {
        const char *magic, *fields;
        int lines;
        bool good;
    } cases[] = {
        {"3", "64 7 3 1000000000 1000000001 stories/a/one.jpg", 1, true},
        {"3", "18446744073709551616 7 3 1000000000 1000000001 stories/a/one.jpg", 1, false},
        {"3", "64 7 3 9223372036854775808 1000000001 stories/a/one.jpg", 1, false},
        {"3", "64 7 3 -1000000000 1000000001 stories/a/one.jpg", 1, true},
        {"3", "64 -7 3 1000000000 1000000001 stories/a/one.jpg", 1, false},
        {"3", "64 7 3 1000000000 1000000001 stories/a/one.jpg", 2, false}, /* twice */
        {"3", "64 7 3 1000000000 1000000001 stories/a/one.jpg", 0, false}, /* count */
        {"2", "64 7 3 1000000000 1000000001 stories/a/one.jpg", 1, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[1024];
        int n = snprintf(text, sizeof text, "tearsheet stat index %s\n", cases[i].magic);
        for (int k = 0; k < (cases[i].lines ? cases[i].lines : 1); k++)
            n += snprintf(text + n, sizeof text - (size_t)n, "%s%s\n", sha, cases[i].fields);
        n += snprintf(text + n, sizeof text - (size_t)n, "end %d %016llx\n",
                      cases[i].lines == 0 ? 2 : cases[i].lines,
                      (unsigned long long)site_name_hash(text, (size_t)n));
        write_index(f, text, (size_t)n);
        site_stat_index_load(&f->b);
        if (cases[i].good) {
            assert_non_null(f->b.stat_index);
        } else {
            assert_null(f->b.stat_index);
        }
    }
    /* and a path with a space and one with a '\n', saved and read back:
     * the first is indexed, the second is not (it is read every time) */
    struct site_photo two[2];
    two[0] = p;
    two[0].src_path = "stories/a b/one.jpg";
    two[1] = p;
    two[1].src_path = "stories/a\nb/one.jpg";
    f->b.photos = two;
    f->b.n_photos = 2;
    site_stat_index_free(&f->b);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(site_stat_index_save(&f->b, &d), ST_OK);
    set_index_mtime(f, 1000000);
    site_stat_index_load(&f->b);
    assert_non_null(f->b.stat_index);
    assert_true(site_stat_index_lookup(&f->b, &two[0], content));
    assert_false(site_stat_index_lookup(&f->b, &two[1], content));
    f->b.photos = NULL;
    free(bad);
    free(good);
}

static time_t index_mtime(struct fixture *f)
{
    char path[TS_LIMIT_PATH];
    struct stat sb;
    snprintf(path, sizeof path, "%s/.tearsheet/stat-index", f->dir);
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
    site_stat_index_load(&f->b);
    p.stat.size = 65;
    assert_int_equal(site_stat_index_save(&f->b, &d), ST_OK);
    assert_true(index_mtime(f) > 1000000);

    /* the same bytes, but the photo is not older than the index: written */
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

/* ---- the metadata cache (metacache.c) ---- */

static void meta_cache_path(struct fixture *f, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s/.tearsheet/meta-cache", f->dir);
}

/* Two photos (two contents), the first read from `jpeg` and given a
 * caption that holds the cache's own syntax; the second twice, as the
 * same photo in two stories is. Saved as a build saves them. */
static void cache_photos(struct fixture *f, struct site_photo p[3], const char *caption)
{
    struct diag d;
    diag_clear(&d);
    struct meta_options mo = {0};
    for (int i = 0; i < 3; i++) {
        p[i] = (struct site_photo){.src_path = "stories/a/one.jpg", .status = ST_OK};
        assert_int_equal(meta_read(jpeg, sizeof jpeg, &mo, &p[i].meta, &d), ST_OK);
        memset(p[i].content, i == 0 ? 'a' : 'b', 64);
        p[i].content[64] = '\0';
    }
    free(p[0].meta->description);
    p[0].meta->description = str_dup(caption);
    for (int i = 0; i < 3; i++) {
        struct buf packed;
        buf_init(&packed, 1 << 20);
        assert_int_equal(meta_pack(p[i].meta, &packed), ST_OK);
        p[i].meta_packed = buf_detach(&packed, &p[i].meta_packed_len);
    }
    f->b.photos = p;
    f->b.n_photos = 3;
    assert_int_equal(site_meta_cache_save(&f->b, &d), ST_OK);
}

static void free_photos(struct fixture *f, struct site_photo p[3])
{
    for (int i = 0; i < 3; i++) {
        meta_free(p[i].meta);
        free(p[i].meta_packed);
    }
    f->b.photos = NULL;
    f->b.n_photos = 0;
    site_meta_cache_free(&f->b);
}

/*
 * What a build saved comes back, raw (a caption with newlines and a
 * line "end 1 ..." too); the same content is one entry; a cache of
 * another IIM charset is not used; and a file with any damage (cut at
 * every byte, every byte replaced by a few troublesome ones) is no
 * cache, never a part of one. Under ASan.
 */
static void meta_cache_round_trip_and_damage(void **state)
{
    struct fixture *f = *state;
    struct site_photo p[3];
    const char *caption = "<b>&amp;</b>\nend 1 0123456789abcdef\n2:ab-\r\n";
    cache_photos(f, p, caption);
    char path[TS_LIMIT_PATH];
    meta_cache_path(f, path, sizeof path);
    uint8_t *good = NULL;
    size_t len = 0;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(path, 1 << 20, &good, &len, &d), ST_OK);
    assert_non_null(strstr((const char *)good, "\nend 2 ")); /* two contents */

    site_meta_cache_load(&f->b);
    assert_non_null(f->b.meta_cache);
    struct photo_meta *m = NULL;
    assert_true(site_meta_cache_lookup(&f->b, p[0].content, &m));
    assert_string_equal(m->description, caption);
    assert_string_equal(m->creator.items[0], "Ana");
    meta_free(m);
    assert_true(site_meta_cache_lookup(&f->b, p[1].content, &m));
    assert_string_equal(m->creator.items[0], "Ana");
    meta_free(m);
    char other[65];
    memset(other, 'c', 64);
    other[64] = '\0';
    assert_false(site_meta_cache_lookup(&f->b, other, &m));
    assert_null(m);

    /* unchanged: not written again (a no-op writes nothing), whether
     * the records came from the cache or from photos read again */
    struct stat after;
    struct timespec old[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};
    assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
    assert_int_equal(site_meta_cache_save(&f->b, &d), ST_OK);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(after.st_mtime, 1000);
    for (int i = 0; i < 3; i++) {
        free(p[i].meta_packed);
        p[i].meta_packed = NULL;
    }
    assert_int_equal(site_meta_cache_save(&f->b, &d), ST_OK);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(after.st_mtime, 1000);
    /* a photo gone: written, without it */
    f->b.n_photos = 1;
    assert_int_equal(site_meta_cache_save(&f->b, &d), ST_OK);
    site_meta_cache_load(&f->b);
    assert_true(site_meta_cache_lookup(&f->b, p[0].content, &m));
    meta_free(m);
    assert_false(site_meta_cache_lookup(&f->b, p[1].content, &m));

    /* another IIM charset in site.yaml: not used */
    char euc_kr[] = "EUC-KR";
    struct story_site cfg = {.iim_charset = euc_kr};
    f->b.cfg = &cfg;
    site_meta_cache_load(&f->b);
    assert_null(f->b.meta_cache);
    f->b.cfg = NULL;

    char *bad = malloc(len);
    assert_non_null(bad);
    for (size_t cut = 0; cut < len; cut++) {
        assert_int_equal(file_write_atomic(path, good, cut, &d), ST_OK);
        site_meta_cache_load(&f->b);
        assert_null(f->b.meta_cache);
    }
    const char subst[] = {'\0', '\n', ' ', '-', ':', '9', 'a', (char)0xff};
    for (size_t i = 0; i < len; i++)
        for (size_t k = 0; k < sizeof subst; k++) {
            if (good[i] == (uint8_t)subst[k])
                continue;
            memcpy(bad, good, len);
            bad[i] = subst[k];
            assert_int_equal(file_write_atomic(path, bad, len, &d), ST_OK);
            site_meta_cache_load(&f->b);
            assert_null(f->b.meta_cache);
        }
    /* and the good bytes again: a cache */
    assert_int_equal(file_write_atomic(path, good, len, &d), ST_OK);
    site_meta_cache_load(&f->b);
    assert_non_null(f->b.meta_cache);
    free(bad);
    free(good);
    free_photos(f, p);
}

/* The end lines' checksum and the tables' hash (util.c): every byte of
 * every position of inputs from 1 to 40 bytes long (five words, and
 * every tail length) changed to each of its 255 other values changes
 * it, as does any cut; and 10,000 paths like a site's, in the table
 * size the stat index gives them, need short probes (the low bits are
 * spread). */
static void name_hash_sees_every_byte(void **state)
{
    (void)state;
    char buf[41];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i * 7 % 26);
    for (size_t n = 1; n < sizeof buf; n++) {
        uint64_t h = site_name_hash(buf, n);
        for (size_t cut = 0; cut < n; cut++)
            assert_true(site_name_hash(buf, cut) != h);
        for (size_t i = 0; i < n; i++) {
            char was = buf[i];
            for (int v = 0; v < 256; v++) {
                buf[i] = (char)v;
                if (buf[i] != was)
                    assert_true(site_name_hash(buf, n) != h);
            }
            buf[i] = was;
        }
    }
    size_t cap = 0, longest = 0;
    size_t *slots = site_slots_new(10000, &cap);
    assert_non_null(slots);
    for (size_t k = 0; k < 10000; k++) {
        char path[64];
        int len = snprintf(path, sizeof path, "stories/story-%zu/photo-%zu.jpg", k / 20, k);
        size_t s = (size_t)site_name_hash(path, (size_t)len) & (cap - 1), probe = 0;
        while (slots[s]) {
            s = (s + 1) & (cap - 1);
            probe++;
        }
        slots[s] = k + 1;
        longest = probe > longest ? probe : longest;
    }
    free(slots);
    assert_true(longest < 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(name_hash_sees_every_byte),
        cmocka_unit_test_setup_teardown(index_lookup_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(unchanged_index_left_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_index_is_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(header_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(meta_cache_round_trip_and_damage, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
