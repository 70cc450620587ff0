/*
 * http.c — the HTTP layer: the libmicrohttpd daemon, its limits, the
 * route table an application fills, the static-file route, the common
 * headers, the access log and the drain on SIGTERM. It knows nothing
 * about licensing; the licensing app (lic.c) adds its routes and a
 * page filter through http.h, and serve --watch (src/watch/) its
 * routes and a page script.
 *
 * Must never: open a file except relative to the site root's directory
 * descriptor, one component at a time without following symlinks;
 * answer with a file system path in any response; read a request body
 * on a route that takes none; let one client's request grow the server
 * past TS_LIMIT_HTTP_CONN_MEMORY.
 *
 * Spec: RFC 9110 (methods, status codes, conditional requests),
 * RFC 9111 §5.2 (Cache-Control), docs/serve.md (the name pattern that
 * earns immutable caching, headers, limits).
 *
 * Threads: one epoll listener with a small pool of worker threads
 * (MHD_USE_AUTO_INTERNAL_THREAD + MHD_OPTION_THREAD_POOL_SIZE). A slow
 * or idle client then costs a connection slot and its memory pool,
 * never a thread, so slow-loris style clients cannot exhaust threads;
 * static files go out with sendfile() and are never CPU-bound, and the
 * pool leaves room for the routes' durable writes (inquiries).
 *
 * libmicrohttpd is opened by the first serve_http_new and called
 * through serve_mhd (http.h says why).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "serve/http.h"

struct serve_mhd serve_mhd;

static bool bind_mhd(const struct dynlib *l, void *h, struct diag *d)
{
#define X(fn)                                                                                      \
    if (!dynlib_bind(l, h, #fn, (void **)&serve_mhd.fn, d))                                        \
        return false;
    SERVE_MHD_FUNCTIONS(X)
#undef X
    return true;
}

static struct dynlib libmhd =
    DYNLIB_INIT("libmicrohttpd.so.12", "libmicrohttpd12", "tearsheet serve", bind_mhd);

const char *serve_http_mhd_version(struct diag *d)
{
    return dynlib_load(&libmhd, "libmicrohttpd", d) ? serve_mhd.MHD_get_version() : NULL;
}

struct serve_http_route {
    const char *prefix;
    const char *allow; /* "GET, HEAD": also the Allow header */
    size_t max_body;   /* 0: takes none */
    serve_http_route_fn fn;
    void *ud;
};

struct serve_http {
    struct MHD_Daemon *daemon;
    struct serve_http_options opt;
    int root_fd;
    struct serve_http_route routes[TS_LIMIT_HTTP_ROUTES + 1]; /* the app's, then "/" */
    size_t nroutes;
    serve_http_page_fn page_fn; /* NULL: pages go out as files */
    void *page_ud;
    serve_http_script_fn page_script; /* NULL: pages go out as the filter or the file has them */
    void *script_ud;
    int quiesced_fd; /* the listening socket MHD gave back, or -1 */
    /* MHD's own messages while the daemon starts ("Failed to bind ..."),
     * kept for the diag; after start they go to the debug log. */
    atomic_bool starting;
    pthread_mutex_t start_lock;
    char start_error[256];
};

/* For a static photo site built by tearsheet: no inline script or
 * style, images and fonts from the site itself or data: placeholders.
 * JSON-LD in <script type="application/ld+json"> is data, not script,
 * so script-src does not block it. */
static const char csp[] = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                          "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                          "base-uri 'self'; object-src 'none'";

/* ---- responses ----------------------------------------------------- */

bool serve_add_header(struct MHD_Response *r, const char *name, const char *value)
{
    return serve_mhd.MHD_add_response_header(r, name, value) == MHD_YES;
}

/* Queues r with the headers every response carries and records what
 * the access log reports; takes ownership of r. */
enum MHD_Result serve_respond(struct MHD_Connection *c, struct request *rq, unsigned status,
                              struct MHD_Response *r, uint64_t body_bytes)
{
    enum MHD_Result res = MHD_NO;
    if (!r)
        goto abort;
    if (!serve_add_header(r, "X-Content-Type-Options", "nosniff") ||
        !serve_add_header(r, "Referrer-Policy", "strict-origin-when-cross-origin") ||
        !serve_add_header(r, "Content-Security-Policy", csp))
        goto abort;
    res = serve_mhd.MHD_queue_response(c, status, r);
    if (res == MHD_YES && rq) {
        bool head = strcmp(rq->method, MHD_HTTP_METHOD_HEAD) == 0;
        rq->status = status;
        rq->bytes = head || status == MHD_HTTP_NOT_MODIFIED ? 0 : body_bytes;
    }
abort:
    if (r)
        serve_mhd.MHD_destroy_response(r);
    return res;
}

static const char *status_title(unsigned status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 403:
        return "Forbidden";
    case 415:
        return "Unsupported Media Type";
    case 429:
        return "Too Many Requests";
    case 503:
        return "Service Unavailable";
    default:
        return "Server Error";
    }
}

/* A small built-in page: the status and its title, nothing from the
 * request or the file system. */
enum MHD_Result serve_respond_error(struct MHD_Connection *c, struct request *rq, unsigned status,
                                    const char *allow)
{
    char page[256];
    int n = snprintf(page, sizeof page,
                     "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">"
                     "<title>%u %s</title><h1>%s</h1></html>\n",
                     status, status_title(status), status_title(status));
    size_t len = n > 0 && (size_t)n < sizeof page ? (size_t)n : 0;
    struct MHD_Response *r =
        serve_mhd.MHD_create_response_from_buffer(len, page, MHD_RESPMEM_MUST_COPY);
    if (r && (!serve_add_header(r, "Content-Type", "text/html; charset=utf-8") ||
              !serve_add_header(r, "Cache-Control", "no-cache") ||
              (allow && !serve_add_header(r, "Allow", allow)))) {
        serve_mhd.MHD_destroy_response(r);
        r = NULL;
    }
    return serve_respond(c, rq, status, r, len);
}

enum MHD_Result serve_respond_text(struct MHD_Connection *c, struct request *rq, unsigned status,
                                   const char *type, const char *body, size_t len)
{
    struct MHD_Response *r =
        serve_mhd.MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (r && (!serve_add_header(r, "Content-Type", type) ||
              !serve_add_header(r, "Cache-Control", "no-store"))) {
        serve_mhd.MHD_destroy_response(r);
        r = NULL;
    }
    return serve_respond(c, rq, status, r, len);
}

/* Bytes outside printable ASCII as %XX so a request cannot write
 * terminal escapes or fake lines into the log. */
static void log_safe(const char *in, size_t inlen, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < inlen && o + 4 < outlen; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch > 0x20 && ch < 0x7f && ch != '"') {
            out[o++] = (char)ch;
        } else {
            out[o++] = '%';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        }
    }
    out[o] = '\0';
}

/* ---- files under the root ------------------------------------------ */

enum found { FOUND_FILE, FOUND_DIR, FOUND_NONE, FOUND_ERROR };

static bool errno_means_missing(int e)
{
    /* ELOOP: a symlink met with O_NOFOLLOW; ENOTDIR: a file used as a
     * folder; EACCES: unreadable, which to a visitor is absent too. */
    return e == ENOENT || e == ENOTDIR || e == ELOOP || e == EACCES || e == EPERM ||
           e == ENAMETOOLONG || e == ENXIO || e == EISDIR;
}

/*
 * Opens rel (from serve_map_path) below root_fd one component at a
 * time with O_NOFOLLOW, so no symlink is ever followed — not even one
 * that stays inside — and nothing a concurrent rename does can lead
 * out. "" or a trailing '/' means that folder's index.html.
 * FOUND_FILE: *out_fd is an open regular file and *st its status.
 * FOUND_DIR: rel names a folder but has no trailing '/'.
 * FOUND_ERROR: *err is the errno (EMFILE, EIO, ...), for the log.
 */
static enum found open_under_root(int root_fd, const char *rel, int *out_fd, struct stat *st,
                                  int *err)
{
    enum found res = FOUND_NONE;
    int dir = root_fd, fd = -1;
    const char *p = rel;
    char name[NAME_MAX + 1];
    bool index = false;
    *out_fd = -1;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (!slash && n == 0) {
            p = "index.html";
            n = strlen(p);
            index = true;
        }
        if (n == 0 || n > NAME_MAX)
            goto abort;
        memcpy(name, p, n);
        name[n] = '\0';
        if (slash) {
            fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                *err = errno;
                res = errno_means_missing(*err) ? FOUND_NONE : FOUND_ERROR;
                goto abort;
            }
            if (dir != root_fd)
                close(dir);
            dir = fd;
            fd = -1;
            p = slash + 1;
            continue;
        }
        /* Look before opening: opening a FIFO or a device can block or
         * have side effects. fstat after open is the check that counts. */
        struct stat pre;
        if (fstatat(dir, name, &pre, AT_SYMLINK_NOFOLLOW) != 0 ||
            !(S_ISREG(pre.st_mode) || S_ISDIR(pre.st_mode)))
            goto abort;
        fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
            *err = errno;
            res = errno_means_missing(*err) ? FOUND_NONE : FOUND_ERROR;
            goto abort;
        }
        break;
    }
    if (fstat(fd, st) != 0) {
        *err = errno;
        res = FOUND_ERROR;
        goto abort;
    }
    if (S_ISREG(st->st_mode)) {
        res = FOUND_FILE;
        *out_fd = fd;
        fd = -1;
    } else if (S_ISDIR(st->st_mode) && !index) {
        res = FOUND_DIR;
    }
abort:
    if (fd >= 0)
        close(fd);
    if (dir != root_fd)
        close(dir);
    return res;
}

/* The path of a Location header: '/' + rel + '/', with every byte
 * outside RFC 3986 pchar percent-encoded so nothing from the request
 * reaches the header raw. rel has no empty segment (serve_map_path),
 * so the result never starts with "//" and cannot leave the site. */
static enum status location_for(const char *rel, struct buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    enum status st = buf_putc(out, '/');
    for (const unsigned char *p = (const unsigned char *)rel; *p && st == ST_OK; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~!$&'()*+,;=:@/", *p)) {
            st = buf_putc(out, (char)*p);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            st = buf_append(out, esc, sizeof esc);
        }
    }
    if (st == ST_OK)
        st = buf_putc(out, '/');
    return st;
}

/* A response for an open regular file (takes fd), with validators. */
static enum MHD_Result respond_file(struct MHD_Connection *c, struct request *rq, unsigned status,
                                    int fd, const struct stat *st, const char *name, bool cacheable)
{
    char etag[64], modified[SERVE_HTTP_DATE_SIZE];
    struct MHD_Response *r = NULL;
    snprintf(etag, sizeof etag, "\"%llx-%llx.%lx\"", (unsigned long long)st->st_size,
             (unsigned long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
    serve_format_http_date(st->st_mtim.tv_sec, modified);
    const char *cache = cacheable && serve_name_is_hashed(name)
                            ? "public, max-age=31536000, immutable"
                            : "no-cache";
    bool not_modified = false;
    if (cacheable) {
        const char *inm =
            serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
        const char *ims =
            serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
        time_t since;
        /* RFC 9110 §13.1.3: If-Modified-Since only counts without
         * If-None-Match. */
        if (inm)
            not_modified = serve_etag_matches(inm, etag);
        else if (ims && serve_parse_http_date(ims, &since))
            not_modified = st->st_mtim.tv_sec <= since;
    }
    uint64_t size = (uint64_t)st->st_size;
    if (not_modified)
        status = MHD_HTTP_NOT_MODIFIED;
    /* Also for 304: MHD sends no body then, and its Content-Length is
     * the file's, as RFC 9110 §8.6 requires if one is sent at all (an
     * empty response would announce 0 and make caches store that). */
    r = serve_mhd.MHD_create_response_from_fd64(size, fd);
    if (r)
        fd = -1; /* the response closes it */
    if (r && (!serve_add_header(r, "Cache-Control", cache) || !serve_add_header(r, "ETag", etag) ||
              !serve_add_header(r, "Last-Modified", modified) ||
              (!not_modified && !serve_add_header(r, "Content-Type", serve_content_type(name))))) {
        serve_mhd.MHD_destroy_response(r);
        r = NULL;
    }
    if (fd >= 0)
        close(fd);
    return serve_respond(c, rq, status, r, size);
}

/* An open page whole into out (at most its cap). */
static bool read_page(int fd, const struct stat *st, struct buf *out)
{
    if (st->st_size < 0 || (uint64_t)st->st_size > out->max)
        return false;
    char chunk[16384];
    off_t at = 0;
    for (;;) {
        ssize_t n = pread(fd, chunk, sizeof chunk, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            return true;
        if (buf_append(out, chunk, (size_t)n) != ST_OK)
            return false;
        at += n;
    }
}

/* The page with the server's script tag before its first </head>
 * (ASCII case-insensitive), or at its end when it has none. */
static bool add_page_script(struct serve_http *s, const struct buf *page, struct buf *out)
{
    char src[256] = "";
    s->page_script(s->script_ud, src, sizeof src);
    src[sizeof src - 1] = '\0';
    if (src[strcspn(src, "\"<&")] != '\0')
        return false; /* never a tag the page could be broken by */
    size_t at = page->len;
    for (size_t i = 0; i + 7 <= page->len; i++)
        if (strncasecmp((const char *)page->data + i, "</head>", 7) == 0) {
            at = i;
            break;
        }
    return buf_append(out, page->data, at) == ST_OK &&
           buf_printf(out, "<script src=\"%s\" defer></script>\n", src) == ST_OK &&
           buf_append(out, (const char *)page->data + at, page->len - at) == ST_OK;
}

/* A page made in memory (a filter's or with the page script): never
 * the same twice, so no validators and no caching (a cached form
 * token would be replayed). */
static enum MHD_Result respond_page(struct MHD_Connection *c, struct request *rq, unsigned status,
                                    const struct buf *page)
{
    struct MHD_Response *r =
        serve_mhd.MHD_create_response_from_buffer(page->len, page->data, MHD_RESPMEM_MUST_COPY);
    if (r && (!serve_add_header(r, "Content-Type", "text/html; charset=utf-8") ||
              !serve_add_header(r, "Cache-Control", "no-store"))) {
        serve_mhd.MHD_destroy_response(r);
        r = NULL;
    }
    return serve_respond(c, rq, status, r, page->len);
}

/*
 * An HTML page through the page filter and the page script, when the
 * server has either: MHD_YES/MHD_NO as queued, or *done false when the
 * page goes out as its file (no filter wrote it and there is no
 * script to add, or the page is past TS_LIMIT_PAGE_BYTES).
 */
static enum MHD_Result respond_rewritten(struct serve_http *s, struct MHD_Connection *c,
                                         struct request *rq, unsigned status, int fd,
                                         const struct stat *st, bool *done)
{
    enum MHD_Result res = MHD_NO;
    struct buf page, out;
    buf_init(&page, TS_LIMIT_PAGE_BYTES);
    buf_init(&out, TS_LIMIT_PAGE_BYTES + 256);
    *done = false;
    bool filtered = s->page_fn && s->page_fn(s->page_ud, fd, st, &page);
    if (!filtered && !s->page_script)
        goto abort;
    if (s->page_script) {
        if (!filtered && (buf_reset(&page), !read_page(fd, st, &page)))
            goto abort;
        if (!add_page_script(s, &page, &out))
            goto abort;
    }
    *done = true;
    res = respond_page(c, rq, status, s->page_script ? &out : &page);
abort:
    buf_free(&page);
    buf_free(&out);
    return res;
}

static enum MHD_Result respond_not_found(struct serve_http *s, struct MHD_Connection *c,
                                         struct request *rq)
{
    int fd, err = 0;
    struct stat st;
    /* The site's own page when it has one; served as a 404, never
     * cached as if it were the resource. */
    if (open_under_root(s->root_fd, "404.html", &fd, &st, &err) == FOUND_FILE) {
        bool done = false;
        enum MHD_Result res = MHD_NO;
        if (s->page_script)
            res = respond_rewritten(s, c, rq, MHD_HTTP_NOT_FOUND, fd, &st, &done);
        if (done) {
            close(fd);
            return res;
        }
        return respond_file(c, rq, MHD_HTTP_NOT_FOUND, fd, &st, "404.html", false);
    }
    return serve_respond_error(c, rq, MHD_HTTP_NOT_FOUND, NULL);
}

/* Static files: GET and HEAD, no body (refused before this is
 * called), a path under the root. */
static enum MHD_Result static_route(void *ud, struct MHD_Connection *c, struct request *rq)
{
    struct serve_http *s = ud;
    const char *path = rq->target;
    size_t pathlen = rq->path_len;
    enum MHD_Result res = MHD_NO;
    char rel[TS_LIMIT_HTTP_URL + 1];
    struct buf loc;
    struct diag d;
    int fd = -1, err = 0;
    struct stat st;
    buf_init(&loc, 3 * TS_LIMIT_HTTP_URL + 3);
    diag_clear(&d);
    switch (serve_map_path(path, pathlen, rel, sizeof rel, &d)) {
    case ST_OK:
        break;
    case ST_NOT_FOUND:
        res = respond_not_found(s, c, rq);
        goto abort;
    case ST_LIMIT:
        res = serve_respond_error(c, rq, MHD_HTTP_URI_TOO_LONG, NULL);
        goto abort;
    default:
        res = serve_respond_error(c, rq, MHD_HTTP_BAD_REQUEST, NULL);
        goto abort;
    }
    switch (open_under_root(s->root_fd, rel, &fd, &st, &err)) {
    case FOUND_FILE: {
        const char *slash = strrchr(rel, '/');
        const char *name = rel[0] == '\0' || (slash && slash[1] == '\0') ? "index.html" : rel;
        if ((s->page_fn || s->page_script) && str_ends_with(name, ".html")) {
            bool done = false;
            res = respond_rewritten(s, c, rq, MHD_HTTP_OK, fd, &st, &done);
            if (done)
                break;
        }
        res = respond_file(c, rq, MHD_HTTP_OK, fd, &st, name, true);
        fd = -1;
        break;
    }
    case FOUND_DIR: {
        struct MHD_Response *r = NULL;
        if (location_for(rel, &loc) == ST_OK) {
            r = serve_mhd.MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
            if (r && (!serve_add_header(r, "Location", loc.data) ||
                      !serve_add_header(r, "Cache-Control", "no-cache"))) {
                serve_mhd.MHD_destroy_response(r);
                r = NULL;
            }
        }
        res = serve_respond(c, rq, MHD_HTTP_MOVED_PERMANENTLY, r, 0);
        break;
    }
    case FOUND_NONE:
        res = respond_not_found(s, c, rq);
        break;
    case FOUND_ERROR: {
        char shown[620], why[128];
        log_safe(rq->target, rq->path_len < 200 ? rq->path_len : 200, shown, sizeof shown);
        if (strerror_r(err, why, sizeof why) != 0)
            snprintf(why, sizeof why, "error %d", err);
        log_msg(LOG_WARN, "serve: cannot open the file for %s: %s", shown, why);
        res = serve_respond_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
        break;
    }
    }
abort:
    if (fd >= 0)
        close(fd);
    buf_free(&loc);
    return res;
}

/* ---- routing --------------------------------------------------------- */

static bool method_allowed(const char *allow, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = allow; *p;) {
        size_t t = strcspn(p, ", ");
        if (t == n && memcmp(p, method, n) == 0)
            return true;
        p += t;
        p += strspn(p, ", ");
    }
    return false;
}

static bool has_body(struct MHD_Connection *c)
{
    const char *cl = serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    const char *te = serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
    return te || (cl && strcmp(cl, "0") != 0);
}

/* A declared Content-Length past the cap: refused before any byte of
 * the body is read. (Chunked bodies are counted as they come.) */
static bool body_too_large(struct MHD_Connection *c, size_t max)
{
    const char *cl = serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (!cl)
        return false;
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    return *end || n > max;
}

/*
 * MHD calls this once when the headers are in, then (after any body)
 * again. Refusals go out on the first call: MHD then closes the
 * connection instead of reading a body nobody asked for. Answers go
 * out on a later call, so the connection can be kept alive (MHD 0.9.75
 * closes any connection whose response was queued on the first call).
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct serve_http *s = cls;
    struct request *rq = *req_cls;
    if (!rq)
        return serve_respond_error(c, NULL, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    if (rq->status != 0) {
        /* A response is queued; whatever body follows is dropped. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->route) {
        if (*upload_data_size != 0) {
            /* Pieces of a body the route takes, kept up to the cap; one
             * past it is answered 413 at once (MHD then closes). */
            if (buf_append(&rq->body, upload_data, *upload_data_size) != ST_OK) {
                *upload_data_size = 0;
                return serve_respond_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, NULL);
            }
            *upload_data_size = 0;
            return MHD_YES;
        }
        return rq->route->fn(rq->route->ud, c, rq);
    }
    snprintf(rq->method, sizeof rq->method, "%s", method);
    if (rq->target_len > TS_LIMIT_HTTP_URL)
        return serve_respond_error(c, rq, MHD_HTTP_URI_TOO_LONG, NULL);
    rq->path_len = strcspn(rq->target, "?");
    for (size_t i = 0; i < s->nroutes; i++) {
        const struct serve_http_route *r = &s->routes[i];
        size_t pn = strlen(r->prefix);
        if (rq->path_len < pn || memcmp(rq->target, r->prefix, pn) != 0)
            continue;
        if (!method_allowed(r->allow, method))
            return serve_respond_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, r->allow);
        if (!r->max_body && has_body(c))
            return serve_respond_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, NULL);
        if (r->max_body && body_too_large(c, r->max_body))
            return serve_respond_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, NULL);
        rq->route = r;
        rq->body.max = r->max_body;
        return MHD_YES;
    }
    return serve_respond_error(c, rq, MHD_HTTP_BAD_REQUEST, NULL);
}

/* Called with the request target as sent, before MHD decodes it: the
 * one copy the routes read, so "%2F" and "%00" are still visible. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct request *rq = calloc(1, sizeof *rq);
    if (!rq)
        return NULL;
    size_t n = uri ? strlen(uri) : 0;
    rq->target_len = n;
    if (n > TS_LIMIT_HTTP_URL)
        n = TS_LIMIT_HTTP_URL;
    if (n)
        memcpy(rq->target, uri, n);
    /* Capped at 0 until a route that takes a body is chosen. */
    buf_init(&rq->body, 0);
    snprintf(rq->method, sizeof rq->method, "-");
    snprintf(rq->client, sizeof rq->client, "-");
    const union MHD_ConnectionInfo *ci =
        serve_mhd.MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                               : sizeof(struct sockaddr_in);
        if (getnameinfo(ci->client_addr, len, rq->client, sizeof rq->client, NULL, 0,
                        NI_NUMERICHOST) != 0)
            snprintf(rq->client, sizeof rq->client, "-");
    }
    return rq;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct serve_http *s = cls;
    struct request *rq = *req_cls;
    *req_cls = NULL;
    if (!rq)
        return;
    if (s->opt.access_log) {
        char when[32], path[520], status[16];
        time_t now = time(NULL);
        struct tm tm;
        if (!gmtime_r(&now, &tm) || strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
            snprintf(when, sizeof when, "-");
        size_t shown = rq->target_len < 500 ? rq->target_len : 500;
        log_safe(rq->target, shown, path, sizeof path);
        /* "-": MHD answered by itself (a header too large, a malformed
         * request line) before any route saw the request. */
        if (rq->status)
            snprintf(status, sizeof status, "%u", rq->status);
        else
            snprintf(status, sizeof status, "-");
        fprintf(stderr, "%s %s %s %s%s %s %llu%s\n", when, rq->client, rq->method, path,
                shown < rq->target_len ? "..." : "", status, (unsigned long long)rq->bytes,
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    }
    if (rq->app && rq->app_free)
        rq->app_free(rq->app);
    buf_free(&rq->body);
    free(rq);
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct serve_http *s = cls;
    char line[256];
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\r\n")] = '\0';
    if (atomic_load(&s->starting)) {
        pthread_mutex_lock(&s->start_lock);
        if (s->start_error[0] == '\0')
            snprintf(s->start_error, sizeof s->start_error, "%s", line);
        pthread_mutex_unlock(&s->start_lock);
    } else {
        log_msg(LOG_DEBUG, "serve: %s", line);
    }
}

/* ---- start, stop, run ------------------------------------------------- */

static bool host_address(const char *host, unsigned port, struct sockaddr_storage *ss, bool *v6)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    /* localhost is 127.0.0.1 here: no resolver, no surprise ::1. */
    const char *literal = strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
    *v6 = false;
    if (inet_pton(AF_INET, literal, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        return true;
    }
    if (inet_pton(AF_INET6, literal, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return true;
    }
    return false;
}

enum status serve_http_new(const struct serve_http_options *opt, struct serve_http **out,
                           struct diag *d)
{
    enum status st = ST_OK;
    struct serve_http *s = NULL;
    struct sockaddr_storage addr;
    bool v6;
    *out = NULL;
    if (!dynlib_load(&libmhd, "serve", d))
        return d->status;
    if (!opt || !opt->root || !opt->host || opt->port > 65535) {
        st = diag_set(d, ST_USAGE, "serve", DIAG_NO_OFFSET, "no site folder, host or port");
        goto abort;
    }
    if (!host_address(opt->host, opt->port, &addr, &v6)) {
        st = diag_set(d, ST_USAGE, "--listen", DIAG_NO_OFFSET,
                      "'%.64s' is not an IP address or localhost", opt->host);
        goto abort;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        st = diag_set(d, ST_NOMEM, "serve", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    pthread_mutex_init(&s->start_lock, NULL);
    s->quiesced_fd = -1;
    s->root_fd = -1;
    s->opt = *opt;
    s->root_fd = open(opt->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->root_fd < 0) {
        diag_set_file(d, opt->root);
        st = diag_set(d, ST_NOT_FOUND, "site folder", DIAG_NO_OFFSET,
                      "cannot open the built site: %s", strerror(errno));
        goto abort;
    }
    *out = s;
    s = NULL;
abort:
    serve_http_free(s);
    return st;
}

enum status serve_http_route_add(struct serve_http *h, const char *prefix, const char *allow,
                                 size_t max_body, serve_http_route_fn fn, void *ud,
                                 struct diag *d)
{
    if (h->daemon || h->nroutes >= TS_LIMIT_HTTP_ROUTES || max_body > TS_LIMIT_HTTP_BODY ||
        prefix[0] != '/')
        return diag_set(d, ST_INTERNAL, "serve", DIAG_NO_OFFSET, "cannot add the route %.64s",
                        prefix);
    h->routes[h->nroutes++] = (struct serve_http_route){prefix, allow, max_body, fn, ud};
    return ST_OK;
}

void serve_http_page_filter(struct serve_http *h, serve_http_page_fn fn, void *ud)
{
    h->page_fn = fn;
    h->page_ud = ud;
}

void serve_http_page_script(struct serve_http *h, serve_http_script_fn fn, void *ud)
{
    h->page_script = fn;
    h->script_ud = ud;
}

int serve_http_root_fd(const struct serve_http *h)
{
    return h->root_fd;
}

enum status serve_http_listen(struct serve_http *s, unsigned *bound_port, struct diag *d)
{
    enum status st = ST_OK;
    struct sockaddr_storage addr;
    bool v6 = false;
    sigset_t block, old;
    host_address(s->opt.host, s->opt.port, &addr, &v6); /* checked in serve_http_new */
    /* The static route last, so an app's prefix is matched first. */
    s->routes[s->nroutes++] = (struct serve_http_route){"/", "GET, HEAD", 0, static_route, s};
    atomic_store(&s->starting, true);

    /* MHD's threads inherit this mask: SIGPIPE blocked lets MHD use
     * sendfile() (a peer that hangs up gives EPIPE, not a dead
     * process), and SIGINT/SIGTERM go to the thread that waits for them. */
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (v6)
        flags |= MHD_USE_IPv6;
    s->daemon = serve_mhd.MHD_start_daemon(
        /* The logger first: MHD reports options before it through its
         * default logger. The port only names the port in its messages:
         * MHD_OPTION_SOCK_ADDR says where to bind. */
        flags, (uint16_t)s->opt.port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)TS_LIMIT_HTTP_THREADS, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)TS_LIMIT_HTTP_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)TS_LIMIT_HTTP_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)TS_LIMIT_HTTP_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)TS_LIMIT_HTTP_CONN_MEMORY, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_SIGPIPE_HANDLED_BY_APP, (int)1,
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    atomic_store(&s->starting, false);
    if (!s->daemon) {
        pthread_mutex_lock(&s->start_lock);
        st = diag_set(d, ST_IO, "--listen", DIAG_NO_OFFSET, "cannot listen on %.64s:%u%s%s",
                      s->opt.host, s->opt.port, s->start_error[0] ? ": " : "", s->start_error);
        pthread_mutex_unlock(&s->start_lock);
        s->nroutes--;
        return st;
    }
    const union MHD_DaemonInfo *info =
        serve_mhd.MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (bound_port)
        *bound_port = info && info->port ? info->port : s->opt.port;
    return ST_OK;
}

void serve_http_free(struct serve_http *s)
{
    if (!s)
        return;
    /* MHD_stop_daemon joins the workers, so a request that is storing
     * an inquiry finishes its commit before the app closes its store. */
    if (s->daemon)
        serve_mhd.MHD_stop_daemon(s->daemon);
    if (s->quiesced_fd >= 0)
        close(s->quiesced_fd);
    if (s->root_fd >= 0)
        close(s->root_fd);
    pthread_mutex_destroy(&s->start_lock);
    free(s);
}

/* Stops accepting, then gives requests already received up to
 * TS_LIMIT_HTTP_DRAIN_MS to be answered (an inquiry being stored is
 * committed and answered, not cut off); idle keep-alive connections
 * are closed by serve_http_free after that. */
void serve_http_drain(struct serve_http *s)
{
    if (!s->daemon)
        return;
    MHD_socket listen_fd = serve_mhd.MHD_quiesce_daemon(s->daemon);
    for (int waited = 0; waited < TS_LIMIT_HTTP_DRAIN_MS; waited += 50) {
        const union MHD_DaemonInfo *info =
            serve_mhd.MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!info || info->num_connections == 0)
            break;
        usleep(50 * 1000);
    }
    if (listen_fd != MHD_INVALID_SOCKET)
        s->quiesced_fd = listen_fd;
}

void serve_http_suspend(struct MHD_Connection *c)
{
    serve_mhd.MHD_suspend_connection(c);
}

void serve_http_resume(struct MHD_Connection *c)
{
    serve_mhd.MHD_resume_connection(c);
}

/* ---- clients ---------------------------------------------------------- */

void serve_client_of(struct MHD_Connection *c, const struct request *rq, char *out, size_t outlen)
{
    const char *real = serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP");
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

bool serve_cross_site(struct MHD_Connection *c)
{
    const char *site = serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    const char *origin = serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *host = serve_mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
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
