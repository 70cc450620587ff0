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
 * strikethrough and permissive autolinks, raw HTML off; character
 * references decoded by base's entity_put (HTML5 names, CommonMark §2.5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

#include "story/story_int.h"

#define BODY_FLAGS                                                                                 \
    (MD_DIALECT_COMMONMARK | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH |                              \
     MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_NOHTML)

struct scan {
    struct story *s;
    struct diag *d;
    enum status st;
    size_t cap;
    /* offs[i]: where photo i is written, as an offset into the body;
     * turned into lines in one pass at the end (a table of every line
     * start would cost 8 bytes per line of a 16 MB file of newlines) */
    size_t *offs;
    /* Lower bound for where the next image starts: the end of the last
     * text md4c gave us from the body (md4c reports in document order). */
    size_t last_pos;
    /* No "![" from here to the end of the body: a failed search is not
     * repeated, so searching stays linear in the body however many
     * images ask (a nested image can start before last_pos). */
    size_t no_bang_from;
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

/* The line of one offset, counted from the start: only for the one
 * error that ends the scan. */
static unsigned line_of(const struct scan *sc, size_t off)
{
    struct span head;
    if (!span_sub(span_make((const uint8_t *)sc->s->body, sc->s->body_len), 0, off, &head))
        head = span_make((const uint8_t *)sc->s->body, sc->s->body_len);
    return sc->s->body_line + (unsigned)story_count_newlines(head);
}

struct off_index {
    size_t off, photo;
};

static int cmp_off(const void *a, const void *b)
{
    const struct off_index *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* Every photo's line in one walk over the body, in offset order. */
static enum status assign_lines(struct scan *sc)
{
    struct story *s = sc->s;
    if (s->n_photos == 0)
        return ST_OK;
    struct off_index *ix = calloc(s->n_photos, sizeof *ix);
    if (!ix)
        return ST_NOMEM;
    for (size_t i = 0; i < s->n_photos; i++) {
        ix[i].off = sc->offs[i];
        ix[i].photo = i;
    }
    qsort(ix, s->n_photos, sizeof *ix, cmp_off);
    struct span body = span_make((const uint8_t *)s->body, s->body_len), part;
    size_t at = 0;
    unsigned line = s->body_line;
    for (size_t i = 0; i < s->n_photos; i++) {
        if (span_sub(body, at, ix[i].off - at, &part)) {
            line += (unsigned)story_count_newlines(part);
            at = ix[i].off;
        }
        s->photos[ix[i].photo].line = line;
    }
    free(ix);
    return ST_OK;
}

static enum status put_text(struct buf *b, MD_TEXTTYPE type, const char *t, size_t n)
{
    switch (type) {
    case MD_TEXT_ENTITY:
        return entity_put(b, t, n); /* base's one table */
    case MD_TEXT_NULLCHAR:
        return utf8_put(b, 0xFFFD);
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        return buf_putc(b, ' ');
    default:
        return buf_append(b, t, n);
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

static int byte_at(struct span s, size_t i)
{
    struct span one;
    return span_sub(s, i, 1, &one) ? one.ptr[0] : -1;
}

/* Where this image is written, as an offset into the body. md4c gives
 * no positions, but the src text usually points into our body (md4c
 * copies it only when it had to unescape); otherwise the image is the
 * first "![" after everything md4c has already reported (md4c reports
 * in document order). */
static size_t image_offset(struct scan *sc, const MD_SPAN_IMG_DETAIL *det)
{
    struct span body = span_make((const uint8_t *)sc->s->body, sc->s->body_len);
    if (det->src.size && in_body(sc, det->src.text)) {
        size_t off = (size_t)((uintptr_t)det->src.text - (uintptr_t)sc->s->body);
        /* an inline image `](src` or `](<src`: everything before it is done */
        size_t k = off;
        int ch;
        while ((ch = byte_at(body, k - 1)) == ' ' || ch == '\t' || ch == '\n')
            k--;
        if ((ch == '(' || ch == '<') && off > sc->last_pos)
            sc->last_pos = off;
        return off;
    }
    struct span rest;
    if (sc->last_pos < sc->no_bang_from &&
        span_sub(body, sc->last_pos, body.len - sc->last_pos, &rest)) {
        for (size_t i = 0; i + 1 < rest.len; i++) {
            if (rest.ptr[i] == '!' && rest.ptr[i + 1] == '[') {
                size_t off = sc->last_pos + i;
                sc->last_pos = off + 2;
                return off;
            }
        }
        sc->no_bang_from = sc->last_pos;
    }
    return sc->last_pos < body.len ? sc->last_pos : body.len;
}

/* Room for one more photo in both s->photos and sc->offs. */
static enum status grow(struct scan *sc)
{
    struct story *s = sc->s;
    if (s->n_photos < sc->cap)
        return ST_OK;
    size_t cap = sc->cap ? sc->cap * 2 : 16;
    struct story_photo *p = realloc(s->photos, cap * sizeof *p);
    if (!p)
        return ST_NOMEM;
    s->photos = p;
    size_t *o = realloc(sc->offs, cap * sizeof *o);
    if (!o)
        return ST_NOMEM;
    sc->offs = o;
    sc->cap = cap;
    return ST_OK;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    struct scan *sc = userdata;
    /* md4c 0.4.8 ignores a non-zero return from span callbacks (it goes
     * on, and md_parse returns 0): sc->st carries the failure, and every
     * later call is refused cheaply */
    if (sc->st != ST_OK)
        return 1;
    if (type != MD_SPAN_IMG)
        return 0;
    const MD_SPAN_IMG_DETAIL *det = detail;
    struct story *s = sc->s;
    size_t off = image_offset(sc, det);
    if (s->n_photos >= TS_LIMIT_PHOTOS_PER_STORY) {
        char msg[64];
        snprintf(msg, sizeof msg, "more images than the limit of %d per story",
                 TS_LIMIT_PHOTOS_PER_STORY);
        return fail(sc, ST_LIMIT, line_of(sc, off), msg);
    }
    if (grow(sc) != ST_OK)
        return fail(sc, ST_NOMEM, line_of(sc, off), "out of memory");
    struct story_photo *ph = &s->photos[s->n_photos];
    memset(ph, 0, sizeof *ph);
    sc->offs[s->n_photos] = off;
    s->n_photos++;
    if (attr_dup(&det->src, &ph->src) != ST_OK)
        return fail(sc, ST_NOMEM, line_of(sc, off), "image address too long or out of memory");
    if (det->title.text && det->title.size) {
        if (attr_dup(&det->title, &ph->title) != ST_OK)
            return fail(sc, ST_NOMEM, line_of(sc, off), "image title too long or out of memory");
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
        return fail(sc, ST_CONFIG, line_of(sc, off), msg);
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
    if (sc->st != ST_OK)
        return 1;
    if (type != MD_SPAN_IMG || sc->img_depth == 0)
        return 0;
    if (--sc->img_depth > 0)
        return 0;
    struct story_photo *ph = &sc->s->photos[sc->open_photo];
    if (sc->alt.len && !str_blank(sc->alt.data)) {
        ph->alt = str_trim_dup(sc->alt.data, sc->alt.len);
        if (!ph->alt)
            return fail(sc, ST_NOMEM, line_of(sc, sc->offs[sc->open_photo]), "out of memory");
    }
    return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    struct scan *sc = userdata;
    if (sc->st != ST_OK)
        return 1;
    if (in_body(sc, text)) {
        size_t end = (size_t)((uintptr_t)text - (uintptr_t)sc->s->body) + size;
        if (end > sc->last_pos)
            sc->last_pos = end;
    }
    if (sc->img_depth == 0)
        return 0;
    enum status st = put_text(&sc->alt, type, text, size);
    if (st != ST_OK)
        return fail(sc, st, line_of(sc, sc->offs[sc->open_photo]),
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
    sc.no_bang_from = SIZE_MAX;
    buf_init(&sc.alt, TS_LIMIT_FIELD_BYTES);
    diag_set_file(d, s->path);

    enum status st = ST_OK;
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
    if (assign_lines(&sc) != ST_OK)
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
abort:
    free(sc.offs);
    buf_free(&sc.alt);
    return st;
}
