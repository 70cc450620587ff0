/*
 * jpeg.c — the JPEG marker walker: from SOI to the first SOS, finds
 * the metadata segments (APP1 Exif/XMP/Extended XMP, APP2 ICC, APP11
 * JUMBF, APP12 picture info, APP13 Photoshop IRB) and the frame size (SOFn).
 *
 * Must never: read past the span, copy a segment, or walk entropy-coded
 * data (metadata ends at SOS). A damaged tail is reported, not fatal:
 * the blocks before it are still good.
 *
 * Spec: ITU T.81 Annex B.1 (marker syntax); Exif 2.32 §4.5.4 (APP1);
 * XMP Part 3 §1.1.3 (APP1 XMP, Extended XMP); ICC.1:2010 Annex B.4.
 */
#include <stddef.h>
#include <string.h>

#include "container/container.h"

static const char sig_exif[] = "Exif\0";     /* + one pad byte (0 or 0xFF) */
static const char sig_xmp[] = "http://ns.adobe.com/xap/1.0/";          /* + NUL */
static const char sig_ext_xmp[] = "http://ns.adobe.com/xmp/extension/"; /* + NUL */
static const char sig_icc[] = "ICC_PROFILE";                            /* + NUL */
static const char sig_ps[] = "Photoshop 3.0";                           /* + NUL */

bool container_is_jpeg(struct span in)
{
    return in.len >= 2 && in.ptr[0] == 0xFF && in.ptr[1] == 0xD8;
}

/* Adds a block to one of the fixed arrays; past the cap the file is
 * crafted (ICC allows 255 chunks), so the rest is dropped with a note. */
static void keep_block(struct container_block *arr, size_t *n, struct span data, size_t offset,
                       struct container_jpeg *out, const char *what)
{
    if (*n >= CONTAINER_MAX_BLOCKS) {
        if (out->warning.status == ST_OK)
            diag_set(&out->warning, ST_LIMIT, what, offset,
                     "more than %d segments of this kind; the rest are ignored",
                     CONTAINER_MAX_BLOCKS);
        return;
    }
    arr[*n].data = data;
    arr[*n].offset = offset;
    (*n)++;
}

/* The payload after a NUL-terminated signature, when it matches. */
static bool after_sig(struct span seg, const char *sig, struct span *rest)
{
    size_t n = strlen(sig) + 1; /* with its NUL */
    if (!span_starts_with(seg, sig, n))
        return false;
    return span_sub(seg, n, seg.len - n, rest);
}

static void app_segment(uint8_t marker, struct span seg, size_t off, struct container_jpeg *out)
{
    struct span rest;
    if (marker == 0xE1) {
        if (seg.len >= 6 && memcmp(seg.ptr, sig_exif, 5) == 0 && out->exif.data.ptr == NULL) {
            span_sub(seg, 6, seg.len - 6, &out->exif.data);
            out->exif.offset = off + 6;
        } else if (after_sig(seg, sig_xmp, &rest)) {
            if (out->xmp.data.ptr == NULL) {
                out->xmp.data = rest;
                out->xmp.offset = off + (seg.len - rest.len);
            }
        } else if (after_sig(seg, sig_ext_xmp, &rest)) {
            keep_block(out->ext_xmp, &out->n_ext_xmp, rest, off + (seg.len - rest.len), out,
                       "APP1 Extended XMP");
        }
    } else if (marker == 0xE2) {
        if (after_sig(seg, sig_icc, &rest))
            keep_block(out->icc, &out->n_icc, rest, off + (seg.len - rest.len), out, "APP2 ICC");
    } else if (marker == 0xEC) {
        if (out->app12.data.ptr == NULL) {
            out->app12.data = seg;
            out->app12.offset = off;
        }
    } else if (marker == 0xEB) {
        keep_block(out->app11, &out->n_app11, seg, off, out, "APP11");
    } else if (marker == 0xED) {
        if (after_sig(seg, sig_ps, &rest))
            keep_block(out->app13, &out->n_app13, rest, off + (seg.len - rest.len), out,
                       "APP13 Photoshop");
    }
}

/* SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
static bool is_sof(uint8_t m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

static void stop(struct container_jpeg *out, enum status st, size_t off, const char *msg)
{
    out->partial = true;
    diag_set(&out->warning, st, "JPEG", off, "%s", msg);
}

enum status container_jpeg_walk(struct span in, struct container_jpeg *out, struct diag *d)
{
    enum status st = ST_OK;
    /* not the arrays (container.h says why) */
    memset(out, 0, offsetof(struct container_jpeg, ext_xmp));
    diag_clear(&out->warning);
    if (!container_is_jpeg(in)) {
        st = diag_set(d, ST_MALFORMED, "JPEG", 0, "not a JPEG file (no SOI marker)");
        goto abort;
    }
    struct cursor c;
    cursor_init(&c, in);
    cursor_skip(&c, 2);
    for (;;) {
        size_t mark_off = c.pos;
        uint8_t b = 0, marker = 0;
        if (!cursor_u8(&c, &b)) {
            stop(out, ST_TRUNCATED, mark_off, "file ends before the image data (no SOS)");
            break;
        }
        if (b != 0xFF) {
            out->partial = true;
            diag_set(&out->warning, ST_MALFORMED, "JPEG", mark_off,
                     "expected a marker (0xFF), found 0x%02X", b);
            break;
        }
        /* Any number of 0xFF fill bytes may precede a marker (B.1.1.2). */
        do {
            if (!cursor_u8(&c, &marker))
                break;
        } while (marker == 0xFF);
        if (marker == 0xFF) {
            stop(out, ST_TRUNCATED, mark_off, "file ends inside a marker");
            break;
        }
        if (++out->n_segments > TS_LIMIT_JPEG_SEGMENTS) {
            out->partial = true;
            diag_set(&out->warning, ST_LIMIT, "JPEG", mark_off,
                     "more than %d segments before the image data", TS_LIMIT_JPEG_SEGMENTS);
            break;
        }
        if (marker == 0xD9) /* EOI before any SOS: nothing more to find */
            break;
        if ((marker >= 0xD0 && marker <= 0xD8) || marker == 0x01)
            continue; /* RSTn, SOI, TEM carry no length */
        uint16_t seglen = 0;
        if (!cursor_u16be(&c, &seglen)) {
            stop(out, ST_TRUNCATED, c.pos, "file ends inside a segment length");
            break;
        }
        if (seglen < 2) {
            stop(out, ST_MALFORMED, c.pos - 2, "segment length below 2");
            break;
        }
        size_t payload_off = c.pos;
        struct span seg;
        if (!cursor_take(&c, (size_t)seglen - 2, &seg)) {
            out->partial = true;
            diag_set(&out->warning, ST_TRUNCATED, "JPEG", mark_off,
                     "segment 0xFF%02X declares %u bytes but only %zu remain", marker,
                     (unsigned)seglen - 2, cursor_left(&c));
            break;
        }
        if (marker >= 0xE0 && marker <= 0xEF) {
            app_segment(marker, seg, payload_off, out);
        } else if (is_sof(marker)) {
            uint16_t h = 0, w = 0;
            if (!out->have_sof && span_u16(seg, 1, true, &h) && span_u16(seg, 3, true, &w)) {
                out->have_sof = true;
                out->width = w;
                out->height = h;
            }
        } else if (marker == 0xDA) {
            out->have_sos = true;
            out->header_end = c.pos;
            break;
        }
    }
abort:
    return st;
}
