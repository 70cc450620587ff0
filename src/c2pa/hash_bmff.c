/*
 * hash_bmff.c — the BMFF-based hard binding (c2pa.hash.bmff.v2 and
 * v3 without a Merkle tree; v1 for old files): xpath exclusions
 * matched against the box tree, the file hashed around them, each
 * top-level box prefixed by its absolute offset so no box can move.
 * Used by the validator (c2pa_bmff_hash_check) and the signer.
 *
 * Must never: read a box past its parent or the file, descend deeper
 * than C2PA_BMFF_XPATH_MAX levels, visit more than
 * TS_LIMIT_BMFF_HASH_BOXES boxes or accept more than
 * TS_LIMIT_BMFF_EXCLUSIONS exclusions (a crafted list would multiply
 * the walks), or treat a Merkle-tree binding as verified (it is
 * reported algorithm.unsupported).
 *
 * Spec: C2PA 2.2 §18.6.2 (hash computation, exclusion matching, the
 * offset || data rule of v2/v3), §18.6.3 (bmff-hash-map), §15.12.2
 * (validation, assertion.bmffHash.* codes); ISO/IEC 14496-12 §4.2.
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/bmff_internal.h"
#include "container/container.h"

struct range {
    uint64_t start, len;
};

struct top {
    uint64_t start, len;
    bool whole; /* excluded in its entirety: no offset, no bytes */
};

struct hctx {
    struct range *r;
    size_t n, cap;
    struct top *t;
    size_t n_top;
    size_t visited;
    struct diag *d;
};

bool c2pa_bmff_xpath(const char *xpath, struct c2pa_bmff_excl *e)
{
    const char *p = xpath;
    e->depth = 0;
    if (!p || *p != '/')
        return false;
    while (*p == '/') {
        p++;
        if (e->depth >= C2PA_BMFF_XPATH_MAX)
            return false;
        /* a 4cc: four printable characters (spaces allowed: "url ") */
        for (int i = 0; i < 4; i++) {
            if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7E || p[i] == '/' ||
                p[i] == '[')
                return false;
            e->node[e->depth][i] = p[i];
        }
        p += 4;
        e->index[e->depth] = 0;
        if (*p == '[') {
            uint64_t v = 0;
            p++;
            if (*p < '1' || *p > '9')
                return false; /* no zero, no leading zeros */
            while (*p >= '0' && *p <= '9') {
                v = v * 10 + (uint64_t)(*p - '0');
                if (v > UINT32_MAX)
                    return false;
                p++;
            }
            if (*p++ != ']')
                return false;
            e->index[e->depth] = (uint32_t)v;
        }
        e->depth++;
    }
    return *p == 0 && e->depth > 0;
}

static enum status add_range(struct hctx *h, uint64_t start, uint64_t len)
{
    if (len == 0)
        return ST_OK;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        struct range *nr = realloc(h->r, cap * sizeof *nr);
        if (!nr)
            return diag_set(h->d, ST_NOMEM, "BMFF hash", DIAG_NO_OFFSET, "out of memory");
        h->r = nr;
        h->cap = cap;
    }
    h->r[h->n].start = start;
    h->r[h->n].len = len;
    h->n++;
    return ST_OK;
}

/* Header bytes of a box read by container_bmff_next from span `in`. */
static size_t box_total(struct span in, const struct container_bmff_box *b)
{
    return (size_t)(b->data.ptr - (in.ptr + b->offset)) + b->data.len;
}

/* §18.6.2: length, version, flags and data conditions of the leaf. */
static bool leaf_matches(const struct c2pa_bmff_excl *e, struct span box, size_t hdr)
{
    if (e->has_length && e->length != box.len)
        return false;
    if (e->has_version || e->has_flags) {
        /* the exclusion says the box is a FullBox: version, flags(24) */
        if (box.len < hdr + 4)
            return false;
        if (e->has_version && box.ptr[hdr] != e->version)
            return false;
        if (e->has_flags) {
            for (int i = 0; i < 3; i++) {
                uint8_t have = box.ptr[hdr + 1 + i], want = e->flags[i];
                if (e->exact ? have != want : (have & want) != want)
                    return false;
            }
        }
    }
    for (size_t i = 0; i < e->n_data; i++) {
        struct span at;
        if (e->data[i].offset > box.len ||
            !span_sub(box, (size_t)e->data[i].offset, e->data[i].value.len, &at) ||
            memcmp(at.ptr, e->data[i].value.ptr, at.len) != 0)
            return false;
    }
    return true;
}

/* `top`: the box's index among the top-level boxes, or SIZE_MAX. */
static enum status exclude_box(struct hctx *h, const struct c2pa_bmff_excl *e, uint64_t start,
                               uint64_t len, size_t top)
{
    enum status st = ST_OK;
    if (e->n_subset == 0) {
        if (top < h->n_top)
            h->t[top].whole = true;
        return add_range(h, start, len);
    }
    for (size_t i = 0; i < e->n_subset && st == ST_OK; i++) {
        uint64_t off = e->subset[i].offset, l = e->subset[i].length;
        if (off > len)
            continue; /* beyond the box: never hashed anyway */
        if (l == 0 || l > len - off)
            l = len - off; /* 0: the rest of the box */
        st = add_range(h, start + off, l);
    }
    return st;
}

/* Children of one container, matched against node `level` of e. */
static enum status match_level(struct hctx *h, const struct c2pa_bmff_excl *e, struct span in,
                               uint64_t base, int level)
{
    enum status st = ST_OK;
    struct cursor c;
    struct container_bmff_box b;
    struct diag ignored;
    uint32_t seen = 0;
    size_t nth = 0; /* boxes read at this level */
    cursor_init(&c, in);
    for (;;) {
        if (++h->visited > TS_LIMIT_BMFF_HASH_BOXES)
            return diag_set(h->d, ST_LIMIT, "BMFF hash", (size_t)base + c.pos, "more than %d boxes",
                            TS_LIMIT_BMFF_HASH_BOXES);
        /* Below the top level a box's payload need not be boxes at all
         * (the xpath only names pure containers there): the walk of
         * that container just ends. */
        if (container_bmff_next(&c, &b, &ignored) != ST_OK)
            break;
        size_t index = nth++; /* at level 0: its place in h->t */
        if (memcmp(b.type, e->node[level], 4) != 0)
            continue;
        seen++;
        if (e->index[level] && seen != e->index[level])
            continue;
        size_t total = box_total(in, &b);
        struct span box = span_make(in.ptr + b.offset, total);
        if ((size_t)level + 1 == e->depth) {
            if (leaf_matches(e, box, total - b.data.len) &&
                (st = exclude_box(h, e, base + b.offset, total, level == 0 ? index : SIZE_MAX)) !=
                    ST_OK)
                return st;
        } else {
            /* 'meta' is a FullBox in ISO BMFF: children after 4 bytes */
            struct span kids = b.data;
            uint64_t kids_at = base + (uint64_t)(b.data.ptr - in.ptr);
            if (memcmp(b.type, "meta", 4) == 0) {
                if (kids.len < 4)
                    continue;
                kids = span_make(kids.ptr + 4, kids.len - 4);
                kids_at += 4;
            }
            if ((st = match_level(h, e, kids, kids_at, level + 1)) != ST_OK)
                return st;
        }
    }
    return st;
}

static int range_cmp(const void *a, const void *b)
{
    const struct range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

enum status c2pa_bmff_hash(struct span asset, const struct c2pa_bmff_excl *ex, size_t n_ex,
                           int version, const EVP_MD *md, uint8_t *out, unsigned *out_len,
                           struct diag *d)
{
    enum status st = ST_OK;
    struct hctx h = {.d = d};
    EVP_MD_CTX *ctx = NULL;
    struct cursor c;
    struct container_bmff_box b;
    size_t cap = 0;
    cursor_init(&c, asset);
    /* the top-level boxes must tile the file: bytes outside any box
     * could be changed without any box noticing */
    while ((st = container_bmff_next(&c, &b, d)) == ST_OK) {
        if (h.n_top >= TS_LIMIT_BMFF_HASH_BOXES) {
            st = diag_set(d, ST_LIMIT, "BMFF hash", b.offset, "more than %d top-level boxes",
                          TS_LIMIT_BMFF_HASH_BOXES);
            goto abort;
        }
        if (h.n_top == cap) {
            cap = cap ? cap * 2 : 16;
            struct top *nt = realloc(h.t, cap * sizeof *nt);
            if (!nt) {
                st = diag_set(d, ST_NOMEM, "BMFF hash", DIAG_NO_OFFSET, "out of memory");
                goto abort;
            }
            h.t = nt;
        }
        h.t[h.n_top].start = b.offset;
        h.t[h.n_top].len = box_total(asset, &b);
        h.t[h.n_top].whole = false;
        h.n_top++;
    }
    if (st != ST_NOT_FOUND)
        goto abort;
    st = ST_OK;
    for (size_t i = 0; i < n_ex; i++)
        if ((st = match_level(&h, &ex[i], asset, 0, 0)) != ST_OK)
            goto abort;
    if (h.n)
        qsort(h.r, h.n, sizeof *h.r, range_cmp);
    ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
        st = diag_set(d, ST_NOMEM, "BMFF hash", DIAG_NO_OFFSET, "cannot start the digest");
        goto abort;
    }
    size_t r = 0;
    for (size_t i = 0; i < h.n_top; i++) {
        const struct top *t = &h.t[i];
        if (t->whole)
            continue;
        if (version >= 2) {
            uint8_t be[8];
            for (int k = 0; k < 8; k++)
                be[k] = (uint8_t)(t->start >> (56 - 8 * k));
            EVP_DigestUpdate(ctx, be, sizeof be);
        }
        uint64_t pos = t->start, end = t->start + t->len;
        while (r < h.n && h.r[r].start + h.r[r].len <= pos)
            r++;
        for (size_t k = r; k < h.n && h.r[k].start < end; k++) {
            if (h.r[k].start > pos)
                EVP_DigestUpdate(ctx, asset.ptr + pos, (size_t)(h.r[k].start - pos));
            if (h.r[k].start + h.r[k].len > pos)
                pos = h.r[k].start + h.r[k].len;
            if (pos >= end)
                break;
        }
        if (pos < end)
            EVP_DigestUpdate(ctx, asset.ptr + pos, (size_t)(end - pos));
    }
    if (EVP_DigestFinal_ex(ctx, out, out_len) != 1)
        st = diag_set(d, ST_INTERNAL, "BMFF hash", DIAG_NO_OFFSET, "digest failed");
abort:
    EVP_MD_CTX_free(ctx);
    free(h.r);
    free(h.t);
    return st;
}

/* ---- the assertion ---- */

/* An optional field: c2pa-rs writes absent ones as null. */
static const cbor_item_t *opt(const cbor_item_t *m, const char *key)
{
    const cbor_item_t *it = cborx_get(m, key);
    return it && cbor_is_null(it) ? NULL : it;
}

static bool get_uint(const cbor_item_t *m, const char *key, bool *has, uint64_t *v)
{
    int64_t x = 0;
    const cbor_item_t *it = opt(m, key);
    *has = it != NULL;
    if (!it)
        return true;
    if (!cborx_int(it, &x) || x < 0)
        return false;
    *v = (uint64_t)x;
    return true;
}

/* One exclusions-map; NULL when fine, else what is wrong. */
static const char *parse_exclusion(const cbor_item_t *m, struct c2pa_bmff_excl *e)
{
    char *xpath = cborx_str(cborx_get(m, "xpath"));
    bool ok = c2pa_bmff_xpath(xpath, e), has = false;
    uint64_t v = 0;
    free(xpath);
    if (!ok)
        return "an exclusion has no xpath in the allowed syntax";
    if (!get_uint(m, "length", &e->has_length, &e->length))
        return "an exclusion's length is not an unsigned integer";
    if (!get_uint(m, "version", &e->has_version, &v) || v > 255)
        return "an exclusion's version is not a byte";
    e->version = (uint8_t)v;
    const cbor_item_t *fl = opt(m, "flags");
    struct span f;
    if (fl) {
        if (!cborx_bytes(fl, &f) || f.len != 3)
            return "an exclusion's flags are not 3 bytes";
        memcpy(e->flags, f.ptr, 3);
        e->has_flags = true;
    }
    const cbor_item_t *ex = opt(m, "exact");
    e->exact = true;
    if (ex) {
        if (!cbor_is_bool(ex))
            return "an exclusion's exact is not a boolean";
        e->exact = cbor_get_bool(ex);
    }
    const cbor_item_t *data = opt(m, "data");
    if (data) {
        if (!cbor_isa_array(data) || cbor_array_size(data) == 0 ||
            cbor_array_size(data) > C2PA_BMFF_EXCL_PARTS)
            return "an exclusion's data is not a list of 1 to 16 entries";
        cbor_item_t **xs = cbor_array_handle(data);
        for (size_t i = 0; i < cbor_array_size(data); i++) {
            if (!get_uint(xs[i], "offset", &has, &e->data[i].offset) || !has ||
                !cborx_bytes(cborx_get(xs[i], "value"), &e->data[i].value))
                return "an exclusion's data entry lacks an offset or value";
        }
        e->n_data = cbor_array_size(data);
    }
    const cbor_item_t *sub = opt(m, "subset");
    if (sub) {
        if (!cbor_isa_array(sub) || cbor_array_size(sub) == 0 ||
            cbor_array_size(sub) > C2PA_BMFF_EXCL_PARTS)
            return "an exclusion's subset is not a list of 1 to 16 entries";
        cbor_item_t **xs = cbor_array_handle(sub);
        for (size_t i = 0; i < cbor_array_size(sub); i++) {
            bool h2 = false;
            if (!get_uint(xs[i], "offset", &has, &e->subset[i].offset) || !has ||
                !get_uint(xs[i], "length", &h2, &e->subset[i].length) || !h2)
                return "a subset lacks a non-negative offset or length";
            /* §15.12.2: ordered by offset, not overlapping */
            uint64_t end = 0;
            if (i > 0 &&
                (__builtin_add_overflow(e->subset[i - 1].offset, e->subset[i - 1].length, &end) ||
                 end > e->subset[i].offset))
                return "subsets overlap or are out of order";
        }
        e->n_subset = cbor_array_size(sub);
    }
    return NULL;
}

bool c2pa_bmff_hash_check(struct span asset, struct span payload, const char *label,
                          const char *claim_alg, const char *url, struct c2pa_results *res)
{
    struct diag d;
    cbor_item_t *m = NULL;
    struct c2pa_bmff_excl *ex = NULL;
    char *alg = NULL;
    enum c2pa_code code = C2PA_CODE_ASSERTION_BMFF_HASH_MALFORMED;
    char why[200] = "the BMFF hash assertion is not a map";
    struct span want;
    int version = strncmp(label, "c2pa.hash.bmff.v3", 17) == 0   ? 3
                  : strncmp(label, "c2pa.hash.bmff.v2", 17) == 0 ? 2
                                                                 : 1;
    if (payload.len == 0 || !(m = cborx_load(payload, &d)) || !cbor_isa_map(m))
        goto done;
    if (opt(m, "merkle")) {
        code = C2PA_CODE_ALGORITHM_UNSUPPORTED;
        snprintf(why, sizeof why,
                 "BMFF hashes with a Merkle tree (large or fragmented files) are not supported "
                 "by tearsheet");
        goto done;
    }
    const cbor_item_t *list = cborx_get(m, "exclusions");
    if (!list || !cbor_isa_array(list) || cbor_array_size(list) == 0) {
        snprintf(why, sizeof why, "the BMFF hash has no exclusions (§15.12.2)");
        goto done;
    }
    size_t n = cbor_array_size(list);
    if (n > TS_LIMIT_BMFF_EXCLUSIONS) {
        snprintf(why, sizeof why, "more than %d exclusions", TS_LIMIT_BMFF_EXCLUSIONS);
        goto done;
    }
    if (!cborx_bytes(cborx_get(m, "hash"), &want)) {
        snprintf(why, sizeof why, "the BMFF hash has neither a hash nor a Merkle tree");
        goto done;
    }
    ex = calloc(n, sizeof *ex);
    if (!ex) {
        snprintf(why, sizeof why, "out of memory");
        goto done;
    }
    cbor_item_t **xs = cbor_array_handle(list);
    for (size_t i = 0; i < n; i++) {
        const char *bad = parse_exclusion(xs[i], &ex[i]);
        if (bad) {
            snprintf(why, sizeof why, "exclusion %zu: %s", i, bad);
            goto done;
        }
    }
    alg = cborx_str(opt(m, "alg"));
    const EVP_MD *md = md_by_name(alg ? alg : claim_alg);
    if (!md) {
        code = C2PA_CODE_ALGORITHM_UNSUPPORTED;
        snprintf(why, sizeof why, "unsupported hash algorithm");
        goto done;
    }
    uint8_t dg[EVP_MAX_MD_SIZE];
    unsigned dn = 0;
    code = C2PA_CODE_ASSERTION_BMFF_HASH_MISMATCH;
    enum status st = c2pa_bmff_hash(asset, ex, n, version, md, dg, &dn, &d);
    if (st != ST_OK) {
        char msg[160];
        diag_format(&d, msg, sizeof msg);
        snprintf(why, sizeof why, "the file cannot be hashed: %s", msg);
        goto done;
    }
    if (dn == want.len && memcmp(dg, want.ptr, dn) == 0) {
        code = C2PA_CODE_ASSERTION_BMFF_HASH_MATCH;
        snprintf(why, sizeof why, "BMFF hash valid");
    } else {
        snprintf(why, sizeof why, "the file was changed after it was signed");
    }
done:
    results_add(res, code, url, "%s", why);
    free(alg);
    free(ex);
    if (m)
        cbor_decref(&m);
    return code == C2PA_CODE_ASSERTION_BMFF_HASH_MISMATCH;
}
