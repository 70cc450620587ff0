/*
 * jumbf_write.c — writes JUMBF boxes (ISO/IEC 19566-5): superboxes
 * `jumb` with their `jumd` description, content boxes, and the JPEG XT
 * APP11 segments that carry a store in a JPEG (C2PA spec A.3.1).
 *
 * Must never: write a box whose LBox differs from its real size, use
 * XLBox (nothing we write comes near 4 GB: the store is capped), or
 * write an APP11 segment longer than 65535 bytes.
 *
 * Spec: ISO/IEC 19566-5:2023 §B (box, superbox, description box);
 * C2PA 2.2 §11.1 (type UUIDs, labels), A.3.1 and ISO/IEC 18477-3 (JPEG
 * XT box instance / packet sequence header).
 */
#include <string.h>

#include <openssl/sha.h>

#include "c2pa/sign_internal.h"

void c2pa_sign_jumbf_uuid_4cc(uint8_t uuid[16], const char fourcc[4])
{
    static const uint8_t tail[12] = {0x00, 0x11, 0x00, 0x10, 0x80, 0x00,
                                     0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    memcpy(uuid, fourcc, 4);
    memcpy(uuid + 4, tail, sizeof tail);
}

size_t c2pa_sign_jumbf_open(struct c2pa_sign_out *o, const char type[4])
{
    size_t start = o->b.len;
    static const uint8_t zero[4];
    c2pa_sign_out_raw(o, zero, 4);
    c2pa_sign_out_raw(o, type, 4);
    return start;
}

void c2pa_sign_jumbf_close(struct c2pa_sign_out *o, size_t start)
{
    if (o->st != ST_OK)
        return;
    if (start + 8 > o->b.len) {
        c2pa_sign_out_fail(o, ST_INTERNAL);
        return;
    }
    size_t n = o->b.len - start;
    if (n > UINT32_MAX) {
        c2pa_sign_out_fail(o, ST_LIMIT);
        return;
    }
    uint8_t *p = (uint8_t *)o->b.data + start;
    p[0] = (uint8_t)(n >> 24);
    p[1] = (uint8_t)(n >> 16);
    p[2] = (uint8_t)(n >> 8);
    p[3] = (uint8_t)n;
}

void c2pa_sign_jumbf_desc(struct c2pa_sign_out *o, const uint8_t uuid[16], const char *label)
{
    size_t at = c2pa_sign_jumbf_open(o, "jumd");
    uint8_t toggles = 0x03; /* requestable + label present (C2PA §11.1) */
    c2pa_sign_out_raw(o, uuid, 16);
    c2pa_sign_out_raw(o, &toggles, 1);
    c2pa_sign_out_raw(o, label, strlen(label) + 1); /* NUL-terminated */
    c2pa_sign_jumbf_close(o, at);
}

size_t c2pa_sign_jumbf_super_open(struct c2pa_sign_out *o, const uint8_t uuid[16],
                                  const char *label)
{
    size_t at = c2pa_sign_jumbf_open(o, "jumb");
    c2pa_sign_jumbf_desc(o, uuid, label);
    return at;
}

void c2pa_sign_jumbf_content_hash(const struct c2pa_sign_out *o, size_t start, uint8_t hash[32])
{
    memset(hash, 0, 32);
    if (o->st != ST_OK || start + 8 > o->b.len)
        return;
    SHA256((const uint8_t *)o->b.data + start + 8, o->b.len - start - 8, hash);
}

/* ---- APP11 ---------------------------------------------------------- */

size_t c2pa_sign_app11_size(size_t store_len, size_t chunk)
{
    if (store_len <= 8 || chunk == 0)
        return 0;
    /* The first segment carries the store's own box header; each
     * continuation repeats it (8 bytes) before its slice. */
    size_t body = store_len - 8, n = 0, total = 0;
    while (body > 0 || n == 0) {
        size_t k = body < chunk ? body : chunk;
        total += 2 + 2 + 8 + 8 + k; /* marker, Lp, CI En Z, LBox TBox, slice */
        body -= k;
        n++;
    }
    return total;
}

static void put16(struct c2pa_sign_out *o, size_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    c2pa_sign_out_raw(o, b, 2);
}

void c2pa_sign_app11_write(struct c2pa_sign_out *o, const uint8_t *store, size_t len, size_t chunk)
{
    if (len <= 8 || chunk == 0 || chunk > 65535 - 2 - 8 - 8) {
        c2pa_sign_out_fail(o, ST_INTERNAL);
        return;
    }
    const uint8_t *header = store; /* LBox + TBox "jumb" */
    const uint8_t *body = store + 8;
    size_t left = len - 8;
    uint32_t z = 1;
    do {
        size_t k = left < chunk ? left : chunk;
        static const uint8_t marker[2] = {0xFF, 0xEB};
        uint8_t jp[8] = {'J',
                         'P',
                         0x00,
                         0x01, /* En: box instance 1 */
                         (uint8_t)(z >> 24),
                         (uint8_t)(z >> 16),
                         (uint8_t)(z >> 8),
                         (uint8_t)z};
        c2pa_sign_out_raw(o, marker, 2);
        put16(o, 2 + 8 + 8 + k);
        c2pa_sign_out_raw(o, jp, 8);
        c2pa_sign_out_raw(o, header, 8);
        c2pa_sign_out_raw(o, body, k);
        body += k;
        left -= k;
        z++;
    } while (left > 0);
}
