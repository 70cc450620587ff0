/*
 * pack.c — a struct photo_meta as bytes and back, so a build can keep
 * what meta_read found in a photo and not read the photo again while
 * its bytes do not change (src/site/metacache.c, docs/performance.md
 * "The metadata cache").
 *
 * A record is a sequence of values in the order of the tables below,
 * each either "-" (a NULL string) or "<decimal length>:<bytes>": the
 * bytes are the raw string, unescaped, so a caption may hold any byte
 * a photo can put in it (newlines, "end", quotes, markup); escaping
 * happens where it is written, as for a freshly read photo. A C string
 * cannot hold NUL, so a NUL inside a value is damage. Numbers, counts
 * and flags are written as the same length-prefixed decimal text.
 *
 * Must never: trust a length or a count of the record (each is checked
 * against the bytes left; a count of items each at least 2 bytes long
 * cannot exceed half of them), accept a record with bytes left over,
 * or return a half-filled struct (a damaged record is ST_MALFORMED and
 * nothing).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_internal.h"

/* Every string field of struct photo_meta; meta_free frees these. */
static const size_t string_fields[] = {
    offsetof(struct photo_meta, headline),
    offsetof(struct photo_meta, description),
    offsetof(struct photo_meta, alt_text),
    offsetof(struct photo_meta, extended_description),
    offsetof(struct photo_meta, title),
    offsetof(struct photo_meta, creator_job_title),
    offsetof(struct photo_meta, credit_line),
    offsetof(struct photo_meta, source),
    offsetof(struct photo_meta, copyright_notice),
    offsetof(struct photo_meta, web_statement),
    offsetof(struct photo_meta, licensor_url),
    offsetof(struct photo_meta, usage_terms),
    offsetof(struct photo_meta, date_created),
    offsetof(struct photo_meta, city),
    offsetof(struct photo_meta, sublocation),
    offsetof(struct photo_meta, province_state),
    offsetof(struct photo_meta, country),
    offsetof(struct photo_meta, country_code),
    offsetof(struct photo_meta, job_id),
    offsetof(struct photo_meta, instructions),
    offsetof(struct photo_meta, caption_writer),
    offsetof(struct photo_meta, icc_description),
    offsetof(struct photo_meta, camera_make),
    offsetof(struct photo_meta, camera_model),
    offsetof(struct photo_meta, serial_number),
    offsetof(struct photo_meta, digital_source_type),
    offsetof(struct photo_meta, creator_contact.email),
    offsetof(struct photo_meta, creator_contact.url),
    offsetof(struct photo_meta, creator_contact.phone),
    offsetof(struct photo_meta, creator_contact.address),
    offsetof(struct photo_meta, creator_contact.city),
    offsetof(struct photo_meta, creator_contact.region),
    offsetof(struct photo_meta, creator_contact.postal_code),
    offsetof(struct photo_meta, creator_contact.country),
    offsetof(struct photo_meta, user_comment),
    offsetof(struct photo_meta, xp_title),
    offsetof(struct photo_meta, xp_comment),
    offsetof(struct photo_meta, xp_author),
    offsetof(struct photo_meta, xp_keywords),
    offsetof(struct photo_meta, xp_subject),
};
static const size_t list_fields[] = {
    offsetof(struct photo_meta, creator),
    offsetof(struct photo_meta, keywords),
    offsetof(struct photo_meta, notes),
    offsetof(struct photo_meta, person_in_image),
};
static const size_t lang_fields[] = {
    offsetof(struct photo_meta, description_langs),
    offsetof(struct photo_meta, alt_text_langs),
    offsetof(struct photo_meta, title_langs),
    offsetof(struct photo_meta, rights_langs),
    offsetof(struct photo_meta, usage_terms_langs),
    offsetof(struct photo_meta, extended_description_langs),
};
static const size_t location_fields[] = {
    offsetof(struct meta_location, sublocation),    offsetof(struct meta_location, city),
    offsetof(struct meta_location, province_state), offsetof(struct meta_location, country),
    offsetof(struct meta_location, country_code),   offsetof(struct meta_location, world_region),
    offsetof(struct meta_location, location_name),
};
#define COUNT(a) (sizeof(a) / sizeof *(a))

#define FIELD(base, off, type) ((type *)(void *)((char *)(base) + (off)))

char **meta_string_field(struct photo_meta *m, size_t i)
{
    return i < COUNT(string_fields) ? FIELD(m, string_fields[i], char *) : NULL;
}

/* ---- writing ---- */

static enum status put_str(struct buf *out, const char *s)
{
    if (!s)
        return buf_putc(out, '-');
    size_t n = strlen(s);
    enum status st = buf_printf(out, "%zu:", n);
    return st == ST_OK ? buf_append(out, s, n) : st;
}

static enum status put_num(struct buf *out, uint64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "%" PRIu64, v);
    return put_str(out, s);
}

static enum status put_location(struct buf *out, const struct meta_location *l)
{
    enum status st = ST_OK;
    for (size_t i = 0; i < COUNT(location_fields) && st == ST_OK; i++)
        st = put_str(out, *FIELD(l, location_fields[i], char *const));
    return st == ST_OK ? put_num(out, l->has_gps) : st;
}

enum status meta_pack(const struct photo_meta *m, struct buf *out)
{
    enum status st = ST_OK;
    for (size_t i = 0; i < COUNT(string_fields) && st == ST_OK; i++)
        st = put_str(out, *FIELD(m, string_fields[i], char *const));
    for (size_t i = 0; i < COUNT(list_fields) && st == ST_OK; i++) {
        const struct meta_list *l = FIELD(m, list_fields[i], const struct meta_list);
        st = put_num(out, l->n);
        for (size_t k = 0; k < l->n && st == ST_OK; k++)
            st = put_str(out, l->items[k]);
    }
    for (size_t i = 0; i < COUNT(lang_fields) && st == ST_OK; i++) {
        const struct meta_lang_alt *a = FIELD(m, lang_fields[i], const struct meta_lang_alt);
        st = put_num(out, a->n);
        for (size_t k = 0; k < a->n && st == ST_OK; k++)
            if ((st = put_str(out, a->items[k].lang)) == ST_OK)
                st = put_str(out, a->items[k].value);
    }
    if (st == ST_OK)
        st = put_location(out, &m->location_created);
    if (st == ST_OK)
        st = put_num(out, m->n_location_shown);
    for (size_t i = 0; i < m->n_location_shown && st == ST_OK; i++)
        st = put_location(out, &m->location_shown[i]);
    /* orientation is 0..8 (meta.h), never negative */
    if (st == ST_OK)
        st = put_num(out, m->orientation > 0 ? (uint64_t)m->orientation : 0);
    if (st == ST_OK)
        st = put_num(out, m->width);
    if (st == ST_OK)
        st = put_num(out, m->height);
    if (st == ST_OK)
        st = put_num(out, m->has_gps);
    return st;
}

/* ---- reading ---- */

/* One value: *s NULL for "-", else its bytes and length. The cursor
 * moves only on success. */
static bool take_value(struct cursor *c, const char **s, size_t *len, bool *null)
{
    size_t start = c->pos;
    uint8_t ch;
    if (!cursor_u8(c, &ch))
        return false;
    if (ch == '-') {
        *null = true;
        *s = NULL;
        *len = 0;
        return true;
    }
    uint64_t n = 0;
    size_t digits = 0;
    /* at most 19 digits: every length that fits 64 bits */
    while (ch >= '0' && ch <= '9' && digits < 19) {
        n = n * 10 + (uint64_t)(ch - '0');
        digits++;
        if (!cursor_u8(c, &ch))
            goto abort;
    }
    if (digits == 0 || ch != ':' || n > cursor_left(c))
        goto abort;
    struct span sp;
    if (!cursor_take(c, (size_t)n, &sp) || (n && memchr(sp.ptr, '\0', (size_t)n)))
        goto abort;
    *null = false;
    *s = (const char *)sp.ptr;
    *len = (size_t)n;
    return true;
abort:
    c->pos = start;
    return false;
}

/* Where meta_unpack puts a record's strings and arrays: one allocation
 * after the struct, so a no-op that unpacks 10,000 cached photos makes
 * 10,000 allocations, not one per field (it showed in the profile).
 * The record is read twice with the same code: first to measure
 * (`fill` false: nothing stored, sizes summed), then to fill. */
struct block {
    bool fill;
    size_t arrays, strings; /* bytes: measured, then used */
    char *arr, *str;        /* the next free byte of each part, when filling */
};

/* `n` elements of `size` bytes: NULL while measuring (the caller then
 * writes to a scratch value). Every element type holds pointers, so
 * sizes stay aligned for them. */
static void *block_array(struct block *k, size_t n, size_t size)
{
    size_t bytes = n * size;
    bytes = (bytes + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
    if (!k->fill) {
        k->arrays += bytes;
        return NULL;
    }
    void *a = k->arr;
    k->arr += bytes;
    return a;
}

static bool take_str(struct cursor *c, struct block *k, char **out)
{
    const char *s;
    size_t n;
    bool null;
    if (!take_value(c, &s, &n, &null))
        return false;
    *out = NULL;
    if (null)
        return true;
    if (!k->fill) {
        k->strings += n + 1;
        *out = (char *)""; /* not NULL: a list item's presence is checked */
        return true;
    }
    memcpy(k->str, s, n);
    k->str[n] = '\0';
    *out = k->str;
    k->str += n + 1;
    return true;
}

/* A number up to `max`, written as decimal digits only. */
static bool take_num(struct cursor *c, uint64_t max, uint64_t *out)
{
    const char *s;
    size_t n;
    bool null;
    if (!take_value(c, &s, &n, &null) || null || n == 0 || n > 19)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* A count of items that each take at least 2 bytes ("-" and more):
 * no more than the bytes left allow. */
static bool take_count(struct cursor *c, uint64_t *n)
{
    return take_num(c, cursor_left(c), n) && *n <= cursor_left(c) / 2;
}

static bool take_location(struct cursor *c, struct block *k, struct meta_location *l)
{
    uint64_t gps;
    for (size_t i = 0; i < COUNT(location_fields); i++)
        if (!take_str(c, k, FIELD(l, location_fields[i], char *)))
            return false;
    if (!take_num(c, 1, &gps))
        return false;
    l->has_gps = gps;
    return true;
}

/* Record `data` into `m`, measuring or filling by `k` (struct block).
 * While measuring, `m` is scratch: lists keep no items. */
static bool parse(const uint8_t *data, size_t len, struct block *k, struct photo_meta *m)
{
    struct cursor c;
    cursor_init(&c, span_make(data, len));
    uint64_t n, v;
    char *scratch;
    bool ok = true;
    for (size_t i = 0; i < COUNT(string_fields) && ok; i++)
        ok = take_str(&c, k, FIELD(m, string_fields[i], char *));
    for (size_t i = 0; i < COUNT(list_fields) && ok; i++) {
        struct meta_list *l = FIELD(m, list_fields[i], struct meta_list);
        if (!(ok = take_count(&c, &n)))
            break;
        l->items = n ? block_array(k, (size_t)n, sizeof *l->items) : NULL;
        for (l->n = 0; l->n < n && ok; l->n++) {
            char **item = l->items ? &l->items[l->n] : &scratch;
            ok = take_str(&c, k, item) && *item;
        }
        if (!k->fill)
            l->n = 0;
    }
    for (size_t i = 0; i < COUNT(lang_fields) && ok; i++) {
        struct meta_lang_alt *a = FIELD(m, lang_fields[i], struct meta_lang_alt);
        if (!(ok = take_count(&c, &n)))
            break;
        a->items = n ? block_array(k, (size_t)n, sizeof *a->items) : NULL;
        for (a->n = 0; a->n < n && ok; a->n++) {
            struct meta_lang_value one, *item = a->items ? &a->items[a->n] : &one;
            ok = take_str(&c, k, &item->lang) && item->lang && take_str(&c, k, &item->value) &&
                 item->value;
        }
        if (!k->fill)
            a->n = 0;
    }
    ok = ok && take_location(&c, k, &m->location_created) && take_count(&c, &n);
    if (ok && n) {
        m->location_shown = block_array(k, (size_t)n, sizeof *m->location_shown);
        for (m->n_location_shown = 0; m->n_location_shown < n && ok; m->n_location_shown++) {
            struct meta_location one;
            ok = take_location(&c, k,
                               m->location_shown ? &m->location_shown[m->n_location_shown] : &one);
        }
        if (!k->fill)
            m->n_location_shown = 0;
    }
    if (ok && (ok = take_num(&c, 8, &v)))
        m->orientation = (int)v;
    if (ok && (ok = take_num(&c, UINT32_MAX, &v)))
        m->width = (uint32_t)v;
    if (ok && (ok = take_num(&c, UINT32_MAX, &v)))
        m->height = (uint32_t)v;
    if (ok && (ok = take_num(&c, 1, &v)))
        m->has_gps = v;
    return ok && cursor_left(&c) == 0;
}

enum status meta_unpack(const uint8_t *data, size_t len, struct photo_meta **out)
{
    *out = NULL;
    struct photo_meta scratch = {0};
    struct block k = {0};
    if (!parse(data, len, &k, &scratch))
        return ST_MALFORMED;
    /* the struct, then the arrays (pointer-aligned sizes), then the
     * strings: meta_free frees the one block (m->one_block) and any
     * string meta_set_string put in a field since */
    size_t bytes = sizeof(struct photo_meta) + k.arrays + k.strings;
    struct photo_meta *m = calloc(1, bytes);
    if (!m)
        return ST_NOMEM;
    k.fill = true;
    k.arr = (char *)(m + 1);
    k.str = k.arr + k.arrays;
    m->one_block = bytes;
    /* the bytes were checked by the first pass: the second cannot fail */
    if (!parse(data, len, &k, m)) {
        free(m);
        return ST_MALFORMED;
    }
    *out = m;
    return ST_OK;
}
