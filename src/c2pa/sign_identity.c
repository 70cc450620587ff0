/*
 * sign_identity.c — the signer's identity: a key folder made by
 * `tearsheet keygen`, or the photographer's own key and certificate
 * chain (PEM files, or one PKCS#12 file), loaded and checked before a
 * build against what a C2PA validator requires of a claim signer.
 *
 * Must never: prompt on a terminal for a password (OpenSSL's default
 * when none is given), keep key bytes after loading, put a self-signed
 * root into x5chain, or let a build sign with a certificate validators
 * reject (every published credential would say Invalid).
 *
 * Spec: C2PA 2.2 §14.5.1 (claim signer profile), §14.5.1.1 (the chain's
 * certificates), §14.4.1 (trust anchors); RFC 7292 (PKCS #12);
 * RFC 5280 §4.1.2.5 (validity).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "c2pa/c2pa_internal.h"
#include "c2pa/sign_internal.h"

/* PEM and PKCS#12 files are a few KB; a megabyte is a wrong file. */
#define KEY_FILE_MAX ((size_t)1 << 20)

void c2pa_signer_free(struct c2pa_signer *s)
{
    if (!s)
        return;
    EVP_PKEY_free(s->key);
    for (size_t i = 0; i < s->n_der; i++)
        OPENSSL_free(s->der[i]);
    sk_X509_pop_free(s->certs, X509_free);
    free(s);
}

const char *c2pa_signer_fingerprint(const struct c2pa_signer *s)
{
    return s->fingerprint;
}

static bool is_p256(EVP_PKEY *k)
{
    char group[64];
    size_t n = 0;
    return EVP_PKEY_is_a(k, "EC") &&
           EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &n) ==
               1 &&
           strcmp(group, "prime256v1") == 0;
}

/* The password, or a refusal: never OpenSSL's terminal prompt. */
static int password_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    const char *p = u;
    size_t n = p ? strlen(p) : 0;
    if (!p || n > (size_t)size)
        return -1;
    memcpy(buf, p, n);
    return (int)n;
}

/* By name and signature only: whether the issuer may issue (a CA,
 * keyCertSign) is the profile check's to say (c2pa_signer_check), and
 * test tools sign with chains a validator must reject. */
static bool issued_by(X509 *x, X509 *issuer)
{
    bool ok = X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(issuer)) == 0 &&
              X509_verify(x, X509_get0_pubkey(issuer)) == 1;
    ERR_clear_error();
    return ok;
}

/* Orders `in` (leaf first, the rest in any order) into s->certs: the
 * leaf, then the certificate that issued it, and so on. A certificate
 * that issues none of them is a wrong file in the chain. */
static enum status order_chain(struct c2pa_signer *s, STACK_OF(X509) * in, const char *file,
                               struct diag *d)
{
    int n = sk_X509_num(in);
    if (n > C2PA_SIGN_MAX_CHAIN)
        return diag_set(d, ST_LIMIT, "signing key", DIAG_NO_OFFSET,
                        "%s: more than %d certificates in the chain", file, C2PA_SIGN_MAX_CHAIN);
    bool used[C2PA_SIGN_MAX_CHAIN] = {false};
    if (!(s->certs = sk_X509_new_null()))
        return diag_set(d, ST_NOMEM, "signing key", DIAG_NO_OFFSET, "out of memory");
    X509 *cur = sk_X509_value(in, 0);
    used[0] = true;
    while (cur) {
        if (!X509_up_ref(cur) || !sk_X509_push(s->certs, cur))
            return diag_set(d, ST_NOMEM, "signing key", DIAG_NO_OFFSET, "out of memory");
        if (X509_get_extension_flags(cur) & EXFLAG_SS)
            break; /* a root: nothing above it */
        X509 *next = NULL;
        for (int i = 1; i < n && !next; i++)
            if (!used[i] && issued_by(cur, sk_X509_value(in, i))) {
                used[i] = true;
                next = sk_X509_value(in, i);
            }
        cur = next;
    }
    for (int i = 1; i < n; i++)
        if (!used[i]) {
            char cn[128] = "no common name";
            X509_NAME_get_text_by_NID(X509_get_subject_name(sk_X509_value(in, i)), NID_commonName,
                                      cn, sizeof cn);
            return diag_set(d, ST_CONFIG, "signing key", DIAG_NO_OFFSET,
                            "%s: the certificate \"%s\" did not issue any other certificate of "
                            "the chain (a wrong file, or a certificate missing between)",
                            file, cn);
        }
    return ST_OK;
}

/* x5chain (§14.5): the leaf and intermediates, never a self-signed
 * root (a verifier brings its own anchors); and the fingerprint. */
static enum status finish(struct c2pa_signer *s, struct diag *d)
{
    for (int i = 0; i < sk_X509_num(s->certs); i++) {
        X509 *x = sk_X509_value(s->certs, i);
        if (i > 0 && (X509_get_extension_flags(x) & EXFLAG_SS))
            continue;
        uint8_t *der = NULL;
        int n = i2d_X509(x, &der);
        if (n <= 0)
            return c2pa_sign_ssl_fail(d, "signing key", ST_NOMEM, "cannot encode a certificate");
        s->der[s->n_der] = der;
        s->der_len[s->n_der++] = (size_t)n;
    }
    uint8_t h[32];
    SHA256(s->der[0], s->der_len[0], h);
    for (int i = 0; i < 32; i++)
        snprintf(s->fingerprint + 2 * i, 3, "%02x", h[i]);
    return ST_OK;
}

static enum status check_key(struct c2pa_signer *s, X509 *leaf, const char *file, struct diag *d)
{
    if (!is_p256(s->key))
        return diag_set(d, ST_UNSUPPORTED, "signing key", DIAG_NO_OFFSET,
                        "%s: only P-256 keys (ES256) are supported", file);
    if (X509_check_private_key(leaf, s->key) != 1) {
        ERR_clear_error();
        return diag_set(d, ST_CONFIG, "signing key", DIAG_NO_OFFSET,
                        "%s: the first certificate does not belong to the private key", file);
    }
    return ST_OK;
}

/* Appends x to the certificates read (taking it: freed on failure). */
static enum status take_cert(STACK_OF(X509) * in, X509 *x, const char *file, struct diag *d)
{
    if (sk_X509_num(in) == C2PA_SIGN_MAX_CHAIN) {
        X509_free(x);
        return diag_set(d, ST_LIMIT, "signing key", DIAG_NO_OFFSET,
                        "%s: more than %d certificates in the chain", file, C2PA_SIGN_MAX_CHAIN);
    }
    if (!sk_X509_push(in, x)) {
        X509_free(x);
        return diag_set(d, ST_NOMEM, "signing key", DIAG_NO_OFFSET, "out of memory");
    }
    return ST_OK;
}

/* The certificates read, leaf first: the key's, then ordered. */
static enum status take_chain(struct c2pa_signer *s, STACK_OF(X509) * in, const char *file,
                              struct diag *d)
{
    enum status st = check_key(s, sk_X509_value(in, 0), file, d);
    return st != ST_OK ? st : order_chain(s, in, file, d);
}

static enum status load_pem(struct c2pa_signer *s, const struct c2pa_signer_files *f,
                            struct diag *d)
{
    enum status st = ST_OK;
    uint8_t *key_data = NULL, *chain_data = NULL;
    size_t key_len = 0, chain_len = 0;
    BIO *bio = NULL;
    X509 *x = NULL;
    STACK_OF(X509) *in = sk_X509_new_null();
    if (!in) {
        st = diag_set(d, ST_NOMEM, "signing key", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    if ((st = file_read_all(f->key, KEY_FILE_MAX, &key_data, &key_len, d)) != ST_OK)
        goto abort;
    bio = BIO_new_mem_buf(key_data, (int)key_len);
    s->key = bio ? PEM_read_bio_PrivateKey(bio, NULL, password_cb, (void *)f->password) : NULL;
    BIO_free(bio);
    bio = NULL;
    if (!s->key) {
        diag_set_file(d, f->key);
        st = c2pa_sign_ssl_fail(d, "signing key", ST_MALFORMED,
                                f->password ? "not a PEM private key, or the password is wrong"
                                            : "not a PEM private key (an encrypted key needs "
                                              "password_file: or password_env: under signing:)");
        goto abort;
    }
    if ((st = file_read_all(f->chain, KEY_FILE_MAX, &chain_data, &chain_len, d)) != ST_OK)
        goto abort;
    bio = BIO_new_mem_buf(chain_data, (int)chain_len);
    while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        st = take_cert(in, x, f->chain, d);
        x = NULL;
        if (st != ST_OK)
            goto abort;
    }
    ERR_clear_error(); /* the loop ends on "no start line" */
    if (sk_X509_num(in) == 0) {
        diag_set_file(d, f->chain);
        st = diag_set(d, ST_MALFORMED, "signing key", DIAG_NO_OFFSET, "no PEM certificate found");
        goto abort;
    }
    st = take_chain(s, in, f->chain, d);
abort:
    X509_free(x);
    BIO_free(bio);
    sk_X509_pop_free(in, X509_free);
    if (key_data)
        OPENSSL_cleanse(key_data, key_len);
    free(key_data);
    free(chain_data);
    return st;
}

static enum status load_pkcs12(struct c2pa_signer *s, const struct c2pa_signer_files *f,
                               struct diag *d)
{
    enum status st = ST_OK;
    uint8_t *data = NULL;
    size_t len = 0;
    PKCS12 *p12 = NULL;
    X509 *leaf = NULL;
    STACK_OF(X509) *ca = NULL, *in = NULL;
    if ((st = file_read_all(f->pkcs12, KEY_FILE_MAX, &data, &len, d)) != ST_OK)
        goto abort;
    const unsigned char *p = data;
    p12 = d2i_PKCS12(NULL, &p, (long)len);
    if (!p12) {
        diag_set_file(d, f->pkcs12);
        st = c2pa_sign_ssl_fail(d, "signing key", ST_MALFORMED, "not a PKCS#12 file");
        goto abort;
    }
    if (PKCS12_parse(p12, f->password ? f->password : "", &s->key, &leaf, &ca) != 1 || !s->key ||
        !leaf) {
        diag_set_file(d, f->pkcs12);
        st = c2pa_sign_ssl_fail(d, "signing key", ST_CONFIG,
                                f->password
                                    ? "cannot open the PKCS#12 file: wrong password, or it holds "
                                      "no key with its certificate"
                                    : "cannot open the PKCS#12 file without a password "
                                      "(password_file: or password_env: under signing:)");
        goto abort;
    }
    if (!(in = sk_X509_new_null()) || !sk_X509_push(in, leaf)) {
        st = diag_set(d, ST_NOMEM, "signing key", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    leaf = NULL;
    for (int i = 0; i < sk_X509_num(ca); i++) {
        X509 *x = sk_X509_value(ca, i);
        if (!X509_up_ref(x)) {
            st = diag_set(d, ST_NOMEM, "signing key", DIAG_NO_OFFSET, "out of memory");
            goto abort;
        }
        if ((st = take_cert(in, x, f->pkcs12, d)) != ST_OK)
            goto abort;
    }
    st = take_chain(s, in, f->pkcs12, d);
abort:
    X509_free(leaf);
    sk_X509_pop_free(ca, X509_free);
    sk_X509_pop_free(in, X509_free);
    PKCS12_free(p12);
    if (data)
        OPENSSL_cleanse(data, len);
    free(data);
    return st;
}

enum status c2pa_signer_load_files(const struct c2pa_signer_files *f, struct c2pa_signer **out,
                                   struct diag *d)
{
    enum status st;
    struct c2pa_signer *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s)
        return diag_set(d, ST_NOMEM, "signing key", DIAG_NO_OFFSET, "out of memory");
    if (f->pkcs12)
        st = load_pkcs12(s, f, d);
    else if (f->key && f->chain)
        st = load_pem(s, f, d);
    else
        st = diag_set(d, ST_USAGE, "signing key", DIAG_NO_OFFSET,
                      "give a key and its chain, or a PKCS#12 file");
    if (st == ST_OK)
        st = finish(s, d);
    if (st != ST_OK) {
        c2pa_signer_free(s);
        return st;
    }
    *out = s;
    return ST_OK;
}

enum status c2pa_signer_load(const char *dir, struct c2pa_signer **out, struct diag *d)
{
    char key[TS_LIMIT_PATH], chain[TS_LIMIT_PATH];
    *out = NULL;
    if (!path_join(key, sizeof key, dir, C2PA_KEY_FILE) ||
        !path_join(chain, sizeof chain, dir, C2PA_CHAIN_FILE))
        return diag_set(d, ST_LIMIT, "signing key", DIAG_NO_OFFSET, "path too long: %s", dir);
    struct c2pa_signer_files f = {.key = key, .chain = chain};
    return c2pa_signer_load_files(&f, out, d);
}

/* ---- the check before a build ---------------------------------------- */

static void name_of(X509_NAME *n, char *out, size_t len)
{
    char cn[128] = "", o[128] = "";
    X509_NAME_get_text_by_NID(n, NID_commonName, cn, sizeof cn);
    X509_NAME_get_text_by_NID(n, NID_organizationName, o, sizeof o);
    if (cn[0] && o[0])
        snprintf(out, len, "%s (%s)", cn, o);
    else
        snprintf(out, len, "%s", cn[0] ? cn : o[0] ? o : "a certificate without a name");
}

static void day_of(const ASN1_TIME *t, char *out, size_t len)
{
    struct tm tm;
    if (ASN1_TIME_to_tm(t, &tm) == 1)
        strftime(out, len, "%Y-%m-%d", &tm);
    else
        snprintf(out, len, "an unreadable date");
}

enum status c2pa_signer_check(const struct c2pa_signer *s, const struct c2pa_trust *trust,
                              struct c2pa_signer_facts *f, struct diag *d)
{
    memset(f, 0, sizeof *f);
    X509 *leaf = sk_X509_value(s->certs, 0);
    X509 *top = sk_X509_value(s->certs, sk_X509_num(s->certs) - 1);
    name_of(X509_get_subject_name(leaf), f->signer, sizeof f->signer);
    day_of(X509_get0_notAfter(leaf), f->expires, sizeof f->expires);
    /* the chain's root when given (it is not embedded: the verifier
     * must hold it), else whoever issued the last certificate */
    name_of((X509_get_extension_flags(top) & EXFLAG_SS) ? X509_get_subject_name(top)
                                                        : X509_get_issuer_name(top),
            f->anchor, sizeof f->anchor);
    char o[128] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_organizationName, o, sizeof o);
    f->demo = strstr(o, "tearsheet demo") != NULL;

    const char *why = c2pa_cert_profile_problem(leaf);
    if (why)
        return diag_set(d, ST_CONFIG, "signing key", DIAG_NO_OFFSET,
                        "the certificate of %s does not meet the C2PA claim-signer profile: %s; "
                        "verifiers would call every signature Invalid "
                        "(signingCredential.invalid)",
                        f->signer, why);
    char chain_why[256];
    if (!cert_chain_profile(s->certs, chain_why, sizeof chain_why))
        return diag_set(d, ST_CONFIG, "signing key", DIAG_NO_OFFSET,
                        "%s; verifiers would call every signature Invalid "
                        "(signingCredential.invalid)",
                        chain_why);
    char when[32];
    if (X509_cmp_current_time(X509_get0_notBefore(leaf)) > 0) {
        day_of(X509_get0_notBefore(leaf), when, sizeof when);
        return diag_set(d, ST_CONFIG, "signing key", DIAG_NO_OFFSET,
                        "the certificate of %s is not valid before %s", f->signer, when);
    }
    for (int i = 0; i < sk_X509_num(s->certs); i++) {
        X509 *x = sk_X509_value(s->certs, i);
        if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0) {
            char who[256];
            name_of(X509_get_subject_name(x), who, sizeof who);
            day_of(X509_get0_notAfter(x), when, sizeof when);
            return diag_set(d, ST_CONFIG, "signing key", DIAG_NO_OFFSET,
                            "the certificate of %s expired on %s; verifiers would call new "
                            "signatures Invalid (signingCredential.expired)",
                            who, when);
        }
    }
    f->site_trusts = trust && cert_chain_trusted(trust->store, s->certs, time(NULL));
    return ST_OK;
}
