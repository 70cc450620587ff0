/*
 * escape.c — the escaping writers, one per context a string can land in
 * (HTML §13.1.2 text and attribute values, URLs in href/src per the
 * WHATWG URL standard's scheme rules, JSON inside <script>). Every
 * writer also repairs its input: bytes that are not well-formed UTF-8
 * (RFC 3629 §4) become U+FFFD instead of passing through.
 *
 * Must never: let "<", "&" or a quote through unescaped, let an active
 * URL scheme (javascript:, vbscript:, data:, file:, ...) reach an href
 * or src, or read past the length it was given.
 */
#include <string.h>

#include "html/html_internal.h"

/* Expected length of the UTF-8 sequence that starts with lead byte b;
 * 0 for bytes that can never start one (continuations, C0/C1, F5-FF). */
static size_t utf8_lead_len(uint8_t b)
{
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        return 2;
    if (b >= 0xE0 && b <= 0xEF)
        return 3;
    if (b >= 0xF0 && b <= 0xF4)
        return 4;
    return 0;
}

bool html_utf8_next(struct cursor *c, struct span *seq, bool *valid)
{
    size_t start = c->pos;
    uint8_t lead;
    if (!cursor_u8(c, &lead))
        return false;
    size_t want = utf8_lead_len(lead);
    struct span whole;
    /* utf8_valid (base) checks overlongs, surrogates and the range, so
     * the candidate sequence is only taken when it passes. */
    if (want > 1 && span_sub(c->in, start, want, &whole) && utf8_valid(whole.ptr, whole.len)) {
        cursor_skip(c, want - 1);
        *seq = whole;
        *valid = true;
        return true;
    }
    *seq = span_make(c->in.ptr + start, 1);
    *valid = want == 1;
    return true;
}

/* ASCII bytes each set stops at, one bit a set (html_plain_set):
 * markup 1, XML 1|2, JSON in a script 4, a JSON string 8. */
static const uint8_t ascii_stop[128] = {
    [0] = 9,    [1] = 10,   [2] = 10,  [3] = 10,   [4] = 10,  [5] = 10,  [6] = 10,  [7] = 10,
    [8] = 10,   [9] = 8,    [10] = 8,  [11] = 10,  [12] = 10, [13] = 8,  [14] = 10, [15] = 10,
    [16] = 10,  [17] = 10,  [18] = 10, [19] = 10,  [20] = 10, [21] = 10, [22] = 10, [23] = 10,
    [24] = 10,  [25] = 10,  [26] = 10, [27] = 10,  [28] = 10, [29] = 10, [30] = 10, [31] = 10,
    ['"'] = 9,  ['\''] = 1, ['&'] = 5, ['<'] = 5,   ['>'] = 5, ['\\'] = 8,
};

size_t html_utf8_plain(const struct cursor *c, enum html_plain_set set)
{
    static const uint8_t mask[] = {[HTML_PLAIN_RAW] = 0,
                                   [HTML_PLAIN_MARKUP] = 1,
                                   [HTML_PLAIN_XML] = 3,
                                   [HTML_PLAIN_SCRIPT] = 4,
                                   [HTML_PLAIN_JSON] = 8};
    const uint8_t m = mask[set];
    const uint8_t *s = c->in.ptr;
    size_t n = c->in.len, i = c->pos;
    while (i < n) {
        uint8_t b = s[i];
        if (b < 0x80) {
            if (ascii_stop[b] & m)
                break;
            i++;
            continue;
        }
        size_t want = utf8_lead_len(b);
        if (want == 0 || want > n - i || !utf8_valid(s + i, want))
            break;
        /* U+FFFE and U+FFFF are no XML characters; U+2028 and U+2029
         * end a line in pre-2019 JavaScript */
        if (want == 3 && b == 0xEF && s[i + 1] == 0xBF && s[i + 2] >= 0xBE && set == HTML_PLAIN_XML)
            break;
        if (want == 3 && b == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9) &&
            set == HTML_PLAIN_SCRIPT)
            break;
        i += want;
    }
    return i - c->pos;
}

enum status html_put_plain(struct buf *out, struct cursor *c, enum html_plain_set set, bool *moved)
{
    size_t run = html_utf8_plain(c, set);
    *moved = run > 0;
    if (!run)
        return ST_OK;
    enum status st = buf_append(out, c->in.ptr + c->pos, run);
    cursor_skip(c, run);
    return st;
}

/* Text and attribute values share one escape set: with both quote
 * characters escaped the result is safe between tags and inside a
 * single- or double-quoted attribute alike. NUL is replaced because the
 * HTML parser would replace it anyway, differently per context. */
static enum status escape_markup(struct buf *out, const char *s, size_t n, bool xml)
{
    enum status st = ST_OK;
    struct cursor c;
    struct span seq;
    bool valid;
    size_t run = 0; /* start of the bytes that pass unchanged, written in one append */
    cursor_init(&c, span_make((const uint8_t *)s, s ? n : 0));
    while (st == ST_OK) {
        cursor_skip(&c, html_utf8_plain(&c, xml ? HTML_PLAIN_XML : HTML_PLAIN_MARKUP));
        size_t at = c.pos;
        if (!html_utf8_next(&c, &seq, &valid))
            break;
        const char *rep = NULL;
        if (!valid)
            rep = HTML_REPLACEMENT;
        else if (seq.len == 1) {
            switch (seq.ptr[0]) {
            case '&':
                rep = "&amp;";
                break;
            case '<':
                rep = "&lt;";
                break;
            case '>':
                rep = "&gt;";
                break;
            case '"':
                rep = "&quot;";
                break;
            case '\'':
                rep = "&#39;";
                break;
            case '\0':
                rep = HTML_REPLACEMENT;
                break;
            default:
                /* XML 1.0 §2.2 allows no C0 control but tab, LF and CR */
                if (xml && seq.ptr[0] < 0x20 && seq.ptr[0] != '\t' && seq.ptr[0] != '\n' &&
                    seq.ptr[0] != '\r')
                    rep = HTML_REPLACEMENT;
                break;
            }
        } else if (xml && seq.len == 3 && seq.ptr[0] == 0xEF && seq.ptr[1] == 0xBF &&
                   seq.ptr[2] >= 0xBE) {
            rep = HTML_REPLACEMENT; /* U+FFFE, U+FFFF: not XML characters */
        }
        if (!rep)
            continue;
        st = buf_append(out, s + run, at - run);
        if (st == ST_OK)
            st = buf_puts(out, rep);
        run = c.pos;
    }
    if (st == ST_OK)
        st = buf_append(out, s ? s + run : "", c.pos - run);
    return st;
}

enum status html_escape_text(struct buf *out, const char *s, size_t n)
{
    return escape_markup(out, s, n, false);
}

enum status html_escape_xml(struct buf *out, const char *s, size_t n)
{
    return escape_markup(out, s, n, true);
}

enum status html_escape_attr(struct buf *out, const char *s, size_t n)
{
    return escape_markup(out, s, n, false);
}

static bool is_c0_or_space(uint8_t b)
{
    return b <= 0x20;
}

static bool is_hex(uint8_t b)
{
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
}

/*
 * Whether the URL in u may be written. Browsers strip leading/trailing
 * C0 controls and spaces and drop tab/LF/CR anywhere (WHATWG URL
 * "basic URL parser"), so "  JaVa\tScRipt:" is still javascript:; we
 * look at the scheme the same way. A colon before the first "/", "?"
 * or "#" means a scheme, which must be on the allow list. An "&" there
 * is refused too: "javascript&#58;..." is an entity trick that only
 * becomes a scheme once someone decodes it.
 */
static bool url_allowed(struct span u)
{
    static const char *const allowed[] = {"http", "https", "mailto"};
    char scheme[8];
    size_t slen = 0;
    bool too_long = false;
    struct cursor c;
    uint8_t b;
    cursor_init(&c, u);
    while (cursor_u8(&c, &b)) {
        if (b == '\t' || b == '\n' || b == '\r')
            continue;
        if (b == '/' || b == '?' || b == '#')
            return true; /* relative reference or fragment */
        if (b == '&')
            return false;
        if (b == ':') {
            if (too_long)
                return false;
            for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
                if (strlen(allowed[i]) == slen && memcmp(allowed[i], scheme, slen) == 0)
                    return true;
            return false;
        }
        if (slen < sizeof scheme)
            scheme[slen++] = (char)((b >= 'A' && b <= 'Z') ? b + ('a' - 'A') : b);
        else
            too_long = true;
    }
    return true; /* no colon: a relative path */
}

enum status html_escape_url(struct buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    enum status st = ST_OK;
    struct span u = span_make((const uint8_t *)s, s ? n : 0);
    while (u.len && is_c0_or_space(u.ptr[0]))
        u = span_make(u.ptr + 1, u.len - 1);
    while (u.len && is_c0_or_space(u.ptr[u.len - 1]))
        u.len--;
    if (!url_allowed(u))
        return buf_putc(out, '#');

    struct cursor c;
    struct span seq;
    bool valid;
    cursor_init(&c, u);
    while (st == ST_OK && html_utf8_next(&c, &seq, &valid)) {
        if (!valid) {
            st = buf_puts(out, "%EF%BF%BD"); /* U+FFFD, percent-encoded */
            continue;
        }
        if (seq.len > 1) {
            /* UTF-8 stays readable (IRIs); browsers encode it on request. */
            st = buf_append(out, seq.ptr, seq.len);
            continue;
        }
        uint8_t b = seq.ptr[0];
        struct span two;
        if (b == '\t' || b == '\n' || b == '\r')
            continue; /* browsers drop them anywhere in a URL; so do we, so
                         the scheme url_allowed judged is the one they see */
        if (b <= 0x20 || b == 0x7F || b == '"' || b == '\'' || b == '<' || b == '>' || b == '`' ||
            b == '\\') {
            char pct[3] = {'%', hex[b >> 4], hex[b & 15]};
            st = buf_append(out, pct, 3);
        } else if (b == '%') {
            /* keep an existing escape, repair a stray percent sign */
            bool escape =
                span_sub(c.in, c.pos, 2, &two) && is_hex(two.ptr[0]) && is_hex(two.ptr[1]);
            st = buf_puts(out, escape ? "%" : "%25");
        } else if (b == '&') {
            st = buf_puts(out, "&amp;");
        } else {
            st = buf_putc(out, (char)b);
        }
    }
    return st;
}

enum status html_escape_json_script(struct buf *out, const char *json, size_t n)
{
    enum status st = ST_OK;
    struct cursor c;
    struct span seq;
    bool valid;
    cursor_init(&c, span_make((const uint8_t *)json, json ? n : 0));
    bool moved;
    while (st == ST_OK) {
        if ((st = html_put_plain(out, &c, HTML_PLAIN_SCRIPT, &moved)) != ST_OK || moved)
            continue;
        if (!html_utf8_next(&c, &seq, &valid))
            break;
        if (!valid)
            st = buf_puts(out, HTML_REPLACEMENT);
        else if (seq.len == 1 && seq.ptr[0] == '<')
            st = buf_puts(out, "\\u003c");
        else if (seq.len == 1 && seq.ptr[0] == '>')
            st = buf_puts(out, "\\u003e");
        else if (seq.len == 1 && seq.ptr[0] == '&')
            st = buf_puts(out, "\\u0026");
        else if (span_eq_str(seq, "\xE2\x80\xA8"))
            st = buf_puts(out, "\\u2028"); /* a line terminator in pre-2019 JavaScript */
        else if (span_eq_str(seq, "\xE2\x80\xA9"))
            st = buf_puts(out, "\\u2029");
        else
            st = buf_append(out, seq.ptr, seq.len);
    }
    return st;
}

/* Escapes as jansson's dump does (RFC 8259 §7: the quote, the
 * backslash and C0 controls; short forms where JSON has them), so a
 * file written with it is byte for byte what json_dumps wrote before. */
enum status html_json_string(struct buf *out, const char *s, size_t n)
{
    enum status st = buf_putc(out, '"');
    struct cursor c;
    struct span seq;
    bool valid;
    cursor_init(&c, span_make((const uint8_t *)s, s ? n : 0));
    bool moved;
    while (st == ST_OK) {
        if ((st = html_put_plain(out, &c, HTML_PLAIN_JSON, &moved)) != ST_OK || moved)
            continue;
        if (!html_utf8_next(&c, &seq, &valid))
            break;
        if (!valid) {
            st = buf_puts(out, HTML_REPLACEMENT);
            continue;
        }
        uint8_t b = seq.ptr[0];
        static const char short_form[32] = {['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
                                            ['\r'] = 'r', ['\t'] = 't'};
        if (seq.len == 1 && (b == '"' || b == '\\'))
            st = buf_printf(out, "\\%c", b);
        else if (seq.len == 1 && b < 0x20 && short_form[b])
            st = buf_printf(out, "\\%c", short_form[b]);
        else if (seq.len == 1 && b < 0x20)
            st = buf_printf(out, "\\u%04X", b);
        else
            st = buf_append(out, seq.ptr, seq.len);
    }
    return st == ST_OK ? buf_putc(out, '"') : st;
}

/*
 * data:image/<raster>;base64,<base64> — the tiny inline placeholder a
 * page shows while a photo loads (DESIGN "No layout shift"). Only raster
 * types: SVG can carry script. Only base64 characters after the comma,
 * so nothing in it needs attribute escaping.
 */
static bool data_image_ok(struct span u)
{
    static const char *const types[] = {"png", "jpeg", "gif", "webp", "avif"};
    static const char prefix[] = "data:image/";
    struct cursor c;
    struct span head, type;
    uint8_t b = 0;
    cursor_init(&c, u);
    if (!cursor_take(&c, sizeof prefix - 1, &head) || !span_eq_str(head, prefix))
        return false;
    size_t start = c.pos;
    while (cursor_u8(&c, &b) && b != ';')
        ;
    if (b != ';' || !span_sub(u, start, c.pos - 1 - start, &type))
        return false;
    bool known = false;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        known = known || span_eq_str(type, types[i]);
    struct span tail;
    if (!known || !cursor_take(&c, 7, &tail) || !span_eq_str(tail, "base64,"))
        return false;
    while (cursor_u8(&c, &b))
        if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
              b == '+' || b == '/' || b == '='))
            return false;
    return true;
}

enum status html_escape_img_src(struct buf *out, const char *s, size_t n)
{
    struct span u = span_make((const uint8_t *)s, s ? n : 0);
    if (data_image_ok(u))
        return buf_append(out, s, n);
    return html_escape_url(out, s, n);
}
