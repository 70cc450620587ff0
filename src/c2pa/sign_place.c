/*
 * sign_place.c — where the signer puts a manifest store in a GIF,
 * JPEG XL, SVG or TIFF/DNG file, laid out as c2pa-rs 0.92 lays it out
 * so that its reader finds it (sdk/src/asset_handlers/gif_io.rs,
 * jpegxl_io.rs, svg_io.rs, tiff_io.rs), and the data-hash exclusions
 * that go with that place (locate.c checks them on reading):
 *  - GIF: a C2PA_GIF application extension after the global colour
 *    table; the whole extension block is excluded.
 *  - JPEG XL: the store as a top-level jumb box after ftyp; the box is
 *    excluded.
 *  - SVG: <metadata><c2pa:manifest>BASE64</c2pa:manifest></metadata>
 *    first in the root element; only the base64 text is excluded.
 *  - TIFF: IFD0 rewritten at the end of the file with a tag 0xCD41
 *    (UNDEFINED) whose value, the store, follows it; the tag's count
 *    field and the value are excluded, the rest (the new IFD offset in
 *    the header included) is hashed. The old IFD0 stays, unreferenced.
 *
 * Must never: change a byte of the asset outside the inserted bytes
 * (TIFF: the header's IFD0 offset), write a TIFF larger than 4 GiB, or
 * place a store in a bare JPEG XL codestream (it has no boxes).
 *
 * Specs: C2PA 2.2 §A.3.4 (TIFF), §A.3.5 (GIF), §A.3.8 (SVG), §A.3.9
 * (JPEG XL), §18.5 (c2pa.hash.data exclusions); TIFF 6.0 §2.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "c2pa/sign_internal.h"
#include "container/container.h"

/* the manifest alone, inside the last metadata element, or in a new one */
static const char svg_pre[] = "<metadata><c2pa:manifest xmlns:c2pa=\"http://c2pa.org/manifest\">";
static const char svg_post[] = "</c2pa:manifest></metadata>";
#define SVG_META_LEN 10     /* "<metadata>" */
#define SVG_META_END_LEN 11 /* "</metadata>" */
static const uint8_t gif_pre[14] = {0x21, 0xFF, 0x0B, 'C', '2',  'P',  'A',
                                    '_',  'G',  'I',  'F', 0x01, 0x00, 0x00};

static size_t svg_post_len(const struct c2pa_sign_place *p)
{
    return strlen(svg_post) - (p->svg_in_metadata ? SVG_META_END_LEN : 0);
}

static void put32(uint8_t *p, uint32_t v, bool be)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (be ? 24 - 8 * i : 8 * i));
}

/* TIFF: the new IFD0 (the old entries with 0xCD41 in tag order) and
 * where its count field and the store go. */
struct tiff_plan {
    struct c2pa_sign_place *p;
    size_t n, pos; /* entries, and the index the C2PA entry takes */
};

static enum status tiff_count(void *ctx, struct container_tiff *t,
                              const struct container_tiff_entry *e, int depth)
{
    struct tiff_plan *tp = ctx;
    (void)t;
    (void)depth;
    if (e->tag == 0xCD41)
        return ST_UNSUPPORTED; /* a store already: never signed over */
    tp->n++;
    if (e->tag < 0xCD41)
        tp->pos++;
    return ST_OK;
}

static enum status tiff_plan(struct span asset, struct c2pa_sign_place *p, struct diag *d)
{
    struct container_tiff t;
    struct tiff_plan tp = {.p = p};
    uint32_t next = 0;
    enum status st = container_tiff_open(asset, 0, &t, d);
    if (st != ST_OK)
        return st;
    st = container_tiff_ifd(&t, t.ifd0, 0, tiff_count, &tp, &next, d);
    if (st == ST_UNSUPPORTED)
        return diag_set(d, st, "TIFF tag 0xCD41", t.ifd0, "the file already has a manifest store");
    if (st != ST_OK)
        return st;
    if (tp.n >= 0xFFFF)
        return diag_set(d, ST_LIMIT, "TIFF IFD", t.ifd0, "IFD0 has no room for another entry");
    size_t ifd_at = asset.len + (asset.len & 1); /* IFDs start on a word boundary */
    size_t ifd_len = 2 + 12 * (tp.n + 1) + 4;
    size_t store_at = ifd_at + ifd_len;
    if (store_at > UINT32_MAX)
        return diag_set(d, ST_LIMIT, "TIFF", DIAG_NO_OFFSET, "file too large for TIFF offsets");
    struct span entries;
    span_sub(asset, (size_t)t.ifd0 + 2, 12 * tp.n, &entries);
    uint8_t hdr[4], e[12];
    st = buf_append(&p->head, asset.ptr, asset.len);
    if (st == ST_OK && (asset.len & 1))
        st = buf_putc(&p->head, 0);
    uint8_t n2[2] = {(uint8_t)(t.big_endian ? (tp.n + 1) >> 8 : (tp.n + 1)),
                     (uint8_t)(t.big_endian ? (tp.n + 1) : (tp.n + 1) >> 8)};
    if (st == ST_OK)
        st = buf_append(&p->head, n2, 2);
    if (st == ST_OK)
        st = buf_append(&p->head, entries.ptr, 12 * tp.pos);
    /* tag 0xCD41, type 7; the count is filled in when the store is written */
    e[0] = t.big_endian ? 0xCD : 0x41;
    e[1] = t.big_endian ? 0x41 : 0xCD;
    e[2] = t.big_endian ? 0 : 7;
    e[3] = t.big_endian ? 7 : 0;
    put32(e + 4, 0, t.big_endian);
    put32(e + 8, (uint32_t)store_at, t.big_endian);
    p->count_at = p->head.len + 4;
    if (st == ST_OK)
        st = buf_append(&p->head, e, sizeof e);
    if (st == ST_OK)
        st = buf_append(&p->head, entries.ptr + 12 * tp.pos, 12 * (tp.n - tp.pos));
    put32(hdr, next, t.big_endian);
    if (st == ST_OK)
        st = buf_append(&p->head, hdr, 4);
    if (st != ST_OK)
        return diag_set(d, st, "TIFF", DIAG_NO_OFFSET, "signed file too large or out of memory");
    put32(hdr, (uint32_t)ifd_at, t.big_endian);
    memcpy(p->head.data + 4, hdr, 4);
    p->big_endian = t.big_endian;
    p->tail = span_make(NULL, 0);
    return ST_OK;
}

/* JPEG XL: after the signature box and ftyp. */
static enum status jxl_at(struct span asset, size_t *at, struct diag *d)
{
    struct cursor c;
    struct container_bmff_box b;
    cursor_init(&c, asset);
    enum status st = container_bmff_next(&c, &b, d); /* the 'JXL ' signature box */
    if (st != ST_OK)
        return diag_set(d, ST_MALFORMED, "JPEG XL", 0, "no signature box");
    *at = c.pos;
    struct cursor k = c;
    if (container_bmff_next(&k, &b, d) == ST_OK && strcmp(b.type, "ftyp") == 0)
        *at = k.pos;
    return ST_OK;
}

enum status c2pa_sign_place_plan(struct span asset, struct c2pa_sign_place *p, struct diag *d)
{
    enum status st = ST_OK;
    bool naked = false;
    size_t at = 0;
    memset(p, 0, sizeof *p);
    buf_init(&p->head, TS_LIMIT_PHOTO_BYTES);
    if (container_is_tiff(asset)) {
        p->format = "image/tiff";
        p->kind = C2PA_PLACE_TIFF;
        return tiff_plan(asset, p, d);
    }
    if (container_is_gif(asset)) {
        struct cursor c;
        p->format = "image/gif";
        p->kind = C2PA_PLACE_GIF;
        if ((st = container_gif_begin(asset, &c, d)) != ST_OK)
            return st;
        at = c.pos;
        st = buf_append(&p->head, asset.ptr, at);
        if (st == ST_OK)
            st = buf_append(&p->head, gif_pre, sizeof gif_pre);
    } else if (container_is_jxl(asset, &naked)) {
        p->format = "image/jxl";
        p->kind = C2PA_PLACE_JXL;
        if (naked)
            return diag_set(d, ST_UNSUPPORTED, "JPEG XL", 0,
                            "a bare JPEG XL codestream cannot carry a manifest store "
                            "(it needs the box container)");
        if ((st = jxl_at(asset, &at, d)) != ST_OK)
            return st;
        st = buf_append(&p->head, asset.ptr, at);
    } else if (container_is_svg(asset)) {
        struct container_svg svg;
        p->format = "image/svg+xml";
        p->kind = C2PA_PLACE_SVG;
        if ((st = container_svg_walk(asset, &svg, d)) != ST_OK)
            return st;
        if (svg.root_content == 0)
            return diag_set(d, ST_UNSUPPORTED, "SVG", 0, "the svg element is empty");
        if (svg.manifest.data.ptr)
            return diag_set(d, ST_UNSUPPORTED, "SVG", svg.manifest.offset,
                            "the file already has a manifest store");
        /* c2pa-rs looks after the last metadata start tag: the manifest
         * goes first in it, else in a metadata element of its own */
        p->svg_in_metadata = svg.last_metadata != 0;
        at = p->svg_in_metadata ? svg.last_metadata : svg.root_content;
        size_t skip = p->svg_in_metadata ? SVG_META_LEN : 0;
        st = buf_append(&p->head, asset.ptr, at);
        if (st == ST_OK)
            st = buf_puts(&p->head, svg_pre + skip);
    } else {
        return ST_NOT_FOUND;
    }
    if (st != ST_OK)
        return diag_set(d, st, "c2pa", DIAG_NO_OFFSET, "signed file too large or out of memory");
    span_sub(asset, at, asset.len - at, &p->tail);
    return ST_OK;
}

void c2pa_sign_place_free(struct c2pa_sign_place *p)
{
    buf_free(&p->head);
}

/* Bytes the store takes once encoded for its place. */
static size_t encoded_len(const struct c2pa_sign_place *p, size_t len)
{
    switch (p->kind) {
    case C2PA_PLACE_GIF:
        return len + (len + 254) / 255 + 1; /* sub-block lengths and the terminator */
    case C2PA_PLACE_SVG:
        return base64_encoded_len(len);
    default:
        return len;
    }
}

size_t c2pa_sign_place_excl(const struct c2pa_sign_place *p, size_t store_len, uint64_t start[2],
                            uint64_t length[2])
{
    size_t enc = encoded_len(p, store_len);
    if (p->kind == C2PA_PLACE_TIFF) {
        start[0] = p->count_at;
        length[0] = 4;
        start[1] = p->head.len;
        length[1] = store_len;
        return 2;
    }
    if (p->kind == C2PA_PLACE_GIF) {
        start[0] = p->head.len - sizeof gif_pre;
        length[0] = sizeof gif_pre + enc;
    } else {
        start[0] = p->head.len;
        length[0] = enc;
    }
    return 1;
}

enum status c2pa_sign_place_hash(const struct c2pa_sign_place *p, uint8_t hash[32])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned int n = 0;
    bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1;
    if (ok && p->kind == C2PA_PLACE_TIFF) {
        ok =
            EVP_DigestUpdate(c, p->head.data, p->count_at) == 1 &&
            EVP_DigestUpdate(c, p->head.data + p->count_at + 4, p->head.len - p->count_at - 4) == 1;
    } else if (ok && p->kind == C2PA_PLACE_GIF) {
        /* the whole extension is excluded: the asset as it was */
        ok = EVP_DigestUpdate(c, p->head.data, p->head.len - sizeof gif_pre) == 1;
    } else if (ok) {
        ok = EVP_DigestUpdate(c, p->head.data, p->head.len) == 1;
    }
    if (ok && p->kind == C2PA_PLACE_SVG)
        ok = EVP_DigestUpdate(c, svg_post, svg_post_len(p)) == 1;
    if (ok && p->tail.len)
        ok = EVP_DigestUpdate(c, p->tail.ptr, p->tail.len) == 1;
    ok = ok && EVP_DigestFinal_ex(c, hash, &n) == 1;
    EVP_MD_CTX_free(c);
    return ok ? ST_OK : ST_INTERNAL;
}

enum status c2pa_sign_place_write(struct c2pa_sign_place *p, const uint8_t *store, size_t len,
                                  struct c2pa_sign_out *file)
{
    if (p->kind == C2PA_PLACE_TIFF) {
        if (len > UINT32_MAX - p->head.len)
            return ST_LIMIT;
        put32((uint8_t *)p->head.data + p->count_at, (uint32_t)len, p->big_endian);
    }
    c2pa_sign_out_raw(file, p->head.data, p->head.len);
    if (p->kind == C2PA_PLACE_GIF) {
        for (size_t at = 0; at < len; at += 255) {
            uint8_t n = (uint8_t)(len - at < 255 ? len - at : 255);
            c2pa_sign_out_raw(file, &n, 1);
            c2pa_sign_out_raw(file, store + at, n);
        }
        c2pa_sign_out_raw(file, "", 1);
    } else if (p->kind == C2PA_PLACE_SVG) {
        char *b64 = malloc(base64_encoded_len(len) + 1);
        if (!b64)
            return ST_NOMEM;
        base64_encode(store, len, b64);
        c2pa_sign_out_raw(file, b64, base64_encoded_len(len));
        free(b64);
        c2pa_sign_out_raw(file, svg_post, svg_post_len(p));
    } else {
        c2pa_sign_out_raw(file, store, len);
    }
    if (p->tail.len)
        c2pa_sign_out_raw(file, p->tail.ptr, p->tail.len);
    return file->st;
}
