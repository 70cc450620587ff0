/*
 * test_html.c — the html module: escaping of hostile strings in every
 * context, Mustache errors and limits, Markdown figures/ids/safety, and
 * the golden files tests/golden/html/NAME.md → NAME.html (byte for byte).
 *
 * Golden files are regenerated only on purpose: run this test with
 * UPDATE_GOLDEN=1 in the environment, then review the diff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html.h"

#define MAX_OUT ((size_t)1 << 20)

/* ---- helpers ---------------------------------------------------------- */

typedef enum status (*escape_fn)(struct buf *, const char *, size_t);

/* Escapes n bytes with fn and checks the result against want. */
static void expect_escape(escape_fn fn, const char *in, size_t n, const char *want)
{
    struct buf b;
    buf_init(&b, MAX_OUT);
    assert_int_equal(fn(&b, in, n), ST_OK);
    assert_string_equal(b.data ? b.data : "", want);
    buf_free(&b);
}
#define ESC(fn, lit, want) expect_escape(fn, lit, sizeof(lit) - 1, want)

static enum status render_str(const char *tmpl, const char *json, html_partial_fn pf, void *ud,
                              struct buf *out, struct diag *d)
{
    struct html_template *t = NULL;
    json_t *data = json_loads(json, 0, NULL);
    enum status st = html_template_compile("test", tmpl, strlen(tmpl), &t, d);
    if (st == ST_OK)
        st = html_render(t, data, pf, ud, out, d);
    html_template_free(t);
    json_decref(data);
    return st;
}

/* ---- escaping ---------------------------------------------------------- */

static void text_and_attr_escape_markup_and_both_quotes(void **state)
{
    ESC(html_escape_text, "<script>alert(\"x\")</script>&'",
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
    /* breaking out of an attribute needs a quote: none survives */
    ESC(html_escape_attr, "\" onmouseover=\"alert(1)", "&quot; onmouseover=&quot;alert(1)");
    ESC(html_escape_attr, "' onmouseover='alert(1)", "&#39; onmouseover=&#39;alert(1)");
    ESC(html_escape_text, "김련희, 평양", "김련희, 평양");
    ESC(html_escape_text, "", "");
    /* a feed must stay well-formed XML whatever a caption holds */
    ESC(html_escape_xml, "a\x01" "b\tc\x1f<\xef\xbf\xbf&",
        "a\xef\xbf\xbd" "b\tc\xef\xbf\xbd&lt;\xef\xbf\xbd&amp;");
    ESC(html_escape_text, "a\x01b", "a\x01b"); /* HTML text keeps it (the parser does) */
}

static void invalid_utf8_becomes_replacement_characters(void **state)
{
    /* a stray byte, a cut-short sequence, an overlong "<" (C0 BC), a
     * surrogate: each bad byte is U+FFFD, and no "<" appears */
    ESC(html_escape_text,
        "a\xff"
        "b",
        "a\xEF\xBF\xBD"
        "b");
    ESC(html_escape_text, "x\xe2\x82", "x\xEF\xBF\xBD\xEF\xBF\xBD");
    ESC(html_escape_attr,
        "\xc0\xbc"
        "script",
        "\xEF\xBF\xBD\xEF\xBF\xBD"
        "script");
    ESC(html_escape_text, "\xed\xa0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    ESC(html_escape_text, "nul\0x", "nul\xEF\xBF\xBDx");
    ESC(html_escape_json_script, "\"\xff\"", "\"\xEF\xBF\xBD\"");
    ESC(html_escape_url, "/a\xff.jpg", "/a%EF%BF%BD.jpg");
}

/* The writers append what needs no change in runs (escape.c
 * html_utf8_plain): a string escaped whole must come out as its pieces
 * escaped one by one, a piece being one ASCII byte or a run of bytes
 * >= 0x80 (an ASCII byte ends any UTF-8 sequence, so no piece depends
 * on its neighbours). 2,000 strings of bytes that need escaping, cut
 * and overlong sequences, U+2028, U+FFFE, between plain text. */
static void runs_escape_as_their_pieces_do(void **state)
{
    static const char *const parts[] = {
        "a",
        "plain text ",
        "<",
        ">",
        "&",
        "\"",
        "'",
        "\t",
        "\x01",
        "\x1f",
        "\xE2\x80\xA8",
        "\xE2\x80\xA9",
        "\xEF\xBF\xBE",
        "\xEF\xBF\xBF",
        "\xC3\xA9",
        "\xEA\xB9\x80",
        "\xF0\x9F\x93\xB7",
        "\xFF",
        "\x80",
        "\xE2\x82",
        "\xC0\xBC",
        "\xED\xA0\x80",
        "\xF4\x90\x80\x80",
    };
    static const escape_fn fns[] = {html_escape_text, html_escape_attr, html_escape_xml,
                                    html_escape_json_script};
    uint32_t seed = 16;
    (void)state;
    for (int k = 0; k < 2000; k++) {
        char in[512];
        size_t n = 0;
        int count = (int)(seed % 40);
        for (int j = 0; j < count; j++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % (sizeof parts / sizeof parts[0])];
            memcpy(in + n, p, strlen(p));
            n += strlen(p);
        }
        in[n] = '\0';
        if (k % 7 == 0 && n)
            in[seed % n] = '\0'; /* a NUL inside */
        seed = seed * 1103515245u + 12345u;
        for (size_t f = 0; f < sizeof fns / sizeof fns[0]; f++) {
            struct buf whole, pieces;
            buf_init(&whole, MAX_OUT);
            buf_init(&pieces, MAX_OUT);
            assert_int_equal(fns[f](&whole, in, n), ST_OK);
            for (size_t i = 0; i < n;) {
                size_t e = i + 1;
                if ((uint8_t)in[i] >= 0x80)
                    while (e < n && (uint8_t)in[e] >= 0x80)
                        e++;
                assert_int_equal(fns[f](&pieces, in + i, e - i), ST_OK);
                i = e;
            }
            assert_int_equal(whole.len, pieces.len);
            assert_memory_equal(whole.data ? whole.data : "", pieces.data ? pieces.data : "",
                                whole.len);
            buf_free(&whole);
            buf_free(&pieces);
        }
    }
    /* and the stops inside a long run are where the fixed cases say */
    ESC(html_escape_xml, "caption \xEF\xBF\xBE end", "caption \xEF\xBF\xBD end");
    ESC(html_escape_json_script, "{\"a\":\"x\xE2\x80\xA8y</\"}", "{\"a\":\"x\\u2028y\\u003c/\"}");
    ESC(html_escape_text, "\xEA\xB9\x80\xEB\xA0\xA8\xED\x9D\xAC <b> \xEA\xB9",
        "\xEA\xB9\x80\xEB\xA0\xA8\xED\x9D\xAC &lt;b&gt; \xEF\xBF\xBD\xEF\xBF\xBD");
}

static void active_url_schemes_become_a_hash(void **state)
{
    static const char *const hostile[] = {
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " \t\x01\x1f javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscr\ript:alert(1)",
        "javascript&#58;alert(1)",
        "javascript&colon;alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "DATA:image/svg+xml,<svg onload=alert(1)>",
        "file:///etc/passwd",
        "jar:file:x!/y",
        "livescript:x",
        "javascript\x00:alert(1)",
        "httpsx:alert(1)",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        size_t n = strlen(hostile[i]);
        if (i == 16)
            n = 20; /* the one with a NUL inside */
        struct buf b;
        buf_init(&b, MAX_OUT);
        assert_int_equal(html_escape_url(&b, hostile[i], n), ST_OK);
        if (strcmp(b.data, "#") != 0)
            fail_msg("URL %zu (%s) came out as %s", i, hostile[i], b.data);
        buf_free(&b);
    }
}

static void safe_urls_are_kept_and_encoded_for_attributes(void **state)
{
    ESC(html_escape_url, "https://example.com/a b?q=\"x\"&y=<z>",
        "https://example.com/a%20b?q=%22x%22&amp;y=%3Cz%3E");
    ESC(html_escape_url, "HTTP://EXAMPLE.COM/", "HTTP://EXAMPLE.COM/");
    ESC(html_escape_url, "mailto:kim@example.com", "mailto:kim@example.com");
    ESC(html_escape_url, "/stories/kim/#photo-2", "/stories/kim/#photo-2");
    ESC(html_escape_url, "#top", "#top");
    ESC(html_escape_url, "?page=2", "?page=2");
    ESC(html_escape_url, "kim-01.jpg", "kim-01.jpg");
    ESC(html_escape_url, "//cdn.example.com/x.jpg", "//cdn.example.com/x.jpg");
    ESC(html_escape_url, "/서울/김.jpg", "/서울/김.jpg");
    ESC(html_escape_url, "  /trimmed  ", "/trimmed");
    ESC(html_escape_url, "it's`odd\\", "it%27s%60odd%5C");
    ESC(html_escape_url, "100%", "100%25");
    ESC(html_escape_url, "%41%zz", "%41%25zz");
    /* a colon after the first slash is part of a path, not a scheme */
    ESC(html_escape_url, "/a:b", "/a:b");
    /* tab/newline vanish as they do in the browser: the scheme we judged
     * ("http") is the one the reader's browser will see */
    ESC(html_escape_url, "h\nttp://x/\ty", "http://x/y");
}

static void img_src_allows_only_raster_base64_placeholders(void **state)
{
    ESC(html_escape_img_src, "data:image/webp;base64,UklGRhIAAABXRUJQ/+8=",
        "data:image/webp;base64,UklGRhIAAABXRUJQ/+8=");
    ESC(html_escape_img_src, "data:image/svg+xml;base64,PHN2Zz4=", "#");
    ESC(html_escape_img_src, "data:image/png;base64,AA\"onerror=\"x", "#");
    ESC(html_escape_img_src, "data:text/html;base64,PHNjcmlwdD4=", "#");
    ESC(html_escape_img_src, "data:image/png,raw", "#");
    ESC(html_escape_img_src, "data:image/", "#");
    ESC(html_escape_img_src, "javascript:alert(1)", "#");
    ESC(html_escape_img_src, "/photos/kim 01.jpg", "/photos/kim%2001.jpg");
    /* html_escape_url itself never lets data: through */
    ESC(html_escape_url, "data:image/webp;base64,AAAA", "#");
}

/* api/photos.json is written with html_json_string where jansson's dump
 * wrote it: the same bytes for every ASCII byte (NUL and controls
 * included) and for UTF-8, and bad UTF-8 as U+FFFD (jansson refuses it). */
static void json_strings_are_what_jansson_writes(void **state)
{
    static const char *const texts[] = {"", "plain", "quote \" back \\ slash /",
                                        "line\nbreak\ttab\r\b\f\x01\x1f\x7f",
                                        "caf\xC3\xA9 \xEA\xB9\x80 \xF0\x9F\x93\xB7 \xE2\x80\xA8",
                                        "</script><!--"};
    (void)state;
    for (size_t k = 0; k < 128 + sizeof texts / sizeof texts[0]; k++) {
        char one = (char)k;
        const char *s = k < 128 ? &one : texts[k - 128];
        size_t n = k < 128 ? 1 : strlen(s);
        json_t *j = json_stringn(s, n);
        assert_non_null(j);
        char *want = json_dumps(j, JSON_ENCODE_ANY);
        assert_non_null(want);
        struct buf got;
        buf_init(&got, MAX_OUT);
        assert_int_equal(html_json_string(&got, s, n), ST_OK);
        assert_int_equal(got.len, strlen(want));
        assert_memory_equal(got.data, want, got.len);
        buf_free(&got);
        free(want);
        json_decref(j);
    }
    ESC(html_json_string, "a\xFF\xC0\xBC\"", "\"a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\\\"\"");
}

static void json_in_script_cannot_close_the_script(void **state)
{
    const char in[] = "{\"caption\":\"</script><script>alert(1)</script><!-- & \xE2\x80\xA8 "
                      "\xE2\x80\xA9\"}";
    struct buf b;
    buf_init(&b, MAX_OUT);
    assert_int_equal(html_escape_json_script(&b, in, sizeof in - 1), ST_OK);
    assert_null(strstr(b.data, "</script"));
    assert_null(strstr(b.data, "<!--"));
    assert_null(strstr(b.data, "\xE2\x80\xA8"));
    assert_string_equal(b.data, "{\"caption\":\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"
                                "\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028 \\u2029\"}");
    /* and it is still the same JSON */
    json_t *back = json_loads(b.data, 0, NULL);
    json_t *orig = json_loads(in, 0, NULL);
    assert_non_null(back);
    assert_true(json_equal(back, orig));
    json_decref(back);
    json_decref(orig);
    buf_free(&b);
}

static void escapers_stop_at_the_buffer_cap(void **state)
{
    struct buf b;
    buf_init(&b, 8);
    assert_int_equal(html_escape_text(&b, "<<<", 3), ST_LIMIT); /* 12 bytes needed */
    assert_true(b.len <= 8);
    buf_free(&b);
}

/* ---- Mustache ---------------------------------------------------------- */

static void variables_are_escaped_and_triple_braces_are_not(void **state)
{
    struct buf out;
    struct diag d;
    buf_init(&out, MAX_OUT);
    assert_int_equal(render_str("<p title=\"{{t}}\">{{t}}</p>{{{t}}}{{&t}}",
                                "{\"t\":\"\\\" onmouseover='x' <b>\"}", NULL, NULL, &out, &d),
                     ST_OK);
    assert_string_equal(out.data, "<p title=\"&quot; onmouseover=&#39;x&#39; &lt;b&gt;\">"
                                  "&quot; onmouseover=&#39;x&#39; &lt;b&gt;</p>"
                                  "\" onmouseover='x' <b>\" onmouseover='x' <b>");
    buf_free(&out);
}

static void variables_that_start_a_url_attribute_are_url_checked(void **state)
{
    struct buf out;
    struct diag d;
    buf_init(&out, MAX_OUT);
    assert_int_equal(
        render_str("<a href=\"{{u}}\">{{u}}</a><a HREF='{{ok}}'>x</a>"
                   "<img src=\"{{p}}\" data-src=\"{{bad}}\" alt=\"{{u}}\">"
                   "<form action=\"{{u}}\"></form><a href=\"/x/{{u}}\">",
                   "{\"u\":\"javascript:alert(1)\",\"ok\":\"https://e.com/a b\","
                   "\"p\":\"data:image/png;base64,AAAA\",\"bad\":\"data:text/html,x\"}",
                   NULL, NULL, &out, &d),
        ST_OK);
    assert_string_equal(out.data,
                        "<a href=\"#\">javascript:alert(1)</a><a HREF='https://e.com/a%20b'>x</a>"
                        "<img src=\"data:image/png;base64,AAAA\" data-src=\"#\" "
                        "alt=\"javascript:alert(1)\"><form action=\"#\"></form>"
                        "<a href=\"/x/javascript:alert(1)\">");
    buf_free(&out);
}

static void sections_lists_and_falsy_values(void **state)
{
    struct buf out;
    struct diag d;
    buf_init(&out, MAX_OUT);
    assert_int_equal(render_str("{{#photos}}[{{src}}:{{#alt}}{{.}}{{/alt}}{{^alt}}no alt{{/alt}}]"
                                "{{/photos}}{{#subtitle}}<h2>{{subtitle}}</h2>{{/subtitle}}"
                                "{{^photos.0.missing}}!{{/photos.0.missing}}{{n}} {{x}}",
                                "{\"photos\":[{\"src\":\"a.jpg\",\"alt\":\"Kim\"},"
                                "{\"src\":\"b.jpg\",\"alt\":\"\"}],\"subtitle\":\"\","
                                "\"n\":1.5,\"x\":null}",
                                NULL, NULL, &out, &d),
                     ST_OK);
    /* "" is falsy (our choice, documented); null interpolates as nothing */
    assert_string_equal(out.data, "[a.jpg:Kim][b.jpg:no alt]!1.5 ");
    buf_free(&out);
}

static void expect_compile_error(const char *tmpl, enum status want_st, unsigned want_line,
                                 const char *want_field, const char *want_msg)
{
    struct html_template *t = NULL;
    struct diag d;
    char line[1024];
    assert_int_equal(html_template_compile("page.mustache", tmpl, strlen(tmpl), &t, &d), want_st);
    assert_null(t);
    diag_format(&d, line, sizeof line);
    assert_string_equal(d.file, "page.mustache");
    assert_int_equal(d.line, want_line);
    if (!strstr(d.field, want_field) || !strstr(d.message, want_msg))
        fail_msg("diagnostic was: %s", line);
}

static void template_errors_name_template_line_and_tag(void **state)
{
    expect_compile_error("<ul>\n{{#photos}}\n<li>{{src}}</li>\n", ST_CONFIG, 2, "photos",
                         "never closed");
    expect_compile_error("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}", ST_CONFIG, 3, "{{/a}}",
                         "does not match the open section \"b\" from line 2");
    expect_compile_error("x\n{{/a}}", ST_CONFIG, 2, "{{/a}}", "never opened");
    expect_compile_error("a\nb {{title", ST_CONFIG, 2, "{{title", "never closed");
    expect_compile_error("{{=<% =}}", ST_CONFIG, 1, "{{=<% =}}", "bad delimiters");
    expect_compile_error("{{=a= b=}}", ST_CONFIG, 1, "tag", "bad delimiters");
    expect_compile_error("\n\n{{ }}", ST_CONFIG, 3, "{{ }}", "no name");
    expect_compile_error("{{a b}}", ST_CONFIG, 1, "{{a b}}", "white space");
    expect_compile_error("ok\xff", ST_CONFIG, 0, "template", "UTF-8");
}

static void section_nesting_is_capped_at_compile_time(void **state)
{
    struct buf src;
    buf_init(&src, MAX_OUT);
    for (int i = 0; i < TS_LIMIT_TEMPLATE_DEPTH + 1; i++)
        assert_int_equal(buf_printf(&src, "{{#s%d}}", i), ST_OK);
    for (int i = TS_LIMIT_TEMPLATE_DEPTH; i >= 0; i--)
        assert_int_equal(buf_printf(&src, "{{/s%d}}", i), ST_OK);
    struct html_template *t = NULL;
    struct diag d;
    assert_int_equal(html_template_compile("deep", src.data, src.len, &t, &d), ST_LIMIT);
    assert_null(t);
    assert_non_null(strstr(d.message, "nested deeper"));
    buf_free(&src);
}

static const char *self_partial(void *ud, const char *name, size_t *len)
{
    (void)ud;
    if (strcmp(name, "self") != 0)
        return NULL;
    *len = strlen("x{{>self}}");
    return "x{{>self}}";
}

static void self_including_partial_stops_with_a_clear_error(void **state)
{
    struct buf out;
    struct diag d;
    buf_init(&out, MAX_OUT);
    assert_int_equal(render_str("{{>self}}", "{}", self_partial, NULL, &out, &d), ST_LIMIT);
    assert_non_null(strstr(d.message, "partial that includes itself"));
    assert_string_equal(d.file, "self");
    assert_string_equal(d.field, "tag {{>self}}");
    /* a missing partial is empty, as the spec says */
    buf_reset(&out);
    assert_int_equal(render_str("[{{>nope}}]", "{}", self_partial, NULL, &out, &d), ST_OK);
    assert_string_equal(out.data, "[]");
    buf_free(&out);
}

static const char *broken_partial(void *ud, const char *name, size_t *len)
{
    (void)ud;
    (void)name;
    *len = strlen("<li>\n{{#photos}}\n{{src}}\n");
    return "<li>\n{{#photos}}\n{{src}}\n";
}

static void an_error_in_a_partial_names_the_partial(void **state)
{
    struct buf out;
    struct diag d;
    buf_init(&out, MAX_OUT);
    assert_int_equal(
        render_str("ok\n  {{>photo.mustache}}\n", "{}", broken_partial, NULL, &out, &d), ST_CONFIG);
    assert_string_equal(d.file, "photo.mustache");
    assert_int_equal(d.line, 2);
    assert_non_null(strstr(d.field, "photos"));
    assert_non_null(strstr(d.message, "never closed"));
    buf_free(&out);
}

static void rendering_respects_the_output_cap(void **state)
{
    struct buf out;
    struct diag d;
    buf_init(&out, 100);
    assert_int_equal(render_str("{{#l}}0123456789{{/l}}", "{\"l\":[1,2,3,4,5,6,7,8,9,10,11]}", NULL,
                                NULL, &out, &d),
                     ST_LIMIT);
    assert_true(out.len <= 100);
    assert_non_null(strstr(d.message, "size limit"));
    buf_free(&out);
}

static void nested_sections_over_one_list_hit_the_work_limit(void **state)
{
    /* 7 sections over a 20-item list: 20^6 = 64 million visits of the
     * innermost one, writing nothing, so only the work limit stops them */
    struct buf out;
    struct diag d;
    buf_init(&out, MAX_OUT);
    assert_int_equal(render_str("{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}"
                                "{{/l}}{{/l}}{{/l}}{{/l}}",
                                "{\"l\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}",
                                NULL, NULL, &out, &d),
                     ST_LIMIT);
    assert_non_null(strstr(d.message, "TS_LIMIT_TEMPLATE_WORK"));
    buf_free(&out);
}

static void a_template_renders_the_same_twice(void **state)
{
    struct html_template *t = NULL;
    struct diag d;
    struct buf a, b;
    buf_init(&a, MAX_OUT);
    buf_init(&b, MAX_OUT);
    const char *src = "{{#l}}<li>{{.}}</li>\n{{/l}}";
    json_t *data = json_pack("{s:[s,s]}", "l", "김", "<x>");
    assert_int_equal(html_template_compile("list", src, strlen(src), &t, &d), ST_OK);
    assert_int_equal(html_render(t, data, NULL, NULL, &a, &d), ST_OK);
    assert_int_equal(html_render(t, data, NULL, NULL, &b, &d), ST_OK);
    assert_string_equal(a.data, "<li>김</li>\n<li>&lt;x&gt;</li>\n");
    assert_string_equal(a.data, b.data);
    json_decref(data);
    html_template_free(t);
    html_template_free(NULL);
    buf_free(&a);
    buf_free(&b);
}

/* ---- Markdown ---------------------------------------------------------- */

struct figure_log {
    int calls;
    char src[64], alt[128], title[128];
    bool inline_image;
    enum status fail_with;
};

static enum status log_figure(void *ud, const char *src, const char *alt, const char *title,
                              bool inline_image, struct buf *out)
{
    struct figure_log *f = ud;
    f->calls++;
    snprintf(f->src, sizeof f->src, "%s", src);
    snprintf(f->alt, sizeof f->alt, "%s", alt);
    snprintf(f->title, sizeof f->title, "%s", title);
    f->inline_image = inline_image;
    if (f->fail_with != ST_OK)
        return f->fail_with;
    return buf_puts(out, inline_image ? "[IMG]" : "[FIGURE]");
}

static enum status md(const char *text, struct figure_log *f, struct buf *out, struct diag *d)
{
    buf_init(out, MAX_OUT);
    return html_markdown(text, strlen(text), log_figure, f, out, d);
}

static void an_image_alone_in_its_paragraph_is_a_figure_without_p(void **state)
{
    struct figure_log f = {0};
    struct buf out;
    struct diag d;
    assert_int_equal(md("Before.\n\n![Kim at her *desk* &amp; window](kim-02.jpg \"Seoul, 2019\")"
                        "\n\nAfter.\n",
                        &f, &out, &d),
                     ST_OK);
    assert_int_equal(f.calls, 1);
    assert_false(f.inline_image);
    assert_string_equal(f.src, "kim-02.jpg");
    assert_string_equal(f.alt, "Kim at her desk & window"); /* plain text */
    assert_string_equal(f.title, "Seoul, 2019");
    assert_string_equal(out.data, "<p>Before.</p>\n[FIGURE]\n<p>After.</p>\n");
    buf_free(&out);
}

static void an_image_among_text_is_inline(void **state)
{
    struct figure_log f = {0};
    struct buf out;
    struct diag d;
    assert_int_equal(md("See ![map](map.png) here.\n", &f, &out, &d), ST_OK);
    assert_int_equal(f.calls, 1);
    assert_true(f.inline_image);
    assert_string_equal(f.title, "");
    assert_string_equal(out.data, "<p>See [IMG] here.</p>\n");
    buf_free(&out);
    /* an image first, text after: still inline, in source order */
    memset(&f, 0, sizeof f);
    assert_int_equal(md("![a](a.jpg) and text\n", &f, &out, &d), ST_OK);
    assert_true(f.inline_image);
    assert_string_equal(out.data, "<p>[IMG] and text</p>\n");
    buf_free(&out);
}

static void headings_get_unique_slug_ids(void **state)
{
    struct figure_log f = {0};
    struct buf out;
    struct diag d;
    assert_int_equal(md("# Kim Ryon-hui: Who Is She?\n## Notes\n## Notes\n### 평양 (Pyongyang)\n"
                        "#### ***\n",
                        &f, &out, &d),
                     ST_OK);
    assert_string_equal(out.data,
                        "<h1 id=\"kim-ryon-hui-who-is-she\">Kim Ryon-hui: Who Is She?</h1>\n"
                        "<h2 id=\"notes\">Notes</h2>\n"
                        "<h2 id=\"notes-2\">Notes</h2>\n"
                        "<h3 id=\"평양-pyongyang\">평양 (Pyongyang)</h3>\n"
                        "<h4 id=\"section\">***</h4>\n");
    buf_free(&out);
}

static void raw_html_in_a_story_is_shown_not_run(void **state)
{
    struct figure_log f = {0};
    struct buf out;
    struct diag d;
    assert_int_equal(
        md("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(2)> there\n", &f, &out, &d),
        ST_OK);
    assert_null(strstr(out.data, "<script"));
    assert_null(strstr(out.data, "<img"));
    assert_non_null(strstr(out.data, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(out.data, "&lt;img src=x onerror=alert(2)&gt;"));
    buf_free(&out);
}

static void javascript_links_are_neutralised(void **state)
{
    struct figure_log f = {0};
    struct buf out;
    struct diag d;
    assert_int_equal(md("[a](javascript:alert(1)) [b](JAVASCRIPT:x) [c](javascript&#58;x) "
                        "[d](&#x6A;avascript:x) [e](<java\tscript:x>) [ok](https://example.com)\n",
                        &f, &out, &d),
                     ST_OK);
    assert_null(strstr(out.data, "script:"));
    assert_string_equal(out.data, "<p><a href=\"#\">a</a> <a href=\"#\">b</a> <a href=\"#\">c</a> "
                                  "<a href=\"#\">d</a> <a href=\"#\">e</a> "
                                  "<a href=\"https://example.com\">ok</a></p>\n");
    buf_free(&out);
}

static void autolinks_and_reference_links_are_neutralised_too(void **state)
{
    struct figure_log f = {0};
    struct buf out;
    struct diag d;
    assert_int_equal(
        md("<javascript:alert(1)> <VBScript:x> [r][ref]\n\n[ref]: javascript:alert(2)\n", &f, &out,
           &d),
        ST_OK);
    assert_string_equal(out.data, "<p><a href=\"#\">javascript:alert(1)</a> "
                                  "<a href=\"#\">VBScript:x</a> <a href=\"#\">r</a></p>\n");
    buf_free(&out);
}

static void korean_text_passes_through_intact(void **state)
{
    struct figure_log f = {0};
    struct buf out;
    struct diag d;
    assert_int_equal(md("김련희는 평양으로 돌아가고 싶어 한다.\n", &f, &out, &d), ST_OK);
    assert_string_equal(out.data, "<p>김련희는 평양으로 돌아가고 싶어 한다.</p>\n");
    buf_free(&out);
}

static void nul_bytes_in_markdown_become_replacement_characters(void **state)
{
    static const char text[] = "# a\0b\n\n\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0 x\0";
    struct buf out;
    struct diag d;
    buf_init(&out, MAX_OUT);
    assert_int_equal(html_markdown(text, sizeof text - 1, NULL, NULL, &out, &d), ST_OK);
    assert_true(utf8_valid((const uint8_t *)out.data, out.len));
    assert_int_equal(strlen(out.data), out.len); /* no NUL written */
    assert_non_null(strstr(out.data, "<h1 id=\"ab\">a\xEF\xBF\xBD"
                                     "b</h1>"));
    buf_free(&out);
}

static void a_failing_figure_callback_stops_rendering(void **state)
{
    struct figure_log f = {.fail_with = ST_NOT_FOUND};
    struct buf out;
    struct diag d;
    assert_int_equal(md("Text.\n\n![](missing.jpg)\n\nMore.\n", &f, &out, &d), ST_NOT_FOUND);
    assert_int_equal(f.calls, 1);
    assert_non_null(strstr(d.message, "missing.jpg"));
    assert_null(strstr(out.data, "More."));
    buf_free(&out);
}

static void markdown_output_respects_the_cap(void **state)
{
    struct buf out;
    struct diag d;
    buf_init(&out, 32);
    const char *text = "A paragraph that is longer than thirty-two bytes of HTML.\n";
    assert_int_equal(html_markdown(text, strlen(text), NULL, NULL, &out, &d), ST_LIMIT);
    assert_true(out.len <= 32);
    buf_free(&out);
}

/* ---- golden files -------------------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void golden_markdown_files_match_byte_for_byte(void **state)
{
    char dir[TS_LIMIT_PATH], path[TS_LIMIT_PATH];
    assert_true(path_join(dir, sizeof dir, TS_SOURCE_DIR, "tests/golden/html"));
    const char *update = getenv("UPDATE_GOLDEN");
    bool regenerate = update && strcmp(update, "1") == 0;
    char *names[256];
    size_t count = 0;
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    struct dirent *e;
    while ((e = readdir(dp)) && count < 256)
        if (str_ends_with(e->d_name, ".md"))
            names[count++] = str_dup(e->d_name);
    closedir(dp);
    qsort(names, count, sizeof names[0], name_cmp);
    assert_true(count >= 3);

    int failures = 0;
    for (size_t i = 0; i < count; i++) {
        uint8_t *in = NULL, *want = NULL;
        size_t in_len = 0, want_len = 0;
        struct diag d;
        struct buf out;
        buf_init(&out, MAX_OUT);
        assert_true(path_join(path, sizeof path, dir, names[i]));
        assert_int_equal(file_read_all(path, MAX_OUT, &in, &in_len, &d), ST_OK);
        assert_int_equal(html_markdown((const char *)in, in_len, NULL, NULL, &out, &d), ST_OK);
        strcpy(path + strlen(path) - 3, ".html");
        if (regenerate) {
            assert_int_equal(file_write_atomic(path, out.data, out.len, &d), ST_OK);
            printf("golden: wrote %s\n", path);
        } else if (file_read_all(path, MAX_OUT, &want, &want_len, &d) != ST_OK) {
            printf("golden: %s is missing (run with UPDATE_GOLDEN=1 to create it)\n", path);
            failures++;
        } else if (want_len != out.len || memcmp(want, out.data, out.len) != 0) {
            printf("golden: %s differs; got:\n%s\n", path, out.data);
            failures++;
        }
        free(in);
        free(want);
        free(names[i]);
        buf_free(&out);
    }
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_and_attr_escape_markup_and_both_quotes),
        cmocka_unit_test(invalid_utf8_becomes_replacement_characters),
        cmocka_unit_test(runs_escape_as_their_pieces_do),
        cmocka_unit_test(active_url_schemes_become_a_hash),
        cmocka_unit_test(safe_urls_are_kept_and_encoded_for_attributes),
        cmocka_unit_test(img_src_allows_only_raster_base64_placeholders),
        cmocka_unit_test(json_strings_are_what_jansson_writes),
        cmocka_unit_test(json_in_script_cannot_close_the_script),
        cmocka_unit_test(escapers_stop_at_the_buffer_cap),
        cmocka_unit_test(variables_are_escaped_and_triple_braces_are_not),
        cmocka_unit_test(variables_that_start_a_url_attribute_are_url_checked),
        cmocka_unit_test(sections_lists_and_falsy_values),
        cmocka_unit_test(template_errors_name_template_line_and_tag),
        cmocka_unit_test(section_nesting_is_capped_at_compile_time),
        cmocka_unit_test(self_including_partial_stops_with_a_clear_error),
        cmocka_unit_test(an_error_in_a_partial_names_the_partial),
        cmocka_unit_test(rendering_respects_the_output_cap),
        cmocka_unit_test(nested_sections_over_one_list_hit_the_work_limit),
        cmocka_unit_test(a_template_renders_the_same_twice),
        cmocka_unit_test(an_image_alone_in_its_paragraph_is_a_figure_without_p),
        cmocka_unit_test(an_image_among_text_is_inline),
        cmocka_unit_test(headings_get_unique_slug_ids),
        cmocka_unit_test(raw_html_in_a_story_is_shown_not_run),
        cmocka_unit_test(javascript_links_are_neutralised),
        cmocka_unit_test(autolinks_and_reference_links_are_neutralised_too),
        cmocka_unit_test(korean_text_passes_through_intact),
        cmocka_unit_test(nul_bytes_in_markdown_become_replacement_characters),
        cmocka_unit_test(a_failing_figure_callback_stops_rendering),
        cmocka_unit_test(markdown_output_respects_the_cap),
        cmocka_unit_test(golden_markdown_files_match_byte_for_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
