/*
 * cachegc.c — keeps .tearsheet/cache from growing without end
 * (docs/performance.md "Incremental builds"). At most once a day (the
 * mtime of .tearsheet/cache/gc-stamp says when it last ran) a build
 * marks every entry it uses — the derivative folder of each photo's key
 * and the header of each photo's content — by setting its mtime to now,
 * and removes the entries whose mtime is older than SITE_CACHE_KEEP_DAYS:
 * those no build that ran the collector used for that long. A photo
 * reverted within the month is still free; one a month gone is
 * encoded again.
 *
 * The derivative index (derivindex.c) agrees with it by construction:
 * it is written from this build's photos, so it names only keys this
 * build used, which are the entries a collection keeps; an entry gone
 * anyway (deleted by hand) is found by its published link no longer
 * having a second name, and encoded again (photos.c).
 *
 * Must never: remove an entry this build uses, anything whose name is
 * not a cache key (64 hex digits), or anything outside the cache
 * folder; nor cost a no-op build more than the one stat of the stamp.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "site/internal.h"

/* How long an unused entry is kept: long enough that reverting a photo
 * or a setting after a few weeks costs nothing. */
#define SITE_CACHE_KEEP_DAYS 30
/* How often the collector runs: it reads the whole cache folder. */
#define SITE_CACHE_GC_EVERY_S (24 * 3600)

static bool is_key(const char *name)
{
    return strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_use(const char *const *used, size_t n, const char *name)
{
    return bsearch(&name, used, n, sizeof *used, cmp_key) != NULL;
}

/* Removes the entries of `dir` (folders of files, or files) that are not
 * in `used` and older than `cutoff`; marks the used ones. */
static void sweep(struct site_build *b, const char *dir, const char *const *used, size_t n,
                  time_t cutoff)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    struct dirent *e;
    while ((e = readdir(dh))) {
        char path[TS_LIMIT_PATH];
        struct stat sb;
        if (!is_key(e->d_name) || !path_join(path, sizeof path, dir, e->d_name) ||
            lstat(path, &sb) != 0)
            continue;
        if (in_use(used, n, e->d_name)) {
            utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW);
            continue;
        }
        if (sb.st_mtime >= cutoff)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            /* a derivative entry: manifest.json and d-<w>.<ext> files */
            DIR *sub = opendir(path);
            struct dirent *f;
            while (sub && (f = readdir(sub))) {
                char file[TS_LIMIT_PATH];
                struct stat fs;
                if (f->d_name[0] != '.' && path_join(file, sizeof file, path, f->d_name) &&
                    lstat(file, &fs) == 0 && S_ISREG(fs.st_mode))
                    unlink(file);
            }
            if (sub)
                closedir(sub);
            if (rmdir(path) == 0)
                b->report->cache_removed++;
        } else if (S_ISREG(sb.st_mode) && unlink(path) == 0) {
            b->report->cache_removed++;
        }
    }
    closedir(dh);
}

void site_cache_gc(struct site_build *b)
{
    char stamp[TS_LIMIT_PATH], head[TS_LIMIT_PATH];
    struct stat sb;
    time_t now = time(NULL);
    const char **keys = NULL, **contents = NULL;
    size_t n_keys = 0, n_contents = 0;
    if (!path_join(stamp, sizeof stamp, b->cache_dir, "gc-stamp") ||
        !path_join(head, sizeof head, b->cache_dir, "head"))
        return;
    if (stat(stamp, &sb) == 0 && now - sb.st_mtime < SITE_CACHE_GC_EVERY_S && sb.st_mtime <= now)
        return;
    /* a build with errors may not have computed every key it needs */
    if (b->report->errors)
        return;
    keys = calloc(b->n_photos + 1, sizeof *keys);
    contents = calloc(b->n_photos + 1, sizeof *contents);
    if (!keys || !contents)
        goto abort;
    for (size_t i = 0; i < b->n_photos; i++) {
        if (is_key(b->photos[i].key))
            keys[n_keys++] = b->photos[i].key;
        if (is_key(b->photos[i].content))
            contents[n_contents++] = b->photos[i].content;
    }
    qsort(keys, n_keys, sizeof *keys, cmp_key);
    qsort(contents, n_contents, sizeof *contents, cmp_key);
    time_t cutoff = now - (time_t)SITE_CACHE_KEEP_DAYS * 24 * 3600;
    sweep(b, b->cache_dir, keys, n_keys, cutoff);
    sweep(b, head, contents, n_contents, cutoff);
    struct diag d;
    diag_clear(&d);
    if (file_write_atomic(stamp, "", 0, &d) != ST_OK)
        log_diag(LOG_DEBUG, &d); /* it then runs again next build */
abort:
    free(keys);
    free(contents);
}
