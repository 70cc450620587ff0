/*
 * folderlist.c — a folder's entries read once (getdents64) into a
 * name → (inode, type) table, so a no-op build checks a story's
 * published derivatives without a stat each (photos.c publish_outputs:
 * 20,000 fstatat at 10,000 photos became one read of each story's
 * folder). The records getdents64 fills are kept as they are: the
 * table holds their offsets, no name is copied.
 *
 * Must never: take an entry the kernel did not type (DT_UNKNOWN) or an
 * inode that differs for the same one: those are the caller's to stat.
 */
#define _GNU_SOURCE /* getdents64, struct dirent64 */
#include <dirent.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "site/internal.h"

/* Room asked of getdents64 each call: a 20-photo story's folder (40
 * entries, 2 KB) in one call, 2,000 photos' in a few. */
#define FOLDER_READ_STEP (64u * 1024u)
#define FOLDER_READ_MIN 4096u

static bool grow(void **p, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return true;
    size_t n = *cap ? *cap : 64;
    while (n < want)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

static const struct dirent64 *record(const struct site_folder_list *l, uint32_t off)
{
    return (const struct dirent64 *)(const void *)(l->buf + off);
}

bool site_folder_list_read(struct site_folder_list *l, int fd)
{
    l->valid = false;
    l->n = 0;
    size_t used = 0;
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0)
        return false;
    l->dev = (uint64_t)sb.st_dev;
    for (;;) {
        /* grown only when a longest record (a 255-byte name) might not
         * fit: the buffer of the last folder is the next one's, its
         * pages already touched */
        if (l->buf_cap - used < FOLDER_READ_MIN &&
            (used + FOLDER_READ_STEP > SITE_FOLDER_LIST_MAX_BYTES ||
             !grow((void **)&l->buf, &l->buf_cap, used + FOLDER_READ_STEP, 1)))
            return false;
        ssize_t got = getdents64(fd, l->buf + used, l->buf_cap - used);
        if (got < 0)
            return false;
        if (got == 0)
            break;
        used += (size_t)got;
    }
    /* a table twice the entries' count (a power of two): probes stay short */
    size_t count = 0;
    for (size_t off = 0; off < used; count++) {
        size_t len = record(l, (uint32_t)off)->d_reclen;
        if (len < offsetof(struct dirent64, d_name) + 2 || len > used - off)
            return false; /* not what getdents64 writes: not trusted */
        off += len;
    }
    size_t want = 16;
    while (want < 2 * count)
        want *= 2;
    if (!grow((void **)&l->slots, &l->slots_cap, want, sizeof *l->slots))
        return false;
    l->mask = want - 1;
    memset(l->slots, 0, want * sizeof *l->slots);
    for (size_t off = 0; off < used;) {
        const struct dirent64 *e = record(l, (uint32_t)off);
        uint64_t h = site_name_hash(e->d_name, strlen(e->d_name));
        size_t i = (size_t)h & l->mask;
        while (l->slots[i].off_plus1)
            i = (i + 1) & l->mask;
        l->slots[i].off_plus1 = (uint32_t)off + 1;
        l->slots[i].hash = (uint32_t)(h >> 32);
        off += e->d_reclen;
    }
    l->n = count;
    l->valid = true;
    return true;
}

enum site_folder_hit site_folder_list_find(const struct site_folder_list *l, const char *name,
                                           uint64_t ino, uint64_t dev)
{
    if (!l->valid)
        return SITE_FOLDER_ASK;
    uint64_t h = site_name_hash(name, strlen(name));
    for (size_t i = (size_t)h & l->mask; l->slots[i].off_plus1; i = (i + 1) & l->mask) {
        if (l->slots[i].hash != (uint32_t)(h >> 32))
            continue;
        const struct dirent64 *e = record(l, l->slots[i].off_plus1 - 1);
        if (strcmp(e->d_name, name) != 0)
            continue;
        if (e->d_type == DT_UNKNOWN)
            return SITE_FOLDER_ASK;
        return e->d_type == DT_REG && (uint64_t)e->d_ino == ino && l->dev == dev
                   ? SITE_FOLDER_SAME
                   : SITE_FOLDER_OTHER;
    }
    return SITE_FOLDER_OTHER;
}

void site_folder_list_free(struct site_folder_list *l)
{
    free(l->buf);
    free(l->slots);
    memset(l, 0, sizeof *l);
}
