/*
 * mustache.c — the Mustache template engine (mustache/spec v1.3
 * required modules: interpolation, sections, inverted sections,
 * comments, partials, set delimiters; lambdas are not supported).
 * Data is a jansson json_t. A template is compiled once into a flat
 * node array (a section node records where its children end) and
 * rendered any number of times into a capped struct buf.
 *
 * Must never: write a {{name}} value without html_escape_text; recurse
 * deeper than TS_LIMIT_TEMPLATE_DEPTH or loop past
 * TS_LIMIT_TEMPLATE_WORK (a partial that includes itself, sections over
 * the same list nested 30 deep); read outside the template source.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html_internal.h"

/* The longest delimiter {{=a b=}} may set: real ones are 2-3 bytes. */
#define DELIM_MAX 16
/* How much of a tag is quoted in an error message. */
#define TAG_QUOTE_MAX 48

/* N_URL and N_IMG_SRC are {{name}} tags that begin a quoted href/src-like
 * attribute value (see url_context). */
enum node_kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_URL, N_IMG_SRC };

struct node {
    enum node_kind kind;
    size_t off, len;         /* text, or the tag's name, in src */
    size_t ind_off, ind_len; /* partial: the indentation of a standalone tag */
    size_t end;              /* sections: index just past the last child */
    unsigned line;
};

struct html_template {
    char *name;
    char *src;
    size_t len;
    struct node *nodes;
    size_t count, cap;
};

/* ---- compiling ------------------------------------------------------ */

struct parser {
    struct html_template *t;
    struct diag *d;
    size_t pos;      /* start of the text not yet turned into nodes */
    size_t line_pos; /* newlines before line_pos are counted in line */
    unsigned line;
    char otag[DELIM_MAX + 1], ctag[DELIM_MAX + 1];
    size_t olen, clen;
    size_t open[TS_LIMIT_TEMPLATE_DEPTH]; /* node index of each open section */
    size_t depth;
};

static unsigned line_at(struct parser *p, size_t pos)
{
    struct span s;
    if (pos > p->line_pos && span_sub(span_make((const uint8_t *)p->t->src, p->t->len), p->line_pos,
                                      pos - p->line_pos, &s)) {
        for (size_t i = 0; i < s.len; i++)
            if (s.ptr[i] == '\n')
                p->line++;
        p->line_pos = pos;
    }
    return p->line;
}

/* Offset of needle in src[from, len), or SIZE_MAX. */
static size_t find(const char *src, size_t len, size_t from, const char *needle, size_t nlen)
{
    if (nlen == 0 || from > len)
        return SIZE_MAX;
    for (size_t i = from; len - i >= nlen; i++)
        if (src[i] == needle[0] && memcmp(src + i, needle, nlen) == 0)
            return i;
    return SIZE_MAX;
}

/* The template byte at i, or NUL past the end: every read of the
 * source in the parser goes through here, so none can overrun it. */
static char at(const struct parser *p, size_t i)
{
    return i < p->t->len ? p->t->src[i] : '\0';
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static bool is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static enum status tag_error(struct parser *p, size_t tag_off, size_t tag_len, enum status st,
                             const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static enum status tag_error(struct parser *p, size_t tag_off, size_t tag_len, enum status st,
                             const char *fmt, ...)
{
    char field[64], msg[256];
    size_t show = utf8_clip((const uint8_t *)p->t->src + tag_off, tag_len, TAG_QUOTE_MAX);
    snprintf(field, sizeof field, "tag %.*s%s", (int)show, p->t->src + tag_off,
             show < tag_len ? "..." : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_set_file(p->d, p->t->name);
    if (p->d)
        p->d->line = line_at(p, tag_off) + 1;
    return diag_set(p->d, st, field, DIAG_NO_OFFSET, "%s", msg);
}

static enum status push_node(struct parser *p, enum node_kind kind, size_t off, size_t len,
                             unsigned line)
{
    struct html_template *t = p->t;
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32, bytes;
        if (!size_mul(cap, sizeof *t->nodes, &bytes))
            return ST_NOMEM;
        struct node *n = realloc(t->nodes, bytes);
        if (!n)
            return ST_NOMEM;
        t->nodes = n;
        t->cap = cap;
    }
    struct node *n = &t->nodes[t->count++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->off = off;
    n->len = len;
    n->line = line;
    return ST_OK;
}

/* "{{=<% %>=}}": two non-empty delimiters without white space or "=". */
static bool set_delimiters(struct parser *p, const char *s, size_t n)
{
    size_t i = 0, a, b;
    while (i < n && is_ws(s[i]))
        i++;
    a = i;
    while (i < n && !is_ws(s[i]))
        i++;
    size_t alen = i - a;
    while (i < n && is_ws(s[i]))
        i++;
    b = i;
    while (i < n && !is_ws(s[i]))
        i++;
    size_t blen = i - b;
    while (i < n && is_ws(s[i]))
        i++;
    if (i != n || alen == 0 || blen == 0 || alen > DELIM_MAX || blen > DELIM_MAX ||
        memchr(s + a, '=', alen) || memchr(s + b, '=', blen))
        return false;
    memcpy(p->otag, s + a, alen);
    p->olen = alen;
    memcpy(p->ctag, s + b, blen);
    p->clen = blen;
    return true;
}

/*
 * Standalone lines (spec: "Standalone" tests): a section, inverted,
 * close, comment, partial or delimiter tag alone on its line, with only
 * spaces and tabs around it, leaves no trace of its line in the output.
 */
static bool standalone(struct parser *p, size_t tag_off, size_t tag_end, size_t *ls, size_t *next)
{
    size_t len = p->t->len, i = tag_off;
    while (i > p->pos && is_blank(at(p, i - 1)))
        i--;
    if (i > 0 && at(p, i - 1) != '\n')
        return false;
    size_t j = tag_end;
    while (j < len && is_blank(at(p, j)))
        j++;
    if (at(p, j) == '\r' && at(p, j + 1) == '\n')
        j += 2;
    else if (at(p, j) == '\n')
        j++;
    else if (j != len)
        return false;
    *ls = i;
    *next = j;
    return true;
}

static bool name_ends(const char *name, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(name + n - m, suffix, m) == 0;
}

/*
 * How a {{name}} at tag_off is escaped. A value from a photo's metadata
 * (a licensor URL, a web statement of rights) can be "javascript:...",
 * which text escaping leaves as it is. So a variable that begins a
 * quoted value of an attribute whose name ends in href, action or cite
 * goes through html_escape_url, and one ending in src or poster through
 * html_escape_img_src (srcset does not: its descriptors hold spaces).
 * Only the start of the value decides the scheme, so only the first
 * variable is checked; pass URLs whole.
 */
static enum node_kind url_context(const struct parser *p, size_t tag_off)
{
    const struct html_template *t = p->t;
    if (t->count == 0)
        return N_VAR;
    const struct node *prev = &t->nodes[t->count - 1];
    if (prev->kind != N_TEXT || prev->off + prev->len != tag_off || prev->len < 3)
        return N_VAR;
    size_t i = tag_off;
    char quote = at(p, --i);
    if ((quote != '"' && quote != '\'') || at(p, --i) != '=')
        return N_VAR;
    char name[16];
    size_t n = 0;
    while (i > prev->off && n < sizeof name) {
        char ch = at(p, i - 1);
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch + ('a' - 'A'));
        if (!((ch >= 'a' && ch <= 'z') || ch == '-' || ch == ':'))
            break;
        name[sizeof name - 1 - n++] = ch;
        i--;
    }
    const char *attr = name + sizeof name - n;
    if (name_ends(attr, n, "href") || name_ends(attr, n, "action") || name_ends(attr, n, "cite"))
        return N_URL;
    if (name_ends(attr, n, "src") || name_ends(attr, n, "poster"))
        return N_IMG_SRC;
    return N_VAR;
}

static enum status parse(struct parser *p)
{
    struct html_template *t = p->t;
    const char *s = t->src;
    size_t len = t->len;
    enum status st = ST_OK;

    while (p->pos < len) {
        size_t tag_off = find(s, len, p->pos, p->otag, p->olen);
        if (tag_off == SIZE_MAX) {
            st = push_node(p, N_TEXT, p->pos, len - p->pos, 0);
            p->pos = len;
            break;
        }
        size_t q = tag_off + p->olen;
        char type = 0;
        if (at(p, q) != '\0' && strchr("#^/>!=&{", at(p, q)))
            type = at(p, q++);
        char close[DELIM_MAX + 2];
        size_t close_len = 0;
        if (type == '{' || type == '=')
            close[close_len++] = type == '{' ? '}' : '=';
        memcpy(close + close_len, p->ctag, p->clen);
        close_len += p->clen;
        size_t close_off = find(s, len, q, close, close_len);
        if (close_off == SIZE_MAX) {
            size_t rest = len - tag_off;
            st = tag_error(p, tag_off, rest < TAG_QUOTE_MAX ? rest : TAG_QUOTE_MAX, ST_CONFIG,
                           "tag is never closed (no \"%s\" after it)", p->ctag);
            goto abort;
        }
        size_t tag_end = close_off + close_len;
        size_t tag_len = tag_end - tag_off;
        unsigned line = line_at(p, tag_off) + 1;

        size_t text_end = tag_off, next = tag_end, ls = tag_off;
        bool alone =
            type && type != '&' && type != '{' && standalone(p, tag_off, tag_end, &ls, &next);
        if (alone)
            text_end = ls;
        if (text_end > p->pos && (st = push_node(p, N_TEXT, p->pos, text_end - p->pos, 0)) != ST_OK)
            goto abort;
        p->pos = next;

        /* the name: trimmed, non-empty, no white space inside (spec) */
        size_t a = q, b = close_off;
        while (a < b && is_ws(at(p, a)))
            a++;
        while (b > a && is_ws(at(p, b - 1)))
            b--;
        if (type == '!')
            continue;
        if (type == '=') {
            if (!set_delimiters(p, s + q, close_off - q)) {
                st = tag_error(p, tag_off, tag_len, ST_CONFIG,
                               "bad delimiters: want two strings without spaces or \"=\", "
                               "at most %d bytes each",
                               DELIM_MAX);
                goto abort;
            }
            continue;
        }
        if (a == b) {
            st = tag_error(p, tag_off, tag_len, ST_CONFIG, "tag has no name");
            goto abort;
        }
        for (size_t i = a; i < b; i++) {
            if (is_ws(at(p, i))) {
                st = tag_error(p, tag_off, tag_len, ST_CONFIG, "name contains white space");
                goto abort;
            }
        }
        switch (type) {
        case 0:
            st = push_node(p, url_context(p, tag_off), a, b - a, line);
            break;
        case '&':
        case '{':
            st = push_node(p, N_RAW, a, b - a, line);
            break;
        case '#':
        case '^':
            if (p->depth == TS_LIMIT_TEMPLATE_DEPTH) {
                st = tag_error(p, tag_off, tag_len, ST_LIMIT, "sections nested deeper than %d",
                               TS_LIMIT_TEMPLATE_DEPTH);
                goto abort;
            }
            st = push_node(p, type == '#' ? N_SECTION : N_INVERTED, a, b - a, line);
            if (st == ST_OK)
                p->open[p->depth++] = t->count - 1;
            break;
        case '/': {
            if (p->depth == 0) {
                st = tag_error(p, tag_off, tag_len, ST_CONFIG,
                               "closes a section that was never opened");
                goto abort;
            }
            struct node *o = &t->nodes[p->open[p->depth - 1]];
            if (o->len != b - a || memcmp(s + o->off, s + a, o->len) != 0) {
                char opened[TAG_QUOTE_MAX + 1];
                size_t show = utf8_clip((const uint8_t *)s + o->off, o->len, TAG_QUOTE_MAX);
                snprintf(opened, sizeof opened, "%.*s", (int)show, s + o->off);
                st = tag_error(p, tag_off, tag_len, ST_CONFIG,
                               "does not match the open section \"%s\" from line %u", opened,
                               o->line);
                goto abort;
            }
            o->end = t->count;
            p->depth--;
            break;
        }
        case '>':
            st = push_node(p, N_PARTIAL, a, b - a, line);
            if (st == ST_OK && alone) {
                t->nodes[t->count - 1].ind_off = ls;
                t->nodes[t->count - 1].ind_len = tag_off - ls;
            }
            break;
        default:
            st = ST_INTERNAL;
            break;
        }
        if (st != ST_OK)
            goto abort;
    }
    if (st == ST_OK && p->depth > 0) {
        struct node *o = &t->nodes[p->open[p->depth - 1]];
        size_t show = utf8_clip((const uint8_t *)s + o->off, o->len, TAG_QUOTE_MAX);
        char field[64];
        snprintf(field, sizeof field, "tag %.*s", (int)show, s + o->off);
        diag_set_file(p->d, t->name);
        if (p->d)
            p->d->line = o->line;
        st = diag_set(p->d, ST_CONFIG, field, DIAG_NO_OFFSET,
                      "section opened here is never closed (no {{/%.*s}} before the end)",
                      (int)show, s + o->off);
    }
abort:
    if (st == ST_NOMEM || st == ST_LIMIT) {
        if (p->d && p->d->status == ST_OK) {
            diag_set_file(p->d, t->name);
            diag_set(p->d, st, "template", DIAG_NO_OFFSET, "%s while compiling", status_str(st));
        }
    }
    return st;
}

void html_template_free(struct html_template *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->src);
    free(t->nodes);
    free(t);
}

enum status html_template_compile(const char *name, const char *src, size_t len,
                                  struct html_template **out, struct diag *d)
{
    enum status st = ST_OK;
    struct html_template *t = NULL;
    *out = NULL;
    diag_clear(d);
    if (!name)
        name = "(template)";
    if (len > TS_LIMIT_TEXT_BYTES) {
        diag_set_file(d, name);
        st = diag_set(d, ST_LIMIT, "template", DIAG_NO_OFFSET, "template is %zu bytes, over %zu",
                      len, (size_t)TS_LIMIT_TEXT_BYTES);
        goto abort;
    }
    if (!utf8_valid((const uint8_t *)src, src ? len : 0)) {
        diag_set_file(d, name);
        st = diag_set(d, ST_CONFIG, "template", DIAG_NO_OFFSET, "template is not valid UTF-8");
        goto abort;
    }
    t = calloc(1, sizeof *t);
    if (!t || !(t->name = str_dup(name)) || !(t->src = str_ndup(src ? src : "", src ? len : 0))) {
        st = ST_NOMEM;
        goto abort;
    }
    t->len = src ? len : 0;
    struct parser p = {.t = t, .d = d, .olen = 2, .clen = 2};
    memcpy(p.otag, "{{", 3);
    memcpy(p.ctag, "}}", 3);
    st = parse(&p);
    if (st != ST_OK)
        goto abort;
    *out = t;
    t = NULL;
abort:
    if (st == ST_NOMEM && d && d->status == ST_OK) {
        diag_set_file(d, name);
        diag_set(d, st, "template", DIAG_NO_OFFSET, "out of memory compiling the template");
    }
    html_template_free(t);
    return st;
}

/* ---- rendering ------------------------------------------------------ */

/* A partial compiled for one indentation, kept for the render call: a
 * partial inside a list of 200 photos is compiled once, not 200 times. */
struct cached_partial {
    struct cached_partial *next;
    char *name;
    char *indent;
    struct html_template *t;
};

struct render {
    html_partial_fn partials;
    void *ud;
    struct buf *out;
    struct diag *d;
    json_t *stack[TS_LIMIT_TEMPLATE_DEPTH + 1];
    size_t sp;
    unsigned nesting; /* sections entered + partials entered */
    size_t work;
    struct cached_partial *cache;
};

static bool falsy(const json_t *v)
{
    /* JavaScript-like: the spec leaves "" to the host language; for our
     * templates ({{#subtitle}}<h2>...) an empty string is "absent". */
    return !v || json_is_null(v) || json_is_false(v) ||
           (json_is_array(v) && json_array_size(v) == 0) ||
           (json_is_string(v) && json_string_length(v) == 0);
}

static json_t *lookup(struct render *r, const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return r->sp ? r->stack[r->sp - 1] : NULL;
    const char *dot = memchr(name, '.', len);
    size_t first = dot ? (size_t)(dot - name) : len;
    json_t *v = NULL;
    for (size_t i = r->sp; i-- > 0;) {
        if (json_is_object(r->stack[i]) && (v = json_object_getn(r->stack[i], name, first)))
            break;
    }
    /* later parts resolve only against the value found so far (spec step 7) */
    size_t pos = first;
    while (v && pos < len) {
        pos++; /* the dot */
        const char *part = name + pos;
        const char *next = memchr(part, '.', len - pos);
        size_t plen = next ? (size_t)(next - part) : len - pos;
        v = json_is_object(v) ? json_object_getn(v, part, plen) : NULL;
        pos += plen;
    }
    return v;
}

static enum status render_error(struct render *r, const struct html_template *t,
                                const struct node *n, enum status st, const char *msg)
{
    if (r->d && r->d->status != ST_OK)
        return st; /* keep the innermost, most precise message */
    /* the tag as written with the default delimiters: "{{>self}}" */
    static const char sigil[] = {
        [N_VAR] = 0, [N_RAW] = '&', [N_SECTION] = '#', [N_INVERTED] = '^', [N_PARTIAL] = '>'};
    char field[64], s[2] = {n->kind < sizeof sigil ? sigil[n->kind] : 0, 0};
    size_t show = utf8_clip((const uint8_t *)t->src + n->off, n->len, TAG_QUOTE_MAX);
    snprintf(field, sizeof field, "tag {{%s%.*s}}", s, (int)show, t->src + n->off);
    diag_set_file(r->d, t->name);
    if (r->d)
        r->d->line = n->line;
    return diag_set(r->d, st, field, DIAG_NO_OFFSET, "%s", msg);
}

/* Writes bytes as they are, except that bad UTF-8 becomes U+FFFD. */
static enum status put_raw(struct buf *out, const char *s, size_t n)
{
    enum status st = ST_OK;
    struct cursor c;
    struct span seq;
    bool valid;
    cursor_init(&c, span_make((const uint8_t *)s, n));
    bool moved;
    /* a page's content is one such value: appended in runs, not code points */
    while (st == ST_OK) {
        if ((st = html_put_plain(out, &c, HTML_PLAIN_RAW, &moved)) != ST_OK || moved)
            continue;
        if (!html_utf8_next(&c, &seq, &valid))
            break;
        st = valid ? buf_append(out, seq.ptr, seq.len) : buf_puts(out, HTML_REPLACEMENT);
    }
    return st;
}

static enum status interpolate(struct render *r, const json_t *v, enum node_kind kind)
{
    char num[40];
    const char *s = NULL;
    size_t n = 0;
    if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
        n = strlen(num);
    } else if (json_is_real(v)) {
        /* the shortest form that reads back as the same double: 1.21, not 1.2100000000000000 */
        double x = json_real_value(v);
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(num, sizeof num, "%.*g", prec, x);
            if (strtod(num, NULL) == x)
                break;
        }
        s = num;
        n = strlen(num);
    } else if (json_is_true(v)) {
        s = "true";
        n = 4;
    } else if (json_is_false(v)) {
        s = "false";
        n = 5;
    }
    /* null, missing, objects and arrays interpolate as nothing */
    if (!s)
        return ST_OK;
    switch (kind) {
    case N_URL:
        return html_escape_url(r->out, s, n);
    case N_IMG_SRC:
        return html_escape_img_src(r->out, s, n);
    case N_RAW:
        return put_raw(r->out, s, n);
    default:
        return html_escape_text(r->out, s, n);
    }
}

static enum status render_range(struct render *r, const struct html_template *t, size_t from,
                                size_t to);

static enum status get_partial(struct render *r, const struct html_template *t,
                               const struct node *n, struct html_template **out)
{
    enum status st = ST_OK;
    char *name = str_ndup(t->src + n->off, n->len);
    char *indent = str_ndup(t->src + n->ind_off, n->ind_len);
    struct buf src;
    buf_init(&src, TS_LIMIT_TEXT_BYTES);
    struct cached_partial *c = NULL;
    *out = NULL;
    if (!name || !indent) {
        st = ST_NOMEM;
        goto abort;
    }
    for (c = r->cache; c; c = c->next) {
        if (strcmp(c->name, name) == 0 && strcmp(c->indent, indent) == 0) {
            *out = c->t;
            goto abort;
        }
    }
    size_t plen = 0;
    const char *psrc = r->partials ? r->partials(r->ud, name, &plen) : NULL;
    if (!psrc)
        goto abort; /* a missing partial renders as nothing (spec) */
    /* Standalone indentation (spec "Standalone Indentation"): every line
     * of the partial's source is indented, not the data inserted. */
    for (size_t i = 0; st == ST_OK && i < plen;) {
        const char *nl = memchr(psrc + i, '\n', plen - i);
        size_t line = nl ? (size_t)(nl - (psrc + i)) + 1 : plen - i; /* with its newline */
        st = buf_append(&src, indent, n->ind_len);
        if (st == ST_OK)
            st = buf_append(&src, psrc + i, line);
        i += line;
    }
    if (st != ST_OK)
        goto abort;
    c = calloc(1, sizeof *c);
    if (!c) {
        st = ST_NOMEM;
        goto abort;
    }
    st = html_template_compile(name, src.data ? src.data : "", src.len, &c->t, r->d);
    if (st != ST_OK) {
        free(c);
        goto abort;
    }
    c->name = name;
    c->indent = indent;
    name = indent = NULL;
    c->next = r->cache;
    r->cache = c;
    *out = c->t;
abort:
    if (st == ST_NOMEM || st == ST_LIMIT)
        st = render_error(r, t, n, st, "partial is too large or memory ran out");
    buf_free(&src);
    free(name);
    free(indent);
    return st;
}

static enum status enter(struct render *r, const struct html_template *t, const struct node *n)
{
    if (r->nesting >= TS_LIMIT_TEMPLATE_DEPTH)
        return render_error(r, t, n, ST_LIMIT,
                            "sections and partials nested deeper than TS_LIMIT_TEMPLATE_DEPTH "
                            "(a partial that includes itself?)");
    r->nesting++;
    return ST_OK;
}

static enum status render_section(struct render *r, const struct html_template *t, size_t i)
{
    const struct node *n = &t->nodes[i];
    json_t *v = lookup(r, t->src + n->off, n->len);
    enum status st = ST_OK;
    if (n->kind == N_INVERTED) {
        if (falsy(v))
            st = render_range(r, t, i + 1, n->end);
        return st;
    }
    if (falsy(v))
        return ST_OK;
    if ((st = enter(r, t, n)) != ST_OK)
        return st;
    size_t count = json_is_array(v) ? json_array_size(v) : 1;
    for (size_t k = 0; st == ST_OK && k < count; k++) {
        r->stack[r->sp++] = json_is_array(v) ? json_array_get(v, k) : v;
        st = render_range(r, t, i + 1, n->end);
        r->sp--;
    }
    r->nesting--;
    return st;
}

static enum status render_range(struct render *r, const struct html_template *t, size_t from,
                                size_t to)
{
    enum status st = ST_OK;
    for (size_t i = from; st == ST_OK && i < to; i++) {
        const struct node *n = &t->nodes[i];
        if (++r->work > TS_LIMIT_TEMPLATE_WORK)
            return render_error(r, t, n, ST_LIMIT,
                                "rendering takes more than TS_LIMIT_TEMPLATE_WORK steps");
        switch (n->kind) {
        case N_TEXT:
            st = buf_append(r->out, t->src + n->off, n->len);
            break;
        case N_VAR:
        case N_RAW:
        case N_URL:
        case N_IMG_SRC:
            st = interpolate(r, lookup(r, t->src + n->off, n->len), n->kind);
            break;
        case N_SECTION:
        case N_INVERTED:
            st = render_section(r, t, i);
            i = n->end - 1;
            break;
        case N_PARTIAL: {
            struct html_template *p = NULL;
            if ((st = get_partial(r, t, n, &p)) != ST_OK || !p)
                break;
            if ((st = enter(r, t, n)) != ST_OK)
                break;
            st = render_range(r, p, 0, p->count);
            r->nesting--;
            break;
        }
        }
        /* buf refusals carry no message of their own; the first one
         * to see them names the tag (render_error keeps inner ones) */
        if (st == ST_LIMIT)
            st = render_error(r, t, n, ST_LIMIT, "the output passes its size limit");
        else if (st == ST_NOMEM)
            st = render_error(r, t, n, ST_NOMEM, "out of memory");
    }
    return st;
}

enum status html_render(const struct html_template *t, json_t *context, html_partial_fn partials,
                        void *ud, struct buf *out, struct diag *d)
{
    struct render r = {.partials = partials, .ud = ud, .out = out, .d = d};
    if (!t || !out)
        return diag_set(d, ST_USAGE, "template", DIAG_NO_OFFSET, "no template or no output");
    diag_clear(d);
    r.stack[r.sp++] = context;
    enum status st = render_range(&r, t, 0, t->count);
    while (r.cache) {
        struct cached_partial *next = r.cache->next;
        html_template_free(r.cache->t);
        free(r.cache->name);
        free(r.cache->indent);
        free(r.cache);
        r.cache = next;
    }
    return st;
}
