/*
 * write_exif.c — the EXIF block of a derivative, as libvips'
 * `exif-data` wants it: "Exif\0\0" and a little-endian TIFF structure
 * with IFD0 (Orientation = 1, ImageDescription, Artist, Copyright)
 * and, when a time is known, an Exif IFD (ExifVersion,
 * DateTimeOriginal, SubSecTimeOriginal, OffsetTimeOriginal).
 *
 * Must never: write a GPS IFD, IFD1 or a thumbnail, maker notes,
 * serial numbers or owner names (DESIGN.md privacy defaults); write an
 * orientation other than 1 (the image module rotates the pixels); put
 * a value at an odd offset or an offset past the block.
 *
 * Spec: CIPA DC-008-2019 (Exif 2.32) §4.5.2 (TIFF header), §4.6.2
 * (IFD structure: 12-byte entries in ascending tag order, values over
 * 4 bytes at word-aligned offsets), §4.6.4 (tags used here); MWG
 * Guidelines 2.0 (ASCII tags hold UTF-8; Artist is the creators
 * joined with "; ", quoted where needed).
 */
#include <stdio.h>
#include <string.h>

#include "meta/write_priv.h"

enum { T_ASCII = 2, T_SHORT = 3, T_LONG = 4, T_UNDEFINED = 7 };

struct entry {
    uint16_t tag, type;
    uint32_t count;
    const uint8_t *data; /* little-endian bytes, count × type size */
    size_t len;
};

static const uint8_t exif_prefix[6] = {'E', 'x', 'i', 'f', 0, 0};

static void le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
    le16(p, v);
    le16(p + 2, v >> 16);
}

/* An ASCII entry of NUL-terminated `s`: count includes the NUL (§4.6.2). */
static bool ascii_entry(struct entry *e, uint16_t tag, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > UINT32_MAX)
        return false;
    *e = (struct entry){tag, T_ASCII, (uint32_t)n, (const uint8_t *)s, n};
    return true;
}

/* Bytes an IFD takes with its out-of-line values, each padded to even. */
static bool ifd_size(const struct entry *e, size_t n, size_t *out)
{
    size_t sz = 2 + 12 * n + 4;
    for (size_t i = 0; i < n; i++)
        if (e[i].len > 4 && (!size_add(sz, e[i].len + (e[i].len & 1), &sz)))
            return false;
    *out = sz;
    return true;
}

/* Writes an IFD at TIFF offset `at` (== where `b` ends, minus the
 * prefix), values after it; no next IFD (no IFD1: no thumbnail). */
static enum status put_ifd(struct buf *b, size_t at, const struct entry *e, size_t n)
{
    enum status st;
    uint8_t x[12];
    size_t data_at = at + 2 + 12 * n + 4;
    if (data_at > UINT32_MAX)
        return ST_LIMIT;
    le16(x, (uint32_t)n);
    if ((st = buf_append(b, x, 2)) != ST_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        memset(x, 0, sizeof x);
        le16(x, e[i].tag);
        le16(x + 2, e[i].type);
        le32(x + 4, e[i].count);
        if (e[i].len <= 4)
            memcpy(x + 8, e[i].data, e[i].len);
        else {
            if (data_at > UINT32_MAX)
                return ST_LIMIT;
            le32(x + 8, (uint32_t)data_at);
            data_at += e[i].len + (e[i].len & 1);
        }
        if ((st = buf_append(b, x, sizeof x)) != ST_OK)
            return st;
    }
    memset(x, 0, 4);
    if ((st = buf_append(b, x, 4)) != ST_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        if (e[i].len <= 4)
            continue;
        if ((st = buf_append(b, e[i].data, e[i].len)) != ST_OK)
            return st;
        if ((e[i].len & 1) && (st = buf_putc(b, '\0')) != ST_OK)
            return st;
    }
    return ST_OK;
}

/* Artist per MWG 2.0: the creators joined with "; "; an entry that
 * holds "; " or starts with a quote is put in quotes with its quotes
 * doubled (the rule ExifTool's MWG.pm ListToString/StringToList
 * implements, so a reader splits it back into the same list). */
static enum status join_creators(const struct meta_list *l, struct buf *out)
{
    enum status st = ST_OK;
    for (size_t i = 0; i < l->n && st == ST_OK; i++) {
        const char *s = l->items[i];
        if (i && (st = buf_puts(out, "; ")) != ST_OK)
            break;
        if (s[0] != '"' && !strstr(s, "; ")) {
            st = buf_puts(out, s);
            continue;
        }
        st = buf_putc(out, '"');
        for (; *s && st == ST_OK; s++)
            st = *s == '"' ? buf_puts(out, "\"\"") : buf_putc(out, *s);
        if (st == ST_OK)
            st = buf_putc(out, '"');
    }
    return st;
}

enum status meta_wr_exif(const struct meta_wr *w, struct buf *b, struct diag *d)
{
    enum status st = ST_OK;
    struct entry ifd0[5], exif[4];
    size_t n0 = 0, ne = 0, size0;
    struct buf artist;
    uint8_t orient[2], exif_ptr[4];
    char when[32], offset[16];
    static const uint8_t version[4] = {'0', '2', '3', '2'};
    static const uint8_t tiff_head[8] = {'I', 'I', 42, 0, 8, 0, 0, 0};
    buf_init(&artist, META_WR_EXIF_MAX);

    /* Exif IFD: only when a time is known; a date alone cannot fill
     * DateTimeOriginal ("YYYY:MM:DD HH:MM:SS") and stays in XMP/IIM. */
    if (w->has_date && w->date.prec >= META_WR_MINUTE) {
        const struct meta_wr_date *t = &w->date;
        exif[ne++] = (struct entry){0x9000, T_UNDEFINED, 4, version, 4};
        snprintf(when, sizeof when, "%04d:%02d:%02d %02d:%02d:%02d", t->year, t->month, t->day,
                 t->hour, t->minute, t->second);
        ascii_entry(&exif[ne++], 0x9003, when);
        if (t->has_zone) {
            int z = t->zone_min < 0 ? -t->zone_min : t->zone_min;
            snprintf(offset, sizeof offset, "%c%02d:%02d", t->zone_min < 0 ? '-' : '+', z / 60,
                     z % 60);
            ascii_entry(&exif[ne++], 0x9011, offset);
        }
        if (t->frac[0])
            ascii_entry(&exif[ne++], 0x9291, t->frac);
    }

    const char *desc = meta_wr_alt_value(&w->description);
    const char *rights = meta_wr_alt_value(&w->rights);
    if (desc && !ascii_entry(&ifd0[n0++], 0x010E, desc))
        goto too_big;
    le16(orient, 1);
    ifd0[n0++] = (struct entry){0x0112, T_SHORT, 1, orient, 2};
    if (w->creators.n) {
        if ((st = join_creators(&w->creators, &artist)) != ST_OK)
            goto abort;
        if (!ascii_entry(&ifd0[n0++], 0x013B, artist.data))
            goto too_big;
    }
    if (rights && !ascii_entry(&ifd0[n0++], 0x8298, rights))
        goto too_big;
    if (ne)
        ifd0[n0++] = (struct entry){0x8769, T_LONG, 1, exif_ptr, 4};

    /* IFD0 right after the 8-byte header, the Exif IFD right after
     * IFD0's values; both sizes are even, so both offsets are. */
    if (!ifd_size(ifd0, n0, &size0) || !size_add(size0, 8, &size0) || size0 > UINT32_MAX)
        goto too_big;
    le32(exif_ptr, (uint32_t)size0);
    if ((st = buf_append(b, exif_prefix, sizeof exif_prefix)) != ST_OK ||
        (st = buf_append(b, tiff_head, sizeof tiff_head)) != ST_OK ||
        (st = put_ifd(b, 8, ifd0, n0)) != ST_OK)
        goto abort;
    if (b->len - sizeof exif_prefix != size0) {
        st = ST_INTERNAL;
        goto abort;
    }
    if (ne && (st = put_ifd(b, size0, exif, ne)) != ST_OK)
        goto abort;
    goto abort;
too_big:
    st = ST_LIMIT;
abort:
    if (st == ST_LIMIT)
        diag_set(d, st, "EXIF", DIAG_NO_OFFSET,
                 "the EXIF block would pass %zu bytes (one JPEG APP1 segment, less what "
                 "libvips adds); shorten the caption",
                 (size_t)META_WR_EXIF_MAX);
    else if (st != ST_OK)
        diag_set(d, st, "EXIF", DIAG_NO_OFFSET, "could not build the EXIF block");
    buf_free(&artist);
    return st;
}
