/*
 * yaml.c — one YAML document (site.yaml or a story's front matter) into
 * a small tree of scalars, sequences and mappings, from libyaml's event
 * API, each node keeping its line and column.
 *
 * Must never: expand an alias (a "billion laughs" file is refused at
 * the first alias or anchor), recurse (the tree is built with an
 * explicit stack), or pass the depth, node and scalar limits of
 * limits.h.
 *
 * Spec: YAML 1.1 as libyaml 0.2 reads it; docs/story.md "Limits".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "story/story_int.h"

struct builder {
    const char *file;
    unsigned first_line;
    struct diag *d;
    struct story_ynode *root;
    struct story_ynode *stack[TS_LIMIT_YAML_DEPTH];
    size_t depth;
    size_t n_nodes;
    int n_docs;
};

void story_yaml_free(struct story_ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_items; i++)
        story_yaml_free(n->items[i]);
    free(n->items);
    free(n->text);
    free(n);
}

bool story_yaml_is_null(const struct story_ynode *n)
{
    if (!n)
        return true;
    if (n->kind != STORY_Y_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

static unsigned mark_line(const struct builder *b, yaml_mark_t m)
{
    /* libyaml counts from 0; our text may start part-way into the file */
    return (unsigned)m.line + b->first_line;
}

static enum status fail_at(struct builder *b, yaml_mark_t m, enum status st, const char *what,
                           const char *detail)
{
    diag_set_file(b->d, b->file);
    if (b->d)
        b->d->line = mark_line(b, m);
    return diag_set(b->d, st, NULL, DIAG_NO_OFFSET, "column %u: %s%s", (unsigned)m.column + 1, what,
                    detail ? detail : "");
}

/* Hangs `n` under the innermost open collection (or makes it the root). */
static enum status attach(struct builder *b, struct story_ynode *n, yaml_mark_t m)
{
    if (b->depth == 0) {
        b->root = n;
        return ST_OK;
    }
    struct story_ynode *p = b->stack[b->depth - 1];
    if (p->kind == STORY_Y_MAP && p->n_items % 2 == 0 && n->kind != STORY_Y_SCALAR) {
        story_yaml_free(n);
        return fail_at(b, m, ST_CONFIG, "a key must be plain text, not a list or mapping", NULL);
    }
    if (p->n_items == p->cap_items) {
        size_t cap = p->cap_items ? p->cap_items * 2 : 8, bytes;
        struct story_ynode **items;
        if (!size_mul(cap, sizeof *items, &bytes) || !(items = realloc(p->items, bytes))) {
            story_yaml_free(n);
            return fail_at(b, m, ST_NOMEM, "out of memory", NULL);
        }
        p->items = items;
        p->cap_items = cap;
    }
    p->items[p->n_items++] = n;
    return ST_OK;
}

static enum status new_node(struct builder *b, enum story_ynode_kind kind, yaml_mark_t m,
                            struct story_ynode **out)
{
    *out = NULL;
    if (++b->n_nodes > TS_LIMIT_YAML_NODES)
        return fail_at(b, m, ST_LIMIT, "too many values in one YAML document", NULL);
    struct story_ynode *n = calloc(1, sizeof *n);
    if (!n)
        return fail_at(b, m, ST_NOMEM, "out of memory", NULL);
    n->kind = kind;
    n->line = mark_line(b, m);
    n->column = (unsigned)m.column + 1;
    *out = n;
    return ST_OK;
}

static enum status on_event(struct builder *b, const yaml_event_t *ev)
{
    enum status st = ST_OK;
    struct story_ynode *n = NULL;
    const yaml_char_t *anchor = NULL;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->n_docs > 1)
            return fail_at(b, ev->start_mark, ST_CONFIG,
                           "more than one YAML document (a second '---')", NULL);
        return ST_OK;
    case YAML_ALIAS_EVENT:
        return fail_at(b, ev->start_mark, ST_CONFIG,
                       "YAML aliases are not accepted (write the value out): *",
                       (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT:
        anchor = ev->data.scalar.anchor;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = ev->data.sequence_start.anchor;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = ev->data.mapping_start.anchor;
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->depth == 0)
            return fail_at(b, ev->start_mark, ST_INTERNAL, "unbalanced YAML events", NULL);
        b->depth--;
        return ST_OK;
    default:
        return ST_OK;
    }
    if (anchor)
        return fail_at(b, ev->start_mark, ST_CONFIG,
                       "YAML anchors are not accepted (write the value out): &",
                       (const char *)anchor);

    if (ev->type == YAML_SCALAR_EVENT) {
        size_t len = ev->data.scalar.length;
        if (len > TS_LIMIT_FIELD_BYTES)
            return fail_at(b, ev->start_mark, ST_LIMIT, "value longer than the limit of 64 KiB",
                           NULL);
        if (memchr(ev->data.scalar.value, 0, len))
            return fail_at(b, ev->start_mark, ST_CONFIG, "value contains a NUL character", NULL);
        st = new_node(b, STORY_Y_SCALAR, ev->start_mark, &n);
        if (st != ST_OK)
            return st;
        n->text = str_ndup((const char *)ev->data.scalar.value, len);
        if (!n->text) {
            story_yaml_free(n);
            return fail_at(b, ev->start_mark, ST_NOMEM, "out of memory", NULL);
        }
        n->len = len;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        return attach(b, n, ev->start_mark);
    }

    if (b->depth >= TS_LIMIT_YAML_DEPTH)
        return fail_at(b, ev->start_mark, ST_LIMIT, "YAML nested deeper than the limit", NULL);
    st = new_node(b, ev->type == YAML_SEQUENCE_START_EVENT ? STORY_Y_SEQ : STORY_Y_MAP,
                  ev->start_mark, &n);
    if (st != ST_OK)
        return st;
    st = attach(b, n, ev->start_mark);
    if (st != ST_OK)
        return st;
    b->stack[b->depth++] = n;
    return ST_OK;
}

enum status story_yaml_parse(const char *file, const char *text, size_t len, unsigned first_line,
                             struct story_ynode **root, struct diag *d)
{
    struct builder b;
    memset(&b, 0, sizeof b);
    b.file = file;
    b.first_line = first_line ? first_line : 1;
    b.d = d;
    *root = NULL;

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        diag_set_file(d, file);
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory starting libyaml");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    enum status st = ST_OK;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            const char *ctx = parser.context;
            char detail[256];
            snprintf(detail, sizeof detail, "%s%s", ctx ? " " : "", ctx ? ctx : "");
            st = fail_at(&b, parser.problem_mark,
                         parser.error == YAML_MEMORY_ERROR ? ST_NOMEM : ST_CONFIG,
                         parser.problem ? parser.problem : "malformed YAML", detail);
            goto abort;
        }
        bool done = ev.type == YAML_STREAM_END_EVENT;
        st = on_event(&b, &ev);
        yaml_event_delete(&ev);
        if (st != ST_OK)
            goto abort;
        if (done)
            break;
    }
    *root = b.root;
    b.root = NULL;
abort:
    yaml_parser_delete(&parser);
    story_yaml_free(b.root);
    return st;
}

enum status story_yaml_file(const char *path, const char *data, size_t len, char **text,
                            struct story_ynode **root, struct diag *d)
{
    *root = NULL;
    *text = story_text_normalise(data, len, &len);
    if (!*text)
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    unsigned bad = story_utf8_bad_line(*text, len);
    if (bad) {
        diag_set_file(d, path);
        enum status st = diag_set(d, ST_MALFORMED, NULL, DIAG_NO_OFFSET,
                                  "not valid UTF-8 (save the file as UTF-8)");
        if (d)
            d->line = bad;
        return st;
    }
    return story_yaml_parse(path, *text, len, 1, root, d);
}
