/*
 * sign_store.c — what the signer needs from an original's manifest
 * store: find it in a JPEG (APP11, reassembled) or WebP (C2PA chunk),
 * and walk its outer boxes to copy the manifests verbatim and hash the
 * active one and its signature for the ingredient's hashed URIs.
 *
 * Must never: validate or trust anything beyond box sizes (that is the
 * reader's job, `tearsheet verify`), re-encode the carried bytes, or
 * read a box past its parent.
 *
 * Spec: C2PA 2.2 A.3.1 (APP11 reassembly), A.3.6 (RIFF), §11.1.4
 * (store, manifest and signature boxes), §8.4.2.3 (hash input).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "c2pa/bmff_internal.h"
#include "c2pa/sign_internal.h"
#include "container/container.h"

/* ---- finding the store ----------------------------------------------- */

/* An APP11 payload is C2PA when it is a JPEG XT box ("JP") whose
 * superbox's description UUID starts with "c2pa" (c2pa-rs checks the
 * same bytes). */
static bool app11_is_c2pa(struct span seg)
{
    return seg.len >= 28 && seg.ptr[0] == 'J' && seg.ptr[1] == 'P' &&
           memcmp(seg.ptr + 12, "jumb", 4) == 0 && memcmp(seg.ptr + 24, "c2pa", 4) == 0;
}

/* `at`, when not NULL, gets the bytes the store's APP11 segments take
 * in the file, markers included: [at[0], at[1]). */
static enum status find_jpeg(struct span file, uint8_t **store, size_t *len, size_t at[2],
                             struct diag *d)
{
    enum status st = ST_NOT_FOUND;
    struct container_jpeg *j = malloc(sizeof *j);
    struct buf out;
    buf_init(&out, C2PA_SIGN_MAX_STORE);
    if (!j) {
        st = diag_set(d, ST_NOMEM, "APP11", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    if ((st = container_jpeg_walk(file, j, d)) != ST_OK)
        goto abort;
    st = ST_NOT_FOUND;
    uint16_t en = 0;
    uint32_t next_z = 1;
    for (size_t i = 0; i < j->n_app11; i++) {
        struct span seg = j->app11[i].data;
        uint16_t seg_en = 0;
        uint32_t z = 0;
        if (seg.len < 16 || seg.ptr[0] != 'J' || seg.ptr[1] != 'P')
            continue; /* not a JPEG XT box (JPEG 360, privacy ...) */
        span_u16(seg, 2, true, &seg_en);
        span_u32(seg, 4, true, &z);
        if (next_z == 1) {
            if (!app11_is_c2pa(seg) || z != 1)
                continue;
            en = seg_en;
        } else if (seg_en != en) {
            continue;
        } else if (z != next_z) {
            st = diag_set(d, ST_MALFORMED, "APP11", j->app11[i].offset,
                          "C2PA packet %u where %u was expected", (unsigned)z, (unsigned)next_z);
            goto abort;
        }
        uint32_t lbox = 0;
        span_u32(seg, 8, true, &lbox);
        if (lbox == 1) {
            st = diag_set(d, ST_UNSUPPORTED, "APP11", j->app11[i].offset,
                          "manifest store with a 64-bit box size");
            goto abort;
        }
        /* Segment 1 keeps its box header; continuations repeat it. */
        size_t skip = next_z == 1 ? 8 : 16;
        enum status ast = buf_append(&out, seg.ptr + skip, seg.len - skip);
        if (ast != ST_OK) {
            st = diag_set(d, ast, "APP11", j->app11[i].offset,
                          "manifest store larger than %zu bytes", (size_t)C2PA_SIGN_MAX_STORE);
            goto abort;
        }
        if (at && next_z == 1)
            at[0] = (size_t)(seg.ptr - file.ptr) - 4; /* FF EB and the length */
        if (at && at[1] != (size_t)(seg.ptr - file.ptr) - 4 && next_z > 1) {
            st = diag_set(d, ST_UNSUPPORTED, "APP11", j->app11[i].offset,
                          "other segments between the C2PA segments");
            goto abort;
        }
        if (at)
            at[1] = (size_t)(seg.ptr - file.ptr) + seg.len;
        next_z++;
    }
    if (next_z > 1) {
        *len = out.len;
        *store = (uint8_t *)buf_detach(&out, NULL);
        st = ST_OK;
    }
abort:
    buf_free(&out);
    free(j);
    return st;
}

static enum status find_webp(struct span file, uint8_t **store, size_t *len, struct diag *d)
{
    struct cursor c;
    struct container_riff_chunk ch;
    enum status st = container_riff_begin(file, &c, d);
    for (size_t n = 0; st == ST_OK && n < TS_LIMIT_FILE_CHUNKS; n++) {
        if ((st = container_riff_next(&c, &ch, d)) != ST_OK)
            break;
        if (memcmp(ch.fourcc, "C2PA", 4) != 0)
            continue;
        if (ch.data.len > C2PA_SIGN_MAX_STORE)
            return diag_set(d, ST_LIMIT, "C2PA chunk", ch.offset, "manifest store too large");
        *store = malloc(ch.data.len ? ch.data.len : 1);
        if (!*store)
            return diag_set(d, ST_NOMEM, "C2PA chunk", ch.offset, "out of memory");
        if (ch.data.len)
            memcpy(*store, ch.data.ptr, ch.data.len);
        *len = ch.data.len;
        return ST_OK;
    }
    return st == ST_OK || st == ST_NOT_FOUND ? ST_NOT_FOUND : st;
}

enum status c2pa_sign_jpeg_store(struct span file, uint8_t **store, size_t *len, size_t at[2],
                                 struct diag *d)
{
    *store = NULL;
    *len = 0;
    at[0] = at[1] = 0;
    return find_jpeg(file, store, len, at, d);
}

enum status c2pa_sign_find_store(struct span file, uint8_t **store, size_t *len, struct diag *d)
{
    *store = NULL;
    *len = 0;
    if (container_is_jpeg(file))
        return find_jpeg(file, store, len, NULL, d);
    if (container_is_webp(file))
        return find_webp(file, store, len, d);
    if (c2pa_bmff_is(file)) {
        size_t at = 0, box = 0;
        return c2pa_bmff_store_find(file, store, len, &at, &box, d);
    }
    bool naked = false;
    if (container_is_tiff(file) || container_is_gif(file) || container_is_svg(file) ||
        container_is_jxl(file, &naked)) {
        /* an original's store in TIFF/DNG, GIF, SVG or JPEG XL (locate.c) */
        struct c2pa_store_loc loc;
        enum status st = c2pa_store_locate(file, NULL, store, len, &loc, d);
        return st == ST_UNSUPPORTED ? ST_NOT_FOUND : st;
    }
    return ST_NOT_FOUND;
}

const char *c2pa_sign_media_type(struct span file)
{
    if (container_is_jpeg(file))
        return "image/jpeg";
    if (container_is_png(file))
        return "image/png";
    if (container_is_webp(file))
        return "image/webp";
    if (container_is_tiff(file))
        return "image/tiff";
    if (container_is_gif(file))
        return "image/gif";
    bool naked = false;
    if (container_is_jxl(file, &naked))
        return "image/jxl";
    if (container_is_svg(file))
        return "image/svg+xml";
    if (container_is_bmff(file))
        return c2pa_bmff_media_type(file);
    return "application/octet-stream";
}

/* ---- walking the store ------------------------------------------------ */

struct box {
    char type[5];
    struct span whole;   /* header included */
    struct span content; /* after LBox/TBox */
    size_t offset;       /* within the store */
};

static enum status next_box(struct cursor *c, size_t base, struct box *b, struct diag *d)
{
    size_t at = c->pos;
    uint32_t lbox = 0;
    struct span type;
    struct cursor k = *c;
    if (!cursor_u32be(&k, &lbox) || !cursor_take(&k, 4, &type))
        return diag_set(d, ST_TRUNCATED, "JUMBF box", base + at, "box header cut short");
    if (lbox == 1 || lbox == 0)
        return diag_set(d, ST_UNSUPPORTED, "JUMBF box", base + at, "64-bit or open-ended box size");
    if (lbox < 8 || !span_sub(c->in, at, lbox, &b->whole))
        return diag_set(d, ST_MALFORMED, "JUMBF box", base + at,
                        "box declares %u bytes but its parent has %zu left", (unsigned)lbox,
                        cursor_left(c));
    memcpy(b->type, type.ptr, 4);
    b->type[4] = '\0';
    span_sub(b->whole, 8, b->whole.len - 8, &b->content);
    b->offset = base + at;
    cursor_skip(c, lbox);
    return ST_OK;
}

/* The jumd at the start of a superbox's content: its type UUID and
 * label (copied, NUL-terminated). */
static enum status read_desc(struct span content, size_t base, uint8_t uuid[16], char *label,
                             size_t label_size, struct diag *d)
{
    struct cursor c;
    struct box b;
    cursor_init(&c, content);
    enum status st = next_box(&c, base, &b, d);
    if (st != ST_OK)
        return st;
    if (strcmp(b.type, "jumd") != 0 || b.content.len < 17)
        return diag_set(d, ST_MALFORMED, "jumd box", b.offset,
                        "superbox does not start with a description box");
    memcpy(uuid, b.content.ptr, 16);
    label[0] = '\0';
    if (!(b.content.ptr[16] & 0x02))
        return ST_OK;
    const uint8_t *p = b.content.ptr + 17;
    size_t left = b.content.len - 17;
    const uint8_t *nul = memchr(p, 0, left);
    if (!nul || (size_t)(nul - p) >= label_size || !utf8_valid(p, (size_t)(nul - p)))
        return diag_set(d, ST_MALFORMED, "jumd box", b.offset,
                        "label not NUL-terminated, too long or not UTF-8");
    memcpy(label, p, (size_t)(nul - p));
    label[nul - p] = '\0';
    return ST_OK;
}

static bool is_manifest_uuid(const uint8_t uuid[16])
{
    uint8_t u[16];
    const char *kinds[] = {"c2ma", "c2um", "c2cm"};
    for (size_t i = 0; i < 3; i++) {
        c2pa_sign_jumbf_uuid_4cc(u, kinds[i]);
        if (memcmp(u, uuid, 16) == 0)
            return true;
    }
    return false;
}

enum status c2pa_sign_carry_parse(struct span store, struct c2pa_sign_carry *out, struct diag *d)
{
    enum status st;
    struct cursor c, m;
    struct box outer, b, jumd, child;
    uint8_t uuid[16], want[16];
    char label[256];
    memset(out, 0, sizeof *out);
    cursor_init(&c, store);
    if ((st = next_box(&c, 0, &outer, d)) != ST_OK)
        return st;
    c2pa_sign_jumbf_uuid_4cc(want, "c2pa");
    if (strcmp(outer.type, "jumb") != 0 ||
        read_desc(outer.content, 8, uuid, label, sizeof label, d) != ST_OK ||
        memcmp(uuid, want, 16) != 0)
        return diag_set(d, ST_MALFORMED, "c2pa box", 0, "not a C2PA manifest store");
    cursor_init(&m, outer.content);
    if ((st = next_box(&m, 8, &jumd, d)) != ST_OK)
        return st;
    span_sub(outer.content, m.pos, outer.content.len - m.pos, &out->manifests);
    const struct box *active = NULL;
    struct box last;
    struct diag scratch; /* boxes we skip need no diagnosis */
    for (size_t n = 0; cursor_left(&m) > 0; n++) {
        if (n == TS_LIMIT_C2PA_CARRY_BOXES)
            return diag_set(d, ST_LIMIT, "c2pa box", 8 + m.pos, "more than %d boxes in the store",
                            TS_LIMIT_C2PA_CARRY_BOXES);
        if ((st = next_box(&m, 8, &b, d)) != ST_OK)
            return st;
        if (strcmp(b.type, "jumb") != 0 ||
            read_desc(b.content, b.offset + 8, uuid, label, sizeof label, &scratch) != ST_OK ||
            !is_manifest_uuid(uuid))
            continue; /* skip what we do not know (§11.1.2) */
        last = b;
        active = &last;
        out->n_manifests++;
        snprintf(out->active_label, sizeof out->active_label, "%s", label);
    }
    if (!active)
        return diag_set(d, ST_MALFORMED, "c2pa box", 0, "manifest store without a manifest");
    SHA256(active->content.ptr, active->content.len, out->active_hash);
    /* its signature box, for the ingredient's claimSignature */
    cursor_init(&m, active->content);
    uint8_t sig_uuid[16];
    c2pa_sign_jumbf_uuid_4cc(sig_uuid, "c2cs");
    for (size_t n = 0; cursor_left(&m) > 0 && n < TS_LIMIT_C2PA_CARRY_BOXES; n++) {
        if ((st = next_box(&m, active->offset + 8, &child, d)) != ST_OK)
            return st;
        if (strcmp(child.type, "jumb") == 0 &&
            read_desc(child.content, child.offset + 8, uuid, label, sizeof label, &scratch) ==
                ST_OK &&
            memcmp(uuid, sig_uuid, 16) == 0) {
            SHA256(child.content.ptr, child.content.len, out->sig_hash);
            out->have_sig = true;
        }
    }
    return ST_OK;
}
