/* test_c2pa.c — the C2PA reader/validator on hand-made hostile bytes
 * (JUMBF lengths past the end, too-short boxes, depth bombs, CBOR
 * depth and length bombs, COSE with a forbidden algorithm or a cut
 * certificate) and on the shared corpus: a signed photo validates, and
 * changing one pixel byte or one claim byte is noticed; RFC 3161 tokens
 * and stapled OCSP responses made here with a throw-away CA (no TSA
 * EKU, expired TSA, revoked, malformed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "select.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/sha.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "c2pa/c2pa.h"
#include "c2pa/c2pa_internal.h" /* time-stamp and OCSP checks, tested directly */
#include "corpus.h"

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
    /* a BMP is refused as a format we do not read */
    const uint8_t bmp[] = "BM\0\0\0\0\0\0\0\0";
    assert_int_equal(
        c2pa_store_find(span_make(bmp, sizeof bmp), "x.bmp", &got, &got_len, &fmt, &xs, &xl, &d),
        ST_UNSUPPORTED);
    buf_free(&store);
    buf_free(&png);
    buf_free(&webp);
}

/* The store as c2pa-rs writes it in TIFF (tag 0xCD41, UNDEFINED, in
 * IFD0), GIF (C2PA_GIF application extension, sub-blocks of at most
 * 255 bytes), SVG (base64 in /svg/metadata/c2pa:manifest) and JPEG XL
 * (a top-level jumb box): found, same bytes, and the exclusion is
 * exactly the bytes locate.c says it is. */
static void store_found_in_tiff_gif_svg_jxl(void **state)
{
    (void)state;
    struct buf store, big, f;
    uint8_t *got = NULL;
    size_t got_len = 0, xs = 0, xl = 0;
    const char *fmt = NULL;
    struct diag d;
    diag_clear(&d);
    make_store(&store);
    /* a 600-byte store: three GIF sub-blocks */
    buf_init(&big, 1 << 16);
    buf_append(&big, store.data, store.len);
    while (big.len < 600)
        buf_putc(&big, 'x');

    /* TIFF, big-endian: header, IFD0 with one entry, the value after it */
    buf_init(&f, 1 << 16);
    buf_append(&f, "MM\0\x2a\0\0\0\x08", 8);
    buf_append(&f, "\0\x01\xCD\x41\0\x07", 6);
    put_u32(&f, (uint32_t)store.len);
    put_u32(&f, 8 + 2 + 12 + 4);
    put_u32(&f, 0);
    buf_append(&f, store.data, store.len);
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)f.data, f.len), "x.tif", &got, &got_len,
                                     &fmt, &xs, &xl, &d),
                     ST_OK);
    assert_string_equal(fmt, "image/tiff");
    assert_int_equal(got_len, store.len);
    assert_memory_equal(got, store.data, store.len);
    assert_int_equal(xs, 26);
    assert_int_equal(xl, store.len);
    free(got);
    /* the tag with another type is refused, as c2pa-rs does */
    f.data[15] = 1;
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)f.data, f.len), "x.tif", &got, &got_len,
                                     &fmt, &xs, &xl, &d),
                     ST_MALFORMED);
    buf_free(&f);

    /* GIF: header, screen descriptor with a 2-colour table, the
     * extension, an image, the trailer */
    buf_init(&f, 1 << 16);
    buf_append(&f, "GIF89a\1\0\1\0\x80\0\0", 13);
    buf_append(&f, "\0\0\0\xff\xff\xff", 6);
    size_t ext_at = f.len;
    buf_append(&f,
               "\x21\xff\x0b"
               "C2PA_GIF\x01\0\0",
               14);
    for (size_t at = 0; at < big.len; at += 255) {
        size_t n = big.len - at < 255 ? big.len - at : 255;
        buf_putc(&f, (char)n);
        buf_append(&f, big.data + at, n);
    }
    buf_putc(&f, 0);
    size_t ext_len = f.len - ext_at;
    buf_append(&f, "\x2c\0\0\0\0\1\0\1\0\0\x02\x02\x44\x01\0\x3b", 16);
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)f.data, f.len), "x.gif", &got, &got_len,
                                     &fmt, &xs, &xl, &d),
                     ST_OK);
    assert_string_equal(fmt, "image/gif");
    assert_int_equal(got_len, big.len);
    assert_memory_equal(got, big.data, big.len);
    assert_int_equal(xs, ext_at);
    assert_int_equal(xl, ext_len);
    free(got);
    /* a sub-block that runs past the end is an error, not a shorter store */
    f.len = ext_at + 100;
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)f.data, f.len), "x.gif", &got, &got_len,
                                     &fmt, &xs, &xl, &d),
                     ST_TRUNCATED);
    buf_free(&f);

    /* SVG: a comment with a decoy, an attribute with '>' in quotes */
    char *b64 = malloc(base64_encoded_len(store.len) + 1);
    base64_encode((const uint8_t *)store.data, store.len, b64);
    b64[base64_encoded_len(store.len)] = 0;
    buf_init(&f, 1 << 16);
    buf_puts(&f, "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" a=\"x>y\">"
                 "<!-- <metadata><c2pa:manifest>QUJD</c2pa:manifest></metadata> -->"
                 "<metadata><c2pa:manifest xmlns:c2pa=\"http://c2pa.org/manifest\">");
    size_t text_at = f.len;
    buf_puts(&f, b64);
    buf_puts(&f, "</c2pa:manifest></metadata><rect width=\"1\"/></svg>");
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)f.data, f.len), "x.svg", &got, &got_len,
                                     &fmt, &xs, &xl, &d),
                     ST_OK);
    assert_string_equal(fmt, "image/svg+xml");
    assert_int_equal(got_len, store.len);
    assert_memory_equal(got, store.data, store.len);
    assert_int_equal(xs, text_at);
    assert_int_equal(xl, strlen(b64));
    free(got);
    buf_free(&f);
    /* a manifest outside /svg/metadata is not the store */
    buf_init(&f, 1 << 16);
    buf_puts(&f, "<svg><g><c2pa:manifest>QUJD</c2pa:manifest></g></svg>");
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)f.data, f.len), "x.svg", &got, &got_len,
                                     &fmt, &xs, &xl, &d),
                     ST_NOT_FOUND);
    buf_free(&f);
    free(b64);

    /* JPEG XL container: signature box, ftyp, the store, a codestream */
    buf_init(&f, 1 << 16);
    buf_append(&f, "\0\0\0\x0cJXL \x0d\x0a\x87\x0a", 12);
    buf_append(&f,
               "\0\0\0\x14"
               "ftypjxl \0\0\0\0jxl ",
               20);
    size_t box_at = f.len;
    buf_append(&f, store.data, store.len);
    buf_append(&f, "\0\0\0\x0cjxlc\xff\x0a\0\0", 12);
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)f.data, f.len), "x.jxl", &got, &got_len,
                                     &fmt, &xs, &xl, &d),
                     ST_OK);
    assert_string_equal(fmt, "image/jxl");
    assert_memory_equal(got, store.data, store.len);
    assert_int_equal(xs, box_at);
    assert_int_equal(xl, store.len);
    free(got);
    /* two C2PA stores: c2pa-rs's TooManyManifestStores */
    buf_append(&f, store.data, store.len);
    assert_int_equal(c2pa_store_find(span_make((uint8_t *)f.data, f.len), "x.jxl", &got, &got_len,
                                     &fmt, &xs, &xl, &d),
                     ST_MALFORMED);
    buf_free(&f);
    buf_free(&big);
    buf_free(&store);
}

static bool has_failure(const struct c2pa_report *r, const char *code)
{
    for (size_t i = 0; i < r->active.failure.n; i++)
        if (strcmp(r->active.failure.items[i].code, code) == 0)
            return true;
    return false;
}

/* c2pa-rs 0.92 store.rs ingredient_checks and validation_results.rs
 * from_store, checked against the reference on these very bytes: in
 * CACA.jpg the v3 ingredient's manifest validates (one delta:
 * ingredient.manifest.validated, the statuses the ingredient recorded
 * left out); renamed, so that the ingredient's reference does not
 * resolve, it is ingredient.manifest.missing (its url: the label) in
 * the ingredient's delta and in the active list, and that failure makes
 * the asset Invalid. */
static void corpus_ingredient_deltas_as_the_reference(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *data = read_corpus("CACA.jpg", &len);
    if (!data)
        skip();
    struct c2pa_report r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_verify(span_make(data, len), "CACA.jpg", NULL, &r, &d), ST_OK);
    assert_int_equal(r.state, C2PA_STATE_VALID);
    assert_int_equal(r.n_deltas, 1);
    assert_int_equal(r.deltas[0].results.success.n, 1);
    assert_string_equal(r.deltas[0].results.success.items[0].code, "ingredient.manifest.validated");
    assert_int_equal(r.deltas[0].results.failure.n, 0);
    c2pa_report_free(&r);
    /* the ingredient manifest's jumd label: toggles byte, then the label */
    static const char needle[] = "\x03urn:c2pa:5259041e";
    uint8_t *at = NULL;
    for (size_t i = 0; i + sizeof needle - 1 <= len && !at; i++)
        if (memcmp(data + i, needle, sizeof needle - 1) == 0)
            at = data + i;
    assert_non_null(at);
    at[sizeof needle - 2] = 'f';
    assert_int_equal(c2pa_verify(span_make(data, len), "CACA.jpg", NULL, &r, &d), ST_OK);
    assert_int_equal(r.state, C2PA_STATE_INVALID);
    assert_int_equal(r.n_deltas, 1);
    assert_int_equal(r.deltas[0].results.failure.n, 1);
    assert_string_equal(r.deltas[0].results.failure.items[0].code, "ingredient.manifest.missing");
    assert_string_equal(r.deltas[0].results.failure.items[0].url,
                        "urn:c2pa:5259041e-8171-49c9-acc2-915f1a48e3a5:contentauth");
    /* and in the active list too, as the reference says on these bytes:
     * c2pa-rs logs it once more while it collects the referenced
     * manifests, outside any ingredient (store.rs
     * Store::get_claim_referenced_manifests_impl) */
    assert_true(has_failure(&r, "ingredient.manifest.missing"));
    c2pa_report_free(&r);
    free(data);
}

static void corpus_photo_valid_then_tampered(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *data = read_corpus("C.jpg", &len);
    assert_non_null(data); /* select.h checked the corpus is there */
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
    assert_non_null(data); /* select.h checked the corpus is there */
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
    assert_non_null(data); /* select.h checked the corpus is there */
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

/* ---- time-stamps and stapled OCSP, with a throw-away PKI ---- */

#define DAY (24 * 3600L)

static EVP_PKEY *new_key(void)
{
    return EVP_EC_gen("P-256");
}

/* Certificate valid [now+from, now+to] (seconds); issuer NULL: self-
 * signed. `eku` NULL: none; ca: basicConstraints CA:TRUE. */
static X509 *new_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, long from,
                      long to, bool ca, const char *eku)
{
    static long serial = 1;
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    X509V3_CTX ctx;
    assert_non_null(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), from);
    X509_gmtime_adj(X509_getm_notAfter(x), to);
    X509_set_pubkey(x, key);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    const char *exts[][2] = {
        {"subjectKeyIdentifier", "hash"},
        {"basicConstraints", ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
        {"keyUsage", ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"},
        {"extendedKeyUsage", eku},
    };
    for (size_t i = 0; i < 4; i++) {
        if (!exts[i][1])
            continue;
        X509_EXTENSION *e = X509V3_EXT_conf(NULL, &ctx, exts[i][0], exts[i][1]);
        assert_non_null(e);
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    X509_NAME_free(n);
    return x;
}

struct pki {
    EVP_PKEY *ca_key, *leaf_key, *tsa_key, *resp_key;
    X509 *ca, *leaf;
    X509_STORE *anchors;
};

static void pki_init(struct pki *p)
{
    p->ca_key = new_key();
    p->leaf_key = new_key();
    p->tsa_key = new_key();
    p->resp_key = new_key();
    p->ca = new_cert(p->ca_key, "Test CA", NULL, NULL, -3650 * DAY, 3650 * DAY, true, NULL);
    p->leaf = new_cert(p->leaf_key, "Test Signer", p->ca, p->ca_key, -365 * DAY, 365 * DAY, false,
                       "emailProtection");
    p->anchors = X509_STORE_new();
    X509_STORE_add_cert(p->anchors, p->ca);
}

static void pki_free(struct pki *p)
{
    X509_STORE_free(p->anchors);
    X509_free(p->ca);
    X509_free(p->leaf);
    EVP_PKEY_free(p->ca_key);
    EVP_PKEY_free(p->leaf_key);
    EVP_PKEY_free(p->tsa_key);
    EVP_PKEY_free(p->resp_key);
}

/* An RFC 3161 TimeStampToken over `data` at `gen`, signed by `tsa`
 * (built with CMS so that any certificate can sign it, EKU or not),
 * carrying `tsa` and `extra`. DER into *out. */
static size_t make_token(X509 *tsa, EVP_PKEY *key, X509 *extra, const char *data, time_t gen,
                         unsigned char **out)
{
    TS_TST_INFO *ti = TS_TST_INFO_new();
    TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
    X509_ALGOR *alg = X509_ALGOR_new();
    ASN1_INTEGER *serial = ASN1_INTEGER_new();
    ASN1_GENERALIZEDTIME *gt = ASN1_GENERALIZEDTIME_set(NULL, gen);
    unsigned char md[32];
    unsigned char *der = NULL;
    STACK_OF(X509) *certs = sk_X509_new_null();
    SHA256((const unsigned char *)data, strlen(data), md);
    X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
    TS_MSG_IMPRINT_set_algo(mi, alg);
    TS_MSG_IMPRINT_set_msg(mi, md, sizeof md);
    ASN1_INTEGER_set(serial, 42);
    TS_TST_INFO_set_version(ti, 1);
    ASN1_OBJECT *policy = OBJ_txt2obj("1.2.3.4", 1);
    TS_TST_INFO_set_policy_id(ti, policy);
    ASN1_OBJECT_free(policy);
    TS_TST_INFO_set_msg_imprint(ti, mi);
    TS_TST_INFO_set_serial(ti, serial);
    TS_TST_INFO_set_time(ti, gt);
    int n = i2d_TS_TST_INFO(ti, &der);
    assert_true(n > 0);
    if (extra)
        sk_X509_push(certs, extra);
    BIO *in = BIO_new_mem_buf(der, n);
    CMS_ContentInfo *cms =
        CMS_sign(NULL, NULL, certs, NULL, CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP);
    assert_non_null(cms);
    assert_int_equal(CMS_set1_eContentType(cms, OBJ_nid2obj(NID_id_smime_ct_TSTInfo)), 1);
    assert_non_null(CMS_add1_signer(cms, tsa, key, EVP_sha256(), CMS_BINARY));
    assert_int_equal(CMS_final(cms, in, NULL, CMS_BINARY), 1);
    *out = NULL;
    int len = i2d_CMS_ContentInfo(cms, out);
    assert_true(len > 0);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    OPENSSL_free(der);
    sk_X509_free(certs);
    ASN1_GENERALIZEDTIME_free(gt);
    ASN1_INTEGER_free(serial);
    X509_ALGOR_free(alg);
    TS_MSG_IMPRINT_free(mi);
    TS_TST_INFO_free(ti);
    return (size_t)len;
}

static void tst_check(X509 *tsa, EVP_PKEY *key, X509 *extra, const char *signed_data,
                      const char *checked_data, time_t gen, X509_STORE *anchors, bool legacy,
                      struct tst_result *r)
{
    unsigned char *tok = NULL;
    size_t n = make_token(tsa, key, extra, signed_data, gen, &tok);
    assert_int_equal(
        tst_token_verify(span_make(tok, n),
                         span_make((const uint8_t *)checked_data, strlen(checked_data)), anchors,
                         legacy, r),
        ST_OK);
    OPENSSL_free(tok);
}

static void timestamp_trusted_only_with_eku_anchor_and_validity(void **state)
{
    (void)state;
    struct pki p;
    struct tst_result r;
    pki_init(&p);
    time_t now = time(NULL);
    X509 *tsa = new_cert(p.tsa_key, "Test TSA", p.ca, p.ca_key, -30 * DAY, 30 * DAY, false,
                         "critical,timeStamping");
    /* the good case: validated and trusted, genTime is the attested time */
    tst_check(tsa, p.tsa_key, NULL, "claim", "claim", now - DAY, p.anchors, false, &r);
    assert_true(r.validated && r.trusted);
    assert_null(r.code);
    assert_int_equal(r.gen_time, now - DAY);
    assert_string_equal(r.tsa_name, "Test TSA");
    tst_result_free(&r);
    /* no anchor for the TSA: validated, untrusted (§15.8.2) */
    tst_check(tsa, p.tsa_key, NULL, "claim", "claim", now - DAY, NULL, false, &r);
    assert_true(r.validated && !r.trusted);
    assert_string_equal(c2pa_code_text(r.code), "timeStamp.untrusted");
    tst_result_free(&r);
    /* claim v1: the token's own CA may anchor it, but only if it carries it */
    tst_check(tsa, p.tsa_key, p.ca, "claim", "claim", now - DAY, NULL, true, &r);
    assert_true(r.trusted);
    tst_result_free(&r);
    tst_check(tsa, p.tsa_key, NULL, "claim", "claim", now - DAY, NULL, true, &r);
    assert_false(r.trusted);
    tst_result_free(&r);
    /* stamped over other bytes */
    tst_check(tsa, p.tsa_key, NULL, "claim", "other claim", now - DAY, p.anchors, false, &r);
    assert_false(r.validated || r.trusted);
    assert_string_equal(c2pa_code_text(r.code), "timeStamp.mismatch");
    tst_result_free(&r);
    X509_free(tsa);
    pki_free(&p);
}

static void timestamp_tsa_without_timestamping_eku_is_untrusted(void **state)
{
    (void)state;
    struct pki p;
    struct tst_result r;
    pki_init(&p);
    X509 *tsa = new_cert(p.tsa_key, "Not a TSA", p.ca, p.ca_key, -30 * DAY, 30 * DAY, false,
                         "emailProtection");
    tst_check(tsa, p.tsa_key, p.ca, "claim", "claim", time(NULL) - DAY, p.anchors, true, &r);
    assert_true(r.validated);
    assert_false(r.trusted);
    assert_string_equal(c2pa_code_text(r.code), "timeStamp.untrusted");
    assert_non_null(strstr(r.message, "time-stamping EKU"));
    tst_result_free(&r);
    /* and a CA certificate may not sign time-stamps (§14.5.1.2) */
    tst_check(p.ca, p.ca_key, NULL, "claim", "claim", time(NULL) - DAY, p.anchors, false, &r);
    assert_false(r.trusted);
    assert_non_null(strstr(r.message, "CA certificate"));
    tst_result_free(&r);
    X509_free(tsa);
    pki_free(&p);
}

static void timestamp_expired_tsa_certificate(void **state)
{
    (void)state;
    struct pki p;
    struct tst_result r;
    pki_init(&p);
    time_t now = time(NULL);
    /* valid from 20 to 10 days ago */
    X509 *tsa = new_cert(p.tsa_key, "Old TSA", p.ca, p.ca_key, -20 * DAY, -10 * DAY, false,
                         "critical,timeStamping");
    /* genTime after the TSA certificate expired: outsideValidity, ignored */
    tst_check(tsa, p.tsa_key, NULL, "claim", "claim", now - DAY, p.anchors, false, &r);
    assert_false(r.validated || r.trusted);
    assert_string_equal(c2pa_code_text(r.code), "timeStamp.outsideValidity");
    tst_result_free(&r);
    /* genTime inside its validity: still trusted today (§15.8.2, time-
     * stamps outlive their TSA certificate) */
    tst_check(tsa, p.tsa_key, NULL, "claim", "claim", now - 15 * DAY, p.anchors, false, &r);
    assert_true(r.validated && r.trusted);
    tst_result_free(&r);
    X509_free(tsa);
    pki_free(&p);
}

static void timestamp_malformed_tokens(void **state)
{
    (void)state;
    struct pki p;
    struct tst_result r;
    unsigned char *tok = NULL;
    pki_init(&p);
    X509 *tsa = new_cert(p.tsa_key, "Test TSA", p.ca, p.ca_key, -30 * DAY, 30 * DAY, false,
                         "critical,timeStamping");
    size_t n = make_token(tsa, p.tsa_key, NULL, "claim", time(NULL), &tok);
    struct span data = span_make((const uint8_t *)"claim", 5);
    /* every truncation and a flipped byte in the signed TSTInfo */
    for (size_t cut = 0; cut < n; cut += 7) {
        assert_int_equal(tst_token_verify(span_make(tok, cut), data, p.anchors, false, &r), ST_OK);
        assert_false(r.trusted);
        assert_non_null(r.code);
        tst_result_free(&r);
    }
    assert_int_equal(tst_token_verify(span_make((const uint8_t *)"\x30\x03\x02\x01\x01", 5), data,
                                      p.anchors, false, &r),
                     ST_OK);
    assert_string_equal(c2pa_code_text(r.code), "timeStamp.malformed");
    tst_result_free(&r);
    OPENSSL_free(tok);
    X509_free(tsa);
    pki_free(&p);
}

/* A DER OCSPResponse about p->leaf signed by `signer`. */
static size_t make_ocsp(struct pki *p, X509 *signer, EVP_PKEY *key, int status, int reason,
                        time_t revoked_at, long this_upd, long next_upd, unsigned char **out)
{
    OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
    OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), p->leaf, p->ca);
    ASN1_TIME *tu = X509_gmtime_adj(NULL, this_upd), *nu = X509_gmtime_adj(NULL, next_upd);
    ASN1_TIME *rt = status == V_OCSP_CERTSTATUS_REVOKED ? ASN1_TIME_set(NULL, revoked_at) : NULL;
    STACK_OF(X509) *certs = sk_X509_new_null();
    assert_non_null(OCSP_basic_add1_status(bs, id, status, reason, rt, tu, nu));
    assert_int_equal(OCSP_basic_sign(bs, signer, key, EVP_sha256(), certs, 0), 1);
    OCSP_RESPONSE *resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
    *out = NULL;
    int n = i2d_OCSP_RESPONSE(resp, out);
    assert_true(n > 0);
    OCSP_RESPONSE_free(resp);
    sk_X509_free(certs);
    ASN1_TIME_free(rt);
    ASN1_TIME_free(tu);
    ASN1_TIME_free(nu);
    OCSP_CERTID_free(id);
    OCSP_BASICRESP_free(bs);
    return (size_t)n;
}

static enum ocsp_verdict ocsp_run(struct pki *p, const unsigned char *der, size_t n,
                                  X509_STORE *anchors, const time_t *attested,
                                  struct ocsp_result *r)
{
    struct cose_sign1 c;
    memset(&c, 0, sizeof c);
    c.chain = sk_X509_new_null();
    sk_X509_push(c.chain, p->leaf);
    sk_X509_push(c.chain, p->ca);
    c.ocsp[0] = span_make(der, n);
    c.n_ocsp = 1;
    assert_int_equal(ocsp_check_stapled(&c, anchors, attested, r), ST_OK);
    sk_X509_free(c.chain);
    return r->verdict;
}

static void ocsp_stapled_good_revoked_and_malformed(void **state)
{
    (void)state;
    struct pki p;
    struct ocsp_result r;
    unsigned char *der = NULL;
    size_t n;
    pki_init(&p);
    time_t now = time(NULL), signed_at = now - 2 * DAY;
    X509 *resp = new_cert(p.resp_key, "Test OCSP Responder", p.ca, p.ca_key, -30 * DAY, 30 * DAY,
                          false, "OCSPSigning");
    /* good, thisUpdate before and nextUpdate after the time-stamp */
    n = make_ocsp(&p, resp, p.resp_key, V_OCSP_CERTSTATUS_GOOD, -1, 0, -3 * DAY, 4 * DAY, &der);
    assert_int_equal(ocsp_run(&p, der, n, p.anchors, &signed_at, &r), OCSP_NOT_REVOKED);
    /* the same without anchors for the responder: not usable */
    assert_int_equal(ocsp_run(&p, der, n, NULL, &signed_at, &r), OCSP_NONE);
    assert_non_null(strstr(r.message, "trust anchors"));
    /* expired before the time-stamp: not usable */
    time_t later = now + 10 * DAY;
    assert_int_equal(ocsp_run(&p, der, n, p.anchors, &later, &r), OCSP_NONE);
    OPENSSL_free(der);
    /* revoked before signing: revoked */
    n = make_ocsp(&p, resp, p.resp_key, V_OCSP_CERTSTATUS_REVOKED,
                  OCSP_REVOKED_STATUS_KEYCOMPROMISE, now - 3 * DAY, -DAY, 4 * DAY, &der);
    assert_int_equal(ocsp_run(&p, der, n, p.anchors, &signed_at, &r), OCSP_REVOKED);
    assert_non_null(strstr(r.message, "revoked"));
    /* revoked, but after the attested time of signing: not revoked then */
    time_t before = now - 4 * DAY;
    assert_int_equal(ocsp_run(&p, der, n, p.anchors, &before, &r), OCSP_NOT_REVOKED);
    /* and without a time-stamp it is revoked now */
    assert_int_equal(ocsp_run(&p, der, n, p.anchors, NULL, &r), OCSP_REVOKED);
    /* every truncation and a flipped signature byte: never a status */
    for (size_t cut = 0; cut + 1 < n; cut += 5) {
        assert_int_equal(ocsp_run(&p, der, cut, p.anchors, &signed_at, &r), OCSP_NONE);
        assert_true(r.message[0] != '\0');
    }
    der[n - 3] ^= 0x40;
    assert_int_equal(ocsp_run(&p, der, n, p.anchors, &signed_at, &r), OCSP_NONE);
    OPENSSL_free(der);
    assert_int_equal(ocsp_run(&p, (const unsigned char *)"\x30\x00", 2, p.anchors, &signed_at, &r),
                     OCSP_NONE);
    assert_non_null(strstr(r.message, "not a DER OCSPResponse"));
    /* signed by the CA itself: §14.5.1.2 rejects CA-signed responses */
    n = make_ocsp(&p, p.ca, p.ca_key, V_OCSP_CERTSTATUS_GOOD, -1, 0, -3 * DAY, 4 * DAY, &der);
    assert_int_equal(ocsp_run(&p, der, n, p.anchors, &signed_at, &r), OCSP_NONE);
    assert_non_null(strstr(r.message, "CA certificate"));
    OPENSSL_free(der);
    /* a responder without id-kp-OCSPSigning */
    n = make_ocsp(&p, p.leaf, p.leaf_key, V_OCSP_CERTSTATUS_GOOD, -1, 0, -3 * DAY, 4 * DAY, &der);
    assert_int_equal(ocsp_run(&p, der, n, p.anchors, &signed_at, &r), OCSP_NONE);
    assert_non_null(strstr(r.message, "OCSPSigning"));
    OPENSSL_free(der);
    X509_free(resp);
    pki_free(&p);
}

/* The status-code table (c2pa.h C2PA_CODES): every code once, its text
 * found again by c2pa_code_of, its kind as the spec sorts it. */
static void status_codes_are_one_table(void **state)
{
    (void)state;
    assert_null(c2pa_code_text(C2PA_CODE_NONE));
    assert_int_equal(c2pa_code_of("no.such.code"), C2PA_CODE_NONE);
    for (unsigned c = 1; c < C2PA_CODE_COUNT; c++) {
        const char *t = c2pa_code_text((enum c2pa_code)c);
        assert_non_null(t);
        assert_int_equal(c2pa_code_of(t), c); /* no text twice */
        enum c2pa_kind k = c2pa_code_kind((enum c2pa_code)c);
        size_t n = strlen(t);
        if (n > 6 && strcmp(t + n - 6, ".match") == 0)
            assert_int_equal(k, C2PA_SUCCESS);
        if (strncmp(t, "timeStamp.", 10) == 0)
            assert_int_equal(k, strcmp(t, "timeStamp.validated") == 0 ||
                                        strcmp(t, "timeStamp.trusted") == 0
                                    ? C2PA_SUCCESS
                                    : C2PA_INFORMATIONAL);
        if (strstr(t, "mismatch"))
            assert_int_not_equal(k, C2PA_SUCCESS);
    }
}

int main(int argc, char **argv)
{
    ts_unit_select(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_codes_are_one_table),
        cmocka_unit_test(jumbf_parses_a_minimal_store),
        cmocka_unit_test(jumbf_refuses_length_past_end),
        cmocka_unit_test(jumbf_refuses_zero_and_short_lengths),
        cmocka_unit_test(jumbf_refuses_depth_bomb),
        cmocka_unit_test(cbor_limits),
        cmocka_unit_test(cose_refuses_wrong_alg_and_cut_certificate),
        cmocka_unit_test(store_found_in_png_and_webp),
        cmocka_unit_test(store_found_in_tiff_gif_svg_jxl),
        cmocka_unit_test(corpus_photo_valid_then_tampered),
        cmocka_unit_test(corpus_ingredient_deltas_as_the_reference),
        cmocka_unit_test(corpus_trusted_with_anchors),
        cmocka_unit_test(corpus_foreign_segment_inside_store_is_caught),
        cmocka_unit_test(claim_depth_bomb_is_invalid),
        cmocka_unit_test(timestamp_trusted_only_with_eku_anchor_and_validity),
        cmocka_unit_test(timestamp_tsa_without_timestamping_eku_is_untrusted),
        cmocka_unit_test(timestamp_expired_tsa_certificate),
        cmocka_unit_test(timestamp_malformed_tokens),
        cmocka_unit_test(ocsp_stapled_good_revoked_and_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
