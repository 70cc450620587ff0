/*
 * embed.c — writes the caller's EXIF/XMP/IPTC blocks into encoder
 * output: JPEG APP1/APP13 segments right after SOI, WebP EXIF/XMP
 * chunks with a VP8X header (WebP container spec, "Extended File
 * Format"; JPEG: ITU T.81 B.2.4.6, Exif 2.32 4.5.4, XMP part 3 1.1.3,
 * Photoshop IRB in APP13).
 *
 * Must never: look inside the blocks, write a segment longer than its
 * 16-bit length can say, or trust the encoder's chunk sizes without
 * checking them against the bytes we were given.
 */
#include <string.h>

#include "image/embed.h"

/* A JPEG segment length counts itself (2 bytes) and is 16 bits. */
#define JPEG_SEGMENT_MAX_PAYLOAD (0xffff - 2)

static const char exif_header[6] = {'E', 'x', 'i', 'f', 0, 0};
static const char xmp_ns[] = "http://ns.adobe.com/xap/1.0/"; /* written with its NUL */
static const char ps_header[] = "Photoshop 3.0";             /* written with its NUL */

static bool has_block(struct span s)
{
    return s.ptr && s.len > 0;
}

static enum status put_segment(struct buf *out, uint8_t marker, const void *head, size_t head_len,
                               struct span body, const char *field, struct diag *d)
{
    size_t payload;
    if (!size_add(head_len, body.len, &payload) || payload > JPEG_SEGMENT_MAX_PAYLOAD)
        return diag_set(d, ST_LIMIT, field, DIAG_NO_OFFSET,
                        "block of %zu bytes does not fit one JPEG segment (at most %d)", body.len,
                        JPEG_SEGMENT_MAX_PAYLOAD - (int)head_len);
    uint8_t hdr[4] = {0xff, marker, (uint8_t)((payload + 2) >> 8), (uint8_t)((payload + 2) & 0xff)};
    enum status st = buf_append(out, hdr, sizeof hdr);
    if (st == ST_OK && head_len)
        st = buf_append(out, head, head_len);
    if (st == ST_OK)
        st = buf_append(out, body.ptr, body.len);
    if (st != ST_OK)
        return diag_set(d, st, field, DIAG_NO_OFFSET, "cannot grow the output buffer");
    return ST_OK;
}

enum status image_embed_jpeg(struct span jpeg, const struct image_embed *e, struct buf *out,
                             struct diag *d)
{
    size_t cap = jpeg.len;
    bool ok = size_add(cap, e->exif.len, &cap) && size_add(cap, e->xmp.len, &cap) &&
              size_add(cap, e->iptc.len, &cap) && size_add(cap, 256, &cap);
    buf_init(out, ok ? cap : 0);
    if (!ok)
        return diag_set(d, ST_LIMIT, "JPEG", DIAG_NO_OFFSET, "output size overflows");
    if (jpeg.len < 4 || jpeg.ptr[0] != 0xff || jpeg.ptr[1] != 0xd8)
        return diag_set(d, ST_INTERNAL, "JPEG", 0, "encoder output does not start with SOI");

    enum status st = buf_append(out, jpeg.ptr, 2);
    if (st != ST_OK)
        return diag_set(d, st, "JPEG", DIAG_NO_OFFSET, "cannot grow the output buffer");
    if (has_block(e->exif)) {
        bool headed = span_starts_with(e->exif, exif_header, sizeof exif_header);
        st = put_segment(out, 0xe1, exif_header, headed ? 0 : sizeof exif_header, e->exif, "EXIF",
                         d);
        if (st != ST_OK)
            return st;
    }
    if (has_block(e->xmp)) {
        st = put_segment(out, 0xe1, xmp_ns, sizeof xmp_ns, e->xmp, "XMP", d);
        if (st != ST_OK)
            return st;
    }
    if (has_block(e->iptc)) {
        bool headed = span_starts_with(e->iptc, ps_header, sizeof ps_header);
        st = put_segment(out, 0xed, ps_header, headed ? 0 : sizeof ps_header, e->iptc, "IPTC", d);
        if (st != ST_OK)
            return st;
    }
    st = buf_append(out, jpeg.ptr + 2, jpeg.len - 2);
    if (st != ST_OK)
        return diag_set(d, st, "JPEG", DIAG_NO_OFFSET, "cannot grow the output buffer");
    return ST_OK;
}

/* ---- WebP ---------------------------------------------------------- */

#define VP8X_ICC 0x20
#define VP8X_ALPHA 0x10
#define VP8X_EXIF 0x08
#define VP8X_XMP 0x04

static void put_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put_u24le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
}

static enum status put_chunk(struct buf *out, const char fourcc[4], struct span body)
{
    uint8_t hdr[8];
    memcpy(hdr, fourcc, 4);
    put_u32le(hdr + 4, (uint32_t)body.len);
    enum status st = buf_append(out, hdr, sizeof hdr);
    if (st == ST_OK)
        st = buf_append(out, body.ptr, body.len);
    if (st == ST_OK && (body.len & 1))
        st = buf_putc(out, 0); /* chunks are padded to an even size */
    return st;
}

enum status image_embed_webp(struct span webp, const struct image_embed *e, unsigned width,
                             unsigned height, struct buf *out, struct diag *d)
{
    /* The WebP EXIF chunk holds the TIFF structure itself. */
    struct span exif = e->exif;
    if (span_starts_with(exif, exif_header, sizeof exif_header))
        (void)span_sub(exif, sizeof exif_header, exif.len - sizeof exif_header, &exif);
    struct span xmp = e->xmp;

    size_t cap = webp.len;
    bool ok = size_add(cap, exif.len, &cap) && size_add(cap, xmp.len, &cap) &&
              size_add(cap, 64, &cap) && cap <= UINT32_MAX;
    buf_init(out, ok ? cap : 0);
    if (!ok)
        return diag_set(d, ST_LIMIT, "WebP", DIAG_NO_OFFSET,
                        "metadata makes the file larger than a RIFF size can say");
    if (width == 0 || height == 0 || width > (1u << 24) || height > (1u << 24))
        return diag_set(d, ST_INTERNAL, "WebP", DIAG_NO_OFFSET, "bad canvas size %ux%u", width,
                        height);

    struct cursor c;
    cursor_init(&c, webp);
    struct span riff, form;
    uint32_t riff_len;
    if (!cursor_take(&c, 4, &riff) || !span_eq_str(riff, "RIFF") || !cursor_u32le(&c, &riff_len) ||
        !cursor_take(&c, 4, &form) || !span_eq_str(form, "WEBP") || riff_len < 4 ||
        riff_len - 4 > cursor_left(&c))
        return diag_set(d, ST_INTERNAL, "WebP", 0, "encoder output is not a RIFF WEBP file");

    /* Keep the image chunks in order; drop any header or metadata the
     * encoder wrote (we write our own), remembering whether it had alpha. */
    struct span keep[16];
    char keep_cc[16][4];
    size_t n_keep = 0;
    uint8_t flags = 0;
    size_t end = 12 + (size_t)riff_len - 4;
    while (c.pos < end) {
        struct span cc, body;
        uint32_t len;
        if (!cursor_take(&c, 4, &cc) || !cursor_u32le(&c, &len) || !cursor_take(&c, len, &body))
            return diag_set(d, ST_INTERNAL, "WebP", c.pos, "encoder chunk runs past the file");
        if ((len & 1) && !cursor_skip(&c, 1))
            return diag_set(d, ST_INTERNAL, "WebP", c.pos, "encoder chunk misses its padding");
        if (span_eq_str(cc, "VP8X")) {
            uint8_t f;
            struct cursor fc;
            cursor_init(&fc, body);
            if (cursor_u8(&fc, &f))
                flags |= f & VP8X_ALPHA;
            continue;
        }
        if (span_eq_str(cc, "EXIF") || span_eq_str(cc, "XMP ") || span_eq_str(cc, "ICCP"))
            continue;
        if (span_eq_str(cc, "ALPH"))
            flags |= VP8X_ALPHA;
        if (span_eq_str(cc, "ANIM") || span_eq_str(cc, "ANMF"))
            return diag_set(d, ST_INTERNAL, "WebP", c.pos, "encoder wrote an animation");
        if (n_keep == sizeof keep / sizeof keep[0])
            return diag_set(d, ST_INTERNAL, "WebP", c.pos, "too many chunks from the encoder");
        memcpy(keep_cc[n_keep], cc.ptr, 4);
        keep[n_keep++] = body;
    }
    if (has_block(exif))
        flags |= VP8X_EXIF;
    if (has_block(xmp))
        flags |= VP8X_XMP;
    if (n_keep == 0)
        return diag_set(d, ST_INTERNAL, "WebP", DIAG_NO_OFFSET, "encoder wrote no image");

    /* Nothing to add and one plain bitstream: the simple format, as
     * small as it gets. */
    if (flags == 0 && n_keep == 1) {
        uint8_t simple[12];
        memcpy(simple, "RIFF", 4);
        memcpy(simple + 8, "WEBP", 4);
        enum status st = buf_append(out, simple, sizeof simple);
        if (st == ST_OK)
            st = put_chunk(out, keep_cc[0], keep[0]);
        if (st != ST_OK)
            return diag_set(d, st, "WebP", DIAG_NO_OFFSET, "cannot grow the output buffer");
        put_u32le((uint8_t *)out->data + 4, (uint32_t)(out->len - 8));
        return ST_OK;
    }

    uint8_t head[12 + 8 + 10];
    memcpy(head, "RIFF", 4);
    memcpy(head + 8, "WEBP", 4);
    memcpy(head + 12, "VP8X", 4);
    put_u32le(head + 16, 10);
    head[20] = flags;
    head[21] = head[22] = head[23] = 0;
    put_u24le(head + 24, width - 1);
    put_u24le(head + 27, height - 1);
    enum status st = buf_append(out, head, sizeof head);
    for (size_t i = 0; st == ST_OK && i < n_keep; i++)
        st = put_chunk(out, keep_cc[i], keep[i]);
    if (st == ST_OK && has_block(exif))
        st = put_chunk(out, "EXIF", exif);
    if (st == ST_OK && has_block(xmp))
        st = put_chunk(out, "XMP ", xmp);
    if (st != ST_OK)
        return diag_set(d, st, "WebP", DIAG_NO_OFFSET, "cannot grow the output buffer");
    put_u32le((uint8_t *)out->data + 4, (uint32_t)(out->len - 8));
    return ST_OK;
}
