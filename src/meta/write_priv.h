/*
 * write_priv.h — what the three block writers of the rights-only
 * metadata (write_xmp.c, write_iim.c, write_exif.c) share with
 * writer.c: the values already chosen, cleaned and parsed, so each
 * block writer only encodes and never decides what a derivative keeps.
 *
 * Must never: be included outside src/meta/write*.c; hold a value that
 * is not valid UTF-8 or that carries a control character XML 1.0
 * forbids (writer.c cleans every string before a block sees it).
 *
 * Spec: ../shared/notes/metadata.md §2 (field map), §3 point 4
 * (writing), §4 (IIM charset); DESIGN.md "Privacy and rights defaults
 * for derivatives".
 */
#ifndef TS_META_WRITE_PRIV_H
#define TS_META_WRITE_PRIV_H

#include "meta/meta.h"

/* Sizes the blocks may reach, fixed by what libvips 8.14 embeds
 * (libvips/foreign/vips2jpeg.c): write_xmp() drops a packet above
 * 60000 bytes with only a warning, write_blob() drops an APP1/APP13
 * payload above 65533 bytes (MAX_BYTES_IN_MARKER). The EXIF block is
 * re-serialised by libexif (vips__exif_update → exif_data_fix), which
 * adds the tags EXIF calls mandatory (resolution, ExifVersion,
 * ColorSpace, pixel dimensions...): about 300 bytes; 2 KiB leaves room. */
#define META_WR_XMP_MAX ((size_t)60000)
#define META_WR_APP_MAX ((size_t)65533)
#define META_WR_EXIF_MAX (META_WR_APP_MAX - 2048)

/* A Lang Alt after cleaning: items[0] is "x-default" and holds the
 * value the single-language blocks (IIM, EXIF) carry; n == 0 means
 * absent. Languages are valid tags, each once. */
struct meta_wr_alt {
    struct meta_lang_value *items;
    size_t n;
};

/* A date of ../shared/notes/metadata.md §2 "date_created", parsed.
 * `prec` says how much was present. */
enum meta_wr_prec {
    META_WR_YEAR = 1,
    META_WR_MONTH,
    META_WR_DAY,
    META_WR_MINUTE,
    META_WR_SECOND,
};
struct meta_wr_date {
    enum meta_wr_prec prec;
    int year, month, day, hour, minute, second;
    char frac[10]; /* fraction-of-second digits, "" when absent */
    bool has_zone; /* false: local time of an unknown zone */
    int zone_min;  /* offset east of UTC in minutes (Z = 0) */
    bool zulu;     /* written "Z" (not "+00:00"): kept as the photographer wrote it */
};

/* Everything the derivative keeps, cleaned: NULL / n == 0 = absent. */
struct meta_wr {
    char *headline, *creator_job_title, *credit, *source, *web_statement, *licensor_url, *city,
        *sublocation, *state, *country, *country_code;
    struct meta_list creators, keywords;
    struct meta_wr_alt description, alt_text, title, rights, usage_terms;
    bool has_date;
    struct meta_wr_date date;
};

/* The value a single-language block writes for a Lang Alt. */
static inline const char *meta_wr_alt_value(const struct meta_wr_alt *a)
{
    return a->n ? a->items[0].value : NULL;
}

/* Each writes one block into `out` (capped by the block's maximum) and
 * says in `d` which block and why when it cannot. */
enum status meta_wr_xmp(const struct meta_wr *w, struct buf *out, struct diag *d);
enum status meta_wr_iim(const struct meta_wr *w, struct buf *out, struct diag *d);
enum status meta_wr_exif(const struct meta_wr *w, struct buf *out, struct diag *d);

#endif
