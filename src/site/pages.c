/*
 * pages.c — the order in which the site's files are written: the
 * stylesheet and form script under hashed names, each story page, the
 * home page, the pages/ folder, 404.html, the Content Credentials page,
 * each photo's own page and licence form (api/photos.json and
 * sitemap.xml made, and derivatives no longer made removed, prune.c,
 * on the workers beside them), api/photos.json and sitemap.xml written;
 * then the pages no longer made are removed (manifest.c). Each page type has a
 * file of its own (page_*.c); a page whose input fingerprint
 * (fingerprint.c) is unchanged is not rendered again.
 *
 * Must never: render a page whose fingerprint and file are unchanged
 * (a no-op rebuild renders nothing), or stop the build for one story's
 * or photo's page (reported, counted, the rest written).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site/internal.h"

/* The card of a page without a photo of its own (home, about, 404):
 * the cover of the newest story that has one, as the home page leads
 * with it. */
static const struct site_photo *newest_cover(const struct site_build *b)
{
    const struct site_photo *card = NULL;
    const struct story *best = NULL;
    for (size_t i = 0; i < b->n_stories; i++) {
        const struct story *s = b->stories[i];
        const struct site_photo *p = site_story_cover(b, i);
        if (!p || !site_output_card(p))
            continue;
        int c = best ? strcmp(s->date ? s->date : "", best->date ? best->date : "") : 1;
        if (c > 0 || (c == 0 && strcmp(s->title, best->title) < 0)) {
            best = s;
            card = p;
        }
    }
    return card;
}

/* feed.xml and feed.json of the whole site */
static enum status write_site_feeds(struct site_build *b, struct diag *d)
{
    struct site_story_ref *sorted = site_stories_newest_first(b);
    size_t *order = calloc(b->n_stories + 1, sizeof *order);
    enum status st = ST_OK;
    if (!sorted || !order)
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    for (size_t i = 0; st == ST_OK && i < b->n_stories; i++)
        order[i] = sorted[i].no;
    if (st == ST_OK)
        st = site_write_feeds(b, "", b->cfg->title ? b->cfg->title : "", order, b->n_stories, d);
    free(order);
    free(sorted);
    return st;
}

/* A theme script at the site's root, under its content-addressed name. */
static enum status write_script(struct site_build *b, const char *name, const char *js, size_t len,
                                struct diag *d)
{
    char path[TS_LIMIT_PATH];
    if (!path_join(path, sizeof path, b->out_dir, name))
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
    return site_write_if_changed(path, js, len, d);
}

/*
 * Story, photo and licence-form pages depend on each other only through
 * what was fixed before them (the plan, the fingerprints, the
 * navigation), so they are rendered on the build's workers (--jobs, as
 * the photos are). What a page changes of the build (its manifest
 * entry, the counts, its warnings and errors) goes into its job and its
 * worker's lists, and the main thread hands each job's to the build in
 * page order once all are done: the output, the manifest and the messages are those of one
 * worker (docs/performance.md "Pages on every core").
 */
enum page_kind {
    PAGE_STORY,      /* story `i`'s page; its fingerprint goes to story_fp[i] */
    PAGE_PHOTO,      /* photo `i`'s own page */
    PAGE_PHOTO_FORM, /* photo `i`'s own page, then its licence form */
    PAGE_FILE,       /* made[i]: api/photos.json (0) or sitemap.xml (1) */
    PAGE_PRUNE,      /* the derivatives no longer made removed (prune.c) */
};

struct page_job {
    enum page_kind kind;
    size_t i;
    const char *lang_dir; /* "" or "ko/" */
    /* results, written by one worker, read by the main thread after:
     * its pages' manifest records and its events are the ranges
     * [first, end) of its worker's (a worker's jobs run one after
     * another), so a page not rendered again allocates nothing of its
     * own; an event (struct site_event) is, in order, a warning, one of
     * a page not rendered again or an error (index into diags) */
    unsigned worker;
    size_t first_entry, end_entry, first_event, end_event;
    bool done;
    struct diag *diags[2];
    size_t n_diags;
    struct site_build_report report;
    bool dirty;
};

#define PAGE_WORKERS_MAX 64

struct page_run {
    const struct site_build *b;
    const char *g; /* the site's fingerprint */
    json_t *pages; /* the navigation, read only */
    json_t *more;  /* tag and place pages, read only (the sitemap's) */
    struct site_made *made; /* PAGE_FILE's, one job each */
    struct page_job *jobs;
    size_t n_jobs;
    size_t next; /* the next job to take, under `lock` */
    /* each worker's manifest records and events (page_job's ranges),
     * freed by the main thread after the jobs are committed */
    struct site_manifest *entries[PAGE_WORKERS_MAX];
    struct site_events *events[PAGE_WORKERS_MAX];
    unsigned n_workers; /* slots taken, under `lock` */
    pthread_mutex_t lock;
};

/* An error of a page: kept for the main thread to log in page order. */
static void job_error(struct site_build *wb, struct page_job *j, const struct diag *d)
{
    struct diag *copy = j->n_diags < 2 ? malloc(sizeof *copy) : NULL;
    if (!copy) { /* out of memory: said now rather than lost */
        log_diag(LOG_ERROR, d);
        return;
    }
    *copy = *d;
    if (!site_events_push(wb->warn_later,
                          (struct site_event){.kind = SITE_EVENT_ERROR, .diag = j->n_diags})) {
        free(copy);
        log_diag(LOG_ERROR, d);
        return;
    }
    j->diags[j->n_diags++] = copy;
}

/* A page rendered unless fresh; a failure is kept for the report and
 * counted, and the published file kept. */
static void render_one(struct site_build *wb, struct page_job *j, const char *rel, const char *fp,
                       json_t *pages, enum status (*render)(struct site_build *, size_t, json_t *,
                                                            struct diag *))
{
    if (site_page_fresh(wb, rel, fp))
        return;
    struct diag sd;
    diag_clear(&sd);
    site_page_begin(wb, fp);
    if (render(wb, j->i, pages, &sd) != ST_OK) {
        job_error(wb, j, &sd);
        wb->report->errors++;
        site_page_failed(wb, rel);
    }
}

static enum status render_form(struct site_build *b, size_t i, json_t *pages, struct diag *d)
{
    return site_render_license_form(b, &b->photos[i], pages, d);
}

/* File `i` of the run's made files, and whether the output holds it
 * already: the reading and comparing off the main thread too. */
static void make_file(const struct site_build *wb, const struct page_run *r, size_t i)
{
    struct site_made *m = &r->made[i];
    if (i == 0)
        site_make_photos_json(wb, m);
    else
        site_make_sitemap(wb, r->pages, r->more, m);
    char path[TS_LIMIT_PATH];
    m->same = m->st == ST_OK && path_join(path, sizeof path, wb->out_dir, m->rel) &&
              site_file_same(path, m->data.data ? m->data.data : "", m->data.len);
}

enum status site_made_write(struct site_build *b, struct site_made *m, struct diag *d)
{
    enum status st = m->st;
    char path[TS_LIMIT_PATH];
    if (st != ST_OK)
        *d = m->d;
    else if (!m->same && !path_join(path, sizeof path, b->out_dir, m->rel))
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
    else if (!m->same && (st = site_mkdirs_parent(path, d)) == ST_OK)
        st = file_write_atomic(path, m->data.data ? m->data.data : "", m->data.len, d);
    buf_free(&m->data);
    return st;
}

/* One job on worker copy `wb` of the build (see page_run_all). */
static void run_job(struct site_build *wb, const struct page_run *r, json_t *pages,
                    struct page_job *j)
{
    char rel[TS_LIMIT_PATH], fp[65];
    wb->report = &j->report;
    wb->manifest_dirty = false;
    j->first_entry = site_manifest_pages(wb->manifest_new);
    j->first_event = wb->warn_later->n;
    site_page_begin(wb, NULL);
    if (j->kind == PAGE_FILE) {
        make_file(wb, r, j->i);
    } else if (j->kind == PAGE_PRUNE) {
        site_prune_outputs(wb);
    } else if (j->kind == PAGE_STORY) {
        /* its own slot of the shared array: no other job writes it, and
         * only the pages after the run (home, lists, feeds) read it */
        site_fp_story(wb, r->g, j->i, wb->story_fp[j->i]);
        snprintf(rel, sizeof rel, "%s%s/index.html", j->lang_dir, wb->stories[j->i]->slug);
        render_one(wb, j, rel, wb->story_fp[j->i], pages, site_render_story);
    } else {
        const struct site_photo *p = &wb->photos[j->i];
        site_fp_photo(wb, r->g, j->i, fp);
        snprintf(rel, sizeof rel, "%s%s/%s/index.html", j->lang_dir, p->story_slug, p->id);
        render_one(wb, j, rel, fp, pages, site_render_photo_page);
        if (j->kind == PAGE_PHOTO_FORM) {
            site_fp_form(wb, r->g, p, fp);
            snprintf(rel, sizeof rel, "license/%s/%s/index.html", p->story_slug, p->id);
            render_one(wb, j, rel, fp, pages, render_form);
        }
    }
    site_page_begin(wb, NULL);
    j->dirty = wb->manifest_dirty;
    j->end_entry = site_manifest_pages(wb->manifest_new);
    j->end_event = wb->warn_later->n;
    j->done = true;
}

static void *page_worker(void *arg)
{
    struct page_run *r = arg;
    /* A copy of the build whose per-page fields (the page's fingerprint
     * and warnings, where its entry and counts go) are this worker's;
     * everything else it only reads. */
    struct site_build wb = *r->b;
    pthread_mutex_lock(&r->lock);
    unsigned t = r->n_workers < PAGE_WORKERS_MAX ? r->n_workers++ : PAGE_WORKERS_MAX;
    pthread_mutex_unlock(&r->lock);
    if (t == PAGE_WORKERS_MAX)
        return NULL;
    wb.manifest_new = r->entries[t] = site_manifest_new();
    wb.warn_later = r->events[t] = calloc(1, sizeof *wb.warn_later);
    if (!wb.manifest_new || !wb.warn_later)
        return NULL; /* out of memory: the other workers take the jobs */
    wb.page_warnings = json_array();
    /* The navigation and the messages go into every page's context, which
     * takes a reference: jansson reads a count before it adds to it
     * atomically, so each worker refers to copies of its own
     * (ThreadSanitizer saw the shared ones raced). */
    json_t *pages = json_deep_copy(r->pages);
    json_t *msg = wb.n_langs ? json_deep_copy(wb.langs[wb.lang].msg) : NULL;
    if (msg)
        wb.langs[wb.lang].msg = msg;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        size_t k = r->next < r->n_jobs ? r->next++ : r->n_jobs;
        pthread_mutex_unlock(&r->lock);
        if (k == r->n_jobs)
            break;
        r->jobs[k].worker = t;
        run_job(&wb, r, pages ? pages : r->pages, &r->jobs[k]);
    }
    json_decref(wb.page_warnings);
    json_decref(pages);
    json_decref(msg);
    return NULL;
}

/* How many workers render pages: --jobs, else one per core (as the
 * photo phase), never more than there are jobs. */
static unsigned page_workers(const struct site_build *b, size_t n_jobs)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = b->opt->jobs ? b->opt->jobs : (cores > 0 ? (unsigned)cores : 1);
    if (n > PAGE_WORKERS_MAX)
        n = PAGE_WORKERS_MAX;
    if (n > n_jobs)
        n = n_jobs ? (unsigned)n_jobs : 1;
    return n;
}

/* Hands job `j`'s results to the build, as if its pages had been
 * rendered here and now. */
static void commit_job(struct site_build *b, const struct page_run *r, struct page_job *j)
{
    struct site_events *events = r->events[j->worker];
    for (size_t k = j->first_event; k < j->end_event; k++) {
        struct site_event *e = &events->v[k];
        if (e->kind == SITE_EVENT_ERROR)
            log_diag(LOG_ERROR, j->diags[e->diag]);
        else
            site_warn_event(b, e);
    }
    /* a record lost: that page is rendered again next time */
    bool kept =
        site_manifest_take(b->manifest_new, r->entries[j->worker], j->first_entry, j->end_entry);
    b->manifest_dirty = b->manifest_dirty || j->dirty || !kept;
    b->report->pages += j->report.pages;
    b->report->pages_rendered += j->report.pages_rendered;
    b->report->errors += j->report.errors;
    b->report->warnings += j->report.warnings;
}

/* Runs `jobs` on the build's workers, then commits each in order. */
static enum status page_run_all(struct site_build *b, const char *g, json_t *pages, json_t *more,
                                struct site_made *made, struct page_job *jobs, size_t n_jobs,
                                struct diag *d)
{
    enum status st = ST_OK;
    struct page_run r = {.b = b, .g = g, .pages = pages, .jobs = jobs, .n_jobs = n_jobs};
    r.more = more;
    r.made = made;
    if (pthread_mutex_init(&r.lock, NULL) != 0)
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "no mutex");
    pthread_t threads[PAGE_WORKERS_MAX];
    unsigned want = page_workers(b, n_jobs), started = 0;
    for (unsigned t = 1; t < want; t++) {
        if (pthread_create(&threads[started], NULL, page_worker, &r) != 0)
            break; /* the threads that did start, and this one, do the work */
        started++;
    }
    page_worker(&r);
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&r.lock);
    for (size_t k = 0; k < n_jobs && st == ST_OK; k++)
        if (!jobs[k].done) /* no worker could start: out of memory */
            st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    for (size_t k = 0; k < n_jobs && st == ST_OK; k++)
        commit_job(b, &r, &jobs[k]);
    for (unsigned t = 0; t < r.n_workers; t++) {
        site_manifest_free(r.entries[t]);
        site_events_free(r.events[t]);
    }
    for (size_t k = 0; k < n_jobs; k++)
        for (size_t e = 0; e < jobs[k].n_diags; e++)
            free(jobs[k].diags[e]);
    return st;
}

/*
 * Language `l`'s pages (docs/site.md "Languages"): under /<tag>/, each
 * story told in it, its photos' pages, its home page and feeds, with
 * the translations swapped in so each page type renders them as it
 * renders the default language's. Tags, places, publications, pages/,
 * the licence forms, 404 and the Content Credentials page are the
 * default language's only (the switcher is not shown there).
 */
static enum status write_language(struct site_build *b, size_t l, const char *g_site,
                                  json_t *pages, struct diag *d)
{
    char g[65], text[200];
    enum status st = ST_OK;
    site_lang_swap(b, l);
    snprintf(text, sizeof text, "%s lang %s", g_site, site_lang_tag(b));
    site_sha256_hex(text, strlen(text), g);
    memcpy(b->site_fp, g, sizeof g);
    unsigned bit = 1u << l;
    size_t *order = calloc(b->n_stories + 1, sizeof *order), n = 0, n_jobs = 0;
    struct site_story_ref *sorted = site_stories_newest_first(b);
    struct page_job *jobs = NULL;
    if (!order || !sorted) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    jobs = calloc(b->n_stories + b->n_photos + 1, sizeof *jobs);
    if (!jobs) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    for (size_t i = 0; i < b->n_stories; i++) {
        if (!(site_story_versions(b, i) & bit))
            continue;
        jobs[n_jobs++] = (struct page_job){.kind = PAGE_STORY, .i = i, .lang_dir = site_lang_dir(b)};
        for (size_t k = b->story_first[i]; k < b->story_first[i + 1]; k++)
            if (b->photos[k].status == ST_OK)
                jobs[n_jobs++] =
                    (struct page_job){.kind = PAGE_PHOTO, .i = k, .lang_dir = site_lang_dir(b)};
    }
    if ((st = page_run_all(b, g, pages, NULL, NULL, jobs, n_jobs, d)) != ST_OK)
        goto abort;
    for (size_t i = 0; i < b->n_stories; i++)
        if (site_story_versions(b, sorted[i].no) & bit)
            order[n++] = sorted[i].no;
    if (n == 0)
        goto abort; /* no story in this language: no home page for it */
    if ((st = site_render_home(b, pages, d)) != ST_OK)
        goto abort;
    site_page_begin(b, NULL);
    st = site_write_feeds(b, site_lang_dir(b), b->cfg->title ? b->cfg->title : "", order, n, d);
abort:
    site_page_begin(b, NULL);
    free(jobs);
    free(order);
    free(sorted);
    memcpy(b->site_fp, g_site, sizeof g);
    site_lang_swap(b, l);
    return st;
}

enum status site_pages_write(struct site_build *b, struct diag *d)
{
    json_t *pages = json_array();
    enum status st;
    char g[65], fp[65];
    struct buf all; /* every story page's fingerprint, for the index */
    buf_init(&all, (b->n_stories + 1) * 66);
    json_t *more = json_array(); /* tag and place pages, for the sitemap */
    struct page_job *jobs = NULL; /* story pages, then photo pages */
    size_t n_jobs = 0;
    struct site_made made[2] = {0}; /* api/photos.json, sitemap.xml */
    /* each page's freshness is one stat of it inside this folder: by
     * descriptor, the kernel does not walk the folder's own path 20,000
     * times (without one, whole paths as before) */
    b->out_fd = open(b->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    site_render_text_pages(b, pages, false);
    struct site_story_ref *sorted = site_stories_newest_first(b);
    if (!sorted) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    site_terms_collect(b, sorted);
    bool any_publications = false;
    for (size_t i = 0; i < b->n_stories; i++)
        any_publications = any_publications || b->stories[i]->n_publications;
    /* in the navigation of every page when there is something to list */
    if (json_object_size(b->tags))
        json_array_append_new(pages, json_pack("{s:s, s:s}", "href", "tags/", "title", "Tags"));
    if (json_object_size(b->places))
        json_array_append_new(pages, json_pack("{s:s, s:s}", "href", "places/", "title", "Places"));
    if (any_publications)
        json_array_append_new(
            pages, json_pack("{s:s, s:s}", "href", "publications/", "title", "Publications"));
    b->site_card = newest_cover(b);
    site_fp_site(b, pages, g);
    memcpy(b->site_fp, g, sizeof g);
    b->story_fp = calloc(b->n_stories + 1, sizeof *b->story_fp);
    if (!b->story_fp) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    char css_path[TS_LIMIT_PATH];
    if (!path_join(css_path, sizeof css_path, b->out_dir, b->theme.css_name)) {
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
        goto abort;
    }
    if ((st = site_write_if_changed(css_path, b->theme.css, b->theme.css_len, d)) != ST_OK)
        goto abort;
    /* the form's script only when the form asks for work; the viewer's
     * for every site (story pages load it) */
    if ((b->cfg->proof_of_work > 0 &&
         (st = write_script(b, b->theme.pow_js_name, b->theme.pow_js, b->theme.pow_js_len, d)) !=
             ST_OK) ||
        (st = write_script(b, b->theme.viewer_js_name, b->theme.viewer_js, b->theme.viewer_js_len,
                           d)) != ST_OK)
        goto abort;
    jobs = calloc(b->n_stories + b->n_photos + 3, sizeof *jobs);
    if (!jobs) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    for (size_t i = 0; i < b->n_stories; i++)
        jobs[n_jobs++] = (struct page_job){.kind = PAGE_STORY, .i = i, .lang_dir = ""};
    if ((st = page_run_all(b, g, pages, NULL, NULL, jobs, n_jobs, d)) != ST_OK)
        goto abort;
    for (size_t i = 0; i < b->n_stories; i++)
        buf_printf(&all, "%s\n", b->story_fp[i]);
    /* each site-wide page: skipped when fresh, else rendered under its
     * fingerprint (a failure stops the build, as before) */
    if ((st = site_render_home(b, pages, d)) != ST_OK) /* each page checked for freshness */
        goto abort;
    if ((st = site_terms_write(b, sorted, pages, more, d)) != ST_OK)
        goto abort;
    site_page_begin(b, NULL);
    if ((st = site_render_publications(b, sorted, pages, d)) != ST_OK)
        goto abort;
    site_page_begin(b, NULL);
    site_render_text_pages(b, pages, true); /* each page's failure is reported and counted */
    site_fp_page(b, "404.html", g, NULL, fp);
    if (!site_page_fresh(b, "404.html", fp)) {
        site_page_begin(b, fp);
        if ((st = site_render_404(b, pages, d)) != ST_OK)
            goto abort;
    }
    /* it says whether any photo's credentials are trusted */
    site_fp_page(b, "content-credentials/index.html", g, all.data, fp);
    if (!site_page_fresh(b, "content-credentials/index.html", fp)) {
        site_page_begin(b, fp);
        if ((st = site_render_credentials(b, pages, d)) != ST_OK)
            goto abort;
    }
    /* api/photos.json, sitemap.xml and the pruning of derivatives no
     * longer made first, each on the worker that takes it while the
     * others check photo pages: all they read is fixed by now (the
     * navigation, the tag and place pages, every photo's outputs; a
     * language's pages swap its stories in and back only after this
     * run), and pruning removes only derivative names, never a page */
    n_jobs = 0;
    jobs[n_jobs++] = (struct page_job){.kind = PAGE_FILE, .i = 0, .lang_dir = ""};
    jobs[n_jobs++] = (struct page_job){.kind = PAGE_FILE, .i = 1, .lang_dir = ""};
    jobs[n_jobs++] = (struct page_job){.kind = PAGE_PRUNE, .lang_dir = ""};
    for (size_t i = 0; i < b->n_photos; i++)
        if (b->photos[i].status == ST_OK)
            jobs[n_jobs++] = (struct page_job){.kind = PAGE_PHOTO_FORM, .i = i, .lang_dir = ""};
    if ((st = page_run_all(b, g, pages, more, made, jobs, n_jobs, d)) != ST_OK)
        goto abort;
    site_fp_page(b, "licensing/thanks/index.html", g, NULL, fp);
    if (!site_page_fresh(b, "licensing/thanks/index.html", fp)) {
        site_page_begin(b, fp);
        if ((st = site_render_thanks(b, pages, d)) != ST_OK)
            goto abort;
    }
    site_page_begin(b, NULL);
    if ((st = site_made_write(b, &made[0], d)) != ST_OK)
        goto abort;
    if ((st = write_site_feeds(b, d)) != ST_OK)
        goto abort;
    for (size_t l = 1; l < b->n_langs; l++)
        if ((st = write_language(b, l, g, pages, d)) != ST_OK)
            goto abort;
    site_page_begin(b, NULL);
    if ((st = site_write_robots(b, d)) != ST_OK)
        goto abort;
    if ((st = site_made_write(b, &made[1], d)) != ST_OK)
        goto abort;
    site_manifest_finish(b);
abort:
    site_page_begin(b, NULL);
    buf_free(&made[0].data); /* not written: the build stopped before */
    buf_free(&made[1].data);
    if (b->out_fd >= 0)
        close(b->out_fd);
    b->out_fd = 0;
    free(jobs);
    free(b->story_fp);
    b->story_fp = NULL;
    buf_free(&all);
    json_decref(pages);
    json_decref(more);
    json_decref(b->tags);
    json_decref(b->places);
    b->tags = b->places = NULL;
    free(sorted);
    return st;
}
