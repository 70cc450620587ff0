/*
 * bmff_store.c — the C2PA 'uuid' box of ISO-BMFF files (AVIF, HEIF,
 * MP4): finds the manifest store in it for the reader, and lays out a
 * signed AVIF for the signer (the box after 'ftyp', every 'iloc'
 * offset moved by the box's size).
 *
 * Must never: trust a box size or an iloc field size, read a purpose
 * string past its box, shift a file whose offsets we do not all know
 * (video: stco/co64/tfhd/sidx live in moov/moof), or let a moved
 * offset wrap its field.
 *
 * Spec: C2PA 2.2 A.5.1–A.5.3 (ContentProvenanceBox: extended type,
 * FullBox version 0, box_purpose, 8-byte merkle offset, the store,
 * placed after ftyp and before mdat/moov), §18.6.2 (offsets hashed
 * with their post-embed values); ISO/IEC 14496-12 §4.2 (boxes), §8.11.3
 * (iloc versions 0-2, construction_method, base_offset).
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/bmff_internal.h"
#include "container/container.h"

const uint8_t c2pa_bmff_uuid[16] = {0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C,
                                    0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81};

/* The longest box_purpose we read ("manifest", "original", "update",
 * "merkle"): past this the string is not one of ours. */
#define PURPOSE_MAX 32

bool c2pa_bmff_is(struct span asset)
{
    return asset.len >= 8 && memcmp(asset.ptr + 4, "ftyp", 4) == 0;
}

static bool has_brand(struct span asset, const char *brand)
{
    uint32_t size = 0;
    if (!span_u32(asset, 0, true, &size) || size < 16 || size > asset.len)
        return false;
    if (memcmp(asset.ptr + 8, brand, 4) == 0)
        return true;
    for (size_t off = 16; off + 4 <= size; off += 4)
        if (memcmp(asset.ptr + off, brand, 4) == 0)
            return true;
    return false;
}

const char *c2pa_bmff_media_type(struct span asset)
{
    if (has_brand(asset, "avif") || has_brand(asset, "avis"))
        return "image/avif";
    if (has_brand(asset, "heic") || has_brand(asset, "heix"))
        return "image/heic";
    if (has_brand(asset, "mif1") || has_brand(asset, "msf1"))
        return "image/heif";
    return "video/mp4";
}

/* The box's bytes after the 16-byte extended type, when it is ours. */
static bool is_c2pa_uuid(struct span in, const struct container_bmff_box *b)
{
    /* container_bmff_next has skipped the extended type: it is the 16
     * bytes right before the payload */
    size_t ext = (size_t)(b->data.ptr - in.ptr);
    return strcmp(b->type, "uuid") == 0 && ext >= 16 &&
           memcmp(in.ptr + ext - 16, c2pa_bmff_uuid, 16) == 0;
}

enum status c2pa_bmff_store_find(struct span asset, uint8_t **store, size_t *store_len,
                                 size_t *box_start, size_t *box_len, struct diag *d)
{
    enum status st;
    struct cursor c;
    struct container_bmff_box b;
    size_t n = 0;
    *store = NULL;
    *store_len = 0;
    cursor_init(&c, asset);
    while ((st = container_bmff_next(&c, &b, d)) == ST_OK) {
        if (++n > TS_LIMIT_BMFF_HASH_BOXES)
            return diag_set(d, ST_LIMIT, "BMFF", b.offset, "more than %d top-level boxes",
                            TS_LIMIT_BMFF_HASH_BOXES);
        if (!is_c2pa_uuid(asset, &b))
            continue;
        struct cursor k;
        struct span purpose, rest;
        uint32_t vflags = 0;
        uint64_t merkle = 0;
        cursor_init(&k, b.data);
        if (!cursor_u32be(&k, &vflags))
            return diag_set(d, ST_TRUNCATED, "C2PA uuid box", b.offset,
                            "no version and flags (A.5.1.2)");
        if (vflags >> 24 != 0)
            return diag_set(d, ST_MALFORMED, "C2PA uuid box", b.offset,
                            "version %u (only 0 is defined)", vflags >> 24);
        const uint8_t *nul =
            memchr(b.data.ptr + 4, 0, b.data.len - 4 < PURPOSE_MAX ? b.data.len - 4 : PURPOSE_MAX);
        if (!nul)
            return diag_set(d, ST_MALFORMED, "C2PA uuid box", b.offset,
                            "box_purpose is not a short NUL-terminated string");
        cursor_take(&k, (size_t)(nul - (b.data.ptr + 4)), &purpose);
        cursor_skip(&k, 1);
        /* merkle boxes carry hashes for Merkle-tree bindings; an
         * update box only update manifests (A.5.3): neither holds the
         * standard store */
        if (!span_eq_str(purpose, "manifest") && !span_eq_str(purpose, "original"))
            continue;
        if (!cursor_u64be(&k, &merkle))
            return diag_set(d, ST_TRUNCATED, "C2PA uuid box", b.offset,
                            "no merkle offset after box_purpose");
        cursor_take(&k, cursor_left(&k), &rest);
        /* the store, then padding (A.5.3): the store's own LBox says
         * where it ends */
        uint32_t lbox = 0;
        if (!span_u32(rest, 0, true, &lbox) || rest.len < 8 || memcmp(rest.ptr + 4, "jumb", 4) != 0)
            return diag_set(d, ST_MALFORMED, "C2PA uuid box", b.offset + C2PA_BMFF_BOX_HEADER,
                            "the box does not hold a JUMBF manifest store");
        size_t len = lbox >= 8 && lbox <= rest.len ? lbox : rest.len;
        if (len > TS_LIMIT_C2PA_STORE_BYTES)
            return diag_set(d, ST_LIMIT, "C2PA uuid box", b.offset,
                            "manifest store larger than %zu bytes",
                            (size_t)TS_LIMIT_C2PA_STORE_BYTES);
        *store = malloc(len);
        if (!*store)
            return diag_set(d, ST_NOMEM, "C2PA uuid box", b.offset, "out of memory");
        memcpy(*store, rest.ptr, len);
        *store_len = len;
        *box_start = b.offset;
        *box_len = (size_t)(b.data.ptr - asset.ptr) + b.data.len - b.offset;
        return ST_OK;
    }
    if (st == ST_NOT_FOUND)
        return st;
    /* A damaged box ends the walk. Only when it is a C2PA box does the
     * file claim credentials it cannot prove; any other damage is for
     * the image decoder to judge. */
    if (c.pos + 24 <= asset.len && memcmp(asset.ptr + c.pos + 4, "uuid", 4) == 0 &&
        memcmp(asset.ptr + c.pos + 8, c2pa_bmff_uuid, 16) == 0)
        return st;
    return ST_NOT_FOUND;
}

/* ---- the signer's layout ---- */

static void put_n(uint8_t *p, unsigned bytes, uint64_t v)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

/* Adds `delta` to one offset field at k's position (of `bytes` bytes)
 * in the copy `out`, whose iloc payload starts at out_base. */
static enum status shift_field(struct cursor *k, unsigned bytes, uint64_t delta, uint64_t floor,
                               uint8_t *out, size_t out_base, size_t iloc_at, struct diag *d)
{
    size_t at = k->pos;
    uint64_t v = 0;
    if (!cursor_uint_be(k, bytes, &v))
        return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "item location cut short");
    if (bytes == 0)
        return ST_OK;
    if (v < floor)
        return diag_set(d, ST_UNSUPPORTED, "iloc", iloc_at,
                        "an item's data starts inside ftyp (offset %llu)", (unsigned long long)v);
    if (v + delta < v || (bytes == 4 && v + delta > UINT32_MAX))
        return diag_set(d, ST_LIMIT, "iloc", iloc_at,
                        "offset %llu no longer fits its %u-byte field after the manifest",
                        (unsigned long long)v, bytes);
    put_n(out + out_base + at, bytes, v + delta);
    return ST_OK;
}

/*
 * iloc (ISO 14496-12 §8.11.3): items in the file (construction_method
 * 0, data_reference_index 0) have absolute offsets; base_offset when
 * it has a size, else each extent_offset, moves by delta. idat
 * (method 1) and item-reference (method 2) offsets are relative.
 */
static enum status shift_iloc(struct span iloc, size_t iloc_at, uint64_t delta, uint64_t floor,
                              uint8_t *out, size_t out_base, struct diag *d)
{
    struct cursor k;
    uint8_t version = 0, sizes = 0, sizes2 = 0;
    uint32_t count = 0;
    cursor_init(&k, iloc);
    if (!cursor_u8(&k, &version) || !cursor_skip(&k, 3) || !cursor_u8(&k, &sizes) ||
        !cursor_u8(&k, &sizes2))
        return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "header cut short");
    if (version > 2)
        return diag_set(d, ST_UNSUPPORTED, "iloc", iloc_at, "version %u", version);
    unsigned off_size = sizes >> 4, len_size = sizes & 15, base_size = sizes2 >> 4,
             idx_size = version ? sizes2 & 15 : 0;
    const unsigned ok[] = {off_size, len_size, base_size, idx_size};
    for (size_t i = 0; i < 4; i++)
        if (ok[i] != 0 && ok[i] != 4 && ok[i] != 8)
            return diag_set(d, ST_MALFORMED, "iloc", iloc_at, "field size %u", ok[i]);
    if (version < 2) {
        uint16_t c16 = 0;
        if (!cursor_u16be(&k, &c16))
            return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "item count cut short");
        count = c16;
    } else if (!cursor_u32be(&k, &count)) {
        return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "item count cut short");
    }
    if (count > TS_LIMIT_BMFF_ITEMS)
        return diag_set(d, ST_LIMIT, "iloc", iloc_at, "%u items", count);
    for (uint32_t i = 0; i < count; i++) {
        uint16_t method = 0, dref = 0, extents = 0;
        enum status st;
        if (!cursor_skip(&k, version < 2 ? 2 : 4) || (version > 0 && !cursor_u16be(&k, &method)) ||
            !cursor_u16be(&k, &dref))
            return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "item %u cut short", i);
        method &= 15;
        bool in_file = method == 0 && dref == 0;
        if (method == 0 && dref != 0)
            return diag_set(d, ST_UNSUPPORTED, "iloc", iloc_at,
                            "item %u is in another file (data reference %u)", i, dref);
        if (in_file && base_size) {
            if ((st = shift_field(&k, base_size, delta, floor, out, out_base, iloc_at, d)) != ST_OK)
                return st;
        } else {
            uint64_t skip = 0;
            if (!cursor_uint_be(&k, base_size, &skip))
                return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "item %u cut short", i);
        }
        if (!cursor_u16be(&k, &extents))
            return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "item %u cut short", i);
        for (uint16_t e = 0; e < extents; e++) {
            uint64_t skip = 0;
            if (!cursor_uint_be(&k, idx_size, &skip))
                return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "extent cut short");
            if (in_file && !base_size) {
                if (!off_size)
                    return diag_set(d, ST_UNSUPPORTED, "iloc", iloc_at,
                                    "item %u has neither base nor extent offsets", i);
                if ((st = shift_field(&k, off_size, delta, floor, out, out_base, iloc_at, d)) !=
                    ST_OK)
                    return st;
            } else if (!cursor_uint_be(&k, off_size, &skip)) {
                return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "extent cut short");
            }
            if (!cursor_uint_be(&k, len_size, &skip))
                return diag_set(d, ST_TRUNCATED, "iloc", iloc_at, "extent cut short");
        }
    }
    return ST_OK;
}

enum status c2pa_bmff_sign_layout(struct span asset, size_t box_len, struct buf *o, size_t *box_at,
                                  struct diag *d)
{
    enum status st;
    struct cursor c;
    struct container_bmff_box b, ftyp;
    struct span meta = {0};
    size_t meta_at = 0, n = 0;
    bool have_meta = false;
    cursor_init(&c, asset);
    if ((st = container_bmff_next(&c, &ftyp, d)) != ST_OK || strcmp(ftyp.type, "ftyp") != 0)
        return st != ST_OK ? st : diag_set(d, ST_MALFORMED, "BMFF", 0, "no ftyp box first");
    size_t ftyp_end = c.pos;
    while ((st = container_bmff_next(&c, &b, d)) == ST_OK) {
        if (++n > TS_LIMIT_BMFF_HASH_BOXES)
            return diag_set(d, ST_LIMIT, "BMFF", b.offset, "too many boxes");
        if (is_c2pa_uuid(asset, &b))
            return diag_set(d, ST_UNSUPPORTED, "C2PA uuid box", b.offset,
                            "the derivative already has a manifest store");
        if (strcmp(b.type, "moov") == 0 || strcmp(b.type, "moof") == 0 ||
            strcmp(b.type, "sidx") == 0)
            return diag_set(d, ST_UNSUPPORTED, b.type, b.offset,
                            "timed media: its chunk offsets are not rewritten");
        if (strcmp(b.type, "meta") == 0) {
            if (have_meta)
                return diag_set(d, ST_UNSUPPORTED, "meta", b.offset, "a second meta box");
            have_meta = true;
            meta = b.data;
            meta_at = (size_t)(b.data.ptr - asset.ptr);
        }
    }
    if (st != ST_NOT_FOUND)
        return st;
    if (box_len < C2PA_BMFF_BOX_HEADER || box_len > UINT32_MAX)
        return diag_set(d, ST_LIMIT, "C2PA uuid box", ftyp_end, "box of %zu bytes", box_len);
    uint8_t hdr[C2PA_BMFF_BOX_HEADER] = {0};
    put_n(hdr, 4, box_len);
    memcpy(hdr + 4, "uuid", 4);
    memcpy(hdr + 8, c2pa_bmff_uuid, 16);
    memcpy(hdr + 28, "manifest", 9); /* version/flags 0, merkle offset 0 */
    size_t start = o->len;
    if ((st = buf_append(o, asset.ptr, ftyp_end)) != ST_OK ||
        (st = buf_append(o, hdr, sizeof hdr)) != ST_OK)
        goto nomem;
    for (size_t i = C2PA_BMFF_BOX_HEADER; i < box_len && st == ST_OK; i += 4096) {
        static const uint8_t zeros[4096];
        st = buf_append(o, zeros, box_len - i < 4096 ? box_len - i : 4096);
    }
    if (st != ST_OK || (st = buf_append(o, asset.ptr + ftyp_end, asset.len - ftyp_end)) != ST_OK)
        goto nomem;
    *box_at = start + ftyp_end;
    if (!have_meta)
        return ST_OK;
    /* meta is a FullBox: its children after version/flags */
    struct cursor k;
    cursor_init(&k, meta);
    if (!cursor_skip(&k, 4))
        return diag_set(d, ST_TRUNCATED, "meta", meta_at, "no version and flags");
    while ((st = container_bmff_next(&k, &b, d)) == ST_OK) {
        if (strcmp(b.type, "iloc") != 0)
            continue;
        size_t iloc_at = (size_t)(b.data.ptr - asset.ptr);
        /* the copy of this iloc payload sits box_len further on */
        if ((st = shift_iloc(b.data, iloc_at, box_len, ftyp_end, (uint8_t *)o->data,
                             start + iloc_at + box_len, d)) != ST_OK)
            return st;
    }
    return st == ST_NOT_FOUND ? ST_OK : st;
nomem:
    return diag_set(d, st, "BMFF", DIAG_NO_OFFSET, "signed file too large or out of memory");
}
