/*
 * pages.c — the order in which the site's files are written: the
 * stylesheet and form script under hashed names, each story page, the
 * home page, the pages/ folder, 404.html, the Content Credentials page,
 * each photo's own page and licence form, api/photos.json and
 * sitemap.xml; then
 * what is no longer made is removed (manifest.c). Each page type has a
 * file of its own (page_*.c); a page whose input fingerprint
 * (fingerprint.c) is unchanged is not rendered again.
 *
 * Must never: render a page whose fingerprint and file are unchanged
 * (a no-op rebuild renders nothing), or stop the build for one story's
 * or photo's page (reported, counted, the rest written).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A story's page (photo false: story number `i`) or a photo's (photo
 * number `i` of the plan): rendered unless fresh; a failure is reported
 * and counted, and the published file kept. */
static void render_page(struct site_build *b, const char *rel, const char *fp, bool photo,
                        size_t i, json_t *pages)
{
    if (site_page_fresh(b, rel, fp))
        return;
    struct diag sd;
    diag_clear(&sd);
    site_page_begin(b, fp);
    enum status st = photo ? site_render_photo_page(b, i, pages, &sd)
                           : site_render_story(b, i, pages, &sd);
    if (st != ST_OK) {
        log_diag(LOG_ERROR, &sd);
        b->report->errors++;
        site_page_failed(b, rel);
    }
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
    char g[65], fp[65], text[200];
    enum status st = ST_OK;
    site_lang_swap(b, l);
    snprintf(text, sizeof text, "%s lang %s", g_site, site_lang_tag(b));
    site_sha256_hex(text, strlen(text), g);
    memcpy(b->site_fp, g, sizeof g);
    unsigned bit = 1u << l;
    size_t *order = calloc(b->n_stories + 1, sizeof *order), n = 0;
    struct site_story_ref *sorted = site_stories_newest_first(b);
    if (!order || !sorted) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    for (size_t i = 0; i < b->n_stories; i++) {
        if (!(site_story_versions(b, i) & bit))
            continue;
        char rel[TS_LIMIT_PATH];
        site_fp_story(b, g, i, fp);
        memcpy(b->story_fp[i], fp, sizeof fp);
        snprintf(rel, sizeof rel, "%s%s/index.html", site_lang_dir(b), b->stories[i]->slug);
        render_page(b, rel, fp, false, i, pages);
        for (size_t k = b->story_first[i]; k < b->story_first[i + 1]; k++) {
            const struct site_photo *p = &b->photos[k];
            if (p->status != ST_OK)
                continue;
            site_fp_photo(b, g, k, fp);
            snprintf(rel, sizeof rel, "%s%s/%s/index.html", site_lang_dir(b), p->story_slug, p->id);
            render_page(b, rel, fp, true, k, pages);
        }
    }
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
    for (size_t i = 0; i < b->n_stories; i++) {
        char rel[TS_LIMIT_PATH];
        site_fp_story(b, g, i, fp);
        memcpy(b->story_fp[i], fp, sizeof fp);
        buf_printf(&all, "%s\n", fp);
        snprintf(rel, sizeof rel, "%s/index.html", b->stories[i]->slug);
        render_page(b, rel, fp, false, i, pages);
    }
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
    for (size_t i = 0; i < b->n_photos; i++) {
        struct site_photo *p = &b->photos[i];
        struct diag fd;
        diag_clear(&fd);
        char rel[TS_LIMIT_PATH];
        if (p->status != ST_OK)
            continue;
        site_fp_photo(b, g, i, fp);
        snprintf(rel, sizeof rel, "%s/%s/index.html", p->story_slug, p->id);
        render_page(b, rel, fp, true, i, pages);
        site_fp_form(b, g, p, fp);
        snprintf(rel, sizeof rel, "license/%s/%s/index.html", p->story_slug, p->id);
        if (site_page_fresh(b, rel, fp))
            continue;
        site_page_begin(b, fp);
        if (site_render_license_form(b, p, pages, &fd) != ST_OK) {
            log_diag(LOG_ERROR, &fd);
            b->report->errors++;
            site_page_failed(b, rel);
        }
    }
    site_fp_page(b, "licensing/thanks/index.html", g, NULL, fp);
    if (!site_page_fresh(b, "licensing/thanks/index.html", fp)) {
        site_page_begin(b, fp);
        if ((st = site_render_thanks(b, pages, d)) != ST_OK)
            goto abort;
    }
    site_page_begin(b, NULL);
    if ((st = site_write_photos_json(b, d)) != ST_OK)
        goto abort;
    if ((st = write_site_feeds(b, d)) != ST_OK)
        goto abort;
    for (size_t l = 1; l < b->n_langs; l++)
        if ((st = write_language(b, l, g, pages, d)) != ST_OK)
            goto abort;
    site_page_begin(b, NULL);
    if ((st = site_write_robots(b, d)) != ST_OK)
        goto abort;
    if ((st = site_write_sitemap(b, pages, more, d)) != ST_OK)
        goto abort;
    site_prune_outputs(b);
    site_manifest_finish(b);
abort:
    site_page_begin(b, NULL);
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
