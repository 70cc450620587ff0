/*
 * test_http_static.c — real HTTP/1.1 requests over loopback sockets to
 * a server started with serve_start on an ephemeral port: content
 * types, HEAD, index and redirects, caching and 304s, 404 pages, every
 * traversal trick we know, methods, oversize URLs and headers.
 *
 * Must never: pass if any response carries the secret file placed
 * beside (outside) the site root, or /etc/passwd; write outside its
 * own temporary folder; wait forever (every socket has a timeout).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "select.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "serve/http.h"
#include "serve/serve.h"

/* ---- fixture: a temporary site and a secret beside it --------------- */

static char base_dir[256], site_dir[300], bare_dir[300];
static char secret[64];
static struct serve *server, *bare_server;
static unsigned port, bare_port;

static const struct typed_file {
    const char *name, *type;
} typed_files[] = {
    {"index.html", "text/html; charset=utf-8"},
    {"a.css", "text/css; charset=utf-8"},
    {"a.js", "text/javascript; charset=utf-8"},
    {"a.json", "application/json"},
    {"a.xml", "application/xml"},
    {"a.txt", "text/plain; charset=utf-8"},
    {"a.svg", "image/svg+xml"},
    {"a.jpg", "image/jpeg"},
    {"A.JPEG", "image/jpeg"},
    {"a.png", "image/png"},
    {"a.gif", "image/gif"},
    {"a.webp", "image/webp"},
    {"a.avif", "image/avif"},
    {"a.ico", "image/x-icon"},
    {"a.woff2", "font/woff2"},
    {"a.pdf", "application/pdf"},
    {"a.c2pa", "application/c2pa"},
    {"a.unknown", "application/octet-stream"},
    {"kim-01.3fa9c2d1e0-960.webp", "image/webp"},
    {"style.3fa9c2d1e0.css", "text/css; charset=utf-8"},
};

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* Content that names the file, so a wrong file is noticed. */
static void content_for(const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "content of %s\n", name);
}

static int make_site(void **state)
{
    snprintf(base_dir, sizeof base_dir, "/tmp/ts-http-XXXXXX");
    if (!mkdtemp(base_dir))
        return -1;
    snprintf(site_dir, sizeof site_dir, "%s/site", base_dir);
    snprintf(bare_dir, sizeof bare_dir, "%s/bare", base_dir);
    snprintf(secret, sizeof secret, "TS-SECRET-%ld-%ld", (long)getpid(), (long)time(NULL));
    if (mkdir(site_dir, 0755) || mkdir(bare_dir, 0755))
        return -1;
    char path[700], text[256];
    write_file(base_dir, "outside-secret.txt", secret);
    for (size_t i = 0; i < sizeof typed_files / sizeof typed_files[0]; i++) {
        content_for(typed_files[i].name, text, sizeof text);
        write_file(site_dir, typed_files[i].name, text);
    }
    snprintf(path, sizeof path, "%s/story", site_dir);
    mkdir(path, 0755);
    write_file(path, "index.html", "STORY-PAGE");
    write_file(site_dir, "404.html", "CUSTOM-404-PAGE");
    write_file(bare_dir, "index.html", "BARE-HOME");
    snprintf(path, sizeof path, "%s/.git", site_dir);
    mkdir(path, 0755);
    write_file(path, "config", secret);
    snprintf(path, sizeof path, "%s/.well-known", site_dir);
    mkdir(path, 0755);
    write_file(path, "security.txt", "WELL-KNOWN");
    snprintf(path, sizeof path, "%s/passwd", site_dir);
    if (symlink("/etc/passwd", path))
        return -1;
    snprintf(path, sizeof path, "%s/secret-link.txt", site_dir);
    if (symlink("../outside-secret.txt", path))
        return -1;
    snprintf(path, sizeof path, "%s/outdir", site_dir);
    if (symlink("..", path))
        return -1;
    snprintf(path, sizeof path, "%s/pipe", site_dir);
    if (mkfifo(path, 0644))
        return -1;

    struct diag d;
    diag_clear(&d);
    struct serve_options opt = {
        .root = site_dir, .host = "127.0.0.1", .port = 0, .access_log = false};
    if (serve_start(&opt, &server, &port, &d) != ST_OK || port == 0)
        return -1;
    struct serve_options bare = {
        .root = bare_dir, .host = "localhost", .port = 0, .access_log = false};
    if (serve_start(&bare, &bare_server, &bare_port, &d) != ST_OK)
        return -1;
    return 0;
}

static int remove_site(void **state)
{
    serve_stop(server);
    serve_stop(bare_server);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- a tiny HTTP/1.1 client ------------------------------------------- */

struct response {
    int status; /* 0: no status line came back */
    char *raw;  /* everything read, NUL-terminated */
    size_t rawlen;
    char *body; /* inside raw */
    size_t bodylen;
};

static void response_free(struct response *r)
{
    free(r->raw);
    memset(r, 0, sizeof *r);
}

static int connect_to(const char *host, unsigned p)
{
    struct sockaddr_in a4 = {0};
    struct sockaddr_in6 a6 = {0};
    struct sockaddr *sa;
    socklen_t len;
    int fd;
    if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)p);
        sa = (struct sockaddr *)&a4;
        len = sizeof a4;
    } else {
        assert_int_equal(inet_pton(AF_INET6, host, &a6.sin6_addr), 1);
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)p);
        sa = (struct sockaddr *)&a6;
        len = sizeof a6;
    }
    fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    assert_int_equal(connect(fd, sa, len), 0);
    return fd;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

/* What no response may ever contain. */
static void assert_no_secret(const struct response *r)
{
    assert_false(contains(r->raw, r->rawlen, secret));
    assert_false(contains(r->raw, r->rawlen, "root:x:0:0"));
    if (r->status >= 400)
        assert_false(contains(r->raw, r->rawlen, base_dir));
}

static void parse_response(struct response *r)
{
    char *end = r->raw ? strstr(r->raw, "\r\n\r\n") : NULL;
    r->status = 0;
    if (r->raw && strncmp(r->raw, "HTTP/1.1 ", 9) == 0 && r->rawlen >= 12)
        r->status = atoi(r->raw + 9);
    if (end) {
        r->body = end + 4;
        r->bodylen = r->rawlen - (size_t)(r->body - r->raw);
    }
}

/* Sends req (a whole request), reads until the server closes. Sending
 * stops early when the server hangs up: what it answered still counts. */
static void exchange_at(const char *host, unsigned p, const void *req, size_t reqlen,
                        struct response *r)
{
    int fd = connect_to(host, p);
    size_t sent = 0;
    memset(r, 0, sizeof *r);
    while (sent < reqlen) {
        size_t chunk = reqlen - sent < 65536 ? reqlen - sent : 65536;
        ssize_t n = send(fd, (const char *)req + sent, chunk, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    /* Grown as needed, so a small answer costs the test little memory
     * (the 1 MB header test measures the process's size). */
    size_t cap = 16384, max = (size_t)4 << 20;
    r->raw = malloc(cap + 1);
    assert_non_null(r->raw);
    for (;;) {
        if (r->rawlen == cap) {
            if (cap == max)
                break;
            cap *= 2;
            r->raw = realloc(r->raw, cap + 1);
            assert_non_null(r->raw);
        }
        ssize_t n = recv(fd, r->raw + r->rawlen, cap - r->rawlen, 0);
        if (n <= 0)
            break;
        r->rawlen += (size_t)n;
    }
    r->raw[r->rawlen] = '\0';
    close(fd);
    parse_response(r);
    assert_no_secret(r);
}

static void exchange(const void *req, size_t reqlen, struct response *r)
{
    exchange_at("127.0.0.1", port, req, reqlen, r);
}

static void request(const char *method, const char *target, const char *extra, struct response *r)
{
    char req[16384];
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n", method,
                     target, extra ? extra : "");
    assert_true(n > 0 && (size_t)n < sizeof req);
    exchange(req, (size_t)n, r);
}

/* The value of a header (case-insensitive name) copied into out. */
static bool header(const struct response *r, const char *name, char *out, size_t outlen)
{
    size_t n = strlen(name);
    const char *end = r->body ? r->body : r->raw + r->rawlen;
    for (const char *p = strstr(r->raw, "\r\n"); p && p + 2 < end; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2;
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            size_t vn = strcspn(v, "\r\n");
            snprintf(out, outlen, "%.*s", (int)vn, v);
            return true;
        }
    }
    return false;
}

static void assert_header(const struct response *r, const char *name, const char *want)
{
    char v[512];
    if (!header(r, name, v, sizeof v))
        fail_msg("header %s missing in:\n%s", name, r->raw);
    assert_string_equal(v, want);
}

/* After each attack: the server still answers. */
static void assert_still_serving(void)
{
    struct response r;
    request("GET", "/", NULL, &r);
    assert_int_equal(r.status, 200);
    response_free(&r);
}

/* ---- tests -------------------------------------------------------------- */

static void every_type_has_its_content_type_and_length(void **state)
{
    for (size_t i = 0; i < sizeof typed_files / sizeof typed_files[0]; i++) {
        char target[300], text[256], len[32];
        struct response r;
        snprintf(target, sizeof target, "/%s", typed_files[i].name);
        content_for(typed_files[i].name, text, sizeof text);
        request("GET", target, NULL, &r);
        assert_int_equal(r.status, 200);
        assert_header(&r, "Content-Type", typed_files[i].type);
        snprintf(len, sizeof len, "%zu", strlen(text));
        assert_header(&r, "Content-Length", len);
        assert_int_equal(r.bodylen, strlen(text));
        assert_memory_equal(r.body, text, strlen(text));
        assert_header(&r, "X-Content-Type-Options", "nosniff");
        assert_header(&r, "Referrer-Policy", "strict-origin-when-cross-origin");
        char csp[512];
        assert_true(header(&r, "Content-Security-Policy", csp, sizeof csp));
        assert_non_null(strstr(csp, "default-src 'self'"));
        assert_non_null(strstr(csp, "frame-ancestors 'none'"));
        response_free(&r);
    }
}

static void head_has_length_but_no_body(void **state)
{
    struct response r;
    char text[256], len[32];
    content_for("a.png", text, sizeof text);
    snprintf(len, sizeof len, "%zu", strlen(text));
    request("HEAD", "/a.png", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "Content-Length", len);
    assert_header(&r, "Content-Type", "image/png");
    assert_int_equal(r.bodylen, 0);
    response_free(&r);
}

static void folders_serve_index_and_redirect_without_slash(void **state)
{
    struct response r;
    request("GET", "/", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "content of index.html"));
    response_free(&r);
    request("GET", "/story/", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "STORY-PAGE");
    assert_header(&r, "Content-Type", "text/html; charset=utf-8");
    response_free(&r);
    request("GET", "/story", NULL, &r);
    assert_int_equal(r.status, 301);
    assert_header(&r, "Location", "/story/");
    response_free(&r);
    request("GET", "/story?utm=x", NULL, &r);
    assert_int_equal(r.status, 301);
    assert_header(&r, "Location", "/story/");
    response_free(&r);
    /* A file is not a folder. */
    request("GET", "/index.html/", NULL, &r);
    assert_int_equal(r.status, 404);
    response_free(&r);
    request("GET", "/.well-known/security.txt", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "WELL-KNOWN");
    response_free(&r);
}

static void hashed_names_are_immutable_others_revalidate(void **state)
{
    struct response r;
    char etag[128], modified[64], cond[300];
    request("GET", "/kim-01.3fa9c2d1e0-960.webp", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "Cache-Control", "public, max-age=31536000, immutable");
    response_free(&r);
    request("GET", "/style.3fa9c2d1e0.css", NULL, &r);
    assert_header(&r, "Cache-Control", "public, max-age=31536000, immutable");
    response_free(&r);
    request("GET", "/a.css", NULL, &r);
    assert_header(&r, "Cache-Control", "no-cache");
    response_free(&r);

    request("GET", "/index.html", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_header(&r, "Cache-Control", "no-cache");
    assert_true(header(&r, "ETag", etag, sizeof etag));
    assert_true(header(&r, "Last-Modified", modified, sizeof modified));
    assert_int_equal(etag[0], '"');
    response_free(&r);

    snprintf(cond, sizeof cond, "If-None-Match: %s\r\n", etag);
    request("GET", "/index.html", cond, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.bodylen, 0);
    assert_header(&r, "ETag", etag);
    response_free(&r);
    snprintf(cond, sizeof cond, "If-None-Match: \"other\", W/%s\r\n", etag);
    request("GET", "/index.html", cond, &r);
    assert_int_equal(r.status, 304);
    response_free(&r);
    request("GET", "/index.html", "If-None-Match: \"other\"\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_true(r.bodylen > 0);
    response_free(&r);

    snprintf(cond, sizeof cond, "If-Modified-Since: %s\r\n", modified);
    request("GET", "/index.html", cond, &r);
    assert_int_equal(r.status, 304);
    response_free(&r);
    request("GET", "/index.html", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n", &r);
    assert_int_equal(r.status, 200);
    response_free(&r);
    /* If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3). */
    snprintf(cond, sizeof cond, "If-None-Match: \"other\"\r\nIf-Modified-Since: %s\r\n", modified);
    request("GET", "/index.html", cond, &r);
    assert_int_equal(r.status, 200);
    response_free(&r);
}

static void missing_files_get_the_site_404_page(void **state)
{
    struct response r;
    request("GET", "/no-such-story/", NULL, &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body, "CUSTOM-404-PAGE");
    assert_header(&r, "Content-Type", "text/html; charset=utf-8");
    assert_header(&r, "X-Content-Type-Options", "nosniff");
    response_free(&r);
    /* A site without 404.html: the built-in page. */
    char req[] = "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    exchange_at("127.0.0.1", bare_port, req, strlen(req), &r);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "Not Found"));
    assert_null(strstr(r.body, "nothing"));
    response_free(&r);
}

static void traversal_never_reaches_outside(void **state)
{
    static const char *const targets[] = {
        "/../outside-secret.txt",
        "/%2e%2e/outside-secret.txt",
        "/%2E%2E/outside-secret.txt",
        "/story/..%2foutside-secret.txt",
        "/story/..%2f..%2foutside-secret.txt",
        "/%2e%2e%2foutside-secret.txt",
        "/story%2F..%2F..",
        "/story%2F..%2F..%2Foutside-secret.txt",
        "/story/../../outside-secret.txt",
        "/./index.html",
        "//etc/passwd",
        "/\\..\\outside-secret.txt",
        "/%5c..%5coutside-secret.txt",
        "/index.html%00.png",
        "/%00",
        "/..",
        "/story/..",
        "/passwd",
        "/secret-link.txt",
        "/outdir/outside-secret.txt",
        "/outdir/",
        "/.git/config",
        "/pipe",
        "/%c0%ae%c0%ae/outside-secret.txt",
        "/%zz",
        "/%2",
        "etc/passwd",
    };
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        struct response r;
        request("GET", targets[i], NULL, &r);
        if (r.status != 400 && r.status != 404)
            fail_msg("%s answered %d", targets[i], r.status);
        response_free(&r);
        assert_still_serving();
    }
    /* A raw NUL inside the request line. */
    static const char nul_req[] = "GET /../outside-secret.txt\0/index.html HTTP/1.1\r\n"
                                  "Host: x\r\nConnection: close\r\n\r\n";
    struct response r;
    exchange(nul_req, sizeof nul_req - 1, &r);
    assert_true(r.status == 0 || r.status == 400 || r.status == 404);
    response_free(&r);
    assert_still_serving();
}

static void only_get_and_head_without_bodies(void **state)
{
    static const char *const methods[] = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        struct response r;
        request(methods[i], "/index.html", "Content-Length: 3\r\n\r\na=1", &r);
        assert_int_equal(r.status, 405);
        assert_header(&r, "Allow", "GET, HEAD");
        response_free(&r);
        assert_still_serving();
    }
    struct response r;
    request("GET", "/index.html", "Content-Length: 5\r\n\r\nhello", &r);
    assert_int_equal(r.status, 413);
    response_free(&r);
    assert_still_serving();
    request("GET", "/index.html", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n", &r);
    assert_int_equal(r.status, 413);
    response_free(&r);
    assert_still_serving();
    /* An empty body is no body. */
    request("GET", "/index.html", "Content-Length: 0\r\n", &r);
    assert_int_equal(r.status, 200);
    response_free(&r);
}

/* One response off a kept-alive connection, by its Content-Length. */
static void read_one(int fd, struct response *r)
{
    size_t cap = 65536;
    memset(r, 0, sizeof *r);
    r->raw = malloc(cap + 1);
    assert_non_null(r->raw);
    size_t want = SIZE_MAX;
    while (r->rawlen < want && r->rawlen < cap) {
        ssize_t n = recv(fd, r->raw + r->rawlen, cap - r->rawlen, 0);
        assert_true(n > 0);
        r->rawlen += (size_t)n;
        r->raw[r->rawlen] = '\0';
        char *end = strstr(r->raw, "\r\n\r\n");
        char len[32];
        parse_response(r);
        if (end && header(r, "Content-Length", len, sizeof len))
            want = (size_t)(end + 4 - r->raw) + (size_t)atol(len);
    }
    parse_response(r);
    assert_no_secret(r);
}

static void connections_are_kept_alive(void **state)
{
    int fd = connect_to("127.0.0.1", port);
    static const char *const targets[] = {"/", "/story/", "/a.png"};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        char req[256], conn[64];
        int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", targets[i]);
        assert_int_equal(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
        struct response r;
        read_one(fd, &r);
        assert_int_equal(r.status, 200);
        assert_false(header(&r, "Connection", conn, sizeof conn) && strcmp(conn, "close") == 0);
        response_free(&r);
    }
    close(fd);
}

static void one_client_cannot_take_every_slot(void **state)
{
    /* On the second server, idle since its own test: no connection of
     * an earlier test can still hold a slot there. */
    int held[TS_LIMIT_HTTP_PER_IP];
    for (int i = 0; i < TS_LIMIT_HTTP_PER_IP; i++)
        held[i] = connect_to("127.0.0.1", bare_port);
    usleep(300000); /* let the server accept them all */
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    struct response r;
    exchange_at("127.0.0.1", bare_port, req, sizeof req - 1, &r);
    assert_int_equal(r.status, 0); /* closed without an answer */
    response_free(&r);
    /* The held ones are real connections that still get answers. */
    assert_int_equal(send(held[0], req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
    read_one(held[0], &r);
    assert_int_equal(r.status, 200);
    response_free(&r);
    for (int i = 0; i < TS_LIMIT_HTTP_PER_IP; i++)
        close(held[i]);
    /* The slots come back once the server sees them closed. */
    for (int tries = 0; tries < 100; tries++) {
        exchange_at("127.0.0.1", bare_port, req, sizeof req - 1, &r);
        int status = r.status;
        response_free(&r);
        if (status == 200)
            return;
        usleep(20000);
    }
    fail_msg("the server did not take connections again");
}

static void a_10k_url_is_414(void **state)
{
    char target[10241];
    target[0] = '/';
    memset(target + 1, 'a', sizeof target - 2);
    target[sizeof target - 1] = '\0';
    struct response r;
    request("GET", target, NULL, &r);
    assert_int_equal(r.status, 414);
    response_free(&r);
    assert_still_serving();
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = atol(line + 6);
    if (f)
        fclose(f);
    return kib;
}

static void a_1mb_header_is_refused_without_growing(void **state)
{
    size_t big = (size_t)1 << 20;
    char *req = malloc(big + 256);
    assert_non_null(req);
    int n = snprintf(req, 256, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ");
    memset(req + n, 'a', big);
    memcpy(req + n + big, "\r\n\r\n", 4);
    size_t len = (size_t)n + big + 4;
    struct response r;
    long before = rss_kib();
    for (int i = 0; i < 3; i++) {
        exchange(req, len, &r);
        /* Refused: a 4xx, or a hang-up before any answer; never a page. */
        if (!(r.status == 0 || (r.status >= 400 && r.status < 500)))
            fail_msg("1 MB header answered %d", r.status);
        response_free(&r);
    }
    long after = rss_kib();
    free(req);
    /* A server that buffered even one of these headers would have
     * touched 1 MiB (and more under ASan); refusing costs a few pages. */
    if (before > 0 && after > 0 && after - before >= 768)
        fail_msg("resident memory grew by %ld KiB", after - before);
    assert_still_serving();
}

static void ipv6_loopback_serves_too(void **state)
{
    struct serve *s6 = NULL;
    unsigned p6 = 0;
    struct diag d;
    diag_clear(&d);
    struct serve_options opt = {.root = site_dir, .host = "::1", .port = 0, .access_log = false};
    /* select.h checked that ::1 can be bound */
    assert_int_equal(serve_start(&opt, &s6, &p6, &d), ST_OK);
    struct response r;
    char req[] = "GET /story/ HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n";
    exchange_at("::1", p6, req, strlen(req), &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "STORY-PAGE");
    response_free(&r);
    serve_stop(s6);
}

static void start_reports_clear_errors(void **state)
{
    struct serve *s = NULL;
    unsigned p = 0;
    struct diag d;
    char missing[400];
    snprintf(missing, sizeof missing, "%s/no-such-site", base_dir);
    struct serve_options opt = {
        .root = missing, .host = "127.0.0.1", .port = 0, .access_log = false};
    diag_clear(&d);
    assert_int_equal(serve_start(&opt, &s, &p, &d), ST_NOT_FOUND);
    assert_null(s);
    /* The port the fixture already holds. */
    struct serve_options busy = {
        .root = site_dir, .host = "127.0.0.1", .port = port, .access_log = false};
    diag_clear(&d);
    assert_int_equal(serve_start(&busy, &s, &p, &d), ST_IO);
    assert_null(s);
    char where[64];
    snprintf(where, sizeof where, "cannot listen on 127.0.0.1:%u: ", port);
    if (!strstr(d.message, where))
        fail_msg("unclear message: %s", d.message);
    /* MHD's reason names the port it could not take, not another. */
    snprintf(where, sizeof where, "port %u", port);
    assert_non_null(strstr(d.message, where));
    struct serve_options named = {
        .root = site_dir, .host = "example.com", .port = 0, .access_log = false};
    diag_clear(&d);
    assert_int_equal(serve_start(&named, &s, &p, &d), ST_USAGE);
    assert_null(s);
}

/* ---- a mode added from outside (serve --watch): its page script ---- */

static unsigned attached, quiesced;

static void script_src(void *ud, char *src, size_t srclen)
{
    snprintf(src, srclen, "%s", (const char *)ud);
}

static enum status script_attach(void *ud, struct serve_http *h, struct diag *d)
{
    attached++;
    serve_http_page_script(h, script_src, ud);
    return ST_OK;
}

static void script_quiesce(void *ud)
{
    quiesced++;
}

static void an_addon_adds_its_script_to_pages_only_and_is_quiesced(void **state)
{
    write_file(site_dir, "head.html", "<html><head><title>t</title></HEAD><body>B</body></html>");
    struct serve_addon addon = {script_attach, script_quiesce, "/_t/s.js"};
    struct serve_options opt = {
        .root = site_dir, .host = "127.0.0.1", .port = 0, .access_log = false, .addon = &addon};
    struct serve *s = NULL;
    unsigned p = 0;
    struct diag d;
    diag_clear(&d);
    attached = quiesced = 0;
    assert_int_equal(serve_start(&opt, &s, &p, &d), ST_OK);
    assert_int_equal(attached, 1);
    struct response r;
    char etag[64];
    /* before the page's own </head>, whatever its case; never cached */
    char req[] = "GET /head.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    exchange_at("127.0.0.1", p, req, strlen(req), &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "<html><head><title>t</title><script src=\"/_t/s.js\" defer>"
                                "</script>\n</HEAD><body>B</body></html>");
    assert_header(&r, "Cache-Control", "no-store");
    assert_false(header(&r, "ETag", etag, sizeof etag));
    response_free(&r);
    /* a page without a head: at its end; the 404 page too */
    char story[] = "GET /story/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    exchange_at("127.0.0.1", p, story, strlen(story), &r);
    assert_string_equal(r.body, "STORY-PAGE<script src=\"/_t/s.js\" defer></script>\n");
    response_free(&r);
    char missing[] = "GET /gone/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    exchange_at("127.0.0.1", p, missing, strlen(missing), &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body, "CUSTOM-404-PAGE<script src=\"/_t/s.js\" defer></script>\n");
    response_free(&r);
    /* anything but a page goes out as its file */
    char css[] = "GET /a.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    exchange_at("127.0.0.1", p, css, strlen(css), &r);
    assert_string_equal(r.body, "content of a.css\n");
    response_free(&r);
    serve_stop(s);
    assert_int_equal(quiesced, 1);
    /* and the server without it sends the file as it is */
    request("GET", "/head.html", NULL, &r);
    assert_null(strstr(r.body, "<script"));
    response_free(&r);
}

int main(int argc, char **argv)
{
    ts_unit_select(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_type_has_its_content_type_and_length),
        cmocka_unit_test(head_has_length_but_no_body),
        cmocka_unit_test(folders_serve_index_and_redirect_without_slash),
        cmocka_unit_test(hashed_names_are_immutable_others_revalidate),
        cmocka_unit_test(missing_files_get_the_site_404_page),
        cmocka_unit_test(traversal_never_reaches_outside),
        cmocka_unit_test(only_get_and_head_without_bodies),
        cmocka_unit_test(connections_are_kept_alive),
        cmocka_unit_test(one_client_cannot_take_every_slot),
        cmocka_unit_test(a_10k_url_is_414),
        cmocka_unit_test(a_1mb_header_is_refused_without_growing),
        cmocka_unit_test(ipv6_loopback_serves_too),
        cmocka_unit_test(start_reports_clear_errors),
        cmocka_unit_test(an_addon_adds_its_script_to_pages_only_and_is_quiesced),
    };
    return cmocka_run_group_tests(tests, make_site, remove_site);
}
