/*
 * locate.c — finds the C2PA manifest store in an asset and the byte
 * ranges a data hash must exclude for it, exactly (§15.12.1.2): JPEG
 * APP11 segments, PNG caBX, WebP C2PA chunk, ISO-BMFF uuid box (via
 * bmff_store.c), TIFF/DNG tag 0xCD41, GIF C2PA_GIF application
 * extension, SVG c2pa:manifest text, JPEG XL top-level jumb box, or a
 * whole sidecar. Where c2pa-rs 0.92 puts and looks for each store is
 * cited beside its reader.
 *
 * Must never: trust a segment, chunk, tag or sub-block length; accept
 * an APP11 sequence out of order; keep more than
 * TS_LIMIT_C2PA_STORE_BYTES of store.
 *
 * Specs: C2PA 2.2 Appendix A: §A.3.1 (JPEG, with ISO/IEC 18477-3 APP11
 * box segmentation: CI, En, Z), §A.3.2 (PNG), §A.3.4 (TIFF/DNG), §A.3.5
 * (GIF), §A.3.6 (RIFF), §A.3.8 (SVG), §A.3.9 (JPEG XL), §A.5 (BMFF).
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/bmff_internal.h"
#include "container/container.h"

/* APP11 payload (after Lp): CI "JP", En, Z, then the box header. A
 * C2PA store's first segment has the jumd UUID "c2pa" at byte 24
 * (8 JPEG XT bytes + superbox header + jumd header). */
static bool app11_is_c2pa_first(struct span seg)
{
    return seg.len >= 28 && seg.ptr[0] == 'J' && seg.ptr[1] == 'P' &&
           memcmp(seg.ptr + 12, "jumb", 4) == 0 && memcmp(seg.ptr + 24, "c2pa", 4) == 0;
}

static enum status jpeg_store(struct span asset, uint8_t **store, size_t *store_len,
                              size_t *excl_start, size_t *excl_len, struct diag *d)
{
    enum status st = ST_OK;
    struct container_jpeg *jp = calloc(1, sizeof *jp);
    struct buf b;
    buf_init(&b, TS_LIMIT_C2PA_STORE_BYTES);
    if (!jp) {
        st = ST_NOMEM;
        goto abort;
    }
    st = container_jpeg_walk(asset, jp, d);
    if (st != ST_OK)
        goto abort;
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < jp->n_app11; i++) {
        if (app11_is_c2pa_first(jp->app11[i].data)) {
            first = i;
            break;
        }
    }
    if (first == SIZE_MAX) {
        st = ST_NOT_FOUND;
        goto abort;
    }
    struct span s0 = jp->app11[first].data;
    uint16_t en = (uint16_t)(s0.ptr[2] << 8 | s0.ptr[3]);
    uint32_t lbox = 0;
    span_u32(s0, 8, true, &lbox);
    size_t hdr = lbox == 1 ? 16 : 8;
    uint32_t expect_z = 1;
    size_t run_end = 0;
    bool gap = false;
    *excl_start = jp->app11[first].offset - 4; /* FF EB + Lp */
    for (size_t i = first; i < jp->n_app11; i++) {
        struct span s = jp->app11[i].data;
        uint16_t sen = 0;
        uint32_t z = 0;
        if (s.len < 8 || s.ptr[0] != 'J' || s.ptr[1] != 'P' || !span_u16(s, 2, true, &sen) ||
            sen != en)
            continue; /* another JPEG XT box (JPEG 360, privacy) */
        span_u32(s, 4, true, &z);
        if (z != expect_z) {
            st = diag_set(d, ST_MALFORMED, "APP11", jp->app11[i].offset,
                          "C2PA segment %u where %u was expected", z, expect_z);
            goto abort;
        }
        size_t skip = z == 1 ? 8 : 8 + hdr;
        if (s.len < skip) {
            st = diag_set(d, ST_TRUNCATED, "APP11", jp->app11[i].offset,
                          "C2PA segment shorter than its header");
            goto abort;
        }
        st = buf_append(&b, s.ptr + skip, s.len - skip);
        if (st != ST_OK) {
            diag_set(d, st, "APP11", jp->app11[i].offset, "manifest store larger than %zu bytes",
                     (size_t)TS_LIMIT_C2PA_STORE_BYTES);
            goto abort;
        }
        /* §A.3.1: the segments are contiguous; anything between them
         * would sit inside the hash exclusion unhashed. */
        if (z > 1 && jp->app11[i].offset - 4 != run_end)
            gap = true;
        run_end = jp->app11[i].offset + s.len;
        expect_z++;
    }
    *excl_len = run_end - *excl_start;
    if (gap)
        *excl_start = *excl_len = 0; /* no exclusion can match: data hash fails */
    *store_len = b.len;
    *store = (uint8_t *)buf_detach(&b, NULL);
    if (!*store)
        st = ST_NOMEM;
abort:
    buf_free(&b);
    free(jp);
    return st;
}

static enum status dup_span(struct span s, uint8_t **store, size_t *store_len)
{
    *store = malloc(s.len ? s.len : 1);
    if (!*store)
        return ST_NOMEM;
    if (s.len)
        memcpy(*store, s.ptr, s.len);
    *store_len = s.len;
    return ST_OK;
}

static enum status chunk_store(struct span asset, bool png, uint8_t **store, size_t *store_len,
                               size_t *excl_start, size_t *excl_len, struct diag *d)
{
    struct cursor c;
    enum status st = png ? container_png_begin(asset, &c, d) : container_riff_begin(asset, &c, d);
    while (st == ST_OK) {
        if (png) {
            struct container_png_chunk ch;
            st = container_png_next(&c, &ch, d);
            if (st == ST_OK && strcmp(ch.type, "caBX") == 0) {
                *excl_start = ch.offset;
                *excl_len = ch.data.len + 12;
                return dup_span(ch.data, store, store_len);
            }
        } else {
            struct container_riff_chunk ch;
            st = container_riff_next(&c, &ch, d);
            if (st == ST_OK && strcmp(ch.fourcc, "C2PA") == 0) {
                *excl_start = ch.offset;
                *excl_len = 8 + ch.data.len + (ch.data.len & 1);
                return dup_span(ch.data, store, store_len);
            }
        }
    }
    return st == ST_OK ? ST_NOT_FOUND : st;
}

/* ---- TIFF / DNG ---- */

/* c2pa-rs tiff_io.rs: C2PA_TAG 0xcd41, type UNDEFINED (C2PA_FIELD_TYPE) */
#define TIFF_C2PA_TAG 0xCD41

struct tiff_find {
    bool found;
    struct container_tiff_entry e;
};

static enum status tiff_entry(void *ctx, struct container_tiff *t,
                              const struct container_tiff_entry *e, int depth)
{
    struct tiff_find *f = ctx;
    (void)t;
    (void)depth;
    if (e->tag == TIFF_C2PA_TAG && !f->found) {
        f->found = true;
        f->e = *e;
    }
    return ST_OK;
}

/* c2pa-rs get_cai_data: the tag in the last page's IFD, else in the
 * first page's (older writers); get_object_locations_from_stream: the
 * data hash excludes the tag's value bytes and the entry's count field
 * (4 bytes at entry + 4), so the store can change size unhashed.
 * BigTIFF is refused by the walker (ST_UNSUPPORTED). */
static enum status tiff_store(struct span asset, uint8_t **store, size_t *store_len,
                              struct c2pa_store_loc *loc, struct diag *d)
{
    struct container_tiff t;
    struct tiff_find first = {0}, last = {0};
    enum status st = container_tiff_open(asset, 0, &t, d);
    if (st != ST_OK)
        return st;
    uint32_t at = t.ifd0, next = 0;
    for (size_t page = 0; at != 0; page++, at = next) {
        struct tiff_find f = {0};
        st = container_tiff_ifd(&t, at, 0, tiff_entry, &f, &next, d);
        if (st != ST_OK) {
            if (page == 0)
                return st;
            break; /* a damaged later page: the pages read so far count */
        }
        if (page == 0)
            first = f;
        last = f;
    }
    const struct tiff_find *use = last.found ? &last : &first;
    if (!use->found)
        return ST_NOT_FOUND;
    const struct container_tiff_entry *e = &use->e;
    if (e->type != TIFF_UNDEFINED)
        return diag_set(d, ST_MALFORMED, "TIFF tag 0xCD41", e->entry_offset,
                        "the C2PA tag has type %u, not UNDEFINED (7)", (unsigned)e->type);
    if (!e->value_ok || e->count <= 4)
        return diag_set(d, ST_MALFORMED, "TIFF tag 0xCD41", e->entry_offset,
                        "the C2PA tag's %u bytes are not inside the file", (unsigned)e->count);
    loc->excl[0].start = e->entry_offset + 4;
    loc->excl[0].len = 4;
    loc->excl[1].start = (size_t)(e->value.ptr - asset.ptr);
    loc->excl[1].len = e->value.len;
    loc->n_excl = 2;
    return dup_span(e->value, store, store_len);
}

/* ---- GIF ---- */

/* c2pa-rs gif_io.rs find_c2pa_block: the application extension
 * "C2PA_GIF" with authentication code 01 00 00, before the first image
 * descriptor; the store is its sub-blocks joined; the exclusion is the
 * whole extension block (get_object_locations_from_stream, Cai). */
static enum status gif_store(struct span asset, uint8_t **store, size_t *store_len,
                             struct c2pa_store_loc *loc, struct diag *d)
{
    struct cursor c;
    struct container_gif_block b;
    enum status st = container_gif_begin(asset, &c, d);
    for (size_t n = 0; st == ST_OK && n < TS_LIMIT_FILE_CHUNKS; n++) {
        st = container_gif_next(&c, &b, d);
        if (st != ST_OK || b.kind == 0x2C)
            break;
        if (b.kind != 0x21 || b.label != 0xFF || b.app_id.len != 11 ||
            memcmp(b.app_id.ptr, "C2PA_GIF\x01\0\0", 11) != 0)
            continue;
        struct buf out;
        struct cursor k;
        struct span part;
        buf_init(&out, TS_LIMIT_C2PA_STORE_BYTES);
        cursor_init(&k, b.sub_blocks);
        while (st == ST_OK && container_gif_sub_block(&k, &part))
            st = buf_append(&out, part.ptr, part.len);
        if (st != ST_OK) {
            buf_free(&out);
            return diag_set(d, st, "GIF C2PA_GIF", b.offset, "manifest store larger than %zu bytes",
                            (size_t)TS_LIMIT_C2PA_STORE_BYTES);
        }
        loc->excl[0].start = b.offset;
        loc->excl[0].len = b.len;
        loc->n_excl = 1;
        *store = (uint8_t *)buf_detach(&out, store_len);
        buf_free(&out);
        return *store ? ST_OK : ST_NOT_FOUND;
    }
    return st == ST_OK || st == ST_NOT_FOUND ? ST_NOT_FOUND : st;
}

/* ---- SVG ---- */

/* c2pa-rs svg_io.rs detect_manifest_location: base64 text of
 * /svg/metadata/c2pa:manifest; empty text is no store; the exclusion
 * starts at the place that function returns and is as long as the
 * text (get_object_locations_from_stream, Cai): a manifest followed by
 * another metadata element is not where c2pa-rs looks for it. */
static enum status svg_store(struct span asset, uint8_t **store, size_t *store_len,
                             struct c2pa_store_loc *loc, struct diag *d)
{
    struct container_svg svg;
    enum status st = container_svg_walk(asset, &svg, d);
    if (st != ST_OK)
        return st;
    struct container_block text = svg.manifest;
    if (!text.data.ptr)
        return ST_NOT_FOUND;
    if (text.data.len / 4 * 3 > TS_LIMIT_C2PA_STORE_BYTES)
        return diag_set(d, ST_LIMIT, "SVG c2pa:manifest", text.offset,
                        "manifest store larger than %zu bytes", (size_t)TS_LIMIT_C2PA_STORE_BYTES);
    if (!base64_decode((const char *)text.data.ptr, text.data.len, store, store_len))
        return diag_set(d, ST_MALFORMED, "SVG c2pa:manifest", text.offset,
                        "the manifest is not base64");
    if (*store_len == 0) {
        free(*store);
        *store = NULL;
        return ST_NOT_FOUND;
    }
    loc->excl[0].start = svg.location;
    loc->excl[0].len = text.data.len;
    loc->n_excl = 1;
    return ST_OK;
}

/* ---- JPEG XL ---- */

/* A top-level jumb box whose first child is a jumd with toggles 3 and
 * the label "c2pa" (c2pa-rs jpegxl_io.rs jumb_data_has_c2pa_label). */
static bool jxl_c2pa_jumb(struct span payload)
{
    struct cursor c;
    struct span type, label;
    uint8_t toggles = 0;
    cursor_init(&c, payload);
    if (!cursor_skip(&c, 4) || !cursor_take(&c, 4, &type) || !span_eq_str(type, "jumd") ||
        !cursor_skip(&c, 16) || !cursor_u8(&c, &toggles) || (toggles & 3) != 3 ||
        !cursor_take(&c, 5, &label))
        return false;
    return memcmp(label.ptr, "c2pa\0", 5) == 0;
}

/* c2pa-rs jpegxl_io.rs find_c2pa_jumb_location: every top-level jumb
 * box is looked at, more than one C2PA store is an error
 * (TooManyManifestStores); the store is the whole box, and so is the
 * exclusion (Cai). A bare codestream has no boxes, so no store. */
static enum status jxl_store(struct span asset, uint8_t **store, size_t *store_len,
                             struct c2pa_store_loc *loc, struct diag *d)
{
    bool naked = false;
    struct cursor c;
    struct container_bmff_box b;
    struct span found = {0};
    size_t found_at = 0;
    enum status st = ST_OK;
    if (!container_is_jxl(asset, &naked) || naked)
        return ST_NOT_FOUND;
    cursor_init(&c, asset);
    for (size_t n = 0; n < TS_LIMIT_FILE_CHUNKS; n++) {
        size_t at = c.pos;
        st = container_bmff_next(&c, &b, d);
        if (st != ST_OK)
            break;
        if (strcmp(b.type, "jumb") != 0 || !jxl_c2pa_jumb(b.data))
            continue;
        if (found.ptr)
            return diag_set(d, ST_MALFORMED, "JPEG XL jumb box", b.offset,
                            "more than one C2PA manifest store");
        span_sub(asset, at, c.pos - at, &found);
        found_at = at;
    }
    if (st != ST_OK && st != ST_NOT_FOUND)
        return st;
    if (!found.ptr)
        return ST_NOT_FOUND;
    loc->excl[0].start = found_at;
    loc->excl[0].len = found.len;
    loc->n_excl = 1;
    return dup_span(found, store, store_len);
}

/* ---- all formats ---- */

enum status c2pa_store_locate(struct span asset, const char *name, uint8_t **store,
                              size_t *store_len, struct c2pa_store_loc *loc, struct diag *d)
{
    enum status st;
    *store = NULL;
    *store_len = 0;
    memset(loc, 0, sizeof *loc);
    loc->embedded = true;
    loc->n_excl = 1;
    bool naked = false;
    if (container_is_jpeg(asset)) {
        loc->format = "image/jpeg";
        return jpeg_store(asset, store, store_len, &loc->excl[0].start, &loc->excl[0].len, d);
    }
    if (container_is_png(asset)) {
        loc->format = "image/png";
        return chunk_store(asset, true, store, store_len, &loc->excl[0].start, &loc->excl[0].len,
                           d);
    }
    if (container_is_webp(asset)) {
        loc->format = "image/webp";
        return chunk_store(asset, false, store, store_len, &loc->excl[0].start, &loc->excl[0].len,
                           d);
    }
    if (c2pa_bmff_is(asset)) {
        /* A.5: a top-level 'uuid' box; its place is what the BMFF
         * hash must exclude (excl stays for a c2pa.hash.data) */
        loc->format = c2pa_bmff_media_type(asset);
        loc->embedded = false;
        return c2pa_bmff_store_find(asset, store, store_len, &loc->excl[0].start, &loc->excl[0].len,
                                    d);
    }
    if (container_is_tiff(asset)) {
        loc->format = "image/tiff";
        return tiff_store(asset, store, store_len, loc, d);
    }
    if (container_is_gif(asset)) {
        loc->format = "image/gif";
        return gif_store(asset, store, store_len, loc, d);
    }
    if (container_is_jxl(asset, &naked)) {
        loc->format = "image/jxl";
        return jxl_store(asset, store, store_len, loc, d);
    }
    loc->embedded = false;
    if ((name && str_ends_with(name, ".c2pa")) ||
        (asset.len >= 8 && memcmp(asset.ptr + 4, "jumb", 4) == 0)) {
        loc->format = "application/c2pa";
        loc->excl[0].len = asset.len;
        return dup_span(asset, store, store_len);
    }
    if (container_is_svg(asset)) {
        loc->format = "image/svg+xml";
        loc->embedded = true;
        st = svg_store(asset, store, store_len, loc, d);
        return st;
    }
    loc->n_excl = 0;
    return ST_UNSUPPORTED;
}

enum status c2pa_store_find(struct span asset, const char *name, uint8_t **store, size_t *store_len,
                            const char **format, size_t *excl_start, size_t *excl_len,
                            struct diag *d)
{
    struct c2pa_store_loc loc;
    enum status st = c2pa_store_locate(asset, name, store, store_len, &loc, d);
    *format = loc.format;
    *excl_start = loc.n_excl ? loc.excl[loc.n_excl - 1].start : 0;
    *excl_len = loc.n_excl ? loc.excl[loc.n_excl - 1].len : 0;
    return st;
}
