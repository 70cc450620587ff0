/* test_c2pa_cawg.c — CAWG identity assertions (src/c2pa/cawg.c) seen
 * through c2pa_verify: hand-made sidecar stores with hostile identity
 * assertions (CBOR depth bomb, missing fields, non-zero padding,
 * duplicate references, no hard binding, unknown sig_type, broken
 * COSE, a JSON depth bomb as credential, did:web that must not be
 * fetched, a did:jwk that is not a key, more assertions and references
 * than the limits), and corpus photos: an X.509 identity and an
 * identity claims aggregation credential validate and are named, and
 * one changed byte in what they sign is caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"
#include "corpus.h"

/* ---- CBOR and JUMBF writers for hand-made stores ---- */

static void put_u32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    buf_append(b, x, 4);
}

static void head(struct buf *b, unsigned major, uint64_t arg)
{
    uint8_t h[3];
    if (arg < 24) {
        h[0] = (uint8_t)(major << 5 | arg);
        buf_append(b, h, 1);
    } else if (arg < 256) {
        h[0] = (uint8_t)(major << 5 | 24);
        h[1] = (uint8_t)arg;
        buf_append(b, h, 2);
    } else {
        h[0] = (uint8_t)(major << 5 | 25);
        h[1] = (uint8_t)(arg >> 8);
        h[2] = (uint8_t)arg;
        buf_append(b, h, 3);
    }
}

static void text(struct buf *b, const char *s)
{
    head(b, 3, strlen(s));
    buf_puts(b, s);
}

static void bytes(struct buf *b, const void *p, size_t n)
{
    head(b, 2, n);
    buf_append(b, p, n);
}

static const uint8_t hash32[32] = {1, 2, 3};

/* {url, hash} */
static void hashed_uri(struct buf *b, const char *label)
{
    char url[128];
    snprintf(url, sizeof url, "self#jumbf=c2pa.assertions/%s", label);
    head(b, 5, 2);
    text(b, "url");
    text(b, url);
    text(b, "hash");
    bytes(b, hash32, sizeof hash32);
}

/* A box, or a superbox with a jumd of the C2PA type `fourcc`. */
static void box(struct buf *b, const char *type, const struct buf *payload)
{
    put_u32(b, (uint32_t)(8 + payload->len));
    buf_append(b, type, 4);
    buf_append(b, payload->data, payload->len);
}

static void superbox(struct buf *b, const char *fourcc, const char *label, const struct buf *kids)
{
    static const uint8_t suffix[12] = {0x00, 0x11, 0x00, 0x10, 0x80, 0x00,
                                       0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    struct buf in;
    buf_init(&in, 1 << 24);
    put_u32(&in, (uint32_t)(8 + 16 + 1 + strlen(label) + 1));
    buf_append(&in, "jumd", 4);
    buf_append(&in, fourcc, 4);
    buf_append(&in, suffix, 12);
    buf_putc(&in, 3);
    buf_append(&in, label, strlen(label) + 1);
    buf_append(&in, kids->data, kids->len);
    box(b, "jumb", &in);
    buf_free(&in);
}

/* A sidecar store whose manifest holds the identity assertions
 * `ids[i]` (CBOR) labelled cawg.identity, cawg.identity__1...; the
 * claim lists them and a c2pa.hash.data. Nothing is signed: the claim
 * signature is missing, which does not stop the identity checks. */
static void make_store(struct buf *store, const struct buf *ids, size_t n)
{
    struct buf assertions, claim, kid, tmp, man;
    buf_init(&assertions, 1 << 24);
    buf_init(&claim, 1 << 24);
    buf_init(&kid, 1 << 24);
    buf_init(&tmp, 1 << 24);
    buf_init(&man, 1 << 24);
    head(&claim, 5, 2);
    text(&claim, "alg");
    text(&claim, "sha256");
    text(&claim, "created_assertions");
    head(&claim, 4, n + 1);
    hashed_uri(&claim, "c2pa.hash.data");
    for (size_t i = 0; i < n; i++) {
        char label[48];
        if (i == 0)
            snprintf(label, sizeof label, "cawg.identity");
        else
            snprintf(label, sizeof label, "cawg.identity__%zu", i);
        hashed_uri(&claim, label);
        buf_reset(&tmp);
        box(&tmp, "cbor", &ids[i]);
        superbox(&assertions, "cbor", label, &tmp);
    }
    superbox(&man, "c2as", "c2pa.assertions", &assertions);
    buf_reset(&tmp);
    box(&tmp, "cbor", &claim);
    superbox(&man, "c2cl", "c2pa.claim.v2", &tmp);
    buf_reset(&kid);
    superbox(&kid, "c2ma", "urn:c2pa:cawg-test", &man);
    buf_init(store, 1 << 24);
    superbox(store, "c2pa", "c2pa", &kid);
    buf_free(&assertions);
    buf_free(&claim);
    buf_free(&kid);
    buf_free(&tmp);
    buf_free(&man);
}

/* An identity assertion: signer_payload {referenced_assertions: n_refs
 * references to `ref_label`, sig_type}, signature, pad1, pad2. */
static void identity(struct buf *b, const char *sig_type, const char *ref_label, size_t n_refs,
                     const struct buf *signature, const uint8_t *pad2, size_t pad2_len)
{
    static const uint8_t zeros[16] = {0};
    buf_init(b, 1 << 24);
    head(b, 5, pad2 ? 4 : 3);
    text(b, "signer_payload");
    head(b, 5, 2);
    text(b, "referenced_assertions");
    head(b, 4, n_refs);
    for (size_t i = 0; i < n_refs; i++)
        hashed_uri(b, ref_label);
    text(b, "sig_type");
    text(b, sig_type);
    text(b, "signature");
    bytes(b, signature->data, signature->len);
    text(b, "pad1");
    bytes(b, zeros, sizeof zeros);
    if (pad2) {
        text(b, "pad2");
        bytes(b, pad2, pad2_len);
    }
}

/* COSE_Sign1 (tag 18) with protected {alg, content type} (either may be
 * left out) and `payload` (NULL: nil). */
static void cose(struct buf *b, bool with_alg, const char *payload)
{
    struct buf prot;
    buf_init(&prot, 1 << 24);
    head(&prot, 5, with_alg ? 2 : 1);
    if (with_alg) {
        head(&prot, 0, 1);
        head(&prot, 1, 7); /* -8: EdDSA */
    }
    head(&prot, 0, 3);
    text(&prot, "application/vc");
    buf_init(b, 1 << 24);
    buf_putc(b, (char)0xD2);
    head(b, 4, 4);
    bytes(b, prot.data, prot.len);
    head(b, 5, 0);
    if (payload)
        bytes(b, payload, strlen(payload));
    else
        buf_putc(b, (char)0xF6);
    uint8_t sig[64] = {0}; /* the size of an Ed25519 signature */
    bytes(b, sig, sizeof sig);
    buf_free(&prot);
}

static void verify_store(const struct buf *store, struct c2pa_report *r)
{
    struct diag d;
    diag_clear(&d);
    assert_int_equal(
        c2pa_verify(span_make((uint8_t *)store->data, store->len), "cawg.c2pa", NULL, r, &d),
        ST_OK);
    assert_true(r->has_manifest);
}

static size_t count(const struct c2pa_status_list *l, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += strcmp(l->items[i].code, code) == 0;
    return n;
}

static size_t count_all(const struct c2pa_report *r, const char *code)
{
    return count(&r->active.success, code) + count(&r->active.informational, code) +
           count(&r->active.failure, code);
}

/* One hand-made identity assertion through c2pa_verify. */
static void verify_one(const struct buf *id, struct c2pa_report *r)
{
    struct buf store;
    make_store(&store, id, 1);
    verify_store(&store, r);
    buf_free(&store);
}

static void cbor_that_is_not_an_identity(void **state)
{
    (void)state;
    struct buf id;
    struct c2pa_report r;
    /* a 1000-deep array: refused before libcbor recurses */
    buf_init(&id, 1 << 16);
    for (int i = 0; i < 1000; i++)
        buf_putc(&id, (char)0x81);
    buf_putc(&id, 0);
    verify_one(&id, &r);
    /* as c2pa-rs 0.92: not CBOR when the store is loaded, and a manifest
     * whose identity assertion does not decode is not loaded (both in
     * the active list, the asset Invalid; no cawg.* code) */
    assert_int_equal(count(&r.active.failure, "assertion.cbor.invalid"), 1);
    assert_int_equal(count(&r.active.failure, "assertion.required.missing"), 1);
    assert_int_equal(count_all(&r, "cawg.identity.cbor.invalid"), 0);
    assert_int_equal(r.state, C2PA_STATE_INVALID);
    c2pa_report_free(&r);
    buf_free(&id);
    /* a map without signer_payload */
    buf_init(&id, 1 << 16);
    head(&id, 5, 1);
    text(&id, "signature");
    bytes(&id, "x", 1);
    verify_one(&id, &r);
    assert_int_equal(count(&r.active.failure, "assertion.cbor.invalid"), 0);
    assert_int_equal(count(&r.active.failure, "assertion.required.missing"), 1);
    assert_int_equal(r.state, C2PA_STATE_INVALID);
    assert_int_equal(r.summary.n_identities, 0);
    c2pa_report_free(&r);
    buf_free(&id);
}

static void references_padding_and_sig_type(void **state)
{
    (void)state;
    struct buf id, sig;
    struct c2pa_report r;
    static const uint8_t dirty[] = {0, 1};
    buf_init(&sig, 64);
    buf_puts(&sig, "not a signature");
    /* the hard binding twice, pad2 not zero, a sig_type nobody defined */
    identity(&id, "org.example.unknown", "c2pa.hash.data", 2, &sig, dirty, sizeof dirty);
    verify_one(&id, &r);
    assert_int_equal(count(&r.active.failure, "cawg.identity.pad.invalid"), 1);
    assert_int_equal(count(&r.active.failure, "cawg.identity.assertion.duplicate"), 1);
    assert_int_equal(count(&r.active.failure, "cawg.identity.sig_type.unknown"), 1);
    assert_int_equal(count(&r.active.failure, "cawg.identity.hard_binding_missing"), 0);
    assert_int_equal(count(&r.active.failure, "cawg.identity.assertion.mismatch"), 0);
    c2pa_report_free(&r);
    buf_free(&id);
    /* no hard binding; a reference the claim does not list; an X.509
     * signature that is not COSE */
    identity(&id, "cawg.x509.cose", "c2pa.actions", 1, &sig, NULL, 0);
    verify_one(&id, &r);
    assert_int_equal(count(&r.active.failure, "cawg.identity.hard_binding_missing"), 1);
    assert_int_equal(count(&r.active.failure, "cawg.identity.assertion.mismatch"), 1);
    assert_int_equal(count(&r.active.failure, "cawg.x509.signature.mismatch"), 1);
    assert_int_equal(count(&r.active.success, "cawg.identity.well-formed"), 0);
    assert_int_equal(r.summary.n_identities, 0);
    c2pa_report_free(&r);
    buf_free(&id);
    buf_free(&sig);
}

static void ica_hostile_credentials(void **state)
{
    (void)state;
    static const char vc_web[] =
        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
        "\"type\":[\"VerifiableCredential\",\"IdentityClaimsAggregationCredential\"],"
        "\"issuer\":\"%s\",\"validFrom\":\"2025-01-01T00:00:00Z\","
        "\"credentialSubject\":{\"verifiedIdentities\":[{\"type\":\"cawg.social_media\","
        "\"name\":\"A\",\"verifiedAt\":\"2025-01-01T00:00:00+01:00\",\"provider\":"
        "{\"id\":\"https://example.com\",\"name\":\"Example\"}}],\"c2paAsset\":"
        "{\"referenced_assertions\":[],\"sig_type\":\"cawg.identity_claims_aggregation\"}}}";
    static const struct {
        bool alg;
        const char *issuer; /* NULL: payload is `raw` */
        const char *raw;
        const char *code;
    } cases[] = {
        {true, NULL, NULL, "cawg.ica.invalid_verifiable_credential"}, /* nil payload */
        {false, NULL, "{}", "cawg.ica.invalid_alg"},
        {true, NULL, "{\"@context\":", "cawg.ica.invalid_verifiable_credential"},
        {true, NULL, "[1,2]", "cawg.ica.invalid_verifiable_credential"},
        /* resolving did:web is a network request: never made */
        {true, "did:web:example.com", NULL, "cawg.ica.did_unavailable"},
        {true, "did:example:123", NULL, "cawg.ica.invalid_issuer"},
        {true, "https://example.com/issuer", NULL, "cawg.ica.invalid_issuer"},
        /* did:jwk whose base64 is not a JWK */
        {true, "did:jwk:bm90LWEta2V5", NULL, "cawg.ica.invalid_did_document"},
    };
    char vc[2048];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf id, sig;
        struct c2pa_report r;
        if (cases[i].issuer)
            snprintf(vc, sizeof vc, vc_web, cases[i].issuer);
        cose(&sig, cases[i].alg, cases[i].issuer ? vc : cases[i].raw);
        identity(&id, "cawg.identity_claims_aggregation", "c2pa.hash.data", 1, &sig, NULL, 0);
        verify_one(&id, &r);
        assert_int_equal(count(&r.active.failure, cases[i].code), 1);
        assert_int_equal(r.summary.n_identities, 0);
        assert_int_equal(r.state, C2PA_STATE_INVALID);
        c2pa_report_free(&r);
        buf_free(&id);
        buf_free(&sig);
    }
    /* a JSON depth bomb and bytes that are not COSE at all */
    struct buf deep, id, sig;
    struct c2pa_report r;
    buf_init(&deep, 1 << 16);
    for (int i = 0; i < 20000; i++)
        buf_putc(&deep, '[');
    buf_putc(&deep, 0);
    cose(&sig, true, deep.data);
    identity(&id, "cawg.identity_claims_aggregation", "c2pa.hash.data", 1, &sig, NULL, 0);
    verify_one(&id, &r);
    assert_int_equal(count(&r.active.failure, "cawg.ica.invalid_verifiable_credential"), 1);
    c2pa_report_free(&r);
    buf_free(&id);
    buf_reset(&sig);
    buf_puts(&sig, "\xD2\x84garbage");
    identity(&id, "cawg.identity_claims_aggregation", "c2pa.hash.data", 1, &sig, NULL, 0);
    verify_one(&id, &r);
    assert_int_equal(count(&r.active.failure, "cawg.ica.invalid_cose_sign1"), 1);
    c2pa_report_free(&r);
    buf_free(&id);
    buf_free(&sig);
    buf_free(&deep);
}

static void limits_say_what_was_not_validated(void **state)
{
    (void)state;
    struct buf ids[TS_LIMIT_CAWG_ASSERTIONS + 1], sig, store;
    struct c2pa_report r;
    buf_init(&sig, 64);
    buf_puts(&sig, "x");
    for (size_t i = 0; i <= TS_LIMIT_CAWG_ASSERTIONS; i++)
        identity(&ids[i], "org.example.unknown", "c2pa.hash.data", 1, &sig, NULL, 0);
    make_store(&store, ids, TS_LIMIT_CAWG_ASSERTIONS + 1);
    verify_store(&store, &r);
    assert_int_equal(count(&r.active.failure, "cawg.identity.sig_type.unknown"),
                     TS_LIMIT_CAWG_ASSERTIONS);
    assert_int_equal(count(&r.active.informational, "cawg.identity.not_validated"), 1);
    c2pa_report_free(&r);
    buf_free(&store);
    for (size_t i = 0; i <= TS_LIMIT_CAWG_ASSERTIONS; i++)
        buf_free(&ids[i]);
    /* one reference too many: the assertion is not checked at all */
    identity(&ids[0], "org.example.unknown", "c2pa.hash.data", TS_LIMIT_CAWG_REFERENCES + 1, &sig,
             NULL, 0);
    verify_one(&ids[0], &r);
    assert_int_equal(count(&r.active.informational, "cawg.identity.not_validated"), 1);
    assert_int_equal(count(&r.active.failure, "cawg.identity.sig_type.unknown"), 0);
    c2pa_report_free(&r);
    buf_free(&ids[0]);
    buf_free(&sig);
}

/* ---- corpus ---- */


static uint8_t *find(uint8_t *data, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, s, n) == 0)
            return data + i;
    return NULL;
}

static void corpus_x509_identity(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *data = read_corpus("cli_C_with_CAWG_data.jpg", &len);
    assert_non_null(data); /* select.h checked the corpus is there */
    struct c2pa_report r;
    struct diag d;
    struct buf text_out;
    diag_clear(&d);
    assert_int_equal(c2pa_verify(span_make(data, len), "x.jpg", NULL, &r, &d), ST_OK);
    assert_int_equal(r.state, C2PA_STATE_VALID);
    assert_int_equal(count(&r.active.success, "cawg.x509.signature.validated"), 1);
    assert_int_equal(count(&r.active.success, "cawg.identity.well-formed"), 1);
    assert_int_equal(count(&r.active.failure, "cawg.x509.credential.untrusted"), 1);
    assert_int_equal(r.summary.n_identities, 1);
    assert_string_equal(r.summary.identities[0].name, "C2PA Signer");
    buf_init(&text_out, 1 << 16);
    c2pa_report_describe(&r, &text_out);
    buf_putc(&text_out, 0);
    assert_non_null(strstr(text_out.data, "Identity: C2PA Signer (X.509 certificate"));
    buf_free(&text_out);
    c2pa_report_free(&r);
    /* one byte of the hash the identity signed over: the reference no
     * longer matches the claim and the COSE signature fails */
    uint8_t *sp = find(data, len, "referenced_assertions");
    assert_non_null(sp);
    uint8_t *h = find(sp, len - (size_t)(sp - data), "hash");
    assert_non_null(h);
    h[4 + 2 + 5] ^= 0x01; /* "hash", bstr head 58 20, into the value */
    assert_int_equal(c2pa_verify(span_make(data, len), "x.jpg", NULL, &r, &d), ST_OK);
    assert_int_equal(count(&r.active.failure, "cawg.identity.assertion.mismatch"), 1);
    assert_int_equal(count(&r.active.failure, "cawg.x509.signature.mismatch"), 1);
    assert_int_equal(count_all(&r, "cawg.identity.well-formed"), 0);
    assert_int_equal(r.summary.n_identities, 0);
    c2pa_report_free(&r);
    free(data);
}

static void corpus_ica_identity(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *data = read_corpus("cawg_ica_validation_success.jpg", &len);
    assert_non_null(data); /* select.h checked the corpus is there */
    struct c2pa_report r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_verify(span_make(data, len), "x.jpg", NULL, &r, &d), ST_OK);
    assert_int_equal(r.state, C2PA_STATE_VALID);
    assert_int_equal(count(&r.active.informational, "cawg.ica.untrusted_issuer"), 1);
    assert_int_equal(count_all(&r, "cawg.ica.signature_mismatch"), 0);
    assert_int_equal(r.summary.n_identities, 3);
    assert_string_equal(r.summary.identities[0].name, "First-Name Last-Name");
    c2pa_report_free(&r);
    /* the credential says someone else: its issuer's signature fails */
    uint8_t *name = find(data, len, "First-Name");
    assert_non_null(name);
    name[0] = 'G';
    assert_int_equal(c2pa_verify(span_make(data, len), "x.jpg", NULL, &r, &d), ST_OK);
    assert_int_equal(r.state, C2PA_STATE_INVALID);
    assert_int_equal(count(&r.active.failure, "cawg.ica.signature_mismatch"), 1);
    assert_int_equal(count_all(&r, "cawg.ica.untrusted_issuer"), 0);
    assert_int_equal(r.summary.n_identities, 0);
    c2pa_report_free(&r);
    free(data);
}

int main(int argc, char **argv)
{
    ts_unit_select(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cbor_that_is_not_an_identity),
        cmocka_unit_test(references_padding_and_sig_type),
        cmocka_unit_test(ica_hostile_credentials),
        cmocka_unit_test(limits_say_what_was_not_validated),
        cmocka_unit_test(corpus_x509_identity),
        cmocka_unit_test(corpus_ica_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
