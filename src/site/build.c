/*
 * build.c — `tearsheet build`: site.yaml → the stories → the photo plan
 * → photo jobs → pages. Data flows one way (DESIGN.md "Pipeline").
 * Must never: stop for one bad story or photo; each is reported with
 * its file and reason and counted in the report.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "site/internal.h"

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool slug_ok(const char *s)
{
    if (!*s || strlen(s) > 200)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return false;
    return true;
}

/*
 * story_load's work, but keeping the SHA-256 of exactly the bytes that
 * were parsed: a story page is skipped when that hash (with its photos'
 * and the site's) is the one it was last rendered from (pages.c), so it
 * must not come from a second read that could see a newer file.
 */
static enum status load_story(const char *dir, const char *name, const char *slug,
                              struct buf *held, struct story **out, char sha[65], struct diag *d)
{
    char path[TS_LIMIT_PATH];
    uint8_t *data = NULL;
    size_t len = 0;
    struct story *s = NULL;
    enum status st;
    *out = NULL;
    if (!path_join(path, sizeof path, dir, name)) {
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "story path too long");
        goto abort;
    }
    if ((st = file_read_all(path, TS_LIMIT_TEXT_BYTES, &data, &len, d)) != ST_OK ||
        (st = story_parse_held(path, (const char *)data, len, held, &s, d)) != ST_OK)
        goto abort;
    s->slug = str_dup(slug);
    s->dir = str_dup(dir);
    if (!s->slug || !s->dir) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    site_sha256_hex(data, len, sha);
    *out = s;
    s = NULL;
abort:
    story_free(s);
    free(data);
    return st;
}

/* story.<tag>.md beside story.md, for each further language: the same
 * story told again, over the same photos. One that does not load is
 * reported and counted; the story is published without it. */
static void load_translations(struct site_build *b, const char *dir, size_t story)
{
    const struct story *s = b->stories[story];
    for (size_t l = 1; l < b->n_langs; l++) {
        struct site_lang *lg = &b->langs[l];
        char name[64], path[TS_LIMIT_PATH];
        struct diag sd;
        diag_clear(&sd);
        if (!lg->stories || !lg->sha ||
            (size_t)snprintf(name, sizeof name, "story.%s.md", lg->tag) >= sizeof name ||
            !path_join(path, sizeof path, dir, name) || !file_exists(path))
            continue;
        struct story *t = NULL;
        if (load_story(dir, name, s->slug, NULL, &t, lg->sha[story], &sd) != ST_OK) {
            log_diag(LOG_ERROR, &sd);
            b->report->errors++;
            continue;
        }
        if (t->draft) {
            story_free(t);
            continue;
        }
        /* the photos are the story's: one the translation alone shows
         * has no derivatives and would silently be left out */
        for (size_t k = 0; k < t->n_photos; k++) {
            bool known = s->cover && strcmp(s->cover, t->photos[k].src) == 0;
            for (size_t j = 0; j < s->n_photos && !known; j++)
                known = strcmp(s->photos[j].src, t->photos[k].src) == 0;
            if (!known) {
                log_msg(LOG_WARN, "%s: line %u: photo '%s' is not in story.md (a translation "
                                  "shows the story's photos; it is left out)",
                        t->path, t->photos[k].line, t->photos[k].src);
                b->report->warnings++;
            }
        }
        lg->stories[story] = t;
    }
}

/* True when `slug` is the folder of a further language's pages. */
static bool lang_folder(const struct site_build *b, const char *slug)
{
    for (size_t l = 1; l < b->n_langs; l++)
        if (strcasecmp(b->langs[l].tag, slug) == 0)
            return true;
    return false;
}

/*
 * One story.md read and parsed on either thread, kept until the serial
 * pass takes it: the story, or the error (only then allocated: a diag
 * is a kilobyte, 500 of them fresh pages), and the warnings to log.
 */
struct story_slot {
    struct story *s;
    struct diag *err;
    char *held;
    enum status st;
    char sha[65];
};

struct story_loads {
    const struct site_build *b;
    const char *dir;
    char **names;
    size_t n;
    struct story_slot *slot;
    size_t next; /* the next name to take, shared (atomic) */
};

/* Fewer stories than this are read on this thread alone: a thread's
 * start costs more than it would save. */
#define STORY_THREAD_MIN 16

/* A folder to read story.md from (the others' messages are the serial
 * pass's). */
static bool story_folder(const struct site_build *b, const char *name)
{
    return slug_ok(name) && !lang_folder(b, name);
}

static void load_slot(const struct story_loads *ls, size_t i)
{
    struct story_slot *o = &ls->slot[i];
    char sub[TS_LIMIT_PATH];
    struct diag sd;
    struct buf held;
    if (!story_folder(ls->b, ls->names[i]))
        return;
    diag_clear(&sd);
    buf_init(&held, 64 * 1024);
    path_join(sub, sizeof sub, ls->dir, ls->names[i]);
    o->st = load_story(sub, "story.md", ls->names[i], &held, &o->s, o->sha, &sd);
    if (o->st != ST_OK && (o->err = malloc(sizeof *o->err)))
        *o->err = sd;
    o->held = held.len ? buf_detach(&held, NULL) : NULL;
    buf_free(&held);
}

static void *load_slots(void *arg)
{
    struct story_loads *ls = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(&ls->next, 1, __ATOMIC_RELAXED);
        if (i >= ls->n)
            return NULL;
        load_slot(ls, i);
    }
}

/* Every stories/<slug>/story.md, in name order. */
enum status site_load_stories(struct site_build *b, struct diag *d)
{
    char dir[TS_LIMIT_PATH];
    site_langs_init(b);
    if (!path_join(dir, sizeof dir, b->opt->site_dir, "stories"))
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "site path too long");
    DIR *dh = opendir(dir);
    if (!dh)
        return ST_OK; /* a site with no stories yet builds an empty index */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.')
            continue;
        /* the entry's type when the file system gives it (a stat of
         * each folder otherwise, and for a link, followed as before) */
        char sub[TS_LIMIT_PATH];
        struct stat sb;
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK)
            is_dir = path_join(sub, sizeof sub, dir, e->d_name) && stat(sub, &sb) == 0 &&
                     S_ISDIR(sb.st_mode);
        if (!is_dir)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            if (cap > TS_LIMIT_STORIES)
                break;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        names[n++] = str_dup(e->d_name);
    }
    closedir(dh);
    if (n) /* an empty stories/ has no list: qsort must not get NULL */
        qsort(names, n, sizeof *names, cmp_name);
    for (size_t l = 1; l < b->n_langs; l++) {
        b->langs[l].stories = calloc(n ? n : 1, sizeof *b->langs[l].stories);
        b->langs[l].sha = calloc(n ? n : 1, sizeof *b->langs[l].sha);
    }
    b->stories = calloc(n ? n : 1, sizeof *b->stories);
    b->story_sha = calloc(n ? n : 1, sizeof *b->story_sha);
    b->broken_slugs = calloc(n ? n : 1, sizeof *b->broken_slugs);
    /*
     * Read and parse on two threads (the parse is reentrant: libyaml,
     * md4c and the story module keep no state between calls), then,
     * in name order on this one, all that depends on order: messages,
     * the lists, the translations.
     */
    struct story_loads ls = {.b = b, .dir = dir, .names = names, .n = n};
    ls.slot = calloc(n ? n : 1, sizeof *ls.slot);
    if (ls.slot) {
        pthread_t helper;
        bool two = n >= STORY_THREAD_MIN && pthread_create(&helper, NULL, load_slots, &ls) == 0;
        load_slots(&ls);
        if (two)
            pthread_join(helper, NULL);
    } else {
        ls.n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        char sub[TS_LIMIT_PATH];
        struct story_slot none = {.st = ST_NOMEM}, *o = i < ls.n ? &ls.slot[i] : &none;
        path_join(sub, sizeof sub, dir, names[i]);
        if (!slug_ok(names[i])) {
            log_msg(LOG_ERROR, "%s: folder name must be lower-case letters, digits, '-' or '_' "
                               "(it becomes the story's address)", sub);
            b->report->errors++;
        } else if (lang_folder(b, names[i])) {
            /* its page and the language's home would be one file */
            log_msg(LOG_ERROR, "%s: folder name is that of the '%s' pages (site.yaml languages:); "
                               "rename the story's folder", sub, names[i]);
            b->report->errors++;
        } else {
            struct story *s = o->s;
            /* printed as they were found: before the story's error */
            for (char *w = o->held, *nl; w && (nl = strchr(w, '\n')); w = nl + 1)
                log_msg(LOG_WARN, "%.*s", (int)(nl - w), w);
            if (o->st != ST_OK) {
                if (o->err)
                    log_diag(LOG_ERROR, o->err);
                else
                    log_msg(LOG_ERROR, "%s/story.md: out of memory", sub);
                b->report->errors++;
                /* its published pages stay until it is fixed or deleted */
                if (b->broken_slugs && (b->broken_slugs[b->n_broken] = str_dup(names[i])))
                    b->n_broken++;
            } else if (s->draft) {
                story_free(s);
            } else if (b->stories && b->story_sha) {
                memcpy(b->story_sha[b->n_stories], o->sha, sizeof o->sha);
                b->stories[b->n_stories++] = s;
                load_translations(b, sub, b->n_stories - 1);
            } else {
                story_free(s);
            }
        }
        free(o->err);
        free(o->held);
        free(names[i]);
    }
    free(ls.slot);
    free(names);
    b->report->stories = (unsigned)b->n_stories;
    return ST_OK;
}

void site_stories_free(struct site_build *b)
{
    site_langs_free(b);
    for (size_t i = 0; i < b->n_stories; i++)
        story_free(b->stories[i]);
    free(b->stories);
    free(b->story_sha);
    for (size_t i = 0; i < b->n_broken; i++)
        free(b->broken_slugs[i]);
    free(b->broken_slugs);
    b->stories = NULL;
    b->story_sha = NULL;
    b->broken_slugs = NULL;
    b->n_stories = b->n_broken = 0;
}

void site_settings_from_config(struct site_build *b)
{
    const struct story_site *c = b->cfg;
    struct image_settings *s = &b->image;
    image_settings_default(s);
    if (c->n_widths) {
        s->n_widths = c->n_widths < IMAGE_MAX_WIDTHS ? c->n_widths : IMAGE_MAX_WIDTHS;
        memcpy(s->widths, c->widths, s->n_widths * sizeof *s->widths);
    }
    s->formats[IMAGE_JPEG] = c->format_jpeg;
    s->formats[IMAGE_WEBP] = c->format_webp;
    s->formats[IMAGE_AVIF] = c->format_avif;
    if (c->jpeg_quality)
        s->jpeg_quality = c->jpeg_quality;
    if (c->webp_quality)
        s->webp_quality = c->webp_quality;
    /* efforts: 0 is a real choice (fastest), and story_site_load
     * already fills the defaults, so they are taken as they are */
    s->webp_effort = c->webp_effort;
    if (c->avif_quality)
        s->avif_quality = c->avif_quality;
    s->avif_effort = c->avif_effort;
    /* site.yaml `privacy:` (story module) → what meta_write_rights keeps. */
    b->keep.headline = c->privacy_keep & STORY_KEEP_HEADLINE;
    b->keep.description = c->privacy_keep & STORY_KEEP_DESCRIPTION;
    b->keep.alt_text = c->privacy_keep & STORY_KEEP_ALT_TEXT;
    b->keep.date_created = c->privacy_keep & STORY_KEEP_DATE_CREATED;
    b->keep.location = c->privacy_keep & STORY_KEEP_LOCATION;
    b->keep.usage_terms = c->privacy_keep & STORY_KEEP_USAGE_TERMS;
    b->keep.title = c->privacy_keep & STORY_KEEP_TITLE;
    b->keep.keywords = c->privacy_keep & STORY_KEEP_KEYWORDS;
    b->keep.source = c->privacy_keep & STORY_KEEP_SOURCE;
    b->keep.creator_job_title = c->privacy_keep & STORY_KEEP_JOB_TITLE;
    struct buf f;
    buf_init(&f, 4096);
    buf_printf(&f, "tearsheet %s derivatives v1\n", TS_VERSION);
    for (size_t i = 0; i < s->n_widths; i++)
        buf_printf(&f, "w%u ", s->widths[i]);
    buf_printf(&f, "\nfmt %d%d%d q %d %d %d e %d %d\n", s->formats[IMAGE_JPEG],
               s->formats[IMAGE_WEBP], s->formats[IMAGE_AVIF], s->jpeg_quality, s->webp_quality,
               s->avif_quality, s->webp_effort, s->avif_effort);
    buf_printf(&f, "keep %d%d%d%d%d\n", b->keep.headline, b->keep.description, b->keep.alt_text,
               b->keep.date_created, b->keep.location);
    /* The charset decides the captions written into derivatives. */
    if (c->iim_charset)
        buf_printf(&f, "iim %s\n", c->iim_charset);
    /* Only when the policy drops more, so default-policy caches stay valid. */
    if (!b->keep.usage_terms || !b->keep.title || !b->keep.keywords || !b->keep.source ||
        !b->keep.creator_job_title)
        buf_printf(&f, "keep+ %d%d%d%d%d\n", b->keep.usage_terms, b->keep.title, b->keep.keywords,
                   b->keep.source, b->keep.creator_job_title);
    site_sha256_hex(f.data ? f.data : "", f.len, b->settings_fingerprint);
    buf_free(&f);
}

/*
 * What the last build left (the build manifest, the stat index, the
 * metadata cache): three files read and checked in full, 8 % of a
 * 10,000-photo no-op's CPU. None depends on the stories or the photos,
 * and each sets only its own field of the build, so they are read on a
 * second thread while this one loads the theme and the stories and
 * stats the photos (the other core idles in those steps otherwise).
 */
static void *load_last_build(void *arg)
{
    struct site_build *b = arg;
    site_manifest_load(b);
    site_stat_index_load(b);
    site_meta_cache_load(b);
    site_deriv_index_load(b); /* cached photos' outputs, without their manifest.json */
    return NULL;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum status site_build(const struct site_build_options *opt, struct site_build_report *report,
                       struct diag *d)
{
    double t0 = now_seconds();
    struct site_build b;
    memset(&b, 0, sizeof b);
    memset(report, 0, sizeof *report);
    b.opt = opt;
    b.report = report;
    pthread_mutex_init(&b.lock, NULL);
    pthread_t loader_id;
    bool loader = false;
    enum status st;
    if ((st = story_site_load(opt->site_dir, &b.cfg, d)) != ST_OK)
        goto abort;
    if (opt->out_dir)
        snprintf(b.out_dir, sizeof b.out_dir, "%s", opt->out_dir);
    else if (!path_join(b.out_dir, sizeof b.out_dir, opt->site_dir, "public")) {
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "site path too long");
        goto abort;
    }
    if (!path_join(b.cache_dir, sizeof b.cache_dir, opt->site_dir, ".tearsheet/cache")) {
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "site path too long");
        goto abort;
    }
    char head_dir[TS_LIMIT_PATH];
    if (!path_join(head_dir, sizeof head_dir, b.cache_dir, "head")) {
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "site path too long");
        goto abort;
    }
    if ((st = file_mkdirs(b.out_dir, d)) != ST_OK || (st = file_mkdirs(head_dir, d)) != ST_OK)
        goto abort;
    /* what the last build wrote: unchanged pages are not rendered
     * again. Before the theme is loaded, so a theme file changed from
     * here on shows as a changed fingerprint at the end (manifest.c). */
    site_manifest_start(&b);
    /* joined before the photos, the first to use what it reads */
    loader = pthread_create(&loader_id, NULL, load_last_build, &b) == 0;
    if (!loader)
        load_last_build(&b);
    site_settings_from_config(&b);
    if ((st = site_load_signer(&b, d)) != ST_OK)
        goto abort;
    site_langs_init(&b);
    if ((st = site_theme_load(&b, d)) != ST_OK || (st = site_messages_load(&b, d)) != ST_OK)
        goto abort;
    if ((st = site_load_stories(&b, d)) != ST_OK || (st = site_plan_photos(&b, d)) != ST_OK)
        goto abort;
    /* stat index of the last build: unchanged photos are not read */
    if (loader)
        pthread_join(loader_id, NULL);
    loader = false;
    double t1 = now_seconds();
    report->seconds_plan = t1 - t0;
    if ((st = site_photos_run(&b, d)) != ST_OK)
        goto abort;
    double t2 = now_seconds();
    report->seconds_photos = t2 - t1;
    /* Saved before the pages: a failure there must not cost the next
     * build a re-read of every photo. Written only from photos that
     * were built, so deleted photos leave the index. */
    struct diag id;
    diag_clear(&id);
    if (site_stat_index_save(&b, &id) != ST_OK)
        log_diag(LOG_WARN, &id); /* the next build just reads every photo */
    diag_clear(&id);
    if (site_meta_cache_save(&b, &id) != ST_OK)
        log_diag(LOG_WARN, &id); /* the next build reads every photo's metadata */
    diag_clear(&id);
    if (site_deriv_index_save(&b, &id) != ST_OK)
        log_diag(LOG_WARN, &id); /* the next build reads each cache manifest.json */
    st = site_pages_write(&b, d);
    site_repeated_warnings_summary(&b);
    if (st == ST_OK)
        site_cache_gc(&b); /* at most once a day */
    report->seconds_pages = now_seconds() - t2;
abort:
    if (loader)
        pthread_join(loader_id, NULL);
    report->seconds = now_seconds() - t0;
    site_stat_index_free(&b);
    site_meta_cache_free(&b);
    site_deriv_index_free(&b);
    for (size_t i = 0; i < b.n_photos; i++) {
        struct site_photo *p = &b.photos[i];
        free(p->src_path);
        free(p->file);
        free(p->story_slug);
        free(p->id);
        free(p->diag);
        free(p->original_name);
        meta_free(p->meta);
        free(p->meta_packed);
        free(p->deriv_new);
        image_result_free(&p->result);
        json_decref(p->credentials);
    }
    free(b.photos);
    free(b.story_first);
    site_stories_free(&b);
    site_warned_free(&b.warned);        /* before the old manifest, whose text it borrows */
    site_manifest_free(b.manifest_new); /* first: it points into the old one */
    site_manifest_free(b.manifest_old);
    json_decref(b.page_warnings);
    site_theme_free(&b.theme);
    c2pa_signer_free(b.signer);
    c2pa_trust_free(b.trust);
    story_site_free(b.cfg);
    pthread_mutex_destroy(&b.lock);
    return st;
}
