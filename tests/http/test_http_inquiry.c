/*
 * test_http_inquiry.c — the licence-inquiry API and the owner's pages
 * over real HTTP/1.1 on loopback: a valid inquiry stored (read back
 * from SQLite and listed by the built `tearsheet inquiries`), each
 * field's bad values, oversize and non-UTF-8 bodies, missing fields,
 * SQL-injection and XSS strings stored verbatim and shown escaped,
 * replayed and too-fast tokens, the rate limit, cross-site POSTs, the
 * owner's login, session and CSRF token, SIGTERM with requests in
 * flight, and the notification hook that fails once and is retried.
 *
 * Must never: write outside its temporary folder, wait without a
 * deadline, or leave a child process running.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "serve/serve.h"
#include "serve/lic.h"
#include "story/story.h"

static char base_dir[128], site_dir[200], root_dir[250], hook_site[200];
static struct serve *server;
static unsigned port;
static uint8_t key[SERVE_KEY_BYTES];

/* ---- fixture ---------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static const char form_page[] =
    "<!doctype html><form method=\"post\" action=\"../../../api/inquiries\">"
    "<input type=\"hidden\" name=\"token\" value=\"\" data-tearsheet-token></form>\n";

/* A site folder with a built public/: photos.json, a form page. */
static void make_site(const char *dir, const char *yaml)
{
    char path[400];
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof path, "%s/site.yaml", dir);
    write_file(path, yaml);
    const char *dirs[] = {"public", "public/api", "public/license", "public/license/kim",
                          "public/license/kim/kim-01"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, dirs[i]);
        assert_int_equal(mkdir(path, 0755), 0);
    }
    snprintf(path, sizeof path, "%s/public/api/photos.json", dir);
    write_file(path, "{\"photos\":[{\"id\":\"kim/kim-01\",\"headline\":\"Kim\",\"job_id\":null,"
                     "\"title\":\"Kim\",\"page\":\"kim/#kim-01\"},{\"id\":\"kim/kim-02\"}]}");
    snprintf(path, sizeof path, "%s/public/license/kim/kim-01/index.html", dir);
    write_file(path, form_page);
    snprintf(path, sizeof path, "%s/public/index.html", dir);
    write_file(path, "HOME");
}

static int setup(void **state)
{
    snprintf(base_dir, sizeof base_dir, "/tmp/ts-inq-XXXXXX");
    if (!mkdtemp(base_dir))
        return -1;
    snprintf(site_dir, sizeof site_dir, "%s/site", base_dir);
    snprintf(root_dir, sizeof root_dir, "%s/public", site_dir);
    make_site(site_dir, "title: Test\nnested:\n  notify: not this one\n");
    struct diag d;
    diag_clear(&d);
    struct serve_options opt = {
        .root = root_dir, .host = "127.0.0.1", .site_dir = site_dir, .rate_burst = 1000};
    if (serve_start(&opt, &server, &port, &d) != ST_OK) {
        log_diag(LOG_ERROR, &d);
        return -1;
    }
    return serve_secret_load(site_dir, key, &d) == ST_OK ? 0 : -1;
}

static int teardown(void **state)
{
    serve_stop(server);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- a small HTTP client ------------------------------------------------------- */

struct response {
    int status;
    char raw[65536];
    size_t rawlen;
    const char *body;
};

static int connect_port(unsigned p)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)p);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0)
            return; /* the server may hang up early (413): its answer counts */
        p += k;
        n -= (size_t)k;
    }
}

static void read_response(int fd, struct response *r)
{
    ssize_t n;
    r->rawlen = 0;
    while (r->rawlen + 1 < sizeof r->raw &&
           (n = recv(fd, r->raw + r->rawlen, sizeof r->raw - 1 - r->rawlen, 0)) > 0)
        r->rawlen += (size_t)n;
    r->raw[r->rawlen] = '\0';
    r->status = strncmp(r->raw, "HTTP/1.1 ", 9) == 0 ? atoi(r->raw + 9) : 0;
    const char *end = strstr(r->raw, "\r\n\r\n");
    r->body = end ? end + 4 : "";
}

/* method target, extra header lines, a body of a content type. */
static void http_at(unsigned p, const char *method, const char *target, const char *headers,
                    const char *type, const char *body, size_t bodylen, struct response *r)
{
    char head[2048];
    int fd = connect_port(p);
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n%s", method,
                     target, p, headers ? headers : "");
    if (type)
        n += snprintf(head + n, sizeof head - (size_t)n,
                      "Content-Type: %s\r\nContent-Length: %zu\r\n", type, bodylen);
    n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
    send_all(fd, head, (size_t)n);
    if (body)
        send_all(fd, body, bodylen);
    read_response(fd, r);
    close(fd);
}

static void post(const char *type, const char *body, const char *headers, struct response *r)
{
    http_at(port, "POST", "/api/inquiries", headers, type, body, strlen(body), r);
}

static bool header_is(const struct response *r, const char *name, const char *want)
{
    char line[512];
    snprintf(line, sizeof line, "\r\n%s: %s\r\n", name, want);
    return strstr(r->raw, line) != NULL;
}

/* ---- inquiries -------------------------------------------------------------------- */

/* A token issued `age` seconds ago with a fresh nonce. */
static void token_aged(long age, char out[SERVE_TOKEN_SIZE])
{
    uint8_t nonce[SERVE_NONCE_BYTES];
    assert_true(serve_random(nonce, sizeof nonce));
    serve_token_make(key, time(NULL) - age, nonce, out);
}

struct field {
    const char *name, *value;
};

static const struct field good[] = {
    {"photo_id", "kim/kim-01"},
    {"name", "Min-ji Park"},
    {"organisation", "Der Spiegel"},
    {"email", "park@example.com"},
    {"country", "Germany"},
    {"usage", "editorial"},
    {"media", "print"},
    {"media", "web"},
    {"territory", "Europe"},
    {"start_date", "2027-01-15"},
    {"duration", "1 year"},
    {"size_placement", "full page"},
    {"print_run", "700000"},
    {"exclusivity", "none"},
    {"deadline", "2027-01-10"},
    {"budget", "EUR 800"},
    {"description", "Year in Pictures, print and web."},
    {"consent", "yes"},
    {"website", ""},
};

static void urlencode(struct buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-_.", *p))
            buf_putc(b, (char)*p);
        else
            buf_printf(b, "%%%02X", *p);
    }
}

/* The good form with field `name` replaced by `value` (NULL: left
 * out), and a token unless token is "" (then none). */
static void form_with(const char *name, const char *value, const char *token, struct buf *b)
{
    char tok[SERVE_TOKEN_SIZE];
    buf_init(b, 1 << 20);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (name && strcmp(good[i].name, name) == 0)
            continue;
        buf_printf(b, "%s=", good[i].name);
        urlencode(b, good[i].value);
        buf_putc(b, '&');
    }
    if (name && value) {
        buf_printf(b, "%s=", name);
        urlencode(b, value);
        buf_putc(b, '&');
    }
    if (!token) {
        token_aged(10, tok);
        token = tok;
    }
    if (*token)
        buf_printf(b, "token=%s", token);
}

static long long id_in_location(const struct response *r)
{
    const char *loc = strstr(r->raw, "\r\nLocation: ../licensing/thanks/?id=");
    return loc ? atoll(loc + strlen("\r\nLocation: ../licensing/thanks/?id=")) : 0;
}

/* The first column of `sql` (one id parameter) in the site's
 * database, read with SQLite directly; NULL when no row or NULL. */
static char *db_query(const char *site, const char *sql, long long id)
{
    char path[300];
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    char *out = NULL;
    snprintf(path, sizeof path, "%s/.tearsheet/inquiries.db", site);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        out = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
    return out;
}

static char *db_value(const char *site, long long id, const char *column)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s FROM inquiries WHERE id = ?", column);
    return db_query(site, sql, id);
}

/* Runs a shell command line; its stdout into out; its exit status. */
static int run_cli(const char *cmd, char *out, size_t outlen)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void valid_form_is_stored_and_listed(void **state)
{
    struct buf b;
    struct response r;
    form_with(NULL, NULL, NULL, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    if (r.status != 303)
        fail_msg("%s", r.raw);
    long long id = id_in_location(&r);
    assert_true(id > 0);
    char *name = db_value(site_dir, id, "name"), *media = db_value(site_dir, id, "media");
    char *status = db_value(site_dir, id, "status");
    assert_string_equal(name, "Min-ji Park");
    assert_string_equal(media, "print,web");
    assert_string_equal(status, "new");
    free(name);
    free(media);
    free(status);

    /* The commands the owner runs, on this site folder. */
    char cmd[600], out[8192];
    snprintf(cmd, sizeof cmd, "'%s' inquiries list --site '%s'", TS_BINARY, site_dir);
    assert_int_equal(run_cli(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "Min-ji Park, Der Spiegel <park@example.com>"));
    assert_non_null(strstr(out, "kim/kim-01"));
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' inquiries mark %lld licensed && '%s' inquiries export --csv",
             site_dir, TS_BINARY, id, TS_BINARY);
    assert_int_equal(run_cli(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "id,created,status,photo_id,name"));
    assert_non_null(strstr(out, "\"licensed\",\"kim/kim-01\",\"Min-ji Park\""));
    snprintf(cmd, sizeof cmd, "'%s' inquiries show %lld --site '%s'", TS_BINARY, id, site_dir);
    assert_int_equal(run_cli(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "Status:          licensed\n"));
    assert_non_null(strstr(out, "budget           EUR 800\n"));
    assert_non_null(strstr(out, "\nYear in Pictures, print and web.\n"));
    snprintf(cmd, sizeof cmd, "'%s' inquiries show 999999 --site '%s' 2>/dev/null", TS_BINARY,
             site_dir);
    assert_int_equal(run_cli(cmd, out, sizeof out), 1);
}

static void valid_json_is_answered_201(void **state)
{
    char tok[SERVE_TOKEN_SIZE], body[2048];
    struct response r;
    token_aged(30, tok);
    snprintf(body, sizeof body,
             "{\"photo_id\":\"general\",\"name\":\"Json Person\",\"email\":\"j@example.org\","
             "\"country\":\"Korea\",\"usage\":\"non-profit\",\"media\":[\"social\"],"
             "\"territory\":\"Korea\",\"start_date\":\"2027-03-01\",\"duration\":\"3 months\","
             "\"exclusivity\":\"exclusive\",\"description\":\"Campaign\",\"consent\":\"yes\","
             "\"token\":\"%s\"}",
             tok);
    post("application/json", body, NULL, &r);
    assert_int_equal(r.status, 201);
    assert_true(header_is(&r, "Content-Type", "application/json"));
    long long id = 0;
    assert_int_equal(sscanf(r.body, "{\"id\":%lld,\"status\":\"new\"}", &id), 1);
    char *name = db_value(site_dir, id, "name");
    assert_string_equal(name, "Json Person");
    free(name);
}

static void each_field_refuses_its_bad_values(void **state)
{
    static const struct field bad[] = {
        {"photo_id", "kim/kim-99"},
        {"photo_id", "../../etc/passwd"},
        {"name", "two\nlines"},
        {"email", "not-an-address"},
        {"email", "a@b"},
        {"country", "tab\tin"},
        {"usage", "stolen"},
        {"media", "billboard"},
        {"territory", "\x01"},
        {"start_date", "2027-02-30"},
        {"start_date", "tomorrow"},
        {"duration", "x\ry\x7f"},
        {"exclusivity", "maybe"},
        {"deadline", "2027/01/01"},
        {"consent", "no"},
        {"website", "http://spam.example/"},
        {"description", "bell\x07"},
        {"organisation", "line\nbreak"},
        {"print_run", "\x1b[2J"},
        {"budget", "\xed\xa0\x80"},
        {"size_placement", "\xc2\x9b"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf b;
        struct response r;
        char want[64];
        form_with(bad[i].name, bad[i].value, NULL, &b);
        post("application/x-www-form-urlencoded", b.data, NULL, &r);
        buf_free(&b);
        if (r.status != 422)
            fail_msg("%s='%s' answered %d", bad[i].name, bad[i].value, r.status);
        snprintf(want, sizeof want, "<strong>%s</strong>", bad[i].name);
        if (!strstr(r.body, want))
            fail_msg("%s not named in:\n%s", bad[i].name, r.body);
        assert_non_null(strstr(r.body, "Back to the form"));
    }
    /* Too long, one field at a time, as JSON: 422 naming the field. */
    char *longv = malloc(6000);
    memset(longv, 'x', 5999);
    longv[5999] = '\0';
    struct buf b;
    struct response r;
    form_with("description", longv, NULL, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "too long"));
    buf_free(&b);
    free(longv);
}

static void missing_fields_are_each_named(void **state)
{
    struct response r;
    post("application/json", "{}", NULL, &r);
    assert_int_equal(r.status, 422);
    const char *names[] = {"photo_id",    "name",      "email",      "country",  "usage",
                           "media",       "territory", "start_date", "duration", "exclusivity",
                           "description", "consent",   "token"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "\"%s\":\"is required\"", names[i]);
        if (!strstr(r.body, want))
            fail_msg("%s missing in %s", names[i], r.body);
    }
    assert_null(strstr(r.body, "\"budget\""));
    /* the form answer names a missing field too */
    struct buf b;
    form_with("email", NULL, NULL, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "<strong>email</strong> is required"));
}

static void oversize_bad_type_and_bad_utf8_bodies_are_refused(void **state)
{
    struct response r;
    size_t big = TS_LIMIT_INQUIRY_BODY + 1;
    char *body = malloc(big + 1);
    memset(body, 'a', big);
    body[big] = '\0';
    http_at(port, "POST", "/api/inquiries", NULL, "application/x-www-form-urlencoded", body, big,
            &r);
    assert_int_equal(r.status, 413);
    /* Chunked, no length announced: cut at the cap as it arrives. */
    int fd = connect_port(port);
    char head[256];
    int n = snprintf(head, sizeof head,
                     "POST /api/inquiries HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                     port);
    send_all(fd, head, (size_t)n);
    for (int i = 0; i < 40; i++) {
        char chunk[32];
        n = snprintf(chunk, sizeof chunk, "%x\r\n", 1024);
        send_all(fd, chunk, (size_t)n);
        send_all(fd, body, 1024);
        send_all(fd, "\r\n", 2);
    }
    send_all(fd, "0\r\n\r\n", 5);
    read_response(fd, &r);
    close(fd);
    free(body);
    /* 413, unless the kernel reset the connection because the server
     * closed with our unread chunks still queued (then no status line
     * arrives); never anything else. */
    if (r.status != 413 && r.status != 0)
        fail_msg("chunked oversize body answered %d", r.status);
    http_at(port, "GET", "/", NULL, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);

    post("text/plain", "name=x", NULL, &r);
    assert_int_equal(r.status, 415);
    post("application/x-www-form-urlencoded; charset=iso-8859-1", "name=x", NULL, &r);
    assert_int_equal(r.status, 415);
    post("application/json", "{\"name\":\"\xff\xfe\"}", NULL, &r);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "\"body\":\"is not valid UTF-8\""));
    struct buf b;
    form_with("name", "\xc3\x28 broken", NULL, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "not valid UTF-8"));
    http_at(port, "GET", "/api/inquiries", NULL, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 405);
}

static void tokens_replayed_too_fast_or_forged_are_refused(void **state)
{
    char tok[SERVE_TOKEN_SIZE];
    struct buf b;
    struct response r;
    token_aged(20, tok);
    form_with(NULL, NULL, tok, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    assert_int_equal(r.status, 303);
    long long first = id_in_location(&r);
    /* The token is the idempotency key: the same post again (a retry
     * after a timeout, a double click) gets the first post's answer and
     * stores nothing. */
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    assert_int_equal(r.status, 303);
    assert_int_equal(id_in_location(&r), first);
    char *next = db_value(site_dir, first + 1, "name");
    assert_null(next);
    /* Also in JSON, with the same token: 201 and the same id. */
    char jtok[SERVE_TOKEN_SIZE], json[4096];
    token_aged(20, jtok);
    snprintf(json, sizeof json,
             "{\"photo_id\":\"general\",\"name\":\"Twice\",\"email\":\"j@example.org\","
             "\"country\":\"Korea\",\"usage\":\"non-profit\",\"media\":[\"social\"],"
             "\"territory\":\"Korea\",\"start_date\":\"2027-03-01\",\"duration\":\"3 months\","
             "\"exclusivity\":\"exclusive\",\"description\":\"Campaign\",\"consent\":\"yes\","
             "\"token\":\"%s\"}",
             jtok);
    post("application/json", json, NULL, &r);
    if (r.status != 201)
        fail_msg("%s", r.raw);
    char once[64];
    snprintf(once, sizeof once, "%s", strstr(r.body, "\"id\":"));
    post("application/json", json, NULL, &r);
    assert_int_equal(r.status, 201);
    assert_non_null(strstr(r.body, once));
    char *count = db_query(site_dir, "SELECT count(*) FROM inquiries WHERE name = 'Twice' AND ? > 0",
                           1);
    assert_string_equal(count, "1");
    free(count);

    /* The token the server writes into a form page is fresh: sent at
     * once, it is too fast. */
    http_at(port, "GET", "/license/kim/kim-01/", NULL, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_true(header_is(&r, "Cache-Control", "no-store"));
    const char *v = strstr(r.body, "name=\"token\" value=\"");
    assert_non_null(v);
    v += strlen("name=\"token\" value=\"");
    size_t n = strcspn(v, "\"");
    assert_true(n > 64 && n < sizeof tok);
    assert_non_null(strstr(v, "\" data-tearsheet-token>"));
    memcpy(tok, v, n);
    tok[n] = '\0';
    char seen[33];
    assert_int_equal(serve_token_check(key, tok, n, time(NULL) + 5, seen), SERVE_TOKEN_OK);
    form_with(NULL, NULL, tok, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "too quickly"));
    /* Two loads, two tokens. */
    struct response again;
    http_at(port, "GET", "/license/kim/kim-01/", NULL, NULL, NULL, 0, &again);
    assert_null(strstr(again.body, tok));

    token_aged(SERVE_TOKEN_MAX_AGE_S + 5, tok);
    form_with(NULL, NULL, tok, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "expired"));
    token_aged(20, tok);
    tok[strlen(tok) - 1] = tok[strlen(tok) - 1] == 'a' ? 'b' : 'a';
    form_with(NULL, NULL, tok, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "<strong>token</strong> is not valid"));
}

static void cross_site_posts_are_forbidden(void **state)
{
    struct buf b;
    struct response r;
    form_with(NULL, NULL, NULL, &b);
    post("application/x-www-form-urlencoded", b.data, "Origin: https://evil.example\r\n", &r);
    assert_int_equal(r.status, 403);
    post("application/x-www-form-urlencoded", b.data, "Origin: null\r\n", &r);
    assert_int_equal(r.status, 403);
    post("application/x-www-form-urlencoded", b.data, "Sec-Fetch-Site: cross-site\r\n", &r);
    assert_int_equal(r.status, 403);
    char same[128];
    snprintf(same, sizeof same, "Origin: http://127.0.0.1:%u\r\nSec-Fetch-Site: same-origin\r\n",
             port);
    post("application/x-www-form-urlencoded", b.data, same, &r);
    assert_int_equal(r.status, 303);
    buf_free(&b);
}

static void rate_limit_answers_429(void **state)
{
    struct serve *limited = NULL;
    unsigned lport = 0;
    struct diag d;
    diag_clear(&d);
    struct serve_options opt = {.root = root_dir,
                                .host = "127.0.0.1",
                                .site_dir = site_dir,
                                .rate_burst = 2,
                                .rate_refill_s = 3600};
    assert_int_equal(serve_start(&opt, &limited, &lport, &d), ST_OK);
    struct response r;
    for (int i = 0; i < 2; i++) {
        http_at(lport, "POST", "/api/inquiries", NULL, "application/json", "{}", 2, &r);
        assert_int_equal(r.status, 422);
    }
    http_at(lport, "POST", "/api/inquiries", NULL, "application/json", "{}", 2, &r);
    assert_int_equal(r.status, 429);
    const char *ra = strstr(r.raw, "\r\nRetry-After: ");
    assert_non_null(ra);
    assert_true(atoi(ra + strlen("\r\nRetry-After: ")) > 0);
    /* A proxy on loopback names another client: its own bucket. */
    http_at(lport, "POST", "/api/inquiries", "X-Real-IP: 192.0.2.7\r\n", "application/json", "{}",
            2, &r);
    assert_int_equal(r.status, 422);
    /* An IPv6 client rotating through addresses of its /64 is one
     * client: the third post is refused whatever address it uses. */
    static const char *const rotation[] = {"2001:db8:5:6::1", "2001:db8:5:6:ffff::2",
                                           "2001:db8:5:6:1234:5678:9abc:def0"};
    for (int i = 0; i < 3; i++) {
        char h[96];
        snprintf(h, sizeof h, "X-Real-IP: %s\r\n", rotation[i]);
        http_at(lport, "POST", "/api/inquiries", h, "application/json", "{}", 2, &r);
        assert_int_equal(r.status, i < 2 ? 422 : 429);
    }
    /* The next /64 is another client; so is the next IPv4 address. */
    http_at(lport, "POST", "/api/inquiries", "X-Real-IP: 2001:db8:5:7::1\r\n", "application/json",
            "{}", 2, &r);
    assert_int_equal(r.status, 422);
    http_at(lport, "POST", "/api/inquiries", "X-Real-IP: 192.0.2.8\r\n", "application/json", "{}",
            2, &r);
    assert_int_equal(r.status, 422);
    serve_stop(limited);
}

/* What main.c hands serve of site.yaml: read by the story module's
 * parser (serve has none of its own). */
static enum status site_settings(const char *dir, struct serve_options *opt,
                                 struct story_site **cfg, struct diag *d)
{
    enum status st = story_site_load(dir, cfg, d);
    if (st == ST_OK) {
        opt->notify = (*cfg)->notify;
        opt->pow_bits = (unsigned)(*cfg)->proof_of_work;
    }
    return st;
}

/* site.yaml `proof_of_work: 12`: a post without the answer is refused
 * with a message naming the field, one with it is stored; a value out
 * of range is refused by the one site.yaml parser, naming the file. */
static void proof_of_work_from_site_yaml(void **state)
{
    struct story_site *cfg = NULL;
    char dir[300], root[320], secret_from[320], secret_to[320], cmd[1400];
    snprintf(dir, sizeof dir, "%s/pow-site", base_dir);
    snprintf(root, sizeof root, "%s/public", dir);
    make_site(dir, "title: T\nproof_of_work: 12\n");
    /* the same secret as the main test site, so token_aged() works here */
    snprintf(secret_from, sizeof secret_from, "%s/.tearsheet", site_dir);
    snprintf(secret_to, sizeof secret_to, "%s/.tearsheet", dir);
    snprintf(cmd, sizeof cmd, "cp -a '%s' '%s' && rm -f '%s'/inquiries.db*", secret_from,
             secret_to, secret_to);
    assert_int_equal(system(cmd), 0);
    struct serve *pw = NULL;
    unsigned pport = 0;
    struct diag d;
    diag_clear(&d);
    struct serve_options opt = {
        .root = root, .host = "127.0.0.1", .site_dir = dir, .rate_burst = 1000};
    assert_int_equal(site_settings(dir, &opt, &cfg, &d), ST_OK);
    assert_int_equal(opt.pow_bits, 12);
    assert_int_equal(serve_start(&opt, &pw, &pport, &d), ST_OK);

    char tok[SERVE_TOKEN_SIZE];
    token_aged(10, tok);
    struct buf b;
    struct response r;
    form_with(NULL, NULL, tok, &b);
    http_at(pport, "POST", "/api/inquiries", NULL,
            "application/x-www-form-urlencoded", b.data, b.len, &r);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "pow"));
    assert_non_null(strstr(r.body, "turn on JavaScript"));
    buf_free(&b);

    /* the answer the form's script would find */
    char answer[16];
    unsigned n = 0;
    token_aged(10, tok);
    do
        snprintf(answer, sizeof answer, "%x", n++);
    while (!serve_pow_check(tok, answer, 12));
    form_with("pow", answer, tok, &b);
    http_at(pport, "POST", "/api/inquiries", NULL, "application/x-www-form-urlencoded", b.data,
            b.len, &r);
    if (r.status != 303)
        fail_msg("%s", r.raw);
    buf_free(&b);
    serve_stop(pw);
    story_site_free(cfg);

    /* out of range: a clear message naming the file, no settings */
    snprintf(cmd, sizeof cmd, "%s/site.yaml", dir);
    write_file(cmd, "title: T\nproof_of_work: 30\n");
    diag_clear(&d);
    cfg = NULL;
    assert_int_equal(site_settings(dir, &opt, &cfg, &d), ST_CONFIG);
    assert_null(cfg);
    assert_non_null(strstr(d.file, "site.yaml"));
    assert_non_null(strstr(d.message, "from 0 to 24"));
}

/* ---- the owner's pages ------------------------------------------------------------------- */

static void login(const char *password, struct response *r)
{
    struct buf b;
    buf_init(&b, 4096);
    buf_puts(&b, "password=");
    urlencode(&b, password);
    http_at(port, "POST", "/owner/login", NULL, "application/x-www-form-urlencoded", b.data, b.len,
            r);
    buf_free(&b);
}

static void owner_page_escapes_and_needs_login_and_csrf(void **state)
{
    struct diag d;
    struct response r;
    diag_clear(&d);
    /* Hostile values, stored verbatim. */
    static const char sqli[] = "Robert'); DROP TABLE inquiries;--";
    static const char xss[] = "<script>alert(1)</script>";
    static const char img[] = "\"><img src=x onerror=alert(2)>";
    struct buf b;
    form_with("name", sqli, NULL, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    assert_int_equal(r.status, 303);
    long long id_sqli = id_in_location(&r);
    form_with("description", xss, NULL, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    long long id_xss = id_in_location(&r);
    form_with("organisation", img, NULL, &b);
    post("application/x-www-form-urlencoded", b.data, NULL, &r);
    buf_free(&b);
    assert_int_equal(r.status, 303);
    char *v = db_value(site_dir, id_sqli, "name");
    assert_string_equal(v, sqli);
    free(v);
    v = db_value(site_dir, id_xss, "description");
    assert_string_equal(v, xss);
    free(v);

    /* No password yet: refused with advice. Then a wrong one. */
    login("whatever-password", &r);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "tearsheet passwd"));
    const struct serve_store_options where = {.site_dir = site_dir};
    assert_int_equal(serve_cli_passwd(&where, "short", &d), ST_USAGE);
    assert_int_equal(serve_cli_passwd(&where, "owner password 1", &d), ST_OK);
    login("owner password 2", &r);
    assert_int_equal(r.status, 403);
    assert_null(strstr(r.raw, "Set-Cookie"));
    assert_non_null(strstr(r.body, "Wrong password"));
    /* Without a session the list is the login form. */
    http_at(port, "GET", "/owner/", NULL, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "Min-ji"));
    assert_non_null(strstr(r.body, "name=\"password\""));
    http_at(port, "GET", "/owner/",
            "Cookie: ts_session="
            "0000000000000000000000000000000000000000000000000000000000000000\r\n",
            NULL, NULL, 0, &r);
    assert_null(strstr(r.body, "Min-ji"));

    login("owner password 1", &r);
    assert_int_equal(r.status, 303);
    const char *sc = strstr(r.raw, "\r\nSet-Cookie: ts_session=");
    assert_non_null(sc);
    char sid[65];
    memcpy(sid, sc + strlen("\r\nSet-Cookie: ts_session="), 64);
    sid[64] = '\0';
    assert_non_null(strstr(sc, "; HttpOnly; Secure; SameSite=Strict\r\n"));
    char cookie[128];
    snprintf(cookie, sizeof cookie, "Cookie: ts_session=%s\r\n", sid);

    http_at(port, "GET", "/owner/", cookie, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Robert&#39;); DROP TABLE inquiries;--"));
    assert_non_null(strstr(r.body, "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    assert_null(strstr(r.body, "<img"));
    assert_null(strstr(r.body, "Robert'"));
    const char *cv = strstr(r.body, "name=\"csrf\" value=\"");
    assert_non_null(cv);
    char csrf[65];
    memcpy(csrf, cv + strlen("name=\"csrf\" value=\""), 64);
    csrf[64] = '\0';

    char target[64];
    snprintf(target, sizeof target, "/owner/inquiry/%lld", id_xss);
    http_at(port, "GET", target, cookie, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_null(strstr(r.body, "<script>"));

    /* State changes: no CSRF token, a wrong one, a cross-site Origin. */
    http_at(port, "POST", target, cookie, "application/x-www-form-urlencoded", "status=quoted", 13,
            &r);
    assert_int_equal(r.status, 403);
    char body[200], headers[300];
    int n = snprintf(body, sizeof body, "csrf=%064d&status=quoted", 0);
    http_at(port, "POST", target, cookie, "application/x-www-form-urlencoded", body, (size_t)n, &r);
    assert_int_equal(r.status, 403);
    n = snprintf(body, sizeof body, "csrf=%s&status=quoted", csrf);
    snprintf(headers, sizeof headers, "%sOrigin: https://evil.example\r\n", cookie);
    http_at(port, "POST", target, headers, "application/x-www-form-urlencoded", body, (size_t)n,
            &r);
    assert_int_equal(r.status, 403);
    v = db_value(site_dir, id_xss, "status");
    assert_string_equal(v, "new");
    free(v);
    http_at(port, "POST", target, cookie, "application/x-www-form-urlencoded", body, (size_t)n, &r);
    assert_int_equal(r.status, 303);
    v = db_value(site_dir, id_xss, "status");
    assert_string_equal(v, "quoted");
    free(v);

    /* Logging out ends the session. */
    n = snprintf(body, sizeof body, "csrf=%s", csrf);
    http_at(port, "POST", "/owner/logout", cookie, "application/x-www-form-urlencoded", body,
            (size_t)n, &r);
    assert_int_equal(r.status, 303);
    http_at(port, "GET", "/owner/", cookie, NULL, NULL, 0, &r);
    assert_non_null(strstr(r.body, "name=\"password\""));
}

/* The session id of a cookie in r, or fails. */
static void session_in(const struct response *r, char sid[65])
{
    const char *sc = strstr(r->raw, "\r\nSet-Cookie: ts_session=");
    assert_non_null(sc);
    memcpy(sid, sc + strlen("\r\nSet-Cookie: ts_session="), 64);
    sid[64] = '\0';
}

/* Logging in while holding a session id (one planted by someone else:
 * a fixation) gives a new id and ends the old one. */
static void login_rotates_the_session_id(void **state)
{
    struct response r;
    char first[65], second[65], cookie[128];
    login("owner password 1", &r);
    assert_int_equal(r.status, 303);
    session_in(&r, first);
    snprintf(cookie, sizeof cookie, "Cookie: ts_session=%s\r\n", first);
    http_at(port, "POST", "/owner/login", cookie, "application/x-www-form-urlencoded",
            "password=owner+password+1", strlen("password=owner+password+1"), &r);
    assert_int_equal(r.status, 303);
    session_in(&r, second);
    assert_string_not_equal(first, second);
    assert_non_null(strstr(r.raw, "; HttpOnly; Secure; SameSite=Strict\r\n"));
    http_at(port, "GET", "/owner/", cookie, NULL, NULL, 0, &r);
    assert_non_null(strstr(r.body, "name=\"password\"")); /* the old id is gone */
    snprintf(cookie, sizeof cookie, "Cookie: ts_session=%s\r\n", second);
    http_at(port, "GET", "/owner/", cookie, NULL, NULL, 0, &r);
    assert_null(strstr(r.body, "name=\"password\""));
}

/* ---- 50 parallel owner logins against the static files -------------------------------- */

struct flood {
    unsigned port;
    int n;                /* this attacker's address: 127.0.1.n */
    pthread_barrier_t *go;
    int status;
    bool retry_after; /* the answer carried Retry-After */
};

/* One login with a wrong password from its own loopback address (the
 * per-address connection limit stays out of the way). */
static void *flood_login(void *arg)
{
    struct flood *f = arg;
    static const char body[] = "password=not+the+password+at+all";
    char req[512];
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in from = {0}, to = {0};
    from.sin_family = to.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(0x7f000100u | (unsigned)f->n);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons((uint16_t)f->port);
    struct timeval tv = {60, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int n = snprintf(req, sizeof req,
                     "POST /owner/login HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
                     f->port, sizeof body - 1, body);
    pthread_barrier_wait(f->go);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&from, sizeof from) == 0 &&
        connect(fd, (struct sockaddr *)&to, sizeof to) == 0) {
        send_all(fd, req, (size_t)n);
        struct response *r = malloc(sizeof *r);
        if (r) {
            read_response(fd, r);
            f->status = r->status;
            f->retry_after = strstr(r->raw, "\r\nRetry-After: ") != NULL;
            free(r);
        }
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The global login budget counts every network together: with a
 * budget of 3, three logins from three networks are checked and the
 * fourth, from a fourth network no per-network limit has seen, is
 * answered 429 with Retry-After. */
static void owner_login_budget_is_shared_by_every_network(void **state)
{
    struct serve *bs = NULL;
    unsigned bport = 0;
    struct diag d;
    pthread_barrier_t go;
    diag_clear(&d);
    struct serve_options opt = {
        .root = root_dir, .host = "127.0.0.1", .site_dir = site_dir, .login_budget = 3};
    assert_int_equal(serve_start(&opt, &bs, &bport, &d), ST_OK);
    pthread_barrier_init(&go, NULL, 1);
    for (int i = 0; i < 4; i++) {
        struct flood f = {bport, 100 + i, &go, 0, false};
        flood_login(&f);
        if (i < 3)
            assert_int_equal(f.status, 403);
        else {
            assert_int_equal(f.status, 429);
            assert_true(f.retry_after);
        }
    }
    pthread_barrier_destroy(&go);
    serve_stop(bs);
}

/* Rounds of 50 simultaneous logins (a budget high enough that every
 * one reaches the password check): scrypt runs on one worker with two
 * waiting, the rest are answered 503 at once, and a static file keeps
 * answering in under 50 ms (p99) all the while. */
static void owner_login_flood_leaves_static_files_fast(void **state)
{
    enum { ATTACKERS = 50, ROUNDS = 3, SAMPLES_MAX = 4000 };
    char css[300];
    snprintf(css, sizeof css, "%s/flood.css", root_dir);
    write_file(css, "body { color: black }\n");
    struct serve *fs = NULL;
    unsigned fport = 0;
    struct diag d;
    diag_clear(&d);
    struct serve_options opt = {
        .root = root_dir, .host = "127.0.0.1", .site_dir = site_dir, .login_budget = 1000};
    assert_int_equal(serve_start(&opt, &fs, &fport, &d), ST_OK);
    static double lat[SAMPLES_MAX];
    size_t nlat = 0;
    unsigned answered[600] = {0};
    for (int round = 0; round < ROUNDS; round++) {
        pthread_t t[ATTACKERS];
        struct flood f[ATTACKERS];
        pthread_barrier_t go;
        pthread_barrier_init(&go, NULL, ATTACKERS + 1);
        for (int i = 0; i < ATTACKERS; i++) {
            f[i] = (struct flood){fport, 2 + i, &go, 0, false};
            assert_int_equal(pthread_create(&t[i], NULL, flood_login, &f[i]), 0);
        }
        pthread_barrier_wait(&go);
        /* Static requests while the logins are in flight: at least 100
         * a round, for at least as long as the hashing takes. */
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        size_t cap = (size_t)(round + 1) * (SAMPLES_MAX / ROUNDS);
        for (int k = 0; nlat < cap && (k < 100 || ms_since(&t0) < 1500); k++) {
            struct timespec s0;
            struct response r;
            clock_gettime(CLOCK_MONOTONIC, &s0);
            http_at(fport, "GET", "/flood.css", NULL, NULL, NULL, 0, &r);
            lat[nlat++] = ms_since(&s0);
            assert_int_equal(r.status, 200);
        }
        for (int i = 0; i < ATTACKERS; i++) {
            pthread_join(t[i], NULL);
            answered[f[i].status >= 0 && f[i].status < 600 ? f[i].status : 0]++;
            /* busy: the client is told when to come back */
            if (f[i].status == 503 && !f[i].retry_after)
                fail_msg("a 503 to a login without Retry-After");
        }
        pthread_barrier_destroy(&go);
    }
    serve_stop(fs);
    qsort(lat, nlat, sizeof lat[0], cmp_double);
    double p50 = lat[nlat / 2], p99 = lat[nlat * 99 / 100];
    printf("owner login flood: %d logins (%u wrong password 403, %u busy 503, %u other); "
           "static: %zu requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           ATTACKERS * ROUNDS, answered[403], answered[503],
           ATTACKERS * ROUNDS - answered[403] - answered[503], nlat, p50, p99, lat[nlat - 1]);
    /* Every login was answered: wrong password or busy, nothing else. */
    assert_int_equal(answered[403] + answered[503], ATTACKERS * ROUNDS);
    assert_true(answered[503] > 0);
    assert_true(answered[403] > 0);
    assert_true(p99 < 50.0);
}

/* ---- operations: the health endpoint and the backup ------------------------------------- */

static void health_says_ok_and_backup_copies_while_serving(void **state)
{
    struct response r;
    http_at(port, "GET", "/health", NULL, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ok\n");
    assert_true(header_is(&r, "Cache-Control", "no-store"));
    http_at(port, "GET", "/healthz", NULL, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 404);
    http_at(port, "POST", "/health", NULL, "text/plain", "x", 1, &r);
    assert_int_equal(r.status, 405);

    /* While this server runs: a copy with every inquiry, 0600, never
     * over an existing file. */
    char backup[300], cmd[1200], out[4096];
    snprintf(backup, sizeof backup, "%s/backup.db", base_dir);
    snprintf(cmd, sizeof cmd, "'%s' inquiries backup '%s' --site '%s' 2>&1", TS_BINARY, backup,
             site_dir);
    assert_int_equal(run_cli(cmd, out, sizeof out), 0);
    struct stat st;
    assert_int_equal(stat(backup, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_open_v2(backup, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM inquiries", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    long long copied = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    char *live = db_query(site_dir, "SELECT count(*) FROM inquiries WHERE ? > 0", 1);
    assert_true(copied > 0);
    assert_int_equal(copied, atoll(live));
    free(live);
    assert_int_not_equal(run_cli(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "backup"));
}

/* ---- SIGTERM with requests in flight -------------------------------------------------------- */

static void sigterm_loses_no_answered_inquiry(void **state)
{
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        struct serve_options opt = {
            .root = root_dir, .host = "127.0.0.1", .site_dir = site_dir, .rate_burst = 1000};
        struct diag d;
        diag_clear(&d);
        enum status st = serve_run(&opt, &d);
        fflush(stdout);
        _exit(st == ST_OK ? 0 : 3);
    }
    close(out[1]);
    char text[512] = "";
    size_t len = 0;
    struct pollfd pf = {out[0], POLLIN, 0};
    while (!strstr(text, "(Ctrl-C to stop)") && len + 1 < sizeof text && poll(&pf, 1, 10000) > 0) {
        ssize_t k = read(out[0], text + len, sizeof text - 1 - len);
        if (k <= 0)
            break;
        len += (size_t)k;
        text[len] = '\0';
    }
    const char *at = strstr(text, "http://127.0.0.1:");
    unsigned cport = at ? (unsigned)atoi(at + strlen("http://127.0.0.1:")) : 0;
    if (!cport) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("no start line: %s", text);
    }
    enum { N = 24 };
    int fds[N];
    char bodies[N][1024];
    for (int i = 0; i < N; i++) {
        char tok[SERVE_TOKEN_SIZE], head[256];
        token_aged(10, tok);
        int bn =
            snprintf(bodies[i], sizeof bodies[i],
                     "{\"photo_id\":\"general\",\"name\":\"Term %d\",\"email\":\"t@example.com\","
                     "\"country\":\"X\",\"usage\":\"personal\",\"media\":\"web\","
                     "\"territory\":\"X\",\"start_date\":\"2027-01-01\",\"duration\":\"1d\","
                     "\"exclusivity\":\"none\",\"description\":\"d\",\"consent\":\"yes\","
                     "\"token\":\"%s\"}",
                     i, tok);
        int hn =
            snprintf(head, sizeof head,
                     "POST /api/inquiries HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n",
                     cport, bn);
        fds[i] = connect_port(cport);
        send_all(fds[i], head, (size_t)hn);
        send_all(fds[i], bodies[i], (size_t)bn);
        if (i == 0) {
            /* the first is answered before the signal: at least one 201 */
            struct response r;
            read_response(fds[0], &r);
            assert_int_equal(r.status, 201);
            close(fds[0]);
            fds[0] = -1;
            long long id = atoll(r.body + strlen("{\"id\":"));
            assert_true(id > 0);
            snprintf(bodies[0], sizeof bodies[0], "%lld", id);
        }
    }
    /* Some requests are being stored when the signal comes. */
    usleep(20000);
    kill(pid, SIGTERM);
    long long ids[N];
    int answered = 0;
    ids[answered++] = atoll(bodies[0]);
    for (int i = 1; i < N; i++) {
        struct response r;
        read_response(fds[i], &r);
        close(fds[i]);
        if (r.status == 201)
            ids[answered++] = atoll(r.body + strlen("{\"id\":"));
        else if (r.status != 0)
            fail_msg("request %d answered %d", i, r.status);
    }
    int status = 0;
    for (int i = 0; i < 500 && waitpid(pid, &status, WNOHANG) != pid; i++)
        usleep(20000);
    if (kill(pid, 0) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("the server did not stop on SIGTERM");
    }
    close(out[0]);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* "After restart": a fresh store open sees every answered inquiry. */
    struct serve_store *st = NULL;
    struct diag d;
    diag_clear(&d);
    const struct serve_store_options where = {.site_dir = site_dir};
    assert_int_equal(serve_store_open(&where, &st, &d), ST_OK);
    for (int i = 0; i < answered; i++) {
        struct serve_row row;
        if (serve_store_get(st, ids[i], &row, &d) != ST_OK)
            fail_msg("inquiry %lld answered 201 but not stored", ids[i]);
        assert_true(strncmp(row.q.v[SF_NAME], "Term ", 5) == 0);
        serve_row_clear(&row);
    }
    serve_store_close(st);
    print_message("%d of %d in-flight inquiries were answered 201, all stored\n", answered, N);
}

/* ---- the notification hook ------------------------------------------------------------------ */

/* The good form (with field = value) to a server of another site,
 * with a token signed by that site's key; the stored id. */
static long long post_to_site(unsigned p, const char *site, const char *field, const char *value)
{
    uint8_t skey[SERVE_KEY_BYTES], nonce[SERVE_NONCE_BYTES];
    char tok[SERVE_TOKEN_SIZE];
    struct diag d;
    struct buf b;
    struct response r;
    diag_clear(&d);
    assert_int_equal(serve_secret_load(site, skey, &d), ST_OK);
    assert_true(serve_random(nonce, sizeof nonce));
    serve_token_make(skey, time(NULL) - 10, nonce, tok);
    form_with(field, value, tok, &b);
    http_at(p, "POST", "/api/inquiries", NULL, "application/x-www-form-urlencoded", b.data, b.len,
            &r);
    buf_free(&b);
    assert_int_equal(r.status, 303);
    return id_in_location(&r);
}

static void hook_failure_keeps_inquiry_and_retries(void **state)
{
    char yaml[1200], hook[400], marker[400], mail[400];
    snprintf(hook_site, sizeof hook_site, "%s/hooksite", base_dir);
    snprintf(hook, sizeof hook, "%s/hook.sh", base_dir);
    snprintf(marker, sizeof marker, "%s/hook-failed-once", base_dir);
    snprintf(mail, sizeof mail, "%s/mail.txt", base_dir);
    char script[2000];
    snprintf(script, sizeof script,
             "#!/bin/sh\nif [ ! -e '%s' ]; then touch '%s'; echo 'hook: failing once' >&2; "
             "exit 1; fi\ncat > '%s'\n",
             marker, marker, mail);
    write_file(hook, script);
    snprintf(yaml, sizeof yaml, "title: Hooks\nnotify: \"sh %s\"\n", hook);
    make_site(hook_site, yaml);
    char hroot[300];
    snprintf(hroot, sizeof hroot, "%s/public", hook_site);
    struct serve *hs = NULL;
    unsigned hport = 0;
    struct diag d;
    diag_clear(&d);
    struct serve_options opt = {.root = hroot,
                                .host = "127.0.0.1",
                                .site_dir = hook_site,
                                .rate_burst = 100,
                                .notify_retry_s = 1};
    struct story_site *cfg = NULL;
    assert_int_equal(site_settings(hook_site, &opt, &cfg, &d), ST_OK);
    assert_int_equal(serve_start(&opt, &hs, &hport, &d), ST_OK);
    long long id = post_to_site(hport, hook_site, "name", "Hook Person");
    /* Stored at once, whatever the hook does. */
    char *v = db_value(hook_site, id, "name");
    assert_string_equal(v, "Hook Person");
    free(v);
    bool delivered = false;
    for (int i = 0; i < 150 && !delivered; i++) {
        usleep(100000);
        FILE *f = fopen(mail, "r");
        if (f) {
            char got[4096];
            size_t n = fread(got, 1, sizeof got - 1, f);
            got[n] = '\0';
            fclose(f);
            delivered = strstr(got, "Hook Person") && strstr(got, "Subject: Licensing inquiry");
        }
    }
    serve_stop(hs);
    story_site_free(cfg);
    assert_true(access(marker, F_OK) == 0); /* it did fail first */
    assert_true(delivered);
    /* The queue says: done after two tries. */
    char *v2 = db_query(
        hook_site, "SELECT attempts || ',' || done FROM notifications WHERE inquiry_id = ?", id);
    assert_string_equal(v2, "2,1");
    free(v2);
}

/* A hook that hangs does not hold the server's stop; its notification
 * stays queued for the next start. */
static void hanging_hook_does_not_hold_the_stop(void **state)
{
    char site[300], root[350];
    snprintf(site, sizeof site, "%s/hangsite", base_dir);
    make_site(site, "notify: \"sleep 30\"\n");
    snprintf(root, sizeof root, "%s/public", site);
    struct serve *hs = NULL;
    unsigned hport = 0;
    struct diag d;
    diag_clear(&d);
    struct serve_options opt = {.root = root,
                                .host = "127.0.0.1",
                                .site_dir = site,
                                .rate_burst = 10,
                                .notify = "sleep 30"};
    assert_int_equal(serve_start(&opt, &hs, &hport, &d), ST_OK);
    long long id = post_to_site(hport, site, NULL, NULL);
    usleep(500000); /* the hook is running */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    serve_stop(hs);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 5);
    char *v = db_query(
        site, "SELECT done || ',' || last_error FROM notifications WHERE inquiry_id = ?", id);
    assert_string_equal(v, "0,was stopped with the server");
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_form_is_stored_and_listed),
        cmocka_unit_test(valid_json_is_answered_201),
        cmocka_unit_test(each_field_refuses_its_bad_values),
        cmocka_unit_test(missing_fields_are_each_named),
        cmocka_unit_test(oversize_bad_type_and_bad_utf8_bodies_are_refused),
        cmocka_unit_test(tokens_replayed_too_fast_or_forged_are_refused),
        cmocka_unit_test(cross_site_posts_are_forbidden),
        cmocka_unit_test(rate_limit_answers_429),
        cmocka_unit_test(proof_of_work_from_site_yaml),
        cmocka_unit_test(owner_page_escapes_and_needs_login_and_csrf),
        cmocka_unit_test(login_rotates_the_session_id),
        cmocka_unit_test(owner_login_budget_is_shared_by_every_network),
        cmocka_unit_test(owner_login_flood_leaves_static_files_fast),
        cmocka_unit_test(hook_failure_keeps_inquiry_and_retries),
        cmocka_unit_test(hanging_hook_does_not_hold_the_stop),
        cmocka_unit_test(health_says_ok_and_backup_copies_while_serving),
        cmocka_unit_test(sigterm_loses_no_answered_inquiry),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
