/*
 * inquiry.c — POST /api/inquiries: the licence-inquiry API. Checks, in
 * order: the per-client rate limit (429), a cross-site POST (403), the
 * content type (415), every field against its rule, the honeypot, the
 * signed time token (too fast, expired, forged, replayed), the optional
 * proof of work, the photo id against api/photos.json; then commits the
 * inquiry (and its notification) to SQLite and only then answers 303
 * (forms) or 201 (JSON). Also the licensing state these checks share,
 * and the fresh token written into every form page served.
 *
 * Must never: answer success before the commit, echo a request value
 * into HTML without escaping it, or grow the rate table past its fixed
 * size.
 *
 * Spec: docs/inquiries.md; RFC 9110 §15 (status codes), RFC 6585 §4
 * (429, Retry-After), Fetch Metadata (Sec-Fetch-Site).
 */
/* memmem, strcasestr */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "html/html.h"
#include "serve/serve_internal.h"

/* ---- the photo ids of api/photos.json ------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool photo_known(const struct serve_lic *l, const char *id)
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

/* The proof of work asked of each POST: serve_options.pow_bits when
 * set, else site.yaml's `proof_of_work:` (0 to 24 leading zero bits of
 * SHA-256; the form pages carry the script that finds the answer). */
static enum status site_pow_bits(const struct serve_options *opt, struct serve_lic *l,
                                 struct diag *d)
{
    char text[16];
    enum status st;
    if (opt->pow_bits)
        return ST_OK;
    if ((st = serve_site_scalar(opt->site_dir, "proof_of_work", text, sizeof text, d)) != ST_OK)
        return st;
    if (!text[0])
        return ST_OK;
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || end == text || v < 0 || v > 24) {
        char path[TS_LIMIT_PATH];
        if (path_join(path, sizeof path, opt->site_dir, "site.yaml"))
            diag_set_file(d, path);
        return diag_set(d, ST_CONFIG, "proof_of_work", DIAG_NO_OFFSET,
                        "must be a number of bits from 0 (off) to 24, not '%s'", text);
    }
    l->pow_bits = (unsigned)v;
    return ST_OK;
}

enum status serve_lic_start(const struct serve_options *opt, int root_fd, struct serve_lic **out,
                            struct diag *d)
{
    enum status st = ST_OK;
    char command[4096];
    struct serve_lic *l = calloc(1, sizeof *l);
    *out = NULL;
    if (!l)
        return diag_set(d, ST_NOMEM, "serve", DIAG_NO_OFFSET, "out of memory");
    pthread_mutex_init(&l->rate_lock, NULL);
    l->rate_burst = opt->rate_burst ? opt->rate_burst : TS_LIMIT_INQUIRY_BURST;
    l->rate_refill_s = opt->rate_refill_s ? opt->rate_refill_s : TS_LIMIT_INQUIRY_REFILL_S;
    l->pow_bits = opt->pow_bits > 24 ? 24 : opt->pow_bits;
    l->rate = calloc(TS_LIMIT_RATE_CLIENTS, sizeof *l->rate);
    if (!l->rate) {
        st = diag_set(d, ST_NOMEM, "serve", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    if ((st = serve_secret_load(opt->site_dir, l->key, d)) != ST_OK ||
        (st = serve_store_open(opt->site_dir, &l->store, d)) != ST_OK ||
        (st = load_photos(l, root_fd, d)) != ST_OK ||
        (st = serve_site_scalar(opt->site_dir, "notify", command, sizeof command, d)) != ST_OK ||
        (st = site_pow_bits(opt, l, d)) != ST_OK)
        goto abort;
    if (command[0] &&
        (st = serve_notify_start(l->store, command, opt->notify_retry_s ? opt->notify_retry_s : 30,
                                 &l->notify, d)) != ST_OK)
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
    serve_notify_stop(l->notify);
    serve_store_close(l->store);
    for (size_t i = 0; i < l->nphotos; i++)
        free(l->photo_ids[i]);
    free(l->photo_ids);
    free(l->rate);
    pthread_mutex_destroy(&l->rate_lock);
    OPENSSL_cleanse(l->key, sizeof l->key);
    free(l);
}

/* ---- clients and the rate limit ---------------------------------------------------- */

void serve_client_of(struct MHD_Connection *c, const struct request *rq, char *out, size_t outlen)
{
    const char *real = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP");
    unsigned char addr[sizeof(struct in6_addr)];
    /* Behind a proxy on this machine every peer is the proxy: count
     * the address it names. From anywhere else the header is ignored
     * (anyone could send it). */
    bool loopback = strcmp(rq->client, "127.0.0.1") == 0 || strcmp(rq->client, "::1") == 0;
    if (loopback && real &&
        (inet_pton(AF_INET, real, addr) == 1 || inet_pton(AF_INET6, real, addr) == 1))
        snprintf(out, outlen, "%s", real);
    else
        snprintf(out, outlen, "%s", rq->client);
}

/* A token bucket per client: `burst` requests at once, one more every
 * refill_s seconds. The table is fixed; a new client takes the slot
 * of the one seen longest ago. */
bool serve_rate_take(struct serve_lic *l, const char *client, time_t now, unsigned *retry_after)
{
    bool ok = false;
    struct serve_rate_entry *e = NULL, *oldest = &l->rate[0];
    pthread_mutex_lock(&l->rate_lock);
    for (size_t i = 0; i < TS_LIMIT_RATE_CLIENTS; i++) {
        struct serve_rate_entry *r = &l->rate[i];
        if (r->client[0] && strcmp(r->client, client) == 0) {
            e = r;
            break;
        }
        if (r->last < oldest->last || (!r->client[0] && oldest->client[0]))
            oldest = r;
    }
    if (!e) {
        e = oldest;
        snprintf(e->client, sizeof e->client, "%s", client);
        e->tokens = l->rate_burst;
        e->last = now;
    }
    double elapsed = now > e->last ? (double)(now - e->last) : 0;
    e->tokens += elapsed / l->rate_refill_s;
    if (e->tokens > l->rate_burst)
        e->tokens = l->rate_burst;
    e->last = now;
    if (e->tokens >= 1) {
        e->tokens -= 1;
        ok = true;
    } else {
        *retry_after = (unsigned)((1 - e->tokens) * l->rate_refill_s) + 1;
    }
    pthread_mutex_unlock(&l->rate_lock);
    return ok;
}

bool serve_cross_site(struct MHD_Connection *c)
{
    const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (site && strcasecmp(site, "cross-site") == 0)
        return true;
    if (!origin)
        return false; /* not a browser, or an old one: the token still counts */
    const char *authority = strstr(origin, "://");
    /* "null" (a sandboxed frame, a file: page) is never our page. */
    if (!authority || !host)
        return true;
    return strcasecmp(authority + 3, host) != 0;
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

bool serve_lic_fill_token(struct serve_lic *l, int fd, const struct stat *st, struct buf *out)
{
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

/* ---- answers ----------------------------------------------------------------------------- */

static enum MHD_Result answer_json_errors(struct MHD_Connection *c, struct request *rq,
                                          const struct serve_errors *e)
{
    json_t *errors = json_object(), *doc = json_object();
    for (unsigned i = 0; i < e->n; i++)
        json_object_set_new(errors, e->e[i].field, json_string(e->e[i].message));
    json_object_set_new(doc, "errors", errors);
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (!text)
        return serve_respond_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    enum MHD_Result res = serve_respond_text(c, rq, MHD_HTTP_UNPROCESSABLE_CONTENT,
                                             "application/json", text, strlen(text));
    free(text);
    return res;
}

/* A small page listing each problem and a link back to the form. */
static enum MHD_Result answer_form_errors(struct serve_lic *l, struct MHD_Connection *c,
                                          struct request *rq, const struct serve_errors *e,
                                          const struct serve_inquiry *q)
{
    struct buf page;
    enum MHD_Result res;
    char back[512];
    buf_init(&page, 64 << 10);
    const char *photo = q->v[SF_PHOTO_ID];
    /* Relative to /api/inquiries, so a site under a path prefix works. */
    if (photo && strcmp(photo, "general") != 0 && photo_known(l, photo))
        snprintf(back, sizeof back, "../license/%s/", photo);
    else
        snprintf(back, sizeof back, "../licensing/");
    buf_puts(&page, "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width\">"
                    "<title>Please check your inquiry</title>\n"
                    "<h1>Please check your inquiry</h1>\n<ul>\n");
    for (unsigned i = 0; i < e->n; i++) {
        buf_puts(&page, "<li><strong>");
        html_escape_text(&page, e->e[i].field, strlen(e->e[i].field));
        buf_puts(&page, "</strong> ");
        html_escape_text(&page, e->e[i].message, strlen(e->e[i].message));
        buf_puts(&page, "</li>\n");
    }
    buf_puts(&page, "</ul>\n<p><a href=\"");
    html_escape_url(&page, back, strlen(back));
    buf_puts(&page, "\">Back to the form</a> (your browser's Back button keeps what you "
                    "typed).</p>\n</html>\n");
    res = serve_respond_text(c, rq, MHD_HTTP_UNPROCESSABLE_CONTENT, "text/html; charset=utf-8",
                             page.data ? page.data : "", page.len);
    buf_free(&page);
    return res;
}

/* Content-Type → body kind; false for anything else (415). A charset
 * other than UTF-8 is refused too: we store what we were sent. */
static bool body_kind_of(struct MHD_Connection *c, enum serve_body_kind *kind)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (!ct)
        return false;
    size_t n = strcspn(ct, "; \t");
    if (n == 33 && strncasecmp(ct, "application/x-www-form-urlencoded", n) == 0)
        *kind = SERVE_BODY_FORM;
    else if (n == 16 && strncasecmp(ct, "application/json", n) == 0)
        *kind = SERVE_BODY_JSON;
    else
        return false;
    const char *cs = strcasestr(ct + n, "charset=");
    if (cs) {
        cs += 8;
        if (*cs == '"')
            cs++;
        if (strncasecmp(cs, "utf-8", 5) != 0)
            return false;
    }
    return true;
}

static const char *token_problem(enum serve_token_verdict v)
{
    switch (v) {
    case SERVE_TOKEN_TOO_FAST:
        return "was sent too quickly after the form was loaded; wait a few seconds and send "
               "it again";
    case SERVE_TOKEN_EXPIRED:
        return "has expired (the form was loaded more than two hours ago); reload the form";
    default:
        return "is not valid; reload the form";
    }
}

enum MHD_Result serve_inquiry_route(struct serve_lic *l, struct MHD_Connection *c,
                                    struct request *rq)
{
    enum MHD_Result res = MHD_NO;
    struct serve_inquiry q;
    struct serve_errors errs;
    enum serve_body_kind kind = SERVE_BODY_FORM;
    char client[INET6_ADDRSTRLEN], nonce[33] = "";
    unsigned retry = 0;
    time_t now = time(NULL);
    struct diag d;
    memset(&q, 0, sizeof q);
    diag_clear(&d);
    if (rq->path_len != strlen("/api/inquiries")) {
        res = serve_respond_error(c, rq, MHD_HTTP_NOT_FOUND, NULL);
        goto abort;
    }
    serve_client_of(c, rq, client, sizeof client);
    if (!serve_rate_take(l, client, now, &retry)) {
        char after[16];
        snprintf(after, sizeof after, "%u", retry);
        struct MHD_Response *r = MHD_create_response_from_buffer(
            sizeof "Too many inquiries; try again later.\n" - 1,
            "Too many inquiries; try again later.\n", MHD_RESPMEM_PERSISTENT);
        if (r && (!serve_add_header(r, "Retry-After", after) ||
                  !serve_add_header(r, "Content-Type", "text/plain; charset=utf-8"))) {
            MHD_destroy_response(r);
            r = NULL;
        }
        res = serve_respond(c, rq, MHD_HTTP_TOO_MANY_REQUESTS, r,
                            sizeof "Too many inquiries; try again later.\n" - 1);
        goto abort;
    }
    if (serve_cross_site(c)) {
        res = serve_respond_error(c, rq, MHD_HTTP_FORBIDDEN, NULL);
        goto abort;
    }
    if (!body_kind_of(c, &kind)) {
        res = serve_respond_error(c, rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, NULL);
        goto abort;
    }
    serve_inquiry_parse(kind, (const uint8_t *)(rq->body.data ? rq->body.data : ""), rq->body.len,
                        &q, &errs);
    if (q.v[SF_TOKEN]) {
        enum serve_token_verdict v =
            serve_token_check(l->key, q.v[SF_TOKEN], strlen(q.v[SF_TOKEN]), now, nonce);
        if (v != SERVE_TOKEN_OK)
            serve_errors_add(&errs, "token", "%s", token_problem(v));
        else if (l->pow_bits && !serve_pow_check(q.v[SF_TOKEN], q.v[SF_POW], l->pow_bits))
            serve_errors_add(&errs, "pow", "is missing or wrong (the form computes it in the browser: turn on JavaScript and send again)");
    }
    if (q.v[SF_PHOTO_ID] && !photo_known(l, q.v[SF_PHOTO_ID]))
        serve_errors_add(&errs, "photo_id", "is not a photo of this site");
    if (errs.n == 0) {
        int64_t id = 0;
        bool replayed = false;
        if (serve_store_add(l->store, &q, nonce, now, l->notify != NULL, &id, &replayed, &d) !=
            ST_OK) {
            log_diag(LOG_ERROR, &d);
            res = serve_respond_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
            goto abort;
        }
        if (replayed) {
            serve_errors_add(&errs, "token",
                             "was already used; reload the form to send "
                             "another inquiry");
        } else {
            serve_notify_wake(l->notify);
            if (kind == SERVE_BODY_JSON) {
                char text[64];
                int n =
                    snprintf(text, sizeof text, "{\"id\":%lld,\"status\":\"new\"}", (long long)id);
                res = serve_respond_text(c, rq, MHD_HTTP_CREATED, "application/json", text,
                                         (size_t)n);
            } else {
                char loc[64];
                snprintf(loc, sizeof loc, "../licensing/thanks/?id=%lld", (long long)id);
                struct MHD_Response *r =
                    MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
                if (r && (!serve_add_header(r, "Location", loc) ||
                          !serve_add_header(r, "Cache-Control", "no-store"))) {
                    MHD_destroy_response(r);
                    r = NULL;
                }
                res = serve_respond(c, rq, MHD_HTTP_SEE_OTHER, r, 0);
            }
            goto abort;
        }
    }
    res = kind == SERVE_BODY_JSON ? answer_json_errors(c, rq, &errs)
                                  : answer_form_errors(l, c, rq, &errs, &q);
abort:
    serve_inquiry_clear(&q);
    return res;
}
