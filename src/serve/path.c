/*
 * path.c — the pure parts of the server: --listen parsing, request
 * path → file path under the site root, content types, the hashed-name
 * rule for caching, HTTP dates and If-None-Match matching.
 *
 * Must never: touch the file system or the network; turn one request
 * path into another silently (no collapsing of "//", "." or ".."): a
 * path that is not plainly a name in the site is refused.
 *
 * Spec: RFC 3986 §2.1 (percent-encoding), RFC 9110 §8.8.3 (entity
 * tags), §5.6.7 (HTTP-date), §13.1.2 (If-None-Match); docs/serve.md.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "serve/serve.h"

/* ---- --listen ----------------------------------------------------- */

/* A port: 1 to 5 decimal digits, at most 65535, nothing else. */
static bool parse_port(const char *s, unsigned *port)
{
    size_t n = strlen(s);
    if (n == 0 || n > 5)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > 65535)
        return false;
    *port = v;
    return true;
}

enum status serve_parse_listen(const char *s, char *host, size_t hostlen, unsigned *port,
                               struct diag *d)
{
    enum status st = ST_OK;
    const char *h = NULL, *p = NULL;
    size_t hn = 0;
    char tmp[64];
    if (!s || !*s || !host || hostlen == 0 || !port) {
        st = diag_set(d, ST_USAGE, "--listen", DIAG_NO_OFFSET, "expected HOST:PORT");
        goto abort;
    }
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') {
            st = diag_set(d, ST_USAGE, "--listen", DIAG_NO_OFFSET,
                          "'%.64s': expected [IPv6]:PORT, e.g. [::1]:8080", s);
            goto abort;
        }
        h = s + 1;
        hn = (size_t)(close - h);
        p = close + 2;
    } else {
        const char *colon = strrchr(s, ':');
        if (!colon) {
            st = diag_set(d, ST_USAGE, "--listen", DIAG_NO_OFFSET,
                          "'%.64s': expected HOST:PORT, e.g. 127.0.0.1:8080", s);
            goto abort;
        }
        if (memchr(s, ':', (size_t)(colon - s))) {
            st = diag_set(d, ST_USAGE, "--listen", DIAG_NO_OFFSET,
                          "'%.64s': an IPv6 address needs brackets, e.g. [::1]:8080", s);
            goto abort;
        }
        h = s;
        hn = (size_t)(colon - s);
        p = colon + 1;
        if (hn == 0) {
            /* ":PORT" stays on this machine: listening on every interface
             * must be asked for ("0.0.0.0:PORT", "[::]:PORT"). */
            h = "127.0.0.1";
            hn = strlen(h);
        }
    }
    if (!parse_port(p, port)) {
        st = diag_set(d, ST_USAGE, "--listen", DIAG_NO_OFFSET,
                      "'%.64s': the port must be a number from 0 to 65535", s);
        goto abort;
    }
    if (hn == 0 || hn >= sizeof tmp) {
        st = diag_set(d, ST_USAGE, "--listen", DIAG_NO_OFFSET, "'%.64s': no usable host", s);
        goto abort;
    }
    memcpy(tmp, h, hn);
    tmp[hn] = '\0';
    unsigned char addr[16];
    bool v6 = s[0] == '[';
    if (!(v6 ? inet_pton(AF_INET6, tmp, addr) == 1
             : (strcmp(tmp, "localhost") == 0 || inet_pton(AF_INET, tmp, addr) == 1))) {
        st = diag_set(d, ST_USAGE, "--listen", DIAG_NO_OFFSET,
                      "'%.64s': the host must be an IP address (127.0.0.1, [::1]) or localhost", s);
        goto abort;
    }
    if (hn >= hostlen) {
        st = diag_set(d, ST_LIMIT, "--listen", DIAG_NO_OFFSET, "host does not fit");
        goto abort;
    }
    memcpy(host, tmp, hn + 1);
abort:
    return st;
}

/* ---- request path → relative file path ---------------------------- */

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Checks one decoded segment (seg, n bytes) once its end is seen. */
static enum status check_segment(const char *seg, size_t n, bool last, struct diag *d)
{
    if (n == 0 && !last)
        return diag_set(d, ST_MALFORMED, "path", DIAG_NO_OFFSET, "empty path segment");
    if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
        return diag_set(d, ST_MALFORMED, "path", DIAG_NO_OFFSET, "dot segment");
    /* Hidden names (.git, .DS_Store, .htpasswd) are never part of a
     * built site; .well-known is the one public dot-folder (RFC 8615). */
    if (n > 0 && seg[0] == '.' && !(n == 11 && memcmp(seg, ".well-known", 11) == 0))
        return diag_set(d, ST_NOT_FOUND, "path", DIAG_NO_OFFSET, "hidden name");
    return ST_OK;
}

enum status serve_map_path(const char *raw, size_t rawlen, char *rel, size_t rellen, struct diag *d)
{
    enum status st = ST_OK;
    struct cursor c;
    size_t n = 0, seg = 0;
    uint8_t ch;
    if (rellen > 0)
        rel[0] = '\0';
    if (rawlen > TS_LIMIT_HTTP_URL) {
        st = diag_set(d, ST_LIMIT, "path", DIAG_NO_OFFSET, "longer than %d bytes",
                      TS_LIMIT_HTTP_URL);
        goto abort;
    }
    if (rellen <= rawlen) {
        st = diag_set(d, ST_INTERNAL, "path", DIAG_NO_OFFSET, "output buffer too small");
        goto abort;
    }
    cursor_init(&c, span_make((const uint8_t *)raw, rawlen));
    if (!cursor_u8(&c, &ch) || ch != '/') {
        st = diag_set(d, ST_MALFORMED, "path", 0, "does not start with '/'");
        goto abort;
    }
    while (cursor_u8(&c, &ch)) {
        size_t at = c.pos - 1;
        if (ch == '/') {
            st = check_segment(rel + seg, n - seg, false, d);
            if (st != ST_OK)
                goto abort;
            rel[n++] = '/';
            seg = n;
            continue;
        }
        if (ch == '%') {
            uint8_t h1, h2;
            if (!cursor_u8(&c, &h1) || !cursor_u8(&c, &h2) || hex_value(h1) < 0 ||
                hex_value(h2) < 0) {
                st = diag_set(d, ST_MALFORMED, "path", at, "bad percent-escape");
                goto abort;
            }
            ch = (uint8_t)(hex_value(h1) * 16 + hex_value(h2));
            /* An encoded '/' would make one segment look like two to
             * whoever decodes again; nothing we publish needs it. */
            if (ch == '/') {
                st = diag_set(d, ST_MALFORMED, "path", at, "encoded '/'");
                goto abort;
            }
        } else if (ch == ' ') {
            st = diag_set(d, ST_MALFORMED, "path", at, "unencoded space");
            goto abort;
        }
        if (ch < 0x20 || ch == 0x7f) {
            st = diag_set(d, ST_MALFORMED, "path", at, "NUL or control byte");
            goto abort;
        }
        if (ch == '\\') {
            st = diag_set(d, ST_MALFORMED, "path", at, "backslash");
            goto abort;
        }
        rel[n++] = (char)ch;
    }
    st = check_segment(rel + seg, n - seg, true, d);
    if (st != ST_OK)
        goto abort;
    if (!utf8_valid((const uint8_t *)rel, n)) {
        st = diag_set(d, ST_MALFORMED, "path", DIAG_NO_OFFSET, "not UTF-8");
        goto abort;
    }
    rel[n] = '\0';
abort:
    if (st != ST_OK && rellen > 0)
        rel[0] = '\0';
    return st;
}

/* ---- names -------------------------------------------------------- */

static const char *extension(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? dot + 1 : "";
}

static bool ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        if (x != *b)
            return false;
    }
    return *a == *b;
}

const char *serve_content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"json", "application/json"},
        {"jsonld", "application/ld+json"},
        {"webmanifest", "application/manifest+json"},
        {"xml", "application/xml"},
        {"atom", "application/atom+xml"},
        {"rss", "application/rss+xml"},
        {"txt", "text/plain; charset=utf-8"},
        {"svg", "image/svg+xml"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"png", "image/png"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"avif", "image/avif"},
        {"ico", "image/x-icon"},
        {"woff2", "font/woff2"},
        {"woff", "font/woff"},
        {"pdf", "application/pdf"},
        {"c2pa", "application/c2pa"},
    };
    const char *ext = name ? extension(name) : "";
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (ascii_ieq(ext, types[i].ext))
            return types[i].type;
    return "application/octet-stream";
}

static bool is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

enum { HASH_HEX = 10 };

bool serve_name_is_hashed(const char *name)
{
    if (!name)
        return false;
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *ext = strrchr(base, '.');
    if (!ext || ext == base || ext[1] == '\0')
        return false;
    /* Optional "-<width>" just before the extension. */
    const char *end = ext;
    const char *p = end;
    while (p > base && p[-1] >= '0' && p[-1] <= '9')
        p--;
    if (p < end && p > base && p[-1] == '-' && end - p <= 5)
        end = p - 1;
    /* ".<10 hex>" before that, with a non-empty name in front. */
    if (end - base < HASH_HEX + 2)
        return false;
    const char *h = end - HASH_HEX;
    if (h[-1] != '.' || h - 1 == base)
        return false;
    for (int i = 0; i < HASH_HEX; i++)
        if (!is_lower_hex(h[i]))
            return false;
    return true;
}

/* ---- HTTP dates and entity tags ------------------------------------ */

static bool two_digits(const char *s, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

bool serve_parse_http_date(const char *s, time_t *out)
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    /* "Sun, 06 Nov 1994 08:49:37 GMT": fixed length, fixed positions. */
    if (!s || strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || memcmp(s + 25, " GMT", 4) != 0)
        return false;
    bool day_ok = false;
    for (int i = 0; i < 7; i++)
        day_ok = day_ok || memcmp(s, days + 3 * i, 3) == 0;
    int mon = -1;
    for (int i = 0; i < 12; i++)
        if (memcmp(s + 8, months + 3 * i, 3) == 0)
            mon = i;
    int mday, hi, lo, hh, mm, ss;
    if (!day_ok || mon < 0 || !two_digits(s + 5, &mday) || !two_digits(s + 12, &hi) ||
        !two_digits(s + 14, &lo) || !two_digits(s + 17, &hh) || !two_digits(s + 20, &mm) ||
        !two_digits(s + 23, &ss))
        return false;
    if (mday < 1 || mday > 31 || hh > 23 || mm > 59 || ss > 60)
        return false;
    struct tm tm = {0};
    tm.tm_year = hi * 100 + lo - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = mday;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return false;
    *out = t;
    return true;
}

bool serve_etag_matches(const char *if_none_match, const char *etag)
{
    if (!if_none_match || !etag)
        return false;
    size_t elen = strlen(etag);
    struct cursor c;
    cursor_init(&c, span_make((const uint8_t *)if_none_match, strlen(if_none_match)));
    for (;;) {
        uint8_t ch;
        size_t start;
        struct span tag;
        do {
            if (!cursor_u8(&c, &ch))
                return false;
        } while (ch == ' ' || ch == '\t' || ch == ',');
        if (ch == '*')
            return true;
        if (ch == 'W') {
            /* A weak tag matches by weak comparison: same opaque part. */
            if (!cursor_u8(&c, &ch) || ch != '/' || !cursor_u8(&c, &ch))
                return false;
        }
        if (ch != '"')
            return false;
        start = c.pos - 1;
        do {
            if (!cursor_u8(&c, &ch))
                return false;
        } while (ch != '"');
        if (!span_sub(c.in, start, c.pos - start, &tag))
            return false;
        if (tag.len == elen && memcmp(tag.ptr, etag, elen) == 0)
            return true;
    }
}

void serve_format_http_date(time_t t, char out[SERVE_HTTP_DATE_SIZE])
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct tm tm;
    /* Our own names, not strftime's: %a and %b follow the locale. */
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
        memcpy(out, "Thu, 01 Jan 1970 00:00:00 GMT", SERVE_HTTP_DATE_SIZE);
        return;
    }
    /* The fields are in range (gmtime), so this is exactly 29 bytes; the
     * larger buffer only keeps the compiler's worst case honest. */
    char tmp[80];
    snprintf(tmp, sizeof tmp, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT", days + 3 * tm.tm_wday,
             tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
    memcpy(out, tmp, SERVE_HTTP_DATE_SIZE - 1);
    out[SERVE_HTTP_DATE_SIZE - 1] = '\0';
}
