/*
 * ocsp.c — stapled OCSP responses (COSE unprotected header rVals /
 * ocspVals) about the claim signer's certificate: decode, check the
 * responder's signature and authority, the certificate's status and
 * thisUpdate/nextUpdate against the time-stamp's attested time.
 *
 * Must never: fetch anything (no AIA, no responder query: without a
 * usable staple the caller reports signingCredential.ocsp.skipped);
 * take a status from a response whose certID names another
 * certificate; accept a response signed by the CA itself or by a CA
 * certificate (§14.5.1.2) or by a responder without id-kp-OCSPSigning.
 *
 * Specs: C2PA 2.2 §14.5.2 (rVals), §15.9 and §15.9.1 (revocation
 * through stapled responses; signingCredential.ocsp.* codes),
 * §14.5.1.2 (OCSP signer purpose); RFC 6960 §3.2 (response
 * acceptance), §4.2.2.2 (authorized responders), RFC 5280 §5.3.1
 * (removeFromCRL).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "c2pa/c2pa_internal.h"

__attribute__((format(printf, 2, 3))) static void note(struct ocsp_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
}

static bool gtime(const ASN1_GENERALIZEDTIME *g, time_t *out)
{
    struct tm tm;
    if (!g || ASN1_TIME_to_tm(g, &tm) != 1)
        return false;
    *out = timegm(&tm);
    return true;
}

/* The single response about `leaf` (certID by SHA-1 or SHA-256 of the
 * issuer's name and key, RFC 6960 §4.1.1), or -1. */
static int find_single(OCSP_BASICRESP *bs, X509 *leaf, X509 *issuer)
{
    const EVP_MD *mds[2] = {EVP_sha1(), EVP_sha256()};
    int idx = -1;
    for (size_t i = 0; i < 2 && idx < 0; i++) {
        OCSP_CERTID *id = OCSP_cert_to_id(mds[i], leaf, issuer);
        if (id)
            idx = OCSP_resp_find(bs, id, -1);
        OCSP_CERTID_free(id);
    }
    return idx;
}

/* RFC 6960 §3.2 items 1–4 and §4.2.2.2, C2PA §14.5.1.2: the response's
 * signature verifies; its signer is a delegated responder (an end
 * entity with id-kp-OCSPSigning; the CA signing itself is not allowed
 * by §14.5.1.2) issued by the CA that issued the signing certificate
 * (x5chain[1]); and its chain leads, at `at`, to a trust anchor.
 * NULL when accepted, else the reason. */
static const char *responder_problem(OCSP_BASICRESP *bs, STACK_OF(X509) * chain,
                                     X509_STORE *anchors, time_t at)
{
    const char *why = NULL;
    X509 *signer = NULL;
    STACK_OF(X509) *untrusted = NULL, *path = NULL;
    X509_STORE_CTX *sc = NULL;
    if (OCSP_resp_get0_signer(bs, &signer, chain) != 1 || !signer) {
        why = "the responder's certificate is not in the response";
        goto abort;
    }
    if (X509_get_extension_flags(signer) & EXFLAG_CA) {
        why = "signed by a CA certificate, not a delegated OCSP responder (§14.5.1.2)";
        goto abort;
    }
    if (!(X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) ||
        !(X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN)) {
        why = "responder certificate lacks id-kp-OCSPSigning";
        goto abort;
    }
    /* signature only here: the path is checked below against the
     * anchors without touching the shared store's parameters */
    if (OCSP_basic_verify(bs, chain, NULL, OCSP_NOVERIFY) != 1) {
        why = "the response's signature does not verify";
        goto abort;
    }
    if (!anchors) {
        why = "no trust anchors configured (--trust) to check its responder against";
        goto abort;
    }
    untrusted = sk_X509_dup(chain);
    const STACK_OF(X509) *embedded = OCSP_resp_get0_certs(bs);
    for (int i = 0; untrusted && i < sk_X509_num(embedded); i++)
        if (!sk_X509_push(untrusted, sk_X509_value(embedded, i)))
            goto nomem;
    sc = X509_STORE_CTX_new();
    if (!untrusted || !sc || X509_STORE_CTX_init(sc, anchors, signer, untrusted) != 1)
        goto nomem;
    X509_STORE_CTX_set_flags(sc, X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_CTX_set_time(sc, 0, at);
    if (X509_verify_cert(sc) != 1) {
        why = "its responder does not chain to a trust anchor";
        goto abort;
    }
    path = X509_STORE_CTX_get1_chain(sc);
    if (!path || sk_X509_num(path) < 2 || X509_cmp(sk_X509_value(path, 1), sk_X509_value(chain, 1)) != 0)
        why = "its responder was not issued by the signing certificate's CA (RFC 6960 §4.2.2.2)";
    goto abort;
nomem:
    why = "out of memory";
abort:
    ERR_clear_error();
    sk_X509_pop_free(path, X509_free);
    X509_STORE_CTX_free(sc);
    sk_X509_free(untrusted);
    return why;
}

/* One response; sets r->verdict when it is usable. */
static void check_one(struct span der, size_t i, STACK_OF(X509) * chain, X509_STORE *anchors,
                      const time_t *attested, struct ocsp_result *r)
{
    const unsigned char *p = der.ptr;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)der.len);
    OCSP_BASICRESP *bs = NULL;
    time_t now = time(NULL);
    if (!resp || p != der.ptr + der.len) {
        note(r, "stapled OCSP response %zu is not a DER OCSPResponse", i + 1);
        goto abort;
    }
    if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        note(r, "stapled OCSP response %zu has status \"%s\"", i + 1,
             OCSP_response_status_str(OCSP_response_status(resp)));
        goto abort;
    }
    bs = OCSP_response_get1_basic(resp);
    if (!bs) {
        note(r, "stapled OCSP response %zu is not a basic OCSP response", i + 1);
        goto abort;
    }
    int idx = find_single(bs, sk_X509_value(chain, 0), sk_X509_value(chain, 1));
    if (idx < 0) {
        note(r, "stapled OCSP response %zu is about another certificate", i + 1);
        goto abort;
    }
    const char *why = responder_problem(bs, chain, anchors, attested ? *attested : now);
    if (why) {
        note(r, "stapled OCSP response %zu ignored: %s", i + 1, why);
        goto abort;
    }
    int reason = -1;
    ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
    int status = OCSP_single_get0_status(OCSP_resp_get0(bs, idx), &reason, &rev, &thisupd, &nextupd);
    time_t t_this = 0, t_next = 0, t_rev = 0, t_prod = 0;
    if (!gtime(thisupd, &t_this) || (nextupd && !gtime(nextupd, &t_next)) ||
        !gtime(OCSP_resp_get0_produced_at(bs), &t_prod)) {
        note(r, "stapled OCSP response %zu has unreadable times", i + 1);
        goto abort;
    }
    if (!nextupd)
        t_next = t_prod + 24 * 60 * 60; /* §15.9.1: producedAt + 24 hours */
    if (now < t_this) {
        note(r, "stapled OCSP response %zu: thisUpdate is in the future", i + 1);
        goto abort;
    }
    /* §15.9.1: the attested time is before thisUpdate or inside
     * (thisUpdate, nextUpdate); without one, the current time */
    bool covers = attested ? (*attested < t_this || *attested <= t_next) : true;
    if (status == V_OCSP_CERTSTATUS_GOOD) {
        if (!covers) {
            note(r, "stapled OCSP response %zu expired before the time-stamp", i + 1);
            goto abort;
        }
        r->verdict = OCSP_NOT_REVOKED;
        note(r, "signing certificate not revoked (stapled OCSP response)");
    } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
        if (!gtime(rev, &t_rev)) {
            note(r, "stapled OCSP response %zu has an unreadable revocationTime", i + 1);
            goto abort;
        }
        /* removeFromCRL ends a hold: as good as "good" (RFC 5280);
         * revoked after the attested time: not revoked when signed */
        if ((reason == OCSP_REVOKED_STATUS_REMOVEFROMCRL && covers) ||
            (attested && *attested < t_rev)) {
            r->verdict = OCSP_NOT_REVOKED;
            note(r, "signing certificate not revoked at the time-stamp's time");
        } else {
            r->verdict = OCSP_REVOKED;
            note(r, "signing certificate revoked (%s)",
                 reason >= 0 ? OCSP_crl_reason_str(reason) : "no reason given");
        }
    } else {
        r->verdict = OCSP_UNKNOWN;
        note(r, "the OCSP responder does not know the signing certificate");
    }
abort:
    ERR_clear_error();
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
}

/* The signing certificate and its issuer: x5chain[1], or (x5chain
 * holds the leaf alone, as §14.5 allows when the CA is an anchor) the
 * issuer found among the anchors. NULL when there is none. */
static STACK_OF(X509) * signer_and_issuer(STACK_OF(X509) * chain, X509_STORE *anchors)
{
    STACK_OF(X509) *out = NULL;
    X509 *leaf = sk_X509_value(chain, 0), *issuer = NULL;
    X509_STORE_CTX *sc = NULL;
    if (sk_X509_num(chain) >= 2)
        return X509_chain_up_ref(chain);
    sc = X509_STORE_CTX_new();
    if (!anchors || !sc || X509_STORE_CTX_init(sc, anchors, leaf, NULL) != 1 ||
        X509_STORE_CTX_get1_issuer(&issuer, sc, leaf) != 1)
        goto abort;
    out = sk_X509_new_null();
    if (!out || !X509_up_ref(leaf) || !sk_X509_push(out, leaf)) {
        sk_X509_pop_free(out, X509_free);
        out = NULL;
        goto abort;
    }
    if (!sk_X509_push(out, issuer)) {
        sk_X509_pop_free(out, X509_free);
        out = NULL;
        goto abort;
    }
    issuer = NULL;
abort:
    ERR_clear_error();
    X509_free(issuer);
    X509_STORE_CTX_free(sc);
    return out;
}

enum status ocsp_check_stapled(const struct cose_sign1 *c, X509_STORE *anchors,
                               const time_t *attested, struct ocsp_result *r)
{
    STACK_OF(X509) *chain = NULL;
    memset(r, 0, sizeof *r);
    if (c->ocsp_malformed)
        note(r, "rVals header is not {\"ocspVals\": [bstr]}");
    if (c->n_ocsp == 0)
        return ST_OK;
    chain = signer_and_issuer(c->chain, anchors);
    if (!chain) {
        note(r, "stapled OCSP ignored: %s",
             anchors ? "the signing certificate's issuer is neither in x5chain nor an anchor"
                     : "no trust anchors configured (--trust) to check its responder against");
        return ST_OK;
    }
    /* §15.9: try each until one is usable; a revocation stops at once */
    for (size_t i = 0; i < c->n_ocsp && r->verdict == OCSP_NONE; i++)
        check_one(c->ocsp[i], i, chain, anchors, attested, r);
    sk_X509_pop_free(chain, X509_free);
    return ST_OK;
}
