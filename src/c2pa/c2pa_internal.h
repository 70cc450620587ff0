/*
 * c2pa_internal.h — declarations shared by the files of the c2pa
 * module only (JUMBF tree, CBOR helpers, COSE, report lists).
 *
 * Must never: be included outside src/c2pa.
 */
#ifndef TS_C2PA_INTERNAL_H
#define TS_C2PA_INTERNAL_H

#include <cbor.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "c2pa/c2pa.h"

/* ---- where the store is (locate.c) ---- */
/* A store's place in its asset: the byte ranges a data hash must
 * exclude exactly (§15.12.1.2), in file order. */
struct c2pa_store_loc {
    const char *format; /* media type; NULL for a format we do not know */
    bool embedded;      /* inside the asset, so an exclusion must be exact */
    struct {
        size_t start, len;
    } excl[2]; /* TIFF: the 0xCD41 entry's count field, then its value */
    size_t n_excl;
};
/* c2pa_store_find with every exclusion; *store owned (free()). */
enum status c2pa_store_locate(struct span asset, const char *name, uint8_t **store,
                              size_t *store_len, struct c2pa_store_loc *loc, struct diag *d);

/* The dcterms:provenance URL in the asset's XMP (remote.c), malloc'd,
 * or NULL. */
char *c2pa_remote_url(struct span asset);

/* ---- JUMBF tree (jumbf.c) ---- */
#define JUMBF_NONE SIZE_MAX
struct jumbf_node {
    char type[5];        /* "jumb", "jumd", "cbor", "json", "bidb"... */
    struct span box;     /* the whole box, header included */
    struct span payload; /* after LBox/TBox(/XLBox) */
    size_t offset;       /* of the box within the store */
    /* superboxes only: from their jumd description box */
    uint8_t uuid[16];
    char label[256];
    bool has_label;
    size_t parent, first_child, next_sibling;
};
struct c2pa_jumbf {
    struct jumbf_node *nodes;
    size_t n;
    /* compressed manifests (compressed.c): the decompressed bytes the
     * grafted nodes point into, and why the last one failed */
    uint8_t **owned;
    size_t n_owned, expanded_bytes;
    char compressed_error[160];
};
/* Superbox child with the given label (unique), or JUMBF_NONE. */
size_t jumbf_child(const struct c2pa_jumbf *j, size_t parent, const char *label, bool *dup);
/* First content box (not jumd) of a superbox, or JUMBF_NONE. */
size_t jumbf_content(const struct c2pa_jumbf *j, size_t super);
/* Next content box after `node`. */
size_t jumbf_next_content(const struct c2pa_jumbf *j, size_t node);
/* The 4cc prefix of a superbox's type UUID ("c2ma"). */
bool jumbf_uuid_is(const struct jumbf_node *n, const char *fourcc);
/* Resolves "self#jumbf=..." (absolute, or relative to `manifest`). */
size_t jumbf_resolve(const struct c2pa_jumbf *j, size_t manifest, const char *url);

/* ---- CBOR (cborx.c) ---- */
/* c2pa_cbor_check, then cbor_load; NULL with diag on error. */
cbor_item_t *cborx_load(struct span in, struct diag *d);
cbor_item_t *cborx_get(const cbor_item_t *map, const char *key);
cbor_item_t *cborx_get_int(const cbor_item_t *map, int64_t key);
/* Owned NUL-terminated copy of a text string (NULL otherwise). */
char *cborx_str(const cbor_item_t *it);
bool cborx_bytes(const cbor_item_t *it, struct span *out);
bool cborx_int(const cbor_item_t *it, int64_t *out);
/* The stored bytes of the value under text `key` in the CBOR map
 * `in` (checked like c2pa_cbor_check); ST_NOT_FOUND without it. */
enum status cborx_map_value(struct span in, const char *key, struct span *out, struct diag *d);
/* Appends a CBOR head (major type, argument) to b. */
enum status cborx_put_head(struct buf *b, unsigned major, uint64_t arg);

/* ---- COSE (cose.c) ---- */
struct cose_sign1 {
    int64_t alg;
    struct span protected_bytes; /* the bstr content, as stored */
    struct span signature;
    STACK_OF(X509) * chain; /* leaf first */
    struct span tst[4];     /* time-stamp tokens (DER) */
    size_t n_tst;
    struct span ocsp[TS_LIMIT_C2PA_OCSP_RESPONSES]; /* rVals.ocspVals (DER) */
    size_t n_ocsp;
    bool ocsp_malformed; /* an rVals header that is not {ocspVals: [bstr]} */
    bool tst_v2; /* sigTst2: imprint over the signature */
    bool has_iat;
    int64_t iat;
    cbor_item_t *root;
};
enum status cose_parse(struct span in, struct cose_sign1 *out, struct diag *d);
void cose_free(struct cose_sign1 *c);
const char *cose_alg_name(int64_t alg);
/* ST_OK: signature valid; ST_MALFORMED: mismatch; ST_UNSUPPORTED: alg. */
enum status cose_verify(const struct cose_sign1 *c, struct span payload, struct diag *d);
/* The same with a key found elsewhere (a CAWG issuer's DID key). */
enum status cose_verify_key(const struct cose_sign1 *c, EVP_PKEY *key, struct span payload,
                            struct diag *d);
/* Reads sigTst2 (else sigTst) time-stamp tokens of an unprotected header. */
void cose_find_tst(struct cose_sign1 *c, const cbor_item_t *unprot);
/* ---- time-stamps (timestamp.c) ---- */
struct tst_result {
    bool validated;   /* signature and imprint hold: timeStamp.validated */
    bool trusted;     /* and the TSA is trusted at genTime: timeStamp.trusted */
    enum c2pa_code code; /* else the informational timeStamp.* code */
    char message[160];
    time_t gen_time;
    char *tsa_name; /* owned; TSA certificate CN */
};
/* Checks one token over `tbs` (§15.8.2). TSA anchors: `anchors` (may be
 * NULL); `legacy` (claim v1) also lets the token's own CAs anchor. */
enum status tst_token_verify(struct span tok, struct span tbs, X509_STORE *anchors, bool legacy,
                             struct tst_result *r);
void tst_result_free(struct tst_result *r);
/* The claim signature's time-stamp: ST_NOT_FOUND when there is none,
 * else ST_OK with the verdict in *r (ST_NOMEM on allocation failure). */
enum status cose_tst_check(const struct cose_sign1 *c, struct span payload, X509_STORE *anchors,
                           bool legacy, struct tst_result *r);

/* ---- stapled OCSP (ocsp.c) ---- */
enum ocsp_verdict { OCSP_NONE, OCSP_NOT_REVOKED, OCSP_REVOKED, OCSP_UNKNOWN };
struct ocsp_result {
    enum ocsp_verdict verdict; /* OCSP_NONE: nothing usable was stapled */
    char message[200];         /* why (also for OCSP_NONE when something was stapled) */
};
/* §15.9.1: the stapled responses of `c` for its signing certificate;
 * responders must chain to `anchors` (the signer trust anchors, may be
 * NULL); `attested` is the trusted time-stamp's time or NULL. */
enum status ocsp_check_stapled(const struct cose_sign1 *c, X509_STORE *anchors,
                               const time_t *attested, struct ocsp_result *r);

/* ---- report lists (report.c) ---- */
/* Adds `code` to the list its kind names (c2pa.h's C2PA_CODES). */
enum status results_add(struct c2pa_results *r, enum c2pa_code code, const char *url,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void results_free(struct c2pa_results *r);
/* summary.actions from summary.action_ids: the words a reader sees
 * (the only place action labels become English). */
enum status report_action_words(struct c2pa_summary *s);
bool results_has(const struct c2pa_status_list *l, enum c2pa_code code);
/* codes.c: a code read from a file (recorded results) by its text;
 * C2PA_CODE_NONE when it is not one we report. */
enum c2pa_code c2pa_code_of(const char *text);
/* Which specification a code comes from, and for CAWG which family:
 * the state rules treat them apart (validate.c set_state). */
enum c2pa_family {
    C2PA_FAMILY_C2PA,
    C2PA_FAMILY_CAWG_IDENTITY, /* cawg.identity.* */
    C2PA_FAMILY_CAWG_X509,     /* cawg.x509.* */
    C2PA_FAMILY_CAWG_ICA       /* cawg.ica.* */
};
enum c2pa_family c2pa_code_family(enum c2pa_code c);

/* ---- CAWG identity assertions (cawg.c) ---- */
/* Validates every cawg.identity assertion the claim of `manifest`
 * lists, adding cawg.* codes to `res`; names validated identities in
 * `summary` (NULL for ingredient manifests). An identity assertion that
 * does not decode makes the manifest unloadable, as in c2pa-rs:
 * assertion.required.missing in `store_res` (the active manifest's
 * list, whichever manifest it is) and no further identity checks. */
void cawg_validate(const struct c2pa_jumbf *j, size_t manifest, const cbor_item_t *claim,
                   struct c2pa_results *res, struct c2pa_results *store_res,
                   struct c2pa_summary *summary);
/* A cawg.* failure that does not make the manifest Invalid (c2pa-rs
 * 0.92: identity and X.509 credential codes; cawg.ica.* do). */
bool cawg_failure_tolerated(const struct c2pa_status *s);

struct c2pa_trust {
    X509_STORE *store;
    size_t n;
};

/* ---- certificate profile (cert_profile.c) ---- */
/* NULL when a signing certificate meets C2PA 2.2 §14.5.1 (CAWG §7.2.2
 * applies the same profile to X.509 identities). */
const char *c2pa_cert_profile_problem(X509 *x);
/* §14.5.1.1 for x5chain certificates after the leaf (each issues the
 * one before it): false with the reason in why when one fails. */
bool cert_chain_profile(STACK_OF(X509) * chain, char *why, size_t whylen);
/* Whether chain[0] chains, through chain[1..], to an anchor of `store`
 * at time `at` (an anchor may be an intermediate). Used by the
 * validator and by the signer's pre-build check. */
bool cert_chain_trusted(X509_STORE *store, STACK_OF(X509) * chain, time_t at);

/* ---- compressed manifests (compressed.c, jumbf.c) ---- */
/* The JUMBF tree of a store as stored (jumbf.c); c2pa_jumbf_parse
 * (compressed.c) is this, then §11.2.4 / §15.5.4: the brob content of
 * every c2cm manifest replaced by the decompressed manifest's boxes (the
 * c2cm node keeps its compressed payload, which is what hashed URIs
 * cover, and takes the inner manifest's type). One that cannot be
 * expanded stays c2cm, with the reason in j->compressed_error. */
enum status jumbf_parse_tree(struct span in, struct c2pa_jumbf **out, struct diag *d);
/* Parses `bytes` (owned by j from now on, even on error) as the single
 * manifest superbox that the c2cm manifest `node` holds, and links its
 * boxes under `node`. ST_MALFORMED: not a manifest with node's label. */
enum status jumbf_graft(struct c2pa_jumbf *j, size_t node, uint8_t *bytes, size_t len,
                        struct diag *d);

/* ---- general box hash (hash_boxes.c) ---- */
/* "sha256", "sha384", "sha512" (§13.1); NULL for anything else. */
const EVP_MD *md_by_name(const char *alg);
/* One box of an asset as §18.7.3 names it ("SOI", "APP1", "IHDR",
 * "C2PA" for the whole store, "c2pa.after" for bytes past the end). */
struct boxes_box {
    char name[16];
    size_t start, len;
};
struct boxes_map {
    struct boxes_box *b;
    size_t n, cap;
};
/* The boxes of a JPEG, PNG or WebP in file order; ST_UNSUPPORTED for
 * other formats, ST_MALFORMED/ST_TRUNCATED with a diag. */
enum status boxes_map_build(struct span asset, const char *format, struct boxes_map *out,
                            struct diag *d);
void boxes_map_free(struct boxes_map *m);
/* §15.12.3: checks a c2pa.hash.boxes assertion (its CBOR payload) and
 * adds assertion.boxesHash.match or one failure code to res; true when
 * the asset was changed (mismatch or unknown box). */
bool boxes_hash_check(struct span asset, const char *format, struct span payload,
                      const char *claim_alg, const char *url, struct c2pa_results *res);

#endif
