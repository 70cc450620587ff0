/*
 * write_iim.c — the IPTC IIM block of a derivative, wrapped as
 * libvips' `iptc-data` wants it: the whole APP13 payload, i.e.
 * "Photoshop 3.0\0" followed by the Photoshop image resources 8BIM
 * 0x0404 (the IIM block) and 8BIM 0x0425 (MD5 of that block, so
 * MWG readers know IIM and XMP agree). libvips 8.14 writes the blob
 * as the APP13 segment unchanged (vips2jpeg.c write_blob), and reads
 * APP13 back the same way (jpeg2vips.c, prefix "Photo").
 *
 * Must never: write a dataset longer than its IIM maximum, or cut a
 * UTF-8 sequence in two (1:90 says UTF-8, a split code point makes
 * the whole value undecodable); write a dataset not listed here.
 *
 * Spec: IPTC IIM 4.2 (1999) §1.5 (dataset tag: 0x1C, record, dataset,
 * 16-bit length), §1.6 (1:90 coded character set, ISO 2022 "ESC % G"
 * = UTF-8), chapter 6 (record 2 dataset numbers and maximum lengths;
 * the same maxima are in ExifTool 12.57 Image::ExifTool::IPTC
 * ApplicationRecord "Format => string[0,N]"); Adobe Photoshop File
 * Formats Specification "Image resource blocks" (8BIM, id, even-padded
 * Pascal name, 32-bit size, data padded to even); MWG Guidelines 2.0
 * §4.2.2.1 (0x0425 IPTCDigest); ../shared/notes/metadata.md §4.
 */
#include <stdio.h>
#include <string.h>

#include "meta/write_priv.h"

/* Maximum value lengths in bytes (IIM 4.2 chapter 6, as ExifTool's
 * IPTC.pm table gives them). */
enum {
    IIM_MAX_OBJECT_NAME = 64,  /* 2:05 */
    IIM_MAX_KEYWORD = 64,      /* 2:25 */
    IIM_MAX_BYLINE = 32,       /* 2:80 */
    IIM_MAX_BYLINE_TITLE = 32, /* 2:85 */
    IIM_MAX_CITY = 32,         /* 2:90 */
    IIM_MAX_SUBLOCATION = 32,  /* 2:92 */
    IIM_MAX_STATE = 32,        /* 2:95 */
    IIM_MAX_COUNTRY = 64,      /* 2:101 */
    IIM_MAX_HEADLINE = 256,    /* 2:105 */
    IIM_MAX_CREDIT = 32,       /* 2:110 */
    IIM_MAX_SOURCE = 32,       /* 2:115 */
    IIM_MAX_COPYRIGHT = 128,   /* 2:116 */
    IIM_MAX_CAPTION = 2000,    /* 2:120 */
};

static const char app13_prefix[] = "Photoshop 3.0"; /* + its NUL */

/* One dataset: 0x1C, record, number, 16-bit big-endian length, data.
 * Every length here is at most 2000, far from the 32767 where IIM
 * switches to extended lengths. */
static enum status put_dataset(struct buf *b, uint8_t rec, uint8_t num, const void *p, size_t n)
{
    enum status st;
    if (n > 0x7FFF)
        return ST_INTERNAL;
    uint8_t head[5] = {0x1C, rec, num, (uint8_t)(n >> 8), (uint8_t)n};
    if ((st = buf_append(b, head, sizeof head)) != ST_OK)
        return st;
    return buf_append(b, p, n);
}

/* A text dataset, cut at the last code-point boundary within `max`. */
static enum status put_text(struct buf *b, uint8_t num, const char *v, size_t max)
{
    if (!v)
        return ST_OK;
    size_t n = strlen(v);
    return put_dataset(b, 2, num, v, utf8_clip((const uint8_t *)v, n, max));
}

static enum status put_list(struct buf *b, uint8_t num, const struct meta_list *l, size_t max)
{
    enum status st = ST_OK;
    for (size_t i = 0; i < l->n && st == ST_OK; i++)
        st = put_text(b, num, l->items[i], max);
    return st;
}

/* 2:100 is an ISO 3166-1 alpha-3 code, exactly 3 characters (IIM 4.2
 * 2:100; ExifTool's table says string[3] and warns on "KR"). The
 * 2-letter codes IPTC Core prefers stay in XMP only. */
static bool country_code_ok(const char *c, char out[4])
{
    size_t n = strlen(c);
    if (n != 3)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = c[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 32);
        if (ch < 'A' || ch > 'Z')
            return false;
        out[i] = ch;
    }
    out[n] = '\0';
    return true;
}

/* 2:55 CCYYMMDD with "00" for an unknown month or day (IIM 4.2
 * 2:55), 2:60 HHMMSS±HHMM. The time is written only with its zone:
 * IIM has no way to say "local time, zone unknown", and guessing one
 * (ExifTool uses the writer's own zone) would move the photo in time. */
static enum status put_date(struct buf *b, const struct meta_wr_date *t)
{
    enum status st;
    char date[32], tm[32];
    int z = t->zone_min < 0 ? -t->zone_min : t->zone_min;
    /* parse_date keeps year in 1..9999, month/day/time in range, the
     * zone within ±14:59: every field has exactly its width. */
    snprintf(date, sizeof date, "%04d%02d%02d", t->year, t->prec >= META_WR_MONTH ? t->month : 0,
             t->prec >= META_WR_DAY ? t->day : 0);
    if ((st = put_dataset(b, 2, 55, date, 8)) != ST_OK)
        return st;
    if (t->prec < META_WR_MINUTE || !t->has_zone)
        return ST_OK;
    snprintf(tm, sizeof tm, "%02d%02d%02d%c%02d%02d", t->hour, t->minute, t->second,
             t->zone_min < 0 ? '-' : '+', z / 60, z % 60);
    return put_dataset(b, 2, 60, tm, 11);
}

/* Record 2 in ascending dataset order (IIM 4.2 §1.5.2 asks for it,
 * and ExifTool writes it so), 2:00 first. */
static enum status put_record2(const struct meta_wr *w, struct buf *b)
{
    enum status st;
    static const uint8_t version[2] = {0x00, 0x04};
    char cc[4];
    if ((st = put_dataset(b, 2, 0, version, 2)) != ST_OK ||
        (st = put_text(b, 5, meta_wr_alt_value(&w->title), IIM_MAX_OBJECT_NAME)) != ST_OK ||
        (st = put_list(b, 25, &w->keywords, IIM_MAX_KEYWORD)) != ST_OK ||
        (w->has_date && (st = put_date(b, &w->date)) != ST_OK) ||
        (st = put_list(b, 80, &w->creators, IIM_MAX_BYLINE)) != ST_OK ||
        (st = put_text(b, 85, w->creator_job_title, IIM_MAX_BYLINE_TITLE)) != ST_OK ||
        (st = put_text(b, 90, w->city, IIM_MAX_CITY)) != ST_OK ||
        (st = put_text(b, 92, w->sublocation, IIM_MAX_SUBLOCATION)) != ST_OK ||
        (st = put_text(b, 95, w->state, IIM_MAX_STATE)) != ST_OK ||
        (w->country_code && country_code_ok(w->country_code, cc) &&
         (st = put_text(b, 100, cc, 3)) != ST_OK) ||
        (st = put_text(b, 101, w->country, IIM_MAX_COUNTRY)) != ST_OK ||
        (st = put_text(b, 105, w->headline, IIM_MAX_HEADLINE)) != ST_OK ||
        (st = put_text(b, 110, w->credit, IIM_MAX_CREDIT)) != ST_OK ||
        (st = put_text(b, 115, w->source, IIM_MAX_SOURCE)) != ST_OK ||
        (st = put_text(b, 116, meta_wr_alt_value(&w->rights), IIM_MAX_COPYRIGHT)) != ST_OK ||
        (st = put_text(b, 120, meta_wr_alt_value(&w->description), IIM_MAX_CAPTION)) != ST_OK)
        return st;
    return ST_OK;
}

/* One image resource block with an empty name (Pascal string of
 * length 0, padded to an even size: two zero bytes). */
static enum status put_resource(struct buf *b, uint16_t id, const void *p, size_t n)
{
    enum status st = ST_LIMIT;
    uint8_t head[12] = {'8', 'B', 'I', 'M', (uint8_t)(id >> 8), (uint8_t)id, 0, 0};
    if (n > UINT32_MAX)
        goto abort;
    for (size_t i = 0; i < 4; i++)
        head[8 + i] = (uint8_t)(n >> (24 - 8 * i));
    if ((st = buf_append(b, head, sizeof head)) == ST_OK && (st = buf_append(b, p, n)) == ST_OK &&
        n % 2)
        st = buf_putc(b, '\0');
abort:
    return st;
}

enum status meta_wr_iim(const struct meta_wr *w, struct buf *out, struct diag *d)
{
    enum status st = ST_OK;
    static const uint8_t utf8_esc[3] = {0x1B, 0x25, 0x47}; /* ESC % G */
    struct buf iim;
    uint8_t digest[16];
    buf_init(&iim, META_WR_APP_MAX);
    if ((st = put_dataset(&iim, 1, 90, utf8_esc, sizeof utf8_esc)) != ST_OK)
        goto abort;
    size_t envelope = iim.len;
    if ((st = put_record2(w, &iim)) != ST_OK)
        goto abort;
    /* 1:90 and 2:00 alone say nothing: no block at all then. */
    if (iim.len == envelope + 7)
        goto abort;
    meta_md5((const uint8_t *)iim.data, iim.len, digest);
    if ((st = buf_append(out, app13_prefix, sizeof app13_prefix)) != ST_OK ||
        (st = put_resource(out, 0x0404, iim.data, iim.len)) != ST_OK ||
        (st = put_resource(out, 0x0425, digest, sizeof digest)) != ST_OK)
        goto abort;
abort:
    if (st == ST_LIMIT)
        diag_set(d, st, "IPTC IIM", DIAG_NO_OFFSET,
                 "the IIM block would pass the %zu bytes of one JPEG APP13 segment; "
                 "shorten the keyword list",
                 (size_t)META_WR_APP_MAX);
    else if (st != ST_OK)
        diag_set(d, st, "IPTC IIM", DIAG_NO_OFFSET, "could not build the IIM block");
    buf_free(&iim);
    return st;
}
