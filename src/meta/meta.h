/*
 * meta.h — the one header of the meta module: what a photo says about
 * itself (EXIF, IPTC IIM, XMP, ICC), reconciled by the MWG Guidelines
 * 2.0 rules in ../shared/corpus/metadata/README.md into one
 * struct photo_meta; and the writer of the rights-only metadata that
 * derivatives carry.
 *
 * Must never: decode pixels, do I/O (callers hand in bytes), or trust
 * a length from the file. Reads go through src/container walkers.
 */
#ifndef TS_META_H
#define TS_META_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/base.h"

/* A list of strings (creators, keywords), in file order. */
struct meta_list {
    char **items;
    size_t n;
};

/* One value per language from an XMP Lang Alt ("x-default", "en", "ko"). */
struct meta_lang_value {
    char *lang;
    char *value;
};
struct meta_lang_alt {
    struct meta_lang_value *items;
    size_t n;
};

/* An IPTC Extension location structure (Iptc4xmpExt:LocationCreated,
 * LocationShown). */
struct meta_location {
    char *sublocation, *city, *province_state, *country, *country_code, *world_region,
        *location_name;
    /* GPS inside the structure: private. Read so `lint` can warn about
     * it; never shown, never written to a derivative. */
    bool has_gps;
};

/* Iptc4xmpCore:CreatorContactInfo. */
struct meta_contact {
    char *email, *url, *phone, *address, *city, *region, *postal_code, *country;
};

/*
 * Reconciled metadata. Every string is UTF-8, NULL when absent (blank
 * counts as absent). Field names follow *.expected.json in the corpus.
 */
struct photo_meta {
    char *headline;             /* 2:105 | photoshop:Headline */
    char *description;          /* EXIF ImageDescription > 2:120 | dc:description */
    char *alt_text;             /* Iptc4xmpCore:AltTextAccessibility */
    char *extended_description; /* Iptc4xmpCore:ExtDescrAccessibility */
    char *title;                /* 2:05 | dc:title */
    struct meta_list creator;   /* EXIF Artist > 2:80 | dc:creator */
    char *creator_job_title;    /* 2:85 | photoshop:AuthorsPosition */
    char *credit_line;          /* 2:110 | photoshop:Credit */
    char *source;               /* 2:115 | photoshop:Source */
    char *copyright_notice;     /* EXIF Copyright > 2:116 | dc:rights */
    char *web_statement;        /* xmpRights:WebStatement */
    char *licensor_url;         /* first plus:Licensor/plus:LicensorURL */
    char *usage_terms;          /* xmpRights:UsageTerms */
    char *date_created;         /* ISO 8601, only the precision present */
    char *city, *sublocation, *province_state, *country, *country_code;
    struct meta_list keywords;  /* 2:25 | dc:subject */
    char *job_id;               /* 2:103 | photoshop:TransmissionReference */
    char *instructions;         /* 2:40 | photoshop:Instructions */
    char *caption_writer;       /* 2:122 | photoshop:CaptionWriter */
    int orientation;            /* 1..8, 0 when absent */
    uint32_t width, height;     /* stored pixel size, before orientation */
    char *icc_description;
    bool has_gps;
    char *camera_make, *camera_model, *serial_number;

    /* Every language of the Lang Alt fields, for pages in other languages. */
    struct meta_lang_alt description_langs, alt_text_langs, title_langs, rights_langs,
        usage_terms_langs;

    /* Things worth telling the photographer (stale IIM digest, bad
     * charset, a truncated segment that was skipped...). */
    struct meta_list notes;

    /* ---- IPTC Extension / newsroom fields (XMP only, MWG rule 5) ---- */
    struct meta_list person_in_image;        /* Iptc4xmpExt:PersonInImage */
    struct meta_location location_created;   /* first Iptc4xmpExt:LocationCreated */
    struct meta_location *location_shown;    /* every Iptc4xmpExt:LocationShown */
    size_t n_location_shown;
    struct meta_contact creator_contact;     /* Iptc4xmpCore:CreatorContactInfo */
    char *digital_source_type;               /* Iptc4xmpExt:DigitalSourceType (URI) */
    struct meta_lang_alt extended_description_langs;
    /* ---- EXIF text outside MWG: shown, never a caption or creator ---- */
    char *user_comment;                      /* 0x9286, by its 8-byte charset prefix */
    /* Windows XP* tags (UTF-16LE). XPTitle fills `title` only when no
     * IIM/XMP title exists (MWG does not cover title); the others are
     * never used for MWG fields (Creator, Keywords, Description name
     * their sources). */
    char *xp_title, *xp_comment, *xp_author, *xp_keywords, *xp_subject;
    /* Bytes of the one allocation, from the struct on, that holds every
     * string and array above (meta_unpack), 0 when each is its own: a
     * string field is set with meta_set_string, which frees the old
     * string only when it is not in the block; meta_free frees the
     * block and any string set since. Lists are not changed in place. */
    size_t one_block;
};

/* How to read text that does not say its encoding. */
struct meta_options {
    const char *iim_charset; /* iconv name for undeclared, non-UTF-8 IIM; NULL = "CP1252" */
};

/*
 * Reads every metadata block of a JPEG, TIFF, PNG, WebP or HEIF/AVIF
 * file and reconciles it. A damaged block is skipped with
 * a note when the rest can still be read; a file that is not a
 * supported image at all, or is cut before its first image data, is
 * an error in `d`.
 */
enum status meta_read(const uint8_t *data, size_t len, const struct meta_options *opt,
                      struct photo_meta **out, struct diag *d);
void meta_free(struct photo_meta *m);
/* String field `*field` of `m` set to `value` (a heap string or NULL,
 * taken), the old value freed (unless it lies in m's one block). */
void meta_set_string(struct photo_meta *m, char **field, char *value);

/*
 * What meta_read returned, as bytes (pack.c) that meta_unpack turns
 * back into the same struct, so a build need not read an unchanged
 * photo again. Strings are stored raw, length first: escape them where
 * they are written, as ever. meta_unpack: ST_MALFORMED for any record
 * not written by meta_pack of this version, nothing in *out.
 */
enum status meta_pack(const struct photo_meta *m, struct buf *out);
enum status meta_unpack(const uint8_t *data, size_t len, struct photo_meta **out);
/*
 * Bumped with every change to what meta_read returns for the same
 * bytes (a field added, a rule of reconciliation changed, a fix to a
 * reader) and to pack.c's layout: a cache of metadata packed by another
 * version is not used, so no build shows what an older reader said.
 */
#define META_READER_VERSION 1

/* The value for `lang` ("ko", "en-GB"), falling back to x-default,
 * then to the first; NULL when the list is empty. Borrowed. */
const char *meta_lang_pick(const struct meta_lang_alt *alt, const char *lang);
/* The same, and *picked the entry's language as written ("ko",
 * "x-default"), or NULL when there is no value. */
const char *meta_lang_pick_tag(const struct meta_lang_alt *alt, const char *lang,
                               const char **picked);

/* The `tearsheet meta --json` object: every key of *.expected.json
 * plus the extra fields and language lists. New reference. */
json_t *meta_to_json(const struct photo_meta *m);
/* The readable listing of `tearsheet meta`. */
enum status meta_to_text(const struct photo_meta *m, struct buf *out);

/* ---- writer: rights-only metadata for derivatives --------------- */

/*
 * What a derivative keeps. Default (DESIGN.md): creator, credit,
 * copyright, web statement, licensor, usage terms, headline, caption,
 * alt text, date, city/country. Never GPS, serials, owner name, maker
 * notes, thumbnail, XMP history.
 */
struct meta_keep {
    bool headline, description, alt_text, date_created, location;
    /* Kept by default; a site's `privacy:` policy may drop them. The
     * rights core (creator, credit, copyright, web statement, licensor)
     * is always written. */
    bool usage_terms, title, keywords, source, creator_job_title;
};
void meta_keep_default(struct meta_keep *k);

/*
 * The three blocks a derivative is written with, ready for libvips
 * (`exif-data`: "Exif\0\0" + TIFF; `xmp-data`: the XMP packet;
 * `iptc-data`: the whole APP13 payload, "Photoshop 3.0\0" + 8BIM
 * 0x0404 (IIM, 1:90 = UTF-8) + 8BIM 0x0425 (its MD5), which libvips
 * writes unchanged; NULL when there is nothing for IIM). Orientation in
 * EXIF is always 1: the pixels are rotated.
 */
struct meta_blobs {
    uint8_t *exif;
    size_t exif_len;
    uint8_t *xmp;
    size_t xmp_len;
    uint8_t *iptc;
    size_t iptc_len;
};
enum status meta_write_rights(const struct photo_meta *m, const struct meta_keep *keep,
                              struct meta_blobs *out, struct diag *d);
void meta_blobs_free(struct meta_blobs *b);

/* MD5 of a block, for the 8BIM 0x0425 digest (OpenSSL). */
void meta_md5(const uint8_t *p, size_t n, uint8_t out[16]);

#endif
