/*
 * bmff.c — the ISO-BMFF box walker for HEIF/HEIC and AVIF photos:
 * finds the Exif and XMP items of the 'meta' box (iinf + iloc), the
 * primary item's ICC profile ('colr') and size ('ispe'), and hands
 * them back as spans of the caller's bytes.
 *
 * Must never: allocate or copy, follow a box or item location past
 * the data, nest deeper than TS_LIMIT_BMFF_DEPTH, read more than
 * TS_LIMIT_BMFF_ITEMS entries of any item table, or loop on a box of
 * size 0 (it runs to the end of its parent, so the walk ends there).
 *
 * Spec: ISO/IEC 14496-12 §4.2 (box header), §8.11 (meta, pitm, iloc,
 * iinf/infe, idat); ISO/IEC 23008-12 (HEIF) §6.5 (ispe, colr, ipco,
 * ipma) and Annex A.2.1 (Exif item: 4-byte exif_tiff_header_offset);
 * AVIF 1.1 §2 (brands).
 */
#include <string.h>

#include "container/container.h"

static const char *const brands[] = {"heic", "heix", "hevc", "hevx", "heim",
                                     "heis", "mif1", "msf1", "avif", "avis"};

static bool is_brand(const uint8_t *p)
{
    for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
        if (memcmp(p, brands[i], 4) == 0)
            return true;
    return false;
}

bool container_is_bmff(struct span in)
{
    uint32_t size = 0;
    if (in.len < 16 || memcmp(in.ptr + 4, "ftyp", 4) != 0 || !span_u32(in, 0, true, &size))
        return false;
    if (size < 16 || size > in.len)
        return false;
    /* major brand, then compatible brands after the minor version */
    if (is_brand(in.ptr + 8))
        return true;
    for (size_t off = 16; off + 4 <= size; off += 4)
        if (is_brand(in.ptr + off))
            return true;
    return false;
}

enum status container_bmff_next(struct cursor *c, struct container_bmff_box *out, struct diag *d)
{
    enum status st = ST_OK;
    struct cursor k = *c;
    size_t start = k.pos;
    uint32_t size32 = 0;
    uint64_t size = 0;
    struct span type;
    memset(out, 0, sizeof *out);
    if (cursor_left(&k) == 0) {
        st = ST_NOT_FOUND;
        goto abort;
    }
    if (!cursor_u32be(&k, &size32) || !cursor_take(&k, 4, &type)) {
        st = diag_set(d, ST_TRUNCATED, "BMFF box", start, "box header cut short");
        goto abort;
    }
    for (size_t i = 0; i < 4; i++)
        out->type[i] = type.ptr[i] >= 0x20 && type.ptr[i] <= 0x7E ? (char)type.ptr[i] : '?';
    if (size32 == 1) {
        if (!cursor_u64be(&k, &size)) {
            st =
                diag_set(d, ST_TRUNCATED, "BMFF box", start, "'%s' largesize cut short", out->type);
            goto abort;
        }
    } else if (size32 == 0) {
        size = (uint64_t)(c->in.len - start); /* the box runs to the end of its parent */
    } else {
        size = size32;
    }
    if (strcmp(out->type, "uuid") == 0 && !cursor_skip(&k, 16)) {
        st = diag_set(d, ST_TRUNCATED, "BMFF box", start, "'uuid' extended type cut short");
        goto abort;
    }
    size_t header = k.pos - start;
    if (size < header) {
        st = diag_set(d, ST_MALFORMED, "BMFF box", start,
                      "'%s' declares %llu bytes, less than its %zu-byte header", out->type,
                      (unsigned long long)size, header);
        goto abort;
    }
    if (size - header > (uint64_t)cursor_left(&k)) {
        st = diag_set(d, ST_TRUNCATED, "BMFF box", start,
                      "'%s' declares %llu bytes but only %zu remain", out->type,
                      (unsigned long long)size, c->in.len - start);
        goto abort;
    }
    cursor_take(&k, (size_t)(size - header), &out->data);
    out->offset = start;
    *c = k;
abort:
    return st;
}

/* ---- the walk ---- */

struct walk {
    struct span file;
    struct container_bmff *out;
    struct span iinf, iloc, ipco, ipma, idat;
    bool have_iinf, have_iloc, have_ipco, have_ipma, have_idat;
    size_t entries; /* table entries read, over all tables */
    /* ids of the items we want, in iinf order, matched against iloc */
    uint32_t exif_id[CONTAINER_BMFF_KEEP], xmp_id[CONTAINER_BMFF_KEEP];
};

static size_t file_off(const struct walk *w, const uint8_t *p)
{
    return (size_t)(p - w->file.ptr);
}

/* container_bmff_next inside the walk: offsets of the file, not of the
 * parent box. */
static enum status next_box(struct walk *w, struct cursor *k, struct container_bmff_box *b,
                            struct diag *d)
{
    enum status st = container_bmff_next(k, b, d);
    if (st == ST_OK)
        b->offset = file_off(w, k->in.ptr) + b->offset;
    else if (st != ST_NOT_FOUND && d->offset != DIAG_NO_OFFSET)
        d->offset = file_off(w, k->in.ptr) + d->offset;
    return st;
}

/* Records the first damage and marks the walk partial. */
static void give_up(struct walk *w, const struct diag *why)
{
    if (!w->out->partial)
        w->out->warning = *why;
    w->out->partial = true;
}

static bool count_entry(struct walk *w, const uint8_t *where, struct diag *d)
{
    if (++w->entries <= TS_LIMIT_BMFF_ITEMS)
        return true;
    diag_set(d, ST_LIMIT, "BMFF item table", file_off(w, where),
             "more than %d item entries in the meta box", TS_LIMIT_BMFF_ITEMS);
    return false;
}

/* A FullBox: version and flags first. */
static bool full_box(struct cursor *k, uint8_t *version, uint32_t *flags)
{
    uint32_t vf = 0;
    if (!cursor_u32be(k, &vf))
        return false;
    *version = (uint8_t)(vf >> 24);
    *flags = vf & 0xFFFFFF;
    return true;
}

/* A NUL-terminated string inside a box; false when it runs off the end. */
static bool read_cstr(struct cursor *k, struct span *s)
{
    size_t n = 0;
    const uint8_t *p = k->in.ptr + k->pos;
    size_t left = cursor_left(k);
    while (n < left && p[n] != 0)
        n++;
    if (n == left)
        return false;
    cursor_take(k, n, s);
    cursor_skip(k, 1);
    return true;
}

static enum status read_iinf(struct walk *w, struct diag *d)
{
    enum status st = ST_OK;
    struct cursor k;
    uint8_t version = 0;
    uint32_t flags = 0, count = 0;
    uint16_t count16 = 0;
    cursor_init(&k, w->iinf);
    if (!full_box(&k, &version, &flags) ||
        !(version == 0 ? cursor_u16be(&k, &count16) : cursor_u32be(&k, &count))) {
        st = diag_set(d, ST_TRUNCATED, "iinf box", file_off(w, w->iinf.ptr), "header cut short");
        goto abort;
    }
    if (version == 0)
        count = count16;
    /* The declared count is only a hint: the infe boxes that are there count. */
    for (uint32_t i = 0; i < count; i++) {
        struct container_bmff_box b;
        struct cursor e;
        uint8_t ev = 0;
        uint32_t ef = 0, id = 0;
        uint16_t id16 = 0, prot = 0;
        struct span itype, name, ctype;
        st = next_box(w, &k, &b, d);
        if (st == ST_NOT_FOUND) {
            st = ST_OK;
            break;
        }
        if (st != ST_OK)
            goto abort;
        if (!count_entry(w, b.data.ptr, d)) {
            st = ST_LIMIT;
            goto abort;
        }
        if (strcmp(b.type, "infe") != 0)
            continue;
        w->out->n_items++;
        cursor_init(&e, b.data);
        if (!full_box(&e, &ev, &ef) || ev < 2)
            continue; /* versions 0/1 have no item_type: never Exif/XMP items */
        if (!(ev == 2 ? cursor_u16be(&e, &id16) : cursor_u32be(&e, &id)) ||
            !cursor_u16be(&e, &prot) || !cursor_take(&e, 4, &itype)) {
            st = diag_set(d, ST_TRUNCATED, "infe box", file_off(w, b.data.ptr),
                          "item entry cut short");
            goto abort;
        }
        if (ev == 2)
            id = id16;
        if (prot != 0)
            continue; /* protected (encrypted) items cannot be read */
        if (memcmp(itype.ptr, "Exif", 4) == 0) {
            if (w->out->n_exif < CONTAINER_BMFF_KEEP)
                w->exif_id[w->out->n_exif++] = id;
        } else if (memcmp(itype.ptr, "mime", 4) == 0) {
            if (!read_cstr(&e, &name) || !read_cstr(&e, &ctype))
                continue;
            if (span_eq_str(ctype, "application/rdf+xml") && w->out->n_xmp < CONTAINER_BMFF_KEEP)
                w->xmp_id[w->out->n_xmp++] = id;
        }
    }
abort:
    return st;
}

/* Where an item lies, once iloc names its extents. */
static void place_item(struct walk *w, uint32_t id, struct span data, size_t offset)
{
    for (size_t i = 0; i < w->out->n_exif; i++)
        if (w->exif_id[i] == id && !w->out->exif[i].data.ptr) {
            w->out->exif[i].data = data;
            w->out->exif[i].offset = offset;
        }
    for (size_t i = 0; i < w->out->n_xmp; i++)
        if (w->xmp_id[i] == id && !w->out->xmp[i].data.ptr) {
            w->out->xmp[i].data = data;
            w->out->xmp[i].offset = offset;
        }
}

static bool wanted(const struct walk *w, uint32_t id)
{
    for (size_t i = 0; i < w->out->n_exif; i++)
        if (w->exif_id[i] == id)
            return true;
    for (size_t i = 0; i < w->out->n_xmp; i++)
        if (w->xmp_id[i] == id)
            return true;
    return false;
}

static enum status read_iloc(struct walk *w, struct diag *d)
{
    enum status st = ST_OK;
    struct cursor k;
    uint8_t version = 0, sizes1 = 0, sizes2 = 0;
    uint32_t flags = 0, count = 0;
    uint16_t count16 = 0;
    cursor_init(&k, w->iloc);
    if (!full_box(&k, &version, &flags) || !cursor_u8(&k, &sizes1) || !cursor_u8(&k, &sizes2) ||
        !(version < 2 ? cursor_u16be(&k, &count16) : cursor_u32be(&k, &count))) {
        st = diag_set(d, ST_TRUNCATED, "iloc box", file_off(w, w->iloc.ptr), "header cut short");
        goto abort;
    }
    if (version > 2) {
        st = diag_set(d, ST_UNSUPPORTED, "iloc box", file_off(w, w->iloc.ptr),
                      "version %u is not defined", version);
        goto abort;
    }
    if (version < 2)
        count = count16;
    unsigned off_size = sizes1 >> 4, len_size = sizes1 & 15, base_size = sizes2 >> 4;
    unsigned index_size = version >= 1 ? (sizes2 & 15u) : 0;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *where = k.in.ptr + k.pos;
        uint32_t id = 0;
        uint16_t id16 = 0, method = 0, dref = 0, extents = 0;
        uint64_t base = 0;
        if (!count_entry(w, where, d)) {
            st = ST_LIMIT;
            goto abort;
        }
        if (!(version < 2 ? cursor_u16be(&k, &id16) : cursor_u32be(&k, &id)) ||
            (version >= 1 && !cursor_u16be(&k, &method)) || !cursor_u16be(&k, &dref) ||
            !cursor_uint_be(&k, base_size, &base) || !cursor_u16be(&k, &extents)) {
            st = diag_set(d, ST_TRUNCATED, "iloc box", file_off(w, where),
                          "item entry %u cut short or uses a field size other than 0/4/8", i);
            goto abort;
        }
        if (version < 2)
            id = id16;
        method &= 15;
        /* Extents: one, or several that follow each other. */
        uint64_t first = 0, total = 0;
        bool contiguous = true;
        for (uint16_t x = 0; x < extents; x++) {
            uint64_t idx = 0, off = 0, len = 0;
            if (!count_entry(w, where, d)) {
                st = ST_LIMIT;
                goto abort;
            }
            if (!cursor_uint_be(&k, index_size, &idx) || !cursor_uint_be(&k, off_size, &off) ||
                !cursor_uint_be(&k, len_size, &len)) {
                st = diag_set(d, ST_TRUNCATED, "iloc box", file_off(w, where),
                              "extent %u of item %u cut short or uses a field size other "
                              "than 0/4/8",
                              x, (unsigned)id);
                goto abort;
            }
            if (x == 0)
                first = off;
            else if (off != first + total)
                contiguous = false;
            total = total + len < total ? UINT64_MAX - 1 : total + len;
            if (len == 0 && extents == 1)
                total = UINT64_MAX; /* length 0: the whole resource */
        }
        if (!wanted(w, id))
            continue;
        struct span src = method == 0                   ? w->file
                          : method == 1 && w->have_idat ? w->idat
                                                        : span_make(NULL, 0);
        struct span data;
        struct diag why;
        diag_clear(&why);
        if (dref != 0 || extents == 0 || !contiguous || (method != 0 && method != 1) || !src.ptr) {
            diag_set(&why, ST_UNSUPPORTED, "iloc box", file_off(w, where),
                     "item %u is not stored in this file as one run of bytes "
                     "(method %u, %u extents, data reference %u)",
                     (unsigned)id, method, extents, dref);
            give_up(w, &why);
            continue;
        }
        uint64_t start = base + first;
        if (start < base || start > src.len) {
            diag_set(&why, ST_TRUNCATED, "iloc box", file_off(w, where),
                     "item %u starts at %llu, past the %zu bytes available", (unsigned)id,
                     (unsigned long long)start, src.len);
            give_up(w, &why);
            continue;
        }
        if (total == UINT64_MAX)
            total = src.len - start;
        if (!span_sub(src, (size_t)start, total > src.len ? src.len + 1 : (size_t)total, &data)) {
            diag_set(&why, ST_TRUNCATED, "iloc box", file_off(w, where),
                     "item %u declares %llu bytes at %llu but the data holds %zu", (unsigned)id,
                     (unsigned long long)total, (unsigned long long)start, src.len);
            give_up(w, &why);
            continue;
        }
        place_item(w, id, data, file_off(w, data.ptr));
    }
abort:
    return st;
}

/* The 1-based ipco indexes ipma associates with the primary item. */
static size_t primary_props(struct walk *w, uint16_t *idx, size_t max, struct diag *d)
{
    struct cursor k;
    uint8_t version = 0;
    uint32_t flags = 0, count = 0;
    size_t n = 0;
    cursor_init(&k, w->ipma);
    if (!full_box(&k, &version, &flags) || !cursor_u32be(&k, &count))
        return 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t id = 0;
        uint16_t id16 = 0;
        uint8_t assoc = 0;
        if (!count_entry(w, k.in.ptr + k.pos, d))
            return n;
        if (!(version < 1 ? cursor_u16be(&k, &id16) : cursor_u32be(&k, &id)) ||
            !cursor_u8(&k, &assoc))
            return n;
        if (version < 1)
            id = id16;
        for (uint8_t a = 0; a < assoc; a++) {
            uint16_t v = 0;
            uint8_t v8 = 0;
            if (flags & 1) {
                if (!cursor_u16be(&k, &v))
                    return n;
                v &= 0x7FFF;
            } else {
                if (!cursor_u8(&k, &v8))
                    return n;
                v = v8 & 0x7F;
            }
            if (id == w->out->primary_item && v && n < max)
                idx[n++] = v;
        }
    }
    return n;
}

static void take_property(struct walk *w, const struct container_bmff_box *b, bool primary)
{
    if (strcmp(b->type, "ispe") == 0 && (primary || !w->out->width)) {
        uint32_t wd = 0, ht = 0;
        if (span_u32(b->data, 4, true, &wd) && span_u32(b->data, 8, true, &ht)) {
            w->out->width = wd;
            w->out->height = ht;
        }
    } else if (strcmp(b->type, "colr") == 0 && (primary || !w->out->icc.data.ptr) &&
               b->data.len > 4 &&
               (memcmp(b->data.ptr, "prof", 4) == 0 || memcmp(b->data.ptr, "rICC", 4) == 0)) {
        span_sub(b->data, 4, b->data.len - 4, &w->out->icc.data);
        w->out->icc.offset = file_off(w, w->out->icc.data.ptr);
    }
}

static enum status read_ipco(struct walk *w, struct diag *d)
{
    enum status st = ST_OK;
    uint16_t idx[64];
    size_t n_idx = w->have_ipma ? primary_props(w, idx, 64, d) : 0;
    /* Two passes: any property first (files without ipma or pitm), then
     * the primary item's, which override. */
    for (int pass = 0; pass < 2; pass++) {
        struct cursor k;
        cursor_init(&k, w->ipco);
        for (uint16_t i = 1;; i++) {
            struct container_bmff_box b;
            st = next_box(w, &k, &b, d);
            if (st == ST_NOT_FOUND) {
                st = ST_OK;
                break;
            }
            if (st != ST_OK)
                goto abort;
            if (!count_entry(w, b.data.ptr, d)) {
                st = ST_LIMIT;
                goto abort;
            }
            bool is_primary = false;
            for (size_t j = 0; j < n_idx; j++)
                is_primary = is_primary || idx[j] == i;
            if (pass == 0 && n_idx == 0)
                take_property(w, &b, false);
            else if (pass == 1 && is_primary)
                take_property(w, &b, true);
        }
    }
abort:
    return st;
}

/* Children of a container box: remembers the ones the meta box needs. */
static enum status walk_children(struct walk *w, struct span in, int depth, struct diag *d)
{
    enum status st = ST_OK;
    struct cursor k;
    if (depth > TS_LIMIT_BMFF_DEPTH) {
        st = diag_set(d, ST_LIMIT, "BMFF box", file_off(w, in.ptr), "boxes nested deeper than %d",
                      TS_LIMIT_BMFF_DEPTH);
        goto abort;
    }
    cursor_init(&k, in);
    for (;;) {
        struct container_bmff_box b;
        st = next_box(w, &k, &b, d);
        if (st == ST_NOT_FOUND) {
            st = ST_OK;
            break;
        }
        if (st != ST_OK)
            goto abort;
        if (!count_entry(w, b.data.ptr, d)) {
            st = ST_LIMIT;
            goto abort;
        }
        if (strcmp(b.type, "pitm") == 0) {
            uint8_t v = b.data.len ? b.data.ptr[0] : 0;
            uint16_t id16 = 0;
            uint32_t id = 0;
            if (v == 0 && span_u16(b.data, 4, true, &id16))
                w->out->primary_item = id16;
            else if (v != 0 && span_u32(b.data, 4, true, &id))
                w->out->primary_item = id;
        } else if (strcmp(b.type, "iinf") == 0 && !w->have_iinf) {
            w->iinf = b.data;
            w->have_iinf = true;
        } else if (strcmp(b.type, "iloc") == 0 && !w->have_iloc) {
            w->iloc = b.data;
            w->have_iloc = true;
        } else if (strcmp(b.type, "idat") == 0 && !w->have_idat) {
            w->idat = b.data;
            w->have_idat = true;
        } else if (strcmp(b.type, "ipco") == 0 && !w->have_ipco) {
            w->ipco = b.data;
            w->have_ipco = true;
        } else if (strcmp(b.type, "ipma") == 0 && !w->have_ipma) {
            w->ipma = b.data;
            w->have_ipma = true;
        } else if (strcmp(b.type, "iprp") == 0) {
            st = walk_children(w, b.data, depth + 1, d);
            if (st != ST_OK)
                goto abort;
        }
    }
abort:
    return st;
}

enum status container_bmff_walk(struct span in, struct container_bmff *out, struct diag *d)
{
    enum status st = ST_OK;
    struct walk *w = NULL;
    struct walk wk;
    struct cursor k;
    struct diag why;
    memset(out, 0, sizeof *out);
    memset(&wk, 0, sizeof wk);
    diag_clear(&out->warning);
    diag_clear(&why);
    w = &wk;
    w->file = in;
    w->out = out;
    if (!container_is_bmff(in)) {
        st = diag_set(d, ST_MALFORMED, "BMFF", 0,
                      "not a HEIF/AVIF file (no ftyp with a "
                      "HEIF or AVIF brand)");
        goto abort;
    }
    memcpy(out->major_brand, in.ptr + 8, 4);
    for (size_t i = 0; i < 4; i++)
        if (in.ptr[8 + i] < 0x20 || in.ptr[8 + i] > 0x7E)
            out->major_brand[i] = '?';
    cursor_init(&k, in);
    bool have_meta = false;
    for (;;) {
        struct container_bmff_box b;
        enum status s = next_box(w, &k, &b, &why);
        if (s == ST_NOT_FOUND)
            break;
        if (s != ST_OK) {
            give_up(w, &why);
            break;
        }
        if (!count_entry(w, b.data.ptr, &why)) {
            give_up(w, &why);
            break;
        }
        if (strcmp(b.type, "meta") == 0 && !have_meta) {
            have_meta = true;
            struct span children;
            /* meta is a FullBox: 4 bytes of version and flags first. */
            if (!span_sub(b.data, 4, b.data.len >= 4 ? b.data.len - 4 : 0, &children) ||
                b.data.len < 4) {
                diag_set(&why, ST_TRUNCATED, "meta box", b.offset, "no version/flags");
                give_up(w, &why);
                continue;
            }
            if (walk_children(w, children, 1, &why) != ST_OK)
                give_up(w, &why);
        }
    }
    /* Each table stands alone: damage in one still lets the others be read. */
    diag_clear(&why);
    if (w->have_iinf && read_iinf(w, &why) != ST_OK)
        give_up(w, &why);
    diag_clear(&why);
    if (w->have_iloc && read_iloc(w, &why) != ST_OK)
        give_up(w, &why);
    diag_clear(&why);
    if (w->have_ipco && read_ipco(w, &why) != ST_OK)
        give_up(w, &why);
    /* Exif items: a 4-byte offset, then that many bytes before the TIFF header. */
    for (size_t i = 0; i < out->n_exif; i++) {
        struct container_block *e = &out->exif[i];
        uint32_t skip = 0;
        struct span tiff;
        if (!e->data.ptr)
            continue;
        if (!span_u32(e->data, 0, true, &skip) || skip > e->data.len - 4 ||
            !span_sub(e->data, 4 + (size_t)skip, e->data.len - 4 - skip, &tiff)) {
            diag_clear(&why);
            diag_set(&why, ST_MALFORMED, "Exif item", e->offset,
                     "TIFF header offset %u is past the item's %zu bytes", (unsigned)skip,
                     e->data.len);
            give_up(w, &why);
            e->data = span_make(NULL, 0);
            continue;
        }
        e->data = tiff;
        e->offset += 4 + skip;
    }
    /* Some writers copy the JPEG APP1 signature into the XMP item
     * (sample1.heic does); ExifTool skips it, and so do we. */
    for (size_t i = 0; i < out->n_xmp; i++) {
        static const char sig[] = "http://ns.adobe.com/xap/1.0/";
        struct container_block *x = &out->xmp[i];
        if (x->data.ptr && span_starts_with(x->data, sig, sizeof sig)) {
            span_sub(x->data, sizeof sig, x->data.len - sizeof sig, &x->data);
            x->offset += sizeof sig;
        }
    }
    /* Keep only the items iloc placed, in iinf order. */
    size_t n = 0;
    for (size_t i = 0; i < out->n_exif; i++)
        if (out->exif[i].data.ptr)
            out->exif[n++] = out->exif[i];
    out->n_exif = n;
    n = 0;
    for (size_t i = 0; i < out->n_xmp; i++)
        if (out->xmp[i].data.ptr)
            out->xmp[n++] = out->xmp[i];
    out->n_xmp = n;
abort:
    return st;
}
