/*
 * manifest.c — the build manifest, <site>/.tearsheet/build.json
 * (docs/performance.md "Incremental builds"): what the last build wrote
 * into the output folder and from which inputs. For each page it keeps
 * the fingerprint of the page's inputs (computed by pages.c), the size
 * and mtime the page had when written, and the warnings its rendering
 * logged; for each story, the derivative files it published. With it a
 * rebuild skips rendering a page whose inputs and file are unchanged
 * (and repeats its warnings), and removes the pages and derivatives of
 * stories, photos and pages/ entries that are gone.
 *
 * Must never: delete a file the manifest does not name, a path that
 * leaves the output folder, anything when the output folder is not the
 * one the manifest was written for, or the files of a story that only
 * failed to load, or of a page that only failed to render, this time
 * (they stay published until fixed).
 * A missing or damaged manifest only costs a full render.
 *
 * Also here, the other half of keeping the output clean: pruning the
 * derivatives of a story that are no longer made (a photo replaced or
 * removed), found by their names, which only we make.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/internal.h"

/* Bumped when an entry's meaning changes: older manifests are ignored
 * (a full render, nothing deleted). */
#define MANIFEST_VERSION 1

static bool manifest_path(const struct site_build *b, char *out, size_t outlen)
{
    char dir[TS_LIMIT_PATH];
    return path_join(dir, sizeof dir, b->opt->site_dir, ".tearsheet") &&
           path_join(out, outlen, dir, "build.json");
}

/* Hashes a file's bytes into `h` ("-" when it cannot be read). */
static void hash_file(struct buf *h, const char *path)
{
    uint8_t *data = NULL;
    size_t len = 0;
    struct diag ignored;
    char sha[65] = "-";
    if (file_read_all(path, TS_LIMIT_TEXT_BYTES, &data, &len, &ignored) == ST_OK)
        site_sha256_hex(data, len, sha);
    free(data);
    buf_printf(h, "%s\n", sha);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * What every page depends on besides its own story and photos: the
 * tearsheet binary (its version and the file itself, which holds the
 * built-in theme and the code that renders), site.yaml, and the files
 * of the site's theme folder. Partials are read while rendering, so the
 * whole folder counts, not just the templates loaded up front.
 */
static void inputs_fingerprint(const struct site_build *b, char out[65])
{
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES);
    buf_printf(&h, "tearsheet %s pages v%d\n", TS_VERSION, MANIFEST_VERSION);
    struct stat sb;
    if (stat("/proc/self/exe", &sb) == 0)
        buf_printf(&h, "exe %lld %lld.%09ld %llu\n", (long long)sb.st_size,
                   (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec, (unsigned long long)sb.st_ino);
    char path[TS_LIMIT_PATH];
    if (path_join(path, sizeof path, b->opt->site_dir, "site.yaml"))
        hash_file(&h, path);
    char themes[TS_LIMIT_PATH], dir[TS_LIMIT_PATH], name[128];
    if (b->cfg->theme && b->cfg->theme[0]) {
        site_slugify(b->cfg->theme, name, sizeof name);
        DIR *dh = NULL;
        if (path_join(themes, sizeof themes, b->opt->site_dir, "themes") &&
            path_join(dir, sizeof dir, themes, name))
            dh = opendir(dir);
        char *names[64];
        size_t n = 0;
        struct dirent *e;
        while (dh && (e = readdir(dh)) && n < 64)
            if (e->d_name[0] != '.')
                names[n++] = str_dup(e->d_name);
        if (dh)
            closedir(dh);
        qsort(names, n, sizeof *names, cmp_name);
        for (size_t i = 0; i < n; i++) {
            buf_printf(&h, "theme %s ", names[i] ? names[i] : "");
            if (names[i] && path_join(path, sizeof path, dir, names[i]))
                hash_file(&h, path);
            free(names[i]);
        }
    }
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
}

void site_manifest_begin(struct site_build *b)
{
    char path[TS_LIMIT_PATH];
    json_t *j = NULL;
    b->manifest_old = NULL;
    b->manifest_new = json_pack("{s:i, s:s, s:{}, s:{}}", "version", MANIFEST_VERSION, "out_dir",
                                b->out_dir, "pages", "stories");
    b->page_warnings = json_array();
    b->warned = json_object();
    b->page_fp[0] = '\0';
    inputs_fingerprint(b, b->inputs_fp);
    if (!manifest_path(b, path, sizeof path))
        return;
    json_error_t err;
    uint8_t *text = NULL;
    size_t len = 0;
    struct diag ignored;
    if (file_read_all(path, SITE_INDEX_MAX_BYTES, &text, &len, &ignored) != ST_OK)
        return; /* a first build */
    j = json_loadb((const char *)text, len, 0, &err);
    free(text);
    const char *out = json_string_value(json_object_get(j, "out_dir"));
    if (!j || json_integer_value(json_object_get(j, "version")) != MANIFEST_VERSION || !out ||
        strcmp(out, b->out_dir) != 0 || !json_is_object(json_object_get(j, "pages")) ||
        !json_is_object(json_object_get(j, "stories"))) {
        if (j)
            log_msg(LOG_DEBUG, "%s: of another version or output folder; every page is rendered",
                    path);
        json_decref(j);
        return;
    }
    b->manifest_old = j;
}

/* A relative path inside the output folder: no ".." part, no leading '/'. */
static bool rel_ok(const char *rel)
{
    if (!rel || !rel[0] || rel[0] == '/' || strlen(rel) >= TS_LIMIT_PATH / 2)
        return false;
    return strcmp(rel, "..") != 0 && strncmp(rel, "../", 3) != 0 && !strstr(rel, "/../") &&
           !str_ends_with(rel, "/..");
}

/* A photo without alt text is on its story page (twice, when it is the
 * cover too), its own page and its licence form: the photographer
 * hears of it once a build. Each page still records the warning, for a
 * later build that skips the page. */
void site_warn_once(struct site_build *b, const char *msg)
{
    if (b->warn_later) {
        json_array_append_new(b->warn_later, json_string(msg));
        return;
    }
    if (json_object_get(b->warned, msg))
        return;
    json_object_set_new(b->warned, msg, json_true());
    log_msg(LOG_WARN, "%s", msg);
    b->report->warnings++;
}

/* A warning a page recorded when it was rendered, said again because
 * the page was not: counted as ever (once a build), said one by one
 * only up to SITE_REPEATED_WARNINGS_SHOWN, then summed up in one line
 * (site_repeated_warnings_summary). */
void site_warn_again(struct site_build *b, const char *msg)
{
    if (b->warn_later) {
        json_array_append_new(b->warn_later, json_pack("{s:s}", "again", msg));
        return;
    }
    if (json_object_get(b->warned, msg))
        return;
    json_object_set_new(b->warned, msg, json_true());
    if (++b->warnings_repeated <= SITE_REPEATED_WARNINGS_SHOWN)
        log_msg(LOG_WARN, "%s", msg);
    b->report->warnings++;
}

void site_repeated_warnings_summary(const struct site_build *b)
{
    if (b->warnings_repeated > SITE_REPEATED_WARNINGS_SHOWN)
        log_msg(LOG_WARN,
                "%u more warnings of pages not rendered again, as the build that rendered them "
                "said (tearsheet lint lists them)",
                b->warnings_repeated - SITE_REPEATED_WARNINGS_SHOWN);
}

bool site_page_fresh(struct site_build *b, const char *rel, const char *fp)
{
    json_t *old = json_object_get(json_object_get(b->manifest_old, "pages"), rel);
    const char *old_fp = json_string_value(json_object_get(old, "fp"));
    char path[TS_LIMIT_PATH];
    struct stat sb;
    /* the file must also be the one we wrote: an edited or deleted page
     * is rendered again */
    if (!old_fp || strcmp(old_fp, fp) != 0 || !path_join(path, sizeof path, b->out_dir, rel) ||
        stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        json_integer_value(json_object_get(old, "size")) != (json_int_t)sb.st_size ||
        json_integer_value(json_object_get(old, "mtime_ns")) !=
            (json_int_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec)
        return false;
    /* the same inputs give the same warnings: say them again, so a
     * rebuild reports what a first build would */
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(old, "warnings"), i, w)
    {
        if (json_is_string(w))
            site_warn_again(b, json_string_value(w));
    }
    json_object_set(json_object_get(b->manifest_new, "pages"), rel, old);
    b->report->pages++;
    return true;
}

void site_page_begin(struct site_build *b, const char *fp)
{
    snprintf(b->page_fp, sizeof b->page_fp, "%s", fp ? fp : "");
    json_array_clear(b->page_warnings);
}

void site_page_warn(struct site_build *b, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    site_warn_once(b, msg);
    json_array_append_new(b->page_warnings, json_string(msg));
}

void site_page_written(struct site_build *b, const char *rel)
{
    b->manifest_dirty = true;
    json_t *e = json_object();
    char path[TS_LIMIT_PATH];
    struct stat sb;
    if (b->page_fp[0] && path_join(path, sizeof path, b->out_dir, rel) && stat(path, &sb) == 0) {
        json_object_set_new(e, "fp", json_string(b->page_fp));
        json_object_set_new(e, "size", json_integer((json_int_t)sb.st_size));
        json_object_set_new(e, "mtime_ns", json_integer((json_int_t)sb.st_mtim.tv_sec * 1000000000 +
                                                        sb.st_mtim.tv_nsec));
        if (json_array_size(b->page_warnings))
            json_object_set_new(e, "warnings", json_deep_copy(b->page_warnings));
    }
    json_object_set_new(json_object_get(b->manifest_new, "pages"), rel, e);
    site_page_begin(b, NULL);
}

void site_page_failed(struct site_build *b, const char *rel)
{
    b->manifest_dirty = true;
    json_t *old = json_object_get(json_object_get(b->manifest_old, "pages"), rel);
    if (old) {
        /* kept as published, without a fingerprint: tried again next time */
        json_t *e = json_deep_copy(old);
        json_object_del(e, "fp");
        json_object_set_new(json_object_get(b->manifest_new, "pages"), rel, e);
    }
    site_page_begin(b, NULL);
}

/* The story a path of the output belongs to: "<slug>/..." or
 * "license/<slug>/...". */
static bool belongs_to(const char *rel, const char *slug)
{
    size_t n = strlen(slug);
    if (strncmp(rel, "license/", 8) == 0 && strncmp(rel + 8, slug, n) == 0 && rel[8 + n] == '/')
        return true;
    return strncmp(rel, slug, n) == 0 && rel[n] == '/';
}

static bool is_broken(const struct site_build *b, const char *rel_or_slug, bool is_slug)
{
    for (size_t i = 0; i < b->n_broken; i++)
        if (is_slug ? strcmp(rel_or_slug, b->broken_slugs[i]) == 0
                    : belongs_to(rel_or_slug, b->broken_slugs[i]))
            return true;
    return false;
}

/* Unlinks out/rel, then the folders above it that became empty. */
static void remove_output(struct site_build *b, const char *rel)
{
    char path[TS_LIMIT_PATH];
    struct stat sb;
    if (!rel_ok(rel) || !path_join(path, sizeof path, b->out_dir, rel) || lstat(path, &sb) != 0 ||
        !S_ISREG(sb.st_mode) || unlink(path) != 0)
        return;
    b->report->outputs_removed++;
    /* rmdir fails on a folder that still holds anything: someone's own
     * files there are safe */
    for (char *slash = strrchr(path, '/'); slash && (size_t)(slash - path) > strlen(b->out_dir);
         slash = strrchr(path, '/')) {
        *slash = '\0';
        if (rmdir(path) != 0)
            break;
    }
}

/* This build's derivatives, by story: what a later deletion removes. */
static void record_files(struct site_build *b)
{
    json_t *stories = json_object_get(b->manifest_new, "stories");
    for (size_t i = 0; i < b->n_stories; i++)
        json_object_set_new(stories, b->stories[i]->slug, json_array());
    for (size_t i = 0; i < b->n_photos; i++) {
        const struct site_photo *p = &b->photos[i];
        json_t *list = json_object_get(stories, p->story_slug);
        for (size_t k = 0; p->status == ST_OK && list && k < p->result.n_outputs; k++) {
            const char *name = strrchr(p->result.outputs[k].path, '/');
            json_array_append_new(list, json_string(name ? name + 1 : p->result.outputs[k].path));
        }
        if (p->status == ST_OK && list && p->original_name)
            json_array_append_new(list, json_string(p->original_name));
    }
}

/* Removes what the last build wrote and this one did not: pages of
 * deleted stories, photos and pages/ entries, and deleted stories'
 * derivatives. A story that failed to load keeps its entries. */
static void remove_stale(struct site_build *b)
{
    json_t *old_pages = json_object_get(b->manifest_old, "pages");
    json_t *new_pages = json_object_get(b->manifest_new, "pages");
    json_t *old_stories = json_object_get(b->manifest_old, "stories");
    json_t *new_stories = json_object_get(b->manifest_new, "stories");
    const char *rel;
    json_t *v;
    json_object_foreach(old_pages, rel, v)
    {
        if (json_object_get(new_pages, rel))
            continue;
        b->manifest_dirty = true;
        if (is_broken(b, rel, false))
            json_object_set(new_pages, rel, v);
        else
            remove_output(b, rel);
    }
    const char *slug;
    json_object_foreach(old_stories, slug, v)
    {
        if (json_object_get(new_stories, slug) || !rel_ok(slug) || strchr(slug, '/'))
            continue;
        if (is_broken(b, slug, true)) {
            json_object_set(new_stories, slug, v);
            continue;
        }
        size_t i;
        json_t *name;
        json_array_foreach(v, i, name)
        {
            const char *n = json_string_value(name);
            char r[TS_LIMIT_PATH];
            if (n && !strchr(n, '/') && snprintf(r, sizeof r, "%s/%s", slug, n) < (int)sizeof r)
                remove_output(b, r);
        }
    }
}

/* Our derivative names: <id>.<10 hex>-<width>.<ext>, and a published
 * original's: <id>.<10 hex>-original.<ext>. */
static bool is_derivative_name(const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot)
        return false;
    const char *h = dot + 1;
    for (int i = 0; i < SITE_KEY_SHORT; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return false;
    if (h[SITE_KEY_SHORT] != '-')
        return false;
    const char *w = h + SITE_KEY_SHORT + 1;
    if (strncmp(w, "original.", 9) == 0) {
        for (const char *e = w + 9; *e; e++)
            if (!((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9')))
                return false;
        return w[9] != '\0';
    }
    if (!(*w >= '0' && *w <= '9'))
        return false;
    while (*w >= '0' && *w <= '9')
        w++;
    return strcmp(w, ".jpg") == 0 || strcmp(w, ".webp") == 0 || strcmp(w, ".avif") == 0;
}

/* Removes derivatives of photos that are gone or changed, and old
 * stylesheets and form scripts: only files whose names we make. */
void site_prune_outputs(struct site_build *b)
{
    for (size_t s = 0; s < b->n_stories; s++) {
        char dir[TS_LIMIT_PATH];
        if (!path_join(dir, sizeof dir, b->out_dir, b->stories[s]->slug))
            continue;
        DIR *dh = opendir(dir);
        if (!dh)
            continue;
        /* the names this story's photos publish, looked up by name: a
         * scan of every photo per file was quadratic at 10,000 photos
         * (../shared/notes/performance-10k.md) */
        size_t count = 0;
        for (size_t i = b->story_first[s]; i < b->story_first[s + 1]; i++)
            count += b->photos[i].result.n_outputs + 1;
        struct site_name_set keep;
        if (!site_name_set_init(&keep, count)) {
            closedir(dh);
            continue; /* out of memory: nothing is removed this time */
        }
        for (size_t i = b->story_first[s]; i < b->story_first[s + 1]; i++) {
            const struct site_photo *p = &b->photos[i];
            if (p->status != ST_OK)
                continue;
            for (size_t k = 0; k < p->result.n_outputs; k++)
                site_name_set_add(&keep, site_base_name(p->result.outputs[k].path));
            if (p->original_name)
                site_name_set_add(&keep, p->original_name);
        }
        struct dirent *e;
        while ((e = readdir(dh))) {
            char path[TS_LIMIT_PATH];
            if (is_derivative_name(e->d_name) && !site_name_set_has(&keep, e->d_name) &&
                path_join(path, sizeof path, dir, e->d_name))
                unlink(path);
        }
        site_name_set_free(&keep);
        closedir(dh);
    }
    DIR *dh = opendir(b->out_dir);
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh))) {
            /* an older build's stylesheet or scripts (names we make) */
            bool old_css = strncmp(e->d_name, "style.", 6) == 0 &&
                           str_ends_with(e->d_name, ".css") &&
                           strlen(e->d_name) == 6 + SITE_KEY_SHORT + 4 &&
                           strcmp(e->d_name, b->theme.css_name) != 0;
            bool old_js = strncmp(e->d_name, "pow.", 4) == 0 && str_ends_with(e->d_name, ".js") &&
                          strlen(e->d_name) == 4 + SITE_KEY_SHORT + 3 &&
                          (b->cfg->proof_of_work <= 0 ||
                           strcmp(e->d_name, b->theme.pow_js_name) != 0);
            bool old_viewer = strncmp(e->d_name, "viewer.", 7) == 0 &&
                              str_ends_with(e->d_name, ".js") &&
                              strlen(e->d_name) == 7 + SITE_KEY_SHORT + 3 &&
                              strcmp(e->d_name, b->theme.viewer_js_name) != 0;
            if (old_css || old_js || old_viewer) {
                char path[TS_LIMIT_PATH];
                if (path_join(path, sizeof path, b->out_dir, e->d_name))
                    unlink(path);
            }
        }
        closedir(dh);
    }
}

void site_manifest_finish(struct site_build *b)
{
    char path[TS_LIMIT_PATH], now[65];
    record_files(b);
    if (b->manifest_old)
        remove_stale(b);
    /* site.yaml or the theme changed while we rendered: the pages may
     * be of either version, so none is trusted next time */
    inputs_fingerprint(b, now);
    /* Nothing rendered, failed or removed, the same pages and the same
     * files of each story: the manifest would be the one on disk, and
     * printing 20,000 entries to find that out was a tenth of a no-op
     * rebuild at 10,000 photos. */
    if (b->manifest_old && !b->manifest_dirty && strcmp(now, b->inputs_fp) == 0 &&
        json_object_size(json_object_get(b->manifest_new, "pages")) ==
            json_object_size(json_object_get(b->manifest_old, "pages")) &&
        json_equal(json_object_get(b->manifest_new, "stories"),
                   json_object_get(b->manifest_old, "stories")))
        return;
    if (strcmp(now, b->inputs_fp) != 0) {
        const char *rel;
        json_t *v;
        json_object_foreach(json_object_get(b->manifest_new, "pages"), rel, v)
            json_object_del(v, "fp");
    }
    if (!manifest_path(b, path, sizeof path))
        return;
    char *text = json_dumps(b->manifest_new, JSON_COMPACT | JSON_SORT_KEYS);
    struct diag d;
    diag_clear(&d);
    /* unchanged on a no-op build: written only when its bytes differ */
    if (!text || site_write_if_changed(path, text, strlen(text), &d) != ST_OK) {
        /* an old manifest would not name this build's files */
        unlink(path);
        log_msg(LOG_WARN, "%s: cannot save the build manifest (%s); the next build renders "
                          "every page", path, text ? d.message : "out of memory");
    }
    free(text);
}
