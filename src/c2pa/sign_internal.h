/*
 * sign_internal.h — shared by the signer's files only (sign*.c,
 * cbor_write.c, jumbf_write.c): a sticky output buffer, the CBOR and
 * JUMBF writers, and the JPEG APP11 splitter (exposed for unit tests).
 *
 * Must never: be included from outside src/c2pa or by the reader.
 */
#ifndef TS_C2PA_SIGN_INTERNAL_H
#define TS_C2PA_SIGN_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/base.h"
#include "c2pa/c2pa.h"

/* The loaded identity (sign_keys.c). */
#define C2PA_SIGN_MAX_CHAIN 8
struct c2pa_signer {
    EVP_PKEY *key;
    /* DER certificates for x5chain: the leaf, then intermediates; never
     * a self-signed root (spec §14.5: the verifier brings its anchors). */
    uint8_t *der[C2PA_SIGN_MAX_CHAIN];
    size_t der_len[C2PA_SIGN_MAX_CHAIN];
    size_t n_der;
    char fingerprint[65];
    /* every certificate given, leaf first, each followed by its issuer
     * (the root too, when given): what c2pa_signer_check looks at */
    STACK_OF(X509) *certs;
    /* time-stamp authority (c2pa_signer_set_tsa); post NULL: none */
    c2pa_tsa_post_fn tsa_post;
    void *tsa_ctx;
    size_t tst_probe_len; /* the first token's size */
    size_t tst_room;      /* bytes kept in every signature for token + pad */
};
/* ---- sign_tst.c: RFC 3161 tokens for sigTst2 ---------------------- */
/* Room beyond the first token's size: a "pad" bstr's 3-byte head and
 * at least 256 bytes of pad (so the head stays 3 bytes), up to 512
 * when a later token is no longer than the first. */
#define C2PA_TST_SLACK (3 + 512)
/* Asks the signer's authority for a token over `data` (the COSE
 * countersignature structure); *tok is malloc'd (the TimeStampToken). */
enum status c2pa_sign_tst_get(const struct c2pa_signer *s, const uint8_t *data, size_t len,
                              uint8_t **tok, size_t *tok_len, struct diag *d);
/* diag_set with OpenSSL's first queued error after `what` (the queue
 * is cleared); returns st. */
enum status c2pa_sign_ssl_fail(struct diag *d, const char *field, enum status st,
                               const char *what);
/* ES256 over msg: raw r||s, 64 bytes (RFC 9053 §2.1), not DER. */
enum status c2pa_sign_es256(const struct c2pa_signer *s, const uint8_t *msg, size_t len,
                            uint8_t sig[64], struct diag *d);

/* The largest manifest store we write or carry along: real ones with
 * thumbnails are 100-300 KB; 16 MB stops a hostile original's store
 * from being copied into every derivative. */
#define C2PA_SIGN_MAX_STORE ((size_t)16 << 20)

/* A capped buffer whose first failure sticks: writers call on without
 * checking each append, and the status is read once at the end. */
struct c2pa_sign_out {
    struct buf b;
    enum status st;
};
void c2pa_sign_out_init(struct c2pa_sign_out *o, size_t max);
void c2pa_sign_out_free(struct c2pa_sign_out *o);
void c2pa_sign_out_raw(struct c2pa_sign_out *o, const void *p, size_t n);
void c2pa_sign_out_fail(struct c2pa_sign_out *o, enum status st);
static inline const uint8_t *c2pa_sign_out_bytes(const struct c2pa_sign_out *o)
{
    return (const uint8_t *)o->b.data;
}

/* ---- cbor_write.c: deterministic CBOR (RFC 8949 §4.2.1) ----------- */

void c2pa_sign_cbor_head(struct c2pa_sign_out *o, unsigned major, uint64_t v);
void c2pa_sign_cbor_uint(struct c2pa_sign_out *o, uint64_t v);
void c2pa_sign_cbor_int(struct c2pa_sign_out *o, int64_t v);
void c2pa_sign_cbor_text(struct c2pa_sign_out *o, const char *s);
void c2pa_sign_cbor_bytes(struct c2pa_sign_out *o, const void *p, size_t n);
void c2pa_sign_cbor_zeros(struct c2pa_sign_out *o, size_t n); /* a bstr of n zero bytes */
void c2pa_sign_cbor_array(struct c2pa_sign_out *o, size_t n);
void c2pa_sign_cbor_null(struct c2pa_sign_out *o);
void c2pa_sign_cbor_tag(struct c2pa_sign_out *o, uint64_t tag);

/*
 * A map whose entries are written in any order and come out sorted by
 * their encoded keys (core deterministic encoding), so the bytes never
 * depend on the order the code happens to fill them in.
 */
#define C2PA_SIGN_CBOR_MAP_MAX 16
struct c2pa_sign_cbor_map {
    size_t n;
    size_t max;
    enum status st;
    struct {
        struct c2pa_sign_out key, val;
    } e[C2PA_SIGN_CBOR_MAP_MAX];
};
void c2pa_sign_cbor_map_begin(struct c2pa_sign_cbor_map *m, size_t max);
/* The writer for the value of a new entry (never NULL: on overflow a
 * scratch writer whose failure is reported by _end). */
struct c2pa_sign_out *c2pa_sign_cbor_map_text(struct c2pa_sign_cbor_map *m, const char *key);
struct c2pa_sign_out *c2pa_sign_cbor_map_int(struct c2pa_sign_cbor_map *m, int64_t key);
/* Writes the sorted map into dst and frees the entries. */
void c2pa_sign_cbor_map_end(struct c2pa_sign_cbor_map *m, struct c2pa_sign_out *dst);

/* ---- jumbf_write.c: ISO 19566-5 boxes ----------------------------- */

/* "c2pa" → 63327061-0011-0010-8000-00AA00389B71 */
void c2pa_sign_jumbf_uuid_4cc(uint8_t uuid[16], const char fourcc[4]);
/* Starts a box (LBox patched by _close); returns its offset. */
size_t c2pa_sign_jumbf_open(struct c2pa_sign_out *o, const char type[4]);
void c2pa_sign_jumbf_close(struct c2pa_sign_out *o, size_t start);
/* A jumd box: type UUID, toggles 0x03 (requestable, label), label. */
void c2pa_sign_jumbf_desc(struct c2pa_sign_out *o, const uint8_t uuid[16], const char *label);
/* jumb + jumd in one call; close with c2pa_sign_jumbf_close. */
size_t c2pa_sign_jumbf_super_open(struct c2pa_sign_out *o, const uint8_t uuid[16],
                                  const char *label);
/* SHA-256 of a closed superbox's contents (after its 8-byte header):
 * the hashed-URI input of spec §8.4.2.3. */
void c2pa_sign_jumbf_content_hash(const struct c2pa_sign_out *o, size_t start, uint8_t hash[32]);

/* ---- JPEG APP11 (JPEG XT / spec A.3.1) ----------------------------- */

/* Store bytes carried per APP11 segment (c2pa-rs uses 64000; the
 * marker segment must stay under 65535 bytes with its headers). */
#define C2PA_SIGN_APP11_CHUNK 65000
/* Bytes the store takes once split into APP11 segments of `chunk`. */
size_t c2pa_sign_app11_size(size_t store_len, size_t chunk);
/* Appends the segments (FF EB, Lp, "JP", En=1, Z=1.., box header
 * repeated in continuations, payload). The store must start with its
 * own 8-byte LBox/TBox (no XLBox). */
void c2pa_sign_app11_write(struct c2pa_sign_out *o, const uint8_t *store, size_t len, size_t chunk);

/* ---- sign_store.c: the original's store, as far as we carry it --- */

struct c2pa_sign_carry {
    struct span manifests;   /* every box after the store's jumd, verbatim */
    char active_label[256];  /* label of the last manifest (the active one) */
    uint8_t active_hash[32]; /* SHA-256 of its superbox contents */
    uint8_t sig_hash[32];    /* ... of its c2pa.signature superbox contents */
    bool have_sig;
    size_t n_manifests;
};
/* Walks the outer store and its manifests' top-level boxes only (the
 * reader validates the rest). ST_MALFORMED / ST_UNSUPPORTED with a
 * diag naming the box and offset. */
enum status c2pa_sign_carry_parse(struct span store, struct c2pa_sign_carry *out, struct diag *d);

/* A JPEG's store (as c2pa_sign_find_store) and the bytes its APP11
 * segments take, markers included: [at[0], at[1]). ST_UNSUPPORTED when
 * other segments sit between them (an update manifest replaces them
 * as one run). */
enum status c2pa_sign_jpeg_store(struct span file, uint8_t **store, size_t *len, size_t at[2],
                                 struct diag *d);

/* ---- GIF, JPEG XL, SVG, TIFF placement (sign_place.c) ---- */
enum c2pa_place_kind { C2PA_PLACE_GIF, C2PA_PLACE_JXL, C2PA_PLACE_SVG, C2PA_PLACE_TIFF };
struct c2pa_sign_place {
    const char *format; /* the derivative's media type */
    enum c2pa_place_kind kind;
    /* the file up to the store (TIFF: the asset, its new IFD0) */
    struct buf head;
    struct span tail;  /* the asset's bytes after the store */
    size_t count_at;   /* TIFF: the C2PA entry's count field in head */
    bool big_endian;   /* TIFF byte order */
    bool svg_in_metadata; /* SVG: in the file's last metadata element */
};
/* Plans the layout for `asset`; ST_NOT_FOUND when it is none of these
 * formats, ST_UNSUPPORTED when it cannot carry a store (a bare JPEG XL
 * codestream, an empty svg element, a TIFF with a store). Free the
 * plan with c2pa_sign_place_free whatever the result. */
enum status c2pa_sign_place_plan(struct span asset, struct c2pa_sign_place *p, struct diag *d);
void c2pa_sign_place_free(struct c2pa_sign_place *p);
/* The data-hash exclusions for a store of store_len bytes, in file
 * order; returns how many (1, or 2 for TIFF). */
size_t c2pa_sign_place_excl(const struct c2pa_sign_place *p, size_t store_len, uint64_t start[2],
                            uint64_t length[2]);
/* SHA-256 of the signed file without its exclusions: it does not
 * depend on the store, so it is known before signing. */
enum status c2pa_sign_place_hash(const struct c2pa_sign_place *p, uint8_t hash[32]);
/* The signed file: the plan with the store in its place. */
enum status c2pa_sign_place_write(struct c2pa_sign_place *p, const uint8_t *store, size_t len,
                                  struct c2pa_sign_out *file);

#endif
