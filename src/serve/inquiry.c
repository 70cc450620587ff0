/*
 * inquiry.c — POST /api/inquiries: the licence-inquiry API. Checks, in
 * order: the per-client rate limit (429), a cross-site POST (403), the
 * content type (415), every field against its rule, the honeypot, the
 * signed time token (too fast, expired, forged, replayed), the optional
 * proof of work, the photo id against api/photos.json; then commits the
 * inquiry (and its notification) to the store and only then answers
 * 303 (forms) or 201 (JSON). The state these checks share is lic.c's.
 *
 * Must never: answer success before the commit, echo a request value
 * into HTML without escaping it, or grow the rate table past its fixed
 * size.
 *
 * Spec: docs/inquiries.md; RFC 9110 §15 (status codes), RFC 6585 §4
 * (429, Retry-After), Fetch Metadata (Sec-Fetch-Site).
 */
/* strcasestr */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "html/html.h"
#include "serve/lic.h"

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
    if (photo && strcmp(photo, "general") != 0 && serve_lic_photo_known(l, photo))
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
    const char *ct = serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
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

enum MHD_Result serve_inquiry_route(void *ud, struct MHD_Connection *c, struct request *rq)
{
    struct serve_lic *l = ud;
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
    if (!serve_rate_take(l->inquiry_rate, client, now, &retry)) {
        char after[16];
        snprintf(after, sizeof after, "%u", retry);
        struct MHD_Response *r = serve_mhd.MHD_create_response_from_buffer(
            sizeof "Too many inquiries; try again later.\n" - 1,
            "Too many inquiries; try again later.\n", MHD_RESPMEM_PERSISTENT);
        if (r && (!serve_add_header(r, "Retry-After", after) ||
                  !serve_add_header(r, "Content-Type", "text/plain; charset=utf-8"))) {
            serve_mhd.MHD_destroy_response(r);
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
    if (q.v[SF_PHOTO_ID] && !serve_lic_photo_known(l, q.v[SF_PHOTO_ID]))
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
        if (replayed && id == 0) {
            serve_errors_add(&errs, "token",
                             "was already used; reload the form to send "
                             "another inquiry");
        } else {
            /* A replay with a stored inquiry (a retry after a timeout, a
             * double click) gets the first post's answer: stored once. */
            if (!replayed)
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
                    serve_mhd.MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
                if (r && (!serve_add_header(r, "Location", loc) ||
                          !serve_add_header(r, "Cache-Control", "no-store"))) {
                    serve_mhd.MHD_destroy_response(r);
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
