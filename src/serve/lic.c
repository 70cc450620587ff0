/*
 * lic.c — the licensing application's state: the token key, the
 * inquiry store, the photo ids of the built site, the rate limits, the
 * password-check worker, the notification worker, and the fresh form token written
 * into every form page the HTTP layer serves (its page filter).
 *
 * Must never: grow the rate table past its fixed size, or hand out a
 * page with a token that a cache could keep.
 *
 * Spec: docs/inquiries.md.
 */
/* memmem */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "serve/lic.h"

/* ---- the photo ids of api/photos.json ------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool serve_lic_photo_known(const struct serve_lic *l, const char *id)
{
    if (strcmp(id, "general") == 0)
        return true;
    return l->nphotos && bsearch(&id, l->photo_ids, l->nphotos, sizeof *l->photo_ids, cmp_str);
}

/* Reads api/photos.json below the served root (no symlinks). A site
 * without it takes only "general" inquiries, and says so. */
static enum status load_photos(struct serve_lic *l, int root_fd, struct diag *d)
{
    enum status st = ST_OK;
    int dir = -1, fd = -1;
    struct buf text;
    json_t *doc = NULL;
    char chunk[65536];
    buf_init(&text, TS_LIMIT_TEXT_BYTES);
    dir = openat(root_fd, "api", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir >= 0)
        fd = openat(dir, "photos.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        log_msg(LOG_WARN, "serve: no api/photos.json in the built site: only general "
                          "licensing inquiries are accepted");
        goto abort;
    }
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        if (buf_append(&text, chunk, (size_t)n) != ST_OK) {
            st = diag_set(d, ST_LIMIT, "api/photos.json", DIAG_NO_OFFSET, "larger than %zu bytes",
                          (size_t)TS_LIMIT_TEXT_BYTES);
            goto abort;
        }
    }
    json_error_t jerr;
    doc = json_loadb(text.data ? text.data : "", text.len, 0, &jerr);
    json_t *photos = doc ? json_object_get(doc, "photos") : NULL;
    if (!json_is_array(photos)) {
        st = diag_set(d, ST_CONFIG, "api/photos.json", DIAG_NO_OFFSET,
                      "not {\"photos\": [...]}: %s", doc ? "no photos array" : jerr.text);
        goto abort;
    }
    size_t count = json_array_size(photos);
    if (count > TS_LIMIT_PHOTO_IDS) {
        st = diag_set(d, ST_LIMIT, "api/photos.json", DIAG_NO_OFFSET, "more than %d photos",
                      TS_LIMIT_PHOTO_IDS);
        goto abort;
    }
    l->photo_ids = calloc(count ? count : 1, sizeof *l->photo_ids);
    if (!l->photo_ids) {
        st = diag_set(d, ST_NOMEM, "api/photos.json", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    for (size_t i = 0; i < count; i++) {
        const char *id = json_string_value(json_object_get(json_array_get(photos, i), "id"));
        if (id && (l->photo_ids[l->nphotos] = str_dup(id)))
            l->nphotos++;
    }
    qsort(l->photo_ids, l->nphotos, sizeof *l->photo_ids, cmp_str);
abort:
    json_decref(doc);
    buf_free(&text);
    if (fd >= 0)
        close(fd);
    if (dir >= 0)
        close(dir);
    return st;
}

/* ---- start and stop ---------------------------------------------------------------- */

enum status serve_lic_start(const struct serve_options *opt, int root_fd, struct serve_lic **out,
                            struct diag *d)
{
    enum status st = ST_OK;
    struct serve_lic *l = calloc(1, sizeof *l);
    *out = NULL;
    if (!l)
        return diag_set(d, ST_NOMEM, "serve", DIAG_NO_OFFSET, "out of memory");
    /* site.yaml's proof_of_work: was checked by the story parser. */
    l->pow_bits = opt->pow_bits;
    if ((st = serve_rate_new(opt->rate_burst ? opt->rate_burst : TS_LIMIT_INQUIRY_BURST,
                             opt->rate_refill_s ? opt->rate_refill_s : TS_LIMIT_INQUIRY_REFILL_S,
                             TS_LIMIT_RATE_CLIENTS, &l->inquiry_rate, d)) != ST_OK ||
        (st = serve_rate_new(TS_LIMIT_LOGIN_BURST, TS_LIMIT_LOGIN_REFILL_S, TS_LIMIT_RATE_CLIENTS,
                             &l->login_rate, d)) != ST_OK ||
        (st = serve_rate_new(opt->login_budget ? opt->login_budget : TS_LIMIT_LOGIN_BUDGET,
                             TS_LIMIT_LOGIN_BUDGET_REFILL_S, 1, &l->login_budget, d)) != ST_OK ||
        (st = serve_pwcheck_start(TS_LIMIT_LOGIN_QUEUE, &l->pwcheck, d)) != ST_OK)
        goto abort;
    const struct serve_store_options where = {.site_dir = opt->site_dir,
                                              .uri = opt->store,
                                              .password_file = opt->store_password_file};
    if ((st = serve_store_open(&where, &l->store, d)) != ST_OK ||
        (st = serve_store_secret(l->store, l->key, d)) != ST_OK ||
        (st = load_photos(l, root_fd, d)) != ST_OK)
        goto abort;
    /* On PostgreSQL every server counts the same buckets. */
    serve_rate_share(l->inquiry_rate, l->store, "inquiry");
    serve_rate_share(l->login_rate, l->store, "login");
    serve_rate_share(l->login_budget, l->store, "login_budget");
    if (opt->notify && opt->notify[0] &&
        (st = serve_notify_start(l->store, opt->notify,
                                 opt->notify_retry_s ? opt->notify_retry_s : 30, &l->notify, d)) !=
            ST_OK)
        goto abort;
    *out = l;
    l = NULL;
abort:
    serve_lic_stop(l);
    return st;
}

void serve_lic_stop(struct serve_lic *l)
{
    if (!l)
        return;
    serve_lic_quiesce(l);
    serve_notify_stop(l->notify);
    serve_store_close(l->store);
    for (size_t i = 0; i < l->nphotos; i++)
        free(l->photo_ids[i]);
    free(l->photo_ids);
    serve_rate_free(l->inquiry_rate);
    serve_rate_free(l->login_rate);
    serve_rate_free(l->login_budget);
    OPENSSL_cleanse(l->key, sizeof l->key);
    free(l);
}

enum MHD_Result serve_lic_health_route(void *ud, struct MHD_Connection *c, struct request *rq)
{
    struct serve_lic *l = ud;
    struct diag d;
    diag_clear(&d);
    if (rq->path_len != strlen("/health"))
        return serve_respond_error(c, rq, MHD_HTTP_NOT_FOUND, NULL);
    if (serve_store_ping(l->store, &d) != ST_OK) {
        log_diag(LOG_WARN, &d);
        return serve_respond_text(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                                  "store unavailable\n", strlen("store unavailable\n"));
    }
    return serve_respond_text(c, rq, MHD_HTTP_OK, "text/plain; charset=utf-8", "ok\n", 3);
}

void serve_lic_quiesce(struct serve_lic *l)
{
    if (!l)
        return;
    serve_pwcheck_stop(l->pwcheck);
    l->pwcheck = NULL;
}

/* ---- tokens in pages ----------------------------------------------------------------- */

static const char token_marker[] = "value=\"\" data-tearsheet-token";

static void fresh_token(struct serve_lic *l, char out[SERVE_TOKEN_SIZE])
{
    uint8_t nonce[SERVE_NONCE_BYTES];
    if (!serve_random(nonce, sizeof nonce))
        memset(nonce, 0, sizeof nonce); /* then only the time differs: still refused twice */
    serve_token_make(l->key, time(NULL), nonce, out);
}

bool serve_lic_fill_token(void *ud, int fd, const struct stat *st, struct buf *out)
{
    struct serve_lic *l = ud;
    bool filled = false;
    char *page = NULL;
    size_t size = (size_t)st->st_size, got = 0;
    if (st->st_size <= 0 || size > TS_LIMIT_PAGE_BYTES)
        goto abort;
    page = malloc(size);
    if (!page)
        goto abort;
    while (got < size) {
        ssize_t n = pread(fd, page + got, size - got, (off_t)got);
        if (n <= 0)
            goto abort;
        got += (size_t)n;
    }
    struct span rest = span_make((const uint8_t *)page, size);
    const size_t mlen = sizeof token_marker - 1;
    for (;;) {
        const uint8_t *hit = memmem(rest.ptr, rest.len, token_marker, mlen);
        if (!hit)
            break;
        char token[SERVE_TOKEN_SIZE];
        fresh_token(l, token);
        size_t before = (size_t)(hit - rest.ptr);
        if (buf_append(out, rest.ptr, before) != ST_OK ||
            buf_printf(out, "value=\"%s\" data-tearsheet-token", token) != ST_OK)
            goto abort;
        rest.ptr += before + mlen;
        rest.len -= before + mlen;
        filled = true;
    }
    if (filled && buf_append(out, rest.ptr, rest.len) != ST_OK)
        filled = false;
abort:
    free(page);
    return filled;
}

