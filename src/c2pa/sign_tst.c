/*
 * sign_tst.c — RFC 3161 time-stamps for the signer: the TimeStampReq
 * for a COSE countersignature structure, the checks on the authority's
 * answer, and the probe that sizes every later token.
 *
 * Must never: touch the network (the caller's `post` does; the c2pa
 * module links no HTTP library), or put a token into a signature that
 * does not verify over what we asked it to stamp (our own validator's
 * tst_token_verify says so, the same code `tearsheet verify` runs).
 *
 * Spec: C2PA 2.2 §10.3.2.5 (sigTst2: a v2 time-stamp countersigns the
 * encoded signature), §15.8.1; RFC 3161 §2.4.1 (TimeStampReq: SHA-256
 * imprint, nonce, certReq so the token carries the TSA certificate),
 * §2.4.2 (TimeStampResp status).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ts.h>

#include "c2pa/c2pa_internal.h"
#include "c2pa/sign_internal.h"

/* DER TimeStampReq over SHA-256(data), with a fresh 64-bit nonce. */
static enum status make_request(const uint8_t digest[32], ASN1_INTEGER **nonce_out, uint8_t **der,
                                int *der_len, struct diag *d)
{
    enum status st = ST_NOMEM;
    TS_REQ *req = TS_REQ_new();
    TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
    X509_ALGOR *alg = X509_ALGOR_new();
    BIGNUM *bn = BN_new();
    ASN1_INTEGER *nonce = NULL;
    *der = NULL;
    if (!req || !mi || !alg || !bn)
        goto abort;
    if (BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !(nonce = BN_to_ASN1_INTEGER(bn, NULL)))
        goto abort;
    if (X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) != 1 ||
        TS_MSG_IMPRINT_set_algo(mi, alg) != 1 ||
        TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, 32) != 1 ||
        TS_REQ_set_version(req, 1) != 1 || TS_REQ_set_msg_imprint(req, mi) != 1 ||
        TS_REQ_set_nonce(req, nonce) != 1 || TS_REQ_set_cert_req(req, 1) != 1)
        goto abort;
    if ((*der_len = i2d_TS_REQ(req, der)) <= 0)
        goto abort;
    *nonce_out = nonce;
    nonce = NULL;
    st = ST_OK;
abort:
    if (st != ST_OK)
        c2pa_sign_ssl_fail(d, "time-stamp authority", st, "cannot encode a time-stamp request");
    ASN1_INTEGER_free(nonce);
    BN_free(bn);
    X509_ALGOR_free(alg);
    TS_MSG_IMPRINT_free(mi);
    TS_REQ_free(req);
    return st;
}

/* The token of a granted answer for our imprint and nonce, as DER. */
static enum status read_response(const uint8_t *resp, size_t resp_len, const uint8_t digest[32],
                                 const ASN1_INTEGER *nonce, uint8_t **tok, size_t *tok_len,
                                 struct diag *d)
{
    enum status st = ST_OK;
    const unsigned char *p = resp;
    TS_RESP *r = d2i_TS_RESP(NULL, &p, (long)resp_len);
    unsigned char *der = NULL;
    if (!r) {
        st = c2pa_sign_ssl_fail(d, "time-stamp authority", ST_MALFORMED,
                                "the answer is not a TimeStampResp");
        goto abort;
    }
    const ASN1_INTEGER *status = TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(r));
    long sv = status ? ASN1_INTEGER_get(status) : -1;
    PKCS7 *token = TS_RESP_get_token(r);
    TS_TST_INFO *info = TS_RESP_get_tst_info(r);
    if ((sv != 0 && sv != 1) || !token || !info) {
        st = diag_set(d, ST_IO, "time-stamp authority", DIAG_NO_OFFSET,
                      "the authority did not grant a time-stamp (status %ld)", sv);
        goto abort;
    }
    const ASN1_OCTET_STRING *msg = TS_MSG_IMPRINT_get_msg(TS_TST_INFO_get_msg_imprint(info));
    const ASN1_INTEGER *got_nonce = TS_TST_INFO_get_nonce(info);
    if (!msg || ASN1_STRING_length(msg) != 32 || memcmp(ASN1_STRING_get0_data(msg), digest, 32) ||
        !got_nonce || ASN1_INTEGER_cmp(got_nonce, nonce) != 0) {
        st = diag_set(d, ST_MALFORMED, "time-stamp authority", DIAG_NO_OFFSET,
                      "the token stamps something else than was asked (imprint or nonce)");
        goto abort;
    }
    int n = i2d_PKCS7(token, &der);
    if (n <= 0) {
        st = c2pa_sign_ssl_fail(d, "time-stamp authority", ST_NOMEM, "cannot encode the token");
        goto abort;
    }
    if (!(*tok = malloc((size_t)n))) {
        st = diag_set(d, ST_NOMEM, "time-stamp authority", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    memcpy(*tok, der, (size_t)n);
    *tok_len = (size_t)n;
abort:
    OPENSSL_free(der);
    TS_RESP_free(r);
    return st;
}

/* A token over `data`, checked by the validator's own code; *r (may be
 * NULL) gets the verdict (TSA name, genTime). */
static enum status stamp(c2pa_tsa_post_fn post, void *ctx, const uint8_t *data, size_t len,
                         uint8_t **tok, size_t *tok_len, struct tst_result *vr, struct diag *d)
{
    enum status st;
    uint8_t digest[32];
    uint8_t *req = NULL, *resp = NULL;
    int req_len = 0;
    size_t resp_len = 0;
    ASN1_INTEGER *nonce = NULL;
    struct tst_result r;
    memset(&r, 0, sizeof r);
    *tok = NULL;
    SHA256(data, len, digest);
    if ((st = make_request(digest, &nonce, &req, &req_len, d)) != ST_OK)
        goto abort;
    if ((st = post(ctx, req, (size_t)req_len, &resp, &resp_len, d)) != ST_OK)
        goto abort;
    if (resp_len > TS_LIMIT_C2PA_TST_RESP_BYTES) {
        st = diag_set(d, ST_LIMIT, "time-stamp authority", DIAG_NO_OFFSET,
                      "the answer is larger than %zu bytes", TS_LIMIT_C2PA_TST_RESP_BYTES);
        goto abort;
    }
    if ((st = read_response(resp, resp_len, digest, nonce, tok, tok_len, d)) != ST_OK)
        goto abort;
    if ((st = tst_token_verify(span_make(*tok, *tok_len), span_make(data, len), NULL, false, &r)) !=
        ST_OK)
        goto abort;
    if (!r.validated) {
        st = diag_set(d, ST_MALFORMED, "time-stamp authority", DIAG_NO_OFFSET,
                      "its token does not verify: %s", r.message);
        goto abort;
    }
    if (vr) {
        *vr = r;
        memset(&r, 0, sizeof r);
    }
abort:
    if (st != ST_OK) {
        free(*tok);
        *tok = NULL;
    }
    tst_result_free(&r);
    ASN1_INTEGER_free(nonce);
    OPENSSL_free(req);
    free(resp);
    return st;
}

enum status c2pa_sign_tst_get(const struct c2pa_signer *s, const uint8_t *data, size_t len,
                              uint8_t **tok, size_t *tok_len, struct diag *d)
{
    return stamp(s->tsa_post, s->tsa_ctx, data, len, tok, tok_len, NULL, d);
}

/* Bytes of a CBOR head for a length n (RFC 8949 §3). */
static size_t head_len(size_t n)
{
    return n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : n < 4294967296u ? 5 : 9;
}

enum status c2pa_signer_set_tsa(struct c2pa_signer *s, c2pa_tsa_post_fn post, void *ctx,
                                char *tsa_name, size_t tsa_name_len, struct diag *d)
{
    static const char probe[] = "tearsheet: does this time-stamp authority answer?";
    uint8_t *tok = NULL;
    size_t tok_len = 0;
    struct tst_result r;
    memset(&r, 0, sizeof r);
    enum status st =
        stamp(post, ctx, (const uint8_t *)probe, sizeof probe - 1, &tok, &tok_len, &r, d);
    if (st != ST_OK)
        return st == ST_NOMEM ? st : ST_CONFIG;
    s->tsa_post = post;
    s->tsa_ctx = ctx;
    /* Later tokens differ by a few bytes (serial, nonce, genTime's
     * fraction, the DER signature); the pad absorbs up to 512 of them
     * so the store has one size in both signing passes. */
    s->tst_probe_len = tok_len;
    s->tst_room = head_len(tok_len) + tok_len + C2PA_TST_SLACK;
    if (tsa_name && tsa_name_len)
        snprintf(tsa_name, tsa_name_len, "%s", r.tsa_name ? r.tsa_name : "an unnamed authority");
    tst_result_free(&r);
    free(tok);
    return ST_OK;
}
