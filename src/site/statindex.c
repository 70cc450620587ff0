/*
 * statindex.c — the stat index and the header cache that let a rebuild
 * skip reading unchanged photos (docs/performance.md "Incremental
 * builds"). The index, <site>/.tearsheet/stat-index, maps each photo
 * path of the last build to its (size, mtime, ctime, inode, device) and
 * the SHA-256 of its bytes, one line a photo:
 *
 *     tearsheet stat index 3
 *     <sha256 hex> <size> <inode> <device> <mtime ns> <ctime ns> <path>
 *     ...
 *     end <lines> <site_name_hash of every byte before "end", 16 hex digits>
 *
 * The last line makes a file cut short or changed by a byte no index:
 * site_name_hash changes with any one byte changed (util.c says why),
 * and a cut anywhere loses it. Version 2 ended in FNV-1a, a byte a
 * step. The file is mapped and read in place (one pass, a hash table of the lines; no tree of
 * objects, which is what the JSON of version 1 cost at 10,000 photos).
 * It is rewritten only when that changes (same_as_before says why that
 * keeps the racy rule). The header cache,
 * .tearsheet/cache/head/<sha256>, holds the photo's bytes up to and
 * including the SOS segment header: every segment meta_read looks at.
 * A photo whose stat matches is therefore known without opening it:
 * content hash from the index, metadata from its header (the same
 * meta_read over the same bytes), derivatives from the content cache.
 *
 * Must never: trust an entry whose mtime is not strictly older than the
 * index file itself (git's "racy" rule: a photo rewritten in the same
 * clock tick as the index was written may keep its stat), trust any
 * line of an index with one damaged line (a truncated write, a disk
 * error: the whole file is then no index, with a warning naming it), or
 * stop a build because the index or a header is missing or damaged —
 * the photo is then read and hashed as on a first build.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/container.h"
#include "site/internal.h"

/* Bumped when the meaning or the layout of a line changes: an index of
 * another version is ignored (every photo read once, as on a first
 * build). Version 1 was JSON, in stat-index.json. */
#define STAT_INDEX_MAGIC "tearsheet stat index 3\n"
#define STAT_INDEX_NAME "stat-index"
#define STAT_INDEX_OLD_NAME "stat-index.json"

/* One line of the index, pointing into its text. */
struct stat_entry {
    const char *path; /* not NUL-terminated: path_len bytes */
    size_t path_len;
    const char *sha256; /* 64 lowercase hex digits */
    struct site_stat stat;
};

struct site_stat_index {
    const char *text; /* the file's bytes, mapped, kept to leave an unchanged index alone */
    size_t len;
    int64_t ns; /* the file's mtime: the racy cut-off */
    struct stat_entry *entries;
    size_t n;
    size_t *slots; /* open addressing: entry index + 1, 0 = empty */
    size_t cap;    /* a power of two, at least twice n */
};

static int64_t ns_of(struct timespec t)
{
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

void site_stat_from(const struct stat *sb, struct site_stat *out)
{
    out->size = (uint64_t)sb->st_size;
    out->ino = (uint64_t)sb->st_ino;
    out->dev = (uint64_t)sb->st_dev;
    out->mtime_ns = ns_of(sb->st_mtim);
    out->ctime_ns = ns_of(sb->st_ctim);
}

bool site_state_path(const struct site_build *b, const char *name, char *out, size_t outlen)
{
    char dir[TS_LIMIT_PATH];
    return path_join(dir, sizeof dir, b->opt->site_dir, ".tearsheet") &&
           path_join(out, outlen, dir, name);
}

void site_stat_index_free(struct site_build *b)
{
    struct site_stat_index *x = b->stat_index;
    if (x) {
        site_index_unmap(x->text, x->len);
        free(x->entries);
        free(x->slots);
        free(x);
    }
    b->stat_index = NULL;
}

bool site_take_number(const char **p, const char *end, char sep, bool may_be_negative,
                      uint64_t *out, bool *negative)
{
    const char *c = *p;
    *negative = false;
    if (may_be_negative && c < end && *c == '-') {
        *negative = true;
        c++;
    }
    uint64_t v = 0;
    size_t digits = 0;
    for (; c < end && *c >= '0' && *c <= '9'; c++, digits++)
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, (uint64_t)(*c - '0'), &v))
            return false;
    if (digits == 0 || c >= end || *c != sep || (may_be_negative && v > INT64_MAX))
        return false;
    *out = v;
    *p = c + 1;
    return true;
}

static bool take_u64(const char **p, const char *end, uint64_t *out)
{
    bool neg;
    return site_take_number(p, end, ' ', false, out, &neg);
}

bool site_take_i64(const char **p, const char *end, int64_t *out)
{
    uint64_t v;
    bool neg;
    if (!site_take_number(p, end, ' ', true, &v, &neg))
        return false;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

/* One line without its '\n'; false when any field is not as written. */
static bool parse_line(const char *line, const char *end, struct stat_entry *e)
{
    const char *p = line;
    if (end - p < 65 || p[64] != ' ' || strspn(p, "0123456789abcdef") < 64)
        return false;
    e->sha256 = p;
    p += 65;
    struct site_stat *s = &e->stat;
    if (!take_u64(&p, end, &s->size) || !take_u64(&p, end, &s->ino) ||
        !take_u64(&p, end, &s->dev) || !site_take_i64(&p, end, &s->mtime_ns) ||
        !site_take_i64(&p, end, &s->ctime_ns) || p >= end || memchr(p, '\0', (size_t)(end - p)))
        return false;
    e->path = p;
    e->path_len = (size_t)(end - p);
    return true;
}

static const struct stat_entry *find(const struct site_stat_index *x, const char *path, size_t len)
{
    for (size_t i = (size_t)site_name_hash(path, len) & (x->cap - 1); x->slots[i];
         i = (i + 1) & (x->cap - 1)) {
        const struct stat_entry *e = &x->entries[x->slots[i] - 1];
        if (e->path_len == len && memcmp(e->path, path, len) == 0)
            return e;
    }
    return NULL;
}

/*
 * The four line files are mapped, not copied: at 10,000 photos read()
 * copied 6.5 MB a no-op build, 6 % of its CPU. Mapping is safe because
 * each is only ever replaced by rename (file_write_atomic, also under
 * site_write_if_changed), never written or truncated in place: the
 * mapping keeps the old inode whole, so no page of it can vanish and
 * raise SIGBUS. Someone cutting the file in place by hand during a
 * build is the one case that could; the text is parsed in place, so
 * its lines stay valid while the mapping lives.
 */
bool site_index_map(const char *path, const char **text, size_t *len, struct stat *sb)
{
    struct diag ignored;
    const uint8_t *data = NULL;
    if (file_map_read(path, SITE_INDEX_MAX_BYTES, &data, len, sb, &ignored) != ST_OK)
        return false;
    *text = (const char *)data;
    return true;
}

void site_index_unmap(const char *text, size_t len)
{
    file_unmap(text, len);
}

const char *site_index_end(const char *text, size_t len, size_t *lines)
{
    if (len < 2 || text[len - 1] != '\n')
        return NULL;
    const char *last = text + len - 1;
    while (last > text && last[-1] != '\n')
        last--;
    const char *p = last + 4, *end = text + len;
    uint64_t n, hash = 0;
    bool neg;
    if (last == text || end - last < 4 || memcmp(last, "end ", 4) != 0 ||
        !site_take_number(&p, end, ' ', false, &n, &neg) || end - p != 17)
        return NULL;
    for (int i = 0; i < 16; i++) {
        char c = p[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return NULL;
        hash = hash << 4 | (uint64_t)v;
    }
    if (hash != site_name_hash(text, (size_t)(last - text)))
        return NULL;
    *lines = (size_t)n;
    return last;
}

const char *site_index_lines(const char *text, size_t len, const char *start, size_t *lines)
{
    size_t found = 0;
    const char *end = site_index_end(text, len, lines);
    if (!end || start > end)
        return NULL;
    for (const char *c = start; c < end && (c = memchr(c, '\n', (size_t)(end - c))); c++)
        found++;
    return found == *lines ? end : NULL;
}

/* Lines → entries and their table. ST_MALFORMED names the line (0:
 * the last one, which does not match the rest). */
static enum status parse_index(struct site_stat_index *x, size_t *bad_line)
{
    size_t magic = sizeof STAT_INDEX_MAGIC - 1, lines = 0;
    const char *p = x->text + magic;
    const char *end = site_index_lines(x->text, x->len, p, &lines);
    *bad_line = 0;
    if (!end)
        return ST_MALFORMED;
    x->entries = calloc(lines ? lines : 1, sizeof *x->entries);
    x->slots = site_slots_new(lines, &x->cap);
    if (!x->entries || !x->slots)
        return ST_NOMEM;
    for (size_t i = 0; i < lines; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct stat_entry *e = &x->entries[x->n];
        *bad_line = i + 2;
        if (!parse_line(p, nl, e) || find(x, e->path, e->path_len))
            return ST_MALFORMED;
        site_slots_put(x->slots, x->cap, site_name_hash(e->path, e->path_len), x->n++);
        p = nl + 1;
    }
    *bad_line = 0;
    return ST_OK;
}

void site_stat_index_load(struct site_build *b)
{
    char path[TS_LIMIT_PATH];
    struct stat sb;
    site_stat_index_free(b);
    if (!site_state_path(b, STAT_INDEX_NAME, path, sizeof path))
        return;
    struct site_stat_index *x = calloc(1, sizeof *x);
    if (!x || !site_index_map(path, &x->text, &x->len, &sb)) {
        free(x);
        return;
    }
    x->ns = ns_of(sb.st_mtim);
    size_t magic = sizeof STAT_INDEX_MAGIC - 1;
    if (x->len < magic || memcmp(x->text, STAT_INDEX_MAGIC, magic) != 0) {
        log_msg(LOG_DEBUG, "%s: not a stat index of this version; every photo is read", path);
        goto abort;
    }
    size_t bad = 0;
    enum status st = parse_index(x, &bad);
    if (st == ST_OK) {
        b->stat_index = x;
        return;
    }
    if (st == ST_MALFORMED && bad)
        log_msg(LOG_WARN, "%s: line %zu is damaged; the index is ignored and every photo is read",
                path, bad);
    else if (st == ST_MALFORMED)
        log_msg(LOG_WARN,
                "%s: cut short or changed (its last line does not match); the index is "
                "ignored and every photo is read",
                path);
abort:
    site_index_unmap(x->text, x->len);
    free(x->entries);
    free(x->slots);
    free(x);
}

/* Entries are read by several workers at once: the index is not
 * changed during the jobs. */
bool site_stat_index_lookup(const struct site_build *b, const struct site_photo *p,
                            char content[65])
{
    const struct site_stat_index *x = b->stat_index;
    if (!x || !p->have_stat)
        return false;
    const struct stat_entry *e = find(x, p->src_path, strlen(p->src_path));
    if (!e)
        return false;
    const struct site_stat *s = &p->stat, *was = &e->stat;
    if (s->mtime_ns >= x->ns) /* racy: could have changed unseen */
        return false;
    if (was->size != s->size || was->ino != s->ino || was->dev != s->dev ||
        was->mtime_ns != s->mtime_ns || was->ctime_ns != s->ctime_ns)
        return false;
    memcpy(content, e->sha256, 64);
    content[64] = '\0';
    return true;
}

/*
 * The index's mtime is the racy cut-off, so it must be later than
 * every stat it records. An index whose bytes would not change, and
 * whose every entry was trusted under the old file's mtime, keeps that
 * mtime as a valid cut-off: it is left alone, and a no-op build writes
 * nothing. Any entry not strictly older than the old index (a photo
 * changed in the tick the index was written) makes it rewritten, as
 * before.
 */
static bool same_as_before(const struct site_build *b, const char *text, size_t len)
{
    const struct site_stat_index *x = b->stat_index;
    if (!x || len != x->len || memcmp(text, x->text, len) != 0)
        return false;
    for (size_t i = 0; i < b->n_photos; i++) {
        const struct site_photo *p = &b->photos[i];
        if (p->status == ST_OK && p->have_stat && p->have_head && p->stat.mtime_ns >= x->ns)
            return false;
    }
    return true;
}

/* A photo the index can hold: one line, so no '\n' in its path. */
static bool indexable(const struct site_photo *p)
{
    return p->status == ST_OK && p->have_stat && p->have_head && !strchr(p->src_path, '\n');
}

/*
 * Every photo the index would list was found in the old index by its
 * unchanged stat (so strictly older than it), and they are all of its
 * entries: the index would come out the same, and same_as_before would
 * leave it alone. Known without building and printing 10,000 entries,
 * which was a tenth of a no-op rebuild at 10,000 photos.
 */
static bool unchanged(const struct site_build *b)
{
    if (!b->stat_index)
        return false;
    size_t hits = 0;
    for (size_t i = 0; i < b->n_photos; i++) {
        const struct site_photo *p = &b->photos[i];
        if (!indexable(p))
            continue;
        if (!p->stat_hit)
            return false;
        hits++;
    }
    return hits == b->stat_index->n;
}

enum status site_stat_index_save(struct site_build *b, struct diag *d)
{
    if (unchanged(b))
        return ST_OK;
    struct buf out;
    buf_init(&out, SITE_INDEX_MAX_BYTES);
    enum status st = buf_puts(&out, STAT_INDEX_MAGIC);
    /* in the order of the plan (stories, then their photos), which the
     * same site gives every time, so an unchanged index has the same
     * bytes */
    size_t lines = 0;
    for (size_t i = 0; i < b->n_photos && st == ST_OK; i++) {
        const struct site_photo *p = &b->photos[i];
        if (!indexable(p))
            continue;
        const struct site_stat *s = &p->stat;
        lines++;
        st = buf_printf(&out,
                        "%.64s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %s\n",
                        p->content, s->size, s->ino, s->dev, s->mtime_ns, s->ctime_ns, p->src_path);
    }
    if (st == ST_OK)
        st = buf_printf(&out, "end %zu %016" PRIx64 "\n", lines, site_name_hash(out.data, out.len));
    char path[TS_LIMIT_PATH], old[TS_LIMIT_PATH];
    if (st != ST_OK)
        st = diag_set(d, st, NULL, DIAG_NO_OFFSET, "stat index: out of memory or over %zu bytes",
                      SITE_INDEX_MAX_BYTES);
    else if (!site_state_path(b, STAT_INDEX_NAME, path, sizeof path) ||
             !site_state_path(b, STAT_INDEX_OLD_NAME, old, sizeof old))
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "site path too long");
    else if (!same_as_before(b, out.data, out.len)) {
        st = file_write_atomic(path, out.data, out.len, d);
        /* version 1's file, which no build reads any more */
        if (st == ST_OK)
            unlink(old);
    }
    buf_free(&out);
    return st;
}

static bool head_path(const struct site_build *b, const char *content, char *out, size_t outlen)
{
    char dir[TS_LIMIT_PATH];
    return path_join(dir, sizeof dir, b->cache_dir, "head") && path_join(out, outlen, dir, content);
}

bool site_head_save(const struct site_build *b, const char *content, const uint8_t *data,
                    size_t len)
{
    char path[TS_LIMIT_PATH];
    if (!head_path(b, content, path, sizeof path))
        return false;
    if (file_exists(path))
        return true; /* named by the content hash: an existing one is the same */
    struct container_jpeg *j = malloc(sizeof *j);
    struct diag d;
    diag_clear(&d);
    bool ok = false;
    /* Only a clean walk to SOS: a damaged file is read again next time,
     * so its diagnostics stay the same as on a first build. */
    if (j && container_jpeg_walk(span_make(data, len), j, &d) == ST_OK && j->have_sos &&
        !j->partial && j->header_end > 0 && j->header_end <= len)
        ok = file_write_atomic(path, data, j->header_end, &d) == ST_OK;
    free(j);
    return ok;
}

enum status site_head_load(const struct site_build *b, const char *content, uint8_t **data,
                           size_t *len)
{
    char path[TS_LIMIT_PATH];
    struct diag d;
    diag_clear(&d);
    if (!head_path(b, content, path, sizeof path))
        return ST_LIMIT;
    /* a header is at most TS_LIMIT_JPEG_SEGMENTS segments of 64 KB */
    return file_read_all(path, (size_t)TS_LIMIT_JPEG_SEGMENTS << 16, data, len, &d);
}
