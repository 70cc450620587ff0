/*
 * tiff.c — the TIFF header and IFD walker used for EXIF blocks, TIFF
 * files and maker notes: both byte orders, each entry's value found
 * inline or at its offset with count × size checked for overflow and
 * against the data, a visited-offset set so an IFD chain or sub-IFD
 * that points back is read once (CVE-2007-6351, CVE-2018-20030, Exiv2
 * #216), a depth cap and a per-file entry budget.
 *
 * Must never: follow an offset without checking it, multiply a count
 * without an overflow check, recurse (callers pass depth explicitly).
 *
 * Spec: TIFF 6.0 §2 "Image File Directory"; Exif 2.32 §4.6.2.
 */
#include <string.h>

#include "container/container.h"

bool container_is_tiff(struct span in)
{
    /* 42 = TIFF, 43 = BigTIFF (recognised so that it gets a clear
     * "not supported" rather than "not an image"). */
    return in.len >= 8 && ((in.ptr[0] == 'I' && in.ptr[1] == 'I' &&
                            (in.ptr[2] == 42 || in.ptr[2] == 43) && in.ptr[3] == 0) ||
                           (in.ptr[0] == 'M' && in.ptr[1] == 'M' && in.ptr[2] == 0 &&
                            (in.ptr[3] == 42 || in.ptr[3] == 43)));
}

enum status container_tiff_open(struct span in, size_t base, struct container_tiff *t,
                                struct diag *d)
{
    enum status st = ST_OK;
    memset(t, 0, sizeof *t);
    t->data = in;
    t->base = base;
    if (in.len < 8) {
        st = diag_set(d, ST_TRUNCATED, "TIFF header", base, "%zu bytes, a TIFF header needs 8",
                      in.len);
        goto abort;
    }
    if (in.ptr[0] == 'I' && in.ptr[1] == 'I')
        t->big_endian = false;
    else if (in.ptr[0] == 'M' && in.ptr[1] == 'M')
        t->big_endian = true;
    else {
        st = diag_set(d, ST_MALFORMED, "TIFF header", base,
                      "byte order is neither II nor MM");
        goto abort;
    }
    uint16_t magic = 0;
    span_u16(in, 2, t->big_endian, &magic);
    if (magic == 43) {
        st = diag_set(d, ST_UNSUPPORTED, "TIFF header", base + 2,
                      "BigTIFF (magic number 43) is not supported");
        goto abort;
    }
    if (magic != 42) {
        st = diag_set(d, ST_MALFORMED, "TIFF header", base + 2, "magic number %u is not 42",
                      (unsigned)magic);
        goto abort;
    }
    span_u32(in, 4, t->big_endian, &t->ifd0);
abort:
    return st;
}

size_t container_tiff_type_size(uint16_t type)
{
    switch (type) {
    case TIFF_BYTE: case TIFF_ASCII: case TIFF_SBYTE: case TIFF_UNDEFINED:
        return 1;
    case TIFF_SHORT: case TIFF_SSHORT:
        return 2;
    case TIFF_LONG: case TIFF_SLONG: case TIFF_FLOAT: case TIFF_IFD:
        return 4;
    case TIFF_RATIONAL: case TIFF_SRATIONAL: case TIFF_DOUBLE:
        return 8;
    default:
        return 0;
    }
}

bool container_tiff_uint(const struct container_tiff *t, const struct container_tiff_entry *e,
                         uint32_t index, uint32_t *v)
{
    if (!e->value_ok || index >= e->count)
        return false;
    size_t sz = container_tiff_type_size(e->type);
    if (sz == 0 || sz > 4 || (sz == 4 && e->type == TIFF_FLOAT))
        return false;
    size_t off = (size_t)index * sz;
    if (sz == 1) {
        if (off >= e->value.len)
            return false;
        *v = e->value.ptr[off];
        return true;
    }
    if (sz == 2) {
        uint16_t s = 0;
        if (!span_u16(e->value, off, t->big_endian, &s))
            return false;
        *v = s;
        return true;
    }
    return span_u32(e->value, off, t->big_endian, v);
}

static bool visited_add(struct container_tiff *t, uint32_t off)
{
    for (size_t i = 0; i < t->n_visited; i++)
        if (t->visited[i] == off)
            return false;
    t->visited[t->n_visited++] = off;
    return true;
}

enum status container_tiff_ifd(struct container_tiff *t, uint32_t offset, int depth,
                               container_tiff_entry_fn fn, void *ctx, uint32_t *next,
                               struct diag *d)
{
    enum status st = ST_OK;
    if (next)
        *next = 0;
    if (depth > TS_LIMIT_IFD_DEPTH) {
        st = diag_set(d, ST_LIMIT, "TIFF IFD", t->base + offset,
                      "IFDs nested deeper than %d", TS_LIMIT_IFD_DEPTH);
        goto abort;
    }
    if (t->n_visited >= TS_LIMIT_IFD_COUNT) {
        st = diag_set(d, ST_LIMIT, "TIFF IFD", t->base + offset, "more than %d IFDs in one file",
                      TS_LIMIT_IFD_COUNT);
        goto abort;
    }
    if (!visited_add(t, offset)) {
        st = diag_set(d, ST_MALFORMED, "TIFF IFD", t->base + offset,
                      "IFD at offset %u was already read (offset cycle)", (unsigned)offset);
        goto abort;
    }
    uint16_t n = 0;
    if (!span_u16(t->data, offset, t->big_endian, &n)) {
        st = diag_set(d, ST_TRUNCATED, "TIFF IFD", t->base + offset,
                      "IFD offset %u is past the end of the %zu-byte block", (unsigned)offset,
                      t->data.len);
        goto abort;
    }
    /* 2 + 12n + 4 always fits in size_t (n ≤ 65535); check it against the data. */
    size_t table_end = (size_t)offset + 2 + (size_t)n * 12;
    if (table_end > t->data.len) {
        st = diag_set(d, ST_TRUNCATED, "TIFF IFD", t->base + offset,
                      "IFD declares %u entries (%zu bytes) but the block ends at %zu",
                      (unsigned)n, (size_t)n * 12, t->data.len);
        goto abort;
    }
    if (t->entries_read + n > TS_LIMIT_IFD_ENTRIES) {
        st = diag_set(d, ST_LIMIT, "TIFF IFD", t->base + offset,
                      "more than %d IFD entries in one file", TS_LIMIT_IFD_ENTRIES);
        goto abort;
    }
    t->entries_read += n;
    for (uint16_t i = 0; i < n; i++) {
        size_t eoff = (size_t)offset + 2 + (size_t)i * 12;
        struct container_tiff_entry e;
        memset(&e, 0, sizeof e);
        e.entry_offset = eoff;
        span_u16(t->data, eoff, t->big_endian, &e.tag);
        span_u16(t->data, eoff + 2, t->big_endian, &e.type);
        span_u32(t->data, eoff + 4, t->big_endian, &e.count);
        size_t sz = container_tiff_type_size(e.type);
        size_t total = 0;
        if (sz != 0 && size_mul(sz, e.count, &total)) {
            if (total <= 4) {
                e.value_ok = span_sub(t->data, eoff + 8, total, &e.value);
            } else {
                uint32_t voff = 0;
                span_u32(t->data, eoff + 8, t->big_endian, &voff);
                e.value_ok = span_sub(t->data, voff, total, &e.value);
            }
        }
        if (!e.value_ok)
            e.value = span_make(NULL, 0);
        if (fn) {
            st = fn(ctx, t, &e, depth);
            if (st != ST_OK)
                goto abort;
        }
    }
    if (next) {
        uint32_t nx = 0;
        if (span_u32(t->data, table_end, t->big_endian, &nx))
            *next = nx;
    }
abort:
    return st;
}
