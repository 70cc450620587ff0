/*
 * owner.c — the owner's pages under /owner/: log in with the password
 * set by `tearsheet passwd` (scrypt), then list inquiries, read one,
 * change its status, log out. A session is a random id in a cookie
 * (HttpOnly; Secure; SameSite=Strict), stored hashed with its CSRF
 * token; every state change (status, logout) must carry that token,
 * and every POST must come from this site (Origin / Sec-Fetch-Site).
 *
 * Must never: show an inquiry without a valid session, write a stored
 * value into a page without escaping it, change anything on GET, or
 * compare a password or token except in constant time.
 *
 * Spec: docs/inquiries.md "The owner's page"; RFC 6265bis (cookies,
 * SameSite), OWASP CSRF synchronizer token pattern.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "html/html.h"
#include "serve/lic.h"

#define COOKIE "ts_session"

static void esc(struct buf *b, const char *s)
{
    if (s)
        html_escape_text(b, s, strlen(s));
}

static void page_start(struct buf *b, const char *title)
{
    buf_puts(b, "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width\">"
                "<meta name=\"robots\" content=\"noindex\"><title>");
    esc(b, title);
    buf_puts(b, "</title>\n<h1>");
    esc(b, title);
    buf_puts(b, "</h1>\n");
}

static enum MHD_Result send_page(struct MHD_Connection *c, struct request *rq, unsigned status,
                                 struct buf *b, const char *cookie)
{
    buf_puts(b, "</html>\n");
    struct MHD_Response *r = serve_mhd.MHD_create_response_from_buffer(
        b->len, b->data ? b->data : (char *)"", MHD_RESPMEM_MUST_COPY);
    if (r && (!serve_add_header(r, "Content-Type", "text/html; charset=utf-8") ||
              !serve_add_header(r, "Cache-Control", "no-store") ||
              (cookie && !serve_add_header(r, "Set-Cookie", cookie)))) {
        serve_mhd.MHD_destroy_response(r);
        r = NULL;
    }
    size_t len = b->len;
    buf_free(b);
    return serve_respond(c, rq, status, r, len);
}

static enum MHD_Result redirect(struct MHD_Connection *c, struct request *rq, const char *to,
                                const char *cookie)
{
    struct MHD_Response *r =
        serve_mhd.MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (r && (!serve_add_header(r, "Location", to) ||
              !serve_add_header(r, "Cache-Control", "no-store") ||
              (cookie && !serve_add_header(r, "Set-Cookie", cookie)))) {
        serve_mhd.MHD_destroy_response(r);
        r = NULL;
    }
    return serve_respond(c, rq, MHD_HTTP_SEE_OTHER, r, 0);
}

/* base: the way back to /owner/ from this page ("", "../"). */
static enum MHD_Result login_page(struct MHD_Connection *c, struct request *rq, unsigned status,
                                  const char *base, const char *problem)
{
    struct buf b;
    buf_init(&b, 16 << 10);
    page_start(&b, "Licensing inquiries — log in");
    if (problem) {
        buf_puts(&b, "<p role=\"alert\"><strong>");
        esc(&b, problem);
        buf_puts(&b, "</strong></p>\n");
    }
    buf_printf(&b,
               "<form method=\"post\" action=\"%slogin\">\n"
               "<label>Password <input type=\"password\" name=\"password\" required "
               "autocomplete=\"current-password\"></label>\n"
               "<button>Log in</button>\n</form>\n",
               base);
    return send_page(c, rq, status, &b, NULL);
}

static bool session_of(struct serve_lic *l, struct MHD_Connection *c, char id[SERVE_SESSION_HEX],
                       char csrf[SERVE_SESSION_HEX])
{
    const char *v = serve_mhd.MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
    bool found = false;
    struct diag d;
    diag_clear(&d);
    if (!v || strlen(v) != 64 || strspn(v, "0123456789abcdef") != 64)
        return false;
    snprintf(id, SERVE_SESSION_HEX, "%s", v);
    if (serve_store_session_find(l->store, id, time(NULL), csrf, &found, &d) != ST_OK)
        log_diag(LOG_WARN, &d);
    return found;
}

/* ---- pages ---------------------------------------------------------------------------- */

struct list_ctx {
    struct buf *b;
};

static enum status list_row(void *ud, const struct serve_row *r)
{
    struct buf *b = ((struct list_ctx *)ud)->b;
    buf_printf(b, "<tr><td><a href=\"inquiry/%lld\">%lld</a></td><td>", (long long)r->id,
               (long long)r->id);
    esc(b, r->created);
    buf_puts(b, "</td><td>");
    esc(b, r->status);
    const int cols[] = {SF_PHOTO_ID, SF_NAME, SF_ORGANISATION, SF_EMAIL, SF_USAGE, SF_MEDIA};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        buf_puts(b, "</td><td>");
        esc(b, r->q.v[cols[i]]);
    }
    return buf_puts(b, "</td></tr>\n");
}

static void logout_form(struct buf *b, const char *base, const char *csrf)
{
    buf_printf(b,
               "<form method=\"post\" action=\"%slogout\"><input type=\"hidden\" "
               "name=\"csrf\" value=\"%s\"><button>Log out</button></form>\n",
               base, csrf);
}

static enum MHD_Result list_page(struct serve_lic *l, struct MHD_Connection *c, struct request *rq,
                                 const char *csrf)
{
    struct buf b;
    struct diag d;
    struct list_ctx ctx = {&b};
    diag_clear(&d);
    buf_init(&b, TS_LIMIT_PAGE_BYTES);
    page_start(&b, "Licensing inquiries");
    logout_form(&b, "", csrf);
    buf_puts(&b, "<table>\n<tr><th>#</th><th>received</th><th>status</th><th>photo</th>"
                 "<th>name</th><th>organisation</th><th>e-mail</th><th>usage</th>"
                 "<th>media</th></tr>\n");
    if (serve_store_each(l->store, list_row, &ctx, &d) != ST_OK) {
        log_diag(LOG_ERROR, &d);
        buf_free(&b);
        return serve_respond_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    }
    buf_puts(&b, "</table>\n");
    return send_page(c, rq, MHD_HTTP_OK, &b, NULL);
}

static enum MHD_Result inquiry_page(struct serve_lic *l, struct MHD_Connection *c,
                                    struct request *rq, int64_t id, const char *csrf)
{
    struct buf b;
    struct diag d;
    struct serve_row row;
    diag_clear(&d);
    enum status st = serve_store_get(l->store, id, &row, &d);
    if (st == ST_NOT_FOUND)
        return serve_respond_error(c, rq, MHD_HTTP_NOT_FOUND, NULL);
    if (st != ST_OK) {
        log_diag(LOG_ERROR, &d);
        return serve_respond_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    }
    char title[64];
    snprintf(title, sizeof title, "Inquiry %lld", (long long)id);
    buf_init(&b, 1 << 20);
    page_start(&b, title);
    buf_puts(&b, "<p><a href=\"../\">All inquiries</a></p>\n<dl>\n<dt>received</dt><dd>");
    esc(&b, row.created);
    buf_puts(&b, "</dd>\n<dt>status</dt><dd>");
    esc(&b, row.status);
    buf_puts(&b, "</dd>\n");
    for (int f = 0; f < SF_WEBSITE; f++) {
        buf_puts(&b, "<dt>");
        esc(&b, serve_fields[f].name);
        buf_puts(&b, f == SF_DESCRIPTION ? "</dt><dd><pre>" : "</dt><dd>");
        esc(&b, row.q.v[f]);
        buf_puts(&b, f == SF_DESCRIPTION ? "</pre></dd>\n" : "</dd>\n");
    }
    buf_printf(&b,
               "</dl>\n<form method=\"post\" action=\"%lld\">\n<input type=\"hidden\" "
               "name=\"csrf\" value=\"%s\">\n<label>Status <select name=\"status\">",
               (long long)id, csrf);
    static const char *const statuses[] = {"new", "quoted", "licensed", "declined"};
    for (size_t i = 0; i < 4; i++)
        buf_printf(&b, "<option%s>%s</option>",
                   strcmp(row.status, statuses[i]) == 0 ? " selected" : "", statuses[i]);
    buf_puts(&b, "</select></label>\n<button>Save</button>\n</form>\n");
    logout_form(&b, "../", csrf);
    serve_row_clear(&row);
    return send_page(c, rq, MHD_HTTP_OK, &b, NULL);
}

/* ---- actions --------------------------------------------------------------------------- */

/* A login waiting for its password check (the request's `app`). */
struct login_wait {
    struct serve_pwcheck_job job;
    bool refused; /* the check queue was full */
};

static void login_wait_free(void *app)
{
    struct login_wait *w = app;
    OPENSSL_cleanse(w, sizeof *w);
    free(w);
}

static void login_resume(void *ud)
{
    serve_http_resume(ud);
}

static enum MHD_Result too_many(struct MHD_Connection *c, struct request *rq, unsigned status,
                                unsigned retry, const char *problem)
{
    char after[16];
    struct buf b;
    snprintf(after, sizeof after, "%u", retry);
    buf_init(&b, 16 << 10);
    page_start(&b, "Licensing inquiries — log in");
    buf_puts(&b, "<p role=\"alert\"><strong>");
    esc(&b, problem);
    buf_puts(&b, "</strong></p>\n</html>\n");
    struct MHD_Response *r = serve_mhd.MHD_create_response_from_buffer(
        b.len, b.data ? b.data : (char *)"", MHD_RESPMEM_MUST_COPY);
    if (r && (!serve_add_header(r, "Content-Type", "text/html; charset=utf-8") ||
              !serve_add_header(r, "Cache-Control", "no-store") ||
              !serve_add_header(r, "Retry-After", after))) {
        serve_mhd.MHD_destroy_response(r);
        r = NULL;
    }
    size_t len = b.len;
    buf_free(&b);
    return serve_respond(c, rq, status, r, len);
}

/*
 * First call: the limits (per network, then the budget of all logins),
 * then the password goes to the check worker and the connection is
 * suspended — no request thread runs or waits for scrypt. Called again
 * once the worker resumed it: the answer.
 */
static enum MHD_Result login(struct serve_lic *l, struct MHD_Connection *c, struct request *rq)
{
    char client[INET6_ADDRSTRLEN], id[65], csrf[65], cookie[256];
    unsigned retry = 0;
    struct login_wait *w = rq->app;
    struct diag d;
    diag_clear(&d);
    serve_client_of(c, rq, client, sizeof client);
    if (w) {
        if (w->refused)
            return too_many(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, TS_LIMIT_LOGIN_RETRY_S,
                            "The server is busy checking other logins; try again in a moment.");
        if (!w->job.ok) {
            log_msg(LOG_WARN, "serve: wrong owner password from %s", client);
            return login_page(c, rq, MHD_HTTP_FORBIDDEN, "", "Wrong password.");
        }
        /* A new id at every login: a session id planted before it (a
         * fixation) ends here. */
        const char *old = serve_mhd.MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
        if (old && strlen(old) == 64 && strspn(old, "0123456789abcdef") == 64 &&
            serve_store_session_end(l->store, old, &d) != ST_OK)
            log_diag(LOG_WARN, &d);
        if (serve_store_session_new(l->store, time(NULL), id, csrf, &d) != ST_OK) {
            log_diag(LOG_ERROR, &d);
            return serve_respond_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
        }
        /* Path=/ because a site may live under a prefix we do not know.
         * Secure always: browsers keep Secure cookies from
         * http://localhost, and anywhere else the site is behind https
         * (docs/nginx.md), so no proxy header has to be believed. */
        snprintf(cookie, sizeof cookie,
                 COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; Secure; SameSite=Strict", id,
                 SERVE_SESSION_TTL_S);
        return redirect(c, rq, "./", cookie);
    }
    time_t now = time(NULL);
    if (!serve_rate_take(l->login_rate, client, now, &retry))
        return too_many(c, rq, MHD_HTTP_TOO_MANY_REQUESTS, retry, "Too many tries; wait a while.");
    if (!serve_rate_take(l->login_budget, NULL, now, &retry)) {
        log_msg(LOG_WARN, "serve: owner login budget spent (last from %s)", client);
        return too_many(c, rq, MHD_HTTP_TOO_MANY_REQUESTS, retry,
                        "Too many logins to this site right now; wait a while.");
    }
    if (!(w = calloc(1, sizeof *w)))
        return serve_respond_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    rq->app = w;
    rq->app_free = login_wait_free;
    if (serve_store_get_password(l->store, w->job.stored, sizeof w->job.stored, &d) != ST_OK) {
        log_diag(LOG_ERROR, &d);
        return serve_respond_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    }
    if (!w->job.stored[0])
        return login_page(c, rq, MHD_HTTP_FORBIDDEN, "",
                          "No password is set: run `tearsheet passwd` in the site folder.");
    if (!serve_form_value((const uint8_t *)(rq->body.data ? rq->body.data : ""), rq->body.len,
                          "password", w->job.password, sizeof w->job.password)) {
        log_msg(LOG_WARN, "serve: wrong owner password from %s", client);
        return login_page(c, rq, MHD_HTTP_FORBIDDEN, "", "Wrong password.");
    }
    w->job.done_fn = login_resume;
    w->job.ud = c;
    /* Suspended before the job is queued, so the worker can never
     * resume a connection that is not yet suspended. */
    serve_http_suspend(c);
    if (!serve_pwcheck_submit(l->pwcheck, &w->job)) {
        w->refused = true;
        serve_http_resume(c);
    }
    return MHD_YES;
}

/* The CSRF token of the form must be the session's. */
static bool csrf_ok(const struct request *rq, const char *csrf)
{
    char got[SERVE_SESSION_HEX];
    return serve_form_value((const uint8_t *)(rq->body.data ? rq->body.data : ""), rq->body.len,
                            "csrf", got, sizeof got) &&
           serve_const_eq(got, csrf);
}

static bool parse_id(const char *s, size_t n, int64_t *id)
{
    long long v = 0;
    if (n == 0 || n > 15)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *id = v;
    return v > 0;
}

enum MHD_Result serve_owner_route(void *ud, struct MHD_Connection *c, struct request *rq)
{
    struct serve_lic *l = ud;
    const char *sub = rq->target + strlen("/owner/");
    size_t n = rq->path_len - strlen("/owner/");
    bool post = strcmp(rq->method, MHD_HTTP_METHOD_POST) == 0;
    char id[SERVE_SESSION_HEX], csrf[SERVE_SESSION_HEX];
    int64_t inquiry = 0;
    bool is_inquiry =
        n > 8 && memcmp(sub, "inquiry/", 8) == 0 && parse_id(sub + 8, n - 8, &inquiry);
    bool is_login = n == 5 && memcmp(sub, "login", 5) == 0;
    bool is_logout = n == 6 && memcmp(sub, "logout", 6) == 0;
    const char *base = is_inquiry ? "../" : "";
    if (n != 0 && !is_inquiry && !is_login && !is_logout)
        return serve_respond_error(c, rq, MHD_HTTP_NOT_FOUND, NULL);
    if (!post && rq->body.len)
        return serve_respond_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, NULL);
    if (post && serve_cross_site(c))
        return serve_respond_error(c, rq, MHD_HTTP_FORBIDDEN, NULL);
    if (is_login)
        return post ? login(l, c, rq) : redirect(c, rq, "./", NULL);
    bool in = session_of(l, c, id, csrf);
    if (!in)
        return post ? login_page(c, rq, MHD_HTTP_FORBIDDEN, base, "Please log in.")
                    : login_page(c, rq, MHD_HTTP_OK, base, NULL);
    if (!post)
        return is_inquiry ? inquiry_page(l, c, rq, inquiry, csrf) : list_page(l, c, rq, csrf);
    if (!csrf_ok(rq, csrf))
        return serve_respond_error(c, rq, MHD_HTTP_FORBIDDEN, NULL);
    struct diag d;
    diag_clear(&d);
    if (is_logout) {
        if (serve_store_session_end(l->store, id, &d) != ST_OK)
            log_diag(LOG_WARN, &d);
        return redirect(c, rq, "./",
                        COOKIE "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
    }
    if (!is_inquiry)
        return serve_respond_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "GET, HEAD");
    char status[16], back[32];
    if (!serve_form_value((const uint8_t *)rq->body.data, rq->body.len, "status", status,
                          sizeof status) ||
        !serve_status_valid(status))
        return serve_respond_error(c, rq, MHD_HTTP_BAD_REQUEST, NULL);
    enum status st = serve_store_mark(l->store, inquiry, status, &d);
    if (st == ST_NOT_FOUND)
        return serve_respond_error(c, rq, MHD_HTTP_NOT_FOUND, NULL);
    if (st != ST_OK) {
        log_diag(LOG_ERROR, &d);
        return serve_respond_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    }
    snprintf(back, sizeof back, "%lld", (long long)inquiry);
    return redirect(c, rq, back, NULL);
}
