/*
 * irb.c — Photoshop image resource blocks ("8BIM" resources, as found
 * in APP13 and TIFF tag 34377) and the IPTC IIM datasets inside
 * resource 0x0404.
 *
 * Must never: trust a resource size or dataset length (both are
 * checked against what is left before the data is taken), accept an
 * extended IIM length of more than 4 length bytes, or skip padding
 * past the end.
 *
 * Spec: Adobe Photoshop File Formats Specification, "Image Resource
 * Blocks" (Pascal name padded to even, data padded to even);
 * IPTC-NAA IIM 4.2 §1.5 (dataset tag 0x1C, extended length, §1.5.4).
 */
#include <string.h>

#include "container/container.h"

enum status container_irb_next(struct cursor *c, struct container_irb *out, struct diag *d)
{
    enum status st = ST_OK;
    struct cursor k = *c; /* work on a copy: the cursor moves only on success */
    memset(out, 0, sizeof *out);
    if (cursor_left(&k) == 0) {
        st = ST_NOT_FOUND;
        goto abort;
    }
    /* Photoshop pads the last resource with NULs: a clean end. */
    if (cursor_left(&k) < 4) {
        bool zeros = true;
        for (size_t i = k.pos; i < k.in.len; i++)
            zeros = zeros && k.in.ptr[i] == 0;
        if (zeros)
            st = ST_NOT_FOUND;
        else
            st = diag_set(d, ST_TRUNCATED, "8BIM resource", k.pos,
                          "%zu stray bytes after the last resource", cursor_left(&k));
        goto abort;
    }
    size_t start = k.pos;
    struct span sig;
    if (!cursor_take(&k, 4, &sig)) {
        st = diag_set(d, ST_TRUNCATED, "8BIM resource", start, "resource header cut short");
        goto abort;
    }
    if (!span_eq_str(sig, "8BIM")) {
        bool zeros = true;
        for (size_t i = 0; i < sig.len; i++)
            zeros = zeros && sig.ptr[i] == 0;
        if (zeros) {
            st = ST_NOT_FOUND;
            goto abort;
        }
        st = diag_set(d, ST_MALFORMED, "8BIM resource", start,
                      "expected the signature \"8BIM\", found other bytes");
        goto abort;
    }
    uint8_t namelen = 0;
    if (!cursor_u16be(&k, &out->id) || !cursor_u8(&k, &namelen) ||
        !cursor_take(&k, namelen, &out->name)) {
        st = diag_set(d, ST_TRUNCATED, "8BIM resource", start, "resource name cut short");
        goto abort;
    }
    /* The name with its length byte is padded to an even size. */
    if ((1 + (size_t)namelen) % 2 != 0 && !cursor_skip(&k, 1)) {
        st = diag_set(d, ST_TRUNCATED, "8BIM resource", k.pos, "name padding cut short");
        goto abort;
    }
    uint32_t size = 0;
    if (!cursor_u32be(&k, &size)) {
        st = diag_set(d, ST_TRUNCATED, "8BIM resource", k.pos, "resource size cut short");
        goto abort;
    }
    if (!cursor_take(&k, size, &out->data)) {
        st = diag_set(d, ST_TRUNCATED, "8BIM resource", start,
                      "resource 0x%04X declares %u bytes but only %zu remain",
                      (unsigned)out->id, (unsigned)size, cursor_left(&k));
        goto abort;
    }
    /* Data padded to even; a missing final pad byte is tolerated. */
    if (size % 2 != 0)
        cursor_skip(&k, 1);
    out->offset = start;
    *c = k;
abort:
    return st;
}

enum status container_iim_next(struct cursor *c, struct container_iim *out, struct diag *d)
{
    enum status st = ST_OK;
    struct cursor k = *c;
    memset(out, 0, sizeof *out);
    size_t start = k.pos;
    uint8_t tag = 0;
    if (!cursor_u8(&k, &tag) || tag == 0x00) {
        st = ST_NOT_FOUND; /* end of block, or the NUL padding writers add */
        goto abort;
    }
    if (tag != 0x1C) {
        st = diag_set(d, ST_MALFORMED, "IPTC IIM", start,
                      "expected a dataset tag (0x1C), found 0x%02X", tag);
        goto abort;
    }
    uint16_t len16 = 0;
    if (!cursor_u8(&k, &out->record) || !cursor_u8(&k, &out->dataset) ||
        !cursor_u16be(&k, &len16)) {
        st = diag_set(d, ST_TRUNCATED, "IPTC IIM", start, "dataset header cut short");
        goto abort;
    }
    size_t len = len16;
    if (len16 & 0x8000) {
        /* Extended dataset (§1.5.4): the low 15 bits count the length bytes. */
        size_t nlen = len16 & 0x7FFF;
        if (nlen == 0 || nlen > 4) {
            st = diag_set(d, ST_MALFORMED, "IPTC IIM", start,
                          "IPTC %u:%02u: extended length uses %zu bytes (at most 4 allowed)",
                          out->record, out->dataset, nlen);
            goto abort;
        }
        len = 0;
        for (size_t i = 0; i < nlen; i++) {
            uint8_t b = 0;
            if (!cursor_u8(&k, &b)) {
                st = diag_set(d, ST_TRUNCATED, "IPTC IIM", start,
                              "IPTC %u:%02u: extended length cut short", out->record,
                              out->dataset);
                goto abort;
            }
            len = len << 8 | b;
        }
    }
    if (!cursor_take(&k, len, &out->data)) {
        st = diag_set(d, ST_TRUNCATED, "IPTC IIM", start,
                      "IPTC %u:%02u: dataset declares %zu bytes but only %zu remain in its block",
                      out->record, out->dataset, len, cursor_left(&k));
        goto abort;
    }
    out->offset = start;
    *c = k;
abort:
    return st;
}
