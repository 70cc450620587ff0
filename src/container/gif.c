/*
 * gif.c — the GIF block walker: header, logical screen descriptor and
 * global colour table, then extensions (0x21), image descriptors (0x2C,
 * local colour table, LZW data) and the trailer (0x3B), each block a
 * run of length-prefixed data sub-blocks ending in a zero byte. Used to
 * find the C2PA_GIF application extension that carries a manifest
 * store (C2PA 2.2 §A.3.5; c2pa-rs sdk/src/asset_handlers/gif_io.rs).
 *
 * Must never: trust a colour-table size or a sub-block length without
 * checking it against the input, read past the input, walk more than
 * TS_LIMIT_FILE_CHUNKS blocks.
 *
 * Spec: GIF89a (W3C "Graphics Interchange Format Version 89a") §17-27.
 */
#include <string.h>

#include "container/container.h"

bool container_is_gif(struct span in)
{
    return span_starts_with(in, "GIF87a", 6) || span_starts_with(in, "GIF89a", 6);
}

enum status container_gif_begin(struct span in, struct cursor *c, struct diag *d)
{
    uint8_t packed = 0;
    cursor_init(c, in);
    if (!container_is_gif(in))
        return diag_set(d, ST_MALFORMED, "GIF header", 0, "not GIF87a or GIF89a");
    /* header 6, screen width/height 4, packed 1, background 1, aspect 1 */
    if (!cursor_skip(c, 10) || !cursor_u8(c, &packed) || !cursor_skip(c, 2))
        return diag_set(d, ST_TRUNCATED, "GIF screen descriptor", 6,
                        "file ends inside the logical screen descriptor");
    if ((packed & 0x80) && !cursor_skip(c, (size_t)3 << ((packed & 7) + 1)))
        return diag_set(d, ST_TRUNCATED, "GIF colour table", 13,
                        "global colour table runs past the end of the file");
    return ST_OK;
}

/* Skips a run of data sub-blocks up to and including its terminator. */
static bool skip_sub_blocks(struct cursor *c)
{
    for (;;) {
        uint8_t n = 0;
        if (!cursor_u8(c, &n))
            return false;
        if (n == 0)
            return true;
        if (!cursor_skip(c, n))
            return false;
    }
}

enum status container_gif_next(struct cursor *c, struct container_gif_block *out, struct diag *d)
{
    struct cursor k = *c;
    uint8_t intro = 0;
    memset(out, 0, sizeof *out);
    out->offset = k.pos;
    if (!cursor_u8(&k, &intro))
        return ST_NOT_FOUND; /* no trailer: what was read stays valid */
    out->kind = intro;
    if (intro == 0x3B) {
        out->len = 1;
        *c = k;
        return ST_NOT_FOUND;
    }
    if (intro == 0x21) {
        uint8_t first = 0;
        if (!cursor_u8(&k, &out->label))
            return diag_set(d, ST_TRUNCATED, "GIF extension", out->offset,
                            "file ends after an extension introducer");
        /* an application extension's first sub-block is its 8-byte
         * identifier and 3-byte authentication code */
        if (out->label == 0xFF) {
            struct cursor h = k;
            if (cursor_u8(&h, &first) && first == 11 && cursor_take(&h, 11, &out->app_id))
                k = h;
        }
        size_t data_at = k.pos;
        if (!skip_sub_blocks(&k))
            return diag_set(d, ST_TRUNCATED, "GIF extension", out->offset,
                            "data sub-blocks run past the end of the file");
        span_sub(k.in, data_at, k.pos - data_at, &out->sub_blocks);
    } else if (intro == 0x2C) {
        uint8_t packed = 0;
        /* left, top, width, height (8), packed (1) */
        if (!cursor_skip(&k, 8) || !cursor_u8(&k, &packed))
            return diag_set(d, ST_TRUNCATED, "GIF image descriptor", out->offset,
                            "file ends inside an image descriptor");
        if ((packed & 0x80) && !cursor_skip(&k, (size_t)3 << ((packed & 7) + 1)))
            return diag_set(d, ST_TRUNCATED, "GIF colour table", out->offset,
                            "local colour table runs past the end of the file");
        size_t data_at = k.pos;
        if (!cursor_skip(&k, 1) || !skip_sub_blocks(&k)) /* LZW minimum code size */
            return diag_set(d, ST_TRUNCATED, "GIF image data", out->offset,
                            "image data runs past the end of the file");
        span_sub(k.in, data_at, k.pos - data_at, &out->sub_blocks);
    } else {
        return diag_set(d, ST_MALFORMED, "GIF block", out->offset,
                        "block introducer 0x%02X is none of 0x21, 0x2C, 0x3B", intro);
    }
    out->len = k.pos - out->offset;
    *c = k;
    return ST_OK;
}

bool container_gif_sub_block(struct cursor *c, struct span *out)
{
    uint8_t n = 0;
    struct cursor k = *c;
    if (!cursor_u8(&k, &n) || n == 0 || !cursor_take(&k, n, out))
        return false;
    *c = k;
    return true;
}
