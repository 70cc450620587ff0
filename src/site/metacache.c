/*
 * metacache.c — the metadata cache: what meta_read found in each photo
 * of the last build, keyed by the SHA-256 of the photo's bytes, so a
 * photo whose content is known (from the stat index, statindex.c) gets
 * its struct photo_meta without opening the photo or its cached header
 * and without walking JPEG, XMP, IIM and EXIF again
 * (docs/performance.md "The metadata cache"). One file,
 * <site>/.tearsheet/meta-cache, mapped and read in place:
 *
 *     tearsheet meta cache 2 reader <META_READER_VERSION> charset <16 hex>
 *     <sha256 hex> <bytes>
 *     <record of that many bytes: meta_pack's, src/meta/pack.c>
 *     ...
 *     end <records> <site_name_hash of every byte before "end", 16 hex digits>
 *
 * A record's strings are raw (a caption may hold newlines, or a line
 * that reads "end 1 ..."): records are found by their lengths, never by
 * scanning for lines. "charset" is the hash of site.yaml's iim_charset,
 * which changes what meta_read returns for the same bytes.
 *
 * Must never: use a file of another version, reader or charset (every
 * photo's metadata is then read again, as on a first build); use any
 * record of a file with one damaged byte (the whole file is then no
 * cache, with a warning naming it); or stop a build because the cache
 * is missing or damaged.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site/internal.h"

/* Bumped when the layout of the file (not of a record: that is
 * META_READER_VERSION's) changes; version 1 ended in FNV-1a. */
#define META_CACHE_MAGIC "tearsheet meta cache 2"
#define META_CACHE_NAME "meta-cache"

struct meta_entry {
    const char *sha256; /* 64 lowercase hex digits, in the text */
    const uint8_t *rec;
    size_t rec_len;
};

struct site_meta_cache {
    const char *text; /* the file's bytes, mapped: records are read in place */
    size_t len;
    struct meta_entry *entries;
    size_t n;
    size_t *slots; /* open addressing: entry index + 1, 0 = empty */
    size_t cap;    /* a power of two, at least twice n */
};

/* The first line, as this build would write it. */
static void magic_line(const struct site_build *b, char *out, size_t outlen)
{
    const char *cs = b->cfg && b->cfg->iim_charset ? b->cfg->iim_charset : "";
    snprintf(out, outlen, "%s reader %d charset %016" PRIx64 "\n", META_CACHE_MAGIC,
             META_READER_VERSION, site_name_hash(cs, strlen(cs)));
}

static void cache_free(struct site_meta_cache *x)
{
    if (!x)
        return;
    site_index_unmap(x->text, x->len);
    free(x->entries);
    free(x->slots);
    free(x);
}

void site_meta_cache_free(struct site_build *b)
{
    cache_free(b->meta_cache);
    b->meta_cache = NULL;
}

static const struct meta_entry *find(const struct site_meta_cache *x, const char *sha)
{
    for (size_t i = (size_t)site_name_hash(sha, 64) & (x->cap - 1); x->slots[i];
         i = (i + 1) & (x->cap - 1)) {
        const struct meta_entry *e = &x->entries[x->slots[i] - 1];
        if (memcmp(e->sha256, sha, 64) == 0)
            return e;
    }
    return NULL;
}

/* Entries from `p` (after the first line) up to `end` (the last line):
 * exactly `count` of them, each "<sha> <len>\n<len bytes>\n", no hash
 * twice. ST_MALFORMED names the entry (1-based) in *bad. */
static enum status parse_entries(struct site_meta_cache *x, const char *p, const char *end,
                                 size_t count, size_t *bad)
{
    /* an entry takes at least 68 bytes: no count a file cannot hold */
    if (count > (size_t)(end - p) / 68 + 1)
        return ST_MALFORMED;
    x->entries = calloc(count ? count : 1, sizeof *x->entries);
    x->slots = site_slots_new(count, &x->cap);
    if (!x->entries || !x->slots)
        return ST_NOMEM;
    for (size_t i = 0; i < count; i++) {
        struct meta_entry *e = &x->entries[x->n];
        uint64_t len;
        bool neg;
        *bad = i + 1;
        if (end - p < 66 || p[64] != ' ' || strspn(p, "0123456789abcdef") < 64)
            return ST_MALFORMED;
        e->sha256 = p;
        p += 65;
        if (!site_take_number(&p, end, '\n', false, &len, &neg) || len >= (uint64_t)(end - p) ||
            p[len] != '\n' || find(x, e->sha256))
            return ST_MALFORMED;
        e->rec = (const uint8_t *)p;
        e->rec_len = (size_t)len;
        p += len + 1;
        site_slots_put(x->slots, x->cap, site_name_hash(e->sha256, 64), x->n++);
    }
    *bad = 0;
    return p == end ? ST_OK : ST_MALFORMED;
}

void site_meta_cache_load(struct site_build *b)
{
    char path[TS_LIMIT_PATH], magic[128];
    struct stat sb;
    site_meta_cache_free(b);
    if (!site_state_path(b, META_CACHE_NAME, path, sizeof path))
        return;
    struct site_meta_cache *x = calloc(1, sizeof *x);
    if (!x || !site_index_map(path, &x->text, &x->len, &sb)) {
        free(x);
        return;
    }
    magic_line(b, magic, sizeof magic);
    size_t ml = strlen(magic), count = 0, bad = 0;
    if (x->len < ml || memcmp(x->text, magic, ml) != 0) {
        log_msg(LOG_DEBUG,
                "%s: of another version, reader or IIM charset; every photo's metadata is read",
                path);
        cache_free(x);
        return;
    }
    const char *end = site_index_end(x->text, x->len, &count);
    enum status st = end && end >= x->text + ml ? parse_entries(x, x->text + ml, end, count, &bad)
                                                 : ST_MALFORMED;
    if (st == ST_OK) {
        b->meta_cache = x;
        return;
    }
    if (st == ST_MALFORMED && bad)
        log_msg(LOG_WARN,
                "%s: entry %zu is damaged; the cache is ignored and every photo's metadata is "
                "read",
                path, bad);
    else if (st == ST_MALFORMED)
        log_msg(LOG_WARN,
                "%s: cut short or changed (its last line does not match); the cache is ignored "
                "and every photo's metadata is read",
                path);
    cache_free(x);
}

/* Read by several workers at once: the cache is not changed during the
 * jobs. A record meta_unpack refuses (the file's hash matched, so only
 * a writer's bug could make one) is a miss. */
bool site_meta_cache_lookup(const struct site_build *b, const char *content,
                            struct photo_meta **out)
{
    const struct site_meta_cache *x = b->meta_cache;
    *out = NULL;
    if (!x || strlen(content) != 64)
        return false;
    const struct meta_entry *e = find(x, content);
    return e && meta_unpack(e->rec, e->rec_len, out) == ST_OK;
}

/* What the photo's entry would hold: its record from the old file, or
 * the one packed when it was read; false when it has none. */
static bool record_of(const struct site_build *b, const struct site_photo *p, const uint8_t **rec,
                      size_t *len)
{
    if (p->status != ST_OK || !p->meta)
        return false;
    if (p->meta_packed) {
        *rec = (const uint8_t *)p->meta_packed;
        *len = p->meta_packed_len;
        return true;
    }
    const struct meta_entry *e = b->meta_cache ? find(b->meta_cache, p->content) : NULL;
    if (!e)
        return false;
    *rec = e->rec;
    *len = e->rec_len;
    return true;
}

/* The first photo of its content: the same photo in two stories is one
 * entry. */
static bool first_of(struct site_name_set *seen, const char *content)
{
    if (site_name_set_has(seen, content))
        return false;
    site_name_set_add(seen, content);
    return true;
}

/* Every photo with metadata has its record in the old file, the same
 * bytes, and they are all of its entries: the file would hold the same
 * records (in another order at most, which no lookup sees). Known
 * without printing it. A photo's record is found once, and the records
 * found are told apart by their entry (one content, one entry), not by
 * a set of contents hashed again: 4 ms of a 10,000-photo no-op's
 * serial tail was two hashes, two probes and a fresh set. */
static bool unchanged(const struct site_build *b)
{
    const struct site_meta_cache *x = b->meta_cache;
    if (!x)
        return false;
    bool *used = calloc(x->n + 1, sizeof *used);
    if (!used)
        return false;
    size_t n = 0;
    bool same = true;
    for (size_t i = 0; i < b->n_photos && same; i++) {
        const struct site_photo *p = &b->photos[i];
        bool has_record = p->status == ST_OK && p->meta; /* as record_of says */
        const struct meta_entry *e = p->meta_packed || has_record ? find(x, p->content) : NULL;
        /* a photo read again (a PNG has no cached header, so it is read
         * on every build) whose record is the old one changes nothing */
        if (p->meta_packed && (!e || e->rec_len != p->meta_packed_len ||
                               memcmp(e->rec, p->meta_packed, e->rec_len) != 0))
            same = false;
        else if (has_record && e && !used[e - x->entries]) {
            used[e - x->entries] = true;
            n++;
        }
    }
    free(used);
    return same && n == x->n;
}

enum status site_meta_cache_save(struct site_build *b, struct diag *d)
{
    if (unchanged(b))
        return ST_OK;
    struct buf out;
    struct site_name_set seen;
    char magic[128], path[TS_LIMIT_PATH];
    buf_init(&out, SITE_INDEX_MAX_BYTES);
    magic_line(b, magic, sizeof magic);
    enum status st = site_name_set_init(&seen, b->n_photos) ? buf_puts(&out, magic) : ST_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < b->n_photos && st == ST_OK; i++) {
        const struct site_photo *p = &b->photos[i];
        const uint8_t *rec;
        size_t len;
        if (!record_of(b, p, &rec, &len) || !first_of(&seen, p->content))
            continue;
        n++;
        if ((st = buf_printf(&out, "%.64s %zu\n", p->content, len)) == ST_OK &&
            (st = buf_append(&out, rec, len)) == ST_OK)
            st = buf_putc(&out, '\n');
    }
    if (st == ST_OK)
        st = buf_printf(&out, "end %zu %016" PRIx64 "\n", n, site_name_hash(out.data, out.len));
    if (st != ST_OK)
        st = diag_set(d, st, NULL, DIAG_NO_OFFSET, "metadata cache: out of memory or over %zu bytes",
                      SITE_INDEX_MAX_BYTES);
    else if (!site_state_path(b, META_CACHE_NAME, path, sizeof path))
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "site path too long");
    else
        st = file_write_atomic(path, out.data, out.len, d);
    site_name_set_free(&seen);
    buf_free(&out);
    return st;
}
