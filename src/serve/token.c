/*
 * token.c — the server's cryptography, all through OpenSSL 3: the
 * signed time token put into every form page (issue time + random
 * nonce + HMAC-SHA256), the optional proof of work (SHA-256 leading
 * zero bits), the owner's password as a salted scrypt hash, random
 * session ids, and the site's secret key file.
 *
 * Must never: compare a MAC or a hash with memcmp (timing), accept a
 * token whose MAC does not match before looking at its time, or write
 * the secret with permissions other than 0600.
 *
 * Spec: RFC 2104 (HMAC), RFC 7914 (scrypt), docs/inquiries.md "Tokens".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "serve/lic.h"

bool serve_random(uint8_t *out, size_t n)
{
    return n <= INT32_MAX && RAND_bytes(out, (int)n) == 1;
}

void serve_hex(const uint8_t *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}

bool serve_unhex(const char *s, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char ch = s[2 * i + (size_t)k];
            int h = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
            if (h < 0)
                return false;
            v = v << 4 | h;
        }
        out[i] = (uint8_t)v;
    }
    return true;
}

void serve_sha256_hex(const char *s, size_t n, char out[65])
{
    uint8_t md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)s, n, md);
    serve_hex(md, sizeof md, out);
}

bool serve_const_eq(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

/* ---- time tokens --------------------------------------------------------- */

/* The MAC covers a label too, so a MAC made for something else with
 * the same key can never pass as a token. */
static void token_mac(const uint8_t key[SERVE_KEY_BYTES], const char *body, size_t n, char out[65])
{
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    char msg[SERVE_TOKEN_SIZE + 32];
    int m = snprintf(msg, sizeof msg, "tearsheet-token-v1:%.*s", (int)n, body);
    HMAC(EVP_sha256(), key, SERVE_KEY_BYTES, (const unsigned char *)msg, (size_t)m, md, &mdlen);
    serve_hex(md, mdlen < 32 ? mdlen : 32, out);
}

void serve_token_make(const uint8_t key[SERVE_KEY_BYTES], time_t issued,
                      const uint8_t nonce[SERVE_NONCE_BYTES], char out[SERVE_TOKEN_SIZE])
{
    char nonce_hex[2 * SERVE_NONCE_BYTES + 1], mac[65];
    serve_hex(nonce, SERVE_NONCE_BYTES, nonce_hex);
    int n = snprintf(out, SERVE_TOKEN_SIZE, "%lld.%s", (long long)issued, nonce_hex);
    token_mac(key, out, (size_t)n, mac);
    snprintf(out + n, SERVE_TOKEN_SIZE - (size_t)n, ".%s", mac);
}

enum serve_token_verdict serve_token_check(const uint8_t key[SERVE_KEY_BYTES], const char *tok,
                                           size_t n, time_t now, char nonce_hex[33])
{
    char mac[65];
    struct cursor c;
    uint8_t b = 0;
    long long issued = 0;
    size_t digits = 0;
    cursor_init(&c, span_make((const uint8_t *)tok, n));
    while (cursor_u8(&c, &b) && b >= '0' && b <= '9' && digits < 12) {
        issued = issued * 10 + (b - '0');
        digits++;
    }
    /* <digits> "." <32 hex> "." <64 hex>, nothing more */
    size_t body = c.pos - 1 + 1 + 2 * SERVE_NONCE_BYTES;
    if (digits == 0 || b != '.' || n != body + 1 + 64 || tok[body] != '.')
        return SERVE_TOKEN_MALFORMED;
    uint8_t raw[SERVE_NONCE_BYTES + 32];
    if (!serve_unhex(tok + c.pos, SERVE_NONCE_BYTES, raw) || !serve_unhex(tok + body + 1, 32, raw + 16))
        return SERVE_TOKEN_MALFORMED;
    token_mac(key, tok, body, mac);
    if (CRYPTO_memcmp(mac, tok + body + 1, 64) != 0)
        return SERVE_TOKEN_FORGED;
    if ((long long)now < issued + SERVE_TOKEN_MIN_AGE_S)
        return SERVE_TOKEN_TOO_FAST;
    if ((long long)now > issued + SERVE_TOKEN_MAX_AGE_S)
        return SERVE_TOKEN_EXPIRED;
    memcpy(nonce_hex, tok + c.pos, 32);
    nonce_hex[32] = '\0';
    return SERVE_TOKEN_OK;
}

bool serve_pow_check(const char *token, const char *answer, unsigned bits)
{
    char msg[SERVE_TOKEN_SIZE + 40];
    uint8_t md[SHA256_DIGEST_LENGTH];
    if (bits == 0)
        return true;
    /* Not the configuration's range (the story parser checks that
     * against TS_LIMIT_POW_BITS): only that md[] is never read past. */
    if (!token || !answer || bits > 8 * SHA256_DIGEST_LENGTH)
        return false;
    int n = snprintf(msg, sizeof msg, "%s:%s", token, answer);
    if (n < 0 || (size_t)n >= sizeof msg)
        return false;
    SHA256((const unsigned char *)msg, (size_t)n, md);
    for (unsigned i = 0; i < bits; i++)
        if (md[i / 8] & (0x80 >> (i % 8)))
            return false;
    return true;
}

/* ---- the owner's password ------------------------------------------------- */

/* N = 2^15, r = 8, p = 1: 32 MiB and about 0.1 s per try (RFC 7914
 * §2's interactive-login advice), so a stolen database is slow to
 * guess from. */
#define PW_LOG_N 15u
#define PW_R 8u
#define PW_P 1u
#define PW_SALT 16
#define PW_LEN 32
#define PW_MAXMEM ((uint64_t)64 << 20)

static bool scrypt_of(const char *pw, const uint8_t *salt, unsigned log_n, unsigned r, unsigned p,
                      uint8_t out[PW_LEN])
{
    if (log_n < 10 || log_n > 20 || r < 1 || r > 16 || p < 1 || p > 4)
        return false;
    return EVP_PBE_scrypt(pw, strlen(pw), salt, PW_SALT, (uint64_t)1 << log_n, r, p, PW_MAXMEM, out,
                          PW_LEN) == 1;
}

enum status serve_password_hash(const char *pw, char out[SERVE_PWHASH_SIZE], struct diag *d)
{
    uint8_t salt[PW_SALT], h[PW_LEN];
    char salt_hex[2 * PW_SALT + 1], h_hex[2 * PW_LEN + 1];
    if (!serve_random(salt, sizeof salt) || !scrypt_of(pw, salt, PW_LOG_N, PW_R, PW_P, h))
        return diag_set(d, ST_INTERNAL, "password", DIAG_NO_OFFSET, "scrypt failed (OpenSSL)");
    serve_hex(salt, sizeof salt, salt_hex);
    serve_hex(h, sizeof h, h_hex);
    snprintf(out, SERVE_PWHASH_SIZE, "scrypt$%u$%u$%u$%s$%s", PW_LOG_N, PW_R, PW_P, salt_hex,
             h_hex);
    return ST_OK;
}

bool serve_password_verify(const char *pw, const char *stored)
{
    unsigned log_n, r, p;
    char salt_hex[2 * PW_SALT + 1], h_hex[2 * PW_LEN + 1], got_hex[2 * PW_LEN + 1];
    uint8_t salt[PW_SALT], got[PW_LEN];
    if (!stored || sscanf(stored, "scrypt$%u$%u$%u$%32[0-9a-f]$%64[0-9a-f]", &log_n, &r, &p,
                          salt_hex, h_hex) != 5)
        return false;
    if (strlen(salt_hex) != 2 * PW_SALT || strlen(h_hex) != 2 * PW_LEN ||
        !serve_unhex(salt_hex, PW_SALT, salt) || !scrypt_of(pw, salt, log_n, r, p, got))
        return false;
    serve_hex(got, sizeof got, got_hex);
    return serve_const_eq(got_hex, h_hex);
}

/* ---- the secret key file ---------------------------------------------------- */

enum status serve_secret_load(const char *site_dir, uint8_t key[SERVE_KEY_BYTES], struct diag *d)
{
    enum status st = ST_OK;
    char dir[TS_LIMIT_PATH], path[TS_LIMIT_PATH], hex[2 * SERVE_KEY_BYTES + 2];
    int fd = -1;
    if (!path_join(dir, sizeof dir, site_dir, ".tearsheet") ||
        !path_join(path, sizeof path, dir, "secret")) {
        st = diag_set(d, ST_USAGE, "site folder", DIAG_NO_OFFSET, "path too long");
        goto abort;
    }
    if ((st = file_mkdirs(dir, d)) != ST_OK)
        goto abort;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        ssize_t n = read(fd, hex, sizeof hex);
        if (n < 2 * SERVE_KEY_BYTES || !serve_unhex(hex, SERVE_KEY_BYTES, key)) {
            diag_set_file(d, path);
            st = diag_set(d, ST_CONFIG, "secret", DIAG_NO_OFFSET,
                          "not 64 hex digits; delete it to make a new one");
        }
        goto abort;
    }
    if (errno != ENOENT) {
        diag_set_file(d, path);
        st = diag_set(d, ST_IO, "secret", DIAG_NO_OFFSET, "cannot read: %s", strerror(errno));
        goto abort;
    }
    /* O_EXCL: two servers starting at once do not overwrite each
     * other's key; the loser reads the winner's. */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == EEXIST)
        return serve_secret_load(site_dir, key, d);
    if (fd < 0 || !serve_random(key, SERVE_KEY_BYTES)) {
        diag_set_file(d, path);
        st = diag_set(d, ST_IO, "secret", DIAG_NO_OFFSET, "cannot create: %s", strerror(errno));
        goto abort;
    }
    serve_hex(key, SERVE_KEY_BYTES, hex);
    hex[2 * SERVE_KEY_BYTES] = '\n';
    if (write(fd, hex, 2 * SERVE_KEY_BYTES + 1) != 2 * SERVE_KEY_BYTES + 1 || fsync(fd) != 0) {
        diag_set_file(d, path);
        st = diag_set(d, ST_IO, "secret", DIAG_NO_OFFSET, "cannot write: %s", strerror(errno));
    }
abort:
    if (fd >= 0)
        close(fd);
    return st;
}
