/*
 * svg.c — finds the text of /svg/metadata/c2pa:manifest in an SVG file
 * (C2PA 2.2 §A.3.8: the manifest store, base64, in a c2pa:manifest
 * element of the metadata element), with a tokenizer that knows only
 * what it must skip to get there: comments, processing instructions,
 * CDATA sections, a DOCTYPE with an internal subset, attributes with
 * '>' inside quotes, and end tags. Element names are compared as
 * written, prefix included, as c2pa-rs does (quick-xml's raw names,
 * sdk/src/asset_handlers/svg_io.rs detect_manifest_location), and the
 * store's place is where c2pa-rs says it is: after the last start tag
 * of a metadata child of the root or of a c2pa:manifest inside one.
 *
 * Must never: read past the input, nest deeper than
 * TS_LIMIT_XMP_DEPTH, decode the text (the caller does), or accept a
 * document whose root element is not svg.
 *
 * Spec: XML 1.0 (Fifth Edition) §2.5-2.8, §3.1; SVG 1.1 §21.
 */
#include <string.h>

#include "container/container.h"

bool container_is_svg(struct span in)
{
    struct cursor c;
    cursor_init(&c, in);
    if (span_starts_with(in, "\xEF\xBB\xBF", 3))
        cursor_skip(&c, 3);
    struct span rest;
    span_sub(in, c.pos, in.len - c.pos, &rest);
    /* an XML declaration or the root start tag first; a search for
     * "<svg" near the start tells SVG from other XML */
    if (!span_starts_with(rest, "<?xml", 5) && !span_starts_with(rest, "<svg", 4) &&
        !span_starts_with(rest, "<!--", 4) && !span_starts_with(rest, "<!DOCTYPE", 9))
        return false;
    size_t look = rest.len < 4096 ? rest.len : 4096;
    for (size_t i = 0; i + 4 <= look; i++)
        if (memcmp(rest.ptr + i, "<svg", 4) == 0)
            return true;
    return false;
}

/* Moves the cursor past the first occurrence of `end`. */
static bool skip_past(struct cursor *c, const char *end)
{
    size_t n = strlen(end);
    while (cursor_left(c) >= n) {
        struct span s;
        span_sub(c->in, c->pos, n, &s);
        if (memcmp(s.ptr, end, n) == 0)
            return cursor_skip(c, n);
        cursor_skip(c, 1);
    }
    return false;
}

/* The byte under the cursor, without moving it. */
static bool peek(const struct cursor *c, uint8_t *ch)
{
    struct cursor k = *c;
    return cursor_u8(&k, ch);
}

static bool name_char(uint8_t ch)
{
    return ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n' && ch != '/' && ch != '>' &&
           ch != '=' && ch != '<';
}

/* A DOCTYPE: up to the '>' that is outside its internal subset. */
static bool skip_doctype(struct cursor *c)
{
    int bracket = 0;
    uint8_t ch = 0, quote = 0;
    while (cursor_u8(c, &ch)) {
        if (quote) {
            if (ch == quote)
                quote = 0;
        } else if (ch == '"' || ch == '\'') {
            quote = ch;
        } else if (ch == '[') {
            bracket++;
        } else if (ch == ']') {
            bracket--;
        } else if (ch == '>' && bracket <= 0) {
            return true;
        }
    }
    return false;
}

enum status container_svg_walk(struct span in, struct container_svg *svg, struct diag *d)
{
    struct container_block *out = &svg->manifest;
    static const char *const path[3] = {"svg", "metadata", "c2pa:manifest"};
    struct cursor c;
    int depth = 0;
    /* how many levels of the current element path match `path` */
    int matched = 0;
    bool root_seen = false;
    memset(svg, 0, sizeof *svg);
    cursor_init(&c, in);
    if (span_starts_with(in, "\xEF\xBB\xBF", 3))
        cursor_skip(&c, 3);
    while (cursor_left(&c) > 0) {
        size_t text_at = c.pos;
        uint8_t ch = 0;
        while (peek(&c, &ch) && ch != '<')
            cursor_skip(&c, 1);
        /* the last text wins, as in c2pa-rs */
        if (depth == 3 && matched == 3 && c.pos > text_at) {
            span_sub(in, text_at, c.pos - text_at, &out->data);
            out->offset = text_at;
        }
        if (cursor_left(&c) == 0)
            break;
        size_t tag_at = c.pos;
        struct span probe;
        span_sub(in, c.pos, cursor_left(&c) < 9 ? cursor_left(&c) : 9, &probe);
        bool ok = true;
        if (span_starts_with(probe, "<!--", 4))
            ok = cursor_skip(&c, 4) && skip_past(&c, "-->");
        else if (span_starts_with(probe, "<![CDATA[", 9))
            ok = cursor_skip(&c, 9) && skip_past(&c, "]]>");
        else if (span_starts_with(probe, "<!", 2))
            ok = cursor_skip(&c, 2) && skip_doctype(&c);
        else if (span_starts_with(probe, "<?", 2))
            ok = cursor_skip(&c, 2) && skip_past(&c, "?>");
        else {
            bool end_tag = span_starts_with(probe, "</", 2);
            cursor_skip(&c, end_tag ? 2 : 1);
            size_t name_at = c.pos;
            while (peek(&c, &ch) && name_char(ch))
                cursor_skip(&c, 1);
            struct span name;
            span_sub(in, name_at, c.pos - name_at, &name);
            /* attributes: a '>' inside quotes does not end the tag */
            uint8_t quote = 0, prev = 0;
            ok = false;
            while (cursor_u8(&c, &ch)) {
                if (quote) {
                    if (ch == quote)
                        quote = 0;
                } else if (ch == '"' || ch == '\'') {
                    quote = ch;
                } else if (ch == '>') {
                    ok = true;
                    break;
                }
                prev = ch;
            }
            if (!ok)
                break;
            if (name.len == 0)
                return diag_set(d, ST_MALFORMED, "SVG", tag_at, "a tag without a name");
            if (end_tag) {
                if (depth == 0)
                    return diag_set(d, ST_MALFORMED, "SVG", tag_at,
                                    "an end tag with no element open");
                if (matched == depth)
                    matched--;
                depth--;
                if (depth == 0)
                    break; /* the root element ended: the rest is not the document */
                continue;
            }
            bool empty = prev == '/';
            if (depth == 0) {
                if (root_seen)
                    break;
                root_seen = true;
                if (!span_eq_str(name, "svg"))
                    return diag_set(d, ST_MALFORMED, "SVG", tag_at, "the root element is not svg");
            }
            if (depth >= TS_LIMIT_XMP_DEPTH)
                return diag_set(d, ST_LIMIT, "SVG", tag_at, "elements nested deeper than %d",
                                TS_LIMIT_XMP_DEPTH);
            if (matched == depth && depth < 3 && span_eq_str(name, path[depth]))
                matched++;
            if (depth == 0 && !empty)
                svg->root_content = svg->location = c.pos;
            /* c2pa-rs takes the place after the last start tag of a
             * metadata child of the root or of a manifest in it */
            if (!empty && matched == depth + 1 && depth == 1) {
                svg->last_metadata = c.pos;
                svg->location = c.pos;
            }
            if (!empty && matched == depth + 1 && depth == 2)
                svg->location = c.pos;
            if (!empty)
                depth++;
            else if (matched == depth + 1)
                matched--;
        }
        if (!ok)
            break;
    }
    if (!root_seen)
        return diag_set(d, ST_MALFORMED, "SVG", 0, "no root element");
    return ST_OK;
}
