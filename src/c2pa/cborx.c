/*
 * cborx.c — CBOR for C2PA: a bounded well-formedness check run before
 * libcbor sees any bytes, and small lookup helpers over libcbor items.
 *
 * Must never: let libcbor allocate for a length the input cannot hold
 * (an array of 2^60 items in 9 bytes) or nest deeper than
 * TS_LIMIT_CBOR_DEPTH (libcbor frees items recursively); re-encode an
 * item whose bytes get hashed.
 *
 * Specs: RFC 8949 §3 (encoding), §5.3.1 (well-formedness);
 * C2PA 2.2 §10.2 (claims are CBOR maps with text keys).
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa_internal.h"

struct check {
    struct cursor c;
    size_t items;
    struct diag *d;
};

static enum status check_item(struct check *k, int depth, bool *is_break);

/* Reads a head; *arg is the argument, *indef for additional info 31. */
static enum status head(struct check *k, unsigned *major, unsigned *ai, uint64_t *arg, bool *indef)
{
    uint8_t b = 0;
    size_t at = k->c.pos;
    *indef = false;
    *arg = 0;
    if (!cursor_u8(&k->c, &b))
        return diag_set(k->d, ST_TRUNCATED, "CBOR", at, "data ends inside an item");
    *major = b >> 5;
    *ai = b & 31;
    if (*ai < 24) {
        *arg = *ai;
    } else if (*ai == 24) {
        uint8_t v = 0;
        if (!cursor_u8(&k->c, &v))
            return diag_set(k->d, ST_TRUNCATED, "CBOR", at, "data ends inside an item head");
        *arg = v;
    } else if (*ai == 25) {
        uint16_t v = 0;
        if (!cursor_u16be(&k->c, &v))
            return diag_set(k->d, ST_TRUNCATED, "CBOR", at, "data ends inside an item head");
        *arg = v;
    } else if (*ai == 26) {
        uint32_t v = 0;
        if (!cursor_u32be(&k->c, &v))
            return diag_set(k->d, ST_TRUNCATED, "CBOR", at, "data ends inside an item head");
        *arg = v;
    } else if (*ai == 27) {
        if (!cursor_u64be(&k->c, arg))
            return diag_set(k->d, ST_TRUNCATED, "CBOR", at, "data ends inside an item head");
    } else if (*ai == 31 && *major >= 2 && *major != 6) {
        *indef = true;
    } else {
        return diag_set(k->d, ST_MALFORMED, "CBOR", at, "reserved additional information %u", *ai);
    }
    return ST_OK;
}

static enum status check_item(struct check *k, int depth, bool *is_break)
{
    enum status st;
    unsigned major, ai;
    uint64_t arg;
    bool indef;
    size_t at = k->c.pos;
    *is_break = false;
    if (depth > TS_LIMIT_CBOR_DEPTH)
        return diag_set(k->d, ST_LIMIT, "CBOR", at, "items nested deeper than %d",
                        TS_LIMIT_CBOR_DEPTH);
    if (++k->items > TS_LIMIT_CBOR_ITEMS)
        return diag_set(k->d, ST_LIMIT, "CBOR", at, "more than %d items", TS_LIMIT_CBOR_ITEMS);
    st = head(k, &major, &ai, &arg, &indef);
    if (st != ST_OK)
        return st;
    switch (major) {
    case 0:
    case 1:
        return ST_OK;
    case 2:
    case 3:
        if (indef) {
            for (;;) {
                unsigned m2, a2;
                uint64_t n2;
                bool i2;
                size_t at2 = k->c.pos;
                st = head(k, &m2, &a2, &n2, &i2);
                if (st != ST_OK)
                    return st;
                if (m2 == 7 && i2)
                    return ST_OK;
                if (m2 != major || i2)
                    return diag_set(k->d, ST_MALFORMED, "CBOR", at2, "bad chunk in a string");
                if (n2 > cursor_left(&k->c) || !cursor_skip(&k->c, (size_t)n2))
                    return diag_set(k->d, ST_TRUNCATED, "CBOR", at2, "string runs past the data");
            }
        }
        if (arg > cursor_left(&k->c) || !cursor_skip(&k->c, (size_t)arg))
            return diag_set(k->d, ST_TRUNCATED, "CBOR", at,
                            "string of %llu bytes runs past the data", (unsigned long long)arg);
        return ST_OK;
    case 4:
    case 5: {
        uint64_t per = major == 5 ? 2 : 1;
        if (!indef && arg > cursor_left(&k->c) / per)
            return diag_set(k->d, ST_TRUNCATED, "CBOR", at,
                            "%llu entries cannot fit in the %zu bytes left",
                            (unsigned long long)arg, cursor_left(&k->c));
        for (uint64_t i = 0; indef || i < arg * per; i++) {
            bool brk = false;
            st = check_item(k, depth + 1, &brk);
            if (st != ST_OK)
                return st;
            if (brk) {
                if (!indef || (major == 5 && (i & 1)))
                    return diag_set(k->d, ST_MALFORMED, "CBOR", at, "misplaced break");
                return ST_OK;
            }
        }
        return ST_OK;
    }
    case 6: {
        bool brk = false;
        st = check_item(k, depth + 1, &brk);
        if (st == ST_OK && brk)
            st = diag_set(k->d, ST_MALFORMED, "CBOR", at, "tag without content");
        return st;
    }
    default: /* 7: simple values, floats, break */
        if (indef)
            *is_break = true;
        return ST_OK;
    }
}

enum status c2pa_cbor_check(struct span in, struct diag *d)
{
    struct check k = {.d = d};
    bool brk = false;
    enum status st;
    cursor_init(&k.c, in);
    st = check_item(&k, 0, &brk);
    if (st != ST_OK)
        return st;
    if (brk)
        return diag_set(d, ST_MALFORMED, "CBOR", 0, "break outside an indefinite item");
    if (cursor_left(&k.c) != 0)
        return diag_set(d, ST_MALFORMED, "CBOR", k.c.pos, "%zu bytes after the item",
                        cursor_left(&k.c));
    return ST_OK;
}

cbor_item_t *cborx_load(struct span in, struct diag *d)
{
    struct cbor_load_result res;
    cbor_item_t *it;
    if (c2pa_cbor_check(in, d) != ST_OK)
        return NULL;
    it = cbor_load(in.ptr, in.len, &res);
    if (!it || res.error.code != CBOR_ERR_NONE) {
        if (it)
            cbor_decref(&it);
        diag_set(d, ST_MALFORMED, "CBOR", res.error.position, "libcbor could not decode it");
        return NULL;
    }
    return it;
}

static bool text_eq(const cbor_item_t *it, const char *s)
{
    size_t n = strlen(s);
    return cbor_isa_string(it) && cbor_string_is_definite(it) && cbor_string_length(it) == n &&
           memcmp(cbor_string_handle(it), s, n) == 0;
}

cbor_item_t *cborx_get(const cbor_item_t *map, const char *key)
{
    if (!map || !cbor_isa_map(map))
        return NULL;
    struct cbor_pair *p = cbor_map_handle(map);
    for (size_t i = 0; i < cbor_map_size(map); i++)
        if (text_eq(p[i].key, key))
            return p[i].value;
    return NULL;
}

bool cborx_int(const cbor_item_t *it, int64_t *out)
{
    if (!it)
        return false;
    if (cbor_isa_uint(it)) {
        uint64_t v = cbor_get_int(it);
        if (v > INT64_MAX)
            return false;
        *out = (int64_t)v;
        return true;
    }
    if (cbor_isa_negint(it)) {
        uint64_t v = cbor_get_int(it);
        if (v > INT64_MAX - 1)
            return false;
        *out = -1 - (int64_t)v;
        return true;
    }
    return false;
}

cbor_item_t *cborx_get_int(const cbor_item_t *map, int64_t key)
{
    if (!map || !cbor_isa_map(map))
        return NULL;
    struct cbor_pair *p = cbor_map_handle(map);
    for (size_t i = 0; i < cbor_map_size(map); i++) {
        int64_t k;
        if (cborx_int(p[i].key, &k) && k == key)
            return p[i].value;
    }
    return NULL;
}

char *cborx_str(const cbor_item_t *it)
{
    if (!it || !cbor_isa_string(it) || !cbor_string_is_definite(it))
        return NULL;
    size_t n = cbor_string_length(it);
    if (memchr(cbor_string_handle(it), 0, n))
        return NULL;
    return str_ndup((const char *)cbor_string_handle(it), n);
}

bool cborx_bytes(const cbor_item_t *it, struct span *out)
{
    if (!it || !cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it))
        return false;
    *out = span_make(cbor_bytestring_handle(it), cbor_bytestring_length(it));
    return true;
}

enum status cborx_put_head(struct buf *b, unsigned major, uint64_t arg)
{
    uint8_t h[9];
    size_t n;
    if (arg < 24) {
        h[0] = (uint8_t)(major << 5 | arg);
        n = 1;
    } else if (arg <= 0xFF) {
        h[0] = (uint8_t)(major << 5 | 24);
        h[1] = (uint8_t)arg;
        n = 2;
    } else if (arg <= 0xFFFF) {
        h[0] = (uint8_t)(major << 5 | 25);
        h[1] = (uint8_t)(arg >> 8);
        h[2] = (uint8_t)arg;
        n = 3;
    } else if (arg <= 0xFFFFFFFFu) {
        h[0] = (uint8_t)(major << 5 | 26);
        for (int i = 0; i < 4; i++)
            h[1 + i] = (uint8_t)(arg >> (24 - 8 * i));
        n = 5;
    } else {
        h[0] = (uint8_t)(major << 5 | 27);
        for (int i = 0; i < 8; i++)
            h[1 + i] = (uint8_t)(arg >> (56 - 8 * i));
        n = 9;
    }
    return buf_append(b, h, n);
}

/* Finds a map entry's value by walking the stored bytes, so a caller
 * can verify a signature over them (CAWG signer_payload) without
 * re-encoding what libcbor decoded. */
enum status cborx_map_value(struct span in, const char *key, struct span *out, struct diag *d)
{
    struct check k = {.d = d};
    enum status st;
    unsigned major, ai;
    uint64_t n;
    bool indef, brk = false;
    size_t klen = strlen(key);
    st = c2pa_cbor_check(in, d);
    if (st != ST_OK)
        return st;
    cursor_init(&k.c, in);
    st = head(&k, &major, &ai, &n, &indef);
    if (st != ST_OK)
        return st;
    if (major != 5)
        return diag_set(d, ST_MALFORMED, "CBOR", 0, "not a map");
    for (uint64_t i = 0; indef || i < n; i++) {
        size_t kat = k.c.pos;
        st = check_item(&k, 1, &brk);
        if (st != ST_OK || brk)
            return st != ST_OK ? st : ST_NOT_FOUND;
        /* a definite text key of klen bytes: head, then the text */
        size_t hl = k.c.pos - kat - klen;
        bool match = k.c.pos - kat > klen && (in.ptr[kat] >> 5) == 3 &&
                     memcmp(in.ptr + kat + hl, key, klen) == 0 &&
                     (hl == 1 ? (in.ptr[kat] & 31) == klen : hl == 2 && in.ptr[kat + 1] == klen);
        size_t vat = k.c.pos;
        st = check_item(&k, 1, &brk);
        if (st != ST_OK)
            return st;
        if (match) {
            *out = span_make(in.ptr + vat, k.c.pos - vat);
            return ST_OK;
        }
    }
    return ST_NOT_FOUND;
}
