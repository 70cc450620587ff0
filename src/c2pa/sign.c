/*
 * sign.c — builds and embeds the C2PA manifest of one derivative: the
 * assertions (ingredient v3, actions v2, data hash), the claim v2, its
 * COSE_Sign1 ES256 signature, the JUMBF store (with the original's own
 * manifests carried along), and the APP11 segments or RIFF chunk; or
 * an update manifest on a signed JPEG (sign_update).
 *
 * Must never: change a byte of the derivative outside the inserted
 * store (JPEG) or outside the RIFF header/VP8X/C2PA chunk (WebP), sign
 * a file that already has a store (except to add an update manifest to
 * it, which changes only the store's segments), or let the store's
 * size differ between the sizing pass and the signing pass
 * (ST_INTERNAL if so).
 *
 * Spec: C2PA 2.2 §10.2 (claim v2), §8.4 (hashed URIs), §13.2 + §14.5
 * (COSE_Sign1, x5chain label 33), §18.5 (c2pa.hash.data, exclusions),
 * §18.14 (actions v2), §18.15 (ingredient v3), A.3.1 (JPEG), A.3.6
 * (RIFF); RFC 9052 §4.4 (Sig_structure "Signature1").
 *
 * Two passes: the data hash's exclusion length depends on the store's
 * size, which depends on the data hash. Pass 1 writes the length as a
 * 5-byte integer and a zero hash; pass 2 writes the real values and
 * pads "pad" so the store keeps exactly its pass-1 size. ES256
 * signatures are always 64 bytes, so the signature box never moves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "c2pa/bmff_internal.h"
#include "c2pa/c2pa_internal.h"
#include "c2pa/sign_internal.h"
#include "container/container.h"

#define MIME_JPEG "image/jpeg"
#define MIME_WEBP "image/webp"

/* The hard binding being written: one exclusion, the hash, the pad
 * (c2pa.hash.data); or, for ISO-BMFF, c2pa.hash.bmff.v2 with its
 * fixed exclusions and the hash; or, for a box hash, the box names
 * before and after the store and the hashes of those two runs. */
struct binding {
    bool bmff;
    uint64_t start, length;
    /* TIFF: a second exclusion, after the first (sign_place.c) */
    bool two;
    uint64_t start2, length2;
    uint8_t hash[32];
    size_t pad;
    const char **names; /* n_before, then n_after */
    size_t n_before, n_after;
    uint8_t hash_after[32];
};

struct signing {
    const struct c2pa_signer *s;
    const struct c2pa_sign_input *in;
    const char *format; /* the derivative's media type */
    struct c2pa_sign_carry carry;
    bool has_carry;
    char label[64];       /* urn:c2pa:<uuid4> */
    char instance_id[64]; /* xmp:iid:<uuid4> */
    char ingredient_iid[64];
    struct diag *d;
};

static void uuid_text(const uint8_t u[16], char *out, size_t outlen, const char *prefix)
{
    snprintf(out, outlen, "%s%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             prefix, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
             u[12], u[13], u[14], u[15]);
}

/* RFC 9562: version 4 (random) or 8 (custom: here the first 128 bits
 * of the original's SHA-256, so one original always gets one ID). */
static void uuid_set_version(uint8_t u[16], unsigned v)
{
    u[6] = (uint8_t)((u[6] & 0x0F) | (v << 4));
    u[8] = (uint8_t)((u[8] & 0x3F) | 0x80);
}

/* ---- assertions ---------------------------------------------------- */

static void hashed_uri(struct c2pa_sign_out *o, const char *url, const uint8_t hash[32])
{
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 4096);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "url"), url);
    c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&m, "hash"), hash, 32);
    c2pa_sign_cbor_map_end(&m, o);
}

static void generator_info(struct c2pa_sign_out *o, const struct c2pa_sign_input *in)
{
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 4096);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "name"), in->generator_name);
    if (in->generator_version)
        c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "version"), in->generator_version);
    c2pa_sign_cbor_map_end(&m, o);
}

static void status_list(struct c2pa_sign_out *o, const struct c2pa_sign_code *c, size_t n)
{
    c2pa_sign_cbor_array(o, n);
    for (size_t i = 0; i < n; i++) {
        struct c2pa_sign_cbor_map m;
        c2pa_sign_cbor_map_begin(&m, 65536);
        c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "code"), c[i].code ? c[i].code : "");
        if (c[i].url)
            c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "url"), c[i].url);
        if (c[i].explanation)
            c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "explanation"), c[i].explanation);
        c2pa_sign_cbor_map_end(&m, o);
    }
}

/* validationResults: {activeManifest: {success, informational, failure}} */
static void results_cbor(struct c2pa_sign_out *o, const struct c2pa_sign_results *r)
{
    struct c2pa_sign_cbor_map m, am;
    c2pa_sign_cbor_map_begin(&m, C2PA_SIGN_MAX_STORE);
    c2pa_sign_cbor_map_begin(&am, C2PA_SIGN_MAX_STORE);
    status_list(c2pa_sign_cbor_map_text(&am, "success"), r->success, r->n_success);
    status_list(c2pa_sign_cbor_map_text(&am, "informational"), r->informational,
                r->n_informational);
    status_list(c2pa_sign_cbor_map_text(&am, "failure"), r->failure, r->n_failure);
    c2pa_sign_cbor_map_end(&am, c2pa_sign_cbor_map_text(&m, "activeManifest"));
    c2pa_sign_cbor_map_end(&m, o);
}

static void ingredient_cbor(struct c2pa_sign_out *o, const struct signing *g)
{
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, C2PA_SIGN_MAX_STORE);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "dc:title"), g->in->original_title);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "dc:format"), g->in->original_format);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "relationship"), "parentOf");
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "instanceID"), g->ingredient_iid);
    if (g->has_carry) {
        char url[512];
        snprintf(url, sizeof url, "self#jumbf=/c2pa/%s", g->carry.active_label);
        hashed_uri(c2pa_sign_cbor_map_text(&m, "activeManifest"), url, g->carry.active_hash);
        if (g->carry.have_sig) {
            snprintf(url, sizeof url, "self#jumbf=/c2pa/%s/c2pa.signature", g->carry.active_label);
            hashed_uri(c2pa_sign_cbor_map_text(&m, "claimSignature"), url, g->carry.sig_hash);
        }
        results_cbor(c2pa_sign_cbor_map_text(&m, "validationResults"), g->in->original_results);
    }
    c2pa_sign_cbor_map_end(&m, o);
}

static void action(struct c2pa_sign_out *o, const struct signing *g, const char *name,
                   const uint8_t *ingredient_hash)
{
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 65536);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "action"), name);
    generator_info(c2pa_sign_cbor_map_text(&m, "softwareAgent"), g->in);
    if (ingredient_hash) {
        struct c2pa_sign_cbor_map p;
        c2pa_sign_cbor_map_begin(&p, 4096);
        struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&p, "ingredients");
        c2pa_sign_cbor_array(list, 1);
        hashed_uri(list, "self#jumbf=c2pa.assertions/c2pa.ingredient.v3", ingredient_hash);
        c2pa_sign_cbor_map_end(&p, c2pa_sign_cbor_map_text(&m, "parameters"));
    }
    c2pa_sign_cbor_map_end(&m, o);
}

static void actions_cbor(struct c2pa_sign_out *o, const struct signing *g,
                         const uint8_t ingredient_hash[32])
{
    if (g->in->update_action) {
        /* the spec: an update manifest records what changed about the
         * unchanged asset, with its parent */
        struct c2pa_sign_cbor_map m;
        c2pa_sign_cbor_map_begin(&m, 65536);
        struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&m, "actions");
        c2pa_sign_cbor_array(list, 1);
        action(list, g, g->in->update_action, ingredient_hash);
        c2pa_sign_cbor_map_end(&m, o);
        return;
    }
    bool converted = strcmp(g->in->original_format, g->format) != 0;
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 65536);
    struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&m, "actions");
    c2pa_sign_cbor_array(list, converted ? 3 : 2);
    /* §18.14.2: the first action of a derived asset is c2pa.opened
     * with its parentOf ingredient. */
    action(list, g, "c2pa.opened", ingredient_hash);
    action(list, g, "c2pa.resized", NULL);
    if (converted)
        action(list, g, "c2pa.converted", NULL);
    c2pa_sign_cbor_map_end(&m, o);
}

/* Bytes of the shortest head for an unsigned value. */
static size_t uint_size(uint64_t v)
{
    return v < 24 ? 1 : v <= 0xFF ? 2 : v <= 0xFFFF ? 3 : v <= 0xFFFFFFFFu ? 5 : 9;
}

static void data_hash_cbor(struct c2pa_sign_out *o, const struct binding *bd)
{
    struct c2pa_sign_cbor_map m, ex;
    c2pa_sign_cbor_map_begin(&m, 4096);
    struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&m, "exclusions");
    c2pa_sign_cbor_array(list, bd->two ? 2 : 1);
    c2pa_sign_cbor_map_begin(&ex, 64);
    c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&ex, "start"), bd->start);
    c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&ex, "length"), bd->length);
    c2pa_sign_cbor_map_end(&ex, list);
    if (bd->two) {
        c2pa_sign_cbor_map_begin(&ex, 64);
        c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&ex, "start"), bd->start2);
        c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&ex, "length"), bd->length2);
        c2pa_sign_cbor_map_end(&ex, list);
    }
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "name"), "jumbf manifest");
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "alg"), "sha256");
    c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&m, "hash"), bd->hash, 32);
    c2pa_sign_cbor_zeros(c2pa_sign_cbor_map_text(&m, "pad"), bd->pad);
    c2pa_sign_cbor_map_end(&m, o);
}

/* One run of boxes of a box hash (§18.7.4 box-hash-map). */
static void box_run_cbor(struct c2pa_sign_out *list, const char *const *names, size_t n,
                         const uint8_t *hash, size_t hash_len, size_t pad)
{
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 65536);
    struct c2pa_sign_out *nl = c2pa_sign_cbor_map_text(&m, "names");
    c2pa_sign_cbor_array(nl, n);
    for (size_t i = 0; i < n; i++)
        c2pa_sign_cbor_text(nl, names[i]);
    c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&m, "hash"), hash, hash_len);
    c2pa_sign_cbor_zeros(c2pa_sign_cbor_map_text(&m, "pad"), pad);
    c2pa_sign_cbor_map_end(&m, list);
}

/* c2pa.hash.boxes: [before the store], ["C2PA"] with hash h'00', [after]. */
static void box_hash_cbor(struct c2pa_sign_out *o, const struct binding *bd)
{
    static const char *const c2pa_name[1] = {"C2PA"};
    static const uint8_t zero[1] = {0};
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 1 << 20);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "alg"), "sha256");
    struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&m, "boxes");
    c2pa_sign_cbor_array(list, bd->n_after ? 3 : 2);
    box_run_cbor(list, bd->names, bd->n_before, bd->hash, 32, bd->pad);
    box_run_cbor(list, c2pa_name, 1, zero, 1, 0);
    if (bd->n_after)
        box_run_cbor(list, bd->names + bd->n_before, bd->n_after, bd->hash_after, 32, 0);
    c2pa_sign_cbor_map_end(&m, o);
}

/* §18.6.3: the exclusions every BMFF hash needs (our C2PA box, ftyp
 * whose brands may change, mfra) and the hash. Fixed size, so the
 * store's size does not depend on the hash. */
static const char *const bmff_paths[3] = {"/uuid", "/ftyp", "/mfra"};

static void bmff_hash_cbor(struct c2pa_sign_out *o, const struct binding *bd)
{
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 4096);
    struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&m, "exclusions");
    c2pa_sign_cbor_array(list, 3);
    for (int i = 0; i < 3; i++) {
        struct c2pa_sign_cbor_map ex, dm;
        c2pa_sign_cbor_map_begin(&ex, 256);
        c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&ex, "xpath"), bmff_paths[i]);
        if (i == 0) {
            /* only the box whose extended type is C2PA's (A.5.1.1) */
            struct c2pa_sign_out *data = c2pa_sign_cbor_map_text(&ex, "data");
            c2pa_sign_cbor_array(data, 1);
            c2pa_sign_cbor_map_begin(&dm, 64);
            c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&dm, "offset"), 8);
            c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&dm, "value"), c2pa_bmff_uuid, 16);
            c2pa_sign_cbor_map_end(&dm, data);
        }
        c2pa_sign_cbor_map_end(&ex, list);
    }
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "name"), "jumbf manifest");
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "alg"), "sha256");
    c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&m, "hash"), bd->hash, 32);
    c2pa_sign_cbor_map_end(&m, o);
}

/* One CBOR assertion: jumb{jumd(cbor, label), cbor{payload}}; returns
 * the superbox offset for its hash. */
static size_t cbor_assertion(struct c2pa_sign_out *o, const char *label,
                             const struct c2pa_sign_out *payload)
{
    uint8_t uuid[16];
    c2pa_sign_jumbf_uuid_4cc(uuid, "cbor");
    size_t at = c2pa_sign_jumbf_super_open(o, uuid, label);
    size_t box = c2pa_sign_jumbf_open(o, "cbor");
    c2pa_sign_out_fail(o, payload->st);
    c2pa_sign_out_raw(o, payload->b.data, payload->b.len);
    c2pa_sign_jumbf_close(o, box);
    c2pa_sign_jumbf_close(o, at);
    return at;
}

/* ---- the claim and its signature ----------------------------------- */

static void claim_cbor(struct c2pa_sign_out *o, const struct signing *g,
                       const uint8_t hashes[3][32], const char *binding_label)
{
    const char *const labels[3] = {"c2pa.ingredient.v3", "c2pa.actions.v2", binding_label};
    int n = binding_label ? 3 : 2; /* an update manifest has no hard binding */
    char url[512];
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 65536);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "instanceID"), g->instance_id);
    generator_info(c2pa_sign_cbor_map_text(&m, "claim_generator_info"), g->in);
    snprintf(url, sizeof url, "self#jumbf=/c2pa/%s/c2pa.signature", g->label);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "signature"), url);
    struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&m, "created_assertions");
    c2pa_sign_cbor_array(list, (size_t)n);
    for (int i = 0; i < n; i++) {
        snprintf(url, sizeof url, "self#jumbf=c2pa.assertions/%s", labels[i]);
        hashed_uri(list, url, hashes[i]);
    }
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "dc:title"), g->in->title);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "alg"), "sha256");
    c2pa_sign_cbor_map_end(&m, o);
}

/* protected header: {1: -7 (ES256), 33: x5chain} (RFC 9360: one
 * certificate as a bstr, several as an array, leaf first). */
static void protected_header(struct c2pa_sign_out *o, const struct c2pa_signer *s)
{
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 1 << 20);
    c2pa_sign_cbor_int(c2pa_sign_cbor_map_int(&m, 1), -7);
    struct c2pa_sign_out *chain = c2pa_sign_cbor_map_int(&m, 33);
    if (s->n_der == 1) {
        c2pa_sign_cbor_bytes(chain, s->der[0], s->der_len[0]);
    } else {
        c2pa_sign_cbor_array(chain, s->n_der);
        for (size_t i = 0; i < s->n_der; i++)
            c2pa_sign_cbor_bytes(chain, s->der[i], s->der_len[i]);
    }
    c2pa_sign_cbor_map_end(&m, o);
}

/* §10.3.2.5 sigTst2 and its pad: {"tstTokens": [{"val": token}]} and
 * "pad" filling s->tst_room, so the store has one size whatever the
 * token's length. Before the final pass there is no token yet: zeros
 * the size of the probe's stand in (the signature is thrown away). */
static enum status tst_entries(struct c2pa_sign_out *o, const struct signing *g,
                               const struct c2pa_sign_out *prot, const uint8_t sig[64],
                               bool final_pass)
{
    enum status st = ST_OK;
    uint8_t *tok = NULL;
    size_t tok_len = g->s->tst_probe_len;
    struct c2pa_sign_out cs;
    c2pa_sign_out_init(&cs, C2PA_SIGN_MAX_STORE);
    if (final_pass) {
        /* what c2pa-rs countersigns: ["CounterSignature", protected,
         * h'', bstr(encoded signature)] (cose.c's cose_tst_check) */
        uint8_t enc[2 + 64] = {0x58, 64};
        memcpy(enc + 2, sig, 64);
        c2pa_sign_cbor_array(&cs, 4);
        c2pa_sign_cbor_text(&cs, "CounterSignature");
        c2pa_sign_cbor_bytes(&cs, prot->b.data, prot->b.len);
        c2pa_sign_cbor_bytes(&cs, NULL, 0);
        c2pa_sign_cbor_bytes(&cs, enc, sizeof enc);
        if ((st = cs.st) != ST_OK ||
            (st = c2pa_sign_tst_get(g->s, c2pa_sign_out_bytes(&cs), cs.b.len, &tok, &tok_len,
                                    g->d)) != ST_OK)
            goto abort;
    }
    size_t used = tok_len + (tok_len < 24 ? 1 : tok_len < 256 ? 2 : tok_len < 65536 ? 3 : 5);
    if (used + 3 + 256 > g->s->tst_room) {
        st = diag_set(g->d, ST_INTERNAL, "time-stamp authority", DIAG_NO_OFFSET,
                      "its token grew from %zu to %zu bytes since the first one",
                      g->s->tst_probe_len, tok_len);
        goto abort;
    }
    c2pa_sign_cbor_text(o, "sigTst2");
    c2pa_sign_cbor_head(o, 5, 1);
    c2pa_sign_cbor_text(o, "tstTokens");
    c2pa_sign_cbor_array(o, 1);
    c2pa_sign_cbor_head(o, 5, 1);
    c2pa_sign_cbor_text(o, "val");
    if (tok)
        c2pa_sign_cbor_bytes(o, tok, tok_len);
    else
        c2pa_sign_cbor_zeros(o, tok_len);
    c2pa_sign_cbor_text(o, "pad");
    c2pa_sign_cbor_zeros(o, g->s->tst_room - used - 3);
abort:
    free(tok);
    c2pa_sign_out_free(&cs);
    return st;
}

/* COSE_Sign1_Tagged = 18([protected bstr, unprotected, nil (detached),
 * sig]), signed over ["Signature1", protected, h'', claim]. The
 * unprotected map holds the time-stamp (when the signer has an
 * authority) and stapled OCSP (when given). */
static enum status cose_sign1(struct c2pa_sign_out *o, const struct signing *g,
                              const uint8_t *claim, size_t claim_len, bool final_pass)
{
    enum status st;
    struct c2pa_sign_out prot, tbs;
    uint8_t sig[64];
    c2pa_sign_out_init(&prot, 1 << 20);
    c2pa_sign_out_init(&tbs, C2PA_SIGN_MAX_STORE);
    protected_header(&prot, g->s);
    c2pa_sign_cbor_array(&tbs, 4);
    c2pa_sign_cbor_text(&tbs, "Signature1");
    c2pa_sign_cbor_bytes(&tbs, prot.b.data, prot.b.len);
    c2pa_sign_cbor_bytes(&tbs, NULL, 0);
    c2pa_sign_cbor_bytes(&tbs, claim, claim_len);
    if ((st = prot.st) != ST_OK || (st = tbs.st) != ST_OK) {
        diag_set(g->d, st, "COSE_Sign1", DIAG_NO_OFFSET, "cannot encode the signature input");
        goto abort;
    }
    if ((st = c2pa_sign_es256(g->s, c2pa_sign_out_bytes(&tbs), tbs.b.len, sig, g->d)) != ST_OK)
        goto abort;
    c2pa_sign_cbor_tag(o, 18);
    c2pa_sign_cbor_array(o, 4);
    c2pa_sign_cbor_bytes(o, prot.b.data, prot.b.len);
    bool ocsp = g->in->ocsp_response.len > 0, tsa = g->s->tsa_post != NULL;
    c2pa_sign_cbor_head(o, 5, (ocsp ? 1 : 0) + (tsa ? 2 : 0));
    if (ocsp) {
        /* §14.5.2: {"rVals": {"ocspVals": [response]}} */
        c2pa_sign_cbor_text(o, "rVals");
        c2pa_sign_cbor_head(o, 5, 1);
        c2pa_sign_cbor_text(o, "ocspVals");
        c2pa_sign_cbor_array(o, 1);
        c2pa_sign_cbor_bytes(o, g->in->ocsp_response.ptr, g->in->ocsp_response.len);
    }
    if (tsa && (st = tst_entries(o, g, &prot, sig, final_pass)) != ST_OK)
        goto abort;
    c2pa_sign_cbor_null(o);
    c2pa_sign_cbor_bytes(o, sig, sizeof sig);
abort:
    c2pa_sign_out_free(&prot);
    c2pa_sign_out_free(&tbs);
    return st;
}

/* ---- the store ------------------------------------------------------- */

/* final_pass: the store that is written (a time-stamp is asked for
 * only then; earlier passes only size the store). */
static enum status build_store(const struct signing *g, const struct binding *bd,
                               struct c2pa_sign_out *o, bool final_pass)
{
    enum status st = ST_OK;
    struct c2pa_sign_out ing, act, dh, claim;
    uint8_t uuid[16], hashes[3][32];
    c2pa_sign_out_init(&ing, C2PA_SIGN_MAX_STORE);
    c2pa_sign_out_init(&act, 65536);
    c2pa_sign_out_init(&dh, 1 << 20);
    c2pa_sign_out_init(&claim, 65536);

    c2pa_sign_jumbf_uuid_4cc(uuid, "c2pa");
    size_t store_at = c2pa_sign_jumbf_super_open(o, uuid, "c2pa");
    /* The original's manifests first, byte for byte: ours is last, so
     * it is the active one (§2.3.7). */
    if (g->has_carry)
        c2pa_sign_out_raw(o, g->carry.manifests.ptr, g->carry.manifests.len);
    c2pa_sign_jumbf_uuid_4cc(uuid, g->in->update_action ? "c2um" : "c2ma");
    size_t man_at = c2pa_sign_jumbf_super_open(o, uuid, g->label);

    c2pa_sign_jumbf_uuid_4cc(uuid, "c2as");
    size_t as_at = c2pa_sign_jumbf_super_open(o, uuid, "c2pa.assertions");
    ingredient_cbor(&ing, g);
    size_t at = cbor_assertion(o, "c2pa.ingredient.v3", &ing);
    c2pa_sign_jumbf_content_hash(o, at, hashes[0]);
    actions_cbor(&act, g, hashes[0]);
    at = cbor_assertion(o, "c2pa.actions.v2", &act);
    c2pa_sign_jumbf_content_hash(o, at, hashes[1]);
    const char *binding_label = g->in->update_action ? NULL
                                : bd->bmff           ? "c2pa.hash.bmff.v2"
                                : g->in->box_hash    ? "c2pa.hash.boxes"
                                                     : "c2pa.hash.data";
    if (binding_label) {
        if (bd->bmff)
            bmff_hash_cbor(&dh, bd);
        else if (g->in->box_hash)
            box_hash_cbor(&dh, bd);
        else
            data_hash_cbor(&dh, bd);
        at = cbor_assertion(o, binding_label, &dh);
        c2pa_sign_jumbf_content_hash(o, at, hashes[2]);
    }
    c2pa_sign_jumbf_close(o, as_at);

    claim_cbor(&claim, g, (const uint8_t(*)[32])hashes, binding_label);
    c2pa_sign_out_fail(o, claim.st);
    c2pa_sign_jumbf_uuid_4cc(uuid, "c2cl");
    at = c2pa_sign_jumbf_super_open(o, uuid, "c2pa.claim.v2");
    size_t box = c2pa_sign_jumbf_open(o, "cbor");
    c2pa_sign_out_raw(o, claim.b.data, claim.b.len);
    c2pa_sign_jumbf_close(o, box);
    c2pa_sign_jumbf_close(o, at);

    c2pa_sign_jumbf_uuid_4cc(uuid, "c2cs");
    at = c2pa_sign_jumbf_super_open(o, uuid, "c2pa.signature");
    box = c2pa_sign_jumbf_open(o, "cbor");
    if (o->st == ST_OK &&
        (st = cose_sign1(o, g, c2pa_sign_out_bytes(&claim), claim.b.len, final_pass)) != ST_OK)
        goto abort;
    c2pa_sign_jumbf_close(o, box);
    c2pa_sign_jumbf_close(o, at);
    c2pa_sign_jumbf_close(o, man_at);
    c2pa_sign_jumbf_close(o, store_at);
    if ((st = o->st) != ST_OK)
        diag_set(g->d, st, "c2pa store", DIAG_NO_OFFSET,
                 st == ST_MALFORMED ? "a title or format is not UTF-8"
                                    : "manifest store too large or out of memory");
abort:
    c2pa_sign_out_free(&ing);
    c2pa_sign_out_free(&act);
    c2pa_sign_out_free(&dh);
    c2pa_sign_out_free(&claim);
    return st;
}

/* Pass 2 of every layout: the real store, which must have the size
 * pass 1 promised (the exclusions were written for it). */
static enum status build_again(const struct signing *g, const struct binding *bd,
                               struct c2pa_sign_out *store, size_t want)
{
    enum status st;
    buf_reset(&store->b);
    if ((st = build_store(g, bd, store, true)) != ST_OK)
        return st;
    if (store->b.len != want)
        return diag_set(g->d, ST_INTERNAL, "c2pa", DIAG_NO_OFFSET,
                        "manifest size changed between passes (%zu, %zu)", want, store->b.len);
    return ST_OK;
}

/* ---- where the store goes ---------------------------------------------- */

/* JPEG: after SOI and the run of APP0/APP1 segments (JFIF, Exif, XMP)
 * that follows it, before everything else (A.3.1). */
static enum status jpeg_insert_at(struct span asset, size_t *at, struct diag *d)
{
    struct cursor c;
    cursor_init(&c, asset);
    cursor_skip(&c, 2);
    for (;;) {
        uint8_t ff = 0, marker = 0;
        uint16_t len = 0;
        struct cursor k = c;
        if (!cursor_u8(&k, &ff) || !cursor_u8(&k, &marker) || ff != 0xFF)
            return diag_set(d, ST_MALFORMED, "JPEG", c.pos, "expected a marker");
        if (marker != 0xE0 && marker != 0xE1)
            break;
        if (!cursor_u16be(&k, &len) || len < 2 || !cursor_skip(&k, (size_t)len - 2))
            return diag_set(d, ST_TRUNCATED, "JPEG", c.pos, "APP%d segment cut short",
                            marker - 0xE0);
        c = k;
    }
    *at = c.pos;
    return ST_OK;
}

/* WebP: the RIFF header with its final size, a VP8X chunk when the
 * file was simple (c2pa-rs does the same: the C2PA chunk belongs to
 * the extended format), and the original chunks unchanged. The C2PA
 * chunk is appended at the end (A.3.6). */
static enum status webp_prefix(struct span asset, struct c2pa_sign_out *o, struct diag *d)
{
    struct cursor c;
    struct container_riff_chunk ch;
    enum status st = container_riff_begin(asset, &c, d);
    if (st != ST_OK)
        return st;
    size_t body_start = c.pos, n = 0;
    struct container_riff_chunk first = {0};
    while ((st = container_riff_next(&c, &ch, d)) == ST_OK) {
        if (n++ == 0)
            first = ch;
        if (memcmp(ch.fourcc, "C2PA", 4) == 0)
            return diag_set(d, ST_UNSUPPORTED, "C2PA chunk", ch.offset,
                            "the derivative already has a manifest store");
        if (n > TS_LIMIT_FILE_CHUNKS)
            return diag_set(d, ST_LIMIT, "RIFF", ch.offset, "too many chunks");
    }
    if (st != ST_NOT_FOUND)
        return st;
    if (n == 0)
        return diag_set(d, ST_MALFORMED, "RIFF", 12, "WebP without an image chunk");
    size_t body_end = c.pos;
    c2pa_sign_out_raw(o, "RIFF\0\0\0\0WEBP", 12); /* size patched by the caller */
    if (memcmp(first.fourcc, "VP8 ", 4) == 0 || memcmp(first.fourcc, "VP8L", 4) == 0) {
        uint32_t w = 0, h = 0;
        uint8_t flags = 0;
        struct span p = first.data;
        if (first.fourcc[3] == ' ') {
            uint16_t w16 = 0, h16 = 0;
            if (p.len < 10 || p.ptr[3] != 0x9D || p.ptr[4] != 0x01 || p.ptr[5] != 0x2A ||
                !span_u16(p, 6, false, &w16) || !span_u16(p, 8, false, &h16))
                return diag_set(d, ST_MALFORMED, "VP8 chunk", first.offset, "bad frame header");
            w = w16 & 0x3FFFu;
            h = h16 & 0x3FFFu;
        } else {
            uint32_t bits = 0;
            if (p.len < 5 || p.ptr[0] != 0x2F || !span_u32(p, 1, false, &bits))
                return diag_set(d, ST_MALFORMED, "VP8L chunk", first.offset, "bad header");
            w = (bits & 0x3FFFu) + 1;
            h = ((bits >> 14) & 0x3FFFu) + 1;
            if (bits & (1u << 28))
                flags |= 0x10; /* alpha */
        }
        if (w == 0 || h == 0)
            return diag_set(d, ST_MALFORMED, "WebP", first.offset, "zero image size");
        uint8_t x[18] = {'V',
                         'P',
                         '8',
                         'X',
                         10,
                         0,
                         0,
                         0,
                         flags,
                         0,
                         0,
                         0,
                         (uint8_t)(w - 1),
                         (uint8_t)((w - 1) >> 8),
                         (uint8_t)((w - 1) >> 16),
                         (uint8_t)(h - 1),
                         (uint8_t)((h - 1) >> 8),
                         (uint8_t)((h - 1) >> 16)};
        c2pa_sign_out_raw(o, x, sizeof x);
    }
    c2pa_sign_out_raw(o, asset.ptr + body_start, body_end - body_start);
    return o->st;
}

/*
 * ISO-BMFF (AVIF, HEIF): pass 1 sizes the store (the BMFF hash
 * assertion has a fixed size, so the hash cannot change it); the file
 * is laid out with a C2PA box of that size after ftyp and its iloc
 * offsets moved; it is hashed with those post-embed offsets (§18.6.2);
 * pass 2 signs, and the store is copied into the box, which the hash
 * excludes.
 */
static enum status sign_bmff(const struct signing *g, struct binding *bd,
                             struct c2pa_sign_out *store, struct c2pa_sign_out *file,
                             struct diag *d)
{
    enum status st;
    struct c2pa_bmff_excl ex[3];
    size_t at = 0, box_len = 0;
    unsigned n = 0;
    bd->bmff = true;
    memset(bd->hash, 0, sizeof bd->hash);
    if ((st = build_store(g, bd, store, false)) != ST_OK)
        return st;
    size_t store_len = store->b.len;
    if (!size_add(store_len, C2PA_BMFF_BOX_HEADER, &box_len))
        return diag_set(d, ST_LIMIT, "c2pa", DIAG_NO_OFFSET, "manifest store too large");
    if ((st = c2pa_bmff_sign_layout(g->in->asset, box_len, &file->b, &at, d)) != ST_OK)
        return st;
    memset(ex, 0, sizeof ex);
    for (int i = 0; i < 3; i++)
        c2pa_bmff_xpath(bmff_paths[i], &ex[i]);
    ex[0].n_data = 1;
    ex[0].data[0].offset = 8;
    ex[0].data[0].value = span_make(c2pa_bmff_uuid, 16);
    st = c2pa_bmff_hash(span_make(c2pa_sign_out_bytes(file), file->b.len), ex, 3, 2, EVP_sha256(),
                        bd->hash, &n, d);
    if (st != ST_OK)
        return st;
    if ((st = build_again(g, bd, store, store_len)) != ST_OK)
        return st;
    memcpy(file->b.data + at + C2PA_BMFF_BOX_HEADER, store->b.data, store_len);
    return ST_OK;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The box names of a box hash (§18.7.3): JPEG — the derivative's
 * segments before the insertion point, then those after it (bytes past
 * EOI stay in the file, as "c2pa.after"); WebP — the RIFF header, the
 * VP8X that webp_prefix adds to a simple file, the chunks (trailing
 * bytes are not copied), then the store at the end. */
static enum status box_names(const struct signing *g, bool webp, size_t at, struct boxes_map *map,
                             struct binding *bd)
{
    enum status st = boxes_map_build(g->in->asset, webp ? MIME_WEBP : MIME_JPEG, map, g->d);
    if (st != ST_OK)
        return st;
    bd->names = calloc(map->n + 1, sizeof *bd->names);
    if (!bd->names)
        return ST_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < map->n; i++) {
        const struct boxes_box *b = &map->b[i];
        if (webp && strcmp(b->name, "c2pa.after") == 0)
            continue;
        bd->names[n++] = b->name;
        if (webp && i == 1 && (strcmp(b->name, "VP8 ") == 0 || strcmp(b->name, "VP8L") == 0)) {
            bd->names[n - 1] = "VP8X";
            bd->names[n++] = b->name;
        }
        if (webp || b->start < at)
            bd->n_before++;
        else
            bd->n_after++;
    }
    if (webp)
        bd->n_before = n;
    return ST_OK;
}

/*
 * GIF, JPEG XL, SVG, TIFF (sign_place.c): pass 1 sizes the store with
 * the widest exclusion lengths; the hash of the file without its
 * exclusions does not depend on the store; pass 2 writes the real
 * lengths and pads the difference, so the store keeps pass 1's size.
 */
static enum status sign_placed(const struct signing *g, struct binding *bd,
                               struct c2pa_sign_place *p, struct c2pa_sign_out *store,
                               struct c2pa_sign_out *file, struct diag *d)
{
    enum status st;
    uint64_t start[2], length[2];
    if (g->in->box_hash || g->in->sidecar)
        return diag_set(d, ST_USAGE, "c2pa", DIAG_NO_OFFSET,
                        "%s derivatives are signed with a data hash, embedded", p->format);
    size_t n = c2pa_sign_place_excl(p, 0, start, length);
    bd->two = n == 2;
    bd->start = start[0];
    bd->length = bd->two ? length[0] : 0xFFFFFFFFu;
    bd->start2 = start[1 % n];
    bd->length2 = 0xFFFFFFFFu;
    if ((st = c2pa_sign_place_hash(p, bd->hash)) != ST_OK)
        return diag_set(d, st, "c2pa", DIAG_NO_OFFSET, "hashing failed");
    if ((st = build_store(g, bd, store, false)) != ST_OK)
        return st;
    size_t store_len = store->b.len;
    c2pa_sign_place_excl(p, store_len, start, length);
    bd->length = length[0];
    bd->length2 = length[1 % n];
    bd->pad = bd->two ? uint_size(0xFFFFFFFFu) - uint_size(bd->length2)
                      : uint_size(0xFFFFFFFFu) - uint_size(bd->length);
    if ((st = build_again(g, bd, store, store_len)) != ST_OK)
        return st;
    if ((st = c2pa_sign_place_write(p, c2pa_sign_out_bytes(store), store_len, file)) != ST_OK)
        return diag_set(d, st, "c2pa", DIAG_NO_OFFSET, "signed file too large or out of memory");
    return ST_OK;
}

/* ---- an update manifest --------------------------------------------- */

/* An update manifest (C2PA "Update Manifests"): the asset keeps every
 * byte but its store, which gets our update manifest after its own
 * manifests; the parent's data hash still binds the asset (a validator
 * widens its exclusion to the grown store). One pass: nothing in an
 * update manifest depends on the store's size. JPEG only: the store's
 * segments are replaced in place. */
static enum status sign_update(const struct signing *g, struct c2pa_sign_out *store,
                               struct c2pa_sign_out *file, struct diag *d)
{
    enum status st;
    uint8_t *old = NULL;
    size_t old_len = 0, at[2];
    struct binding bd = {0};
    if (!container_is_jpeg(g->in->asset))
        return diag_set(d, ST_UNSUPPORTED, "c2pa", 0,
                        "update manifests are written into JPEG only");
    if (!g->has_carry)
        return diag_set(d, ST_USAGE, "c2pa", DIAG_NO_OFFSET,
                        "an update manifest needs the file's store and how it validated");
    st = c2pa_sign_jpeg_store(g->in->asset, &old, &old_len, at, d);
    free(old);
    if (st == ST_NOT_FOUND)
        return diag_set(d, ST_USAGE, "c2pa", DIAG_NO_OFFSET,
                        "the file has no content credentials to update");
    if (st != ST_OK)
        return st;
    if ((st = build_store(g, &bd, store, true)) != ST_OK)
        return st;
    c2pa_sign_out_raw(file, g->in->asset.ptr, at[0]);
    c2pa_sign_app11_write(file, c2pa_sign_out_bytes(store), store->b.len, C2PA_SIGN_APP11_CHUNK);
    c2pa_sign_out_raw(file, g->in->asset.ptr + at[1], g->in->asset.len - at[1]);
    if (file->st != ST_OK)
        return diag_set(d, file->st, "c2pa", DIAG_NO_OFFSET,
                        "signed file too large or out of memory");
    return ST_OK;
}

/* ---- the whole job ---------------------------------------------------- */

enum status c2pa_sign(const struct c2pa_signer *s, const struct c2pa_sign_input *in, uint8_t **out,
                      size_t *out_len, struct diag *d)
{
    enum status st = ST_OK;
    struct signing g = {.s = s, .in = in, .d = d};
    struct c2pa_sign_out store, prefix, file;
    struct binding bd = {0};
    struct boxes_map map = {0};
    struct c2pa_sign_place place;
    uint8_t *existing = NULL;
    size_t existing_len = 0;
    c2pa_sign_out_init(&store, C2PA_SIGN_MAX_STORE + ((size_t)1 << 20));
    c2pa_sign_out_init(&prefix, TS_LIMIT_PHOTO_BYTES);
    c2pa_sign_out_init(&file, TS_LIMIT_PHOTO_BYTES);
    memset(&place, 0, sizeof place);
    *out = NULL;
    *out_len = 0;

    if (!in->original_title || !in->original_format || !in->title || !in->generator_name) {
        st = diag_set(d, ST_INTERNAL, "c2pa", DIAG_NO_OFFSET, "sign input incomplete");
        goto abort;
    }
    bool webp = container_is_webp(in->asset);
    bool bmff = !webp && container_is_bmff(in->asset);
    bool placed = false;
    if (!webp && !bmff && !container_is_jpeg(in->asset)) {
        st = c2pa_sign_place_plan(in->asset, &place, d);
        if (st == ST_NOT_FOUND)
            st = diag_set(d, ST_UNSUPPORTED, "c2pa", 0,
                          "only JPEG, WebP, AVIF/HEIF, GIF, JPEG XL, SVG and TIFF files are signed");
        if (st != ST_OK)
            goto abort;
        placed = true;
    }
    g.format = placed ? place.format
               : webp ? MIME_WEBP
               : bmff ? c2pa_bmff_media_type(in->asset)
                      : MIME_JPEG;
    st = in->update_action ? ST_NOT_FOUND
                           : c2pa_sign_find_store(in->asset, &existing, &existing_len, d);
    if (st == ST_OK) {
        st = diag_set(d, ST_UNSUPPORTED, "c2pa", DIAG_NO_OFFSET,
                      "the derivative already has a manifest store");
        goto abort;
    }
    if (st != ST_NOT_FOUND)
        goto abort;
    if (in->original_store.len && in->original_results) {
        if ((st = c2pa_sign_carry_parse(in->original_store, &g.carry, d)) != ST_OK)
            goto abort;
        g.has_carry = true;
    }

    uint8_t u[16], h[32];
    if (RAND_bytes(u, sizeof u) != 1) {
        st = diag_set(d, ST_INTERNAL, "c2pa", DIAG_NO_OFFSET, "no random numbers");
        goto abort;
    }
    uuid_set_version(u, 4);
    uuid_text(u, g.label, sizeof g.label, "urn:c2pa:");
    if (RAND_bytes(u, sizeof u) != 1) {
        st = diag_set(d, ST_INTERNAL, "c2pa", DIAG_NO_OFFSET, "no random numbers");
        goto abort;
    }
    uuid_set_version(u, 4);
    uuid_text(u, g.instance_id, sizeof g.instance_id, "xmp:iid:");
    if (in->original_sha256)
        memcpy(h, in->original_sha256, sizeof h);
    else
        SHA256(in->original.ptr, in->original.len, h);
    uuid_set_version(h, 8);
    uuid_text(h, g.ingredient_iid, sizeof g.ingredient_iid, "xmp:iid:");

    if (in->update_action) {
        st = sign_update(&g, &store, &file, d);
        if (st == ST_OK)
            *out = (uint8_t *)buf_detach(&file.b, out_len);
        goto abort;
    }
    if (bmff || placed) {
        st = bmff ? sign_bmff(&g, &bd, &store, &file, d)
                  : sign_placed(&g, &bd, &place, &store, &file, d);
        if (st == ST_OK)
            *out = (uint8_t *)buf_detach(&file.b, out_len);
        goto abort;
    }
    size_t at = 0;
    if (webp) {
        if ((st = webp_prefix(in->asset, &prefix, d)) != ST_OK)
            goto abort;
        at = prefix.b.len;
    } else if ((st = jpeg_insert_at(in->asset, &at, d)) != ST_OK) {
        goto abort;
    }

    if (in->box_hash && (st = box_names(&g, webp, at, &map, &bd)) != ST_OK)
        goto abort;
    if (in->sidecar && in->box_hash) {
        st = diag_set(d, ST_USAGE, "c2pa", DIAG_NO_OFFSET,
                      "a sidecar is bound by a data hash, not a box hash");
        goto abort;
    }
    if (in->sidecar) {
        /* nothing is inserted: one store, over the asset as it is */
        bd.start = bd.length = 0;
        SHA256(in->asset.ptr, in->asset.len, bd.hash);
        bd.pad = 0;
        if ((st = build_store(&g, &bd, &store, true)) != ST_OK)
            goto abort;
        *out = (uint8_t *)buf_detach(&store.b, out_len);
        if (!*out)
            st = ST_NOMEM;
        goto abort;
    }

    /* pass 1: the size, with the widest length and no pad */
    bd.start = at;
    bd.length = 0xFFFFFFFFu;
    if ((st = build_store(&g, &bd, &store, false)) != ST_OK)
        goto abort;
    size_t size1 = store.b.len;
    size_t extra = webp && (size1 % 2) ? 1 : 0; /* keep the RIFF chunk even: no pad byte */
    size_t store_len = size1 + extra;
    if (webp) {
        size_t riff = prefix.b.len - 8 + 8 + store_len;
        if (riff > UINT32_MAX) {
            st = diag_set(d, ST_LIMIT, "RIFF", 4, "file too large for RIFF");
            goto abort;
        }
        put_le32((uint8_t *)prefix.b.data + 4, (uint32_t)riff);
        bd.length = 8 + store_len;
        SHA256(c2pa_sign_out_bytes(&prefix), prefix.b.len, bd.hash);
    } else {
        bd.length = c2pa_sign_app11_size(store_len, C2PA_SIGN_APP11_CHUNK);
        /* The exclusion is exactly the inserted bytes, so the rest of
         * the file is the derivative as it was given. */
        SHA256(in->asset.ptr, in->asset.len, bd.hash);
        if (in->box_hash) {
            /* the boxes before and after the store are the
             * derivative's own bytes on either side of it */
            SHA256(in->asset.ptr, at, bd.hash);
            SHA256(in->asset.ptr + at, in->asset.len - at, bd.hash_after);
        }
    }
    /* a box hash does not change size with the store: only WebP's
     * evening byte needs padding */
    bd.pad = in->box_hash ? extra : uint_size(0xFFFFFFFFu) - uint_size(bd.length) + extra;

    /* pass 2: the real store, which must have the size pass 1 promised */
    if ((st = build_again(&g, &bd, &store, store_len)) != ST_OK)
        goto abort;

    if (webp) {
        uint8_t hdr[8] = {'C', '2', 'P', 'A'};
        put_le32(hdr + 4, (uint32_t)store_len);
        c2pa_sign_out_raw(&file, prefix.b.data, prefix.b.len);
        c2pa_sign_out_raw(&file, hdr, sizeof hdr);
        c2pa_sign_out_raw(&file, store.b.data, store.b.len);
    } else {
        c2pa_sign_out_raw(&file, in->asset.ptr, at);
        c2pa_sign_app11_write(&file, c2pa_sign_out_bytes(&store), store.b.len,
                              C2PA_SIGN_APP11_CHUNK);
        c2pa_sign_out_raw(&file, in->asset.ptr + at, in->asset.len - at);
    }
    if ((st = file.st) != ST_OK) {
        diag_set(d, st, "c2pa", DIAG_NO_OFFSET, "signed file too large or out of memory");
        goto abort;
    }
    *out = (uint8_t *)buf_detach(&file.b, out_len);
abort:
    free(bd.names);
    boxes_map_free(&map);
    c2pa_sign_place_free(&place);
    free(existing);
    c2pa_sign_out_free(&store);
    c2pa_sign_out_free(&prefix);
    c2pa_sign_out_free(&file);
    return st;
}
