/*
 * test_serve.c — the serve module's pure parts: --listen parsing, the
 * request path → file path mapping, content types, the hashed-name
 * rule, HTTP dates and If-None-Match. The server itself is tested over
 * real sockets in tests/http/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "serve/serve.h"

static enum status listen_of(const char *s, char *host, unsigned *port)
{
    struct diag d;
    diag_clear(&d);
    return serve_parse_listen(s, host, 64, port, &d);
}

static void listen_accepts_hosts_ports_and_brackets(void **state)
{
    char host[64];
    unsigned port = 1;
    assert_int_equal(listen_of("127.0.0.1:8080", host, &port), ST_OK);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 8080);
    assert_int_equal(listen_of("[::1]:443", host, &port), ST_OK);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 443);
    assert_int_equal(listen_of("[::]:80", host, &port), ST_OK);
    assert_string_equal(host, "::");
    assert_int_equal(listen_of("localhost:0", host, &port), ST_OK);
    assert_string_equal(host, "localhost");
    assert_int_equal(port, 0);
    assert_int_equal(listen_of("0.0.0.0:65535", host, &port), ST_OK);
    assert_int_equal(port, 65535);
    /* ":PORT" stays on loopback. */
    assert_int_equal(listen_of(":9000", host, &port), ST_OK);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 9000);
}

static void listen_refuses_what_it_cannot_bind(void **state)
{
    static const char *const bad[] = {
        "",
        "8080",
        "127.0.0.1",
        "127.0.0.1:",
        "127.0.0.1:65536",
        "127.0.0.1:-1",
        "127.0.0.1:+80",
        "127.0.0.1:80x",
        "::1:8080",
        "[::1]8080",
        "[::1",
        "[]:80",
        "[127.0.0.1]:80",
        "example.com:80",
        "256.0.0.1:80",
        "127.0.0.1:000080",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char host[64] = "unchanged";
        unsigned port = 0;
        struct diag d;
        diag_clear(&d);
        if (serve_parse_listen(bad[i], host, sizeof host, &port, &d) == ST_OK)
            fail_msg("'%s' was accepted", bad[i]);
        assert_string_equal(d.field, "--listen");
        assert_true(d.message[0] != '\0');
    }
    struct diag d;
    char tiny[4];
    unsigned port;
    diag_clear(&d);
    assert_int_equal(serve_parse_listen("127.0.0.1:80", tiny, sizeof tiny, &port, &d), ST_LIMIT);
    assert_int_equal(serve_parse_listen(NULL, tiny, sizeof tiny, &port, &d), ST_USAGE);
}

static enum status map(const char *raw, char *rel)
{
    struct diag d;
    diag_clear(&d);
    return serve_map_path(raw, strlen(raw), rel, TS_LIMIT_HTTP_URL + 1, &d);
}

static void paths_map_to_names_under_the_root(void **state)
{
    static const struct {
        const char *raw, *rel;
    } ok[] = {
        {"/", ""},
        {"/index.html", "index.html"},
        {"/story/", "story/"},
        {"/story", "story"},
        {"/story/kim-01.3fa9c2d1e0-960.webp", "story/kim-01.3fa9c2d1e0-960.webp"},
        {"/%ea%b9%80%eb%a0%a8%ed%9d%ac/", "\xea\xb9\x80\xeb\xa0\xa8\xed\x9d\xac/"},
        {"/a%20b.html", "a b.html"},
        {"/%2541", "%41"}, /* decoded once: "%25" is '%', no second pass */
        {"/a..b/c...", "a..b/c..."},
        {"/.well-known/security.txt", ".well-known/security.txt"},
        {"/a+b;c=d@e", "a+b;c=d@e"},
    };
    char rel[TS_LIMIT_HTTP_URL + 1];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (map(ok[i].raw, rel) != ST_OK)
            fail_msg("'%s' was refused", ok[i].raw);
        assert_string_equal(rel, ok[i].rel);
    }
}

static void paths_that_could_leave_the_root_are_refused(void **state)
{
    static const char *const malformed[] = {
        "",
        "index.html",
        "../etc/passwd",
        "/..",
        "/../x",
        "/%2e%2e/x",
        "/%2E%2e/x",
        "/story/..",
        "/story/../x",
        "/story/..%2fx",
        "/%2e%2e%2fx",
        "/story%2F..%2F..",
        "/a%2fb",
        "//etc/passwd",
        "/a//b",
        "/./a",
        "/a/./b",
        "/a/.",
        "/%2e/a",
        "/\\..\\x",
        "/a%5cb",
        "/%00",
        "/index.html%00.png",
        "/a%0ab",
        "/a%7f",
        "/a b",
        "/%",
        "/%2",
        "/%zz",
        "/%c0%ae%c0%ae/x", /* overlong '.', not UTF-8 */
        "/%ff",
    };
    char rel[TS_LIMIT_HTTP_URL + 1];
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        enum status st = map(malformed[i], rel);
        if (st != ST_MALFORMED)
            fail_msg("'%s' gave %s, not malformed", malformed[i], status_str(st));
        assert_string_equal(rel, "");
    }
    /* A raw NUL inside the given length is refused too. */
    static const char with_nul[] = "/a\0/../../x";
    struct diag d;
    diag_clear(&d);
    assert_int_equal(serve_map_path(with_nul, sizeof with_nul - 1, rel, sizeof rel, &d),
                     ST_MALFORMED);
    assert_int_equal(map("/.git/config", rel), ST_NOT_FOUND);
    assert_int_equal(map("/story/.DS_Store", rel), ST_NOT_FOUND);
    assert_int_equal(map("/%2egit/config", rel), ST_NOT_FOUND);
}

static void overlong_paths_are_a_limit(void **state)
{
    char raw[TS_LIMIT_HTTP_URL + 2];
    char rel[TS_LIMIT_HTTP_URL + 1];
    struct diag d;
    raw[0] = '/';
    memset(raw + 1, 'a', sizeof raw - 1);
    diag_clear(&d);
    assert_int_equal(serve_map_path(raw, TS_LIMIT_HTTP_URL, rel, sizeof rel, &d), ST_OK);
    assert_int_equal(strlen(rel), TS_LIMIT_HTTP_URL - 1);
    assert_int_equal(serve_map_path(raw, TS_LIMIT_HTTP_URL + 1, rel, sizeof rel, &d), ST_LIMIT);
    /* An output buffer that could not hold the result is refused, not
     * overrun. */
    char small[8];
    assert_int_equal(serve_map_path("/abcdefghij", 11, small, sizeof small, &d), ST_INTERNAL);
}

static void content_types_follow_the_extension(void **state)
{
    assert_string_equal(serve_content_type("index.html"), "text/html; charset=utf-8");
    assert_string_equal(serve_content_type("story/INDEX.HTML"), "text/html; charset=utf-8");
    assert_string_equal(serve_content_type("kim-01.3fa9c2d1e0-960.webp"), "image/webp");
    assert_string_equal(serve_content_type("a.AVIF"), "image/avif");
    assert_string_equal(serve_content_type("kim-01.c2pa"), "application/c2pa");
    assert_string_equal(serve_content_type("feed.xml"), "application/xml");
    assert_string_equal(serve_content_type("fonts/a.woff2"), "font/woff2");
    assert_string_equal(serve_content_type("README"), "application/octet-stream");
    assert_string_equal(serve_content_type(".html"), "application/octet-stream");
    assert_string_equal(serve_content_type("dir.html/file"), "application/octet-stream");
    assert_string_equal(serve_content_type("a.html5"), "application/octet-stream");
}

static void hashed_names_follow_the_generator_pattern(void **state)
{
    static const char *const hashed[] = {
        "style.3fa9c2d1e0.css", "kim-01.3fa9c2d1e0-960.webp", "story/kim-01.3fa9c2d1e0-2400.avif",
        "a.0123456789.js",      "kim.01.3fa9c2d1e0-1.jpg",
    };
    static const char *const plain[] = {
        "index.html",
        "style.css",
        "style.3FA9C2D1E0.css",  /* the generator writes lowercase */
        "style.3fa9c2d1e.css",   /* 9 hex */
        "style.3fa9c2d1e0f.css", /* 11 hex */
        "style.3fa9c2d1g0.css",
        ".3fa9c2d1e0.css", /* no name */
        "kim-01.3fa9c2d1e0-.webp",
        "kim-01.3fa9c2d1e0-123456.webp", /* width past 5 digits */
        "kim-01-3fa9c2d1e0-960.webp",    /* hash needs its dot */
        "style.3fa9c2d1e0.",
        "style.3fa9c2d1e0",
        "3fa9c2d1e0.css",
    };
    for (size_t i = 0; i < sizeof hashed / sizeof hashed[0]; i++)
        if (!serve_name_is_hashed(hashed[i]))
            fail_msg("'%s' should count as hashed", hashed[i]);
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (serve_name_is_hashed(plain[i]))
            fail_msg("'%s' should not count as hashed", plain[i]);
}

static void http_dates_round_trip_and_refuse_other_forms(void **state)
{
    time_t t;
    char out[SERVE_HTTP_DATE_SIZE];
    assert_true(serve_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &t));
    assert_int_equal(t, 784111777);
    serve_format_http_date(t, out);
    assert_string_equal(out, "Sun, 06 Nov 1994 08:49:37 GMT");
    serve_format_http_date(0, out);
    assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_false(serve_parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", &t));
    assert_false(serve_parse_http_date("Sun Nov  6 08:49:37 1994", &t));
    assert_false(serve_parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC", &t));
    assert_false(serve_parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT", &t));
    assert_false(serve_parse_http_date("Sun, 36 Nov 1994 08:49:37 GMT", &t));
    assert_false(serve_parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT", &t));
    assert_false(serve_parse_http_date("", &t));
    assert_false(serve_parse_http_date(NULL, &t));
}

static void if_none_match_compares_weakly(void **state)
{
    const char *etag = "\"3-6b09b443.20f574a8\"";
    assert_true(serve_etag_matches("\"3-6b09b443.20f574a8\"", etag));
    assert_true(serve_etag_matches("W/\"3-6b09b443.20f574a8\"", etag));
    assert_true(serve_etag_matches("\"a\", \"3-6b09b443.20f574a8\"", etag));
    assert_true(serve_etag_matches("\"a\",W/\"3-6b09b443.20f574a8\"", etag));
    assert_true(serve_etag_matches("*", etag));
    assert_false(serve_etag_matches("\"a\"", etag));
    assert_false(serve_etag_matches("\"3-6b09b443.20f574a8", etag)); /* unterminated */
    assert_false(serve_etag_matches("3-6b09b443.20f574a8", etag));   /* unquoted */
    assert_false(serve_etag_matches("", etag));
    assert_false(serve_etag_matches(NULL, etag));
    assert_false(serve_etag_matches("W/", etag));
    assert_false(serve_etag_matches("\"a\" garbage \"3-6b09b443.20f574a8\"", etag));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listen_accepts_hosts_ports_and_brackets),
        cmocka_unit_test(listen_refuses_what_it_cannot_bind),
        cmocka_unit_test(paths_map_to_names_under_the_root),
        cmocka_unit_test(paths_that_could_leave_the_root_are_refused),
        cmocka_unit_test(overlong_paths_are_a_limit),
        cmocka_unit_test(content_types_follow_the_extension),
        cmocka_unit_test(hashed_names_follow_the_generator_pattern),
        cmocka_unit_test(http_dates_round_trip_and_refuse_other_forms),
        cmocka_unit_test(if_none_match_compares_weakly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
