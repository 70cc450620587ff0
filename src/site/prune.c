/*
 * prune.c — the other half of keeping the output clean (the build
 * manifest, manifest.c, is the first): the derivatives of a story that
 * are no longer made (a photo replaced or removed), and an older
 * build's stylesheet and scripts, found by their names, which only we
 * make. Linear in the files of the output.
 *
 * Must never: remove a file whose name we do not make, or one this
 * build made.
 */
#include <dirent.h>
#include <string.h>
#include <unistd.h>

#include "site/internal.h"

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
            bool old_js =
                strncmp(e->d_name, "pow.", 4) == 0 && str_ends_with(e->d_name, ".js") &&
                strlen(e->d_name) == 4 + SITE_KEY_SHORT + 3 &&
                (b->cfg->proof_of_work <= 0 || strcmp(e->d_name, b->theme.pow_js_name) != 0);
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
