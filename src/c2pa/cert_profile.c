/*
 * cert_profile.c — the certificate profile (§14.5.1): of the signer's
 * own certificate (key usage, extended key usage, not a CA; used by
 * validate.c for claim signatures and cawg.c for X.509 identities, so
 * neither calls the other), and (§14.5.1.1) of the certificates of an
 * x5chain after it: each one issues the certificate before it, so it
 * must be a CA certificate that may sign certificates, and meet the
 * general requirements.
 *
 * Must never: trust anything here (this says whether certificates are
 * well-formed for C2PA, not whether they chain to an anchor; that is
 * chain_trusted in validate.c), or read a certificate field except
 * through OpenSSL's parsed accessors.
 *
 * Spec: C2PA 2.2 §14.5.1.1 (v3; Basic Constraints: a key that verifies
 * certificate signatures has cA asserted; Key Usage present, keyCertSign
 * only with cA; Subject Key Identifier in a CA; Authority Key Identifier
 * unless self-signed; EC keys on P-256/384/521, RSA ≥ 2048 bits);
 * RFC 5280 §4.2.1.1–4.2.1.3, §4.2.1.9.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "c2pa/c2pa_internal.h"

/* §14.5.1 EKUs c2pa-rs accepts by default (see notes §7). */
static bool eku_allowed(const ASN1_OBJECT *o)
{
    static const char *ok[] = {"1.3.6.1.5.5.7.3.4",         "1.3.6.1.5.5.7.3.36",
                               "1.3.6.1.5.5.7.3.8",         "1.3.6.1.5.5.7.3.9",
                               "1.3.6.1.4.1.311.76.59.1.9", "1.3.6.1.4.1.62558.2.1"};
    char txt[80];
    if (OBJ_obj2txt(txt, sizeof txt, o, 1) <= 0)
        return false;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(txt, ok[i]) == 0)
            return true;
    return false;
}

/* §14.5.1 for the signer's own certificate (the claim signature's and
 * a CAWG X.509 identity's): NULL when it meets the profile, else what
 * is wrong. */
const char *c2pa_cert_profile_problem(X509 *x)
{
    if (X509_get_version(x) != X509_VERSION_3)
        return "certificate is not version 3";
    uint32_t flags = X509_get_extension_flags(x);
    if (!(flags & EXFLAG_KUSAGE) || !(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE))
        return "certificate does not allow digitalSignature";
    if (X509_check_ca(x) != 0 && (flags & EXFLAG_CA))
        return "signing certificate is a CA certificate";
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
    const char *why = eku ? "no extended key usage allowed for C2PA signing"
                          : "certificate has no extended key usage";
    for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku); i++) {
        const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
        if (OBJ_obj2nid(o) == NID_anyExtendedKeyUsage) {
            why = "certificate allows any extended key usage";
            break;
        }
        if (eku_allowed(o))
            why = NULL;
    }
    sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
    if (why)
        return why;
    EVP_PKEY *k = X509_get0_pubkey(x);
    if (k &&
        (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA || EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA_PSS) &&
        EVP_PKEY_get_bits(k) < 2048)
        return "RSA key shorter than 2048 bits";
    return NULL;
}

/* The general key requirements of §14.5.1.1; NULL when met. */
static const char *key_problem(X509 *x)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    if (!k)
        return "its public key cannot be read";
    int id = EVP_PKEY_get_base_id(k);
    if ((id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) && EVP_PKEY_get_bits(k) < 2048)
        return "its RSA key is shorter than 2048 bits";
    if (id == EVP_PKEY_EC) {
        char curve[64];
        size_t n = 0;
        if (EVP_PKEY_get_utf8_string_param(k, "group", curve, sizeof curve, &n) != 1 ||
            (strcmp(curve, "prime256v1") != 0 && strcmp(curve, "secp384r1") != 0 &&
             strcmp(curve, "secp521r1") != 0))
            return "its EC key is not on P-256, P-384 or P-521";
    }
    return NULL;
}

/* A certificate that issued the one before it in the chain. */
static const char *issuer_problem(X509 *x)
{
    uint32_t flags = X509_get_extension_flags(x);
    if (flags & EXFLAG_INVALID)
        return "its extensions cannot be parsed";
    if (X509_get_version(x) != X509_VERSION_3)
        return "it is not version 3";
    if (!(flags & EXFLAG_BCONS) || !(flags & EXFLAG_CA))
        return "it signs certificates but is not a CA (basicConstraints cA not asserted)";
    if (!(flags & EXFLAG_KUSAGE))
        return "it has no key usage extension";
    if (!(X509_get_key_usage(x) & KU_KEY_CERT_SIGN))
        return "its key usage does not allow keyCertSign";
    if (!X509_get0_subject_key_id(x))
        return "it is a CA without a subject key identifier";
    if (!(flags & EXFLAG_SS) && !X509_get0_authority_key_id(x))
        return "it has no authority key identifier and is not self-signed";
    return key_problem(x);
}

bool cert_chain_profile(STACK_OF(X509) * chain, char *why, size_t whylen)
{
    for (int i = 1; i < sk_X509_num(chain); i++) {
        const char *p = issuer_problem(sk_X509_value(chain, i));
        if (p) {
            char cn[128] = "";
            X509_NAME_get_text_by_NID(X509_get_subject_name(sk_X509_value(chain, i)),
                                      NID_commonName, cn, sizeof cn);
            snprintf(why, whylen, "certificate %d of the chain (%s): %s", i + 1,
                     cn[0] ? cn : "no common name", p);
            return false;
        }
    }
    return true;
}

bool cert_chain_trusted(X509_STORE *store, STACK_OF(X509) * chain, time_t at)
{
    bool ok = false;
    STACK_OF(X509) *untrusted = NULL;
    X509_STORE_CTX *sc = NULL;
    if (!store || sk_X509_num(chain) < 1)
        return false;
    untrusted = sk_X509_new_null();
    sc = X509_STORE_CTX_new();
    if (!untrusted || !sc)
        goto abort;
    for (int i = 1; i < sk_X509_num(chain); i++)
        if (!sk_X509_push(untrusted, sk_X509_value(chain, i)))
            goto abort;
    if (X509_STORE_CTX_init(sc, store, sk_X509_value(chain, 0), untrusted) != 1)
        goto abort;
    /* an intermediate on the list is an anchor too (§14.4.1) */
    X509_STORE_CTX_set_flags(sc, X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_CTX_set_time(sc, 0, at);
    ok = X509_verify_cert(sc) == 1;
abort:
    ERR_clear_error();
    X509_STORE_CTX_free(sc);
    sk_X509_free(untrusted);
    return ok;
}
