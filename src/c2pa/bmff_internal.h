/*
 * bmff_internal.h — the ISO-BMFF half of the c2pa module, shared by
 * its files only: the C2PA 'uuid' box (bmff_store.c) and the
 * c2pa.hash.bmff.v2/v3 hard binding (hash_bmff.c), for the reader,
 * the validator and the signer.
 *
 * Must never: be included outside src/c2pa.
 *
 * Spec: C2PA 2.2 §18.6 (BMFF-based hash), §15.12.2 (validating it),
 * A.5 (the ContentProvenanceBox 'uuid' box); ISO/IEC 14496-12 §4.2.
 */
#ifndef TS_C2PA_BMFF_INTERNAL_H
#define TS_C2PA_BMFF_INTERNAL_H

#include "c2pa/c2pa_internal.h"

/* A.5.1.1: the extended type of the C2PA 'uuid' box. */
extern const uint8_t c2pa_bmff_uuid[16];

/* Bytes of our 'uuid' box before the store: size, 'uuid', extended
 * type, version/flags, "manifest\0", the 8-byte merkle offset. */
#define C2PA_BMFF_BOX_HEADER (8 + 16 + 4 + 9 + 8)

/* True when the file starts with an 'ftyp' box (AVIF, HEIF, MP4...). */
bool c2pa_bmff_is(struct span asset);
/* "image/avif", "image/heic", "image/heif" or "video/mp4" by brand. */
const char *c2pa_bmff_media_type(struct span asset);

/*
 * The manifest store of the first top-level C2PA 'uuid' box whose
 * purpose is "manifest" (or "original"): *store is malloc'd. The box's
 * place in the file goes to *box_start / *box_len. ST_NOT_FOUND: none;
 * ST_MALFORMED / ST_TRUNCATED / ST_LIMIT with a diag naming the box.
 */
enum status c2pa_bmff_store_find(struct span asset, uint8_t **store, size_t *store_len,
                                 size_t *box_start, size_t *box_len, struct diag *d);

/* ---- the hash (hash_bmff.c) ---- */

/* One exclusions-map entry (§18.6.3), its xpath already parsed. */
#define C2PA_BMFF_XPATH_MAX 8   /* nodes in one xpath */
#define C2PA_BMFF_EXCL_PARTS 16 /* data or subset entries in one exclusion */
struct c2pa_bmff_excl {
    char node[C2PA_BMFF_XPATH_MAX][4];
    uint32_t index[C2PA_BMFF_XPATH_MAX]; /* 1-based, 0: any */
    size_t depth;
    bool has_length, has_version, has_flags, exact;
    uint64_t length;
    uint8_t version, flags[3];
    struct {
        uint64_t offset;
        struct span value;
    } data[C2PA_BMFF_EXCL_PARTS];
    size_t n_data;
    struct {
        uint64_t offset, length;
    } subset[C2PA_BMFF_EXCL_PARTS];
    size_t n_subset;
};

/* Parses "/moov[1]/pssh" into e (§18.6.2 strict subset). */
bool c2pa_bmff_xpath(const char *xpath, struct c2pa_bmff_excl *e);

/*
 * The BMFF hash of `asset` (§18.6.2): every byte but the boxes (or
 * subsets) the exclusions match; with version >= 2 each top-level box
 * not excluded whole is preceded by its offset as 8 bytes big-endian.
 * ST_MALFORMED / ST_TRUNCATED (diag) when the file is not a sequence
 * of well-formed boxes; ST_LIMIT past TS_LIMIT_BMFF_HASH_BOXES.
 */
enum status c2pa_bmff_hash(struct span asset, const struct c2pa_bmff_excl *ex, size_t n_ex,
                           int version, const EVP_MD *md, uint8_t *out, unsigned *out_len,
                           struct diag *d);

/*
 * Validates a c2pa.hash.bmff / .v2 / .v3 assertion (`payload`: its
 * CBOR bytes, empty when not CBOR) against the asset and adds
 * assertion.bmffHash.match / .mismatch / .malformed (or
 * algorithm.unsupported) to res. True when the asset was changed.
 */
bool c2pa_bmff_hash_check(struct span asset, struct span payload, const char *label,
                          const char *claim_alg, const char *url, struct c2pa_results *res);

/* ---- the signer's layout (bmff_store.c) ---- */

/*
 * Writes into o the asset with a zero-filled C2PA 'uuid' box of
 * `box_len` bytes (header included, purpose "manifest") right after
 * 'ftyp' (A.5.3: after ftyp, before mdat/moov), and every 'iloc'
 * offset into the file moved by box_len. *box_at: where the box is.
 * ST_UNSUPPORTED for a file we cannot shift safely (moov/moof: video
 * chunk offsets; external data references), or one that already has a
 * C2PA box; ST_LIMIT when a moved offset no longer fits its field.
 */
enum status c2pa_bmff_sign_layout(struct span asset, size_t box_len, struct buf *o, size_t *box_at,
                                  struct diag *d);

#endif
