/*
 * chunks.c — chunk walkers for PNG (length, type, data, CRC) and RIFF
 * WebP (fourcc, little-endian size, data padded to even).
 *
 * Must never: take a chunk whose declared length runs past the file
 * (the chunk and everything after it is dropped, with a diag), or
 * allocate. CRCs are not checked: metadata is read even from a PNG a
 * careless tool re-saved.
 *
 * Spec: PNG 1.2 §5.3 (chunk layout); RIFF / WebP container
 * specification ("Extended File Format": EXIF, XMP , ICCP chunks).
 */
#include <string.h>

#include "container/container.h"

static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

bool container_is_png(struct span in)
{
    return span_starts_with(in, png_sig, sizeof png_sig);
}

enum status container_png_begin(struct span in, struct cursor *c, struct diag *d)
{
    cursor_init(c, in);
    if (!container_is_png(in))
        return diag_set(d, ST_MALFORMED, "PNG", 0, "not a PNG file (bad signature)");
    cursor_skip(c, sizeof png_sig);
    return ST_OK;
}

enum status container_png_next(struct cursor *c, struct container_png_chunk *out,
                               struct diag *d)
{
    enum status st = ST_OK;
    struct cursor k = *c;
    memset(out, 0, sizeof *out);
    size_t start = k.pos;
    uint32_t len = 0;
    struct span type;
    if (cursor_left(&k) == 0) {
        st = ST_NOT_FOUND;
        goto abort;
    }
    if (!cursor_u32be(&k, &len) || !cursor_take(&k, 4, &type)) {
        st = diag_set(d, ST_TRUNCATED, "PNG chunk", start, "chunk header cut short");
        goto abort;
    }
    for (size_t i = 0; i < 4; i++) {
        uint8_t ch = type.ptr[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))) {
            st = diag_set(d, ST_MALFORMED, "PNG chunk", start, "chunk type is not 4 letters");
            goto abort;
        }
        out->type[i] = (char)ch;
    }
    if (len > 0x7FFFFFFFu || !cursor_take(&k, len, &out->data) || !cursor_skip(&k, 4)) {
        st = diag_set(d, ST_TRUNCATED, "PNG chunk", start,
                      "%s chunk declares %u bytes but only %zu remain", out->type,
                      (unsigned)len, cursor_left(c) >= 8 ? cursor_left(c) - 8 : 0);
        goto abort;
    }
    out->offset = start;
    *c = k;
    if (strcmp(out->type, "IEND") == 0)
        cursor_seek(c, c->in.len); /* nothing after IEND is part of the image */
abort:
    return st;
}

bool container_is_webp(struct span in)
{
    return in.len >= 12 && memcmp(in.ptr, "RIFF", 4) == 0 && memcmp(in.ptr + 8, "WEBP", 4) == 0;
}

enum status container_riff_begin(struct span in, struct cursor *c, struct diag *d)
{
    enum status st = ST_OK;
    cursor_init(c, in);
    uint32_t size = 0;
    if (!container_is_webp(in)) {
        st = diag_set(d, ST_MALFORMED, "RIFF", 0, "not a WebP file (no RIFF/WEBP header)");
        goto abort;
    }
    span_u32(in, 4, false, &size);
    /* The RIFF size bounds the chunks; a larger claim is cut to the file. */
    struct span body;
    if (!span_sub(in, 0, (size_t)size + 8 <= in.len ? (size_t)size + 8 : in.len, &body))
        body = in;
    cursor_init(c, body);
    cursor_skip(c, 12);
abort:
    return st;
}

enum status container_riff_next(struct cursor *c, struct container_riff_chunk *out,
                                struct diag *d)
{
    enum status st = ST_OK;
    struct cursor k = *c;
    memset(out, 0, sizeof *out);
    size_t start = k.pos;
    struct span cc;
    uint32_t size = 0;
    if (cursor_left(&k) == 0) {
        st = ST_NOT_FOUND;
        goto abort;
    }
    if (!cursor_take(&k, 4, &cc) || !cursor_u32le(&k, &size)) {
        st = diag_set(d, ST_TRUNCATED, "RIFF chunk", start, "chunk header cut short");
        goto abort;
    }
    memcpy(out->fourcc, cc.ptr, 4);
    for (size_t i = 0; i < 4; i++)
        if (cc.ptr[i] < 0x20 || cc.ptr[i] > 0x7E)
            out->fourcc[i] = '?';
    if (!cursor_take(&k, size, &out->data)) {
        st = diag_set(d, ST_TRUNCATED, "RIFF chunk", start,
                      "'%s' chunk declares %u bytes but only %zu remain", out->fourcc,
                      (unsigned)size, cursor_left(&k));
        goto abort;
    }
    if (size % 2 != 0)
        cursor_skip(&k, 1);
    out->offset = start;
    *c = k;
abort:
    return st;
}
