/*
 * statindex.c — the stat index and the header cache that let a rebuild
 * skip reading unchanged photos (docs/performance.md "Incremental
 * builds"). The index, <site>/.tearsheet/stat-index.json, maps each
 * photo path of the last build to its (size, mtime, ctime, inode,
 * device) and the SHA-256 of its bytes; it is rewritten only when that
 * changes (same_as_before says why that keeps the racy rule). The header cache,
 * .tearsheet/cache/head/<sha256>, holds the photo's bytes up to and
 * including the SOS segment header: every segment meta_read looks at.
 * A photo whose stat matches is therefore known without opening it:
 * content hash from the index, metadata from its header (the same
 * meta_read over the same bytes), derivatives from the content cache.
 *
 * Must never: trust an entry whose mtime is not strictly older than the
 * index file itself (git's "racy" rule: a photo rewritten in the same
 * clock tick as the index was written may keep its stat), or stop a
 * build because the index or a header is missing or damaged — the
 * photo is then read and hashed as on a first build.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "container/container.h"
#include "site/internal.h"

/* Bumped when the meaning of an entry changes: older indexes are ignored. */
#define STAT_INDEX_VERSION 1

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

static bool index_path(const struct site_build *b, char *out, size_t outlen)
{
    char dir[TS_LIMIT_PATH];
    return path_join(dir, sizeof dir, b->opt->site_dir, ".tearsheet") &&
           path_join(out, outlen, dir, "stat-index.json");
}

void site_stat_index_load(struct site_build *b)
{
    char path[TS_LIMIT_PATH];
    struct stat sb;
    json_t *j = NULL;
    b->stat_index = NULL;
    free(b->stat_index_text);
    b->stat_index_text = NULL;
    b->stat_index_len = 0;
    if (!index_path(b, path, sizeof path) || stat(path, &sb) != 0)
        goto abort;
    json_error_t err;
    struct diag ignored;
    uint8_t *text = NULL;
    size_t len = 0;
    if (file_read_all(path, SITE_INDEX_MAX_BYTES, &text, &len, &ignored) != ST_OK)
        goto abort;
    j = json_loadb((const char *)text, len, 0, &err);
    /* kept to tell whether this build's index would be the same */
    b->stat_index_text = (char *)text;
    b->stat_index_len = len;
    if (!j || json_integer_value(json_object_get(j, "version")) != STAT_INDEX_VERSION ||
        !json_is_object(json_object_get(j, "photos"))) {
        log_msg(LOG_DEBUG, "%s: not a stat index of this version; every photo is read", path);
        goto abort;
    }
    b->stat_index = json_incref(json_object_get(j, "photos"));
    b->stat_index_ns = ns_of(sb.st_mtim);
abort:
    json_decref(j);
}

/* Entries are read by several workers at once: jansson's getters do not
 * modify the object, and the index is not changed during the jobs. */
bool site_stat_index_lookup(const struct site_build *b, const struct site_photo *p,
                            char content[65])
{
    if (!b->stat_index || !p->have_stat)
        return false;
    json_t *e = json_object_get(b->stat_index, p->src_path);
    const char *hash = json_string_value(json_object_get(e, "sha256"));
    if (!hash || strlen(hash) != 64 || strspn(hash, "0123456789abcdef") != 64)
        return false;
    const struct site_stat *s = &p->stat;
    if (s->mtime_ns >= b->stat_index_ns) /* racy: could have changed unseen */
        return false;
    if ((uint64_t)json_integer_value(json_object_get(e, "size")) != s->size ||
        (uint64_t)json_integer_value(json_object_get(e, "ino")) != s->ino ||
        (uint64_t)json_integer_value(json_object_get(e, "dev")) != s->dev ||
        json_integer_value(json_object_get(e, "mtime_ns")) != s->mtime_ns ||
        json_integer_value(json_object_get(e, "ctime_ns")) != s->ctime_ns)
        return false;
    memcpy(content, hash, 65);
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
static bool same_as_before(const struct site_build *b, const char *text)
{
    if (!b->stat_index || !b->stat_index_text || strlen(text) != b->stat_index_len ||
        memcmp(text, b->stat_index_text, b->stat_index_len) != 0)
        return false;
    for (size_t i = 0; i < b->n_photos; i++) {
        const struct site_photo *p = &b->photos[i];
        if (p->status == ST_OK && p->have_stat && p->have_head &&
            p->stat.mtime_ns >= b->stat_index_ns)
            return false;
    }
    return true;
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
        if (p->status != ST_OK || !p->have_stat || !p->have_head)
            continue;
        if (!p->stat_hit)
            return false;
        hits++;
    }
    return hits == json_object_size(b->stat_index);
}

enum status site_stat_index_save(struct site_build *b, struct diag *d)
{
    if (unchanged(b))
        return ST_OK;
    json_t *photos = json_object();
    char *text = NULL;
    enum status st = ST_OK;
    for (size_t i = 0; i < b->n_photos; i++) {
        const struct site_photo *p = &b->photos[i];
        if (p->status != ST_OK || !p->have_stat || !p->have_head)
            continue;
        const struct site_stat *s = &p->stat;
        json_object_set_new(photos, p->src_path,
                            json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "sha256", p->content,
                                      "size", (json_int_t)s->size, "ino", (json_int_t)s->ino,
                                      "dev", (json_int_t)s->dev, "mtime_ns",
                                      (json_int_t)s->mtime_ns, "ctime_ns",
                                      (json_int_t)s->ctime_ns));
    }
    json_t *j = json_pack("{s:i, s:o}", "version", STAT_INDEX_VERSION, "photos", photos);
    text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    char path[TS_LIMIT_PATH];
    if (!text)
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    else if (!index_path(b, path, sizeof path))
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "site path too long");
    else if (!same_as_before(b, text))
        st = file_write_atomic(path, text, strlen(text), d);
    free(text);
    return st;
}

static bool head_path(const struct site_build *b, const char *content, char *out,
                      size_t outlen)
{
    char dir[TS_LIMIT_PATH];
    return path_join(dir, sizeof dir, b->cache_dir, "head") &&
           path_join(out, outlen, dir, content);
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
