/*
 * cose.c — COSE_Sign1 claim signatures: parse the tagged structure and
 * its headers (alg, x5chain, sigTst/sigTst2), verify the signature over
 * the detached claim bytes, and check RFC 3161 time-stamp tokens.
 *
 * Must never: accept an algorithm outside §13.2 (RS256, "none"...),
 * verify a key of one type with another type's algorithm, build the
 * to-be-signed bytes from re-encoded CBOR, or use a time-stamp whose
 * message imprint does not match.
 *
 * Specs: RFC 9052 §4.2 (COSE_Sign1), §4.4 (Sig_structure); RFC 9360
 * (x5chain, label 33); C2PA 2.2 §13.2 (algorithms), §10.3.2.5 and §15.8
 * (time-stamps, sigTst/sigTst2); RFC 3161 §2.4.2 (TSTInfo).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/ts.h>

#include "c2pa/c2pa_internal.h"

const char *cose_alg_name(int64_t alg)
{
    switch (alg) {
    case -7:
        return "ES256";
    case -35:
        return "ES384";
    case -36:
        return "ES512";
    case -37:
        return "PS256";
    case -38:
        return "PS384";
    case -39:
        return "PS512";
    case -8:
        return "Ed25519";
    default:
        return NULL;
    }
}

static const EVP_MD *alg_md(int64_t alg)
{
    switch (alg) {
    case -7:
    case -37:
        return EVP_sha256();
    case -35:
    case -38:
        return EVP_sha384();
    case -36:
    case -39:
        return EVP_sha512();
    default:
        return NULL;
    }
}

static enum status add_cert(STACK_OF(X509) * chain, const cbor_item_t *it, struct diag *d)
{
    struct span der;
    if (!cborx_bytes(it, &der))
        return diag_set(d, ST_MALFORMED, "x5chain", DIAG_NO_OFFSET,
                        "certificate is not a byte string");
    const unsigned char *p = der.ptr;
    X509 *x = d2i_X509(NULL, &p, (long)der.len);
    if (!x || p != der.ptr + der.len) {
        X509_free(x);
        return diag_set(d, ST_MALFORMED, "x5chain", DIAG_NO_OFFSET,
                        "certificate is not valid DER (truncated or trailing bytes)");
    }
    if (!sk_X509_push(chain, x)) {
        X509_free(x);
        return ST_NOMEM;
    }
    return ST_OK;
}

static const cbor_item_t *find_x5chain(const cbor_item_t *prot, const cbor_item_t *unprot)
{
    const cbor_item_t *x = cborx_get_int(prot, 33);
    if (!x)
        x = cborx_get(prot, "x5chain");
    if (!x)
        x = cborx_get_int(unprot, 33);
    if (!x)
        x = cborx_get(unprot, "x5chain");
    return x;
}

void cose_find_tst(struct cose_sign1 *c, const cbor_item_t *unprot)
{
    const cbor_item_t *t = cborx_get(unprot, "sigTst2");
    c->tst_v2 = t != NULL;
    if (!t)
        t = cborx_get(unprot, "sigTst");
    const cbor_item_t *toks = cborx_get(t, "tstTokens");
    if (!toks || !cbor_isa_array(toks))
        return;
    for (size_t i = 0; i < cbor_array_size(toks) && c->n_tst < 4; i++) {
        cbor_item_t *tok = cbor_array_get(toks, i);
        if (cborx_bytes(cborx_get(tok, "val"), &c->tst[c->n_tst]))
            c->n_tst++;
        cbor_decref(&tok);
    }
}

/* §14.5.2: rVals = {"ocspVals": [1* bstr]} in the unprotected header. */
static void find_rvals(struct cose_sign1 *c, const cbor_item_t *unprot)
{
    const cbor_item_t *rv = cborx_get(unprot, "rVals");
    if (!rv)
        return;
    const cbor_item_t *vals = cborx_get(rv, "ocspVals");
    if (!vals || !cbor_isa_array(vals)) {
        c->ocsp_malformed = true;
        return;
    }
    for (size_t i = 0; i < cbor_array_size(vals) && c->n_ocsp < TS_LIMIT_C2PA_OCSP_RESPONSES; i++) {
        cbor_item_t *v = cbor_array_get(vals, i);
        if (cborx_bytes(v, &c->ocsp[c->n_ocsp]))
            c->n_ocsp++;
        else
            c->ocsp_malformed = true;
        cbor_decref(&v);
    }
}

enum status cose_parse(struct span in, struct cose_sign1 *c, struct diag *d)
{
    enum status st = ST_OK;
    cbor_item_t *prot = NULL;
    memset(c, 0, sizeof *c);
    /* libcbor 0.8's decoder rejects the one-byte heads of tags 6..20
     * (RFC 7049 left them unassigned), tag 18 included: read the tag
     * head here and give libcbor the array that follows. */
    size_t skip = 0;
    if (in.len >= 1 && in.ptr[0] == 0xD2)
        skip = 1;
    else if (in.len >= 2 && in.ptr[0] == 0xD8 && in.ptr[1] == 18)
        skip = 2;
    if (!skip)
        return diag_set(d, ST_MALFORMED, "COSE_Sign1", 0, "not tagged as COSE_Sign1 (tag 18)");
    c->root = cborx_load(span_make(in.ptr + skip, in.len - skip), d);
    if (!c->root)
        return ST_MALFORMED;
    cbor_item_t *arr = c->root;
    cbor_item_t **a = NULL;
    if (!cbor_isa_array(arr) || cbor_array_size(arr) != 4) {
        st = diag_set(d, ST_MALFORMED, "COSE_Sign1", 0, "not an array of 4 items");
        goto abort;
    }
    a = cbor_array_handle(arr);
    const cbor_item_t *unprot = a[1];
    if (!cborx_bytes(a[0], &c->protected_bytes) || !cbor_isa_map(unprot) ||
        !cborx_bytes(a[3], &c->signature)) {
        st = diag_set(d, ST_MALFORMED, "COSE_Sign1", 0,
                      "protected header, unprotected header or signature of the wrong type");
        goto abort;
    }
    prot = c->protected_bytes.len ? cborx_load(c->protected_bytes, d) : cbor_new_definite_map(0);
    if (!prot || !cbor_isa_map(prot)) {
        st = diag_set(d, ST_MALFORMED, "COSE protected header", 0, "not a CBOR map");
        goto abort;
    }
    if (!cborx_int(cborx_get_int(prot, 1), &c->alg)) {
        st = diag_set(d, ST_UNSUPPORTED, "COSE alg", 0, "no algorithm in the protected header");
        goto abort;
    }
    if (!cose_alg_name(c->alg)) {
        st = diag_set(d, ST_UNSUPPORTED, "COSE alg", 0, "algorithm %lld is not allowed (§13.2)",
                      (long long)c->alg);
        goto abort;
    }
    const cbor_item_t *x5 = find_x5chain(prot, unprot);
    c->chain = sk_X509_new_null();
    if (!c->chain) {
        st = ST_NOMEM;
        goto abort;
    }
    if (!x5) {
        st = diag_set(d, ST_MALFORMED, "x5chain", 0, "no signing certificate (x5chain)");
        goto abort;
    }
    if (cbor_isa_array(x5)) {
        cbor_item_t **xs = cbor_array_handle(x5);
        for (size_t i = 0; i < cbor_array_size(x5) && st == ST_OK; i++)
            st = add_cert(c->chain, xs[i], d);
    } else {
        st = add_cert(c->chain, x5, d);
    }
    if (st != ST_OK)
        goto abort;
    if (sk_X509_num(c->chain) == 0) {
        st = diag_set(d, ST_MALFORMED, "x5chain", 0, "empty certificate chain");
        goto abort;
    }
    cbor_item_t *iat = cborx_get(prot, "iat");
    c->has_iat = cborx_int(iat, &c->iat);
    cose_find_tst(c, unprot);
    find_rvals(c, unprot);
abort:
    if (prot)
        cbor_decref(&prot);
    return st;
}

void cose_free(struct cose_sign1 *c)
{
    if (!c)
        return;
    if (c->chain)
        sk_X509_pop_free(c->chain, X509_free);
    if (c->root)
        cbor_decref(&c->root);
    memset(c, 0, sizeof *c);
}

enum status c2pa_cose_check(struct span in, struct diag *d)
{
    struct cose_sign1 c;
    enum status st = cose_parse(in, &c, d);
    cose_free(&c);
    return st;
}

/* [context, protected, h'', payload] (RFC 9052 §4.4), from stored bytes. */
static enum status sig_structure(struct buf *b, const char *context, struct span prot,
                                 struct span payload)
{
    enum status st = cborx_put_head(b, 4, 4);
    if (st == ST_OK)
        st = cborx_put_head(b, 3, strlen(context));
    if (st == ST_OK)
        st = buf_puts(b, context);
    if (st == ST_OK)
        st = cborx_put_head(b, 2, prot.len);
    if (st == ST_OK)
        st = buf_append(b, prot.ptr, prot.len);
    if (st == ST_OK)
        st = cborx_put_head(b, 2, 0);
    if (st == ST_OK)
        st = cborx_put_head(b, 2, payload.len);
    if (st == ST_OK)
        st = buf_append(b, payload.ptr, payload.len);
    return st;
}

/* Raw r||s (RFC 9053 §2.1) to the DER ECDSA-Sig-Value OpenSSL wants. */
static unsigned char *ecdsa_der(struct span raw, int *der_len)
{
    unsigned char *der = NULL;
    ECDSA_SIG *sig = NULL;
    BIGNUM *r = NULL, *s = NULL;
    if (raw.len == 0 || raw.len % 2 != 0 || raw.len > 132)
        goto abort;
    r = BN_bin2bn(raw.ptr, (int)(raw.len / 2), NULL);
    s = BN_bin2bn(raw.ptr + raw.len / 2, (int)(raw.len / 2), NULL);
    sig = ECDSA_SIG_new();
    if (!r || !s || !sig || !ECDSA_SIG_set0(sig, r, s))
        goto abort;
    r = s = NULL;
    *der_len = i2d_ECDSA_SIG(sig, &der);
    if (*der_len <= 0)
        der = NULL;
abort:
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return der;
}

enum status cose_verify(const struct cose_sign1 *c, struct span payload, struct diag *d)
{
    return cose_verify_key(c, X509_get0_pubkey(sk_X509_value(c->chain, 0)), payload, d);
}

enum status cose_verify_key(const struct cose_sign1 *c, EVP_PKEY *key, struct span payload,
                            struct diag *d)
{
    enum status st = ST_MALFORMED;
    struct buf tbs;
    EVP_MD_CTX *ctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *der = NULL;
    buf_init(&tbs, TS_LIMIT_C2PA_STORE_BYTES);
    const EVP_MD *md = alg_md(c->alg);
    if (!key) {
        st = diag_set(d, ST_MALFORMED, "x5chain", 0, "signing certificate has no usable key");
        goto abort;
    }
    int id = EVP_PKEY_get_base_id(key);
    bool es = c->alg == -7 || c->alg == -35 || c->alg == -36;
    bool ps = c->alg == -37 || c->alg == -38 || c->alg == -39;
    if ((es && id != EVP_PKEY_EC) || (ps && id != EVP_PKEY_RSA && id != EVP_PKEY_RSA_PSS) ||
        (c->alg == -8 && id != EVP_PKEY_ED25519)) {
        st = diag_set(d, ST_UNSUPPORTED, "COSE alg", 0,
                      "algorithm %s does not match the certificate's key type",
                      cose_alg_name(c->alg));
        goto abort;
    }
    if (sig_structure(&tbs, "Signature1", c->protected_bytes, payload) != ST_OK) {
        st = ST_NOMEM;
        goto abort;
    }
    ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestVerifyInit(ctx, &pctx, c->alg == -8 ? NULL : md, NULL, key) != 1) {
        st = diag_set(d, ST_MALFORMED, "COSE", 0, "cannot set up signature verification");
        goto abort;
    }
    const unsigned char *sig = c->signature.ptr;
    size_t siglen = c->signature.len;
    if (ps) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1) {
            st = diag_set(d, ST_MALFORMED, "COSE", 0, "cannot set up RSA-PSS");
            goto abort;
        }
    } else if (es) {
        int dl = 0;
        der = ecdsa_der(c->signature, &dl);
        if (!der) {
            st = diag_set(d, ST_MALFORMED, "COSE signature", 0, "ECDSA signature is not r||s");
            goto abort;
        }
        sig = der;
        siglen = (size_t)dl;
    }
    if (EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)tbs.data, tbs.len) == 1)
        st = ST_OK;
    else
        st = diag_set(d, ST_MALFORMED, "COSE signature", 0, "signature does not match the claim");
abort:
    ERR_clear_error();
    OPENSSL_free(der);
    EVP_MD_CTX_free(ctx);
    buf_free(&tbs);
    return st;
}

enum status cose_tst_check(const struct cose_sign1 *c, struct span payload, X509_STORE *anchors,
                           bool legacy, struct tst_result *r)
{
    enum status st = ST_NOT_FOUND;
    struct buf tbs, sigbstr;
    buf_init(&tbs, TS_LIMIT_C2PA_STORE_BYTES);
    buf_init(&sigbstr, 4096);
    memset(r, 0, sizeof *r);
    if (c->n_tst == 0)
        goto abort;
    /* §10.3.2.5: v2 stamps the encoded signature bstr; v1 the claim. */
    struct span data = payload;
    if (c->tst_v2) {
        if (cborx_put_head(&sigbstr, 2, c->signature.len) != ST_OK ||
            buf_append(&sigbstr, c->signature.ptr, c->signature.len) != ST_OK) {
            st = ST_NOMEM;
            goto abort;
        }
        data = span_make((const uint8_t *)sigbstr.data, sigbstr.len);
    }
    st = sig_structure(&tbs, "CounterSignature", c->protected_bytes, data);
    if (st != ST_OK)
        goto abort;
    st = tst_token_verify(c->tst[0], span_make((const uint8_t *)tbs.data, tbs.len), anchors, legacy,
                          r);
abort:
    buf_free(&tbs);
    buf_free(&sigbstr);
    return st;
}
