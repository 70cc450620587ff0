/*
 * markdown.c — story Markdown to HTML through md4c's parser callbacks
 * (CommonMark 0.30 plus the GFM tables, strikethrough and permissive
 * autolink extensions). Our own writer, not md4c-html, so that every
 * string goes through this module's escaping, headings get stable ids,
 * and an image alone in its paragraph becomes a figure written by the
 * caller's callback.
 *
 * Must never: pass raw HTML through (MD_FLAG_NOHTML: a story's "<script>"
 * is shown as text), write an href/src without html_escape_url, or write
 * text without html_escape_text.
 */
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html_internal.h"

#define MD_FLAGS                                                                                   \
    (MD_DIALECT_COMMONMARK | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH |                              \
     MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_NOHTML)

/* NUL bytes after our copy of the input (see clip_to_doc). */
#define MD_PAD 64

/* Longest heading id before "-N": enough for a sentence-long heading. */
#define SLUG_MAX 80

/* ---- character references -------------------------------------------- */

/* Entities are decoded by base's entity_put: the program's one table,
 * shared with the story reader, so alt text reads the same everywhere. */

/* An md4c attribute (href, src, title, code info) as plain UTF-8. */
static enum status attribute_plain(struct buf *out, const MD_ATTRIBUTE *a)
{
    enum status st = ST_OK;
    buf_reset(out);
    for (size_t i = 0; st == ST_OK && a->substr_offsets && a->substr_offsets[i] < a->size; i++) {
        size_t off = a->substr_offsets[i], end = a->substr_offsets[i + 1];
        const char *p = a->text + off;
        switch (a->substr_types[i]) {
        case MD_TEXT_ENTITY:
            st = entity_put(out, p, end - off);
            break;
        case MD_TEXT_NULLCHAR:
            st = buf_puts(out, HTML_REPLACEMENT);
            break;
        default:
            st = buf_append(out, p, end - off);
            break;
        }
    }
    if (st == ST_OK && !out->data)
        st = buf_append(out, "", 0); /* callers read out->data as a string */
    return st;
}

/* ---- heading ids ---------------------------------------------------- */

/* Ids used so far, an open-addressing set; `next` remembers which "-N"
 * to try after a repeated heading so 10,000 "## Notes" stay linear. */
struct slug_entry {
    char *slug;
    unsigned next;
};
struct slug_set {
    struct slug_entry *e;
    size_t cap, count;
};

static uint64_t slug_hash(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211u;
    return h;
}

static struct slug_entry *slug_find(struct slug_set *set, const char *s)
{
    if (!set->cap)
        return NULL;
    for (size_t i = slug_hash(s) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        if (!set->e[i].slug)
            return NULL;
        if (strcmp(set->e[i].slug, s) == 0)
            return &set->e[i];
    }
}

static enum status slug_add(struct slug_set *set, const char *s)
{
    if ((set->count + 1) * 2 > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        struct slug_entry *e = calloc(cap, sizeof *e);
        if (!e)
            return ST_NOMEM;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->e[i].slug)
                continue;
            size_t j = slug_hash(set->e[i].slug) & (cap - 1);
            while (e[j].slug)
                j = (j + 1) & (cap - 1);
            e[j] = set->e[i];
        }
        free(set->e);
        set->e = e;
        set->cap = cap;
    }
    char *copy = str_dup(s);
    if (!copy)
        return ST_NOMEM;
    size_t j = slug_hash(s) & (set->cap - 1);
    while (set->e[j].slug)
        j = (j + 1) & (set->cap - 1);
    set->e[j].slug = copy;
    set->e[j].next = 2;
    set->count++;
    return ST_OK;
}

static void slug_set_free(struct slug_set *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->e[i].slug);
    free(set->e);
}

/* Non-ASCII spaces and punctuation that separate words in a heading:
 * Latin-1 signs (U+00A0-00BF), General Punctuation (U+2000-206F: dashes,
 * curly quotes) and CJK Symbols and Punctuation (U+3000-303F). */
static bool is_punctuation(struct span seq)
{
    uint32_t cp = 0;
    if (seq.len == 2)
        cp = ((uint32_t)(seq.ptr[0] & 0x1F) << 6) | (seq.ptr[1] & 0x3F);
    else if (seq.len == 3)
        cp = ((uint32_t)(seq.ptr[0] & 0x0F) << 12) | ((uint32_t)(seq.ptr[1] & 0x3F) << 6) |
             (seq.ptr[2] & 0x3F);
    return (cp >= 0xA0 && cp <= 0xBF) || (cp >= 0x2000 && cp <= 0x206F) ||
           (cp >= 0x3000 && cp <= 0x303F);
}

/*
 * "Kim Ryon-hui: 평양에서" → "kim-ryon-hui-평양에서": ASCII letters and
 * digits lower-cased, other ASCII runs become one "-", non-ASCII text
 * (Korean names) is kept so the id still reads as the heading.
 */
static enum status slugify(struct buf *slug, const char *text, size_t n)
{
    enum status st = ST_OK;
    struct cursor c;
    struct span seq;
    bool valid, dash = false;
    buf_reset(slug);
    cursor_init(&c, span_make((const uint8_t *)text, n));
    while (st == ST_OK && slug->len < SLUG_MAX && html_utf8_next(&c, &seq, &valid)) {
        if (!valid || span_eq_str(seq, HTML_REPLACEMENT))
            continue; /* damage in the text leaves no trace in the id */
        if (seq.len > 1) {
            if (is_punctuation(seq))
                dash = slug->len > 0;
            else {
                if (dash)
                    st = buf_putc(slug, '-');
                if (st == ST_OK)
                    st = buf_append(slug, seq.ptr, seq.len);
                dash = false;
            }
            continue;
        }
        uint8_t b = seq.ptr[0];
        if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') ||
            b == '_') {
            if (dash)
                st = buf_putc(slug, '-');
            if (st == ST_OK)
                st = buf_putc(slug, (char)((b >= 'A' && b <= 'Z') ? b + ('a' - 'A') : b));
            dash = false;
        } else {
            dash = slug->len > 0;
        }
    }
    if (st == ST_OK && slug->len == 0)
        st = buf_puts(slug, "section");
    return st;
}

/* ---- the renderer --------------------------------------------------- */

struct md_ctx {
    struct span doc; /* our padded copy of the input, without the padding */
    html_figure_fn figure;
    void *ud;
    struct buf *out;    /* the caller's buffer */
    struct buf *target; /* where output goes now: out, or heading */
    enum status st;

    struct buf heading; /* a heading's HTML until its id is known */
    struct buf heading_text;
    struct slug_set slugs;
    struct buf slug;

    unsigned img_depth; /* > 0 inside ![...]: text is alt text */
    struct buf alt, src, title;

    /* the current paragraph: is it one image and nothing else? */
    bool in_p;
    size_t p_start; /* target->len before "<p>" */
    bool p_other;   /* something other than a first image was seen */
    bool p_pending; /* a first image waits to learn if it is alone */
    struct buf pending_src, pending_alt, pending_title;

    struct buf scratch;
    bool figure_failed; /* the status came from the caller's callback */
    char failed_src[200];
};

/* The first failure sticks: md4c may still deliver a callback or two
 * after one returned non-zero, and those must not hide the error. */
static int keep(struct md_ctx *c, enum status st)
{
    if (c->st == ST_OK)
        c->st = st;
    return c->st == ST_OK ? 0 : 1;
}

static enum status put(struct md_ctx *c, const char *s)
{
    return buf_puts(c->target, s);
}

static enum status call_figure(struct md_ctx *c, const char *src, const char *alt,
                               const char *title, bool inline_image)
{
    enum status st;
    if (c->figure) {
        st = c->figure(c->ud, src, alt, title, inline_image, c->target);
        if (st != ST_OK) {
            c->figure_failed = true;
            snprintf(c->failed_src, sizeof c->failed_src, "%s", src);
        }
        return st;
    }
    /* no callback: a plain <img>, in a <figure> when it stands alone */
    st = put(c, inline_image ? "<img src=\"" : "<figure><img src=\"");
    if (st == ST_OK)
        st = html_escape_img_src(c->target, src, strlen(src));
    if (st == ST_OK)
        st = put(c, "\" alt=\"");
    if (st == ST_OK)
        st = html_escape_attr(c->target, alt, strlen(alt));
    if (st == ST_OK && title[0]) {
        st = put(c, "\" title=\"");
        if (st == ST_OK)
            st = html_escape_attr(c->target, title, strlen(title));
    }
    if (st == ST_OK)
        st = put(c, inline_image ? "\">" : "\"></figure>");
    return st;
}

static const char *str_of(const struct buf *b)
{
    return b->data ? b->data : "";
}

/* The paragraph turned out to hold more than its first image: that image
 * is inline after all, and is written where it stood. */
static enum status other_content(struct md_ctx *c)
{
    enum status st = ST_OK;
    if (!c->in_p || c->p_other)
        return ST_OK;
    c->p_other = true;
    if (c->p_pending) {
        c->p_pending = false;
        st = call_figure(c, str_of(&c->pending_src), str_of(&c->pending_alt),
                         str_of(&c->pending_title), true);
    }
    return st;
}

static enum status swap_pending(struct md_ctx *c)
{
    struct buf t;
    t = c->pending_src, c->pending_src = c->src, c->src = t;
    t = c->pending_alt, c->pending_alt = c->alt, c->alt = t;
    t = c->pending_title, c->pending_title = c->title, c->title = t;
    c->p_pending = true;
    return ST_OK;
}

static enum status text_plain(struct buf *to, MD_TEXTTYPE type, const char *s, size_t n)
{
    switch (type) {
    case MD_TEXT_NULLCHAR:
        return buf_puts(to, HTML_REPLACEMENT);
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        return buf_putc(to, ' ');
    case MD_TEXT_ENTITY:
        return entity_put(to, s, n);
    default:
        return buf_append(to, s, n);
    }
}

static bool all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
            return false;
    return true;
}

/*
 * md4c 0.4.8 can read a little past the end of its input on some
 * malformed documents (found by fuzzing this module; md4c itself is not
 * instrumented) and then report text that runs past the end. We parse a
 * copy padded with NULs, and keep only the part of a text that lies in
 * the document. Text outside the document is one of md4c's own one-byte
 * literals (" " in code spans, "\n"); anything longer is dropped.
 */
static bool clip_to_doc(const struct md_ctx *c, const char *text, MD_SIZE *size)
{
    uintptr_t t = (uintptr_t)text, lo = (uintptr_t)c->doc.ptr, hi = lo + c->doc.len;
    if (t >= lo && t <= hi + MD_PAD) {
        if (t >= hi)
            return false;
        if (*size > hi - t)
            *size = (MD_SIZE)(hi - t);
        return *size > 0;
    }
    return *size <= 1;
}

/* md4c's text for MD_TEXT_NULLCHAR, BR and SOFTBR is not the input
 * (it may be a string shorter than `size`): those types never read it. */
static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    struct md_ctx *c = ud;
    enum status st = ST_OK;
    if (!clip_to_doc(c, text, &size))
        goto abort;
    if (c->img_depth) {
        st = text_plain(&c->alt, type, text, size);
        goto abort;
    }
    if (c->target == &c->heading && (st = text_plain(&c->heading_text, type, text, size)) != ST_OK)
        goto abort;
    /* white space before a first image is dropped with the <p> if the
     * image stands alone; white space after it means more follows */
    if (c->p_pending || (type != MD_TEXT_NORMAL && type != MD_TEXT_CODE) || !all_space(text, size))
        st = other_content(c);
    if (st != ST_OK)
        goto abort;
    switch (type) {
    case MD_TEXT_NULLCHAR:
        st = put(c, HTML_REPLACEMENT);
        break;
    case MD_TEXT_BR:
        st = put(c, "<br>\n");
        break;
    case MD_TEXT_SOFTBR:
        st = put(c, "\n");
        break;
    case MD_TEXT_ENTITY: {
        uint32_t cp;
        buf_reset(&c->scratch);
        if (entity_codepoint(text, size, &cp)) {
            st = utf8_put(&c->scratch, cp);
            if (st == ST_OK)
                st = html_escape_text(c->target, str_of(&c->scratch), c->scratch.len);
        } else {
            /* md4c only reports &[A-Za-z][A-Za-z0-9]*; which is inert
             * markup: the browser decodes the names we do not list */
            st = buf_append(c->target, text, size);
        }
        break;
    }
    default:
        /* normal text, code, and the raw HTML that NOHTML should keep
         * from ever arriving here: all of it escaped */
        st = html_escape_text(c->target, text, size);
        break;
    }
abort:
    return keep(c, st);
}

static enum status open_cell(struct md_ctx *c, const char *tag, const MD_BLOCK_TD_DETAIL *td)
{
    static const char *const align[] = {"", " align=\"left\"", " align=\"center\"",
                                        " align=\"right\""};
    enum status st = buf_printf(c->target, "<%s%s>", tag,
                                td && td->align <= MD_ALIGN_RIGHT ? align[td->align] : "");
    return st;
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    struct md_ctx *c = ud;
    enum status st = ST_OK;
    switch (type) {
    case MD_BLOCK_DOC:
        break;
    case MD_BLOCK_QUOTE:
        st = put(c, "<blockquote>\n");
        break;
    case MD_BLOCK_UL:
        st = put(c, "<ul>\n");
        break;
    case MD_BLOCK_OL: {
        const MD_BLOCK_OL_DETAIL *ol = detail;
        st = ol->start == 1 ? put(c, "<ol>\n")
                            : buf_printf(c->target, "<ol start=\"%u\">\n", ol->start);
        break;
    }
    case MD_BLOCK_LI:
        st = put(c, "<li>");
        break;
    case MD_BLOCK_HR:
        st = put(c, "<hr>\n");
        break;
    case MD_BLOCK_H:
        buf_reset(&c->heading);
        buf_reset(&c->heading_text);
        c->target = &c->heading;
        break;
    case MD_BLOCK_CODE: {
        const MD_BLOCK_CODE_DETAIL *code = detail;
        st = put(c, "<pre><code");
        if (st == ST_OK && code->lang.size) {
            if ((st = attribute_plain(&c->scratch, &code->lang)) == ST_OK &&
                (st = put(c, " class=\"language-")) == ST_OK &&
                (st = html_escape_attr(c->target, str_of(&c->scratch), c->scratch.len)) == ST_OK)
                st = put(c, "\"");
        }
        if (st == ST_OK)
            st = put(c, ">");
        break;
    }
    case MD_BLOCK_HTML:
        st = put(c, "<p>");
        break; /* escaped text, never markup */
    case MD_BLOCK_P:
        c->in_p = true;
        c->p_start = c->target->len;
        c->p_other = false;
        c->p_pending = false;
        st = put(c, "<p>");
        break;
    case MD_BLOCK_TABLE:
        st = put(c, "<table>\n");
        break;
    case MD_BLOCK_THEAD:
        st = put(c, "<thead>\n");
        break;
    case MD_BLOCK_TBODY:
        st = put(c, "<tbody>\n");
        break;
    case MD_BLOCK_TR:
        st = put(c, "<tr>\n");
        break;
    case MD_BLOCK_TH:
        st = open_cell(c, "th", detail);
        break;
    case MD_BLOCK_TD:
        st = open_cell(c, "td", detail);
        break;
    }
    return keep(c, st);
}

static enum status close_heading(struct md_ctx *c, unsigned level)
{
    enum status st = slugify(&c->slug, str_of(&c->heading_text), c->heading_text.len);
    struct slug_entry *base = st == ST_OK ? slug_find(&c->slugs, str_of(&c->slug)) : NULL;
    if (base) {
        /* a repeated heading: the first free "-N" */
        size_t base_len = c->slug.len;
        unsigned k = base->next;
        do {
            c->slug.len = base_len;
            st = buf_printf(&c->slug, "-%u", k++);
        } while (st == ST_OK && slug_find(&c->slugs, str_of(&c->slug)));
        base->next = k;
    }
    if (st == ST_OK)
        st = slug_add(&c->slugs, str_of(&c->slug));
    c->target = c->out;
    if (st == ST_OK)
        st = buf_printf(c->out, "<h%u id=\"", level);
    if (st == ST_OK)
        st = html_escape_attr(c->out, str_of(&c->slug), c->slug.len);
    if (st == ST_OK)
        st = buf_puts(c->out, "\">");
    if (st == ST_OK)
        st = buf_append(c->out, str_of(&c->heading), c->heading.len);
    if (st == ST_OK)
        st = buf_printf(c->out, "</h%u>\n", level);
    return st;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    struct md_ctx *c = ud;
    enum status st = ST_OK;
    switch (type) {
    case MD_BLOCK_DOC:
        break;
    case MD_BLOCK_QUOTE:
        st = put(c, "</blockquote>\n");
        break;
    case MD_BLOCK_UL:
        st = put(c, "</ul>\n");
        break;
    case MD_BLOCK_OL:
        st = put(c, "</ol>\n");
        break;
    case MD_BLOCK_LI:
        st = put(c, "</li>\n");
        break;
    case MD_BLOCK_HR:
        break;
    case MD_BLOCK_H:
        st = close_heading(c, ((const MD_BLOCK_H_DETAIL *)detail)->level);
        break;
    case MD_BLOCK_CODE:
        st = put(c, "</code></pre>\n");
        break;
    case MD_BLOCK_HTML:
        st = put(c, "</p>\n");
        break;
    case MD_BLOCK_P:
        if (c->p_pending && !c->p_other) {
            /* the image is the whole paragraph: a figure, without <p> */
            c->target->len = c->p_start;
            c->target->data[c->p_start] = '\0';
            c->p_pending = false;
            st = call_figure(c, str_of(&c->pending_src), str_of(&c->pending_alt),
                             str_of(&c->pending_title), false);
            if (st == ST_OK)
                st = put(c, "\n");
        } else {
            st = other_content(c);
            if (st == ST_OK)
                st = put(c, "</p>\n");
        }
        c->in_p = false;
        break;
    case MD_BLOCK_TABLE:
        st = put(c, "</table>\n");
        break;
    case MD_BLOCK_THEAD:
        st = put(c, "</thead>\n");
        break;
    case MD_BLOCK_TBODY:
        st = put(c, "</tbody>\n");
        break;
    case MD_BLOCK_TR:
        st = put(c, "</tr>\n");
        break;
    case MD_BLOCK_TH:
        st = put(c, "</th>\n");
        break;
    case MD_BLOCK_TD:
        st = put(c, "</td>\n");
        break;
    }
    return keep(c, st);
}

static enum status open_link(struct md_ctx *c, const MD_SPAN_A_DETAIL *a)
{
    enum status st = attribute_plain(&c->scratch, &a->href);
    if (st == ST_OK)
        st = put(c, "<a href=\"");
    if (st == ST_OK)
        st = html_escape_url(c->target, str_of(&c->scratch), c->scratch.len);
    if (st == ST_OK && a->title.size) {
        if ((st = attribute_plain(&c->scratch, &a->title)) == ST_OK &&
            (st = put(c, "\" title=\"")) == ST_OK)
            st = html_escape_attr(c->target, str_of(&c->scratch), c->scratch.len);
    }
    if (st == ST_OK)
        st = put(c, "\">");
    return st;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    struct md_ctx *c = ud;
    enum status st = ST_OK;
    if (type == MD_SPAN_IMG && c->img_depth++ == 0) {
        const MD_SPAN_IMG_DETAIL *img = detail;
        buf_reset(&c->alt);
        if ((st = attribute_plain(&c->src, &img->src)) == ST_OK)
            st = attribute_plain(&c->title, &img->title);
        if (st == ST_OK)
            st = buf_append(&c->alt, "", 0);
        goto abort;
    }
    if (c->img_depth)
        goto abort; /* emphasis, links... inside alt text: plain text only */
    if ((st = other_content(c)) != ST_OK)
        goto abort;
    switch (type) {
    case MD_SPAN_EM:
        st = put(c, "<em>");
        break;
    case MD_SPAN_STRONG:
        st = put(c, "<strong>");
        break;
    case MD_SPAN_A:
        st = open_link(c, detail);
        break;
    case MD_SPAN_CODE:
        st = put(c, "<code>");
        break;
    case MD_SPAN_DEL:
        st = put(c, "<del>");
        break;
    default:
        break; /* LaTeX, wiki links, underline: not enabled */
    }
abort:
    return keep(c, st);
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    struct md_ctx *c = ud;
    enum status st = ST_OK;
    if (type == MD_SPAN_IMG && --c->img_depth == 0) {
        if (c->in_p && !c->p_other && !c->p_pending)
            st = swap_pending(c); /* maybe a figure: decided at </p> */
        else if ((st = other_content(c)) == ST_OK)
            st = call_figure(c, str_of(&c->src), str_of(&c->alt), str_of(&c->title), true);
        goto abort;
    }
    if (c->img_depth)
        goto abort;
    switch (type) {
    case MD_SPAN_EM:
        st = put(c, "</em>");
        break;
    case MD_SPAN_STRONG:
        st = put(c, "</strong>");
        break;
    case MD_SPAN_A:
        st = put(c, "</a>");
        break;
    case MD_SPAN_CODE:
        st = put(c, "</code>");
        break;
    case MD_SPAN_DEL:
        st = put(c, "</del>");
        break;
    default:
        break;
    }
abort:
    return keep(c, st);
}

enum status html_markdown(const char *md, size_t len, html_figure_fn figure, void *ud,
                          struct buf *out, struct diag *d)
{
    enum status st = ST_OK;
    char *copy = NULL;
    struct md_ctx c = {.figure = figure, .ud = ud, .out = out, .target = out};
    struct buf *bufs[] = {&c.heading,       &c.heading_text, &c.slug,        &c.alt,
                          &c.src,           &c.title,        &c.pending_src, &c.pending_alt,
                          &c.pending_title, &c.scratch};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        buf_init(bufs[i], out ? out->max : 0);
    diag_clear(d);
    if (!out || (!md && len)) {
        st = diag_set(d, ST_USAGE, "markdown", DIAG_NO_OFFSET, "no input or no output buffer");
        goto abort;
    }
    if (len > TS_LIMIT_TEXT_BYTES) {
        st = diag_set(d, ST_LIMIT, "markdown", DIAG_NO_OFFSET,
                      "text is %zu bytes, over the %zu-byte limit", len,
                      (size_t)TS_LIMIT_TEXT_BYTES);
        goto abort;
    }
    MD_PARSER parser = {
        .abi_version = 0,
        .flags = MD_FLAGS,
        .enter_block = on_enter_block,
        .leave_block = on_leave_block,
        .enter_span = on_enter_span,
        .leave_span = on_leave_span,
        .text = on_text,
    };
    size_t padded;
    if (!size_add(len, MD_PAD, &padded) || !(copy = calloc(1, padded))) {
        st = diag_set(d, ST_NOMEM, "markdown", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    if (len)
        memcpy(copy, md, len);
    c.doc = span_make((const uint8_t *)copy, len);
    int rc = md_parse(copy, (MD_SIZE)len, &parser, &c);
    if (c.st != ST_OK) {
        st = c.st;
        if (c.figure_failed)
            diag_set(d, st, "markdown image", DIAG_NO_OFFSET, "the figure for \"%s\" failed: %s",
                     c.failed_src, status_str(st));
        else
            diag_set(d, st, "markdown", DIAG_NO_OFFSET, "%s while writing HTML%s", status_str(st),
                     st == ST_LIMIT ? " (the page passes its size limit)" : "");
    } else if (rc != 0) {
        st = diag_set(d, ST_NOMEM, "markdown", DIAG_NO_OFFSET, "the Markdown parser failed (%d)",
                      rc);
    }
abort:
    free(copy);
    slug_set_free(&c.slugs);
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        buf_free(bufs[i]);
    return st;
}
