/*
 * meta_internal.h — what the readers of the meta module share: one
 * struct meta_source per metadata family (EXIF, IIM, XMP) holding the
 * values as that family states them, before MWG reconciliation
 * (mwg.c) picks among them.
 *
 * Must never: be included outside src/meta (the public API is meta.h).
 */
#ifndef TS_META_INTERNAL_H
#define TS_META_INTERNAL_H

#include "container/container.h"
#include "meta/meta.h"

/* Text fields every family may state (one slot per family). */
enum meta_field {
    MF_HEADLINE, MF_DESCRIPTION, MF_ALT_TEXT, MF_EXT_DESCRIPTION, MF_TITLE, MF_JOB_TITLE,
    MF_CREDIT, MF_SOURCE, MF_COPYRIGHT, MF_WEB_STATEMENT, MF_LICENSOR_URL, MF_USAGE_TERMS,
    MF_DATE, MF_CITY, MF_SUBLOCATION, MF_STATE, MF_COUNTRY, MF_COUNTRY_CODE, MF_JOB_ID,
    MF_INSTRUCTIONS, MF_CAPTION_WRITER, MF_MAKE, MF_MODEL, MF_SERIAL,
    /* XMP only */
    MF_DIGITAL_SOURCE_TYPE, MF_CI_EMAIL, MF_CI_URL, MF_CI_PHONE, MF_CI_ADDRESS, MF_CI_CITY,
    MF_CI_REGION, MF_CI_POSTAL_CODE, MF_CI_COUNTRY,
    /* EXIF only */
    MF_USER_COMMENT, MF_XP_TITLE, MF_XP_COMMENT, MF_XP_AUTHOR, MF_XP_KEYWORDS, MF_XP_SUBJECT,
    MF_COUNT
};
enum meta_list_id { ML_CREATOR, ML_KEYWORDS, ML_PERSON, ML_COUNT };

struct meta_source {
    bool present;
    char *s[MF_COUNT];
    struct meta_list l[ML_COUNT];
    int orientation;           /* 0 = not stated */
    bool has_gps;
    uint32_t width, height;    /* TIFF files: IFD0 ImageWidth/ImageLength */
    /* XMP only: every language of the Lang Alt properties. */
    struct meta_lang_alt description_langs, alt_text_langs, title_langs, rights_langs,
        usage_terms_langs, ext_description_langs;
    /* XMP only: IPTC Extension locations. */
    struct meta_location loc_created;
    struct meta_location *loc_shown;
    size_t n_loc_shown;
    char ext_guid[33];         /* XMP xmpNote:HasExtendedXMP */
    /* EXIF only: a serial found in a maker note, and where. */
    char *maker_serial;
    const char *maker_serial_from;
    bool boilerplate_description;
    /* IIM only */
    bool iim_truncated_block;  /* a dataset ran past its block: values after it lost */
};

struct meta_iim_state {
    struct meta_source src;
    bool have_iim;
    bool have_digest;
    uint8_t digest[16];
    bool have_first_md5;
    uint8_t first_md5[16]; /* of the first 0x0404 block */
    bool digest_matches;
};

/* ---- text helpers (text.c) ---- */
/* UTF-8 copy of bytes already known to be UTF-8 or ASCII: drops
 * trailing NULs, clips to TS_LIMIT_FIELD_BYTES at a code point, NULL
 * when blank. Invalid UTF-8 is read as cp1252 (MWG §3 fallback). */
char *meta_text_utf8(struct span s);
/* Bytes in `charset` (an iconv name) to UTF-8; NULL when blank or
 * when the conversion fails. */
char *meta_text_iconv(struct span s, const char *charset);
/* Adds a copy of `v` (taken: it is freed on failure) to a list. */
enum status meta_list_push(struct meta_list *l, char *v);
void meta_list_clear(struct meta_list *l);
enum status meta_lang_push(struct meta_lang_alt *a, const char *lang, size_t lang_len,
                           char *value);
void meta_lang_clear(struct meta_lang_alt *a);
/* Adds a note (printf-style) unless the same text is already there. */
void meta_note(struct meta_list *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void meta_source_clear(struct meta_source *s);
void meta_location_clear(struct meta_location *l);

/* ---- pack.c ---- */
/* The i-th string field of struct photo_meta, NULL past the last: the
 * one list meta_free and meta_pack both walk. */
char **meta_string_field(struct photo_meta *m, size_t i);
/* Sets s->s[f] when it is still empty (first statement wins); frees v
 * otherwise. */
void meta_set_once(struct meta_source *s, enum meta_field f, char *v);

/* ---- readers ---- */
/* EXIF/TIFF structure: IFD0, ExifIFD, GPS IFD, maker notes. `is_file`
 * is true for a whole TIFF file (then IFD0 also gives width/height and
 * the metadata tags are reported through `tiff_tags`). */
struct meta_tiff_tags {
    struct span iim, xmp, irb, icc;
};
enum status meta_exif_read(struct span tiff, size_t base, bool is_file, struct meta_source *out,
                           struct meta_tiff_tags *tags, struct meta_list *notes, struct diag *d);
/* Photoshop IRB: every 0x0404 IIM block (merged in file order) and the
 * 0x0425 digest. Call once per IRB block. */
enum status meta_irb_read(struct span irb, size_t base, struct meta_iim_state *st,
                          struct buf *iim_all, struct meta_list *notes, struct diag *d);
/* IPTC IIM datasets of one block (or of all blocks joined). */
enum status meta_iim_read(struct span iim, size_t base, const struct meta_options *opt,
                          struct meta_source *out, struct meta_list *notes, struct diag *d);
/* XMP packet (UTF-8/16/32). */
enum status meta_xmp_read(struct span packet, struct meta_source *out, struct meta_list *notes,
                          struct diag *d);
/* Joins Extended XMP chunks of `guid` into one packet (malloc'd). */
enum status meta_xmp_join_extended(const struct container_block *chunks, size_t n,
                                   const char *guid, uint8_t **out, size_t *out_len,
                                   struct diag *d);
/* ICC profile description ('desc': v2 textDescription or v4 mluc). */
enum status meta_icc_description(struct span profile, char **out, struct diag *d);

/* ---- reconciliation (mwg.c) ---- */
void meta_mwg_reconcile(struct meta_source *exif, struct meta_iim_state *iim,
                        struct meta_source *xmp, struct photo_meta *m);

#endif
