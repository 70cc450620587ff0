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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/serve.h"
#include "serve/lic.h"
#include "select.h"

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

/* ---- the inquiry fields table ------------------------------------------- */

static bool field_ok(enum serve_field f, const char *v)
{
    const char *why = NULL;
    bool ok = serve_field_check(f, v, strlen(v), &why);
    if (!ok)
        assert_non_null(why);
    return ok;
}

static void field_rules_accept_good_and_refuse_bad_values(void **state)
{
    static const struct {
        enum serve_field f;
        const char *v;
        bool ok;
    } cases[] = {
        {SF_PHOTO_ID, "general", true},
        {SF_PHOTO_ID, "kim-ryon-hui/kim-01", true},
        {SF_PHOTO_ID, "kim/x..y", true}, /* syntax only; photos.json decides */
        {SF_PHOTO_ID, "kim/..", false},
        {SF_PHOTO_ID, "kim/../etc", false},
        {SF_PHOTO_ID, "../x", false},
        {SF_PHOTO_ID, "nophoto", false},
        {SF_PHOTO_ID, "a/b/c", false},
        {SF_PHOTO_ID, "a/<b>", false},
        {SF_PHOTO_ID, "/b", false},
        {SF_NAME, "Kim Ryon-hui 김련희", true},
        {SF_NAME, "two\nlines", false},
        {SF_NAME, "tab\there", false},
        {SF_NAME, "c1 \xc2\x85 control", false},
        {SF_NAME, "bad utf8 \xff", false},
        {SF_EMAIL, "editor@spiegel.de", true},
        {SF_EMAIL, "a.b+c@mail.example.co.kr", true},
        {SF_EMAIL, "no-at.example.com", false},
        {SF_EMAIL, "two@@example.com", false},
        {SF_EMAIL, "a@b@example.com", false},
        {SF_EMAIL, "a@localhost", false},
        {SF_EMAIL, "a b@example.com", false},
        {SF_EMAIL, "a@-example.com", false},
        {SF_EMAIL, "a@example..com", false},
        {SF_EMAIL, "a@example.com.", false},
        {SF_EMAIL, "<a>@example.com", false},
        {SF_USAGE, "editorial", true},
        {SF_USAGE, "non-profit", true},
        {SF_USAGE, "Editorial", false},
        {SF_USAGE, "free", false},
        {SF_MEDIA, "tv-film", true},
        {SF_MEDIA, "radio", false},
        {SF_START_DATE, "2026-02-28", true},
        {SF_START_DATE, "2024-02-29", true},
        {SF_START_DATE, "2026-02-29", false},
        {SF_START_DATE, "2026-13-01", false},
        {SF_START_DATE, "2026-1-01", false},
        {SF_START_DATE, "26-01-01xx", false},
        {SF_DEADLINE, "1899-12-31", false},
        {SF_EXCLUSIVITY, "exclusive", true},
        {SF_EXCLUSIVITY, "yes", false},
        {SF_CONSENT, "yes", true},
        {SF_CONSENT, "on", false},
        {SF_WEBSITE, "", true},
        {SF_WEBSITE, "http://spam.example", false},
        {SF_DESCRIPTION, "line one\nline two\ttabbed", true},
        {SF_DESCRIPTION, "bell \a", false},
        {SF_TOKEN, "123.abc", true},
        {SF_TOKEN, "123.ABC", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (field_ok(cases[i].f, cases[i].v) != cases[i].ok)
            fail_msg("%s = '%s' should be %s", serve_fields[cases[i].f].name, cases[i].v,
                     cases[i].ok ? "accepted" : "refused");
}

static void every_field_has_a_limit_and_a_validator(void **state)
{
    char big[6000];
    for (int f = 0; f < SERVE_FIELD_COUNT; f++) {
        const struct serve_field_rule *r = &serve_fields[f];
        const char *why = NULL;
        assert_non_null(r->name);
        assert_non_null(r->valid);
        assert_true(r->max > 0 && r->max < sizeof big);
        memset(big, 'a', r->max + 1);
        assert_false(serve_field_check((enum serve_field)f, big, r->max + 1, &why));
        assert_non_null(strstr(why, "too long"));
    }
    /* A NUL inside is refused even where the rest would pass. */
    const char *why = NULL;
    assert_false(serve_field_check(SF_NAME, "a\0b", 3, &why));
}

static const char valid_form[] =
    "photo_id=general&name=Kim+Min-ji&organisation=&email=kim%40example.com&country=Korea"
    "&usage=editorial&media=print&media=web&media=print&territory=Worldwide"
    "&start_date=2026-12-01&duration=1+year&exclusivity=none&description=For+a+feature%0D%0A"
    "second+line&consent=yes&website=&token=1.a&submit=Send";

static void form_bodies_parse_into_the_table(void **state)
{
    struct serve_inquiry q;
    struct serve_errors e;
    assert_int_equal(serve_inquiry_parse(SERVE_BODY_FORM, (const uint8_t *)valid_form,
                                         strlen(valid_form), &q, &e),
                     ST_OK);
    assert_string_equal(q.v[SF_NAME], "Kim Min-ji");
    assert_string_equal(q.v[SF_EMAIL], "kim@example.com");
    assert_string_equal(q.v[SF_MEDIA], "print,web");
    assert_string_equal(q.v[SF_DESCRIPTION], "For a feature\nsecond line");
    assert_null(q.v[SF_ORGANISATION]);
    serve_inquiry_clear(&q);

    static const char bad_escape[] = "name=%zz";
    assert_int_equal(serve_inquiry_parse(SERVE_BODY_FORM, (const uint8_t *)bad_escape,
                                         strlen(bad_escape), &q, &e),
                     ST_MALFORMED);
    assert_string_equal(e.e[0].field, "body");
    serve_inquiry_clear(&q);

    static const char twice[] = "name=a&name=b";
    serve_inquiry_parse(SERVE_BODY_FORM, (const uint8_t *)twice, strlen(twice), &q, &e);
    bool found = false;
    for (unsigned i = 0; i < e.n; i++)
        found |= strcmp(e.e[i].field, "name") == 0 && strstr(e.e[i].message, "more than once");
    assert_true(found);
    serve_inquiry_clear(&q);

    static const char encoded_bad_utf8[] = "name=%FF%FE";
    serve_inquiry_parse(SERVE_BODY_FORM, (const uint8_t *)encoded_bad_utf8,
                        strlen(encoded_bad_utf8), &q, &e);
    assert_string_equal(e.e[0].field, "name");
    assert_non_null(strstr(e.e[0].message, "UTF-8"));
    serve_inquiry_clear(&q);

    char many[2000] = "";
    for (int i = 0; i < TS_LIMIT_INQUIRY_PAIRS + 1; i++)
        strcat(many, "x=1&");
    assert_int_equal(
        serve_inquiry_parse(SERVE_BODY_FORM, (const uint8_t *)many, strlen(many), &q, &e),
        ST_MALFORMED);
    assert_string_equal(e.e[0].field, "body");
    serve_inquiry_clear(&q);
}

static void json_bodies_parse_into_the_table(void **state)
{
    struct serve_inquiry q;
    struct serve_errors e;
    static const char ok[] =
        "{\"photo_id\":\"general\",\"name\":\"A\",\"email\":\"a@b.example\",\"country\":\"FR\","
        "\"usage\":\"personal\",\"media\":[\"web\",\"book\"],\"territory\":\"FR\","
        "\"start_date\":\"2027-01-01\",\"duration\":\"1 month\",\"exclusivity\":\"none\","
        "\"description\":\"x\",\"consent\":true,\"token\":\"1.a\"}";
    assert_int_equal(serve_inquiry_parse(SERVE_BODY_JSON, (const uint8_t *)ok, strlen(ok), &q, &e),
                     ST_OK);
    assert_string_equal(q.v[SF_MEDIA], "web,book");
    assert_string_equal(q.v[SF_CONSENT], "yes");
    serve_inquiry_clear(&q);
    static const char *const bad[] = {
        "[1,2]", "{\"name\":1}", "{\"name\":\"a\\u0000b\"}", "{\"name\":\"a\",\"name\":\"b\"}",
        "{",     "\"x\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(
            serve_inquiry_parse(SERVE_BODY_JSON, (const uint8_t *)bad[i], strlen(bad[i]), &q, &e),
            ST_MALFORMED);
        serve_inquiry_clear(&q);
    }
    /* Missing fields are each named. */
    serve_inquiry_parse(SERVE_BODY_JSON, (const uint8_t *)"{}", 2, &q, &e);
    unsigned required = 0;
    for (int f = 0; f < SERVE_FIELD_COUNT; f++)
        required += serve_fields[f].required;
    assert_int_equal(e.n, required);
    serve_inquiry_clear(&q);
}

/* ---- tokens ----------------------------------------------------------------- */

static void tokens_check_signature_age_and_form(void **state)
{
    uint8_t key[SERVE_KEY_BYTES], other[SERVE_KEY_BYTES], nonce[SERVE_NONCE_BYTES];
    char tok[SERVE_TOKEN_SIZE], seen[33];
    memset(key, 7, sizeof key);
    memset(other, 8, sizeof other);
    memset(nonce, 0xab, sizeof nonce);
    time_t t = 1800000000;
    serve_token_make(key, t, nonce, tok);
    size_t n = strlen(tok);
    assert_int_equal(serve_token_check(key, tok, n, t + 10, seen), SERVE_TOKEN_OK);
    assert_string_equal(seen, "abababababababababababababababab");
    assert_int_equal(serve_token_check(key, tok, n, t + 2, seen), SERVE_TOKEN_TOO_FAST);
    assert_int_equal(serve_token_check(key, tok, n, t + SERVE_TOKEN_MIN_AGE_S, seen),
                     SERVE_TOKEN_OK);
    assert_int_equal(serve_token_check(key, tok, n, t + SERVE_TOKEN_MAX_AGE_S + 1, seen),
                     SERVE_TOKEN_EXPIRED);
    assert_int_equal(serve_token_check(other, tok, n, t + 10, seen), SERVE_TOKEN_FORGED);
    /* Moving the time forward breaks the MAC. */
    char moved[SERVE_TOKEN_SIZE];
    snprintf(moved, sizeof moved, "%s", tok);
    moved[9] = moved[9] == '0' ? '1' : '0';
    assert_int_equal(serve_token_check(key, moved, n, t + 10, seen), SERVE_TOKEN_FORGED);
    assert_int_equal(serve_token_check(key, tok, n - 1, t + 10, seen), SERVE_TOKEN_MALFORMED);
    assert_int_equal(serve_token_check(key, "", 0, t, seen), SERVE_TOKEN_MALFORMED);
    assert_int_equal(serve_token_check(key, "1.2.3", 5, t, seen), SERVE_TOKEN_MALFORMED);
    char upper[SERVE_TOKEN_SIZE];
    snprintf(upper, sizeof upper, "%s", tok);
    upper[n - 1] = 'G';
    assert_int_equal(serve_token_check(key, upper, n, t + 10, seen), SERVE_TOKEN_MALFORMED);
}

static void proof_of_work_needs_leading_zero_bits(void **state)
{
    char answer[16];
    unsigned i = 0;
    for (; i < 100000; i++) {
        snprintf(answer, sizeof answer, "%u", i);
        if (serve_pow_check("tok", answer, 8))
            break;
    }
    assert_true(i < 100000);
    assert_true(serve_pow_check("tok", answer, 0));
    /* An answer for one token does not serve another (most of the time:
     * find one that fails). */
    bool some_fail = false;
    for (unsigned k = 0; k < 8 && !some_fail; k++) {
        char other[16];
        snprintf(other, sizeof other, "tok%u", k);
        some_fail = !serve_pow_check(other, answer, 8);
    }
    assert_true(some_fail);
    assert_false(serve_pow_check("tok", NULL, 8));
}

static void passwords_hash_with_salt_and_verify(void **state)
{
    char a[SERVE_PWHASH_SIZE], b[SERVE_PWHASH_SIZE];
    struct diag d;
    diag_clear(&d);
    assert_int_equal(serve_password_hash("correct horse battery", a, &d), ST_OK);
    assert_int_equal(serve_password_hash("correct horse battery", b, &d), ST_OK);
    assert_string_not_equal(a, b); /* salted */
    assert_non_null(strstr(a, "scrypt$15$8$1$"));
    assert_true(serve_password_verify("correct horse battery", a));
    assert_false(serve_password_verify("correct horse batterY", a));
    assert_false(serve_password_verify("correct horse battery", "scrypt$15$8$1$00$00"));
    assert_false(serve_password_verify("x", ""));
}

/* ---- rate limits: one bucket per IPv4 address or IPv6 /64 ---------------------- */

static void rate_counts_networks_not_addresses(void **state)
{
    uint8_t a[SERVE_RATE_KEY_BYTES], b[SERVE_RATE_KEY_BYTES];
    assert_true(serve_rate_key("2001:db8:1:2::1", a));
    assert_true(serve_rate_key("2001:db8:1:2:ffff:ffff:ffff:ffff", b));
    assert_memory_equal(a, b, sizeof a);
    assert_true(serve_rate_key("2001:db8:1:3::1", b));
    assert_memory_not_equal(a, b, sizeof a);
    /* IPv4: the whole address; mapped IPv6 counts as the IPv4. */
    assert_true(serve_rate_key("192.0.2.1", a));
    assert_true(serve_rate_key("::ffff:192.0.2.1", b));
    assert_memory_equal(a, b, sizeof a);
    assert_true(serve_rate_key("192.0.2.2", b));
    assert_memory_not_equal(a, b, sizeof a);
    assert_false(serve_rate_key("example.com", a));
    assert_false(serve_rate_key("", a));

    struct serve_rate *r = NULL;
    struct diag d;
    unsigned retry = 0;
    diag_clear(&d);
    assert_int_equal(serve_rate_new(3, 60, 16, &r, &d), ST_OK);
    char addr[64];
    for (int i = 0; i < 3; i++) {
        snprintf(addr, sizeof addr, "2001:db8:1:2::%x", i + 1);
        assert_true(serve_rate_take(r, addr, 1000, &retry));
    }
    assert_false(serve_rate_take(r, "2001:db8:1:2:dead:beef::9", 1000, &retry));
    assert_true(retry > 0 && retry <= 61);
    assert_true(serve_rate_take(r, "2001:db8:1:3::1", 1000, &retry));
    assert_true(serve_rate_take(r, "2001:db8:1:2::1", 1060, &retry)); /* refilled one */
    /* A fixed table: 100 networks through 16 slots grow nothing. */
    for (int i = 0; i < 100; i++) {
        snprintf(addr, sizeof addr, "10.0.%d.%d", i / 250, i % 250);
        assert_true(serve_rate_take(r, addr, 2000 + i, &retry));
    }
    /* NULL: the one bucket of a global budget. */
    for (int i = 0; i < 3; i++)
        assert_true(serve_rate_take(r, NULL, 5000, &retry));
    assert_false(serve_rate_take(r, NULL, 5000, &retry));
    serve_rate_free(r);
}

/* ---- the store's contract, on each engine ------------------------------------------ *
 *
 * Every store_ case runs on SQLite (a fresh site folder) and, when
 * TS_STORE_PG_URI names a PostgreSQL database (tests/store_pg.py starts
 * a throw-away one; the password comes from PGPASSWORD, libpq's own),
 * on that too: the same calls must mean the same on both. */

struct engine {
    char dir[64];
    struct serve_store_options o;
};

static int engines(struct engine e[2])
{
    int n = 0;
    memset(e, 0, 2 * sizeof *e);
    snprintf(e[0].dir, sizeof e[0].dir, "/tmp/ts-store-XXXXXX");
    assert_non_null(mkdtemp(e[0].dir));
    e[0].o.site_dir = e[0].dir;
    n = 1;
    const char *uri = getenv("TS_STORE_PG_URI");
    if (uri && uri[0]) {
        memcpy(e[1].dir, e[0].dir, sizeof e[1].dir);
        e[1].o.site_dir = e[1].dir;
        e[1].o.uri = uri;
        n = 2;
    }
    return n;
}

static void engines_done(struct engine e[2])
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", e[0].dir);
    assert_int_equal(system(cmd), 0);
}

static struct serve_store *open_store(const struct serve_store_options *o)
{
    struct serve_store *s = NULL;
    struct diag d;
    char why[TS_LIMIT_PATH + 512];
    diag_clear(&d);
    if (serve_store_open(o, &s, &d) != ST_OK) {
        diag_format(&d, why, sizeof why);
        fail_msg("cannot open the store: %s", why);
    }
    print_message("  on %s\n", s->ops->name);
    return s;
}

static void random_hex(char out[33])
{
    uint8_t raw[16];
    assert_true(serve_random(raw, sizeof raw));
    serve_hex(raw, sizeof raw, out);
}

static enum status count_named(void *ud, const struct serve_row *r)
{
    const char **name = ud;
    if (r->q.v[SF_NAME] && strcmp(r->q.v[SF_NAME], name[0]) == 0)
        (*(int *)(void *)name[1])++;
    return ST_OK;
}

static int stored_as(struct serve_store *s, const char *name)
{
    int n = 0;
    const char *ctx[2] = {name, (const char *)(void *)&n};
    struct diag d;
    diag_clear(&d);
    assert_int_equal(serve_store_each(s, count_named, ctx, &d), ST_OK);
    return n;
}

static void store_a_token_stores_one_inquiry(void **state)
{
    struct engine e[2];
    int n = engines(e);
    for (int k = 0; k < n; k++) {
        struct serve_store *s = open_store(&e[k].o);
        struct serve_inquiry q;
        struct serve_row row;
        struct diag d;
        char nonce[33], name[64];
        int64_t id = 0, again = 0, other = 0;
        bool replayed = true;
        time_t now = time(NULL);
        diag_clear(&d);
        memset(&q, 0, sizeof q);
        random_hex(nonce);
        snprintf(name, sizeof name, "Once %s", nonce);
        q.v[SF_PHOTO_ID] = "general";
        q.v[SF_NAME] = name;
        q.v[SF_EMAIL] = "once@example.org";
        q.v[SF_DESCRIPTION] = "Ünïcode — 사진 and 'quotes'; DROP TABLE inquiries; --";
        assert_int_equal(serve_store_add(s, &q, nonce, now, false, &id, &replayed, &d), ST_OK);
        assert_false(replayed);
        assert_true(id > 0);
        /* the same post again: the first one's id, nothing stored */
        assert_int_equal(serve_store_add(s, &q, nonce, now + 1, false, &again, &replayed, &d),
                         ST_OK);
        assert_true(replayed);
        assert_int_equal(again, id);
        assert_int_equal(stored_as(s, name), 1);
        /* no token (the owner's own tools): a new inquiry each time */
        assert_int_equal(serve_store_add(s, &q, NULL, now, false, &other, &replayed, &d), ST_OK);
        assert_false(replayed);
        assert_true(other > id);
        assert_int_equal(stored_as(s, name), 2);
        assert_int_equal(serve_store_get(s, id, &row, &d), ST_OK);
        assert_string_equal(row.q.v[SF_NAME], name);
        assert_string_equal(row.q.v[SF_DESCRIPTION], q.v[SF_DESCRIPTION]);
        assert_null(row.q.v[SF_ORGANISATION]);
        assert_string_equal(row.status, "new");
        serve_row_clear(&row);
        assert_int_equal(serve_store_mark(s, id, "quoted", &d), ST_OK);
        assert_int_equal(serve_store_get(s, id, &row, &d), ST_OK);
        assert_string_equal(row.status, "quoted");
        serve_row_clear(&row);
        assert_int_equal(serve_store_mark(s, id, "paid", &d), ST_USAGE);
        assert_int_equal(serve_store_mark(s, 2000000000, "quoted", &d), ST_NOT_FOUND);
        assert_int_equal(serve_store_get(s, 2000000000, &row, &d), ST_NOT_FOUND);
        assert_int_equal(serve_store_ping(s, &d), ST_OK);
        serve_store_close(s);
    }
    engines_done(e);
}

struct racer {
    struct serve_store *s;
    const char *nonce;
    struct serve_inquiry *q;
    pthread_barrier_t *go;
    int64_t id;
    bool replayed;
    enum status st;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct diag d;
    diag_clear(&d);
    pthread_barrier_wait(r->go);
    r->st = serve_store_add(r->s, r->q, r->nonce, time(NULL), false, &r->id, &r->replayed, &d);
    return NULL;
}

/* Two processes (two connections) given the same post at the same
 * moment, as nginx passing a post on while the first server still
 * works on it: one stores, the other answers with its id. */
static void store_one_token_posted_twice_at_once(void **state)
{
    struct engine e[2];
    int n = engines(e);
    for (int k = 0; k < n; k++) {
        for (int round = 0; round < 20; round++) {
            struct serve_store *a = open_store(&e[k].o), *b = open_store(&e[k].o);
            struct serve_inquiry q;
            char nonce[33], name[64];
            pthread_barrier_t go;
            pthread_t ta, tb;
            memset(&q, 0, sizeof q);
            random_hex(nonce);
            snprintf(name, sizeof name, "Race %s", nonce);
            q.v[SF_PHOTO_ID] = "general";
            q.v[SF_NAME] = name;
            q.v[SF_EMAIL] = "race@example.org";
            pthread_barrier_init(&go, NULL, 2);
            struct racer ra = {a, nonce, &q, &go, 0, false, ST_INTERNAL};
            struct racer rb = {b, nonce, &q, &go, 0, false, ST_INTERNAL};
            assert_int_equal(pthread_create(&ta, NULL, race, &ra), 0);
            assert_int_equal(pthread_create(&tb, NULL, race, &rb), 0);
            pthread_join(ta, NULL);
            pthread_join(tb, NULL);
            pthread_barrier_destroy(&go);
            assert_int_equal(ra.st, ST_OK);
            assert_int_equal(rb.st, ST_OK);
            assert_true(ra.replayed != rb.replayed);
            assert_true(ra.id > 0);
            assert_int_equal(ra.id, rb.id);
            assert_int_equal(stored_as(a, name), 1);
            serve_store_close(a);
            serve_store_close(b);
        }
    }
    engines_done(e);
}

static void store_owner_password_and_sessions(void **state)
{
    struct engine e[2];
    int n = engines(e);
    for (int k = 0; k < n; k++) {
        struct serve_store *a = open_store(&e[k].o), *b = open_store(&e[k].o);
        struct diag d;
        char hash[SERVE_PWHASH_SIZE], id[SERVE_SESSION_HEX], csrf[SERVE_SESSION_HEX],
            got[SERVE_SESSION_HEX];
        bool found = false;
        time_t now = time(NULL);
        diag_clear(&d);
        assert_int_equal(serve_store_set_password(a, "scrypt$first", &d), ST_OK);
        assert_int_equal(serve_store_set_password(a, "scrypt$second", &d), ST_OK);
        assert_int_equal(serve_store_get_password(b, hash, sizeof hash, &d), ST_OK);
        assert_string_equal(hash, "scrypt$second");
        /* a session opened on one server is good on the other */
        assert_int_equal(serve_store_session_new(a, now, id, csrf, &d), ST_OK);
        assert_int_equal(serve_store_session_find(b, id, now + 60, got, &found, &d), ST_OK);
        assert_true(found);
        assert_string_equal(got, csrf);
        assert_int_equal(serve_store_session_find(b, id, now + SERVE_SESSION_TTL_S + 1, got,
                                                  &found, &d),
                         ST_OK);
        assert_false(found);
        assert_int_equal(serve_store_session_end(b, id, &d), ST_OK);
        assert_int_equal(serve_store_session_find(a, id, now + 60, got, &found, &d), ST_OK);
        assert_false(found);
        serve_store_close(a);
        serve_store_close(b);
    }
    engines_done(e);
}

/* The form-token key: every process on the store signs and checks
 * with the same one (SQLite: the file beside the database; PostgreSQL:
 * the table, made by whichever process came first). */
static void store_secret_is_shared(void **state)
{
    struct engine e[2];
    int n = engines(e);
    for (int k = 0; k < n; k++) {
        struct serve_store *a = open_store(&e[k].o), *b = open_store(&e[k].o);
        uint8_t ka[SERVE_KEY_BYTES], kb[SERVE_KEY_BYTES], zero[SERVE_KEY_BYTES] = {0};
        struct diag d;
        diag_clear(&d);
        assert_int_equal(serve_store_secret(a, ka, &d), ST_OK);
        assert_int_equal(serve_store_secret(b, kb, &d), ST_OK);
        assert_memory_equal(ka, kb, sizeof ka);
        assert_memory_not_equal(ka, zero, sizeof ka);
        serve_store_close(a);
        serve_store_close(b);
    }
    engines_done(e);
}

/* Two processes on one store: a due notification is taken once. */
static void store_notification_is_leased_to_one_worker(void **state)
{
    struct engine e[2];
    int n = engines(e);
    for (int k = 0; k < n; k++) {
        struct serve_store *a = open_store(&e[k].o), *b = open_store(&e[k].o);
        struct serve_inquiry q;
        struct diag d;
        char nonce[33];
        int64_t id = 0, got = 0;
        unsigned attempts = 0;
        bool replayed = false, found = false;
        diag_clear(&d);
        memset(&q, 0, sizeof q);
        random_hex(nonce);
        q.v[SF_PHOTO_ID] = "general";
        q.v[SF_NAME] = "Lease";
        q.v[SF_EMAIL] = "l@example.org";
        assert_int_equal(serve_store_add(a, &q, nonce, 1000, true, &id, &replayed, &d), ST_OK);
        assert_int_equal(serve_store_notify_next(a, 1000, &got, &attempts, &found, &d), ST_OK);
        assert_true(found);
        assert_int_equal(got, id);
        /* the other worker does not get it while the hook may run ... */
        assert_int_equal(serve_store_notify_next(b, 1000 + TS_LIMIT_NOTIFY_TIMEOUT_S, &got,
                                                 &attempts, &found, &d),
                         ST_OK);
        assert_false(found);
        /* ... but does once the lease ran out (the first one died) */
        assert_int_equal(serve_store_notify_next(b, 1000 + TS_LIMIT_NOTIFY_TIMEOUT_S + 11, &got,
                                                 &attempts, &found, &d),
                         ST_OK);
        assert_true(found);
        assert_int_equal(got, id);
        /* sent: never taken again */
        assert_int_equal(serve_store_notify_result(b, id, true, 1, 0, NULL, &d), ST_OK);
        assert_int_equal(serve_store_notify_next(a, 999999, &got, &attempts, &found, &d), ST_OK);
        assert_false(found);
        serve_store_close(a);
        serve_store_close(b);
    }
    engines_done(e);
}

/* On PostgreSQL the rate limits are one set of buckets for every
 * server: a burst of 3 taken by two connections together, the fourth
 * refused with the time to wait, one more a refill later; another
 * network has its own bucket. (SQLite keeps them in memory: rate.c.) */
static void store_rates_are_shared(void **state)
{
    struct engine e[2];
    int n = engines(e);
    for (int k = 0; k < n; k++) {
        struct serve_store *a = open_store(&e[k].o), *b = open_store(&e[k].o);
        if (a->ops->secret_in_file) {
            serve_store_close(a);
            serve_store_close(b);
            continue;
        }
        struct diag d;
        char bucket[33];
        bool ok = false;
        unsigned retry = 0;
        time_t now = time(NULL);
        diag_clear(&d);
        random_hex(bucket);
        struct serve_store *turn[] = {a, b, a};
        for (int i = 0; i < 3; i++) {
            assert_int_equal(serve_store_rate_take(turn[i], bucket, "04c0a80001", 3, 60, now, &ok,
                                                   &retry, &d),
                             ST_OK);
            assert_true(ok);
        }
        assert_int_equal(
            serve_store_rate_take(b, bucket, "04c0a80001", 3, 60, now, &ok, &retry, &d), ST_OK);
        assert_false(ok);
        assert_int_equal(retry, 60);
        assert_int_equal(
            serve_store_rate_take(b, bucket, "04c0a80002", 3, 60, now, &ok, &retry, &d), ST_OK);
        assert_true(ok);
        assert_int_equal(
            serve_store_rate_take(a, bucket, "04c0a80001", 3, 60, now + 60, &ok, &retry, &d),
            ST_OK);
        assert_true(ok);
        assert_int_equal(
            serve_store_rate_take(a, bucket, "04c0a80001", 3, 60, now + 60, &ok, &retry, &d),
            ST_OK);
        assert_false(ok);
        serve_store_close(a);
        serve_store_close(b);
    }
    engines_done(e);
}

/* site.yaml is copied, shared and committed: a password in the URI is
 * refused before any connection, and the message does not repeat it. */
static void store_uri_with_a_password_is_refused(void **state)
{
    static const char *const bad[] = {
        "postgresql://owner:hunter2secret@db.example/tearsheet",
        "postgresql://owner@db.example/tearsheet?password=hunter2secret",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const struct serve_store_options o = {.site_dir = "/nonexistent", .uri = bad[i]};
        struct serve_store *s = NULL;
        struct diag d;
        char why[TS_LIMIT_PATH + 512];
        diag_clear(&d);
        assert_int_equal(serve_store_open(&o, &s, &d), ST_CONFIG);
        assert_null(s);
        diag_format(&d, why, sizeof why);
        assert_non_null(strstr(why, "PGPASSWORD"));
        assert_non_null(strstr(why, "site.yaml"));
        assert_null(strstr(why, "hunter2"));
    }
    const struct serve_store_options other = {.site_dir = "/nonexistent", .uri = "mysql://x/y"};
    struct serve_store *s = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(serve_store_open(&other, &s, &d), ST_CONFIG);
}

int main(int argc, char **argv)
{
    ts_unit_select(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rate_counts_networks_not_addresses),
        cmocka_unit_test(store_a_token_stores_one_inquiry),
        cmocka_unit_test(store_one_token_posted_twice_at_once),
        cmocka_unit_test(store_owner_password_and_sessions),
        cmocka_unit_test(store_secret_is_shared),
        cmocka_unit_test(store_notification_is_leased_to_one_worker),
        cmocka_unit_test(store_rates_are_shared),
        cmocka_unit_test(store_uri_with_a_password_is_refused),
        cmocka_unit_test(listen_accepts_hosts_ports_and_brackets),
        cmocka_unit_test(listen_refuses_what_it_cannot_bind),
        cmocka_unit_test(paths_map_to_names_under_the_root),
        cmocka_unit_test(paths_that_could_leave_the_root_are_refused),
        cmocka_unit_test(overlong_paths_are_a_limit),
        cmocka_unit_test(content_types_follow_the_extension),
        cmocka_unit_test(hashed_names_follow_the_generator_pattern),
        cmocka_unit_test(http_dates_round_trip_and_refuse_other_forms),
        cmocka_unit_test(if_none_match_compares_weakly),
        cmocka_unit_test(field_rules_accept_good_and_refuse_bad_values),
        cmocka_unit_test(every_field_has_a_limit_and_a_validator),
        cmocka_unit_test(form_bodies_parse_into_the_table),
        cmocka_unit_test(json_bodies_parse_into_the_table),
        cmocka_unit_test(tokens_check_signature_age_and_form),
        cmocka_unit_test(proof_of_work_needs_leading_zero_bits),
        cmocka_unit_test(passwords_hash_with_salt_and_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
