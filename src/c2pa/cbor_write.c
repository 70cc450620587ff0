/*
 * cbor_write.c — the signer's CBOR encoder: definite lengths, shortest
 * integer heads, map keys sorted by their encoded bytes (RFC 8949
 * §4.2.1 core deterministic encoding), into a sticky capped buffer.
 *
 * Must never: emit indefinite lengths, floats or a non-shortest head
 * (except where a caller asks for a raw head on purpose), or keep
 * writing after a failure (the first status sticks).
 *
 * Why our own: the claim's bytes are hashed and signed exactly as
 * written, so we want to see every byte; libcbor's encoder keeps the
 * widths it was given and map keys in insertion order.
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/sign_internal.h"

void c2pa_sign_out_init(struct c2pa_sign_out *o, size_t max)
{
    buf_init(&o->b, max);
    o->st = ST_OK;
}

void c2pa_sign_out_free(struct c2pa_sign_out *o)
{
    if (!o)
        return;
    buf_free(&o->b);
}

void c2pa_sign_out_fail(struct c2pa_sign_out *o, enum status st)
{
    if (o->st == ST_OK)
        o->st = st;
}

void c2pa_sign_out_raw(struct c2pa_sign_out *o, const void *p, size_t n)
{
    if (o->st != ST_OK || n == 0)
        return;
    c2pa_sign_out_fail(o, buf_append(&o->b, p, n));
}

void c2pa_sign_cbor_head(struct c2pa_sign_out *o, unsigned major, uint64_t v)
{
    uint8_t h[9];
    size_t n;
    h[0] = (uint8_t)(major << 5);
    if (v < 24) {
        h[0] |= (uint8_t)v;
        n = 1;
    } else if (v <= 0xFF) {
        h[0] |= 24;
        h[1] = (uint8_t)v;
        n = 2;
    } else if (v <= 0xFFFF) {
        h[0] |= 25;
        h[1] = (uint8_t)(v >> 8);
        h[2] = (uint8_t)v;
        n = 3;
    } else if (v <= 0xFFFFFFFFu) {
        h[0] |= 26;
        for (int i = 0; i < 4; i++)
            h[1 + i] = (uint8_t)(v >> (24 - 8 * i));
        n = 5;
    } else {
        h[0] |= 27;
        for (int i = 0; i < 8; i++)
            h[1 + i] = (uint8_t)(v >> (56 - 8 * i));
        n = 9;
    }
    c2pa_sign_out_raw(o, h, n);
}

void c2pa_sign_cbor_uint(struct c2pa_sign_out *o, uint64_t v)
{
    c2pa_sign_cbor_head(o, 0, v);
}

void c2pa_sign_cbor_int(struct c2pa_sign_out *o, int64_t v)
{
    if (v >= 0)
        c2pa_sign_cbor_head(o, 0, (uint64_t)v);
    else
        c2pa_sign_cbor_head(o, 1, (uint64_t)(-(v + 1)));
}

void c2pa_sign_cbor_text(struct c2pa_sign_out *o, const char *s)
{
    size_t n = strlen(s);
    /* A text string must be UTF-8 (RFC 8949 §3.1): a file name from a
     * careless file system must not make the claim unreadable. */
    if (!utf8_valid((const uint8_t *)s, n)) {
        c2pa_sign_out_fail(o, ST_MALFORMED);
        return;
    }
    c2pa_sign_cbor_head(o, 3, n);
    c2pa_sign_out_raw(o, s, n);
}

void c2pa_sign_cbor_bytes(struct c2pa_sign_out *o, const void *p, size_t n)
{
    c2pa_sign_cbor_head(o, 2, n);
    c2pa_sign_out_raw(o, p, n);
}

void c2pa_sign_cbor_zeros(struct c2pa_sign_out *o, size_t n)
{
    static const uint8_t zeros[64];
    c2pa_sign_cbor_head(o, 2, n);
    while (n > 0 && o->st == ST_OK) {
        size_t k = n < sizeof zeros ? n : sizeof zeros;
        c2pa_sign_out_raw(o, zeros, k);
        n -= k;
    }
}

void c2pa_sign_cbor_array(struct c2pa_sign_out *o, size_t n)
{
    c2pa_sign_cbor_head(o, 4, n);
}

void c2pa_sign_cbor_null(struct c2pa_sign_out *o)
{
    uint8_t v = 0xF6;
    c2pa_sign_out_raw(o, &v, 1);
}

void c2pa_sign_cbor_tag(struct c2pa_sign_out *o, uint64_t tag)
{
    c2pa_sign_cbor_head(o, 6, tag);
}

/* ---- sorted maps ---------------------------------------------------- */

void c2pa_sign_cbor_map_begin(struct c2pa_sign_cbor_map *m, size_t max)
{
    m->n = 0;
    m->max = max;
    m->st = ST_OK;
}

static struct c2pa_sign_out *map_add(struct c2pa_sign_cbor_map *m)
{
    if (m->n == C2PA_SIGN_CBOR_MAP_MAX) {
        /* A bug in the caller: report it at _end, write into the last
         * slot's value meanwhile so the caller needs no NULL check. */
        m->st = ST_INTERNAL;
        c2pa_sign_out_free(&m->e[m->n - 1].val);
        c2pa_sign_out_init(&m->e[m->n - 1].val, m->max);
        return NULL;
    }
    c2pa_sign_out_init(&m->e[m->n].key, m->max);
    c2pa_sign_out_init(&m->e[m->n].val, m->max);
    return &m->e[m->n++].key;
}

struct c2pa_sign_out *c2pa_sign_cbor_map_text(struct c2pa_sign_cbor_map *m, const char *key)
{
    struct c2pa_sign_out *k = map_add(m);
    if (!k)
        return &m->e[m->n - 1].val;
    c2pa_sign_cbor_text(k, key);
    return &m->e[m->n - 1].val;
}

struct c2pa_sign_out *c2pa_sign_cbor_map_int(struct c2pa_sign_cbor_map *m, int64_t key)
{
    struct c2pa_sign_out *k = map_add(m);
    if (!k)
        return &m->e[m->n - 1].val;
    c2pa_sign_cbor_int(k, key);
    return &m->e[m->n - 1].val;
}

/* Bytewise lexicographic order of the encoded keys (a shorter key that
 * is a prefix of a longer one sorts first). */
static int key_cmp(const struct c2pa_sign_out *a, const struct c2pa_sign_out *b)
{
    size_t n = a->b.len < b->b.len ? a->b.len : b->b.len;
    int c = n ? memcmp(a->b.data, b->b.data, n) : 0;
    if (c)
        return c;
    return a->b.len < b->b.len ? -1 : a->b.len > b->b.len;
}

void c2pa_sign_cbor_map_end(struct c2pa_sign_cbor_map *m, struct c2pa_sign_out *dst)
{
    size_t order[C2PA_SIGN_CBOR_MAP_MAX];
    for (size_t i = 0; i < m->n; i++)
        order[i] = i;
    /* insertion sort: at most 16 entries */
    for (size_t i = 1; i < m->n; i++)
        for (size_t j = i; j > 0 && key_cmp(&m->e[order[j - 1]].key, &m->e[order[j]].key) > 0;
             j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    c2pa_sign_out_fail(dst, m->st);
    for (size_t i = 0; i + 1 < m->n; i++)
        if (key_cmp(&m->e[order[i]].key, &m->e[order[i + 1]].key) == 0)
            c2pa_sign_out_fail(dst, ST_INTERNAL); /* duplicate key */
    c2pa_sign_cbor_head(dst, 5, m->n);
    for (size_t i = 0; i < m->n; i++) {
        const struct c2pa_sign_out *k = &m->e[order[i]].key, *v = &m->e[order[i]].val;
        c2pa_sign_out_fail(dst, k->st);
        c2pa_sign_out_fail(dst, v->st);
        c2pa_sign_out_raw(dst, k->b.data, k->b.len);
        c2pa_sign_out_raw(dst, v->b.data, v->b.len);
    }
    for (size_t i = 0; i < m->n; i++) {
        c2pa_sign_out_free(&m->e[i].key);
        c2pa_sign_out_free(&m->e[i].val);
    }
    m->n = 0;
}
