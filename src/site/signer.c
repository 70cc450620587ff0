/*
 * signer.c — the build's signing identity, set up before any photo is
 * touched: a key folder (signing_key:, a demo key made when missing)
 * or the photographer's own key and chain (signing:), checked against
 * what C2PA validators require, with the sentence saying what readers'
 * verifiers will show; the time-stamp authority (signing: tsa_url:)
 * asked once; the trust anchors (trust:). All of it joins the cache
 * key, so a new key, authority or anchor list re-signs.
 *
 * Must never: read a password from site.yaml (story/site.c refuses
 * one), keep a password after the key is open, or start a build whose
 * every signature a verifier would reject.
 *
 * Spec: docs/c2pa-sign.md; RFC 3161 §3.4 (time-stamp requests over
 * HTTP, application/timestamp-query).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "fetch/fetch.h"
#include "site/internal.h"

/* A password file holds one line; a megabyte is a wrong file. */
#define PASSWORD_FILE_MAX 4096

/* The password for an encrypted key or PKCS#12 file, from the file or
 * environment variable site.yaml names; *out NULL when it names none. */
static enum status read_password(const struct story_signing *g, char **out, struct diag *d)
{
    *out = NULL;
    if (g->password_env) {
        const char *v = getenv(g->password_env);
        if (!v)
            return diag_set(d, ST_CONFIG, "signing", DIAG_NO_OFFSET,
                            "password_env: %s is not set in the environment", g->password_env);
        *out = str_dup(v);
        return *out ? ST_OK : ST_NOMEM;
    }
    if (!g->password_file)
        return ST_OK;
    struct stat sb;
    if (stat(g->password_file, &sb) == 0 && (sb.st_mode & 0077))
        log_msg(LOG_WARN, "%s: others can read this password file (chmod 600 it)",
                g->password_file);
    uint8_t *data = NULL;
    size_t len = 0;
    enum status st = file_read_all(g->password_file, PASSWORD_FILE_MAX, &data, &len, d);
    if (st != ST_OK)
        return st == ST_NOMEM ? st : ST_CONFIG;
    /* one line: the newline an editor adds is not part of it */
    size_t n = 0;
    while (n < len && data[n] != '\n' && data[n] != '\r')
        n++;
    *out = str_ndup((const char *)data, n);
    OPENSSL_cleanse(data, len);
    free(data);
    return *out ? ST_OK : ST_NOMEM;
}

static enum status load_identity(struct site_build *b, struct diag *d)
{
    const struct story_site *cfg = b->cfg;
    const char *dir = cfg->signing_key;
    enum status st;
    if (!dir) {
        char *password = NULL;
        if ((st = read_password(&cfg->signing, &password, d)) != ST_OK)
            return st;
        struct c2pa_signer_files f = {.key = cfg->signing.key,
                                      .chain = cfg->signing.chain,
                                      .pkcs12 = cfg->signing.pkcs12,
                                      .password = password};
        st = c2pa_signer_load_files(&f, &b->signer, d);
        if (password)
            OPENSSL_cleanse(password, strlen(password));
        free(password);
        return st == ST_OK || st == ST_NOMEM ? st : ST_CONFIG;
    }
    if (!file_exists(dir)) {
        if ((st = c2pa_keygen(dir, d)) != ST_OK)
            return st;
        log_msg(LOG_INFO,
                "made an untrusted demo signing key in %s (verifiers trust it only when given "
                "%s/%s as an anchor)",
                dir, dir, C2PA_ANCHOR_FILE);
    }
    st = c2pa_signer_load(dir, &b->signer, d);
    return st == ST_OK || st == ST_NOMEM ? st : ST_CONFIG;
}

/* c2pa_tsa_post_fn: RFC 3161 §3.4 over HTTP(S) with libcurl. */
static enum status post_tsa(void *ctx, const uint8_t *req, size_t req_len, uint8_t **resp,
                            size_t *resp_len, struct diag *d)
{
    return fetch_post("time-stamp authority", ctx, "application/timestamp-query", req, req_len,
                      TS_LIMIT_C2PA_TST_RESP_BYTES, resp, resp_len, d);
}

/* The anchors' SHA-256 in anchors[] (for the cache key). */
static enum status load_trust(struct site_build *b, char anchors[65], struct diag *d)
{
    uint8_t *pem = NULL;
    size_t pem_len = 0;
    enum status st;
    if ((st = file_read_all(b->cfg->trust, TS_LIMIT_TEXT_BYTES, &pem, &pem_len, d)) != ST_OK)
        return ST_CONFIG;
    site_sha256_hex(pem, pem_len, anchors);
    free(pem);
    if ((st = c2pa_trust_load(b->cfg->trust, &b->trust, d)) != ST_OK)
        return st == ST_NOMEM ? st : ST_CONFIG;
    return ST_OK;
}

/* The photographer's trust anchors decide what the Content Credentials
 * panels say (Valid or Trusted), so they join the key of the cached
 * panels too. */
static void key_trust(struct site_build *b, const char anchors[65])
{
    char text[65 + 16 + 65];
    snprintf(text, sizeof text, "%s\ntrust %s", b->settings_fingerprint, anchors);
    site_sha256_hex(text, strlen(text), b->settings_fingerprint);
}

enum status site_load_signer(struct site_build *b, struct diag *d)
{
    const struct story_site *cfg = b->cfg;
    enum status st;
    char anchors[65];
    if (!cfg->signing_key && !cfg->signing.key && !cfg->signing.pkcs12)
        return ST_OK; /* nothing signed, so no panels: the anchors are not read */
    if ((st = load_identity(b, d)) != ST_OK)
        return st;
    if (cfg->trust && (st = load_trust(b, anchors, d)) != ST_OK)
        return st;
    struct c2pa_signer_facts facts;
    if ((st = c2pa_signer_check(b->signer, b->trust, &facts, d)) != ST_OK)
        return st == ST_NOMEM ? st : ST_CONFIG;
    char tsa[256] = "";
    if (cfg->signing.tsa_url && (st = c2pa_signer_set_tsa(b->signer, post_tsa, cfg->signing.tsa_url,
                                                          tsa, sizeof tsa, d)) != ST_OK) {
        diag_set_file(d, cfg->signing.tsa_url);
        return st;
    }
    struct buf say;
    buf_init(&say, 4096);
    if (c2pa_signer_describe(&facts, tsa[0] ? tsa : NULL, &say) == ST_OK)
        log_msg(LOG_INFO, "%s", say.data);
    buf_free(&say);
    /* " avif": AVIF derivatives are signed since the BMFF hash came,
     * so ones cached unsigned before must be made again; the authority
     * too: derivatives signed without a time-stamp are signed again */
    char text[65 + 64 + TS_LIMIT_PATH];
    snprintf(text, sizeof text, "%s\nsign %s%s%s%s", b->settings_fingerprint,
             c2pa_signer_fingerprint(b->signer), b->image.formats[IMAGE_AVIF] ? " avif" : "",
             cfg->signing.tsa_url ? " tsa " : "", cfg->signing.tsa_url ? cfg->signing.tsa_url : "");
    site_sha256_hex(text, strlen(text), b->settings_fingerprint);
    if (cfg->trust)
        key_trust(b, anchors);
    return ST_OK;
}
