/*
 * c2pa.h — the one header of the c2pa module: find a C2PA manifest
 * store in a photo (JPEG APP11, PNG caBX, WebP C2PA chunk, ISO-BMFF
 * uuid box, TIFF/DNG tag 0xCD41, GIF C2PA_GIF extension, SVG
 * c2pa:manifest, JPEG XL jumb box, sidecar .c2pa), read its JUMBF boxes, claims and assertions, and validate it
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

/* Every status code this validator reports, once: its name here, its
 * text (C2PA 2.2 §15.2.2, CAWG 1.1 §8) and its kind. The kind is the
 * spec's except where §15.8.2 makes time-stamp failures informational.
 * Validators compare codes as these enum values, never as strings. */
/* One row per line reads better than clang-format's layout of it. */
/* clang-format off */
#define C2PA_CODES(X) \
    X(ALGORITHM_UNSUPPORTED, "algorithm.unsupported", FAILURE) \
    X(ASSERTION_BMFF_HASH_MALFORMED, "assertion.bmffHash.malformed", FAILURE) \
    X(ASSERTION_BMFF_HASH_MATCH, "assertion.bmffHash.match", SUCCESS) \
    X(ASSERTION_BMFF_HASH_MISMATCH, "assertion.bmffHash.mismatch", FAILURE) \
    X(ASSERTION_BOXES_HASH_MALFORMED, "assertion.boxesHash.malformed", FAILURE) \
    X(ASSERTION_BOXES_HASH_MATCH, "assertion.boxesHash.match", SUCCESS) \
    X(ASSERTION_BOXES_HASH_MISMATCH, "assertion.boxesHash.mismatch", FAILURE) \
    X(ASSERTION_BOXES_HASH_UNKNOWN_BOX, "assertion.boxesHash.unknownBox", FAILURE) \
    X(ASSERTION_CBOR_INVALID, "assertion.cbor.invalid", FAILURE) \
    X(ASSERTION_DATA_HASH_MALFORMED, "assertion.dataHash.malformed", FAILURE) \
    X(ASSERTION_DATA_HASH_MATCH, "assertion.dataHash.match", SUCCESS) \
    X(ASSERTION_DATA_HASH_MISMATCH, "assertion.dataHash.mismatch", FAILURE) \
    X(ASSERTION_HASHED_URI_MATCH, "assertion.hashedURI.match", SUCCESS) \
    X(ASSERTION_HASHED_URI_MISMATCH, "assertion.hashedURI.mismatch", FAILURE) \
    X(ASSERTION_INGREDIENT_MALFORMED, "assertion.ingredient.malformed", FAILURE) \
    X(ASSERTION_MISSING, "assertion.missing", FAILURE) \
    X(ASSERTION_MULTIPLE_HARD_BINDINGS, "assertion.multipleHardBindings", FAILURE) \
    X(ASSERTION_REQUIRED_MISSING, "assertion.required.missing", FAILURE) \
    X(CAWG_ICA_DID_UNAVAILABLE, "cawg.ica.did_unavailable", FAILURE) \
    X(CAWG_ICA_INVALID_ALG, "cawg.ica.invalid_alg", FAILURE) \
    X(CAWG_ICA_INVALID_CONTENT_TYPE, "cawg.ica.invalid_content_type", FAILURE) \
    X(CAWG_ICA_INVALID_COSE_SIGN1, "cawg.ica.invalid_cose_sign1", FAILURE) \
    X(CAWG_ICA_INVALID_DID_DOCUMENT, "cawg.ica.invalid_did_document", FAILURE) \
    X(CAWG_ICA_INVALID_ISSUER, "cawg.ica.invalid_issuer", FAILURE) \
    X(CAWG_ICA_INVALID_VERIFIABLE_CREDENTIAL, "cawg.ica.invalid_verifiable_credential", FAILURE) \
    X(CAWG_ICA_SIGNATURE_MISMATCH, "cawg.ica.signature_mismatch", FAILURE) \
    X(CAWG_ICA_SIGNER_PAYLOAD_MISMATCH, "cawg.ica.signer_payload.mismatch", FAILURE) \
    X(CAWG_ICA_TIME_STAMP_INVALID, "cawg.ica.time_stamp.invalid", FAILURE) \
    X(CAWG_ICA_TIME_STAMP_VALIDATED, "cawg.ica.time_stamp.validated", SUCCESS) \
    X(CAWG_ICA_UNTRUSTED_ISSUER, "cawg.ica.untrusted_issuer", INFORMATIONAL) \
    X(CAWG_ICA_VALID_FROM_INVALID, "cawg.ica.valid_from.invalid", FAILURE) \
    X(CAWG_ICA_VALID_FROM_MISSING, "cawg.ica.valid_from.missing", FAILURE) \
    X(CAWG_ICA_VALID_UNTIL_INVALID, "cawg.ica.valid_until.invalid", FAILURE) \
    X(CAWG_IDENTITY_ASSERTION_DUPLICATE, "cawg.identity.assertion.duplicate", FAILURE) \
    X(CAWG_IDENTITY_ASSERTION_MISMATCH, "cawg.identity.assertion.mismatch", FAILURE) \
    X(CAWG_IDENTITY_CBOR_INVALID, "cawg.identity.cbor.invalid", FAILURE) \
    X(CAWG_IDENTITY_HARD_BINDING_MISSING, "cawg.identity.hard_binding_missing", FAILURE) \
    X(CAWG_IDENTITY_NOT_VALIDATED, "cawg.identity.not_validated", INFORMATIONAL) \
    X(CAWG_IDENTITY_PAD_INVALID, "cawg.identity.pad.invalid", FAILURE) \
    X(CAWG_IDENTITY_WELL_FORMED, "cawg.identity.well-formed", SUCCESS) \
    X(CAWG_IDENTITY_SIG_TYPE_UNKNOWN, "cawg.identity.sig_type.unknown", FAILURE) \
    X(CAWG_X509_ALGORITHM_UNSUPPORTED, "cawg.x509.algorithm.unsupported", FAILURE) \
    X(CAWG_X509_CREDENTIAL_INVALID, "cawg.x509.credential.invalid", FAILURE) \
    X(CAWG_X509_CREDENTIAL_UNTRUSTED, "cawg.x509.credential.untrusted", FAILURE) \
    X(CAWG_X509_SIGNATURE_MISMATCH, "cawg.x509.signature.mismatch", FAILURE) \
    X(CAWG_X509_SIGNATURE_OUTSIDE_VALIDITY, "cawg.x509.signature.outside_validity", FAILURE) \
    X(CAWG_X509_SIGNATURE_VALIDATED, "cawg.x509.signature.validated", SUCCESS) \
    X(CLAIM_CBOR_INVALID, "claim.cbor.invalid", FAILURE) \
    X(CLAIM_HARD_BINDINGS_MISSING, "claim.hardBindings.missing", FAILURE) \
    X(CLAIM_MISSING, "claim.missing", FAILURE) \
    X(CLAIM_SIGNATURE_INSIDE_VALIDITY, "claimSignature.insideValidity", SUCCESS) \
    X(CLAIM_SIGNATURE_MISMATCH, "claimSignature.mismatch", FAILURE) \
    X(CLAIM_SIGNATURE_MISSING, "claimSignature.missing", FAILURE) \
    X(CLAIM_SIGNATURE_OUTSIDE_VALIDITY, "claimSignature.outsideValidity", FAILURE) \
    X(CLAIM_SIGNATURE_VALIDATED, "claimSignature.validated", SUCCESS) \
    X(INGREDIENT_MANIFEST_MISMATCH, "ingredient.manifest.mismatch", FAILURE) \
    X(INGREDIENT_MANIFEST_MISSING, "ingredient.manifest.missing", FAILURE) \
    X(INGREDIENT_MANIFEST_VALIDATED, "ingredient.manifest.validated", SUCCESS) \
    X(INGREDIENT_UNKNOWN_PROVENANCE, "ingredient.unknownProvenance", INFORMATIONAL) \
    X(MANIFEST_COMPRESSED_INVALID, "manifest.compressed.invalid", FAILURE) \
    X(MANIFEST_MULTIPLE_PARENTS, "manifest.multipleParents", FAILURE) \
    X(MANIFEST_UPDATE_INVALID, "manifest.update.invalid", FAILURE) \
    X(MANIFEST_UPDATE_WRONG_PARENTS, "manifest.update.wrongParents", FAILURE) \
    X(SIGNING_CREDENTIAL_EXPIRED, "signingCredential.expired", FAILURE) \
    X(SIGNING_CREDENTIAL_INVALID, "signingCredential.invalid", FAILURE) \
    X(SIGNING_CREDENTIAL_OCSP_NOT_REVOKED, "signingCredential.ocsp.notRevoked", SUCCESS) \
    X(SIGNING_CREDENTIAL_OCSP_REVOKED, "signingCredential.ocsp.revoked", FAILURE) \
    X(SIGNING_CREDENTIAL_OCSP_SKIPPED, "signingCredential.ocsp.skipped", INFORMATIONAL) \
    X(SIGNING_CREDENTIAL_OCSP_UNKNOWN, "signingCredential.ocsp.unknown", FAILURE) \
    X(SIGNING_CREDENTIAL_TRUSTED, "signingCredential.trusted", SUCCESS) \
    X(SIGNING_CREDENTIAL_UNTRUSTED, "signingCredential.untrusted", FAILURE) \
    X(TIME_STAMP_MALFORMED, "timeStamp.malformed", INFORMATIONAL) \
    X(TIME_STAMP_MISMATCH, "timeStamp.mismatch", INFORMATIONAL) \
    X(TIME_STAMP_OUTSIDE_VALIDITY, "timeStamp.outsideValidity", INFORMATIONAL) \
    X(TIME_STAMP_TRUSTED, "timeStamp.trusted", SUCCESS) \
    X(TIME_STAMP_UNTRUSTED, "timeStamp.untrusted", INFORMATIONAL) \
    X(TIME_STAMP_VALIDATED, "timeStamp.validated", SUCCESS)

/* clang-format on */
enum c2pa_code {
    C2PA_CODE_NONE, /* no code (a check that passed), or one read from a file */
#define C2PA_CODE_ENUM(id, text, kind) C2PA_CODE_##id,
    C2PA_CODES(C2PA_CODE_ENUM)
#undef C2PA_CODE_ENUM
        C2PA_CODE_COUNT
};
/* The code's text ("claimSignature.validated"), NULL for NONE. */
const char *c2pa_code_text(enum c2pa_code c);
enum c2pa_kind c2pa_code_kind(enum c2pa_code c);

/* One status code with the JUMBF URL of what it is about. */
struct c2pa_status {
    enum c2pa_code id; /* the code below as data */
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

/* A named actor whose CAWG identity assertion validated (CAWG 1.1
 * §4): who, and the facts of how the identity was established (report.c
 * says them in words). Neither kind is trusted: tearsheet has no CAWG
 * trust lists (docs/c2pa.md, difference 2). Strings are from the file. */
enum c2pa_identity_kind {
    C2PA_IDENTITY_X509, /* cawg.x509.cose: the certificate's subject */
    C2PA_IDENTITY_ICA   /* cawg.identity_claims_aggregation: a verified identity */
};

struct c2pa_identity {
    char *name; /* "Jane Doe", a user name, an address or a URI */
    enum c2pa_identity_kind kind;
    char *org;      /* X.509: the subject's organisation, may be NULL */
    char *provider; /* ICA: the provider's name ("Instagram"), may be NULL */
    char *type;     /* ICA: the verified identity type ("cawg.social_media"), may be NULL */
};

struct c2pa_summary {
    char *signer_cn, *signer_org, *issuer_cn;
    char *when;         /* ISO 8601 UTC */
    bool when_from_tst; /* true: a time-stamp authority's time; false: signer's claim */
    char *tsa_name;
    char *generator; /* claim_generator_info name/version, joined */
    char *title, *format;
    char **action_ids; /* the c2pa.actions labels as signed: "c2pa.opened" */
    size_t n_action_ids;
    char **actions; /* the same in plain words, repeats folded: "opened" (report.c) */
    size_t n_actions;
    struct c2pa_ingredient_info *ingredients;
    size_t n_ingredients;
    char *alg;          /* "ES256" */
    int claim_version;  /* 1 or 2 */
    bool altered;       /* a hard binding did not match the asset */
    bool has_thumbnail; /* c2pa.thumbnail.claim: a picture of what was signed */
    /* named actors of cawg.identity assertions that validated (cawg.c) */
    struct c2pa_identity *identities;
    size_t n_identities;
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
    /* c2pa_verify_file: the sidecar (file name) the store was read
     * from; or a sidecar that was there but not read because the photo
     * carries its own store. NULL otherwise. */
    char *sidecar, *sidecar_ignored;
    /* No store in the file, but its XMP names one by URL
     * (dcterms:provenance, §11.3): reported, never fetched here. */
    char *remote_url;
    /* `verify --fetch`: the report is of the store fetched from
     * remote_url (c2pa_verify_sidecar on the fetched bytes). */
    bool remote_fetched;
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

/* ---- sidecars (sidecar.c) ----
 * A photo without an embedded store may have its manifest store in a
 * sidecar next to it: "photo.jpg" → "photo.c2pa" (same name, extension
 * .c2pa). When both exist the embedded store wins (as in c2pa-rs): it
 * is bound to the photo's own bytes, and the report says the sidecar
 * was not read. */

/* The sidecar path of `asset_path`; false when it does not fit. */
bool c2pa_sidecar_name(const char *asset_path, char *out, size_t outlen);
/* Validates `asset` (the photo; its hard binding is checked over the
 * photo's bytes) against the store in `sidecar`; a photo with its own
 * store is validated as c2pa_verify does. */
enum status c2pa_verify_sidecar(struct span asset, const char *name, struct span sidecar,
                                const struct c2pa_trust *trust, struct c2pa_report *out,
                                struct diag *d);
/* Reads `path` and validates it: its embedded store, else the sidecar
 * next to it (out->sidecar says so). ST_IO / ST_NOT_FOUND with a diag
 * when the file (or an existing sidecar) cannot be read. */
enum status c2pa_verify_file(const char *path, const struct c2pa_trust *trust,
                             struct c2pa_report *out, struct diag *d);

/* ---- building blocks, public for the fuzz targets and unit tests ---- */

/* Finds the raw JUMBF store bytes in an asset (locate.c: every format
 * above, or the whole sidecar). *store is owned (free()). ST_NOT_FOUND:
 * no store; ST_UNSUPPORTED: format we do not read. *excl_start and
 * *excl_len give the bytes a data hash excludes for the store (JPEG:
 * the run of C2PA APP11 segments; TIFF: the tag's value). */
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

/* ==== signer (sign.c, sign_keys.c, sign_store.c, jumbf_write.c) ====
 * A demo signing key with its certificate chain (`tearsheet keygen`),
 * and C2PA manifests embedded in the derivatives tearsheet publishes
 * (JPEG, WebP). Must never: write a private key readable by others,
 * overwrite an existing key, sign a file that already carries a
 * manifest store. Spec: C2PA 2.2 §10.2 claim v2, §13.2 and §14.5
 * COSE_Sign1 + certificate profile, §18.5 c2pa.hash.data, §18.14
 * actions v2, §18.15 ingredient v3, Appendix A.3.1 (JPEG APP11) and
 * A.3.6 (RIFF); docs/c2pa-sign.md. */
/* File names inside a key folder made by c2pa_keygen. */
#define C2PA_KEY_FILE "signing-key.pem"     /* PKCS#8 P-256 private key, mode 0600 */
#define C2PA_CHAIN_FILE "signing-chain.pem" /* leaf certificate, then the root */
#define C2PA_ANCHOR_FILE "trust-anchor.pem" /* the root, for verifiers' --trust */

/*
 * Makes DIR (mode 0700 when new) and a demo ES256 identity in it: a
 * self-signed root "tearsheet demo root CA — UNTRUSTED" (its private
 * key is thrown away, so it can never sign another certificate) and a
 * leaf with the C2PA claim-signing profile. Refuses (ST_USAGE) when
 * DIR already holds a key.
 */
enum status c2pa_keygen(const char *dir, struct diag *d);

#define C2PA_CSR_FILE "signing-request.csr" /* PKCS#10 request made by c2pa_keygen_csr */

/*
 * Makes DIR (0700 when new) with a P-256 key (C2PA_KEY_FILE, 0600) and
 * a PKCS#10 certificate request (C2PA_CSR_FILE) for the subject
 * CN=`name` (O=`org` when not NULL) asking for the claim-signer
 * profile (§14.5.1: keyUsage digitalSignature, extendedKeyUsage
 * c2pa-kp-claimSigning and emailProtection, cA false), for a CA to
 * sign. Refuses (ST_USAGE) when DIR already holds a key.
 */
enum status c2pa_keygen_csr(const char *dir, const char *name, const char *org, struct diag *d);

/* A loaded signing identity: private key + certificate chain. */
struct c2pa_signer;

/* Loads DIR/signing-key.pem and DIR/signing-chain.pem; checks that the
 * key is P-256 and matches the first certificate. */
enum status c2pa_signer_load(const char *dir, struct c2pa_signer **out, struct diag *d);

/* The photographer's own identity (site.yaml `signing:`): either a PEM
 * key and a PEM chain (leaf first; intermediates, and the root if
 * wanted, in any order), or one PKCS#12 file. `password` unlocks an
 * encrypted PEM key or the PKCS#12 file (NULL: none); it is read by
 * the caller from a file or the environment and never kept. */
struct c2pa_signer_files {
    const char *key, *chain;
    const char *pkcs12;
    const char *password;
};
enum status c2pa_signer_load_files(const struct c2pa_signer_files *f, struct c2pa_signer **out,
                                   struct diag *d);
void c2pa_signer_free(struct c2pa_signer *s);
/* SHA-256 (hex) of the leaf certificate: changes when the key does, so
 * build caches can include it in their keys. */
const char *c2pa_signer_fingerprint(const struct c2pa_signer *s);

/* What a validator will make of the identity, found by
 * c2pa_signer_check before anything is signed. */
struct c2pa_signer_facts {
    char signer[256];  /* the leaf's CN (and O) */
    char anchor[256];  /* the CA a verifier must trust: the chain's root, or
                        * the issuer of its last certificate */
    char expires[32];  /* the leaf's notAfter, "YYYY-MM-DD" */
    bool demo;         /* made by `tearsheet keygen` (untrusted by design) */
    bool site_trusts;  /* chains to the anchors passed (site.yaml trust:) */
};
/*
 * Checks the identity against what a C2PA validator requires of a claim
 * signer (§14.5.1: v3, keyUsage digitalSignature, an allowed EKU, not a
 * CA; §14.5.1.1 for the intermediates; valid now) and fills *f.
 * ST_CONFIG with the reason when a verifier would reject the signature.
 * `trust` may be NULL.
 */
enum status c2pa_signer_check(const struct c2pa_signer *s, const struct c2pa_trust *trust,
                              struct c2pa_signer_facts *f, struct diag *d);
/* The plain sentence a photographer reads before a build: who signs,
 * what verifiers will show (Trusted for those trusting the anchor,
 * else Valid, untrusted), until when, and whether time-stamps keep the
 * credentials valid after that (report.c). */
enum status c2pa_signer_describe(const struct c2pa_signer_facts *f, const char *tsa_name,
                                 struct buf *out);

/*
 * RFC 3161 time-stamps (§10.3.2.5, sigTst2). The c2pa module never
 * touches the network: `post` sends a DER TimeStampReq to the
 * authority and returns its DER TimeStampResp in *resp (malloc'd).
 */
typedef enum status (*c2pa_tsa_post_fn)(void *ctx, const uint8_t *req, size_t req_len,
                                        uint8_t **resp, size_t *resp_len, struct diag *d);
/*
 * From now on every signature of `s` carries a time-stamp token from
 * this authority. Asks it once now (a probe digest): a refusal, a token
 * that does not verify or whose TSA certificate may not time-stamp is
 * ST_CONFIG; the token's size sets the room kept for every later one.
 * `tsa_name` (may be NULL) receives the TSA certificate's CN.
 */
enum status c2pa_signer_set_tsa(struct c2pa_signer *s, c2pa_tsa_post_fn post, void *ctx,
                                char *tsa_name, size_t tsa_name_len, struct diag *d);

/* One validation status entry (spec §15.2.2: code, url, explanation). */
struct c2pa_sign_code {
    const char *code;
    const char *url;         /* may be NULL */
    const char *explanation; /* may be NULL */
};
/* What a validator found in the original's active manifest; it becomes
 * the ingredient's validationResults.activeManifest (§18.15: required
 * when an ingredient references a manifest). */
struct c2pa_sign_results {
    const struct c2pa_sign_code *success, *informational, *failure;
    size_t n_success, n_informational, n_failure;
};

/* What one derivative's manifest says. */
struct c2pa_sign_input {
    struct span original;        /* the original photo's bytes */
    /* SHA-256 of `original` (its ingredient's instanceID), for a caller
     * signing several derivatives of one original; NULL: hashed here. */
    const uint8_t *original_sha256;
    const char *original_title;  /* its file name, e.g. "kim-01.jpg" */
    const char *original_format; /* its media type, e.g. "image/jpeg" */
    /* The original's own manifest store (raw JUMBF, as found by
     * c2pa_sign_find_store) or an empty span, and what a validator
     * (`tearsheet verify`) said about it. With both, the store's
     * manifests are copied unchanged into the new store and the
     * ingredient references the active one. A store without results is
     * not carried: an ingredient v3 must say how its manifest validated,
     * and we do not write results nobody computed. */
    struct span original_store;
    const struct c2pa_sign_results *original_results;
    struct span asset;          /* the derivative, JPEG or WebP, without a store */
    const char *title;          /* the derivative's dc:title (its file name) */
    const char *generator_name; /* claim_generator_info.name, e.g. "tearsheet" */
    const char *generator_version;
    /* Hard binding: false (default) c2pa.hash.data with one exclusion;
     * true c2pa.hash.boxes (§18.7): the boxes before the store, the
     * "C2PA" box, the boxes after it, each run with one hash. */
    bool box_hash;
    /* true: *out is the manifest store alone, for a sidecar next to the
     * unchanged asset ("photo.c2pa", §11.4); the data hash then covers
     * every byte of the asset (its one exclusion is empty). */
    bool sidecar;
    /* A DER OCSPResponse about the signing certificate to staple in the
     * COSE unprotected header (§14.5.2 rVals), or an empty span. */
    struct span ocsp_response;
    /* Non-NULL: an update manifest (C2PA "Update Manifests") on
     * `asset`, a JPEG that already has a store (`original_store`,
     * validated as `original_results`; `original` is the same file):
     * no hard binding, one parentOf ingredient (the store's active
     * manifest), and this one action. The spec allows
     * c2pa.edited.metadata (a caption correction), c2pa.opened,
     * c2pa.published and c2pa.redacted; the signer writes what it is
     * given, a validator reports any other as manifest.update.invalid. */
    const char *update_action;
};

/*
 * Returns in *out (malloc'd) the derivative with a manifest store:
 * JPEG — APP11 segments after SOI and the APP0/APP1 run; WebP — a C2PA
 * chunk at the end (a VP8X header is added to a simple file); GIF,
 * JPEG XL, SVG, TIFF — where c2pa-rs puts it (sign_place.c). The
 * manifest: claim v2, c2pa.ingredient.v3 (parentOf the original),
 * c2pa.actions.v2 (opened, resized, converted when the format
 * changed), c2pa.hash.data; COSE_Sign1 ES256 with x5chain, and a
 * sigTst2 time-stamp token when the signer has an authority
 * (c2pa_signer_set_tsa).
 */
enum status c2pa_sign(const struct c2pa_signer *s, const struct c2pa_sign_input *in, uint8_t **out,
                      size_t *out_len, struct diag *d);

/*
 * Finds the C2PA manifest store embedded in a JPEG (APP11, reassembled),
 * WebP (C2PA chunk), ISO-BMFF, TIFF/DNG, GIF, SVG or JPEG XL original.
 * ST_NOT_FOUND when there is none; *store is malloc'd — free it. Only the outer box is checked here: the
 * reader validates the rest.
 */
enum status c2pa_sign_find_store(struct span file, uint8_t **store, size_t *len, struct diag *d);

/* The media type of a photo by its first bytes ("image/jpeg", "image/png",
 * "image/webp", "image/tiff", else "application/octet-stream"), for
 * dc:format. */
const char *c2pa_sign_media_type(struct span file);

#endif
