/* test_story.c — site.yaml and story.md as a photographer writes them:
 * defaults, every key, every invalid value (file:line in the message),
 * YAML bombs, front matter, CRLF/BOM, UTF-8, image references and their
 * story.md lines, missing and foreign photos, a Korean story, and the
 * example site. Files go to a mkdtemp folder that is removed after. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "story/story.h"

/* ---- helpers ------------------------------------------------------ */

static char tmp_root[256];

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int make_root(void **state)
{
    snprintf(tmp_root, sizeof tmp_root, "/tmp/ts-story-XXXXXX");
    return mkdtemp(tmp_root) ? 0 : -1;
}

static int remove_root(void **state)
{
    return nftw(tmp_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh folder under the temporary root, named after the test. */
static const char *folder(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp_root, name);
    assert_int_equal(mkdir(path, 0755), 0);
    return path;
}

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    write_file(dir, name, text, strlen(text));
}

static const char *formatted(const struct diag *d)
{
    static char line[TS_LIMIT_PATH + 1024];
    diag_format(d, line, sizeof line);
    return line;
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, haystack);
}

/* Runs story_site_load on a folder holding only site.yaml = text. */
static enum status load_site_text(const char *name, const char *text, struct story_site **s,
                                  struct diag *d)
{
    const char *dir = folder(name);
    write_text(dir, "site.yaml", text);
    return story_site_load(dir, s, d);
}

/* Captures what the logger writes to stderr while fn runs. */
static char captured[8192];
static int capture_fd = -1, saved_fd = -1;

static void capture_start(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/stderr.txt", tmp_root);
    fflush(stderr);
    saved_fd = dup(2);
    capture_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(saved_fd >= 0 && capture_fd >= 0);
    dup2(capture_fd, 2);
}

static const char *capture_stop(void)
{
    fflush(stderr);
    dup2(saved_fd, 2);
    close(saved_fd);
    lseek(capture_fd, 0, SEEK_SET);
    ssize_t n = read(capture_fd, captured, sizeof captured - 1);
    close(capture_fd);
    captured[n > 0 ? n : 0] = '\0';
    return captured;
}

/* ---- site.yaml ---------------------------------------------------- */

static void site_without_yaml_has_every_default(void **state)
{
    struct story_site *s = NULL;
    struct diag d;
    const char *dir = folder("defaults");
    assert_int_equal(story_site_load(dir, &s, &d), ST_OK);
    assert_string_equal(s->dir, dir);
    assert_string_equal(s->base_url, "/");
    assert_string_equal(s->language, "en");
    assert_null(s->iim_charset); /* meta decides by the bytes */
    assert_null(s->title);
    assert_null(s->signing_key);
    assert_null(s->license.copyright);
    assert_int_equal(s->n_widths, 4);
    assert_int_equal(s->widths[0], 480);
    assert_int_equal(s->widths[3], 2400);
    assert_true(s->format_jpeg && s->format_webp && !s->format_avif);
    assert_int_equal(s->jpeg_quality, 82);
    assert_int_equal(s->webp_quality, 80);
    assert_int_equal(s->webp_effort, 4);
    assert_int_equal(s->avif_quality, 60);
    assert_int_equal(s->avif_effort, 4);
    story_site_free(s);
    story_site_free(NULL);

    /* an empty file and a file of comments are defaults too */
    assert_int_equal(load_site_text("empty", "", &s, &d), ST_OK);
    assert_string_equal(s->language, "en");
    story_site_free(s);
    assert_int_equal(load_site_text("comments", "# nothing yet\n", &s, &d), ST_OK);
    story_site_free(s);
}

static void site_folder_that_does_not_exist_is_an_error(void **state)
{
    struct story_site *s = (void *)1;
    struct diag d;
    char path[512];
    snprintf(path, sizeof path, "%s/no-such-site", tmp_root);
    /* a usage error (exit 2), not a problem found in a site */
    assert_int_equal(story_site_load(path, &s, &d), ST_USAGE);
    assert_null(s);
    assert_contains(formatted(&d), "no-such-site");
}

static void site_yaml_with_every_key(void **state)
{
    struct story_site *s = NULL;
    struct diag d;
    assert_int_equal(load_site_text("full",
                                    "title: Jun Michael Park — Photographs\n"
                                    "author: Jun Michael Park\n"
                                    "base_url: https://example.com/photos\n"
                                    "language: ko-KR\n"
                                    "description: Portraits from Seoul\n"
                                    "theme: quiet-dark\n"
                                    "iim_charset: EUC-KR\n"
                                    "signing_key: keys/signer.pem\n"
                                    "store: postgresql://photos@db.example/tearsheet\n"
                                    "store_password_file: secrets/pgpass\n"
                                    "license:\n"
                                    "  web_statement: https://example.com/licensing/\n"
                                    "  licensor_url: https://example.com/contact/\n"
                                    "  licensor_email: jun@example.com\n"
                                    "  credit_line: Jun Michael Park\n"
                                    "  copyright: \"© {year} {creator}\"\n"
                                    "  usage_terms: Editorial use only.\n"
                                    "images:\n"
                                    "  widths: [1200, 320, 640]\n"
                                    "  formats:\n"
                                    "    - avif\n"
                                    "    - jpeg\n"
                                    "  jpeg_quality: 90\n"
                                    "  webp_quality: 75\n"
                                    "  webp_effort: 6\n"
                                    "  avif_quality: 50\n"
                                    "  avif_effort: 9\n",
                                    &s, &d),
                     ST_OK);
    assert_string_equal(s->title, "Jun Michael Park — Photographs");
    assert_string_equal(s->author, "Jun Michael Park");
    assert_string_equal(s->base_url, "https://example.com/photos/"); /* '/' added */
    assert_string_equal(s->language, "ko-KR");
    assert_string_equal(s->description, "Portraits from Seoul");
    assert_string_equal(s->theme, "quiet-dark");
    assert_string_equal(s->iim_charset, "EUC-KR");
    char key[1024];
    snprintf(key, sizeof key, "%s/full/keys/signer.pem", tmp_root);
    assert_string_equal(s->signing_key, key); /* relative to the site folder */
    assert_string_equal(s->store, "postgresql://photos@db.example/tearsheet");
    snprintf(key, sizeof key, "%s/full/secrets/pgpass", tmp_root);
    assert_string_equal(s->store_password_file, key);
    assert_string_equal(s->license.web_statement, "https://example.com/licensing/");
    assert_string_equal(s->license.licensor_url, "https://example.com/contact/");
    assert_string_equal(s->license.licensor_email, "jun@example.com");
    assert_string_equal(s->license.credit_line, "Jun Michael Park");
    assert_string_equal(s->license.copyright, "© {year} {creator}");
    assert_string_equal(s->license.usage_terms, "Editorial use only.");
    assert_int_equal(s->n_widths, 3);
    assert_int_equal(s->widths[0], 320); /* sorted ascending */
    assert_int_equal(s->widths[1], 640);
    assert_int_equal(s->widths[2], 1200);
    assert_true(s->format_avif && s->format_jpeg && !s->format_webp);
    assert_int_equal(s->jpeg_quality, 90);
    assert_int_equal(s->webp_quality, 75);
    assert_int_equal(s->webp_effort, 6);
    assert_int_equal(s->avif_quality, 50);
    assert_int_equal(s->avif_effort, 9);
    assert_int_equal(s->n_warnings, 0);
    story_site_free(s);
}

static void site_invalid_values_name_file_line_and_key(void **state)
{
    static const struct {
        const char *yaml;
        unsigned line;
        const char *key;
    } cases[] = {
        {"title: x\nimages:\n  widths: [480, 15]\n", 3, "images.widths"},
        {"images:\n  widths: [10001]\n", 2, "images.widths"},
        {"images:\n  widths: [16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32]\n", 2,
         "images.widths"},
        {"images:\n  widths: []\n", 2, "images.widths"},
        {"images:\n  widths: [480, 480]\n", 2, "images.widths"},
        {"images:\n  widths: [wide]\n", 2, "images.widths"},
        {"images:\n  jpeg_quality: 0\n", 2, "images.jpeg_quality"},
        {"images:\n  webp_quality: 101\n", 2, "images.webp_quality"},
        {"images:\n  avif_quality: -5\n", 2, "images.avif_quality"},
        {"images:\n  webp_effort: 7\n", 2, "images.webp_effort"},
        {"images:\n  avif_effort: 10\n", 2, "images.avif_effort"},
        {"images:\n  jpeg_quality: 99999999999999999999\n", 2, "images.jpeg_quality"},
        {"images:\n  formats: [jpeg, gif]\n", 2, "images.formats"},
        {"images:\n  formats: []\n", 2, "images.formats"},
        {"images: big\n", 1, "images"},
        {"\n\nlicense:\n  licensor_url: ftp://example.com/\n", 4, "license.licensor_url"},
        {"license:\n  web_statement: example.com/terms\n", 2, "license.web_statement"},
        {"license:\n  web_statement: \"https://\"\n", 2, "license.web_statement"},
        {"license:\n  licensor_email: jun at example\n", 2, "license.licensor_email"},
        {"base_url: example.com\n", 1, "base_url"},
        {"base_url: //cdn.example.com/\n", 1, "base_url"},
        {"language: english please\n", 1, "language"},
        {"theme: ../../etc\n", 1, "theme"},
        {"title: [a, b]\n", 1, "title"},
        {"title: A\nauthor: B\ntitle: C\n", 3, "title"},
        {"privacy: everything\n", 1, "privacy"},
        {"privacy:\n  keep: [headline, gps]\n", 2, "privacy.keep"},
        {"privacy:\n  keep: headline\n", 2, "privacy.keep"},
        /* the one check of proof_of_work's range (serve trusts it) */
        {"title: T\nproof_of_work: 25\n", 2, "proof_of_work"},
        {"proof_of_work: -1\n", 1, "proof_of_work"},
        {"notify: [sendmail, x]\n", 1, "notify"},
        /* the store is SQLite or PostgreSQL, nothing else */
        {"store: mysql://db/x\n", 1, "store"},
        {"title: T\nstore: inquiries.db\n", 2, "store"},
        {"store: [postgresql://db/x]\n", 1, "store"},
        /* a password never goes into site.yaml (docs/c2pa-sign.md) */
        {"signing:\n  pkcs12: me.p12\n  password: hunter2\n", 3, "signing.password"},
        {"signing:\n  key: k.pem\n", 2, "signing"},
        {"signing:\n  key: k.pem\n  chain: c.pem\n  pkcs12: me.p12\n", 2, "signing"},
        {"signing:\n  pkcs12: me.p12\n  password_env: A\n  password_file: p\n", 2, "signing"},
        {"signing:\n  pkcs12: me.p12\n  tsa_url: ftp://tsa.example/\n", 3, "signing.tsa_url"},
        {"signing:\n  pkcs12: me.p12\n  password_env: \"A B\"\n", 3, "signing.password_env"},
        {"signing: me.p12\n", 1, "signing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32], want[64];
        snprintf(name, sizeof name, "bad-%zu", i);
        struct story_site *s = (void *)1;
        struct diag d;
        enum status st = load_site_text(name, cases[i].yaml, &s, &d);
        if (st != ST_CONFIG)
            fail_msg("case %zu: status %s, want ST_CONFIG", i, status_str(st));
        assert_null(s);
        const char *msg = formatted(&d);
        snprintf(want, sizeof want, "%s/site.yaml: line %u: ", name, cases[i].line);
        assert_contains(msg, want);
        assert_contains(msg, cases[i].key);
    }
}

static void site_signing_identities(void **state)
{
    (void)state;
    struct story_site *s = NULL;
    struct diag d;
    assert_int_equal(load_site_text("sign-pem",
                                     "signing:\n  key: keys/k.pem\n  chain: /etc/c.pem\n"
                                     "  password_env: KIM_PASS\n"
                                     "  tsa_url: http://tsa.example/\n",
                                     &s, &d),
                     ST_OK);
    assert_true(str_ends_with(s->signing.key, "sign-pem/keys/k.pem")); /* joined */
    assert_string_equal(s->signing.chain, "/etc/c.pem");
    assert_string_equal(s->signing.password_env, "KIM_PASS");
    assert_string_equal(s->signing.tsa_url, "http://tsa.example/");
    assert_null(s->signing.pkcs12);
    story_site_free(s);
    /* a time-stamp authority for a key folder */
    assert_int_equal(load_site_text("sign-folder",
                                    "signing_key: keys\nsigning:\n  tsa_url: https://t.example/\n",
                                    &s, &d),
                     ST_OK);
    story_site_free(s);
    /* two identities, or none */
    s = (void *)1;
    assert_int_equal(load_site_text("sign-two",
                                    "signing_key: keys\nsigning:\n  pkcs12: me.p12\n", &s, &d),
                     ST_CONFIG);
    assert_null(s);
    assert_contains(formatted(&d), "two identities");
    s = (void *)1;
    assert_int_equal(load_site_text("sign-none", "signing:\n  tsa_url: https://t.example/\n", &s,
                                    &d),
                     ST_CONFIG);
    assert_null(s);
    assert_contains(formatted(&d), "names no identity");
}

static void site_privacy_policies(void **state)
{
    (void)state;
    struct story_site *s = NULL;
    struct diag d;
    assert_int_equal(load_site_text("privacy-none", "title: x\n", &s, &d), ST_OK);
    assert_string_equal(s->privacy, "default");
    assert_int_equal(s->privacy_keep, STORY_KEEP_DEFAULT);
    story_site_free(s);
    assert_int_equal(load_site_text("privacy-min", "privacy: minimal\n", &s, &d), ST_OK);
    assert_string_equal(s->privacy, "minimal");
    assert_int_equal(s->privacy_keep, 0);
    story_site_free(s);
    assert_int_equal(load_site_text("privacy-keep",
                                    "privacy:\n  keep: [creator, caption, alt_text, location]\n",
                                    &s, &d),
                     ST_OK);
    assert_string_equal(s->privacy, "keep");
    assert_int_equal(s->privacy_keep,
                     STORY_KEEP_DESCRIPTION | STORY_KEEP_ALT_TEXT | STORY_KEEP_LOCATION);
    story_site_free(s);
}

static void site_languages(void **state)
{
    (void)state;
    struct story_site *s = NULL;
    struct diag d;
    assert_int_equal(load_site_text("lang-none", "title: x\n", &s, &d), ST_OK);
    assert_int_equal(s->n_languages, 0); /* one language, as before */
    assert_string_equal(s->language, "en");
    story_site_free(s);
    /* the first is the default, whichever order the keys come in */
    assert_int_equal(load_site_text("lang-two", "languages: [ko, en-GB]\nlanguage: de\n", &s, &d),
                     ST_OK);
    assert_int_equal(s->n_languages, 2);
    assert_string_equal(s->languages[0], "ko");
    assert_string_equal(s->languages[1], "en-GB");
    assert_string_equal(s->language, "ko");
    story_site_free(s);
    static const struct {
        const char *yaml, *why;
    } bad[] = {
        {"languages: [en, EN]\n", "a language given twice"},
        {"languages: [en, 'not a tag']\n", "is not a language tag"},
        {"languages: en\n", "expected a list"},
        {"languages: [en, [ko]]\n", "expected text"},
        {"languages: [a, b, c, d, e, f, g, h, i]\n", "more than 8 languages"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "lang-bad-%zu", i);
        assert_int_equal(load_site_text(name, bad[i].yaml, &s, &d), ST_CONFIG);
        assert_null(s);
        assert_contains(formatted(&d), "/site.yaml: line 1");
        assert_contains(formatted(&d), bad[i].why);
    }
}

static void messages_catalogue(void **state)
{
    (void)state;
    struct story_messages *m = NULL;
    struct diag d;
    const char *ok = "# the theme's strings\nskip: 본문으로 건너뛰기\nphoto_of: \"{count}장 중 {n}번째\"\n";
    assert_int_equal(story_messages_parse("messages.ko.yaml", ok, strlen(ok), &m, &d), ST_OK);
    assert_int_equal(m->n, 2);
    assert_string_equal(m->keys[0], "skip");
    assert_string_equal(m->values[0], "본문으로 건너뛰기");
    assert_string_equal(m->values[1], "{count}장 중 {n}번째");
    story_messages_free(m);
    static const struct {
        const char *yaml, *why;
    } bad[] = {
        {"a: x\nskip: [a, b]\n", "line 2"},
        {"a: x\nNot_Lower: y\n", "lower-case letters"},
        {"a: x\na: y\n", "line 2"},
        {"a:\n  b: c\n", "expected text"},
        {"- a\n- b\n", "expected 'key: text' lines"},
        {"a: \"\xff\"\n", "UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        m = NULL;
        assert_int_not_equal(
            story_messages_parse("messages.xx.yaml", bad[i].yaml, strlen(bad[i].yaml), &m, &d),
            ST_OK);
        assert_null(m);
        assert_contains(formatted(&d), "messages.xx.yaml");
        assert_contains(formatted(&d), bad[i].why);
    }
    /* an empty catalogue is no error: every key then prints nothing */
    assert_int_equal(story_messages_parse("empty.yaml", "", 0, &m, &d), ST_OK);
    assert_int_equal(m->n, 0);
    story_messages_free(m);
    story_messages_free(NULL);
}

static void site_unknown_keys_warn_with_file_line_and_key(void **state)
{
    struct story_site *s = NULL;
    struct diag d;
    capture_start();
    enum status st = load_site_text("typos",
                                    "title: T\n"
                                    "titel: T\n"
                                    "images:\n"
                                    "  jpeg_qualty: 70\n",
                                    &s, &d);
    const char *err = capture_stop();
    assert_int_equal(st, ST_OK);
    assert_int_equal(s->n_warnings, 2);
    assert_contains(err, "typos/site.yaml: line 2: unknown key 'titel'");
    assert_contains(err, "typos/site.yaml: line 4: unknown key 'jpeg_qualty' in images");
    assert_int_equal(s->jpeg_quality, 82); /* the typo did not set anything */
    story_site_free(s);
}

static void site_refuses_alias_bombs_and_anchors(void **state)
{
    struct story_site *s = (void *)1;
    struct diag d;
    /* "billion laughs": each level doubles by reference */
    assert_int_equal(load_site_text("bomb",
                                    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\"]\n"
                                    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n"
                                    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b]\n"
                                    "d: [*c,*c,*c,*c,*c,*c,*c,*c]\n",
                                    &s, &d),
                     ST_CONFIG);
    assert_null(s);
    assert_contains(formatted(&d), "bomb/site.yaml: line 1: ");
    assert_contains(formatted(&d), "anchors are not accepted");
    /* an alias alone (no anchor defined) is refused as well */
    assert_int_equal(load_site_text("alias", "title: T\nauthor: *someone\n", &s, &d), ST_CONFIG);
    assert_contains(formatted(&d), "alias/site.yaml: line 2: ");
    assert_contains(formatted(&d), "aliases are not accepted");
}

static void site_nesting_and_size_are_capped(void **state)
{
    struct story_site *s = (void *)1;
    struct diag d;
    char deep[256] = "x: ";
    for (int i = 0; i < 40; i++)
        strcat(deep, "[");
    assert_int_equal(load_site_text("deep", deep, &s, &d), ST_LIMIT);
    assert_contains(formatted(&d), "deeper than the limit");

    size_t n = TS_LIMIT_FIELD_BYTES + 16;
    char *big = malloc(n + 16);
    assert_non_null(big);
    memcpy(big, "title: ", 7);
    memset(big + 7, 'a', n);
    big[7 + n] = '\0';
    assert_int_equal(load_site_text("big", big, &s, &d), ST_LIMIT);
    free(big);

    /* a flat list of more values than a document may hold */
    size_t items = TS_LIMIT_YAML_NODES + 10;
    char *list = malloc(items * 3 + 16);
    assert_non_null(list);
    strcpy(list, "x: [");
    char *p = list + 4;
    for (size_t i = 0; i < items; i++) {
        *p++ = '1';
        *p++ = ',';
    }
    strcpy(p, "1]\n");
    assert_int_equal(load_site_text("wide", list, &s, &d), ST_LIMIT);
    free(list);
}

static void site_malformed_yaml_names_line_and_column(void **state)
{
    struct story_site *s = (void *)1;
    struct diag d;
    assert_int_equal(
        load_site_text("broken", "title: T\nauthor: [unclosed\nlanguage: en\n", &s, &d), ST_CONFIG);
    const char *msg = formatted(&d);
    assert_contains(msg, "broken/site.yaml: line ");
    assert_contains(msg, "column ");
    assert_int_equal(load_site_text("tabs", "images:\n\twidths: [480]\n", &s, &d), ST_CONFIG);
    assert_contains(formatted(&d), "tabs/site.yaml: line 2: column ");
    assert_int_equal(load_site_text("twodocs", "title: A\n---\ntitle: B\n", &s, &d), ST_CONFIG);
    assert_contains(formatted(&d), "more than one YAML document");
    assert_int_equal(load_site_text("list", "- a\n- b\n", &s, &d), ST_CONFIG);
    assert_int_equal(load_site_text("badutf8", "title: ok\nauthor: \xC3\x28\n", &s, &d),
                     ST_MALFORMED);
    assert_contains(formatted(&d), "badutf8/site.yaml: line 2: ");
    assert_null(s);

    /* a folder named site.yaml cannot be read: an error, not defaults */
    const char *dir = folder("dir-not-file");
    char path[1024];
    snprintf(path, sizeof path, "%s/site.yaml", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_not_equal(story_site_load(dir, &s, &d), ST_OK);
    assert_contains(formatted(&d), "site.yaml");
}

static void site_accepts_crlf_bom_and_a_path_base_url(void **state)
{
    struct story_site *s = NULL;
    struct diag d;
    assert_int_equal(load_site_text("crlf",
                                    "\xEF\xBB\xBFtitle: T\r\nbase_url: /photos\r\n"
                                    "images:\r\n  jpeg_quality: 101\r\n",
                                    &s, &d),
                     ST_CONFIG);
    assert_contains(formatted(&d), "crlf/site.yaml: line 4: images.jpeg_quality");
    assert_int_equal(
        load_site_text("crlf2", "\xEF\xBB\xBFtitle: T\r\nbase_url: /photos\r\n", &s, &d), ST_OK);
    assert_string_equal(s->title, "T");
    assert_string_equal(s->base_url, "/photos/");
    story_site_free(s);
}

/* ---- story.md ----------------------------------------------------- */

static enum status parse(const char *text, struct story **s, struct diag *d)
{
    return story_parse("stories/t/story.md", text, strlen(text), s, d);
}

static void story_front_matter_with_every_key(void **state)
{
    const char *text = "---\n"
                       "title: Kim Ryon-hui\n"
                       "subtitle: A portrait\n"
                       "date: 2022-01-27\n"
                       "lang: en\n"
                       "cover: kim-01.jpg\n"
                       "summary: >\n"
                       "  Two portraits\n"
                       "  in Seoul.\n"
                       "place: Seoul, South Korea\n"
                       "tags: [portrait, North Korea, defector]\n"
                       "draft: true\n"
                       "publications:\n"
                       "  - name: Der Spiegel\n"
                       "    title: Year in Pictures 2022\n"
                       "    date: 2022-12\n"
                       "    url: https://www.spiegel.de/\n"
                       "    photo: kim-01.jpg\n"
                       "  - name: Another Weekly\n"
                       "license:\n"
                       "  usage_terms: Editorial only\n"
                       "  licensor_url: https://example.com/ask/\n"
                       "---\n"
                       "Text of the story.\n";
    struct story *s = NULL;
    struct diag d;
    assert_int_equal(parse(text, &s, &d), ST_OK);
    assert_string_equal(s->path, "stories/t/story.md");
    assert_string_equal(s->title, "Kim Ryon-hui");
    assert_string_equal(s->subtitle, "A portrait");
    assert_string_equal(s->date, "2022-01-27");
    assert_string_equal(s->lang, "en");
    assert_string_equal(s->cover, "kim-01.jpg");
    assert_int_equal(s->cover_line, 6);
    assert_string_equal(s->summary, "Two portraits in Seoul.");
    assert_string_equal(s->place, "Seoul, South Korea");
    assert_int_equal(s->n_tags, 3);
    assert_string_equal(s->tags[1], "North Korea");
    assert_true(s->draft);
    assert_int_equal(s->n_publications, 2);
    assert_string_equal(s->publications[0].name, "Der Spiegel");
    assert_string_equal(s->publications[0].title, "Year in Pictures 2022");
    assert_string_equal(s->publications[0].date, "2022-12");
    assert_string_equal(s->publications[0].url, "https://www.spiegel.de/");
    assert_string_equal(s->publications[0].photo, "kim-01.jpg");
    assert_string_equal(s->publications[1].name, "Another Weekly");
    assert_null(s->publications[1].url);
    assert_string_equal(s->license.usage_terms, "Editorial only");
    assert_string_equal(s->license.licensor_url, "https://example.com/ask/");
    assert_null(s->license.copyright); /* inherits the site's */
    assert_int_equal(s->body_line, 24);
    assert_string_equal(s->body, "Text of the story.\n");
    assert_int_equal(s->body_len, strlen("Text of the story.\n"));
    assert_int_equal(s->n_photos, 0);
    assert_int_equal(s->n_warnings, 0);
    story_free(s);
    story_free(NULL);
}

static void story_without_title_is_an_error_naming_the_file(void **state)
{
    struct story *s = (void *)1;
    struct diag d;
    assert_int_equal(parse("---\nsubtitle: no title\n---\nbody\n", &s, &d), ST_CONFIG);
    assert_null(s);
    assert_contains(formatted(&d), "stories/t/story.md: line 1: title: ");
    assert_int_equal(parse("---\ntitle: \"\"\n---\n", &s, &d), ST_CONFIG);
    assert_int_equal(parse("---\n---\n", &s, &d), ST_CONFIG);
    /* no front matter at all: the title is still required */
    assert_int_equal(parse("# Just Markdown\n\nText.\n", &s, &d), ST_CONFIG);
    assert_contains(formatted(&d), "stories/t/story.md: line 1: title: no front matter");
    assert_int_equal(parse("", &s, &d), ST_CONFIG);
    /* an opening fence without a closing one */
    assert_int_equal(parse("---\ntitle: T\n\nBody text\n", &s, &d), ST_CONFIG);
    assert_contains(formatted(&d), "never closed");
}

static void story_front_matter_errors_name_line_and_key(void **state)
{
    static const struct {
        const char *text;
        unsigned line;
        const char *key;
    } cases[] = {
        {"---\ntitle: T\ndate: 2022-02-30\n---\n", 3, "date"},
        {"---\ntitle: T\ndate: 2021-02-29\n---\n", 3, "date"},
        {"---\ntitle: T\ndate: 27 Jan 2022\n---\n", 3, "date"},
        {"---\ntitle: T\ncover: ../other/kim.jpg\n---\n", 3, "cover"},
        {"---\ntitle: T\ncover: https://example.com/kim.jpg\n---\n", 3, "cover"},
        {"---\ntitle: T\ndraft: maybe\n---\n", 3, "draft"},
        {"---\ntitle: T\ntags: portrait\n---\n", 3, "tags"},
        {"---\ntitle: T\nlang: Korean\n---\n", 3, "lang"},
        {"---\ntitle: T\npublications:\n  - title: No name\n---\n", 4, "publications.name"},
        {"---\ntitle: T\npublications:\n  - name: X\n    url: spiegel.de\n---\n", 5,
         "publications.url"},
        {"---\ntitle: T\nlicense:\n  web_statement: nope\n---\n", 4, "license.web_statement"},
        {"---\ntitle: T\ntitle: U\n---\n", 3, "title"},
        {"---\ntitle: T\nsummary: &s hi\n---\n", 3, "anchors"},
        {"---\ntitle: [T\n---\n", 3, "column"},
        {"---\ntitle: T\nphotos: [a.jpg]\n---\n", 3, "photos"},
        {"---\ntitle: T\nphotos:\n  ../x.jpg: {alt: A}\n---\n", 4, "photos"},
        {"---\ntitle: T\nphotos:\n  a.jpg: plain\n---\n", 4, "photos"},
        {"---\ntitle: T\nphotos:\n  a.jpg:\n    license:\n      licensor_url: nope\n---\n", 6,
         "photos.a.jpg.license.licensor_url"},
        {"---\ntitle: T\nphotos:\n  a.jpg: {alt: A}\n  a.jpg: {alt: B}\n---\n", 5, "photos"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct story *s = (void *)1;
        struct diag d;
        char want[64];
        enum status st = parse(cases[i].text, &s, &d);
        if (st != ST_CONFIG)
            fail_msg("case %zu: status %s, want ST_CONFIG", i, status_str(st));
        assert_null(s);
        snprintf(want, sizeof want, "stories/t/story.md: line %u: ", cases[i].line);
        assert_contains(formatted(&d), want);
        assert_contains(formatted(&d), cases[i].key);
    }
}

/* photos: keyed by file name: alt and licence fields for one photo */
static void story_per_photo_rights(void **state)
{
    struct story *s = NULL;
    struct diag d;
    assert_int_equal(parse("---\ntitle: T\nlicense:\n  usage_terms: Story terms\n"
                           "photos:\n"
                           "  kim-01.jpg:\n"
                           "    alt: Kim at her window\n"
                           "    license:\n"
                           "      usage_terms: Editorial only\n"
                           "      licensor_url: https://example.com/license/kim-01\n"
                           "      licensor_email: photo@example.com\n"
                           "  kim-02.jpg:\n"
                           "---\n![](kim-01.jpg)\n",
                           &s, &d),
                     ST_OK);
    assert_int_equal(s->n_photo_rights, 2);
    const struct story_photo_rights *r = story_photo_rights_get(s, "kim-01.jpg");
    assert_non_null(r);
    assert_int_equal(r->line, 6);
    assert_string_equal(r->alt, "Kim at her window");
    assert_string_equal(r->license.usage_terms, "Editorial only");
    assert_string_equal(r->license.licensor_url, "https://example.com/license/kim-01");
    assert_string_equal(r->license.licensor_email, "photo@example.com");
    assert_null(r->license.web_statement);
    assert_string_equal(s->license.usage_terms, "Story terms");
    r = story_photo_rights_get(s, "kim-02.jpg");
    assert_non_null(r);
    assert_null(r->alt);
    assert_null(story_photo_rights_get(s, "kim-03.jpg"));
    assert_null(story_photo_rights_get(NULL, "kim-01.jpg"));
    story_free(s);
}

static void story_unknown_front_matter_key_warns(void **state)
{
    struct story *s = NULL;
    struct diag d;
    capture_start();
    enum status st = parse("---\ntitle: T\nsubtitel: oops\n---\n", &s, &d);
    const char *err = capture_stop();
    assert_int_equal(st, ST_OK);
    assert_int_equal(s->n_warnings, 1);
    assert_null(s->subtitle);
    assert_contains(err, "stories/t/story.md: line 3: unknown key 'subtitel'");
    story_free(s);
}

static void story_with_crlf_and_bom(void **state)
{
    const char *text = "\xEF\xBB\xBF---\r\n"
                       "title: Windows story\r\n"
                       "date: 2022-01-27\r\n"
                       "---\r\n"
                       "First paragraph.\r\n"
                       "\r\n"
                       "![A portrait](kim-01.jpg)\r\n";
    struct story *s = NULL;
    struct diag d;
    assert_int_equal(parse(text, &s, &d), ST_OK);
    assert_string_equal(s->title, "Windows story");
    assert_string_equal(s->date, "2022-01-27");
    assert_int_equal(s->body_line, 5);
    assert_null(strchr(s->body, '\r'));
    assert_int_equal(s->n_photos, 1);
    assert_string_equal(s->photos[0].src, "kim-01.jpg");
    assert_string_equal(s->photos[0].alt, "A portrait");
    assert_int_equal(s->photos[0].line, 7);
    story_free(s);

    /* a closing fence that is the last line, with no newline after it */
    assert_int_equal(parse("---\r\ntitle: T\r\n...", &s, &d), ST_OK);
    assert_int_equal(s->body_len, 0);
    assert_string_equal(s->body, "");
    story_free(s);
}

static void story_invalid_utf8_names_the_line(void **state)
{
    struct story *s = (void *)1;
    struct diag d;
    assert_int_equal(parse("---\ntitle: T\n---\nfine\nstill fine\nLatin-1 caf\xE9 here\n", &s, &d),
                     ST_MALFORMED);
    assert_null(s);
    assert_contains(formatted(&d), "stories/t/story.md: line 6: ");
    assert_contains(formatted(&d), "UTF-8");
    /* in the front matter too, and an overlong encoding is invalid */
    assert_int_equal(parse("---\ntitle: \xC0\xAF\n---\n", &s, &d), ST_MALFORMED);
    assert_contains(formatted(&d), "line 2: ");
}

static void story_photos_with_alt_title_and_lines(void **state)
{
    const char *text =
        "---\n"                                                                        /* 1 */
        "title: Photos\n"                                                              /* 2 */
        "---\n"                                                                        /* 3 */
        "Intro with an ![inline *alt* &amp; more](a.jpg \"The &quot;title&quot;\").\n" /* 4 */
        "\n"                                                                           /* 5 */
        "![](same.jpg)\n"                                                              /* 6 */
        "\n"                                                                           /* 7 */
        "Some text.\n"                                                                 /* 8 */
        "\n"                                                                           /* 9 */
        "![](same.jpg)\n"                                                              /* 10 */
        "\n"                                                                           /* 11 */
        "- a list item\n"                                                              /* 12 */
        "- another with ![in list](sub/list.jpg)\n"                                    /* 13 */
        "\n"                                                                           /* 14 */
        "| photo | note |\n"                                                           /* 15 */
        "|---|---|\n"                                                                  /* 16 */
        "| ![cell](table.jpg) | x |\n"                                                 /* 17 */
        "\n"                                                                           /* 18 */
        "![esc](my\\_photo.jpg)\n"                                                     /* 19 */
        "![esc](my\\_photo.jpg)\n"                                                     /* 20 */
        "\n"                                                                           /* 21 */
        "`![code](not-a-photo.jpg)`\n"                                                 /* 22 */
        "\n"                                                                           /* 23 */
        "![ref][r]\n"                                                                  /* 24 */
        "\n"                                                                           /* 25 */
        "[r]: ref.jpg\n";                                                              /* 26 */
    struct story *s = NULL;
    struct diag d;
    assert_int_equal(parse(text, &s, &d), ST_OK);
    assert_int_equal(s->n_photos, 8);
    assert_string_equal(s->photos[0].src, "a.jpg");
    assert_string_equal(s->photos[0].alt, "inline alt & more");
    assert_string_equal(s->photos[0].title, "The \"title\"");
    assert_int_equal(s->photos[0].line, 4);
    assert_string_equal(s->photos[1].src, "same.jpg");
    assert_null(s->photos[1].alt);
    assert_null(s->photos[1].title);
    assert_int_equal(s->photos[1].line, 6);
    assert_string_equal(s->photos[2].src, "same.jpg");
    assert_int_equal(s->photos[2].line, 10);
    assert_string_equal(s->photos[3].src, "sub/list.jpg");
    assert_string_equal(s->photos[3].alt, "in list");
    assert_int_equal(s->photos[3].line, 13);
    assert_string_equal(s->photos[4].src, "table.jpg");
    assert_int_equal(s->photos[4].line, 17);
    /* md4c copies an unescaped src out of the body: the line is found by search */
    assert_string_equal(s->photos[5].src, "my_photo.jpg");
    assert_int_equal(s->photos[5].line, 19);
    assert_string_equal(s->photos[6].src, "my_photo.jpg");
    assert_int_equal(s->photos[6].line, 20);
    /* a reference image: the line where its file name is written */
    assert_string_equal(s->photos[7].src, "ref.jpg");
    assert_string_equal(s->photos[7].alt, "ref");
    assert_int_equal(s->photos[7].line, 26);
    story_free(s);
}

static void story_photo_lines_without_text_between_images(void **state)
{
    /* escaped srcs (copied by md4c), no alt, one paragraph, then a
     * linked image and a multi-line image */
    const char *text = "---\n"
                       "title: T\n"
                       "---\n"
                       "![](a\\_b.jpg)\n" /* 4 */
                       "![](a\\_b.jpg)\n" /* 5 */
                       "![](a\\_b.jpg)\n" /* 6 */
                       "\n"
                       "[![](linked.jpg)](https://example.com/)\n" /* 8 */
                       "\n"
                       "![two\n"       /* 10 */
                       "lines](\n"     /* 11 */
                       "multi.jpg)\n"; /* 12 */
    struct story *s = NULL;
    struct diag d;
    assert_int_equal(parse(text, &s, &d), ST_OK);
    assert_int_equal(s->n_photos, 5);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(s->photos[i].src, "a_b.jpg");
        assert_int_equal(s->photos[i].line, 4 + i);
    }
    assert_string_equal(s->photos[3].src, "linked.jpg");
    assert_int_equal(s->photos[3].line, 8);
    assert_string_equal(s->photos[4].src, "multi.jpg");
    assert_string_equal(s->photos[4].alt, "two lines");
    assert_int_equal(s->photos[4].line, 12); /* where the file name is written */
    story_free(s);
}

static void story_refuses_remote_absolute_and_parent_images(void **state)
{
    static const char *const srcs[] = {
        "https://example.com/kim.jpg",
        "http://example.com/kim.jpg",
        "//cdn.example.com/kim.jpg",
        "/var/photos/kim.jpg",
        "../other/kim.jpg",
        "sub/../../kim.jpg",
        "data:image/png;base64,AAAA",
        "file:kim.jpg",
    };
    for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
        char text[512], want[256];
        snprintf(text, sizeof text, "---\ntitle: T\n---\n\nText.\n\n![x](%s)\n", srcs[i]);
        struct story *s = (void *)1;
        struct diag d;
        enum status st = parse(text, &s, &d);
        if (st != ST_CONFIG)
            fail_msg("%s: status %s, want ST_CONFIG", srcs[i], status_str(st));
        assert_null(s);
        snprintf(want, sizeof want, "stories/t/story.md: line 7: image '%s'", srcs[i]);
        assert_contains(formatted(&d), want);
    }
    /* a link (not an image) to the web is fine */
    struct story *s = NULL;
    struct diag d;
    assert_int_equal(parse("---\ntitle: T\n---\nSee [Spiegel](https://www.spiegel.de/).\n", &s, &d),
                     ST_OK);
    assert_int_equal(s->n_photos, 0);
    story_free(s);
}

static void story_check_photos_names_story_line_and_file(void **state)
{
    const char *dir = folder("kim");
    write_text(dir, "story.md",
               "---\ntitle: Kim\ncover: kim-01.jpg\n---\n"
               "![](kim-01.jpg)\n\n![](kim-02.jpg)\n\nText\n\nMore\n\n![](kim-03.jpg)\n");
    write_text(dir, "kim-01.jpg", "not really a jpeg");
    write_text(dir, "kim-02.jpg", "not really a jpeg");
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/kim-03.jpg", dir);
    assert_int_equal(mkdir(sub, 0755), 0); /* a folder is not a photo */

    struct story *s = NULL;
    struct diag d;
    assert_int_equal(story_load(dir, NULL, &s, &d), ST_OK);
    assert_string_equal(s->slug, "kim");
    assert_string_equal(s->dir, dir);
    assert_int_equal(s->n_photos, 3);
    assert_int_equal(story_check_photos(s, &d), ST_NOT_FOUND);
    char want[2048];
    snprintf(want, sizeof want, "%s/story.md: line 13: photo 'kim-03.jpg' not found in %s/", dir,
             dir);
    assert_string_equal(formatted(&d), want);
    story_free(s);

    /* all present: ok; a missing cover names the cover line */
    assert_int_equal(rmdir(sub), 0);
    write_text(dir, "kim-03.jpg", "x");
    assert_int_equal(story_load(dir, "kim-slug", &s, &d), ST_OK);
    assert_string_equal(s->slug, "kim-slug");
    assert_int_equal(story_check_photos(s, &d), ST_OK);
    story_free(s);
    write_text(dir, "story.md", "---\ntitle: Kim\n\ncover: gone.jpg\n---\n");
    assert_int_equal(story_load(dir, NULL, &s, &d), ST_OK);
    assert_int_equal(story_check_photos(s, &d), ST_NOT_FOUND);
    assert_contains(formatted(&d), "story.md: line 4: cover: photo 'gone.jpg' not found");
    story_free(s);
    write_text(dir, "story.md",
               "---\ntitle: Kim\npublications:\n  - name: Der Spiegel\n"
               "  - name: Year in Pictures\n    photo: kim-09.jpg\n---\n");
    assert_int_equal(story_load(dir, NULL, &s, &d), ST_OK);
    assert_int_equal(s->publications[1].line, 5);
    assert_int_equal(story_check_photos(s, &d), ST_NOT_FOUND);
    assert_contains(formatted(&d), "story.md: line 5: publications.photo: photo 'kim-09.jpg'");
    story_free(s);

    /* story_load without story.md names the file it looked for */
    const char *empty = folder("no-story");
    assert_int_equal(story_load(empty, NULL, &s, &d), ST_NOT_FOUND);
    assert_null(s);
    assert_contains(formatted(&d), "no-story/story.md");
}

static void story_in_korean(void **state)
{
    const char *text = "---\n"
                       "title: 김련희, 집으로 돌아가고 싶은 북한 주민\n"
                       "lang: ko\n"
                       "place: 서울\n"
                       "tags: [초상, 평양]\n"
                       "---\n"
                       "## 소개\n"
                       "\n"
                       "김련희 씨는 2011년에 남쪽으로 왔다.\n"
                       "\n"
                       "![서울 자택에서의 김련희](김련희-01.jpg \"평양 시민\")\n";
    struct story *s = NULL;
    struct diag d;
    assert_int_equal(parse(text, &s, &d), ST_OK);
    assert_string_equal(s->title, "김련희, 집으로 돌아가고 싶은 북한 주민");
    assert_string_equal(s->lang, "ko");
    assert_string_equal(s->place, "서울");
    assert_string_equal(s->tags[1], "평양");
    assert_int_equal(s->n_photos, 1);
    assert_string_equal(s->photos[0].src, "김련희-01.jpg");
    assert_string_equal(s->photos[0].alt, "서울 자택에서의 김련희");
    assert_string_equal(s->photos[0].title, "평양 시민");
    assert_int_equal(s->photos[0].line, 11);
    story_free(s);
}

static void story_limits_and_odd_input_do_not_crash(void **state)
{
    struct story *s = NULL;
    struct diag d;
    /* NUL bytes in the body become U+FFFD in md4c, not a truncation */
    static const char nul[] = "---\ntitle: T\n---\n![a\0b](x.jpg)\n";
    assert_int_equal(story_parse("n.md", nul, sizeof nul - 1, &s, &d), ST_OK);
    assert_int_equal(s->n_photos, 1);
    assert_string_equal(s->photos[0].alt, "a\xEF\xBF\xBD"
                                          "b");
    story_free(s);
    /* more images than a story may hold */
    size_t n = TS_LIMIT_PHOTOS_PER_STORY + 1;
    char *big = malloc(n * 10 + 32);
    assert_non_null(big);
    strcpy(big, "---\ntitle: T\n---\n");
    char *p = big + strlen(big);
    for (size_t i = 0; i < n; i++) {
        memcpy(p, "![](a.jpg)", 10);
        p += 10;
    }
    *p = '\0';
    assert_int_equal(parse(big, &s, &d), ST_LIMIT);
    assert_null(s);
    free(big);
    /* entities in a src and alt are decoded with the Markdown renderer's
     * table (every Latin-1 name); an unknown named one is kept */
    assert_int_equal(parse("---\ntitle: T\n---\n![&frac12; &#233; &aacute; &bogus;](caf&#xE9;.jpg)\n",
                           &s, &d),
                     ST_OK);
    assert_string_equal(s->photos[0].src, "café.jpg");
    assert_string_equal(s->photos[0].alt, "½ é á &bogus;");
    story_free(s);
}

/* ---- the example site ---------------------------------------------- */

static void example_site_loads_and_its_story_is_complete(void **state)
{
    char dir[1024], story_dir[2048];
    snprintf(dir, sizeof dir, "%s/examples/site", TS_SOURCE_DIR);
    snprintf(story_dir, sizeof story_dir, "%s/stories/kim-ryon-hui", dir);
    struct story_site *site = NULL;
    struct diag d;
    if (story_site_load(dir, &site, &d) != ST_OK)
        fail_msg("%s", formatted(&d));
    assert_string_equal(site->author, "Jun Michael Park");
    assert_string_equal(site->base_url, "http://127.0.0.1:8080/");
    assert_string_equal(site->license.credit_line, "Jun Michael Park");
    assert_int_equal(site->n_languages, 2);
    assert_string_equal(site->languages[1], "ko");
    assert_int_equal(site->n_warnings, 0);
    story_site_free(site);

    struct story *s = NULL;
    if (story_load(story_dir, NULL, &s, &d) != ST_OK)
        fail_msg("%s", formatted(&d));
    assert_string_equal(s->slug, "kim-ryon-hui");
    assert_string_equal(s->title, "Kim Ryon-hui: The North Korean Defector Who Wants to Go Home");
    assert_string_equal(s->date, "2022-01-27");
    assert_string_equal(s->cover, "kim-ryon-hui-01.jpg");
    assert_int_equal(s->n_publications, 1);
    assert_string_equal(s->publications[0].name, "Der Spiegel");
    assert_int_equal(s->n_photos, 2);
    assert_string_equal(s->photos[0].src, "kim-ryon-hui-01.jpg");
    assert_string_equal(s->photos[1].src, "kim-ryon-hui-02.jpg");
    assert_null(s->photos[0].alt); /* captions come from the photos' own metadata */
    assert_int_equal(s->n_warnings, 0);
    static const char *const sections[] = {
        "## Introduction: Who Is Kim Ryon-hui?",
        "## Background: A Medical Trip That Changed Her Life",
        "## Life in South Korea: Isolation and Advocacy",
        "## International Attention and Human Rights Debate",
        "## A Symbol of Complexity on a Divided Peninsula",
        "## Personal Thoughts",
        "## Authentic Photographs of Kim Ryon-hui",
    };
    const char *at = s->body;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        const char *h = strstr(at, sections[i]);
        if (!h)
            fail_msg("section '%s' missing or out of order", sections[i]);
        at = h;
    }
    /* the photos sit in the last section */
    assert_true(strstr(s->body, "![](kim-ryon-hui-01.jpg)") > at);
    story_free(s);

    /* told again in Korean (site.yaml languages: [en, ko]): the same
     * sections, the same photos, in the same order */
    char ko_path[2100];
    snprintf(ko_path, sizeof ko_path, "%s/story.ko.md", story_dir);
    uint8_t *text = NULL;
    size_t len = 0;
    if (file_read_all(ko_path, 1 << 20, &text, &len, &d) != ST_OK ||
        story_parse(ko_path, (const char *)text, len, &s, &d) != ST_OK)
        fail_msg("%s", formatted(&d));
    free(text);
    assert_string_equal(s->lang, "ko");
    assert_string_equal(s->date, "2022-01-27");
    assert_string_equal(s->cover, "kim-ryon-hui-01.jpg");
    assert_int_equal(s->n_photos, 2);
    assert_string_equal(s->photos[0].src, "kim-ryon-hui-01.jpg");
    assert_string_equal(s->photos[1].src, "kim-ryon-hui-02.jpg");
    assert_int_equal(s->n_warnings, 0);
    size_t headings = 0;
    for (const char *h = s->body; (h = strstr(h, "\n## ")); h++)
        headings++;
    assert_int_equal(headings + (strncmp(s->body, "## ", 3) == 0), 7);
    story_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(site_without_yaml_has_every_default),
        cmocka_unit_test(site_folder_that_does_not_exist_is_an_error),
        cmocka_unit_test(site_yaml_with_every_key),
        cmocka_unit_test(site_invalid_values_name_file_line_and_key),
        cmocka_unit_test(site_signing_identities),
        cmocka_unit_test(site_privacy_policies),
        cmocka_unit_test(site_languages),
        cmocka_unit_test(messages_catalogue),
        cmocka_unit_test(site_unknown_keys_warn_with_file_line_and_key),
        cmocka_unit_test(site_refuses_alias_bombs_and_anchors),
        cmocka_unit_test(site_nesting_and_size_are_capped),
        cmocka_unit_test(site_malformed_yaml_names_line_and_column),
        cmocka_unit_test(site_accepts_crlf_bom_and_a_path_base_url),
        cmocka_unit_test(story_front_matter_with_every_key),
        cmocka_unit_test(story_without_title_is_an_error_naming_the_file),
        cmocka_unit_test(story_front_matter_errors_name_line_and_key),
        cmocka_unit_test(story_per_photo_rights),
        cmocka_unit_test(story_unknown_front_matter_key_warns),
        cmocka_unit_test(story_with_crlf_and_bom),
        cmocka_unit_test(story_invalid_utf8_names_the_line),
        cmocka_unit_test(story_photos_with_alt_title_and_lines),
        cmocka_unit_test(story_photo_lines_without_text_between_images),
        cmocka_unit_test(story_refuses_remote_absolute_and_parent_images),
        cmocka_unit_test(story_check_photos_names_story_line_and_file),
        cmocka_unit_test(story_in_korean),
        cmocka_unit_test(story_limits_and_odd_input_do_not_crash),
        cmocka_unit_test(example_site_loads_and_its_story_is_complete),
    };
    return cmocka_run_group_tests(tests, make_root, remove_root);
}
