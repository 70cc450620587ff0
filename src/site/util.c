/*
 * util.c — small helpers of the site module: slugs for file names and
 * anchors, SHA-256 keys, human dates, write-if-changed, a set of names.
 * Must never: produce a slug with anything but [a-z0-9-].
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* SHA256(): deprecated by OpenSSL 3 for EVP, which fetches the digest
 * from its provider and makes a context on every call (half of each
 * key's cost, made for every photo of every build); fingerprint.c says
 * the same of its SHA256_Update */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "site/internal.h"

void site_slugify(const char *in, char *out, size_t outlen)
{
    size_t o = 0;
    bool dash = false;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 1 < outlen; p++) {
        unsigned char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && o > 0 && o + 2 < outlen)
                out[o++] = '-';
            out[o++] = (char)c;
            dash = false;
        } else {
            dash = true;
        }
    }
    out[o] = '\0';
    if (o == 0)
        snprintf(out, outlen, "photo");
}

void site_sha256(const void *p, size_t n, uint8_t out[32])
{
    if (!SHA256(p, n, out))
        memset(out, 0, 32);
}

/* by table: 32 snprintf calls were most of the cost of a short hash */
void site_digest_hex(const uint8_t md[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

void site_sha256_hex(const void *p, size_t n, char out[65])
{
    uint8_t md[32];
    site_sha256(p, n, md);
    site_digest_hex(md, out);
}

void site_human_date(const char *iso, char *out, size_t outlen)
{
    site_human_date_in(iso, NULL, out, outlen);
}

/* Korean writes year, month and day with their counters (년 월 일),
 * biggest first; every other language is written as English is for now. */
void site_human_date_in(const char *iso, const char *lang, char *out, size_t outlen)
{
    static const char *months[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
    int y, m, d;
    out[0] = '\0';
    if (!iso)
        return;
    bool ko = lang && strncmp(lang, "ko", 2) == 0 && (lang[2] == '\0' || lang[2] == '-');
    if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
        if (ko)
            snprintf(out, outlen, "%d년 %d월 %d일", y, m, d);
        else
            snprintf(out, outlen, "%d %s %d", d, months[m - 1], y);
    } else if (sscanf(iso, "%4d-%2d", &y, &m) == 2 && m >= 1 && m <= 12) {
        if (ko)
            snprintf(out, outlen, "%d년 %d월", y, m);
        else
            snprintf(out, outlen, "%s %d", months[m - 1], y);
    } else
        snprintf(out, outlen, "%s", iso);
}

/*
 * Whether the regular file at `path` holds exactly `data`: its size
 * first, then its bytes a piece at a time against ours, so a page
 * rendered again to the same bytes costs no copy of the old one on the
 * heap (a site.yaml comment re-renders every page, and most come out
 * the same).
 */
bool site_file_same(const char *path, const void *bytes, size_t len)
{
    const uint8_t *data = bytes;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat sb;
    bool same = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size == len;
    uint8_t piece[16384];
    size_t got = 0;
    while (same && got < len) {
        size_t want = len - got < sizeof piece ? len - got : sizeof piece;
        ssize_t r = read(fd, piece, want);
        if (r < 0 && errno == EINTR)
            continue;
        same = r > 0 && memcmp(piece, data + got, (size_t)r) == 0;
        got += r > 0 ? (size_t)r : 0;
    }
    close(fd);
    return same;
}

enum status site_write_if_changed(const char *path, const void *data, size_t len, struct diag *d)
{
    if (site_file_same(path, data, len))
        return ST_OK;
    enum status st = site_mkdirs_parent(path, d);
    return st == ST_OK ? file_write_atomic(path, data, len, d) : st;
}

enum status site_mkdirs_parent(const char *path, struct diag *d)
{
    char dir[TS_LIMIT_PATH];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return ST_OK;
    *slash = '\0';
    return file_mkdirs(dir, d);
}

bool site_url_is_safe(const char *url)
{
    if (!url)
        return false;
    if (strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0 ||
        strncasecmp(url, "mailto:", 7) == 0)
        return true;
    /* relative: no scheme before the first '/', '?' or '#' */
    for (const char *p = url; *p; p++) {
        if (*p == '/' || *p == '?' || *p == '#')
            return true;
        if (*p == ':')
            return false;
        if ((unsigned char)*p < 0x20)
            return false;
    }
    return true;
}

bool site_form_url(const struct site_build *b, const struct site_photo *p, char *out, size_t outlen)
{
    const char *base = b->cfg->base_url ? b->cfg->base_url : "/";
    /* copied, not formatted: every photo without a licensor URL of its
     * own asks on every build (fill_rights) */
    const char *parts[] = {base, "license/", p->story_slug, "/", p->id, "/"};
    size_t used = 0;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        size_t n = strlen(parts[i]);
        if (n >= outlen - used)
            return false;
        memcpy(out + used, parts[i], n + 1);
        used += n;
    }
    return used > 0;
}

/*
 * Eight bytes a step (FNV-1a's byte a step was 5 % of a no-op build at
 * 10,000 photos: every table key, every warning, and the end line of
 * each .tearsheet file). Each step, xor a word, multiply by an odd
 * constant, xor-shift right, is a bijection of h for a fixed word, and
 * so is every later step: two inputs of one length that differ in one
 * word (one byte or several) always give different hashes, which is
 * what the end lines' checksum needs. The length is folded in first and
 * last, and the final mix (murmur3's fmix64) spreads every bit into the
 * low ones the tables use. Words are loaded with memcpy (no unaligned
 * access) and read little-endian, so a file's checksum is the same on
 * every machine.
 */
static uint64_t load_le64(const char *s, size_t n)
{
    uint64_t w = 0;
    memcpy(&w, s, n);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w) >> (8 * (8 - n));
#endif
    return w;
}

uint64_t site_name_hash(const char *s, size_t n)
{
    const uint64_t k = 0x9e3779b97f4a7c15u;
    uint64_t h = 0x243f6a8885a308d3u ^ n;
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        h = (h ^ load_le64(s + i, 8)) * k;
        h ^= h >> 29;
    }
    if (i < n) {
        h = (h ^ load_le64(s + i, n - i)) * k;
        h ^= h >> 29;
    }
    h ^= n;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9a61c1ea3d7u;
    h ^= h >> 33;
    return h;
}

size_t *site_slots_new(size_t n, size_t *cap)
{
    size_t c = 16;
    while (c < n * 2 + 1 && c < (SIZE_MAX / sizeof(size_t)) / 4)
        c *= 2;
    *cap = c;
    return calloc(c, sizeof(size_t));
}

void site_slots_put(size_t *slots, size_t cap, uint64_t hash, size_t index)
{
    size_t s = (size_t)hash & (cap - 1);
    while (slots[s])
        s = (s + 1) & (cap - 1);
    slots[s] = index + 1;
}

bool site_name_set_init(struct site_name_set *set, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 + 1 && cap < (SIZE_MAX / sizeof *set->slots) / 4)
        cap *= 2;
    set->slots = calloc(cap, sizeof *set->slots);
    set->cap = set->slots ? cap : 0;
    set->count = 0;
    return set->slots != NULL;
}

void site_name_set_add(struct site_name_set *set, const char *name)
{
    /* kept at most half full, so a probe always ends at an empty slot */
    if (!set->cap || (set->count + 1) * 2 > set->cap)
        return;
    size_t i = (size_t)site_name_hash(name, strlen(name)) & (set->cap - 1);
    while (set->slots[i]) {
        if (strcmp(set->slots[i], name) == 0)
            return;
        i = (i + 1) & (set->cap - 1);
    }
    set->slots[i] = name;
    set->count++;
}

bool site_name_set_has(const struct site_name_set *set, const char *name)
{
    if (!set->cap)
        return false;
    for (size_t i = (size_t)site_name_hash(name, strlen(name)) & (set->cap - 1); set->slots[i];
         i = (i + 1) & (set->cap - 1))
        if (strcmp(set->slots[i], name) == 0)
            return true;
    return false;
}

void site_name_set_free(struct site_name_set *set)
{
    free(set->slots);
    set->slots = NULL;
    set->cap = set->count = 0;
}

void site_term_slug(const char *in, char *out, size_t outlen)
{
    size_t o = 0;
    bool dash = false;
    const unsigned char *p = (const unsigned char *)in;
    size_t n = strlen(in);
    for (size_t i = 0; i < n && o + 1 < outlen;) {
        unsigned char c = p[i];
        if (c >= 0x80) {
            /* a letter of another script (Hangul, Cyrillic...): kept as
             * UTF-8, whole sequences only, so the slug stays readable */
            size_t len = (c & 0xE0) == 0xC0   ? 2
                         : (c & 0xF0) == 0xE0 ? 3
                         : (c & 0xF8) == 0xF0 ? 4
                                              : 0;
            if (!len || i + len > n || !utf8_valid(p + i, len)) {
                i++; /* not UTF-8: a separator */
                dash = true;
                continue;
            }
            if (o + len + (dash && o ? 1 : 0) + 1 > outlen)
                break;
            if (dash && o)
                out[o++] = '-';
            memcpy(out + o, p + i, len);
            o += len;
            i += len;
            dash = false;
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && o && o + 2 < outlen)
                out[o++] = '-';
            out[o++] = (char)c;
            dash = false;
        } else {
            dash = true;
        }
        i++;
    }
    out[o] = '\0';
    if (o == 0 && outlen > 16) {
        /* nothing readable (only punctuation): a stable name from its bytes */
        char hex[65];
        site_sha256_hex(in, n, hex);
        snprintf(out, outlen, "t-%.10s", hex);
    }
}
