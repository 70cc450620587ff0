/*
 * html_fuzz.c — fuzz target for the html module: the first input byte
 * picks an entry point (markup escapers, URL escapers, Markdown,
 * Mustache), the rest is the input. Each run checks what must hold for
 * any input: no raw markup characters out of the escapers, no active
 * scheme out of the URL writers, valid UTF-8 out, no <script> out of a
 * story. A violated invariant aborts, so the fuzzer reports it.
 *
 * Built plainly (no TS_LIBFUZZER) it replays every file in the folders
 * named on the command line through all four entry points: that is the
 * html_fuzz_replay test. With clang:
 *   clang -g -fsanitize=fuzzer,address,undefined -DTS_LIBFUZZER -Isrc \
 *     tests/html_fuzz.c src/html/\*.c src/base/\*.c -lmd4c -ljansson
 *
 * Must never: write files, or accept an input that breaks an invariant.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "html/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "html_fuzz: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static bool utf8_ok(const struct buf *b)
{
    return !b->data || utf8_valid((const uint8_t *)b->data, b->len);
}

static bool has_any(const struct buf *b, const char *set)
{
    return b->data && strpbrk(b->data, set) != NULL;
}

/* The scheme a browser would read from an href we wrote (after &amp;
 * and friends, which cannot form one: "&" never precedes a scheme). */
static bool scheme_allowed(const char *url)
{
    char scheme[16];
    size_t k = 0;
    const char *p = url;
    for (; *p && *p != '"' && *p != ':' && *p != '/' && *p != '?' && *p != '#' &&
           k < sizeof scheme - 1;
         p++)
        scheme[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    scheme[k] = '\0';
    if (*p != ':')
        return true;
    return !strcmp(scheme, "http") || !strcmp(scheme, "https") || !strcmp(scheme, "mailto") ||
           !strncmp(url, "data:image/", 11);
}

/* Every href="..." and src="..." in out must pass scheme_allowed. */
static void check_urls(const struct buf *out)
{
    static const char *const attrs[] = {"href=\"", "src=\""};
    for (size_t a = 0; a < 2 && out->data; a++)
        for (const char *p = strstr(out->data, attrs[a]); p; p = strstr(p + 1, attrs[a]))
            CHECK(scheme_allowed(p + strlen(attrs[a])));
}

static const char *partial(void *ud, const char *name, size_t *len)
{
    const char *self = ud;
    if (name[0] == 'p') { /* the template itself: recursion must stop */
        *len = strlen(self);
        return self;
    }
    if (name[0] == 'q') {
        *len = strlen("{{#a}}{{>p}}{{/a}}");
        return "{{#a}}{{>p}}{{/a}}";
    }
    return NULL;
}

static enum status figure(void *ud, const char *src, const char *alt, const char *title,
                          bool inline_image, struct buf *out)
{
    enum status st = buf_puts(out, inline_image ? "<img src=\"" : "<figure><img src=\"");
    if (st == ST_OK)
        st = html_escape_img_src(out, src, strlen(src));
    if (st == ST_OK)
        st = buf_puts(out, "\" alt=\"");
    if (st == ST_OK)
        st = html_escape_attr(out, alt, strlen(alt));
    if (st == ST_OK)
        st = buf_puts(out, "\" title=\"");
    if (st == ST_OK)
        st = html_escape_attr(out, title, strlen(title));
    if (st == ST_OK)
        st = buf_puts(out, inline_image ? "\">" : "\"></figure>");
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    struct buf b;
    struct diag d;
    buf_init(&b, (size_t)1 << 22);
    switch (data[0] % 4) {
    case 0:
        html_escape_text(&b, s, n);
        CHECK(!has_any(&b, "<>\"'") && utf8_ok(&b) && strlen(b.data ? b.data : "") == b.len);
        buf_reset(&b);
        html_escape_json_script(&b, s, n);
        CHECK(!has_any(&b, "<>&") && utf8_ok(&b));
        break;
    case 1:
        html_escape_url(&b, s, n);
        CHECK(!has_any(&b, "<>\"' \t\n\r`\\") && utf8_ok(&b));
        CHECK(scheme_allowed(b.data ? b.data : "") && strncmp(b.data ? b.data : "", "data:", 5));
        buf_reset(&b);
        html_escape_img_src(&b, s, n);
        CHECK(!has_any(&b, "<>\"' \t\n\r`\\") && utf8_ok(&b));
        CHECK(scheme_allowed(b.data ? b.data : ""));
        break;
    case 2:
        if (html_markdown(s, n, (data[0] & 4) ? figure : NULL, NULL, &b, &d) == ST_OK) {
            CHECK(utf8_ok(&b));
            CHECK(!b.data || !strstr(b.data, "<script"));
            check_urls(&b);
        }
        break;
    default: {
        char *self = str_ndup(s, n);
        struct html_template *t = NULL;
        json_t *ctx = json_pack("{s:[i,s,{s:s}],s:s,s:b,s:{s:{s:i}},s:s}", "a", 1, "<x>", "b", "\"",
                                "c", "&'", "t", 1, "o", "p", "q", 2, "y", "\xff<i>");
        if (self && html_template_compile("fuzz", s, n, &t, &d) == ST_OK &&
            html_render(t, ctx, partial, self, &b, &d) == ST_OK)
            CHECK(utf8_ok(&b));
        html_template_free(t);
        json_decref(ctx);
        free(self);
        break;
    }
    }
    buf_free(&b);
    return 0;
}

#ifndef TS_LIBFUZZER
/* Replays one file through every entry point. */
static int replay(const char *path)
{
    uint8_t *in = NULL, *one = NULL;
    size_t len = 0;
    struct diag d;
    if (file_read_all(path, TS_LIMIT_TEXT_BYTES, &in, &len, &d) != ST_OK) {
        char msg[1024];
        diag_format(&d, msg, sizeof msg);
        fprintf(stderr, "html_fuzz: %s\n", msg);
        return 1;
    }
    one = malloc(len + 1);
    if (!one) {
        free(in);
        return 1;
    }
    if (len)
        memcpy(one + 1, in, len);
    for (uint8_t mode = 0; mode < 8; mode++) {
        one[0] = mode;
        LLVMFuzzerTestOneInput(one, len + 1);
    }
    free(one);
    free(in);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0, errors = 0;
    for (int i = 1; i < argc; i++) {
        DIR *dp = opendir(argv[i]);
        if (!dp) {
            fprintf(stderr, "html_fuzz: cannot open %s\n", argv[i]);
            return 1;
        }
        struct dirent *e;
        char path[TS_LIMIT_PATH];
        while ((e = readdir(dp))) {
            if (e->d_name[0] == '.' || !path_join(path, sizeof path, argv[i], e->d_name))
                continue;
            errors += replay(path);
            files++;
        }
        closedir(dp);
    }
    printf("html_fuzz: replayed %d files through 8 entry modes, %d unreadable\n", files, errors);
    return errors || files == 0;
}
#endif
