/*
 * plan.c — the photo plan: one job per distinct photo of each story,
 * with its unique id (kim, kim-2, ...) and the stat index's key.
 *
 * Must never: report a missing photo in another order or words than
 * the story's own (story.md order, cover last), give an id to a photo
 * that does not exist, or take a photo's stat after it could have been
 * read (statindex.c: a change while it is read must show next time).
 *
 * Two passes. The stats come first, for all stories at once, on this
 * thread and one more: at 10,000 photos they were 52 ms of a no-op
 * build, every one of them a walk of the full path, on one core while
 * the other idled. Each is now taken relative to its story folder (one
 * component instead of six). The second pass, on this thread alone,
 * walks the stories in order as before: it reports, dedupes and names,
 * so messages and ids do not depend on which thread took a stat.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/internal.h"

/* Below this many photos a second thread costs more than it saves. */
#define PLAN_THREAD_MIN 256

/* What one reference's stat said: its key when a regular file. */
struct plan_stat {
    struct site_stat stat;
    bool found;
};

struct plan_stats {
    struct site_build *b;
    const size_t *first; /* story i's references: first[i] .. first[i+1] */
    struct plan_stat *out;
    size_t next; /* the next story to stat, taken atomically */
};

/* Reference k of a story: its photos in order, then the cover. */
static const char *ref_file(const struct story *s, size_t k)
{
    return k < s->n_photos ? s->photos[k].src : s->cover;
}

static void stat_story(const struct story *s, struct plan_stat *out)
{
    /* a folder that may be searched but not read: full paths, as before */
    int dir = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (size_t k = 0; k <= s->n_photos; k++) {
        const char *file = ref_file(s, k);
        char path[TS_LIMIT_PATH];
        struct stat sb;
        int r;
        if (!file)
            continue;
        /* story.c refuses absolute names; one would escape the folder */
        if (dir >= 0 && file[0] != '/')
            r = fstatat(dir, file, &sb, 0);
        else
            r = path_join(path, sizeof path, s->dir, file) ? stat(path, &sb) : -1;
        out[k].found = r == 0 && S_ISREG(sb.st_mode);
        if (out[k].found)
            site_stat_from(&sb, &out[k].stat);
    }
    if (dir >= 0)
        close(dir);
}

static void *stat_stories(void *arg)
{
    struct plan_stats *ps = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(&ps->next, 1, __ATOMIC_RELAXED);
        if (i >= ps->b->n_stories)
            return NULL;
        stat_story(ps->b->stories[i], ps->out + ps->first[i]);
    }
}

/*
 * The names a story has used so far (files, ids): open addressing over
 * borrowed strings, sized for the story, so that a story of 2,000
 * photos is not 2,000² comparisons (the lists before it were).
 */
struct name_set {
    const char **slot;
    size_t mask;
};

static uint64_t name_hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Room for `n` names at most half full; the slots are cleared. */
static bool name_set_reset(struct name_set *set, size_t *cap, size_t n)
{
    size_t want = 16;
    while (want < 2 * n)
        want *= 2;
    if (want > *cap) {
        const char **grown = realloc(set->slot, want * sizeof *grown);
        if (!grown)
            return false;
        set->slot = grown;
        *cap = want;
    }
    set->mask = want - 1;
    memset(set->slot, 0, want * sizeof *set->slot);
    return true;
}

/* True when `name` is in the set; otherwise adds it when `add`. */
static bool name_set_has(struct name_set *set, const char *name, bool add)
{
    size_t i = (size_t)name_hash(name) & set->mask;
    for (; set->slot[i]; i = (i + 1) & set->mask)
        if (strcmp(set->slot[i], name) == 0)
            return true;
    if (add)
        set->slot[i] = name;
    return false;
}

/* Photo `k` of story `i`, found: its job, with an id not yet used. */
static enum status add_photo(struct site_build *b, size_t i, const char *file, unsigned line,
                             const struct plan_stat *ps, struct name_set *ids, struct diag *d)
{
    const struct story *s = b->stories[i];
    struct site_photo *p = &b->photos[b->n_photos];
    char path[TS_LIMIT_PATH];
    path_join(path, sizeof path, s->dir, file); /* fits: checked by the caller */
    p->src_path = str_dup(path);
    p->file = str_dup(file);
    p->story_slug = str_dup(s->slug);
    p->line = line;
    p->story = s;
    p->story_no = i;
    p->stat = ps->stat;
    p->have_stat = true;
    char stem[256], id[256];
    snprintf(stem, sizeof stem, "%s", file);
    char *dot = strrchr(stem, '.');
    if (dot)
        *dot = '\0';
    site_slugify(stem, id, sizeof id);
    /* ids are unique within a story: kim, kim-2, ... */
    char unique[300];
    snprintf(unique, sizeof unique, "%s", id);
    for (unsigned n = 2; name_set_has(ids, unique, false); n++)
        snprintf(unique, sizeof unique, "%s-%u", id, n);
    p->id = str_dup(unique);
    if (!p->src_path || !p->file || !p->story_slug || !p->id)
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    name_set_has(ids, p->id, true);
    b->n_photos++;
    return ST_OK;
}

/* Missing files reported with story, line and file, in story order. */
enum status site_plan_photos(struct site_build *b, struct diag *d)
{
    enum status st = ST_OK;
    struct plan_stats ps = {.b = b};
    struct name_set files = {0}, ids = {0};
    size_t files_cap = 0, ids_cap = 0, total = 0;
    size_t *first = calloc(b->n_stories + 1, sizeof *first);
    for (size_t i = 0; first && i < b->n_stories; i++) {
        first[i] = total;
        total += b->stories[i]->n_photos + 1; /* the cover's place, if any */
    }
    b->photos = calloc(total ? total : 1, sizeof *b->photos);
    b->story_first = calloc(b->n_stories + 1, sizeof *b->story_first);
    ps.first = first;
    ps.out = calloc(total ? total : 1, sizeof *ps.out);
    if (!first || !b->photos || !b->story_first || !ps.out) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    pthread_t helper;
    bool two = total >= PLAN_THREAD_MIN && pthread_create(&helper, NULL, stat_stories, &ps) == 0;
    stat_stories(&ps);
    if (two)
        pthread_join(helper, NULL);

    for (size_t i = 0; i < b->n_stories; i++) {
        const struct story *s = b->stories[i];
        const struct plan_stat *found = ps.out + first[i];
        b->story_first[i] = b->n_photos;
        if (!name_set_reset(&files, &files_cap, s->n_photos + 1) ||
            !name_set_reset(&ids, &ids_cap, s->n_photos + 1)) {
            st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
            goto abort;
        }
        for (size_t k = 0; k <= s->n_photos; k++) {
            const char *file = ref_file(s, k);
            unsigned line = k < s->n_photos ? s->photos[k].line : 0;
            char path[TS_LIMIT_PATH];
            if (!file || name_set_has(&files, file, false))
                continue;
            if (!path_join(path, sizeof path, s->dir, file) || !found[k].found) {
                if (line)
                    log_msg(LOG_ERROR, "%s: line %u: photo '%s' not found in %s/", s->path, line,
                            file, s->dir);
                else
                    log_msg(LOG_ERROR, "%s: cover photo '%s' not found in %s/", s->path, file,
                            s->dir);
                b->report->errors++;
                continue;
            }
            if ((st = add_photo(b, i, file, line, &found[k], &ids, d)) != ST_OK)
                goto abort;
            /* a file counts as seen once it is a job, as the lists before */
            name_set_has(&files, b->photos[b->n_photos - 1].file, true);
        }
        /* a `photos:` entry for a file the story does not show is a typo
         * whose rights would silently apply to nothing */
        for (size_t r = 0; r < s->n_photo_rights; r++) {
            if (!name_set_has(&files, s->photo_rights[r].file, false)) {
                log_msg(LOG_WARN, "%s: line %u: photos: '%s' is not shown in this story (ignored)",
                        s->path, s->photo_rights[r].line, s->photo_rights[r].file);
                b->report->warnings++;
            }
        }
    }
    b->story_first[b->n_stories] = b->n_photos;
    b->report->photos = (unsigned)b->n_photos;
abort:
    free(files.slot);
    free(ids.slot);
    free(ps.out);
    free(first);
    return st;
}
