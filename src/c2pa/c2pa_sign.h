/*
 * c2pa_sign.h — the signer half of the c2pa module: a demo signing key
 * with its certificate chain (`tearsheet keygen`), and C2PA manifests
 * embedded in the derivatives tearsheet publishes (JPEG, WebP).
 *
 * NOTE FOR THE MERGE: this header is temporary. The lead folds these
 * declarations into src/c2pa/c2pa.h (owned by the reader/validator)
 * and deletes this file; nothing else may include it by then.
 *
 * Must never: write a private key readable by others, overwrite an
 * existing key, sign a file that already carries a manifest store, or
 * produce a file whose bytes outside the manifest differ from the
 * derivative it was given (JPEG) / from its RIFF rewrite (WebP).
 *
 * Spec: C2PA Technical Specification 2.2 — §10.2 claim v2, §13.2 and
 * §14.5 COSE_Sign1 + certificate profile, §18.5 c2pa.hash.data,
 * §18.14 actions v2, §18.15 ingredient v3, Appendix A.3.1 (JPEG APP11)
 * and A.3.6 (RIFF); ISO/IEC 19566-5 (JUMBF); RFC 9052 (COSE), RFC 9360
 * (x5chain). Details in docs/c2pa-sign.md and ../shared/notes/c2pa.md.
 */
#ifndef TS_C2PA_SIGN_H
#define TS_C2PA_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

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

/* A loaded signing identity: private key + certificate chain. */
struct c2pa_signer;

/* Loads DIR/signing-key.pem and DIR/signing-chain.pem; checks that the
 * key is P-256 and matches the first certificate. */
enum status c2pa_signer_load(const char *dir, struct c2pa_signer **out, struct diag *d);
void c2pa_signer_free(struct c2pa_signer *s);
/* SHA-256 (hex) of the leaf certificate: changes when the key does, so
 * build caches can include it in their keys. */
const char *c2pa_signer_fingerprint(const struct c2pa_signer *s);

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
};

/*
 * Returns in *out (malloc'd) the derivative with a manifest store:
 * JPEG — APP11 segments after SOI and the APP0/APP1 run; WebP — a C2PA
 * chunk at the end (a VP8X header is added to a simple file). The
 * manifest: claim v2, c2pa.ingredient.v3 (parentOf the original),
 * c2pa.actions.v2 (opened, resized, converted when the format
 * changed), c2pa.hash.data; COSE_Sign1 ES256 with x5chain; no
 * time-stamp (we sign offline).
 */
enum status c2pa_sign(const struct c2pa_signer *s, const struct c2pa_sign_input *in, uint8_t **out,
                      size_t *out_len, struct diag *d);

/*
 * Finds the C2PA manifest store embedded in a JPEG (APP11, reassembled)
 * or WebP (C2PA chunk). ST_NOT_FOUND when there is none; *store is
 * malloc'd (JPEG) — free it. Only the outer box is checked here: the
 * reader validates the rest.
 */
enum status c2pa_sign_find_store(struct span file, uint8_t **store, size_t *len, struct diag *d);

/* The media type of a photo by its first bytes ("image/jpeg", "image/png",
 * "image/webp", "image/tiff", else "application/octet-stream"), for
 * dc:format. */
const char *c2pa_sign_media_type(struct span file);

#endif
