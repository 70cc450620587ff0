/*
 * fetch.c — one capped HTTP(S) GET with libcurl (fetch.h says what it
 * must never do). The size cap is enforced twice: libcurl refuses a
 * declared Content-Length over it, and the write callback stops a body
 * that grows past it without declaring one.
 *
 * libcurl is opened (dynlib.c) by the first fetch, not linked: it and
 * the ~25 libraries it pulls in would otherwise be mapped at the start
 * of every command, `tearsheet build` included (docs/performance.md
 * "Start-up"). Its functions are called through `curl`, a table typed
 * from curl/curl.h's declarations.
 *
 * Spec: RFC 9110 §15 (status codes), §15.4 (redirects).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base/limits.h"
#include "fetch/fetch.h"

#define CURL_SONAME "libcurl.so.4"

/* The libcurl functions fetch.c calls, each of its curl/curl.h type
 * (members lose the curl_ prefix: curl.h makes curl_easy_setopt and
 * curl_easy_getinfo macros). */
#define CURL_FUNCTIONS(X)                                                                          \
    X(global_init, curl_global_init)                                                               \
    X(easy_init, curl_easy_init)                                                                   \
    X(easy_setopt, curl_easy_setopt)                                                               \
    X(easy_perform, curl_easy_perform)                                                             \
    X(easy_getinfo, curl_easy_getinfo)                                                             \
    X(easy_strerror, curl_easy_strerror)                                                           \
    X(easy_cleanup, curl_easy_cleanup)                                                             \
    X(slist_append, curl_slist_append)                                                             \
    X(slist_free_all, curl_slist_free_all)                                                         \
    X(version_info, curl_version_info)

static struct {
#define X(member, fn) __typeof__(fn) *member;
    CURL_FUNCTIONS(X)
#undef X
} curl;

/* Binds `curl` and starts libcurl, once for the process, before any
 * thread's first transfer. */
static bool bind_curl(const struct dynlib *l, void *h, struct diag *d)
{
#define X(member, fn)                                                                              \
    if (!dynlib_bind(l, h, #fn, (void **)&curl.member, d))                                         \
        return false;
    CURL_FUNCTIONS(X)
#undef X
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        diag_set(d, ST_INTERNAL, l->soname, DIAG_NO_OFFSET, "libcurl did not start");
        return false;
    }
    return true;
}

static struct dynlib libcurl =
    DYNLIB_INIT(CURL_SONAME, "libcurl4",
                "fetching over HTTP (verify --fetch, a time-stamp authority)", bind_curl);

const char *fetch_libcurl_version(struct diag *d)
{
    return dynlib_load(&libcurl, "libcurl", d) ? curl.version_info(CURLVERSION_NOW)->version : NULL;
}

struct sink {
    struct buf b;
    bool too_big;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;
    size_t len = size * n; /* libcurl: size is always 1 */
    if (buf_append(&s->b, p, len) != ST_OK) {
        s->too_big = true;
        return 0; /* stops the transfer: CURLE_WRITE_ERROR */
    }
    return len;
}

static bool scheme_ok(const char *url)
{
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/* One transfer: a GET, or a POST of `body` when body_type is set. */
static enum status transfer(const char *what, const char *url, const char *body_type,
                            const uint8_t *body, size_t body_len, size_t max, uint8_t **out,
                            size_t *len, struct diag *d)
{
    enum status st = ST_OK;
    struct curl_slist *headers = NULL;
    struct sink s = {.too_big = false};
    CURL *h = NULL;
    bool have_curl = false; /* every function of `curl` bound */
    char err[CURL_ERROR_SIZE] = "";
    long code = 0;
    *out = NULL;
    *len = 0;
    buf_init(&s.b, max);
    if (!scheme_ok(url)) {
        st = diag_set(d, ST_USAGE, what, DIAG_NO_OFFSET, "only http and https URLs are fetched");
        goto abort;
    }
    if (!(have_curl = dynlib_load(&libcurl, what, d))) {
        st = d->status;
        goto abort;
    }
    if (!(h = curl.easy_init())) {
        st = diag_set(d, ST_INTERNAL, what, DIAG_NO_OFFSET, "libcurl did not start");
        goto abort;
    }
    curl.easy_setopt(h, CURLOPT_URL, url);
    /* libcurl is found at run time: one older than 7.85 would ignore
     * these, and follow a redirect to file: */
    if (curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
        curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK) {
        st = diag_set(d, ST_UNSUPPORTED, what, DIAG_NO_OFFSET,
                      "%s is older than 7.85 and cannot be limited to http and https", CURL_SONAME);
        goto abort;
    }
    curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl.easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
    curl.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl.easy_setopt(h, CURLOPT_TIMEOUT, (long)TS_LIMIT_FETCH_SECONDS);
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    curl.easy_setopt(h, CURLOPT_USERAGENT, "tearsheet-verify");
    curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl.easy_setopt(h, CURLOPT_WRITEDATA, &s);
    if (body_type) {
        char ct[128];
        snprintf(ct, sizeof ct, "Content-Type: %s", body_type);
        if (!(headers = curl.slist_append(NULL, ct))) {
            st = diag_set(d, ST_NOMEM, what, DIAG_NO_OFFSET, "out of memory");
            goto abort;
        }
        curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl.easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)body);
        curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        /* a POST answered by a redirect is not sent again elsewhere */
        curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    }
    CURLcode rc = curl.easy_perform(h);
    curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (s.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        st = diag_set(d, ST_LIMIT, what, DIAG_NO_OFFSET, "larger than %zu bytes", max);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        st = diag_set(d, ST_LIMIT, what, DIAG_NO_OFFSET, "no complete answer within %d seconds",
                      TS_LIMIT_FETCH_SECONDS);
    } else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
        st = diag_set(d, ST_USAGE, what, DIAG_NO_OFFSET,
                      "redirected to a scheme other than http or https");
    } else if (rc != CURLE_OK) {
        st = diag_set(d, ST_IO, what, DIAG_NO_OFFSET, "%s", err[0] ? err : curl.easy_strerror(rc));
    } else if (code != 200) {
        st = diag_set(d, ST_IO, what, DIAG_NO_OFFSET, "the server answered %ld", code);
    }
    if (st == ST_OK) {
        *out = (uint8_t *)buf_detach(&s.b, len);
        if (!*out)
            st = diag_set(d, ST_IO, what, DIAG_NO_OFFSET, "the answer was empty");
    }
abort:
    if (have_curl) { /* else nothing of libcurl's to free */
        curl.slist_free_all(headers);
        curl.easy_cleanup(h);
    }
    buf_free(&s.b);
    return st;
}

enum status fetch_url(const char *url, size_t max, uint8_t **out, size_t *len, struct diag *d)
{
    return transfer("remote manifest", url, NULL, NULL, 0, max, out, len, d);
}

enum status fetch_post(const char *what, const char *url, const char *type, const uint8_t *body,
                       size_t body_len, size_t max, uint8_t **out, size_t *len, struct diag *d)
{
    return transfer(what, url, type, body, body_len, max, out, len, d);
}
