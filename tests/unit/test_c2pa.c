/* test_c2pa.c — the C2PA reader/validator on hand-made hostile bytes
 * (JUMBF lengths past the end, too-short boxes, depth bombs, CBOR
 * depth and length bombs, COSE with a forbidden algorithm or a cut
 * certificate) and on the shared corpus: a signed photo validates, and
 * changing one pixel byte or one claim byte is noticed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "c2pa/c2pa.h"

static void put_u32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    buf_append(b, x, 4);
}

/* A jumd box: C2PA type UUID with `fourcc`, toggles 3, label. */
static void put_jumd(struct buf *b, const char *fourcc, const char *label)
{
    static const uint8_t suffix[12] = {0x00, 0x11, 0x00, 0x10, 0x80, 0x00,
                                       0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    put_u32(b, (uint32_t)(8 + 16 + 1 + strlen(label) + 1));
    buf_append(b, "jumd", 4);
    buf_append(b, fourcc, 4);
    buf_append(b, suffix, 12);
    buf_putc(b, 3);
    buf_append(b, label, strlen(label) + 1);
}

/* jumb(c2pa) { jumd, jumb(c2ma) { jumd } }: a store with one empty manifest. */
static void make_store(struct buf *b)
{
    struct buf inner;
    buf_init(&inner, 1 << 16);
    put_jumd(&inner, "c2ma", "urn:c2pa:test");
    buf_init(b, 1 << 16);
    put_u32(b, (uint32_t)(8 + 8 + 16 + 1 + 5 + 8 + inner.len));
    buf_append(b, "jumb", 4);
    put_jumd(b, "c2pa", "c2pa");
    put_u32(b, (uint32_t)(8 + inner.len));
    buf_append(b, "jumb", 4);
    buf_append(b, inner.data, inner.len);
    buf_free(&inner);
}

static void jumbf_parses_a_minimal_store(void **state)
{
    (void)state;
    struct buf b;
    struct c2pa_jumbf *j = NULL;
    struct diag d;
    diag_clear(&d);
    make_store(&b);
    assert_int_equal(c2pa_jumbf_parse(span_make((uint8_t *)b.data, b.len), &j, &d), ST_OK);
    assert_int_equal(c2pa_jumbf_count(j), 4); /* jumb, jumd, jumb, jumd */
    c2pa_jumbf_free(j);
    buf_free(&b);
}

static void jumbf_refuses_length_past_end(void **state)
{
    (void)state;
    struct buf b;
    struct c2pa_jumbf *j = NULL;
    struct diag d;
    diag_clear(&d);
    make_store(&b);
    b.data[3] = (char)(b.data[3] + 1); /* outer LBox one byte too long */
    assert_int_equal(c2pa_jumbf_parse(span_make((uint8_t *)b.data, b.len), &j, &d), ST_MALFORMED);
    assert_null(j);
    assert_string_equal(d.field, "JUMBF box");
    buf_free(&b);
}

static void jumbf_refuses_zero_and_short_lengths(void **state)
{
    (void)state;
    /* LBox 4 (< header) would loop forever if the parser advanced by it */
    const uint8_t short_box[] = {0, 0, 0, 4, 'j', 'u', 'm', 'b', 0, 0, 0, 4, 'j', 'u', 'm', 'd'};
    /* XLBox of 2^63 */
    const uint8_t huge[] = {0, 0, 0, 1, 'j', 'u', 'm', 'b', 0x80, 0, 0, 0, 0, 0, 0, 0};
    struct c2pa_jumbf *j = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_jumbf_parse(span_make(short_box, sizeof short_box), &j, &d),
                     ST_MALFORMED);
    assert_int_equal(c2pa_jumbf_parse(span_make(huge, sizeof huge), &j, &d), ST_MALFORMED);
    assert_null(j);
}

static void jumbf_refuses_depth_bomb(void **state)
{
    (void)state;
    enum { DEPTH = 200 };
    /* DEPTH nested jumb headers, each box exactly covering the rest */
    size_t len = DEPTH * 8;
    uint8_t *p = calloc(len, 1);
    for (size_t i = 0; i < DEPTH; i++) {
        uint32_t l = (uint32_t)(len - i * 8);
        p[i * 8] = (uint8_t)(l >> 24);
        p[i * 8 + 1] = (uint8_t)(l >> 16);
        p[i * 8 + 2] = (uint8_t)(l >> 8);
        p[i * 8 + 3] = (uint8_t)l;
        memcpy(p + i * 8 + 4, "jumb", 4);
    }
    struct c2pa_jumbf *j = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_jumbf_parse(span_make(p, len), &j, &d), ST_LIMIT);
    assert_null(j);
    free(p);
}

static void cbor_limits(void **state)
{
    (void)state;
    struct diag d;
    diag_clear(&d);
    const uint8_t ok[] = {0xA1, 0x63, 'a', 'l', 'g', 0x66, 's', 'h', 'a', '2', '5', '6'};
    assert_int_equal(c2pa_cbor_check(span_make(ok, sizeof ok), &d), ST_OK);
    /* an array of 2^32-1 items in 5 bytes: libcbor would allocate 32 GB */
    const uint8_t big[] = {0x9A, 0xFF, 0xFF, 0xFF, 0xFF};
    assert_int_equal(c2pa_cbor_check(span_make(big, sizeof big), &d), ST_TRUNCATED);
    /* a byte string longer than the data */
    const uint8_t str[] = {0x5A, 0x00, 0x10, 0x00, 0x00, 1, 2, 3};
    assert_int_equal(c2pa_cbor_check(span_make(str, sizeof str), &d), ST_TRUNCATED);
    /* 1000 nested arrays: libcbor's recursive free would overflow */
    uint8_t deep[1001];
    memset(deep, 0x81, 1000);
    deep[1000] = 0x00;
    assert_int_equal(c2pa_cbor_check(span_make(deep, sizeof deep), &d), ST_LIMIT);
    /* trailing bytes after the item, a stray break, reserved head */
    const uint8_t trail[] = {0x00, 0x00};
    assert_int_equal(c2pa_cbor_check(span_make(trail, sizeof trail), &d), ST_MALFORMED);
    const uint8_t brk[] = {0xFF};
    assert_int_equal(c2pa_cbor_check(span_make(brk, sizeof brk), &d), ST_MALFORMED);
    const uint8_t resv[] = {0x1C};
    assert_int_equal(c2pa_cbor_check(span_make(resv, sizeof resv), &d), ST_MALFORMED);
}

/* COSE_Sign1: tag 18, [bstr(protected), {}, nil, bstr(sig)] with the
 * protected map {1: alg, 33: cert} given as raw CBOR bytes. */
static void make_cose(struct buf *b, const uint8_t *prot, size_t plen)
{
    buf_init(b, 1 << 16);
    buf_putc(b, (char)0xD2);
    buf_putc(b, (char)0x84);
    buf_putc(b, 0x59);
    buf_putc(b, (char)(plen >> 8));
    buf_putc(b, (char)plen);
    buf_append(b, prot, plen);
    buf_putc(b, (char)0xA0);
    buf_putc(b, (char)0xF6);
    buf_putc(b, 0x41);
    buf_putc(b, 0x00);
}

static uint8_t *self_signed_der(int *len)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    uint8_t *der = NULL;
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, k);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"test", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_sign(x, k, EVP_sha256());
    *len = i2d_X509(x, &der);
    X509_free(x);
    EVP_PKEY_free(k);
    return der;
}

static void cose_refuses_wrong_alg_and_cut_certificate(void **state)
{
    (void)state;
    struct buf b;
    struct diag d;
    diag_clear(&d);
    int clen = 0;
    uint8_t *cert = self_signed_der(&clen);
    assert_non_null(cert);
    uint8_t prot[2048];
    size_t n = 0;
    /* {1: -257 (RS256, not allowed by §13.2), 33: cert} */
    prot[n++] = 0xA2;
    prot[n++] = 0x01;
    prot[n++] = 0x39;
    prot[n++] = 0x01;
    prot[n++] = 0x00;
    prot[n++] = 0x18;
    prot[n++] = 0x21;
    prot[n++] = 0x59;
    prot[n++] = (uint8_t)(clen >> 8);
    prot[n++] = (uint8_t)clen;
    memcpy(prot + n, cert, (size_t)clen);
    make_cose(&b, prot, n + (size_t)clen);
    assert_int_equal(c2pa_cose_check(span_make((uint8_t *)b.data, b.len), &d), ST_UNSUPPORTED);
    buf_free(&b);
    /* ES256 (-7): accepted structure */
    prot[2] = 0x26;
    memmove(prot + 3, prot + 5, 5 + (size_t)clen);
    n = 3 + 5;
    make_cose(&b, prot, n + (size_t)clen);
    assert_int_equal(c2pa_cose_check(span_make((uint8_t *)b.data, b.len), &d), ST_OK);
    buf_free(&b);
    /* the same with the certificate cut by 10 bytes (bstr length fixed) */
    int cut = clen - 10;
    prot[6] = (uint8_t)(cut >> 8);
    prot[7] = (uint8_t)cut;
    make_cose(&b, prot, n + (size_t)cut);
    assert_int_equal(c2pa_cose_check(span_make((uint8_t *)b.data, b.len), &d), ST_MALFORMED);
    assert_string_equal(d.field, "x5chain");
    buf_free(&b);
    /* untagged: not a COSE_Sign1 */
    const uint8_t untagged[] = {0x84, 0x40, 0xA0, 0xF6, 0x40};
    assert_int_equal(c2pa_cose_check(span_make(untagged, sizeof untagged), &d), ST_MALFORMED);
    OPENSSL_free(cert);
}

static void store_found_in_png_and_webp(void **state)
{
    (void)state;
    struct buf store, png, webp;
    uint8_t *got = NULL;
    size_t got_len = 0, xs = 0, xl = 0;
    const char *fmt = NULL;
    struct diag d;
    diag_clear(&d);
    make_store(&store);
    buf_init(&png, 1 << 16);
    buf_append(&png, "\x89PNG\r\n\x1a\n", 8);
    put_u32(&png, 13);
    buf_append(&png, "IHDR\0\0\0\1\0\0\0\1\x08\x02\0\0\0\0\0\0\0", 21);
    put_u32(&png, (uint32_t)store.len);
    buf_append(&png, "caBX", 4);
    buf_append(&png, store.data, store.len);
    put_u32(&png, 0);
    put_u32(&png, 0);
    buf_append(&png, "IEND\0\0\0\0", 8);
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)png.data, png.len), "x.png", &got,
                                     &got_len, &fmt, &xs, &xl, &d),
                     ST_OK);
    assert_string_equal(fmt, "image/png");
    assert_int_equal(got_len, store.len);
    assert_memory_equal(got, store.data, store.len);
    assert_int_equal(xs, 33);
    free(got);

    buf_init(&webp, 1 << 16);
    buf_append(&webp, "RIFF", 4);
    uint32_t riff = (uint32_t)(4 + 8 + store.len);
    uint8_t le[4] = {(uint8_t)riff, (uint8_t)(riff >> 8), (uint8_t)(riff >> 16), 0};
    buf_append(&webp, le, 4);
    buf_append(&webp, "WEBPC2PA", 8);
    uint8_t sl[4] = {(uint8_t)store.len, (uint8_t)(store.len >> 8), 0, 0};
    buf_append(&webp, sl, 4);
    buf_append(&webp, store.data, store.len);
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)webp.data, webp.len), "x.webp", &got,
                                     &got_len, &fmt, &xs, &xl, &d),
                     ST_OK);
    assert_string_equal(fmt, "image/webp");
    assert_memory_equal(got, store.data, store.len);
    free(got);
    /* a GIF is refused as a format we do not read */
    const uint8_t gif[] = "GIF89a\1\0\1\0";
    assert_int_equal(
        c2pa_store_find(span_make(gif, sizeof gif), "x.gif", &got, &got_len, &fmt, &xs, &xl, &d),
        ST_UNSUPPORTED);
    buf_free(&store);
    buf_free(&png);
    buf_free(&webp);
}

static uint8_t *read_corpus(const char *name, size_t *len)
{
    char path[TS_LIMIT_PATH];
    uint8_t *data = NULL;
    struct diag d;
    diag_clear(&d);
    snprintf(path, sizeof path, "%s/corpus/c2pa/%s", TS_SHARED_DIR, name);
    if (file_read_all(path, TS_LIMIT_PHOTO_BYTES, &data, len, &d) != ST_OK)
        return NULL;
    return data;
}

static bool has_failure(const struct c2pa_report *r, const char *code)
{
    for (size_t i = 0; i < r->active.failure.n; i++)
        if (strcmp(r->active.failure.items[i].code, code) == 0)
            return true;
    return false;
}

static void corpus_photo_valid_then_tampered(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *data = read_corpus("C.jpg", &len);
    if (!data)
        skip();
    struct c2pa_report r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_verify(span_make(data, len), "C.jpg", NULL, &r, &d), ST_OK);
    assert_true(r.has_manifest);
    assert_int_equal(r.state, C2PA_STATE_VALID);
    assert_string_equal(r.summary.signer_cn, "C2PA Signer");
    assert_false(r.summary.altered);
    c2pa_report_free(&r);
    /* one byte of the image data near the end (outside the store) */
    data[len - 100] ^= 0x01;
    assert_int_equal(c2pa_verify(span_make(data, len), "C.jpg", NULL, &r, &d), ST_OK);
    assert_int_equal(r.state, C2PA_STATE_INVALID);
    assert_true(has_failure(&r, "assertion.dataHash.mismatch"));
    assert_true(r.summary.altered);
    c2pa_report_free(&r);
    data[len - 100] ^= 0x01;
    /* one byte of the claim's dc:title */
    uint8_t *t = NULL;
    for (size_t i = 0; i + 8 <= len && !t; i++)
        if (memcmp(data + i, "dc:title", 8) == 0)
            t = data + i;
    assert_non_null(t);
    t[10] ^= 0x20;
    assert_int_equal(c2pa_verify(span_make(data, len), "C.jpg", NULL, &r, &d), ST_OK);
    assert_int_equal(r.state, C2PA_STATE_INVALID);
    assert_true(has_failure(&r, "claimSignature.mismatch"));
    c2pa_report_free(&r);
    free(data);
}

static void corpus_trusted_with_anchors(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *data = read_corpus("CA.jpg", &len);
    if (!data)
        skip();
    char pem[TS_LIMIT_PATH];
    snprintf(pem, sizeof pem, "%s/corpus/c2pa/keys/trust_test_cert_root_bundle.pem", TS_SHARED_DIR);
    struct c2pa_trust *t = NULL;
    struct c2pa_report r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_trust_load(pem, &t, &d), ST_OK);
    assert_int_equal(c2pa_verify(span_make(data, len), "CA.jpg", t, &r, &d), ST_OK);
    assert_int_equal(r.state, C2PA_STATE_TRUSTED);
    assert_true(r.summary.when_from_tst);
    assert_int_equal(r.summary.n_ingredients, 1);
    c2pa_report_free(&r);
    c2pa_trust_free(t);
    c2pa_trust_free(NULL);
    c2pa_report_free(NULL);
    free(data);
}

/* A foreign APP11 segment slipped between the two C2PA segments of
 * CA.jpg (at byte 64032) would sit unhashed inside the exclusion. */
static void corpus_foreign_segment_inside_store_is_caught(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *data = read_corpus("CA.jpg", &len);
    if (!data)
        skip();
    static const uint8_t foreign[] = {0xFF, 0xEB, 0x00, 0x0C, 'J',  'P',  0x00,
                                      0x63, 0x00, 0x00, 0x00, 0x01, 0xAB, 0xCD};
    const size_t at = 64032;
    assert_true(len > at && data[at] == 0xFF && data[at + 1] == 0xEB);
    uint8_t *bad = malloc(len + sizeof foreign);
    memcpy(bad, data, at);
    memcpy(bad + at, foreign, sizeof foreign);
    memcpy(bad + at + sizeof foreign, data + at, len - at);
    struct c2pa_report r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_verify(span_make(bad, len + sizeof foreign), "CA.jpg", NULL, &r, &d),
                     ST_OK);
    assert_true(r.has_manifest);
    assert_int_equal(r.state, C2PA_STATE_INVALID);
    assert_true(has_failure(&r, "assertion.dataHash.mismatch"));
    c2pa_report_free(&r);
    free(bad);
    free(data);
}

/* A sidecar store whose claim is a 1000-deep CBOR array: the report
 * says the claim is not valid CBOR instead of overflowing libcbor. */
static void claim_depth_bomb_is_invalid(void **state)
{
    (void)state;
    struct buf claim, man, store;
    buf_init(&claim, 1 << 16);
    put_jumd(&claim, "c2cl", "c2pa.claim.v2");
    put_u32(&claim, 8 + 1001);
    buf_append(&claim, "cbor", 4);
    for (int i = 0; i < 1000; i++)
        buf_putc(&claim, (char)0x81);
    buf_putc(&claim, 0);
    buf_init(&man, 1 << 16);
    put_jumd(&man, "c2ma", "urn:c2pa:bomb");
    put_u32(&man, (uint32_t)(8 + claim.len));
    buf_append(&man, "jumb", 4);
    buf_append(&man, claim.data, claim.len);
    buf_init(&store, 1 << 16);
    put_u32(&store, (uint32_t)(8 + 8 + 16 + 1 + 5 + 8 + man.len));
    buf_append(&store, "jumb", 4);
    put_jumd(&store, "c2pa", "c2pa");
    put_u32(&store, (uint32_t)(8 + man.len));
    buf_append(&store, "jumb", 4);
    buf_append(&store, man.data, man.len);
    struct c2pa_report r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(
        c2pa_verify(span_make((uint8_t *)store.data, store.len), "bomb.c2pa", NULL, &r, &d), ST_OK);
    assert_true(r.has_manifest);
    assert_int_equal(r.state, C2PA_STATE_INVALID);
    assert_true(has_failure(&r, "claim.cbor.invalid"));
    c2pa_report_free(&r);
    buf_free(&claim);
    buf_free(&man);
    buf_free(&store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jumbf_parses_a_minimal_store),
        cmocka_unit_test(jumbf_refuses_length_past_end),
        cmocka_unit_test(jumbf_refuses_zero_and_short_lengths),
        cmocka_unit_test(jumbf_refuses_depth_bomb),
        cmocka_unit_test(cbor_limits),
        cmocka_unit_test(cose_refuses_wrong_alg_and_cut_certificate),
        cmocka_unit_test(store_found_in_png_and_webp),
        cmocka_unit_test(corpus_photo_valid_then_tampered),
        cmocka_unit_test(corpus_trusted_with_anchors),
        cmocka_unit_test(corpus_foreign_segment_inside_store_is_caught),
        cmocka_unit_test(claim_depth_bomb_is_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
