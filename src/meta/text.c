/*
 * text.c — text helpers shared by the meta readers: bytes from a photo
 * to capped, NUL-terminated UTF-8 (as-is when valid UTF-8, cp1252
 * otherwise, or any charset through glibc iconv), and the small owned
 * lists (strings, language values, notes) that struct photo_meta holds.
 *
 * Must never: return invalid UTF-8, return a string longer than
 * TS_LIMIT_FIELD_BYTES, or keep more than TS_LIMIT_LIST_ITEMS per list.
 *
 * Spec: ../shared/notes/metadata.md §3 (MWG: EXIF ASCII as UTF-8 when
 * valid) and §4 (IIM charsets).
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_internal.h"

/* cp1252 0x80..0x9F; 0 marks the five undefined bytes (kept as U+FFFD). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static void put_utf8(struct buf *b, uint32_t cp)
{
    char t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | cp >> 6);
        t[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else {
        t[0] = (char)(0xE0 | cp >> 12);
        t[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    }
    buf_append(b, t, n);
}

/* Drops trailing NULs (EXIF ASCII is NUL-terminated, some writers pad). */
static struct span strip_nuls(struct span s)
{
    while (s.len > 0 && s.ptr[s.len - 1] == 0)
        s.len--;
    return s;
}

/* Final step for every value: clip, NUL-terminate, blank → NULL. */
static char *finish(const char *p, size_t n)
{
    size_t keep = utf8_clip((const uint8_t *)p, n, TS_LIMIT_FIELD_BYTES);
    char *out = str_ndup(p, keep);
    if (out && str_blank(out)) {
        free(out);
        out = NULL;
    }
    return out;
}

char *meta_text_utf8(struct span s)
{
    char *out = NULL;
    s = strip_nuls(s);
    if (s.len == 0)
        goto abort;
    if (utf8_valid(s.ptr, s.len)) {
        out = finish((const char *)s.ptr, s.len);
        goto abort;
    }
    struct buf b;
    buf_init(&b, TS_LIMIT_FIELD_BYTES + 4);
    for (size_t i = 0; i < s.len; i++) {
        uint8_t ch = s.ptr[i];
        if (ch < 0x80)
            buf_putc(&b, (char)ch);
        else if (ch < 0xA0)
            put_utf8(&b, cp1252_high[ch - 0x80] ? cp1252_high[ch - 0x80] : 0xFFFD);
        else
            put_utf8(&b, ch);
    }
    out = b.data ? finish(b.data, b.len) : NULL;
    buf_free(&b);
abort:
    return out;
}

char *meta_text_iconv(struct span s, const char *charset)
{
    char *out = NULL;
    char *tmp = NULL;
    iconv_t cd = (iconv_t)-1;
    s = strip_nuls(s);
    if (s.len == 0)
        goto abort;
    /* Never convert more than one field's worth: the output is cut at
     * TS_LIMIT_FIELD_BYTES anyway, and this bounds the buffer below. */
    bool cut = s.len > TS_LIMIT_FIELD_BYTES;
    if (cut)
        s.len = TS_LIMIT_FIELD_BYTES;
    cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        goto abort;
    /* UTF-8 needs at most 3 bytes per byte of any legacy charset we
     * meet (CJK double-byte → 3 bytes); 4× is safe, then clipped. */
    size_t cap = 0;
    if (!size_mul(s.len, 4, &cap) || !size_add(cap, 1, &cap))
        goto abort;
    tmp = malloc(cap);
    if (!tmp)
        goto abort;
    char *inp = (char *)s.ptr; /* iconv's API is not const-correct; it does not write */
    size_t inleft = s.len, outleft = cap - 1;
    char *outp = tmp;
    /* EINVAL: a multi-byte character split by our own cut. */
    if (iconv(cd, &inp, &inleft, &outp, &outleft) == (size_t)-1 && !(cut && errno == EINVAL))
        goto abort;
    size_t n = (size_t)(outp - tmp);
    if (!utf8_valid((const uint8_t *)tmp, n))
        goto abort;
    out = finish(tmp, n);
abort:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    free(tmp);
    return out;
}

enum status meta_list_push(struct meta_list *l, char *v)
{
    enum status st = ST_OK;
    if (!v)
        goto abort;
    if (l->n >= TS_LIMIT_LIST_ITEMS) {
        st = ST_LIMIT;
        goto abort;
    }
    char **items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (!items) {
        st = ST_NOMEM;
        goto abort;
    }
    l->items = items;
    l->items[l->n++] = v;
    v = NULL;
abort:
    free(v);
    return st;
}

void meta_list_clear(struct meta_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

enum status meta_lang_push(struct meta_lang_alt *a, const char *lang, size_t lang_len,
                           char *value)
{
    enum status st = ST_OK;
    char *l = NULL;
    if (!value)
        goto abort;
    if (a->n >= TS_LIMIT_LIST_ITEMS) {
        st = ST_LIMIT;
        goto abort;
    }
    l = str_ndup(lang ? lang : "x-default", lang ? lang_len : 9);
    struct meta_lang_value *items = realloc(a->items, (a->n + 1) * sizeof *items);
    if (!l || !items) {
        if (items)
            a->items = items;
        st = ST_NOMEM;
        goto abort;
    }
    a->items = items;
    a->items[a->n].lang = l;
    a->items[a->n].value = value;
    a->n++;
    l = NULL;
    value = NULL;
abort:
    free(l);
    free(value);
    return st;
}

void meta_lang_clear(struct meta_lang_alt *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->items[i].lang);
        free(a->items[i].value);
    }
    free(a->items);
    a->items = NULL;
    a->n = 0;
}

void meta_note(struct meta_list *notes, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < notes->n; i++)
        if (strcmp(notes->items[i], msg) == 0)
            return;
    /* Notes may quote file bytes: keep them valid UTF-8. */
    meta_list_push(notes, meta_text_utf8(span_make((const uint8_t *)msg, strlen(msg))));
}

void meta_location_clear(struct meta_location *l)
{
    if (!l)
        return;
    free(l->sublocation);
    free(l->city);
    free(l->province_state);
    free(l->country);
    free(l->country_code);
    free(l->world_region);
    free(l->location_name);
    memset(l, 0, sizeof *l);
}

void meta_source_clear(struct meta_source *s)
{
    if (!s)
        return;
    for (int i = 0; i < MF_COUNT; i++)
        free(s->s[i]);
    for (int i = 0; i < ML_COUNT; i++)
        meta_list_clear(&s->l[i]);
    meta_lang_clear(&s->description_langs);
    meta_lang_clear(&s->alt_text_langs);
    meta_lang_clear(&s->title_langs);
    meta_lang_clear(&s->rights_langs);
    meta_lang_clear(&s->usage_terms_langs);
    meta_lang_clear(&s->ext_description_langs);
    meta_location_clear(&s->loc_created);
    for (size_t i = 0; i < s->n_loc_shown; i++)
        meta_location_clear(&s->loc_shown[i]);
    free(s->loc_shown);
    free(s->maker_serial);
    memset(s, 0, sizeof *s);
}

void meta_set_once(struct meta_source *s, enum meta_field f, char *v)
{
    if (!v)
        return;
    if (s->s[f]) {
        free(v);
        return;
    }
    s->s[f] = v;
    s->present = true;
}
