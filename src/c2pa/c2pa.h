/*
 * c2pa.h — the one header of the c2pa module: find a C2PA manifest
 * store in a photo (JPEG APP11, PNG caBX, WebP C2PA chunk, sidecar
 * .c2pa), read its JUMBF boxes, claims and assertions, and validate it
 * (hashed URIs, hard bindings, COSE_Sign1 claim signature, RFC 3161
 * time-stamps, certificate profile and trust) into a report of the
 * spec's status codes. The signer half lives at the end of this header.
 *
 * Must never: re-encode CBOR before hashing or verifying it (hash the
 * stored bytes); trust a box length, CBOR length or certificate field;
 * recurse without a depth cap; touch the network (OCSP, remote
 * manifests are reported, not fetched); link vips or sqlite.
 *
 * Specs: C2PA Technical Specification 2.2 §8.4 (hashed URIs), §9.2
 * and §18.5–18.7 (hard bindings), §10 (claims), §11.1 (JUMBF), §13–14
 * (COSE, certificate profile, trust), §15 (validation, status codes);
 * ISO/IEC 19566-5 (JUMBF); RFC 9052 (COSE); RFC 3161 (time-stamps).
 */
#ifndef TS_C2PA_H
#define TS_C2PA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* ==== reader / validator ============================================ */

/* §15.2.2: every result is one of these three kinds. */
enum c2pa_kind { C2PA_SUCCESS, C2PA_INFORMATIONAL, C2PA_FAILURE };

/* One status code with the JUMBF URL of what it is about. */
struct c2pa_status {
    char *code;        /* "claimSignature.validated" */
    char *url;         /* "self#jumbf=/c2pa/<label>/c2pa.signature", may be NULL */
    char *explanation; /* plain words, may be NULL */
};

struct c2pa_status_list {
    struct c2pa_status *items;
    size_t n, cap;
};

/* The three lists of one manifest (§15.2.2 "validation results"). */
struct c2pa_results {
    struct c2pa_status_list success, informational, failure;
};

/* Results of an ingredient's own manifest (§15.11 ingredientDeltas). */
struct c2pa_delta {
    char *ingredient_uri;
    struct c2pa_results results;
};

/* Overall outcome (§15.3): Invalid beats Valid beats Trusted. */
enum c2pa_state { C2PA_STATE_NONE, C2PA_STATE_INVALID, C2PA_STATE_VALID, C2PA_STATE_TRUSTED };

/* Plain-words summary for people; every string is from the file
 * (escape it where it is written). NULL when absent. */
struct c2pa_ingredient_info {
    char *title;
    char *relationship;   /* parentOf, componentOf, inputTo */
    char *manifest_label; /* the ingredient's own manifest, when it has one */
};

struct c2pa_summary {
    char *signer_cn, *signer_org, *issuer_cn;
    char *when;         /* ISO 8601 UTC */
    bool when_from_tst; /* true: a time-stamp authority's time; false: signer's claim */
    char *tsa_name;
    char *generator; /* claim_generator_info name/version, joined */
    char *title, *format;
    char **actions; /* plain words: "opened", "resized" */
    size_t n_actions;
    struct c2pa_ingredient_info *ingredients;
    size_t n_ingredients;
    char *alg;          /* "ES256" */
    int claim_version;  /* 1 or 2 */
    bool altered;       /* a hard binding did not match the asset */
    bool has_thumbnail; /* c2pa.thumbnail.claim: a picture of what was signed */
};

struct c2pa_report {
    const char *format; /* "image/jpeg"...; NULL when unsupported */
    bool has_manifest;
    char *error;     /* why no manifest could be read (NULL when it was) */
    bool unreadable; /* a store is there but could not be read: the
                      * photo claims credentials it cannot prove */
    enum c2pa_state state;
    char *active_label;
    size_t manifest_count;
    struct c2pa_results active;
    struct c2pa_delta *deltas;
    size_t n_deltas;
    struct c2pa_summary summary;
};

/* Trust anchors (PEM bundle of root/intermediate CA certificates). */
struct c2pa_trust;
/* Reads a PEM bundle; ST_IO / ST_MALFORMED (diag says which) on error. */
enum status c2pa_trust_load(const char *pem_path, struct c2pa_trust **out, struct diag *d);
void c2pa_trust_free(struct c2pa_trust *t);

/*
 * Validates the manifest store of one asset. `name` is used to detect a
 * sidecar (".c2pa"); `trust` may be NULL (then the best state is
 * Valid). A file without a store: ST_OK, has_manifest false, `error`
 * says why ("no content credentials", "unsupported format").
 * ST_NOMEM is the only hard failure; a broken store is a report with
 * failure codes, not an error.
 */
enum status c2pa_verify(struct span asset, const char *name, const struct c2pa_trust *trust,
                        struct c2pa_report *out, struct diag *d);
void c2pa_report_free(struct c2pa_report *r);

const char *c2pa_state_str(enum c2pa_state s); /* "Invalid", "Valid", "Trusted", NULL */

/* Plain-words account of a report for a terminal (one paragraph per
 * topic); strings from the file are control-character-free. */
enum status c2pa_report_describe(const struct c2pa_report *r, struct buf *out);

/* ---- building blocks, public for the fuzz targets and unit tests ---- */

/* Finds the raw JUMBF store bytes in an asset (JPEG APP11 reassembly,
 * PNG caBX, WebP C2PA, or the whole sidecar). *store is owned (free()).
 * ST_NOT_FOUND: no store; ST_UNSUPPORTED: format we do not read. For a
 * JPEG, *excl_start and *excl_len give the run of C2PA APP11 segments. */
enum status c2pa_store_find(struct span asset, const char *name, uint8_t **store, size_t *store_len,
                            const char **format, size_t *excl_start, size_t *excl_len,
                            struct diag *d);

/* A parsed JUMBF box tree (ISO 19566-5), nodes referring into the input. */
struct c2pa_jumbf;
enum status c2pa_jumbf_parse(struct span in, struct c2pa_jumbf **out, struct diag *d);
void c2pa_jumbf_free(struct c2pa_jumbf *j);
size_t c2pa_jumbf_count(const struct c2pa_jumbf *j);

/* Checks that `in` is one well-formed CBOR item within the depth,
 * item-count and length limits of limits.h, before libcbor sees it. */
enum status c2pa_cbor_check(struct span in, struct diag *d);

/* Parses a COSE_Sign1_Tagged structure (tag 18) and its headers;
 * ST_OK when the structure and algorithm are acceptable. */
enum status c2pa_cose_check(struct span in, struct diag *d);

/* ==== signer (see sign.c) =========================================== */
/* Reserved for the signer engineer: declarations of sign.c and the
 * other sign files and jumbf_write.c go here. */

#endif
