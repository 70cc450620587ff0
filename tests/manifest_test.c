/*
 * manifest_test.c — the build manifest of the site module
 * (src/site/manifest.c, docs/performance.md "Incremental builds"): a
 * page written is fresh on the next build only with the same
 * fingerprint and the same file, and says its warnings again (newlines
 * and backslashes in them kept); a manifest cut anywhere or changed by
 * a byte, of another version or another output folder, is no manifest
 * (every page rendered), never a crash; version 1's build.json is not
 * read and is removed by the first save.
 * Writes only to a mkdtemp folder.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/tmpdir.h"
#include "site/internal.h"

static const char fp_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char fp_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

struct fixture {
    char dir[64];
    char path[TS_LIMIT_PATH]; /* .tearsheet/build-manifest */
    struct site_build_options opt;
    struct site_build_report report;
    struct story_site cfg;
    struct site_build b;
};

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *fh = fopen(path, "wb");
    assert_non_null(fh);
    assert_int_equal(fwrite(text, 1, len, fh), len);
    assert_int_equal(fclose(fh), 0);
}

static char *read_file(const char *path, size_t *len)
{
    uint8_t *data = NULL;
    struct diag d;
    assert_int_equal(file_read_all(path, 1 << 20, &data, len, &d), ST_OK);
    return (char *)data;
}

/* What one build holds of the manifest, freed as build.c does. */
static void end_build(struct fixture *f)
{
    site_warned_free(&f->b.warned);
    site_manifest_free(f->b.manifest_new);
    site_manifest_free(f->b.manifest_old);
    json_decref(f->b.page_warnings);
    f->b.manifest_new = f->b.manifest_old = NULL;
    f->b.page_warnings = NULL;
    f->b.manifest_dirty = false;
    memset(&f->report, 0, sizeof f->report);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ts-manifest-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char p[TS_LIMIT_PATH];
    struct diag d;
    diag_clear(&d);
    snprintf(p, sizeof p, "%s/.tearsheet", f->dir);
    assert_int_equal(file_mkdirs(p, &d), ST_OK);
    snprintf(p, sizeof p, "%s/out/a", f->dir);
    assert_int_equal(file_mkdirs(p, &d), ST_OK);
    snprintf(f->path, sizeof f->path, "%s/.tearsheet/build-manifest", f->dir);
    f->opt.site_dir = f->dir;
    f->b.opt = &f->opt;
    f->b.report = &f->report;
    f->b.cfg = &f->cfg;
    snprintf(f->b.out_dir, sizeof f->b.out_dir, "%s/out", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    end_build(f);
    test_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* A build that writes out/a/index.html (with a warning holding a
 * newline and a backslash) and out/b\nc.html, then saves the manifest. */
static void first_build(struct fixture *f)
{
    char p[TS_LIMIT_PATH];
    site_manifest_begin(&f->b);
    assert_null(f->b.manifest_old);
    snprintf(p, sizeof p, "%s/out/a/index.html", f->dir);
    write_file(p, "<p>a</p>", 8);
    site_page_begin(&f->b, fp_a);
    site_page_warn(&f->b, "%s", "photo \"x\\y\"\nhas no alt text");
    site_page_written(&f->b, "a/index.html");
    snprintf(p, sizeof p, "%s/out/b\nc.html", f->dir);
    write_file(p, "<p>b</p>", 8);
    site_page_begin(&f->b, fp_b);
    site_page_written(&f->b, "b\nc.html");
    site_manifest_finish(&f->b);
    end_build(f);
}

static void fresh_pages_and_their_warnings(void **state)
{
    struct fixture *f = *state;
    first_build(f);
    site_manifest_begin(&f->b);
    assert_non_null(f->b.manifest_old);
    /* another fingerprint, a page never written: rendered */
    assert_false(site_page_fresh(&f->b, "a/index.html", fp_b));
    assert_false(site_page_fresh(&f->b, "z/index.html", fp_a));
    assert_int_equal(f->report.warnings, 0);
    assert_true(site_page_fresh(&f->b, "a/index.html", fp_a));
    assert_true(site_page_fresh(&f->b, "b\nc.html", fp_b));
    assert_int_equal(f->report.pages, 2);
    assert_int_equal(f->report.warnings, 1);
    /* kept as the manifest's own text, escaped and borrowed: the same
     * message from a page rendered now is the same warning */
    assert_int_equal(f->b.warned.count, 1);
    site_warn_once(&f->b, "photo \"x\\y\"\nhas no alt text");
    assert_int_equal(f->report.warnings, 1);
    site_warn_once(&f->b, "photo \"x\\y\"\nhas no alt text!");
    assert_int_equal(f->report.warnings, 2);
    /* a no-op: the file is left as it was */
    struct stat before, after;
    assert_int_equal(stat(f->path, &before), 0);
    site_manifest_finish(&f->b);
    assert_int_equal(stat(f->path, &after), 0);
    assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    assert_int_equal(before.st_ino, after.st_ino);
    end_build(f);

    /* a page edited by hand is not ours: not fresh; and a page not
     * written again this build is one that is gone, so its file goes */
    char p[TS_LIMIT_PATH];
    snprintf(p, sizeof p, "%s/out/a/index.html", f->dir);
    write_file(p, "<p>edited</p>", 13);
    site_manifest_begin(&f->b);
    assert_false(site_page_fresh(&f->b, "a/index.html", fp_a));
    assert_true(site_page_fresh(&f->b, "b\nc.html", fp_b));
    site_manifest_finish(&f->b);
    end_build(f);
    assert_int_equal(access(p, F_OK), -1);
    site_manifest_begin(&f->b);
    assert_non_null(f->b.manifest_old);
    assert_true(site_page_fresh(&f->b, "b\nc.html", fp_b));
    assert_false(site_page_fresh(&f->b, "a/index.html", fp_a));
}

/* While pages.c holds the output folder open, a page is stat'ed by
 * descriptor: the same answers as by whole path. */
static void fresh_by_descriptor(void **state)
{
    struct fixture *f = *state;
    first_build(f);
    f->b.out_fd = open(f->b.out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(f->b.out_fd > 0);
    site_manifest_begin(&f->b);
    assert_true(site_page_fresh(&f->b, "a/index.html", fp_a));
    assert_true(site_page_fresh(&f->b, "b\nc.html", fp_b));
    assert_false(site_page_fresh(&f->b, "b\nc.html", fp_a));
    site_manifest_finish(&f->b);
    end_build(f);
    char p[TS_LIMIT_PATH];
    snprintf(p, sizeof p, "%s/out/a/index.html", f->dir);
    write_file(p, "<p>A</p>", 8); /* the same size, a later mtime */
    struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = 1}};
    assert_int_equal(utimensat(AT_FDCWD, p, t, 0), 0);
    site_manifest_begin(&f->b);
    assert_false(site_page_fresh(&f->b, "a/index.html", fp_a));
    assert_int_equal(unlink(p), 0);
    assert_false(site_page_fresh(&f->b, "a/index.html", fp_a));
    close(f->b.out_fd);
    f->b.out_fd = 0;
}

/* Each warning is counted once a build however often pages repeat it,
 * and however many there are (the set grows from 64 slots: 10,000
 * photos without alt text are 10,000 warnings on every no-op). */
static void repeated_warnings_counted_once(void **state)
{
    struct fixture *f = *state;
    /* the texts outlive the set, as the old manifest's do */
    char(*msg)[32] = calloc(3000, sizeof *msg);
    assert_non_null(msg);
    for (int i = 0; i < 3000; i++)
        snprintf(msg[i], sizeof msg[i], "p/%d has no alt text", i);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 3000; i++)
            site_warn_again(&f->b, msg[i], strlen(msg[i]));
    site_warn_once(&f->b, "p/7 has no alt text");
    assert_int_equal(f->report.warnings, 3000);
    assert_int_equal(f->b.warnings_repeated, 3000);
    assert_int_equal(f->b.warned.count, 3000);
    site_warn_once(&f->b, "p/2999 has no alt text");
    assert_int_equal(f->report.warnings, 3000);
    site_warn_once(&f->b, "p/3000 has no alt text");
    assert_int_equal(f->report.warnings, 3001);
    site_warned_free(&f->b.warned);
    free(msg);
}

static void damaged_manifest_is_ignored(void **state)
{
    struct fixture *f = *state;
    first_build(f);
    size_t len = 0;
    char *good = read_file(f->path, &len);
    char *bad = malloc(len);
    assert_non_null(bad);
    for (size_t cut = 0; cut < len; cut++) {
        write_file(f->path, good, cut);
        site_manifest_begin(&f->b);
        assert_null(f->b.manifest_old);
        end_build(f);
    }
    const char subst[] = {'\0', '\n', ' ', '-', '9', 'a', '\\', (char)0xff};
    for (size_t i = 0; i < len; i++)
        for (size_t k = 0; k < sizeof subst; k++) {
            if (good[i] == subst[k])
                continue;
            memcpy(bad, good, len);
            bad[i] = subst[k];
            write_file(f->path, bad, len);
            site_manifest_begin(&f->b);
            assert_null(f->b.manifest_old);
            end_build(f);
        }
    /* lines whose last line matches them: a bad escape, a page twice,
     * a warning count past the lines, another version (2, whose
     * fingerprints were of printed lines) or output folder give no
     * manifest; the well-formed one is one */
    char out_line[TS_LIMIT_PATH + 8];
    snprintf(out_line, sizeof out_line, "out %s/out\n", f->dir);
    const struct {
        const char *version, *out, *body;
        int lines;
        bool good;
    } cases[] = {
        {"4", out_line, "page - 1 2 0 x.html\nstory 1 s\nfile f.jpg\n", 4, true},
        {"4", out_line, "page - 1 2 0 x\\q.html\n", 2, false},
        {"4", out_line, "page - 1 2 0 x.html\npage - 1 2 0 x.html\n", 3, false},
        {"4", out_line, "page - 1 2 1 x.html\n", 2, false},
        {"4", out_line, "page - 99999999999999999999 2 0 x.html\n", 2, false},
        {"4", "out /elsewhere\n", "page - 1 2 0 x.html\n", 2, false},
        {"3", out_line, "page - 1 2 0 x.html\n", 2, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[2 * TS_LIMIT_PATH];
        int n = snprintf(text, sizeof text, "tearsheet build manifest %s\n%s%s", cases[i].version,
                         cases[i].out, cases[i].body);
        n += snprintf(text + n, sizeof text - (size_t)n, "end %d %016llx\n", cases[i].lines,
                      (unsigned long long)site_name_hash(text, (size_t)n));
        write_file(f->path, text, (size_t)n);
        site_manifest_begin(&f->b);
        if (cases[i].good)
            assert_non_null(f->b.manifest_old);
        else
            assert_null(f->b.manifest_old);
        end_build(f);
    }
    free(good);
    free(bad);
}

static void version_1_is_replaced(void **state)
{
    struct fixture *f = *state;
    char old[TS_LIMIT_PATH];
    snprintf(old, sizeof old, "%s/.tearsheet/build.json", f->dir);
    write_file(old, "{\"version\": 1}", 14);
    first_build(f); /* asserts that nothing was read */
    assert_int_equal(access(old, F_OK), -1);
    assert_int_equal(access(f->path, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fresh_pages_and_their_warnings, setup, teardown),
        cmocka_unit_test_setup_teardown(fresh_by_descriptor, setup, teardown),
        cmocka_unit_test_setup_teardown(repeated_warnings_counted_once, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_manifest_is_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(version_1_is_replaced, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
