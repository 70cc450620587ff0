/*
 * photos.c — every image of a story's Markdown body (md4c MD_SPAN_IMG)
 * as a struct story_photo: src and title decoded, alt text joined from
 * the text inside ![...], and the line of story.md it is written on.
 *
 * Must never: accept an image that is not a file of the story folder
 * (a URL, an absolute path, '..'): tearsheet publishes only the
 * photographer's own files; or produce HTML (src/html renders bodies).
 *
 * Spec: CommonMark 0.30 §6.4 (images) with md4c's tables,
 * strikethrough and permissive autolinks, raw HTML off; HTML5 named
 * character references for the few entities decoded here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

#include "story/story_int.h"

#define BODY_FLAGS                                                                                 \
    (MD_DIALECT_COMMONMARK | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS | \
     MD_FLAG_NOHTML)

struct scan {
    struct story *s;
    struct diag *d;
    enum status st;
    size_t cap;
    /* line_starts[i] = offset in body of line i+body_line */
    size_t *line_starts;
    size_t n_lines;
    /* Lower bound for where the next image starts: the end of the last
     * text md4c gave us from the body (md4c reports in document order). */
    size_t last_pos;
    unsigned img_depth; /* images inside an image's alt text */
    struct buf alt;     /* alt text of the outermost open image */
    size_t open_photo;  /* index of the outermost open image */
};

static bool in_body(const struct scan *sc, const char *p)
{
    const char *b = sc->s->body;
    /* compare as integers: pointers into other objects must not be compared with '<' */
    uintptr_t x = (uintptr_t)p, lo = (uintptr_t)b, hi = lo + sc->s->body_len;
    return p && x >= lo && x < hi;
}

static unsigned line_of(const struct scan *sc, size_t off)
{
    size_t lo = 0, hi = sc->n_lines; /* last line start <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (sc->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return sc->s->body_line + (unsigned)lo;
}

/* Appends the UTF-8 form of code point cp (U+FFFD for what HTML5 does
 * not allow: NUL, surrogates, beyond U+10FFFF). */
static enum status put_cp(struct buf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return buf_append(b, u, n);
}

/* md4c hands entities over undecoded ("&amp;", "&#233;"). Numeric ones
 * and the named ones a caption writer is likely to type are decoded;
 * any other is kept as written (docs/story.md says so). */
static enum status put_entity(struct buf *b, const char *t, size_t n)
{
    static const struct {
        const char *name;
        unsigned cp;
    } named[] = {
        {"amp", '&'},      {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
        {"apos", '\''},    {"nbsp", 0xA0},     {"copy", 0xA9},     {"reg", 0xAE},
        {"middot", 0xB7},  {"times", 0xD7},    {"ndash", 0x2013},  {"mdash", 0x2014},
        {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"ldquo", 0x201C},  {"rdquo", 0x201D},
        {"hellip", 0x2026}, {"deg", 0xB0},     {"eacute", 0xE9},   {"euro", 0x20AC},
    };
    if (n >= 4 && t[0] == '&' && t[1] == '#' && t[n - 1] == ';') {
        unsigned long cp = 0;
        bool hex = t[2] == 'x' || t[2] == 'X';
        size_t i = hex ? 3 : 2;
        bool ok = i < n - 1 && n - 1 - i <= 8; /* md4c allows at most 6 hex / 7 digits */
        for (; ok && i < n - 1; i++) {
            char ch = t[i];
            int v = (ch >= '0' && ch <= '9')                ? ch - '0'
                    : hex && (ch >= 'a' && ch <= 'f')       ? ch - 'a' + 10
                    : hex && (ch >= 'A' && ch <= 'F')       ? ch - 'A' + 10
                                                            : -1;
            if (v < 0)
                ok = false;
            else
                cp = cp * (hex ? 16 : 10) + (unsigned long)v;
        }
        if (ok)
            return put_cp(b, cp);
    } else if (n >= 3 && t[0] == '&' && t[n - 1] == ';') {
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
            if (strlen(named[i].name) == n - 2 && memcmp(named[i].name, t + 1, n - 2) == 0)
                return put_cp(b, named[i].cp);
    }
    return buf_append(b, t, n);
}

static enum status put_text(struct buf *b, MD_TEXTTYPE type, const char *t, size_t n)
{
    switch (type) {
    case MD_TEXT_ENTITY: return put_entity(b, t, n);
    case MD_TEXT_NULLCHAR: return put_cp(b, 0xFFFD);
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR: return buf_putc(b, ' ');
    default: return buf_append(b, t, n);
    }
}

/* An MD_ATTRIBUTE decoded into a malloc'd string ("" stays ""). */
static enum status attr_dup(const MD_ATTRIBUTE *a, char **out)
{
    struct buf b;
    enum status st = ST_OK;
    buf_init(&b, TS_LIMIT_FIELD_BYTES);
    *out = NULL;
    for (size_t i = 0; a->text && a->substr_offsets[i] < a->size; i++) {
        MD_OFFSET off = a->substr_offsets[i], next = a->substr_offsets[i + 1];
        st = put_text(&b, a->substr_types[i], a->text + off, next - off);
        if (st != ST_OK)
            goto abort;
    }
    *out = buf_detach(&b, NULL);
    if (!*out)
        st = ST_NOMEM;
abort:
    buf_free(&b);
    return st;
}

static int fail(struct scan *sc, enum status st, unsigned line, const char *msg)
{
    if (sc->d)
        sc->d->line = line;
    sc->st = diag_set(sc->d, st, NULL, DIAG_NO_OFFSET, "%s", msg);
    return 1;
}

/* Where this image is written. md4c gives no positions, but the src
 * text usually points into our body (it copies only when it had to
 * unescape); otherwise the image is the first "![" after everything md4c
 * has already reported (md4c reports in document order). */
static unsigned image_line(struct scan *sc, const MD_SPAN_IMG_DETAIL *det)
{
    const char *b = sc->s->body;
    if (det->src.size && in_body(sc, det->src.text)) {
        size_t off = (size_t)((uintptr_t)det->src.text - (uintptr_t)b);
        /* an inline image `](src` or `](<src`: everything before it is done */
        size_t k = off;
        while (k > 0 && (b[k - 1] == ' ' || b[k - 1] == '\t' || b[k - 1] == '\n'))
            k--;
        if (k > 0 && (b[k - 1] == '(' || b[k - 1] == '<') && off > sc->last_pos)
            sc->last_pos = off;
        return line_of(sc, off);
    }
    size_t from = sc->last_pos;
    for (size_t i = from; i + 1 < sc->s->body_len; i++) {
        if (b[i] == '!' && b[i + 1] == '[') {
            sc->last_pos = i + 2;
            return line_of(sc, i);
        }
    }
    return line_of(sc, from < sc->s->body_len ? from : sc->s->body_len);
}

static int enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    struct scan *sc = userdata;
    if (type != MD_SPAN_IMG)
        return 0;
    const MD_SPAN_IMG_DETAIL *det = detail;
    struct story *s = sc->s;
    unsigned line = image_line(sc, det);
    if (s->n_photos >= TS_LIMIT_PHOTOS_PER_STORY) {
        char msg[64];
        snprintf(msg, sizeof msg, "more images than the limit of %d per story",
                 TS_LIMIT_PHOTOS_PER_STORY);
        return fail(sc, ST_LIMIT, line, msg);
    }
    if (s->n_photos == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 16;
        struct story_photo *p = realloc(s->photos, cap * sizeof *p);
        if (!p)
            return fail(sc, ST_NOMEM, line, "out of memory");
        s->photos = p;
        sc->cap = cap;
    }
    struct story_photo *ph = &s->photos[s->n_photos];
    memset(ph, 0, sizeof *ph);
    s->n_photos++;
    ph->line = line;
    if (attr_dup(&det->src, &ph->src) != ST_OK)
        return fail(sc, ST_NOMEM, line, "image address too long or out of memory");
    if (det->title.text && det->title.size) {
        if (attr_dup(&det->title, &ph->title) != ST_OK)
            return fail(sc, ST_NOMEM, line, "image title too long or out of memory");
    }
    const char *why = story_file_ref_problem(ph->src);
    if (why) {
        char q[80];
        size_t n = utf8_clip((const uint8_t *)ph->src, strlen(ph->src), 60);
        snprintf(q, sizeof q, "%.*s%s", (int)n, ph->src, n < strlen(ph->src) ? "..." : "");
        for (char *c = q; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
        char msg[256];
        snprintf(msg, sizeof msg,
                 "image '%s' %s; tearsheet publishes only photos kept in the story folder, "
                 "written as ![](file.jpg)",
                 q, why);
        return fail(sc, ST_CONFIG, line, msg);
    }
    if (sc->img_depth++ == 0) {
        sc->open_photo = s->n_photos - 1;
        buf_reset(&sc->alt);
    }
    return 0;
}

static int leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    struct scan *sc = userdata;
    if (type != MD_SPAN_IMG || sc->img_depth == 0)
        return 0;
    if (--sc->img_depth > 0)
        return 0;
    struct story_photo *ph = &sc->s->photos[sc->open_photo];
    if (sc->alt.len && !str_blank(sc->alt.data)) {
        ph->alt = str_trim_dup(sc->alt.data, sc->alt.len);
        if (!ph->alt)
            return fail(sc, ST_NOMEM, ph->line, "out of memory");
    }
    return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    struct scan *sc = userdata;
    if (in_body(sc, text)) {
        size_t end = (size_t)((uintptr_t)text - (uintptr_t)sc->s->body) + size;
        if (end > sc->last_pos)
            sc->last_pos = end;
    }
    if (sc->img_depth == 0)
        return 0;
    enum status st = put_text(&sc->alt, type, text, size);
    if (st != ST_OK)
        return fail(sc, st, sc->s->photos[sc->open_photo].line,
                    "alt text longer than the limit of 64 KiB");
    return 0;
}

static int no_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    return 0;
}

enum status story_collect_photos(struct story *s, struct diag *d)
{
    struct scan sc;
    memset(&sc, 0, sizeof sc);
    sc.s = s;
    sc.d = d;
    buf_init(&sc.alt, TS_LIMIT_FIELD_BYTES);
    diag_set_file(d, s->path);

    enum status st = ST_OK;
    size_t lines = 1;
    for (size_t i = 0; i < s->body_len; i++)
        lines += s->body[i] == '\n';
    sc.line_starts = malloc(lines * sizeof *sc.line_starts);
    if (!sc.line_starts) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    sc.line_starts[sc.n_lines++] = 0;
    for (size_t i = 0; i < s->body_len; i++)
        if (s->body[i] == '\n')
            sc.line_starts[sc.n_lines++] = i + 1;

    MD_PARSER parser;
    memset(&parser, 0, sizeof parser);
    parser.flags = BODY_FLAGS;
    parser.enter_block = no_block;
    parser.leave_block = no_block;
    parser.enter_span = enter_span;
    parser.leave_span = leave_span;
    parser.text = on_text;
    int r = md_parse(s->body, (MD_SIZE)s->body_len, &parser, &sc);
    if (sc.st != ST_OK) {
        st = sc.st;
        goto abort;
    }
    if (r != 0) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "Markdown parser ran out of memory");
        goto abort;
    }
abort:
    free(sc.line_starts);
    buf_free(&sc.alt);
    return st;
}
