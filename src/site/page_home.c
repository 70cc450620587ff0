/*
 * page_home.c — index.html: the site's stories as large covers with
 * title, date and place, newest first, and the covers' ImageObjects.
 *
 * Must never: put a string from a story into the page except through
 * the template engine's escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

static int story_newest_first(const void *a, const void *b)
{
    const struct story *x = ((const struct site_story_ref *)a)->s;
    const struct story *y = ((const struct site_story_ref *)b)->s;
    int c = strcmp(y->date ? y->date : "", x->date ? x->date : "");
    return c ? c : strcmp(x->title, y->title);
}

struct site_story_ref *site_stories_newest_first(const struct site_build *b)
{
    struct site_story_ref *sorted = calloc(b->n_stories ? b->n_stories : 1, sizeof *sorted);
    if (!sorted)
        return NULL;
    for (size_t i = 0; i < b->n_stories; i++)
        sorted[i] = (struct site_story_ref){b->stories[i], i};
    qsort(sorted, b->n_stories, sizeof *sorted, story_newest_first);
    return sorted;
}

enum status site_render_home(struct site_build *b, json_t *pages, struct diag *d)
{
    struct site_story_ref *sorted = site_stories_newest_first(b);
    if (!sorted)
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    json_t *list = json_array();
    json_t *covers = json_array(); /* their ImageObjects, for the JSON-LD */
    enum status st = ST_OK;
    char *ld = NULL;
    unsigned figures = 0;
    for (size_t i = 0; i < b->n_stories; i++) {
        const struct story *s = sorted[i].s;
        json_t *o = json_object();
        char href[600], prefix[600], date_human[64];
        snprintf(href, sizeof href, "%s/", s->slug);
        snprintf(prefix, sizeof prefix, "%s/", s->slug);
        site_human_date(s->date, date_human, sizeof date_human);
        site_set_or_null(o, "href", href);
        site_set_or_null(o, "title", s->title);
        site_set_or_null(o, "subtitle", s->subtitle);
        site_set_or_null(o, "date", s->date);
        site_set_or_null(o, "date_human", date_human);
        site_set_or_null(o, "place", s->place);
        json_object_set_new(o, "cover", json_null());
        const char *cover_file = site_story_cover_file(s);
        if (cover_file) {
            struct site_figure_ctx fc = {.b = b,
                                         .story = s,
                                         .story_no = sorted[i].no,
                                         .root = "",
                                         .prefix = prefix,
                                         .lang = s->lang ? s->lang : b->cfg->language,
                                         .figures = figures,
                                         .captions = false};
            struct buf cover;
            buf_init(&cover, TS_LIMIT_PAGE_BYTES);
            site_figure(&fc, cover_file, NULL, NULL, false, &cover);
            figures = fc.figures;
            const struct site_photo *p = site_photo_find(b, sorted[i].no, cover_file);
            json_t *io = p && p->status == ST_OK ? site_image_object(b, p) : NULL;
            if (io)
                json_array_append_new(covers, io);
            if (cover.len)
                json_object_set_new(o, "cover", json_string(cover.data));
            buf_free(&cover);
        }
        json_array_append_new(list, o);
    }
    json_t *ctx = json_pack("{s:o, s:s}", "stories", list, "root", "");
    if (json_array_size(covers)) {
        json_t *doc = json_pack("{s:s, s:O}", "@context", "https://schema.org", "@graph", covers);
        ld = site_jsonld_text(doc);
        json_decref(doc);
    }
    struct buf content;
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    st = site_render(b, b->theme.index, ctx, &content, d);
    if (st == ST_OK)
        st = site_write_page(b,
                             &(struct site_page){.rel = "index.html",
                                                 .root = "",
                                                 .description = b->cfg->description,
                                                 .content = content.data,
                                                 .jsonld = ld},
                             pages, d);
    json_decref(ctx);
    json_decref(covers);
    free(ld);
    buf_free(&content);
    free(sorted);
    return st;
}
