/*
 * page_home.c — index.html: the site's stories as large covers with
 * title, date and place, newest first, and the covers' ImageObjects;
 * SITE_LIST_PAGE stories a page (page/2/, page/3/... after it). The
 * same list, of fewer stories, is each tag's and place's page.
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

/* One page of a list: stories [from, to) of `l`, page `k` of `pages_n`. */
static enum status list_page(struct site_build *b, const struct site_list *l, size_t from,
                             size_t to, size_t k, size_t pages_n, const char *root, const char *rel,
                             json_t *pages, struct diag *d)
{
    json_t *list = json_array();
    json_t *covers = json_array(); /* their ImageObjects, for the JSON-LD */
    enum status st = ST_OK;
    char *ld = NULL;
    unsigned figures = 0;
    for (size_t i = from; i < to; i++) {
        const struct story *s = l->refs[i].s;
        json_t *o = json_object();
        char href[TS_LIMIT_PATH], photos[TS_LIMIT_PATH], date_human[64];
        /* a language's list links its own pages; the photos are the story's */
        snprintf(href, sizeof href, "%s%s%s/", root, site_lang_dir(b), s->slug);
        snprintf(photos, sizeof photos, "%s%s/", root, s->slug);
        site_human_date_in(s->date, site_lang_tag(b), date_human, sizeof date_human);
        site_set_or_null(o, "href", href);
        site_set_or_null(o, "title", s->title);
        site_set_or_null(o, "subtitle", s->subtitle);
        site_set_or_null(o, "date", s->date);
        site_set_or_null(o, "date_human", date_human);
        site_set_or_null(o, "place", s->place);
        site_set_or_null(o, "lang", b->lang ? NULL : s->lang);
        json_object_set_new(o, "cover", json_null());
        const char *cover_file = site_story_cover_file(s);
        if (cover_file) {
            struct site_figure_ctx fc = {.b = b,
                                         .story = s,
                                         .story_no = l->refs[i].no,
                                         .root = root,
                                         .prefix = photos,
                                         .lang = b->lang      ? site_lang_tag(b)
                                                 : s->lang ? s->lang
                                                           : b->cfg->language,
                                         .figures = figures,
                                         .captions = false,
                                         .quiet = true};
            struct buf cover;
            buf_init(&cover, TS_LIMIT_PAGE_BYTES);
            site_figure(&fc, cover_file, NULL, NULL, false, &cover);
            figures = fc.figures;
            const struct site_photo *p = site_story_cover(b, l->refs[i].no);
            json_t *io = p ? site_image_object(b, p) : NULL;
            if (io)
                json_array_append_new(covers, io);
            if (cover.len)
                json_object_set_new(o, "cover", json_string(cover.data));
            buf_free(&cover);
        }
        json_array_append_new(list, o);
    }
    json_t *ctx = json_pack("{s:o, s:s}", "stories", list, "root", root);
    site_set_str(ctx, "heading", l->heading);
    site_set_str(ctx, "kind", l->kind);
    site_set_str(ctx, "site_title", b->cfg->title); /* the home page's (hidden) h1 */
    if (pages_n > 1) {
        /* page 1 is DIR, page k DIR/page/k/: from page k the list's
         * folder is up two levels */
        char prev[64] = "", next[64] = "";
        if (k == 2)
            snprintf(prev, sizeof prev, "../../");
        else if (k > 2)
            snprintf(prev, sizeof prev, "../%zu/", k - 1);
        if (k < pages_n)
            snprintf(next, sizeof next, k == 1 ? "page/%zu/" : "../%zu/", k + 1);
        char *page_of = site_msg_numbers(b, "page_of", k, pages_n);
        json_object_set_new(ctx, "pagination",
                            json_pack("{s:i, s:i, s:s}", "page", (json_int_t)k, "pages",
                                      (json_int_t)pages_n, "page_of", page_of ? page_of : ""));
        free(page_of);
        site_set_str(json_object_get(ctx, "pagination"), "prev", prev[0] ? prev : NULL);
        site_set_str(json_object_get(ctx, "pagination"), "next", next[0] ? next : NULL);
    }
    if (json_array_size(covers)) {
        json_t *doc = json_pack("{s:s, s:O}", "@context", "https://schema.org", "@graph", covers);
        ld = site_jsonld_text(doc);
        json_decref(doc);
    }
    char title[1024] = "";
    if (l->heading && k > 1)
        snprintf(title, sizeof title, "%s (page %zu)", l->heading, k);
    else if (k > 1) {
        char *page_n = site_msg_numbers(b, "page_n", k, pages_n);
        snprintf(title, sizeof title, "%s", page_n ? page_n : "");
        free(page_n);
    }
    struct buf content;
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    st = site_render(b, b->theme.index, ctx, &content, d);
    if (st == ST_OK)
        st = site_write_page(
            b,
            &(struct site_page){.rel = rel,
                                .root = root,
                                /* the home page is in each language that tells a story */
                                .versions = !l->heading && k == 1 ? site_home_versions(b) : 0,
                                .same = "",
                                .title = title[0] ? title : l->heading,
                                .description = l->heading ? NULL : b->cfg->description,
                                .content = content.data,
                                .jsonld = ld,
                                .feed_dir = l->feed ? l->dir : NULL,
                                .feed_title = l->heading},
            pages, d);
    json_decref(ctx);
    json_decref(covers);
    free(ld);
    buf_free(&content);
    return st;
}

enum status site_render_story_list(struct site_build *b, const struct site_list *l, json_t *pages,
                                   struct diag *d)
{
    size_t pages_n = l->n ? (l->n + SITE_LIST_PAGE - 1) / SITE_LIST_PAGE : 1;
    size_t depth = 0;
    for (const char *c = l->dir; *c; c++)
        depth += *c == '/';
    for (size_t k = 1; k <= pages_n; k++) {
        char rel[TS_LIMIT_PATH], root[TS_LIMIT_PATH] = "";
        size_t up = depth + (k > 1 ? 2 : 0);
        if (up * 3 + 1 > sizeof root)
            return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "list nested too deep");
        for (size_t u = 0; u < up; u++)
            strcat(root, "../");
        if (k == 1)
            snprintf(rel, sizeof rel, "%sindex.html", l->dir);
        else
            snprintf(rel, sizeof rel, "%spage/%zu/index.html", l->dir, k);
        size_t from = (k - 1) * SITE_LIST_PAGE;
        size_t to = from + SITE_LIST_PAGE < l->n ? from + SITE_LIST_PAGE : l->n;
        /* the page shows these stories' covers, titles and dates (their
         * story pages' fingerprints cover all three) and its neighbours */
        struct buf h;
        buf_init(&h, TS_LIMIT_PAGE_BYTES);
        buf_printf(&h, "list %s|%s|%zu/%zu\n", l->heading ? l->heading : "", l->kind ? l->kind : "",
                   k, pages_n);
        for (size_t i = from; i < to; i++)
            buf_printf(&h, "%s\n", b->story_fp[l->refs[i].no]);
        char fp[65];
        site_fp_page(b, rel, b->site_fp, h.data ? h.data : "", fp);
        buf_free(&h);
        if (site_page_fresh(b, rel, fp))
            continue;
        site_page_begin(b, fp);
        enum status st = list_page(b, l, from, to, k, pages_n, root, rel, pages, d);
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

enum status site_render_home(struct site_build *b, json_t *pages, struct diag *d)
{
    struct site_story_ref *sorted = site_stories_newest_first(b);
    if (!sorted)
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    /* a language's home lists the stories told in it */
    size_t n = 0;
    for (size_t i = 0; i < b->n_stories; i++)
        if (site_story_versions(b, sorted[i].no) & (1u << b->lang))
            sorted[n++] = sorted[i];
    struct site_list l = {.dir = site_lang_dir(b), .refs = sorted, .n = n};
    enum status st = site_render_story_list(b, &l, pages, d);
    free(sorted);
    return st;
}
