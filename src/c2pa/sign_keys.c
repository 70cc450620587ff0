/*
 * sign_keys.c — making signing keys: `tearsheet keygen` (a demo root
 * CA and a claim-signing leaf, both P-256), `keygen --csr` (a key and
 * a certificate request with the claim-signer profile for a real CA),
 * and ES256 signatures in COSE's raw r||s form. Loading an identity is
 * sign_identity.c.
 *
 * Must never: write a private key readable by anyone but its owner,
 * overwrite an existing key, keep the demo root's private key (it is
 * thrown away, so the demo CA can never vouch for anything else), or
 * put a self-signed root into x5chain.
 *
 * Spec: C2PA 2.2 §14.5.1 (certificate profile: v3, ECDSA P-256 with
 * SHA-256, leaf keyUsage digitalSignature, an allowed EKU, AKI/SKI,
 * cA false on the leaf), §13.2 (ES256), RFC 9053 §2.1 (r||s).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "c2pa/sign_internal.h"

/* PEM files in a key folder are a few KB; a megabyte is a wrong file. */
#define KEY_FILE_MAX ((size_t)1 << 20)
#define ROOT_DAYS (5 * 365)
#define LEAF_DAYS (3 * 365)

enum status c2pa_sign_ssl_fail(struct diag *d, const char *field, enum status st, const char *what)
{
    char err[256] = "";
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, err, sizeof err);
    ERR_clear_error();
    return diag_set(d, st, field, DIAG_NO_OFFSET, "%s%s%s", what, err[0] ? ": " : "", err);
}

/* ---- keygen --------------------------------------------------------- */

static X509_NAME *demo_name(const char *cn)
{
    X509_NAME *n = X509_NAME_new();
    if (!n)
        return NULL;
    if (!X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
                                    (const unsigned char *)"tearsheet demo — UNTRUSTED", -1, -1,
                                    0) ||
        !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0)) {
        X509_NAME_free(n);
        return NULL;
    }
    return n;
}

static bool add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (!e)
        return false;
    bool ok = X509_add_ext(x, e, -1) == 1;
    X509_EXTENSION_free(e);
    return ok;
}

/* issuer == NULL: self-signed. */
static X509 *make_cert(EVP_PKEY *pub, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, long days,
                       bool ca)
{
    X509 *x = X509_new();
    X509_NAME *name = demo_name(cn);
    BIGNUM *serial = BN_new();
    bool ok = x && name && serial;
    /* 127-bit random serial: positive, unique without a database. */
    ok = ok && BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1;
    ok = ok && X509_set_version(x, X509_VERSION_3) == 1;
    ok = ok && BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) != NULL;
    /* An hour back, so a clock a little behind still accepts it. */
    ok = ok && X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL;
    ok = ok && X509_gmtime_adj(X509_getm_notAfter(x), days * 24 * 3600) != NULL;
    ok = ok && X509_set_pubkey(x, pub) == 1 && X509_set_subject_name(x, name) == 1;
    ok = ok && X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1;
    X509V3_CTX ctx;
    if (ok) {
        X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
        ok = add_ext(x, &ctx, NID_subject_key_identifier, "hash") &&
             add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
    }
    if (ok && ca)
        ok = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") &&
             add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    if (ok && !ca)
        /* emailProtection is accepted by every C2PA validator today;
         * 1.3.6.1.4.1.62558.2.1 is c2pa-kp-claimSigning (§14.5.1). */
        ok = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") &&
             add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature") &&
             add_ext(x, &ctx, NID_ext_key_usage, "emailProtection,1.3.6.1.4.1.62558.2.1");
    ok = ok && X509_sign(x, issuer_key, EVP_sha256()) > 0;
    BN_free(serial);
    X509_NAME_free(name);
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static char *pem_of(BIO *bio, size_t *len)
{
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    if (n <= 0)
        return NULL;
    *len = (size_t)n;
    return str_ndup(p, (size_t)n);
}

/* The private key never exists under its final name with looser
 * permissions: a 0600 temporary file, written, synced, renamed. */
static enum status write_private(const char *path, const char *data, size_t len, struct diag *d)
{
    char tmp[TS_LIMIT_PATH];
    enum status st = ST_OK;
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return diag_set(d, ST_LIMIT, "signing key", DIAG_NO_OFFSET, "path too long");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return diag_set(d, ST_IO, "signing key", DIAG_NO_OFFSET, "cannot create %s: %s", tmp,
                        strerror(errno));
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = diag_set(d, ST_IO, "signing key", DIAG_NO_OFFSET, "cannot write %s: %s", tmp,
                          strerror(errno));
            goto abort;
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0 || link(tmp, path) != 0) {
        /* link, not rename: it fails instead of replacing a key that
         * appeared meanwhile. */
        st = diag_set(d, ST_IO, "signing key", DIAG_NO_OFFSET, "cannot write %s: %s", path,
                      strerror(errno));
        goto abort;
    }
abort:
    close(fd);
    unlink(tmp);
    return st;
}

enum status c2pa_keygen(const char *dir, struct diag *d)
{
    enum status st = ST_INTERNAL;
    EVP_PKEY *root_key = NULL, *leaf_key = NULL;
    X509 *root = NULL, *leaf = NULL;
    BIO *kb = NULL, *cb = NULL, *ab = NULL;
    char *key_pem = NULL, *chain_pem = NULL, *anchor_pem = NULL;
    size_t key_len = 0, chain_len = 0, anchor_len = 0;
    char key_path[TS_LIMIT_PATH], chain_path[TS_LIMIT_PATH], anchor_path[TS_LIMIT_PATH];

    if (!path_join(key_path, sizeof key_path, dir, C2PA_KEY_FILE) ||
        !path_join(chain_path, sizeof chain_path, dir, C2PA_CHAIN_FILE) ||
        !path_join(anchor_path, sizeof anchor_path, dir, C2PA_ANCHOR_FILE)) {
        st = diag_set(d, ST_LIMIT, "keygen", DIAG_NO_OFFSET, "folder path too long: %s", dir);
        goto abort;
    }
    if (file_exists(key_path)) {
        st = diag_set(d, ST_USAGE, "keygen", DIAG_NO_OFFSET,
                      "%s already exists; refusing to replace a signing key", key_path);
        goto abort;
    }
    bool existed = file_exists(dir);
    if ((st = file_mkdirs(dir, d)) != ST_OK)
        goto abort;
    if (!existed)
        chmod(dir, 0700);

    root_key = EVP_EC_gen("P-256");
    leaf_key = EVP_EC_gen("P-256");
    if (!root_key || !leaf_key) {
        st = c2pa_sign_ssl_fail(d, "signing key", ST_INTERNAL, "cannot generate a P-256 key");
        goto abort;
    }
    root =
        make_cert(root_key, "tearsheet demo root CA — UNTRUSTED", NULL, root_key, ROOT_DAYS, true);
    leaf = root ? make_cert(leaf_key, "tearsheet demo signer — UNTRUSTED", root, root_key,
                            LEAF_DAYS, false)
                : NULL;
    if (!leaf) {
        st = c2pa_sign_ssl_fail(d, "signing key", ST_INTERNAL, "cannot make the demo certificates");
        goto abort;
    }
    kb = BIO_new(BIO_s_mem());
    cb = BIO_new(BIO_s_mem());
    ab = BIO_new(BIO_s_mem());
    if (!kb || !cb || !ab ||
        PEM_write_bio_PrivateKey(kb, leaf_key, NULL, NULL, 0, NULL, NULL) != 1 ||
        PEM_write_bio_X509(cb, leaf) != 1 || PEM_write_bio_X509(cb, root) != 1 ||
        PEM_write_bio_X509(ab, root) != 1 || !(key_pem = pem_of(kb, &key_len)) ||
        !(chain_pem = pem_of(cb, &chain_len)) || !(anchor_pem = pem_of(ab, &anchor_len))) {
        st = c2pa_sign_ssl_fail(d, "signing key", ST_NOMEM, "cannot encode the key");
        goto abort;
    }
    /* Certificates first: a key without its chain would be useless. */
    if ((st = file_write_atomic(chain_path, chain_pem, chain_len, d)) != ST_OK ||
        (st = file_write_atomic(anchor_path, anchor_pem, anchor_len, d)) != ST_OK ||
        (st = write_private(key_path, key_pem, key_len, d)) != ST_OK)
        goto abort;
    st = ST_OK;
abort:
    if (key_pem)
        OPENSSL_cleanse(key_pem, key_len);
    free(key_pem);
    free(chain_pem);
    free(anchor_pem);
    BIO_free(kb);
    BIO_free(cb);
    BIO_free(ab);
    X509_free(root);
    X509_free(leaf);
    EVP_PKEY_free(root_key);
    EVP_PKEY_free(leaf_key);
    return st;
}

/* The claim-signer profile (§14.5.1) asked for in a request: the
 * same extensions the demo leaf gets, for a CA to copy. */
static bool add_req_exts(X509_REQ *req)
{
    STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
    static const struct {
        int nid;
        const char *value;
    } want[] = {
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature"},
        {NID_ext_key_usage, "emailProtection,1.3.6.1.4.1.62558.2.1"},
    };
    bool ok = exts != NULL;
    for (size_t i = 0; ok && i < sizeof want / sizeof want[0]; i++) {
        X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, want[i].nid, want[i].value);
        ok = e && sk_X509_EXTENSION_push(exts, e);
        if (!ok)
            X509_EXTENSION_free(e);
    }
    ok = ok && X509_REQ_add_extensions(req, exts) == 1;
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    return ok;
}

enum status c2pa_keygen_csr(const char *dir, const char *name, const char *org, struct diag *d)
{
    enum status st = ST_INTERNAL;
    EVP_PKEY *key = NULL;
    X509_REQ *req = NULL;
    X509_NAME *subj = NULL;
    BIO *kb = NULL, *rb = NULL;
    char *key_pem = NULL, *req_pem = NULL;
    size_t key_len = 0, req_len = 0;
    char key_path[TS_LIMIT_PATH], req_path[TS_LIMIT_PATH];

    if (!name || !name[0])
        return diag_set(d, ST_USAGE, "keygen", DIAG_NO_OFFSET,
                        "a certificate request needs the signer's name (--name)");
    if (!path_join(key_path, sizeof key_path, dir, C2PA_KEY_FILE) ||
        !path_join(req_path, sizeof req_path, dir, C2PA_CSR_FILE))
        return diag_set(d, ST_LIMIT, "keygen", DIAG_NO_OFFSET, "folder path too long: %s", dir);
    if (file_exists(key_path))
        return diag_set(d, ST_USAGE, "keygen", DIAG_NO_OFFSET,
                        "%s already exists; refusing to replace a signing key", key_path);
    bool existed = file_exists(dir);
    if ((st = file_mkdirs(dir, d)) != ST_OK)
        goto abort;
    if (!existed)
        chmod(dir, 0700);
    if (!(key = EVP_EC_gen("P-256"))) {
        st = c2pa_sign_ssl_fail(d, "signing key", ST_INTERNAL, "cannot generate a P-256 key");
        goto abort;
    }
    req = X509_REQ_new();
    subj = X509_NAME_new();
    bool ok = req && subj && X509_REQ_set_version(req, X509_REQ_VERSION_1) == 1;
    ok = ok && X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_UTF8, (const unsigned char *)name,
                                          -1, -1, 0);
    if (ok && org && org[0])
        ok = X509_NAME_add_entry_by_txt(subj, "O", MBSTRING_UTF8, (const unsigned char *)org, -1,
                                        -1, 0);
    ok = ok && X509_REQ_set_subject_name(req, subj) == 1 && X509_REQ_set_pubkey(req, key) == 1 &&
         add_req_exts(req) && X509_REQ_sign(req, key, EVP_sha256()) > 0;
    if (!ok) {
        st = c2pa_sign_ssl_fail(d, "signing key", ST_USAGE,
                                "cannot make the certificate request (a name too long?)");
        goto abort;
    }
    kb = BIO_new(BIO_s_mem());
    rb = BIO_new(BIO_s_mem());
    if (!kb || !rb || PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) != 1 ||
        PEM_write_bio_X509_REQ(rb, req) != 1 || !(key_pem = pem_of(kb, &key_len)) ||
        !(req_pem = pem_of(rb, &req_len))) {
        st = c2pa_sign_ssl_fail(d, "signing key", ST_NOMEM, "cannot encode the key");
        goto abort;
    }
    if ((st = write_private(key_path, key_pem, key_len, d)) != ST_OK ||
        (st = file_write_atomic(req_path, req_pem, req_len, d)) != ST_OK)
        goto abort;
    st = ST_OK;
abort:
    if (key_pem)
        OPENSSL_cleanse(key_pem, key_len);
    free(key_pem);
    free(req_pem);
    BIO_free(kb);
    BIO_free(rb);
    X509_NAME_free(subj);
    X509_REQ_free(req);
    EVP_PKEY_free(key);
    return st;
}

enum status c2pa_sign_es256(const struct c2pa_signer *s, const uint8_t *msg, size_t len,
                            uint8_t sig[64], struct diag *d)
{
    enum status st = ST_INTERNAL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    ECDSA_SIG *es = NULL;
    uint8_t der[80]; /* a P-256 DER signature is at most 72 bytes */
    size_t der_len = sizeof der;
    if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, s->key) != 1 ||
        EVP_DigestSign(ctx, der, &der_len, msg, len) != 1) {
        st = c2pa_sign_ssl_fail(d, "signing key", ST_INTERNAL, "ES256 signing failed");
        goto abort;
    }
    const uint8_t *p = der;
    es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    const BIGNUM *r = NULL, *sv = NULL;
    if (es)
        ECDSA_SIG_get0(es, &r, &sv);
    if (!es || BN_bn2binpad(r, sig, 32) != 32 || BN_bn2binpad(sv, sig + 32, 32) != 32) {
        st =
            c2pa_sign_ssl_fail(d, "signing key", ST_INTERNAL, "cannot convert the ECDSA signature");
        goto abort;
    }
    st = ST_OK;
abort:
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(ctx);
    return st;
}
