/*
 * hash_boxes.c — the general box hash (c2pa.hash.boxes): lists the
 * boxes of a JPEG, PNG or WebP the way the spec names them, and checks
 * a box hash assertion against that list (used by validate.c), or plans
 * one for the signer (sign.c).
 *
 * Must never: hash a byte range it did not derive from the asset's own
 * structure (the assertion only names boxes; offsets come from us),
 * accept a box the assertion does not list, or read past a segment or
 * chunk length it has not checked against the file.
 *
 * Specs: C2PA 2.2 §18.7 (general box hash: box-map, box-hash-map, the
 * "C2PA" box, JPEG §18.7.3.1, PNG "PNGh" §18.7.3.2, RIFF §18.7.3.5,
 * c2pa.after §18.7.2), §15.12.3 (validating it: boxesHash.match,
 * .mismatch, .malformed, .unknownBox, algorithm.unsupported); ISO
 * 10918-1 Table B.1 (JPEG marker names).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "c2pa/c2pa_internal.h"
#include "container/container.h"

/* ---- the asset's boxes ---------------------------------------------- */

static enum status add_box(struct boxes_map *m, const char *name, size_t start, size_t len)
{
    if (m->n >= TS_LIMIT_FILE_CHUNKS)
        return ST_LIMIT;
    if (m->n == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 32;
        struct boxes_box *nb = realloc(m->b, ncap * sizeof *nb);
        if (!nb)
            return ST_NOMEM;
        m->b = nb;
        m->cap = ncap;
    }
    struct boxes_box *b = &m->b[m->n++];
    snprintf(b->name, sizeof b->name, "%s", name);
    b->start = start;
    b->len = len;
    return ST_OK;
}

/* ISO 10918-1 Table B.1 symbols; NULL for reserved markers. */
static const char *jpeg_marker_name(uint8_t m, char tmp[8])
{
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
        snprintf(tmp, 8, "SOF%d", m - 0xC0);
        return tmp;
    }
    if (m >= 0xD0 && m <= 0xD7) {
        snprintf(tmp, 8, "RST%d", m - 0xD0);
        return tmp;
    }
    if (m >= 0xE0 && m <= 0xEF) {
        snprintf(tmp, 8, "APP%d", m - 0xE0);
        return tmp;
    }
    if (m >= 0xF0 && m <= 0xFD) {
        snprintf(tmp, 8, "JPG%d", m - 0xF0);
        return tmp;
    }
    switch (m) {
    case 0xC4:
        return "DHT";
    case 0xC8:
        return "JPG";
    case 0xCC:
        return "DAC";
    case 0xD8:
        return "SOI";
    case 0xD9:
        return "EOI";
    case 0xDA:
        return "SOS";
    case 0xDB:
        return "DQT";
    case 0xDC:
        return "DNL";
    case 0xDD:
        return "DRI";
    case 0xDE:
        return "DHP";
    case 0xDF:
        return "EXP";
    case 0xFE:
        return "COM";
    case 0x01:
        return "TEM";
    default:
        return NULL;
    }
}

/* Entropy-coded data after SOS or RSTn runs to the next marker that is
 * not a stuffed 0xFF00 (§18.7.3.1: SOS and RSTn include it). */
static size_t entropy_end(struct span a, size_t at)
{
    while (at + 1 < a.len) {
        if (a.ptr[at] == 0xFF && a.ptr[at + 1] != 0x00 && a.ptr[at + 1] != 0xFF)
            return at;
        at++;
    }
    return a.len;
}

/* The JUMBF "c2pa" store starts in the APP11 whose payload has the
 * store's jumd type at byte 24 (as jumbf.c finds it). */
static bool app11_c2pa_first(struct span seg)
{
    return seg.len >= 28 && seg.ptr[0] == 'J' && seg.ptr[1] == 'P' &&
           memcmp(seg.ptr + 12, "jumb", 4) == 0 && memcmp(seg.ptr + 24, "c2pa", 4) == 0;
}

/* fold_rst: restart markers and their data belong to the box before
 * them (c2pa-rs's reading) instead of being boxes of their own. */
static enum status jpeg_boxes(struct span a, struct boxes_map *m, struct diag *d, bool fold_rst)
{
    enum status st = ST_OK;
    size_t at = 2;
    uint16_t c2pa_en = 0;
    bool in_c2pa = false; /* the previous box was (part of) the store */
    size_t c2pa_box = SIZE_MAX;
    if ((st = add_box(m, "SOI", 0, 2)) != ST_OK)
        goto abort;
    while (at < a.len) {
        char tmp[8];
        uint8_t marker = 0;
        uint16_t len = 0;
        struct span seg;
        if (at + 2 > a.len || a.ptr[at] != 0xFF) {
            st = diag_set(d, ST_MALFORMED, "JPEG", at, "expected a marker");
            goto abort;
        }
        marker = a.ptr[at + 1];
        const char *name = jpeg_marker_name(marker, tmp);
        if (!name) {
            st = diag_set(d, ST_MALFORMED, "JPEG", at, "marker 0x%02X is reserved", marker);
            goto abort;
        }
        size_t end = at + 2;
        bool standalone = marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9);
        if (!standalone) {
            if (!span_u16(a, at + 2, true, &len) || len < 2 ||
                !span_sub(a, at + 4, (size_t)len - 2, &seg)) {
                st = diag_set(d, ST_TRUNCATED, "JPEG", at, "%s segment runs past the end", name);
                goto abort;
            }
            end = at + 2 + len;
        }
        if (marker == 0xDA || (marker >= 0xD0 && marker <= 0xD7))
            end = entropy_end(a, end);
        bool part_of_store = false;
        if (marker == 0xEB && app11_c2pa_first(seg) && c2pa_box == SIZE_MAX) {
            span_u16(seg, 2, true, &c2pa_en);
            part_of_store = true;
        } else if (marker == 0xEB && c2pa_box != SIZE_MAX && seg.len >= 8 && seg.ptr[0] == 'J' &&
                   seg.ptr[1] == 'P' && seg.ptr[2] == (uint8_t)(c2pa_en >> 8) &&
                   seg.ptr[3] == (uint8_t)c2pa_en) {
            part_of_store = true;
        }
        if (fold_rst && marker >= 0xD0 && marker <= 0xD7 && m->n > 0) {
            m->b[m->n - 1].len = end - m->b[m->n - 1].start;
        } else if (part_of_store && in_c2pa) {
            /* a continuation right after the store's last segment */
            m->b[m->n - 1].len = end - m->b[m->n - 1].start;
        } else {
            /* §18.7.1: the store is one box "C2PA"; a continuation
             * that is not adjacent starts another one, which no
             * assertion lists (so it is an unknown box) */
            if ((st = add_box(m, part_of_store ? "C2PA" : name, at, end - at)) != ST_OK)
                goto abort;
            if (part_of_store && c2pa_box == SIZE_MAX)
                c2pa_box = m->n - 1;
        }
        in_c2pa = part_of_store;
        at = end;
        if (marker == 0xD9)
            break;
    }
    /* §18.7.2: bytes after EOI are a box of their own */
    if (at < a.len)
        st = add_box(m, "c2pa.after", at, a.len - at);
abort:
    if (st == ST_LIMIT)
        diag_set(d, st, "JPEG", at, "more than %zu segments", (size_t)TS_LIMIT_FILE_CHUNKS);
    return st;
}

static enum status png_boxes(struct span a, struct boxes_map *m, struct diag *d)
{
    struct cursor c;
    struct container_png_chunk ch;
    size_t end = 8;
    enum status st = container_png_begin(a, &c, d);
    if (st == ST_OK)
        st = add_box(m, "PNGh", 0, 8);
    while (st == ST_OK && (st = container_png_next(&c, &ch, d)) == ST_OK) {
        end = ch.offset + 12 + ch.data.len;
        st =
            add_box(m, strcmp(ch.type, "caBX") == 0 ? "C2PA" : ch.type, ch.offset, end - ch.offset);
    }
    if (st == ST_NOT_FOUND)
        st = end < a.len ? add_box(m, "c2pa.after", end, a.len - end) : ST_OK;
    if (st == ST_LIMIT)
        diag_set(d, st, "PNG", end, "more than %zu chunks", (size_t)TS_LIMIT_FILE_CHUNKS);
    return st;
}

/* §18.7.3.5: the RIFF header (12 bytes) is named by its form type;
 * each chunk by its FourCC (a LIST by its list type), pad included. */
static enum status riff_boxes(struct span a, struct boxes_map *m, struct diag *d)
{
    struct cursor c;
    struct container_riff_chunk ch;
    size_t end = 12;
    enum status st = container_riff_begin(a, &c, d);
    if (st == ST_OK)
        st = add_box(m, "WEBP", 0, 12);
    while (st == ST_OK && (st = container_riff_next(&c, &ch, d)) == ST_OK) {
        char name[5];
        end = c.pos;
        snprintf(name, sizeof name, "%s", ch.fourcc);
        if (strcmp(ch.fourcc, "LIST") == 0 && ch.data.len >= 4) {
            memcpy(name, ch.data.ptr, 4);
            for (int k = 0; k < 4; k++)
                if (name[k] < 0x20 || name[k] > 0x7E)
                    name[k] = '?';
        }
        st = add_box(m, strcmp(ch.fourcc, "C2PA") == 0 ? "C2PA" : name, ch.offset, end - ch.offset);
    }
    if (st == ST_NOT_FOUND)
        st = end < a.len ? add_box(m, "c2pa.after", end, a.len - end) : ST_OK;
    if (st == ST_LIMIT)
        diag_set(d, st, "RIFF", end, "more than %zu chunks", (size_t)TS_LIMIT_FILE_CHUNKS);
    return st;
}

static enum status build_map(struct span asset, const char *format, struct boxes_map *out,
                             struct diag *d, bool fold_rst)
{
    memset(out, 0, sizeof *out);
    if (format && strcmp(format, "image/jpeg") == 0)
        return jpeg_boxes(asset, out, d, fold_rst);
    if (format && strcmp(format, "image/png") == 0)
        return png_boxes(asset, out, d);
    if (format && strcmp(format, "image/webp") == 0)
        return riff_boxes(asset, out, d);
    return diag_set(d, ST_UNSUPPORTED, "c2pa.hash.boxes", DIAG_NO_OFFSET,
                    "no general box hash for %s", format ? format : "this format");
}

enum status boxes_map_build(struct span asset, const char *format, struct boxes_map *out,
                            struct diag *d)
{
    return build_map(asset, format, out, d, false);
}

void boxes_map_free(struct boxes_map *m)
{
    if (!m)
        return;
    free(m->b);
    memset(m, 0, sizeof *m);
}

/* ---- checking an assertion ------------------------------------------ */

const EVP_MD *md_by_name(const char *alg)
{
    if (!alg)
        return NULL;
    if (strcmp(alg, "sha256") == 0)
        return EVP_sha256();
    if (strcmp(alg, "sha384") == 0)
        return EVP_sha384();
    if (strcmp(alg, "sha512") == 0)
        return EVP_sha512();
    return NULL;
}

/* Is `name` listed anywhere in the assertion from entry `from` on? */
static bool listed_later(const cbor_item_t *boxes, size_t from, const char *name)
{
    cbor_item_t **e = cbor_array_handle(boxes);
    for (size_t i = from; i < cbor_array_size(boxes); i++) {
        const cbor_item_t *names = cborx_get(e[i], "names");
        if (!names || !cbor_isa_array(names))
            continue;
        cbor_item_t **ns = cbor_array_handle(names);
        for (size_t k = 0; k < cbor_array_size(names); k++) {
            char *s = cborx_str(ns[k]);
            bool same = s && strcmp(s, name) == 0;
            free(s);
            if (same)
                return true;
        }
    }
    return false;
}

/* §15.12.3 against one box list: the code, and why in `why`. */
static enum c2pa_code check_map(const struct boxes_map *map, struct span asset,
                                const cbor_item_t *boxes, const char *top_alg,
                                const char *claim_alg, char *why, size_t whylen)
{
    enum c2pa_code code = C2PA_CODE_ASSERTION_BOXES_HASH_MALFORMED;
    char *alg = NULL, *name = NULL;
    size_t si = 0;
    cbor_item_t **e = cbor_array_handle(boxes);
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned int dn = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) {
        code = C2PA_CODE_ASSERTION_BOXES_HASH_MISMATCH;
        snprintf(why, whylen, "out of memory");
        goto done;
    }
    /* §18.7.3.2: the PNG header is a box only when the assertion lists
     * it (as c2pa-rs reads it) */
    const cbor_item_t *n0 = cborx_get(e[0], "names");
    char *first = n0 && cbor_isa_array(n0) && cbor_array_size(n0)
                      ? cborx_str(cbor_array_handle(n0)[0])
                      : NULL;
    if (map->n && strcmp(map->b[0].name, "PNGh") == 0 && (!first || strcmp(first, "PNGh") != 0))
        si = 1;
    free(first);
    for (size_t i = 0; i < cbor_array_size(boxes); i++) {
        const cbor_item_t *names = cborx_get(e[i], "names");
        size_t nn = names && cbor_isa_array(names) ? cbor_array_size(names) : 0;
        code = C2PA_CODE_ASSERTION_BOXES_HASH_MALFORMED;
        if (nn == 0) {
            snprintf(why, whylen, "box entry %zu has no names", i);
            goto done;
        }
        cbor_item_t **ns = cbor_array_handle(names);
        size_t from = si;
        bool is_c2pa = false;
        for (size_t k = 0; k < nn; k++) {
            free(name);
            name = cborx_str(ns[k]);
            if (!name) {
                snprintf(why, whylen, "box entry %zu: a name is not text", i);
                goto done;
            }
            if (strcmp(name, "C2PA") == 0) {
                is_c2pa = true;
                if (nn != 1) {
                    snprintf(why, whylen, "the C2PA box must be listed on its own");
                    goto done;
                }
            }
            if (si >= map->n) {
                code = C2PA_CODE_ASSERTION_BOXES_HASH_MISMATCH;
                snprintf(why, whylen, "box %.16s is listed but the file has no more boxes", name);
                goto done;
            }
            if (strcmp(name, map->b[si].name) != 0) {
                /* §15.12.3: a box the assertion never names is unknown;
                 * one it names elsewhere is out of order */
                bool known = listed_later(boxes, i, map->b[si].name);
                code = known ? C2PA_CODE_ASSERTION_BOXES_HASH_MISMATCH
                             : C2PA_CODE_ASSERTION_BOXES_HASH_UNKNOWN_BOX;
                snprintf(why, whylen, "the file has %.16s at byte %zu where %.16s is listed",
                         map->b[si].name, map->b[si].start, name);
                goto done;
            }
            si++;
        }
        const cbor_item_t *ex = cborx_get(e[i], "excluded");
        if (is_c2pa || (ex && cbor_isa_float_ctrl(ex) && cbor_get_bool(ex)))
            continue;
        free(alg);
        alg = cborx_str(cborx_get(e[i], "alg"));
        const EVP_MD *md = md_by_name(alg ? alg : top_alg ? top_alg : claim_alg);
        if (!md) {
            code = C2PA_CODE_ALGORITHM_UNSUPPORTED;
            snprintf(why, whylen, "unsupported hash algorithm in box entry %zu", i);
            goto done;
        }
        struct span want;
        code = C2PA_CODE_ASSERTION_BOXES_HASH_MISMATCH;
        if (!cborx_bytes(cborx_get(e[i], "hash"), &want)) {
            snprintf(why, whylen, "box entry %zu has no hash", i);
            goto done;
        }
        /* a range of names covers everything from the first box's start
         * to the last one's end (§18.7.1) */
        size_t start = map->b[from].start, end = map->b[si - 1].start + map->b[si - 1].len;
        if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
            EVP_DigestUpdate(ctx, asset.ptr + start, end - start) != 1 ||
            EVP_DigestFinal_ex(ctx, dg, &dn) != 1 || dn != want.len ||
            memcmp(dg, want.ptr, dn) != 0) {
            snprintf(why, whylen, "the image was changed after it was signed (boxes %.16s..)",
                     map->b[from].name);
            goto done;
        }
    }
    if (si < map->n) {
        code = C2PA_CODE_ASSERTION_BOXES_HASH_UNKNOWN_BOX;
        snprintf(why, whylen, "the file has %.16s at byte %zu, which the box hash does not list",
                 map->b[si].name, map->b[si].start);
        goto done;
    }
    code = C2PA_CODE_ASSERTION_BOXES_HASH_MATCH;
    snprintf(why, whylen, "box hash valid");
done:
    EVP_MD_CTX_free(ctx);
    free(alg);
    free(name);
    return code;
}

static bool has_rst(const struct boxes_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        if (strncmp(m->b[i].name, "RST", 3) == 0)
            return true;
    return false;
}

bool boxes_hash_check(struct span asset, const char *format, struct span payload,
                      const char *claim_alg, const char *url, struct c2pa_results *res)
{
    struct diag d;
    struct boxes_map map = {0}, folded = {0};
    cbor_item_t *m = cborx_load(payload, &d);
    char *top_alg = NULL;
    enum c2pa_code code = C2PA_CODE_ASSERTION_BOXES_HASH_MALFORMED;
    char why[200] = "box hash assertion is not a map with a boxes array";
    const cbor_item_t *boxes = m ? cborx_get(m, "boxes") : NULL;
    if (!boxes || !cbor_isa_array(boxes) || cbor_array_size(boxes) == 0)
        goto done;
    top_alg = cborx_str(cborx_get(m, "alg"));
    if (build_map(asset, format, &map, &d, false) != ST_OK) {
        code = C2PA_CODE_ASSERTION_BOXES_HASH_MISMATCH;
        diag_format(&d, why, sizeof why);
        goto done;
    }
    code = check_map(&map, asset, boxes, top_alg, claim_alg, why, sizeof why);
    /* c2pa-rs counts a scan's restart markers as part of SOS: an
     * assertion written that way is accepted too */
    if (code != C2PA_CODE_ASSERTION_BOXES_HASH_MATCH && has_rst(&map) &&
        build_map(asset, format, &folded, &d, true) == ST_OK) {
        char why2[200];
        enum c2pa_code c2 = check_map(&folded, asset, boxes, top_alg, claim_alg, why2, sizeof why2);
        if (c2 == C2PA_CODE_ASSERTION_BOXES_HASH_MATCH) {
            code = c2;
            snprintf(why, sizeof why, "box hash valid (restart markers within SOS)");
        }
    }
done:
    results_add(res, code, url, "%s", why);
    boxes_map_free(&map);
    boxes_map_free(&folded);
    free(top_alg);
    if (m)
        cbor_decref(&m);
    return code == C2PA_CODE_ASSERTION_BOXES_HASH_MISMATCH ||
           code == C2PA_CODE_ASSERTION_BOXES_HASH_UNKNOWN_BOX;
}
