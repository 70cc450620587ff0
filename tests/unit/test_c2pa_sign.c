/* test_c2pa_sign.c — the signer on hand-made bytes: JUMBF box sizes,
 * deterministic CBOR (shortest heads, sorted keys whatever the order of
 * insertion), APP11 splitting and reassembly past 64 KB, the demo key's
 * certificate profile, and for a signed JPEG and WebP that the data
 * hash's exclusion is exactly the inserted bytes and its hash is the
 * hash of everything else. The reference validator's verdict on real
 * files is tests/c2pa_sign.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "c2pa/c2pa.h"
#include "c2pa/sign_internal.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- JUMBF ---------------------------------------------------------- */

static void jumbf_boxes_have_their_real_sizes(void **state)
{
    (void)state;
    struct c2pa_sign_out o;
    uint8_t uuid[16];
    c2pa_sign_out_init(&o, 4096);
    c2pa_sign_jumbf_uuid_4cc(uuid, "c2pa");
    size_t outer = c2pa_sign_jumbf_super_open(&o, uuid, "c2pa");
    c2pa_sign_jumbf_uuid_4cc(uuid, "cbor");
    size_t inner = c2pa_sign_jumbf_super_open(&o, uuid, "x");
    size_t box = c2pa_sign_jumbf_open(&o, "cbor");
    c2pa_sign_out_raw(&o, "\xA0", 1);
    c2pa_sign_jumbf_close(&o, box);
    c2pa_sign_jumbf_close(&o, inner);
    c2pa_sign_jumbf_close(&o, outer);
    assert_int_equal(o.st, ST_OK);
    const uint8_t *p = c2pa_sign_out_bytes(&o);
    /* outer: 8 + jumd(8+16+1+5) + inner; inner: 8 + jumd(8+16+1+2) + cbor(8+1) */
    size_t jumd_outer = 8 + 16 + 1 + 5, jumd_inner = 8 + 16 + 1 + 2, cbor = 9;
    size_t inner_len = 8 + jumd_inner + cbor;
    assert_int_equal(be32(p), 8 + jumd_outer + inner_len);
    assert_int_equal(o.b.len, 8 + jumd_outer + inner_len);
    assert_memory_equal(p + 4, "jumb", 4);
    assert_int_equal(be32(p + 8), jumd_outer);
    assert_memory_equal(p + 12, "jumd", 4);
    assert_memory_equal(p + 16, "c2pa\x00\x11\x00\x10\x80\x00\x00\xAA\x00\x38\x9B\x71", 16);
    assert_int_equal(p[32], 0x03); /* toggles: requestable + label */
    assert_memory_equal(p + 33, "c2pa", 5);
    assert_int_equal(be32(p + 8 + jumd_outer), inner_len);
    assert_int_equal(be32(p + 8 + jumd_outer + 8 + jumd_inner), cbor);
    /* the hashed-URI input is the superbox without its own header */
    uint8_t h[32], want[32];
    c2pa_sign_jumbf_content_hash(&o, inner, h);
    SHA256(p + inner + 8, inner_len - 8, want);
    assert_memory_equal(h, want, 32);
    c2pa_sign_out_free(&o);
}

/* ---- CBOR ----------------------------------------------------------- */

static void cbor_heads_are_shortest(void **state)
{
    (void)state;
    const struct {
        uint64_t v;
        size_t len;
    } cases[] = {{0, 1},     {23, 1},    {24, 2},          {255, 2},           {256, 3},
                 {65535, 3}, {65536, 5}, {0xFFFFFFFFu, 5}, {0x100000000ull, 9}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct c2pa_sign_out o;
        c2pa_sign_out_init(&o, 64);
        c2pa_sign_cbor_uint(&o, cases[i].v);
        assert_int_equal(o.b.len, cases[i].len);
        c2pa_sign_out_free(&o);
    }
    struct c2pa_sign_out o;
    c2pa_sign_out_init(&o, 64);
    c2pa_sign_cbor_int(&o, -7); /* ES256 */
    c2pa_sign_cbor_int(&o, -37);
    assert_int_equal(o.b.len, 3);
    assert_memory_equal(o.b.data, "\x26\x38\x24", 3);
    c2pa_sign_out_free(&o);
}

static void fill_map(struct c2pa_sign_out *o, const int *order)
{
    struct c2pa_sign_cbor_map m;
    c2pa_sign_cbor_map_begin(&m, 1024);
    for (int i = 0; i < 4; i++) {
        switch (order[i]) {
        case 0:
            c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "url"), "self#jumbf=x");
            break;
        case 1:
            c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&m, "hash"), "\x01\x02", 2);
            break;
        case 2:
            c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&m, "b"), 1);
            break;
        default:
            c2pa_sign_cbor_int(c2pa_sign_cbor_map_int(&m, 33), -1);
            break;
        }
    }
    c2pa_sign_cbor_map_end(&m, o);
}

static void cbor_maps_are_sorted_whatever_the_insertion_order(void **state)
{
    (void)state;
    const int orders[3][4] = {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}};
    struct c2pa_sign_out first;
    c2pa_sign_out_init(&first, 1024);
    fill_map(&first, orders[0]);
    assert_int_equal(first.st, ST_OK);
    /* 33 (0x18 0x21) < "b" (0x61 ...) < "url" (0x63 ...) < "hash" (0x64 ...) */
    const uint8_t want[] = {0xA4, 0x18, 0x21, 0x20, 0x61, 'b', 0x01, 0x63, 'u',  'r', 'l',
                            0x6C, 's',  'e',  'l',  'f',  '#', 'j',  'u',  'm',  'b', 'f',
                            '=',  'x',  0x64, 'h',  'a',  's', 'h',  0x42, 0x01, 0x02};
    assert_int_equal(first.b.len, sizeof want);
    assert_memory_equal(first.b.data, want, sizeof want);
    for (int i = 1; i < 3; i++) {
        struct c2pa_sign_out o;
        c2pa_sign_out_init(&o, 1024);
        fill_map(&o, orders[i]);
        assert_int_equal(o.b.len, first.b.len);
        assert_memory_equal(o.b.data, first.b.data, o.b.len);
        c2pa_sign_out_free(&o);
    }
    c2pa_sign_out_free(&first);
}

static void cbor_refuses_duplicate_keys_and_bad_utf8(void **state)
{
    (void)state;
    struct c2pa_sign_out o;
    struct c2pa_sign_cbor_map m;
    c2pa_sign_out_init(&o, 1024);
    c2pa_sign_cbor_map_begin(&m, 1024);
    c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&m, "a"), 1);
    c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&m, "a"), 2);
    c2pa_sign_cbor_map_end(&m, &o);
    assert_int_equal(o.st, ST_INTERNAL);
    c2pa_sign_out_free(&o);
    c2pa_sign_out_init(&o, 1024);
    c2pa_sign_cbor_text(&o, "caf\xC3");
    assert_int_equal(o.st, ST_MALFORMED);
    c2pa_sign_out_free(&o);
    /* the cap holds: a 2 KB string into a 1 KB writer */
    char big[2048];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    c2pa_sign_out_init(&o, 1024);
    c2pa_sign_cbor_text(&o, big);
    assert_int_equal(o.st, ST_LIMIT);
    c2pa_sign_out_free(&o);
}

/* ---- APP11 ---------------------------------------------------------- */

static void app11_splits_past_64k_and_reassembles(void **state)
{
    (void)state;
    size_t n = 150000;
    uint8_t *store = malloc(n);
    assert_non_null(store);
    for (size_t i = 0; i < n; i++)
        store[i] = (uint8_t)(i * 7 + 3);
    memcpy(store, "\x00\x02\x49\xF0jumb", 8); /* LBox = 150000 */
    struct c2pa_sign_out o;
    c2pa_sign_out_init(&o, 1 << 20);
    c2pa_sign_app11_write(&o, store, n, C2PA_SIGN_APP11_CHUNK);
    assert_int_equal(o.st, ST_OK);
    assert_int_equal(o.b.len, c2pa_sign_app11_size(n, C2PA_SIGN_APP11_CHUNK));
    const uint8_t *p = c2pa_sign_out_bytes(&o);
    uint8_t *back = malloc(n);
    size_t at = 0, got = 0;
    uint32_t z = 1;
    while (at < o.b.len) {
        assert_int_equal(p[at], 0xFF);
        assert_int_equal(p[at + 1], 0xEB);
        size_t lp = (size_t)p[at + 2] << 8 | p[at + 3];
        assert_true(lp <= 65535);
        assert_true(at + 2 + lp <= o.b.len);
        assert_memory_equal(p + at + 4, "JP\x00\x01", 4); /* CI, En */
        assert_int_equal(be32(p + at + 8), z);            /* Z */
        assert_memory_equal(p + at + 12, store, 8);       /* box header, every time */
        size_t k = lp - 2 - 8 - 8;
        memcpy(back + got, p + at + 20, k);
        got += k;
        at += 2 + lp;
        z++;
    }
    assert_int_equal(z - 1, 3);
    assert_int_equal(got, n - 8);
    assert_memory_equal(back, store + 8, n - 8);
    free(back);
    free(store);
    c2pa_sign_out_free(&o);
}

/* ---- keys and signed files --------------------------------------------- */

static char keydir[64];

static int make_key(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/ts-c2pa-unit-XXXXXX";
    if (!mkdtemp(tmpl))
        return -1;
    snprintf(keydir, sizeof keydir, "%s/keys", tmpl);
    struct diag d;
    diag_clear(&d);
    return c2pa_keygen(keydir, &d) == ST_OK ? 0 : -1;
}

static int remove_key(void **state)
{
    (void)state;
    const char *files[] = {C2PA_KEY_FILE, C2PA_CHAIN_FILE, C2PA_ANCHOR_FILE};
    char p[256];
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", keydir, files[i]);
        unlink(p);
    }
    rmdir(keydir);
    char *slash = strrchr(keydir, '/');
    *slash = '\0';
    rmdir(keydir);
    return 0;
}

static X509 *read_cert(const char *file, int index)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", keydir, file);
    FILE *f = fopen(p, "r");
    X509 *x = NULL;
    for (int i = 0; f && i <= index; i++) {
        X509_free(x);
        x = PEM_read_X509(f, NULL, NULL, NULL);
    }
    if (f)
        fclose(f);
    return x;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A key folder whose key is not P-256, or whose chain belongs to
 * another key, is refused with a message, never used. */
static void signer_load_refuses_wrong_keys(void **state)
{
    (void)state;
    char dir[] = "/tmp/ts-c2pa-unit-bad-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char chain[256];
    snprintf(chain, sizeof chain, "%s/%s", keydir, C2PA_CHAIN_FILE);
    uint8_t *pem = NULL;
    size_t pem_len = 0;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(chain, 1 << 20, &pem, &pem_len, &d), ST_OK);
    write_file(dir, C2PA_CHAIN_FILE, (const char *)pem);
    free(pem);
    struct c2pa_signer *s = NULL;
    /* another P-256 key than the certificate's */
    EVP_PKEY *k = EVP_EC_gen("P-256");
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
    char *text = NULL;
    long n = BIO_get_mem_data(b, &text);
    char *copy = strndup(text, (size_t)n);
    write_file(dir, C2PA_KEY_FILE, copy);
    free(copy);
    BIO_free(b);
    EVP_PKEY_free(k);
    assert_int_equal(c2pa_signer_load(dir, &s, &d), ST_CONFIG);
    assert_null(s);
    assert_non_null(strstr(d.message, "does not belong"));
    /* a P-384 key */
    k = EVP_EC_gen("P-384");
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
    n = BIO_get_mem_data(b, &text);
    copy = strndup(text, (size_t)n);
    write_file(dir, C2PA_KEY_FILE, copy);
    free(copy);
    BIO_free(b);
    EVP_PKEY_free(k);
    assert_int_equal(c2pa_signer_load(dir, &s, &d), ST_UNSUPPORTED);
    assert_non_null(strstr(d.message, "P-256"));
    /* not a key at all */
    write_file(dir, C2PA_KEY_FILE, "hello\n");
    assert_int_equal(c2pa_signer_load(dir, &s, &d), ST_MALFORMED);
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, C2PA_KEY_FILE);
    unlink(p);
    snprintf(p, sizeof p, "%s/%s", dir, C2PA_CHAIN_FILE);
    unlink(p);
    /* a folder without a key */
    assert_int_not_equal(c2pa_signer_load(dir, &s, &d), ST_OK);
    rmdir(dir);
}

static void keygen_makes_a_claim_signing_profile(void **state)
{
    (void)state;
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", keydir, C2PA_KEY_FILE);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    X509 *leaf = read_cert(C2PA_CHAIN_FILE, 0), *root = read_cert(C2PA_ANCHOR_FILE, 0);
    assert_non_null(leaf);
    assert_non_null(root);
    assert_int_equal(X509_get_version(leaf), X509_VERSION_3);
    assert_true(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE);
    assert_true(X509_get_extended_key_usage(leaf) & XKU_SMIME);
    assert_int_equal(X509_check_ca(leaf), 0);
    assert_true(X509_check_ca(root) > 0);
    assert_non_null(X509_get0_authority_key_id(leaf));
    char cn[256];
    X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn, sizeof cn);
    assert_non_null(strstr(cn, "UNTRUSTED"));
    /* the chain verifies to the anchor, strictly */
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, root);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf, NULL);
    X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
    assert_int_equal(X509_verify_cert(ctx), 1);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(leaf);
    X509_free(root);
    /* a second keygen refuses to replace the key */
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_keygen(keydir, &d), ST_USAGE);
}

/* A tiny JPEG: SOI, APP0 JFIF, APP1, DQT, SOS, scan, EOI. The signer
 * does not decode it, only walks its markers. */
static const uint8_t tiny_jpeg[] = {
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J',  'F',  'I',  'F',  0,    1,    1,    0,    0,    1,
    0,    1,    0,    0,    0xFF, 0xE1, 0x00, 0x08, 'h',  'e',  'l',  'l',  'o',  0,    0xFF, 0xDB,
    0x00, 0x04, 0x00, 0x01, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0x56, 0x78, 0xFF, 0xD9,
};

/* A simple lossless WebP: VP8L header only (5 bytes: signature and
 * 4x3 with alpha), enough for the signer's RIFF rewrite. */
static const uint8_t tiny_webp[] = {
    'R', 'I', 'F', 'F', 18, 0, 0, 0,    'W',  'E',  'B',  'P',  'V',
    'P', '8', 'L', 5,   0,  0, 0, 0x2F, 0x03, 0x80, 0x00, 0x10, 0,
};

struct found {
    uint64_t start, length;
    uint8_t hash[32];
};

/* The c2pa.hash.data assertion's first exclusion and hash, read with
 * libcbor from the signed bytes. */
static void read_data_hash(const uint8_t *file, size_t len, struct found *f)
{
    const char label[] = "c2pa.hash.data";
    const uint8_t *p = NULL;
    for (size_t i = 0; i + sizeof label < len; i++)
        if (memcmp(file + i, label, sizeof label) == 0) /* with its NUL */
            p = file + i + sizeof label;
    assert_non_null(p);
    assert_memory_equal(p + 4, "cbor", 4);
    size_t n = be32(p) - 8;
    struct cbor_load_result r;
    cbor_item_t *m = cbor_load(p + 8, n, &r);
    assert_non_null(m);
    assert_int_equal(r.read, n);
    memset(f, 0, sizeof *f);
    struct cbor_pair *pairs = cbor_map_handle(m);
    for (size_t i = 0; i < cbor_map_size(m); i++) {
        char key[32] = "";
        memcpy(key, cbor_string_handle(pairs[i].key), cbor_string_length(pairs[i].key));
        if (strcmp(key, "hash") == 0) {
            assert_int_equal(cbor_bytestring_length(pairs[i].value), 32);
            memcpy(f->hash, cbor_bytestring_handle(pairs[i].value), 32);
        } else if (strcmp(key, "exclusions") == 0) {
            assert_int_equal(cbor_array_size(pairs[i].value), 1);
            cbor_item_t *ex = cbor_array_handle(pairs[i].value)[0];
            struct cbor_pair *ep = cbor_map_handle(ex);
            for (size_t j = 0; j < cbor_map_size(ex); j++) {
                uint64_t v = cbor_get_int(ep[j].value);
                if (memcmp(cbor_string_handle(ep[j].key), "start", 5) == 0)
                    f->start = v;
                else
                    f->length = v;
            }
        }
    }
    cbor_decref(&m);
}

/* The payload of the `cbor` box that follows a jumd labelled `label`. */
static const uint8_t *cbor_box_after(const uint8_t *file, size_t len, const char *label, size_t *n)
{
    size_t k = strlen(label) + 1;
    const uint8_t *p = NULL;
    for (size_t i = 0; i + k < len; i++)
        if (memcmp(file + i, label, k) == 0)
            p = file + i + k;
    assert_non_null(p);
    assert_memory_equal(p + 4, "cbor", 4);
    *n = be32(p) - 8;
    return p + 8;
}

/* Checks the COSE_Sign1 independently of the signer's code paths:
 * libcbor reads it, the Sig_structure is rebuilt by hand, r||s goes
 * back to DER and OpenSSL verifies it with the x5chain leaf's key. */
static void cose_signature_verifies(const uint8_t *file, size_t len)
{
    size_t claim_len = 0, cose_len = 0;
    const uint8_t *claim = cbor_box_after(file, len, "c2pa.claim.v2", &claim_len);
    const uint8_t *cose = cbor_box_after(file, len, "c2pa.signature", &cose_len);
    struct cbor_load_result r;
    /* Tag 18 (COSE_Sign1) by hand: libcbor 0.8.0 refuses the one-byte
     * tag heads 0xC6..0xD4 (tags 6-20) as malformed. */
    assert_int_equal(cose[0], 0xD2);
    cbor_item_t *arr = cbor_load(cose + 1, cose_len - 1, &r);
    assert_non_null(arr);
    assert_int_equal(r.read, cose_len - 1);
    assert_int_equal(cbor_array_size(arr), 4);
    cbor_item_t *prot = cbor_array_handle(arr)[0], *sig = cbor_array_handle(arr)[3];
    assert_true(cbor_is_null(cbor_array_handle(arr)[2])); /* detached */
    assert_int_equal(cbor_bytestring_length(sig), 64);
    /* protected: {1: -7, 33: leaf DER} */
    cbor_item_t *hdr = cbor_load(cbor_bytestring_handle(prot), cbor_bytestring_length(prot), &r);
    assert_non_null(hdr);
    struct cbor_pair *hp = cbor_map_handle(hdr);
    assert_int_equal(cbor_map_size(hdr), 2);
    assert_int_equal(cbor_get_int(hp[0].key), 1);
    assert_true(cbor_isa_negint(hp[0].value) && cbor_get_int(hp[0].value) == 6); /* -7 */
    assert_int_equal(cbor_get_int(hp[1].key), 33);
    const uint8_t *der = cbor_bytestring_handle(hp[1].value);
    X509 *leaf = d2i_X509(NULL, &der, (long)cbor_bytestring_length(hp[1].value));
    assert_non_null(leaf);
    /* Sig_structure = ["Signature1", protected, h'', claim] */
    struct c2pa_sign_out tbs;
    c2pa_sign_out_init(&tbs, 1 << 20);
    c2pa_sign_cbor_array(&tbs, 4);
    c2pa_sign_cbor_text(&tbs, "Signature1");
    c2pa_sign_cbor_bytes(&tbs, cbor_bytestring_handle(prot), cbor_bytestring_length(prot));
    c2pa_sign_cbor_bytes(&tbs, NULL, 0);
    c2pa_sign_cbor_bytes(&tbs, claim, claim_len);
    assert_int_equal(tbs.st, ST_OK);
    ECDSA_SIG *es = ECDSA_SIG_new();
    const uint8_t *raw = cbor_bytestring_handle(sig);
    ECDSA_SIG_set0(es, BN_bin2bn(raw, 32, NULL), BN_bin2bn(raw + 32, 32, NULL));
    uint8_t *sig_der = NULL;
    int sig_der_len = i2d_ECDSA_SIG(es, &sig_der);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, X509_get0_pubkey(leaf)),
                     1);
    assert_int_equal(
        EVP_DigestVerify(ctx, sig_der, (size_t)sig_der_len, c2pa_sign_out_bytes(&tbs), tbs.b.len),
        1);
    /* and a claim changed by one byte does not verify */
    tbs.b.data[tbs.b.len - 1] ^= 1;
    EVP_MD_CTX_reset(ctx);
    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, X509_get0_pubkey(leaf));
    assert_int_not_equal(
        EVP_DigestVerify(ctx, sig_der, (size_t)sig_der_len, c2pa_sign_out_bytes(&tbs), tbs.b.len),
        1);
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(sig_der);
    ECDSA_SIG_free(es);
    c2pa_sign_out_free(&tbs);
    X509_free(leaf);
    cbor_decref(&hdr);
    cbor_decref(&arr);
}

static void hash_without(const uint8_t *file, size_t len, const struct found *f, uint8_t h[32])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestInit_ex(c, EVP_sha256(), NULL), 1);
    EVP_DigestUpdate(c, file, f->start);
    EVP_DigestUpdate(c, file + f->start + f->length, len - f->start - f->length);
    EVP_DigestFinal_ex(c, h, NULL);
    EVP_MD_CTX_free(c);
}

static uint8_t *sign_with_hash(const uint8_t *asset, size_t asset_len, const uint8_t *sha256,
                               size_t *out_len, enum status *st);

static uint8_t *sign(const uint8_t *asset, size_t asset_len, size_t *out_len, enum status *st)
{
    return sign_with_hash(asset, asset_len, NULL, out_len, st);
}

static uint8_t *sign_with_hash(const uint8_t *asset, size_t asset_len, const uint8_t *sha256,
                               size_t *out_len, enum status *st)
{
    struct c2pa_signer *s = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_signer_load(keydir, &s, &d), ST_OK);
    assert_int_equal(strlen(c2pa_signer_fingerprint(s)), 64);
    static const uint8_t original[] = "the original photo";
    struct c2pa_sign_input in = {
        .original = span_make(original, sizeof original),
        .original_sha256 = sha256,
        .original_title = "kim-01.jpg",
        .original_format = "image/jpeg",
        .asset = span_make(asset, asset_len),
        .title = "kim-01-960.jpg",
        .generator_name = "tearsheet",
        .generator_version = "test",
    };
    uint8_t *out = NULL;
    *st = c2pa_sign(s, &in, &out, out_len, &d);
    c2pa_signer_free(s);
    return out;
}

static uint8_t *sign_carrying(const uint8_t *asset, size_t asset_len, struct span store,
                              const struct c2pa_sign_results *r, size_t *out_len)
{
    struct c2pa_signer *s = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_signer_load(keydir, &s, &d), ST_OK);
    static const uint8_t original[] = "a camera-signed original";
    struct c2pa_sign_input in = {
        .original = span_make(original, sizeof original),
        .original_title = "camera.jpg",
        .original_format = "image/jpeg",
        .original_store = store,
        .original_results = r,
        .asset = span_make(asset, asset_len),
        .title = "camera-480.webp",
        .generator_name = "tearsheet",
    };
    uint8_t *out = NULL;
    assert_int_equal(c2pa_sign(s, &in, &out, out_len, &d), ST_OK);
    c2pa_signer_free(s);
    return out;
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

/* A signed tiny JPEG standing for a camera-signed original: its store
 * (the caller frees it) and what the carry parser reads in it. */
static uint8_t *signed_original_store(size_t *n, struct c2pa_sign_carry *orig)
{
    size_t len = 0;
    enum status st;
    uint8_t *first = sign(tiny_jpeg, sizeof tiny_jpeg, &len, &st), *store = NULL;
    assert_int_equal(st, ST_OK);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_sign_find_store(span_make(first, len), &store, n, &d), ST_OK);
    free(first);
    assert_int_equal(c2pa_sign_carry_parse(span_make(store, *n), orig, &d), ST_OK);
    return store;
}

/* The original's store travels verbatim and is referenced only when
 * validation results come with it (c2pa-rs rejects a v3 ingredient
 * with activeManifest and no validationResults). */
static void original_store_is_carried_only_with_results(void **state)
{
    (void)state;
    size_t n = 0, out_len = 0;
    struct c2pa_sign_carry orig;
    uint8_t *store = signed_original_store(&n, &orig);
    struct diag d;
    diag_clear(&d);

    const struct c2pa_sign_code ok[] = {{"claimSignature.validated", NULL, "fine"}};
    const struct c2pa_sign_results r = {.success = ok, .n_success = 1};
    uint8_t *out = sign_carrying(tiny_webp, sizeof tiny_webp, span_make(store, n), &r, &out_len);
    uint8_t *got = NULL;
    size_t got_len = 0;
    assert_int_equal(c2pa_sign_find_store(span_make(out, out_len), &got, &got_len, &d), ST_OK);
    struct c2pa_sign_carry now;
    assert_int_equal(c2pa_sign_carry_parse(span_make(got, got_len), &now, &d), ST_OK);
    assert_int_equal(now.n_manifests, 2);
    assert_string_not_equal(now.active_label, orig.active_label);
    assert_true(contains(got, got_len, orig.manifests.ptr, orig.manifests.len));
    char url[300];
    snprintf(url, sizeof url, "self#jumbf=/c2pa/%s", orig.active_label);
    assert_true(contains(got, got_len, url, strlen(url)));
    assert_true(contains(got, got_len, orig.active_hash, 32));
    assert_true(contains(got, got_len, orig.sig_hash, 32));
    assert_true(contains(got, got_len, "validationResults", 17));
    assert_true(contains(got, got_len, "claimSignature.validated", 24));
    free(got);
    free(out);

    out = sign_carrying(tiny_webp, sizeof tiny_webp, span_make(store, n), NULL, &out_len);
    assert_int_equal(c2pa_sign_find_store(span_make(out, out_len), &got, &got_len, &d), ST_OK);
    assert_int_equal(c2pa_sign_carry_parse(span_make(got, got_len), &now, &d), ST_OK);
    assert_int_equal(now.n_manifests, 1);
    assert_false(contains(got, got_len, "activeManifest", 14));
    free(got);
    free(out);
    free(store);
}

static bool has_code(const struct c2pa_status_list *l, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].code, code) == 0)
            return true;
    return false;
}

/* Whether the ingredient delta of a derivative carrying a demo-signed
 * original, whose assertion recorded R, says the original's signer is
 * untrusted (no anchors are given). */
static bool delta_has_untrusted(struct span store, const struct c2pa_sign_results *r)
{
    size_t out_len = 0;
    uint8_t *out = sign_carrying(tiny_webp, sizeof tiny_webp, store, r, &out_len);
    struct c2pa_report rep;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_verify(span_make(out, out_len), "x.webp", NULL, &rep, &d), ST_OK);
    /* the derivative itself: nothing wrong but the untrusted demo key */
    assert_int_equal(rep.state, C2PA_STATE_VALID);
    /* deltas: the derivative's ingredient (the carried manifest) and
     * that manifest's own ingredient (no provenance) */
    char prefix[300];
    snprintf(prefix, sizeof prefix, "self#jumbf=/c2pa/%s/", rep.active_label);
    const struct c2pa_delta *mine = NULL;
    for (size_t i = 0; i < rep.n_deltas; i++)
        if (strncmp(rep.deltas[i].ingredient_uri, prefix, strlen(prefix)) == 0)
            mine = &rep.deltas[i];
    assert_non_null(mine);
    bool has = has_code(&mine->results.failure, "signingCredential.untrusted");
    c2pa_report_free(&rep);
    free(out);
    return has;
}

/* An ingredient delta is what validating the carried manifest gives
 * beyond what its ingredient assertion recorded when it was signed (as
 * c2pa-rs computes it, ValidationResults::from_store): the untrusted
 * signer recorded then, with an absolute or a relative URL, is not
 * news; recorded about another URL, or not at all, it is. */
static void ingredient_delta_leaves_out_what_was_recorded(void **state)
{
    (void)state;
    size_t n = 0;
    struct c2pa_sign_carry orig;
    uint8_t *store = signed_original_store(&n, &orig);
    char url[300];
    snprintf(url, sizeof url, "self#jumbf=/c2pa/%s/c2pa.signature", orig.active_label);

    const char *urls[] = {url, "self#jumbf=c2pa.signature", "self#jumbf=c2pa.assertions/x"};
    const bool news[] = {false, false, true};
    for (int i = 0; i < 3; i++) {
        const struct c2pa_sign_code rec[] = {{"signingCredential.untrusted", urls[i], "x"}};
        const struct c2pa_sign_results r = {.failure = rec, .n_failure = 1};
        assert_int_equal(delta_has_untrusted(span_make(store, n), &r), news[i]);
    }
    const struct c2pa_sign_code ok[] = {{"claimSignature.validated", url, "fine"}};
    const struct c2pa_sign_results only_ok = {.success = ok, .n_success = 1};
    assert_true(delta_has_untrusted(span_make(store, n), &only_ok));
    free(store);
}

/* An update manifest (`update_action`) on the signed JPEG `file`. */
static enum status sign_update(const uint8_t *file, size_t len, const char *action, uint8_t **out,
                               size_t *out_len)
{
    struct c2pa_signer *s = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_signer_load(keydir, &s, &d), ST_OK);
    uint8_t *store = NULL;
    size_t n = 0;
    enum status st = c2pa_sign_find_store(span_make(file, len), &store, &n, &d);
    assert_true(st == ST_OK || st == ST_NOT_FOUND);
    const struct c2pa_sign_code ok[] = {{"claimSignature.validated", NULL, "fine"}};
    const struct c2pa_sign_results r = {.success = ok, .n_success = 1};
    struct c2pa_sign_input in = {
        .original = span_make(file, len),
        .original_title = "kim-01-960.jpg",
        .original_format = "image/jpeg",
        .original_store = span_make(store, n),
        .original_results = &r,
        .asset = span_make(file, len),
        .title = "kim-01-960.jpg",
        .generator_name = "tearsheet",
        .update_action = action,
    };
    *out = NULL;
    st = c2pa_sign(s, &in, out, out_len, &d);
    free(store);
    c2pa_signer_free(s);
    return st;
}

static bool report_has(const struct c2pa_report *r, bool failure, const char *code)
{
    return has_code(failure ? &r->active.failure : &r->active.success, code);
}

/* C2PA "Update Manifests": an update manifest on a signed JPEG keeps every byte but the
 * store's segments; the validator checks the photo through the parent's
 * data hash (its exclusion widened to the grown store), so a changed
 * pixel is still caught, and an action an update may not record is
 * manifest.update.invalid. Files of another kind, or without a store,
 * are refused. */
static void update_manifest_binds_through_its_parent(void **state)
{
    (void)state;
    size_t len = 0, up_len = 0, at[2], old_len = 0;
    enum status st;
    uint8_t *first = sign(tiny_jpeg, sizeof tiny_jpeg, &len, &st), *up = NULL, *old = NULL;
    assert_int_equal(st, ST_OK);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_sign_jpeg_store(span_make(first, len), &old, &old_len, at, &d), ST_OK);
    free(old);
    assert_int_equal(sign_update(first, len, "c2pa.edited.metadata", &up, &up_len), ST_OK);
    assert_true(up_len > len);
    assert_memory_equal(up, first, at[0]);
    assert_memory_equal(up + up_len - (len - at[1]), first + at[1], len - at[1]);
    assert_true(contains(up, up_len, "c2um", 4));

    struct c2pa_report rep;
    assert_int_equal(c2pa_verify(span_make(up, up_len), "u.jpg", NULL, &rep, &d), ST_OK);
    assert_int_equal(rep.manifest_count, 2);
    assert_int_equal(rep.state, C2PA_STATE_VALID); /* no anchors: untrusted */
    assert_true(report_has(&rep, false, "assertion.dataHash.match"));
    assert_int_equal(rep.active.failure.n, 1);
    assert_true(report_has(&rep, true, "signingCredential.untrusted"));
    c2pa_report_free(&rep);

    up[up_len - 4] ^= 1; /* scan data, just before EOI */
    assert_int_equal(c2pa_verify(span_make(up, up_len), "u.jpg", NULL, &rep, &d), ST_OK);
    assert_int_equal(rep.state, C2PA_STATE_INVALID);
    assert_true(report_has(&rep, true, "assertion.dataHash.mismatch"));
    c2pa_report_free(&rep);
    free(up);

    assert_int_equal(sign_update(first, len, "c2pa.resized", &up, &up_len), ST_OK);
    assert_int_equal(c2pa_verify(span_make(up, up_len), "u.jpg", NULL, &rep, &d), ST_OK);
    assert_int_equal(rep.state, C2PA_STATE_INVALID);
    assert_true(report_has(&rep, true, "manifest.update.invalid"));
    assert_true(report_has(&rep, false, "assertion.dataHash.match"));
    c2pa_report_free(&rep);
    free(up);

    assert_int_equal(sign_update(tiny_jpeg, sizeof tiny_jpeg, "c2pa.edited.metadata", &up, &up_len),
                     ST_USAGE);
    assert_int_equal(sign_update(tiny_webp, sizeof tiny_webp, "c2pa.edited.metadata", &up, &up_len),
                     ST_UNSUPPORTED);
    assert_null(up);
    free(first);
}

/* The ingredient's instanceID is a version 8 UUID of the original's
 * SHA-256 (one original, one ID), whether the caller hands the hash in
 * (a build signing 8 derivatives hashes the original once) or not. */
static void ingredient_id_is_the_originals_hash(void **state)
{
    (void)state;
    static const uint8_t original[] = "the original photo"; /* as sign() */
    uint8_t h[32];
    SHA256(original, sizeof original, h);
    h[6] = (uint8_t)((h[6] & 0x0F) | 0x80);
    h[8] = (uint8_t)((h[8] & 0x3F) | 0x80);
    char want[64];
    snprintf(want, sizeof want,
             "xmp:iid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0],
             h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13],
             h[14], h[15]);
    uint8_t given[32];
    SHA256(original, sizeof original, given);
    size_t len = 0;
    enum status st;
    uint8_t *hashed_here = sign(tiny_jpeg, sizeof tiny_jpeg, &len, &st);
    assert_int_equal(st, ST_OK);
    assert_true(contains(hashed_here, len, want, strlen(want)));
    uint8_t *handed_in = sign_with_hash(tiny_jpeg, sizeof tiny_jpeg, given, &len, &st);
    assert_int_equal(st, ST_OK);
    assert_true(contains(handed_in, len, want, strlen(want)));
    /* the hash handed in is the one used */
    given[0] ^= 0xFF;
    uint8_t *other = sign_with_hash(tiny_jpeg, sizeof tiny_jpeg, given, &len, &st);
    assert_int_equal(st, ST_OK);
    assert_false(contains(other, len, want, strlen(want)));
    free(other);
    free(handed_in);
    free(hashed_here);
}

static void jpeg_exclusion_is_exactly_the_app11_run(void **state)
{
    (void)state;
    size_t len = 0;
    enum status st;
    uint8_t *out = sign(tiny_jpeg, sizeof tiny_jpeg, &len, &st);
    assert_int_equal(st, ST_OK);
    /* the APP11 run starts after SOI + APP0 + APP1 (30 bytes) */
    size_t at = 30, end = at;
    while (end + 4 <= len && out[end] == 0xFF && out[end + 1] == 0xEB)
        end += 2 + ((size_t)out[end + 2] << 8 | out[end + 3]);
    assert_true(end > at);
    struct found f;
    read_data_hash(out, len, &f);
    assert_int_equal(f.start, at);
    assert_int_equal(f.length, end - at);
    /* outside the exclusion, the file is the derivative it was given */
    assert_int_equal(len - f.length, sizeof tiny_jpeg);
    assert_memory_equal(out, tiny_jpeg, at);
    assert_memory_equal(out + end, tiny_jpeg + at, sizeof tiny_jpeg - at);
    uint8_t h[32];
    hash_without(out, len, &f, h);
    assert_memory_equal(h, f.hash, 32);
    cose_signature_verifies(out, len);
    /* signing the signed file again is refused */
    size_t len2 = 0;
    uint8_t *again = sign(out, len, &len2, &st);
    assert_int_equal(st, ST_UNSUPPORTED);
    assert_null(again);
    free(out);
}

static void webp_gets_vp8x_and_a_final_c2pa_chunk(void **state)
{
    (void)state;
    size_t len = 0;
    enum status st;
    uint8_t *out = sign(tiny_webp, sizeof tiny_webp, &len, &st);
    assert_int_equal(st, ST_OK);
    assert_memory_equal(out, "RIFF", 4);
    assert_int_equal(out[4] | out[5] << 8 | out[6] << 16 | (uint32_t)out[7] << 24, len - 8);
    /* VP8X: alpha flag, canvas 4x3 stored minus one */
    assert_memory_equal(out + 12, "VP8X\x0a\0\0\0", 8);
    assert_int_equal(out[20], 0x10);
    assert_int_equal(out[24] | out[25] << 8 | out[26] << 16, 3);
    assert_int_equal(out[27] | out[28] << 8 | out[29] << 16, 2);
    assert_memory_equal(out + 30, tiny_webp + 12, sizeof tiny_webp - 12);
    size_t c2pa_at = 30 + sizeof tiny_webp - 12;
    assert_memory_equal(out + c2pa_at, "C2PA", 4);
    struct found f;
    read_data_hash(out, len, &f);
    assert_int_equal(f.start, c2pa_at);
    assert_int_equal(f.start + f.length, len); /* the last chunk, even size, no pad byte */
    assert_int_equal(f.length % 2, 0);
    uint8_t h[32];
    hash_without(out, len, &f, h);
    assert_memory_equal(h, f.hash, 32);
    free(out);
}

static void refuses_what_it_cannot_sign(void **state)
{
    (void)state;
    size_t len = 0;
    enum status st;
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0};
    assert_null(sign(png, sizeof png, &len, &st));
    assert_int_equal(st, ST_UNSUPPORTED);
    /* an APP1 whose length runs past the file */
    uint8_t cut[] = {0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00, 'x'};
    assert_null(sign(cut, sizeof cut, &len, &st));
    assert_int_not_equal(st, ST_OK);
    /* a carried store that is not a C2PA store */
    struct c2pa_sign_carry carry;
    struct diag d;
    diag_clear(&d);
    static const uint8_t junk[] = {0, 0, 0, 16, 'j', 'u', 'm', 'b', 0, 0, 0, 8, 'f', 'r', 'e', 'e'};
    assert_int_equal(c2pa_sign_carry_parse(span_make(junk, sizeof junk), &carry, &d), ST_MALFORMED);
    static const uint8_t past[] = {0, 0, 1, 0, 'j', 'u', 'm', 'b'};
    assert_int_not_equal(c2pa_sign_carry_parse(span_make(past, sizeof past), &carry, &d), ST_OK);
    assert_non_null(strstr(d.message, "box declares"));
}

/* A signed file's own store, cut at every length and with every byte
 * set to 0x00 and 0xFF, through the carry parser and the store finder:
 * under ASan this proves they never read past what they were given. A
 * cut store must never parse (its outer box runs past the end). */
/* ---- time-stamps: an RFC 3161 authority in the test process ---------- */

struct test_tsa {
    EVP_PKEY *key;
    X509 *cert;
    int calls;
    int extra; /* bytes of a policy-less padding extension: tokens that grow */
    bool refuse;
};

/* A self-signed time-stamping certificate: critical EKU timeStamping,
 * which TS_RESP_CTX_set_signer_cert insists on. */
static void tsa_init(struct test_tsa *t)
{
    memset(t, 0, sizeof *t);
    t->key = EVP_EC_gen("P-256");
    t->cert = X509_new();
    assert_non_null(t->key);
    assert_non_null(t->cert);
    X509_NAME *n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"Unit TSA", -1, -1,
                               0);
    X509_set_version(t->cert, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(t->cert), 7);
    X509_gmtime_adj(X509_getm_notBefore(t->cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(t->cert), 3600);
    X509_set_subject_name(t->cert, n);
    X509_set_issuer_name(t->cert, n);
    X509_set_pubkey(t->cert, t->key);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, t->cert, t->cert, NULL, NULL, 0);
    const char *ext[][2] = {{"basicConstraints", "critical,CA:FALSE"},
                            {"keyUsage", "critical,digitalSignature"},
                            {"extendedKeyUsage", "critical,timeStamping"},
                            {"subjectKeyIdentifier", "hash"}};
    for (size_t i = 0; i < 4; i++) {
        X509_EXTENSION *e = X509V3_EXT_conf(NULL, &ctx, ext[i][0], ext[i][1]);
        assert_non_null(e);
        X509_add_ext(t->cert, e, -1);
        X509_EXTENSION_free(e);
    }
    assert_true(X509_sign(t->cert, t->key, EVP_sha256()) > 0);
    X509_NAME_free(n);
}

static void tsa_free(struct test_tsa *t)
{
    EVP_PKEY_free(t->key);
    X509_free(t->cert);
}

static enum status tsa_post(void *ctx, const uint8_t *req, size_t req_len, uint8_t **resp,
                            size_t *resp_len, struct diag *d)
{
    struct test_tsa *t = ctx;
    t->calls++;
    if (t->refuse)
        return diag_set(d, ST_IO, "time-stamp authority", DIAG_NO_OFFSET, "the server answered 500");
    TS_RESP_CTX *rc = TS_RESP_CTX_new();
    ASN1_OBJECT *policy = OBJ_txt2obj("1.2.3.4.1", 1);
    BIO *in = BIO_new_mem_buf(req, (int)req_len);
    assert_int_equal(TS_RESP_CTX_set_signer_cert(rc, t->cert), 1);
    assert_int_equal(TS_RESP_CTX_set_signer_key(rc, t->key), 1);
    assert_int_equal(TS_RESP_CTX_set_def_policy(rc, policy), 1);
    assert_int_equal(TS_RESP_CTX_add_md(rc, EVP_sha256()), 1);
    /* a token that grows: a longer serial number each call */
    if (t->extra)
        TS_RESP_CTX_add_flags(rc, TS_TSA_NAME);
    TS_RESP *r = TS_RESP_create_response(rc, in);
    assert_non_null(r);
    unsigned char *der = NULL;
    int n = i2d_TS_RESP(r, &der);
    assert_true(n > 0);
    *resp = malloc((size_t)n);
    memcpy(*resp, der, (size_t)n);
    *resp_len = (size_t)n;
    OPENSSL_free(der);
    TS_RESP_free(r);
    BIO_free(in);
    ASN1_OBJECT_free(policy);
    TS_RESP_CTX_free(rc);
    return ST_OK;
}

static void time_stamped_signatures_verify(void **state)
{
    (void)state;
    struct test_tsa t;
    tsa_init(&t);
    struct c2pa_signer *s = NULL;
    struct diag d;
    diag_clear(&d);
    char name[128] = "";
    assert_int_equal(c2pa_signer_load(keydir, &s, &d), ST_OK);
    assert_int_equal(c2pa_signer_set_tsa(s, tsa_post, &t, name, sizeof name, &d), ST_OK);
    assert_string_equal(name, "Unit TSA");
    assert_int_equal(t.calls, 1); /* the probe */
    static const uint8_t original[] = "the original photo";
    const struct {
        const uint8_t *asset;
        size_t len;
        const char *title;
        bool sidecar;
    } cases[] = {{tiny_jpeg, sizeof tiny_jpeg, "a.jpg", false},
                 {tiny_webp, sizeof tiny_webp, "a.webp", false},
                 {tiny_jpeg, sizeof tiny_jpeg, "a.jpg", true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct c2pa_sign_input in = {
            .original = span_make(original, sizeof original),
            .original_title = "kim-01.jpg",
            .original_format = "image/jpeg",
            .asset = span_make(cases[i].asset, cases[i].len),
            .title = cases[i].title,
            .generator_name = "tearsheet",
            .sidecar = cases[i].sidecar,
        };
        /* the token differs in every call (the TSA's name the second
         * time makes it longer): the pad keeps the store's size */
        t.extra = (int)i % 2;
        int before = t.calls;
        uint8_t *out = NULL;
        size_t len = 0;
        assert_int_equal(c2pa_sign(s, &in, &out, &len, &d), ST_OK);
        assert_int_equal(t.calls, before + 1); /* only the final pass asks */
        assert_true(contains(out, len, "sigTst2", 7));
        struct c2pa_report r;
        if (cases[i].sidecar)
            assert_int_equal(c2pa_verify_sidecar(in.asset, cases[i].title, span_make(out, len), NULL,
                                                 &r, &d),
                             ST_OK);
        else
            assert_int_equal(c2pa_verify(span_make(out, len), cases[i].title, NULL, &r, &d), ST_OK);
        if (!has_code(&r.active.success, "timeStamp.validated"))
            fail_msg("case %zu: no timeStamp.validated", i);
        assert_false(has_code(&r.active.failure, "claimSignature.mismatch"));
        assert_false(has_code(&r.active.failure, "assertion.dataHash.mismatch"));
        /* no TSA anchor: validated, not trusted, so the time is not attested */
        assert_true(has_code(&r.active.informational, "timeStamp.untrusted"));
        assert_false(r.summary.when_from_tst);
        c2pa_report_free(&r);
        free(out);
    }
    c2pa_signer_free(s);
    /* an authority that refuses: set_tsa is ST_CONFIG, naming why */
    t.refuse = true;
    assert_int_equal(c2pa_signer_load(keydir, &s, &d), ST_OK);
    assert_int_equal(c2pa_signer_set_tsa(s, tsa_post, &t, NULL, 0, &d), ST_CONFIG);
    assert_non_null(strstr(d.message, "500"));
    c2pa_signer_free(s);
    tsa_free(&t);
}

static void carry_parser_survives_every_cut_and_byte(void **state)
{
    (void)state;
    size_t len = 0;
    enum status st;
    uint8_t *file = sign(tiny_jpeg, sizeof tiny_jpeg, &len, &st);
    assert_int_equal(st, ST_OK);
    uint8_t *store = NULL;
    size_t n = 0;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_sign_find_store(span_make(file, len), &store, &n, &d), ST_OK);
    struct c2pa_sign_carry carry;
    assert_int_equal(c2pa_sign_carry_parse(span_make(store, n), &carry, &d), ST_OK);
    assert_int_equal(carry.n_manifests, 1);
    assert_true(carry.have_sig);
    assert_non_null(strstr(carry.active_label, "urn:c2pa:"));
    uint8_t *copy = malloc(n);
    for (size_t cut = 0; cut < n; cut++) {
        memcpy(copy, store, cut);
        assert_int_not_equal(c2pa_sign_carry_parse(span_make(copy, cut), &carry, &d), ST_OK);
    }
    for (size_t i = 0; i < n; i++) {
        for (int v = 0; v < 2; v++) {
            memcpy(copy, store, n);
            copy[i] = v ? 0xFF : 0x00;
            c2pa_sign_carry_parse(span_make(copy, n), &carry, &d);
        }
    }
    for (size_t cut = 0; cut < len; cut += 7) {
        uint8_t *found = NULL;
        size_t found_len = 0;
        if (c2pa_sign_find_store(span_make(file, cut), &found, &found_len, &d) == ST_OK)
            assert_true(found_len <= cut);
        free(found);
    }
    free(copy);
    free(store);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jumbf_boxes_have_their_real_sizes),
        cmocka_unit_test(cbor_heads_are_shortest),
        cmocka_unit_test(cbor_maps_are_sorted_whatever_the_insertion_order),
        cmocka_unit_test(cbor_refuses_duplicate_keys_and_bad_utf8),
        cmocka_unit_test(app11_splits_past_64k_and_reassembles),
        cmocka_unit_test(keygen_makes_a_claim_signing_profile),
        cmocka_unit_test(signer_load_refuses_wrong_keys),
        cmocka_unit_test(jpeg_exclusion_is_exactly_the_app11_run),
        cmocka_unit_test(ingredient_id_is_the_originals_hash),
        cmocka_unit_test(webp_gets_vp8x_and_a_final_c2pa_chunk),
        cmocka_unit_test(original_store_is_carried_only_with_results),
        cmocka_unit_test(ingredient_delta_leaves_out_what_was_recorded),
        cmocka_unit_test(refuses_what_it_cannot_sign),
        cmocka_unit_test(carry_parser_survives_every_cut_and_byte),
        cmocka_unit_test(time_stamped_signatures_verify),
        cmocka_unit_test(update_manifest_binds_through_its_parent),
    };
    return cmocka_run_group_tests(tests, make_key, remove_key);
}
