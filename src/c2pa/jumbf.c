/*
 * jumbf.c — parses the JUMBF box tree of a C2PA manifest store (found
 * by locate.c); resolves "self#jumbf=" URIs to boxes.
 *
 * Must never: trust LBox/XLBox, follow a box past its parent, nest
 * deeper than TS_LIMIT_JUMBF_DEPTH, keep more than TS_LIMIT_JUMBF_BOXES
 * boxes.
 *
 * Specs: ISO/IEC 19566-5 (JUMBF boxes, jumd); C2PA 2.2 §11.1 (store
 * layout), §8.4.1 (URIs).
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/bmff_internal.h"
#include "container/container.h"

/* ---- the box tree ---- */

struct parser {
    struct c2pa_jumbf *j;
    size_t cap;
    struct span store;
    struct diag *d;
};

static enum status add_node(struct parser *p, size_t *idx)
{
    if (p->j->n >= TS_LIMIT_JUMBF_BOXES)
        return ST_LIMIT;
    if (p->j->n == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 64;
        struct jumbf_node *nn = realloc(p->j->nodes, ncap * sizeof *nn);
        if (!nn)
            return ST_NOMEM;
        p->j->nodes = nn;
        p->cap = ncap;
    }
    *idx = p->j->n++;
    memset(&p->j->nodes[*idx], 0, sizeof p->j->nodes[*idx]);
    p->j->nodes[*idx].parent = p->j->nodes[*idx].first_child = JUMBF_NONE;
    p->j->nodes[*idx].next_sibling = JUMBF_NONE;
    return ST_OK;
}

/* jumd: UUID[16], toggles, label (NUL-terminated when toggles & 2). */
static enum status read_jumd(struct parser *p, struct jumbf_node *super, struct span jumd,
                             size_t off)
{
    struct cursor c;
    struct span uuid;
    uint8_t toggles = 0;
    cursor_init(&c, jumd);
    if (!cursor_take(&c, 16, &uuid) || !cursor_u8(&c, &toggles))
        return diag_set(p->d, ST_TRUNCATED, "jumd box", off,
                        "description box shorter than 17 bytes");
    memcpy(super->uuid, uuid.ptr, 16);
    if (toggles & 0x02) {
        size_t start = c.pos, len = 0;
        uint8_t ch = 1;
        while (cursor_u8(&c, &ch) && ch != 0)
            len++;
        if (ch != 0)
            return diag_set(p->d, ST_MALFORMED, "jumd box", off, "label is not NUL-terminated");
        if (len >= sizeof super->label || !utf8_valid(jumd.ptr + start, len))
            return diag_set(p->d, ST_MALFORMED, "jumd box", off,
                            "label longer than %zu bytes or not UTF-8", sizeof super->label - 1);
        memcpy(super->label, jumd.ptr + start, len);
        super->label[len] = 0;
        super->has_label = true;
    }
    return ST_OK;
}

static enum status parse_boxes(struct parser *p, struct span in, size_t base, size_t parent,
                               int depth)
{
    enum status st = ST_OK;
    struct cursor c;
    size_t prev = JUMBF_NONE;
    if (depth > TS_LIMIT_JUMBF_DEPTH)
        return diag_set(p->d, ST_LIMIT, "JUMBF", base, "boxes nested deeper than %d",
                        TS_LIMIT_JUMBF_DEPTH);
    cursor_init(&c, in);
    while (cursor_left(&c) > 0) {
        size_t start = c.pos;
        uint32_t lbox = 0;
        struct span type;
        uint64_t size = 0;
        size_t hdr = 8;
        if (!cursor_u32be(&c, &lbox) || !cursor_take(&c, 4, &type))
            return diag_set(p->d, ST_TRUNCATED, "JUMBF box", base + start,
                            "box header runs past its parent");
        size = lbox;
        if (lbox == 1) {
            if (!cursor_u64be(&c, &size))
                return diag_set(p->d, ST_TRUNCATED, "JUMBF box", base + start,
                                "XLBox runs past its parent");
            hdr = 16;
        } else if (lbox == 0) {
            size = in.len - start;
        }
        if (size < hdr || size > in.len - start)
            return diag_set(p->d, ST_MALFORMED, "JUMBF box", base + start,
                            "box length %llu does not fit its parent (%zu bytes left)",
                            (unsigned long long)size, in.len - start);
        size_t idx;
        st = add_node(p, &idx);
        if (st != ST_OK)
            return st == ST_LIMIT ? diag_set(p->d, ST_LIMIT, "JUMBF", base + start,
                                             "more than %d boxes", TS_LIMIT_JUMBF_BOXES)
                                  : st;
        struct jumbf_node *n = &p->j->nodes[idx];
        memcpy(n->type, type.ptr, 4);
        for (int k = 0; k < 4; k++)
            if (n->type[k] < 0x20 || n->type[k] > 0x7E)
                n->type[k] = '?';
        n->type[4] = 0;
        span_sub(in, start, (size_t)size, &n->box);
        span_sub(in, start + hdr, (size_t)size - hdr, &n->payload);
        n->offset = base + start;
        n->parent = parent;
        if (prev != JUMBF_NONE)
            p->j->nodes[prev].next_sibling = idx;
        else if (parent != JUMBF_NONE)
            p->j->nodes[parent].first_child = idx;
        prev = idx;
        cursor_seek(&c, start + (size_t)size);
        if (strcmp(n->type, "jumb") == 0) {
            struct span payload = n->payload;
            st = parse_boxes(p, payload, base + start + hdr, idx, depth + 1);
            if (st != ST_OK)
                return st;
            n = &p->j->nodes[idx]; /* the array may have moved */
            size_t fc = n->first_child;
            if (fc == JUMBF_NONE || strcmp(p->j->nodes[fc].type, "jumd") != 0)
                return diag_set(p->d, ST_MALFORMED, "jumb box", base + start,
                                "superbox does not start with a jumd description box");
            st = read_jumd(p, n, p->j->nodes[fc].payload, p->j->nodes[fc].offset);
            if (st != ST_OK)
                return st;
        }
    }
    return ST_OK;
}

enum status jumbf_parse_tree(struct span in, struct c2pa_jumbf **out, struct diag *d)
{
    enum status st = ST_OK;
    struct parser p = {0};
    *out = NULL;
    p.j = calloc(1, sizeof *p.j);
    p.d = d;
    p.store = in;
    if (!p.j)
        return ST_NOMEM;
    st = parse_boxes(&p, in, 0, JUMBF_NONE, 0);
    if (st != ST_OK)
        goto abort;
    if (p.j->n == 0 || strcmp(p.j->nodes[0].type, "jumb") != 0 ||
        !jumbf_uuid_is(&p.j->nodes[0], "c2pa")) {
        st = diag_set(d, ST_MALFORMED, "JUMBF", 0, "not a C2PA manifest store (no c2pa superbox)");
        goto abort;
    }
    *out = p.j;
    p.j = NULL;
abort:
    c2pa_jumbf_free(p.j);
    return st;
}

enum status jumbf_graft(struct c2pa_jumbf *j, size_t node, uint8_t *bytes, size_t len,
                        struct diag *d)
{
    uint8_t **no = realloc(j->owned, (j->n_owned + 1) * sizeof *no);
    if (!no) {
        free(bytes);
        return ST_NOMEM;
    }
    j->owned = no;
    j->owned[j->n_owned++] = bytes;
    struct parser p = {.j = j, .cap = j->n, .store = span_make(bytes, len), .d = d};
    size_t inner = j->n;
    enum status st = parse_boxes(&p, span_make(bytes, len), 0, JUMBF_NONE, 1);
    if (st != ST_OK)
        return st;
    struct jumbf_node *in = inner < j->n ? &j->nodes[inner] : NULL;
    if (!in || in->next_sibling != JUMBF_NONE || strcmp(in->type, "jumb") != 0 ||
        !(jumbf_uuid_is(in, "c2ma") || jumbf_uuid_is(in, "c2um")))
        return diag_set(d, ST_MALFORMED, "brob box", j->nodes[node].offset,
                        "the decompressed bytes are not one standard or update manifest");
    if (strcmp(in->label, j->nodes[node].label) != 0)
        return diag_set(d, ST_MALFORMED, "brob box", j->nodes[node].offset,
                        "the decompressed manifest's label differs from the c2cm label");
    /* the inner manifest's boxes become the c2cm node's children */
    j->nodes[node].first_child = in->first_child;
    for (size_t c = in->first_child; c != JUMBF_NONE; c = j->nodes[c].next_sibling)
        j->nodes[c].parent = node;
    memcpy(j->nodes[node].uuid, in->uuid, 16);
    return ST_OK;
}

void c2pa_jumbf_free(struct c2pa_jumbf *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n_owned; i++)
        free(j->owned[i]);
    free(j->owned);
    free(j->nodes);
    free(j);
}

size_t c2pa_jumbf_count(const struct c2pa_jumbf *j)
{
    return j ? j->n : 0;
}

bool jumbf_uuid_is(const struct jumbf_node *n, const char *fourcc)
{
    static const uint8_t suffix[12] = {0x00, 0x11, 0x00, 0x10, 0x80, 0x00,
                                       0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    return memcmp(n->uuid, fourcc, 4) == 0 && memcmp(n->uuid + 4, suffix, 12) == 0;
}

size_t jumbf_child(const struct c2pa_jumbf *j, size_t parent, const char *label, bool *dup)
{
    size_t found = JUMBF_NONE;
    if (dup)
        *dup = false;
    if (parent == JUMBF_NONE)
        return JUMBF_NONE;
    for (size_t c = j->nodes[parent].first_child; c != JUMBF_NONE; c = j->nodes[c].next_sibling) {
        const struct jumbf_node *n = &j->nodes[c];
        if (strcmp(n->type, "jumb") == 0 && n->has_label && strcmp(n->label, label) == 0) {
            if (found != JUMBF_NONE) {
                if (dup)
                    *dup = true;
                return JUMBF_NONE; /* §11.1.2: ambiguous paths are unresolved */
            }
            found = c;
        }
    }
    return found;
}

size_t jumbf_content(const struct c2pa_jumbf *j, size_t super)
{
    if (super == JUMBF_NONE)
        return JUMBF_NONE;
    size_t c = j->nodes[super].first_child;
    if (c != JUMBF_NONE && strcmp(j->nodes[c].type, "jumd") == 0)
        c = j->nodes[c].next_sibling;
    return c;
}

size_t jumbf_next_content(const struct c2pa_jumbf *j, size_t node)
{
    return node == JUMBF_NONE ? JUMBF_NONE : j->nodes[node].next_sibling;
}

size_t jumbf_resolve(const struct c2pa_jumbf *j, size_t manifest, const char *url)
{
    static const char prefix[] = "self#jumbf=";
    char path[1024];
    size_t at;
    if (!url || strncmp(url, prefix, sizeof prefix - 1) != 0)
        return JUMBF_NONE;
    url += sizeof prefix - 1;
    if (strlen(url) >= sizeof path)
        return JUMBF_NONE;
    memcpy(path, url, strlen(url) + 1);
    char *s = path;
    if (s[0] == '/') {
        /* absolute: the first segment names the store itself */
        s++;
        char *slash = strchr(s, '/');
        if (slash)
            *slash = 0;
        if (strcmp(s, j->nodes[0].label) != 0)
            return JUMBF_NONE;
        at = 0;
        s = slash ? slash + 1 : NULL;
    } else {
        at = manifest;
    }
    while (s && *s && at != JUMBF_NONE) {
        char *slash = strchr(s, '/');
        if (slash)
            *slash = 0;
        if (strcmp(s, "..") == 0 || strcmp(s, ".") == 0)
            return JUMBF_NONE; /* §8.4.1: no relative steps */
        at = jumbf_child(j, at, s, NULL);
        s = slash ? slash + 1 : NULL;
    }
    return at;
}
