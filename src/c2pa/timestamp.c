/*
 * timestamp.c — one RFC 3161 time-stamp token of a claim signature
 * (sigTst / sigTst2): its CMS signature, message imprint, the TSA
 * certificate's validity at genTime, and whether the TSA is trusted
 * (time-stamping EKU, not a CA, chain to a TSA trust anchor).
 *
 * Must never: use genTime as the trusted time unless every check held
 * (the caller reads `trusted`); fetch anything (no AIA, no CRL/OCSP
 * for the TSA: §15.8.2 does not require TSA revocation); let a
 * certificate inside the token act as its own trust anchor except in
 * the legacy (claim v1) allowance documented in docs/c2pa.md.
 *
 * Specs: C2PA 2.2 §15.8.1–15.8.2 (validating the TimeStampToken, the
 * timeStamp.* codes), §14.4.2 (TSA trust anchors), §14.5.1.2 (chain
 * for the time-stamping purpose, id-kp-timeStamping, no CA signers);
 * RFC 3161 §2.3 (TSA certificate EKU), §2.4.2 (TimeStampResp, TSTInfo);
 * RFC 5652 §5.6 (SignerInfo verification); RFC 5280 §6 (path validation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "c2pa/c2pa_internal.h"

static void say(struct tst_result *r, enum c2pa_code code, const char *msg)
{
    r->code = code;
    snprintf(r->message, sizeof r->message, "%s", msg);
}

static char *subject_cn(X509 *x)
{
    char cn[256];
    if (!x ||
        X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn) <= 0)
        return NULL;
    return str_dup(cn);
}

/* §15.8.1.1: a v1 `val` is a whole TimeStampResp whose status must be
 * granted (0) or grantedWithMods (1); a v2 `val` is the token itself. */
static CMS_ContentInfo *token_cms(struct span tok, const char **why)
{
    const unsigned char *p = tok.ptr;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)tok.len);
    TS_RESP *resp = NULL;
    unsigned char *der = NULL;
    *why = "token is not a CMS SignedData or TimeStampResp";
    if (cms)
        return cms;
    p = tok.ptr;
    resp = d2i_TS_RESP(NULL, &p, (long)tok.len);
    if (resp) {
        const ASN1_INTEGER *s = TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp));
        long status = s ? ASN1_INTEGER_get(s) : -1;
        PKCS7 *p7 = TS_RESP_get_token(resp);
        int n = p7 ? i2d_PKCS7(p7, &der) : -1;
        if (status != 0 && status != 1) {
            *why = "time-stamp response status is not granted";
        } else if (n > 0) {
            const unsigned char *q = der;
            cms = d2i_CMS_ContentInfo(NULL, &q, n);
        }
    }
    OPENSSL_free(der);
    TS_RESP_free(resp);
    return cms;
}

/* §13.1 hashing list (SHA-256/384/512); anything else is untrusted. */
static bool imprint_md_allowed(const EVP_MD *md)
{
    int nid = md ? EVP_MD_get_type(md) : NID_undef;
    return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

/* §14.5.1.2 / RFC 3161 §2.3: an end-entity certificate authorised for
 * time-stamping; NULL when it is, else the reason. */
static const char *tsa_profile_problem(X509 *x)
{
    uint32_t ex = X509_get_extension_flags(x);
    if (ex & EXFLAG_CA)
        return "TSA certificate is a CA certificate";
    if (!(ex & EXFLAG_XKUSAGE) || !(X509_get_extended_key_usage(x) & XKU_TIMESTAMP))
        return "TSA certificate lacks the time-stamping EKU (id-kp-timeStamping)";
    return NULL;
}

/* RFC 5280 path validation of `leaf` at `at` to an anchor of `store`,
 * with the token's other certificates as intermediates. */
static bool chains_to(X509_STORE *store, X509 *leaf, STACK_OF(X509) * untrusted, time_t at)
{
    bool ok = false;
    X509_STORE_CTX *sc = X509_STORE_CTX_new();
    if (!sc || !store || X509_STORE_CTX_init(sc, store, leaf, untrusted) != 1)
        goto abort;
    /* an intermediate may be the configured anchor, as for signers */
    X509_STORE_CTX_set_flags(sc, X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_CTX_set_time(sc, 0, at);
    ok = X509_verify_cert(sc) == 1;
abort:
    X509_STORE_CTX_free(sc);
    return ok;
}

/* Legacy allowance (claim v1, docs/c2pa.md "Time-stamps"): the token's
 * own certificates other than the TSA's act as anchors, so the TSA
 * certificate must at least be issued by a CA the token carries. */
static bool chains_to_own(X509 *leaf, STACK_OF(X509) * certs, time_t at)
{
    bool ok = false;
    X509_STORE *own = X509_STORE_new();
    if (!own)
        return false;
    for (int i = 0; i < sk_X509_num(certs); i++) {
        X509 *c = sk_X509_value(certs, i);
        if (X509_cmp(c, leaf) != 0 && X509_STORE_add_cert(own, c) != 1)
            goto abort;
    }
    ok = chains_to(own, leaf, certs, at);
abort:
    X509_STORE_free(own);
    return ok;
}

enum status tst_token_verify(struct span tok, struct span tbs, X509_STORE *anchors, bool legacy,
                             struct tst_result *r)
{
    enum status st = ST_OK;
    const char *why = NULL;
    CMS_ContentInfo *cms = NULL;
    TS_TST_INFO *info = NULL;
    BIO *content = BIO_new(BIO_s_mem());
    STACK_OF(X509) *certs = NULL;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    memset(r, 0, sizeof *r);
    if (!content) {
        st = ST_NOMEM;
        goto abort;
    }
    cms = token_cms(tok, &why);
    if (!cms) {
        say(r, C2PA_CODE_TIME_STAMP_MALFORMED, why);
        goto abort;
    }
    /* RFC 3161 §2.4.2: the signed content is a TSTInfo; without one
     * there is no messageImprint (§15.8.2: malformed) */
    if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo) {
        say(r, C2PA_CODE_TIME_STAMP_MALFORMED, "the token's content is not a TSTInfo");
        goto abort;
    }
    /* decoded before the signature is checked: a TSTInfo that cannot
     * be read (genTime included) is malformed whatever its signature */
    ASN1_OCTET_STRING **econt = CMS_get0_content(cms);
    const unsigned char *ip = econt && *econt ? ASN1_STRING_get0_data(*econt) : NULL;
    info = ip ? d2i_TS_TST_INFO(NULL, &ip, ASN1_STRING_length(*econt)) : NULL;
    struct tm tm;
    const ASN1_GENERALIZEDTIME *gt = info ? TS_TST_INFO_get_time(info) : NULL;
    if (!info || !gt || ASN1_TIME_to_tm(gt, &tm) != 1) {
        say(r, C2PA_CODE_TIME_STAMP_MALFORMED, "no readable TSTInfo (genTime) in the token");
        goto abort;
    }
    /* §15.8.2: the TSA certificate must be in the token's certificates */
    certs = CMS_get1_certs(cms);
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    X509 *tsa = NULL;
    for (int i = 0; certs && sis && sk_CMS_SignerInfo_num(sis) == 1 && i < sk_X509_num(certs); i++)
        if (CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, 0), sk_X509_value(certs, i)) == 0)
            tsa = sk_X509_value(certs, i);
    if (!tsa) {
        say(r, C2PA_CODE_TIME_STAMP_UNTRUSTED,
            "the TSA certificate is not in the time-stamp token");
        goto abort;
    }
    if (CMS_verify(cms, NULL, NULL, NULL, content, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
        say(r, C2PA_CODE_TIME_STAMP_MISMATCH, "time-stamp signature does not verify");
        goto abort;
    }
    r->gen_time = timegm(&tm);
    r->tsa_name = subject_cn(tsa);
    if (X509_cmp_time(X509_get0_notBefore(tsa), &r->gen_time) >= 0 ||
        X509_cmp_time(X509_get0_notAfter(tsa), &r->gen_time) <= 0) {
        say(r, C2PA_CODE_TIME_STAMP_OUTSIDE_VALIDITY,
            "genTime is outside the validity of the TSA certificate");
        goto abort;
    }
    TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(info);
    ASN1_OCTET_STRING *want = TS_MSG_IMPRINT_get_msg(mi);
    const ASN1_OBJECT *obj = NULL;
    X509_ALGOR_get0(&obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
    const EVP_MD *md = EVP_get_digestbyobj(obj);
    if (!imprint_md_allowed(md)) {
        say(r, C2PA_CODE_TIME_STAMP_UNTRUSTED,
            "message imprint hash algorithm is not allowed (§13.1)");
        goto abort;
    }
    if (EVP_Digest(tbs.ptr, tbs.len, digest, &dlen, md, NULL) != 1 ||
        (int)dlen != ASN1_STRING_length(want) ||
        memcmp(digest, ASN1_STRING_get0_data(want), dlen) != 0) {
        say(r, C2PA_CODE_TIME_STAMP_MISMATCH,
            "time-stamp was issued for other data (message imprint mismatch)");
        goto abort;
    }
    r->validated = true;
    const char *prob = tsa_profile_problem(tsa);
    if (prob) {
        say(r, C2PA_CODE_TIME_STAMP_UNTRUSTED, prob);
        goto abort;
    }
    if (chains_to(anchors, tsa, certs, r->gen_time)) {
        say(r, C2PA_CODE_NONE, "TSA certificate chains to a trust anchor");
    } else if (legacy && chains_to_own(tsa, certs, r->gen_time)) {
        say(r, C2PA_CODE_NONE, "TSA certificate issued by a CA in the token (claim v1)");
    } else {
        say(r, C2PA_CODE_TIME_STAMP_UNTRUSTED,
            anchors ? "TSA certificate does not chain to a trust anchor at genTime"
                    : "no TSA trust anchors configured (--trust)");
        goto abort;
    }
    r->trusted = true;
abort:
    ERR_clear_error();
    sk_X509_pop_free(certs, X509_free);
    TS_TST_INFO_free(info);
    CMS_ContentInfo_free(cms);
    BIO_free(content);
    return st;
}

void tst_result_free(struct tst_result *r)
{
    if (!r)
        return;
    free(r->tsa_name);
    r->tsa_name = NULL;
}
