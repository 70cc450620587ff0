/*
 * meta.c — meta_read: finds the metadata blocks of a JPEG, TIFF, PNG,
 * WebP or HEIF/AVIF file through the container walkers, hands each to its reader
 * (EXIF, IIM, XMP, ICC) and reconciles them (mwg.c) into one
 * struct photo_meta. A damaged block becomes a note; the rest is read.
 *
 * Must never: do I/O, trust a length, inflate a compressed chunk past
 * its limit, or fail a whole photo because one block is damaged.
 *
 * Spec: ../shared/notes/metadata.md §1 (where metadata lives), HEIF
 * (ISO/IEC 23008-12) Exif/XMP items and colr through container/bmff.c, PNG 1.2
 * §11.3 (iCCP, tEXt, zTXt, iTXt), ImageMagick "Raw profile type"
 * text chunks, WebP container (VP8X, VP8, VP8L headers).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "meta/meta_internal.h"

/* The largest inflated PNG text chunk (XMP, raw EXIF/IPTC profiles). */
#define META_PNG_TEXT_MAX TS_LIMIT_XMP_BYTES

struct reading {
    const struct meta_options *opt;
    struct photo_meta *m;
    struct meta_source exif, xmp;
    struct meta_iim_state iim;
    struct buf iim_all;
    uint8_t *icc;
    size_t icc_len;
    struct span icc_span;
    uint8_t *owned[16]; /* inflated chunks that spans point into */
    size_t n_owned;
};

static void keep_owned(struct reading *r, uint8_t *p)
{
    if (r->n_owned < sizeof r->owned / sizeof r->owned[0])
        r->owned[r->n_owned++] = p;
    else
        free(p);
}

static void note_diag(struct photo_meta *m, const char *what, const struct diag *d)
{
    if (d->offset != DIAG_NO_OFFSET)
        meta_note(&m->notes, "%s skipped: byte %zu: %s%s%s", what, d->offset, d->field,
                  d->field[0] ? ": " : "", d->message);
    else
        meta_note(&m->notes, "%s skipped: %s%s%s", what, d->field, d->field[0] ? ": " : "",
                  d->message);
}

static void read_exif(struct reading *r, struct span tiff, size_t base)
{
    struct diag d;
    diag_clear(&d);
    if (meta_exif_read(tiff, base, false, &r->exif, NULL, &r->m->notes, &d) != ST_OK)
        note_diag(r->m, "EXIF", &d);
}

static void read_irb(struct reading *r, struct span irb, size_t base)
{
    struct diag d;
    diag_clear(&d);
    if (meta_irb_read(irb, base, &r->iim, &r->iim_all, &r->m->notes, &d) != ST_OK)
        note_diag(r->m, "Photoshop IRB", &d);
}

static void read_xmp(struct reading *r, struct span packet, const char *what)
{
    struct diag d;
    diag_clear(&d);
    struct meta_source tmp;
    memset(&tmp, 0, sizeof tmp);
    if (meta_xmp_read(packet, &tmp, &r->m->notes, &d) != ST_OK) {
        note_diag(r->m, what, &d);
        meta_source_clear(&tmp);
        return;
    }
    /* First packet wins field by field (main XMP before Extended XMP). */
    struct meta_source *x = &r->xmp;
    for (int i = 0; i < MF_COUNT; i++) {
        meta_set_once(x, (enum meta_field)i, tmp.s[i]);
        tmp.s[i] = NULL;
    }
    for (int i = 0; i < ML_COUNT; i++)
        if (x->l[i].n == 0) {
            x->l[i] = tmp.l[i];
            tmp.l[i].items = NULL;
            tmp.l[i].n = 0;
        }
#define MOVE_ALT(f)                                                                                \
    if (x->f.n == 0) {                                                                             \
        x->f = tmp.f;                                                                              \
        tmp.f.items = NULL;                                                                        \
        tmp.f.n = 0;                                                                               \
    }
    MOVE_ALT(description_langs)
    MOVE_ALT(alt_text_langs)
    MOVE_ALT(title_langs)
    MOVE_ALT(rights_langs)
    MOVE_ALT(usage_terms_langs)
    MOVE_ALT(ext_description_langs)
#undef MOVE_ALT
    if (!x->loc_created.city && !x->loc_created.country && !x->loc_created.sublocation &&
        !x->loc_created.province_state && !x->loc_created.country_code &&
        !x->loc_created.world_region && !x->loc_created.location_name &&
        !x->loc_created.has_gps) {
        x->loc_created = tmp.loc_created;
        memset(&tmp.loc_created, 0, sizeof tmp.loc_created);
    }
    if (x->n_loc_shown == 0) {
        x->loc_shown = tmp.loc_shown;
        x->n_loc_shown = tmp.n_loc_shown;
        tmp.loc_shown = NULL;
        tmp.n_loc_shown = 0;
    }
    if (!x->orientation)
        x->orientation = tmp.orientation;
    x->has_gps = x->has_gps || tmp.has_gps;
    if (!x->ext_guid[0])
        memcpy(x->ext_guid, tmp.ext_guid, sizeof x->ext_guid);
    x->present = x->present || tmp.present;
    meta_source_clear(&tmp);
}

static void read_icc(struct reading *r, struct span profile)
{
    struct diag d;
    diag_clear(&d);
    char *desc = NULL;
    if (meta_icc_description(profile, &desc, &d) != ST_OK)
        note_diag(r->m, "ICC profile", &d);
    if (desc && !r->m->icc_description)
        r->m->icc_description = desc;
    else
        free(desc);
}

/* ---- JPEG ---- */

/* ICC chunks in sequence order (ICC.1 B.4): all of 1..count present. */
static void jpeg_icc(struct reading *r, const struct container_jpeg *j)
{
    if (j->n_icc == 0)
        return;
    uint8_t count = j->icc[0].data.len >= 2 ? j->icc[0].data.ptr[1] : 0;
    size_t total = 0;
    const struct container_block *parts[256] = {0};
    for (size_t i = 0; i < j->n_icc; i++) {
        struct span c = j->icc[i].data;
        if (c.len < 2 || c.ptr[1] != count || c.ptr[0] == 0 || c.ptr[0] > count ||
            parts[c.ptr[0] - 1]) {
            meta_note(&r->m->notes, "ICC profile skipped: byte %zu: chunk numbering is broken",
                      j->icc[i].offset);
            return;
        }
        parts[c.ptr[0] - 1] = &j->icc[i];
        total += c.len - 2;
    }
    for (size_t i = 0; i < count; i++)
        if (!parts[i]) {
            meta_note(&r->m->notes, "ICC profile skipped: chunk %zu of %u is missing", i + 1,
                      (unsigned)count);
            return;
        }
    if (total > TS_LIMIT_ICC_BYTES) {
        meta_note(&r->m->notes, "ICC profile skipped: %zu bytes is over the %zu limit", total,
                  TS_LIMIT_ICC_BYTES);
        return;
    }
    r->icc = malloc(total ? total : 1);
    if (!r->icc)
        return;
    for (size_t i = 0; i < count; i++) {
        memcpy(r->icc + r->icc_len, parts[i]->data.ptr + 2, parts[i]->data.len - 2);
        r->icc_len += parts[i]->data.len - 2;
    }
    read_icc(r, span_make(r->icc, r->icc_len));
}

/* APP12 "[picture info]" text (Agfa, Olympus, Fuji): its "Serial#="
 * line is a camera serial number (README rule 8: must be known). */
static void jpeg_picture_info(struct reading *r, struct span app12)
{
    static const char key[] = "Serial#=";
    if (r->exif.maker_serial || app12.len < sizeof key)
        return;
    for (size_t i = 0; i + sizeof key - 1 <= app12.len; i++) {
        struct span rest = {app12.ptr + i, app12.len - i};
        if (!span_starts_with(rest, key, sizeof key - 1))
            continue;
        size_t a = sizeof key - 1, b = a;
        while (b < rest.len && rest.ptr[b] != '\r' && rest.ptr[b] != '\n' && rest.ptr[b] != 0)
            b++;
        struct span v;
        if (span_sub(rest, a, b - a, &v)) {
            r->exif.maker_serial = meta_text_utf8(v);
            r->exif.maker_serial_from = "PictureInfo:SerialNumber";
        }
        return;
    }
}

static enum status read_jpeg(struct reading *r, struct span in, struct diag *d)
{
    enum status st = ST_OK;
    struct container_jpeg *j = malloc(sizeof *j);
    uint8_t *ext = NULL;
    if (!j) {
        st = diag_set(d, ST_NOMEM, "JPEG", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    st = container_jpeg_walk(in, j, d);
    if (st != ST_OK)
        goto abort;
    bool found = j->have_sof || j->exif.data.ptr || j->xmp.data.ptr || j->n_app13 || j->n_icc;
    if (j->partial && !found) {
        /* Cut or broken before anything: there is no photo to describe. */
        st = diag_set(d, j->warning.status, j->warning.field, j->warning.offset, "%s",
                      j->warning.message);
        goto abort;
    }
    if (j->partial || j->warning.status != ST_OK)
        note_diag(r->m, "rest of the JPEG", &j->warning);
    r->m->width = j->width;
    r->m->height = j->height;
    if (j->exif.data.ptr)
        read_exif(r, j->exif.data, j->exif.offset);
    for (size_t i = 0; i < j->n_app13; i++)
        read_irb(r, j->app13[i].data, j->app13[i].offset);
    if (j->xmp.data.ptr)
        read_xmp(r, j->xmp.data, "XMP");
    if (r->xmp.ext_guid[0] && j->n_ext_xmp) {
        size_t ext_len = 0;
        struct diag ed;
        diag_clear(&ed);
        if (meta_xmp_join_extended(j->ext_xmp, j->n_ext_xmp, r->xmp.ext_guid, &ext, &ext_len,
                                   &ed) == ST_OK)
            read_xmp(r, span_make(ext, ext_len), "Extended XMP");
        else
            note_diag(r->m, "Extended XMP", &ed);
    }
    jpeg_icc(r, j);
    if (j->app12.data.ptr)
        jpeg_picture_info(r, j->app12.data);
abort:
    free(ext);
    free(j);
    return st;
}

/* ---- TIFF ---- */

static enum status read_tiff(struct reading *r, struct span in, struct diag *d)
{
    enum status st = ST_OK;
    struct meta_tiff_tags tags;
    memset(&tags, 0, sizeof tags);
    st = meta_exif_read(in, 0, true, &r->exif, &tags, &r->m->notes, d);
    if (st != ST_OK)
        goto abort;
    r->m->width = r->exif.width;
    r->m->height = r->exif.height;
    if (tags.irb.ptr)
        read_irb(r, tags.irb, (size_t)(tags.irb.ptr - in.ptr));
    if (tags.iim.ptr && !r->iim.have_iim) {
        r->iim.have_iim = true;
        buf_append(&r->iim_all, tags.iim.ptr, tags.iim.len);
    }
    if (tags.xmp.ptr)
        read_xmp(r, tags.xmp, "XMP");
    if (tags.icc.ptr)
        read_icc(r, tags.icc);
abort:
    return st;
}

/* ---- PNG ---- */

/* Inflates a zlib stream into at most `max` bytes; NULL past the cap
 * (a decompression bomb or a foreign chunk) or on a damaged stream. */
static uint8_t *inflate_capped(struct span z, size_t max, size_t *out_len)
{
    size_t cap = max < 4096 ? max + 1 : 4096, len = 0;
    uint8_t *out = malloc(cap);
    z_stream s;
    memset(&s, 0, sizeof s);
    if (!out || inflateInit(&s) != Z_OK) {
        free(out);
        return NULL;
    }
    s.next_in = (Bytef *)z.ptr; /* zlib does not write its input */
    s.avail_in = (uInt)(z.len > 0xFFFFFFFFu ? 0xFFFFFFFFu : z.len);
    for (;;) {
        if (len == cap) {
            if (cap > max)
                goto fail; /* one byte more than allowed came out */
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            uint8_t *n = realloc(out, ncap);
            if (!n)
                goto fail;
            out = n;
            cap = ncap;
        }
        s.next_out = out + len;
        s.avail_out = (uInt)(cap - len);
        int rc = inflate(&s, Z_NO_FLUSH);
        len = cap - s.avail_out;
        if (rc == Z_STREAM_END && len <= max)
            break;
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            goto fail; /* damaged, or ended one byte past the cap */
        if (rc == Z_BUF_ERROR && s.avail_in == 0)
            goto fail; /* the stream ends before its end marker */
    }
    inflateEnd(&s);
    *out_len = len;
    return out;
fail:
    inflateEnd(&s);
    free(out);
    return NULL;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ImageMagick "Raw profile type X": "\nX\n   LEN\nHEX...". */
static uint8_t *raw_profile(struct span t, size_t *out_len)
{
    size_t i = 0, nl = 0, declared = 0;
    while (i < t.len && nl < 3) {
        if (t.ptr[i] == '\n')
            nl++;
        else if (nl == 2 && t.ptr[i] >= '0' && t.ptr[i] <= '9' && declared < META_PNG_TEXT_MAX)
            declared = declared * 10 + (size_t)(t.ptr[i] - '0');
        i++;
    }
    if (nl < 3 || declared == 0 || declared > META_PNG_TEXT_MAX)
        return NULL;
    uint8_t *out = malloc(declared);
    size_t n = 0;
    int hi = -1;
    for (; out && i < t.len && n < declared; i++) {
        int v = hexval(t.ptr[i]);
        if (v < 0)
            continue;
        if (hi < 0)
            hi = v;
        else {
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (out && n != declared) {
        free(out);
        return NULL;
    }
    *out_len = n;
    return out;
}

static void png_profile(struct reading *r, const char *kind, struct span raw)
{
    static const uint8_t exif_sig[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (strcmp(kind, "exif") == 0) {
        struct span t = raw;
        if (span_starts_with(raw, exif_sig, 6))
            span_sub(raw, 6, raw.len - 6, &t);
        if (!r->exif.present)
            read_exif(r, t, 0);
    } else if (strcmp(kind, "iptc") == 0 || strcmp(kind, "8bim") == 0) {
        if (span_starts_with(raw, "8BIM", 4))
            read_irb(r, raw, 0);
        else if (raw.len && raw.ptr[0] == 0x1C && !r->iim.have_iim) {
            r->iim.have_iim = true;
            buf_append(&r->iim_all, raw.ptr, raw.len);
        }
    } else if (strcmp(kind, "xmp") == 0) {
        read_xmp(r, raw, "XMP (PNG raw profile)");
    } else if (strcmp(kind, "icc") == 0 || strcmp(kind, "icm") == 0) {
        read_icc(r, raw);
    }
}

/* tEXt / zTXt / iTXt: keyword, then (compressed) text. */
static void png_text(struct reading *r, const struct container_png_chunk *c)
{
    struct span d = c->data;
    const uint8_t *nul = memchr(d.ptr, 0, d.len < 80 ? d.len : 80);
    if (!nul)
        return;
    size_t klen = (size_t)(nul - d.ptr);
    char key[80];
    memcpy(key, d.ptr, klen);
    key[klen] = '\0';
    size_t pos = klen + 1;
    bool compressed = false;
    if (strcmp(c->type, "zTXt") == 0) {
        compressed = true;
        pos += 1; /* compression method */
    } else if (strcmp(c->type, "iTXt") == 0) {
        if (pos + 2 > d.len)
            return;
        compressed = d.ptr[pos] != 0;
        pos += 2;
        for (int skip = 0; skip < 2; skip++) { /* language tag, translated keyword */
            const uint8_t *z = pos < d.len ? memchr(d.ptr + pos, 0, d.len - pos) : NULL;
            if (!z)
                return;
            pos = (size_t)(z - d.ptr) + 1;
        }
    }
    struct span text;
    if (!span_sub(d, pos, d.len - (pos < d.len ? pos : d.len), &text))
        return;
    bool wanted = strcmp(key, "XML:com.adobe.xmp") == 0 ||
                  strncmp(key, "Raw profile type ", 17) == 0;
    if (!wanted)
        return;
    if (compressed) {
        size_t n = 0;
        uint8_t *p = inflate_capped(text, META_PNG_TEXT_MAX, &n);
        if (!p) {
            meta_note(&r->m->notes, "PNG %s '%s' at byte %zu: cannot inflate, skipped", c->type,
                      key, c->offset);
            return;
        }
        keep_owned(r, p);
        text = span_make(p, n);
    }
    if (strcmp(key, "XML:com.adobe.xmp") == 0) {
        read_xmp(r, text, "XMP (PNG iTXt)");
        return;
    }
    size_t n = 0;
    uint8_t *raw = raw_profile(text, &n);
    if (!raw) {
        meta_note(&r->m->notes, "PNG '%s' at byte %zu: bad hex profile, skipped", key,
                  c->offset);
        return;
    }
    keep_owned(r, raw);
    png_profile(r, key + 17, span_make(raw, n));
}

static enum status read_png(struct reading *r, struct span in, struct diag *d)
{
    enum status st = ST_OK;
    struct cursor c;
    st = container_png_begin(in, &c, d);
    if (st != ST_OK)
        goto abort;
    bool have_ihdr = false;
    for (size_t n = 0; n < TS_LIMIT_FILE_CHUNKS; n++) {
        struct container_png_chunk ch;
        struct diag cd;
        diag_clear(&cd);
        enum status s = container_png_next(&c, &ch, &cd);
        if (s == ST_NOT_FOUND)
            break;
        if (s != ST_OK) {
            if (!have_ihdr) {
                st = diag_set(d, s, cd.field, cd.offset, "%s", cd.message);
                goto abort;
            }
            note_diag(r->m, "rest of the PNG", &cd);
            break;
        }
        if (strcmp(ch.type, "IHDR") == 0 && !have_ihdr) {
            uint32_t w = 0, h = 0;
            if (span_u32(ch.data, 0, true, &w) && span_u32(ch.data, 4, true, &h)) {
                r->m->width = w;
                r->m->height = h;
                have_ihdr = true;
            }
        } else if (strcmp(ch.type, "eXIf") == 0) {
            read_exif(r, ch.data, ch.offset + 8);
        } else if (strcmp(ch.type, "iCCP") == 0 && !r->m->icc_description) {
            const uint8_t *nul = memchr(ch.data.ptr, 0, ch.data.len < 81 ? ch.data.len : 81);
            struct span z;
            size_t pos = nul ? (size_t)(nul - ch.data.ptr) + 2 : 0;
            size_t n_icc = 0;
            if (nul && span_sub(ch.data, pos, ch.data.len - (pos <= ch.data.len ? pos : 0), &z)) {
                uint8_t *p = inflate_capped(z, TS_LIMIT_ICC_BYTES, &n_icc);
                if (p) {
                    keep_owned(r, p);
                    read_icc(r, span_make(p, n_icc));
                } else
                    meta_note(&r->m->notes, "PNG iCCP at byte %zu: cannot inflate, skipped",
                              ch.offset);
            }
        } else if (strcmp(ch.type, "tEXt") == 0 || strcmp(ch.type, "zTXt") == 0 ||
                   strcmp(ch.type, "iTXt") == 0) {
            png_text(r, &ch);
        }
    }
    if (!have_ihdr) {
        st = diag_set(d, ST_MALFORMED, "PNG", 8, "no IHDR chunk");
        goto abort;
    }
abort:
    return st;
}

/* ---- WebP ---- */

static enum status read_webp(struct reading *r, struct span in, struct diag *d)
{
    static const uint8_t exif_sig[6] = {'E', 'x', 'i', 'f', 0, 0};
    enum status st = ST_OK;
    struct cursor c;
    st = container_riff_begin(in, &c, d);
    if (st != ST_OK)
        goto abort;
    for (size_t n = 0; n < TS_LIMIT_FILE_CHUNKS; n++) {
        struct container_riff_chunk ch;
        struct diag cd;
        diag_clear(&cd);
        enum status s = container_riff_next(&c, &ch, &cd);
        if (s == ST_NOT_FOUND)
            break;
        if (s != ST_OK) {
            note_diag(r->m, "rest of the WebP", &cd);
            break;
        }
        struct span p = ch.data;
        if (strcmp(ch.fourcc, "VP8X") == 0 && p.len >= 10) {
            r->m->width = 1 + ((uint32_t)p.ptr[4] | (uint32_t)p.ptr[5] << 8 | (uint32_t)p.ptr[6] << 16);
            r->m->height = 1 + ((uint32_t)p.ptr[7] | (uint32_t)p.ptr[8] << 8 | (uint32_t)p.ptr[9] << 16);
        } else if (strcmp(ch.fourcc, "VP8 ") == 0 && p.len >= 10 && !r->m->width) {
            uint16_t w = 0, h = 0;
            span_u16(p, 6, false, &w);
            span_u16(p, 8, false, &h);
            r->m->width = w & 0x3FFF;
            r->m->height = h & 0x3FFF;
        } else if (strcmp(ch.fourcc, "VP8L") == 0 && p.len >= 5 && !r->m->width) {
            uint32_t bits = 0;
            span_u32(p, 1, false, &bits);
            r->m->width = (bits & 0x3FFF) + 1;
            r->m->height = (bits >> 14 & 0x3FFF) + 1;
        } else if (strcmp(ch.fourcc, "EXIF") == 0) {
            struct span t = p;
            if (span_starts_with(p, exif_sig, 6))
                span_sub(p, 6, p.len - 6, &t);
            read_exif(r, t, ch.offset + 8 + (size_t)(t.ptr - p.ptr));
        } else if (strcmp(ch.fourcc, "XMP ") == 0) {
            read_xmp(r, p, "XMP");
        } else if (strcmp(ch.fourcc, "ICCP") == 0) {
            read_icc(r, p);
        }
    }
abort:
    return st;
}

/* ---- HEIF / HEIC / AVIF ---- */

static enum status read_bmff(struct reading *r, struct span in, struct diag *d)
{
    enum status st = ST_OK;
    struct container_bmff *b = calloc(1, sizeof *b);
    if (!b) {
        st = diag_set(d, ST_NOMEM, "BMFF", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    st = container_bmff_walk(in, b, d);
    if (st != ST_OK)
        goto abort;
    if (b->partial)
        note_diag(r->m, "part of the HEIF/AVIF meta box", &b->warning);
    r->m->width = b->width;
    r->m->height = b->height;
    for (size_t i = 0; i < b->n_exif; i++)
        read_exif(r, b->exif[i].data, b->exif[i].offset);
    for (size_t i = 0; i < b->n_xmp; i++)
        read_xmp(r, b->xmp[i].data, "XMP item");
    if (b->icc.data.len)
        read_icc(r, b->icc.data);
abort:
    free(b);
    return st;
}

enum status meta_read(const uint8_t *data, size_t len, const struct meta_options *opt,
                      struct photo_meta **out, struct diag *d)
{
    enum status st = ST_OK;
    struct reading *r = calloc(1, sizeof *r);
    struct photo_meta *m = calloc(1, sizeof *m);
    *out = NULL;
    if (!r || !m) {
        st = diag_set(d, ST_NOMEM, "meta", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    r->opt = opt;
    r->m = m;
    buf_init(&r->iim_all, TS_LIMIT_XMP_BYTES);
    struct span in = span_make(data, len);
    if (container_is_jpeg(in))
        st = read_jpeg(r, in, d);
    else if (container_is_tiff(in))
        st = read_tiff(r, in, d);
    else if (container_is_png(in))
        st = read_png(r, in, d);
    else if (container_is_webp(in))
        st = read_webp(r, in, d);
    else if (container_is_bmff(in))
        st = read_bmff(r, in, d);
    else
        st = diag_set(d, ST_UNSUPPORTED, "file type", 0,
                      "not a JPEG, TIFF, PNG, WebP, HEIF or AVIF file (%zu bytes)", len);
    if (st != ST_OK)
        goto abort;
    if (r->iim.have_iim) {
        struct diag id;
        diag_clear(&id);
        struct span all = span_make((const uint8_t *)r->iim_all.data, r->iim_all.len);
        meta_iim_read(all, 0, opt, &r->iim.src, &m->notes, &id);
        if (r->iim.have_digest) {
            uint8_t md[16];
            meta_md5(all.ptr, all.len, md);
            r->iim.digest_matches =
                memcmp(md, r->iim.digest, 16) == 0 ||
                (r->iim.have_first_md5 && memcmp(r->iim.first_md5, r->iim.digest, 16) == 0);
        }
    }
    meta_mwg_reconcile(&r->exif, &r->iim, &r->xmp, m);
    *out = m;
    m = NULL;
abort:
    if (r) {
        meta_source_clear(&r->exif);
        meta_source_clear(&r->xmp);
        meta_source_clear(&r->iim.src);
        buf_free(&r->iim_all);
        free(r->icc);
        for (size_t i = 0; i < r->n_owned; i++)
            free(r->owned[i]);
    }
    free(r);
    meta_free(m);
    return st;
}
