/*
 * page_publications.c — publications/index.html: where the site's
 * photographs were published (tear sheets), from each story's
 * `publications:` front matter, newest story first, each linked to the
 * story it credits; the story pages link here.
 *
 * Must never: link a publication's URL that site_url_is_safe refuses, or
 * put a name into the page except through the template engine's escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

enum status site_render_publications(struct site_build *b, const struct site_story_ref *sorted,
                                     json_t *pages, struct diag *d)
{
    json_t *stories = json_array();
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES);
    for (size_t r = 0; r < b->n_stories; r++) {
        const struct story *s = sorted[r].s;
        if (!s->n_publications)
            continue;
        json_t *list = site_publications_json(s);
        char href[TS_LIMIT_PATH];
        snprintf(href, sizeof href, "../%s/", s->slug);
        json_t *o =
            json_pack("{s:s, s:s, s:o}", "href", href, "title", s->title, "publications", list);
        site_set_or_null(o, "date", s->date);
        json_array_append_new(stories, o);
        /* the page shows these stories' publications and titles */
        buf_printf(&h, "%s\n", b->story_fp[sorted[r].no]);
    }
    enum status st = ST_OK;
    char fp[65];
    site_fp_page(b, "publications/index.html", b->site_fp, h.data ? h.data : "", fp);
    buf_free(&h);
    if (json_array_size(stories) && !site_page_fresh(b, "publications/index.html", fp)) {
        site_page_begin(b, fp);
        json_t *ctx = json_pack("{s:s, s:O}", "root", "../", "stories", stories);
        struct buf content;
        buf_init(&content, TS_LIMIT_PAGE_BYTES);
        st = site_render(b, b->theme.publications, ctx, &content, d);
        if (st == ST_OK)
            st = site_write_page(
                b,
                &(struct site_page){.rel = "publications/index.html",
                                    .root = "../",
                                    .title = "Publications",
                                    .description = "Where these photographs were published.",
                                    .content = content.data},
                pages, d);
        json_decref(ctx);
        buf_free(&content);
    }
    json_decref(stories);
    return st;
}
