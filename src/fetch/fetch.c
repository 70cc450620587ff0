/*
 * fetch.c — one capped HTTP(S) GET with libcurl (fetch.h says what it
 * must never do). The size cap is enforced twice: libcurl refuses a
 * declared Content-Length over it, and the write callback stops a body
 * that grows past it without declaring one.
 *
 * Spec: RFC 9110 §15 (status codes), §15.4 (redirects).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base/limits.h"
#include "fetch/fetch.h"

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
    char err[CURL_ERROR_SIZE] = "";
    long code = 0;
    *out = NULL;
    *len = 0;
    buf_init(&s.b, max);
    if (!scheme_ok(url)) {
        st = diag_set(d, ST_USAGE, what, DIAG_NO_OFFSET, "only http and https URLs are fetched");
        goto abort;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(h = curl_easy_init())) {
        st = diag_set(d, ST_INTERNAL, what, DIAG_NO_OFFSET, "libcurl did not start");
        goto abort;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)TS_LIMIT_FETCH_SECONDS);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "tearsheet-verify");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    if (body_type) {
        char ct[128];
        snprintf(ct, sizeof ct, "Content-Type: %s", body_type);
        if (!(headers = curl_slist_append(NULL, ct))) {
            st = diag_set(d, ST_NOMEM, what, DIAG_NO_OFFSET, "out of memory");
            goto abort;
        }
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        /* a POST answered by a redirect is not sent again elsewhere */
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    }
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (s.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        st = diag_set(d, ST_LIMIT, what, DIAG_NO_OFFSET, "larger than %zu bytes", max);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        st = diag_set(d, ST_LIMIT, what, DIAG_NO_OFFSET, "no complete answer within %d seconds",
                      TS_LIMIT_FETCH_SECONDS);
    } else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
        st = diag_set(d, ST_USAGE, what, DIAG_NO_OFFSET,
                      "redirected to a scheme other than http or https");
    } else if (rc != CURLE_OK) {
        st = diag_set(d, ST_IO, what, DIAG_NO_OFFSET, "%s", err[0] ? err : curl_easy_strerror(rc));
    } else if (code != 200) {
        st = diag_set(d, ST_IO, what, DIAG_NO_OFFSET, "the server answered %ld", code);
    }
    if (st == ST_OK) {
        *out = (uint8_t *)buf_detach(&s.b, len);
        if (!*out)
            st = diag_set(d, ST_IO, what, DIAG_NO_OFFSET, "the answer was empty");
    }
abort:
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
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
